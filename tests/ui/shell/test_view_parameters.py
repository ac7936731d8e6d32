"""ui.shell.view's parameters (issue 13): each parameter's value and slider range in the link,
restored as they were, and a bad value or range replaced by its default with a notice."""

from __future__ import annotations

import dataclasses
from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core import PARAMETER_NAMES, Function
from ui.shell.presets import PRESETS
from ui.shell.view import (
    DEFAULT,
    DEFAULT_SLIDERS,
    PARAMETER_RANGE,
    from_query,
    parameter_values,
    range_key,
    range_problem,
    share_link,
    slider,
    to_query,
    value_key,
)


def test_a_default_view_adds_nothing_to_the_link():
    assert not any(key.startswith("p_") for key in to_query(DEFAULT))
    assert set(parameter_values(DEFAULT)) == set(PARAMETER_NAMES)
    assert slider(DEFAULT, "b") == (1.0, -5.0, 5.0, 0.1)


def test_a_link_restores_values_and_ranges():
    query = {"f": "a x^2 + b y^2", "p_b": "-0.3", "p_b_range": "-2,2,0.05", "p_lambda": "2.5"}
    view, notices = from_query(query)
    assert notices == []
    assert slider(view, "b") == (-0.3, -2.0, 2.0, 0.05)
    assert slider(view, "a") == (1.0, *PARAMETER_RANGE)
    assert parameter_values(view)["lambda"] == 2.5
    assert to_query(view) == {"x0": "2", "y0": "1", **query}


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ({"p_b": "abc"}, "p_b = “abc” is not a number; using 1."),
        ({"p_b": "nan"}, "is not a finite number"),
        ({"p_b": "1e400"}, "is not a finite number"),
        ({"p_b": "1e9"}, "is beyond"),
        ({"p_b_range": "2,-2,0.1"}, "is empty or reversed"),
        ({"p_b_range": "-2,2"}, "is not three numbers"),
        ({"p_b_range": "-2,2,0"}, "step that is not positive"),
        ({"p_b_range": "-2,2,5"}, "step larger than the range"),
        ({"p_b_range": "0,1,1e-9"}, "more than 100,000 steps"),
        ({"p_b_range": "<script>,1,1"}, "is not a number"),
    ],
)
def test_a_bad_value_or_range_falls_back_with_a_notice(query, words):
    view, notices = from_query({"f": "a x^2 + b y^2", **query})
    assert len(notices) == 1 and words in notices[0]
    assert slider(view, "b") == (1.0, *PARAMETER_RANGE)
    Function(view.f, parameters=parameter_values(view))  # still a usable function


def test_a_value_outside_its_range_widens_the_range_and_says_so():
    view, notices = from_query({"p_b": "7", "p_b_range": "-2,2,0.1"})
    assert slider(view, "b") == (7.0, -2.0, 7.0, 0.1)
    assert "outside its slider's range [-2, 2]" in notices[0]


def test_parameters_never_collide_with_other_link_settings():
    keys = {key for name in PARAMETER_NAMES for key in (value_key(name), range_key(name))}
    assert all(key.startswith("p_") for key in keys)
    assert "alpha" not in keys  # Descent's own alpha (RMSprop) keeps its name


@st.composite
def slider_settings(draw):
    changed = {}
    for name in draw(st.lists(st.sampled_from(PARAMETER_NAMES), max_size=4, unique=True)):
        low = draw(st.floats(-1000, 999, allow_nan=False))
        high = draw(st.floats(low + 0.5, 1000))
        step = draw(st.floats(1e-2, 0.5))
        value = draw(st.floats(low, high))
        if range_problem(low, high, step) is None:
            changed[value_key(name)] = value + 0.0
            changed[range_key(name)] = (low + 0.0, high + 0.0, step)
    return dataclasses.replace(DEFAULT_SLIDERS, **changed)


@given(slider_settings())
def test_sliders_survive_their_link(sliders):
    view = dataclasses.replace(DEFAULT, f="a x + b y + lambda", parameters=sliders)
    link = share_link("https://example.org/explore", view)
    query = {key: found[-1] for key, found in parse_qs(urlsplit(link).query).items()}
    restored, notices = from_query(query)
    assert notices == []
    assert restored == view


def test_parametric_presets_tell_their_story_and_build():
    parametric = [preset for preset in PRESETS if preset.parameters]
    assert len(parametric) >= 3
    texts = {preset.f for preset in parametric}
    assert {"a x^2 + b y^2", "x^2 + b y^2", "x^2 - y^2 + c x"} <= texts
    for preset in parametric:
        f = Function(preset.f)
        assert {name for name, *_ in preset.parameters} == set(f.parameters)
        for _, value, *given_range in preset.parameters:
            low, high, step = given_range or PARAMETER_RANGE
            assert range_problem(low, high, step) is None and low <= value <= high
        assert preset.story.endswith(".") and len(preset.story) < 260
