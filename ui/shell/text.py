"""Showing formulas and their errors to people: escaped Markdown, short numbers, a caret."""

from __future__ import annotations

import math
import re

import streamlit as st

from core import ExpressionError
from ui.plots.colours import PALETTE

_MARKDOWN_SPECIAL = re.compile(r"([!-/:-@\[-`{-~])")  # every ASCII punctuation character


def plain(text: str) -> str:
    """Text that Markdown shows literally: no links, emphasis, colour directives or $math$."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


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


UNDEFINED = r"\text{undefined here}"


PARTIAL_X = r"\frac{\partial f}{\partial x}"


PARTIAL_Y = r"\frac{\partial f}{\partial y}"


def latex_number(value: float, digits: int = 6) -> str:
    """A value as LaTeX: short, times-ten for the very large or small, words for nan or inf."""
    value = float(value)
    if not math.isfinite(value):
        return UNDEFINED
    text = f"{value + 0.0:.{digits}g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        return rf"{mantissa} \times 10^{{{int(exponent)}}}"
    return text


# Every colour coloured() has given a formula: the dark theme's style lightens each of them
# (ui/shell/style.py, look_style).
TEXT_COLOURS: set[str] = {colour.lower() for colour in PALETTE.values()}


def coloured(colour: str, tex: str) -> str:
    TEXT_COLOURS.add(colour.lower())
    return rf"{{\color{{{colour}}}{tex}}}"
