"""core.Function: a formula in x and y, its exact derivatives, and fast numeric evaluation."""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence

import numpy as np
import sympy

from ._worker import shared_worker
from .parse import X, Y, parse, to_latex, to_text
from .symbolic import SYMBOLS, without_reciprocal_trig

# Integers beyond float64's exact range would reach numpy as Python ints, which it cannot convert.
_EXACT_FLOAT_LIMIT = 2**53
PREPARE_SECONDS = 1.2
# At a kink, the one-sided limits of a derivative count as equal within this (relative) slack.
KINK_TOLERANCE = 1e-9


def _numeric_form(expr: sympy.Expr) -> sympy.Expr:
    expr = without_reciprocal_trig(expr)  # for trees compiled directly (core.differences)
    big = {
        number: sympy.Float(number, 17)
        for number in expr.atoms(sympy.Rational)
        if abs(number.p) > _EXACT_FLOAT_LIMIT or number.q > _EXACT_FLOAT_LIMIT
    }
    return expr.xreplace(big) if big else expr


def _kink_side(u, du, d2u):
    return np.where(u != 0, np.sign(u), np.where(du != 0, np.sign(du), np.sign(d2u)))


def _close(a, b):
    return np.abs(a - b) <= KINK_TOLERANCE * (np.abs(a) + np.abs(b)) + 1e-300


def _kink_value(d_right, d_left, g_right, g_left, g):
    exists = _close(d_right, d_left) & _close(g_right, g_left) & _close(g_right, g)
    return np.where(exists, d_right, np.nan)


# The numpy side of core.symbolic.KinkSide and KinkValue.
KINK_FUNCTIONS = {"KinkSide": _kink_side, "KinkValue": _kink_value}


def compile_numpy(exprs: Sequence[sympy.Expr], modules=("numpy",)) -> Callable:
    """A numpy function of (x, y) returning one array per expression (shared subexpressions once).

    Only ever called on trees built by core.parse, never on user text, and best on the numeric
    forms the worker prepares (core.symbolic.numeric_forms: constants folded, kinks resolved),
    which compile in bounded time. `modules` goes to sympy.lambdify (core.differences puts its
    complex-step stand-ins first).
    """
    numeric = [_numeric_form(expr) for expr in exprs]
    modules = [KINK_FUNCTIONS, *modules]
    return sympy.lambdify((X, Y), numeric, modules=modules, cse=len(numeric) > 1)


def numeric_forms(expr, derivatives, keys) -> list[sympy.Expr]:
    """core.symbolic.numeric_forms, run in the worker (its SymPy work is bounded there): the
    trees to compile for `expr` (key ()) and its derivatives at `keys`."""
    return shared_worker().run("numeric", expr, derivatives, list(keys))


def _as_float_arrays(x, y) -> tuple[np.ndarray, np.ndarray, tuple[int, ...]]:
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    return x, y, np.broadcast_shapes(x.shape, y.shape)


def _evaluate(compiled: Callable, x, y, layout: tuple[tuple[int, ...], ...]) -> np.ndarray:
    """Evaluate `compiled` and place its outputs at `layout` indices of a float64 array, with NaN
    wherever a value is not finite, and constant outputs broadcast to the input shape.

    When `compiled` returns one output more than `layout` has places, that first output is f
    itself: a derivative only exists where f is defined, so it masks the others."""
    x, y, shape = _as_float_arrays(x, y)
    with np.errstate(all="ignore"):
        outputs = compiled(x, y)
    trailing = tuple(max(index[axis] for index in layout) + 1 for axis in range(len(layout[0])))
    result = np.empty(shape + trailing)
    for index, output in zip(layout, outputs[len(outputs) - len(layout) :], strict=True):
        result[(..., *index)] = output
    np.copyto(result, np.nan, where=~np.isfinite(result))
    if len(outputs) > len(layout):
        undefined = ~np.isfinite(np.broadcast_to(outputs[0], shape))
        np.copyto(result, np.nan, where=undefined.reshape(shape + (1,) * len(trailing)))
    return result if result.ndim else np.float64(result)


_VALUE = ((),)
_GRADIENT = ((0,), (1,))
_HESSIAN = ((0, 0), (0, 1), (1, 1))


