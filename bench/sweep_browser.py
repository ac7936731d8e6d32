"""A parameter sweep on Explore in a real browser: `python -m bench sweep-browser [--viewport ...]`.

Headless Chromium (Debian's, software WebGL as on a laptop without a GPU) on the gallery's
`a x^2 + b y^2` link, against `streamlit run app.py` started here on loopback (bench.load.serve).
▶ beside b plays it in the browser (ui/shell/live_chart.js); for each window size:

- map frames per second: distinct frames the map drew (a new value of b painted) during 2 s of
  the sweep, counted on every animation frame; the issue asks at least 15;
- 3D frames in those 2 s: the surface follows at its own pace (each of its frames costs what its
  redraw costs in software WebGL, shown beside it);
- the browser's work per map frame (f on the grid and the map's pixels, median), and a 40-frame
  sweep's build time (40 of those) against the issue's "precompute 40 frames" design;
- websocket bytes: what the server sends when the sweep starts and during 2 s of it (no frame is
  sent: the browser computes them), and the bytes of the compiled code those frames come from
  (core's body for f, ∂f/∂x, ∂f/∂y with the parameters as arguments), against 1.5 MB;
- ⏸: the one rerun it causes (bytes, and the seconds until the link holds the value).
Bounded: two windows, one sweep each, timeouts everywhere.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import quote, urlencode

from .browser import ARGS, CHROMIUM, CONTOUR, FLOOR, SURFACE
from .load import serve

ROOT = Path(__file__).resolve().parents[1]
LINK = {"f": "a x^2 + b y^2", "x0": "1", "y0": "0.5", "xmin": "-2", "xmax": "2"}
LINK |= {"ymin": "-2", "ymax": "2", "p_b_range": "-2,2,0.1", "p_a_range": "-2,2,0.1"}
BUTTON = ".st-key-sweep_b button"
IDLE = "[data-testid=stApp][data-test-script-state=notRunning]"
DRAWN = f"""() => {{
    const gd = document.querySelector('{SURFACE}');
    const map = document.querySelector('{CONTOUR}');
    return !!(gd && gd._fullLayout && gd._fullLayout.scene && gd._fullLayout.scene._scene
        && map && map._fullLayout && window.derivativesLiveSweep
        && window.derivativesLiveSweep.canPlay('b'));
}}"""
# Distinct map frames during `ms`: the value of b the map's sweep layer shows, read on every
# animation frame (a frame counts when it differs from the one before).
COUNT = f"""async (ms) => {{
    const map = document.querySelector('{CONTOUR}');
    const surface = document.querySelector('{SURFACE}');
    const layer = () => map.parentElement.querySelector('.live-sweep');
    const scenes = surface.sweepFrames || 0;
    const costs = (map.sweepCosts || []).length;
    let last = layer() && layer().dataset.value;
    let distinct = 0;
    const started = performance.now();
    while (performance.now() - started < ms) {{
        await new Promise((r) => requestAnimationFrame(r));
        const now = layer() && layer().dataset.value;
        if (now !== undefined && now !== last) distinct += 1;
        last = now;
    }}
    const seconds = (performance.now() - started) / 1000;
    const scene = window.derivativesLiveSweep.scene() || {{}};
    return {{ distinct, seconds, scenes: (surface.sweepFrames || 0) - scenes,
              costs: (map.sweepCosts || []).slice(costs), sceneCost: scene.cost ?? null }};
}}"""


def measure(app_dir: Path, viewport: tuple[int, int]) -> dict[str, float | None]:
    from playwright.sync_api import sync_playwright

    with serve(app_dir) as cluster, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
            received, sent = [0], [0]

            def count(ws):
                ws.on(
                    "framereceived", lambda data: received.__setitem__(0, received[0] + len(data))
                )
                ws.on("framesent", lambda data: sent.__setitem__(0, sent[0] + len(data)))

            page.on("websocket", count)
            page.goto(f"{cluster.url}/?{urlencode(LINK, quote_via=quote)}")
            page.wait_for_selector(IDLE, timeout=120_000)
            page.wait_for_function(DRAWN, timeout=120_000)
            page.wait_for_timeout(3000)  # the first 3D draw has settled
            floor = page.evaluate(FLOOR)
            before = received[0], sent[0]
            page.locator(BUTTON).click()
            page.wait_for_timeout(300)
            start_bytes = received[0] - before[0], sent[0] - before[1]
            before = received[0], sent[0]
            first = page.evaluate(COUNT, 2000)  # with the one rescale of the 3D axes
            counted = page.evaluate(COUNT, 2000)
            during = received[0] - before[0], sent[0] - before[1]
            before = received[0]
            started = time.perf_counter()
            page.locator(BUTTON).click()
            page.wait_for_function(
                "() => new URLSearchParams(location.search).has('p_b')", timeout=60_000
            )
            page.wait_for_selector(IDLE, timeout=60_000)
            stop_seconds = time.perf_counter() - started
            page.wait_for_timeout(1000)
            per_frame = statistics.median(counted["costs"]) if counted["costs"] else None
            return {
                "first_fps": first["distinct"] / first["seconds"],
                "floor": floor,
                "fps": counted["distinct"] / counted["seconds"],
                "scenes": counted["scenes"],
                "scene_cost": counted["sceneCost"],
                "frame_ms": per_frame,
                "build_ms": 40 * per_frame if per_frame is not None else None,
                "start_bytes": start_bytes[0] / 1024,
                "during_bytes": during[0] / 1024,
                "sent_bytes": (start_bytes[1] + during[1]) / 1024,
                "stop_kb": (received[0] - before) / 1024,
                "stop_seconds": stop_seconds,
            }
        finally:
            browser.close()


def compiled_code() -> tuple[float, float]:
    """KB of the compiled code a sweep's frames come from (the live payload Explore sends for
    a x^2 + b y^2), and the server's milliseconds to build it for a formula it has not seen."""
    import logging

    logging.getLogger("streamlit").setLevel(logging.ERROR)
    from core import Function, compile_javascript
    from pages.explore.work import live_functions

    f = Function(LINK["f"])
    size = len(json.dumps(live_functions(f))) / 1024
    times = []
    for k in range(7):
        fresh = Function(f"a x^2 + b y^2 + {k + 2} a b x y")  # not in core's cache yet
        started = time.perf_counter()
        compile_javascript(fresh, bind=False)
        times.append(time.perf_counter() - started)
    return size, 1000 * statistics.median(times)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench sweep-browser", description=__doc__)
    parser.add_argument(
        "--viewport",
        action="append",
        help="a window WIDTHxHEIGHT (repeatable; default 1366x768 and 1920x1080)",
    )
    args = parser.parse_args(argv)
    sizes = []
    for text in args.viewport or ["1366x768", "1920x1080"]:
        try:
            width, height = (int(side) for side in text.lower().split("x"))
        except ValueError:
            parser.error("--viewport takes WIDTHxHEIGHT, for example 1366x768")
        if not (320 <= width <= 4000 and 320 <= height <= 4000):
            parser.error("--viewport sides must be 320 to 4000 pixels")
        sizes.append((width, height))
    code_kb, code_ms = compiled_code()
    print("Chromium (software WebGL), Explore at a x^2 + b y^2 (resolution 100), ▶ on b")
    print(f"compiled code the frames come from: {code_kb:.2f} KB, built in {code_ms:.1f} ms")
    rows = [
        ("map frames per second, first 2 s after ▶ (3D axes rescale once)", "first_fps", "", 1),
        ("map frames per second, the next 2 s (distinct; target >= 15)", "fps", "", 1),
        ("  the page's floor: a 10 px square moved every frame", "floor", "", 1),
        ("3D frames in those 2 s (the surface at its own pace)", "scenes", "", 0),
        ("  the last 3D frame's cost", "scene_cost", " ms", 0),
        ("browser work per map frame (median)", "frame_ms", " ms", 1),
        ("a 40-frame sweep's build time in the browser (40 frames)", "build_ms", " ms", 0),
        ("bytes from the server when the sweep starts", "start_bytes", " KB", 1),
        ("bytes from the server during 4 s of it (40 frames: <= 1.5 MB)", "during_bytes", " KB", 1),
        ("bytes the browser sent meanwhile", "sent_bytes", " KB", 1),
        ("pause: the one rerun's bytes from the server", "stop_kb", " KB", 1),
        ("pause: seconds until the link holds the value, script idle", "stop_seconds", " s", 2),
    ]  # fmt: skip
    results = {size: measure(ROOT, size) for size in sizes}
    width = max(len(label) for label, *_ in rows)
    heads = " | ".join(f"{w}x{h:<5}" for w, h in sizes)
    print(f"{'case':{width}} | {heads}")
    for label, key, unit, digits in rows:
        cells = []
        for size in sizes:
            value = results[size][key]
            cells.append("—" if value is None else f"{value:.{digits}f}{unit}")
        print(f"{label:{width}} | " + " | ".join(f"{cell:>10}" for cell in cells))
    return 0
