"""Explore's work without a server: the live charts' base is the same JSON for the same picture
(kept for every session), and another picture on the same grid gets its own."""

from __future__ import annotations

import dataclasses
import json

from core import Function
from pages.explore.work import base_json, explore_figures
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
