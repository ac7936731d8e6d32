"""The Explore page's work in one call: core results for the view, and the figures.

The surface and the contour map are live charts (ui.shell.live_chart): each is split into its
base (what the grid decides, cached per function, window and resolution) and its moving part
(Python's traces for the current point, from the same ui.plots builders), plus what the browser
needs to move the point itself: core's compiled JavaScript and the chart's geometry.

Kept out of page.py so the benchmark measures exactly what a rerun does, without a server.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import plotly.graph_objects as go
from plotly.colors import get_colorscale

from core import (
    Function,
    Grid,
    JavascriptError,
    compile_javascript,
    evaluate_grid,
    grid_axes,
    point_summary,
    slices,
    tangent_plane,
)
from core.geometry import PointSummary
from ui.plots.arrays import f32, fmt
from ui.plots.axes import LIFT, scene_aspect, z_limits
from ui.plots.colours import COLORSCALE
from ui.plots.config import PLOT_CONFIG, new_figure, notes_annotation, prepared_parts
from ui.plots.contour import (
    ARROW_2D,
    CONTOUR_HEIGHT,
    NOTE_LINE,
    NOTE_MARGIN,
    contour_parts,
    label_trace,
    level_curve_trace,
    map_note,
    point_level,
    shown_levels,
)
from ui.plots.encoding import content_digest
from ui.plots.slices import slice_figure_parts
from ui.plots.surface import (
    ARROW_3D,
    HEAD_LENGTH,
    HEAD_RADIUS,
    HEAD_SIDES,
    PLANE_REACH,
    SURFACE_HEIGHT,
    surface_parts,
)
from ui.shell.cache import grid_for, per_function
from ui.shell.live_chart import plotly_json
from ui.shell.view import View

# Presentation mode draws the two main charts this much taller (the projector's back row).
PRESENT_SCALE = 1.3
SLICE_SAMPLES = 150  # per slice: smooth at a chart's width, and the point's bytes stay under 20 KB
# One WebGL pixel per screen pixel (Plotly's default is 2): a frame of the 3D scene costs about a
# quarter, which is what a laptop without a GPU can afford while the point moves.
SCENE_CONFIG = {**PLOT_CONFIG, "plotGlPixelRatio": 1}
# The traces that the grid alone decides; everything else moves with the point.
BASE_ROLES = frozenset({"surface", "contour", "contour labels", "field", "level curve"})
# Base figures as JSON, shared by every session: a point change gives the same base again (same
# grid object from the cache, same layout), and encoding its arrays was most of a rerun's work.
BASE_JSON_ENTRIES = 32
# The map's colours as [stop, "#rrggbb"] pairs: a sweep paints the map itself (live_chart.js).
SWEEP_COLORSCALE = get_colorscale(COLORSCALE)
# A parametric formula's bases leave these traces' z to the browser, which computes it from core's
# body at the chart's values (live_chart.js, withBodyZ): a new value then costs the server no
# encoding of three copies of the grid, and the wire 30 KB instead of 210 KB.
BODY_Z_ROLES = frozenset({"surface", "contour", "level curve"})
# A pole-free parametric formula's surface is the browser's to draw whole (`surface_in_browser`):
# f on the grid, its z range, the colours, the map's levels and their labels, and the 3D traces
# that the z range cuts or spans (these go without coordinates, as templates). The server then
# evaluates no grid for a new value, nor for a moved point.
Z_BOUND_ROLES = frozenset(
    {"cutting plane x", "cutting plane y", "slice x", "slice y", "tangent x", "tangent y"}
    | {"tangent plane", "gradient", "gradient head"}
)
COORDINATES = ("x", "y", "z")  # a mesh keeps its triangles (i, j, k): the cutting planes' are fixed
# The z range the server builds such a figure with: wide enough that it cuts no trace away (the
# browser computes every trace it bounds again, with the range it finds).
OPEN_RANGE = (-1e30, 1e30)  # float32 holds it, and its spans


@dataclass(frozen=True)
class LiveParts:
    """One live chart: `base` and `point` as ui.shell.live_chart.live_chart takes them."""

    base: dict[str, Any]
    point: dict[str, Any]


@dataclass(frozen=True)
class ExploreFigures:
    # None when the browser draws the surface (surface_in_browser): the server has no grid
    grid: Grid | None
    point: PointSummary
    x_panel: go.Figure
    y_panel: go.Figure
    surface_live: LiveParts
    contour_live: LiveParts
    # (traces, layout) of the whole surface and map: the live charts send them in two parts
    surface_parts: tuple[list[dict], dict] = field(repr=False)
    contour_parts: tuple[list[dict], dict] = field(repr=False)

    @cached_property
    def surface(self) -> go.Figure:
        return new_figure(*self.surface_parts)

    @cached_property
    def contour(self) -> go.Figure:
        return new_figure(*self.contour_parts)

    def all(self) -> tuple[go.Figure, ...]:
        return (self.surface, self.contour, self.x_panel, self.y_panel)


class _BaseJson:
    """The JSON of base figures, by a digest of their content (arrays by their bytes), least
    recently used dropped. Hashing the arrays costs far less than encoding them again."""

    def __init__(self, entries: int) -> None:
        self.entries = entries
        self._found: OrderedDict[str, str] = OrderedDict()
        self._lock = threading.Lock()

    def __call__(self, traces: list[dict], layout: dict) -> str:
        figure = {"data": traces, "layout": layout}
        key = hashlib.blake2b(
            json.dumps(figure, sort_keys=True, default=content_digest).encode(), digest_size=16
        ).hexdigest()
        with self._lock:
            if key in self._found:
                self._found.move_to_end(key)
                return self._found[key]
        text = plotly_json(figure)
        with self._lock:
            self._found[key] = text
            while len(self._found) > self.entries:
                self._found.popitem(last=False)
        return text


base_json = _BaseJson(BASE_JSON_ENTRIES)


def live_functions(f: Function, order: int = 1) -> dict[str, Any] | None:
    """f, ∂f/∂x and ∂f/∂y (`order` 1; f alone with 0, a quiz's) as one checked JavaScript body
    (core.javascript), or None when the browser cannot evaluate them (then the point moves on
    release only).

    With parameters, the body takes them as arguments after x and y (compile_javascript with
    bind=False: printed once per formula) and `values` holds theirs: the browser sweeps a
    parameter by calling the same body with other values, and a new value sends the same body."""
    live = _formula_body(f.text, order)
    if live is None or "parameters" not in live:
        return live
    return {**live, "values": [f.values[name] for name in live["parameters"]]}


@per_function(max_entries=64)
def _formula_body(text: str, order: int) -> dict[str, Any] | None:
    """live_functions without the values, per formula: a new value finds it here (keyed on the
    Function, each value had been a miss of its own)."""
    try:
        compiled = compile_javascript(text, bind=False)
    except JavascriptError:
        return None
    live = {"body": compiled.body(order), "masked": compiled.masked}
    if compiled.parameters:
        live["parameters"] = list(compiled.parameters)
    return live


def _from_body(trace: dict, levels: list[float] | None) -> dict:
    """A base trace without its z arrays, marked for the browser to compute them (withBodyZ in
    live_chart.js): f itself, or for quantile and log levels (the trace contours
    core.band_index of f, f in customdata) the band index over `levels`."""
    banded = "customdata" in trace
    if trace.get("meta") not in BODY_Z_ROLES or (banded and levels is None):
        return trace
    trace = {key: value for key, value in trace.items() if key not in ("z", "customdata")}
    trace["bodyZ"] = {"levels": levels} if banded else {}
    return trace


def _split(
    parts: tuple[list[dict], dict],
    *,
    base_extra: tuple[dict, ...] = (),
    body_z: bool = False,
    levels: list[float] | None = None,
) -> tuple[str, str, dict]:
    """(base figure JSON, moving traces JSON, point-dependent layout) of a figure's parts.
    `body_z`: the base's surface, contours and level curve go without z (BODY_Z_ROLES);
    `levels` are the map's uneven levels (None when even)."""
    traces, layout = parts
    layout = dict(layout)
    point_layout = {"annotations": layout.pop("annotations", [])}
    if "margin" in layout:
        point_layout["margin"] = layout["margin"]
    base = [t for t in traces if t.get("meta") in BASE_ROLES and t.get("meta") != "level curve"]
    base += base_extra
    moving = [t for t in traces if t.get("meta") not in BASE_ROLES]
    if body_z:
        # A few kilobytes without the grid's z: encoding it costs what hashing it for base_json
        # would, and a new parameter value (a new base) paid both.
        base = [_from_body(trace, levels) for trace in base]
        return plotly_json({"data": base, "layout": layout}), plotly_json(moving), point_layout
    return base_json(base, layout), plotly_json(moving), point_layout


class _LastLevels:
    """shown_levels of the last grid asked for: a point move asks again for the same grid (the
    cache's object), and the quantiles cost a tenth of a millisecond."""

    def __init__(self) -> None:
        self._last: tuple[Grid, int, str, tuple[list[float], str]] | None = None

    def __call__(self, grid: Grid, count: int, spacing: str) -> tuple[list[float], str]:
        last = self._last
        if last is not None and last[0] is grid and last[1:3] == (count, spacing):
            return last[3]
        levels, resolved = shown_levels(grid, count, spacing)
        found = ([float(v) for v in levels], resolved)
        self._last = (grid, count, spacing, found)  # one assignment: safe across sessions
        return found


levels_of = _LastLevels()


def chart_heights(view: View) -> tuple[int, int]:
    """Heights of the surface and the contour map (taller in presentation mode)."""
    scale = PRESENT_SCALE if view.present else 1.0
    return round(SURFACE_HEIGHT * scale), round(CONTOUR_HEIGHT * scale)


# A quiz (ui/shell/quiz.py) draws no trace whose geometry is an exact partial: a tangent line's
# slope is one, the gradient arrow, the field and the tangent plane are both.
NEEDS = {"tangent x": {"x"}, "tangent y": {"y"}, "tangent plane": {"x", "y"}}
NEEDS |= {"gradient": {"x", "y"}, "gradient head": {"x", "y"}, "field": {"x", "y"}}
POINT_LABEL = "point (x₀, y₀)"


def _quizzed(parts: tuple[list[dict], dict], hidden: frozenset[str], point: PointSummary):
    """A figure's parts without what a quiz hides: the traces above, and every word about ∇f
    (the point's hover text and name, the notes "∇f = 0 here", "no tangent plane here")."""
    traces, layout = parts
    kept = []
    for trace in traces:
        if NEEDS.get(trace.get("meta"), set()) & hidden:
            continue
        if trace.get("meta") == "point" and trace.get("type") == "scatter":
            trace = {**trace, "name": POINT_LABEL}
            trace["hovertemplate"] = (
                f"x = {fmt(point.x)}<br>y = {fmt(point.y)}<br>f = {fmt(point.value)}<extra></extra>"
            )
        kept.append(trace)
    layout = dict(layout)
    notes = []
    for note in layout.pop("annotations", []):
        lines = [
            line
            for line in note["text"].split("<br>")
            if "∇f" not in line and "tangent plane" not in line
        ]
        if lines:
            notes.append({**note, "text": "<br>".join(lines)})
    if notes:
        layout["annotations"] = notes
    return kept, layout


def _slice_panel(piece, hide_tangent: bool) -> go.Figure:
    """A slice panel prepared from its parts (ui.plots.config.prepared_parts: no go.Figure is
    built, a third of Explore's own work on a point move); without its tangent line while a quiz
    hides that partial."""
    traces, layout = slice_figure_parts(piece)
    if hide_tangent:
        traces = [trace for trace in traces if trace.get("meta") != "tangent"]
    return prepared_parts(traces, layout)


def surface_in_browser(f: Function, view: View, hidden: frozenset[str], live) -> bool:
    """Whether the browser draws the surface and the map whole from core's body: a parametric
    formula without poles (Function.pole_free: core would cut nothing, so the z range is f's
    own), outside a quiz (whose body has no partials) and without the gradient field (drawn
    from the grid's partials)."""
    return bool(live and f.parameters and f.pole_free and not hidden and not view.field)


def _stand_in_grid(view: View) -> Grid:
    """The window's axes without f on them, for the figure builders: the browser evaluates f
    there (surface_in_browser); the builders' z range is OPEN_RANGE."""
    x, y = grid_axes(view.xlim, view.ylim, view.resolution)
    empty = np.empty((0, 0), dtype=np.float32)
    return Grid(f32(x), f32(y), empty, None, None, OPEN_RANGE, 0.0, 0.0)


def _browser_drawn(traces: list[dict]) -> list[dict]:
    """The 3D traces that the z range bounds, without coordinates: templates for the browser."""
    return [
        {
            **{key: value for key, value in trace.items() if key not in COORDINATES},
            "browser": True,
        }
        if trace.get("meta") in Z_BOUND_ROLES
        else trace
        for trace in traces
    ]


def server_grid(f: Function, view: View) -> Grid:
    """The grid of the view, evaluated now (not cached): an export's, when the browser drew the
    surface (a button pressed, not every run)."""
    return evaluate_grid(f, view.xlim, view.ylim, view.resolution, False).as_float32()


def explore_figures(
    f: Function,
    view: View,
    hidden: frozenset[str] = frozenset(),
    *,
    browser: bool = True,
) -> ExploreFigures:
    """Everything the Explore page draws for `view` of `f` (the grid comes from the cache).
    `hidden`: the variables whose partial a quiz still hides (ui.shell.quiz.hidden).
    `browser`: the browser may draw the surface itself (surface_in_browser); False for a figure
    that must carry every number (an export)."""
    # In a quiz the browser gets f alone: the point and the slices follow a drag, and the tangent
    # lines, the plane and the arrow (NaN without the partials) come back from the server after.
    live = live_functions(f, 0 if hidden else 1)
    in_browser = browser and surface_in_browser(f, view, hidden, live)
    if in_browser:
        grid = _stand_in_grid(view)
    else:
        grid = grid_for(f, view.xlim, view.ylim, view.resolution, view.field and not hidden)
    point = point_summary(f, view.x0, view.y0)
    x_slice, y_slice = slices(f, view.x0, view.y0, view.xlim, view.ylim, SLICE_SAMPLES)
    plane = tangent_plane(f, view.x0, view.y0) if view.plane and not hidden else None
    surface_height, contour_height = chart_heights(view)
    surface = surface_parts(
        grid,
        point,
        x_slice,
        y_slice,
        plane=plane,
        show_slices=view.slices,
        height=surface_height,
    )
    # Once per run (a new grid's levels had been placed twice: in the map and for the browser);
    # the browser places them when it draws the map.
    if in_browser:
        levels, spacing = [], "even"
    else:
        levels, spacing = levels_of(grid, view.levels, view.spacing)
    contour = contour_parts(
        grid,
        point,
        show_slices=view.slices,
        field=view.field and not hidden,
        height=contour_height,
        levels=view.levels,
        spacing=view.spacing,
        shown=(levels, spacing),
    )
    if in_browser:
        surface = (_browser_drawn(surface[0]), surface[1])
    if hidden:
        surface = _quizzed(surface, hidden, point)
        contour = _quizzed(contour, hidden, point)
    show = {"slices": view.slices, "plane": view.plane}
    at = {"x": point.x, "y": point.y, "show": show}

    zlim = z_limits(grid.z_range, point.value)
    aspect = scene_aspect(view.xlim, view.ylim)
    axes = [len(grid.x), len(grid.y)]
    # A parametric formula's new value sends no surface: the browser computes it (BODY_Z_ROLES),
    # cut to the server's z range (where core cut poles), or whole (in_browser: no pole).
    body_z = bool(live and f.parameters and grid.z_range is not None)
    body = {"body_z": body_z, "levels": None if spacing == "even" else levels}
    clip = list(grid.z_range) if body_z and not in_browser else None
    base_text, moving_json, layout = _split(surface, **body)
    surface_live = LiveParts(
        base={
            "kind": "3d",
            "figure": base_text,
            "live": live,
            "config": SCENE_CONFIG,
            "geometry": {
                "xlim": list(view.xlim),
                "ylim": list(view.ylim),
                "zlim": None if in_browser else list(zlim),
                "zClip": clip,
                "aspect": [aspect["x"], aspect["y"], aspect["z"]],
                "lift": LIFT,
                "planeReach": PLANE_REACH,
                "arrow3d": ARROW_3D,
                "headLength": HEAD_LENGTH,
                "headRadius": HEAD_RADIUS,
                "headSides": HEAD_SIDES,
                "samples": SLICE_SAMPLES,
                **_browser_geometry(in_browser, axes, notes_annotation([]), None),
            },
        },
        point={**at, "traces": moving_json, "layout": layout, "level": None},
    )
    base_text, moving_json, layout = _split(
        contour, base_extra=(level_curve_trace(grid, None),), **body
    )
    level = point_level(grid, point)
    if in_browser:
        level = point.value if np.isfinite(point.value) else None
    contour_live = LiveParts(
        base={
            "kind": "2d",
            "figure": base_text,
            "live": live,
            "config": PLOT_CONFIG,
            "geometry": {
                "xlim": list(view.xlim),
                "ylim": list(view.ylim),
                "zRange": None if grid.z_range is None or in_browser else list(grid.z_range),
                "zClip": clip,
                "arrow2d": ARROW_2D,
                # What a sweep (live_chart.js) paints the map with while a parameter plays.
                "levels": view.levels,
                "spacing": view.spacing,  # even, quantile, log or auto (core.levels)
                "colorscale": SWEEP_COLORSCALE,
                **_browser_geometry(in_browser, axes, *map_note([])),
            },
        },
        # Drawing the surface, the browser knows the z range: it keeps the level inside it.
        point={**at, "traces": moving_json, "layout": layout, "level": level},
    )
    return ExploreFigures(
        grid=None if in_browser else grid,
        point=point,
        surface_parts=surface,
        contour_parts=contour,
        x_panel=_slice_panel(x_slice, "x" in hidden),
        y_panel=_slice_panel(y_slice, "y" in hidden),
        surface_live=surface_live,
        contour_live=contour_live,
    )


def _browser_geometry(
    in_browser: bool, axes: list[int], note: dict, bottom: int | None
) -> dict[str, Any]:
    """What a chart whose surface the browser draws (surface_in_browser) needs besides: the
    flag, the grid's size (the browser evaluates f at core's own float64 points, not at the
    chart's float32 axes), the annotation its notes go in (with the map's bottom margin per line
    of notes) and, for the map, the template of its level labels (ui.plots.contour.level_labels)."""
    if not in_browser:
        return {}
    extra: dict[str, Any] = {"browserGrid": True, "note": {**note, "text": ""}, "axes": axes}
    if bottom is not None:
        extra["noteMargin"] = [NOTE_MARGIN, NOTE_LINE]
        template = label_trace([], [], [])
        extra["labels"] = {k: v for k, v in template.items() if k not in ("x", "y", "text")}
    return extra
