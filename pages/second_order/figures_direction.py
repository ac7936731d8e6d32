"""The direction u: its arrow and line on the contour map, the slice along u on the surface and as
a flat graph with its tangent line, and D_u f against the angle with its extremes marked."""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from pages.second_order.style import DIRECTION, DU, degrees, points_last
from ui.plots.arrays import all_finite, f32, fmt, grid_window, nan_outside
from ui.plots.axes import HOVER, LIFT, clip_line
from ui.plots.colours import GRADIENT, POINT
from ui.plots.config import (
    LIGHT_GRID,
    TITLE_FONT_SIZE,
    base_layout,
    legend_layout,
    new_figure,
    notes_annotation,
)
from ui.plots.contour import ARROW_2D, contour_parts
from ui.plots.slices import slice_panel_parts
from ui.plots.surface import surface_parts

PANEL_BOTTOM = 190  # pixels under the plot: the x axis title, then the legend


PANEL_HEIGHT = 520  # the slice along u and the profile, side by side: room for their legends


def _direction_name(direction) -> str:
    return f"u at θ = {fmt(degrees(math.atan2(direction[1], direction[0])))}°"


def direction_contour_parts(grid, point, piece) -> tuple[list[dict], dict]:
    """The contour map with the gradient (as on Explore), the unit vector u drawn from the point
    at the gradient arrow's length, and the line along u (core DirectionalSlice `piece`), as
    (traces, layout)."""
    traces, layout = contour_parts(grid, point, show_slices=False)
    xlim, ylim = grid_window(grid)
    u = np.asarray(piece.direction, dtype=np.float64)
    traces.append(
        {
            "type": "scatter",
            "mode": "lines",
            "x": f32(piece.x[[0, -1]]),
            "y": f32(piece.y[[0, -1]]),
            "line": {"color": DIRECTION, "width": 2, "dash": "dash"},
            "opacity": 0.8,
            "name": "line along u",
            "meta": "direction line",
            "hoverinfo": "skip",
        }
    )
    length = ARROW_2D * min(xlim[1] - xlim[0], ylim[1] - ylim[0])
    tail = np.array([point.x, point.y])
    tip = tail + length * u
    traces.append(
        {
            # A white halo under the arrow: blue on viridis' teal needs the contrast.
            "type": "scatter",
            "mode": "lines",
            "x": f32([tail[0], tip[0]]),
            "y": f32([tail[1], tip[1]]),
            "line": {"color": "white", "width": 10},
            "showlegend": False,
            "meta": "direction halo",
            "hoverinfo": "skip",
        }
    )
    traces.append(
        {
            "type": "scatter",
            "mode": "lines+markers",
            "x": f32([tail[0], tip[0]]),
            "y": f32([tail[1], tip[1]]),
            "line": {"color": DIRECTION, "width": 5},
            "marker": {
                "symbol": "arrow",
                "angleref": "previous",
                "size": [0, 22],
                "color": DIRECTION,
                "line": {"color": "white", "width": 1.5},
            },
            "name": _direction_name(u),
            "meta": "direction",
            "hovertext": f"u = ({fmt(u[0])}, {fmt(u[1])})",
            "hoverinfo": "text",
        }
    )
    return points_last(traces), layout


def direction_contour_figure(grid, point, piece) -> go.Figure:
    return new_figure(*direction_contour_parts(grid, point, piece))


