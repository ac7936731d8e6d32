"""Geometry at a point: the slices and their tangent lines, the tangent plane, the second-order
Taylor polynomial, directional derivatives, and the gradient's size and direction.

Numbers come from the compiled functions (fast, float64, NaN where undefined). Each `.expr` is
exact SymPy built by substituting the point into f's exact derivatives, so a point typed as 2 or
0.1 gives 2 and 1/10, never 0.1000000000000000055. The substitution runs in the worker under its
time limit; `.expr` is None where the values are undefined or that takes too long (and a worker
starved by a busy machine raises WorkerBusyError, so that no cache keeps it as an answer).
"""

from __future__ import annotations

import functools
import math
import numbers
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np
import sympy

from ._worker import WorkerBusyError, shared_worker
from .grid import check_window, pole_mask
from .parse import ExpressionError, X, Y

# Names of the quantities a point summary reports as undefined (NaN) where they are.
QUANTITIES = ("value", "fx", "fy", "fxx", "fxy", "fyy")


def exact_number(value) -> sympy.Expr:
    """A SymPy number for a point coordinate: ints and short decimals become exact rationals
    (0.1 -> 1/10), other floats stay floats; SymPy numbers (pi/4) pass through."""
    if isinstance(value, sympy.Basic):
        if not (value.is_number and value.is_finite and value.is_extended_real):
            raise ValueError(f"a coordinate must be a finite real number, got {value}")
        return value
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return sympy.Integer(int(value))
    number = _finite(value, "coordinate")
    fraction = Fraction(number).limit_denominator(10**6)
    if float(fraction) == number:
        return sympy.Rational(fraction.numerator, fraction.denominator)
    return sympy.Float(number)


def _finite(value, name: str) -> float:
    try:
        if isinstance(value, str | bytes):
            raise TypeError  # float("1e3") would work, but text is not a number here
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number, got {value!r}") from None
    if not math.isfinite(number):
        raise ValueError(f"{name} must be finite, got {number}")
    return number


def _at(f, orders, x0: sympy.Expr, y0: sympy.Expr) -> list[sympy.Expr] | None:
    """f's derivatives of the given orders at the exact point, substituted in the worker (exact
    arithmetic on a large derivative takes a while); None if that does not finish in time.
    Raises WorkerBusyError when the machine starved the worker: not the formula's answer, so
    it must not be kept as one (the cached properties below then ask again next time)."""
    exprs = [f.derivative(*v) for v in orders]
    try:
        # With parameters, their values go in first: a second worker call, per value as per point.
        return shared_worker().run("substitute", f.bound(*exprs), x0, y0)
    except WorkerBusyError:
        raise
    except ExpressionError:
        return None


def _point(x0, y0) -> tuple[float, float, tuple[sympy.Expr, sympy.Expr]]:
    """The point as floats (for numpy) and as exact SymPy numbers (for .expr)."""
    exact = (exact_number(x0), exact_number(y0))
    return float(exact[0]), float(exact[1]), exact


@dataclass(frozen=True, eq=False)
class PointSummary:
    """f, its gradient and Hessian at (x, y). `undefined` names the NaN quantities (QUANTITIES);
    gradient_angle (radians, from the x axis) and unit_gradient are None where the gradient is
    zero or undefined."""

    x: float
    y: float
    value: float
    fx: float
    fy: float
    gradient: np.ndarray
    gradient_norm: float
    gradient_angle: float | None
    unit_gradient: np.ndarray | None
    hessian: np.ndarray
    undefined: frozenset[str]


def point_summary(f, x0, y0) -> PointSummary:
    x, y = _finite(x0, "x0"), _finite(y0, "y0")
    value = float(f(x, y))
    gradient = np.asarray(f.gradient(x, y), dtype=np.float64)
    hessian = np.asarray(f.hessian(x, y), dtype=np.float64)
    found = (value, gradient[0], gradient[1], hessian[0, 0], hessian[0, 1], hessian[1, 1])
    undefined = frozenset(name for name, v in zip(QUANTITIES, found, strict=True) if np.isnan(v))
    norm = float(np.hypot(*gradient))
    direction = norm > 0 and math.isfinite(norm)
    return PointSummary(
        x=x,
        y=y,
        value=value,
        fx=float(gradient[0]),
        fy=float(gradient[1]),
        gradient=gradient,
        gradient_norm=norm,
        gradient_angle=math.atan2(gradient[1], gradient[0]) if direction else None,
        unit_gradient=gradient / norm if direction else None,
        hessian=hessian,
        undefined=undefined,
    )


