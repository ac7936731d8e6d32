"""Finite differences (issue #2 item 4): the seed's forward difference, better schemes, the V."""

import math

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from core import ExpressionError, Function, X
from core.differences import (
    ALL_SCHEMES,
    DEFAULT_H,
    SWEEP_H,
    ErrorSweep,
    NotAnalyticError,
    _complex_evaluator,
    error_sweep,
    finite_difference,
)

SEED = "x^2 y + y^3"


def slope(hs, errors):
    """The slope of log(error) against log(h): the order of the scheme."""
    return np.polyfit(np.log(hs), np.log(errors), 1)[0]


# --- the seed article's example ------------------------------------------------------------------


def test_seed_forward_difference_is_close_but_not_exact():
    f = Function(SEED)
    fx = finite_difference(f, 2, 1, "x")  # the article: forward, h = 1e-7
    fy = finite_difference(f, 2, 1, "y", h=1e-7, scheme="forward")
    assert abs(fx - 4) < 1e-6 and abs(fy - 7) < 1e-6
    assert fx != 4 and fy != 7  # truncation: (f(x+h) - f(x)) / h = 2xy + h y for this f


def test_seed_better_schemes_are_better():
    f = Function(SEED)
    forward = abs(finite_difference(f, 2, 1, "y") - 7)
    assert abs(finite_difference(f, 2, 1, "y", scheme="central") - 7) < forward / 100
    assert abs(finite_difference(f, 2, 1, "y", scheme="richardson") - 7) < forward / 100
    for variable, exact in (("x", 4), ("y", 7)):
        assert finite_difference(f, 2, 1, variable, scheme="complex-step") == pytest.approx(
            exact, rel=1e-14
        )


def test_backward_steps_the_other_way():
    f = Function(SEED)  # (f(x) - f(x - h)) / h = 2xy - h y exactly, in exact arithmetic
    assert finite_difference(f, 2, 1, "x", h=1e-3, scheme="backward") == pytest.approx(
        4 - 1e-3, abs=1e-9
    )
    assert finite_difference(f, 2, 1, "x", h=1e-3) == pytest.approx(4 + 1e-3, abs=1e-9)


def test_default_steps():
    assert DEFAULT_H["forward"] == 1e-7 and DEFAULT_H["complex-step"] == 1e-20
    assert set(DEFAULT_H) == set(ALL_SCHEMES)
    f = Function("sin(x) exp(y)")
    for scheme in ALL_SCHEMES:  # each default sits near the bottom of its V
        assert finite_difference(f, 0.4, 0.3, "x", scheme=scheme) == pytest.approx(
            math.cos(0.4) * math.exp(0.3), rel=1e-6 if scheme.endswith("ward") else 1e-9
        )


# --- orders of accuracy: measured slopes on a log-log plot ---------------------------------------


@pytest.mark.parametrize(
    ("scheme", "order", "hs"),
    [
        ("forward", 1, np.geomspace(1e-2, 1e-5, 8)),
        ("backward", 1, np.geomspace(1e-2, 1e-5, 8)),
        ("central", 2, np.geomspace(1e-1, 1e-3, 8)),
        ("complex-step", 2, np.geomspace(1e-1, 1e-4, 8)),
        ("richardson", 4, np.geomspace(2e-1, 1e-2, 8)),
    ],
)
def test_order_of_accuracy(scheme, order, hs):
    f = Function("exp(x) + sin(y)")
    exact = math.cos(0.5)
    errors = [abs(finite_difference(f, 0.3, 0.5, "y", h=h, scheme=scheme) - exact) for h in hs]
    assert slope(hs, errors) == pytest.approx(order, abs=0.1)


def test_halving_h_halves_the_forward_error_in_the_truncation_regime():
    f = Function("exp(x)")
    error = [abs(finite_difference(f, 0, 0, "x", h=h) - 1) for h in (1e-3, 5e-4, 2.5e-4)]
    assert error[0] / error[1] == pytest.approx(2, rel=0.01)
    assert error[1] / error[2] == pytest.approx(2, rel=0.01)


