"""The Derivatives page in words: each scheme's name, formula and colour, numbers as a projector
shows them (never "nan"), long formulas broken into lines, and the table of core.estimates: each
finite-difference scheme at its usual step beside the exact partial, with both errors.

Each scheme has one colour (SCHEME_COLOURS), the same in the table and in the plot, and a marker
of its own. The colours are text in the table, so each reads at 4.5:1 or more on white, and every
pair stays apart under simulated protanopia and deuteranopia (tests/pages/derivatives).
"""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import sympy

from core import Estimate

SCHEMES = ("forward", "backward", "central", "complex-step", "richardson")
SCHEME_COLOURS = {
    "forward": "#862c18",  # brick red: the article's scheme, on top
    "backward": "#8a007c",  # purple
    "central": "#104cc1",  # blue
    "complex-step": "#111111",  # black: it sits at the bottom of the plot
    "richardson": "#9e6800",  # dark gold
}
# Each scheme's marker on the error plot: the legend tells them apart without colour too.
SCHEME_MARKERS = {
    "forward": "circle",
    "backward": "square",
    "central": "diamond",
    "complex-step": "triangle-up",
    "richardson": "x",
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
UNDEFINED_WORDS = "undefined here"
REFUSED_WORDS = "not usable here"
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


TABLE_COLUMNS = ("Scheme", "Formula", "Step h", "Estimate", "Exact (SymPy)", "|Error|", "Relative")
# What a quiz leaves out: the exact value, and the errors that give it back (estimate ± error).
EXACT_COLUMNS = ("Exact (SymPy)", "|Error|", "Relative")


def estimate_table(rows: list[Estimate], variable: str, exact: bool = True) -> pd.DataFrame:
    """The table as text: full digits for the estimate, two for the errors, words for gaps.
    Without `exact` (a quiz), the estimates only: no exact value and no error column."""
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
    table = pd.DataFrame(records, columns=list(TABLE_COLUMNS))
    return table if exact else table.drop(columns=list(EXACT_COLUMNS))


def styled_table(
    rows: list[Estimate], variable: str, recolour=lambda colour: colour, exact: bool = True
):
    """estimate_table with each scheme's name in its plot colour (a pandas Styler); `recolour`
    makes a colour readable on the page (ui.plots.colours.on_dark in the dark theme)."""
    table = estimate_table(rows, variable, exact)
    colours = [recolour(SCHEME_COLOURS[row.scheme]) for row in rows]

    def colour_names(column):
        return [f"color: {colour}; font-weight: 700" for colour in colours]

    styler = table.style.apply(colour_names, subset=["Scheme"]).hide(axis="index")
    return styler.set_properties(**{"font-size": "1.05rem"})


# --- error against h ----------------------------------------------------------------------------


# --- where an answer differs --------------------------------------------------------------------


# --- the charts in words and numbers (ui/shell/chart_text.py puts them on the page) -------------


def error_sentence(sweep, x0: float, y0: float) -> str:
    """The error plot in words: what it plots, and each scheme's best step and error."""
    words = [
        f"Log-log plot of |estimate − exact| of ∂f/∂{sweep.variable} at ({x0:g}, {y0:g}) "
        f"against the step h, from {step(float(sweep.h.max()))} down to "
        f"{step(float(sweep.h.min()))}; the exact value is {full(sweep.exact)}."
    ]
    for scheme, name in SCHEME_NAMES.items():
        if scheme not in sweep.errors:
            continue
        if scheme in sweep.refused:
            words.append(f"{name}: not usable here.")
            continue
        best = sweep.best_h.get(scheme, math.nan)
        if not math.isfinite(best):
            words.append(f"{name}: no error could be measured.")
            continue
        words.append(
            f"{name}: smallest error {scientific(sweep.best_error[scheme])} at h ≈ {step(best)}."
        )
    return " ".join(words)


def error_rows(sweep) -> list[dict[str, str]]:
    """The error plot's numbers: each scheme's error at every power of ten of h in the sweep."""
    exponents = np.log10(sweep.h)
    decades = np.flatnonzero(np.abs(exponents - np.round(exponents)) < 1e-9)
    schemes = [scheme for scheme in SCHEME_NAMES if scheme in sweep.errors]
    return [
        {"h": step(float(sweep.h[i]))}
        | {SCHEME_NAMES[s]: scientific(float(sweep.errors[s][i])) for s in schemes}
        for i in decades
    ]


def difference_sentence(variable: str, counterexamples) -> str:
    """The map of |exact − yours| in words, with the places the table beside it lists."""
    places = "; ".join(
        f"at ({x:.4g}, {y:.4g}) the exact value is {full(true)}, yours {full(theirs)}"
        for x, y, true, theirs in list(counterexamples)[:3]
    )
    return (
        f"Map of |exact − yours| for ∂f/∂{variable} over the window: white where they agree, "
        f"red where they differ. For example, {places}."
    )
