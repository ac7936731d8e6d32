"""The contour map: filled levels, the level curve through the point, the gradient arrow at a
right angle to it, an optional gradient field, and an invisible grid of markers that reports
clicks (DESIGN.md: a click on a contour trace itself is not reported)."""

from __future__ import annotations

import contourpy
import numpy as np
import plotly.graph_objects as go

from core import band_index, choose_spacing, contour_levels
from core.levels import AUTO
from ui.plots.arrays import all_finite, f32, fmt, grid_window
from ui.plots.axes import HOVER, equal_scale
from ui.plots.colours import (
    COLORSCALE,
    GRADIENT,
    POINT,
    X_SLICE,
    X_SLICE_DASH,
    Y_SLICE,
    Y_SLICE_DASH,
)
from ui.plots.config import (
    TITLE_FONT_SIZE,
    base_layout,
    legend_layout,
    new_figure,
    notes_annotation,
)

FIELD_COLOR = "rgba(255, 255, 255, 0.9)"
LEVEL_COLOR = "#000000"
LABEL_COLOR = "#111111"
LABEL_HALO = "0 0 2px white, 0 0 3px white, 0 0 4px white"
CONTOUR_HEIGHT = 560
# The 2D gradient arrow: this share of the window's shorter side.
ARROW_2D = 0.15
FIELD_ARROWS = 15
LEVEL_SAMPLES = 100
LEVELS = 16
LABEL_MARGIN = 0.06  # share of the window kept free of level labels along each edge
LABEL_CANDIDATES = 200  # points per level tried as a label's place


def gradient_arrow_2d(point, xlim, ylim) -> np.ndarray | None:
    """Tail and tip ((2, 2) array) of the 2D gradient arrow, ARROW_2D of the window's shorter
    side long, along grad f; None where grad f is zero or undefined."""
    if point.unit_gradient is None:
        return None
    length = ARROW_2D * min(xlim[1] - xlim[0], ylim[1] - ylim[0])
    tail = np.array([point.x, point.y])
    return np.array([tail, tail + length * np.asarray(point.unit_gradient)])


def field_arrows(grid, count: int = FIELD_ARROWS) -> tuple[np.ndarray, np.ndarray, int]:
    """The gradient field as short arrows of equal length on a count x count subgrid.

    Returns x and y (float32, three entries per arrow: tail, tip, NaN separator) and the number
    of arrows. Cells where the gradient is zero or undefined get none."""
    if grid.zx is None or grid.zy is None:
        raise ValueError("the gradient field needs a grid evaluated with_partials=True")
    nx, ny = len(grid.x), len(grid.y)
    # Interior samples, so no arrow starts on the window's edge.
    cols = np.unique(np.linspace(0, nx - 1, min(count, nx) + 2)[1:-1].round().astype(int))
    rows = np.unique(np.linspace(0, ny - 1, min(count, ny) + 2)[1:-1].round().astype(int))
    gx, gy = grid.zx[np.ix_(rows, cols)], grid.zy[np.ix_(rows, cols)]
    xs, ys = np.meshgrid(grid.x[cols], grid.y[rows])
    with np.errstate(all="ignore"):
        norm = np.hypot(gx, gy)
        keep = np.isfinite(norm) & (norm > 0)
    step_x = (grid.x[-1] - grid.x[0]) / max(len(cols), 1)
    step_y = (grid.y[-1] - grid.y[0]) / max(len(rows), 1)
    length = 0.6 * min(step_x, step_y)
    tails_x, tails_y = xs[keep], ys[keep]
    tips_x = tails_x + length * gx[keep] / norm[keep]
    tips_y = tails_y + length * gy[keep] / norm[keep]
    gaps = np.full(tails_x.shape, np.nan)
    x = np.column_stack([tails_x, tips_x, gaps]).ravel()
    y = np.column_stack([tails_y, tips_y, gaps]).ravel()
    return f32(x), f32(y), int(keep.sum())


def point_level(grid, point) -> float | None:
    """The level of the curve through the point, or None: f undefined there, or at the window's
    lowest or highest value, where the level set is a point, not a curve."""
    value = point.value
    if not all_finite(value) or grid.z_range is None:
        return None
    return value if grid.z_range[0] < value < grid.z_range[1] else None


