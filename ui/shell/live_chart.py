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

import base64
import hashlib
import json
import math
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache, partial
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import streamlit as st
from _plotly_utils.utils import (  # what plotly.io.to_json uses
    is_skipped_key,
    plotlyjsShortTypes,
    to_typed_array_spec,
)
from plotly.io.json import to_json_plotly

from ui.plots.encoding import copied
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


def _packing(mount: Callable[..., Any]) -> Callable[..., Any]:
    """The component `mount`, given its `data` packed (`packed`)."""

    def packing(*args: Any, data: Mapping[str, Any], **kwargs: Any) -> Any:
        return mount(*args, data=packed(data), **kwargs)

    return packing


_component, _point, _stub = (_packing(mount) for mount in (_component, _point, _stub))


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
    validation a live chart skips). The given dicts are left as they are.

    orjson writes it as plotly's to_json_plotly does, without plotly's last pass, which escapes
    < > / and two line separators for JSON pasted into an HTML page's script: this JSON is only
    ever read by JSON.parse (live_chart.js), and base64 is full of slashes (each one became six
    characters: about 8% of a surface's bytes, and a fifth of its encoding time)."""
    arrays = typed_arrays(value)
    try:
        return orjson.dumps(
            arrays, option=orjson.OPT_NON_STR_KEYS | orjson.OPT_SERIALIZE_NUMPY
        ).decode()
    except TypeError:  # something orjson does not know: plotly cleans it first
        return to_json_plotly(arrays)


def _narrowed(value: np.ndarray) -> np.ndarray | None:
    """A 64-bit integer array in the smallest type that holds it, as plotly narrows it (plotly.js
    has no 64-bit integer arrays); None when nothing smaller does."""
    low, high = int(value.min()), int(value.max())
    kinds = (
        (np.uint8, np.uint16, np.uint32)
        if value.dtype == np.uint64
        else (np.int8, np.int16, np.int32)
    )
    for kind in kinds:
        if np.iinfo(kind).min <= low and high <= np.iinfo(kind).max:
            return value.astype(kind)
    return None


# Values typed_arrays passes on as they are, found by their exact type (no call per number).
_PLAIN = frozenset({str, int, float, bool, type(None)})


@lru_cache(maxsize=4096)
def _skipped(key: Any) -> bool:
    """plotly's is_skipped_key, remembered per key: a figure repeats the same few hundred keys,
    and plotly's test builds a list and a generator on every call."""
    return is_skipped_key(key)


def typed_arrays(value: Any) -> Any:
    """`value` with every numpy array as plotly's typed array spec: what plotly's own
    convert_to_base64 gives (tests/ui/shell/test_live_chart.py compares them), in new containers
    rather than in place. A float array is encoded here directly: plotly's route copies each array
    through narwhals first, about half a millisecond an array, which was a third of the Explore
    work of a new parameter value (a new base: surface, contours, level curve). Numbers and
    strings are passed on without a call: the walk over a base's hundred-odd layout values was
    most of the time of encoding a base without its z (a new parameter value's)."""
    if isinstance(value, dict):
        return {
            key: item if type(item) in _PLAIN or _skipped(key) else _typed_item(item)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):  # as plotly: an array in a list stays an array
        return [item if type(item) in _PLAIN else typed_arrays(item) for item in value]
    return value


def _typed_item(value: Any) -> Any:
    """A dict's value: an array becomes its spec, a container is walked."""
    if not isinstance(value, np.ndarray):
        return typed_arrays(value)
    if value.size == 0 or value.dtype.kind not in "fiu":
        return to_typed_array_spec(value)
    if value.dtype in (np.int64, np.uint64):
        narrow = _narrowed(value)
        if narrow is None:  # beyond 32 bits: plotly leaves it as it is (a list in the JSON)
            return value
        value = narrow
    if str(value.dtype) not in plotlyjsShortTypes:
        return to_typed_array_spec(value)
    spec = {
        "dtype": plotlyjsShortTypes[str(value.dtype)],
        "bdata": base64.b64encode(np.ascontiguousarray(value)).decode("ascii"),
    }
    if value.ndim > 1:
        spec["shape"] = str(value.shape)[1:-1]
    return spec


def shared_grid(x, y, z) -> dict[str, Any]:
    """A grid for `live_grid`: x, y and z (rows along y) as float32 base64 typed arrays, and an
    id that names exactly these numbers (a base refers to it; a new grid is a new id)."""
    arrays = [np.ascontiguousarray(a, dtype=np.float32) for a in (x, y, z)]
    digest = hashlib.blake2b(digest_size=12)
    for array in arrays:
        digest.update(str(array.shape).encode())
        digest.update(array.tobytes())
    part = {"id": digest.hexdigest(), "x": arrays[0], "y": arrays[1], "z": arrays[2]}
    return typed_arrays(part)


def split_figure(
    figure,
    base_roles: Collection[str],
    *,
    grid_roles: Collection[str] = (),
    base_extra: Sequence[dict] = (),
    base_json: Callable[[Any], str] | None = None,
) -> tuple[str, str, dict[str, Any]]:
    """(base figure JSON, moving traces JSON, point-dependent layout) of a built go.Figure, or of
    its (traces, layout) parts (left unchanged; no go.Figure is built or checked): the
    traces whose meta is in `base_roles` are the base (their data must not depend on the point);
    those in `grid_roles` too, without x, y, z, which they take from the page's shared grid.
    The figure's own level curve (meta "level curve") is left out: the browser draws it from a
    hidden copy in `base_extra` at the point part's `level`, so the base stays the same.
    `base_extra` comes right after the grid's traces (under markers drawn over the map).
    `base_json` encodes the base (default plotly_json; a ui.plots.encoding.JsonMemo shares it)."""
    if isinstance(figure, tuple):
        traces = [copied(t) for t in figure[0] if t.get("meta") != "level curve"]
        layout = copied(figure[1])
    else:
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
    encode = base_json or plotly_json
    return encode({"data": base, "layout": layout}), plotly_json(moving), point_layout


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


# The engine, the grid and each chart's point are stateless elements without a key: Streamlit
# then leaves them out of the session state that every keyed widget reads whole on each run
# (SessionState.filtered_state presents each keyed component's state, building a class for it):
# on Second order that was twelve components read by each of its thirteen keyed widgets per run.
# Their data decides their identity; each is one of a kind on its page (a point names its chart).


def packed(data: Mapping[str, Any]) -> dict[str, Any]:
    """A component's `data` with its dict and list values as one JSON text under "packed"
    (live_chart.js unpacks it, `unpacked` here). Streamlit checks each top-level value of a
    component's data for a dataframe on every run: 50 µs or more for a dict or a list, and
    nothing for a string or a number (1.5 of Second order's 23 ms a run, thread CPU)."""
    flat: dict[str, Any] = {}
    inner: dict[str, Any] = {}
    for key, value in data.items():
        (inner if isinstance(value, dict | list | tuple) else flat)[key] = value
    if inner:
        flat["packed"] = json.dumps(inner)
    return flat


def unpacked(data: Mapping[str, Any]) -> dict[str, Any]:
    """`packed`'s data as it was given (JSON's lists for tuples)."""
    flat = dict(data)
    inner = flat.pop("packed", None)
    return {**flat, **json.loads(inner)} if isinstance(inner, str) else flat


def live_engine() -> None:
    """Load the live charts' module once on this page (an empty element), for the charts that
    `live_chart(..., light=True)` draws after it."""
    _component(data={"role": "engine"}, height=0)


def live_grid(part: Mapping[str, Any]) -> None:
    """Send a `shared_grid` once for every light live chart of the page whose base names its id
    (`base["grid"]`); unchanged, a rerun sends Streamlit's short reference."""
    _stub(data={"role": "grid", **part}, height=0)


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
    description: str = "",
) -> None:
    """Draw chart `key`: `base` (kind "3d" or "2d", figure JSON, geometry, compiled function, and
    optionally `moving` and `grid`) and `point` (traces JSON, layout parts, level, what is shown,
    optionally `params`). on_move(Moved) runs in a callback before the rerun that a drag, a click
    or the arrow keys cause. `light`: mounted through the stub (live_engine() came first).
    The chart's accessible name is `label` and `description`, the point in words (it travels
    with the point, so a move never resends the base)."""
    geometry = base["geometry"]
    look = current_look()
    figure = themed_json(base["figure"], look)  # JSON text (plotly_json)
    if not look.plain:
        point = {**point, "traces": themed_json(point["traces"], look)}
        point["layout"] = layout_part(point.get("layout") or {}, look)
    live = base.get("live")
    grid = base.get("grid")
    # The values too: a parametric base may leave z to the browser (withBodyZ), the same figure
    # at two values.
    values = repr((live or {}).get("values"))
    revision = hashlib.blake2b(
        (figure + (live or {}).get("body", "") + (grid or "") + values).encode(), digest_size=12
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
    words = {"description": description} if description else {}
    _point(data={"chart": key, **point, **words}, height=0)
