"""core.Function: a formula in x and y, its exact derivatives, and fast numeric evaluation.

A formula may carry parameters (`a x^2 + b y^2`; the names are core.parse.PARAMETERS). They stay
symbolic in every derivative (d/dx is 2 a x) and are numbers only when evaluating: the numpy code
is compiled once per formula with the parameters as extra arguments, and `bind` makes a Function
with other values without any SymPy work (a slider moved costs numpy time only).
"""

from __future__ import annotations

import contextlib
import copy
import functools
import marshal
import math
import types
from collections.abc import Callable, Mapping, Sequence

import numpy as np
import sympy
from sympy.printing.numpy import NumPyPrinter

from ._worker import shared_worker
from .parse import PARAMETERS, X, Y, parse, to_latex, to_text
from .symbolic import SYMBOLS, without_reciprocal_trig

# Integers beyond float64's exact range would reach numpy as Python ints, which it cannot convert.
_EXACT_FLOAT_LIMIT = 2**53
PREPARE_SECONDS = 1.2
# lambdify's printing of what `prepare` returned, in the worker: bounded by
# core.symbolic.MAX_COMPILED_NODES (about a second at most, measured in the server before).
CODE_SECONDS = 3.0
# What a parameter is worth when nobody gave it a value (the sliders' default too).
DEFAULT_PARAMETER_VALUE = 1.0
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
# x^3 .. x^MAX_MULTIPLIED_POWER are computed by multiplying: numpy squares fast but sends every
# other integer power through C's pow, about 45 ns an element here (y^3 was 95% of f's time for
# `x^2 y + y^3` on a 100 x 100 grid: 460 us against 25 us multiplied).
MAX_MULTIPLIED_POWER = 16


def integer_power(base, exponent: int):
    """base ** exponent for an integer exponent >= 2, by repeated squaring: a few ulps from C's
    pow at most (one rounding per multiplication), and an intermediate over- or underflows only
    where the result does (each is between base and the result in magnitude)."""
    result, square = None, base
    while True:
        if exponent & 1:
            result = square if result is None else result * square
        exponent >>= 1
        if not exponent:
            return result
        square = square * square


class _NumPyPrinter(NumPyPrinter):
    """lambdify's numpy printer, with small positive integer powers as integer_power calls."""

    def _print_Pow(self, expr, rational=False):
        exponent = expr.exp
        if exponent.is_Integer and 3 <= int(exponent) <= MAX_MULTIPLIED_POWER:
            return f"integer_power({self._print(expr.base)}, {int(exponent)})"
        return super()._print_Pow(expr, rational=rational)


def compile_numpy(exprs: Sequence[sympy.Expr], modules=("numpy",), parameters=()) -> Callable:
    """A numpy function of (x, y, *parameters) returning one array per expression (shared
    subexpressions once); `parameters` are SymPy symbols, passed as numbers when called.

    Only ever called on trees built by core.parse, never on user text, and best on the numeric
    forms the worker prepares (core.symbolic.numeric_forms: constants folded, kinks resolved),
    which compile in bounded time. `modules` goes to sympy.lambdify (core.differences puts its
    complex-step stand-ins first).
    """
    numeric = [_numeric_form(expr) for expr in exprs]
    own = {**KINK_FUNCTIONS, "integer_power": integer_power}
    modules = [own, *modules]
    named = [module for module in modules if isinstance(module, dict)]
    user_functions = {name: name for module in named for name in module}
    # The settings lambdify gives the printer it picks itself (sympy.utilities.lambdify).
    printer = _NumPyPrinter(
        {
            "fully_qualified_modules": False,
            "inline": True,
            "allow_unknown_functions": True,
            "user_functions": user_functions,
        }
    )
    # lambdify renames a symbol that is no Python name (lambda) to a dummy argument itself.
    arguments = (X, Y, *parameters)
    return sympy.lambdify(
        arguments, numeric, modules=modules, cse=len(numeric) > 1, printer=printer
    )


def numpy_code(expr: sympy.Expr, forms: Sequence[sympy.Expr]) -> tuple[bytes, bytes, bytes]:
    """The code objects lambdify compiles for f, its gradient and its Hessian (as _Compiled
    compiles them), marshalled: the worker's task, so that SymPy's cse and printing of a large
    formula (up to a second) do not hold the interpreter every session of the server shares."""
    parameters = parameter_symbols(expr)
    value, fx, fy, fxx, fxy, fyy = forms
    mask = [] if is_polynomial(expr) else [value]
    groups = ([value], [*mask, fx, fy], [*mask, fxx, fxy, fyy])
    return tuple(marshal.dumps(compile_numpy(g, parameters=parameters).__code__) for g in groups)


