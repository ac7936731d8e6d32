"""A live chart: a Plotly chart that stays mounted across reruns and moves its point in the browser.

st.plotly_chart remounts a chart whenever its figure changes: every click built a new WebGL
context, recompiled its shaders (about 1.2 s in software WebGL) and lost nothing but time, since
the surface had not changed (DESIGN.md). Here one chart is drawn by a Streamlit component
(ui/shell/live_chart.js, no iframe) in two parts:

- the base: what depends on the function, the window and the resolution (the surface or the
  filled contours). Its data is unchanged when only the point moves, so Streamlit sends a short
  reference instead of the arrays, and the browser redraws nothing;
- the point: Python's traces for the current point (ui/plots builders, the reference) and the
  point-dependent parts of the layout. A few kilobytes, applied in place with Plotly.react.

While a person drags the point (or uses the arrow keys on the focused chart) the browser computes
the moving traces itself from f, ∂f/∂x and ∂f/∂y compiled by core (core.javascript: generated from
core's own tree, allowlist-checked, never the typed text); on release one rerun brings the server's
answer. What comes back from the browser is untrusted: only finite numbers are accepted, and the
point is kept inside the window.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, partial
from pathlib import Path
from typing import Any

import streamlit as st
from _plotly_utils.utils import convert_to_base64  # what plotly.io.to_json uses
from plotly.io.json import to_json_plotly

_JS = (Path(__file__).with_name("live_chart.js")).read_text(encoding="utf-8")
# Not style-isolated: Plotly's own stylesheet (modebar, hover labels) lives in the document.
_component = st.components.v2.component("derivatives_live_chart", js=_JS, isolate_styles=False)
# The point's own component: its element changes on every move and carries its JavaScript each
# time, so that JavaScript is a few lines (it hands the data to live_chart.js).
_point = st.components.v2.component(
    "derivatives_live_point", js=(Path(__file__).with_name("live_point.js")).read_text("utf-8")
)


@dataclass(frozen=True)
class Moved:
    """Where the person left the point, and how many frames the browser drew on the way."""

    x: float
    y: float
    frames: int = 0


@cache
def plotly_chunk() -> str | None:
    """The URL (relative to the app) of the Plotly build Streamlit itself loads for
    st.plotly_chart, for a page whose live chart comes before any st.plotly_chart."""
    folder = Path(st.__file__).parent / "static" / "static" / "js"
    found = sorted(folder.glob("PlotlyChart.*.js"))
    return f"static/js/{found[0].name}" if found else None


def plotly_json(value: Any) -> str:
    """A figure (data + layout) or a list of traces as Plotly JSON, numpy arrays as base64 typed
    arrays (as st.plotly_chart sends them; plotly.io.to_json does this only for go.Figure, whose
    validation a live chart skips). Converts the given dicts in place."""
    convert_to_base64(value)
    return to_json_plotly(value)


def parse_moved(payload: Any, xlim: Sequence[float], ylim: Sequence[float]) -> Moved | None:
    """The browser's "moved" payload as a point inside the window, or None when it is not one."""
    if not isinstance(payload, Mapping):
        return None
    x, y = payload.get("x"), payload.get("y")
    if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in (x, y)):
        return None
    if not (math.isfinite(x) and math.isfinite(y)):
        return None
    frames = payload.get("frames")
    frames = int(frames) if isinstance(frames, int) and 0 <= frames < 10**9 else 0
    x = min(max(float(x), xlim[0]), xlim[1])
    y = min(max(float(y), ylim[0]), ylim[1])
    return Moved(x, y, frames)


def _received(key: str, xlim, ylim, on_move: Callable[[Moved], None]) -> None:
    # A callback: it runs before the script, so on_move may set the sidebar's point inputs.
    state = st.session_state.get(key)
    moved = parse_moved(state.get("moved") if isinstance(state, Mapping) else None, xlim, ylim)
    if moved is not None:
        on_move(moved)


def live_chart(
    key: str,
    *,
    base: Mapping[str, Any],
    point: Mapping[str, Any],
    on_move: Callable[[Moved], None],
    height: int,
    label: str,
) -> None:
    """Draw chart `key`: `base` (kind "3d" or "2d", figure JSON, geometry, compiled function) and
    `point` (traces JSON, layout parts, level, what is shown). on_move(Moved) runs in a callback
    before the rerun that a drag, a click or the arrow keys cause."""
    geometry = base["geometry"]
    figure = base["figure"]  # JSON text (plotly_json)
    live = base.get("live")
    revision = hashlib.blake2b(
        (figure + (live or {}).get("body", "")).encode(), digest_size=12
    ).hexdigest()
    _component(
        key=key,
        data={
            "role": "base",
            "chart": key,
            "kind": base["kind"],
            "figure": figure,
            "geometry": geometry,
            "live": live,
            "config": base.get("config", {}),
            "revision": revision,
            "height": height,
            "label": label,
            "plotly_chunk": plotly_chunk(),
        },
        height=height,
        on_moved_change=partial(_received, key, geometry["xlim"], geometry["ylim"], on_move),
    )
    _point(key=f"{key}_point", data={"chart": key, **point}, height=0)
