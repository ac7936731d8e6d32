"""What the AppTest tests of every page share: open a page from a link, read its charts and the
link it wrote back, and rerun it after an interaction."""

from __future__ import annotations

import json
from pathlib import Path

from streamlit.testing.v1 import AppTest

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


def charts(app: AppTest) -> list[dict]:
    """The Plotly figures on the page, as the JSON sent to the browser."""
    return [json.loads(element.proto.spec) for element in app.get("plotly_chart")]


def link(app: AppTest) -> dict[str, str]:
    """The link the run wrote back (a repeated parameter: its last value)."""
    return {k: v if isinstance(v, str) else v[-1] for k, v in app.query_params.items()}
