"""The symbolic work on a formula: SymPy tree and derivatives, with size limits.

These functions are what the worker process runs (core._worker), because SymPy's automatic
simplification and differentiation have no time bound of their own.
"""

from __future__ import annotations

import numpy as np
import sympy

from .parse import PARAMETERS, ExpressionError, X, Y, parse, to_sympy

SYMBOLS = {"x": X, "y": Y}
# A derivative bigger than this is unreadable and slow to compile; refuse it with a reason.
MAX_DERIVATIVE_NODES = 6000
# What gets compiled for numpy (f and its derivatives, kinks resolved) is bounded too: compiling
# costs about 20 microseconds per part, in the caller's process, where no time limit reaches.
MAX_COMPILED_NODES = 30000
# Built eagerly with every Function: enough for the gradient and the Hessian.
FIRST_AND_SECOND = (("x",), ("y",), ("x", "x"), ("x", "y"), ("y", "y"))


def node_count(expr: sympy.Basic) -> int:
    return sum(1 for _ in sympy.preorder_traversal(expr))


class _RealAbs(sympy.Function):
    """|u| while differentiating: d|u| = sign(u) du, for any u."""

    nargs = 1

    def fdiff(self, argindex=1):
        return sympy.sign(self.args[0])


class _RealSign(sympy.Function):
    """sign(u) while differentiating: d sign(u) = 0 (2 DiracDelta(u) du, 0 wherever u != 0)."""

    nargs = 1

    def fdiff(self, argindex=1):
        return sympy.S.Zero


def real_diff(expr: sympy.Expr, variable: sympy.Symbol) -> sympy.Expr:
    """d expr / d variable for a real function: every part of f is real wherever f is defined
    (core evaluates in float64: a part that leaves the reals makes f NaN there).

    SymPy differentiates |u| as sign(u) u' only when it can prove u real; for sqrt(x), asin(x),
    x^y it goes through re(u) and im(u) and leaves Derivative(re(u), x), which no printer can
    compile; for sign(u) it leaves Derivative(sign(u), x). Here d|u| = sign(u) u' always, exact
    wherever u != 0, and d sign(u) = 0 wherever u != 0. Where u = 0 the derivative may or may not
    exist (x|x| has one at 0, |x| has none): that is decided numerically from the one-sided limits
    (kink_aware below), never by rewriting sign(u) as u/|u|, which turns x sign(x) into 0/0 at
    the very point it exists."""
    stand_in = expr.replace(sympy.Abs, _RealAbs).replace(sympy.sign, _RealSign)
    derivative = sympy.diff(stand_in, variable)
    return derivative.replace(_RealAbs, sympy.Abs).replace(_RealSign, sympy.sign)


def _derivative_step(expr: sympy.Expr, variable: str) -> sympy.Expr:
    return real_diff(expr, SYMBOLS[variable])


def differentiate(expr: sympy.Expr, variables: tuple[str, ...]) -> sympy.Expr:
    """Partial derivative of `expr` in the given order, refusing results that grow too large."""
    for variable in variables:
        if variable not in SYMBOLS:
            raise ValueError(f"variables are 'x' and 'y', not {variable!r}")
        expr = _derivative_step(expr, variable)
        size = node_count(expr)
        if size > MAX_DERIVATIVE_NODES:
            order = "".join(variables)
            raise ExpressionError(
                f"The derivative d/d{order} of this formula is too large to work with "
                f"({size} parts; the limit is {MAX_DERIVATIVE_NODES})."
            )
    return expr


def build(text: str) -> tuple[sympy.Expr, dict[tuple[str, ...], sympy.Expr]]:
    """Parse `text` and differentiate it to second order: (expression, {variables: derivative})."""
    expr = to_sympy(parse(text), text)
    derivatives: dict[tuple[str, ...], sympy.Expr] = {}
    for variables in FIRST_AND_SECOND:
        *lower, last = variables
        start = derivatives[tuple(lower)] if lower else expr
        derivatives[variables] = differentiate(start, (last,))
    return expr, derivatives


def expression(text: str) -> sympy.Expr:
    """Parse `text` (our parser, every limit checked) into a SymPy expression, nothing more."""
    return to_sympy(parse(text), text)


