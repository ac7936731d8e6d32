"""The Second-order page in a real browser: the default link, the angle slider from the keyboard,
the gradient button, a click on the contour map, the critical-point menu, a hostile link, and the
live charts: a drag on a map moves the point in every view in the browser, a point change sends
neither a surface nor a grid again, creates no WebGL context and keeps each 3D camera.
Screenshots go to tests/e2e/screenshots/second_order_*.png.
"""

from __future__ import annotations

import math
import re
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

import pytest
from conftest import APP_READY, App
from plotly_moves import close, wait_until_drawn

from core import Function, critical_points, directional_derivative
from ui.shell.text import latex_number

pytestmark = pytest.mark.e2e
expect = pytest.importorskip("playwright.sync_api").expect
expect.set_options(timeout=30_000)

TRACEBACK = "[data-testid=stException]"
MAIN = "[data-testid=stMain]"
# The critical points' table, not the charts' data tables (tables too, inside their expanders).
CRITICAL_ROWS = (
    "xpath=//*[@data-testid='stMain']//*[@data-testid='stTable']"
    "[not(ancestor::*[@data-testid='stExpander'])]//tbody/tr"
)
SIDEBAR = "[data-testid=stSidebar]"
VIEWPORT = {"width": 1440, "height": 1900}
PATH = "/second-order"
SEED = "x^2 y + y^3"
HIMMELBLAU = "(x^2 + y - 11)^2 + (x + y^2 - 7)^2"
CHARTS = {
    name: f".st-key-second_{name} .js-plotly-plot"
    for name in (
        "critical_contour",
        "critical_surface",
        "quadratic_surface",
        "direction_contour",
        "direction_surface",
    )
}
ANGLE = ".st-key-second_angle"
ANGLE_INPUT = f"{ANGLE} input[type=range]"  # react-aria's slider: a hidden range input
# The page pixel of data point (x, y) on a 2D chart, through the chart's own axes.
PIXEL = """([selector, x, y]) => {
    const gd = document.querySelector(selector);
    const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis, box = gd.getBoundingClientRect();
    return [box.left + xa._offset + xa.d2p(x), box.top + ya._offset + ya.d2p(y)];
}"""
# The traces of the chart in `selector` with a given meta role, as plain data.
TRACES = """([selector, role]) => (document.querySelector(selector)?._fullData ?? [])
    .filter((t) => t.meta === role).map((t) => ({x: Array.from(t.x), y: Array.from(t.y)}))"""


# Counts every WebGL context the page creates and every script run Streamlit starts, and keeps
# the websocket frames the page receives.
COUNTERS = """
window.__contexts = 0;
const original = HTMLCanvasElement.prototype.getContext;
HTMLCanvasElement.prototype.getContext = function (kind, ...rest) {
  if (String(kind).startsWith("webgl")) window.__contexts += 1;
  return original.call(this, kind, ...rest);
};
window.__runs = 0;
new MutationObserver(() => {
  const app = document.querySelector("[data-testid=stApp]");
  const state = app && app.getAttribute("data-test-script-state");
  if (state === "running" && window.__lastState !== "running") window.__runs += 1;
  window.__lastState = state;
}).observe(document, {
  subtree: true, attributes: true, attributeFilter: ["data-test-script-state"],
});
"""
# What each 3D scene shows now (its WebGL objects, which the browser moves during a drag): the
# first x of each trace by role, and the scene's camera eye.
SCENE = """(selector) => {
    const scene = document.querySelector(selector)._fullLayout.scene._scene;
    const first = {};
    for (const object of Object.values(scene.traces)) {
        const d = object.data;
        first[d.meta] = d.x && d.x.length ? Number(d.x[0]) : null;
    }
    const eye = scene.getCamera().eye;
    return {first, eye: [eye.x, eye.y, eye.z]};
}"""
# The same, from what a 3D chart draws over its scene while the point is dragged.
DRAWN_OVER_SCENE = """(selector) => {
    const gd = document.querySelector(selector);
    const first = {};
    for (const d of gd.liveTraces || []) first[d.meta] = d.x && d.x.length ? Number(d.x[0]) : null;
    return {first};
}"""
THREE_D = ("critical_surface", "quadratic_surface", "direction_surface")


