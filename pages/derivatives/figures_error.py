"""The V: |error| against h on log-log axes for every scheme, with the predicted model dashed,
the best h starred, the two regimes (truncation, round-off) shaded and the article's h marked."""

from __future__ import annotations

import math
import textwrap

import numpy as np

from core import DEFAULT_H
from pages.derivatives.words import (
    ORDERS,
    SCHEME_COLOURS,
    SCHEME_MARKERS,
    SCHEME_NAMES,
    SCHEMES,
    power_of_ten,
    scientific,
    step,
)
from ui.plots.config import (
    LIGHT_GRID,
    NOTE_COLOR,
    TITLE_FONT_SIZE,
    base_layout,
    legend_layout,
    new_figure,
)

# Errors of exactly 0 (the estimate is the exact value) are drawn here, at the bottom of the plot.
ERROR_FLOOR = 1e-18


ROUNDOFF_SHADE = "rgba(0, 114, 178, 0.08)"


TRUNCATION_SHADE = "rgba(213, 94, 0, 0.08)"


ERROR_HEIGHT = 560


def _shown(errors: np.ndarray) -> np.ndarray:
    """Errors for a log axis: exact zeros lifted to ERROR_FLOOR, NaN kept as gaps."""
    errors = np.asarray(errors, dtype=float)
    return np.where(errors == 0, ERROR_FLOOR, np.maximum(errors, ERROR_FLOOR))


def regime_split(sweep) -> float | None:
    """Where forward's truncation error overtakes its round-off in the model (ErrorSweep's
    truncation_error and roundoff_error, both terms each): h below it is round-off's regime,
    above it truncation's. The measured best h stands in when the model needs derivatives that
    are not known here; None when forward has no numbers at all."""
    if "forward" not in sweep.errors or "forward" in sweep.refused:
        return None
    low, high = float(np.min(sweep.h)), float(np.max(sweep.h))
    hs = np.logspace(math.log10(low), math.log10(high), 1201)
    with np.errstate(all="ignore"):
        truncation = np.asarray(sweep.truncation_error("forward", hs), dtype=float)
        roundoff = np.asarray(sweep.roundoff_error("forward", hs), dtype=float)
    if np.isfinite(truncation).all() and np.isfinite(roundoff).all():
        overtaken = np.flatnonzero(truncation >= roundoff)
        return float(hs[overtaken[0]]) if overtaken.size else high
    best = sweep.best_h.get("forward", math.nan)
    return float(best) if math.isfinite(best) else None


# Plotly cannot fit text to the chart's width, so the words are sized for the narrowest chart the
# page draws: a 390 px phone gives the plot about NARROWEST_PLOT CSS px of width. There a regime's
# two-line label ("truncation" over "dominates", 15 px bold: 75 px wide) needs REGIME_LABEL px; a
# regime narrower than that, as a share of the axis (a third: five decades of the usual sixteen), is
# shaded but not labelled, at every width. A note under the plot is wrapped at NOTE_CHARACTERS
# (15 px: about 290 px a line).
NARROWEST_PLOT = 250
REGIME_LABEL = 80
NOTE_CHARACTERS = 44


