"""Quiz links through AppTest (ui/shell/quiz.py): a page opened from `quiz=1` carries no exact
derivative anywhere (text, LaTeX, tables, the charts' JSON, the live charts' data) until the
student's answer on the Derivatives page is judged right or they give up; then it shows them."""

from __future__ import annotations

import json
import re

import pytest
import sympy
from streamlit.testing.v1 import AppTest

from core import Function, compile_javascript, point_summary
from pages.derivatives.words import full
from tests import apptest
from tests.apptest import charts, link
from ui.shell.live_chart import unpacked
from ui.shell.quiz import GIVE_UP, REVEALED
from ui.shell.text import latex_number

DERIVATIVES, EXPLORE, SECOND = (
    "pages/derivatives/page.py",
    "pages/explore/page.py",
    "pages/second_order/page.py",
)
F, X0, Y0 = "x^2 y + y^3", 1.5, 0.8  # ∂f/∂x = 2 x y = 2.4, ∂f/∂y = x² + 3 y² = 4.17 here
QUIZ = {"f": F, "x0": str(X0), "y0": str(Y0), "quiz": "1"}
FUNCTION = Function(F)
POINT = point_summary(FUNCTION, X0, Y0)


def secrets(variable: str) -> list[str]:
    """What would give ∂f/∂variable away: its formula as typeset and as written, and its value
    at the point as the readouts, the table and the hover texts write it."""
    expr = FUNCTION.derivative(variable)
    value = POINT.fx if variable == "x" else POINT.fy
    return [sympy.latex(expr), str(expr), latex_number(value), full(value), f"{value:.4g}"]


def _readable(value) -> str:
    """Every key and string in JSON data, JSON inside strings decoded too; but typed arrays'
    base64 and images, where any short word turns up by chance (their numbers are f's values)."""
    if isinstance(value, str):
        if value.startswith("data:image"):
            return ""
        try:
            inner = json.loads(value)
        except ValueError:
            return value
        return _readable(inner) if isinstance(inner, dict | list) else value
    if isinstance(value, dict):
        return " ".join(f"{key} {_readable(item)}" for key, item in value.items() if key != "bdata")
    if isinstance(value, list):
        return " ".join(_readable(item) for item in value)
    return str(value)


def _visible_text(app: AppTest) -> str:
    """Every word and number the page shows or sends: markdown, LaTeX, captions, alerts, tables
    (but the Estimate column: finite-difference estimates stay, they are the lesson), buttons,
    and every element's raw protobuf JSON for charts and components."""
    blocks = [*app.markdown, *app.caption, *app.latex, *app.info, *app.warning, *app.error]
    blocks += [*app.success, *app.header, *app.subheader, *app.title]
    text = [str(block.value) for block in blocks]
    for table in [*app.table, *app.dataframe]:
        frame = table.value
        frame = getattr(frame, "data", frame)  # a Styler's frame
        text.append(frame.drop(columns=["Estimate"], errors="ignore").to_string())
    text += [_readable(figure) for figure in charts(app)]
    for element in apptest._elements(app._tree):
        proto = getattr(element, "proto", None)
        if getattr(element, "type", None) == "bidi_component":
            text.append(_readable(proto.json))
        # Widgets' labels, help texts and placeholders (an example in a box can be the answer).
        for name in ("label", "help", "placeholder"):
            value = getattr(proto, name, None)
            if isinstance(value, str):
                text.append(value)
    return "\n".join(text)


def compact(text: str) -> str:
    """Formulas however written: 2 x y, 2*x*y, 2xy; x^{2} + 3 y^{2}, x² + 3y² (the gallery's)."""
    text = text.replace("²", "^2").replace("³", "^3")
    return re.sub(r"[\s{}*]", "", text)


def found(app: AppTest, variable: str) -> list[str]:
    text = _visible_text(app)
    hits = [secret for secret in secrets(variable)[:2] if compact(secret) in compact(text)]
    for secret in secrets(variable)[2:]:
        # A number as a whole token: 2.4 is not found inside the estimate 2.4000000189.
        pattern = rf"(?<![\d.]){re.escape(secret)}(?![\d])" if secret[0].isdigit() else None
        if (pattern and re.search(pattern, text)) or (not pattern and secret in text):
            hits.append(secret)
    return hits


def answer(app: AppTest, text: str) -> AppTest:
    app.text_input(key="derivatives_answer").input(text)
    return apptest.rerun(app)


def give_up(app: AppTest) -> AppTest:
    next(b for b in app.button if b.label == GIVE_UP).click()
    return apptest.rerun(app)


