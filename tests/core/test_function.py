"""core.Function: exact partials of textbook functions, evaluation contract, properties."""

import math
import warnings

import numpy as np
import pytest
import sympy
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from core import Function, X, Y

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
    assert first._value is second._value
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


def test_the_magnitude_of_a_derivative():
    from core import magnitude

    found = magnitude(Function("exp(x^2)"), 30, 0, "x")  # 60 e^900: beyond float64
    assert found.log10 == pytest.approx(math.log10(60) + 900 / math.log(10))
    assert found.words.startswith("about ") and "10^392" in found.words
