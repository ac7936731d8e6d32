"""What every figure shares: the chart config, projector-sized fonts, the base layout, the legend
and the note box, and how many bytes a figure costs to send (Streamlit's own encoding)."""

from __future__ import annotations

import os

import plotly.graph_objects as go
import plotly.io as pio

from ui.plots.encoding import copied, typed_arrays

# Plotly checks every property of every trace when a go.Figure is built: 20 of Explore's 35 ms per
# rerun (bench explore). Our builders write plain dicts, so the checking catches our own mistakes:
# the tests build every figure with it (tests/conftest.py sets this variable), the server without.
# st.plotly_chart does not check a go.Figure again (plotly.tools.return_figure_from_figure_or_data).
VALIDATE_FIGURES = os.environ.get("DERIVATIVES_VALIDATE_FIGURES") == "1"

# For st.plotly_chart(config=...). Scroll zoom stays off: on a 3D chart it would capture the
# page's scroll wheel, and on a projector people scroll the page, not the chart. The camera
# button saves the chart as a PNG at twice its size on screen (sharp on a slide or a handout).
PLOT_CONFIG = {
    "displaylogo": False,
    "scrollZoom": False,
    "responsive": True,
    "modeBarButtonsToRemove": ["lasso2d", "select2d", "sendDataToCloud"],
    "toImageButtonOptions": {"format": "png", "scale": 2, "filename": "derivative-explorer"},
}


FONT = {"family": "Arial, Helvetica, sans-serif", "size": 16, "color": "#111111"}


TITLE_FONT_SIZE = 18


LIGHT_GRID = "#d9d9d9"


NOTE_COLOR = "#444444"


def notes_annotation(notes: list[str]) -> dict:
    return {
        "text": "<br>".join(notes),
        "xref": "paper",
        "yref": "paper",
        "x": 0.0,
        "y": 1.0,
        "xanchor": "left",
        "yanchor": "top",
        "align": "left",
        "showarrow": False,
        "font": {"size": 16, "color": NOTE_COLOR},
        "bgcolor": "rgba(255, 255, 255, 0.85)",
    }


def base_layout(height: int) -> dict:
    """What every figure shares: projector-sized text on plain white."""
    return {
        "height": height,
        "font": FONT,
        "template": "none",  # plotly.js defaults: no blue-grey text, no tinted plot area
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "hoverlabel": {"font": {"size": 16}},
    }


def legend_layout(y: float = 1.0, yanchor: str = "bottom") -> dict:
    return {
        "orientation": "h",
        "x": 0.0,
        "xanchor": "left",
        "y": y,
        "yanchor": yanchor,
        "font": {"size": 16},
        "bgcolor": "rgba(255, 255, 255, 0.8)",
        "itemsizing": "constant",
    }


def new_figure(data: list, layout: dict, frames: list | None = None) -> go.Figure:
    """go.Figure(data, layout, frames), checked by Plotly only where VALIDATE_FIGURES is set."""
    return go.Figure(data=data, layout=layout, frames=frames, _validate=VALIDATE_FIGURES)


class Prepared(go.Figure):
    """A figure kept as the dict st.plotly_chart sends: what `prepared` returns."""

    def __init__(self, spec: dict) -> None:
        # Not go.Figure's own __init__: no traces to build or check again, no copy.
        object.__setattr__(self, "spec", spec)

    def to_dict(self) -> dict:
        return self.spec

    def to_plotly_json(self) -> dict:
        return self.spec


def prepared(figure: go.Figure) -> go.Figure:
    """`figure` as its dict, made once, for st.plotly_chart to send on every rerun without
    copying: given a go.Figure it copies the whole figure (to_dict) on each rerun before encoding
    it (1.4 ms for Descent's loss chart, 2.3 ms for Second order's error maps), and given a plain
    dict it builds and checks a go.Figure from it first. A Prepared is a go.Figure to Streamlit
    and to plotly.io, and a dict to ui.plots.theme; only read afterwards (shared by sessions),
    and with no go.Figure attributes (.data, .layout): read its `spec`."""
    return figure if isinstance(figure, Prepared) else Prepared(figure.to_dict())


def prepared_parts(traces: list[dict], layout: dict) -> Prepared:
    """The Prepared figure of plain (traces, layout) parts, as `prepared(new_figure(traces,
    layout))` gives it but without a go.Figure: building one converts every array through
    plotly's narwhals detour and `prepared` then deep-copies the whole figure (2.9 of Second
    order's 28 ms per point move for its three plain charts, thread CPU). The parts are left as
    they are; numpy arrays become plotly's base64 typed arrays (ui.plots.encoding.typed_arrays).
    The layout must name its template, as base_layout does (go.Figure would add plotly's default
    one to a layout without). Where VALIDATE_FIGURES is set (the tests) Plotly checks it too."""
    if VALIDATE_FIGURES:
        new_figure(traces, layout)
    spec = {"data": copied(traces), "layout": copied(layout)}
    typed_arrays(spec)
    return Prepared(spec)


def figure_bytes(fig: go.Figure) -> int:
    """Size of the figure's JSON: what st.plotly_chart sends (it encodes with validate=False)."""
    return len(pio.to_json(fig, validate=False))
