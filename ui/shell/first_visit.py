"""The first visit to a fresh server, when it opens a page's link (/descent, not /).

Streamlit 1.67 starts every server in its first multipage mode whenever a folder named pages/ sits
beside the entry file (streamlit/runtime/pages_manager.py: `uses_pages_directory` is set from
`Path("pages").exists()`, whatever the folder holds), until some run calls st.navigation. In that
mode a link to /descent is looked up among pages/*.py; with nothing there the visitor gets a
"Page not found" dialog (measured in Chromium: tests/e2e/test_pages.py). So pages/ keeps one
two-line file per URL path (pages/descent.py, ...) whose only job is `through_app()`: leave that
mode and run the same link again through app.py, which routes to pages/<page>/page.py. Every later
visit, on any session, goes straight to app.py.
"""

from __future__ import annotations

import streamlit as st


def through_app() -> None:
    """Switch Streamlit's first multipage mode off (the flag st.navigation itself clears) and run
    this link again, this time through app.py."""
    from streamlit.runtime.pages_manager import PagesManager

    PagesManager.uses_pages_directory = False
    st.rerun()
