"""The Second-order page's work in one call (`second_order`): cached core calls and the figures.

Kept out of page.py so that tests and the benchmark read what a rerun does without a server. All
calculus comes from core; here it is only cached and drawn.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import plotly.graph_objects as go
import streamlit as st
import sympy

from core import (
    CriticalPoints,
    Function,
    Grid,
    JavascriptError,
    WorkerBusyError,
    approximation_errors,
    compile_javascript,
    critical_points,
    directional_derivative,
    directional_profile,
    directional_slice,
    point_summary,
    tangent_plane,
    taylor2,
)
from core.geometry import ApproximationErrors, DirectionalSlice, PointSummary, Quadratic
from pages.second_order.figures_critical import critical_contour_parts, critical_surface_parts
from pages.second_order.figures_direction import (
    direction_contour_parts,
    direction_slice_parts,
    direction_surface_parts,
    profile_parts,
)
from pages.second_order.figures_taylor import (
    PATCH_SAMPLES,
    error_maps_parts,
    quadratic_surface_parts,
)
from pages.second_order.settings import Settings
from pages.second_order.style import KIND_STYLE
from pages.second_order.words import reads_exactly, taylor_form
from ui.plots.axes import LIFT, scene_aspect, z_limits
from ui.plots.config import PLOT_CONFIG, prepared_parts
from ui.plots.contour import ARROW_2D, level_curve_trace, point_level
from ui.plots.encoding import JsonMemo
from ui.plots.surface import ARROW_3D, HEAD_LENGTH, HEAD_RADIUS, HEAD_SIDES
from ui.shell.cache import canonical_key, grid_for, per_function
from ui.shell.live_chart import shared_grid, split_figure
from ui.shell.view import View

PROFILE_ANGLES = np.arange(0, 361, 1.0)  # degrees, for D_u f against the angle
ERROR_SAMPLES = 81  # per side of the error maps (odd: the centre sample is the point)
# The maps draw every other sample (41 per side, smoothed): the two maps were 91 of the 570 KB the
# page sent on every point change; the colour scale still spans all 81.
ERROR_STEP = 2
DIRECTION_SAMPLES = 200  # core.directional_slice's default: the browser samples as many
# One WebGL pixel per screen pixel (Plotly's default is 2), as on Explore: a frame of a 3D scene
# costs about a quarter, which a laptop without a GPU can afford while the point moves.
SCENE_CONFIG = {**PLOT_CONFIG, "plotGlPixelRatio": 1}
# The traces that the grid (and the window's critical points) alone decide, per chart; the rest
# moves with the point. "surface" and "contour" take their arrays from the page's shared grid.
GRID_ROLES = frozenset({"surface", "contour", "level curve"})
CRITICAL_ROLES = frozenset(f"critical {kind}" for kind in KIND_STYLE)
# What the browser moves itself on each chart while the point is dragged (ui/shell/live_chart.js).
MOVING = {
    "critical_contour": ("gradient", "point", "level"),
    "critical_surface": ("gradient", "point"),
    "quadratic_surface": ("quadratic", "gradient", "point"),
    "direction_contour": ("direction", "gradient", "point", "level"),
    "direction_surface": ("direction", "gradient", "point"),
}
# The moving traces whose coordinates the browser computes from the point at the server's answer
# too (ui/shell/live_chart.js, serverTraces), as it does while the point is dragged: the server
# sends them without x, y and z. They were 16 of the 28 KB of the five charts' points per move
# (the quadratic Q and the plane L as 25 x 25 patches, the slice along u as 200 points).
DRAWN_IN_BROWSER = frozenset({"quadratic", "plane patch", "slice u"})
# The five bases' JSON by content, for every session: students on the same link and window get
# the same bases (the grid's traces without their arrays, the critical points, the layout).
BASE_JSON = JsonMemo(entries=64)


# --- cached core calls --------------------------------------------------------------------------


@per_function(max_entries=64)
def critical_points_for(
    f: Function, xlim: tuple[float, float], ylim: tuple[float, float]
) -> CriticalPoints:
    """core.critical_points once per (function, window); shared read-only between sessions."""
    return critical_points(f, xlim, ylim)


@dataclass(frozen=True)
class TaylorLatex:
    """The exact tangent plane L and quadratic Q at the point as LaTeX in Taylor form (None where
    undefined or not ready); `rational`: the point and every coefficient are integers or short
    fractions (words.reads_exactly), so the exact form reads better than decimals. `not_ready`
    says why an L or Q that is defined at the point has no exact form ("" when it has one)."""

    plane: str | None
    quadratic: str | None  # Q written as L(x, y) + 1/2 [...], or "L(x, y)" when f's Hessian is 0
    rational: bool
    not_ready: str = ""


# Why a defined L or Q is shown in decimals only.
TOO_LONG = "Their exact forms took too long to work out, so they are shown in decimals."
BUSY = (
    "Their exact forms are not ready: the server is busy, so they are shown in decimals for now. "
    "They will appear on the next change."
)


def taylor_latex(f: Function, x0: float, y0: float) -> TaylorLatex:
    """taylor_latex_for, or decimals only (`not_ready`) for this run while the worker is starved
    by a busy machine: that is not an answer about f, so it is not kept."""
    try:
        return taylor_latex_for(f, x0, y0)
    except WorkerBusyError:
        return TaylorLatex(None, None, rational=False, not_ready=BUSY)


@per_function(max_entries=256, copy=True)
def taylor_latex_for(f: Function, x0: float, y0: float) -> TaylorLatex:
    """L and Q at the point, exact (core computes the coefficients; here they are typeset)."""
    quadratic = taylor2(f, x0, y0)
    coefficients = quadratic.coefficients
    if coefficients is None:
        tangent = tangent_plane(f, x0, y0)
        plane = tangent.expr
        if plane is None:
            return TaylorLatex(None, None, False, TOO_LONG if tangent.defined else "")
        return TaylorLatex(sympy.latex(plane), None, False, TOO_LONG if quadratic.defined else "")
    plane, full = taylor_form(coefficients, quadratic.exact_point)
    return TaylorLatex(plane, full, rational=reads_exactly([*coefficients, *quadratic.exact_point]))


@per_function(max_entries=64)
def live_functions(f: Function) -> dict[str, Any] | None:
    """f, its gradient and its Hessian as one checked JavaScript body (core.compile_javascript),
    or None when the browser cannot evaluate them (then the point moves on release only)."""
    try:
        compiled = compile_javascript(f)
    except JavascriptError:
        return None
    return {"body": compiled.body(2), "masked": compiled.masked}


@dataclass(frozen=True)
class LiveParts:
    """One live chart: `base` and `point` as ui.shell.live_chart.live_chart takes them."""

    base: dict[str, Any]
    point: dict[str, Any]


_GRID_PARTS: dict[int, tuple[Grid, dict]] = {}


def grid_part(grid: Grid) -> dict[str, Any]:
    """The grid every chart of the page draws, sent once (ui.shell.live_chart.shared_grid);
    remembered per cached grid object, so a rerun does not encode it again."""
    known = _GRID_PARTS.get(id(grid))
    if known is not None and known[0] is grid:
        return known[1]
    part = shared_grid(grid.x, grid.y, grid.z)
    if len(_GRID_PARTS) >= 32:
        _GRID_PARTS.clear()
    _GRID_PARTS[id(grid)] = (grid, part)
    return part


def _live(
    name: str,
    parts: tuple[list[dict], dict],
    grid: Grid,
    point: PointSummary,
    view: View,
    extra: dict,
) -> LiveParts:
    """Chart `name` of the page as a live chart: its base (what the grid decides) and its point."""
    three_d = name.endswith("surface")
    base_roles = CRITICAL_ROLES if name.startswith("critical") else frozenset()
    # The level curve at the point's level is drawn in the browser from a hidden copy.
    level_template = {
        k: v for k, v in level_curve_trace(grid, None).items() if k not in ("x", "y", "z")
    }
    base_json, moving_json, layout = split_figure(
        parts,
        base_roles,
        grid_roles=GRID_ROLES,
        base_extra=() if three_d else ({**level_template, "grid": True},),
        base_json=BASE_JSON,
    )
    geometry: dict[str, Any] = {
        "xlim": list(view.xlim),
        "ylim": list(view.ylim),
        "arrow2d": ARROW_2D,
        "directionSamples": DIRECTION_SAMPLES,
    }
    if three_d:
        zlim = z_limits(grid.z_range, point.value)
        aspect = scene_aspect(view.xlim, view.ylim)
        geometry |= {
            "zlim": list(zlim),
            "aspect": [aspect["x"], aspect["y"], aspect["z"]],
            "lift": LIFT,
            "arrow3d": ARROW_3D,
            "headLength": HEAD_LENGTH,
            "headRadius": HEAD_RADIUS,
            "headSides": HEAD_SIDES,
            "patchSamples": PATCH_SAMPLES,
        }
    else:
        geometry["zRange"] = list(grid.z_range) if grid.z_range is not None else None
    level = None
    if not three_d:
        level = point_level(grid, point)
    return LiveParts(
        base={
            "kind": "3d" if three_d else "2d",
            "figure": base_json,
            "live": extra["live"],
            "config": SCENE_CONFIG if three_d else PLOT_CONFIG,
            "geometry": geometry,
            "moving": MOVING[name],
            "grid": extra["grid"],
        },
        point={
            "x": point.x,
            "y": point.y,
            "show": {},
            "params": extra["params"],
            "traces": moving_json,
            "layout": layout,
            "level": level,
        },
    )


# --- everything the page draws ----------------------------------------------------------------


@dataclass(frozen=True)
class SecondOrder:
    grid: Grid
    point: PointSummary
    critical: CriticalPoints
    quadratic: Quadratic
    errors: ApproximationErrors | None  # None: the radius cannot be drawn around this point
    piece: DirectionalSlice
    angle: int  # degrees
    slope: float  # D_u f at the point (core.directional_derivative)
    profile: np.ndarray  # D_u f at PROFILE_ANGLES
    error_maps: tuple[go.Figure, go.Figure] | None  # |f - L|, |f - Q|; None where L is undefined
    direction_slice: go.Figure
    profile_figure: go.Figure
    grid_part: dict[str, Any]  # the grid every live chart draws, sent once (live_grid)
    live: dict[str, LiveParts]  # the five charts that show the point, by name (MOVING's keys)


def drawn_in_browser(parts: tuple[list[dict], dict]) -> tuple[list[dict], dict]:
    """A chart's (traces, layout) with the traces in DRAWN_IN_BROWSER as templates: without x, y
    and z, marked `browser`. Only for a function the browser evaluates (live_functions)."""
    traces, layout = parts
    kept = [
        {**{k: v for k, v in t.items() if k not in ("x", "y", "z")}, "browser": True}
        if t.get("meta") in DRAWN_IN_BROWSER
        else t
        for t in traces
    ]
    return kept, layout


def stand_in(grid: Grid) -> Grid:
    """The grid's window and range on 2 x 2 samples: what a live chart's figure is built on. Its
    base takes x, y, z from the page's shared grid in the browser, so building (and validating,
    copying, encoding) the full arrays five times over on every run would be wasted."""
    return dataclasses.replace(
        grid,
        x=grid.x[[0, -1]],
        y=grid.y[[0, -1]],
        z=np.full((2, 2), np.nan, dtype=np.float32),
        zx=None,
        zy=None,
    )


def second_order(f: Function, view: View, settings: Settings) -> SecondOrder:
    """Every core result and figure of the page for `view` of `f` with the page's `settings`."""
    grid = grid_for(f, view.xlim, view.ylim, view.resolution, False)
    point = point_summary(f, view.x0, view.y0)
    critical = critical_points_for(f, view.xlim, view.ylim)
    plane, quadratic = tangent_plane(f, view.x0, view.y0), taylor2(f, view.x0, view.y0)
    try:
        errors = approximation_errors(f, view.x0, view.y0, settings.radius, n=ERROR_SAMPLES)
    except ValueError:  # a radius lost in rounding far from the origin
        errors = None
    theta = math.radians(settings.angle)
    piece = directional_slice(f, view.x0, view.y0, view.xlim, view.ylim, angle=theta)
    slope = directional_derivative(f, view.x0, view.y0, angle=theta)
    profile = directional_profile(f, view.x0, view.y0, np.radians(PROFILE_ANGLES))
    small = stand_in(grid)
    # Plain (traces, layout) parts: no go.Figure is built (or checked) for a live chart.
    charts = {
        "critical_contour": critical_contour_parts(small, point, critical),
        "critical_surface": critical_surface_parts(small, point, critical),
        "quadratic_surface": quadratic_surface_parts(
            small, point, plane, quadratic, settings.radius
        ),
        "direction_contour": direction_contour_parts(small, point, piece),
        "direction_surface": direction_surface_parts(small, point, piece),
    }
    shared = grid_part(grid)
    live = live_functions(f)
    if live is not None:
        charts = {name: drawn_in_browser(parts) for name, parts in charts.items()}
    extra = {
        "live": live,
        "grid": shared["id"],
        "params": {"angle": theta, "radius": settings.radius},
    }
    return SecondOrder(
        grid=grid,
        point=point,
        critical=critical,
        quadratic=quadratic,
        errors=errors,
        piece=piece,
        angle=settings.angle,
        slope=slope,
        profile=profile,
        # Prepared from plain parts (ui.plots.config.prepared_parts): no go.Figure is built,
        # and st.plotly_chart sends them without a copy.
        error_maps=(
            None
            if errors is None or not errors.linear_defined
            else tuple(
                prepared_parts(*parts) for parts in error_maps_parts(errors, step=ERROR_STEP)
            )
        ),
        direction_slice=prepared_parts(*direction_slice_parts(piece)),
        profile_figure=prepared_parts(
            *profile_parts(point, PROFILE_ANGLES, profile, settings.angle, slope)
        ),
        grid_part=shared,
        live={name: _live(name, part, small, point, view, extra) for name, part in charts.items()},
    )


def _view_key(view: View) -> tuple:
    """What second_order reads of a View (the point, the window, the resolution)."""
    return (view.x0, view.y0, view.xlim, view.ylim, view.resolution)


@st.cache_resource(
    max_entries=128,
    show_spinner=False,
    hash_funcs={
        Function: canonical_key,
        View: _view_key,
        Settings: lambda settings: (settings.angle, settings.radius),
    },
)
def second_order_shared(f: Function, view: View, settings: Settings) -> SecondOrder:
    """second_order, once per server for each function, point, window and page settings: a
    class opening one link (or clicking the same point) pays once. The result is only read:
    its figures are prepared (ui.plots.config.prepared), the live charts' parts sent as they
    are."""
    return second_order(f, view, settings)


# --- critical points in words -------------------------------------------------------------------


# --- the Taylor polynomials ---------------------------------------------------------------------


# --- the directional derivative ---------------------------------------------------------------


# --- |f - L| and |f - Q| in words ---------------------------------------------------------------
