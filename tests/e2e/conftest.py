"""Real-browser tests: `streamlit run app.py` in a subprocess, Playwright in Debian's Chromium.

Never `playwright install`: the browser is Debian's package (`apt-get install -y chromium`).
Outside CI a missing Chromium skips these tests; in CI (CI=true) it fails them.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).parent / "screenshots"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--use-angle=swiftshader",
    "--enable-unsafe-swiftshader",
]
APP_READY = "[data-testid=stApp][data-test-connection-state=CONNECTED]"
SCRIPT_IDLE = "[data-testid=stApp][data-test-script-state=notRunning]"

# The classroom's screens (issue 14): a projector at 1920x1080, the same at 150% zoom (a
# 1280x720 CSS viewport at 1.5 device pixels per CSS pixel, which is what the browser's zoom does),
# a laptop at 1366x768 and a phone at 390x844 with touch.
SIZES = {
    "1920x1080": {"viewport": {"width": 1920, "height": 1080}},
    "1920x1080@150%": {"viewport": {"width": 1280, "height": 720}, "device_scale_factor": 1.5},
    "1366x768": {"viewport": {"width": 1366, "height": 768}},
    "390x844-touch": {
        "viewport": {"width": 390, "height": 844},
        "device_scale_factor": 2,
        "has_touch": True,
        "is_mobile": True,
    },
}


def missing(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}: CI must have it (apt-get install -y chromium)")
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_healthy(server: subprocess.Popen, url: str, log: Path, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"streamlit exited with {server.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                if answer.read().decode().strip() == "ok":
                    return
        except OSError:
            pass
        time.sleep(0.25)
    pytest.fail(f"streamlit was not healthy after {seconds} s:\n{log.read_text()}")


@contextlib.contextmanager
def serve(script: str, log: Path):
    """`streamlit run <script>` on a free port until the block ends; stopped by its PID."""
    port = free_port()
    command = [sys.executable, "-m", "streamlit", "run", script, "--server.headless", "true"]
    command += ["--server.port", str(port), "--browser.gatherUsageStats", "false"]
    command += ["--server.fileWatcherType", "none"]
    with log.open("wb") as output:
        server = subprocess.Popen(command, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(server, url, log)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture(scope="session")
def app_url(tmp_path_factory):
    """The URL of `streamlit run app.py`: E2E_APP_URL when set (a server already running this
    checkout, on a port of one's own), else a server started here on a free port."""
    if os.environ.get("E2E_APP_URL"):
        yield os.environ["E2E_APP_URL"].rstrip("/")
        return
    with serve("app.py", tmp_path_factory.mktemp("streamlit") / "server.log") as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        missing(f"{CHROMIUM} not found")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("playwright is not installed (pip install -r requirements-dev.txt)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@dataclass
class App:
    """One browser tab on the app, with the few moves the tests make."""

    page: object
    url: str

    def open(self):
        self.page.goto(self.url)
        self.page.wait_for_selector(APP_READY, timeout=60_000)
        self.idle()
        return self.page

    def idle(self) -> None:
        self.page.wait_for_selector(SCRIPT_IDLE, timeout=60_000)

    def enter_formula(self, text: str) -> None:
        box = self.page.locator("[data-testid=stTextInput] input")
        box.fill(text)
        box.press("Enter")

    def screenshot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(exist_ok=True)
        self.idle()
        self.page.evaluate("document.fonts.ready")
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=path, full_page=True)
        return path


@pytest.fixture
def app(browser, app_url):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        yield App(context.new_page(), app_url)
    finally:
        context.close()


# How many charts each page draws at least, once it has settled.
CHARTS = {"": 4, "derivatives": 1, "second-order": 1, "descent": 2, "guide": 0}
SETTLED = """(charts) => {
  const drawn = [...document.querySelectorAll('.js-plotly-plot')];
  if (!document.querySelector('[data-testid=stMain] h1') || drawn.length < charts) return false;
  if (!drawn.every((gd) => gd._fullLayout && gd._fullLayout._size)) return false;
  // The same layout for a second: live charts size themselves after they mount.
  const main = document.querySelector('[data-testid=stMain]');
  const shape = `${main.scrollHeight} ${drawn.map((gd) => gd.offsetHeight).join(' ')}`;
  const now = Date.now();
  if (window.__shape !== shape) { window.__shape = shape; window.__since = now; }
  return now - window.__since > 1000;
}"""


def open_page(page, url: str, charts: int = 0) -> None:
    page.goto(url)
    page.wait_for_selector(APP_READY, timeout=90_000)
    page.wait_for_selector(SCRIPT_IDLE, timeout=90_000)
    page.wait_for_function(SETTLED, arg=charts, timeout=120_000, polling=250)
    page.wait_for_selector(SCRIPT_IDLE, timeout=90_000)
