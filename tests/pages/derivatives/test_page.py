"""The Derivatives page through Streamlit's AppTest: each test opens the page file from a link in a
fresh session (the page then draws the sidebar itself) and checks what it shows against core."""

from __future__ import annotations

import base64
import math
import re
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from core import ALL_SCHEMES, DEFAULT_H, Function, error_sweep, finite_difference
from pages.derivatives.figures_error import ERROR_FLOOR
from pages.derivatives.settings import DEFAULT, Settings, from_query, to_query
from pages.derivatives.words import (
    NBSP,
    REFUSED_WORDS,
    SCHEME_NAMES,
    SCHEMES,
    UNDEFINED_WORDS,
    full,
    scientific,
    step,
)
from tests import apptest
from tests.apptest import charts, link

PAGE = "pages/derivatives/page.py"
PWNED = Path("/tmp/pwn")
ARTICLE = "x^2 y + y^3"


def open_page(query: dict[str, str] | None = None) -> AppTest:
    return apptest.open_page(PAGE, query)


def scheme_rows(app: AppTest) -> dict[str, dict[str, str]]:
    """The estimates table, by scheme name (without "(the article)")."""
    table = app.table[0].value
    return {row["Scheme"].split(" (")[0]: row for row in table.to_dict("records")}


def everything_said(app: AppTest) -> str:
    blocks = [*app.markdown, *app.caption, *app.latex, *app.info, *app.warning, *app.error]
    blocks += [*app.success, *app.header, *app.title]
    text = [str(block.value) for block in blocks]
    text += [app.table[i].value.to_string() for i in range(len(app.table))]
    return "\n".join(text)


def decode(array) -> np.ndarray:
    """A Plotly array from the figure JSON: a list, or a base64 typed array (plotly >= 6)."""
    if isinstance(array, dict):
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=np.dtype(array["dtype"]))
    return np.asarray(array, dtype=float)


# --- the default link: the article's f at (2, 1) -------------------------------------------------


def test_the_default_link_shows_every_scheme_beside_the_exact_value():
    app = open_page()
    f = Function(ARTICLE)
    rows = scheme_rows(app)
    assert list(rows) == [SCHEME_NAMES[s] for s in SCHEMES]
    for scheme in ALL_SCHEMES:
        row = rows[SCHEME_NAMES[scheme]]
        estimate = finite_difference(f, 2, 1, "x", scheme=scheme)
        assert row["Estimate"] == full(estimate)
        assert row["Exact (SymPy)"] == "4"  # df/dx = 2xy = 4 exactly
        assert row["Step h"] == step(DEFAULT_H[scheme])
        error = abs(estimate - 4)
        assert row["|Error|"] == (scientific(error) if error else f"0{NBSP}(exact)")
    # The article's forward difference at h = 1e-7 is close, but not exact.
    assert (
        rows["Forward"]["Estimate"].startswith("4.0000000") and rows["Forward"]["Estimate"] != "4"
    )
    assert rows["Forward"]["Step h"] == "10⁻⁷"
    assert "Forward (the article)" in app.table[0].value["Scheme"].tolist()
    assert link(app) == {"f": ARTICLE, "x0": "2", "y0": "1"}
    assert not app.warning and not app.error


def test_the_default_link_plots_the_sweep_of_every_scheme():
    app = open_page()
    sweep = error_sweep(Function(ARTICLE), 2, 1, "x")
    (figure,) = charts(app)
    by_role = {trace.get("meta"): trace for trace in figure["data"]}
    for scheme in ALL_SCHEMES:
        measured = by_role[f"error {scheme}"]
        expected = np.maximum(sweep.errors[scheme], ERROR_FLOOR)  # 0 -> the floor
        assert np.allclose(decode(measured["y"]), expected, rtol=1e-12, equal_nan=True)
        assert by_role[f"best {scheme}"]["x"] == [sweep.best_h[scheme]]
    assert figure["layout"]["xaxis"]["type"] == "log" and figure["layout"]["yaxis"]["type"] == "log"
    words = " ".join(a["text"] for a in figure["layout"]["annotations"])
    words = " ".join(re.sub(r"<[^>]+>", " ", words).split())  # tags and line breaks out
    assert "truncation dominates" in words and "round-off dominates" in words
    assert "the article's h = 10⁻⁷" in words
    assert "exactly 0" in words  # complex-step hits 4 exactly: drawn at the floor, and said so
    said = everything_said(app)
    best = step(sweep.best_h["forward"])
    assert best in said and "√ε" in said and "ε^⅓" in said


