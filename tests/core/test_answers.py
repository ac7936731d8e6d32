"""Checking a student's partial derivative (issue #5, derivatives page item 4), and Clairaut."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core import ExpressionError, Function
from core import answers as answers_module
from core.answers import (
    AnswerCheck,
    check_partial,
    difference_map,
    mixed_partials,
    nice_step,
    read_answer,
)

SEED = "x^2 y + y^3"  # the article's f: df/dx = 2xy, df/dy = x^2 + 3y^2
PWNED = Path("/tmp/derivatives-answer-pwned")


def check(f_text, variable, answer, **kwargs) -> AnswerCheck:
    return check_partial(Function(f_text), variable, answer, **kwargs)


# --- textbook answers --------------------------------------------------------------------------


@pytest.mark.parametrize("answer", ["2x y", "2*y*x", "y*2x", "2 y x", "x y + y x", "(2x)(y)"])
def test_the_article_partial_in_x_in_many_spellings(answer):
    result = check(SEED, "x", answer)
    assert result.verdict == "equivalent"
    assert result.method == "symbolic"  # SymPy's automatic simplification already makes it 0
    assert result.difference_latex == "0" and not result.counterexamples
    assert "x" in result.answer_latex and "y" in result.answer_latex


@pytest.mark.parametrize("answer", ["x^2 + 3y^2", "3 y^2 + x*x", "x^2 + y^2 + 2 y^2"])
def test_the_article_partial_in_y(answer):
    assert check(SEED, "y", answer).verdict == "equivalent"


@pytest.mark.parametrize(
    ("f_text", "variable", "answer"),
    [
        ("sin(x)^2 + y", "x", "sin(2x)"),  # 2 sin x cos x
        ("sin(2x) y / 2", "x", "(cos(x)^2 - sin(x)^2) y"),
        ("exp(x + y)", "y", "exp(x) exp(y)"),
        ("(x + y)^5", "x", "5x^4 + 20x^3 y + 30x^2 y^2 + 20x y^3 + 5y^4"),
        ("x/y", "y", "-x y^(-2)"),
        ("atan(y/x)", "x", "-y/(x^2 + y^2)"),
    ],
)
def test_equivalent_forms_that_need_simplifying(f_text, variable, answer):
    assert check(f_text, variable, answer).verdict == "equivalent"


def test_a_wrong_answer_is_different_with_real_counterexamples():
    result = check(SEED, "x", "x^2")
    assert result.verdict == "different"
    assert result.counterexamples
    for x, y, true, theirs in result.counterexamples:
        assert true == pytest.approx(2 * x * y)  # checked independently of the app's functions
        assert theirs == pytest.approx(x * x)
        assert not math.isclose(true, theirs)
    # The first counterexample is a small whole-number point, easy to check by hand.
    x, y, *_ = result.counterexamples[0]
    assert x == int(x) and y == int(y) and abs(x) + abs(y) <= 2
    assert result.difference_latex is not None and "x" in result.difference_latex
    assert "disagree" in result.message and str(result.points) in result.message


def test_the_classic_mistake_in_y_is_different():
    result = check(SEED, "y", "x^2 + y^2")  # forgot the 3 of d(y^3)/dy
    assert result.verdict == "different"
    for _, y, true, theirs in result.counterexamples:
        assert true - theirs == pytest.approx(2 * y * y)


def test_counterexamples_lie_in_the_window():
    result = check(SEED, "x", "2x", xlim=(1, 2), ylim=(5, 7))
    assert result.verdict == "different"
    for x, y, *_ in result.counterexamples:
        assert 1 <= x <= 2 and 5 <= y <= 7


# --- domains -----------------------------------------------------------------------------------


def test_sqrt_inside_the_domain():
    f = "sqrt(1 - x^2 - y^2)"
    assert check(f, "x", "-x/sqrt(1 - x^2 - y^2)").verdict == "equivalent"
    result = check(f, "x", "1/(2 sqrt(1 - x^2 - y^2))")  # the chain rule forgotten
    assert result.verdict == "different"
    for x, y, true, theirs in result.counterexamples:
        assert x * x + y * y < 1  # the derivative only exists inside the disc
        assert true == pytest.approx(-x / math.sqrt(1 - x * x - y * y))
        assert theirs == pytest.approx(1 / (2 * math.sqrt(1 - x * x - y * y)))


def test_an_answer_that_agrees_wherever_f_is_defined_is_equivalent():
    # log(x) exists for x > 0 only, where 1/|x| = 1/x; as formulas they differ for x < 0.
    result = check("log(x) + y", "x", "1/abs(x)")
    assert result.verdict == "equivalent"
    assert result.method == "numeric"
    assert result.points > 50 and str(result.points) in result.message


def test_an_answer_undefined_where_the_derivative_exists_is_different():
    # d/dx sqrt(x y) = sqrt(x y) / (2x) also exists where x < 0 and y <= 0 (on y = 0, f is 0
    # along x); sqrt(y)/(2 sqrt(x)) does not.
    result = check("sqrt(x y)", "x", "sqrt(y)/(2 sqrt(x))")
    assert result.verdict == "different"
    assert "undefined" in result.message
    for x, y, true, theirs in result.counterexamples:
        assert x < 0 and y <= 0 and math.isnan(theirs)
        assert true == pytest.approx(math.sqrt(x * y) / (2 * x))


def test_different_formulas_where_f_is_defined_nowhere_are_different_as_formulas():
    result = check("sqrt(-1 - x^2 - y^2)", "x", "x")  # f is undefined everywhere
    assert (result.verdict, result.method) == ("different", "symbolic")
    assert result.points == 0 and not result.counterexamples
    assert "no point" in result.message


def test_a_difference_too_small_for_float64_is_still_different():
    result = check(SEED, "x", "2 x y + 10^(-13)")
    assert (result.verdict, result.method) == ("different", "symbolic")
    assert not result.counterexamples and result.points > 200
    assert "too small" in result.message
    assert result.difference_latex == r"- \frac{1}{10000000000000}"


def test_a_relative_tolerance_does_not_hide_a_difference_among_huge_values():
    # df/dx is about 1e30 at most points, but exactly y where x + y = 0: there 1e-7 x shows.
    result = check("(x + y)^40 + x y", "x", "40 (x + y)^39 + y + 0.0000001 x")
    assert result.verdict == "different" and result.counterexamples
    for x, _, true, theirs in result.counterexamples:
        assert theirs - true == pytest.approx(1e-7 * x, rel=1e-3)


def test_the_same_formula_is_equivalent_even_where_f_is_undefined_everywhere():
    result = check("sqrt(-1 - x^2 - y^2)", "x", "-x/sqrt(-1 - x^2 - y^2)")
    assert result.verdict == "equivalent" and result.method == "symbolic"


# --- when SymPy cannot decide in time ----------------------------------------------------------


class StoppedWorker:
    """The shared worker, except that the symbolic comparisons (simplifying the difference,
    exact values at points) never finish in time."""

    def __init__(self, worker):
        self.worker = worker
        self.asked = []

    def run(self, task, *args, timeout=None):
        self.asked.append((task, timeout))
        if task in ("equivalent", "differences"):
            raise ExpressionError("This formula takes too long to work with symbolically.")
        return self.worker.run(task, *args, timeout=timeout)


@pytest.fixture
def stopped(monkeypatch):
    worker = StoppedWorker(answers_module.shared_worker())
    monkeypatch.setattr(answers_module, "shared_worker", lambda: worker)
    return worker


def test_a_timeout_falls_back_to_numbers_and_says_so(stopped):
    right = check("sin(x)^2 + y", "x", "sin(2x)")
    assert (right.verdict, right.method) == ("equivalent", "numeric")
    assert "did not finish in time" in right.message and "numerically" in right.message
    assert right.points >= 200
    wrong = check("sin(x)^2 + y", "x", "cos(2x)")
    assert (wrong.verdict, wrong.method) == ("different", "numeric")
    for x, _, true, theirs in wrong.counterexamples:
        assert true == pytest.approx(math.sin(2 * x), abs=1e-12)
        assert theirs == pytest.approx(math.cos(2 * x), abs=1e-12)
    budget = [t for task, t in stopped.asked if task == "equivalent"]
    assert budget and all(
        answers_module.MIN_SYMBOLIC_TIMEOUT <= t <= answers_module.SYMBOLIC_TIMEOUT for t in budget
    )


def test_nothing_to_compare_and_no_time_is_undecided(stopped):
    result = check("sqrt(-1 - x^2 - y^2)", "x", "x")  # f is undefined everywhere
    assert (result.verdict, result.method) == ("undecided", "numeric")
    assert result.points == 0 and not result.counterexamples
    assert "did not finish in time" in result.message and "no point" in result.message


def test_the_timeout_is_short_and_can_be_chosen(stopped):
    check(SEED, "x", "2x y", timeout=0.25)
    assert ("equivalent", 0.25) in stopped.asked
    assert answers_module.SYMBOLIC_TIMEOUT <= 1.5


def test_the_numeric_check_is_seeded():
    first = check(SEED, "x", "2 abs(x) y")
    again = check(SEED, "x", "2 abs(x) y")
    assert first.verdict == "different"
    assert first.counterexamples == again.counterexamples and first.points == again.points


# --- hostile and mistaken answers --------------------------------------------------------------


@pytest.mark.parametrize(
    "answer",
    [
        f"__import__('os').system('touch {PWNED}')",
        "x" * 10_000,
        "9^9^9^9",
        "((9^9)^9999)^9999",
        "(" * 300 + "x" + ")" * 300,
        "lambda: 1",
        "x.__class__",
        "ｘ + 1",
        "",
        "   ",
    ],
    ids=[
        "dunder",
        "long",
        "tower",
        "power",
        "deep",
        "lambda",
        "attribute",
        "fullwidth",
        "empty",
        "blank",
    ],
)
def test_hostile_answers_are_refused_with_a_reason(answer):
    with pytest.raises(ExpressionError) as refused:
        check(SEED, "x", answer)
    assert refused.value.message
    assert not PWNED.exists()


@pytest.mark.parametrize("answer", ["z", "2 x z", "t^2", "2 a x"])
def test_an_answer_in_another_variable_is_refused_with_a_message(answer):
    with pytest.raises(ExpressionError) as refused:
        check(SEED, "x", answer)
    assert "x and y" in refused.value.message
    assert refused.value.column is not None  # the page can put a caret under it


def test_an_unknown_function_name_keeps_the_parser_hint():
    with pytest.raises(ExpressionError) as refused:
        read_answer("2 sinz")
    assert "sin" in refused.value.hint


def test_implicit_products_in_answers_read_as_typed():
    assert check(SEED, "x", "2xy").verdict == "equivalent"


def test_only_x_and_y_are_variables():
    with pytest.raises(ValueError, match="variables"):
        check(SEED, "z", "2x y")


# --- property: against an independent computation ----------------------------------------------


@settings(max_examples=12)
@given(
    a=st.integers(-5, 5),
    b=st.integers(-5, 5),
    c=st.integers(-5, 5),
    k=st.integers(-4, 4).filter(bool),
)
def test_polynomials_right_and_wrong(a, b, c, k):
    # f = a x^3 y + b x y^2 + c y: df/dx = 3a x^2 y + b y^2, written in another order.
    f = Function(f"{a} x^3 y + {b} x y^2 + {c} y")
    right = f"y ({b} y + {3 * a} x^2)"
    assert check_partial(f, "x", right).verdict == "equivalent"
    wrong = check_partial(f, "x", f"{right} + {k} x")
    assert wrong.verdict == "different"
    for x, y, true, theirs in wrong.counterexamples:
        assert true == pytest.approx(3 * a * x * x * y + b * y * y, abs=1e-9)
        assert theirs - true == pytest.approx(k * x, abs=1e-9)


# --- where they differ, as a map -----------------------------------------------------------------


def test_the_difference_map_is_the_absolute_difference():
    f = Function(SEED)
    result = check_partial(f, "x", "x^2")
    shown = difference_map(f, result, (-3, 3), (-2, 2), n=31)
    x, y = np.meshgrid(shown.x, shown.y)
    assert shown.difference.shape == (31, 31)
    assert np.allclose(shown.difference, np.abs(2 * x * y - x * x), atol=1e-9)
    assert not shown.answer_undefined.any()


def test_the_difference_map_marks_where_the_answer_is_undefined():
    f = Function("sqrt(x y)")
    shown = difference_map(f, check_partial(f, "x", "sqrt(y)/(2 sqrt(x))"), (-2, 2), (-2, 2), 21)
    x, y = np.meshgrid(shown.x, shown.y)
    assert np.array_equal(shown.answer_undefined, (x < 0) & (y <= 0))
    agree = (x > 0) & (y > 0)
    assert np.all(shown.difference[agree] == 0)
    assert np.all(np.isnan(shown.difference[x * y < 0]))  # no derivative there at all


# --- Clairaut ----------------------------------------------------------------------------------


@pytest.mark.parametrize("f_text", [SEED, "sin(x y)", "exp(x y) sin(x + y^2)", "x abs(y)"])
def test_mixed_partials_agree(f_text):
    f = Function(f_text)
    mixed = mixed_partials(f)
    assert mixed.equal is True
    points = np.array([[0.3, 0.7], [1.1, -0.4]])
    assert mixed.xy == f.derivative("x", "y")
    assert mixed.yx == f.derivative("y", "x")
    a = f.derivative_function("x", "y")(points[:, 0], points[:, 1])
    b = f.derivative_function("y", "x")(points[:, 0], points[:, 1])
    assert np.allclose(a, b)


@pytest.mark.parametrize(("width", "step"), [(6, 1), (4, 0.5), (20, 5), (0.2, 0.05), (100, 20)])
def test_nice_steps(width, step):
    assert nice_step(width) == pytest.approx(step)


# --- the whole domain, not the window (issue 11, items 1 and 2) --------------------------------

RIGHT_ONLY_FOR_POSITIVE_X = [
    # (f, answer, df/dx written out by hand for the independent check)
    ("abs(x) y", "y", lambda x, y: y * math.copysign(1, x)),
    ("log(x^2) + y", "2/abs(x)", lambda x, y: 2 / x),
    ("sqrt(x^2) + y", "1", lambda x, y: math.copysign(1, x)),
    ("x abs(x)", "2x", lambda x, y: 2 * abs(x)),
    ("x^2 + y", "2 sqrt(x^2)", lambda x, y: 2 * x),
]


@pytest.mark.parametrize(("f_text", "answer", "by_hand"), RIGHT_ONLY_FOR_POSITIVE_X)
def test_an_answer_right_only_inside_the_window_is_different_and_says_where(
    f_text, answer, by_hand
):
    result = check(f_text, "x", answer, xlim=(0.5, 3), ylim=(-3, 3))
    assert result.verdict == "different"
    assert "right for x > 0, wrong for x < 0: try x = −1" in result.message.lower()
    assert "outside the window" in result.message
    assert result.counterexamples
    for x, y, true, theirs in result.counterexamples:
        assert x < 0  # inside the window (x > 0.5) they agree
        assert true == pytest.approx(by_hand(x, y))
        assert not math.isclose(true, theirs)


def test_right_on_one_side_of_a_shifted_kink():
    result = check("abs(x - 1) y", "x", "y", xlim=(1.5, 3), ylim=(-3, 3))
    assert result.verdict == "different"
    assert "Right for x > 1, wrong for x < 1" in result.message


def test_right_on_f_s_whole_domain_but_defined_off_it_is_accepted_and_says_so():
    result = check("log(x) + y", "x", "1/abs(x)", xlim=(0.5, 3), ylim=(-3, 3))
    assert result.verdict == "equivalent"
    assert "f's whole domain" in result.message and "x = −1" in result.message


class NoSimplifying(StoppedWorker):
    """SymPy's simplification never finishes; exact values at points still work."""

    def run(self, task, *args, timeout=None):
        self.asked.append((task, timeout))
        if task == "equivalent":
            raise ExpressionError("This formula takes too long to work with symbolically.")
        return self.worker.run(task, *args, timeout=timeout)


