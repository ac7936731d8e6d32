"""ui.formula's small helpers, and the page itself through Streamlit's AppTest (no browser)."""

from __future__ import annotations

import math
import string
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from core import ExpressionError
from ui.formula import caret_lines, number, plain

APP = str(Path(__file__).resolve().parents[2] / "app.py")


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


def run(text: str | None = None) -> AppTest:
    page = AppTest.from_file(APP, default_timeout=60).run()
    if text is not None:
        page.text_input[0].set_value(text).run()
    assert not page.exception
    return page


def test_the_default_page_shows_the_seed_values():
    page = run()
    values = {m.label.split(" at ")[0]: m.value for m in page.metric}
    assert values == {"f": "5", "∂f/∂x": "4", "∂f/∂y": "7"}
    assert any("2 x y" in formula.value for formula in page.latex)


def test_a_bad_formula_shows_message_caret_and_hint_without_latex():
    page = run("xy")
    assert len(page.error) == 1 and "Column 1" in page.error[0].value
    assert page.code[0].value.splitlines() == ["xy", "^"]
    assert "x\\*y" in page.info[0].value  # escaped Markdown for "x*y"
    assert not page.latex and not page.metric


def test_an_empty_formula_asks_for_one():
    page = run("   ")
    assert not page.error and "function of x and y" in page.info[0].value


@pytest.mark.parametrize(
    "text",
    [
        "__import__('os').system('echo hacked')",
        "x" * 1_000_000,
        "ｘ + 1",
        "9^9^9^9",
        "(" * 500 + "x" + ")" * 500,
        "lambda: 1",
        "[a](javascript:alert(1)) $\\alpha$",
    ],
    ids=["dunder", "megabyte", "fullwidth", "tower", "deep", "lambda", "markdown"],
)
def test_hostile_text_is_a_short_error_never_a_traceback(text):
    page = run(text)
    assert len(page.error) == 1 and not page.latex and not page.metric
    assert all(len(block.value) < 400 for block in page.code)
