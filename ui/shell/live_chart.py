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

A page with several live charts (Second order draws five) sends the module once: `live_engine()`
mounts it in an element of its own, and `live_chart(..., light=True)` mounts each chart through a
few-line stub (live_stub.js) that hands it over. Streamlit sends a component's JavaScript with
every message of its element, about 30 KB here. Such a page also sends its grid once
(`live_grid`): a base's traces marked `"grid": True` take x, y and z from it in the browser.
Each base names the traces the browser moves (`moving`, see live_chart.js: "slices", "plane",
"gradient", "point", "level", "quadratic", "direction"); the point part may carry `params` for
them (the direction's angle in radians, the quadratic's radius).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, partial
from pathlib import Path
from typing import Any

import numpy as np
import streamlit as st
from _plotly_utils.utils import convert_to_base64  # what plotly.io.to_json uses
from plotly.io.json import to_json_plotly

from ui.plots.theme import layout_part, themed_json
from ui.shell.look import current_look


def compact_javascript(source: str) -> str:
    """`source` without its comment lines and indentation: Streamlit sends a component's
    JavaScript with its element (a quarter fewer bytes here). Only whole-line `//` comments go,
    so a string or a trailing comment is never cut; the source has no multi-line literals."""
    lines = (line.strip() for line in source.splitlines())
    return "\n".join(line for line in lines if line and not line.startswith("//")) + "\n"


_JS = compact_javascript((Path(__file__).with_name("live_chart.js")).read_text(encoding="utf-8"))
# Not style-isolated: Plotly's own stylesheet (modebar, hover labels) lives in the document.
_component = st.components.v2.component("derivatives_live_chart", js=_JS, isolate_styles=False)
# The point's own component: its element changes on every move and carries its JavaScript each
# time, so that JavaScript is a few lines (it hands the data to live_chart.js).
_point = st.components.v2.component(
    "derivatives_live_point", js=(Path(__file__).with_name("live_point.js")).read_text("utf-8")
)
# A chart's element when the page mounted the engine (live_engine): a few lines of JavaScript.
_stub = st.components.v2.component(
    "derivatives_live_stub",
    js=(Path(__file__).with_name("live_stub.js")).read_text("utf-8"),
    isolate_styles=False,  # as the chart's own component: Plotly's stylesheet is the document's
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


def shared_grid(x, y, z) -> dict[str, Any]:
    """A grid for `live_grid`: x, y and z (rows along y) as float32 base64 typed arrays, and an
    id that names exactly these numbers (a base refers to it; a new grid is a new id)."""
    arrays = [np.ascontiguousarray(a, dtype=np.float32) for a in (x, y, z)]
    digest = hashlib.blake2b(digest_size=12)
    for array in arrays:
        digest.update(str(array.shape).encode())
        digest.update(array.tobytes())
    part = {"id": digest.hexdigest(), "x": arrays[0], "y": arrays[1], "z": arrays[2]}
    convert_to_base64(part)
    return part


def split_figure(
    figure,
    base_roles: Collection[str],
    *,
    grid_roles: Collection[str] = (),
    base_extra: Sequence[dict] = (),
) -> tuple[str, str, dict[str, Any]]:
    """(base figure JSON, moving traces JSON, point-dependent layout) of a built go.Figure: the
    traces whose meta is in `base_roles` are the base (their data must not depend on the point);
    those in `grid_roles` too, without x, y, z, which they take from the page's shared grid.
    The figure's own level curve (meta "level curve") is left out: the browser draws it from a
    hidden copy in `base_extra` at the point part's `level`, so the base stays the same.
    `base_extra` comes right after the grid's traces (under markers drawn over the map)."""
    traces = [t.to_plotly_json() for t in figure.data if t.meta != "level curve"]
    layout = figure.layout.to_plotly_json()
    point_layout = {"annotations": layout.pop("annotations", [])}
    if "margin" in layout:
        point_layout["margin"] = layout["margin"]
    base, moving = [], []
    for trace in traces:
        role = trace.get("meta")
        if role in grid_roles:
            trace = {k: v for k, v in trace.items() if k not in ("x", "y", "z")}
            base.append({**trace, "grid": True})
        elif role in base_roles:
            base.append(trace)
        else:
            moving.append(trace)
    after = max((n + 1 for n, t in enumerate(base) if t.get("meta") in grid_roles), default=0)
    base[after:after] = [dict(trace) for trace in base_extra]
    return plotly_json({"data": base, "layout": layout}), plotly_json(moving), point_layout


def parse_point(
    payload: Any, xlim: Sequence[float], ylim: Sequence[float]
) -> tuple[float, float] | None:
    """A browser payload's x and y as a point inside the window, or None when they are not two
    finite numbers (what comes back from the browser is untrusted)."""
    if not isinstance(payload, Mapping):
        return None
    x, y = payload.get("x"), payload.get("y")
    if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in (x, y)):
        return None
    if not (math.isfinite(x) and math.isfinite(y)):
        return None
    return min(max(float(x), xlim[0]), xlim[1]), min(max(float(y), ylim[0]), ylim[1])


