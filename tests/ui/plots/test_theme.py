"""The dark theme and the text scale (ui.plots.theme): every text in a chart reads at 4.5:1 or
more in both themes (WCAG's contrast ratio, computed from the colours the figure holds), the
palette keeps its colour-blind spacing in the dark, and rewriting never touches the cached
figure."""

from __future__ import annotations

import copy
import itertools
import json

import plotly.io as pio
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.ui.plots.test_colours import DISTINCT, VISION, seen
from tests.ui.plots.test_figures import POLY, all_figures, scene
from ui.plots import colours
from ui.plots.colours import DARK_PAPER, PALETTE, TEXT_CONTRAST, contrast_ratio, on_dark
from ui.plots.theme import DARK, LIGHT, PLAIN, Look, as_hex, themed, themed_json

PAPER = {LIGHT: "#ffffff", DARK: DARK_PAPER}
LOOKS = [Look(LIGHT, 1.0), Look(LIGHT, 1.5), Look(DARK, 1.0), Look(DARK, 1.25)]


def text_colours(value, path=()):
    """(path, colour) of every font colour in a figure's JSON, except on a colour scale (a
    contour's labels sit on the map's own colours, the same in both themes)."""
    if isinstance(value, dict):
        for key, part in value.items():
            if key == "contours":
                continue
            if key == "color" and path and path[-1].endswith("font") and isinstance(part, str):
                yield path, part
            yield from text_colours(part, (*path, key))
    elif isinstance(value, list):
        for part in value:
            yield from text_colours(part, path)


def figure_json(figure) -> dict:
    return json.loads(pio.to_json(figure, validate=False) if hasattr(figure, "data") else
                      json.dumps(figure))  # fmt: skip


@pytest.fixture(scope="module")
def explore_figures():
    return all_figures(scene(POLY, 2.0, 1.0), field=True)


@pytest.mark.parametrize("look", LOOKS, ids=str)
def test_every_text_in_explores_charts_reads_at_4_5(explore_figures, look):
    for figure in explore_figures:
        drawn = figure_json(themed(figure, look))
        layout = drawn["layout"]
        paper = as_hex(layout.get("paper_bgcolor", "#ffffff"))[0]
        assert paper == PAPER[look.theme]
        found = list(text_colours(drawn))
        assert found, "every figure names its text colour"
        for path, colour in [(("layout", "font"), layout["font"]["color"]), *found]:
            hex_colour, alpha = as_hex(colour)
            assert alpha == 1.0, path
            assert contrast_ratio(hex_colour, paper) >= TEXT_CONTRAST, (path, colour, look)


def test_the_dark_palette_reads_and_stays_apart_under_colour_blindness():
    dark = {name: on_dark(colour) for name, colour in PALETTE.items()}
    for name, colour in dark.items():
        assert contrast_ratio(colour, DARK_PAPER) >= TEXT_CONTRAST, name
    lines = {name: colour for name, colour in dark.items() if name != "point"}
    for vision in VISION:
        for (a, first), (b, second) in itertools.combinations(lines.items(), 2):
            distance = float(((seen(first, vision) - seen(second, vision)) ** 2).sum() ** 0.5)
            assert distance >= DISTINCT, (vision, a, b, distance)


@given(st.integers(0, 0xFFFFFF))
def test_on_dark_always_reads_and_only_lightens(value):
    colour = f"#{value:06x}"
    lighter = on_dark(colour)
    assert contrast_ratio(lighter, DARK_PAPER) >= colours.DARK_TARGET - 1e-9
    if contrast_ratio(colour, DARK_PAPER) >= colours.DARK_TARGET and len(set(colour[1:])) > 1:
        assert lighter == colour  # already readable: untouched
    assert colours.relative_luminance(lighter) >= min(colours.relative_luminance(colour), 0.25)


def test_textbook_greys_are_mirrored():
    assert on_dark("#111111") == "#eeeeee"
    assert on_dark("#444444") == "#bbbbbb"
    assert on_dark("#ffffff") == "#ffffff"


