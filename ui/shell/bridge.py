"""Click bridge: clicks on Plotly charts that Streamlit's own selection cannot report.

st.plotly_chart returns an empty selection for go.Surface and go.Contour (DESIGN.md), so an
invisible st.components.v2 component (no iframe) subscribes to the chart divs that
st.plotly_chart drew inside keyed containers and reports a click as (chart, x, y):

- 3D surface: the surface point under the pointer (plotly_click's point, a grid node of the
  surface). plotly_click fires while the button is still down there, so the bridge waits for the
  pointerup and drops gestures that moved 5 px or more: a rotation is not a click. A tap too
  short for plotly's render loop to see gets no plotly_click; the hovered point stands in.
- 2D contour: the exact pointer position converted to data coordinates through the chart's own
  axes (not the grid node plotly_click snaps to); clicks in the margins report nothing, and a
  zoom-box drag is not a click.

The 3D camera. Any change of the figure spec remounts the chart and resets its camera
(Streamlit issue 8882; uirevision does not help). Two routes keep the person's rotation, and the
bridge uses both because each covers a case the other cannot:

1. Every click carries the last camera of each 3D chart; the callback stores it, and the page
   draws the next figure with `scene_camera=current_camera(...)`. The remounted chart then opens
   at the person's view with no flash of the default view. This is the path a click takes.
2. The JS module (loaded once, so its memory survives reruns) remembers the camera from
   plotly_relayout and puts it back on a chart that was redrawn without it, e.g. after a sidebar
   change made a new figure while the person had rotated since their last click.

Both were checked in Chromium (tests/e2e/test_bridge.py): with route 2 switched off, a click
kept the rotation and a sidebar change fell back to the camera of the last click. Route 2 calls
Plotly.relayout (window.Plotly is global in Streamlit 1.67's bundle), else the gl scene's
setCamera. The remembered camera wins over one the page puts in the figure; the modebar's
reset-camera button is how the person goes back to the default view (it is remembered too).
Sending the camera to Python on every rotation was rejected: setStateValue reruns the script, and
a rerun per rotation redraws the chart for nothing.

The browser is untrusted: everything that comes back is validated here (known chart names,
finite numbers, a camera made of up/center/eye with numeric x, y, z).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import streamlit as st

_JS = (Path(__file__).with_name("bridge.js")).read_text(encoding="utf-8")
_component = st.components.v2.component("derivatives_click_bridge", js=_JS)

_CAMERA_PARTS = ("up", "center", "eye")
_PROJECTIONS = frozenset({"perspective", "orthographic"})
_CAMERA_LIMIT = 1e6  # plotly's camera vectors are a few units long; bigger is junk
_MAX_CHARTS = 16

Camera = dict[str, dict[str, float] | dict[str, str]]


@dataclass(frozen=True)
class ChartClick:
    """A click on chart `chart` (its container key) at data coordinates (x, y)."""

    chart: str
    x: float
    y: float


def _finite(value: Any) -> float | None:
    """value as a float when it is a real, finite number (bools and strings are not numbers)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def parse_camera(payload: Any) -> Camera | None:
    """A plotly scene camera rebuilt from untrusted data, or None when any part is missing/odd."""
    if not isinstance(payload, Mapping):
        return None
    camera: Camera = {}
    for part in _CAMERA_PARTS:
        vector = payload.get(part)
        if not isinstance(vector, Mapping):
            return None
        values = {axis: _finite(vector.get(axis)) for axis in "xyz"}
        if any(v is None or abs(v) > _CAMERA_LIMIT for v in values.values()):
            return None
        camera[part] = values
    if not any(camera["eye"].values()) or not any(camera["up"].values()):
        return None  # a zero eye or up vector leaves the view undefined
    projection = payload.get("projection")
    if isinstance(projection, Mapping) and projection.get("type") in _PROJECTIONS:
        camera["projection"] = {"type": projection["type"]}
    return camera


def parse_click(payload: Any, charts: Sequence[str]) -> tuple[ChartClick | None, dict[str, Camera]]:
    """The click and the 3D cameras in an untrusted bridge payload.

    Returns (None, cameras) when the click part is invalid; cameras only for charts in `charts`.
    """
    if not isinstance(payload, Mapping):
        return None, {}
    cameras: dict[str, Camera] = {}
    sent = payload.get("cameras")
    if isinstance(sent, Mapping):
        for chart in charts:
            camera = parse_camera(sent.get(chart))
            if camera is not None:
                cameras[chart] = camera
    chart, x, y = payload.get("chart"), _finite(payload.get("x")), _finite(payload.get("y"))
    if not isinstance(chart, str) or chart not in charts or x is None or y is None:
        return None, cameras
    return ChartClick(chart, x, y), cameras


def _memory(key: str) -> dict[str, Any]:
    """What the bridge `key` learned in this session: the last camera of each chart."""
    return st.session_state.setdefault(f"_bridge_memory_{key}", {"cameras": {}})


def _received(key: str, charts: tuple[str, ...], on_click: Callable | None) -> None:
    # A callback: it runs before the script, so on_click may set keys of widgets drawn above.
    state = st.session_state.get(key)
    payload = state.get("click") if isinstance(state, Mapping) else None
    click, cameras = parse_click(payload, charts)
    memory = _memory(key)
    memory["cameras"] = {**memory["cameras"], **cameras}
    if click is None:
        return
    if on_click is not None:
        on_click(click)


def chart_clicks(
    key: str,
    charts: Sequence[str],
    on_click: Callable[[ChartClick], None] | None = None,
) -> ChartClick | None:
    """Mount the (invisible) bridge for the charts in containers keyed `charts`.

    on_click(click) runs in a callback before the next script run, so it may set
    st.session_state of widgets drawn earlier in the script (e.g. the point's number inputs).
    Returns the click that caused this run, or None. Mount once per page, after the charts or
    not: it finds them in the page by container key, and charts that are absent are skipped.
    """
    charts = tuple(dict.fromkeys(str(chart) for chart in charts))[:_MAX_CHARTS]
    result = _component(
        key=key,
        data={"charts": list(charts)},
        height=0,
        on_click_change=partial(_received, key, charts, on_click),
    )
    click, _ = parse_click(getattr(result, "click", None), charts)
    return click


def current_camera(key: str, chart: str) -> Camera | None:
    """The last camera the person left 3D chart `chart` at, as seen by bridge `key`, or None.

    Draw the next figure with it so a rerun does not reset the view:
    `if camera: fig.update_layout(scene_camera=camera)`.
    """
    camera = _memory(key)["cameras"].get(chart)
    return {part: dict(values) for part, values in camera.items()} if camera else None
