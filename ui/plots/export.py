"""A view as a file: a standalone web page with the charts, which works offline.

Plotly's own to_html with include_plotlyjs=True writes plotly.js (the build the plotly package
ships, pinned by requirements.txt) into the page: no network is needed to open it, on a
classroom computer or years later.
"""

from __future__ import annotations

import html

import plotly.graph_objects as go
import plotly.io as pio

from ui.plots.config import PLOT_CONFIG

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ font-family: Arial, Helvetica, sans-serif; color: #111111; margin: 1.5rem; }}
h1 {{ font-size: 1.6rem; overflow-wrap: anywhere; }}
p {{ font-size: 1.1rem; overflow-wrap: anywhere; }}
.charts {{ display: flex; flex-wrap: wrap; gap: 1rem; }}
.charts > div {{ flex: 1 1 560px; min-width: 0; }}
</style>
</head>
<body>
<h1>{title}</h1>
{lines}
<div class="charts">
{charts}
</div>
</body>
</html>
"""


def self_contained(figure: go.Figure) -> dict:
    """The figure as a dict whose template is spelled out: the server builds figures without
    Plotly's checks (ui.plots.config.new_figure), which leaves `template="none"` a name that
    to_html cannot read."""
    spec = figure.to_plotly_json()
    layout = dict(spec.get("layout", {}))
    if isinstance(layout.get("template"), str):
        layout["template"] = pio.templates[layout["template"]].to_plotly_json()
    return {**spec, "layout": layout}


def standalone_html(figures: list[go.Figure], title: str, lines: list[str] = ()) -> str:
    """One HTML page: the title and lines (plain text, escaped here), then the figures, with
    plotly.js inside the page once."""
    charts = []
    for number, figure in enumerate(figures):
        chart = pio.to_html(
            self_contained(figure),
            validate=False,
            full_html=False,
            include_plotlyjs=number == 0,
            config=PLOT_CONFIG,
            div_id=f"chart-{number}",
        )
        charts.append(f"<div>{chart}</div>")
    paragraphs = "\n".join(f"<p>{html.escape(line)}</p>" for line in lines)
    return PAGE.format(title=html.escape(title), lines=paragraphs, charts="\n".join(charts))
