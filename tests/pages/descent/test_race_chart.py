"""The race chart's Python side: what it accepts from the browser, and when the browser redraws."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pages.descent.race_chart import parse_click, revision

WINDOW = ((-3.0, 3.0), (-2.0, 2.0))


def test_a_click_inside_the_window_is_taken_as_it_is():
    assert parse_click({"x": 1.25, "y": -0.5}, *WINDOW) == (1.25, -0.5)
    assert parse_click({"x": 1, "y": 2}, *WINDOW) == (1.0, 2.0)


def test_a_click_outside_the_window_is_kept_at_its_edge():
    assert parse_click({"x": 10.0, "y": -1e300}, *WINDOW) == (3.0, -2.0)


@pytest.mark.parametrize(
    "payload",
    [
        None,
        "1,2",
        [1.0, 2.0],
        {},
        {"x": 1.0},
        {"x": "1", "y": "2"},
        {"x": True, "y": False},
        {"x": math.nan, "y": 0.0},
        {"x": 0.0, "y": math.inf},
        {"x": {"__class__": 1}, "y": 0.0},
        {"x": [1.0], "y": 0.0},
    ],
)
def test_anything_but_two_finite_numbers_is_ignored(payload):
    assert parse_click(payload, *WINDOW) is None


@given(st.floats(allow_nan=False, allow_infinity=False), st.floats(allow_nan=False))
def test_an_accepted_click_is_always_inside_the_window(x, y):
    at = parse_click({"x": x, "y": y}, *WINDOW)
    if at is None:
        assert not math.isfinite(y)
        return
    assert WINDOW[0][0] <= at[0] <= WINDOW[0][1] and WINDOW[1][0] <= at[1] <= WINDOW[1][1]


def test_the_revision_names_the_base_figure():
    assert revision('{"data": []}') == revision('{"data": []}')
    assert revision('{"data": []}') != revision('{"data": [{}]}')
