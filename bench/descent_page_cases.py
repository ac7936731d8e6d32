"""Benchmarks of the Descent page (issue 15): server time of a rerun, bytes sent for a new start.

Server time is measured inside the script (app.py stores each run's duration in session state)
over whole runs of app.py on /descent through Streamlit's AppTest: the sidebar, the page, the race
chart's parts, the loss chart, the tables, with Streamlit's own element encoding, without a
server. "At the default link" is a rerun of a session opened there (every cache warm, as for a
class on one link); "new start" moves x0 and y0 through the sidebar's inputs before each run, so
the race and its chart part are computed anew.

Bytes: the element messages of a run after the start moved that differ from every element of the
run before (Streamlit sends a short reference for an element it already sent unchanged).

Baseline, in the same run: the race chart as the page drew it before the race chart component,
one go.Figure with Plotly frames handed to st.plotly_chart (its figure built, copied by to_dict and
encoded with plotly.io.to_json, as st.plotly_chart does), for the same race.
"""

from __future__ import annotations

import itertools
import logging
import statistics
from pathlib import Path

import plotly.graph_objects as go
import plotly.io as pio
from plotly.tools import return_figure_from_figure_or_data
from streamlit.testing.v1 import AppTest

from core import Function, evaluate_grid, race
from pages.descent.race import race_figure
from pages.descent.runner import Runner
from pages.descent.settings import DEFAULT
from ui.shell.sidebar import RUN_CPU_SECONDS, RUN_SECONDS

from .timing import Row, median_seconds

APP = Path(__file__).resolve().parents[1] / "app.py"
RERUN_TARGET, START_BYTES_TARGET = 0.040, 300_000
ARTICLE, START = "x^2 y + y^3", (2.0, 1.0)
REPEATS = 15


def _descent() -> AppTest:
    """A session on /descent opened from the default link, run once."""
    app = AppTest.from_file(str(APP), default_timeout=120)
    app.run()
    app.switch_page("pages/descent/page.py")
    app.run()
    if app.exception:
        raise RuntimeError(f"/descent failed: {app.exception[0].value}")
    return app


def _elements(node):
    children = getattr(node, "children", None)
    for child in children.values() if isinstance(children, dict) else ():
        if getattr(child, "proto", None) is not None and not isinstance(child.proto, str):
            yield child.proto.SerializeToString()
        yield from _elements(child)


def _run_seconds(app: AppTest) -> float:
    app.run()
    if app.exception:
        raise RuntimeError(f"/descent failed: {app.exception[0].value}")
    return app.session_state[RUN_SECONDS]


def _old_route_inputs():
    f = Function(ARTICLE)
    grid = evaluate_grid(f, (-3, 3), (-3, 3), 100).as_float32()
    results = race(f, START, DEFAULT.race(), DEFAULT.steps)
    runners = [Runner(key, result) for key, result in zip(DEFAULT.racers, results, strict=True)]
    return grid, runners, float(f(*START))


def descent_page_rows() -> list[Row]:
    logging.getLogger("streamlit").setLevel(logging.ERROR)
    app = _descent()
    for _ in range(2):
        _run_seconds(app)
    reruns, rerun_cpu = [], []
    for _ in range(REPEATS):
        reruns.append(_run_seconds(app))
        # The script thread's CPU time: what a loaded machine's waits do not add to.
        rerun_cpu.append(app.session_state[RUN_CPU_SECONDS])
    rerun = statistics.median(reruns)
    cpu = statistics.median(rerun_cpu)

    before = set(_elements(app._tree))
    starts = itertools.cycle([(x, y) for x in (-2.5, -1.5, 0.5, 1.5) for y in (-2.0, -0.5, 1.5)])
    moved_seconds, moved_bytes = [], []
    for _ in range(REPEATS):
        x, y = next(starts)
        app.number_input(key="x0").set_value(x)
        app.number_input(key="y0").set_value(y)
        moved_seconds.append(_run_seconds(app))
        now = list(_elements(app._tree))
        moved_bytes.append(sum(len(element) for element in now if element not in before))
        before = set(now)
    new_start = statistics.median(moved_seconds)
    sent = statistics.median(moved_bytes)

    grid, runners, value = _old_route_inputs()

    def old_route() -> str:
        figure = go.Figure(race_figure(grid, runners, START, value))
        return pio.to_json(return_figure_from_figure_or_data(figure, True), validate=False)

    old_seconds = median_seconds(old_route, repeats=7, warmup=1)
    old_bytes = len(old_route())
    return [
        Row(
            "Descent rerun at the default link (server time of a run, warm caches)",
            rerun,
            "the race chart alone as before: one go.Figure with frames through st.plotly_chart",
            old_seconds,
            f"<= {RERUN_TARGET * 1000:.0f} ms",
            rerun <= RERUN_TARGET,
        ),
        Row(
            "the same reruns' CPU time in the script's thread",
            cpu,
            "the race chart alone as before",
            old_seconds,
            f"<= {RERUN_TARGET * 1000:.0f} ms",
            cpu <= RERUN_TARGET,
        ),
        Row(
            "Descent run after the start moved (a new race: computed, not cached)",
            new_start,
            "Descent rerun at the default link",
            rerun,
            "",
            None,
        ),
        Row(
            "Descent: bytes of the elements that change when the start moves",
            sent,
            "the race chart alone as before (go.Figure with frames)",
            old_bytes,
            f"<= {START_BYTES_TARGET // 1000} KB",
            sent <= START_BYTES_TARGET,
            unit="bytes",
        ),
    ]