@pytest.fixture
def tall(browser, app_url):
    """A tab on the app in a tall viewport; no test may leave a traceback on it."""
    context = browser.new_context(viewport=VIEWPORT)
    try:
        app = App(context.new_page(), app_url)
        # The main page first, so that these tests are about this page, not about a fresh
        # server's first visit (tests/e2e/test_pages.py).
        app.page.goto(app_url + "/")
        app.page.wait_for_selector(APP_READY, timeout=60_000)
        app.idle()
        yield app
        expect(app.page.locator(TRACEBACK)).to_have_count(0)
    finally:
        context.close()


def link(**params: str) -> str:
    return f"{PATH}?{urlencode(params, quote_via=quote)}" if params else PATH


def show(page, *names: str) -> None:
    """Scroll each chart into view and wait until plotly has drawn it: Streamlit 1.67 leaves a
    placeholder for elements far below the fold until they come near the viewport."""
    for name in names:
        page.evaluate(f"document.querySelector('.st-key-second_{name}')?.scrollIntoView()")
        wait_until_drawn(page, CHARTS[name], timeout=60_000)
    page.evaluate("window.scrollTo(0, 0)")


def open_page(app: App, path: str):
    app.page.goto(app.url + path)
    app.page.wait_for_selector(APP_READY, timeout=60_000)
    app.idle()
    show(app.page, *CHARTS)
    expect(app.page.get_by_text("Page not found")).to_have_count(0)
    return app.page


def query(page) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(page.evaluate("location.href")).query))


def wait_for_param(page, name: str, value: str) -> None:
    page.wait_for_function(
        "([name, value]) => new URLSearchParams(location.search).get(name) === value",
        arg=[name, value],
    )


def shown_slope(page) -> str:
    """The value at the end of the D_u f = grad f . u = ... line, as KaTeX drew it."""
    for tex in page.locator(f"{MAIN} .katex annotation").all_text_contents():
        if tex.startswith("D_{") and r"\cdot" in tex:
            return tex.rsplit(" = ", 1)[1]
    return ""


def expect_slope(app: App, text: str, angle: int, x0: float, y0: float) -> None:
    value = directional_derivative(Function(text), x0, y0, angle=math.radians(angle))
    app.page.wait_for_function(
        """(value) => [...document.querySelectorAll('[data-testid=stMain] .katex annotation')]
            .map((a) => a.textContent)
            .some((tex) => tex.startsWith('D_{') && tex.endsWith(' = ' + value))""",
        arg=latex_number(value),
    )
    assert shown_slope(app.page) == latex_number(value)


def snapshot(app: App, name: str) -> None:
    """A screenshot of the whole page, the viewport stretched to the main area's height."""
    page = app.page
    needed = page.evaluate("() => document.querySelector('[data-testid=stMain]').scrollHeight")
    if needed > page.viewport_size["height"]:
        page.set_viewport_size({"width": VIEWPORT["width"], "height": int(needed) + 20})
        page.wait_for_timeout(500)  # plotly resizes on the window's resize event
    show(page, *CHARTS)
    app.screenshot(name)


def test_the_default_link_draws_every_section(tall):
    page = open_page(tall, PATH)
    assert query(page) == {"f": SEED, "x0": "2", "y0": "1"}
    for heading in ("1. Critical points", "2. The quadratic (Taylor) approximation"):
        expect(page.get_by_role("heading", name=heading)).to_be_visible()
    expect_slope(tall, SEED, 45, 2, 1)
    assert shown_slope(page) == "7.77817"  # (4 + 7) / sqrt(2)
    marked = page.evaluate(TRACES, [CHARTS["critical_contour"], "critical degenerate"])
    assert len(marked) == 1 and close((marked[0]["x"][0], marked[0]["y"][0]), (0, 0), 1e-6)
    rows = page.locator(CRITICAL_ROWS)
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("degenerate")
    expect(page.locator(f"{MAIN} [data-testid=stAlert]")).to_have_count(0)
    snapshot(tall, "second_order_default")


