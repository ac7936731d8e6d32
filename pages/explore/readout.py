"""The readout: f and its partials as exact formulas (sympy.latex) and as values at the point.

Colours match the figures: the x-slice's colour for df/dx, the y-slice's for df/dy.
"""

from __future__ import annotations

import math

import streamlit as st
import sympy

from core import Function
from core.geometry import PointSummary
from ui.plots.colours import GRADIENT, X_SLICE, Y_SLICE
from ui.shell.text import PARTIAL_X, PARTIAL_Y, coloured, latex_number

QUIZ_BLANK = r"\text{?}"  # what a quiz shows for a partial not answered yet


def readout_rows(
    f: Function, point: PointSummary, hidden: frozenset[str] = frozenset()
) -> list[tuple[str, str, str]]:
    """(name, formula, value at the point) for f, df/dx, df/dy, all LaTeX; a partial a quiz
    still hides (ui.shell.quiz) is a question mark, formula and value."""
    rows = [("f(x, y)", f.latex, latex_number(point.value))]
    for v, colour, name, value in (
        ("x", X_SLICE, PARTIAL_X, point.fx),
        ("y", Y_SLICE, PARTIAL_Y, point.fy),
    ):
        if v in hidden:
            rows.append((coloured(colour, name), QUIZ_BLANK, QUIZ_BLANK))
        else:
            rows.append((coloured(colour, name), sympy.latex(f.derivative(v)), latex_number(value)))
    return rows


# Where the sentence may wrap on a narrow column: between its clauses, never inside one (KaTeX
# breaks a display line after a top-level relation or operator, or at \allowbreak; braces make
# a clause one unbreakable piece, so "|grad f| =" is never left alone at a line's end).
CLAUSE = r",\allowbreak\quad "


def gradient_line(point: PointSummary) -> str:
    """|grad f| and its direction, or why there is none, in clauses a phone can wrap between."""
    if not math.isfinite(point.gradient_norm):
        return coloured(GRADIENT, r"\nabla f") + r"\ \text{is undefined at this point}"
    vector = rf"\nabla f = ({latex_number(point.fx)},\ {latex_number(point.fy)})"
    norm = rf"{{|\nabla f| = {latex_number(point.gradient_norm)}}}"
    if point.gradient_angle is None:
        return (
            coloured(GRADIENT, vector)
            + CLAUSE
            + norm
            + r"\allowbreak\ \text{(no direction: f is flat here)}"
        )
    degrees = math.degrees(point.gradient_angle)
    return (
        coloured(GRADIENT, vector)
        + CLAUSE
        + norm
        + CLAUSE
        + rf"\text{{steepest ascent at }} {{{latex_number(degrees, 4)}}}^\circ"
        + r"\allowbreak\ \text{from the } x\text{-axis}"
    )


def show_readout(f: Function, point: PointSummary, hidden: frozenset[str] = frozenset()) -> None:
    at = rf"({latex_number(point.x)},\ {latex_number(point.y)})"
    columns = st.columns(3)
    for column, (name, formula, value) in zip(columns, readout_rows(f, point, hidden), strict=True):
        with column:
            st.latex(rf"{name} = {formula}")
            st.latex(rf"{name}\Big|_{{{at}}} = {value}")
    if not hidden:
        st.latex(gradient_line(point))
    words = {
        "value": "f itself is undefined at this point, so nothing can be drawn there.",
        "fx": "∂f/∂x is undefined at this point (a kink, a vertical tangent or the domain's edge).",
        "fy": "∂f/∂y is undefined at this point (a kink, a vertical tangent or the domain's edge).",
    }
    missing = [words[name] for name in ("value", "fx", "fy") if name in point.undefined]
    if missing:
        st.info(missing[0] if "value" in point.undefined else " ".join(missing))
