"""The Second-order page's own colours and marks (ui.plots.colours holds the lesson's: slices,
gradient, point, plane), one style per kind of critical point, and the point drawn on top."""

from __future__ import annotations

import math

import plotly.colors
import plotly.graph_objects as go

# The page's own colours (ui/plots/colours.py's are the lesson's: slices, gradient, point, plane).
DIRECTION = "#0072b2"  # the unit vector u, its slice and D_u f (Okabe-Ito blue)


QUADRATIC = "#e8590c"  # the quadratic Taylor polynomial Q: orange, apart from viridis


# Magma (dark where the error is tiny), its first stop #000004 nudged: Streamlit's frontend reads
# colours #000001, #000002, ... as placeholders for its own palette and drew it violet.
ERROR_COLORSCALE = ["#050316", *plotly.colors.sequential.Magma[1:]]


# Per kind: legend word (plural for the count), 2D/3D symbol, fill colour, outline colour.
KIND_STYLE = {
    "minimum": ("minima", "circle", "#00d5ff", "#111111"),
    "maximum": ("maxima", "square", "#e41a1c", "#ffffff"),
    "saddle": ("saddles", "x", "#ffd54f", "#111111"),
    "degenerate": ("degenerate", "diamond", "#bdbdbd", "#111111"),
}


CRITICAL_SIZE_2D = 16


CRITICAL_SIZE_3D = 9


DU = "D<sub>u</sub>f"  # plotly text: D_u f with u as a subscript


def degrees(angle: float) -> float:
    """An angle in radians as degrees in [0, 360)."""
    return math.degrees(angle) % 360.0


def points_last(traces: list[dict]) -> list[dict]:
    """The traces with the point (x0, y0) moved after those added over the map, so nothing hides
    it (the parts' point_on_top)."""
    return [t for t in traces if t.get("meta") != "point"] + [
        t for t in traces if t.get("meta") == "point"
    ]


def point_on_top(fig: go.Figure) -> go.Figure:
    """Draw the point (x0, y0) after the traces added over the map, so nothing hides it."""
    points = [trace for trace in fig.data if trace.meta == "point"]
    others = [trace for trace in fig.data if trace.meta != "point"]
    fig.data = others + points
    return fig
