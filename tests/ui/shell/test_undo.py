"""Undo a point move (issue 14): the sidebar keeps the points a session visited and its button
goes back one at a time, whichever way the point moved."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from tests.apptest import open_page, rerun
from ui.shell.sidebar import HISTORY_LENGTH, remembered

points = st.tuples(st.integers(-3, 3).map(float), st.integers(-3, 3).map(float))


def test_a_point_is_added_once_and_the_oldest_go_beyond_the_length():
    assert remembered([], (1.0, 2.0)) == [(1.0, 2.0)]
    assert remembered([(1.0, 2.0)], (1.0, 2.0)) == [(1.0, 2.0)]  # a rerun at the same point
    assert remembered([(1.0, 2.0)], (0.5, 2.0)) == [(1.0, 2.0), (0.5, 2.0)]
    many = [(float(n), 0.0) for n in range(HISTORY_LENGTH)]
    assert remembered(many, (-1.0, 0.0)) == [*many[1:], (-1.0, 0.0)]


@given(st.lists(points, max_size=80))
def test_the_history_never_repeats_a_point_twice_in_a_row_and_ends_at_the_last(moves):
    history: list[tuple[float, float]] = []
    for point in moves:
        history = remembered(history, point)
    assert len(history) <= HISTORY_LENGTH
    assert all(a != b for a, b in itertools.pairwise(history))
    if moves:
        assert history[-1] == moves[-1]


def point(app) -> tuple[float, float]:
    return app.number_input(key="x0").value, app.number_input(key="y0").value


def undo_once(app) -> None:
    app.button(key="undo_point").click()
    rerun(app)


def test_undo_goes_back_through_the_points_visited_then_stops():
    app = open_page("app.py", {"x0": "0.5", "y0": "-1"})
    undo = app.button(key="undo_point")
    assert undo.disabled  # nothing to undo yet
    for x, y in ((1.0, 1.0), (2.0, -2.0)):
        app.number_input(key="x0").set_value(x)
        app.number_input(key="y0").set_value(y)
        rerun(app)
    assert point(app) == (2.0, -2.0)
    undo_once(app)
    assert point(app) == (1.0, 1.0)
    assert app.query_params["x0"] in ("1", "1.0")  # the link follows
    undo_once(app)
    assert point(app) == (0.5, -1.0)  # x and y typed before one run: one move
    assert app.button(key="undo_point").disabled