@dataclass(frozen=True, eq=False)
class Slice:
    """The curve cut from the surface by fixing one variable: `variable` ("x" or "y") varies
    over t while the other stays at `fixed`. `slope` is the partial along `variable` at the
    point (t0, z0) = `point`; `tangent` is the tangent line z0 + slope (t - t0) over t."""

    variable: str
    fixed: float
    t: np.ndarray
    values: np.ndarray
    point: tuple[float, float]
    slope: float
    tangent: np.ndarray


def slices(f, x0, y0, xlim, ylim, n: int = 200) -> tuple[Slice, Slice]:
    """The x-slice (cut by y = y0, slope df/dx) and the y-slice (cut by x = x0, slope df/dy).
    Values are NaN where f is undefined or has a pole (as in core.grid)."""
    (xmin, xmax), (ymin, ymax) = check_window(xlim, ylim)
    x, y = _finite(x0, "x0"), _finite(y0, "y0")
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or not 2 <= n <= 10_000:
        raise ValueError(f"n must be a whole number between 2 and 10000, got {n!r}")
    z0 = float(f(x, y))
    fx, fy = (float(v) for v in f.gradient(x, y))
    result = []
    for variable, t, slope, t0, fixed in (
        ("x", np.linspace(xmin, xmax, n), fx, x, y),
        ("y", np.linspace(ymin, ymax, n), fy, y, x),
    ):
        xs, ys = (t, np.full_like(t, fixed)) if variable == "x" else (np.full_like(t, fixed), t)
        values = np.broadcast_to(f(xs, ys), t.shape).astype(np.float64)
        # Probe for poles along the slice only (the fixed coordinate may lie outside the window).
        step, line = t[1] - t[0], (t[0], t[-1])
        steps, window = ((step, 0.0), (line, (fixed, fixed)))
        if variable == "y":
            steps, window = steps[::-1], window[::-1]
        values[pole_mask(f, xs, ys, values, steps, window)] = np.nan
        tangent = z0 + slope * (t - t0)
        result.append(Slice(variable, fixed, t, values, (t0, z0), slope, tangent))
    return result[0], result[1]


@dataclass(frozen=True, eq=False)
class TangentPlane:
    """z = z0 + fx (x - x0) + fy (y - y0), the linearisation of f at (x0, y0). All NaN (and
    `expr` None) where f or a partial is undefined at the point."""

    x0: float
    y0: float
    z0: float
    fx: float
    fy: float
    function: object = field(repr=False)
    exact_point: tuple = field(repr=False)

    @property
    def defined(self) -> bool:
        return bool(np.isfinite([self.z0, self.fx, self.fy]).all())

    def __call__(self, x, y) -> np.ndarray:
        x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
        return self.z0 + self.fx * (x - self.x0) + self.fy * (y - self.y0)

    @functools.cached_property
    def expr(self) -> sympy.Expr | None:
        if not self.defined:
            return None
        f, (x0, y0) = self.function, self.exact_point
        values = _at(f, ((), ("x",), ("y",)), x0, y0)
        if values is None:
            return None
        z0, fx, fy = values
        return z0 + fx * (X - x0) + fy * (Y - y0)


def tangent_plane(f, x0, y0) -> TangentPlane:
    """The linearisation at (x0, y0); coordinates may be SymPy numbers (pi/4) for an exact .expr."""
    x, y, exact = _point(x0, y0)
    fx, fy = (float(v) for v in f.gradient(x, y))
    return TangentPlane(x, y, float(f(x, y)), fx, fy, function=f, exact_point=exact)


