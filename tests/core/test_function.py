"""core.Function: exact partials of textbook functions, evaluation contract, properties."""

import inspect
import math
import warnings

import mpmath
import numpy as np
import pytest
import sympy
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from core import ExpressionError, Function, X, Y
from core.function import compile_numpy, integer_power

from .grammar import formulas

E, PI, SQRT3 = math.e, math.pi, math.sqrt(3)

# (f, point, df/dx, df/dy), each worked out by hand.
TEXTBOOK = [
    ("x^2 y + y^3", (2, 1), 4, 7),  # the seed article's example
    ("x^2 + y^2", (1, 2), 2, 4),
    ("x^2 - y^2", (3, -1), 6, 2),
    ("x y", (2, 5), 5, 2),
    ("x^3 - 3 x y^2", (1, 1), 0, -6),  # monkey saddle
    ("sin(x) cos(y)", (0, 0), 1, 0),
    ("sin(x y)", (1, PI), -PI, -1),
    ("exp(x + 2y)", (0, 0), 1, 2),
    ("e^(x y)", (1, 2), 2 * E**2, E**2),
    ("ln(x^2 + y^2)", (1, 1), 1, 1),
    ("sqrt(x^2 + y^2)", (3, 4), 3 / 5, 4 / 5),
    ("atan2(y, x)", (1, 1), -1 / 2, 1 / 2),
    ("atan(y/x)", (1, 1), -1 / 2, 1 / 2),
    ("x/y", (2, 4), 1 / 4, -1 / 8),
    ("(x^2+y-11)^2 + (x+y^2-7)^2", (3, 2), 0, 0),  # Himmelblau, at a minimum
    ("(1-x)^2 + 100(y-x^2)^2", (0, 0), -2, 0),  # Rosenbrock
    ("(1-x)^2 + 100(y-x^2)^2", (1, 1), 0, 0),
    ("(x+2y-7)^2 + (2x+y-5)^2", (0, 0), -34, -38),  # Booth
    ("0.26(x^2+y^2) - 0.48 x y", (1, 2), -0.44, 0.56),  # Matyas
    ("2x^2 - 1.05x^4 + x^6/6 + x y + y^2", (1, 1), 1.8, 3),  # three-hump camel
    ("exp(-(x^2+y^2))", (1, 0), -2 / E, 0),  # Gaussian bump
    ("x^y", (2, 3), 12, 8 * math.log(2)),
    ("cos(x+y)", (PI / 2, 0), -1, -1),
    ("tan(x) + y", (PI / 4, 0), 2, 1),
    ("abs(x) + y^2", (-2, 3), -1, 6),
    ("sinh(x) cosh(y)", (0, 0), 1, 0),
    ("tanh(x y)", (0, 2), 2, 0),
    ("asin(x y)", (0.5, 1), 2 / SQRT3, 1 / SQRT3),
    ("acos(x) + y", (0, 5), -1, 1),
    ("x e^(x y)", (1, 0), 1, 1),
    ("(x+1)(x-1) y", (2, 3), 12, 3),
    ("3x^2y", (1, 2), 12, 3),
    ("x^2 y^3", (2, -1), -4, 12),
    ("1/(x^2+y^2)", (1, 1), -1 / 2, -1 / 2),
    ("sqrt(1 - x^2 - y^2)", (0.6, 0), -0.75, 0),
    ("x^3 + y^3 - 3 x y", (1, 1), 0, 0),
    ("ln(x) y", (E, 2), 2 / E, 1),
    ("sec(x)", (PI / 3, 0), 2 * SQRT3, 0),
    ("2^x 3^y", (1, 1), 6 * math.log(2), 6 * math.log(3)),
    ("(1.5 - x + x y)^2 + (2.25 - x + x y^2)^2 + (2.625 - x + x y^3)^2", (3, 0.5), 0, 0),  # Beale
]


@pytest.mark.parametrize(("text", "point", "fx", "fy"), TEXTBOOK)
def test_textbook_partials(text, point, fx, fy):
    f = Function(text)
    gradient = f.gradient(*point)
    assert gradient.shape == (2,)
    assert gradient == pytest.approx([fx, fy], rel=1e-12, abs=1e-12)
    # the symbolic derivative, evaluated exactly, agrees too
    exact = [f.derivative(v).subs({X: point[0], Y: point[1]}) for v in "xy"]
    assert [float(value) for value in exact] == pytest.approx([fx, fy], rel=1e-12, abs=1e-12)


