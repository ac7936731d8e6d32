"""The Second-order page's work in one call (`second_order`): cached core calls and the figures.

Kept out of page.py so that tests and the benchmark read what a rerun does without a server. All
calculus comes from core; here it is only cached and drawn.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
import sympy

from core import (
    CriticalPoints,
    Function,
    Grid,
    approximation_errors,
    critical_points,
    directional_derivative,
    directional_profile,
    directional_slice,
    point_summary,
    tangent_plane,
    taylor2,
)
from core.geometry import ApproximationErrors, DirectionalSlice, PointSummary, Quadratic
from pages.second_order.figures_critical import critical_contour_figure, critical_surface_figure
from pages.second_order.figures_direction import (
    direction_contour_figure,
    direction_slice_figure,
    direction_surface_figure,
    profile_figure,
)
from pages.second_order.figures_taylor import error_maps_figure, quadratic_surface_figure
from pages.second_order.settings import Settings
from pages.second_order.words import taylor_form
from ui.plots.surface import surface_trace
from ui.shell.cache import grid_for, per_function
from ui.shell.view import View

PROFILE_ANGLES = np.arange(0, 361, 1.0)  # degrees, for D_u f against the angle
ERROR_SAMPLES = 81  # per side of the error maps (odd: the centre sample is the point)


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
    undefined); `rational`: every coefficient is a rational number (nothing like sin(4/5) that
    reads better as a decimal)."""

    plane: str | None
    quadratic: str | None  # Q written as L(x, y) + 1/2 [...], or "L(x, y)" when f's Hessian is 0
    rational: bool


@per_function(max_entries=256, copy=True)
def taylor_latex_for(f: Function, x0: float, y0: float) -> TaylorLatex:
    """L and Q at the point, exact (core computes the coefficients; here they are typeset)."""
    quadratic = taylor2(f, x0, y0)
    coefficients = quadratic.coefficients
    if coefficients is None:
        plane = tangent_plane(f, x0, y0).expr
        return TaylorLatex(None if plane is None else sympy.latex(plane), None, rational=False)
    plane, full = taylor_form(coefficients, quadratic.exact_point)
    return TaylorLatex(plane, full, rational=all(c.is_Rational for c in coefficients))


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
    critical_contour: go.Figure
    critical_surface: go.Figure
    quadratic_surface: go.Figure
    error_maps: go.Figure | None  # None also where L is undefined: nothing to map
    direction_contour: go.Figure
    direction_surface: go.Figure
    direction_slice: go.Figure
    profile_figure: go.Figure


def second_order(
    f: Function, view: View, settings: Settings, cameras: dict | None = None
) -> SecondOrder:
    """Every core result and figure of the page for `view` of `f` with the page's `settings`.
    `cameras` maps "critical", "quadratic", "direction" to a 3D camera to restore."""
    cameras = cameras or {}
    grid = grid_for(f, view.xlim, view.ylim, view.resolution, False)
    surface = surface_trace(grid)
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
        critical_contour=critical_contour_figure(grid, point, critical),
        critical_surface=critical_surface_figure(
            grid, point, critical, camera=cameras.get("critical"), surface=surface
        ),
        quadratic_surface=quadratic_surface_figure(
            grid,
            point,
            plane,
            quadratic,
            settings.radius,
            camera=cameras.get("quadratic"),
            surface=surface,
        ),
        error_maps=(
            None if errors is None or not errors.linear_defined else error_maps_figure(errors)
        ),
        direction_contour=direction_contour_figure(grid, point, piece),
        direction_surface=direction_surface_figure(
            grid, point, piece, camera=cameras.get("direction"), surface=surface
        ),
        direction_slice=direction_slice_figure(piece),
        profile_figure=profile_figure(point, PROFILE_ANGLES, profile, settings.angle, slope),
    )


# --- critical points in words -------------------------------------------------------------------


# --- the Taylor polynomials ---------------------------------------------------------------------


# --- the directional derivative ---------------------------------------------------------------


# --- |f - L| and |f - Q| in words ---------------------------------------------------------------