# --- the V: truncation for large h, round-off for small h ----------------------------------------


def test_forward_error_is_a_v():
    sweep = error_sweep(Function("exp(x)"), 0, 0, "x")
    forward = dict(zip(sweep.h, sweep.errors["forward"], strict=True))
    assert forward[1e-15] > 100 * forward[1e-8]  # round-off: eps |f| / h grows as h shrinks
    assert forward[1e-1] > 100 * forward[1e-8]  # truncation: |f''| h / 2
    assert 1e-10 <= sweep.best_h["forward"] <= 1e-6  # near sqrt(eps) = 1.5e-8
    assert sweep.best_error["forward"] == np.nanmin(sweep.errors["forward"])
    small = sweep.h <= 1e-10  # the round-off arm slopes down to the right: error ~ 1 / h
    assert slope(sweep.h[small], sweep.errors["forward"][small]) == pytest.approx(-1, abs=0.35)


def test_complex_step_has_no_round_off_arm():
    sweep = error_sweep(Function("exp(x) sin(y)"), 0.5, 1, "y")
    tiny = sweep.errors["complex-step"][sweep.h <= 1e-8]
    assert np.all(tiny <= 4e-16 * abs(sweep.exact))
    assert sweep.refused == {}


def test_sweep_fields():
    sweep = error_sweep(Function(SEED), 2, 1, "y")
    assert isinstance(sweep, ErrorSweep)
    assert sweep.exact == 7 and sweep.variable == "y" and sweep.coordinate == 1
    np.testing.assert_array_equal(sweep.h, SWEEP_H)
    assert len(sweep.h) == 61 and sweep.h[0] == pytest.approx(0.1) and sweep.h[-1] == 1e-16
    assert set(sweep.errors) == set(sweep.best_h) == set(sweep.best_error) == set(ALL_SCHEMES)
    assert all(e.shape == sweep.h.shape for e in sweep.errors.values())
    assert sweep.derivatives == {0: 5, 1: 7, 2: 6, 3: 6, 5: 0}  # y^3 + 4y at y = 1
    with pytest.raises(AttributeError):
        sweep.exact = 0  # frozen


def test_sweep_custom_steps_and_schemes():
    sweep = error_sweep(Function(SEED), 2, 1, "x", hs=[1e-2, 1e-3], schemes=("forward",))
    assert list(sweep.errors) == ["forward"]
    np.testing.assert_allclose(sweep.errors["forward"], [1e-2, 1e-3], rtol=1e-6)
    assert sweep.best_h == {"forward": 1e-3}


# --- the error model explains the V --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "point", "variable"),
    [("exp(x)", (0, 0), "x"), ("sin(x) y", (1, 2), "x"), ("log(x + y)", (2, 1), "y")],
)
def test_model_matches_truncation_for_large_h(text, point, variable):
    sweep = error_sweep(Function(text), *point, variable, hs=[0.1, 0.05, 0.01])
    for scheme in ALL_SCHEMES:
        np.testing.assert_allclose(
            sweep.errors[scheme], sweep.predicted_error(scheme, sweep.h), rtol=0.1
        )


def test_richardson_constant_is_one_over_480():
    # (4 D(h/2) - D(h)) / 3 = f' - f^(5) h^4 / 480 + O(h^6); for exp at 0 every derivative is 1.
    sweep = error_sweep(Function("exp(x)"), 0, 0, "x", hs=[0.1, 0.05], schemes=("richardson",))
    np.testing.assert_allclose(sweep.errors["richardson"], sweep.h**4 / 480, rtol=0.01)
    np.testing.assert_allclose(sweep.truncation_error("richardson", sweep.h), sweep.h**4 / 480)


