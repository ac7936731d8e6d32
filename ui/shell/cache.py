"""The page's calls into core, cached per server so that moving the point redraws without
re-deriving or re-evaluating anything that did not change.

st.cache_resource, not st.cache_data: a Function holds compiled numpy code (not picklable), and
a Grid is read-only once built, so sharing one object between sessions is safe and copies nothing.
Keys are the function's canonical text (SymPy objects cannot be hashed by Streamlit).
"""

from __future__ import annotations

import streamlit as st

from core import Function, Grid, evaluate_grid


@st.cache_resource(max_entries=256, show_spinner=False)
def function_for(text: str) -> Function:
    """Function(text), built once per distinct text. Errors are raised, never cached."""
    return Function(text)


@st.cache_resource(max_entries=32, show_spinner=False)
def grid_for(
    canonical_text: str,
    xlim: tuple[float, float],
    ylim: tuple[float, float],
    resolution: int,
    with_partials: bool,
) -> Grid:
    """f (and, for the gradient field, its partials) on the window, as float32 for the browser."""
    grid = evaluate_grid(function_for(canonical_text), xlim, ylim, resolution, with_partials)
    return grid.as_float32()
