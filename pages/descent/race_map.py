"""The map under the race, built from what survives an animation's redraw.

A contour or heatmap trace is wiped and redrawn by every frame of an animation that has a 3D scene
(frames with 3D traces need redraw=True, which re-plots every trace; measured in Chromium: during
Play the contour was missing from nearly every painted frame). Layout images and scatter traces
survive a redraw, so the map is a shaded image of f, its level curves as polylines (contourpy),
their labels, and an invisible grid of markers that answers hover (x, y, f) and clicks.
"""

from __future__ import annotations

import base64
import io

import contourpy
import numpy as np
from PIL import Image

from ui.plots.arrays import f32, fmt, grid_window

# A light grey scale (low = darker) so that the coloured paths are what the eye follows.
GREYS = [[0.0, "#a9a9a9"], [0.5, "#dcdcdc"], [1.0, "#fbfbfb"]]


# The axes of a flat map of f (the race's and the basins'): a framed box, no grid, equal scale.
MAP_AXIS = {
    "showgrid": False,
    "zeroline": False,
    "ticks": "outside",
    "mirror": True,
    "showline": True,
    "linecolor": "#444444",
    "constrain": "domain",
}
LEVELS = 14


PICK_GRID = 30  # markers per side of the invisible hover/click grid


LEVEL_COLOUR = "rgba(60, 60, 60, 0.55)"


LABEL_COLOUR = "#333333"


def nice_levels(values: np.ndarray, count: int = LEVELS) -> np.ndarray:
    """About `count` levels at evenly spaced quantiles of f on the grid, rounded to two
    significant digits: every part of the map gets level curves, also a deep narrow valley that
    evenly spaced levels would give one line (Himmelblau: 0 to 900, its minima near 0)."""
    finite = np.asarray(values, dtype=np.float64)
    finite = finite[np.isfinite(finite)]
    if finite.size == 0 or finite.min() == finite.max():
        return np.array([])
    low, high = float(finite.min()), float(finite.max())
    raw = np.quantile(finite, np.linspace(0, 1, count + 2)[1:-1])
    with np.errstate(divide="ignore"):
        digits = 1 - np.floor(np.log10(np.maximum(np.abs(raw), 1e-300)))
    rounded = np.array([round(value, int(d)) for value, d in zip(raw, digits, strict=True)])
    levels = np.unique(rounded)
    return levels[(levels > low) & (levels < high)]


def level_curves(x: np.ndarray, y: np.ndarray, z: np.ndarray, level: float) -> list[np.ndarray]:
    """The curve z = level as polylines (each (n, 2) of x, y), interpolated linearly along the
    grid's cell edges by contourpy (Matplotlib's contouring); cells with a NaN corner are
    skipped."""
    z = np.ma.masked_invalid(np.asarray(z, dtype=np.float64))
    generator = contourpy.contour_generator(
        np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64), z, line_type="Separate"
    )
    return [line for line in generator.lines(level) if len(line) > 1]


