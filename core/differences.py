"""Finite differences: the seed's forward difference, better schemes, and why their error is a V.

Each scheme estimates a partial derivative f' along one variable v from a few values of f:

    forward       (f(v + h) - f(v)) / h                    truncation  |f''| h / 2
    backward      (f(v) - f(v - h)) / h                    truncation  |f''| h / 2
    central       D(h) = (f(v + h) - f(v - h)) / (2h)      truncation  |f'''| h^2 / 6
    richardson    (4 D(h/2) - D(h)) / 3                    truncation  |f^(5)| h^4 / 480
    complex-step  Im f(v + ih) / h                         truncation  |f'''| h^2 / 6

Truncation is what the Taylor series leaves out; it dominates for large h. For small h the
subtraction of two nearly equal values of f dominates: each carries a rounding error of about
eps |f|, and dividing by h magnifies it. Together: a V on a log-log plot of error against h.
Complex-step subtracts nothing, so it stays at machine precision for tiny h, but it needs f to be
analytic (a power series in v) at the point, and refuses with NotAnalyticError where it is not.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import sympy
from sympy.functions.elementary import hyperbolic, trigonometric

from .function import compile_numpy, parameter_symbols

if TYPE_CHECKING:
    from core.function import Function

ALL_SCHEMES = ("forward", "backward", "central", "richardson", "complex-step")
DEFAULT_H = {
    "forward": 1e-7,  # the seed article's step
    "backward": 1e-7,
    "central": 1e-5,  # near eps^(1/3), the bottom of central's V
    "richardson": 1e-3,  # near eps^(1/5)
    "complex-step": 1e-20,  # no subtraction, so no reason not to go tiny
}
SWEEP_H = 10.0 ** np.linspace(-1, -16, 61)
EPS = float(np.finfo(float).eps)

# (order k of the derivative, constant c, power p): truncation ~ c |f^(k)| h^p; two terms each.
_TRUNCATION = {
    "forward": ((2, 1 / 2, 1), (3, 1 / 6, 2)),
    "backward": ((2, 1 / 2, 1), (3, 1 / 6, 2)),
    "central": ((3, 1 / 6, 2), (5, 1 / 120, 4)),
    "richardson": ((5, 1 / 480, 4),),
    "complex-step": ((3, 1 / 6, 2), (5, 1 / 120, 4)),
}
# Round-off ~ c eps (|f| + |v f'|) / h: the rounded values of f, and of the rounded point v + h.
_ROUNDOFF = {"forward": 1.0, "backward": 1.0, "central": 0.5, "richardson": 1.5, "complex-step": 0}


class NotAnalyticError(ValueError):
    """Complex-step cannot be used at this point; the message says why."""


def finite_difference(
    f: Function, x: float, y: float, variable: str, h: float | None = None, scheme="forward"
) -> float:
    """Estimate df/d(variable) at (x, y). h defaults to DEFAULT_H[scheme].

    NaN where the estimate is not finite (f undefined there, or the point is not finite).
    ValueError for an unknown scheme or variable, or h that is not a finite positive number.
    NotAnalyticError (a ValueError) when complex-step is asked for where f is not analytic.
    """
    _check_choice(scheme, ALL_SCHEMES, "scheme")
    _check_choice(variable, ("x", "y"), "variable")
    if np.ndim(h) != 0:
        raise ValueError(f"the step h must be one number, got {h!r}")
    steps = _check_steps(DEFAULT_H[scheme] if h is None else h)
    return float(_estimate(f, float(x), float(y), variable, steps, scheme)[0])


def _check_choice(value, allowed, what):
    if value not in allowed:
        raise ValueError(f"unknown {what} {value!r}; choose one of {', '.join(allowed)}")


def _check_steps(h) -> np.ndarray:
    steps = np.atleast_1d(np.asarray(h, dtype=float))
    if steps.ndim != 1 or steps.size == 0 or not np.all(np.isfinite(steps) & (steps > 0)):
        raise ValueError(f"the step h must be a finite positive number, got {h!r}")
    return steps


def _estimate(f, x, y, variable, h, scheme) -> np.ndarray:
    """The scheme's estimate for each step in the array h; NaN where not finite."""
    if not (np.isfinite(x) and np.isfinite(y) and np.isfinite(f(x, y))):  # no point, or no f
        return np.full(h.shape, np.nan)
    v = x if variable == "x" else y

    def along(t):  # f along the variable, other coordinate held
        return f(t, y) if variable == "x" else f(x, t)

    def central(step):
        return (along(v + step) - along(v - step)) / (2 * step)

    with np.errstate(all="ignore"):
        if scheme == "forward":
            out = (along(v + h) - along(v)) / h
        elif scheme == "backward":
            out = (along(v) - along(v - h)) / h
        elif scheme == "central":
            out = central(h)
        elif scheme == "richardson":
            out = (4 * central(h / 2) - central(h)) / 3
        else:
            out = _complex_step(f, x, y, variable, h)
    out = np.broadcast_to(np.asarray(out, dtype=float), h.shape)
    return np.where(np.isfinite(out), out, np.nan)


