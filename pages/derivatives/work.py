"""The Derivatives page's calls into core, cached per server (ui.shell.cache.per_function), and
the LaTeX names of its derivatives."""

import sympy

from core import (
    AnswerCheck,
    ErrorSweep,
    Estimate,
    Function,
    check_partial,
    error_sweep,
    estimates,
    mixed_partials,
)
from pages.derivatives.words import SCHEMES, broken_latex, visible_length
from ui.shell.cache import per_function


@per_function(max_entries=64)
def sweep_for(f: Function, x: float, y: float, variable: str) -> ErrorSweep:
    return error_sweep(f, x, y, variable)


def estimates_for(f: Function, x: float, y: float, variable: str) -> list[Estimate]:
    """Each scheme of the table at its usual step, against the exact partial."""
    return estimates(f, x, y, variable, sweep_for(f, x, y, variable).exact, SCHEMES)


@per_function(max_entries=64, copy=True)
def exact_latex(f: Function) -> dict:
    """sympy.latex of f's exact partials (trees our parser built), whole and broken into lines,
    their widths, and Clairaut's verdict on the mixed partials."""
    mixed = mixed_partials(f)
    exprs = {key: f.derivative(*key) for key in (("x",), ("y",), ("x", "x"), ("y", "y"))}
    exprs |= {("x", "y"): mixed.xy, ("y", "x"): mixed.yx}
    whole = {key: sympy.latex(expr) for key, expr in exprs.items()}
    return {
        "latex": whole,
        "broken": {key: broken_latex(expr) for key, expr in exprs.items()},
        "width": {key: visible_length(tex) for key, tex in whole.items()},
        "clairaut": mixed.equal,
    }


@per_function(max_entries=64)
def answer_check(f: Function, variable: str, answer: str, xlim, ylim) -> AnswerCheck:
    return check_partial(f, variable, answer, xlim, ylim)


def partial(variable: str, size: str = "") -> str:
    return rf"\frac{{\partial {size}f}}{{\partial {variable}}}"


def second(first: str, then: str) -> str:
    """∂²f/∂then∂first: differentiate by `first`, then by `then` (Leibniz order)."""
    if first == then:
        return rf"\frac{{\partial^2 f}}{{\partial {first}^2}}"
    return rf"\frac{{\partial^2 f}}{{\partial {then}\,\partial {first}}}"
