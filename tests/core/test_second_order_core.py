"""core.geometry for the Second-order page: the slice along a direction, and |f - L|, |f - Q|."""

import math

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from core import (
    Function,
    X,
    Y,
    approximation_errors,
    directional_derivative,
    directional_slice,
    taylor2,
)
from core.geometry import ERROR_DISTANCES

SEED = "x^2 y + y^3"
SMOOTH = ["x^2 y + y^3", "sin(x) cos(y)", "exp(x/3) sin(y) + x y", "atan(x - 2y) + x^3/10"]
WINDOW = (-3.0, 3.0)


def seed(x, y):
    return x**2 * y + y**3


# --- directional_slice -------------------------------------------------------------------------


def test_seed_slice_along_the_axes_is_the_partial_slices():
    f = Function(SEED)
    along_x = directional_slice(f, 2, 1, WINDOW, WINDOW, angle=0)
    # The chord of the window through (2, 1) along +x: x from -3 to 3, so t from -5 to 1.
    assert (along_x.t[0], along_x.t[-1]) == (-5.0, 1.0)
    assert 0.0 in along_x.t
    np.testing.assert_allclose(along_x.values, seed(2 + along_x.t, 1.0), rtol=1e-12)
    assert along_x.point == (0.0, 5.0)
    assert along_x.slope == 4.0  # df/dx = 2xy
    np.testing.assert_allclose(along_x.tangent, 5 + 4 * along_x.t)

    along_y = directional_slice(f, 2, 1, WINDOW, WINDOW, angle=math.pi / 2)
    assert along_y.slope == pytest.approx(7.0)  # df/dy = x^2 + 3y^2
    assert (along_y.t[0], along_y.t[-1]) == pytest.approx((-4.0, 2.0))
    np.testing.assert_allclose(along_y.x, 2.0, atol=1e-15)
    np.testing.assert_allclose(along_y.values, seed(along_y.x, 1 + along_y.t), rtol=1e-9)

    backwards = directional_slice(f, 2, 1, WINDOW, WINDOW, direction=(-3, -4))
    assert backwards.slope == pytest.approx(-(12 + 28) / 5)
    assert backwards.angle == pytest.approx(math.atan2(-4, -3) + 2 * math.pi)


