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


def keyboard_help(key: str = "keyboard_help") -> None:
    """Make every chart toolbar of the page one Tab stop (arrow keys move along it)."""
    _component(key=key, data={}, height=0)
