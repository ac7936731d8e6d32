"""The critical points in the window on the contour map and the surface: one trace per kind
("critical minimum", ...), a symbol and colour per kind, the same in 2D and 3D; samples of a curve
of critical points are drawn hollow. Each trace is tagged with a `meta` role for tests."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from pages.second_order.style import CRITICAL_SIZE_2D, CRITICAL_SIZE_3D, KIND_STYLE, points_last
from ui.plots.arrays import all_finite, f32, fmt
from ui.plots.axes import LIFT
from ui.plots.config import new_figure
from ui.plots.contour import contour_parts
from ui.plots.surface import surface_parts


# --- critical points ----------------------------------------------------------------------------
def _eigen_text(point) -> str:
    low, high = point.eigenvalues
    if not all_finite(low, high):
        return "Hessian undefined"
    return f"eigenvalues {fmt(low)}, {fmt(high)}"


def _by_kind(critical) -> dict[str, list]:
    groups: dict[str, list] = {kind: [] for kind in KIND_STYLE}
    for point in critical:
        if all_finite(point.x, point.y, point.value):
            groups.setdefault(point.kind, []).append(point)
    return {kind: points for kind, points in groups.items() if points}


def critical_traces(critical, *, three_d: bool = False, lift: float = 0.0) -> list[dict]:
    """One marker trace per kind of critical point (core CriticalPoint list)."""
    traces = []
    for kind, points in _by_kind(critical).items():
        plural, symbol, fill, outline = KIND_STYLE.get(kind, KIND_STYLE["degenerate"])
        hollow = [not point.isolated for point in points]
        if three_d:
            # In 3D plotly draws "x" and "diamond" thin and small: circles by colour read better.
            symbols = ["circle-open" if h else "circle" for h in hollow]
        else:
            symbols = [f"{symbol}-open" if h else symbol for h in hollow]
        name = f"{plural if len(points) > 1 else kind} ({len(points)})"
        hover = [
            f"{kind}{'' if p.isolated else ' (on a curve of critical points)'}<br>"
            f"x = {fmt(p.x)}, y = {fmt(p.y)}<br>f = {fmt(p.value)}<br>{_eigen_text(p)}"
            for p in points
        ]
        trace = {
            "type": "scatter3d" if three_d else "scatter",
            "mode": "markers",
            "x": f32([p.x for p in points]),
            "y": f32([p.y for p in points]),
            "marker": {
                "symbol": symbols,
                "size": CRITICAL_SIZE_3D if three_d else CRITICAL_SIZE_2D,
                "color": fill,
                "line": {"color": outline, "width": 2},
            },
            "name": name,
            "meta": f"critical {kind}",
            "hovertext": hover,
            "hoverinfo": "text",
        }
        if three_d:
            trace["z"] = f32([p.value for p in points]) + np.float32(lift)
        traces.append(trace)
    return traces


def critical_contour_parts(grid, point, critical) -> tuple[list[dict], dict]:
    """The contour map with the point, its gradient and every critical point by kind, as
    (traces, layout): the page sends them without building a go.Figure."""
    traces, layout = contour_parts(grid, point, show_slices=False)
    return points_last([*traces, *critical_traces(critical)]), layout


def critical_contour_figure(grid, point, critical) -> go.Figure:
    return new_figure(*critical_contour_parts(grid, point, critical))


def critical_surface_parts(grid, point, critical, *, camera=None, surface=None):
    """The surface with the point and every critical point by kind, as (traces, layout)."""
    traces, layout = surface_parts(
        grid, point, None, None, show_slices=False, camera=camera, surface=surface
    )
    zlim = layout["scene"]["zaxis"]["range"]
    inside = [p for p in critical if all_finite(p.value) and zlim[0] <= p.value <= zlim[1]]
    lift = 3 * LIFT * (zlim[1] - zlim[0])
    return [*traces, *critical_traces(inside, three_d=True, lift=lift)], layout


def critical_surface_figure(grid, point, critical, *, camera=None, surface=None) -> go.Figure:
    parts = critical_surface_parts(grid, point, critical, camera=camera, surface=surface)
    return new_figure(*parts)


# --- the quadratic approximation ------------------------------------------------------------------


# --- the direction u --------------------------------------------------------------------------
