"""The race chart: the race on the surface and on the map, drawn by a Streamlit component that stays
mounted across reruns (pages/descent/race_chart.js, no iframe).

st.plotly_chart remounts a chart whenever its figure changes: every new start built a new WebGL
context and resent the whole figure (611 KB, 482 KB of it animation frames), and Streamlit
validated the figure again before encoding it. Here the chart is sent in two parts:

- the base (race.race_base): the surface and the map under the race. It is the same for every
  start, so after the first run Streamlit sends a short reference instead of it, and the browser
  keeps what it drew (the WebGL context, the camera);
- the race (race.race_moving): the start, the racers' traces at the finished race and the
  animation in compact form, a few tens of kilobytes; the browser builds each frame.

Both are prepared dicts turned into JSON by ui.shell.live_chart.plotly_json (numpy arrays as base64
typed arrays), never a go.Figure: nothing is validated twice. What comes back from the browser is
untrusted: only a click made of two finite numbers is accepted, and it is kept inside the window.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import Any

import streamlit as st

from pages.descent.race import FRAME_MS, SPEEDS
from ui.plots.config import PLOT_CONFIG
from ui.plots.theme import themed_json
from ui.shell.live_chart import parse_point, plotly_chunk
from ui.shell.look import current_look

_HERE = Path(__file__).parent
# Not style-isolated: Plotly's own stylesheet (modebar, hover labels) lives in the document.
_chart = st.components.v2.component(
    "descent_race_chart",
    js=(_HERE / "race_chart.js").read_text(encoding="utf-8"),
    isolate_styles=False,
)
_race = st.components.v2.component(
    "descent_race_part", js=(_HERE / "race_part.js").read_text(encoding="utf-8")
)


def revision(figure_json: str) -> str:
    """A short name for a base figure: the browser redraws the base only when it changes."""
    return hashlib.blake2b(figure_json.encode(), digest_size=12).hexdigest()


def parse_click(
    payload: Any, xlim: Sequence[float], ylim: Sequence[float]
) -> tuple[float, float] | None:
    """The browser's "clicked" payload as a point inside the window, or None when it is not one."""
    return parse_point(payload, xlim, ylim)


def _clicked(key: str, xlim, ylim, on_click: Callable[[float, float], None]) -> None:
    # A callback: it runs before the script, so on_click may set the sidebar's point inputs.
    state = st.session_state.get(key)
    at = parse_click(state.get("clicked") if isinstance(state, Mapping) else None, xlim, ylim)
    if at is not None:
        on_click(*at)


def race_chart(
    key: str,
    *,
    base: str,
    race: str,
    xlim: Sequence[float],
    ylim: Sequence[float],
    on_click: Callable[[float, float], None],
    label: str,
) -> None:
    """Draw race chart `key`: `base` and `race` are figure JSON (race.race_base and
    race.race_moving through plotly_json). on_click(x, y) runs in a callback before the rerun
    that a click on the map or the surface causes."""
    # The paths, labels and markers sit on the map's light shading in either theme: only the
    # page around them (paper, text, axes) turns dark.
    look = dataclasses.replace(current_look(), recolour_traces=False)
    base, race = themed_json(base, look), themed_json(race, look)
    _chart(
        key=key,
        data={
            "chart": key,
            "figure": base,
            "revision": revision(base),
            "config": PLOT_CONFIG,
            "label": label,
            "speeds": list(SPEEDS),
            "frame_ms": FRAME_MS,
            "plotly_chunk": plotly_chunk(),
        },
        on_clicked_change=partial(_clicked, key, tuple(xlim), tuple(ylim), on_click),
    )
    _race(key=f"{key}_race", data={"chart": key, "race": race}, height=0)