# --- complex-step -------------------------------------------------------------------------------
# numpy's sin, exp, log, sqrt, arcsin, ... accept complex numbers (principal branches). Three
# primitives need help: abs and sign return real numbers for complex input, and arctan2 refuses
# complex input. Each is replaced by the analytic function it equals on the side of its kink where
# the point lies; _refuse_at_kinks has already checked that the point is not on a kink.


def _abs(u):
    return np.where(np.real(u) < 0, -u, u)


def _sign(u):
    return np.sign(np.real(u))


def _atan2(v, u):
    v, u = np.asarray(v, dtype=complex), np.asarray(u, dtype=complex)  # numpy: 1/0 is not an error
    ur, vr = u.real, v.real
    with np.errstate(all="ignore"):
        right, turn = np.arctan(v / u), np.arctan(u / v)
    on_cut = np.arctan2(vr, ur)  # constant there, as long as the step does not leave the cut
    return np.where(
        ur > 0,
        right,
        np.where(vr > 0, np.pi / 2 - turn, np.where(vr < 0, -np.pi / 2 - turn, on_cut)),
    )


_KINKED = {"Abs": _abs, "sign": _sign, "atan2": _atan2}
# The families numpy evaluates for complex input (principal branches), plus the three above.
_ANALYTIC = (
    sympy.Add,
    sympy.Mul,
    sympy.Pow,
    sympy.exp,
    sympy.log,
    trigonometric.TrigonometricFunction,
    trigonometric.InverseTrigonometricFunction,
    hyperbolic.HyperbolicFunction,
    hyperbolic.InverseHyperbolicFunction,
    sympy.Abs,
    sympy.sign,
)


@functools.lru_cache(maxsize=128)
def _complex_evaluator(expr: sympy.Expr):
    """(x, y, values) -> complex values of expr's analytic continuation, its parameters at
    `values` (core.Function.values). expr is a tree our parser built; compiled once, whatever the
    values."""
    parameters = parameter_symbols(expr)
    compiled = compile_numpy([expr], modules=(_KINKED, "numpy"), parameters=parameters)
    names = [symbol.name for symbol in parameters]

    def evaluate(x, y, values=None):
        return compiled(x, y, *(np.float64((values or {})[name]) for name in names))[0]

    return evaluate


def _complex_step(f, x, y, variable, h) -> np.ndarray:
    _refuse_unless_analytic(f, x, y, variable, float(f(x, y)))
    evaluate = _complex_evaluator(f.expr)
    point = (x + 1j * h, y) if variable == "x" else (x, y + 1j * h)
    return np.imag(evaluate(*point, f.values)) / h


def _refuse(reason):
    raise NotAnalyticError(f"complex-step cannot be used here: {reason}")


