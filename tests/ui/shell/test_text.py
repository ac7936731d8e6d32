"""ui.shell.text's small helpers: Markdown escaping, numbers for people, the caret under an
error."""

from __future__ import annotations

import string

from hypothesis import given
from hypothesis import strategies as st

from core import ExpressionError
from ui.shell.text import caret_lines, plain


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


def test_caret_lines_windows_a_long_input_around_the_column():
    text = "x" * 5000 + "$" + "y" * 5000
    error = ExpressionError("bad", 5001, text)
    text_line, caret_line = caret_lines(error).split("\n")
    assert len(text_line) <= 120
    assert text_line[caret_line.index("^")] == "$"


def test_caret_lines_is_empty_without_a_column():
    assert caret_lines(ExpressionError("too long", None, "x")) == ""
