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
    # d|u|/dx is sign(u) u' and d sign(u)/dx is a DiracDelta, which cannot be evaluated. Writing
    # sign(u) as u/|u| keeps every derivative a plain function that is NaN exactly at the kink.
    derivative = sympy.diff(expr, SYMBOLS[variable])
    return derivative.replace(sympy.sign, lambda u: u / sympy.Abs(u))


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
