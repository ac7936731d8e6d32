"""The symbolic work on a formula: SymPy tree and derivatives, with size limits.

These functions are what the worker process runs (core._worker), because SymPy's automatic
simplification and differentiation have no time bound of their own.
"""

from __future__ import annotations

import sympy

from .parse import ExpressionError, X, Y, parse, to_sympy

SYMBOLS = {"x": X, "y": Y}
# A derivative bigger than this is unreadable and slow to compile; refuse it with a reason.
MAX_DERIVATIVE_NODES = 6000
# Built eagerly with every Function: enough for the gradient and the Hessian.
FIRST_AND_SECOND = (("x",), ("y",), ("x", "x"), ("x", "y"), ("y", "y"))


def node_count(expr: sympy.Basic) -> int:
    return sum(1 for _ in sympy.preorder_traversal(expr))


def _derivative_step(expr: sympy.Expr, variable: str) -> sympy.Expr:
    # d|u|/dx is sign(u) u', exact wherever u != 0, and d sign(u)/dx is 2 DiracDelta(u) u', which
    # is 0 wherever u != 0. Where u = 0 the derivative may or may not exist (x|x| has one at 0, |x|
    # has none): that is decided numerically from the one-sided limits (kink_aware below), never
    # by rewriting sign(u) as u/|u|, which turns x sign(x) into 0/0 at the very point it exists.
    derivative = sympy.diff(expr, SYMBOLS[variable])
    deltas = derivative.atoms(sympy.DiracDelta)
    return derivative.xreplace(dict.fromkeys(deltas, sympy.S.Zero)) if deltas else derivative


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
    """Whether a and b are the same formula: (True, False or None for undecided, a - b in its
    shorter form, as written or simplified).

    Cheapest first: SymPy's automatic simplification, then simplify, then `equals`, which tests
    numerically at random points and returns None when it cannot tell. Unbounded in time: the
    worker process runs it under a timeout."""
    difference = a - b
    if difference == 0:
        return True, difference
    simplified = sympy.simplify(difference)
    if simplified == 0:
        return True, simplified
    shorter = min((difference, simplified), key=node_count)  # y cos x - y sin x, not sqrt(2)...
    return simplified.equals(0), shorter


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
        du = sympy.diff(u, variable)
        replacements[atom] = KinkSide(u, side * du, sympy.diff(du, variable))
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
    each with every shorter prefix in `derivatives`): kinks resolved (kink_aware), constants
    folded to floats. Runs in the worker."""
    every = {(): expr, **derivatives}
    forms: dict[tuple[str, ...], sympy.Expr] = {(): expr}

    def form(key):
        if key not in forms:
            below = form(key[:-1])
            forms[key] = kink_aware(every[key], every[key[:-1]], key[-1], below)
        return forms[key]

    return [_fold_constants(form(tuple(key))) for key in keys]


EVERY_FORM = ((), *FIRST_AND_SECOND)


def prepare(text: str) -> tuple[sympy.Expr, dict, list[sympy.Expr]]:
    """build(text) and the numeric forms of f and its first and second partials (EVERY_FORM
    order), in one call, so one worker time limit bounds all of it."""
    expr, derivatives = build(text)
    return expr, derivatives, numeric_forms(expr, derivatives, EVERY_FORM)