def shading_image(grid) -> dict | None:
    """f as a grey PNG laid under the 2D axes (low = darker); transparent where f is
    undefined. None when f is undefined on the whole window."""
    if grid.z_range is None:
        return None
    low, high = grid.z_range
    z = np.asarray(grid.z, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        share = np.clip((z - low) / (high - low), 0.0, 1.0) if high > low else np.zeros_like(z)
    stops = np.array([stop for stop, _ in GREYS])
    shades = np.array([int(colour[1:3], 16) for _, colour in GREYS], dtype=np.float64)
    grey = np.interp(np.nan_to_num(share), stops, shades).astype(np.uint8)
    alpha = np.where(np.isfinite(z), 255, 0).astype(np.uint8)
    image = Image.fromarray(np.dstack([grey, alpha])[::-1], mode="LA")  # row 0 = top = ymax
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    (xmin, xmax), (ymin, ymax) = grid_window(grid)
    half_x = (xmax - xmin) / max(len(grid.x) - 1, 1) / 2
    half_y = (ymax - ymin) / max(len(grid.y) - 1, 1) / 2
    return {
        "source": "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode(),
        "xref": "x",
        "yref": "y",
        "x": xmin - half_x,
        "y": ymax + half_y,
        "sizex": xmax - xmin + 2 * half_x,
        "sizey": ymax - ymin + 2 * half_y,
        "sizing": "stretch",
        "xanchor": "left",
        "yanchor": "top",
        "layer": "below",
        "name": "f shading",
    }


def level_lines(grid) -> list[dict]:
    """The 2D map's traces: level curves (one trace, NaN between segments), a label per level,
    and the invisible pick grid (hover x, y, f; clicks land on its nearest marker)."""
    x, y, z = (np.asarray(a, dtype=np.float64) for a in (grid.x, grid.y, grid.z))
    on_2d = {"xaxis": "x", "yaxis": "y", "showlegend": False}
    traces = []
    if grid.z_range is not None:
        lines_x, lines_y, label_x, label_y, label_text = [], [], [], [], []
        levels = nice_levels(z)
        (xmin, xmax), (ymin, ymax) = grid_window(grid)
        for k, level in enumerate(levels):
            curves = level_curves(x, y, z, level)
            if not curves:
                continue
            for line in curves:
                lines_x += [line[:, 0], [np.nan]]
                lines_y += [line[:, 1], [np.nan]]
            if len(levels) > 8 and k % 2:
                continue  # label every other level when there are many
            # A label on the curve's vertex nearest a point that moves along the diagonal with
            # the level (away from the edges), so that labels spread over the map.
            share = 0.25 + 0.5 * (k + 0.5) / len(levels)
            anchor = np.array([xmin + share * (xmax - xmin), ymin + share * (ymax - ymin)])
            middles = np.concatenate(curves)
            inner = (np.abs(middles[:, 0] - (xmin + xmax) / 2) < 0.4 * (xmax - xmin)) & (
                np.abs(middles[:, 1] - (ymin + ymax) / 2) < 0.4 * (ymax - ymin)
            )
            if not inner.any():
                continue  # only near the edges: a label there would sit on the axes
            middles = middles[inner]
            nearest = middles[np.argmin(np.hypot(*(middles - anchor).T))]
            label_x.append(nearest[0])
            label_y.append(nearest[1])
            label_text.append(fmt(level))
        if lines_x:
            traces.append(
                on_2d
                | {
                    "type": "scatter",
                    "mode": "lines",
                    "x": f32(np.concatenate(lines_x)),
                    "y": f32(np.concatenate(lines_y)),
                    "line": {"color": LEVEL_COLOUR, "width": 1},
                    "name": "level curves",
                    "meta": "level curves",
                    "hoverinfo": "skip",
                }
            )
            traces.append(
                on_2d
                | {
                    "type": "scatter",
                    "mode": "text",
                    "x": f32(label_x),
                    "y": f32(label_y),
                    "text": label_text,
                    "textfont": {"size": 14, "color": LABEL_COLOUR},
                    "name": "levels",
                    "meta": "level labels",
                    "hoverinfo": "skip",
                }
            )
    cols = np.unique(np.linspace(0, len(x) - 1, min(PICK_GRID, len(x))).round().astype(int))
    rows = np.unique(np.linspace(0, len(y) - 1, min(PICK_GRID, len(y))).round().astype(int))
    pick_x, pick_y = np.meshgrid(x[cols], y[rows])
    traces.append(
        on_2d
        | {
            "type": "scatter",
            "mode": "markers",
            "x": f32(pick_x.ravel()),
            "y": f32(pick_y.ravel()),
            "customdata": f32(z[np.ix_(rows, cols)].ravel()),
            "marker": {"size": 12, "color": "rgba(0, 0, 0, 0)"},
            "name": "f(x, y)",
            "meta": "pick grid",
            "hovertemplate": "x = %{x:.4~g}<br>y = %{y:.4~g}<br>f = %{customdata:.4~g}"
            "<extra></extra>",
        }
    )
    return traces