def _refuse_unless_analytic(f, x, y, variable, value):
    """Raise NotAnalyticError, with a reason a student can follow, where complex-step fails."""
    for node in sympy.preorder_traversal(f.expr):
        if not (node.is_Atom or isinstance(node, _ANALYTIC)):
            _refuse(f"{type(node).__name__}(...) has no extension to complex numbers")
    v = x if variable == "x" else y
    probe = (x + 1e-20j, y) if variable == "x" else (x, y + 1e-20j)
    _refuse_at_kinks(f.expr, probe, f"(x, y) = ({x:g}, {y:g})", f.values)
    nearby = max(1.0, abs(v)) * 4 * EPS
    sides = [f(v + s, y) if variable == "x" else f(x, v + s) for s in (-nearby, nearby)]
    if not np.all(np.isfinite(sides)):
        _refuse(
            f"f is defined at {variable} = {v:g} but not on both sides of it (an edge of its "
            "domain, like sqrt(u) at u = 0 or acos(u) at u = 1), so it has no analytic "
            "extension there, and its derivative may not exist"
        )
    stepped = complex(np.asarray(_complex_evaluator(f.expr)(*probe, f.values)))
    if not np.isfinite(stepped) or abs(stepped.real - value) > 1e-9 * max(1.0, abs(value)):
        _refuse(
            f"the complex extension of f does not agree with f at {variable} = {v:g} (it "
            "follows another branch, e.g. of a root of a negative number), so it would "
            "measure the slope of a different function"
        )


def _refuse_at_kinks(expr, probe, where, values):
    def show(u):
        text = str(u.args[0] if isinstance(u, sympy.Abs) else u).replace("**", "^")
        return f"|{text}|" if isinstance(u, sympy.Abs) else text

    def at_probe(u):
        return complex(np.asarray(_complex_evaluator(u)(*probe, values)))

    for node in expr.atoms(sympy.Abs, sympy.sign):
        u = at_probe(node.args[0])
        if u.real == 0 and u.imag != 0:  # on the kink, and the step moves u off it
            shape = "a corner" if isinstance(node, sympy.Abs) else "a jump"
            _refuse(
                f"{show(node)} has {shape} where {show(node.args[0])} = 0, and that happens at "
                f"{where}; no slope exists there"
            )
    for node in expr.atoms(sympy.atan2):
        b, a = (at_probe(arg) for arg in node.args)  # atan2(b, a) is the angle of (a, b)
        moves = b.imag != 0 or (a.real == 0 and a.imag != 0)
        if b.real == 0 and a.real <= 0 and moves:
            b_text, a_text = (show(arg) for arg in node.args)
            why = (
                f"it is undefined where {a_text} = {b_text} = 0"
                if a.real == 0
                else f"it jumps by 2 pi across the cut {b_text} = 0, {a_text} < 0"
            )
            _refuse(f"{show(node)} is an angle and {why}; {where} lies there")


# --- error versus h -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ErrorSweep:
    """Absolute error of each scheme against the exact derivative, for each step in h.

    errors[scheme] is NaN where the scheme was refused (see refused) or f is undefined.
    derivatives[k] is the exact k-th derivative along the variable at the point (k = 0..3, 5),
    which the error model uses; coordinate is the variable's value at the point.
    """

    variable: str
    h: np.ndarray
    exact: float
    errors: dict[str, np.ndarray]
    best_h: dict[str, float]
    best_error: dict[str, float]
    refused: dict[str, str]
    derivatives: dict[int, float]
    coordinate: float

    def truncation_error(self, scheme: str, h) -> np.ndarray:
        """What the Taylor series leaves out: dominant for large h."""
        h = np.asarray(h, dtype=float)
        total = np.zeros_like(h)
        for i, (k, c, p) in enumerate(_TRUNCATION[scheme]):
            size = abs(self.derivatives[k])
            if i == 0 or not np.isnan(size):  # skip a correction whose derivative is unknown
                total = total + c * size * h**p
        return total

    def roundoff_error(self, scheme: str, h) -> np.ndarray:
        """Rounding of f's values (and of v + h), divided by h: dominant for small h.
        Complex-step subtracts nothing: only the rounding of its answer, eps |f'| / 2."""
        h = np.asarray(h, dtype=float)
        d = self.derivatives
        subtraction = _ROUNDOFF[scheme] * EPS * (abs(d[0]) + abs(self.coordinate * d[1])) / h
        return subtraction + EPS * abs(d[1]) / 2

    def predicted_error(self, scheme: str, h) -> np.ndarray:
        """The model that explains the V: truncation + round-off."""
        return self.truncation_error(scheme, h) + self.roundoff_error(scheme, h)

    def predicted_best_h(self, scheme: str) -> float:
        """Where the model's leading truncation term a h^p meets round-off b / h, clipped to the
        swept range: minimising a h^p + b / h gives h = (b / (p a))^(1 / (p + 1)). Complex-step
        has no b / h; its best h is where truncation falls below machine precision (any smaller
        h is as good). With no truncation at all (a = 0) the largest h is best."""
        k, c, p = _TRUNCATION[scheme][0]
        a, d = c * abs(self.derivatives[k]), self.derivatives
        if np.isnan(a) or np.isnan(d[0]) or np.isnan(d[1]):
            return np.nan  # the model needs the exact derivatives, and they are not known here
        if scheme == "complex-step":
            best = (EPS * abs(d[1]) / 2 / a) ** (1 / p) if a > 0 else np.inf
        else:
            b = _ROUNDOFF[scheme] * EPS * (abs(d[0]) + abs(self.coordinate * d[1]))
            best = (b / (p * a)) ** (1 / (p + 1)) if a > 0 else np.inf
        return float(np.clip(best, self.h.min(), self.h.max()))