@functools.cache
def _lambdify_namespace() -> dict:
    """The globals lambdify gives a function compiled by compile_numpy (numpy's names, the kink
    functions): the same for every formula, so built once."""
    return dict(compile_numpy([X]).__globals__)


def from_code(data: bytes) -> Callable:
    """The numpy function of a code object from numpy_code, with lambdify's own globals; raises
    ValueError if the code names anything those globals lack or holds code of its own.

    The code is what lambdify compiled in the worker (the same interpreter) from core's own trees,
    never from the person's text: the very function lambdify would have made here."""
    code = marshal.loads(data)
    namespace = dict(_lambdify_namespace())
    if not isinstance(code, types.CodeType):
        raise ValueError("not a code object")
    if any(isinstance(each, types.CodeType) for each in code.co_consts):
        raise ValueError("the code holds code of its own")
    if missing := set(code.co_names) - set(namespace):
        raise ValueError(f"the code names {sorted(missing)}")
    return types.FunctionType(code, namespace, code.co_name)


def parameter_symbols(*exprs: sympy.Expr) -> tuple[sympy.Symbol, ...]:
    """The parameters (core.parse.PARAMETERS) in the expressions, sorted by name."""
    found = set().union(*(expr.free_symbols for expr in exprs)) if exprs else set()
    return tuple(sorted((s for s in found if PARAMETERS.get(s.name) == s), key=lambda s: s.name))


def is_polynomial(expr: sympy.Expr) -> bool:
    """Polynomial in x, y and every parameter: defined for every value, so its derivatives need
    no mask from f (x^2 + sqrt(a) is not: for a < 0 f is undefined while 2x is not)."""
    return bool(expr.is_polynomial(X, Y, *parameter_symbols(expr)))


# Functions continuous and bounded near every point of their domain: no pole (tan, sec, csc,
# cot, log, atanh have one), no growth that overflows like one (exp, sinh, cosh: e^(x y) reaches
# float64's limit inside a window) and no jump (sign, atan2: a lone value at a jump, such as
# atan2(0, 0) = 0 among pi/4, is cut by the search as a spike). Those the search decides.
_BOUNDED_NEAR_EVERY_POINT = (
    sympy.sin,
    sympy.cos,
    sympy.atan,
    sympy.tanh,
    sympy.asin,
    sympy.acos,
    sympy.asinh,
    sympy.acosh,
    sympy.Abs,
)


def is_pole_free(expr: sympy.Expr) -> bool:
    """Whether no value of x, y and the parameters can be a pole of `expr`: near every point it
    is bounded, so core.grid need not search for poles (a quantile pass over every value, which
    a new parameter value paid on every grid). Conservative: True only for trees of numbers,
    x, y, parameters, sums, products, powers by a positive constant (x^3, sqrt, x^(3/2)) and the
    continuous functions above; anything that divides by what varies (1/(1 + x^2) included)
    is False."""
    stack = [expr]
    while stack:
        node = stack.pop()
        if not node.free_symbols:  # a constant (core.parse refused the infinite and the huge)
            if node.has(sympy.zoo, sympy.oo, -sympy.oo, sympy.nan):
                return False
        elif node.is_Symbol or node.is_Add or node.is_Mul:
            stack.extend(node.args)
        elif node.is_Pow:
            base, exponent = node.args
            if not (exponent.is_Number and exponent.is_positive):
                return False
            stack.append(base)
        elif isinstance(node, _BOUNDED_NEAR_EVERY_POINT):
            stack.extend(node.args)
        else:
            return False
    return True


def numeric_forms(expr, derivatives, keys) -> list[sympy.Expr]:
    """core.symbolic.numeric_forms, run in the worker (its SymPy work is bounded there): the
    trees to compile for `expr` (key ()) and its derivatives at `keys`."""
    return shared_worker().run("numeric", expr, derivatives, list(keys))


def _as_float_arrays(x, y) -> tuple[np.ndarray, np.ndarray, tuple[int, ...]]:
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    return x, y, np.broadcast_shapes(x.shape, y.shape)


