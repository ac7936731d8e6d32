"""The Derivatives page's pure builders: numbers as words, the estimates table, the error plot and
the difference map, checked against core's own values (no server)."""

from __future__ import annotations

import dataclasses
import itertools
import math
import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from core import Function, error_sweep, estimates
from core.answers import check_partial, difference_map
from pages.derivatives.figures_difference import difference_figure
from pages.derivatives.figures_error import (
    ERROR_FLOOR,
    NARROWEST_PLOT,
    NOTE_CHARACTERS,
    REGIME_LABEL,
    error_figure,
    regime_split,
)
from pages.derivatives.words import (
    NBSP,
    REFUSED_WORDS,
    SCHEME_COLOURS,
    SCHEME_MARKERS,
    SCHEMES,
    UNDEFINED_WORDS,
    broken_latex,
    error_rows,
    error_sentence,
    estimate_table,
    formula,
    full,
    scientific,
    step,
    styled_table,
    visible_length,
)
from tests.ui.plots.test_colours import VISION, seen
from ui.plots.colours import TEXT_CONTRAST, contrast_ratio

ARTICLE = "x^2 y + y^3"


def by_meta(figure) -> dict:
    return {trace.meta: trace for trace in figure.data}


def annotations(figure) -> str:
    """The figure's annotations as read: tags and line breaks (words sized for a phone) out."""
    return " ".join(
        re.sub(r"<[^>]+>", " ", " ".join(a.text for a in figure.layout.annotations)).split()
    )


# --- numbers as words -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (9.1153e-8, f"9.1{NBSP}×{NBSP}10⁻⁸"),
        (2.5e12, f"2.5{NBSP}×{NBSP}10¹²"),
        (1e-7, "10⁻⁷"),
        (0.0, "0"),
        (3.3, "3.3"),
        (math.nan, UNDEFINED_WORDS),
        (math.inf, UNDEFINED_WORDS),
    ],
)
def test_scientific(value, text):
    assert scientific(value) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (4.0, "4"),
        (-0.0, "0"),
        (4.000000091153311, "4.000000091153311"),
        (-2.5, "-2.5"),
        (1e20, f"1{NBSP}×{NBSP}10²⁰"),
        (1.5e-7, f"1.5{NBSP}×{NBSP}10⁻⁷"),
        (math.nan, UNDEFINED_WORDS),
    ],
)
def test_full_keeps_every_digit(value, text):
    assert full(value) == text


@given(st.floats(min_value=1e-300, max_value=1e300))
def test_scientific_reads_back_to_two_digits(value):
    text = scientific(value).replace("−", "-")
    if "10" in text and "×" not in text and "." not in text and text.startswith("10"):
        mantissa, exponent = 1.0, text[2:]
    elif "×" in text:
        mantissa, power = text.split(f"{NBSP}×{NBSP}")
        mantissa, exponent = float(mantissa), power[2:]
    else:
        mantissa, exponent = float(text), "⁰"
    digits = exponent.translate(str.maketrans("⁻⁰¹²³⁴⁵⁶⁷⁸⁹", "-0123456789"))
    assert mantissa * 10.0 ** int(digits) == pytest.approx(value, rel=0.06)


@pytest.mark.parametrize(("h", "text"), [(1e-7, "10⁻⁷"), (1e-20, "10⁻²⁰"), (1e-3, "10⁻³")])
def test_steps(h, text):
    assert step(h) == text
    assert step(3.16e-8) == f"3.2{NBSP}×{NBSP}10⁻⁸"


# --- the table ------------------------------------------------------------------------------------


def test_a_refused_scheme_keeps_its_reason_and_reads_as_words():
    f = Function("atan2(y, x)")
    rows = estimates(f, -1, 0, "y", float(f.derivative_function("y")(-1, 0)))
    refused = {row.scheme: row.refused for row in rows if row.refused}
    assert list(refused) == ["complex-step"] and "2 pi" in refused["complex-step"]
    table = estimate_table(rows, "y")
    row = table[table["Scheme"] == "Complex-step"].iloc[0]
    assert row["Estimate"] == REFUSED_WORDS and row["|Error|"] == "—"