def test_the_angle_slider_moves_with_the_keyboard_and_d_u_f_follows(tall):
    page = open_page(tall, PATH)
    # Streamlit draws a placeholder for a widget far below the fold until it is scrolled to.
    page.evaluate(f"document.querySelector('{ANGLE}').scrollIntoView()")
    thumb = page.locator(ANGLE_INPUT)
    for angle in (46, 47, 48):  # one key, one rerun: wait for each before the next
        thumb.press("ArrowRight")
        wait_for_param(page, "angle", str(angle))
        tall.idle()
    expect_slope(tall, SEED, 48, 2, 1)
    current = page.evaluate(TRACES, [CHARTS["direction_contour"], "direction"])
    tip = (current[0]["x"][1] - current[0]["x"][0], current[0]["y"][1] - current[0]["y"][0])
    assert math.degrees(math.atan2(tip[1], tip[0])) == pytest.approx(48, abs=0.01)
    thumb.press("Home")
    wait_for_param(page, "angle", "0")
    tall.idle()
    expect_slope(tall, SEED, 0, 2, 1)
    assert shown_slope(page) == "4"  # along +x, D_u f is df/dx = 2xy = 4
    snapshot(tall, "second_order_angle_0")


def test_the_gradient_button_and_the_critical_point_menu(tall):
    params = {"f": HIMMELBLAU, "x0": "0", "y0": "0", "xmin": "-5", "xmax": "5"}
    params |= {"ymin": "-5", "ymax": "5"}
    page = open_page(tall, link(**params))
    expect(page.locator(CRITICAL_ROWS)).to_have_count(9)
    expect(page.locator(MAIN)).to_contain_text("4 minima, 1 maximum and 4 saddles")

    # grad f at 0 is (-14, -22): steepest ascent at 237.5 degrees, rounded to 238.
    page.get_by_role("button", name="Point u along ∇f").click()
    wait_for_param(page, "angle", "238")
    tall.idle()
    expect_slope(tall, HIMMELBLAU, 238, 0, 0)

    menu = page.locator(f"{MAIN} .st-key-second_go_to")
    menu.scroll_into_view_if_needed()
    menu.get_by_role("combobox").click()
    page.get_by_role("option", name="● minimum at (3, 2)").click()
    wait_for_param(page, "x0", "3")
    wait_for_param(page, "y0", "2")
    tall.idle()
    expect(page.locator(f"{SIDEBAR} .st-key-x0 input")).to_have_value("3")
    expect(page.locator(MAIN)).to_contain_text("every direction is flat", timeout=30_000)


def test_a_click_on_the_contour_map_moves_the_point(tall):
    page = open_page(tall, link(f=SEED, x0="2", y0="1"))
    chart = CHARTS["direction_contour"]
    show(page, "direction_contour")
    page.locator(chart).scroll_into_view_if_needed()
    target = (-1.23, 0.77)
    x, y = page.evaluate(PIXEL, [chart, *target])
    page.mouse.move(x, y)
    page.mouse.down()
    page.wait_for_timeout(80)
    page.mouse.up()
    page.wait_for_function("() => new URLSearchParams(location.search).get('x0') !== '2'")
    tall.idle()
    moved = (float(query(page)["x0"]), float(query(page)["y0"]))
    assert close(moved, target, tolerance=6 / 99), moved  # within a grid cell of the map
    expect_slope(tall, SEED, 45, *moved)