def direction_surface_parts(grid, point, piece, *, camera=None, surface=None):
    """The surface cut by the vertical plane along u through the point: the plane, the curve it
    cuts and the tangent line of slope D_u f (core DirectionalSlice `piece`), as (traces,
    layout)."""
    traces, layout = surface_parts(
        grid, point, None, None, show_slices=False, camera=camera, surface=surface
    )
    xlim, ylim = grid_window(grid)
    if not (xlim[0] <= piece.x0 <= xlim[1] and ylim[0] <= piece.y0 <= ylim[1]):
        return traces, layout  # the line through a point outside the window may miss the box
    zlim = tuple(layout["scene"]["zaxis"]["range"])
    group = "direction"
    name = f"slice along {_direction_name(piece.direction)}"
    traces += [
        {
            # A rectangle of two triangles: a mesh moves in place while the point is dragged
            # (ui/shell/live_chart.js); a surface trace would be rebuilt.
            "type": "mesh3d",
            "x": f32(piece.x[[0, -1, -1, 0]]),
            "y": f32(piece.y[[0, -1, -1, 0]]),
            "z": f32([zlim[0], zlim[0], zlim[1], zlim[1]]),
            "i": [0, 0],
            "j": [1, 2],
            "k": [2, 3],
            "color": DIRECTION,
            "opacity": 0.18,
            "hoverinfo": "skip",
            "legendgroup": group,
            "showlegend": False,
            "name": name,
            "meta": "cutting plane u",
            "lighting": {"ambient": 1.0, "diffuse": 0.0, "specular": 0.0},
        },
        {
            "type": "scatter3d",
            "mode": "lines",
            "x": f32(piece.x),
            "y": f32(piece.y),
            "z": nan_outside(piece.values, zlim) + np.float32(LIFT * (zlim[1] - zlim[0])),
            "line": {"color": DIRECTION, "width": 10},
            "legendgroup": group,
            "name": name,
            "meta": "slice u",
            "hovertemplate": HOVER,
        },
    ]
    t0, z0 = piece.point
    t_range = (float(piece.t[0]), float(piece.t[-1]))
    segment = clip_line(t0, z0, piece.slope, t_range, zlim)
    if segment is not None:
        ts, zs = segment
        u = piece.direction
        traces.append(
            {
                "type": "scatter3d",
                "mode": "lines",
                "x": f32(piece.x0 + ts * u[0]),
                "y": f32(piece.y0 + ts * u[1]),
                "z": f32(zs),
                "line": {"color": DIRECTION, "width": 5},
                "legendgroup": group,
                "showlegend": False,
                "name": f"tangent, slope {DU} = {fmt(piece.slope)}",
                "meta": "tangent u",
                "hoverinfo": "name",
            }
        )
    return traces, layout


def direction_surface_figure(grid, point, piece, *, camera=None, surface=None) -> go.Figure:
    return new_figure(*direction_surface_parts(grid, point, piece, camera=camera, surface=surface))


def direction_slice_figure(piece, *, height: int = PANEL_HEIGHT) -> go.Figure:
    return new_figure(*direction_slice_parts(piece, height=height))


def direction_slice_parts(piece, *, height: int = PANEL_HEIGHT) -> tuple[list[dict], dict]:
    """The slice along u as a 2D graph: t -> f(x0 + t u1, y0 + t u2), its tangent line at the
    point (slope D_u f) and the point, drawn like ui.plots.surface.slice_figure."""
    return slice_panel_parts(
        piece,
        colour=DIRECTION,
        curve_name="f(x₀ + t u₁, y₀ + t u₂)",
        parameter="t",
        slope_name=DU,
        title=f"Slice along {_direction_name(piece.direction)}: slope is {DU}",
        height=height,
        y_title="f along u",
        x_title="t (distance from the point along u)",
        x_title_size=16,
        point_name="point (t = 0)",
        undefined_along="along this line",
        margin_bottom=PANEL_BOTTOM,
        legend={**legend_layout(y=0.0, yanchor="bottom"), "yref": "container"},
    )


def profile_figure(point, angles, values, angle, value, *, height: int = PANEL_HEIGHT):
    return new_figure(*profile_parts(point, angles, values, angle, value, height=height))