@dataclass(frozen=True, eq=False)
class Quadratic:
    """The second-order Taylor polynomial of f at (x0, y0):
    z0 + g . d + d^T H d / 2 with d = (x - x0, y - y0)."""

    x0: float
    y0: float
    z0: float
    gradient: np.ndarray
    hessian: np.ndarray
    function: object = field(repr=False)
    exact_point: tuple = field(repr=False)

    @property
    def defined(self) -> bool:
        return bool(np.isfinite(self.z0) and np.isfinite(self.gradient).all()) and bool(
            np.isfinite(self.hessian).all()
        )

    def __call__(self, x, y) -> np.ndarray:
        dx = np.asarray(x, dtype=np.float64) - self.x0
        dy = np.asarray(y, dtype=np.float64) - self.y0
        (fxx, fxy), (_, fyy) = self.hessian
        linear = self.gradient[0] * dx + self.gradient[1] * dy
        return self.z0 + linear + 0.5 * (fxx * dx * dx + 2 * fxy * dx * dy + fyy * dy * dy)

    @functools.cached_property
    def expr(self) -> sympy.Expr | None:
        if not self.defined:
            return None
        x0, y0 = self.exact_point
        values = self.coefficients
        if values is None:
            return None
        z0, fx, fy, fxx, fxy, fyy = values
        dx, dy = X - x0, Y - y0
        half = sympy.Rational(1, 2)
        return z0 + fx * dx + fy * dy + half * (fxx * dx**2 + 2 * fxy * dx * dy + fyy * dy**2)

    @functools.cached_property
    def coefficients(self) -> tuple[sympy.Expr, ...] | None:
        """The exact (f, fx, fy, fxx, fxy, fyy) at the point, None where undefined: SymPy
        simplifies `expr` into its own order, these keep the Taylor form
        z0 + fx dx + fy dy + (fxx dx^2 + 2 fxy dx dy + fyy dy^2) / 2 for display."""
        if not self.defined:
            return None
        f, (x0, y0) = self.function, self.exact_point
        values = _at(f, ((), ("x",), ("y",), ("x", "x"), ("x", "y"), ("y", "y")), x0, y0)
        return None if values is None else tuple(values)


def taylor2(f, x0, y0) -> Quadratic:
    """The second-order Taylor polynomial at (x0, y0) (coordinates as for tangent_plane)."""
    x, y, exact = _point(x0, y0)
    gradient = np.asarray(f.gradient(x, y), dtype=np.float64)
    hessian = np.asarray(f.hessian(x, y), dtype=np.float64)
    return Quadratic(x, y, float(f(x, y)), gradient, hessian, function=f, exact_point=exact)


def unit_vector(angle=None, direction=None) -> np.ndarray:
    """The unit vector for exactly one of an angle (radians from the x axis) or a direction."""
    if (angle is None) == (direction is None):
        raise ValueError("give exactly one of angle or direction")
    if angle is not None:
        angle = _finite(angle, "angle")
        return np.array([math.cos(angle), math.sin(angle)])
    try:
        vector = np.asarray(direction, dtype=np.float64).reshape(2)
    except (TypeError, ValueError):
        raise ValueError(f"direction must be two numbers, got {direction!r}") from None
    norm = float(np.hypot(*vector))
    if not math.isfinite(norm):
        raise ValueError(f"direction must be finite, got {direction!r}")
    if norm == 0:
        raise ValueError("the zero vector has no direction")
    return vector / norm


def directional_derivative(f, x0, y0, angle=None, direction=None) -> float:
    """D_u f = grad f . u with u the unit vector of `angle` or `direction` (normalised).
    NaN where the gradient is undefined."""
    u = unit_vector(angle, direction)
    x, y = _finite(x0, "x0"), _finite(y0, "y0")
    return float(np.dot(f.gradient(x, y), u))


def directional_profile(f, x0, y0, angles) -> np.ndarray:
    """D_u f for u = (cos a, sin a) at every angle a: |grad f| cos(a - gradient angle)."""
    x, y = _finite(x0, "x0"), _finite(y0, "y0")
    angles = np.asarray(angles, dtype=np.float64)
    fx, fy = f.gradient(x, y)
    return fx * np.cos(angles) + fy * np.sin(angles)