def error_figure(sweep, *, article_h: float = DEFAULT_H["forward"], height=ERROR_HEIGHT):
    """|error| against h for every scheme in the sweep (core ErrorSweep), log-log.

    Solid: measured; thin dashed: the model truncation + round-off; stars: each scheme's best h;
    shaded: where forward's round-off (small h) or truncation (large h) dominates; a dotted line
    at the article's h. Exact hits (error 0) are drawn at ERROR_FLOOR and the figure says so."""
    h = np.asarray(sweep.h, dtype=float)
    traces, notes, tops = [], [], []
    exact_hits = []
    # Drawn in reverse, so the article's forward difference lies on top; listed in order.
    for rank, scheme in reversed(list(enumerate(SCHEMES))):
        if scheme not in sweep.errors:
            continue
        colour, name = SCHEME_COLOURS[scheme], SCHEME_NAMES[scheme]
        errors = np.asarray(sweep.errors[scheme], dtype=float)
        if scheme in sweep.refused or np.all(np.isnan(errors)):
            why = "not usable here" if scheme in sweep.refused else "undefined here"
            traces.append(_legend_only(f"{name}: {why}", colour, "solid", scheme, rank))
            continue
        if np.any(errors == 0):
            exact_hits.append(name)
        tops.append(float(np.nanmax(errors)))
        traces.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "x": h,
                "y": _shown(errors),
                "customdata": errors,
                "line": {"color": colour, "width": 3},
                "marker": {"color": colour, "size": 8, "symbol": SCHEME_MARKERS[scheme]},
                "name": f"{name} {ORDERS[scheme].split(',')[0]}",
                "legendgroup": scheme,
                "legendrank": rank,
                "meta": f"error {scheme}",
                "hovertemplate": (
                    f"{name}<br>h = %{{x:.1e}}<br>|error| = %{{customdata:.2e}}<extra></extra>"
                ),
            }
        )
        with np.errstate(all="ignore"):
            predicted = np.asarray(sweep.predicted_error(scheme, h), dtype=float)
        if np.isfinite(predicted).any():
            tops.append(float(np.nanmax(predicted)))
            traces.append(
                {
                    "type": "scatter",
                    "mode": "lines",
                    "x": h,
                    "y": _shown(predicted),
                    "line": {"color": colour, "width": 1.5, "dash": "dash"},
                    "name": f"{name}: model",
                    "legendgroup": scheme,
                    "showlegend": False,
                    "meta": f"model {scheme}",
                    "hoverinfo": "skip",
                }
            )
        best_h, best_error = sweep.best_h[scheme], sweep.best_error[scheme]
        if math.isfinite(best_h):
            traces.append(
                {
                    "type": "scatter",
                    "mode": "markers",
                    "x": [best_h],
                    "y": [max(best_error, ERROR_FLOOR)],
                    "marker": {
                        "symbol": "star",
                        "size": 20,
                        "color": colour,
                        "line": {"color": "white", "width": 1.5},
                    },
                    "name": f"best h, {name}",
                    "legendgroup": scheme,
                    "showlegend": False,
                    "meta": f"best {scheme}",
                    "hovertemplate": (
                        f"{name}: best h = {step(best_h)}<br>|error| = "
                        f"{scientific(best_error)}<extra></extra>"
                    ),
                }
            )
    traces.append(_legend_only("model: truncation + round-off", "#666666", "dash", "model", 10))
    traces.append(
        {
            "type": "scatter",
            "mode": "markers",
            "x": [None],
            "y": [None],
            "marker": {"symbol": "star", "size": 16, "color": "#666666"},
            "name": "best h (measured)",
            "meta": "legend best",
            "legendrank": 11,
        }
    )

    low_h, high_h = float(h.min()), float(h.max())
    top = max(tops) if tops else 1.0
    y_range = [math.log10(ERROR_FLOOR) - 0.5, math.log10(max(top, 1e-12)) + 1.2]
    shapes, annotations = [], []
    split = regime_split(sweep)
    x_range = [math.log10(low_h) - 0.2, math.log10(high_h) + 0.2]
    span = x_range[1] - x_range[0]
    if split is not None:
        for x0, x1, fill, label in (
            (low_h, split, ROUNDOFF_SHADE, "round-off"),
            (split, high_h, TRUNCATION_SHADE, "truncation"),
        ):
            if x1 <= x0:
                continue
            shapes.append(
                {
                    "type": "rect",
                    "xref": "x",
                    "yref": "paper",
                    "x0": x0,
                    "x1": x1,
                    "y0": 0,
                    "y1": 1,
                    "fillcolor": fill,
                    "line": {"width": 0},
                    "layer": "below",
                }
            )
            if math.log10(x1 / x0) / span * NARROWEST_PLOT < REGIME_LABEL:
                continue
            annotations.append(
                {
                    # In the middle of its shaded regime, which it names.
                    "text": f"<b>{label}</b><br><b>dominates</b>",
                    "xref": "x",
                    "yref": "paper",
                    "x": (math.log10(x0) + math.log10(x1)) / 2,
                    "y": 0.99,
                    "xanchor": "center",
                    "yanchor": "top",
                    "showarrow": False,
                    "font": {"size": 15, "color": NOTE_COLOR},
                }
            )
    if low_h <= article_h <= high_h:
        shapes.append(
            {
                "type": "line",
                "xref": "x",
                "yref": "paper",
                "x0": article_h,
                "x1": article_h,
                "y0": 0,
                "y1": 1,
                "line": {"color": SCHEME_COLOURS["forward"], "width": 2, "dash": "dot"},
            }
        )
        # On the line's wider side, in two short lines: a phone has about 100 px either side.
        left = (math.log10(article_h) - x_range[0]) / span > 0.5
        annotations.append(
            {
                "text": f"the article's<br>h = {step(article_h)}",
                "xref": "x",
                "yref": "paper",
                "x": math.log10(article_h),
                "y": 0.06,
                "xanchor": "right" if left else "left",
                "yanchor": "bottom",
                "xshift": -6 if left else 6,
                "align": "right" if left else "left",
                "showarrow": False,
                "font": {"size": 15, "color": SCHEME_COLOURS["forward"]},
                "bgcolor": "rgba(255, 255, 255, 0.8)",
            }
        )
    if exact_hits:
        notes.append(
            f"{', '.join(exact_hits)}: an error of exactly 0 (the exact value) is drawn at "
            f"{power_of_ten(round(math.log10(ERROR_FLOOR)))}, the bottom of the plot"
        )
    if not tops:
        notes.append("No scheme gives a number at this point: f or its derivative is undefined")
    lines = [line for note in notes for line in textwrap.wrap(note, NOTE_CHARACTERS)]
    if lines:
        annotations.append(
            {
                "text": "<br>".join(lines),
                "xref": "paper",
                "yref": "paper",
                "x": 0.0,
                "y": 0.0,
                "xanchor": "left",
                "yanchor": "top",
                "xshift": -72,  # from the chart's left edge, under the y axis' labels
                "yshift": -66,  # under the x axis title
                "align": "left",
                "showarrow": False,
                "font": {"size": 15, "color": NOTE_COLOR},
            }
        )

    axis = {
        "type": "log",
        "showgrid": True,
        "gridcolor": LIGHT_GRID,
        "showline": True,
        "linecolor": "#444444",
        "ticks": "outside",
        "exponentformat": "power",
        # Plotly's own spacing, which follows the axis' length in pixels: a fixed dtick gave a
        # phone's y axis 11 labels on top of each other and its x labels turned on end into the
        # title. The grid keeps every power of ten.
        "minor": {"dtick": 1, "showgrid": True, "gridcolor": LIGHT_GRID},
    }
    layout = {
        **base_layout(height),
        "margin": {"l": 80, "r": 20, "t": 10, "b": 64 + 22 * len(lines)},
        "xaxis": {
            **axis,
            "title": {"text": "step size h", "font": {"size": TITLE_FONT_SIZE}},
            "range": x_range,
        },
        "yaxis": {
            **axis,
            "title": {"text": "|error| of the estimate", "font": {"size": TITLE_FONT_SIZE}},
            "range": y_range,
        },
        "legend": legend_layout(y=1.02, yanchor="bottom"),
        "showlegend": True,
        "hovermode": "closest",
        "shapes": shapes,
        "annotations": annotations,
    }
    layout["margin"]["t"] = 80  # two rows of legend above the plot
    return new_figure(traces, layout)


def _legend_only(name: str, colour: str, dash: str, meta: str, rank: int) -> dict:
    return {
        "type": "scatter",
        "mode": "lines",
        "x": [None],
        "y": [None],
        "line": {"color": colour, "width": 2, "dash": dash},
        "name": name,
        "meta": f"legend {meta}",
        "legendrank": rank,
    }