def level_curve_trace(grid, level: float | None) -> dict:
    """The level curve f = level as a one-level contour (hidden when level is None). It needs no
    more than LEVEL_SAMPLES per side to look smooth, and its copy of z would otherwise double the
    chart's bytes."""
    g = grid.as_float32()
    cols = slice(None, None, -(-len(g.x) // LEVEL_SAMPLES))
    rows = slice(None, None, -(-len(g.y) // LEVEL_SAMPLES))
    shown = level is not None
    return {
        "type": "contour",
        "x": g.x[cols],
        "y": g.y[rows],
        "z": g.z[rows, cols],
        "autocontour": False,
        # One level: start = end; size only has to be positive.
        "contours": {
            "start": level if shown else 0.0,
            "end": level if shown else 0.0,
            "size": 1.0,
            "coloring": "none",
        },
        "line": {"color": LEVEL_COLOR, "width": 4},
        "showscale": False,
        "hoverinfo": "skip",
        "name": f"level f = {fmt(level)}" if shown else "level curve",
        "meta": "level curve",
        "showlegend": True,
        "visible": shown,
    }


LEGEND_FONT = 14  # px: the map's legend (the other charts' legends: 16)


def shown_levels(grid, count: int, spacing: str) -> tuple[np.ndarray, str]:
    """The levels to draw (rounded to two significant digits, so labels read 13 and 260, not
    13.17 and 262.4) and the spacing that placed them ("auto" resolved)."""
    if grid.z_range is None:
        return np.empty(0), "even"
    low, high = grid.z_range
    with np.errstate(invalid="ignore"):
        values = np.clip(grid.z[np.isfinite(grid.z)], low, high)
    if spacing == AUTO:
        spacing = choose_spacing(values)
    levels = contour_levels(values, count, spacing)
    with np.errstate(divide="ignore"):
        digits = 1 - np.floor(np.log10(np.maximum(np.abs(levels), 1e-300)))
    rounded = np.unique([round(float(v), int(d)) for v, d in zip(levels, digits, strict=True)])
    rounded = rounded[(rounded > low) & (rounded < high)]
    return (rounded if len(rounded) >= 2 else levels), spacing


def filled_contours(
    grid, count: int = LEVELS, spacing: str = "even", shown: tuple | None = None
) -> tuple[dict, list[dict]]:
    """The filled contour trace and, for uneven spacing, the trace of its level labels.

    Plotly spaces a contour trace's levels evenly. For quantile or log levels the trace contours
    core.band_index of f instead (0 on the first level, 1 on the second, ...): its curves at 0,
    1, 2, ... are the curves f = level, and each band gets its own colour. Plotly would label
    them 0, 1, 2, so the labels are a text trace of our own, and hover reads f from customdata.
    `shown`: shown_levels(grid, count, spacing) when the caller has it already."""
    g = grid.as_float32()
    contour = {
        "type": "contour",
        "x": g.x,
        "y": g.y,
        "z": g.z,
        "colorscale": COLORSCALE,
        "ncontours": count,
        "contours": {
            "coloring": "fill",
            "showlabels": True,
            # Dark digits in a white halo read on every colour of the scale (white digits
            # vanished on its yellow end).
            "labelfont": {"size": 16, "color": LABEL_COLOR, "shadow": LABEL_HALO},
        },
        "line": {"width": 1, "color": "rgba(255, 255, 255, 0.6)"},
        # The labelled level lines already say what each colour means.
        "showscale": False,
        "name": "f(x, y)",
        "meta": "contour",
        "hovertemplate": HOVER,
        "showlegend": False,
    }
    if grid.z_range is None:
        return contour, []
    levels, spacing = shown if shown is not None else shown_levels(grid, count, spacing)
    levels = np.asarray(levels, dtype=np.float64)
    if spacing == "even" or len(levels) < 2:
        contour["zmin"], contour["zmax"] = grid.z_range
        return contour, []
    low, high = grid.z_range
    with np.errstate(invalid="ignore"):
        index = band_index(np.clip(grid.z, low, high), levels)
    contour.update(
        z=f32(index),
        customdata=g.z,
        zmin=float(band_index(low, levels)),
        zmax=float(band_index(high, levels)),
        autocontour=False,
        hovertemplate=HOVER.replace("%{z:", "%{customdata:"),
    )
    contour["contours"].update(start=0.0, end=float(len(levels) - 1), size=1.0, showlabels=False)
    contour.pop("ncontours")
    return contour, [level_labels(grid, levels)]


def level_labels(grid, levels: np.ndarray) -> dict:
    """Each level's value written on one of its curves: the point of the curve farthest from the
    labels already placed (in window-relative units, away from the edges), so labels spread over
    the map instead of piling up where the curves crowd."""
    z = np.ma.masked_invalid(np.asarray(grid.z, dtype=np.float64))
    curves = contourpy.contour_generator(
        np.asarray(grid.x, dtype=np.float64),
        np.asarray(grid.y, dtype=np.float64),
        z,
        line_type="Separate",
    )
    (xmin, xmax), (ymin, ymax) = grid_window(grid)
    scale = np.array([xmax - xmin, ymax - ymin])
    origin = np.array([xmin, ymin])
    placed: list[np.ndarray] = []  # label positions as shares of the window
    xs, ys, texts = [], [], []
    for level in levels:
        lines = [line for line in curves.lines(float(level)) if len(line) > 1]
        if not lines:
            continue
        points = (np.concatenate(lines) - origin) / scale
        inside = np.all((points > LABEL_MARGIN) & (points < 1 - LABEL_MARGIN), axis=1)
        if inside.any():
            points = points[inside]
        points = points[:: max(1, len(points) // LABEL_CANDIDATES)]
        if placed:
            gaps = np.linalg.norm(points[:, None, :] - np.array(placed)[None, :, :], axis=2)
            best = points[int(np.argmax(gaps.min(axis=1)))]
        else:
            best = points[len(points) // 2]
        placed.append(best)
        x, y = origin + best * scale
        xs.append(x)
        ys.append(y)
        texts.append(fmt(level))
    return label_trace(xs, ys, texts)


def label_trace(xs, ys, texts: list[str]) -> dict:
    """The trace of the level values written on the map at (xs, ys) (level_labels places them;
    a browser that draws the map itself places them the same way and takes this as template)."""
    return {
        "type": "scatter",
        "mode": "text",
        "x": f32(xs),
        "y": f32(ys),
        "text": texts,
        "textfont": {"size": 16, "color": LABEL_COLOR, "shadow": LABEL_HALO},
        "hoverinfo": "skip",
        "showlegend": False,
        "name": "level values",
        "meta": "contour labels",
    }


def contour_parts(
    grid,
    point,
    *,
    show_slices: bool = True,
    field: bool = False,
    height: int = CONTOUR_HEIGHT,
    levels: int = LEVELS,
    spacing: str = "even",
    shown: tuple | None = None,
) -> tuple[list[dict], dict]:
    """The map view: filled contours with labelled levels, the level curve through the point,
    the point, the slice lines y = y0 and x = x0, the gradient arrow (perpendicular to the level
    curve: x and y share a scale) and, if `field`, the gradient field (needs grid partials).
    `levels` and `spacing` place the level curves (core.levels; "auto" chooses); `shown` is
    shown_levels(grid, levels, spacing) when the caller has it already."""
    xlim, ylim = grid_window(grid)
    notes = []
    contour, labels = filled_contours(grid, levels, spacing, shown)
    if grid.z_range is None:
        notes.append("f is undefined everywhere in this window")
    traces = [contour, *labels]

    defined = all_finite(point.value)
    level = point_level(grid, point)
    if level is not None:
        traces.append(level_curve_trace(grid, level))

    if show_slices:
        for xs, ys, colour, dash, name, role in (
            (xlim, (point.y, point.y), X_SLICE, X_SLICE_DASH, "y = y₀", "slice x"),
            ((point.x, point.x), ylim, Y_SLICE, Y_SLICE_DASH, "x = x₀", "slice y"),
        ):
            traces.append(
                {
                    "type": "scatter",
                    "mode": "lines",
                    "x": list(xs),
                    "y": list(ys),
                    "line": {"color": colour, "width": 4, "dash": dash},
                    "name": name,
                    "meta": role,
                    "hoverinfo": "skip",
                }
            )

    if field:
        fx_, fy_, count = field_arrows(grid)
        if count:
            sizes = np.tile(f32([0, 10, 0]), count)
            traces.append(
                {
                    "type": "scatter",
                    "mode": "lines+markers",
                    "x": fx_,
                    "y": fy_,
                    "line": {"color": FIELD_COLOR, "width": 2},
                    "marker": {
                        "symbol": "arrow",
                        "angleref": "previous",
                        "size": sizes,
                        "color": FIELD_COLOR,
                        "line": {"color": "rgba(0, 0, 0, 0.6)", "width": 1},
                    },
                    "name": "gradient field",
                    "meta": "field",
                    "hoverinfo": "skip",
                }
            )

    arrow = gradient_arrow_2d(point, xlim, ylim) if defined else None
    if arrow is not None:
        traces.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "x": f32(arrow[:, 0]),
                "y": f32(arrow[:, 1]),
                "line": {"color": GRADIENT, "width": 5},
                "marker": {
                    "symbol": "arrow",
                    "angleref": "previous",
                    "size": [0, 20],
                    "color": GRADIENT,
                },
                "name": "∇f",
                "meta": "gradient",
                "hovertext": f"∇f = ({fmt(point.fx)}, {fmt(point.fy)})",
                "hoverinfo": "text",
            }
        )

    if defined:
        if point.unit_gradient is not None:
            gradient_words = f"∇f = ({fmt(point.fx)}, {fmt(point.fy)})"
            label = "(x₀, y₀)"
        elif point.gradient_norm == 0:
            gradient_words = "∇f = 0 here: no direction of steepest ascent"
            label = "(x₀, y₀): ∇f = 0"
        else:
            gradient_words = "∇f is undefined here"
            label = "(x₀, y₀): ∇f undefined"
        traces.append(
            {
                "type": "scatter",
                "mode": "markers",
                "x": [point.x],
                "y": [point.y],
                "marker": {
                    "size": 14,
                    "color": POINT,
                    "line": {"color": "white", "width": 2},
                },
                "name": label,
                "meta": "point",
                "hovertemplate": (
                    f"x = {fmt(point.x)}<br>y = {fmt(point.y)}<br>f = {fmt(point.value)}"
                    f"<br>{gradient_words}<extra></extra>"
                ),
            }
        )
        if point.unit_gradient is None:
            notes.append(gradient_words)
    else:
        notes.append(f"f is undefined at ({fmt(point.x)}, {fmt(point.y)})")

    xaxis = {
        "title": {"text": "x", "font": {"size": TITLE_FONT_SIZE}},
        "range": list(xlim),
        "constrain": "domain",
        "showgrid": False,
        "zeroline": False,
        "ticks": "outside",
        "mirror": True,
        "showline": True,
        "linecolor": "#444444",
    }
    yaxis = {**xaxis, "title": {"text": "y", "font": {"size": TITLE_FONT_SIZE}}}
    yaxis["range"] = list(ylim)
    if equal_scale(xlim, ylim):
        yaxis["scaleanchor"] = "x"
        yaxis["scaleratio"] = 1
    layout = {
        **base_layout(height),
        "margin": {"l": 60, "r": 10, "t": 10, "b": 50},
        "xaxis": xaxis,
        "yaxis": yaxis,
        # Short names in smaller type: beside the 3D chart at 1366 px or 150% zoom the map is
        # about 320 px wide, where the legend had wrapped to five rows above it.
        "legend": {**legend_layout(y=1.02, yanchor="bottom"), "font": {"size": LEGEND_FONT}},
        "showlegend": True,
        "hovermode": "closest",
        "uirevision": "contour",
    }
    if notes:
        note, bottom = map_note(notes)
        layout["annotations"] = [note]
        layout["margin"]["b"] = bottom
    return traces, layout


NOTE_MARGIN, NOTE_LINE = 60, 22  # the map's bottom margin under notes, and each line's share


def map_note(notes: list[str]) -> tuple[dict, int]:
    """The map's notes as one annotation under the x axis title, aligned with the plot's left
    edge (which equal scaling moves), and the bottom margin they need."""
    note = notes_annotation(notes)
    note.update(xref="x domain", yref="y domain", x=0.0, y=0.0, yanchor="top", yshift=-62)
    return note, NOTE_MARGIN + NOTE_LINE * len(notes)


def contour_figure(*args, **kwargs) -> go.Figure:
    """contour_parts(...) as one go.Figure (the live charts take the parts instead)."""
    return new_figure(*contour_parts(*args, **kwargs))