@dataclass(frozen=True, eq=False)
class DirectionalSlice:
    """The curve cut from the surface by the vertical plane through (x0, y0) along the unit vector
    u: t -> f(x0 + t u_x, y0 + t u_y), with t the signed distance from the point.

    `x`, `y` are the points of the line over t; `values` is f there (NaN where undefined or cut as
    a pole). `slope` is D_u f at the point (t, z) = `point` = (0, f(x0, y0)); `tangent` is the
    tangent line f(x0, y0) + slope t over t. t runs over the chord of the window through the point
    (the point inside the window), or over half the window's shorter side each way (outside)."""

    x0: float
    y0: float
    direction: np.ndarray
    t: np.ndarray
    x: np.ndarray
    y: np.ndarray
    values: np.ndarray
    point: tuple[float, float]
    slope: float
    tangent: np.ndarray

    @property
    def angle(self) -> float:
        """u's angle from the x axis, radians in [0, 2 pi)."""
        return math.atan2(self.direction[1], self.direction[0]) % (2 * math.pi)


def _chord(x, y, u, xlim, ylim) -> tuple[float, float]:
    """The t interval where (x, y) + t u lies in the window (the point inside it), else a
    symmetric interval of half the window's shorter side around the point."""
    low, high = -math.inf, math.inf
    for start, step, (lo, hi) in ((x, u[0], xlim), (y, u[1], ylim)):
        if step == 0:
            if not lo <= start <= hi:
                low, high = math.inf, -math.inf
            continue
        with np.errstate(over="ignore"):  # a subnormal step: the line never leaves the strip
            a, b = sorted(((lo - start) / step, (hi - start) / step))
        low, high = max(low, a), min(high, b)
    if low <= 0 <= high and low < high:
        return low, high
    half = min(xlim[1] - xlim[0], ylim[1] - ylim[0]) / 2
    return -half, half


def directional_slice(
    f, x0, y0, xlim, ylim, angle=None, direction=None, n: int = 200
) -> DirectionalSlice:
    """The slice of the surface along u (the unit vector of `angle` in radians, or of
    `direction`) through (x0, y0), with its tangent line of slope D_u f (see DirectionalSlice)."""
    (xmin, xmax), (ymin, ymax) = check_window(xlim, ylim)
    u = unit_vector(angle, direction)
    x, y = _finite(x0, "x0"), _finite(y0, "y0")
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or not 2 <= n <= 10_000:
        raise ValueError(f"n must be a whole number between 2 and 10000, got {n!r}")
    low, high = _chord(x, y, u, (xmin, xmax), (ymin, ymax))
    # t = 0 is one of the samples, so the curve passes exactly through the point.
    below = max(1, round((n - 1) * -low / (high - low))) if low < 0 else 0
    below = min(below, n - 2) if high > 0 else n - 1
    t = np.concatenate([np.linspace(low, 0.0, below + 1)[:-1], np.linspace(0.0, high, n - below)])
    xs, ys = x + t * u[0], y + t * u[1]
    values = np.broadcast_to(f(xs, ys), t.shape).astype(np.float64)
    values[~np.isfinite(values)] = np.nan
    # Probe for poles around the line only: steps along each axis in proportion to u.
    step = float(np.max(np.diff(t)))
    steps = (abs(step * u[0]), abs(step * u[1]))
    box = ((float(xs.min()), float(xs.max())), (float(ys.min()), float(ys.max())))
    values[pole_mask(f, xs, ys, values, steps, box)] = np.nan
    z0 = float(f(x, y))
    slope = float(np.dot(f.gradient(x, y), u))
    return DirectionalSlice(
        x0=x,
        y0=y,
        direction=u,
        t=t,
        x=xs,
        y=ys,
        values=values,
        point=(0.0, z0),
        slope=slope,
        tangent=z0 + slope * t,
    )


# Distances (as shares of the radius) at which approximation_errors measures the largest error.
ERROR_DISTANCES = (1.0, 0.5, 0.25, 0.125)
CIRCLE_SAMPLES = 72
# Below this many float64 roundings of the largest |f| nearby, a difference is rounding noise.
ROUNDING_FACTOR = 100


