"""Charts in words: a short text alternative for each chart and the numbers it shows, as a table.

A screen reader met each chart as an unnamed picture whose name was a string of tick numbers (and
the 3D canvas as nothing). The sentences here say what a chart shows at this point: the function,
the point, f, ∇f, what kind of point it is, a slice's course, a race's outcome. The builders are
pure (numbers in, words out; tests/ui/shell/test_chart_text.py); `describe_chart` and
`data_table` put them on the page: a caption that only assistive technology reads, right before
the chart, and a table behind an expander (keyboard reachable) for everyone.
"""

from __future__ import annotations

import base64
import html
import math
from collections.abc import Mapping, Sequence
from types import SimpleNamespace
from typing import Any

import numpy as np
import pyarrow as pa
import streamlit as st

from core import hessian_shape
from core.geometry import PointSummary
from ui.plots.config import Prepared
from ui.shell.text import plain

# A short number for a sentence: four significant digits, as the charts' hover labels.
DIGITS = 4
SAMPLES = 11  # a slice or a curve in a table: this many evenly spaced samples


def number(value: float, digits: int = DIGITS) -> str:
    """A value for a sentence: `digits` significant digits, "undefined" for NaN or ±inf, a
    plain minus sign (a screen reader says "minus")."""
    value = float(value)
    if not math.isfinite(value):
        return "undefined"
    return f"{value + 0.0:.{digits}g}".replace("-", "−")


def pair(x: float, y: float, digits: int = DIGITS) -> str:
    return f"({number(x, digits)}, {number(y, digits)})"


def span(low: float, high: float) -> str:
    return f"from {number(low)} to {number(high)}"


def function_words(function_text: str) -> str:
    """f as the sentence names it: `f(x, y) = x^2*y + y^3` (Python's ** read as ^)."""
    return f"f(x, y) = {function_text.replace('**', '^')}"


KINDS = {
    "bowl (curves up)": "a critical point: a local minimum (the surface curves up every way)",
    "dome (curves down)": "a critical point: a local maximum (the surface curves down every way)",
    "saddle": "a critical point: a saddle point (up one way, down the other)",
}


def point_kind(point: PointSummary) -> str:
    """What kind of point this is, in words: a critical point and its kind by the
    second-derivative test (core.hessian_shape of the Hessian's eigenvalues), or not one."""
    if not math.isfinite(point.gradient_norm):
        return "the gradient is undefined here"
    if point.gradient_angle is not None:  # core found a direction: the gradient is not zero
        return "not a critical point (∇f is not zero)"
    hessian = np.asarray(point.hessian, dtype=np.float64)
    if not np.all(np.isfinite(hessian)):
        return "a critical point (∇f = 0); the Hessian is undefined here"
    shape = hessian_shape(np.linalg.eigvalsh(hessian))
    undecided = "a critical point (∇f = 0) that the second-derivative test cannot decide"
    return KINDS.get(shape, undecided)


QUIZ_WORDS = "the exact partials stay hidden until they are answered"


def point_sentence(point: PointSummary, hidden: frozenset[str] = frozenset()) -> str:
    """f, ∇f and the kind of the point in one sentence; in a quiz (`hidden`: the variables whose
    partial is not yet earned, ui.shell.quiz.hidden) f alone, since ∇f, its length, its angle
    and the kind of point all tell the partials."""
    where = f"At {pair(point.x, point.y)}"
    if "value" in point.undefined:
        return f"{where} f is undefined."
    if hidden:
        return f"{where}: f = {number(point.value)}; {QUIZ_WORDS}."
    gradient = f"∇f = {pair(point.fx, point.fy)}"
    if math.isfinite(point.gradient_norm):
        gradient += f", |∇f| = {number(point.gradient_norm)}"
        if point.gradient_angle is not None:
            degrees = math.degrees(point.gradient_angle)
            gradient += f", steepest ascent {number(degrees, 3)}° from the x axis"
    return f"{where}: f = {number(point.value)}, {gradient}; {point_kind(point)}."


def surface_sentence(
    function_text: str,
    xlim: Sequence[float],
    ylim: Sequence[float],
    point: PointSummary,
    hidden: frozenset[str] = frozenset(),
) -> str:
    """Explore's 3D chart in words."""
    return (
        f"3D surface of {function_words(function_text)} for x {span(*xlim)} and y "
        f"{span(*ylim)}, with the point, its two tangent slices and the gradient. "
        + point_sentence(point, hidden)
    )


def contour_sentence(
    function_text: str,
    xlim: Sequence[float],
    ylim: Sequence[float],
    point: PointSummary,
    hidden: frozenset[str] = frozenset(),
) -> str:
    """A contour map with the point and its level curve, in words."""
    level = (
        f" The level curve through the point is f = {number(point.value)}."
        if "value" not in point.undefined
        else ""
    )
    return (
        f"Contour map of {function_words(function_text)} for x {span(*xlim)} and y "
        f"{span(*ylim)}, with the point and the gradient at right angles to the level curve. "
        + point_sentence(point, hidden)
        + level
    )


