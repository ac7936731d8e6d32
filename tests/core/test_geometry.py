"""core.geometry: slices, tangent plane, Taylor polynomial, directional derivatives."""

import math

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from core import ExpressionError, Function, WorkerBusyError, X, Y
from core.geometry import (
    directional_derivative,
    directional_profile,
    exact_number,
    point_summary,
    slices,
    tangent_plane,
    taylor2,
    unit_vector,
)

SEED = "x^2 y + y^3"
SMOOTH = ["x^2 y + y^3", "sin(x) cos(y)", "exp(x/3) sin(y) + x y", "atan(x - 2y) + x^3/10"]
coordinate = st.floats(-2, 2, allow_nan=False)


def test_seed_point_summary():
    # x^2 y + y^3 at (2, 1): f = 4 + 1 = 5, fx = 2xy = 4, fy = x^2 + 3y^2 = 7.
    s = point_summary(Function(SEED), 2, 1)
    assert (s.value, s.fx, s.fy) == (5.0, 4.0, 7.0)
    np.testing.assert_array_equal(s.gradient, [4.0, 7.0])
    assert s.gradient_norm == pytest.approx(math.sqrt(65))
    assert s.gradient_angle == pytest.approx(math.atan2(7, 4))
    np.testing.assert_allclose(s.unit_gradient, np.array([4, 7]) / math.sqrt(65))
    np.testing.assert_array_equal(s.hessian, [[2.0, 4.0], [4.0, 6.0]])
    assert s.undefined == frozenset()


def test_seed_tangent_plane_is_exact():
    plane = tangent_plane(Function(SEED), 2, 1)
    assert (plane.z0, plane.fx, plane.fy) == (5.0, 4.0, 7.0)
    assert sympy.expand(plane.expr - (5 + 4 * (X - 2) + 7 * (Y - 1))) == 0
    assert not plane.expr.atoms(sympy.Float)
    assert plane(3.0, 2.0) == pytest.approx(5 + 4 + 7)
    np.testing.assert_allclose(plane(np.array([2.0, 2.5]), 1.0), [5.0, 7.0])


def test_exact_numbers():
    assert exact_number(2) == 2 and exact_number(2.0) == 2
    assert exact_number(0.1) == sympy.Rational(1, 10)
    assert exact_number(-0.25) == sympy.Rational(-1, 4)
    assert exact_number(1 / 3) == sympy.Rational(1, 3)
    assert exact_number(np.float64(1.5)) == sympy.Rational(3, 2)
    assert exact_number(sympy.pi / 4) == sympy.pi / 4
    assert isinstance(exact_number(math.sqrt(2)), sympy.Float)
    assert float(exact_number(math.sqrt(2))) == math.sqrt(2)
    for bad in (math.nan, math.inf, "1", b"1", None, [1], sympy.oo, sympy.I, X, sympy.nan):
        with pytest.raises(ValueError):
            exact_number(bad)


def test_tangent_plane_at_decimal_and_symbolic_points():
    plane = tangent_plane(Function(SEED), 0.1, -0.5)
    z0 = sympy.Rational(1, 100) * sympy.Rational(-1, 2) + sympy.Rational(-1, 8)
    assert plane.expr.subs({X: sympy.Rational(1, 10), Y: sympy.Rational(-1, 2)}) == z0
    assert not plane.expr.atoms(sympy.Float)
    wave = tangent_plane(Function("sin(x) cos(y)"), sympy.pi / 4, 0)
    half = sympy.sqrt(2) / 2
    assert sympy.simplify(wave.expr - (half + half * (X - sympy.pi / 4))) == 0
    assert wave.x0 == pytest.approx(math.pi / 4) and wave.z0 == pytest.approx(math.sqrt(0.5))