def test_the_table_never_says_nan():
    f = Function("sqrt(-1 - x^2)")  # undefined everywhere
    rows = estimates(f, 2, 1, "x", math.nan, SCHEMES)
    table = estimate_table(rows, "x")
    text = table.to_string().lower()
    assert "nan" not in text and "inf" not in text
    assert set(table["Estimate"]) == {UNDEFINED_WORDS}
    assert set(table["Exact (SymPy)"]) == {UNDEFINED_WORDS}


def test_a_zero_derivative_has_no_relative_error():
    f = Function("y^3")  # df/dx = 0 everywhere
    table = estimate_table(estimates(f, 2, 1, "x", 0.0, SCHEMES), "x")
    assert set(table["Relative"]) == {"—"}
    assert set(table["|Error|"]) == {f"0{NBSP}(exact)"}  # f does not change along x at all


def test_formulas_follow_the_variable():
    assert formula("forward", "y") == "[f(y+h) − f(y)] / h"
    assert formula("complex-step", "x") == "Im f(x+ih) / h"


def test_the_table_and_the_plot_share_each_schemes_colour():
    f = Function(ARTICLE)
    rows = estimates(f, 2, 1, "x", 4.0, SCHEMES)
    html = styled_table(rows, "x").to_html()
    figure = error_figure(error_sweep(f, 2, 1, "x"))
    traces = by_meta(figure)
    for scheme in SCHEMES:
        colour = SCHEME_COLOURS[scheme]
        assert f"color: {colour}" in html
        assert traces[f"error {scheme}"].line.color == colour
        assert traces[f"model {scheme}"].line.color == colour
    assert len(set(SCHEME_COLOURS.values())) == len(SCHEMES)


# --- the error plot ------------------------------------------------------------------------------


def test_the_error_plot_draws_core_sweep_and_model():
    f = Function("exp(x) sin(y)")
    sweep = error_sweep(f, 0.5, 1.0, "x")
    figure = error_figure(sweep)
    traces = by_meta(figure)
    for scheme in SCHEMES:
        measured = traces[f"error {scheme}"]
        assert np.allclose(measured.x, sweep.h)
        assert np.allclose(measured.customdata, sweep.errors[scheme], equal_nan=True)
        model = traces[f"model {scheme}"]
        assert model.line.dash == "dash" and model.line.width < measured.line.width
        expected = np.maximum(sweep.predicted_error(scheme, sweep.h), ERROR_FLOOR)
        assert np.allclose(model.y, expected)
        best = traces[f"best {scheme}"]
        assert best.x == (sweep.best_h[scheme],) and best.marker.symbol == "star"
    # The forward difference's V: both regimes, split where the model's two errors cross,
    # which for an O(h) scheme is also where their sum is smallest.
    split = regime_split(sweep)
    assert split == pytest.approx(sweep.predicted_best_h("forward"), rel=0.1)
    rects = [shape for shape in figure.layout.shapes if shape.type == "rect"]
    assert [(r.x0, r.x1) for r in rects] == [(sweep.h.min(), split), (split, sweep.h.max())]
    for h in (split * 1.05, split * 10):
        assert sweep.truncation_error("forward", h) > sweep.roundoff_error("forward", h)
    for h in (split / 1.05, split / 10):
        assert sweep.roundoff_error("forward", h) > sweep.truncation_error("forward", h)
    words = annotations(figure)
    assert "round-off dominates" in words and "truncation dominates" in words
    lines = [shape for shape in figure.layout.shapes if shape.type == "line"]
    assert [line.x0 for line in lines] == [1e-7]
    assert figure.layout.xaxis.type == "log" and figure.layout.yaxis.type == "log"


def test_exact_hits_sit_on_the_floor_and_the_plot_says_so():
    sweep = error_sweep(Function(ARTICLE), 2, 1, "x")
    assert np.all(sweep.errors["complex-step"] == 0)
    figure = error_figure(sweep)
    shown = by_meta(figure)["error complex-step"]
    assert np.all(np.asarray(shown.y) == ERROR_FLOOR)
    assert np.all(np.asarray(shown.customdata) == 0)  # the hover says 0, not the floor
    assert "Complex-step" in annotations(figure) and "exactly 0" in annotations(figure)
    low = figure.layout.yaxis.range[0]
    assert low < math.log10(ERROR_FLOOR)  # the floor is inside the plot


