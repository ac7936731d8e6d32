"""The Descent page in a real browser: the race animation plays (Play, Pause and the step slider are
controls under the chart, reachable by keyboard), a click on the map moves the start point in the
link without remounting the chart (no new WebGL context, the camera kept), and a hostile link opens
a usable page that says what it ignored.
"""

from __future__ import annotations

import io
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

import numpy as np
import pytest
from conftest import APP_READY, SCREENSHOTS, App
from plotly_moves import glide, wait_until_drawn

pytestmark = pytest.mark.e2e
expect = pytest.importorskip("playwright.sync_api").expect
expect.set_options(timeout=30_000)
Image = pytest.importorskip("PIL.Image")

TRACEBACK = "[data-testid=stException]"
MAIN = "[data-testid=stMain]"
RACE = ".st-key-descent_race_chart .js-plotly-plot"
VIEWPORT = {"width": 1440, "height": 1900}
# The page pixel of data point (x, y) on the race chart's 2D map, through the chart's own axes.
MAP_PIXEL = f"""([x, y]) => {{
    const gd = document.querySelector('{RACE}');
    const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis, box = gd.getBoundingClientRect();
    return [box.left + xa._offset + xa.d2p(x), box.top + ya._offset + ya.d2p(y)];
}}"""
COUNT_FRAMES = f"""() => {{
    const gd = document.querySelector('{RACE}');
    window.__frames = [];
    gd.addEventListener('race-frame', (event) => window.__frames.push(event.detail));
}}"""
CONTROLS = ".st-key-descent_race_chart .race-controls"
SLIDER = f"{CONTROLS} input[type=range]"
SLIDER_STEP = f"() => Number(document.querySelector('{SLIDER}').value)"
# Counts every WebGL context the page creates.
COUNT_CONTEXTS = """
window.__contexts = 0;
const original = HTMLCanvasElement.prototype.getContext;
HTMLCanvasElement.prototype.getContext = function (kind, ...rest) {
  if (String(kind).startsWith("webgl")) window.__contexts += 1;
  return original.call(this, kind, ...rest);
};
"""
EYE = f"""() => {{
    const scene = document.querySelector('{RACE}')._fullLayout.scene._scene;
    const eye = scene.getCamera().eye;
    return [eye.x, eye.y, eye.z];
}}"""
START_2D = f"""() => {{ const gd = document.querySelector('{RACE}');
    const t = gd.data.find((trace) => trace.meta === 'start 2d');
    return [t.x[0], t.y[0]]; }}"""


@pytest.fixture
def tall(browser, app_url):
    context = browser.new_context(viewport=VIEWPORT)
    context.add_init_script(COUNT_CONTEXTS)
    try:
        app = App(context.new_page(), app_url)
        yield app
        expect(app.page.locator(TRACEBACK)).to_have_count(0)
    finally:
        context.close()


def open_descent(app: App, **params: str):
    query = f"?{urlencode(params, quote_via=quote)}" if params else ""
    app.page.goto(f"{app.url}/descent{query}")
    app.page.wait_for_selector(APP_READY, timeout=60_000)
    app.idle()
    wait_until_drawn(app.page, RACE, timeout=60_000)
    return app.page


def query(page) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(page.evaluate("location.href")).query))


def chart_image(page) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(page.locator(RACE).screenshot())).convert("RGB"))


def snapshot(app: App, name: str) -> None:
    page = app.page
    needed = page.evaluate("() => document.querySelector('[data-testid=stMain]').scrollHeight")
    if needed > VIEWPORT["height"]:
        page.set_viewport_size({"width": VIEWPORT["width"], "height": int(needed) + 20})
        page.wait_for_timeout(300)
    app.screenshot(name)


