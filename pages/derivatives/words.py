"""Builders for the Derivatives page: core results in, a table or a plotly Figure out. No Streamlit.

- `estimates` + `estimate_table`: each finite-difference scheme at its usual step beside the exact
  partial, with the absolute and relative error, as strings a projector can show (never "nan");
- `error_figure`: |error| against h on log-log axes for every scheme (the V), with the predicted
  model dashed, the best h starred, the two regimes shaded and the article's h marked;
- `difference_figure`: where a student's answer differs from the true partial.

Each scheme has one colour (SCHEME_COLOURS), the same in the table and in the plot. Chosen from
Okabe and Ito's palette (distinguishable with the common colour-vision deficiencies) and kept
away from the orange and green that mean df/dx and df/dy on the other pages.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import sympy

from core import DEFAULT_H, NotAnalyticError, finite_difference
from ui.plots.axes import equal_scale
from ui.plots.config import LIGHT_GRID, NOTE_COLOR, TITLE_FONT_SIZE, base_layout, legend_layout

SCHEMES = ("forward", "backward", "central", "complex-step", "richardson")
SCHEME_COLOURS = {
    "forward": "#d55e00",  # vermillion: the article's scheme, the loudest
    "backward": "#cc79a7",  # reddish purple
    "central": "#0072b2",  # blue
    "complex-step": "#111111",  # black: it sits at the bottom of the plot
    "richardson": "#8c6d00",  # dark gold (Okabe-Ito's orange is too pale on a projector)
}
SCHEME_NAMES = {
    "forward": "Forward",
    "backward": "Backward",
    "central": "Central",
    "complex-step": "Complex-step",
    "richardson": "Richardson",
}
ORDERS = {
    "forward": "O(h)",
    "backward": "O(h)",
    "central": "O(h²)",
    "complex-step": "O(h²), no subtraction",
    "richardson": "O(h⁴)",
}
# Errors of exactly 0 (the estimate is the exact value) are drawn here, at the bottom of the plot.
ERROR_FLOOR = 1e-18
UNDEFINED_WORDS = "undefined here"
REFUSED_WORDS = "not usable here"
ROUNDOFF_SHADE = "rgba(0, 114, 178, 0.08)"
TRUNCATION_SHADE = "rgba(213, 94, 0, 0.08)"
ERROR_HEIGHT = 560
DIFFERENCE_HEIGHT = 460
NBSP = "\u00a0"  # a number never breaks across lines in the table
SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def formula(scheme: str, variable: str) -> str:
    """The scheme as plain text, in the variable that moves (the other one is held)."""
    v = variable
    return {
        "forward": f"[f({v}+h) − f({v})] / h",
        "backward": f"[f({v}) − f({v}−h)] / h",
        "central": f"[f({v}+h) − f({v}−h)] / 2h",
        "complex-step": f"Im f({v}+ih) / h",
        "richardson": "[4·C(h/2) − C(h)] / 3",
    }[scheme]


# --- numbers as words ---------------------------------------------------------------------------


def power_of_ten(exponent: int) -> str:
    return "10" + str(int(exponent)).translate(SUPERSCRIPT)


def scientific(value: float, digits: int = 2) -> str:
    """A small or large positive number as "9.1 × 10⁻⁸"; 0 as "0"; words where undefined."""
    if value is None or not math.isfinite(value):
        return UNDEFINED_WORDS
    if value == 0:
        return "0"
    mantissa, exponent = f"{value:.{digits - 1}e}".split("e")
    if int(exponent) == 0:
        return mantissa
    if mantissa.rstrip("0").rstrip(".") in ("1", "-1"):
        return ("−" if value < 0 else "") + power_of_ten(int(exponent))
    return f"{mantissa}{NBSP}×{NBSP}{power_of_ten(int(exponent))}".replace("-", "−", 1)


def full(value: float) -> str:
    """Every digit float64 holds (the shortest text that reads back to the same float), so
    the table shows exactly where an estimate stops agreeing with the exact value."""
    if value is None or not math.isfinite(value):
        return UNDEFINED_WORDS
    text = repr(float(value) + 0.0)
    if "e" in text:
        mantissa, exponent = text.split("e")
        return f"{mantissa}{NBSP}×{NBSP}{power_of_ten(int(exponent))}"
    return text[:-2] if text.endswith(".0") else text


def step(h: float) -> str:
    """A step size such as 1e-7 as 10⁻⁷."""
    exponent = math.log10(h)
    if abs(exponent - round(exponent)) < 1e-9:
        return power_of_ten(round(exponent))
    return scientific(h)


# --- long formulas -----------------------------------------------------------------------------

LINE_WIDTH = 50  # characters of a displayed formula that fit across the page on a projector
_INVISIBLE = re.compile(r"\\left|\\right|\\,|[{}^_ ]")
_COMMAND = re.compile(r"\\[A-Za-z]+")


def visible_length(tex: str) -> int:
    """About how many characters wide `tex` is drawn (commands count as two, braces as none)."""
    return len(_COMMAND.sub("ab", _INVISIBLE.sub("", tex)))


def broken_latex(expr, width: int = LINE_WIDTH) -> str:
    """sympy.latex of a tree our parser built, broken between the terms of a long sum into
    aligned lines, so that a long derivative wraps instead of running off the page."""
    whole = sympy.latex(expr)
    if visible_length(whole) <= width or not isinstance(expr, sympy.Add):
        return whole
    lines: list[str] = []
    current = ""
    for term in expr.as_ordered_terms():
        tex = sympy.latex(term)
        if current or lines:
            tex = tex if tex.startswith("-") else f"+ {tex}"
        if current and visible_length(current + tex) > width:
            lines.append(current)
            current = tex
        else:
            current = f"{current} {tex}".strip()
    lines.append(current)
    if len(lines) == 1:
        return whole
    rows = [f"& {lines[0]}", *(rf"&\quad {line}" for line in lines[1:])]
    return r"\begin{aligned}" + r" \\ ".join(rows) + r"\end{aligned}"


# --- the table ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Estimate:
    """One scheme at its usual step: its estimate, the exact value and the errors (NaN where
    undefined); `refused` says why complex-step cannot be used here (None otherwise)."""

    scheme: str
    h: float
    value: float
    exact: float
    error: float
    relative: float
    refused: str | None = None


def estimates(f, x: float, y: float, variable: str, exact: float) -> list[Estimate]:
    """Every scheme in SCHEMES at DEFAULT_H[scheme] against `exact` (the true partial)."""
    rows = []
    for scheme in SCHEMES:
        h = DEFAULT_H[scheme]
        try:
            value = finite_difference(f, x, y, variable, h=h, scheme=scheme)
        except NotAnalyticError as reason:
            rows.append(Estimate(scheme, h, math.nan, exact, math.nan, math.nan, str(reason)))
            continue
        error = abs(value - exact)
        relative = error / abs(exact) if exact != 0 else math.nan
        rows.append(Estimate(scheme, h, value, exact, error, relative))
    return rows


TABLE_COLUMNS = ("Scheme", "Formula", "Step h", "Estimate", "Exact (SymPy)", "|Error|", "Relative")


def estimate_table(rows: list[Estimate], variable: str) -> pd.DataFrame:
    """The table as text: full digits for the estimate, two for the errors, words for gaps."""
    records = []
    for row in rows:
        if row.refused:
            value, error, relative = REFUSED_WORDS, "—", "—"
        else:
            value = full(row.value)
            error = scientific(row.error) if math.isfinite(row.error) else "—"
            if row.error == 0:
                error = f"0{NBSP}(exact)"
            relative = scientific(row.relative) if math.isfinite(row.relative) else "—"
        records.append(
            (
                SCHEME_NAMES[row.scheme] + (" (the article)" if row.scheme == "forward" else ""),
                formula(row.scheme, variable),
                step(row.h),
                value,
                full(row.exact),
                error,
                relative,
            )
        )
    return pd.DataFrame(records, columns=list(TABLE_COLUMNS))


def styled_table(rows: list[Estimate], variable: str):
    """estimate_table with each scheme's name in its plot colour (a pandas Styler)."""
    table = estimate_table(rows, variable)
    colours = [SCHEME_COLOURS[row.scheme] for row in rows]

    def colour_names(column):
        return [f"color: {colour}; font-weight: 700" for colour in colours]

    styler = table.style.apply(colour_names, subset=["Scheme"]).hide(axis="index")
    return styler.set_properties(**{"font-size": "1.05rem"})