def _evaluate(
    compiled: Callable, x, y, layout: tuple[tuple[int, ...], ...], values: tuple[float, ...] = ()
) -> np.ndarray:
    """Evaluate `compiled` and place its outputs at `layout` indices of a float64 array, with NaN
    wherever a value is not finite, and constant outputs broadcast to the input shape.

    When `compiled` returns one output more than `layout` has places, that first output is f
    itself: a derivative only exists where f is defined, so it masks the others."""
    x, y, shape = _as_float_arrays(x, y)
    with np.errstate(all="ignore"):
        outputs = compiled(x, y, *values)
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

    With parameters: `Function("a x^2 + b y^2", parameters={"a": 1.0, "b": -1.0})`, or
    `Function("a x^2 + b y^2").bind(b=-1.0)`. A parameter nobody gave a value is
    DEFAULT_PARAMETER_VALUE; values for names the formula does not hold are ignored (a page can
    pass every slider it has). `parameters` lists the names found, sorted; `values` maps each to
    its float. Derivatives keep the parameters symbolic (d/dx of a x^2 is 2 a x); evaluation
    uses the values.

    Parsing, differentiation and compilation happen once per distinct text (cached), whatever the
    values: binding new ones does no SymPy work. The price: the numbers come from the general
    formula, so at a value where it is 0/0 (x / sqrt(a^2 + x^2) at a = 0, x = 0) a derivative is
    NaN even where the formula with that value typed in (|x|) has a one-sided answer. The
    symbolic work runs in a killable worker process, so no input can hold the caller for long.
    """

    def __init__(self, text: str, parameters: Mapping[str, float] | None = None):
        compiled = _compile(text)
        self.text = text
        self.expr: sympy.Expr = compiled.expr
        self._compiled = compiled
        self.parameters: tuple[str, ...] = tuple(s.name for s in compiled.parameters)
        self.values: dict[str, float] = self._checked_values(parameters or {})
        self._arguments = self._numpy_values()

    def _checked_values(self, given: Mapping[str, float]) -> dict[str, float]:
        for name in given:
            if name not in PARAMETERS:
                raise ValueError(f"{name!r} is not a parameter name")
        values = {}
        for name in self.parameters:
            value = float(given.get(name, DEFAULT_PARAMETER_VALUE))
            if not math.isfinite(value):
                raise ValueError(f"the parameter {name} must be a finite number, not {value}")
            values[name] = value
        return values

    def _numpy_values(self) -> tuple[np.float64, ...]:
        # numpy scalars, not Python floats: (a + 9)^387420489 must overflow to inf as numpy
        # does (then NaN), where a Python float raises OverflowError.
        return tuple(np.float64(self.values[name]) for name in self.parameters)

    def bind(self, values: Mapping[str, float] | None = None, /, **more: float) -> Function:
        """The same formula with other parameter values (the rest keep theirs): no SymPy work,
        no compiling; the new Function shares every compiled function with this one."""
        bound = copy.copy(self)
        bound.values = self._checked_values({**self.values, **(values or {}), **more})
        bound._arguments = bound._numpy_values()
        return bound

    def __repr__(self) -> str:
        if not self.parameters:
            return f"Function({self.text!r})"
        return f"Function({self.text!r}, parameters={self.values!r})"

    # Printed once per formula and shared by every binding (a slider moved prints nothing: the
    # printing is SymPy work, 0.3 to 1 ms a formula, and a page asks for both on every run).
    @property
    def latex(self) -> str:
        """The formula's LaTeX, parameters as letters (a x^2, not 1.0 x^2)."""
        return self._compiled.printed("latex", to_latex)

    @property
    def canonical_text(self) -> str:
        """Text that parses back to the same expression (parameters as names, not values)."""
        return self._compiled.printed("text", to_text)

    @property
    def cache_key(self) -> str:
        """What identifies this Function's numbers in a cache or a link: the canonical text and,
        when there are parameters, their values (exact: repr of the floats)."""
        if not self.parameters:
            return self.canonical_text
        values = ", ".join(f"{name}={self.values[name]!r}" for name in self.parameters)
        return f"{self.canonical_text} with {values}"

    @property
    def pole_free(self) -> bool:
        """True when the formula cannot have a pole for any values (is_pole_free): known once
        per formula, shared by every binding."""
        return self._compiled.pole_free

    def derivative(self, *variables: str) -> sympy.Expr:
        """The exact partial derivative, e.g. derivative("x") or derivative("x", "y"), with the
        parameters symbolic (the values never enter SymPy)."""
        if not variables:
            return self.expr
        for variable in variables:
            if variable not in SYMBOLS:
                raise ValueError(f"variables are 'x' and 'y', not {variable!r}")
        key = tuple(variables)
        derivatives = self._compiled.derivatives  # shared by every binding of the formula
        if key not in derivatives:
            *lower, last = key
            start = self.derivative(*lower)
            derivatives[key] = shared_worker().run("differentiate", start, (last,))
        return derivatives[key]

    def derivative_function(self, *variables: str) -> Callable[[object, object], np.ndarray]:
        """Numpy function (x, y) -> float64 of the given partial derivative, NaN where undefined."""
        key = tuple(variables)
        functions = self._compiled.derivative_functions
        if key not in functions:
            prefixes = {key[:k]: self.derivative(*key[:k]) for k in range(1, len(key) + 1)}
            forms = numeric_forms(self.expr, prefixes, [(), key])
            functions[key] = compile_numpy(forms, parameters=self._compiled.parameters)
        return functools.partial(_evaluate, functions[key], layout=_VALUE, values=self._arguments)

    def numeric_forms(self) -> list[sympy.Expr]:
        """The trees compiled for f, fx, fy, fxx, fxy, fyy (in that order): kinks resolved,
        sec/csc/cot as reciprocals, constants folded (core.symbolic.numeric_forms), parameters
        symbolic. Whatever evaluates f elsewhere (core.javascript) prints these, so it follows
        numpy."""
        return list(self._compiled.forms)

    def bound(self, *exprs: sympy.Expr) -> list[sympy.Expr]:
        """The expressions with the parameters' values put in, as exact decimals (0.1 is 1/10),
        for SymPy work at one point or one set of values (core.critical, core.geometry). That IS
        SymPy work (a substitution can make SymPy evaluate (a + 9)^(9^9)): it runs in the worker,
        under its time limit. Without parameters, the expressions as they are."""
        if not self.parameters:
            return list(exprs)
        return shared_worker().run("bind", list(exprs), self.values)

    def __call__(self, x, y) -> np.ndarray:
        return _evaluate(self._compiled.value, x, y, _VALUE, self._arguments)

    def gradient(self, x, y) -> np.ndarray:
        """Shape (..., 2): [df/dx, df/dy]."""
        return _evaluate(self._compiled.gradient, x, y, _GRADIENT, self._arguments)

    def hessian(self, x, y) -> np.ndarray:
        """Shape (..., 2, 2): [[fxx, fxy], [fxy, fyy]]."""
        result = _evaluate(self._compiled.hessian, x, y, _HESSIAN, self._arguments)
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
        outputs = self._compiled.gradient(x, y, *self._arguments)
        gradient = np.empty_like(points)
        gradient[:, 0], gradient[:, 1] = outputs[-2:]
        second = None
        if hessian:
            second = np.empty((len(points), 2, 2))
            hessians = self._compiled.hessian(x, y, *self._arguments)
            second[:, 0, 0], second[:, 0, 1], second[:, 1, 1] = hessians[-3:]
            second[:, 1, 0] = second[:, 0, 1]
        # A non-polynomial f's compiled derivatives return f first: it masks the rest.
        if len(outputs) > 2 and not math.isfinite(np.sum(outputs[0])):
            undefined = ~np.isfinite(np.broadcast_to(outputs[0], x.shape))
            gradient[undefined] = np.nan
            if second is not None:
                second[undefined] = np.nan
        return gradient, second


