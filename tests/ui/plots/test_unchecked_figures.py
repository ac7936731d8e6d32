"""The server builds figures without Plotly's property checks (ui.plots.config.VALIDATE_FIGURES):
the same builders must give the same JSON either way, and the tests run with the checks on."""

from __future__ import annotations

import dataclasses
import json

import plotly.graph_objects as go
import plotly.io as pio
import pytest

import ui.plots.config as config
from core import Function
from pages.explore.work import explore_figures
from ui.shell.view import View


def test_the_tests_build_every_figure_with_plotlys_checks():
    assert config.VALIDATE_FIGURES
    with pytest.raises(ValueError, match="Invalid property"):
        config.new_figure([{"type": "scatter", "colour": "red"}], {})


def _explore_json(view: View, validate: bool, monkeypatch) -> list[str]:
    monkeypatch.setattr(config, "VALIDATE_FIGURES", validate)
    f = Function(view.f)
    drawn = explore_figures(f, view)
    return [pio.to_json(figure, validate=False) for figure in drawn.all()]


@pytest.mark.parametrize(
    "change",
    [
        {},
        {"f": "sqrt(1 - x^2 - y^2)", "x0": 0.2, "y0": -0.3, "plane": True, "field": True},
        {"f": "1/(x y)", "x0": 0.5, "y0": 0.5},
    ],
)
def test_unchecked_figures_are_valid_and_mean_what_checked_ones_mean(change, monkeypatch):
    """Checking only rewrites values into Plotly's normal forms (a colour scale's name into its
    stops, the template "none" into its empty body), names plotly.js knows as well."""
    view = dataclasses.replace(View(), **change)
    unchecked = _explore_json(view, False, monkeypatch)
    checked = _explore_json(view, True, monkeypatch)
    assert [pio.to_json(go.Figure(json.loads(text))) for text in unchecked] == checked
