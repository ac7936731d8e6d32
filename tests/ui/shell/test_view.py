"""ui.shell.view: a link restores the view it was made from, and a bad link still opens a
usable page."""

from __future__ import annotations

import dataclasses
import math
from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.grid import check_window
from ui.shell.presets import PRESETS
from ui.shell.view import (
    DEFAULT,
    MAX_COORDINATE,
    MAX_RESOLUTION,
    MIN_RESOLUTION,
    View,
    from_query,
    share_link,
    to_query,
)

coordinates = st.floats(-MAX_COORDINATE, MAX_COORDINATE, allow_nan=False)


@st.composite
def views(draw):
    xmin, ymin = draw(coordinates), draw(coordinates)
    xmax = draw(st.floats(xmin + max(1e-3, abs(xmin) * 1e-6), MAX_COORDINATE + 10))
    ymax = draw(st.floats(ymin + max(1e-3, abs(ymin) * 1e-6), MAX_COORDINATE + 10))
    return View(
        f=draw(st.text(min_size=1, max_size=80).filter(str.strip)),
        x0=draw(coordinates),
        y0=draw(coordinates),
        xmin=xmin,
        xmax=min(xmax, MAX_COORDINATE),
        ymin=ymin,
        ymax=min(ymax, MAX_COORDINATE),
        resolution=draw(st.sampled_from(range(MIN_RESOLUTION, MAX_RESOLUTION + 1, 10))),
        plane=draw(st.booleans()),
        slices=draw(st.booleans()),
        field=draw(st.booleans()),
        quiz=draw(st.booleans()),
    )


@given(views())
def test_a_view_survives_its_link(view):
    link = share_link("https://example.org/derivatives", view)
    query = {key: values[-1] for key, values in parse_qs(urlsplit(link).query).items()}
    restored, notices = from_query(query)
    if view.xmin < view.xmax and view.ymin < view.ymax:
        try:
            check_window(view.xlim, view.ylim)
        except ValueError:
            return  # a window too narrow for float64: covered by the hostile tests below
        assert notices == []
        assert restored == view


def test_the_default_link_is_short_and_explicit_about_function_and_point():
    assert to_query(DEFAULT) == {"f": "x^2 y + y^3", "x0": "2", "y0": "1"}
    assert from_query({}) == (DEFAULT, [])


def test_only_changed_fields_are_added_to_the_link():
    view = dataclasses.replace(DEFAULT, plane=True, resolution=150, xmin=-1.5)
    assert to_query(view) == {
        "f": "x^2 y + y^3",
        "x0": "2",
        "y0": "1",
        "xmin": "-1.5",
        "res": "150",
        "plane": "1",
    }


def test_share_link_replaces_any_query_the_base_url_has():
    link = share_link("http://host:8501/?f=old", DEFAULT)
    assert link.startswith("http://host:8501/?f=")
    assert "old" not in link


def test_a_list_valued_parameter_uses_its_last_value():
    view, notices = from_query({"x0": ["1", "3"]})
    assert (view.x0, notices) == (3.0, [])


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ({"x0": "abc"}, ["x0", "abc", "not a number", "using 2"]),
        ({"x0": "nan"}, ["x0", "not a finite number"]),
        ({"y0": "1e400"}, ["y0", "not a finite number", "using 1"]),
        ({"y0": "-inf"}, ["y0", "not a finite number"]),
        ({"x0": "1e7"}, ["x0", "beyond"]),
        ({"xmin": "5", "xmax": "-5"}, ["x window [5, -5]", "reversed", "[-3, 3]"]),
        ({"ymin": "2", "ymax": "2"}, ["y window", "empty"]),
        ({"xmin": "1", "xmax": "1.0000000000000002"}, ["x window", "too narrow"]),
        ({"res": "99999"}, ["res", f"using {MAX_RESOLUTION}"]),
        ({"res": "-5"}, ["res", f"using {MIN_RESOLUTION}"]),
        ({"res": "nan"}, ["res", "not a finite number"]),
        ({"res": "lots"}, ["res", "not a number"]),
        ({"plane": "maybe"}, ["plane", "not on or off"]),
        ({"quiz": "__import__"}, ["quiz", "__import__", "not on or off", "no quiz"]),
        ({"f": ""}, ["f", "empty"]),
        ({"f": "x" * 5000}, ["f", "longer than 500"]),
    ],
)
def test_a_bad_field_is_replaced_by_its_default_and_explained(query, words):
    view, notices = from_query(query)
    assert len(notices) == 1, notices
    for word in words:
        assert word in notices[0], (word, notices[0])
    assert len(notices[0]) < 250  # a sentence, not the hostile payload echoed back
    # Whatever was refused is back at its default: the page is usable.
    for name in ("x0", "y0", "xmin", "xmax", "ymin", "ymax", "f"):
        value = getattr(view, name)
        if isinstance(value, float):
            assert math.isfinite(value) and abs(value) <= MAX_COORDINATE
    check_window(view.xlim, view.ylim)
    assert MIN_RESOLUTION <= view.resolution <= MAX_RESOLUTION