class _Compiled:
    """One formula's symbolic results and numpy functions, shared by every binding of it."""

    __slots__ = (
        "derivative_functions",
        "derivatives",
        "expr",
        "forms",
        "gradient",
        "hessian",
        "parameters",
        "pole_free",
        "texts",
        "value",
    )

    def __init__(self, expr, derivatives, forms, codes=None):
        self.expr = expr
        self.texts: dict[str, str] = {}
        self.derivatives = dict(derivatives)
        self.derivative_functions: dict[tuple[str, ...], Callable] = {}
        self.forms = tuple(forms)
        self.parameters = parameter_symbols(expr)
        self.pole_free = is_pole_free(expr)
        if codes is not None:  # compiled by lambdify in the worker (numpy_code)
            with contextlib.suppress(ValueError, EOFError, TypeError):
                self.value, self.gradient, self.hessian = map(from_code, codes)
                return
        value, fx, fy, fxx, fxy, fyy = forms  # core.symbolic.EVERY_FORM
        self.value = compile_numpy([value], parameters=self.parameters)
        # A polynomial is defined everywhere, so its derivatives need no mask from f (and skip
        # evaluating f: a third of the work for a gradient).
        mask = [] if is_polynomial(expr) else [value]
        self.gradient = compile_numpy([*mask, fx, fy], parameters=self.parameters)
        self.hessian = compile_numpy([*mask, fxx, fxy, fyy], parameters=self.parameters)

    def printed(self, kind: str, printer: Callable[[sympy.Expr], str]) -> str:
        """The formula printed by `printer`, once (two threads may both print it: same text)."""
        text = self.texts.get(kind)
        if text is None:
            text = self.texts[kind] = printer(self.expr)
        return text


@functools.lru_cache(maxsize=256)
def _compile(text: str) -> _Compiled:
    parse(text)  # syntax errors are found here, in-process, without a round trip to the worker
    # The worker's part of the build gets PREPARE_SECONDS; compiling what it returns is bounded
    # by core.symbolic.MAX_COMPILED_NODES: together about 2 s at most.
    expr, derivatives, forms = shared_worker().run("prepare", text, timeout=PREPARE_SECONDS)
    codes = shared_worker().run("numpy_code", expr, forms, timeout=CODE_SECONDS)
    return _Compiled(expr, derivatives, forms, codes)
