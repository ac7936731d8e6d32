"""The Explore page's work in one call: core results for the view, and the figures.

The surface and the contour map are live charts (ui.shell.live_chart): each is split into its
base (what the grid decides, cached per function, window and resolution) and its moving part
(Python's traces for the current point, from the same ui.plots builders), plus what the browser
needs to move the point itself: core's compiled JavaScript and the chart's geometry.

Kept out of page.py so the benchmark measures exactly what a rerun does, without a server.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import plotly.graph_objects as go

from core import (
    Function,
    Grid,
    JavascriptError,
    compile_javascript,
    point_summary,
    slices,
    tangent_plane,
)
from core.geometry import PointSummary
from ui.plots.axes import LIFT, scene_aspect, z_limits
from ui.plots.config import PLOT_CONFIG
from ui.plots.contour import (
    ARROW_2D,
    CONTOUR_HEIGHT,
    contour_figure,
    level_curve_trace,
    point_level,
)
from ui.plots.slices import slice_figure
from ui.plots.surface import (
    ARROW_3D,
    HEAD_LENGTH,
    HEAD_RADIUS,
    HEAD_SIDES,
    PLANE_REACH,
    SURFACE_HEIGHT,
    surface_figure,
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


@dataclass(frozen=True)
class LiveParts:
    """One live chart: `base` and `point` as ui.shell.live_chart.live_chart takes them."""

    base: dict[str, Any]
    point: dict[str, Any]


@dataclass(frozen=True)
class ExploreFigures:
    grid: Grid
    point: PointSummary
    surface: go.Figure
    contour: go.Figure
    x_panel: go.Figure
    y_panel: go.Figure
    surface_live: LiveParts
    contour_live: LiveParts

    def all(self) -> tuple[go.Figure, ...]:
        return (self.surface, self.contour, self.x_panel, self.y_panel)


@per_function(max_entries=64)
def live_functions(f: Function) -> dict[str, Any] | None:
    """f, ∂f/∂x and ∂f/∂y as one checked JavaScript body (core.javascript), or None when the
    browser cannot evaluate them (then the point moves on release only)."""
    try:
        compiled = compile_javascript(f)
    except JavascriptError:
        return None
    return {"body": compiled.body(1), "masked": compiled.masked}


def _split(figure: go.Figure, *, base_extra: tuple[dict, ...] = ()) -> tuple[str, str, dict]:
    """(base figure JSON, moving traces JSON, point-dependent layout) of a built figure."""
    traces = [trace.to_plotly_json() for trace in figure.data]
    layout = figure.layout.to_plotly_json()
    point_layout = {"annotations": layout.pop("annotations", [])}
    if "margin" in layout:
        point_layout["margin"] = layout["margin"]
    base = [t for t in traces if t.get("meta") in BASE_ROLES and t.get("meta") != "level curve"]
    moving = [t for t in traces if t.get("meta") not in BASE_ROLES]
    base_json = plotly_json({"data": [*base, *base_extra], "layout": layout})
    return base_json, plotly_json(moving), point_layout


def chart_heights(view: View) -> tuple[int, int]:
    """Heights of the surface and the contour map (taller in presentation mode)."""
    scale = PRESENT_SCALE if view.present else 1.0
    return round(SURFACE_HEIGHT * scale), round(CONTOUR_HEIGHT * scale)


def explore_figures(f: Function, view: View) -> ExploreFigures:
    """Everything the Explore page draws for `view` of `f` (the grid comes from the cache)."""
    grid = grid_for(f, view.xlim, view.ylim, view.resolution, view.field)
    point = point_summary(f, view.x0, view.y0)
    x_slice, y_slice = slices(f, view.x0, view.y0, view.xlim, view.ylim, SLICE_SAMPLES)
    plane = tangent_plane(f, view.x0, view.y0) if view.plane else None
    heights = chart_heights(view)
    surface = surface_figure(
        grid,
        point,
        x_slice,
        y_slice,
        plane=plane,
        show_slices=view.slices,
        height=heights[0],
    )
    contour = contour_figure(
        grid,
        point,
        show_slices=view.slices,
        field=view.field,
        height=heights[1],
        levels=view.levels,
        spacing=view.spacing,
    )
    live = live_functions(f)
    show = {"slices": view.slices, "plane": view.plane}
    at = {"x": point.x, "y": point.y, "show": show}

    zlim = z_limits(grid.z_range, point.value)
    aspect = scene_aspect(view.xlim, view.ylim)
    base_json, moving_json, layout = _split(surface)
    surface_live = LiveParts(
        base={
            "kind": "3d",
            "figure": base_json,
            "live": live,
            "config": SCENE_CONFIG,
            "geometry": {
                "xlim": list(view.xlim),
                "ylim": list(view.ylim),
                "zlim": list(zlim),
                "aspect": [aspect["x"], aspect["y"], aspect["z"]],
                "lift": LIFT,
                "planeReach": PLANE_REACH,
                "arrow3d": ARROW_3D,
                "headLength": HEAD_LENGTH,
                "headRadius": HEAD_RADIUS,
                "headSides": HEAD_SIDES,
                "samples": SLICE_SAMPLES,
            },
        },
        point={**at, "traces": moving_json, "layout": layout, "level": None},
    )
    base_json, moving_json, layout = _split(contour, base_extra=(level_curve_trace(grid, None),))
    contour_live = LiveParts(
        base={
            "kind": "2d",
            "figure": base_json,
            "live": live,
            "config": PLOT_CONFIG,
            "geometry": {
                "xlim": list(view.xlim),
                "ylim": list(view.ylim),
                "zRange": list(grid.z_range) if grid.z_range is not None else None,
                "arrow2d": ARROW_2D,
            },
        },
        point={**at, "traces": moving_json, "layout": layout, "level": point_level(grid, point)},
    )
    return ExploreFigures(
        grid=grid,
        point=point,
        surface=surface,
        contour=contour,
        x_panel=slice_figure(x_slice),
        y_panel=slice_figure(y_slice),
        surface_live=surface_live,
        contour_live=contour_live,
    )
