"""The server builds figures without Plotly's property checks (ui.plots.config.VALIDATE_FIGURES):
the same builders must give the same JSON either way, and the tests run with the checks on."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
import plotly.tools
import pytest

import ui.plots.config as config
from core import Function
from pages.explore.work import explore_figures
from ui.plots.config import prepared
from ui.plots.theme import DARK, Look, themed
from ui.shell.chart_text import trace_xy
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
    # The slice panels are prepared from their parts (ui.plots.config.prepared_parts) either way:
    # Plotly checks them as it reads them back here, then both sides are in its normal forms.
    assert [_checked(text) for text in unchecked] == [_checked(text) for text in checked]


def _checked(text: str) -> str:
    return pio.to_json(go.Figure(json.loads(text)))


# --- prepared figures: st.plotly_chart sends them without copying them on every rerun ----------


def _streamlit_spec(figure) -> str:
    """What st.plotly_chart sends for `figure` (streamlit/elements/plotly_chart.py)."""
    return pio.to_json(
        plotly.tools.return_figure_from_figure_or_data(figure, validate_figure=True),
        validate=False,
    )


def test_a_prepared_figure_sends_what_the_figure_sends_and_is_not_copied():
    figure = go.Figure(
        [go.Scatter(x=np.arange(5.0), y=np.arange(5.0) ** 2, meta="curve", name="x²")],
        {"title": {"text": "a <b>title</b>"}, "xaxis": {"range": [0, 4]}},
    )
    ready = prepared(figure)
    assert isinstance(ready, go.Figure)  # Streamlit takes it as a figure, not a dict to check
    assert _streamlit_spec(ready) == _streamlit_spec(figure)
    assert ready.to_dict() is ready.to_dict() is ready.spec  # no copy per rerun
    assert prepared(ready) is ready


def test_a_prepared_figure_themes_and_reads_back_as_the_figure_does():
    figure = go.Figure(
        [go.Scatter(x=[0.0, 1.0, 2.0], y=[1.0, 0.5, 0.25], meta="decay", line={"color": "#111"})],
        {"font": {"color": "#111111"}},
    )
    ready = prepared(figure)
    look = Look(DARK, 1.25)
    assert json.dumps(themed(ready, look), default=str) == json.dumps(
        themed(figure, look), default=str
    )
    for meta in ("decay", "absent"):
        for got, expected in zip(trace_xy(ready, meta), trace_xy(figure, meta), strict=True):
            np.testing.assert_array_equal(got, expected)
    assert trace_xy(ready, "decay")[1].tolist() == [1.0, 0.5, 0.25]


# --- prepared from plain parts: no go.Figure built on the server --------------------------------


def _parts() -> tuple[list[dict], dict]:
    traces = [
        {"type": "scatter", "x": np.arange(4.0), "y": np.arange(4, dtype=np.float32), "meta": "a"},
        {"type": "heatmap", "z": np.eye(3, dtype=np.float32), "coloraxis": "coloraxis"},
    ]
    # Every figure names its template (base_layout): go.Figure would add plotly's default one.
    layout = {"template": "none", "xaxis": {"range": [0.0, 3.0]}}
    return traces, {**layout, "coloraxis": {"colorscale": "Viridis"}}


def test_a_figure_prepared_from_parts_sends_what_the_built_figure_sends(monkeypatch):
    monkeypatch.setattr(config, "VALIDATE_FIGURES", False)  # as on the server
    traces, layout = _parts()
    built = prepared(config.new_figure(*_parts()))
    ready = config.prepared_parts(traces, layout)
    assert isinstance(ready, go.Figure)
    assert json.loads(_streamlit_spec(ready)) == json.loads(_streamlit_spec(built))
    assert ready.to_dict() is ready.spec
    # The parts are left as they were: their arrays are still arrays.
    assert isinstance(traces[0]["x"], np.ndarray) and isinstance(traces[1]["z"], np.ndarray)
    for got, expected in zip(trace_xy(ready, "a"), trace_xy(built, "a"), strict=True):
        np.testing.assert_array_equal(got, expected)


def test_a_figure_prepared_from_parts_is_checked_by_plotly_in_the_tests():
    with pytest.raises(ValueError, match="Invalid property"):
        config.prepared_parts([{"type": "scatter", "colour": "red"}], {})