@pytest.mark.parametrize(
    ("text", "point", "variable"),
    [
        ("exp(x)", (0, 0), "x"),
        ("sin(x) y", (1, 2), "x"),
        (SEED, (2, 1), "y"),
        ("log(x + y)", (2, 1), "y"),
    ],
)
def test_model_bounds_round_off_and_finds_the_bottom(text, point, variable):
    sweep = error_sweep(Function(text), *point, variable)
    small = sweep.h <= 1e-10
    for scheme in ("forward", "backward", "central", "richardson"):
        measured, predicted = sweep.errors[scheme][small], sweep.predicted_error(scheme, sweep.h)
        assert np.all(measured <= 2 * predicted[small])  # a rough upper estimate of round-off
        assert np.median(measured / predicted[small]) > 1e-3  # and not a wild overestimate
    for scheme in ("forward", "backward", "central"):
        best, predicted_best = sweep.best_h[scheme], sweep.predicted_best_h(scheme)
        assert abs(math.log10(best / predicted_best)) <= 1.5, scheme
    assert abs(math.log10(sweep.best_h["richardson"] / sweep.predicted_best_h("richardson"))) < 2


def test_predicted_best_h_formulas():
    sweep = error_sweep(Function("exp(x)"), 0, 0, "x")
    eps = np.finfo(float).eps  # f = f' = ... = 1 at 0, and the point is 0
    assert sweep.predicted_best_h("forward") == pytest.approx(math.sqrt(eps / 0.5))
    assert sweep.predicted_best_h("central") == pytest.approx((0.5 * eps / (2 / 6)) ** (1 / 3))
    assert sweep.predicted_best_h("richardson") == pytest.approx((1.5 * eps / (4 / 480)) ** 0.2)
    assert sweep.predicted_best_h("complex-step") == pytest.approx(math.sqrt(3 * eps))
    # no truncation at all (f'' = 0 for forward): the largest step is best
    assert error_sweep(Function("3x + y"), 1, 1, "x").predicted_best_h("forward") == 0.1


def test_model_regimes_are_separate_terms():
    sweep = error_sweep(Function("exp(x)"), 0, 0, "x")
    h = np.array([1e-2, 1e-12])
    truncation, roundoff = sweep.truncation_error("forward", h), sweep.roundoff_error("forward", h)
    assert truncation[0] > 1e3 * roundoff[0] and roundoff[1] > 1e3 * truncation[1]
    np.testing.assert_allclose(sweep.predicted_error("forward", h), truncation + roundoff)
    assert np.all(sweep.roundoff_error("complex-step", h) == np.finfo(float).eps / 2)


# --- complex-step: analytic only, refuses with a reason ------------------------------------------


@pytest.mark.parametrize(
    ("text", "point", "variable", "words"),
    [
        ("abs(x)", (0, 0), "x", "corner"),
        ("abs(x - 1) exp(y)", (1, 0.5), "x", "x - 1 = 0"),
        ("atan2(y, x)", (-1, 0), "y", "cut"),
        ("atan2(y, x)", (0, 0), "x", "undefined"),
        ("atan2(y, x)", (0, 0), "y", "undefined"),
        ("sqrt(x)", (0, 0), "x", "both sides"),
        ("acos(x)", (1, 0), "x", "both sides"),
        ("sqrt(1 - x^2 - y^2)", (1, 0), "x", "both sides"),
        ("x^y", (-2, 2), "y", "both sides"),  # (-2)^y is real only at whole numbers y
    ],
)
def test_complex_step_refuses_where_not_analytic(text, point, variable, words):
    f = Function(text)
    with pytest.raises(NotAnalyticError, match=words) as refusal:
        finite_difference(f, *point, variable, scheme="complex-step")
    assert isinstance(refusal.value, ValueError) and "complex" in str(refusal.value)
    sweep = error_sweep(f, *point, variable)
    assert sweep.refused["complex-step"] == str(refusal.value)
    assert np.all(np.isnan(sweep.errors["complex-step"]))
    assert math.isnan(sweep.best_h["complex-step"]) and math.isnan(sweep.best_error["complex-step"])