def test_rewriting_leaves_the_cached_figure_as_it_was(explore_figures):
    before = [pio.to_json(figure) for figure in explore_figures]
    for figure, look in itertools.product(explore_figures, LOOKS):
        themed(figure, look)
    assert [pio.to_json(figure) for figure in explore_figures] == before
    assert themed(explore_figures[0], PLAIN) is explore_figures[0]


def test_the_text_scale_multiplies_every_font_and_the_margins(explore_figures):
    slice_figure = figure_json(explore_figures[2])
    larger = figure_json(themed(explore_figures[2], Look(LIGHT, 1.5)))
    assert larger["layout"]["font"]["size"] == pytest.approx(
        1.5 * slice_figure["layout"]["font"]["size"]
    )
    sizes = [(path, part) for path, part in sizes_of(slice_figure)]
    assert sizes
    assert sorted(p for _, p in sizes_of(larger)) == pytest.approx(
        sorted(1.5 * p for _, p in sizes)
    )
    for side in "lrtb":
        if side in slice_figure["layout"].get("margin", {}):
            assert larger["layout"]["margin"][side] == round(
                1.5 * slice_figure["layout"]["margin"][side]
            )


def sizes_of(value, path=()):
    if isinstance(value, dict):
        for key, part in value.items():
            if (
                key == "size"
                and path
                and path[-1].endswith("font")
                and isinstance(part, int | float)
            ):
                yield path, part
            yield from sizes_of(part, (*path, key))
    elif isinstance(value, list):
        for part in value:
            yield from sizes_of(part, path)


def test_json_text_is_rewritten_the_same_way(explore_figures):
    text = pio.to_json(explore_figures[1], validate=False)
    look = Look(DARK, 1.25)
    assert json.loads(themed_json(text, look)) == figure_json(themed(json.loads(text), look))
    assert themed_json(text, PLAIN) is text
    traces = json.dumps([{"type": "scatter", "line": {"color": colours.X_SLICE}}])
    assert json.loads(themed_json(traces, look))[0]["line"]["color"] == on_dark(colours.X_SLICE)


def test_backgrounds_turn_dark_and_translucent_shades_stay():
    figure = {
        "data": [{"type": "scatter", "fillcolor": "rgba(0, 114, 178, 0.08)",
                  "marker": {"color": "#111111", "line": {"color": "white"}}}],
        "layout": {"paper_bgcolor": "white", "legend": {"bgcolor": "rgba(255, 255, 255, 0.8)"},
                   "xaxis": {"gridcolor": "#d9d9d9"}},
    }  # fmt: skip
    original = copy.deepcopy(figure)
    drawn = themed(figure, Look(DARK))
    assert figure == original
    assert drawn["layout"]["paper_bgcolor"] == DARK_PAPER
    assert drawn["layout"]["legend"]["bgcolor"] == "rgba(14, 17, 23, 0.8)"
    assert drawn["layout"]["xaxis"]["gridcolor"] == colours.DARK_GRID
    trace = drawn["data"][0]
    assert trace["fillcolor"] == "rgba(0, 114, 178, 0.08)"
    assert trace["marker"]["color"] == "#eeeeee"
    assert trace["marker"]["line"]["color"] == "white"  # the ring around a point


def test_a_chart_on_its_own_light_picture_keeps_its_trace_colours():
    figure = {
        "data": [{"type": "scatter", "marker": {"color": "#333333"}, "line": {"color": "#2f4f4f"}}],
        "layout": {"paper_bgcolor": "white", "font": {"color": "#111111", "size": 16}},
    }
    drawn = themed(figure, Look(DARK, 1.0, recolour_traces=False))
    assert drawn["data"] == figure["data"]
    assert drawn["layout"]["paper_bgcolor"] == DARK_PAPER
    assert drawn["layout"]["font"]["color"] == "#eeeeee"
