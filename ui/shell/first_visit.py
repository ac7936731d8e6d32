"""The first visit to a fresh server, when it opens a page's link (/descent, not /).

Streamlit 1.67 starts every server in its first multipage mode whenever a folder named pages/ sits
beside the entry file (streamlit/runtime/pages_manager.py: `uses_pages_directory` is set from
`Path("pages").exists()`, whatever the folder holds), until some run calls st.navigation. In that
mode (script_runner.py `_mpa_v1`) a run builds a navigation of app.py plus pages/*.py and runs the
file the link names: a link to / runs app.py inside it, a link to /descent runs pages/descent.py;
with no such file the visitor gets a "Page not found" dialog (measured in Chromium:
tests/e2e/test_pages.py). So pages/ keeps one two-line file per URL path (pages/descent.py, ...)
whose only job is `through_app()`: run app.py right there, in the same run, exactly as that mode
runs it for a link to /. app.py's st.navigation leaves the old mode for good (every later run, on
any session, starts at app.py) and routes the same link to pages/<page>/page.py. A page's script
hash is the hash of its URL path in both modes, so the page, its widgets and its link are the same
as on any later visit. (Before, the hand-off called st.rerun: the first visit ran twice.)
"""

from __future__ import annotations

import runpy

from streamlit.runtime.scriptrunner import get_script_run_ctx


def through_app() -> None:
    """Run app.py in this run, the way Streamlit's first multipage mode runs it for a link to /."""
    ctx = get_script_run_ctx()
    if ctx is None:  # imported outside a Streamlit run: nothing to route
        return
    # The project's own entry file, by path (as Streamlit runs it: a module named __main__).
    runpy.run_path(ctx.pages_manager.main_script_path, run_name="__main__")