def parse_moved(payload: Any, xlim: Sequence[float], ylim: Sequence[float]) -> Moved | None:
    """The browser's "moved" payload as a point inside the window, or None when it is not one."""
    point = parse_point(payload, xlim, ylim)
    if point is None:
        return None
    frames = payload.get("frames")
    frames = int(frames) if isinstance(frames, int) and 0 <= frames < 10**9 else 0
    return Moved(*point, frames)


def _received(key: str, xlim, ylim, on_move: Callable[[Moved], None]) -> None:
    # A callback: it runs before the script, so on_move may set the sidebar's point inputs.
    state = st.session_state.get(key)
    moved = parse_moved(state.get("moved") if isinstance(state, Mapping) else None, xlim, ylim)
    if moved is not None:
        on_move(moved)


def live_engine(key: str = "live_chart_engine") -> None:
    """Load the live charts' module once on this page (an empty element), for the charts that
    `live_chart(..., light=True)` draws after it."""
    _component(key=key, data={"role": "engine"}, height=0)


def live_grid(key: str, part: Mapping[str, Any]) -> None:
    """Send a `shared_grid` once for every light live chart of the page whose base names its id
    (`base["grid"]`); unchanged, a rerun sends Streamlit's short reference."""
    _stub(key=key, data={"role": "grid", **part}, height=0)


FIT_3D = 1.25  # a 3D chart's least width / height: narrower, its tick labels were cut


def live_chart(
    key: str,
    *,
    base: Mapping[str, Any],
    point: Mapping[str, Any],
    on_move: Callable[[Moved], None],
    height: int,
    label: str,
    light: bool = False,
) -> None:
    """Draw chart `key`: `base` (kind "3d" or "2d", figure JSON, geometry, compiled function, and
    optionally `moving` and `grid`) and `point` (traces JSON, layout parts, level, what is shown,
    optionally `params`). on_move(Moved) runs in a callback before the rerun that a drag, a click
    or the arrow keys cause. `light`: mounted through the stub (live_engine() came first)."""
    geometry = base["geometry"]
    look = current_look()
    figure = themed_json(base["figure"], look)  # JSON text (plotly_json)
    if not look.plain:
        point = {**point, "traces": themed_json(point["traces"], look)}
        point["layout"] = layout_part(point.get("layout") or {}, look)
    live = base.get("live")
    grid = base.get("grid")
    revision = hashlib.blake2b(
        (figure + (live or {}).get("body", "") + (grid or "")).encode(), digest_size=12
    ).hexdigest()
    extra = {"moving": list(base["moving"])} if base.get("moving") is not None else {}
    if grid:
        extra["grid"] = grid
    (_stub if light else _component)(
        key=key,
        data={
            **extra,
            "role": "base",
            "chart": key,
            "kind": base["kind"],
            "figure": figure,
            "geometry": geometry,
            "live": live,
            "config": base.get("config", {}),
            "revision": revision,
            "height": height,
            # 3D: no taller than the column's width / FIT_3D (ui/shell/live_chart.js, fitHeight).
            "fit": FIT_3D if base["kind"] == "3d" else None,
            "label": label,
            "plotly_chunk": plotly_chunk(),
        },
        # Sized by its content: the browser may draw a 3D chart lower than `height` (fitHeight),
        # and a fixed box would leave a gap below it, or scroll inside itself on a phone.
        height="content",
        on_moved_change=partial(_received, key, geometry["xlim"], geometry["ylim"], on_move),
    )
    _point(key=f"{key}_point", data={"chart": key, **point}, height=0)
