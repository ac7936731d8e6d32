"""Quiz links (`quiz=1`): the exact partial derivatives stay hidden until the student has earned
them, on every page that would show them.

A partial is revealed, for the function on screen, when the Derivatives page's check-your-answer
(core.check_partial) judges the student's formula for it right, or when they press "Give up / show
the answers" (which reveals both). What needs both partials (the gradient, the tangent plane, the
Hessian, Second order) waits for both. A new formula starts hidden again. The teacher's link
without `quiz` shows everything.

This is a classroom convention, not a lock: a student can remove `quiz=1` from the link. What it
guarantees is that a quiz page, as opened, carries no exact derivative anywhere a student could
read it: text, tables, hover texts, the charts' JSON (no tangent line or gradient arrow, whose
slope and length are the partials) and the JavaScript the live charts would evaluate.
"""

from __future__ import annotations

import contextlib

import streamlit as st
from streamlit.errors import StreamlitAPIException

from core import Function
from ui.shell.view import View

VARIABLES = ("x", "y")
REVEALED = "_quiz_revealed"  # session: {function text: the variables whose partial was earned}
GIVE_UP = "Give up / show the answers"
# Page settings a quiz link leaves out: the Derivatives page's answer box (a teacher's worked
# answer would be the answer).
QUIZ_KEEPS_OUT = frozenset({"answer"})


def hidden(view: View, f: Function | None) -> frozenset[str]:
    """The variables whose exact partial is still hidden: none outside a quiz."""
    if not view.quiz or f is None:
        return frozenset()
    earned = st.session_state.get(REVEALED, {}).get(f.text, frozenset())
    return frozenset(VARIABLES) - earned


def reveal(f: Function, variables: tuple[str, ...] | frozenset[str] = VARIABLES) -> None:
    """The partials in `variables` are earned for f (for the rest of the session)."""
    earned = dict(st.session_state.get(REVEALED, {}))
    earned[f.text] = frozenset(earned.get(f.text, frozenset()) | set(variables))
    st.session_state[REVEALED] = earned


def give_up_button(f: Function, key: str) -> None:
    """The button that reveals both partials (it runs before the rerun that draws them)."""
    st.button(
        GIVE_UP,
        key=key,
        icon=":material/visibility:",
        on_click=reveal,
        args=(f,),
        help="Shows the exact derivatives on every page, for this function.",
    )


def quiz_note(f: Function, still_hidden: frozenset[str], key: str, why: str = "") -> None:
    """Says what is hidden (and `why`, a sentence) and how to see it: answer on the Derivatives
    page, or give up."""
    names = " and ".join(f"∂f/∂{v}" for v in VARIABLES if v in still_hidden)
    st.info(
        f"**Quiz:** the exact {names} {'are' if len(still_hidden) > 1 else 'is'} hidden. Type "
        "your own under “Check your answer” on the Derivatives page: a right answer shows it "
        f"here too. {why}".strip(),
        icon=":material/quiz:",
    )
    # A page file run on its own (the tests) has no other page to link to.
    with contextlib.suppress(StreamlitAPIException):
        st.page_link("pages/derivatives/page.py", label="Check your answer", icon=":material/edit:")
    give_up_button(f, key)