@settings(max_examples=40, deadline=None)
@given(
    text=st.sampled_from(SMOOTH),
    x0=st.floats(-2.5, 2.5),
    y0=st.floats(-2.5, 2.5),
    angle=st.floats(-10, 10),
)
def test_slice_properties(text, x0, y0, angle):
    f = Function(text)
    piece = directional_slice(f, x0, y0, WINDOW, WINDOW, angle=angle, n=301)
    u = np.array([math.cos(angle), math.sin(angle)])
    np.testing.assert_allclose(piece.direction, u)
    assert piece.slope == directional_derivative(f, x0, y0, angle=angle)
    assert np.all(np.diff(piece.t) > 0) and len(piece.t) == 301
    # The samples lie on the line, inside the window, and the chord ends on its edge.
    np.testing.assert_allclose(piece.x, x0 + piece.t * u[0], atol=1e-12)
    np.testing.assert_allclose(piece.y, y0 + piece.t * u[1], atol=1e-12)
    for ends in (piece.x, piece.y):
        assert np.all((ends >= -3 - 1e-9) & (ends <= 3 + 1e-9))
    for end in (0, -1):
        on_edge = min(abs(abs(piece.x[end]) - 3), abs(abs(piece.y[end]) - 3))
        assert on_edge < 1e-9
    # The point is a sample; the curve is f there (independent evaluation, point by point).
    centre = int(np.flatnonzero(piece.t == 0.0)[0])
    assert piece.values[centre] == piece.point[1] == float(f(x0, y0))
    for k in (0, len(piece.t) // 3, len(piece.t) - 1):
        assert piece.values[k] == pytest.approx(float(f(piece.x[k], piece.y[k])), rel=1e-12)
    # The slope is the curve's own slope at t = 0 (a central difference of f along u).
    h = 1e-5
    ahead = f(x0 + h * u[0], y0 + h * u[1])
    behind = f(x0 - h * u[0], y0 - h * u[1])
    assert piece.slope == pytest.approx((ahead - behind) / (2 * h), rel=1e-6, abs=1e-7)
    np.testing.assert_allclose(piece.tangent, piece.point[1] + piece.slope * piece.t)


def test_a_point_on_the_edge_looking_out_gets_a_one_sided_chord():
    piece = directional_slice(Function(SEED), 3, 0, WINDOW, WINDOW, angle=0, n=50)
    assert piece.t[-1] == 0.0 and piece.t[0] == -6.0 and len(piece.t) == 50


def test_a_point_outside_the_window_gets_a_symmetric_neighbourhood():
    piece = directional_slice(Function(SEED), 10, 10, WINDOW, (-1.0, 1.0), angle=1.0)
    assert (piece.t[0], piece.t[-1]) == (-1.0, 1.0)  # half the shorter side each way
    assert piece.point == (0.0, 2000.0)  # 10^2 10 + 10^3


def test_poles_are_cut_and_undefined_parts_are_holes():
    # 1/x along the x axis from (1, 0.3) backwards: the pole at x = 0 must not be a wall.
    piece = directional_slice(Function("1/x"), 1, 0.3, WINDOW, WINDOW, angle=math.pi, n=400)
    near_pole = np.abs(piece.x) < 0.05
    assert np.isnan(piece.values[near_pole]).all()
    assert np.nanmax(np.abs(piece.values)) < 200
    assert piece.slope == pytest.approx(1.0)  # d/dx (1/x) = -1/x^2 = -1, and u = (-1, 0)

    disc = directional_slice(Function("sqrt(1 - x^2 - y^2)"), 0, 0, WINDOW, WINDOW, angle=0.3)
    defined = np.isfinite(disc.values)
    assert defined.any() and not defined.all()
    np.testing.assert_array_equal(defined, np.hypot(disc.x, disc.y) <= 1)
    outside = directional_slice(Function("sqrt(1 - x^2 - y^2)"), 2, 2, WINDOW, WINDOW, angle=0.3)
    assert math.isnan(outside.point[1]) and math.isnan(outside.slope)


@pytest.mark.parametrize(
    "bad",
    [
        {"angle": math.nan},
        {"angle": math.inf},
        {},
        {"angle": 1.0, "direction": (1, 0)},
        {"direction": (0, 0)},
        {"angle": 0.0, "n": 1},
        {"angle": 0.0, "n": 2.5},
        {"angle": 0.0, "n": True},
        {"angle": 0.0, "xlim": (3, -3)},
        {"angle": 0.0, "x0": math.nan},
        {"angle": 0.0, "y0": "1"},
    ],
)
def test_directional_slice_rejects(bad):
    arguments = {"x0": 2, "y0": 1, "xlim": WINDOW, "ylim": WINDOW} | bad
    with pytest.raises(ValueError):
        directional_slice(Function(SEED), **arguments)


# --- approximation_errors ----------------------------------------------------------------------


def test_exp_errors_match_the_closed_form():
    # f = e^x at 0: L = 1 + x, Q = 1 + x + x^2/2. On a circle of radius d the largest errors sit
    # at angle 0 (sampled): e^d - 1 - d and e^d - 1 - d - d^2/2.
    errors = approximation_errors(Function("exp(x)"), 0, 0, 0.8)
    d = 0.8 * np.asarray(ERROR_DISTANCES)
    np.testing.assert_allclose(errors.distances, d)
    np.testing.assert_allclose(errors.linear_max, np.exp(d) - 1 - d, rtol=1e-12)
    np.testing.assert_allclose(errors.quadratic_max, np.exp(d) - 1 - d - d**2 / 2, rtol=1e-9)
    xx, _ = np.meshgrid(errors.x, errors.y)
    np.testing.assert_allclose(errors.linear, np.abs(np.exp(xx) - 1 - xx), rtol=1e-9, atol=1e-15)
    expected = np.abs(np.exp(xx) - 1 - xx - xx**2 / 2)
    np.testing.assert_allclose(errors.quadratic, expected, rtol=1e-6, atol=1e-15)


def test_seed_errors_against_hand_written_taylor_terms():
    errors = approximation_errors(Function(SEED), 2, 1, 0.5, n=41)
    assert errors.x[20] == 2.0 and errors.y[20] == 1.0
    assert errors.linear[20, 20] == 0.0 and errors.quadratic[20, 20] == 0.0
    xx, yy = np.meshgrid(errors.x, errors.y)
    dx, dy = xx - 2, yy - 1
    linear = 5 + 4 * dx + 7 * dy
    quadratic = linear + (2 * dx**2 + 8 * dx * dy + 6 * dy**2) / 2
    np.testing.assert_allclose(errors.linear, np.abs(seed(xx, yy) - linear), atol=1e-12)
    np.testing.assert_allclose(errors.quadratic, np.abs(seed(xx, yy) - quadratic), atol=1e-12)
    # f is a cubic: f - Q is exactly its cubic part dx^2 dy + dy^3, so halving d divides the
    # largest error on the circle by exactly 8. f - L also has a quadratic part: about 4.
    np.testing.assert_allclose(errors.shrink("quadratic"), 8.0, rtol=1e-6)
    shrink = errors.shrink("linear")
    assert np.all((shrink > 3.5) & (shrink < 5)) and abs(shrink[-1] - 4) < abs(shrink[0] - 4)
    assert np.all(errors.quadratic_max < errors.linear_max)
    assert not errors.negligible("linear") and not errors.negligible("quadratic")


@pytest.mark.parametrize("text", SMOOTH[1:])
def test_second_order_against_third_order_near_a_generic_point(text):
    errors = approximation_errors(Function(text), 0.4, -0.3, 0.05)
    assert errors.shrink("linear")[-1] == pytest.approx(4, rel=0.1)
    assert errors.shrink("quadratic")[-1] == pytest.approx(8, rel=0.15)
    assert np.all(errors.quadratic_max < errors.linear_max / 5)


def test_quadratic_and_linear_functions_are_their_own_approximations():
    bowl = approximation_errors(Function("x^2 + 3 x y - y^2 + 2"), 1, -1, 2)
    assert bowl.negligible("quadratic") and not bowl.negligible("linear")
    assert np.isnan(bowl.shrink("quadratic")).all()
    np.testing.assert_allclose(bowl.shrink("linear"), 4, rtol=1e-9)
    flat = approximation_errors(Function("2 x - y + 1"), 0.5, 0.5, 1)
    assert flat.negligible("linear") and flat.negligible("quadratic")


def test_undefined_point_and_partly_undefined_neighbourhood():
    outside = approximation_errors(Function("sqrt(1 - x^2 - y^2)"), 2, 2, 0.5)
    assert not outside.linear_defined and not outside.quadratic_defined
    assert np.isnan(outside.linear).all() and np.isnan(outside.quadratic).all()
    assert np.isnan(outside.linear_max).all()
    assert not outside.negligible("linear")

    edge = approximation_errors(Function("sqrt(1 - x^2 - y^2)"), 0.5, 0, 0.8)
    assert edge.linear_defined and edge.quadratic_defined
    xx, yy = np.meshgrid(edge.x, edge.y)
    np.testing.assert_array_equal(np.isfinite(edge.linear), xx**2 + yy**2 <= 1)
    assert np.isfinite(edge.linear_max[1:]).all()

    pole = approximation_errors(Function("1/x"), 0.1, 0, 0.2, n=41)
    assert not np.isinf(pole.linear).any() and not np.isinf(pole.quadratic).any()
    assert np.isnan(pole.linear[:, 10]).all()  # the column x = 0


@pytest.mark.parametrize(
    "bad",
    [
        {"radius": 0},
        {"radius": -1},
        {"radius": math.nan},
        {"radius": math.inf},
        {"radius": "1"},
        {"radius": 1e-300, "x0": 1e6},
        {"n": 2},
        {"n": 81.0},
        {"x0": math.inf},
    ],
)
def test_approximation_errors_rejects(bad):
    arguments = {"x0": 2, "y0": 1, "radius": 1.0} | bad
    with pytest.raises(ValueError):
        approximation_errors(Function(SEED), **arguments)


# --- the Taylor coefficients, exact -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "point"),
    [(SEED, (2, 1)), ("sin(x) cos(y)", (0.8, 0.4)), ("exp(x y) + x^3", (-1, 0.5))],
)
def test_quadratic_coefficients_rebuild_the_exact_polynomial(text, point):
    q = taylor2(Function(text), *point)
    z0, fx, fy, fxx, fxy, fyy = q.coefficients
    dx, dy = X - q.exact_point[0], Y - q.exact_point[1]
    rebuilt = z0 + fx * dx + fy * dy + (fxx * dx**2 + 2 * fxy * dx * dy + fyy * dy**2) / 2
    assert sympy.simplify(rebuilt - q.expr) == 0
    numbers = [float(c) for c in q.coefficients]
    expected = [q.z0, *q.gradient, q.hessian[0, 0], q.hessian[0, 1], q.hessian[1, 1]]
    np.testing.assert_allclose(numbers, expected, rtol=1e-12)


def test_seed_coefficients_are_the_textbook_numbers():
    # x^2 y + y^3 at (2, 1): f = 5, (fx, fy) = (4, 7), (fxx, fxy, fyy) = (2y, 2x, 6y) = (2, 4, 6).
    assert taylor2(Function(SEED), 2, 1).coefficients == (5, 4, 7, 2, 4, 6)
    assert taylor2(Function("sqrt(1 - x^2 - y^2)"), 2, 2).coefficients is None
