"""The Derivatives page in a quiz link (ui/shell/quiz.py): the answer box is judged before
anything is drawn, so that a right answer shows its exact partial in the same run; and what a
wrong answer is told leaves the exact values out."""

from __future__ import annotations

import streamlit as st

from core import ExpressionError, Function
from pages.derivatives.settings import PREFIX
from pages.derivatives.work import answer_check
from ui.shell.quiz import hidden, reveal
from ui.shell.view import View


def settle(f: Function, view: View, variable: str) -> frozenset[str]:
    """The partials still hidden after judging the answer box (when its answer is right, the
    partial it answers is revealed: core.check_partial decides, cached for the page's own call)."""
    answer = str(st.session_state.get(PREFIX + "answer") or "")
    if variable in hidden(view, f) and answer.strip():
        try:
            result = answer_check(f, variable, answer, view.xlim, view.ylim)
        except ExpressionError:
            pass  # the page shows why, under the box
        else:
            if result.verdict == "equivalent":
                reveal(f, (variable,))
    return hidden(view, f)


def first_sentence(message: str) -> str:
    """A verdict's first sentence: "Different: ... disagree at 3 of the 400 points checked." The
    rest names a point and the exact value there, which a quiz keeps back."""
    head, dot, _ = message.partition(". ")
    return head + (dot.strip() if dot else "")
