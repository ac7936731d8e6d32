"""What a click costs on the Second-order page in a real browser:
`python -m bench second-order-browser [--before DIR]`.

Headless Chromium (Debian's, software WebGL as on a laptop without a GPU) on the page's default
link, against `streamlit run app.py` started here on loopback (bench.load.serve). Per app, over
the TARGETS clicks on the direction map: click -> settled (the link shows the new point, the
script is idle and all three 3D scenes draw their point there, two animation frames later), bytes
received per click (websocket frames) and new WebGL contexts per click (a remounted 3D chart
creates one). `--before DIR` measures another checkout in the same run (e.g. `git archive
4f26a55`, the page before its live charts) and prints the ratios. Bounded: six clicks, timeouts.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Sequence
from pathlib import Path

from .browser import ARGS, CHROMIUM, print_comparison
from .load import serve

ROOT = Path(__file__).resolve().parents[1]
COUNTERS = """
window.__contexts = 0;
const original = HTMLCanvasElement.prototype.getContext;
HTMLCanvasElement.prototype.getContext = function (kind, ...rest) {
  if (String(kind).startsWith("webgl")) window.__contexts += 1;
  return original.call(this, kind, ...rest);
};
"""
MAP = ".st-key-second_direction_contour .js-plotly-plot"
PIXEL = """([selector, x, y]) => {
    const gd = document.querySelector(selector);
    const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis, box = gd.getBoundingClientRect();
    return [box.left + xa._offset + xa.d2p(x), box.top + ya._offset + ya.d2p(y)];
}"""
# The script is idle, the link shows (x, y) and every 3D scene draws its point there.
SETTLED = """([x, y]) => {
    const app = document.querySelector('[data-testid=stApp]');
    if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
    const q = new URLSearchParams(location.search);
    if (Math.abs(Number(q.get('x0')) - x) > 0.02 || Math.abs(Number(q.get('y0')) - y) > 0.02) {
        return false;
    }
    for (const name of ['critical_surface', 'quadratic_surface', 'direction_surface']) {
        const gd = document.querySelector('.st-key-second_' + name + ' .js-plotly-plot');
        const point = gd && gd._fullData && gd._fullData.find((t) => t.meta === 'point');
        if (!point || !gd._fullLayout.scene || !gd._fullLayout.scene._scene) return false;
        if (Math.abs(point.x[0] - x) > 0.02 || Math.abs(point.y[0] - y) > 0.02) return false;
    }
    return true;
}"""
TWO_FRAMES = "() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))"
TARGETS = ((1.0, 1.0), (-1.5, 0.5), (0.25, -2.0), (2.0, 2.0), (-0.5, -0.5), (1.5, -1.0))
HOLD_MS = 60


def measure(app_dir: Path) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    with serve(app_dir) as cluster, sync_playwright() as playwright:
        url = cluster.url
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            context = browser.new_context(viewport={"width": 1400, "height": 1800})
            context.add_init_script(COUNTERS)
            page = context.new_page()
            received: list[int] = []
            page.on(
                "websocket",
                lambda socket: socket.on("framereceived", lambda m: received.append(len(m))),
            )
            page.goto(url + "/second-order")
            page.wait_for_function(SETTLED, arg=[2, 1], timeout=180_000)
            page.wait_for_timeout(3000)
            times, sizes, contexts = [], [], []
            for x, y in TARGETS:
                page.locator(MAP).scroll_into_view_if_needed()
                page.wait_for_timeout(300)
                pixel = page.evaluate(PIXEL, [MAP, x, y])
                before_contexts, before_frames = page.evaluate("window.__contexts"), len(received)
                started = time.perf_counter()
                page.mouse.move(*pixel)
                page.mouse.down()
                page.wait_for_timeout(HOLD_MS)
                page.mouse.up()
                page.wait_for_function(SETTLED, arg=[x, y], timeout=120_000, polling="raf")
                page.evaluate(TWO_FRAMES)
                times.append(time.perf_counter() - started - HOLD_MS / 1000)
                page.wait_for_timeout(1500)
                sizes.append(sum(received[before_frames:]))
                contexts.append(page.evaluate("window.__contexts") - before_contexts)
        finally:
            browser.close()
    return {
        "settled": statistics.median(times),
        "kb": statistics.median(sizes) / 1000,
        "contexts": statistics.median(contexts),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench second-order-browser", description=__doc__
    )
    parser.add_argument("--before", type=Path, help="another checkout of the app to compare")
    args = parser.parse_args(argv)
    after = measure(ROOT)
    before = measure(args.before) if args.before else None
    print_comparison(
        [
            (
                "Second order: click on the map -> three 3D scenes settled (median)",
                "settled",
                " s",
                2,
            ),
            ("Second order: bytes received per point change (median)", "kb", " KB", 1),
            ("Second order: new WebGL contexts per click (median)", "contexts", "", 0),
        ],
        after,
        before,
    )
    return 0
