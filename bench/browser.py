"""What a click and a drag cost in a real browser: `python -m bench browser [--before DIR]`.

Headless Chromium (Debian's, software WebGL as on a laptop without a GPU) on Explore's default
link, against `streamlit run app.py` started here on loopback (bench.load.serve). Per app:

- click -> settled: a click on the contour map, until the link shows the new point, the script is
  idle and the 3D chart draws its point there (two animation frames later); median of CLICKS;
- bytes per point change: websocket frames received from the click until settled;
- new WebGL contexts per click (a remounted 3D chart creates one);
- drag frames: a press on the point, half a second still, then one pointer move per animation
  frame for one second, counting the frames the map and the 3D scene drew (live charts only:
  `liveFrames`), beside the page's floor: the frames per second of a 10-pixel square moved every
  frame on the same page.

`--compositor software` (the default) runs Chromium as Chrome runs on a laptop without a usable
GPU: the page composited in software, WebGL drawn by SwiftShader. `--compositor swiftshader` is
plain headless testing's setup, every frame composited through SwiftShader's GL.

`--before DIR` measures another checkout of the app in the same run (e.g. a git worktree of the
commit before the live point) and prints the ratios. Bounded: CLICKS clicks, one drag, timeouts.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Sequence
from pathlib import Path

from .load import serve

ROOT = Path(__file__).resolve().parents[1]
CLICKS = 6
TARGETS = ((1.0, 1.0), (-1.5, 0.5), (0.25, -2.0), (2.0, 2.0), (-0.5, -0.5), (1.5, -1.0))
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--use-angle=swiftshader",
    "--enable-unsafe-swiftshader",
]
# How the page reaches the screen. Chrome on a machine without a usable GPU composites the page in
# software and draws WebGL with SwiftShader ("software", what a school laptop does). Headless
# testing's usual --use-angle=swiftshader also composites every frame through SwiftShader's GL
# ("swiftshader"): at 1920x1080 that alone holds a page to 10-25 frames per second here.
COMPOSITORS = {"software": ["--disable-gpu-compositing"], "swiftshader": []}
SURFACE = ".st-key-surface_chart .js-plotly-plot"
CONTOUR = ".st-key-contour_chart .js-plotly-plot"
COUNTERS = """
window.__contexts = 0;
const original = HTMLCanvasElement.prototype.getContext;
HTMLCanvasElement.prototype.getContext = function (kind, ...rest) {
  if (String(kind).startsWith("webgl")) window.__contexts += 1;
  return original.call(this, kind, ...rest);
};
"""
PIXEL = f"""([x, y]) => {{
    const gd = document.querySelector('{CONTOUR}');
    const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis, box = gd.getBoundingClientRect();
    return [box.left + xa._offset + xa.d2p(x), box.top + ya._offset + ya.d2p(y)];
}}"""
# The 3D chart is drawn and its point marker is at (x, y) (to 1e-3 of the window).
SETTLED = f"""([x, y]) => {{
    const app = document.querySelector('[data-testid=stApp]');
    if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
    const q = new URLSearchParams(location.search);
    if (Math.abs(Number(q.get('x0')) - x) > 0.01 || Math.abs(Number(q.get('y0')) - y) > 0.01) {{
        return false;
    }}
    const gd = document.querySelector('{SURFACE}');
    const point = gd && gd._fullData && gd._fullData.find((t) => t.meta === 'point');
    if (!point || !gd._fullLayout.scene || !gd._fullLayout.scene._scene) return false;
    return Math.abs(point.x[0] - x) < 0.01 && Math.abs(point.y[0] - y) < 0.01;
}}"""
TWO_FRAMES = "() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))"
# One synthetic pointer move per animation frame for a second, the button held on the point.
DRAG = f"""async ([x, y]) => {{
    const gd = document.querySelector('{CONTOUR}');
    const host = gd.parentElement;
    const fire = (type, cx, cy) => host.dispatchEvent(new PointerEvent(type, {{
        clientX: cx, clientY: cy, button: 0, buttons: 1, bubbles: true, cancelable: true,
        pointerId: 1, isPrimary: true }}));
    const scene = document.querySelector('{SURFACE}');
    const before = gd.liveFrames || 0, sceneBefore = scene.liveFrames || 0;
    fire('pointerdown', x, y);
    await new Promise((r) => setTimeout(r, 500)); // a hand presses, then moves
    const started = performance.now();
    let moves = 0;
    while (performance.now() - started < 1000) {{
        await new Promise((r) => requestAnimationFrame(r));
        moves += 1;
        fire('pointermove', x + 2 * moves, y - 1.5 * moves);
    }}
    const seconds = (performance.now() - started) / 1000;
    const frames = (gd.liveFrames || 0) - before;
    const sceneFrames = (scene.liveFrames || 0) - sceneBefore;
    window.dispatchEvent(new PointerEvent('pointerup', {{ clientX: x + 2 * moves,
        clientY: y - 1.5 * moves, button: 0, bubbles: true, pointerId: 1 }}));
    return [frames, sceneFrames, seconds];
}}"""
# The same page's floor: a 10-pixel square moved once per animation frame for a second (the
# compositor redraws the page for any change; in software rendering that is not free).
FLOOR = """async () => {
    const square = document.createElement('div');
    Object.assign(square.style, { position: 'fixed', left: '0', top: '0', width: '10px',
        height: '10px', background: 'red', zIndex: 99 });
    document.body.appendChild(square);
    const started = performance.now();
    let frames = 0;
    while (performance.now() - started < 1000) {
        square.style.left = `${3 * frames}px`;
        await new Promise((r) => requestAnimationFrame(r));
        frames += 1;
    }
    square.remove();
    return frames / ((performance.now() - started) / 1000);
}"""


def measure(
    app_dir: Path, viewport: tuple[int, int] = (1400, 1800), compositor: str = "software"
) -> dict[str, float | None]:
    from playwright.sync_api import sync_playwright

    with serve(app_dir) as cluster, sync_playwright() as playwright:
        url = cluster.url
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=ARGS + COMPOSITORS[compositor]
        )
        try:
            page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
            page.add_init_script(COUNTERS)
            received = [0]
            page.on(
                "websocket",
                lambda ws: ws.on(
                    "framereceived",
                    lambda payload: received.__setitem__(0, received[0] + len(payload)),
                ),
            )
            page.goto(f"{url}/?f=x%5E2%20y%20%2B%20y%5E3&x0=0.5&y0=-1")
            page.wait_for_function(SETTLED, arg=[0.5, -1], timeout=120_000)
            page.wait_for_timeout(2000)
            seconds, sizes, contexts = [], [], []
            for target in TARGETS[:CLICKS]:
                page.locator(CONTOUR).scroll_into_view_if_needed()
                x, y = page.evaluate(PIXEL, list(target))
                before_bytes, before_contexts = received[0], page.evaluate("window.__contexts")
                started = time.perf_counter()
                page.mouse.click(x, y)
                page.wait_for_function(SETTLED, arg=list(target), timeout=60_000, polling="raf")
                page.evaluate(
                    "() => new Promise((r) => requestAnimationFrame(() => rAF(r)))".replace(
                        "rAF", "requestAnimationFrame"
                    )
                )
                seconds.append(time.perf_counter() - started)
                sizes.append(received[0] - before_bytes)
                contexts.append(page.evaluate("window.__contexts") - before_contexts)
                page.wait_for_timeout(500)
            page.wait_for_timeout(2000)  # the last click's redraw has finished
            floor = page.evaluate(FLOOR)
            fps = scene_fps = None
            if page.evaluate(
                f"() => document.querySelector('{CONTOUR}').liveFrames !== undefined"
                " || !!document.querySelector('.live-chart')"
            ):
                x, y = page.evaluate(PIXEL, list(TARGETS[CLICKS - 1]))
                frames, scene_frames, elapsed = page.evaluate(DRAG, [x, y])
                fps, scene_fps = frames / elapsed, scene_frames / elapsed
            return {
                "settled": statistics.median(seconds),
                "kb": statistics.median(sizes) / 1024,
                "contexts": statistics.median(contexts),
                "fps": fps,
                "scene_fps": scene_fps,
                "floor": floor,
            }
        finally:
            browser.close()


def print_comparison(
    rows: Sequence[tuple[str, str, str, int]],
    after: dict[str, float | None],
    before: dict[str, float | None] | None,
) -> None:
    """One line per (label, key, unit, digits): the figure now, before (another checkout), ratio."""

    def show(value, unit, digits):
        return "—" if value is None else f"{value:.{digits}f}{unit}"

    width = max(len(label) for label, *_ in rows)
    print(f"{'case':{width}} | {'now':>10} | {'before':>10} | ratio")
    for label, key, unit, digits in rows:
        now, then = after[key], before[key] if before else None
        ratio = f"{now / then:.2f}x" if now is not None and then else "—"
        print(
            f"{label:{width}} | {show(now, unit, digits):>10} | "
            f"{show(then, unit, digits):>10} | {ratio}"
        )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench browser", description=__doc__)
    parser.add_argument("--before", type=Path, help="another checkout of the app to compare")
    parser.add_argument(
        "--viewport",
        default="1400x1800",
        help="the browser window, WIDTHxHEIGHT (1366x768: a school laptop; 1920x1080: a projector)",
    )
    parser.add_argument(
        "--compositor",
        choices=sorted(COMPOSITORS),
        default="software",
        help="software: as Chrome on a laptop without a GPU (default); swiftshader: every frame "
        "composited through SwiftShader's GL, as in plain headless testing",
    )
    args = parser.parse_args(argv)
    try:
        width, height = (int(side) for side in args.viewport.lower().split("x"))
    except ValueError:
        parser.error("--viewport takes WIDTHxHEIGHT, for example 1366x768")
    if not (320 <= width <= 4000 and 320 <= height <= 4000):
        parser.error("--viewport sides must be 320 to 4000 pixels")
    after = measure(ROOT, (width, height), args.compositor)
    before = measure(args.before, (width, height), args.compositor) if args.before else None
    print(f"Chromium (software WebGL, {args.compositor} compositing), window {width}x{height}")

    print_comparison(
        [
            ("Explore: click on the map -> 3D chart settled (median)", "settled", " s", 2),
            ("Explore: bytes received per point change (median)", "kb", " KB", 1),
            ("Explore: new WebGL contexts per click", "contexts", "", 0),
            ("Explore: frames drawn per second while dragging on the map", "fps", " fps", 1),
            ("  the 3D scene's frames per second during that drag", "scene_fps", " fps", 1),
            ("  the page's floor: a 10 px square moved every frame", "floor", " fps", 1),
        ],
        after,
        before,
    )
    return 0
