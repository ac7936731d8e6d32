"""Benchmarks of the Explore page (issue 3): server time of a script run, and the bytes it sends.

Server time is measured inside the script (app.py stores the duration of each run in session
state), over whole runs of app.py through Streamlit's AppTest: the sidebar, the page, the figures
and their encoding by st.plotly_chart, without the AppTest harness around them. Each run is a
fresh session opened from a link, which does the same work as a rerun in a live session (the
function and its grid come from the server-wide caches).
"""

from __future__ import annotations

import base64
import dataclasses
import itertools
import json
import logging
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from streamlit.testing.v1 import AppTest

from pages.explore.work import explore_figures
from ui.plots.config import figure_bytes
from ui.shell.cache import function_for
from ui.shell.sidebar import RUN_CPU_SECONDS, RUN_SECONDS
from ui.shell.view import DEFAULT, to_query

from .timing import Row, median_seconds

APP = Path(__file__).resolve().parents[1] / "app.py"
WARM_TARGET, NEW_FUNCTION_TARGET, BYTES_TARGET = 0.080, 0.300, 400_000
# Explore's default formula with a parameter (issue 13): its value moves on a slider.
PARAMETRIC = "x^2 y + b y^3"


def _sent(figures) -> int:
    return sum(figure_bytes(figure) for figure in figures)


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


def _script_seconds(query: dict[str, str], cpu: bool = False) -> float | tuple[float, float]:
    """Server time of one run of app.py opened at `query` (the Explore page); with `cpu`, that
    and the CPU time of the script's thread (which the waits of a loaded machine do not blur)."""
    app = AppTest.from_file(str(APP), default_timeout=120)
    for key, value in query.items():
        app.query_params[key] = value
    app.run()
    if app.exception:
        raise RuntimeError(f"app.py failed at {query}: {app.exception[0].value}")
    if cpu:
        return app.session_state[RUN_SECONDS], app.session_state[RUN_CPU_SECONDS]
    return app.session_state[RUN_SECONDS]


def _median_run(queries, warmup: int = 2) -> float:
    for query in itertools.islice(queries, warmup):
        _script_seconds(query)
    return statistics.median(_script_seconds(query) for query in queries)


POINT_BYTES_TARGET = 20_000  # issue 12


def _point_change(drawn) -> int:
    """What changes on the wire when only the point moves: the two live charts' point data (their
    bases are unchanged: Streamlit sends a short reference) and the two slice panels."""
    points = (drawn.surface_live.point, drawn.contour_live.point)
    return sum(len(json.dumps(point)) for point in points) + _sent((drawn.x_panel, drawn.y_panel))


def _value_change(drawn) -> int:
    """What changes on the wire when a parameter's value changes: the point change's elements and
    the two live charts' bases (for a parametric formula without their z, which the browser
    computes from core's body: pages/explore/work.py, BODY_Z_ROLES; a pole-free one's whole,
    surface_in_browser)."""
    bases = (drawn.surface_live.base, drawn.contour_live.base)
    return _point_change(drawn) + sum(len(json.dumps(base)) for base in bases)


def _page_work(drawn) -> int:
    """What the page does with Explore's figures beyond explore_figures (which writes the live
    charts' JSON itself): st.plotly_chart's encoding of the two slice panels."""
    return _sent((drawn.x_panel, drawn.y_panel))


def _interleaved_medians(runs: dict[str, Callable[[], object]], repeats: int, warmup: int = 3):
    """Median seconds of each run, the runs taking turns: under a shared machine's changing load
    (four helpers on two cores here) back-to-back blocks measured 270 ms against 130 ms for the
    same work; taking turns gives every run the same load."""
    samples: dict[str, list[float]] = {name: [] for name in runs}
    for round_ in range(warmup + repeats):
        # In turns both ways (A B C, C B A): the run after a heavy one (a new formula) measured
        # 5-10% slower than the same run elsewhere in the round.
        turns = list(runs.items()) if round_ % 2 == 0 else list(runs.items())[::-1]
        for name, run in turns:
            started = time.perf_counter()
            run()
            if round_ >= warmup:
                samples[name].append(time.perf_counter() - started)
    return {name: statistics.median(values) for name, values in samples.items()}


