"""What the AppTest tests of every page share: open a page from a link, read its charts and the
link it wrote back, and rerun it after an interaction."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

from streamlit.testing.v1 import AppTest

from ui.shell.live_chart import unpacked

ROOT = Path(__file__).resolve().parents[1]


def open_page(script: str, query: dict[str, str] | None = None, timeout: float = 60) -> AppTest:
    """A fresh session opened from a link on `script` (app.py, or a page file run on its own,
    which then draws the sidebar itself), run once without an exception."""
    app = AppTest.from_file(str(ROOT / script), default_timeout=timeout)
    for key, value in (query or {}).items():
        app.query_params[key] = value
    return rerun(app)


def rerun(app: AppTest) -> AppTest:
    """The next run (after an interaction), which must not raise either."""
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def _elements(node):
    children = getattr(node, "children", None)
    for child in children.values() if isinstance(children, dict) else ():
        yield child
        yield from _elements(child)


def charts(app: AppTest) -> list[dict]:
    """The Plotly figures on the page in page order, as the JSON sent to the browser: those of
    st.plotly_chart, and each live chart (ui.shell.live_chart) put together from its base and
    its point, as the browser draws it before anything moves."""
    found, points, grids = [], {}, {}
    for element in _elements(app._tree):
        kind = getattr(element, "type", None)
        if kind == "plotly_chart":
            found.append(json.loads(element.proto.spec))
        elif kind == "bidi_component":
            # A live chart packs its dicts and lists (ui.shell.live_chart.packed).
            data = unpacked(json.loads(element.proto.json or "{}"))
            name = element.proto.component_name
            if data.get("role") == "grid":  # the page's shared grid (ui.shell.live_chart)
                grids[data["id"]] = {axis: data[axis] for axis in ("x", "y", "z")}
            elif data.get("role") == "engine":
                continue
            elif name.endswith(("derivatives_live_chart", "derivatives_live_stub")):
                found.append(data)
            elif name.endswith("derivatives_live_point"):
                points[data["chart"]] = data
    figures = []
    for item in found:
        if "figure" not in item:
            figures.append(item)
            continue
        figure = json.loads(item["figure"])
        point = points.get(item["chart"], {})
        data = []
        for trace in figure["data"]:
            if trace.pop("grid", False):
                trace = {**trace, **grids[item["grid"]]}
            if "bodyZ" in trace:  # z computed in the browser from core's body at these values
                trace = {**trace, "z": {"body at": item["live"]["values"], **trace.pop("bodyZ")}}
            if trace.get("meta") == "level curve":
                if point.get("level") is None:
                    continue
                level = point["level"]
                trace = {
                    **trace,
                    "visible": True,
                    "contours": {**trace["contours"], "start": level, "end": level},
                }
            data.append(trace)
        data += json.loads(point.get("traces") or "[]")
        figures.append({"data": data, "layout": {**figure["layout"], **point.get("layout", {})}})
    return figures


def link(app: AppTest) -> dict[str, str]:
    """The link the run wrote back (a repeated parameter: its last value)."""
    return {k: v if isinstance(v, str) else v[-1] for k, v in app.query_params.items()}


def chart_words(app: AppTest) -> list[str]:
    """What the page says about its charts to assistive technology, in page order: each caption
    of ui.shell.chart_text.describe_chart, each live chart's description (its accessible name),
    and the race chart's summary."""
    words = []
    for element in _elements(app._tree):
        kind = getattr(element, "type", None)
        if kind == "html" and 'class="chart-text"' in element.proto.body:
            words.append(html.unescape(re.sub(r"<[^>]+>", "", element.proto.body)))
        elif kind == "bidi_component":
            # A live chart packs its dicts and lists (ui.shell.live_chart.packed).
            data = unpacked(json.loads(element.proto.json or "{}"))
            if isinstance(data.get("description"), str):
                words.append(data["description"])
            elif isinstance(data.get("race"), str):
                words.append(json.loads(data["race"]).get("summary", ""))
    return words


def deferred_downloads(monkeypatch) -> dict:
    """The files a page hands Streamlit as deferred downloads (written when their button is
    pressed), by file name: call one to press its button as Streamlit's server would."""
    from streamlit.runtime.media_file_manager import MediaFileManager

    handed = {}
    register = MediaFileManager.add_deferred

    def keep(manager, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        handed[file_name] = data_callable
        return register(manager, data_callable, mimetype, coordinates, file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add_deferred", keep)
    return handed
