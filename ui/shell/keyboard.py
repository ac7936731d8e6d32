"""Keyboard help shared by every page: each chart toolbar is one Tab stop (ui/shell/keyboard.js).

An invisible Streamlit component (no iframe) drawn by the sidebar on every run; its JavaScript
installs itself once per page load and is sent again only with the sidebar's own messages.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

_component = st.components.v2.component(
    "derivatives_keyboard", js=(Path(__file__).with_name("keyboard.js")).read_text("utf-8")
)


def keyboard_help() -> None:
    """Make every chart toolbar of the page one Tab stop (arrow keys move along it).

    No key: its data never changes, so its identity is stable without one, and a keyed
    component costs every later widget of the run a copy of its state (Streamlit's
    filtered_state presents each keyed component's state once per widget drawn)."""
    _component(data={}, height=0)