def equivalent(a: sympy.Expr, b: sympy.Expr) -> tuple[bool | None, sympy.Expr]:
    """Whether a and b are the same formula: (True, or None when simplification does not reach
    0; a - b in its shorter form, as written or simplified).

    Deterministic: no random points (SymPy's `equals` tries unseeded ones, so the same question
    got different answers). Whether a nonzero difference shows is decided by exact values at
    chosen points (differences_at). Unbounded in time: the worker runs it under a timeout."""
    difference = a - b
    if difference == 0:
        return True, difference
    simplified = sympy.simplify(difference)
    if simplified == 0:
        return True, simplified
    shorter = min((difference, simplified), key=node_count)  # y cos x - y sin x, not sqrt(2)...
    return None, shorter


def differences_at(a: sympy.Expr, b: sympy.Expr, points, digits: int = 30) -> list:
    """(|a - b|, max(|a|, |b|), whether every part of b is real) at each (x, y), evaluated
    exactly (the floats as exact rationals) to `digits` digits, so cancellation in float64
    cannot fake or hide a difference; None where either is not a finite number. Complex values
    count (a formula compared off the real domain)."""
    results = []
    for px, py in points:
        at = {X: sympy.Rational(float(px)), Y: sympy.Rational(float(py))}
        try:
            exact_a, exact_b = a.xreplace(at), b.xreplace(at)
            values = [sympy.N(e, digits) for e in (exact_a - exact_b, exact_a, exact_b)]
            numbers = [complex(v) for v in values]
        except (TypeError, ValueError, ArithmeticError):
            results.append(None)
            continue
        if not all(map(_finite_complex, numbers)):
            results.append(None)
            continue
        difference, *pair = (abs(n) for n in numbers)
        results.append((difference, max(pair), _real_at(b, at)))
    return results


_MAY_LEAVE_THE_REALS = (sympy.log, sympy.asin, sympy.acos, sympy.atanh, sympy.acosh)


def _real_at(expr: sympy.Expr, at: dict) -> bool:
    """Whether every part of expr is a real number at the point: sqrt(y)/sqrt(x) at x = -3,
    y = 0 is 0 in complex arithmetic, but not defined in the reals (sqrt(-3) is not real)."""
    for node in sympy.preorder_traversal(expr):
        risky = isinstance(node, _MAY_LEAVE_THE_REALS) or (
            isinstance(node, sympy.Pow) and not node.exp.is_Integer
        )
        if risky and node.free_symbols:
            value = complex(sympy.N(node.xreplace(at), 15))
            if not _finite_complex(value) or value.imag != 0:
                return False
    return True


def _finite_complex(value: complex) -> bool:
    return value == value and abs(value) != float("inf")


def hessian_determinant(fxx: sympy.Expr, fxy: sympy.Expr, fyy: sympy.Expr) -> sympy.Expr:
    """fxx fyy - fxy^2, factored (4*a*b for a x^2 + b y^2): its sign decides a critical point's
    kind, and with parameters in it, where that sign flips. Runs in the worker."""
    return sympy.factor(fxx * fyy - fxy**2)


def exact_decimal(value: float) -> sympy.Rational:
    """The shortest decimal that reads back as the float (0.1 is 1/10, not 3602879701896397/
    36028797018963968): slider values are decimals, and small rationals keep SymPy fast."""
    return sympy.Rational(repr(float(value)))


def bind(exprs, values: dict[str, float]) -> list[sympy.Expr]:
    """Each expression with the parameters' values put in (core.Function.bound). Runs in the
    worker: SymPy evaluates what the values make constant, (a + 9)^(9^9) included."""
    at = {PARAMETERS[name]: exact_decimal(value) for name, value in values.items()}
    return [expr.xreplace(at) for expr in exprs]


def substitute(exprs, x0: sympy.Expr, y0: sympy.Expr) -> list[sympy.Expr]:
    """Each expression at the exact point (x0, y0) (core.geometry's exact Taylor forms)."""
    return [expr.subs({X: x0, Y: y0}) for expr in exprs]


# Polynomial gradients up to this total degree get their critical points from a resultant.
MAX_RESULTANT_DEGREE = 12


