"""The Derivatives page's calls into core, cached per server (keyed on the function's canonical
text; the Function itself is passed unhashed), and the LaTeX names of its derivatives."""

import streamlit as st
import sympy

from core import check_partial, error_sweep, mixed_partials
from pages.derivatives import words as figures


@st.cache_resource(max_entries=64, show_spinner=False)
def sweep_for(canonical_text: str, x: float, y: float, variable: str, _f):
    return error_sweep(_f, x, y, variable)


@st.cache_data(max_entries=64, show_spinner=False)
def exact_latex(canonical_text: str, _f) -> dict:
    """sympy.latex of f's exact partials (trees our parser built), whole and broken into lines,
    their widths, and Clairaut's verdict on the mixed partials."""
    mixed = mixed_partials(_f)
    exprs = {key: _f.derivative(*key) for key in (("x",), ("y",), ("x", "x"), ("y", "y"))}
    exprs |= {("x", "y"): mixed.xy, ("y", "x"): mixed.yx}
    whole = {key: sympy.latex(expr) for key, expr in exprs.items()}
    return {
        "latex": whole,
        "broken": {key: figures.broken_latex(expr) for key, expr in exprs.items()},
        "width": {key: figures.visible_length(tex) for key, tex in whole.items()},
        "clairaut": mixed.equal,
    }


@st.cache_resource(max_entries=64, show_spinner=False)
def answer_check(canonical_text, variable, answer, xlim, ylim, _f):
    return check_partial(_f, variable, answer, xlim, ylim)


def partial(variable: str, size: str = "") -> str:
    return rf"\frac{{\partial {size}f}}{{\partial {variable}}}"


def second(first: str, then: str) -> str:
    """∂²f/∂then∂first: differentiate by `first`, then by `then` (Leibniz order)."""
    if first == then:
        return rf"\frac{{\partial^2 f}}{{\partial {first}^2}}"
    return rf"\frac{{\partial^2 f}}{{\partial {then}\,\partial {first}}}"