@pytest.mark.parametrize(
    ("text", "point", "variable", "exact"),
    [
        ("abs(x)", (-2, 0), "x", -1),
        ("abs(x)", (3, 0), "x", 1),
        ("abs(y)", (1, 0), "x", 0),  # |y| does not change along x, even on its kink
        ("abs(x y)", (1, 0), "x", 0),
        ("abs(x - 3) y", (1, 2), "x", -2),
        ("atan2(y, x)", (1, 1), "x", -0.5),
        ("atan2(y, x)", (1, 1), "y", 0.5),
        ("atan2(y, x)", (-1, 1), "x", -0.5),
        ("atan2(y, x)", (-1, -1), "y", -0.5),
        ("atan2(y, x)", (0, 2), "x", -0.5),
        ("atan2(y, x)", (-1, 0), "x", 0),  # along the cut the angle stays pi: slope 0
    ],
)
def test_complex_step_through_abs_and_atan2_away_from_kinks(text, point, variable, exact):
    value = finite_difference(Function(text), *point, variable, scheme="complex-step")
    assert value == pytest.approx(exact, abs=1e-15)


ALLOWED = [
    ("sin(x)", 0.7, math.cos(0.7)),
    ("cos(x)", 0.7, -math.sin(0.7)),
    ("tan(x)", 0.7, 1 / math.cos(0.7) ** 2),
    ("asin(x)", 0.3, 1 / math.sqrt(1 - 0.09)),
    ("acos(x)", 0.3, -1 / math.sqrt(1 - 0.09)),
    ("atan(x)", 2.0, 1 / 5),
    ("atan2(1, x)", 2.0, -1 / 5),
    ("sinh(x)", 0.7, math.cosh(0.7)),
    ("cosh(x)", 0.7, math.sinh(0.7)),
    ("tanh(x)", 0.7, 1 / math.cosh(0.7) ** 2),
    ("exp(x)", 0.7, math.exp(0.7)),
    ("log(x)", 0.7, 1 / 0.7),
    ("ln(x)", 0.7, 1 / 0.7),
    ("sqrt(x)", 0.7, 0.5 / math.sqrt(0.7)),
    ("abs(x)", -0.7, -1.0),
    ("sec(x)", 0.7, math.tan(0.7) / math.cos(0.7)),
    ("csc(x)", 0.7, -1 / (math.tan(0.7) * math.sin(0.7))),
    ("cot(x)", 0.7, -1 / math.sin(0.7) ** 2),
    ("asinh(x)", 0.7, 1 / math.sqrt(1.49)),
    ("acosh(x)", 1.7, 1 / math.sqrt(1.7**2 - 1)),
    ("atanh(x)", 0.7, 1 / (1 - 0.49)),
    ("x^(1/3)", 8.0, 1 / 12),
    ("2^x", 0.7, math.log(2) * 2**0.7),
]


@pytest.mark.parametrize(("text", "x", "exact"), ALLOWED)
def test_complex_step_on_every_allowed_function(text, x, exact):
    try:
        f = Function(text)
    except ExpressionError:
        pytest.skip(f"the parser does not offer {text}")
    assert finite_difference(f, x, 0, "x", scheme="complex-step") == pytest.approx(exact, rel=1e-14)


@pytest.mark.parametrize(
    "make",
    [
        sympy.sec,
        sympy.csc,
        sympy.cot,
        sympy.acot,
        sympy.asec,
        sympy.acsc,
        sympy.coth,
        sympy.sech,
        sympy.csch,
        sympy.asinh,
        sympy.acosh,
        sympy.atanh,
        sympy.acoth,
    ],
)
def test_complex_evaluator_handles_functions_sympy_may_introduce(make):
    expr = make(X)
    point = 1.5 if make in (sympy.acosh, sympy.asec, sympy.acsc, sympy.acoth, sympy.coth) else 0.4
    value = _complex_evaluator(expr)(point + 1e-20j, 0.0)
    assert value.imag / 1e-20 == pytest.approx(float(sympy.diff(expr, X).subs(X, point)), rel=1e-13)
    assert value.real == pytest.approx(float(expr.subs(X, point)), rel=1e-14)


