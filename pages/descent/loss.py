"""f against the step for every racer: a log axis when every value is positive, otherwise a
symmetric log axis (sign(f)·log10(1 + |f|/c)) labelled with real values of f."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from pages.descent.runner import STOP_COLOUR, Runner, legend_name
from ui.plots.arrays import f32
from ui.plots.config import (
    LIGHT_GRID,
    TITLE_FONT_SIZE,
    base_layout,
    legend_layout,
    new_figure,
    notes_annotation,
)

LOSS_HEIGHT = 460


def symlog(values: np.ndarray, c: float) -> np.ndarray:
    """sign(v)·log10(1 + |v|/c): like log10 for |v| >> c, linear through 0."""
    values = np.asarray(values, dtype=np.float64)
    with np.errstate(all="ignore"):
        return np.sign(values) * np.log10(1.0 + np.abs(values) / c)


def symlog_scale(values: np.ndarray) -> float:
    """The linear threshold c: a thousandth of the typical nonzero |f| (1 when all are 0)."""
    finite = np.abs(values[np.isfinite(values)])
    nonzero = finite[finite > 0]
    return float(1e-3 * np.median(nonzero)) if nonzero.size else 1.0


def _symlog_ticks(low: float, high: float, c: float) -> tuple[list[float], list[str]]:
    """Ticks for a symlog axis showing [low, high] (symlog units): 0 and ±10^k, at most about
    five powers per side, labelled in f's units. Powers within 10c of 0 are left out (there the
    axis is nearly linear and they would crowd the 0)."""
    values, texts = [0.0], ["0"]
    top = max(abs(low), abs(high))
    if top <= 0:
        return values, texts
    f_top = c * (10.0**top - 1.0)
    k_low = math.ceil(math.log10(c)) + 1
    k_high = math.floor(math.log10(f_top)) if f_top > 0 else k_low
    if k_high < k_low:
        return values, texts
    stride = max(1, math.ceil((k_high - k_low + 1) / 5))
    for k in range(k_high, k_low - 1, -stride):
        position = float(symlog(np.array([10.0**k]), c)[0])
        for sign in (1, -1):
            at = sign * position
            if low <= at <= high:
                values.append(at)
                texts.append(("−" if sign < 0 else "") + _power(k))
    return values, texts


def _power(k: int) -> str:
    return {0: "1", 1: "10"}.get(k, f"10<sup>{k}</sup>")


def _loss_axis_values(values: np.ndarray, positive: bool, c: float) -> np.ndarray:
    """What the loss chart plots: f itself on a log axis (cut to what float32 carries), else
    symlog(f), which is small whatever f is."""
    if positive:
        with np.errstate(invalid="ignore"):
            return f32(np.clip(values, 1e-37, 1e37))
    return f32(symlog(values, c))


def loss_figure(runners: Sequence[Runner], *, height: int = LOSS_HEIGHT) -> tuple[go.Figure, str]:
    """f against the step for every racer, and a sentence saying how the y axis is scaled."""
    finite = [
        np.asarray(r.descent.values, dtype=np.float64)[np.isfinite(r.descent.values)]
        for r in runners
    ]
    everything = np.concatenate(finite) if finite else np.array([])
    positive = everything.size > 0 and bool(np.all(everything > 0))
    c = symlog_scale(everything)
    traces = []
    for runner in runners:
        values = np.asarray(runner.descent.values, dtype=np.float64)
        shown = _loss_axis_values(values, positive, c)
        trace = {
            "type": "scatter",
            "mode": "lines",
            "x0": 0,
            "dx": 1,
            "y": shown,
            "line": {"color": runner.colour, "width": 4},
            "name": legend_name(runner),
            "meta": f"{runner.key} loss",
            "hovertemplate": f"{runner.label}<br>step %{{x}}<br>f = %{{y:.6~g}}<extra></extra>",
        }
        if not positive:  # the axis shows symlog(f): hover shows f itself
            trace["customdata"] = values
            trace["hovertemplate"] = trace["hovertemplate"].replace("%{y:", "%{customdata:")
        traces.append(trace)
        if runner.stopped_early and len(values):
            traces.append(
                {
                    "type": "scatter",
                    "mode": "markers",
                    "x": [len(values) - 1],
                    "y": [float(shown[-1])] if np.isfinite(shown[-1]) else [],
                    "marker": {
                        "size": 20,
                        "color": STOP_COLOUR,
                        "symbol": "x-thin",
                        "line": {"color": STOP_COLOUR, "width": 5},
                    },
                    "name": f"{runner.label} stopped",
                    "meta": f"{runner.key} loss stop",
                    "showlegend": False,
                    "hovertemplate": f"{runner.label}: {runner.descent.message}<extra></extra>",
                }
            )
    yaxis = {
        "showgrid": True,
        "gridcolor": LIGHT_GRID,
        "showline": True,
        "linecolor": "#444444",
        "ticks": "outside",
        "title": {"font": {"size": TITLE_FONT_SIZE}},
    }
    if positive:
        yaxis |= {"type": "log", "exponentformat": "power"}
        yaxis["title"]["text"] = "f (log scale)"
        note = "The y axis is logarithmic: every value of f on these paths is positive."
    else:
        shown_all = symlog(everything, c) if everything.size else np.array([0.0])
        low, high = float(shown_all.min()), float(shown_all.max())
        pad = 0.05 * max(high - low, 1e-9)
        tickvals, ticktext = _symlog_ticks(low - pad, high + pad, c)
        yaxis |= {"tickvals": tickvals, "ticktext": ticktext, "range": [low - pad, high + pad]}
        yaxis["title"]["text"] = "f (symmetric log scale)"
        note = (
            "f is zero or negative somewhere on these paths, so a log axis cannot show it: the y "
            f"axis is a symmetric log, sign(f)·log₁₀(1 + |f|/c) with c = {c:.3g}, labelled with "
            "the values of f (logarithmic far from 0, linear within ±c). Hover shows f exactly."
        )
    layout = {
        **base_layout(height),
        "margin": {"l": 80, "r": 10, "t": 10, "b": 60},
        "xaxis": {
            "title": {"text": "step", "font": {"size": TITLE_FONT_SIZE}},
            "showgrid": True,
            "gridcolor": LIGHT_GRID,
            "showline": True,
            "linecolor": "#444444",
            "ticks": "outside",
            "rangemode": "tozero",
        },
        "yaxis": yaxis,
        "legend": legend_layout(y=-0.18, yanchor="top"),
        "showlegend": False,
        "hovermode": "closest",
    }
    if not everything.size:
        layout["annotations"] = [notes_annotation(["f is undefined along every path"])]
    return new_figure(traces, layout), note