def test_undefined_quantities_are_flagged_not_printed_as_nan():
    cone = Function("sqrt(x^2 + y^2)")
    s = point_summary(cone, 0, 0)
    assert s.value == 0 and {"fx", "fy"} <= s.undefined and "value" not in s.undefined
    assert s.gradient_angle is None and s.unit_gradient is None
    plane = tangent_plane(cone, 0, 0)
    assert not plane.defined and plane.expr is None
    assert not taylor2(cone, 0, 0).defined and taylor2(cone, 0, 0).expr is None
    log = point_summary(Function("log(x)"), -1, 0)
    assert {"value", "fx"} <= log.undefined
    assert math.isnan(directional_derivative(cone, 0, 0, angle=0.3))


def test_zero_gradient_has_no_direction():
    s = point_summary(Function("x^2 + y^2"), 0, 0)
    assert s.gradient_norm == 0 and s.gradient_angle is None and s.unit_gradient is None
    assert s.undefined == frozenset()


def test_seed_slices():
    x_slice, y_slice = slices(Function(SEED), 2, 1, (-3, 3), (-2, 2), n=61)
    assert x_slice.variable == "x" and x_slice.fixed == 1
    np.testing.assert_allclose(x_slice.t, np.linspace(-3, 3, 61))
    np.testing.assert_allclose(x_slice.values, x_slice.t**2 + 1)  # y = 1
    assert x_slice.point == (2.0, 5.0) and x_slice.slope == 4
    np.testing.assert_allclose(x_slice.tangent, 5 + 4 * (x_slice.t - 2))
    assert y_slice.variable == "y" and y_slice.fixed == 2
    np.testing.assert_allclose(y_slice.values, 4 * y_slice.t + y_slice.t**3)  # x = 2
    assert y_slice.point == (1.0, 5.0) and y_slice.slope == 7
    np.testing.assert_allclose(y_slice.tangent, 5 + 7 * (y_slice.t - 1))


def test_slices_mask_holes_and_poles():
    x_slice, y_slice = slices(Function("tan(x) + sqrt(y)"), 0.3, 1, (-5, 5), (-1, 1), n=400)
    assert np.isnan(y_slice.values[y_slice.t < 0]).all()
    assert np.isfinite(y_slice.values[y_slice.t > 0]).all()
    assert 0 < np.isnan(x_slice.values).mean() < 0.1
    assert np.nanmax(np.abs(x_slice.values)) < 100
    assert np.isfinite(x_slice.values[np.abs(x_slice.t) < 1]).all()


@pytest.mark.parametrize(
    "bad",
    [
        {"xlim": (1, 0)},
        {"ylim": (0, math.nan)},
        {"n": 1},
        {"n": 10**9},
        {"n": 2.5},
        {"x0": math.inf},
        {"y0": "a"},
    ],
)
def test_slices_reject_hostile_input(bad):
    arguments = {"x0": 0, "y0": 0, "xlim": (-1, 1), "ylim": (-1, 1), "n": 50} | bad
    with pytest.raises(ValueError):
        slices(Function(SEED), **arguments)


quadratic_coefficients = st.lists(st.integers(-5, 5), min_size=6, max_size=6)


@settings(max_examples=25, deadline=None)
@given(
    coefficients=quadratic_coefficients,
    point=st.tuples(st.integers(-300, 300), st.integers(-300, 300)).map(
        lambda p: (p[0] / 100, p[1] / 100)
    ),
)
def test_taylor2_is_exact_for_quadratics(coefficients, point):
    a, b, c, d, e, g = coefficients
    f = Function(f"{a} x^2 + {b} x y + {c} y^2 + {d} x + {e} y + {g}")
    q = taylor2(f, *point)
    xs = np.linspace(-3, 3, 7)
    np.testing.assert_allclose(q(xs, xs[::-1]), f(xs, xs[::-1]), rtol=1e-9, atol=1e-9)
    assert sympy.expand(q.expr - f.expr) == 0


