"""A fresh server's first visit to a page's link (/descent, not /) runs the script once.

Streamlit starts a server in its first multipage mode while a folder named pages/ sits beside
app.py (ui/shell/first_visit.py says why and how it is handed to app.py). Each test starts its own
`streamlit run app.py` and opens one link with the load benchmark's websocket client, which sends
what a browser sends, and counts the script_finished messages of that open: a run ended early for
a rerun counts too.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest

import bench.load as load
from deploy.replicas import streamlit_server

URL_PATHS = ("derivatives", "second-order", "descent", "guide")  # every page but "/"
LINK = "f=sin(x)%20y&x0=1"


async def _visit(url: str, page: str) -> tuple[load.Interaction, load.Student]:
    student = load.Student(url, page, LINK, timeout=120)
    try:
        return await student.open(), student
    finally:
        await student.close()


def _run(coroutine):
    """asyncio.run in a thread of its own: in the full suite Playwright's sync API (tests/e2e)
    leaves an event loop running in the main thread, where asyncio.run refuses to start one."""
    with ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(asyncio.run, coroutine).result()


@pytest.mark.parametrize("path", URL_PATHS)
def test_the_first_visit_to_a_fresh_server_s_page_link_runs_the_script_once(monkeypatch, path):
    monkeypatch.setitem(load.PAGES, path, path)  # the client names the page by its URL path
    with streamlit_server() as server:
        first, first_student = _run(_visit(server.url, path))
        later, later_student = _run(_visit(server.url, path))
    assert first.errors == [] and first.finished  # no "page not found", nothing raised
    assert first.runs == 1
    assert later.runs == 1
    # The same page, drawn the same way as on any later visit: the page's hash (the one the
    # browser sends back on every click) and the sidebar's point inputs.
    assert first_student.page_script_hash == later_student.page_script_hash != ""
    assert set(first_student.widget_ids) >= {"x0", "y0"}
    assert first_student.widget_ids == later_student.widget_ids
