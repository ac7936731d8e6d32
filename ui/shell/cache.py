"""Every page's calls into core are cached per server, one way: keyed on plain values, with a
core.Function keyed by its canonical text and its parameters' values (`per_function`).

st.cache_resource by default, not st.cache_data: a Function holds compiled numpy code (not
picklable), and results such as a Grid are read-only once built, so sharing one object between
sessions is safe and copies nothing. Pages pass the Function itself; never its text to rebuild it.
"""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict
from collections.abc import Mapping

import streamlit as st
from streamlit.runtime.scriptrunner_utils.script_run_context import get_run_yield_check

from core import ExpressionError, Function, Grid, WorkerBusyError, evaluate_grid, symbolic_owner

from .fair import heavy_from_here

REFUSALS_REMEMBERED_SECONDS = 600


OWNER = "_symbolic_owner"


def own_symbolic_work() -> None:
    """Charge this run's symbolic work to this session (core.symbolic_owner), so the server's
    workers are shared fairly between sessions: one typing expensive formulas waits behind its
    own, not everyone else. Call at the start of every run.

    While its task waits for a worker, the run asks Streamlit whether it should stop (the session
    closed) or rerun (its person sent something newer), the way Streamlit's own cache waits do
    (the run's yield check raises then): twenty attackers who leave do not leave twenty queued
    formulas behind them for the students' workers."""
    if OWNER not in st.session_state:
        st.session_state[OWNER] = uuid.uuid4().hex
    symbolic_owner(st.session_state[OWNER], still_wanted=get_run_yield_check())


def canonical_key(f: Function) -> str:
    """What identifies a Function in a cache: text that parses back to the same expression, and
    the parameters' values (a x^2 at a = 1 and at a = 2 are two functions)."""
    return f.cache_key


def per_function(max_entries: int, *, copy: bool = False):
    """A cache for work that takes a core.Function (and plain values). `copy=True` (st.cache_data)
    hands each caller its own copy, for results a page may change; otherwise one shared object."""
    cache = st.cache_data if copy else st.cache_resource
    return cache(max_entries=max_entries, show_spinner=False, hash_funcs={Function: canonical_key})


# A refusal is remembered too, for a while: a formula stopped at the worker's time limit would
# otherwise hold a worker for that long again each time any student sends it. Not for ever, since
# a time limit reached on a busy server may not be reached on a quiet one. A worker starved of CPU
# (WorkerBusyError: the machine's fault, not the formula's) is not a refusal: raised, not kept.
@st.cache_resource(max_entries=256, ttl=REFUSALS_REMEMBERED_SECONDS, show_spinner=False)
def _built(text: str) -> Function | ExpressionError:
    try:
        return Function(text)
    except WorkerBusyError:
        raise
    except ExpressionError as error:
        return error


# The texts function_for was asked for lately (as many as _built keeps), least recent first.
RECENT_TEXTS = 256
_recent_texts: OrderedDict[str, None] = OrderedDict()
_lock = threading.Lock()


def function_for(text: str, parameters: Mapping[str, float] | None = None) -> Function:
    """Function(text), built once per distinct text, with its parameters bound to `parameters`
    (values for names the formula does not hold are ignored; a missing one is 1). Binding costs no
    SymPy work, so it is not cached: a slider moved costs numpy time only. A refusal (an
    ExpressionError) is raised, a fresh one each time: sessions may raise it at the same time."""
    with _lock:
        seen = text in _recent_texts
    if not seen:
        # A formula no one sent lately: its build and its first figures are the server's most
        # expensive runs, so they queue with the other heavy runs, not beside the students' clicks.
        heavy_from_here()
    function = _built(text)
    with _lock:
        _recent_texts[text] = None
        _recent_texts.move_to_end(text)
        while len(_recent_texts) > RECENT_TEXTS:
            _recent_texts.popitem(last=False)
    if isinstance(function, ExpressionError):
        raise ExpressionError(function.message, function.column, function.text, function.hint)
    return function.bind(parameters) if parameters and function.parameters else function


@per_function(max_entries=32)
def grid_for(
    f: Function,
    xlim: tuple[float, float],
    ylim: tuple[float, float],
    resolution: int,
    with_partials: bool,
) -> Grid:
    """f (and, for the gradient field, its partials) on the window, as float32 for the browser."""
    return evaluate_grid(f, xlim, ylim, resolution, with_partials).as_float32()