def test_textbook_table_is_large_enough():
    assert len(TEXTBOOK) >= 30


def test_seed_function_symbolically():
    f = Function("x^2 y + y^3")
    assert f.derivative("x") == 2 * X * Y
    assert f.derivative("y") == X**2 + 3 * Y**2
    assert f.derivative("x", "y") == 2 * X
    assert f.derivative("y", "x") == 2 * X
    assert f.derivative("y", "y", "y") == 6
    assert f(2, 1) == 5.0
    assert f.latex == "x^{2} y + y^{3}"


def test_himmelblau_hessian():
    f = Function("(x^2+y-11)^2 + (x+y^2-7)^2")
    np.testing.assert_allclose(f.hessian(3.0, 2.0), [[74, 20], [20, 34]])


def test_derivative_function_matches_symbolic():
    f = Function("sin(x) exp(y)")
    third = f.derivative_function("x", "x", "y")
    assert third(0.3, 0.7) == pytest.approx(-math.sin(0.3) * math.exp(0.7))


def test_derivative_rejects_unknown_variables():
    with pytest.raises(ValueError, match="'z'"):
        Function("x").derivative("z")


# -- evaluation contract -----------------------------------------------------------------------


def test_scalars_give_float64_scalars():
    value = Function("x + y")(1, 2)
    assert isinstance(value, np.float64)
    assert value == 3.0


def test_broadcasting_and_shapes():
    f = Function("x^2 y")
    xs = np.linspace(-1, 1, 5)
    ys = np.linspace(0, 2, 3)[:, None]
    assert f(xs, ys).shape == (3, 5)
    assert f.gradient(xs, ys).shape == (3, 5, 2)
    assert f.hessian(xs, ys).shape == (3, 5, 2, 2)
    assert f.gradient(xs, 1.0)[..., 0] == pytest.approx(2 * xs)


def test_constants_broadcast_to_the_input_shape():
    f = Function("5")
    grid = np.zeros((4, 3))
    assert f(grid, grid).shape == (4, 3)
    assert np.all(f(grid, grid) == 5)
    assert np.all(f.gradient(grid, grid) == 0)
    assert f.hessian(grid, grid).shape == (4, 3, 2, 2)
    linear = Function("2x - y")
    assert np.all(linear.gradient(grid, grid) == [2, -1])


def test_integer_inputs_are_evaluated_as_floats():
    assert Function("x^-1")(np.array([2, 4]), 0) == pytest.approx([0.5, 0.25])


def test_undefined_is_nan_and_no_warning_leaks():
    f = Function("sqrt(1 - x^2 - y^2) + 1/x + log(y)")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        values = f(np.array([0.0, 2.0, 0.5]), np.array([0.5, 0.5, 0.0]))
        gradient = f.gradient(np.array([0.0]), np.array([0.5]))
    assert np.isnan(values).all()
    assert np.isnan(gradient).all()


def test_infinities_become_nan():
    assert np.isnan(Function("exp(x)")(1000.0, 0.0))
    assert np.isnan(Function("1/x")(0.0, 0.0))


def test_derivative_of_abs_is_undefined_at_the_kink_only():
    f = Function("abs(x)")
    assert np.isnan(f.gradient(0.0, 1.0)[0])
    assert f.gradient(-3.0, 1.0)[0] == -1
    assert f.gradient(3.0, 1.0)[0] == 1
    assert f.hessian(3.0, 1.0)[0, 0] == 0
    assert not f.derivative("x", "x").has(sympy.DiracDelta)


def test_hessian_is_symmetric():
    f = Function("x^3 y^2 + sin(x y)")
    h = f.hessian(0.4, -1.3)
    assert h[0, 1] == h[1, 0]


def test_same_text_is_compiled_once():
    first = Function("x^5 + y^5 + 17")
    second = Function("x^5 + y^5 + 17")
    assert first._compiled is second._compiled
    assert first.expr == second.expr


def test_canonical_text_parses_back():
    f = Function("x e^(x y) + 3x^2y")
    assert Function(f.canonical_text).expr == f.expr


# -- properties against independent computations -----------------------------------------------

smooth_leaves = st.sampled_from(["x", "y", "2", "1/3", "pi"])