def error_sweep(
    f: Function, x: float, y: float, variable: str, hs=None, schemes=ALL_SCHEMES
) -> ErrorSweep:
    """Run each scheme over the steps hs (default SWEEP_H: 1e-1 down to 1e-16) at (x, y)."""
    _check_choice(variable, ("x", "y"), "variable")
    for scheme in schemes:
        _check_choice(scheme, ALL_SCHEMES, "scheme")
    h = _check_steps(SWEEP_H if hs is None else hs)
    x, y = float(x), float(y)
    derivatives = {k: _exact(f, x, y, variable, k) for k in (0, 1, 2, 3, 5)}
    errors, refused = {}, {}
    for scheme in schemes:
        try:
            errors[scheme] = np.abs(_estimate(f, x, y, variable, h, scheme) - derivatives[1])
        except NotAnalyticError as reason:
            errors[scheme], refused[scheme] = np.full(h.shape, np.nan), str(reason)
    best = {s: int(np.nanargmin(e)) for s, e in errors.items() if not np.all(np.isnan(e))}
    return ErrorSweep(
        variable=variable,
        h=h,
        exact=derivatives[1],
        errors=errors,
        best_h={s: float(h[best[s]]) if s in best else np.nan for s in errors},
        best_error={s: float(errors[s][best[s]]) if s in best else np.nan for s in errors},
        refused=refused,
        derivatives=derivatives,
        coordinate=x if variable == "x" else y,
    )


def _exact(f, x, y, variable, order) -> float:
    """The exact order-th derivative along the variable (NaN if undefined or too large to build)."""
    if order == 0:
        return float(f(x, y))
    try:
        return float(f.derivative_function(*[variable] * order)(x, y))
    except ValueError:  # e.g. the derivative tree is over the size limit
        return np.nan


@dataclass(frozen=True)
class Estimate:
    """One scheme at its usual step: its estimate, the exact value and the errors (NaN where
    undefined); `refused` says why complex-step cannot be used here (None otherwise)."""

    scheme: str
    h: float
    value: float
    exact: float
    error: float
    relative: float
    refused: str | None = None


def estimates(
    f, x: float, y: float, variable: str, exact: float, schemes=ALL_SCHEMES
) -> list[Estimate]:
    """Each scheme at its usual step DEFAULT_H[scheme] against `exact` (the true partial), in
    the order of `schemes`. Complex-step where f is not analytic gives a row with `refused`."""
    rows = []
    for scheme in schemes:
        h = DEFAULT_H[scheme]
        try:
            value = finite_difference(f, x, y, variable, h=h, scheme=scheme)
        except NotAnalyticError as reason:
            rows.append(Estimate(scheme, h, math.nan, exact, math.nan, math.nan, str(reason)))
            continue
        error = abs(value - exact)
        relative = error / abs(exact) if exact != 0 else math.nan
        rows.append(Estimate(scheme, h, value, exact, error, relative))
    return rows