def test_the_secrets_are_what_the_teachers_page_shows():
    # The test's own yardstick: without quiz, every secret is on the page.
    app = apptest.open_page(DERIVATIVES, {k: v for k, v in QUIZ.items() if k != "quiz"})
    assert set(found(app, "x")) >= {"2 x y", "2.4"}, found(app, "x")
    explore = apptest.open_page(EXPLORE, {k: v for k, v in QUIZ.items() if k != "quiz"})
    assert set(found(explore, "y")) >= {"x^{2} + 3 y^{2}", "4.17"}, found(explore, "y")


def test_a_quiz_link_shows_no_exact_derivative_on_the_derivatives_page():
    app = apptest.open_page(DERIVATIVES, QUIZ)
    assert found(app, "x") == [] and found(app, "y") == []
    table = app.table[0].value
    columns = list(table.columns)
    assert "Estimate" in columns and "Exact (SymPy)" not in columns and "|Error|" not in columns
    assert charts(app) == []  # the error plot measures against the exact value
    assert link(app)["quiz"] == "1"
    assert any(b.label == GIVE_UP for b in app.button)


def test_a_wrong_answer_says_so_without_the_exact_values():
    app = answer(apptest.open_page(DERIVATIVES, QUIZ), "x^2")
    assert app.error and "Different" in app.error[0].value
    assert found(app, "x") == [] and found(app, "y") == []


def test_a_right_answer_shows_its_partial_and_only_it():
    app = answer(apptest.open_page(DERIVATIVES, QUIZ), "2 y x")
    assert app.success
    assert set(found(app, "x")) >= {"2 x y", "2.4"}
    assert "Exact (SymPy)" in list(app.table[0].value.columns)
    assert len(charts(app)) == 1  # the error plot is back
    assert found(app, "y") == []  # ∂f/∂y waits for its own answer (the Hessian holds it)
    assert app.session_state[REVEALED] == {F: frozenset({"x"})}
    # Explore in that session (AppTest cannot switch between page files run on their own; the
    # browser test goes from page to page): ∂f/∂x is earned there too, ∂f/∂y and ∇f are not.
    explore = apptest.open_page(EXPLORE, QUIZ)
    explore.session_state[REVEALED] = {F: frozenset({"x"})}
    apptest.rerun(explore)
    assert "2 x y" in found(explore, "x") and found(explore, "y") == []
    roles = {trace.get("meta") for figure in charts(explore) for trace in figure["data"]}
    assert "tangent x" in roles and not roles & {"tangent y", "gradient", "gradient head"}


def test_giving_up_shows_everything():
    app = give_up(apptest.open_page(DERIVATIVES, QUIZ))
    assert {"2 x y", "2.4"} <= set(found(app, "x"))
    assert {"x^{2} + 3 y^{2}", "4.17"} <= set(found(app, "y"))
    assert any("H(x, y)" in str(block.value) for block in app.latex)
    assert not any(b.label == GIVE_UP for b in app.button)


def test_explore_in_a_quiz_hides_the_readout_tangents_gradient_and_the_browser_code():
    app = apptest.open_page(EXPLORE, QUIZ | {"plane": "1", "field": "1"})
    assert found(app, "x") == [] and found(app, "y") == []
    roles = {trace.get("meta") for figure in charts(app) for trace in figure["data"]}
    assert "surface" in roles and "slice x" in roles and "point" in roles
    assert not roles & {"tangent x", "tangent y", "tangent", "gradient", "tangent plane", "field"}
    assert "∇f =" not in _visible_text(app)  # no value of the gradient (its name may appear)
    # The browser gets f's code alone (it moves the point and the slices), no derivative's.
    bodies = [
        unpacked(json.loads(b.proto.json))["live"]
        for b in apptest._elements(app._tree)
        if getattr(b, "type", None) == "bidi_component"
        and b.proto.component_name.endswith("live_chart")
    ]
    assert bodies and all(body["body"] == compile_javascript(FUNCTION).body(0) for body in bodies)
    assert compile_javascript(FUNCTION).body(0) != compile_javascript(FUNCTION).body(1)
    app = give_up(app)
    assert "2 x y" in found(app, "x") and "x^{2} + 3 y^{2}" in found(app, "y")
    roles = {trace.get("meta") for figure in charts(app) for trace in figure["data"]}
    assert {"tangent x", "tangent y", "gradient", "tangent plane", "field"} <= roles


def test_second_order_waits_for_both_partials():
    app = apptest.open_page(SECOND, QUIZ)
    assert charts(app) == [] and found(app, "x") == [] and found(app, "y") == []
    assert "Quiz" in app.info[0].value
    app = give_up(app)
    assert len(charts(app)) >= 5


@pytest.mark.parametrize("value", ["__import__", "2", "maybe", "<script>"])
def test_a_bad_quiz_value_falls_back_to_showing_everything_with_a_notice(value):
    app = apptest.open_page(DERIVATIVES, {"f": F, "quiz": value})
    assert "quiz" in app.warning[0].value and "no quiz" in app.warning[0].value
    assert "2 x y" in found(app, "x")
    assert "quiz" not in link(app)