def test_the_default_link_shows_the_exact_partials_hessian_and_clairaut():
    app = open_page()
    tex = "\n".join(block.value for block in app.latex)
    assert r"\frac{\partial f}{\partial x} = 2 x y" in tex
    assert r"\frac{\partial f}{\partial y} = x^{2} + 3 y^{2}" in tex
    assert r"\begin{pmatrix} 2 y & 2 x \\ 2 x & 6 y \end{pmatrix}" in tex
    assert r"H(2,\ 1) = \begin{pmatrix} 2 & 4 \\ 4 & 6 \end{pmatrix}" in tex
    mixed = (
        r"\frac{\partial^2 f}{\partial y\,\partial x} = \frac{\partial^2 f}{\partial x\,\partial y}"
    )
    assert mixed + "} = 2 x" in tex
    assert any("Clairaut" in block.value for block in app.caption)


def test_the_variable_comes_from_the_link():
    app = open_page({"var": "y"})
    assert app.get("button_group")[0].value == "y"
    assert all(row["Exact (SymPy)"] == "7" for row in scheme_rows(app).values())
    assert any("∂f/∂y" in block.value for block in app.header)
    assert link(app)["var"] == "y"


# --- the answer box -------------------------------------------------------------------------------


def test_a_right_answer_from_the_link_is_equivalent():
    app = open_page({"answer": "2 y x"})
    assert app.text_input(key="derivatives_answer").value == "2 y x"
    assert len(app.success) == 1 and "Equivalent" in app.success[0].value
    assert link(app)["answer"] == "2 y x"  # a teacher can share the worked check


def test_a_wrong_answer_is_different_with_counterexamples_and_a_map():
    app = open_page({"answer": "x^2"})
    assert any("Different" in block.value for block in app.error)
    examples = next(t.value for t in app.table if "yours" in t.value.columns)
    for row in examples.to_dict("records"):
        x, y = float(row["x"]), float(row["y"])
        assert float(row["exact ∂f/∂x"]) == pytest.approx(2 * x * y)
        assert float(row["yours"]) == pytest.approx(x * x)
    assert any(r"\text{exact} - \text{yours}" in block.value for block in app.latex)
    difference = charts(app)[1]
    assert difference["data"][0]["type"] == "heatmap"


def test_typing_an_answer_checks_it():
    app = open_page({"var": "y"})
    app.text_input(key="derivatives_answer").input("3y^2 + x^2").run()
    assert not app.exception
    assert len(app.success) == 1
    app.text_input(key="derivatives_answer").input("x^2 + y^2").run()
    assert any("Different" in block.value for block in app.error)


def test_a_timed_out_symbolic_check_still_gives_a_verdict(monkeypatch):
    from core import answers

    class Stopped:
        def __init__(self, worker):
            self.worker = worker

        def run(self, task, *args, timeout=None):
            if task == "equivalent":
                from core import ExpressionError

                raise ExpressionError("This formula takes too long to work with symbolically.")
            return self.worker.run(task, *args, timeout=timeout)

    stopped = Stopped(answers.shared_worker())
    monkeypatch.setattr(answers, "shared_worker", lambda: stopped)
    app = open_page({"f": "sin(x)^2 + y", "answer": "sin(2x)"})
    assert any("numerically" in block.value for block in app.success)


# --- hostile links --------------------------------------------------------------------------------


def test_a_bad_variable_is_replaced_and_explained():
    app = open_page({"var": "z"})
    assert any("var" in block.value and "not x or y" in block.value for block in app.warning)
    assert app.get("button_group")[0].value == "x"
    assert "var" not in link(app)


def test_a_shell_payload_answer_is_refused_and_runs_nothing():
    app = open_page({"answer": f"__import__('os').system('touch {PWNED}')"})
    assert len(app.error) == 1 and "not allowed" in app.error[0].value
    assert not PWNED.exists()
    assert not any("import" in block.value for block in app.latex)


