"""Where a student's answer differs from the true partial: a map over the window."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from pages.derivatives.words import full
from ui.plots.axes import equal_scale
from ui.plots.config import TITLE_FONT_SIZE, base_layout, legend_layout, new_figure

DIFFERENCE_HEIGHT = 460


def difference_figure(shown, check, *, height: int = DIFFERENCE_HEIGHT) -> go.Figure:
    """|true partial − answer| over the window (core DifferenceMap), white where they agree, with
    grey where the answer is undefined but the partial exists, and the counterexample points."""
    name = f"∂f/∂{check.variable}"
    difference = np.asarray(shown.difference, dtype=np.float32)
    finite = difference[np.isfinite(difference)]
    top = float(finite.max()) if finite.size and finite.max() > 0 else 1.0
    traces = [
        {
            "type": "heatmap",
            "x": np.asarray(shown.x, dtype=np.float32),
            "y": np.asarray(shown.y, dtype=np.float32),
            "z": difference,
            "zmin": 0.0,
            "zmax": top,
            "colorscale": [[0.0, "#ffffff"], [0.02, "#fde0c5"], [1.0, "#b2182b"]],
            "colorbar": {"title": {"text": "|difference|"}, "thickness": 18},
            "name": "|difference|",
            "meta": "difference",
            "hovertemplate": (
                f"x = %{{x:.3~g}}<br>y = %{{y:.3~g}}<br>|{name} − yours| = %{{z:.3~g}}"
                "<extra></extra>"
            ),
        }
    ]
    undefined = np.asarray(shown.answer_undefined, dtype=bool)
    if undefined.any():
        traces.append(
            {
                "type": "heatmap",
                "x": np.asarray(shown.x, dtype=np.float32),
                "y": np.asarray(shown.y, dtype=np.float32),
                "z": np.where(undefined, 1.0, np.nan).astype(np.float32),
                "colorscale": [[0.0, "#8a8a8a"], [1.0, "#8a8a8a"]],
                "showscale": False,
                "name": "your formula is undefined",
                "meta": "answer undefined",
                "showlegend": True,
                "hovertemplate": (
                    f"x = %{{x:.3~g}}<br>y = %{{y:.3~g}}<br>{name} exists, your formula is "
                    "undefined<extra></extra>"
                ),
            }
        )
    if check.counterexamples:
        points = np.array([example[:2] for example in check.counterexamples], dtype=float)
        hover = [
            f"x = {full(x)}, y = {full(y)}<br>{name} = {full(true)}<br>yours = {full(theirs)}"
            for x, y, true, theirs in check.counterexamples
        ]
        traces.append(
            {
                "type": "scatter",
                "mode": "markers",
                "x": points[:, 0],
                "y": points[:, 1],
                "marker": {
                    "symbol": "x",
                    "size": 14,
                    "color": "#111111",
                    "line": {"color": "white", "width": 1},
                },
                "name": "counterexamples (in the table)",
                "meta": "counterexamples",
                "hovertext": hover,
                "hoverinfo": "text",
            }
        )
    axis = {"showline": True, "linecolor": "#444444", "ticks": "outside", "mirror": True}
    axis |= {"constrain": "domain", "showgrid": False, "zeroline": False}
    xs, ys = np.asarray(shown.x, dtype=float), np.asarray(shown.y, dtype=float)
    yaxis = {**axis, "title": {"text": "y", "font": {"size": TITLE_FONT_SIZE}}}
    yaxis["range"] = [float(ys[0]), float(ys[-1])]
    if equal_scale((xs[0], xs[-1]), (ys[0], ys[-1])):
        yaxis |= {"scaleanchor": "x", "scaleratio": 1}
    layout = {
        **base_layout(height),
        "margin": {"l": 60, "r": 10, "t": 10, "b": 50},
        "xaxis": {
            **axis,
            "title": {"text": "x", "font": {"size": TITLE_FONT_SIZE}},
            "range": [float(xs[0]), float(xs[-1])],
        },
        "yaxis": yaxis,
        "legend": legend_layout(y=1.02, yanchor="bottom"),
        "showlegend": True,
        "plot_bgcolor": "#f2f2f2",
    }
    return new_figure(traces, layout)