def polynomial_critical_points(fx: sympy.Expr, fy: sympy.Expr) -> list[tuple[float, float]] | None:
    """Every real solution of fx = fy = 0 for polynomial partials with rational coefficients,
    approximately (core.critical polishes them with Newton), wherever it is: the resultant in y
    is a polynomial in x whose real roots (isolated exactly, with their multiplicities removed)
    are the x of every solution; each gives its y as a common root. None when that does not
    apply: not polynomials, other coefficients, too high a degree, or a common factor (then the
    critical points fill a curve, and the numeric search reports it)."""
    try:
        p, q = sympy.Poly(fx, X, Y), sympy.Poly(fy, X, Y)
    except sympy.PolynomialError:
        return None
    if p.is_zero or q.is_zero or p.domain not in (sympy.ZZ, sympy.QQ):
        return None
    if q.domain not in (sympy.ZZ, sympy.QQ):
        return None
    if max(p.total_degree(), q.total_degree()) > MAX_RESULTANT_DEGREE:
        return None
    if sympy.gcd(p, q).total_degree() > 0:
        return None
    resultant = sympy.Poly(sympy.resultant(p.as_expr(), q.as_expr(), Y), X)
    if resultant.is_zero:
        return None
    if resultant.degree() <= 0:
        return []
    points = []
    for (low, high), _ in sympy.sqf_part(resultant).intervals(eps=sympy.Rational(1, 10**12)):
        x0 = (low + high) / 2
        ys: list[float] = []
        for poly in (p, q):
            along = sympy.Poly(poly.as_expr().subs(X, x0), Y)
            if along.degree() > 0:
                roots = np.roots([float(c) for c in along.all_coeffs()])
                ys += [float(r.real) for r in roots if abs(r.imag) < 1e-6 * (1 + abs(r))]
        points += [(float(x0), y) for y in ys]
    return points


def magnitude(expr: sympy.Expr, x0: sympy.Expr, y0: sympy.Expr) -> tuple[float, int] | None:
    """(log10 |value|, sign) of expr at the exact point, however large or small (SymPy's
    floats have no exponent limit); None where it is not a real number there."""
    at = {X: x0, Y: y0}
    if not _real_at(expr, at):
        return None
    try:
        value = sympy.N(expr.xreplace(at), 30)
    except (TypeError, ValueError, ArithmeticError):
        return None
    if not (value.is_number and value.is_real and value.is_finite):
        return None
    if value == 0:
        return float("-inf"), 0
    exponent = sympy.log(abs(value), 10)
    return float(sympy.N(exponent, 15)), 1 if value > 0 else -1


MAX_EDGES = 8


def _arguments(exprs) -> list[sympy.Expr]:
    """Arguments of abs and sign (kinks), in order of appearance, without constants."""
    found: dict[sympy.Expr, None] = {}
    for expr in exprs:
        for node in sympy.preorder_traversal(expr):
            if isinstance(node, sympy.Abs | sympy.sign) and node.args[0].free_symbols:
                found.setdefault(node.args[0])
    return list(found)


def edges(exprs) -> list[sympy.Expr]:
    """Where a formula may change its nature (numeric forms, at most MAX_EDGES): the arguments
    of abs, sign and log, the bases of roots and other fractional powers, and denominators. An
    answer right on one side of such an edge and wrong on the other shows just beside it."""
    found: dict[sympy.Expr, None] = dict.fromkeys(_arguments(exprs))
    for expr in exprs:
        for node in sympy.preorder_traversal(expr):
            if isinstance(node, sympy.log):
                found.setdefault(node.args[0])
            elif isinstance(node, sympy.Pow) and not (
                node.exp.is_Integer and node.exp.is_nonnegative
            ):
                found.setdefault(node.base)
    chosen = [edge for edge in found if edge.free_symbols][:MAX_EDGES]
    return [_fold_constants(edge) for edge in chosen]