def profile_parts(
    point, angles, values, angle, value, *, height: int = PANEL_HEIGHT
) -> tuple[list[dict], dict]:
    """D_u f against the angle of u: `angles` in degrees and `values` from
    core.directional_profile, the current `angle` (degrees) with its `value`, the maximum |grad f|
    along the gradient (core PointSummary `point`), the minimum opposite, zero along the level
    curve."""
    notes, traces = [], []
    defined = all_finite(point.gradient_norm)
    if defined:
        traces.append(
            {
                "type": "scatter",
                "mode": "lines",
                "x": f32(angles),
                "y": f32(values),
                "line": {"color": DIRECTION, "width": 4},
                "name": f"{DU} = ∇f · u",
                "meta": "profile",
                "hovertemplate": "θ = %{x:.0f}°<br>" + DU + " = %{y:.4~g}<extra></extra>",
            }
        )
    else:
        notes.append("∇f is undefined at the point")
    if point.gradient_angle is not None and defined:
        best = degrees(point.gradient_angle)
        norm = point.gradient_norm
        extremes = (
            (best, norm, "triangle-up", f"maximum |∇f| = {fmt(norm)} at {best:.1f}° (along ∇f)"),
            (
                (best + 180) % 360,
                -norm,
                "triangle-down",
                f"minimum −|∇f| at {(best + 180) % 360:.1f}° (against ∇f)",
            ),
        )
        for where, height_, symbol, label in extremes:
            traces.append(
                {
                    "type": "scatter",
                    "mode": "markers",
                    "x": [where],
                    "y": [height_],
                    "marker": {"size": 16, "symbol": symbol, "color": GRADIENT},
                    "name": label,
                    "meta": "maximum" if symbol == "triangle-up" else "minimum",
                    "hoverinfo": "name",
                }
            )
        level = sorted(((best + 90) % 360, (best + 270) % 360))
        traces.append(
            {
                "type": "scatter",
                "mode": "markers",
                "x": level,
                "y": [0.0, 0.0],
                "marker": {
                    "size": 12,
                    "symbol": "circle-open",
                    "color": "#444444",
                    "line": {"width": 3},
                },
                "name": f"{DU} = 0: along the level curve",
                "meta": "level directions",
                "hoverinfo": "name",
            }
        )
    elif defined:
        notes.append(f"∇f = 0 here: {DU} = 0 in every direction")
    shapes = [
        {
            "type": "line",
            "xref": "x",
            "yref": "paper",
            "x0": angle,
            "x1": angle,
            "y0": 0,
            "y1": 1,
            "line": {"color": POINT, "width": 2, "dash": "dot"},
        }
    ]
    if all_finite(value):
        traces.append(
            {
                "type": "scatter",
                "mode": "markers",
                "x": [angle],
                "y": [value],
                "marker": {"size": 14, "color": POINT, "line": {"color": "white", "width": 2}},
                "name": f"θ = {fmt(angle)}°: {DU} = {fmt(value)}",
                "meta": "current",
                "hoverinfo": "name",
            }
        )
    axis = {
        "showgrid": True,
        "gridcolor": LIGHT_GRID,
        "showline": True,
        "linecolor": "#444444",
        "ticks": "outside",
    }
    yaxis = {
        **axis,
        "title": {"text": DU, "font": {"size": TITLE_FONT_SIZE}},
        "zeroline": True,
        "zerolinecolor": "#888888",
        "zerolinewidth": 2,
    }
    if defined:
        reach = max(point.gradient_norm, 1e-12) * 1.15
        yaxis["range"] = [-reach, reach]
    else:
        yaxis["range"] = [-1, 1]
    layout = {
        **base_layout(height),
        "title": {
            "text": f"{DU} against the angle θ of u",
            "font": {"size": TITLE_FONT_SIZE},
            "x": 0.0,
            "xanchor": "left",
        },
        "margin": {"l": 70, "r": 10, "t": 50, "b": PANEL_BOTTOM},
        "xaxis": {
            **axis,
            "title": {"text": "θ (degrees)", "font": {"size": 16}},
            "range": [-8, 368],  # room for a marker at 0 or 360 degrees
            "tickvals": list(range(0, 361, 45)),
            "zeroline": False,
        },
        "yaxis": yaxis,
        "legend": {**legend_layout(y=0.0, yanchor="bottom"), "yref": "container"},
        "showlegend": True,
        "hovermode": "closest",
        "shapes": shapes,
    }
    if notes:
        note = notes_annotation(notes)
        note.update(y=0.5, yanchor="middle", x=0.5, xanchor="center", align="center")
        layout["annotations"] = [note]
    return traces, layout