class Function:
    """f(x, y) from text: `Function("x^2 y + sin(x y)")`.

    Parsing, differentiation and compilation happen once per distinct text (cached). The symbolic
    work runs in a killable worker process, so no input can hold the caller for long.
    """

    def __init__(self, text: str):
        compiled = _compile(text)
        self.text = text
        self.expr: sympy.Expr = compiled.expr
        self._derivatives: dict[tuple[str, ...], sympy.Expr] = dict(compiled.derivatives)
        self._value = compiled.value
        self._gradient = compiled.gradient
        self._hessian = compiled.hessian
        self._forms: tuple[sympy.Expr, ...] = compiled.forms
        self._derivative_functions: dict[tuple[str, ...], Callable] = {}

    def __repr__(self) -> str:
        return f"Function({self.text!r})"

    @functools.cached_property
    def latex(self) -> str:
        return to_latex(self.expr)

    @functools.cached_property
    def canonical_text(self) -> str:
        """Text that parses back to the same expression: a stable key for caches and links."""
        return to_text(self.expr)

    def derivative(self, *variables: str) -> sympy.Expr:
        """The exact partial derivative, e.g. derivative("x") or derivative("x", "y")."""
        if not variables:
            return self.expr
        for variable in variables:
            if variable not in SYMBOLS:
                raise ValueError(f"variables are 'x' and 'y', not {variable!r}")
        key = tuple(variables)
        if key not in self._derivatives:
            *lower, last = key
            start = self.derivative(*lower)
            self._derivatives[key] = shared_worker().run("differentiate", start, (last,))
        return self._derivatives[key]

    def derivative_function(self, *variables: str) -> Callable[[object, object], np.ndarray]:
        """Numpy function (x, y) -> float64 of the given partial derivative, NaN where undefined."""
        key = tuple(variables)
        if key not in self._derivative_functions:
            prefixes = {key[:k]: self.derivative(*key[:k]) for k in range(1, len(key) + 1)}
            compiled = compile_numpy(numeric_forms(self.expr, prefixes, [(), key]))
            self._derivative_functions[key] = functools.partial(_evaluate, compiled, layout=_VALUE)
        return self._derivative_functions[key]

    def numeric_forms(self) -> list[sympy.Expr]:
        """The trees compiled for f, fx, fy, fxx, fxy, fyy (in that order): kinks resolved,
        sec/csc/cot as reciprocals, constants folded (core.symbolic.numeric_forms). Whatever
        evaluates f elsewhere (core.javascript) prints these, so it follows numpy."""
        return list(self._forms)

    def __call__(self, x, y) -> np.ndarray:
        return _evaluate(self._value, x, y, _VALUE)

    def gradient(self, x, y) -> np.ndarray:
        """Shape (..., 2): [df/dx, df/dy]."""
        return _evaluate(self._gradient, x, y, _GRADIENT)

    def hessian(self, x, y) -> np.ndarray:
        """Shape (..., 2, 2): [[fxx, fxy], [fxy, fyy]]."""
        result = _evaluate(self._hessian, x, y, _HESSIAN)
        result[..., 1, 0] = result[..., 0, 1]
        return result

    def local_derivatives(
        self, points: np.ndarray, hessian: bool = False
    ) -> tuple[np.ndarray, np.ndarray | None]:
        """The gradient (n, 2), and the Hessian (n, 2, 2) when `hessian`, at float64 points (n, 2):
        the fast path for loops that call it thousands of times (core.descent).

        The same numbers as gradient() and hessian(), from the same compiled functions, without
        their per-call conversions and errstate (the caller runs inside its own
        np.errstate). Where f is undefined both are NaN; other non-finite entries stay as they
        come (inf is not turned into NaN), which a loop that treats both alike can skip paying for.
        """
        x, y = points[:, 0], points[:, 1]
        outputs = self._gradient(x, y)
        gradient = np.empty_like(points)
        gradient[:, 0], gradient[:, 1] = outputs[-2:]
        second = None
        if hessian:
            second = np.empty((len(points), 2, 2))
            second[:, 0, 0], second[:, 0, 1], second[:, 1, 1] = self._hessian(x, y)[-3:]
            second[:, 1, 0] = second[:, 0, 1]
        # A non-polynomial f's compiled derivatives return f first: it masks the rest.
        if len(outputs) > 2 and not math.isfinite(np.sum(outputs[0])):
            undefined = ~np.isfinite(np.broadcast_to(outputs[0], x.shape))
            gradient[undefined] = np.nan
            if second is not None:
                second[undefined] = np.nan
        return gradient, second


class _Compiled:
    __slots__ = ("derivatives", "expr", "forms", "gradient", "hessian", "value")

    def __init__(self, expr, derivatives, forms):
        self.expr = expr
        self.derivatives = derivatives
        self.forms = tuple(forms)
        value, fx, fy, fxx, fxy, fyy = forms  # core.symbolic.EVERY_FORM
        self.value = compile_numpy([value])
        # A polynomial is defined everywhere, so its derivatives need no mask from f (and skip
        # evaluating f: a third of the work for a gradient).
        mask = [] if expr.is_polynomial(X, Y) else [value]
        self.gradient = compile_numpy([*mask, fx, fy])
        self.hessian = compile_numpy([*mask, fxx, fxy, fyy])


@functools.lru_cache(maxsize=256)
def _compile(text: str) -> _Compiled:
    parse(text)  # syntax errors are found here, in-process, without a round trip to the worker
    # The worker's part of the build gets PREPARE_SECONDS; compiling what it returns is bounded
    # by core.symbolic.MAX_COMPILED_NODES: together about 2 s at most.
    expr, derivatives, forms = shared_worker().run("prepare", text, timeout=PREPARE_SECONDS)
    return _Compiled(expr, derivatives, forms)
