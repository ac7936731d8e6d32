"""The 2D slice panels: f along y = y0 or x = x0 (or any line), with its tangent at the point."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ui.plots.arrays import all_finite, f32, fmt
from ui.plots.axes import clip_line, z_limits
from ui.plots.colours import POINT, X_SLICE, Y_SLICE
from ui.plots.config import (
    LIGHT_GRID,
    TITLE_FONT_SIZE,
    base_layout,
    legend_layout,
    new_figure,
    notes_annotation,
)

SLICE_HEIGHT = 400


def slice_figure(piece, *, height: int = SLICE_HEIGHT) -> go.Figure:
    """One slice as a 2D graph: f(x, y0) against x (or f(x0, y) against y), its tangent line at
    the point with the slope in the legend, and the point."""
    return new_figure(*slice_figure_parts(piece, height=height))


def slice_figure_parts(piece, *, height: int = SLICE_HEIGHT) -> tuple[list[dict], dict]:
    """slice_figure's traces and layout, for ui.plots.config.prepared_parts."""
    along_x = piece.variable == "x"
    variable, other = ("x", "y") if along_x else ("y", "x")
    curve_name = "f(x, y₀)" if along_x else "f(x₀, y)"
    derivative = f"∂f/∂{variable}"
    return slice_panel_parts(
        piece,
        colour=X_SLICE if along_x else Y_SLICE,
        curve_name=curve_name,
        parameter=variable,
        slope_name=derivative,
        title=f"Slice {other} = {other}₀ = {fmt(piece.fixed)}: slope is {derivative}",
        height=height,
    )


def slice_panel(piece, **kwargs) -> go.Figure:
    return new_figure(*slice_panel_parts(piece, **kwargs))


def slice_panel_parts(
    piece,
    *,
    colour: str,
    curve_name: str,
    parameter: str,
    slope_name: str,
    title: str,
    height: int,
    y_title: str | None = None,
    x_title: str | None = None,
    x_title_size: int = TITLE_FONT_SIZE,
    point_name: str = "point",
    undefined_along: str = "on this slice",
    margin_bottom: int = 110,
    legend: dict | None = None,
) -> go.Figure:
    """A curve through the point (piece: .t, .values, .point, .slope) against its `parameter`,
    with its tangent line at the point (slope in the legend) and the point: the flat panels of
    Explore (x and y slices) and Second order (the slice along u)."""
    t0, z0 = piece.point
    t_range = (float(piece.t[0]), float(piece.t[-1]))
    notes = []

    finite = piece.values[np.isfinite(piece.values)]
    if finite.size:
        low, high = float(finite.min()), float(finite.max())
        if all_finite(z0):
            low, high = min(low, z0), max(high, z0)
        z_range = z_limits((low, high))
    else:
        z_range = None
        notes.append(f"f is undefined {undefined_along}")

    traces = [
        {
            "type": "scatter",
            "mode": "lines",
            "x": f32(piece.t),
            "y": f32(piece.values),
            "line": {"color": colour, "width": 4},
            "name": curve_name,
            "meta": "slice",
            "hovertemplate": f"{parameter} = %{{x:.4~g}}<br>f = %{{y:.4~g}}<extra></extra>",
        }
    ]
    segment = None
    if z_range is not None and all_finite(z0):
        segment = clip_line(t0, z0, piece.slope, t_range, z_range)
    if segment is not None:
        ts, zs = segment
        traces.append(
            {
                "type": "scatter",
                "mode": "lines",
                "x": ts.tolist(),
                "y": zs.tolist(),
                "line": {"color": colour, "width": 3, "dash": "dash"},
                "name": f"tangent: slope {slope_name} = {fmt(piece.slope)}",
                "meta": "tangent",
                "hoverinfo": "name",
            }
        )
    elif all_finite(z0):
        notes.append(f"{slope_name} is undefined at the point: no tangent line")
    if all_finite(z0):
        traces.append(
            {
                "type": "scatter",
                "mode": "markers",
                "x": [t0],
                "y": [z0],
                "marker": {"size": 12, "color": POINT, "line": {"color": "white", "width": 2}},
                "name": point_name,
                "meta": "point",
                "hovertemplate": f"{parameter} = {fmt(t0)}<br>f = {fmt(z0)}<extra></extra>",
            }
        )
    elif finite.size:
        notes.append("f is undefined at the point")

    axis = {
        "showgrid": True,
        "gridcolor": LIGHT_GRID,
        "zeroline": True,
        "zerolinecolor": "#b0b0b0",
        "zerolinewidth": 1,
        "showline": True,
        "linecolor": "#444444",
        "ticks": "outside",
    }
    yaxis = {**axis, "title": {"text": y_title or curve_name, "font": {"size": TITLE_FONT_SIZE}}}
    if z_range is not None:
        yaxis["range"] = list(z_range)
    layout = {
        **base_layout(height),
        "title": {"text": title, "font": {"size": TITLE_FONT_SIZE}, "x": 0.0, "xanchor": "left"},
        # The legend goes under the x axis: above the plot it collides with the title.
        "margin": {"l": 70, "r": 10, "t": 50, "b": margin_bottom},
        "xaxis": {
            **axis,
            "title": {"text": x_title or parameter, "font": {"size": x_title_size}},
            "range": list(t_range),
        },
        "yaxis": yaxis,
        # 0.36 of the plot's height below it: at 1366 px, at 150% zoom and on a phone the legend
        # wraps to three rows, Plotly shrinks the plot to make room, and from 0.3 it covered the
        # x title.
        "legend": legend or legend_layout(y=-0.36, yanchor="top"),
        "showlegend": True,
        "hovermode": "closest",
    }
    if notes:
        note = notes_annotation(notes)
        note.update(y=0.5, yanchor="middle", x=0.5, xanchor="center", align="center")
        layout["annotations"] = [note]
    return traces, layout