def test_a_hostile_link_opens_a_usable_page_with_sentences(tall):
    hostile = {"f": "sqrt(1 - x^2 - y^2)", "x0": "2", "y0": "2", "angle": "nan", "radius": "-1"}
    hostile |= {"xmin": "-1.5", "xmax": "1.5", "ymin": "-1.5", "ymax": "1.5"}
    page = open_page(tall, link(**hostile))
    notices = page.locator(f"{MAIN} [data-testid=stAlert]")
    expect(notices.filter(has_text="angle")).to_contain_text("not a finite number; using 45")
    expect(notices.filter(has_text="radius")).to_contain_text("not a positive number; using 1")
    expect(notices.filter(has_text="so nothing is drawn there")).to_be_visible()
    expect(notices.filter(has_text="No tangent plane and no quadratic")).to_be_visible()
    assert "angle" not in query(page) and "radius" not in query(page)
    # The unit disc's top is a maximum; the rim, where the slope is infinite, is not critical.
    found = critical_points(Function("sqrt(1 - x^2 - y^2)"), (-1.5, 1.5), (-1.5, 1.5))
    assert [p.kind for p in found] == ["maximum"]
    expect(page.locator(CRITICAL_ROWS)).to_have_count(1)
    snapshot(tall, "second_order_hostile")


@pytest.fixture
def counted(browser, app_url):
    """A tall tab that counts WebGL contexts and script runs and keeps the frames it receives."""
    context = browser.new_context(viewport=VIEWPORT)
    context.add_init_script(COUNTERS)
    try:
        app = App(context.new_page(), app_url)
        frames: list[bytes] = []

        def listen(socket) -> None:
            socket.on("framereceived", lambda payload: frames.append(payload))

        app.page.on("websocket", listen)
        app.frames = frames
        yield app
        expect(app.page.locator(TRACEBACK)).to_have_count(0)
    finally:
        context.close()


def counts(page) -> tuple[int, int]:
    return tuple(page.evaluate("[window.__contexts, window.__runs]"))


def received(frames: list, since: int) -> tuple[int, str]:
    """Bytes received since frame `since`, and those frames as text (protobuf; JSON inside)."""
    chunks = [f if isinstance(f, bytes) else f.encode() for f in frames[since:]]
    return sum(len(c) for c in chunks), b"".join(chunks).decode("utf-8", "replace")


def rotate(page, name: str) -> None:
    """Turn 3D chart `name` by dragging across it."""
    box = page.locator(CHARTS[name]).bounding_box()
    x, y = box["x"] + 0.3 * box["width"], box["y"] + 0.75 * box["height"]
    page.mouse.move(x, y)
    page.mouse.down()
    for i in range(1, 11):
        page.mouse.move(x + 15 * i, y - 3 * i)
        page.wait_for_timeout(30)
    page.mouse.up()


def settled(page) -> dict:
    """Each 3D scene's state once the turntables have stopped coasting."""
    last = None
    for _ in range(40):
        now = {name: page.evaluate(SCENE, CHARTS[name]) for name in THREE_D}
        if now == last:
            return now
        last = now
        page.wait_for_timeout(400)
    pytest.fail("the 3D scenes never came to rest")


