"""Benchmarks of the Explore page (issue 3): server work of a rerun, and the bytes it sends.

A rerun is measured as the page does it (ui.explore.explore_figures) plus the JSON encoding that
st.plotly_chart applies to each figure. Streamlit's own per-run overhead (a few ms of protobuf and
websocket) is not in these figures.
"""

from __future__ import annotations

import base64
import itertools
import json
import logging

import numpy as np
import plotly.io

from core import Function
from ui.compute import function_for, grid_for
from ui.explore import explore_figures
from ui.state import DEFAULT

from .timing import Row, median_seconds

WARM_TARGET, NEW_FUNCTION_TARGET, BYTES_TARGET = 0.080, 0.300, 400_000


def _sent(figures) -> int:
    """Bytes st.plotly_chart sends for these figures (its encoding: plotly.io.to_json)."""
    return sum(len(plotly.io.to_json(figure, validate=False)) for figure in figures)


def _as_plain_lists(figure) -> str:
    """The same figure with every array as a JSON list of float64: the naive encoding."""

    def plain(value):
        if isinstance(value, np.ndarray):
            return np.asarray(value, dtype=np.float64).tolist()
        if isinstance(value, dict) and "bdata" in value:  # plotly's base64 typed array
            array = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
            shape = value.get("shape")
            if shape:
                array = array.reshape([int(n) for n in str(shape).split(",")])
            return array.astype(np.float64).tolist()
        if isinstance(value, dict):
            return {key: plain(item) for key, item in value.items()}
        if isinstance(value, list | tuple):
            return [plain(item) for item in value]
        return value

    return json.dumps(plain(figure.to_plotly_json()), default=str)


def _rerun(f: Function, view) -> int:
    return _sent(explore_figures(f, view).all())


def explore_rows() -> list[Row]:
    # Streamlit's caches warn once that no server is running; the timings do not need a server.
    logging.getLogger("streamlit").setLevel(logging.ERROR)
    f = function_for(DEFAULT.f)
    points = itertools.cycle(np.linspace(-2.5, 2.5, 37))

    def moved_point():
        x0 = float(next(points))
        return _rerun(f, DEFAULT.__class__(**{**DEFAULT.__dict__, "x0": x0}))

    def moved_point_uncached():
        grid_for.clear()
        return moved_point()

    counter = itertools.count(1)

    def new_function():
        # A new formula every time: the worker derives it, the grid is evaluated, all redrawn.
        text = f"x^2 y + y^3 + {next(counter)} sin(x) y"
        view = DEFAULT.__class__(**{**DEFAULT.__dict__, "f": text})
        return _rerun(function_for(text), view)

    warm = median_seconds(moved_point, repeats=25)
    uncached = median_seconds(moved_point_uncached, repeats=15)
    fresh = median_seconds(new_function, repeats=15, warmup=1)

    drawn = explore_figures(f, DEFAULT).all()
    sent = _sent(drawn)
    naive = sum(len(_as_plain_lists(figure)) for figure in drawn)
    field_view = DEFAULT.__class__(**{**DEFAULT.__dict__, "field": True, "plane": True})
    sent_everything = _sent(explore_figures(f, field_view).all())
    return [
        Row(
            "explore rerun, point moved (cached f and grid)",
            warm,
            "same rerun, grid cache cleared",
            uncached,
            f"<= {WARM_TARGET * 1000:.0f} ms",
            warm <= WARM_TARGET,
        ),
        Row(
            "explore rerun, new function (worker + grid + figures)",
            fresh,
            "rerun, point moved (cached)",
            warm,
            f"<= {NEW_FUNCTION_TARGET * 1000:.0f} ms",
            fresh <= NEW_FUNCTION_TARGET,
        ),
        Row(
            "bytes of all four figures, default view",
            sent,
            "same figures as float64 JSON lists",
            naive,
            f"<= {BYTES_TARGET // 1000} KB",
            sent <= BYTES_TARGET,
            unit="bytes",
        ),
        Row(
            "bytes of all four figures, with field and plane",
            sent_everything,
            "default view",
            sent,
            f"<= {BYTES_TARGET // 1000} KB",
            sent_everything <= BYTES_TARGET,
            unit="bytes",
        ),
    ]
