"""The charts in words (ui/shell/chart_text.py): each sentence names the function, the point and
its values, the kind of point; a curve's course; the data tables' rows. And on every page, each
chart has its words (AppTest): the numbers there are the page's own."""

from __future__ import annotations

import math

import numpy as np
import pytest

from core import Function, point_summary
from tests import apptest
from tests.apptest import chart_words
from ui.shell.chart_text import (
    curve_sentence,
    number,
    point_kind,
    point_rows,
    point_sentence,
    sampled_rows,
    surface_sentence,
)


def test_numbers_read_short_with_a_real_minus_and_words_for_undefined():
    assert number(5.0) == "5"
    assert number(8.06225774829855) == "8.062"
    assert number(-0.5) == "−0.5"
    assert number(-0.0) == "0"
    assert number(math.nan) == number(math.inf) == "undefined"
    assert number(1.5e-9) == "1.5e−09"


def test_the_article_point_names_f_the_gradient_and_says_it_is_not_critical():
    f = Function("x^2 y + y^3")
    sentence = point_sentence(point_summary(f, 2, 1))
    # f = 4 + 1, fx = 2xy = 4, fy = x^2 + 3y^2 = 7, |grad| = sqrt(65)
    assert sentence.startswith("At (2, 1): f = 5, ∇f = (4, 7), |∇f| = 8.062")
    assert f"steepest ascent {math.degrees(math.atan2(7, 4)):.3g}°" in sentence
    assert "not a critical point" in sentence
    whole = surface_sentence(f.canonical_text, (-3, 3), (-2, 2), point_summary(f, 2, 1))
    assert "f(x, y) = x^2*y + y^3" in whole and "from −3 to 3" in whole and "from −2 to 2" in whole


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("x^2 + 3 y^2", "local minimum"),
        ("-(x^2) - y^2 + 4", "local maximum"),
        ("x^2 - y^2", "saddle point"),
        ("x y", "saddle point"),
        ("x^3 + y^3", "cannot decide"),
        ("x^4 + y^4", "cannot decide"),  # a minimum, but the Hessian is 0: the test is silent
    ],
)
def test_the_kind_of_a_critical_point_follows_the_second_derivative_test(text, kind):
    point = point_summary(Function(text), 0, 0)
    assert point.gradient_norm == 0
    assert kind in point_kind(point)
    assert point_kind(point).startswith("a critical point")


def test_an_undefined_point_says_so_instead_of_numbers():
    f = Function("sqrt(x) + y")
    sentence = point_sentence(point_summary(f, -1, 0))
    assert sentence == "At (−1, 0) f is undefined."
    assert "undefined" in point_kind(point_summary(f, -1, 0))


def test_the_point_table_holds_every_value_to_ten_digits():
    rows = point_rows(point_summary(Function("x^2 y + y^3"), 2, 1))
    values = {row["quantity"]: row["value"] for row in rows}
    assert values["f(x₀, y₀)"] == "5" and values["∂f/∂x"] == "4" and values["∂f/∂y"] == "7"
    assert values["|∇f|"] == f"{math.sqrt(65):.10g}"
    assert values["kind of point"].startswith("not a critical point")


@pytest.mark.parametrize("hidden", [frozenset({"x"}), frozenset({"y"}), frozenset({"x", "y"})])
def test_in_a_quiz_the_words_and_the_table_keep_the_partials_out(hidden):
    """Either partial still hidden: no ∇f, no length or angle, no kind of point (each tells the
    partials); f at the point stays."""
    point = point_summary(Function("x^2 y + y^3"), 2, 1)
    sentence = point_sentence(point, hidden)
    assert sentence.startswith("At (2, 1): f = 5;") and "hidden until they are answered" in sentence
    for leak in ("∇f", "4", "7", "8.062", "steepest", "critical"):
        assert leak not in sentence.removeprefix("At (2, 1): f = 5;"), leak
    whole = surface_sentence("x^2*y + y^3", (-3, 3), (-2, 2), point, hidden)
    assert "(4, 7)" not in whole and "8.062" not in whole
    rows = {row["quantity"]: row["value"] for row in point_rows(point, hidden)}
    assert rows == {"x₀": "2", "y₀": "1", "f(x₀, y₀)": "5"}