# --- error against h ----------------------------------------------------------------------------


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


# A regime narrower than this (in decades of h) is shaded but not labelled: no room for words.
LABELLED_DECADES = 2.0


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
                "marker": {"color": colour, "size": 5},
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
    if split is not None:
        for x0, x1, fill, label, anchor in (
            (low_h, split, ROUNDOFF_SHADE, "← round-off dominates", "right"),
            (split, high_h, TRUNCATION_SHADE, "truncation error dominates →", "left"),
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
            if math.log10(x1 / x0) < LABELLED_DECADES:
                continue
            annotations.append(
                {
                    "text": f"<b>{label}</b>",
                    "xref": "x",
                    "yref": "paper",
                    "x": math.log10(split),
                    "y": 0.99,
                    "xanchor": anchor,
                    "yanchor": "top",
                    "xshift": -8 if anchor == "right" else 8,
                    "showarrow": False,
                    "font": {"size": 16, "color": NOTE_COLOR},
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
        annotations.append(
            {
                "text": f"the article's h = {step(article_h)}",
                "xref": "x",
                "yref": "paper",
                "x": math.log10(article_h),
                "y": 0.06,
                "xanchor": "left",
                "yanchor": "bottom",
                "xshift": 6,
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
    if notes:
        annotations.append(
            {
                "text": "<br>".join(notes),
                "xref": "paper",
                "yref": "paper",
                "x": 0.0,
                "y": 0.0,
                "xanchor": "left",
                "yanchor": "top",
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
        "dtick": 2 if (y_range[1] - y_range[0]) > 12 else 1,
    }
    layout = {
        **base_layout(height),
        "margin": {"l": 80, "r": 20, "t": 10, "b": 64 + 24 * len(notes)},
        "xaxis": {
            **axis,
            "title": {"text": "step size h", "font": {"size": TITLE_FONT_SIZE}},
            "range": [math.log10(low_h) - 0.2, math.log10(high_h) + 0.2],
            "dtick": 1,
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
    return go.Figure(data=traces, layout=layout)


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


# --- where an answer differs --------------------------------------------------------------------


def difference_figure(shown, check, *, height: int = DIFFERENCE_HEIGHT) -> go.Figure:
    """|true partial − answer| over the window (core DifferenceMap), white where they agree, with
    grey where the answer is undefined but the partial exists, and the counterexample points."""
    name = f"∂f/∂{check.variable}"
    difference = np.asarray(shown.difference, dtype=np.float32)
    finite = difference[np.isfinite(difference)]
    top = float(finite.max()) if finite.size and finite.max() > 0 else 1.0
    traces = [
        {
            "type": "heatmap",
            "x": np.asarray(shown.x, dtype=np.float32),
            "y": np.asarray(shown.y, dtype=np.float32),
            "z": difference,
            "zmin": 0.0,
            "zmax": top,
            "colorscale": [[0.0, "#ffffff"], [0.02, "#fde0c5"], [1.0, "#b2182b"]],
            "colorbar": {"title": {"text": "|difference|"}, "thickness": 18},
            "name": "|difference|",
            "meta": "difference",
            "hovertemplate": (
                f"x = %{{x:.3~g}}<br>y = %{{y:.3~g}}<br>|{name} − yours| = %{{z:.3~g}}"
                "<extra></extra>"
            ),
        }
    ]
    undefined = np.asarray(shown.answer_undefined, dtype=bool)
    if undefined.any():
        traces.append(
            {
                "type": "heatmap",
                "x": np.asarray(shown.x, dtype=np.float32),
                "y": np.asarray(shown.y, dtype=np.float32),
                "z": np.where(undefined, 1.0, np.nan).astype(np.float32),
                "colorscale": [[0.0, "#8a8a8a"], [1.0, "#8a8a8a"]],
                "showscale": False,
                "name": "your formula is undefined",
                "meta": "answer undefined",
                "showlegend": True,
                "hovertemplate": (
                    f"x = %{{x:.3~g}}<br>y = %{{y:.3~g}}<br>{name} exists, your formula is "
                    "undefined<extra></extra>"
                ),
            }
        )
    if check.counterexamples:
        points = np.array([example[:2] for example in check.counterexamples], dtype=float)
        hover = [
            f"x = {full(x)}, y = {full(y)}<br>{name} = {full(true)}<br>yours = {full(theirs)}"
            for x, y, true, theirs in check.counterexamples
        ]
        traces.append(
            {
                "type": "scatter",
                "mode": "markers",
                "x": points[:, 0],
                "y": points[:, 1],
                "marker": {
                    "symbol": "x",
                    "size": 14,
                    "color": "#111111",
                    "line": {"color": "white", "width": 1},
                },
                "name": "counterexamples (in the table)",
                "meta": "counterexamples",
                "hovertext": hover,
                "hoverinfo": "text",
            }
        )
    axis = {"showline": True, "linecolor": "#444444", "ticks": "outside", "mirror": True}
    axis |= {"constrain": "domain", "showgrid": False, "zeroline": False}
    xs, ys = np.asarray(shown.x, dtype=float), np.asarray(shown.y, dtype=float)
    yaxis = {**axis, "title": {"text": "y", "font": {"size": TITLE_FONT_SIZE}}}
    yaxis["range"] = [float(ys[0]), float(ys[-1])]
    if equal_scale((xs[0], xs[-1]), (ys[0], ys[-1])):
        yaxis |= {"scaleanchor": "x", "scaleratio": 1}
    layout = {
        **base_layout(height),
        "margin": {"l": 60, "r": 10, "t": 10, "b": 50},
        "xaxis": {
            **axis,
            "title": {"text": "x", "font": {"size": TITLE_FONT_SIZE}},
            "range": [float(xs[0]), float(xs[-1])],
        },
        "yaxis": yaxis,
        "legend": legend_layout(y=1.02, yanchor="bottom"),
        "showlegend": True,
        "plot_bgcolor": "#f2f2f2",
    }
    return go.Figure(data=traces, layout=layout)
