"""Axes and scenes: z ranges, exact line clipping, 3D proportions and axis styles."""

from __future__ import annotations

import math

import numpy as np

from ui.plots.arrays import all_finite
from ui.plots.config import LIGHT_GRID, TITLE_FONT_SIZE

# Four significant digits, trailing zeros trimmed (d3-format's "~").
HOVER = "x = %{x:.4~g}<br>y = %{y:.4~g}<br>f = %{z:.4~g}<extra></extra>"


# The textbook view: x towards the viewer, y to the right, z up, seen from a little above; close
# enough that the scene fills its chart (issue 14: the surface filled 21% of it from 2.35 box
# units away) while the tick labels stay inside, and looking below the box's middle so the empty
# strip above it goes. From (1.52, 0.78, 0.66) looking at z = -0.15 the y ticks nearest the viewer
# were cut at the scene's bottom. Measured in Chromium (tests/e2e/test_layout.py); a narrow chart
# steps back further (ui/shell/live_chart.js, compact3d).
DEFAULT_CAMERA = {
    "eye": {"x": 1.6, "y": 0.82, "z": 0.69},
    "up": {"x": 0, "y": 0, "z": 1},
    "center": {"x": 0, "y": 0, "z": -0.22},
}


# Scene proportions: z is drawn at 1.0 of the longer horizontal side (0.7 left the chart's top
# third empty); a window more elongated than
# 4:1 is drawn at 4:1 so that neither side collapses to a sliver.
Z_ASPECT = 1.0


MAX_ASPECT = 4.0


# The tangent-plane patch reaches this share of the window each way from the point.
# Curves drawn on the surface float this share of the z range above it.
LIFT = 0.006


def z_limits(z_range, value: float = math.nan) -> tuple[float, float]:
    """The z axis range: the grid's range padded 5% each side (a constant f gets room around it).
    Without a range (f undefined on the whole window) it centres on the point's value, if any."""
    if z_range is None:
        centre = value if all_finite(value) else 0.0
        return centre - 1.0, centre + 1.0
    low, high = z_range
    span = high - low
    flat = span <= 1e-12 * max(1.0, abs(low), abs(high))
    pad = 0.5 * max(1.0, abs(low)) if flat else 0.05 * span
    return low - pad, high + pad


def clip_line(t0, z0, slope, t_range, z_range) -> tuple[np.ndarray, np.ndarray] | None:
    """The segment of the line z = z0 + slope (t - t0) that lies inside both ranges, as two
    endpoints (t, z); None when there is none or the line is undefined. Exact, not sampled, so
    a steep tangent is cut where it leaves the box instead of stretching the axes."""
    if not all_finite(t0, z0, slope):
        return None
    (t_low, t_high), (z_low, z_high) = t_range, z_range
    if slope == 0:
        if not z_low <= z0 <= z_high:
            return None
        start, end = t_low, t_high
    else:
        a, b = sorted((t0 + (z_low - z0) / slope, t0 + (z_high - z0) / slope))
        start, end = max(a, t_low), min(b, t_high)
        if not start < end:
            return None
    t = np.array([start, end])
    return t, z0 + slope * (t - t0)


def scene_aspect(xlim, ylim) -> dict:
    """aspectratio for a window: x:y as the window (capped at MAX_ASPECT), z at Z_ASPECT."""
    width, depth = xlim[1] - xlim[0], ylim[1] - ylim[0]
    ratio = min(max(width / depth, 1 / MAX_ASPECT), MAX_ASPECT)
    x, y = (1.0, 1.0 / ratio) if ratio >= 1 else (ratio, 1.0)
    return {"x": x, "y": y, "z": Z_ASPECT}


def scene_axis(title: str, limits) -> dict:
    """An axis of a 3D scene, fixed to `limits`, in the projector-sized fonts."""
    return {
        "title": {"text": title, "font": {"size": TITLE_FONT_SIZE}},
        "range": list(limits),
        "autorange": False,
        "showbackground": False,
        "gridcolor": LIGHT_GRID,
        "zerolinecolor": "#999999",
        "tickfont": {"size": 14},
        "showspikes": False,
    }


def equal_scale(xlim, ylim) -> bool:
    """Draw x and y at the same scale (so grad f looks perpendicular to level curves) unless the
    window is more elongated than MAX_ASPECT:1, where that would squash the plot to a strip."""
    ratio = (ylim[1] - ylim[0]) / (xlim[1] - xlim[0])
    return 1 / MAX_ASPECT <= ratio <= MAX_ASPECT


def scene_layout(xlim, ylim, zlim, camera: dict | None, uirevision: str) -> dict:
    """A 3D scene fixed to the window and z range, in the window's proportions, turned like a
    turntable and seen from `camera` (DEFAULT_CAMERA when None)."""
    return {
        "xaxis": scene_axis("x", xlim),
        "yaxis": scene_axis("y", ylim),
        "zaxis": scene_axis("f(x, y)", zlim),
        "aspectmode": "manual",
        "aspectratio": scene_aspect(xlim, ylim),
        "dragmode": "turntable",
        "camera": camera if camera is not None else DEFAULT_CAMERA,
        "uirevision": uirevision,
    }
