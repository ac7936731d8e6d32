"""Explore's downloads, built from what the page draws: the STL is a closed solid whose top is f
on the grid, the web page carries plotly.js and both charts and opens offline."""

from __future__ import annotations

import re
from collections import Counter

import numpy as np
import pytest

from core import Function
from core.solid import PRINT_BASE_MM, PRINT_RELIEF_MM, read_stl
from pages.explore.exports import html_file, stl_file
from pages.explore.work import explore_figures
from tests import apptest
from ui.shell.view import View

HIMMELBLAU = "(x^2+y-11)^2 + (x+y^2-7)^2"
HEMISPHERE = "sqrt(1 - x^2 - y^2)"


def watertight(triangles: np.ndarray) -> bool:
    _, index = np.unique(triangles.reshape(-1, 3), axis=0, return_inverse=True)
    faces = index.reshape(-1, 3)
    directed = Counter()
    for a, b, c in faces.tolist():
        directed.update([(a, b), (b, c), (c, a)])
    return all(n == 1 and directed[b, a] == 1 for (a, b), n in directed.items())


def drawn(text, **window):
    f = Function(text)
    view = View(f=text, **window)
    return f, view, explore_figures(f, view)


def test_the_stl_is_a_closed_solid_with_f_on_top():
    f, _, figures = drawn(HIMMELBLAU, x0=3.0, y0=2.0, xmin=-5.0, xmax=5.0, ymin=-5.0, ymax=5.0)
    grid = figures.grid
    triangles = read_stl(stl_file(grid))
    assert watertight(triangles)
    # The top at each grid point: f, scaled from the window's drawn range onto the relief.
    corners = triangles.reshape(-1, 3)
    n = len(grid.x)
    top = {}
    for x, y, z in corners:
        key = (round(float(x), 3), round(float(y), 3))
        top[key] = max(top.get(key, -np.inf), z)
    low, high = grid.z_range
    for row in (0, n // 3, n - 1):
        for column in (0, n // 2, n - 1):
            x_mm = 100 * column / (n - 1)
            y_mm = 100 * row / (len(grid.y) - 1)
            value = f(grid.x[column], grid.y[row])
            expected = PRINT_BASE_MM + PRINT_RELIEF_MM * (np.clip(value, low, high) - low) / (
                high - low
            )
            assert top[round(x_mm, 3), round(y_mm, 3)] == pytest.approx(expected, abs=1e-3)


def test_where_f_is_undefined_the_print_drops_to_the_base_plate():
    _, _, figures = drawn(HEMISPHERE, x0=0.0, y0=0.0, xmin=-1.5, xmax=1.5, ymin=-1.5, ymax=1.5)
    triangles = read_stl(stl_file(figures.grid))
    assert watertight(triangles)
    corners = triangles.reshape(-1, 3)
    corner = (corners[:, 0] < 1e-6) & (corners[:, 1] < 1e-6)  # (-1.5, -1.5): outside the disc
    assert corners[corner, 2].max() == pytest.approx(PRINT_BASE_MM)
    assert corners[:, 2].max() == pytest.approx(PRINT_BASE_MM + PRINT_RELIEF_MM, abs=1e-3)


def test_the_web_page_carries_plotly_and_both_charts_and_escapes_the_text():
    f, view, figures = drawn("x^2 y + y^3")
    page = html_file(f, view, figures)
    assert page.startswith("<!DOCTYPE html>")
    assert not re.search(r"<script[^>]+src=", page)  # nothing to fetch: plotly.js is inside
    assert "Plotly.newPlot" in page and page.count('id="chart-') == 2
    assert "f(x, y) = x^2 y + y^3" in page
    assert "∂f/∂x = 4" in page and "∂f/∂y = 7" in page
    assert len(page) > 3_000_000  # plotly.js itself


def test_explore_offers_both_downloads():
    app = apptest.open_page("pages/explore/page.py", {"f": "x^2 y + y^3"})
    labels = [button.proto.label for button in app.get("download_button")]
    assert any("STL" in label for label in labels)
    assert any("HTML" in label for label in labels)


def test_the_web_page_is_made_from_figures_built_as_on_the_server(monkeypatch):
    # The tests check every figure with Plotly (tests/conftest.py); the server does not, and a
    # figure built unchecked keeps its template as a bare name.
    monkeypatch.setattr("ui.plots.config.VALIDATE_FIGURES", False)
    f, view, figures = drawn(HIMMELBLAU, x0=3.0, y0=2.0, xmin=-5.0, xmax=5.0, ymin=-5.0, ymax=5.0)
    assert figures.surface.to_plotly_json()["layout"]["template"] == "none"
    page = html_file(f, view, figures)
    assert "Plotly.newPlot" in page and page.count('id="chart-') == 2