def test_the_race_animation_plays_and_changes_the_picture(tall):
    page = open_descent(tall)
    title = page.get_by_role("heading", name="Descent: optimizers racing on f(x, y)")
    expect(title).to_be_visible()
    snapshot(tall, "descent_default")
    page.locator(RACE).scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    before = chart_image(page)
    last = page.evaluate(SLIDER_STEP)
    assert last > 0  # the chart opens on the finished race, the slider at its end

    page.evaluate(COUNT_FRAMES)
    page.get_by_role("button", name="Play the race at 1× speed").click()
    page.wait_for_function("() => window.__frames.length >= 4", timeout=60_000)
    page.get_by_role("button", name="Pause the race").click()
    page.wait_for_timeout(800)  # let the frame in flight finish drawing
    frames = page.evaluate("window.__frames")
    assert frames[0] == 0  # Play starts the race again from step 0
    paused_at = page.evaluate(SLIDER_STEP)
    assert 0 < paused_at < last  # paused mid-race
    after = chart_image(page)
    SCREENSHOTS.mkdir(exist_ok=True)
    Image.fromarray(before).save(SCREENSHOTS / "descent_race_before_play.png")
    Image.fromarray(after).save(SCREENSHOTS / "descent_race_after_play.png")

    assert before.shape == after.shape
    changed = np.any(np.abs(before.astype(int) - after.astype(int)) > 40, axis=2)
    width = changed.shape[1]
    # Both halves changed: the 3D view (left) and the map (right) move together.
    assert changed[:, : width // 2].sum() > 200, changed[:, : width // 2].sum()
    assert changed[:, width // 2 :].sum() > 200, changed[:, width // 2 :].sum()

    # The map under the paths stays drawn while the race plays (it is not redrawn per frame).
    assert page.evaluate(f"() => document.querySelectorAll('{RACE} svg image').length") == 1
    assert page.evaluate("window.__contexts") == 1  # playing never builds a new WebGL context


def test_play_pause_and_the_step_slider_work_from_the_keyboard(tall):
    page = open_descent(tall)
    last = page.evaluate(SLIDER_STEP)
    slider = page.locator(SLIDER)
    slider.focus()
    page.keyboard.press("Home")  # the range input's own keys: to the first frame
    page.wait_for_function(f"() => document.querySelector('{RACE}').raceFrame === 0")
    assert page.evaluate(SLIDER_STEP) == 0
    expect(page.locator(f"{CONTROLS} output")).to_have_text("step 0")
    page.keyboard.press("ArrowRight")
    page.wait_for_function(f"() => document.querySelector('{RACE}').raceFrame === 1")
    # Tab order: the three Play buttons, Pause, the slider. Shift+Tab back to Pause, then to 2×.
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    focused = page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert focused == "Play the race at 2× speed", focused
    page.evaluate(COUNT_FRAMES)
    page.keyboard.press("Enter")
    page.wait_for_function("() => window.__frames.length >= 3", timeout=60_000)
    assert page.evaluate("window.__frames")[0] == 1  # Play goes on from the frame shown
    page.keyboard.press("Tab")  # Pause
    page.keyboard.press("Enter")
    page.wait_for_timeout(800)
    paused = page.evaluate(SLIDER_STEP)
    page.wait_for_timeout(600)
    assert page.evaluate(SLIDER_STEP) == paused < last  # paused: nothing moves any more
    # Every control shows where the focus is (an outline, not a faint tint).
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid", outline


def test_a_click_on_the_map_moves_the_start_point_in_the_link(tall):
    page = open_descent(tall)
    before = query(page)
    assert (before["x0"], before["y0"]) == ("2", "1")
    page.locator(RACE).scroll_into_view_if_needed()
    target = (-1.0, -1.5)
    x, y = page.evaluate(MAP_PIXEL, list(target))
    glide(page, x, y)  # hover first: the map answers through its grid of invisible markers
    # Plotly finds the hovered marker on its next animation frame, which a busy machine delays:
    # press only once the hover label shows, as a person would see it before clicking.
    page.wait_for_function(
        f"() => document.querySelector('{RACE} .hoverlayer .hovertext') !== null",
        timeout=30_000,
    )
    page.mouse.down()
    page.wait_for_timeout(80)
    page.mouse.up()
    page.wait_for_function(
        "() => new URLSearchParams(location.search).get('x0') !== '2'", timeout=30_000
    )
    tall.idle()
    after = query(page)
    moved = (float(after["x0"]), float(after["y0"]))
    # The pointer's own position through the map's axes, rounded to a thousandth of the window.
    assert moved == pytest.approx(target, abs=0.01), moved
    assert after["f"] == before["f"]
    wait_until_drawn(page, RACE)
    page.wait_for_function(f"([x, y]) => ({START_2D})()[0] === x && ({START_2D})()[1] === y",
                           arg=list(moved), timeout=30_000)  # fmt: skip
    assert page.evaluate("window.__contexts") == 1  # the chart was not remounted


def test_a_new_start_keeps_the_chart_and_its_rotation(tall):
    page = open_descent(tall)
    page.locator(RACE).scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    opened = page.evaluate(EYE)
    # Turn the scene: drag across the left (3D) half of the chart.
    box = page.locator(RACE).bounding_box()
    x, y = box["x"] + 0.25 * box["width"], box["y"] + 0.6 * box["height"]
    page.mouse.move(x, y)
    page.mouse.down()
    for i in range(1, 11):
        page.mouse.move(x + 12 * i, y - 3 * i)
        page.wait_for_timeout(30)
    page.mouse.up()
    page.wait_for_timeout(1500)  # the turntable coasts a little after the release
    turned = page.evaluate(EYE)
    assert turned != pytest.approx(opened, abs=1e-3)  # it did turn
    # A new start from the sidebar: one rerun, the same chart, the same camera.
    draws = page.evaluate(f"() => document.querySelector('{RACE}').raceDraws")
    x0 = page.locator(".st-key-x0 input")
    x0.fill("-1")
    x0.press("Enter")
    page.wait_for_function(f"() => ({START_2D})()[0] === -1", timeout=30_000)
    tall.idle()
    assert page.evaluate(f"() => document.querySelector('{RACE}').raceDraws") > draws
    assert page.evaluate(EYE) == pytest.approx(turned, abs=1e-3)
    assert page.evaluate("window.__contexts") == 1


def test_a_hostile_link_opens_a_usable_page_that_says_what_it_ignored(tall):
    page = open_descent(
        tall,
        lr_gd="1e9",
        steps="1000000000",
        racers="gd,__import__,adam",
        x0="nan",
        basins="1",
        basin_res="99999",
    )
    notices = page.locator(f"{MAIN} [data-testid=stAlert]")
    expect(notices.filter(has_text="lr_gd")).to_contain_text("using 100")
    expect(notices.filter(has_text="The link's steps")).to_contain_text("using 1000")
    expect(notices.filter(has_text="__import__")).to_contain_text("names no optimizer")
    expect(notices.filter(has_text="x0")).to_contain_text("not a finite number")
    expect(notices.filter(has_text="basin_res")).to_contain_text("using 120")
    expect(notices.filter(has_text="Gradient descent").first).to_contain_text("Diverged at step")
    params = query(page)
    assert params["lr_gd"] == "100" and params["steps"] == "1000" and params["x0"] == "2"
    assert params["racers"] == "gd,adam"
    expect(page.locator(".st-key-descent_basins_chart .js-plotly-plot")).to_have_count(1)
    snapshot(tall, "descent_hostile")
