"""Explore's work without a server: the live charts' base is the same JSON for the same picture
(kept for every session), and another picture on the same grid gets its own."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest

from core import Function
from pages.explore.work import base_json, explore_figures
from ui.plots.contour import contour_parts
from ui.shell.cache import grid_for
from ui.shell.view import View


def _bases(view: View) -> tuple[str, str]:
    drawn = explore_figures(Function(view.f), view)
    return drawn.surface_live.base["figure"], drawn.contour_live.base["figure"]


def test_a_point_change_gives_the_very_same_base_and_a_new_point_part():
    before = View()
    after = dataclasses.replace(before, x0=-1.3, y0=0.4)
    assert _bases(after)[0] is _bases(before)[0]  # kept, not encoded again
    assert _bases(after)[1] is _bases(before)[1]
    points = [
        explore_figures(Function(v.f), v).contour_live.point["traces"] for v in (before, after)
    ]
    assert points[0] != points[1]


def test_other_levels_on_the_same_grid_are_another_base():
    even = dataclasses.replace(View(), f="(x^2 + y - 11)^2 + (x + y^2 - 7)^2", spacing="even")
    quantile = dataclasses.replace(even, spacing="quantile")
    fewer = dataclasses.replace(even, levels=6)
    maps = {name: _bases(view)[1] for name, view in [("e", even), ("q", quantile), ("f", fewer)]}
    assert len(set(maps.values())) == 3
    contour = json.loads(maps["f"])["data"][0]
    assert contour["ncontours"] == 6


def test_the_memory_is_bounded():
    for k in range(base_json.entries + 5):
        base_json([{"type": "scatter", "x": [k]}], {})
    assert len(base_json._found) == base_json.entries


def _same(a, b) -> bool:
    """Equal figure parts: arrays by their values (NaN equal to NaN), the rest as they are."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return np.array_equal(np.asarray(a), np.asarray(b), equal_nan=True)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[key], b[key]) for key in a)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return a == b


@pytest.mark.parametrize(
    ("f", "spacing"),
    [
        ("(x^2 + y - 11)^2 + (x + y^2 - 7)^2", "auto"),  # quantile levels, labels of its own
        ("x^2 y + b y^3", "quantile"),
        ("x^2 + y^2", "log"),
        ("x^2 y + y^3", "even"),
        ("1/x", "auto"),
    ],
)
def test_the_map_drawn_from_the_levels_placed_once_is_the_map_placed_by_itself(f, spacing):
    """explore_figures places a grid's levels once and hands them to the map (a new grid's had
    been placed twice): the map is the very one contour_parts draws on its own. (The server's
    map: a pole-free parametric formula's is the browser's, test_surface_in_browser.py.)"""
    view = dataclasses.replace(View(), f=f, spacing=spacing)
    function = Function(f).bind(b=-0.4) if "b" in f else Function(f)
    drawn = explore_figures(function, view, browser=False)
    grid = grid_for(function, view.xlim, view.ylim, view.resolution, False)
    height = drawn.contour_parts[1]["height"]
    alone = contour_parts(grid, drawn.point, levels=view.levels, spacing=spacing, height=height)
    assert len(drawn.contour_parts[0]) == len(alone[0])
    assert _same(drawn.contour_parts, alone)