def test_a_drag_on_the_map_moves_every_view_in_the_browser_and_keeps_every_chart(counted):
    page = open_page(counted, PATH)
    rotate(page, "quadratic_surface")
    rotate(page, "direction_surface")
    counted.idle()
    before = settled(page)
    contexts, runs = counts(page)
    assert contexts == 3  # one per 3D scene
    since = len(counted.frames)

    chart = CHARTS["direction_contour"]
    page.locator(chart).scroll_into_view_if_needed()
    start = page.evaluate(PIXEL, [chart, 2, 1])
    page.mouse.move(*start)
    page.mouse.down()
    for step in range(1, 13):
        page.mouse.move(start[0] - 14 * step, start[1] + 9 * step)
        page.wait_for_timeout(60)
    page.wait_for_timeout(300)
    # Every 3D scene draws its moving traces over itself while the point is held.
    during = {name: page.evaluate(DRAWN_OVER_SCENE, CHARTS[name]) for name in THREE_D}
    assert counts(page)[1] == runs, "no script run while the point moves"
    for name in THREE_D:
        assert during[name]["first"]["point"] < 1.5, name  # the point left x = 2 in every scene
    # Q's patch and the slice along u were recomputed in the browser around the new point.
    assert (
        during["quadratic_surface"]["first"]["quadratic"]
        < before["quadratic_surface"]["first"]["quadratic"] - 0.5
    )
    assert during["direction_surface"]["first"]["slice u"] != pytest.approx(
        before["direction_surface"]["first"]["slice u"]
    )

    page.mouse.up()
    page.wait_for_function("(runs) => window.__runs > runs", arg=runs)
    counted.idle()
    page.wait_for_timeout(1500)
    x0, y0 = float(query(page)["x0"]), float(query(page)["y0"])
    assert x0 < 1.5 and y0 < 1
    assert counts(page) == (contexts, runs + 1), "no new WebGL context, one rerun"
    after = settled(page)
    for name in THREE_D:
        assert close(after[name]["eye"], before[name]["eye"], 1e-6), name  # the camera stays
        assert after[name]["first"]["point"] == pytest.approx(x0, abs=1e-6), name
    size, text = received(counted.frames, since)
    # The grid (every surface's and map's numbers) is not sent again, nor the bases (styles, a few
    # KB): unchanged messages from 1 KB up are sent as references (.streamlit/config.toml).
    assert not re.search(r'"role": ?"grid"', text)
    assert not re.search(r'"role": ?"base"', text)
    assert size < 150_000, size
    expect_slope(counted, SEED, 45, x0, y0)


def test_at_a_clicked_point_the_taylor_formulas_show_decimals(tall):
    # A click snaps the point to a thousandth of the window: 0.785 is such a point.
    page = open_page(tall, link(f=SEED, x0="0.785", y0="-0.53"))
    annotations = page.locator(f"{MAIN} .katex annotation").all_text_contents()
    shown = [tex for tex in annotations if r"(x, y) \approx" in tex]
    assert len(shown) == 2, annotations  # L and Q, in decimals
    assert "0.785" in shown[0] and not re.search(r"\\frac\{\d+\}\{\d{3,}\}", " ".join(shown))


def test_the_angle_slider_is_on_screen_with_what_it_moves(browser, app_url):
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    try:
        app = App(context.new_page(), app_url)
        page = open_page(app, PATH)
        page.evaluate(f"document.querySelector('{ANGLE}').scrollIntoView({{block: 'start'}})")
        page.wait_for_timeout(300)
        boxes = {
            "slider": page.locator(ANGLE).bounding_box(),
            "profile": page.locator(".st-key-second_profile").bounding_box(),
            "map": page.locator(CHARTS["direction_contour"]).bounding_box(),
        }
        for name, box in boxes.items():
            # scrollIntoView may stop a fraction of a pixel short (y = -0.1): that is on screen.
            assert box["y"] >= -1 and box["y"] + box["height"] <= 1081, (name, box)
        page.locator(ANGLE_INPUT).press("ArrowRight")
        wait_for_param(page, "angle", "46")
        app.idle()
        expect_slope(app, SEED, 46, 2, 1)
    finally:
        context.close()


def test_arrow_keys_on_a_focused_surface_move_the_point_and_rerun_once(counted):
    page = open_page(counted, PATH)
    contexts, runs = counts(page)
    host = page.locator(".st-key-second_quadratic_surface .live-chart")
    host.focus()
    for _ in range(3):
        page.keyboard.press("ArrowLeft")
    page.keyboard.press("Shift+ArrowDown")
    page.wait_for_function("(runs) => window.__runs > runs", arg=runs)
    counted.idle()
    page.wait_for_timeout(800)
    # Each key moves 1% of the 6-wide window, with Shift 10%.
    x0, y0 = float(query(page)["x0"]), float(query(page)["y0"])
    assert close((x0, y0), (2 - 3 * 0.06, 1 - 0.6), tolerance=1e-6), (x0, y0)
    assert counts(page) == (contexts, runs + 1)
    expect_slope(counted, SEED, 45, x0, y0)