def _smooth(children):
    unary = st.tuples(st.sampled_from(["sin", "cos", "atan", "tanh", "exp(sin"]), children).map(
        lambda pair: f"{pair[0]}({pair[1]}))" if pair[0] == "exp(sin" else f"{pair[0]}({pair[1]})"
    )
    binary = st.tuples(children, st.sampled_from(["+", "-", "*"]), children).map(
        lambda triple: f"({triple[0]}){triple[1]}({triple[2]})"
    )
    square = children.map(lambda child: f"({child})^2")
    return unary | binary | square


smooth_formulas = st.recursive(smooth_leaves, _smooth, max_leaves=5)
coordinates = st.floats(min_value=-2, max_value=2, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(smooth_formulas, coordinates, coordinates)
def test_gradient_matches_central_difference(text, x0, y0):
    f = Function(text)
    h = 1e-5
    central = [
        (f(x0 + h, y0) - f(x0 - h, y0)) / (2 * h),
        (f(x0, y0 + h) - f(x0, y0 - h)) / (2 * h),
    ]
    scale = 1 + abs(float(f(x0, y0))) + np.abs(f.gradient(x0, y0)).max()
    np.testing.assert_allclose(f.gradient(x0, y0), central, atol=1e-6 * scale * 10)


@settings(max_examples=40, deadline=None)
@given(smooth_formulas, coordinates, coordinates)
def test_hessian_matches_differences_of_the_gradient(text, x0, y0):
    f = Function(text)
    h = 1e-5
    by_x = (f.gradient(x0 + h, y0) - f.gradient(x0 - h, y0)) / (2 * h)
    by_y = (f.gradient(x0, y0 + h) - f.gradient(x0, y0 - h)) / (2 * h)
    hessian = f.hessian(x0, y0)
    scale = 1 + np.abs(hessian).max() + np.abs(f.gradient(x0, y0)).max()
    np.testing.assert_allclose(hessian[:, 0], by_x, atol=1e-5 * scale)
    np.testing.assert_allclose(hessian[:, 1], by_y, atol=1e-5 * scale)


@settings(max_examples=40, deadline=None)
@given(smooth_formulas, coordinates, coordinates)
def test_numeric_value_matches_exact_sympy_evaluation(text, x0, y0):
    f = Function(text)
    exact = f.expr.evalf(30, subs={X: sympy.Float(x0, 30), Y: sympy.Float(y0, 30)})
    assume(exact.is_finite)
    assert float(f(x0, y0)) == pytest.approx(float(exact), rel=1e-9, abs=1e-12)


# --- overflow is not "undefined" (issue 11) ------------------------------------------------------


def test_an_overflow_is_told_from_undefined():
    import mpmath

    from core import magnitude

    f = Function("(x+y+1)^999 cos(x)^999")
    assert math.isnan(float(f(2, 1)))  # float64: 4^999 overflows on the way
    found = magnitude(f, 2, 1)
    # by hand: 999 (log10 4 + log10 |cos 2|), negative since cos 2 < 0 and 999 is odd
    assert found.log10 == pytest.approx(999 * (math.log10(4) + math.log10(-math.cos(2))))
    assert found.sign == -1 and found.fits_float64
    independent = float(mpmath.mpf(4) ** 999 * mpmath.cos(2) ** 999)  # mpmath, not SymPy
    assert found.value == pytest.approx(independent, rel=1e-12)
    assert found.words == "about −1.2 × 10^221"
    huge = magnitude(Function("(x+y+1)^999"), 2, 1)
    assert huge.log10 == pytest.approx(999 * math.log10(4)) and not huge.fits_float64
    assert huge.words == "about 2.9 × 10^601" and huge.value == math.inf
    assert magnitude(Function("sqrt(x) + y"), -1, 0) is None  # truly undefined
    assert magnitude(Function("log(x) + y"), 0, 0) is None
    assert magnitude(Function("x - y"), 1, 1).sign == 0


def test_a_busy_worker_is_no_magnitude_answer(monkeypatch):
    """A worker starved by a busy machine raises, rather than reading as "undefined here"."""
    import core.overflow as overflow
    from core import WorkerBusyError, magnitude

    def starved():
        class Starved:
            def run(self, task, *args, **kwargs):
                raise WorkerBusyError("The server is too busy.", hint="Try again in a moment.")

        return Starved()

    monkeypatch.setattr(overflow, "shared_worker", starved)
    with pytest.raises(WorkerBusyError):
        magnitude(Function("x^2 + y"), 2, 1)


def test_the_magnitude_of_a_derivative():
    from core import magnitude

    found = magnitude(Function("exp(x^2)"), 30, 0, "x")  # 60 e^900: beyond float64
    assert found.log10 == pytest.approx(math.log10(60) + 900 / math.log(10))
    assert found.words.startswith("about ") and "10^392" in found.words


# -- against mpmath: a tree walk of its own (SymPy's mpmath printer rewrites sec as numpy's does) --

_MPMATH = {
    **{name: getattr(mpmath, name) for name in ("sin", "cos", "tan", "sec", "csc", "cot")},
    **{name: getattr(mpmath, name) for name in ("asin", "acos", "atan", "sinh", "cosh", "tanh")},
    **{name: getattr(mpmath, name) for name in ("asinh", "acosh", "atanh", "exp", "log")},
    "Abs": abs,
    "sign": mpmath.sign,
    "atan2": mpmath.atan2,
}


class _Pole(Exception):
    """A part of the formula is infinite at the point (1/x at 0)."""


def _mp(expr: sympy.Expr, x, y):
    """expr at (x, y) in mpmath, NaN as soon as a part is not a real number (numpy's float64
    evaluation is NaN there too: sqrt(-1), log(-1), (-0.5)^pi); _Pole where a part is infinite."""
    if expr == X:
        return x
    if expr == Y:
        return y
    if not expr.free_symbols:
        value = sympy.N(expr, mpmath.mp.dps + 5)
        return mpmath.mpf(str(value)) if value.is_Float or value.is_Integer else mpmath.nan
    args = [_mp(arg, x, y) for arg in expr.args]
    if any(mpmath.isnan(arg) for arg in args):
        return mpmath.nan
    try:
        if expr.is_Add:
            value = mpmath.fsum(args)
        elif expr.is_Mul:
            value = mpmath.fprod(args)
        elif expr.is_Pow:
            value = mpmath.power(*args)
        else:
            value = _MPMATH[type(expr).__name__](*args)
    except ZeroDivisionError:
        raise _Pole from None
    except ValueError:
        return mpmath.nan
    if isinstance(value, mpmath.mpc):
        value = value.real if value.imag == 0 else mpmath.nan
    if mpmath.isinf(value):
        raise _Pole
    return value


_POLE = object()


def _mp_real(expr, x, y):
    """expr at (x, y) as an mpf, None where it is not a real number, _POLE where a part of it
    is infinite."""
    try:
        value = _mp(expr, x, y)
    except _Pole:
        return _POLE
    return None if mpmath.isnan(value) else value


def assert_matches_mpmath(f: Function, x0: float, y0: float) -> None:
    """f and its gradient at (x0, y0) as mpmath has them, where core gives numbers; at points
    where f is not real, core gives NaN for f and its gradient."""
    value, gradient = float(f(x0, y0)), f.gradient(x0, y0)
    with mpmath.workdps(40):
        exact = _mp_real(f.expr, mpmath.mpf(x0), mpmath.mpf(y0))
        if exact is _POLE:
            # numpy carries infinities on: atan(1/x) at 0 is pi/2, -sec(csc(x)) is NaN (cos(inf))
            return
        if exact is None:
            assert math.isnan(value) and np.isnan(gradient).all(), (f, x0, y0)
            return
        if math.isnan(value):
            return  # too large for float64
        assert value == pytest.approx(float(exact), rel=1e-9, abs=1e-12), (f, x0, y0)
        for k, along in enumerate("xy"):
            if math.isnan(gradient[k]):
                continue  # at a kink, or beyond float64
            slope = _mp_real(f.derivative(along), mpmath.mpf(x0), mpmath.mpf(y0))
            assert slope is not None and slope is not _POLE, (f, along, x0, y0)
            assert gradient[k] == pytest.approx(float(slope), rel=1e-8, abs=1e-10), (f, along)


# Issue: SymPy differentiates |u| through re(u) and im(u) unless it knows u is real, leaving
# Derivative(re(...)) that no printer can compile. Where f is defined u is real: sign(u) u'.
ABS_OF_A_MAYBE_COMPLEX = [
    ("abs(sqrt(x)) + y", (0.7, 0.2), (0.5 / math.sqrt(0.7), 1.0)),
    ("abs(asin(x))", (-0.5, 0.0), (-1 / math.sqrt(0.75), 0.0)),
    ("abs(x^y)", (2.0, 3.0), (12.0, 8 * math.log(2))),
    ("abs(log(x)) y", (0.5, 2.0), (-4.0, math.log(2))),
    ("abs(abs(x)^(1/2) - 1)", (0.25, 0.0), (-1.0, 0.0)),
]


@pytest.mark.parametrize(("text", "point", "gradient"), ABS_OF_A_MAYBE_COMPLEX)
def test_abs_of_a_maybe_complex_argument_differentiates_as_sign_times_slope(text, point, gradient):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        f = Function(text)
        np.testing.assert_allclose(f.gradient(*point), gradient, rtol=1e-12)
        for key in (("x",), ("y",), ("x", "x"), ("x", "y"), ("y", "y")):
            assert not f.derivative(*key).has(sympy.Derivative, sympy.re, sympy.im, sympy.I)
        assert np.isfinite(f.hessian(*point)).all()
    assert np.isnan(Function("abs(sqrt(x)) + y").gradient(-1.0, 0.0)).all()
    assert_matches_mpmath(f, *point)


# Issue: SymPy's numpy printer writes sec(u) as 1/cos(u) after rewriting u in cosines too:
# sec(cosh x) became 1/cos(cos(i x)) (complex arithmetic), csc(x) became 1/cos(x - pi/2), which is
# finite at x = 0, so -sec(csc(x)) had a value where csc is infinite.
RECIPROCAL_TRIG = [
    "sec(cosh(x)) + y",
    "-sec(csc(x))",
    "cot(sinh(x)) y",
    "csc(cot(x) + y)",
    "sec(x) csc(y) + cot(x y)",
    "sec(tanh(x))^2 - cot(sqrt(x)) + |csc(y)|",
]


@pytest.mark.parametrize("text", RECIPROCAL_TRIG)
def test_sec_csc_cot_match_mpmath(text):
    rng = np.random.default_rng(7)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        f = Function(text)
        for x0, y0 in rng.uniform(-2, 2, (25, 2)):
            assert_matches_mpmath(f, float(x0), float(y0))


@pytest.mark.parametrize(
    ("text", "pole"),
    [
        ("-sec(csc(x))", (0.0, 1.0)),  # csc(0) is infinite
        ("sec(cot(x)) + y", (0.0, 1.0)),
        ("csc(x) + y", (0.0, 1.0)),
        ("cot(y) x", (1.0, 0.0)),
        ("csc(sec(x) - 1)", (0.0, 0.0)),  # sec(0) - 1 = 0: csc(0)
    ],
)
def test_sec_csc_cot_are_undefined_at_their_poles(text, pole):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        f = Function(text)
        assert math.isnan(f(*pole))
        assert np.isnan(f.gradient(*pole)).all()
        assert np.isnan(f.hessian(*pole)).all()


def test_sec_csc_cot_compile_without_complex_numbers():
    f = Function("sec(cosh(x)) + csc(sinh(y)) + cot(cosh(x y))")
    for form in f.numeric_forms():
        assert not form.has(sympy.I, sympy.sec, sympy.csc, sympy.cot)


# Issue: d/dx (-2)^x = (-2)^x (log 2 + i pi). (-2)^x is real only at whole numbers x, so it has no
# real derivative: such formulas are refused, with the reason, where the power is written.
@pytest.mark.parametrize(
    ("text", "column"),
    [("(-2)^x + y", 5), ("(-1)^x + y", 5), ("x + (-pi)^y", 10), ("(1 - 3)^(x y)", 8)],
)
def test_a_negative_number_to_a_variable_power_is_refused(text, column):
    with pytest.raises(ExpressionError, match="negative number to a variable power") as caught:
        Function(text)
    assert caught.value.column == column
    assert "cos(pi x)" in caught.value.hint


@pytest.mark.parametrize("text", ["(-2)^2 x", "(-2)^(x - x) + y", "(-x)^y", "(-8)^(1/3 + 2/3) y"])
def test_a_negative_base_is_fine_with_a_constant_power_or_a_variable_base(text):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        f = Function(text)
        f.gradient(0.5, 2.0)
        f.hessian(0.5, 2.0)


@pytest.mark.parametrize(
    ("tree", "words"),
    [
        (sympy.Derivative(sympy.Function("g")(X), X), "a derivative SymPy could not work out"),
        (sympy.I * X + Y, "the imaginary unit i"),
        (sympy.re(sympy.Function("g")(X)) * Y, "the real part of a complex number"),
    ],
)
def test_what_numpy_cannot_evaluate_in_real_numbers_is_refused_clearly(tree, words):
    """The last guard before compiling: a tree core's rules did not keep real is refused, never
    handed to lambdify (a printer's exception) or to numpy (complex, a ComplexWarning)."""
    from core.symbolic import numeric_forms

    with pytest.raises(ExpressionError, match="cannot be computed in real numbers") as caught:
        numeric_forms(tree, {}, [()])
    assert words in caught.value.message


# -- the whole grammar, against mpmath ---------------------------------------------------------


@settings(max_examples=80, deadline=None)
@given(formulas(max_leaves=4), coordinates, coordinates)
def test_any_formula_matches_mpmath_where_it_builds(text, x0, y0):
    try:
        f = Function(text)
    except ExpressionError:
        return
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assume_well_conditioned(f, x0, y0)
        assert_matches_mpmath(f, x0, y0)


def assume_well_conditioned(f: Function, x0: float, y0: float) -> None:
    """Skip points where float64 cannot hold f's value or slopes to the digits compared, and
    points on a jump (atan2(-x, -2) at x = 0: numpy's -0.0 takes the other side of the cut): a
    nudge of one part in 1e12 either way must not move them by more than a part in 1e10."""
    with np.errstate(all="ignore"):
        _assume_steady(f, x0, y0)


def _assume_steady(f: Function, x0: float, y0: float) -> None:
    here = np.array([f(x0, y0), *f.gradient(x0, y0)])
    nudge_x, nudge_y = 1e-12 * (1 + abs(x0)), 1e-12 * (1 + abs(y0))
    for dx, dy in ((nudge_x, 0.0), (-nudge_x, 0.0), (0.0, nudge_y), (0.0, -nudge_y)):
        there = np.array([f(x0 + dx, y0 + dy), *f.gradient(x0 + dx, y0 + dy)])
        assume(np.array_equal(np.isnan(here), np.isnan(there)))
        finite = ~np.isnan(here)
        assume(np.all(np.abs(here - there)[finite] <= 1e-10 * (1 + np.abs(here[finite]))))


# -- small integer powers by multiplication (numpy sends x**3 through C's pow) -------------------


@given(
    st.floats(allow_nan=False, allow_infinity=False, width=64),
    st.integers(min_value=2, max_value=16),
)
def test_integer_power_is_within_a_few_ulps_of_pow(base, exponent):
    with np.errstate(all="ignore"):
        ours = integer_power(np.float64(base), exponent)
        theirs = np.float64(base) ** np.float64(exponent)
    if not np.isfinite(theirs) or abs(theirs) < np.finfo(np.float64).tiny:
        # Over- and underflow: the same side of the range (inf of the same sign, or near 0).
        assert (np.isinf(ours) and np.sign(ours) == np.sign(theirs)) or (
            abs(ours) < 2 * np.finfo(np.float64).tiny and not np.isinf(theirs)
        )
        return
    # One rounding per multiplication: at most 2 log2(16) = 8 of them.
    assert abs(ours - theirs) <= 8 * np.spacing(abs(theirs))


def test_integer_power_keeps_signs_zeros_and_nan():
    x = np.array([-2.0, -0.0, 0.0, np.nan, np.inf, -np.inf, 3.0])
    with np.errstate(all="ignore"):
        np.testing.assert_array_equal(integer_power(x, 3), x**3)
        np.testing.assert_array_equal(integer_power(x, 4), x**4)


def test_small_powers_compile_to_multiplication_and_agree_with_pow():
    f = Function("x^2 y + b y^3 - (x + y)^5 + x^17")
    # The server's function is compiled by lambdify in the worker (core.function.numpy_code):
    # its names show the multiplications are in, and the same printing here shows where.
    assert "integer_power" in f._compiled.value.__code__.co_names
    compiled = f._compiled
    source = inspect.getsource(compile_numpy([compiled.expr], parameters=compiled.parameters))
    assert "integer_power(y, 3)" in source and "integer_power(x + y, 5)" in source
    assert "x**17" in source  # beyond MAX_MULTIPLIED_POWER: numpy's pow, as before
    x, y = np.meshgrid(np.linspace(-2, 2, 41), np.linspace(-1.5, 1.5, 37))
    expected = x**2 * y + 1.0 * y**3.0 - (x + y) ** 5.0 + x**17.0
    np.testing.assert_allclose(f(x, y), expected, rtol=1e-13, atol=1e-12)