def _parameter_rows(repeats: int) -> list[Row]:
    """Explore's work (core calls, figures, JSON) when a parameter's value changes, against the
    same work when the point moves, on the same parametric formula in the same run, and against
    typing the number into the formula (what a new value cost before parameters). A new value
    needs no SymPy work (the Function is bound, not rebuilt) and, the formula having no pole, no
    grid either: the browser evaluates f on it and places the levels (surface_in_browser).
    Values cycle through 41 distinct ones, more than any cache of the server keeps."""
    f = function_for(PARAMETRIC)
    values = itertools.cycle(np.round(np.linspace(-2, 2, 41), 2))
    xs = itertools.cycle(np.round(np.linspace(-2.5, 2.5, 17), 2))
    fresh = (f"x^2 y + {1 + k / 1000:.3f} y^3" for k in itertools.count(int(time.time()) % 997))
    medians = _interleaved_medians(
        {
            "value": lambda: _page_work(explore_figures(f.bind(b=next(values)), DEFAULT)),
            "point": lambda: _page_work(
                explore_figures(f, dataclasses.replace(DEFAULT, x0=next(xs)))
            ),
            "typed": lambda: _page_work(explore_figures(function_for(next(fresh)), DEFAULT)),
            "bind": lambda: f.bind(b=next(values)),
        },
        repeats,
    )
    # Whole runs of app.py (server time inside the script), a link with a new value against a
    # link with a new point, taking turns as above.
    base = to_query(DEFAULT) | {"f": PARAMETRIC}
    by_value = (
        base | {"p_b": str(v)} for v in itertools.cycle(np.round(np.linspace(-2, 2, 41), 2))
    )
    by_point = (
        base | {"x0": str(x)} for x in itertools.cycle(np.round(np.linspace(-2.5, 2.5, 17), 2))
    )
    runs = {"value": [], "point": []}
    cpu = {"value": [], "point": []}
    for round_ in range(3 + repeats):
        pairs = (("value", by_value), ("point", by_point))
        for name, queries in pairs if round_ % 2 == 0 else pairs[::-1]:
            seconds, cpu_seconds = _script_seconds(next(queries), cpu=True)
            if round_ >= 3:
                runs[name].append(seconds)
                cpu[name].append(cpu_seconds)
    run_value, run_point = (statistics.median(runs[name]) for name in ("value", "point"))
    cpu_value, cpu_point = (statistics.median(cpu[name]) for name in ("value", "point"))
    value_bytes = _value_change(explore_figures(f.bind(b=-0.5), DEFAULT))
    point_bytes = _point_change(explore_figures(f, dataclasses.replace(DEFAULT, x0=0.5)))
    return [
        Row(
            f"Explore run from a link, parameter value changed ({PARAMETRIC})",
            run_value,
            "Explore run from a link, point moved (same f), taking turns",
            run_point,
            "<= 1x (issue 13)",
            run_value <= run_point,
        ),
        Row(
            "the same runs' CPU time in the script's thread, parameter value changed",
            cpu_value,
            "point moved",
            cpu_point,
            "<= 1x (issue 13)",
            cpu_value <= cpu_point,
        ),
        Row(
            "bytes sent for the charts when a parameter changes (bases without z, points, panels)",
            value_bytes,
            "when the point moves (live charts' points + slice panels)",
            point_bytes,
            "",
            None,
            unit="bytes",
        ),
        Row(
            f"Explore's work, parameter value changed ({PARAMETRIC}: bind, grid in the browser)",
            medians["value"],
            "Explore's work, point moved (same f), taking turns",
            medians["point"],
            "",
            None,
        ),
        Row(
            "Explore's work, parameter value changed",
            medians["value"],
            "the number typed into the formula instead (new formula: worker + grid)",
            medians["typed"],
            "< 1x",
            medians["value"] < medians["typed"],
        ),
        Row(
            "Function.bind alone (a new value, no SymPy work)",
            medians["bind"],
            "Explore's work, point moved",
            medians["point"],
            "",
            None,
        ),
    ]


def explore_rows() -> list[Row]:
    # Streamlit warns about bare mode and caches without a server; the timings do not need one.
    logging.getLogger("streamlit").setLevel(logging.ERROR)
    repeats = 15
    base = to_query(DEFAULT)
    points = [base | {"x0": f"{x:.2f}"} for x in np.linspace(-2.5, 2.5, repeats + 2)]
    functions = [base | {"f": f"x^2 y + y^3 + {k} sin(x) y"} for k in range(1, repeats + 3)]
    warm = _median_run(iter(points))
    fresh = _median_run(iter(functions))

    f = function_for(DEFAULT.f)
    moved = itertools.cycle(dataclasses.replace(DEFAULT, x0=float(q["x0"])) for q in points)
    figures_alone = median_seconds(lambda: _sent(explore_figures(f, next(moved)).all()), repeats)
    drawn = explore_figures(f, DEFAULT).all()
    sent = _sent(drawn)
    naive = sum(len(_as_plain_lists(figure)) for figure in drawn)
    everything = dataclasses.replace(DEFAULT, field=True, plane=True)
    sent_everything = _sent(explore_figures(f, everything).all())
    at = explore_figures(f, dataclasses.replace(DEFAULT, x0=0.5, y0=-1.0))
    point_change = _point_change(at)
    return [
        *_parameter_rows(repeats),
        Row(
            "Explore run, point moved (cached f and grid)",
            warm,
            "its figure work alone (core calls, figures, JSON)",
            figures_alone,
            f"<= {WARM_TARGET * 1000:.0f} ms",
            warm <= WARM_TARGET,
        ),
        Row(
            "Explore run, new function (worker + grid + figures)",
            fresh,
            "Explore run, point moved (cached)",
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
            "bytes sent for the charts when the point moves (live charts' points + slice panels)",
            point_change,
            "all four figures (what a point move sent before the live charts)",
            sent,
            f"<= {POINT_BYTES_TARGET // 1000} KB",
            point_change <= POINT_BYTES_TARGET,
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
