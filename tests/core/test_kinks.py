"""Derivatives at kinks of |u|: defined wherever f is differentiable, NaN only where it is not.

The derivative of |u| is sign(u) u'. Written as u/|u| u' (as it once was), x|x| had the partial
x^2/|x| + |x|, a 0/0 at the very point where the derivative exists (issue 11, item 3)."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core import Function, tangent_plane


@pytest.mark.parametrize(
    ("text", "point", "gradient"),
    [
        ("x abs(x) + y", (0, 1), (0, 1)),
        ("abs(x)^3 + y", (0, 1), (0, 1)),
        ("x^2 abs(y) + x", (0, 0), (1, 0)),
        ("abs(x y)", (0, 0), (0, 0)),  # |x y| = |x| |y|: flat along both axes through 0
        ("sin(x) abs(x)", (0, 2), (0, 0)),
        ("abs(x - 1) (x - 1) + abs(y)^2", (1, 0), (0, 0)),
    ],
)
def test_the_gradient_exists_at_a_kink_where_f_is_differentiable(text, point, gradient):
    f = Function(text)
    np.testing.assert_allclose(f.gradient(*point), gradient, atol=1e-12)
    plane = tangent_plane(f, *point)
    assert plane.defined and plane.expr is not None


@pytest.mark.parametrize(
    ("text", "point", "undefined"),
    [
        ("abs(x) + y", (0, 1), (True, False)),
        ("abs(x) y", (0, 1), (True, False)),
        ("abs(x) y", (0, 0), (False, False)),  # |x| y is 0 along both axes: both partials are 0
        ("x^2 abs(y) + x", (1, 0), (False, True)),
        ("abs(x + y)", (1, -1), (True, True)),
    ],
)
def test_the_gradient_is_nan_only_where_a_one_sided_slope_differs(text, point, undefined):
    gradient = Function(text).gradient(*point)
    assert tuple(bool(v) for v in np.isnan(gradient)) == undefined


@pytest.mark.parametrize(
    ("text", "point", "hessian"),
    [
        ("abs(x)^3 + y", (0, 1), [[0, 0], [0, 0]]),  # 6|x| is 0 at 0
        ("x^2 abs(y) + x", (0, 0), [[0, 0], [0, 0]]),
        ("x abs(x) + y", (0, 1), [[math.nan, 0], [0, 0]]),  # f_x = 2|x| has a corner
        ("abs(x)", (0, 0), [[math.nan, math.nan], [math.nan, 0]]),  # f_x does not exist at 0
        ("x^2 abs(y) + x", (1, 0), [[0, math.nan], [math.nan, math.nan]]),
    ],
)
def test_second_derivatives_at_kinks(text, point, hessian):
    np.testing.assert_allclose(Function(text).hessian(*point), hessian, atol=1e-12)


def test_kinks_leave_the_exact_derivative_readable():
    f = Function("x abs(x)")
    assert str(f.derivative("x")) == "x*sign(x) + Abs(x)"
    assert str(f.derivative("x", "x")) == "2*sign(x)"  # d sign/dx = 2 DiracDelta, 0 off the kink


OUTER = [
    *("{}", "sin({})", "exp({})", "sqrt(1 + {})", "({})^2", "({})^3"),
    *("abs({} - 1)", "cbrt(1 + {})"),  # a kink inside a kink; a root
]
small = st.integers(-2, 2)


@st.composite
def kinked(draw):
    """f = A |u|^m-ish + B with a kink along the line u = 0 through an integer point P."""
    a, b = draw(small), draw(small)
    if a == b == 0:
        a = 1
    p, q = draw(small), draw(small)
    u = f"({a}(x - {p}) + {b}(y - {q}))"
    inner = draw(st.sampled_from(OUTER)).format(f"abs{u}")
    c0, c1, c2, d1, d2 = (draw(small) for _ in range(5))
    text = f"({c0} + {c1}(x - {p}) + {c2} (y - {q})) {inner} + {d1} x y + {d2} y^2"
    t = draw(st.integers(-2, 2))  # a point along the kink line, not only P
    return text, (p + b * t, q - a * t)


@settings(max_examples=40, deadline=None)
@given(kinked())
def test_gradient_on_a_kink_matches_one_sided_slopes(case):
    """Independent check: one-sided differences of f itself. Where the slopes agree the
    derivative exists and equals them; where they differ it does not exist (NaN)."""
    text, (x0, y0) = case
    f = Function(text)
    gradient = f.gradient(x0, y0)
    h = 1e-6
    for k in range(2):
        step = np.array([h, 0.0]) if k == 0 else np.array([0.0, h])
        here = float(f(x0, y0))
        right = (float(f(*(np.array([x0, y0]) + step))) - here) / h
        left = (here - float(f(*(np.array([x0, y0]) - step)))) / h
        scale = 1 + abs(right) + abs(left)
        if abs(right - left) <= 1e-4 * scale:
            assert gradient[k] == pytest.approx((right + left) / 2, abs=1e-4 * scale), (text, k)
        elif abs(right - left) >= 1e-2 * scale:
            assert math.isnan(gradient[k]), (text, k, right, left, gradient[k])


def test_kinks_inside_kinks_compile_and_evaluate():
    # |(|x y - 1|) - 1|: the one-sided forms hold derivatives of |...| themselves
    f = Function("abs(abs(x y - 1) - 1)")
    assert f.gradient(1.5, 1.0) == pytest.approx([-1.0, -1.5])  # x y - 1 = 0.5 > 0, 0.5 - 1 < 0
    assert np.isfinite(f.hessian(1.5, 1.0)).all()
    assert np.isnan(f.gradient(2.0, 1.0)).all()  # |x y - 1| = 1: the outer kink