def kinks(exprs) -> list[tuple[sympy.Expr, tuple[str, str]]]:
    """The arguments u of abs and sign (at most MAX_EDGES) as (w, (left, right)): w has the
    same zeros as u, and w > 0 reads "left > right". A line a v + b becomes v - r with its root
    r = -b/a, read ("v", "r"): the sides of x - 1 = 0 and of 2 - 2x = 0 read x > 1 and x < 1."""
    from .parse import to_text

    result = []
    for u in _arguments(exprs)[:MAX_EDGES]:
        reading = (to_text(u).replace("**", "^"), "0")
        if len(u.free_symbols) == 1:
            (v,) = u.free_symbols
            slope = real_diff(u, v)
            rest = sympy.expand(u - slope * v)
            if slope.is_Number and slope != 0 and rest.is_Number:
                root = -rest / slope
                u, reading = v - root, (str(v), to_text(root).replace("**", "^"))
        result.append((_fold_constants(u), reading))
    return result


# -- numeric forms: what gets compiled for numpy -------------------------------------------------

# Integers beyond float64's exact range would reach numpy as Python ints, which it cannot convert.
_EXACT_FLOAT_LIMIT = 2**53


class KinkSide(sympy.Function):
    """sign(u) on one side of u = 0 along a variable: KinkSide(u, du, d2u) is sign(u) where
    u != 0, else sign(du) (u's slope along the variable, negated for the left side), else
    sign(d2u). Evaluated by numpy only (core.function.KINK_FUNCTIONS)."""

    nargs = 3


class KinkValue(sympy.Function):
    """KinkValue(d_right, d_left, g_right, g_left, g): the derivative d of g where it exists.
    Away from every kink the pairs are equal and this is d. At a kink it is the common one-sided
    limit d_right = d_left where g is continuous (g_right = g_left = g), else undefined (NaN).
    Evaluated by numpy only (core.function.KINK_FUNCTIONS)."""

    nargs = 5


_RECIPROCAL_TRIG = {
    sympy.sec: lambda u: 1 / sympy.cos(u),
    sympy.csc: lambda u: 1 / sympy.sin(u),
    sympy.cot: lambda u: sympy.cos(u) / sympy.sin(u),
}


def without_reciprocal_trig(expr: sympy.Expr) -> sympy.Expr:
    """sec, csc, cot as 1/cos, 1/sin, cos/sin, before any printer sees them.

    SymPy's numpy printer (and the JavaScript one) rewrites sec(u) as 1/cos(u) by rewriting the
    whole of u in cosines too: sec(cosh x) became 1/cos(cos(i x)), complex arithmetic, and csc(x)
    became 1/cos(x - pi/2), finite at x = 0, so -sec(csc(x)) had a value where csc is infinite.
    Here only the three functions change; their arguments stay as they are, so each is infinite
    (NaN) exactly where its own cos or sin is 0."""
    for function, rewrite in _RECIPROCAL_TRIG.items():
        if expr.has(function):
            expr = expr.replace(function, rewrite)
    return expr


def _fold_constants(expr: sympy.Expr) -> sympy.Expr:
    """Every constant subtree (no x, no y) as one float, and big rationals as floats.

    A constant such as (1/3)^((1/5)^((1/7)^...)) is cheap to evaluate but makes SymPy's
    assumptions (is it even? an integer?) evaluate it again and again inside cse and the printer:
    a nine-level tower took minutes to compile. As a float it costs nothing."""
    memo: dict[sympy.Basic, tuple[sympy.Basic, bool]] = {}

    def fold(node: sympy.Basic) -> sympy.Basic:
        if isinstance(node, sympy.Rational):
            big = abs(node.p) > _EXACT_FLOAT_LIMIT or node.q > _EXACT_FLOAT_LIMIT
            return sympy.Float(node, 17) if big else node
        if node.is_Atom:
            return node
        value = node.evalf(17)
        return value if isinstance(value, sympy.Float) else node

    def visit(node: sympy.Basic) -> tuple[sympy.Basic, bool]:
        if node in memo:
            return memo[node]
        if node.is_Symbol:
            result = (node, False)
        elif node.is_Atom:
            result = (node, True)
        else:
            parts = [visit(arg) for arg in node.args]
            if all(constant for _, constant in parts):
                result = (node, True)
            else:
                args = [fold(arg) if constant else arg for arg, constant in parts]
                changed = any(new is not old for new, old in zip(args, node.args, strict=True))
                result = (node.func(*args) if changed else node, False)
        memo[node] = result
        return result

    folded, constant = visit(expr)
    return fold(folded) if constant else folded