def test_a_refused_scheme_is_named_in_the_legend_only():
    sweep = error_sweep(Function("atan2(y, x)"), -1, 0, "y")
    assert "complex-step" in sweep.refused
    traces = by_meta(error_figure(sweep))
    assert "error complex-step" not in traces
    assert traces["legend complex-step"].name == "Complex-step: not usable here"
    assert "error central" in traces


def test_nothing_to_plot_is_said_not_drawn():
    sweep = error_sweep(Function("sqrt(-1 - x^2)"), 2, 1, "x")
    figure = error_figure(sweep)
    assert "No scheme gives a number" in annotations(figure)
    assert not [shape for shape in figure.layout.shapes if shape.type == "rect"]
    assert not any(str(trace.meta).startswith("error ") for trace in figure.data)


def test_the_article_line_is_left_out_when_h_is_off_the_sweep():
    sweep = error_sweep(Function(ARTICLE), 2, 1, "x", hs=10.0 ** np.arange(-4, -1))
    figure = error_figure(sweep)
    assert not [shape for shape in figure.layout.shapes if shape.type == "line"]


# --- where an answer differs ---------------------------------------------------------------------


def test_the_difference_map_figure():
    f = Function("sqrt(x y)")
    result = check_partial(f, "x", "sqrt(y)/(2 sqrt(x))", (-2, 2), (-2, 2))
    shown = difference_map(f, result, (-2, 2), (-2, 2), n=21)
    figure = difference_figure(shown, result)
    traces = by_meta(figure)
    assert np.allclose(traces["difference"].z, shown.difference, equal_nan=True)
    undefined = np.asarray(traces["answer undefined"].z, dtype=float)
    assert np.array_equal(np.isfinite(undefined), shown.answer_undefined)
    points = traces["counterexamples"]
    assert len(points.x) == len(result.counterexamples)
    assert list(figure.layout.xaxis.range) == [-2, 2]
    assert figure.layout.yaxis.scaleanchor == "x"


def test_a_difference_map_without_undefined_cells_has_no_grey_layer():
    f = Function(ARTICLE)
    result = check_partial(f, "x", "x^2")
    figure = difference_figure(difference_map(f, result, (-3, 3), (-3, 3), 11), result)
    assert "answer undefined" not in by_meta(figure)
    assert figure.data[0].zmin == 0


@pytest.mark.parametrize("article_h", [1e-7, 1e-12, 1e-3])
def test_the_plots_words_fit_a_phone(article_h):
    """Plotly cannot fit words to the chart's width: on a phone the regimes' one-line labels, the
    article's h and the note ran past the chart's right edge. Each regime's label sits in the
    middle of its regime, one that has room for it on the narrowest plot; the article's h on the
    wider side of its line; the note in short lines."""
    sweep = error_sweep(Function(ARTICLE), 2, 1, "x")
    figure = error_figure(sweep, article_h=article_h)
    low, high = figure.layout.xaxis.range
    rects = [shape for shape in figure.layout.shapes if shape.type == "rect"]
    labels = [a for a in figure.layout.annotations if "dominates" in a.text]
    assert len(labels) == len(rects) == 2
    for label, rect in zip(labels, rects, strict=True):
        left, right = math.log10(rect.x0), math.log10(rect.x1)
        assert label.x == pytest.approx((left + right) / 2) and label.xanchor == "center"
        assert (right - left) / (high - low) * NARROWEST_PLOT >= REGIME_LABEL
        assert all(len(line) <= 12 for line in re.sub(r"<[^>]+>", "\n", label.text).split())
    (article,) = [a for a in figure.layout.annotations if "article" in a.text]
    middle = (low + high) / 2
    assert article.xanchor == ("right" if math.log10(article_h) > middle else "left")
    (note,) = [a for a in figure.layout.annotations if "exactly 0" in a.text]
    lines = note.text.split("<br>")
    assert len(lines) >= 2 and all(len(line) <= NOTE_CHARACTERS for line in lines)
    assert figure.layout.margin.b >= 64 + 20 * len(lines)


def test_a_regime_too_narrow_for_words_is_shaded_but_not_labelled():
    # The article's f along x, with f'' made tiny: truncation overtakes round-off only near
    # h = 0.05, so the truncation regime is a sliver at the right edge of the plot.
    sweep = error_sweep(Function(ARTICLE), 2, 1, "x")
    tiny = dataclasses.replace(sweep, derivatives=sweep.derivatives | {2: 2.3e-12})
    split = regime_split(tiny)
    assert 0.02 < split < 0.1
    figure = error_figure(tiny)
    rects = [shape for shape in figure.layout.shapes if shape.type == "rect"]
    assert [(r.x0, r.x1) for r in rects][-1] == (split, tiny.h.max())
    words = annotations(figure)
    assert "round-off dominates" in words and "truncation dominates" not in words