def test_a_far_difference_made_by_rounding_is_not_a_counterexample(monkeypatch):
    # 0 in exact arithmetic, but about 1 in float64 wherever x is in the thousands: the domain
    # sample goes there, and exact values at those points show it is rounding, not a mistake.
    zero = "((x^2 + 100000000)^2 - x^4 - 200000000 x^2 - 10000000000000000)"
    worker = NoSimplifying(answers_module.shared_worker())
    monkeypatch.setattr(answers_module, "shared_worker", lambda: worker)
    f = Function("(x - y)^2")
    answer = answers_module.read_answer(f"2x - 2y + {zero}")
    assert _float_disagreements(f, answer) > 0  # the floats alone would call it wrong
    result = check_partial(f, "x", f"2x - 2y + {zero}")
    assert result.verdict == "equivalent"
    assert ("differences", answers_module.EXACT_TIMEOUT) in worker.asked
    wrong = check_partial(f, "x", f"2x - y + {zero}")
    assert wrong.verdict == "different"


def _float_disagreements(f, answer) -> int:
    points = np.array([[4321.5, -17.25], [-9876.125, 3.5], [1234.75, 5678.5]])
    true = f.derivative_function("x")(points[:, 0], points[:, 1])
    theirs = answers_module._answer_values(answer, points[:, 0], points[:, 1])
    return int((~answers_module._agree(true, theirs)).sum())