def curve_sentence(
    name: str,
    variable: str,
    t: Sequence[float],
    values: Sequence[float],
    at: float | None = None,
    at_value: float | None = None,
    slope: tuple[str, float] | None = None,
) -> str:
    """A curve (a slice, a profile, f along a path) in words: where it runs, its lowest and
    highest values and where; at the point its value and, if given, its slope (name, value)."""
    t = np.asarray(t, dtype=np.float64)
    values = np.asarray(values, dtype=np.float64)
    shown = np.isfinite(values) & np.isfinite(t)
    words = f"{name} for {variable} {span(t[0], t[-1])}" if t.size else name
    if not shown.any():
        return f"{words}: undefined everywhere."
    low, high = (
        np.argmin(np.where(shown, values, np.inf)),
        np.argmax(np.where(shown, values, -np.inf)),
    )
    words += (
        f": lowest {number(values[low])} at {variable} = {number(t[low])}, highest "
        f"{number(values[high])} at {variable} = {number(t[high])}."
    )
    if not shown.all():
        words += f" Undefined on {1 - shown.mean():.0%} of it."
    if at is not None:
        words += f" At {variable} = {number(at)} it is {number(at_value)}"
        words += f", slope {slope[0]} = {number(slope[1])}." if slope else "."
    return words


def sampled_rows(
    t: Sequence[float], values: Sequence[float], t_name: str, value_name: str, count: int = SAMPLES
) -> list[dict[str, Any]]:
    """`count` evenly spaced samples of a curve for a table (all of it when shorter)."""
    t = np.asarray(t, dtype=np.float64)
    values = np.asarray(values, dtype=np.float64)
    if t.size == 0:
        return []
    picks = np.unique(np.linspace(0, t.size - 1, min(count, t.size)).round().astype(int))
    return [{t_name: table_number(t[i]), value_name: table_number(values[i])} for i in picks]


def table_number(value: float) -> str:
    """A table cell: six significant digits, "undefined" where it is undefined."""
    return number(value, 6)


def point_rows(point: PointSummary, hidden: frozenset[str] = frozenset()) -> list[dict[str, Any]]:
    """The point's numbers for a table: x₀, y₀, f, ∂f/∂x, ∂f/∂y, |∇f| and its kind; in a quiz
    (`hidden` not empty) x₀, y₀ and f only."""
    if hidden:
        rows = [("x₀", point.x), ("y₀", point.y), ("f(x₀, y₀)", point.value)]
        return [{"quantity": name, "value": number(value, 10)} for name, value in rows]
    rows = [
        ("x₀", point.x),
        ("y₀", point.y),
        ("f(x₀, y₀)", point.value),
        ("∂f/∂x", point.fx),
        ("∂f/∂y", point.fy),
        ("|∇f|", point.gradient_norm),
    ]
    out = [{"quantity": name, "value": number(value, 10)} for name, value in rows]
    return [*out, {"quantity": "kind of point", "value": point_kind(point)}]


def trace_xy(figure, meta: str) -> tuple[np.ndarray, np.ndarray]:
    """x and y of the figure's first trace whose meta is `meta` (empty arrays when none)."""
    # A Prepared figure (ui.plots.config.prepared) holds its traces as dicts.
    traces = figure.spec["data"] if isinstance(figure, Prepared) else figure.data
    for trace in traces:
        if isinstance(trace, dict):
            trace = SimpleNamespace(
                **{name: _values(trace.get(name)) for name in ("meta", "x", "y")}
            )
        if trace.meta == meta:
            return (np.asarray(trace.x, dtype=np.float64), np.asarray(trace.y, dtype=np.float64))
    return np.empty(0), np.empty(0)


def _values(value: Any) -> Any:
    """A figure dict's value, with Plotly's base64 typed array ({"dtype", "bdata"}) decoded."""
    if isinstance(value, dict) and "bdata" in value and "dtype" in value:
        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
    return value


# --- on the page ---------------------------------------------------------------------------------


def describe_chart(sentence: str) -> None:
    """A caption for assistive technology only, right before the chart it describes (style.py:
    .chart-text is visually hidden and takes no room)."""
    st.html(f'<p class="chart-text">{html.escape(sentence)}</p>')


def data_table(
    title: str, sentence: str, tables: Mapping[str, Sequence[Mapping[str, Any]]]
) -> None:
    """An expander (one Tab stop) under a chart: the sentence, then each named table (an HTML
    table, which a screen reader walks cell by cell)."""
    with st.expander(f"Data table: {title}", icon=":material/table:"):
        st.markdown(plain(sentence))
        for name, rows in tables.items():
            if name:
                st.markdown(f"**{plain(name)}**")
            if _has_rows(rows):
                st.table(arrow_rows(rows), hide_index=True)
            else:
                st.caption("Nothing to show.")


def arrow_rows(rows) -> Any:
    """The rows as an Arrow table, which st.table sends as it is: given a list of dicts it goes
    through pandas first (0.6 ms a table here, against 0.05 ms), on every run of every page.
    Rows Arrow cannot type (a column of numbers and words) go as they are, through pandas."""
    try:
        if isinstance(rows, Mapping):
            return pa.Table.from_pydict({name: list(column) for name, column in rows.items()})
        return pa.Table.from_pylist(list(rows))
    except (pa.ArrowException, TypeError, ValueError):
        return rows


def _has_rows(rows) -> bool:
    """A list of rows, or a mapping of columns (as st.table takes them), with something in it."""
    if isinstance(rows, Mapping):
        return any(len(column) for column in rows.values())
    return len(rows) > 0
