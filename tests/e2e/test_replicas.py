"""Serving a class on every core: deploy/replicas.py puts several Streamlit processes behind
HAProxy. In Chromium, through the proxy: two students land on two processes, each keeps its own
session there (its websocket follows its cookie), and moving the point works as on one server."""

from __future__ import annotations

import os
import shutil
import urllib.request
from urllib.parse import parse_qs, urlsplit

import pytest

from deploy.replicas import replicas, warm
from tests.e2e.conftest import APP_READY, ROOT, App

pytestmark = pytest.mark.e2e


def active_sessions(server_url: str) -> int:
    with urllib.request.urlopen(f"{server_url}/_stcore/metrics", timeout=10) as answer:
        for line in answer.read().decode().splitlines():
            if line.startswith("active_sessions "):
                return int(float(line.split()[1]))
    raise AssertionError("no active_sessions in Streamlit's metrics")


@pytest.fixture(scope="module")
def cluster():
    if shutil.which("haproxy") is None and not os.access("/usr/sbin/haproxy", os.X_OK):
        if os.environ.get("CI") == "true":
            pytest.fail("haproxy not found: CI must have it (apt-get install -y haproxy)")
        pytest.skip("haproxy is not installed")
    with replicas(2, ROOT, warmed=True) as running:
        yield running


def test_two_students_on_two_processes_each_keeps_its_session(browser, cluster):
    contexts = [browser.new_context(viewport={"width": 1280, "height": 800}) for _ in range(2)]
    try:
        apps = [App(context.new_page(), cluster.url) for context in contexts]
        for app in apps:
            app.open()
        cookies = [
            {c["name"]: c["value"] for c in context.cookies()}.get("replica")
            for context in contexts
        ]
        assert sorted(cookies) == ["r1", "r2"]
        assert [active_sessions(server.url) for server in cluster.servers] == [1, 1]

        # The second student moves the point: its session, on its own process, answers.
        page = apps[1].page
        box = page.locator("[data-testid=stSidebar] .st-key-x0 input")
        box.fill("-1.5")
        box.press("Enter")
        page.wait_for_function("() => location.search.includes('x0=-1.5')", timeout=60_000)
        apps[1].idle()
        assert parse_qs(urlsplit(page.url).query)["x0"] == ["-1.5"]
        # A reload keeps the student on the same process (the cookie), with the point restored.
        page.reload()
        page.wait_for_selector(APP_READY, timeout=60_000)
        apps[1].idle()
        assert parse_qs(urlsplit(page.url).query)["x0"] == ["-1.5"]
        assert {c["name"]: c["value"] for c in contexts[1].cookies()}["replica"] == cookies[1]
        assert [active_sessions(server.url) for server in cluster.servers] == [1, 1]
    finally:
        for context in contexts:
            context.close()


def test_warming_a_server_opens_every_page_without_an_error(app_url):
    assert warm(app_url) == []