def test_a_curve_says_where_it_is_lowest_and_highest_and_its_slope_at_the_point():
    t = np.linspace(-1, 2, 301)
    words = curve_sentence("The slice f(x, 1)", "x", t, t**2, 0.5, 0.25, ("∂f/∂x", 1.0))
    assert words.startswith("The slice f(x, 1) for x from −1 to 2:")
    assert "lowest 0 at x = 0" in words and "highest 4 at x = 2" in words
    assert words.endswith("At x = 0.5 it is 0.25, slope ∂f/∂x = 1.")


def test_a_curve_with_holes_says_how_much_is_undefined():
    t = np.linspace(-1, 1, 101)
    with np.errstate(invalid="ignore"):
        values = np.sqrt(t)
    words = curve_sentence("f", "x", t, values)
    assert "lowest 0 at x = 0" in words and "highest 1 at x = 1" in words
    assert "Undefined on 50% of it." in words
    nowhere = curve_sentence("f", "x", t, np.full(101, np.nan))
    assert nowhere == "f for x from −1 to 1: undefined everywhere."


def test_sampled_rows_are_evenly_spaced_and_keep_both_ends():
    t = np.linspace(0, 10, 201)
    rows = sampled_rows(t, 2 * t, "x", "f")
    assert len(rows) == 11
    assert [row["x"] for row in rows] == [str(k) for k in range(11)]
    assert [row["f"] for row in rows] == [str(2 * k) for k in range(11)]
    assert len(sampled_rows(t[:3], t[:3], "x", "f")) == 3
    assert sampled_rows([], [], "x", "f") == []


# --- on the pages --------------------------------------------------------------------------------


def test_explore_names_the_point_and_its_values_on_every_chart():
    app = apptest.open_page("app.py", {"f": "x^2 y + y^3", "x0": "2", "y0": "1"})
    words = chart_words(app)
    assert len(words) == 4  # the surface, the map, two slice panels
    surface, contour, x_slice, y_slice = words
    for sentence in (surface, contour):
        assert "f(x, y) = x^2*y + y^3" in sentence
        assert "At (2, 1): f = 5, ∇f = (4, 7)" in sentence
    assert "The level curve through the point is f = 5." in contour
    # f(x, 1) = x^2 + 1 on the window's x range [-3, 3]: lowest 1 near x = 0 (the sample closest
    # to it), highest 10 at an end, 5 and slope 4 at x = 2
    assert x_slice.startswith("The slice f(x, 1) for x from −3 to 3: lowest 1 at x = ")
    lowest_at = float(x_slice.split("lowest 1 at x = ")[1].split(",")[0].replace("−", "-"))
    assert abs(lowest_at) < 0.05
    assert "highest 10 at x = " in x_slice and "At x = 2 it is 5, slope ∂f/∂x = 4." in x_slice
    assert y_slice.startswith("The slice f(2, y)") and "slope ∂f/∂y = 7." in y_slice
    labels = [e.label for e in app.expander]
    assert "Data table: the point" in labels and "Data table: the slice f(x, 1)" in labels


def test_explore_at_a_minimum_says_so():
    app = apptest.open_page("app.py", {"f": "x^2 + y^2", "x0": "0", "y0": "0"})
    surface = chart_words(app)[0]
    assert "At (0, 0): f = 0, ∇f = (0, 0), |∇f| = 0" in surface
    assert "local minimum" in surface


def test_descent_tells_the_race_the_loss_and_its_tables():
    app = apptest.open_page("pages/descent/page.py", {"f": "x^2 + 10 y^2", "x0": "1", "y0": "1"})
    race, loss = chart_words(app)[:2]
    assert race.startswith("Start (1, 1), f = 11.")
    assert "Gradient descent (lr" in race and "ends at" in race
    assert loss.startswith("f along each racer's path")
    assert "Gradient descent: from 11 to" in loss
    labels = [e.label for e in app.expander]
    assert "Data table: the race" in labels and "Data table: f along each path" in labels


def test_derivatives_describes_the_error_plot_with_the_point():
    app = apptest.open_page("pages/derivatives/page.py", {"f": "x^2 y + y^3", "x0": "2", "y0": "1"})
    (words,) = chart_words(app)
    assert "of ∂f/∂x at (2, 1)" in words and "the exact value is 4" in words
    assert "Forward: smallest error" in words


def test_second_order_describes_every_chart():
    app = apptest.open_page("pages/second_order/page.py", timeout=120)
    words = chart_words(app)
    assert len(words) == 8  # five live charts, the error maps, the profile, the slice along u
    assert sum("At (" in sentence for sentence in words) >= 5
    assert any(sentence.startswith("D_u f against the angle") for sentence in words)