def test_taylor2_of_the_seed_and_a_transcendental_function():
    q = taylor2(Function(SEED), 2, 1)
    expected = 5 + 4 * (X - 2) + 7 * (Y - 1) + (2 * (X - 2) ** 2 + 8 * (X - 2) * (Y - 1)) / 2
    expected += 6 * (Y - 1) ** 2 / 2
    assert sympy.expand(q.expr - expected) == 0
    wave = taylor2(Function("exp(x) cos(y)"), 0, 0)
    assert sympy.expand(wave.expr - (1 + X + (X**2 - Y**2) / 2)) == 0


@pytest.mark.parametrize("text", SMOOTH)
@pytest.mark.parametrize("angle", [0.2, 2.0, 4.0])
def test_approximation_orders(text, angle):
    """Halving the distance r divides the tangent plane's error by ~4 (O(r^2)) and Taylor2's
    by ~8 (O(r^3)), wherever the next-order term does not vanish in that direction."""
    f = Function(text)
    x0, y0 = 0.4, -0.3
    plane, q = tangent_plane(f, x0, y0), taylor2(f, x0, y0)
    u = np.array([math.cos(angle), math.sin(angle)])

    def errors(r):
        x, y = x0 + r * u[0], y0 + r * u[1]
        return abs(f(x, y) - plane(x, y)), abs(f(x, y) - q(x, y))

    (plane_big, q_big), (plane_small, q_small) = errors(0.02), errors(0.01)
    assert plane_big / plane_small == pytest.approx(4, rel=0.1)
    assert q_big / q_small == pytest.approx(8, rel=0.15)


def test_directional_derivative_textbook():
    f = Function(SEED)
    assert directional_derivative(f, 2, 1, angle=0) == pytest.approx(4)
    assert directional_derivative(f, 2, 1, angle=math.pi / 2) == pytest.approx(7)
    assert directional_derivative(f, 2, 1, direction=(3, 4)) == pytest.approx((12 + 28) / 5)
    assert directional_derivative(f, 2, 1, direction=(30, 40)) == pytest.approx(8)
    assert directional_derivative(f, 2, 1, direction=(-7, 4)) == pytest.approx(0, abs=1e-12)
    np.testing.assert_allclose(unit_vector(direction=[0, -2]), [0, -1])


@pytest.mark.parametrize(
    "bad",
    [
        {},
        {"angle": 1.0, "direction": (1, 0)},
        {"direction": (0, 0)},
        {"direction": (math.nan, 1)},
        {"direction": (math.inf, 1)},
        {"direction": (1, 2, 3)},
        {"direction": "up"},
        {"angle": math.nan},
        {"angle": math.inf},
    ],
)
def test_directional_derivative_rejects(bad):
    with pytest.raises(ValueError):
        directional_derivative(Function(SEED), 2, 1, **bad)


@settings(max_examples=40, deadline=None)
@given(
    text=st.sampled_from(SMOOTH),
    x0=coordinate,
    y0=coordinate,
    angle=st.floats(-10, 10, allow_nan=False),
)
def test_directional_properties(text, x0, y0, angle):
    f = Function(text)
    s = point_summary(f, x0, y0)
    fx, fy = (float(v) for v in f.gradient(x0, y0))
    # D_u f at angle 0 and pi/2 are the partials; the profile agrees with the single value.
    assert directional_derivative(f, x0, y0, angle=0) == pytest.approx(fx, abs=1e-12)
    assert directional_derivative(f, x0, y0, angle=math.pi / 2) == pytest.approx(fy, abs=1e-12)
    single = directional_derivative(f, x0, y0, angle=angle)
    assert directional_profile(f, x0, y0, [angle])[0] == pytest.approx(single, abs=1e-12)
    # |D_u f| <= |grad f| (Cauchy-Schwarz), equality along the gradient.
    assert abs(single) <= s.gradient_norm * (1 + 1e-12) + 1e-12
    if s.gradient_norm > 1e-9:
        best = directional_derivative(f, x0, y0, angle=s.gradient_angle)
        assert best == pytest.approx(s.gradient_norm, rel=1e-12)
        angles = np.linspace(-math.pi, math.pi, 3601)
        profile = directional_profile(f, x0, y0, angles)
        assert profile.max() == pytest.approx(s.gradient_norm, rel=1e-6)
        assert profile.min() == pytest.approx(-s.gradient_norm, rel=1e-6)
        peak = angles[np.argmax(profile)]
        assert abs(math.remainder(peak - s.gradient_angle, 2 * math.pi)) < 2e-3
        np.testing.assert_allclose(s.unit_gradient, [math.cos(peak), math.sin(peak)], atol=2e-3)
    # Against an independent central difference along u.
    u = (math.cos(angle), math.sin(angle))
    h = 1e-5
    numeric = (f(x0 + h * u[0], y0 + h * u[1]) - f(x0 - h * u[0], y0 - h * u[1])) / (2 * h)
    assert single == pytest.approx(numeric, rel=1e-6, abs=1e-7)


