"""Long formulas on every page: drawn smaller to fit their column, and one that still does not
fit scrolls with a visible cue (ui/shell/formulas.js; the cue's look is ui/shell/style.py's
FORMULAS).

An invisible Streamlit component (no iframe) drawn by the sidebar on every run; its JavaScript
installs itself once per page load.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

_component = st.components.v2.component(
    "derivatives_formulas", js=(Path(__file__).with_name("formulas.js")).read_text("utf-8")
)


def fit_formulas() -> None:
    """Make every formula of the page fit its column, or show that it scrolls.

    No key, as ui.shell.keyboard.keyboard_help: its data never changes."""
    _component(data={}, height=0)