# --- property: schemes agree with the exact gradient ---------------------------------------------

SMOOTH = [
    "sin(x) cos(y)",
    "exp(x y / 3)",
    "x^3 - 2 x y + y^2",
    "log(1 + x^2 + y^2)",
    "atan(x - y) + tanh(y)",
    "sqrt(5 + x^2 + y)",
    "atan2(y + 3, x)",  # the angle of (x, y + 3): upper half-plane, crossing x = 0
    "abs(x - 3) y + cosh(x / 2)",
    SEED,
]
coordinate = st.floats(-2, 2, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(text=st.sampled_from(SMOOTH), x=coordinate, y=coordinate, variable=st.sampled_from("xy"))
def test_central_and_complex_step_match_the_gradient(text, x, y, variable):
    f = Function(text)
    exact = f.gradient(x, y)[0 if variable == "x" else 1]
    scale = 1 + abs(float(f(x, y))) + abs(exact)
    central = finite_difference(f, x, y, variable, scheme="central")
    assert abs(central - exact) <= 1e-8 * scale
    richardson = finite_difference(f, x, y, variable, scheme="richardson")
    assert abs(richardson - exact) <= 1e-9 * scale
    complex_step = finite_difference(f, x, y, variable, scheme="complex-step")
    assert abs(complex_step - exact) <= 1e-12 * max(1, abs(exact))


# --- hostile and degenerate input ----------------------------------------------------------------


@pytest.mark.parametrize("h", [0, -1e-7, float("nan"), float("inf"), -float("inf"), [1e-3, 1e-4]])
def test_bad_steps_are_refused(h):
    f = Function(SEED)
    for scheme in ALL_SCHEMES:
        with pytest.raises(ValueError, match="step h"):
            finite_difference(f, 2, 1, "x", h=h, scheme=scheme)
    if np.ndim(h) == 0:
        with pytest.raises(ValueError, match="step h"):
            error_sweep(f, 2, 1, "x", hs=[1e-3, h])
    with pytest.raises(ValueError, match="step h"):
        error_sweep(f, 2, 1, "x", hs=[])


def test_unknown_scheme_or_variable():
    f = Function(SEED)
    with pytest.raises(ValueError, match=r"unknown scheme 'centre'.*central"):
        finite_difference(f, 2, 1, "x", scheme="centre")
    with pytest.raises(ValueError, match=r"unknown variable 'z'.*x, y"):
        finite_difference(f, 2, 1, "z")
    with pytest.raises(ValueError, match="unknown scheme"):
        error_sweep(f, 2, 1, "x", schemes=("forward", "Forward"))
    with pytest.raises(ValueError, match="unknown variable"):
        error_sweep(f, 2, 1, "X")


@pytest.mark.parametrize(
    ("text", "point"),
    [
        (SEED, (float("nan"), 1)),
        (SEED, (2, float("inf"))),
        ("atan(x)", (float("inf"), 0)),  # f is finite out there, but a slope at infinity is not
        ("sqrt(x)", (-1, 0)),  # undefined at the point
        ("log(x y)", (0, 1)),
        ("1 / x", (0, 1)),
        ("exp(x)", (720, 0)),  # overflows float64
    ],
)
def test_undefined_points_give_nan(text, point):
    f = Function(text)
    for scheme in ALL_SCHEMES:
        assert math.isnan(finite_difference(f, *point, "x", scheme=scheme)), scheme
    sweep = error_sweep(f, *point, "x")
    assert sweep.refused == {}  # undefined is not the same as refused
    assert all(np.all(np.isnan(e)) for e in sweep.errors.values())
    assert all(math.isnan(h) for h in sweep.best_h.values())


def test_constant_function():
    f = Function("5")
    for scheme in ALL_SCHEMES:
        assert finite_difference(f, 1, 2, "x", scheme=scheme) == 0
    sweep = error_sweep(f, 1, 2, "y")
    assert sweep.exact == 0 and all(np.all(e == 0) for e in sweep.errors.values())


def test_derivative_undefined_but_forward_still_computes():
    # sqrt at 0: the slope is infinite, yet (sqrt(h) - 0) / h = 1 / sqrt(h) is a finite number.
    f = Function("sqrt(x)")
    assert finite_difference(f, 0, 0, "x", h=1e-6) == pytest.approx(1e3)
    assert math.isnan(finite_difference(f, 0, 0, "x", scheme="central"))  # needs sqrt(-h)
    sweep = error_sweep(f, 0, 0, "x")
    assert math.isnan(sweep.exact) and all(np.all(np.isnan(e)) for e in sweep.errors.values())
    assert "complex-step" in sweep.refused
    assert all(math.isnan(sweep.predicted_best_h(scheme)) for scheme in ALL_SCHEMES)
    assert np.all(np.isnan(sweep.predicted_error("forward", sweep.h)))


def test_huge_coordinates():
    f = Function("x^2")  # at x = 1e10 a step of 1e-7 is below the spacing of floats there
    assert finite_difference(f, 1e10, 0, "x") == 0  # x + h == x: the round-off extreme
    assert finite_difference(f, 1e10, 0, "x", scheme="complex-step") == 2e10
    assert finite_difference(f, 1e10, 0, "x", h=1.0, scheme="central") == pytest.approx(2e10)


class Formula:
    """Anything with .expr, .values (its parameters') and a real f(x, y) will do; this one lets a
    test pick f's real branch."""

    values: dict = {}  # noqa: RUF012 (never changed)

    def __init__(self, expr, real):
        self.expr, self.real = expr, real

    def __call__(self, x, y):
        with np.errstate(all="ignore"):
            value = np.float64(self.real(x, y))
        return value if np.isfinite(value) else np.float64(np.nan)


def test_complex_step_refuses_a_different_branch_and_sign_jumps():
    # A real cube root is defined for x < 0, but the complex extension of x^(1/3) is the
    # principal root there (1 + sqrt(3) i at x = -8): same formula, different function.
    cube_root = Formula(X ** sympy.Rational(1, 3), lambda x, y: np.cbrt(x))
    with pytest.raises(NotAnalyticError, match="branch"):
        finite_difference(cube_root, -8, 0, "x", scheme="complex-step")
    assert finite_difference(cube_root, 8, 0, "x", scheme="complex-step") == pytest.approx(1 / 12)
    signed = Formula(sympy.sign(X) * X**2, lambda x, y: np.sign(x) * x**2)
    with pytest.raises(NotAnalyticError, match="jump"):
        finite_difference(signed, 0, 0, "x", scheme="complex-step")
    assert finite_difference(signed, -3, 0, "x", scheme="complex-step") == pytest.approx(6)
    floor = Formula(sympy.floor(X), lambda x, y: np.floor(x))
    with pytest.raises(NotAnalyticError, match="floor"):
        finite_difference(floor, 0.5, 0, "x", scheme="complex-step")


def test_model_without_a_higher_derivative():
    # A fifth derivative can be too large to build; the model then drops that correction term
    # (central's h^4 term) but cannot predict richardson, whose leading term needs it.
    nan, h = float("nan"), np.array([1e-2, 1e-8])
    sweep = ErrorSweep("x", h, 1.0, {}, {}, {}, {}, {0: 1, 1: 1, 2: 1, 3: 1, 5: nan}, 0.0)
    np.testing.assert_allclose(sweep.truncation_error("central", h), h**2 / 6)
    assert np.all(np.isnan(sweep.predicted_error("richardson", h)))
    assert math.isnan(sweep.predicted_best_h("richardson"))
    assert 1e-8 < sweep.predicted_best_h("central") < 1e-2
