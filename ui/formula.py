"""The formula check: parse once per text, then show f and its first partials at a point."""

from __future__ import annotations

import math
import re

import streamlit as st
import sympy

from core import ExpressionError, Function

_MARKDOWN_SPECIAL = re.compile(r"([!-/:-@\[-`{-~])")  # every ASCII punctuation character


@st.cache_resource(max_entries=256, show_spinner=False)
def parse_function(text: str) -> Function:
    """Function(text), built once per distinct text (errors are raised, never cached)."""
    return Function(text)


def plain(text: str) -> str:
    """Text that Markdown shows literally: no links, emphasis, colour directives or $math$."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def number(value: float) -> str:
    """A value for people: short, and words instead of nan or inf."""
    value = float(value)
    if not math.isfinite(value):
        return "undefined here"
    return f"{value + 0.0:.10g}"  # + 0.0 turns -0.0 into 0.0


def caret_lines(error: ExpressionError) -> str:
    """The offending text with a caret under the column ("" when there is no column)."""
    caret = getattr(error, "caret", "")
    if caret:
        return caret
    text, column = getattr(error, "text", ""), getattr(error, "column", None)
    if not text or column is None:
        return ""
    # core leaves long inputs to us: show a window around the column, not a megabyte of text.
    start = max(0, column - 1 - 60)
    window = re.sub(r"\s", " ", text[start : start + 120])
    return window + "\n" + " " * (column - 1 - start) + "^"


def show_expression_error(error: ExpressionError) -> None:
    """The message, where it went wrong, and the hint: never a traceback."""
    where = f"Column {error.column}: " if error.column is not None else ""
    st.error(plain(where + error.message))
    caret = caret_lines(error)
    if caret:
        st.code(caret, language=None)
    if error.hint:
        st.info(plain(error.hint))


def show_derivatives(f: Function, x0: float, y0: float) -> None:
    """f and its two partials as formulas (sympy.latex only) and as values at (x0, y0)."""
    at = f"({number(x0)}, {number(y0)})"
    dx, dy = f.gradient(x0, y0)
    rows = (
        ("f(x, y)", f.latex, "f", f(x0, y0)),
        (r"\frac{\partial f}{\partial x}", sympy.latex(f.derivative("x")), "∂f/∂x", dx),
        (r"\frac{\partial f}{\partial y}", sympy.latex(f.derivative("y")), "∂f/∂y", dy),
    )
    for left, formula, name, value in rows:
        shown, point = st.columns([4, 1], vertical_alignment="center")
        shown.latex(rf"\large {left} = {formula}")
        point.metric(f"{name} at {at}", number(value))