@pytest.mark.parametrize("answer", ["9^9^9^9", "x" * 400, "2 x z"])
def test_hostile_answers_are_a_clear_error(answer):
    app = open_page({"answer": answer})
    assert len(app.error) == 1
    assert "Traceback" not in app.error[0].value
    assert not any(answer in block.value for block in app.latex)
    assert len(charts(app)) == 1  # the error plot is still there


def test_an_answer_in_z_says_to_use_x_and_y():
    app = open_page({"answer": "2 x z"})
    assert "x and y" in app.error[0].value


def test_an_overlong_answer_in_the_link_is_dropped_with_a_notice():
    app = open_page({"answer": "x" * 600})
    assert any("longer than 500" in block.value for block in app.warning)
    assert app.text_input(key="derivatives_answer").value == ""


def test_a_nan_point_is_replaced_and_explained():
    app = open_page({"x0": "nan"})
    assert any("x0" in block.value for block in app.warning)
    assert scheme_rows(app)["Forward"]["Exact (SymPy)"] == "4"  # the default point (2, 1)


def test_a_function_undefined_everywhere_says_so_in_words():
    app = open_page({"f": "sqrt(-1 - x^2)"})
    said = everything_said(app)
    assert "undefined" in said
    assert not re.search(r"\bnan\b", said, re.IGNORECASE)
    assert any("f is undefined at" in block.value for block in app.info)
    assert all(row["Estimate"] == UNDEFINED_WORDS for row in scheme_rows(app).values())
    (figure,) = charts(app)
    words = " ".join(a["text"] for a in figure["layout"]["annotations"])
    assert "No scheme" in words


def test_atan2_on_its_cut_refuses_complex_step_with_the_reason():
    app = open_page({"f": "atan2(y, x)", "x0": "-1", "y0": "0", "var": "y"})
    rows = scheme_rows(app)
    assert rows["Complex-step"]["Estimate"] == REFUSED_WORDS
    assert rows["Central"]["Estimate"] != REFUSED_WORDS
    refused = [block.value for block in app.info if "not usable here" in block.value]
    assert len(refused) == 1 and "jumps by 2 pi" in refused[0]
    (figure,) = charts(app)
    names = [trace.get("name", "") for trace in figure["data"]]
    assert "Complex-step: not usable here" in names


def test_a_kink_has_no_exact_value_and_no_error():
    app = open_page({"f": "abs(x) + y", "x0": "0", "y0": "1"})
    rows = scheme_rows(app)
    assert rows["Forward"]["Exact (SymPy)"] == UNDEFINED_WORDS
    assert rows["Forward"]["|Error|"] == "—"
    assert any("does not exist at this point" in block.value for block in app.info)
    assert not re.search(r"\bnan\b", everything_said(app), re.IGNORECASE)


def test_a_hostile_formula_keeps_the_last_good_function():
    app = open_page({"f": "__import__('os').system('echo hacked')"})
    assert app.sidebar.error  # the sidebar says why
    assert scheme_rows(app)["Forward"]["Exact (SymPy)"] == "4"  # the default function
    assert math.isfinite(float(scheme_rows(app)["Central"]["Estimate"]))


def test_settings_round_trip():
    settings, notices = from_query({"var": "y", "answer": "2 x y"})
    assert notices == [] and settings == Settings("y", "2 x y")
    assert to_query(settings) == {"var": "y", "answer": "2 x y"}
    assert to_query(DEFAULT) == {}
    assert from_query({"var": ["z", "x"]}) == (DEFAULT, [])
    settings, notices = from_query({"var": "<script>", "answer": "y" * 501})
    assert settings == DEFAULT and len(notices) == 2
    assert to_query(Settings("x", "   ")) == {}


def test_a_long_function_lists_its_second_derivatives_on_wrapped_lines():
    beale = "(1.5 - x + x y)^2 + (2.25 - x + x y^2)^2 + (2.625 - x + x y^3)^2"
    app = open_page({"f": beale, "x0": "3", "y0": "0.5"})
    tex = [block.value for block in app.latex]
    assert not any("pmatrix} (" in block or r"H(x, y)" in block for block in tex)
    assert any(r"\begin{aligned}" in block for block in tex)
    assert any(r"\frac{\partial^2 f}{\partial x^2} = " in block for block in tex)
    assert any(r"H(3,\ 0.5) = \begin{pmatrix}" in block for block in tex)