@dataclass(frozen=True, eq=False)
class ApproximationErrors:
    """How far f is from its tangent plane L and its quadratic Taylor polynomial Q near (x0, y0).

    `linear` = |f - L| and `quadratic` = |f - Q| on the square [x0 - r, x0 + r] x [y0 - r, y0 + r]
    (rows follow y, as in core.grid), NaN where f is undefined, all NaN where L (or Q) is.
    `distances` are ERROR_DISTANCES times r; `linear_max[k]` and `quadratic_max[k]` are the largest
    errors on the circle of radius distances[k] around the point (NaN where none is defined): near
    the point |f - L| shrinks like d^2 and |f - Q| like d^3 (or faster), so halving d divides
    them by about 4 and 8. Differences below `rounding` are float64 rounding noise."""

    x0: float
    y0: float
    radius: float
    x: np.ndarray
    y: np.ndarray
    linear: np.ndarray
    quadratic: np.ndarray
    linear_defined: bool
    quadratic_defined: bool
    distances: np.ndarray
    linear_max: np.ndarray
    quadratic_max: np.ndarray
    rounding: float

    def shrink(self, which: str) -> np.ndarray:
        """How many times smaller the largest error gets each time the distance halves
        (`which` is "linear" or "quadratic"); NaN where an error is rounding noise or undefined."""
        maxima = {"linear": self.linear_max, "quadratic": self.quadratic_max}[which]
        with np.errstate(all="ignore"):
            ratio = maxima[:-1] / maxima[1:]
            noisy = (maxima[:-1] <= self.rounding) | (maxima[1:] <= self.rounding)
        return np.where(noisy | ~np.isfinite(ratio), np.nan, ratio)

    def negligible(self, which: str) -> bool:
        """True when every defined error of `which` is rounding noise (f is itself linear, or
        quadratic, near the point)."""
        values = {"linear": self.linear, "quadratic": self.quadratic}[which]
        finite = values[np.isfinite(values)]
        return bool(finite.size) and bool(finite.max() <= self.rounding)


def _largest(values: np.ndarray) -> float:
    finite = values[np.isfinite(values)]
    return float(finite.max()) if finite.size else math.nan


def approximation_errors(f, x0, y0, radius, n: int = 81) -> ApproximationErrors:
    """|f - L| and |f - Q| on an n x n grid of the square of half-width `radius` around (x0, y0),
    and their largest values on circles ever closer to the point (see ApproximationErrors)."""
    x, y = _finite(x0, "x0"), _finite(y0, "y0")
    r = _finite(radius, "radius")
    if not r > 0:
        raise ValueError(f"radius must be positive, got {r}")
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or not 3 <= n <= 1000:
        raise ValueError(f"n must be a whole number between 3 and 1000, got {n!r}")
    check_window((x - r, x + r), (y - r, y + r))  # a radius lost in rounding cannot be drawn
    plane, quadratic = tangent_plane(f, x, y), taylor2(f, x, y)
    xs, ys = np.linspace(x - r, x + r, n), np.linspace(y - r, y + r, n)
    if n % 2:
        xs[n // 2], ys[n // 2] = x, y  # the centre sample is the point itself
    xx, yy = np.meshgrid(xs, ys)
    angles = np.linspace(0, 2 * np.pi, CIRCLE_SAMPLES, endpoint=False)
    distances = r * np.asarray(ERROR_DISTANCES)
    cx = x + distances[:, None] * np.cos(angles)
    cy = y + distances[:, None] * np.sin(angles)

    def errors(approximation, defined, px, py):
        value = np.broadcast_to(f(px, py), np.shape(px)).astype(np.float64)
        if not defined:
            return np.full(np.shape(px), np.nan), value
        with np.errstate(all="ignore"):
            error = np.abs(value - approximation(px, py))
        error[~np.isfinite(error)] = np.nan
        return error, value

    linear, values = errors(plane, plane.defined, xx, yy)
    quadratic_grid, _ = errors(quadratic, quadratic.defined, xx, yy)
    linear_circles, circle_values = errors(plane, plane.defined, cx, cy)
    quadratic_circles, _ = errors(quadratic, quadratic.defined, cx, cy)
    scale = np.abs(np.concatenate([values.ravel(), circle_values.ravel(), [plane.z0]]))
    scale = scale[np.isfinite(scale)]
    rounding = (
        ROUNDING_FACTOR * np.finfo(np.float64).eps * (float(scale.max()) if scale.size else 0.0)
    )
    return ApproximationErrors(
        x0=x,
        y0=y,
        radius=r,
        x=xs,
        y=ys,
        linear=linear,
        quadratic=quadratic_grid,
        linear_defined=plane.defined,
        quadratic_defined=quadratic.defined,
        distances=distances,
        linear_max=np.array([_largest(row) for row in linear_circles]),
        quadratic_max=np.array([_largest(row) for row in quadratic_circles]),
        rounding=rounding,
    )