@pytest.mark.parametrize(("f_text", "answer"), [("x abs(x)", "2x"), ("x^2 + y", "2 sqrt(x^2)")])
def test_the_same_question_gets_the_same_verdict_every_time(f_text, answer):
    f = Function(f_text)
    results = {
        (r.verdict, r.message, r.counterexamples)
        for r in (check_partial(f, "x", answer, xlim=(0.5, 3), ylim=(-3, 3)) for _ in range(50))
    }
    assert len(results) == 1
    assert next(iter(results))[0] == "different"


def test_the_same_question_gets_the_same_verdict_in_another_process():
    script = (
        "from core import Function, check_partial\n"
        "r = check_partial(Function('x abs(x)'), 'x', '2x', xlim=(0.5, 3), ylim=(-3, 3))\n"
        "print(r.verdict + '|' + r.message)\n"
    )
    root = Path(__file__).resolve().parents[2]
    outputs = {
        subprocess.run(
            [sys.executable, "-c", script], cwd=root, capture_output=True, text=True, check=True
        ).stdout.strip()
        for _ in range(2)
    }
    here = check("x abs(x)", "x", "2x", xlim=(0.5, 3), ylim=(-3, 3))
    assert outputs == {f"{here.verdict}|{here.message}"}


@settings(max_examples=10, deadline=None)
@given(
    a=st.integers(-3, 3),
    shift=st.integers(-2, 2),
    flip=st.booleans(),
)
def test_verdicts_are_a_function_of_the_question(a, shift, flip):
    """Kinked f and an answer right on one side of the kink: three asks, one answer; and the
    verdict agrees with one-sided formulas checked by hand."""
    f = Function(f"abs(x - {shift}) ({a} + y)")
    answer = f"{'-' if flip else ''}({a} + y)"
    results = {(r.verdict, r.message) for r in (check_partial(f, "x", answer) for _ in range(3))}
    assert len(results) == 1
    (verdict, message), *_ = results
    # d/dx = sign(x - shift) (a + y): the answer is right for x > shift (or x < shift if
    # flipped), wrong on the other side, unless a + y = 0 is the whole story (never: y varies).
    assert verdict == "different"
    side = "<" if flip else ">"
    assert f"Right for x {side} {shift}".replace("-", "−") in message