def test_profile_shape_and_undefined():
    profile = directional_profile(Function(SEED), 2, 1, np.zeros((3, 4)))
    assert profile.shape == (3, 4) and np.allclose(profile, 4)
    assert np.isnan(directional_profile(Function("sqrt(x^2+y^2)"), 0, 0, [0.0, 1.0])).all()


def test_slices_through_a_point_outside_the_window():
    x_slice, y_slice = slices(Function("tan(x) + y"), 0.3, 7, (-5, 5), (-1, 1), n=300)
    assert x_slice.fixed == 7 and 0 < np.isnan(x_slice.values).mean() < 0.1
    assert np.nanmax(np.abs(x_slice.values - 7)) < 100
    assert y_slice.fixed == 0.3
    np.testing.assert_allclose(y_slice.values, math.tan(0.3) + y_slice.t)


class _BusyFirst:
    """The shared worker, except that its first call finds the machine too busy."""

    def __init__(self, worker):
        self.worker, self.calls = worker, 0

    def run(self, task, *args, **kwargs):
        self.calls += 1
        if self.calls == 1:
            raise WorkerBusyError("The server is too busy.", hint="Try again in a moment.")
        return self.worker.run(task, *args, **kwargs)


@pytest.mark.parametrize("exact", ["plane", "quadratic"])
def test_a_busy_worker_is_raised_and_the_exact_form_is_asked_again(monkeypatch, exact):
    """A starved worker is the machine's fault: raised, not kept as "no exact form" on the object
    (a page caches these objects' answers for every student)."""
    import core.geometry as geometry

    busy = _BusyFirst(geometry.shared_worker())
    monkeypatch.setattr(geometry, "shared_worker", lambda: busy)
    f = Function(SEED)
    if exact == "plane":
        plane = tangent_plane(f, 2, 1)
        with pytest.raises(WorkerBusyError):
            _ = plane.expr
        assert sympy.expand(plane.expr - (5 + 4 * (X - 2) + 7 * (Y - 1))) == 0
    else:
        quadratic = taylor2(f, 2, 1)
        with pytest.raises(WorkerBusyError):
            _ = quadratic.coefficients
        # f, fx = 2xy, fy = x^2 + 3y^2, fxx = 2y, fxy = 2x, fyy = 6y at (2, 1)
        assert quadratic.coefficients == (5, 4, 7, 2, 4, 6)
    assert busy.calls == 2


def test_the_worker_time_limit_still_means_no_exact_form(monkeypatch):
    import core.geometry as geometry

    class TooLong:
        def run(self, task, *args, **kwargs):
            raise ExpressionError("That took too long.")

    monkeypatch.setattr(geometry, "shared_worker", TooLong)
    assert tangent_plane(Function(SEED), 2, 1).expr is None
    assert taylor2(Function(SEED), 2, 1).coefficients is None