def test_no_truncation_at_all_is_one_regime():
    sweep = error_sweep(Function("y^3"), 2, 1, "x")  # f does not change along x
    assert regime_split(sweep) == sweep.h.max()
    figure = error_figure(sweep)
    rects = [shape for shape in figure.layout.shapes if shape.type == "rect"]
    assert [(r.x0, r.x1) for r in rects] == [(sweep.h.min(), sweep.h.max())]


def test_regimes_fall_back_to_the_measured_best_h_without_a_model():
    sweep = error_sweep(Function(ARTICLE), 2, 1, "x")
    unknown = dict(sweep.derivatives) | {2: math.nan, 3: math.nan}
    blind = dataclasses.replace(sweep, derivatives=unknown)
    assert regime_split(blind) == sweep.best_h["forward"]


# --- long formulas -------------------------------------------------------------------------------

BEALE = "(1.5 - x + x y)^2 + (2.25 - x + x y^2)^2 + (2.625 - x + x y^3)^2"


def test_a_long_sum_breaks_between_terms_and_keeps_every_term():
    import sympy

    expr = Function(BEALE).derivative("x", "y")
    whole = sympy.latex(expr)
    broken = broken_latex(expr, width=50)
    assert broken.startswith(r"\begin{aligned}") and broken.endswith(r"\end{aligned}")
    body = broken.removeprefix(r"\begin{aligned}").removesuffix(r"\end{aligned}")
    lines = [line.replace(r"&\quad", "").replace("&", "") for line in body.split(r" \\ ")]
    assert len(lines) >= 2
    longest_term = max(visible_length(sympy.latex(t)) for t in expr.as_ordered_terms())
    assert all(visible_length(line) <= 50 + longest_term for line in lines)
    assert "".join(lines).replace(" ", "") == whole.replace(" ", "")


def test_short_formulas_and_products_stay_whole():
    import sympy

    f = Function(ARTICLE)
    assert broken_latex(f.derivative("y")) == "x^{2} + 3 y^{2}"
    product = Function("sin(x) cos(y) exp(x y) (x + y + 1)^3 atan(x^2 + y^2 + 1)").expr
    assert broken_latex(product, width=10) == sympy.latex(product)


def test_visible_length_ignores_markup():
    assert visible_length(r"\left(x^{2} + y\right)") == len("(x2+y)")
    assert visible_length(r"\sin{\left(x \right)}") == len("ab(x)")


def test_scheme_colours_read_as_text_and_survive_colour_blindness():
    for scheme, colour in SCHEME_COLOURS.items():
        assert contrast_ratio(colour) >= TEXT_CONTRAST, scheme
    for vision in VISION:
        for a, b in itertools.combinations(SCHEMES, 2):
            apart = float(
                np.linalg.norm(seen(SCHEME_COLOURS[a], vision) - seen(SCHEME_COLOURS[b], vision))
            )
            assert apart >= 20, f"{a} and {b} under {vision}: {apart:.1f}"


def test_each_scheme_has_its_own_marker():
    assert sorted(SCHEME_MARKERS) == sorted(SCHEMES)
    assert len(set(SCHEME_MARKERS.values())) == len(SCHEMES)


def test_the_error_plot_in_words_and_its_table_of_powers_of_ten():
    sweep = error_sweep(Function("x^2 y + y^3"), 2, 1, "x")
    words = error_sentence(sweep, 2, 1)
    assert words.startswith("Log-log plot of |estimate − exact| of ∂f/∂x at (2, 1)")
    assert "the exact value is 4." in words
    best = sweep.best_h["forward"]
    forward = scientific(sweep.best_error["forward"])
    assert f"Forward: smallest error {forward} at h ≈ {step(best)}." in words
    rows = error_rows(sweep)
    assert [row["h"] for row in rows] == [step(10.0**-k) for k in range(1, 17)]
    assert rows[0]["Complex-step"] == "0"  # no subtraction: exact for a polynomial
