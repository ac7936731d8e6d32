"""Basins of attraction: every start of a grid coloured by where the optimizer took it."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from core import DIVERGED, UNDEFINED, UNSETTLED
from pages.descent.race_map import MAP_AXIS
from pages.descent.runner import START_COLOUR
from ui.plots.arrays import f32, fmt
from ui.plots.axes import equal_scale
from ui.plots.config import FONT, TITLE_FONT_SIZE, base_layout, new_figure, notes_annotation

BASINS_HEIGHT = 640


# Basin map colours: one per critical point (cycled if there are more), then the outcomes that
# reach none. Okabe-Ito-like, light enough to print black markers on.
BASIN_COLOURS = (
    "#E69F00",
    "#56B4E9",
    "#009E73",
    "#F0E442",
    "#CC79A7",
    "#0072B2",
    "#D55E00",
    "#999999",
    "#A6761D",
    "#B2DF8A",
)


OUTCOME_COLOURS = {"diverged": "#2b2b2b", "unsettled": "#c8c8c8", "undefined": "#ffffff"}


# core.Basins labels for the outcomes that reach no critical point.
OUTCOME_LABELS = {"diverged": DIVERGED, "unsettled": UNSETTLED, "undefined": UNDEFINED}


KIND_SYMBOLS = {
    "minimum": "circle",
    "maximum": "triangle-up",
    "saddle": "x",
    "degenerate": "diamond",
}


def basin_categories(basins) -> list[tuple[int, str, str]]:
    """(label, name, colour) of every category present in the map: critical points first."""
    labels = np.asarray(basins.labels)
    present = set(np.unique(labels).tolist())
    categories = []
    span = max(float(np.ptp(basins.x)), float(np.ptp(basins.y)), 1e-300)
    for index, point in enumerate(basins.critical):
        if index in present:
            where = f"({_coordinate(point.x, span)}, {_coordinate(point.y, span)})"
            name = f"{point.kind} {where}"
            categories.append((index, name, BASIN_COLOURS[index % len(BASIN_COLOURS)]))
    for outcome, label in OUTCOME_LABELS.items():
        if label in present:
            categories.append((label, outcome, OUTCOME_COLOURS[outcome]))
    return categories


OUTCOME_WORDS = {
    "diverged": "diverge",
    "unsettled": "end near no critical point",
    "undefined": "leave f's domain",
}


def basin_shares(basins) -> list[tuple[str, float]]:
    """(where the paths end, in words; share of the starts) per category of the map, in the
    legend's order: for the map's sentence and its data table."""
    labels = np.asarray(basins.labels)
    total = max(labels.size, 1)
    shares = []
    for label, name, _ in basin_categories(basins):
        words = OUTCOME_WORDS.get(name, f"end at the {name}")
        shares.append((words, float(np.count_nonzero(labels == label)) / total))
    return shares


def _coordinate(value: float, span: float) -> str:
    """A critical point's coordinate for a legend: 0 when it is 0 to a millionth of the window
    (Newton's polish leaves 1e-9 of noise), else four significant digits."""
    return "0" if abs(value) < 1e-6 * span else fmt(value)


def basins_figure(
    basins,
    start: tuple[float, float],
    *,
    title: str = "",
    height: int = BASINS_HEIGHT,
) -> go.Figure:
    """Each start coloured by where the optimizer took it; critical points and the start marked.

    A heatmap of category codes (0..n-1, small ints) with a stepwise colour scale, and one legend
    entry per category (empty scatter traces: a heatmap has no legend of its own)."""
    labels = np.asarray(basins.labels)
    categories = basin_categories(basins)
    code = np.full(labels.shape, 0, dtype=np.int8)
    for index, (label, _, _) in enumerate(categories):
        code[labels == label] = index
    n = max(len(categories), 1)
    scale = []
    for index, (_, _, colour) in enumerate(categories or [(0, "", "#ffffff")]):
        scale += [[index / n, colour], [(index + 1) / n, colour]]
    x, y = np.asarray(basins.x), np.asarray(basins.y)
    traces = [
        {
            "type": "heatmap",
            "x": f32(x),
            "y": f32(y),
            "z": code,
            "zmin": -0.5,
            "zmax": n - 0.5,
            "colorscale": scale,
            "showscale": False,
            "name": "basins",
            "meta": "basins",
            "hovertemplate": "start (%{x:.3~g}, %{y:.3~g})<extra></extra>",
        }
    ]
    for _, name, colour in categories:
        traces.append(
            {
                "type": "scatter",
                "mode": "markers",
                "x": [None],
                "y": [None],
                "marker": {
                    "size": 18,
                    "symbol": "square",
                    "color": colour,
                    "line": {"color": "#444444", "width": 1},
                },
                "name": name,
                "meta": "basin legend",
                "hoverinfo": "skip",
            }
        )
    for index, point in enumerate(basins.critical):
        traces.append(
            {
                "type": "scatter",
                "mode": "markers",
                "x": [point.x],
                "y": [point.y],
                "marker": {
                    "size": 16,
                    "symbol": KIND_SYMBOLS.get(point.kind, "circle"),
                    "color": "black",
                    "line": {"color": "white", "width": 2},
                },
                "name": point.kind,
                "legendgroup": point.kind,
                "showlegend": False,
                "meta": "critical point",
                "hovertemplate": f"{point.kind} #{index + 1}<br>({fmt(point.x)}, {fmt(point.y)})"
                f"<br>f = {fmt(point.value)}<extra></extra>",
            }
        )
    kinds = list(dict.fromkeys(point.kind for point in basins.critical))
    for kind in kinds:  # one legend entry per kind of critical point
        traces.append(
            {
                "type": "scatter",
                "mode": "markers",
                "x": [None],
                "y": [None],
                "marker": {
                    "size": 14,
                    "symbol": KIND_SYMBOLS.get(kind, "circle"),
                    "color": "black",
                    "line": {"color": "white", "width": 2},
                },
                "name": f"{kind} (critical point)",
                "meta": "kind legend",
                "hoverinfo": "skip",
            }
        )
    traces.append(
        {
            "type": "scatter",
            "mode": "markers",
            "x": [start[0]],
            "y": [start[1]],
            "marker": {
                "size": 18,
                "symbol": "star",
                "color": START_COLOUR,
                "line": {"color": "black", "width": 2},
            },
            "name": "start (x₀, y₀)",
            "meta": "start",
            "hoverinfo": "name",
        }
    )
    xlim = (float(x[0]), float(x[-1]))
    ylim = (float(y[0]), float(y[-1]))
    yaxis = MAP_AXIS | {
        "title": {"text": "y", "font": {"size": TITLE_FONT_SIZE}},
        "range": list(ylim),
    }
    if equal_scale(xlim, ylim):
        yaxis |= {"scaleanchor": "x", "scaleratio": 1}
    layout = {
        **base_layout(height),
        "margin": {"l": 60, "r": 10, "t": 40 if title else 10, "b": 50},
        "xaxis": MAP_AXIS
        | {"title": {"text": "x", "font": {"size": TITLE_FONT_SIZE}}, "range": list(xlim)},
        "yaxis": yaxis,
        "legend": {
            "orientation": "v",
            "x": 1.02,
            "xanchor": "left",
            "y": 1.0,
            "yanchor": "top",
            "font": FONT | {"size": 16},
            "itemsizing": "constant",
        },
        "showlegend": True,
        "hovermode": "closest",
    }
    if title:
        layout["title"] = {"text": title, "font": {"size": TITLE_FONT_SIZE}, "x": 0.0}
    if not list(basins.critical):
        note = notes_annotation(["no critical point of f in this window"])
        layout["annotations"] = [note]
    return new_figure(traces, layout)