def test_a_quiz_link_says_so_and_a_teachers_link_does_not():
    quiz, notices = from_query({"f": "x^2 y", "quiz": "1"})
    assert quiz.quiz and notices == []
    assert to_query(quiz)["quiz"] == "1"
    assert "quiz" not in to_query(dataclasses.replace(quiz, quiz=False))
    garbled, notices = from_query({"f": "x^2", "quiz": "__import__('os')"})
    assert not garbled.quiz and garbled.f == "x^2" and len(notices) == 1


def test_good_fields_survive_beside_bad_ones():
    view, notices = from_query({"x0": "abc", "y0": "-0.5", "plane": "yes", "field": "0"})
    assert (view.x0, view.y0, view.plane, view.field) == (2.0, -0.5, True, False)
    assert len(notices) == 1


def test_hostile_formula_text_is_kept_as_text_for_the_parser_to_refuse():
    # The link layer does not judge formulas: the parser does, with a caret and a hint.
    view, notices = from_query({"f": "__import__('os').system('x')"})
    assert view.f == "__import__('os').system('x')"
    assert notices == []


@given(st.dictionaries(st.sampled_from(["f", "x0", "y0", "xmin", "xmax", "res", "zz"]), st.text()))
def test_any_query_gives_a_drawable_view(query):
    view, notices = from_query(query)
    assert isinstance(view, View) and all(isinstance(n, str) for n in notices)
    check_window(view.xlim, view.ylim)
    assert MIN_RESOLUTION <= view.resolution <= MAX_RESOLUTION
    assert view.f.strip()


def test_notices_do_not_echo_control_characters_or_long_payloads():
    _, notices = from_query({"x0": "\x1b[31m" + "9" * 400})
    assert "\x1b" not in notices[0]
    assert len(notices[0]) < 200


@pytest.mark.parametrize("preset", PRESETS, ids=lambda p: p.name)
def test_every_preset_is_a_valid_view(preset):
    xmin, xmax, ymin, ymax = preset.window
    view = View(f=preset.f, x0=preset.x0, y0=preset.y0, xmin=xmin, xmax=xmax, ymin=ymin, ymax=ymax)
    restored, notices = from_query(to_query(view))
    assert notices == [] and restored == view
    assert view.point_in_window


@given(views(), st.integers(2, 60), st.sampled_from(["auto", "even", "quantile", "log"]))
def test_contour_levels_and_spacing_survive_the_link(view, levels, spacing):
    view = dataclasses.replace(view, levels=levels, spacing=spacing)
    link = share_link("https://example.org/", view)
    query = {key: values[-1] for key, values in parse_qs(urlsplit(link).query).items()}
    restored, _ = from_query(query)
    assert (restored.levels, restored.spacing) == (levels, spacing)


@pytest.mark.parametrize(
    ("query", "expected", "words"),
    [
        ({"levels": "999"}, (60, "auto"), ["levels", "using 60"]),
        ({"levels": "1"}, (2, "auto"), ["levels", "using 2"]),
        ({"levels": "7.5"}, (8, "auto"), ["levels", "whole number"]),
        ({"levels": "nan"}, (16, "auto"), ["levels", "not a finite number", "using 16"]),
        ({"spacing": "<script>"}, (16, "auto"), ["spacing", "not one of auto, even"]),
        ({"spacing": "LOG"}, (16, "log"), []),
    ],
)
def test_bad_contour_settings_fall_back_with_a_notice(query, expected, words):
    view, notices = from_query(query)
    assert (view.levels, view.spacing) == expected
    assert len(notices) == (1 if words else 0)
    for word in words:
        assert word in notices[0], (word, notices[0])


@given(
    views(),
    st.sampled_from(["light", "dark"]),
    st.integers(0, 25).map(lambda step: round(0.75 + 0.05 * step, 2)),
)
def test_theme_and_text_size_survive_the_link(view, theme, font):
    view = dataclasses.replace(view, theme=theme, font=font)
    link = share_link("https://example.org/", view)
    query = {key: values[-1] for key, values in parse_qs(urlsplit(link).query).items()}
    restored, notices = from_query(query)
    assert (restored.theme, restored.font) == (theme, font)
    assert not [notice for notice in notices if "theme" in notice or "font" in notice]
    assert ("theme" in query) == (theme != "light") and ("font" in query) == (font != 1.0)


@pytest.mark.parametrize(
    ("query", "expected", "words"),
    [
        ({"theme": "neon"}, ("light", 1.0), ["theme", "not one of light, dark", "using light"]),
        ({"theme": "<b>dark</b>"}, ("light", 1.0), ["theme", "using light"]),
        ({"theme": "DARK"}, ("dark", 1.0), []),
        ({"font": "99"}, ("light", 2.0), ["font", "from 0.75 to 2", "using 2"]),
        ({"font": "0"}, ("light", 0.75), ["font", "using 0.75"]),
        ({"font": "1.33"}, ("light", 1.35), ["font", "using 1.35"]),
        ({"font": "nan"}, ("light", 1.0), ["font", "not a finite number", "using 1"]),
        ({"font": "1e308"}, ("light", 2.0), ["font", "using 2"]),
    ],
)
def test_a_bad_theme_or_text_size_falls_back_with_a_notice(query, expected, words):
    view, notices = from_query(query)
    assert (view.theme, view.font) == expected
    assert len(notices) == (1 if words else 0)
    for word in words:
        assert word in notices[0], (word, notices[0])
