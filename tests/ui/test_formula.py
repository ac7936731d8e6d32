"""ui.formula's small helpers: Markdown escaping, numbers for people, the caret under an error."""

from __future__ import annotations

import math
import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core import ExpressionError
from ui.formula import caret_lines, number, plain


@given(st.text())
def test_plain_escapes_every_ascii_punctuation_and_nothing_else(text):
    escaped = plain(text)
    unescaped, i = [], 0
    while i < len(escaped):
        if escaped[i] == "\\":
            assert escaped[i + 1] in string.punctuation
            i += 1
        else:
            assert escaped[i] not in string.punctuation
        unescaped.append(escaped[i])
        i += 1
    assert "".join(unescaped) == text


@pytest.mark.parametrize(
    ("value", "shown"),
    [(4.0, "4"), (7, "7"), (-0.0, "0"), (0.1 + 0.2, "0.3"), (1e-12, "1e-12"), (-2.5, "-2.5")],
)
def test_number_is_short(value, shown):
    assert number(value) == shown


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_number_says_undefined_instead_of_nan_or_inf(value):
    assert number(value) == "undefined here"


def test_caret_lines_windows_a_long_input_around_the_column():
    text = "x" * 5000 + "$" + "y" * 5000
    error = ExpressionError("bad", 5001, text)
    text_line, caret_line = caret_lines(error).split("\n")
    assert len(text_line) <= 120
    assert text_line[caret_line.index("^")] == "$"


def test_caret_lines_is_empty_without_a_column():
    assert caret_lines(ExpressionError("too long", None, "x")) == ""
