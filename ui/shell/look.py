"""The look of the page for this session: light or dark theme, and the text size (theme=dark,
font=1.25 in the link; ui/shell/view.py reads them). Charts drawn through `chart` follow it
(ui.plots.theme); Streamlit's own theme is switched in the browser by `theme_switch`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import streamlit as st

from ui.plots.colours import on_dark
from ui.plots.config import PLOT_CONFIG
from ui.plots.theme import DARK, LIGHT, MAX_FONT, MIN_FONT, PLAIN, Look, themed

_JS = Path(__file__).with_name("look.js").read_text(encoding="utf-8")
_component = st.components.v2.component("derivatives_theme_switch", js=_JS)


def current_look() -> Look:
    """This session's look, from the sidebar's controls (keys "theme" and "font")."""
    theme = st.session_state.get("theme", LIGHT)
    font = st.session_state.get("font", 1.0)
    if theme not in (LIGHT, DARK) or not isinstance(font, int | float):
        return PLAIN
    return Look(theme, min(max(float(font), MIN_FONT), MAX_FONT))


def text_colour(colour: str) -> str:
    """A #rrggbb colour for text on this session's page (lighter in the dark theme)."""
    return on_dark(colour) if current_look().theme == DARK else colour


def themed_chart(container: Any, figure: Any, key: str, **kwargs: Any) -> Any:
    """st.plotly_chart in this session's look (Streamlit's chart theme off: it overrode our
    colours with a 3.7:1 grey)."""
    return container.plotly_chart(
        themed(figure, current_look()), key=key, config=PLOT_CONFIG, theme=None, **kwargs
    )


def theme_switch(theme: str) -> None:
    """Make Streamlit's own theme the link's (a reload when the browser shows the other one).

    No key (as ui.shell.keyboard.keyboard_help): its identity is its data, which changes only
    with the theme, and its script reads the data afresh whenever it is mounted."""
    _component(data={"theme": theme}, height=0)