def _sided(expr: sympy.Expr, variable: sympy.Symbol, side: int) -> sympy.Expr:
    signs = expr.atoms(sympy.sign)
    if not signs:
        return expr
    replacements = {}
    for atom in signs:
        u = atom.args[0]
        du = real_diff(u, variable)  # u itself may hold |...|
        replacements[atom] = KinkSide(u, side * du, real_diff(du, variable))
    return expr.xreplace(replacements)


def kink_aware(derivative: sympy.Expr, of: sympy.Expr, variable: str, of_form=None) -> sympy.Expr:
    """`derivative` (d of/d variable) in the form to compile: with sign(u) in it or in `of`, its
    value at a kink (u = 0) is the one-sided limit where both sides agree and `of` is continuous
    there, NaN where they do not (|x| at 0), instead of whatever sign(0) = 0 happens to give.
    `of_form` is `of`'s own compiled form (NaN where `of` does not exist, so neither does this)."""
    if not (derivative.has(sympy.sign) or of.has(sympy.sign)):
        return derivative
    v = SYMBOLS[variable]
    right, left = _sided(derivative, v, 1), _sided(derivative, v, -1)
    of_right, of_left = _sided(of, v, 1), _sided(of, v, -1)
    return KinkValue(right, left, of_right, of_left, of if of_form is None else of_form)


def numeric_forms(expr: sympy.Expr, derivatives: dict, keys) -> list[sympy.Expr]:
    """What core.function compiles for f (key ()) and its derivatives (keys such as ("x", "y"),
    each with every shorter prefix in `derivatives`): kinks resolved (kink_aware), sec, csc and
    cot as reciprocals (without_reciprocal_trig), constants folded to floats. Runs in the
    worker."""
    every = {(): expr, **derivatives}
    forms: dict[tuple[str, ...], sympy.Expr] = {(): expr}

    def form(key):
        if key not in forms:
            below = form(key[:-1])
            forms[key] = kink_aware(every[key], every[key[:-1]], key[-1], below)
        return forms[key]

    result = [_fold_constants(without_reciprocal_trig(form(tuple(key)))) for key in keys]
    _refuse_unless_real(result)
    size = sum(node_count(expr) for expr in result)
    if size > MAX_COMPILED_NODES:
        raise ExpressionError(
            f"This formula and its derivatives are too large to compute with ({size} parts "
            f"to evaluate; the limit is {MAX_COMPILED_NODES}).",
            hint="Try a simpler formula.",
        )
    return result


# What a real float64 evaluation cannot compute, in words: lambdify cannot print unevaluated
# derivatives, and numpy would compute the rest in complex numbers.
_NOT_REAL = {
    sympy.Derivative: "a derivative SymPy could not work out",
    sympy.Subs: "a derivative SymPy could not work out",
    sympy.re: "the real part of a complex number",
    sympy.im: "the imaginary part of a complex number",
    sympy.arg: "the angle of a complex number",
    sympy.conjugate: "a complex conjugate",
    sympy.core.numbers.ImaginaryUnit: "the imaginary unit i",
}


def _refuse_unless_real(forms: list[sympy.Expr]) -> None:
    """Refuse, with a reason, trees numpy cannot evaluate as real numbers. core's own rules
    (real_diff, core.parse's refusals) keep them out; this makes sure a case they miss is a
    clear ExpressionError, never a printer's exception or a silently dropped imaginary part."""
    for form in forms:
        found = form.atoms(*_NOT_REAL)
        if found:
            raise ExpressionError(
                "This formula's derivatives cannot be computed in real numbers: they hold "
                f"{_NOT_REAL[type(next(iter(found)))]}.",
                hint="Try writing the formula another way.",
            )


EVERY_FORM = ((), *FIRST_AND_SECOND)


def prepare(text: str) -> tuple[sympy.Expr, dict, list[sympy.Expr]]:
    """build(text) and the numeric forms of f and its first and second partials (EVERY_FORM
    order), in one call, so one worker time limit bounds all of it."""
    expr, derivatives = build(text)
    return expr, derivatives, numeric_forms(expr, derivatives, EVERY_FORM)
