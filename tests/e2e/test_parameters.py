"""Parameters in Chromium (issue 13): typing `a x^2 + b y^2` shows two sliders as it is typed;
a slider moved by keyboard rewrites the link; on Second order the critical point's kind follows b;
▶ on Explore plays b in the browser (no script run per frame) and ⏸ leaves its value in the link.
"""

from __future__ import annotations

import json
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

import pytest
from conftest import APP_READY, App
from plotly_moves import CONTOUR, SURFACE, close, live_eye, rotate, wait_until_drawn
from test_live_point import COUNTERS, settled_eye

pytestmark = pytest.mark.e2e
expect = pytest.importorskip("playwright.sync_api").expect
expect.set_options(timeout=30_000)

SIDEBAR = "[data-testid=stSidebar]"
TRACEBACK = "[data-testid=stException]"


@pytest.fixture
def tab(browser, app_url):
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    try:
        app = App(context.new_page(), app_url)
        yield app
        expect(app.page.locator(TRACEBACK)).to_have_count(0)
    finally:
        context.close()


def open_link(app: App, path: str, **params: str):
    app.page.goto(f"{app.url}{path}?{urlencode(params, quote_via=quote)}")
    app.page.wait_for_selector(APP_READY, timeout=60_000)
    app.idle()
    return app.page


def parameter_sliders(page):
    return page.locator(f"{SIDEBAR} [data-testid=stSlider]").filter(has_text=" =")


def query(page) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(page.evaluate("location.href")).query))


def test_typing_a_parametric_formula_shows_one_slider_per_parameter(tab):
    page = open_link(tab, "/", f="x^2 y + y^3")
    expect(parameter_sliders(page)).to_have_count(0)
    box = page.locator(f"{SIDEBAR} .st-key-f input")
    box.click()
    box.press("Control+a")
    box.press_sequentially("a x^2 + b y^2", delay=30)  # live: no Enter
    expect(parameter_sliders(page)).to_have_count(2)
    expect(parameter_sliders(page).nth(0)).to_contain_text("a =")
    expect(parameter_sliders(page).nth(1)).to_contain_text("b =")
    tab.idle()
    echo = page.locator(f"{SIDEBAR} .katex annotation").first
    expect(echo).to_have_text("f(x, y) = a x^{2} + b y^{2}")

    # The keyboard moves a slider by its step, and the link follows.
    thumb = page.locator(".st-key-p_b input[type=range]")
    thumb.focus()
    thumb.press("ArrowLeft")
    page.wait_for_function("new URLSearchParams(location.search).get('p_b') === '0.9'")
    tab.idle()
    tab.screenshot("parameters_typed")

    box.click()
    box.press("Control+a")
    box.press_sequentially("x^2 + y^2", delay=30)
    expect(parameter_sliders(page)).to_have_count(0)


def test_second_order_says_the_kind_the_slider_gives(tab):
    # Three 3D scenes in software WebGL keep the browser busy for a while after each run.
    page = open_link(tab, "/second-order", f="a x^2 + b y^2", p_b="1", p_b_range="-2,2,1")
    page.set_default_timeout(120_000)
    main = page.locator("[data-testid=stMain]")
    expect(main).to_contain_text("minimum", timeout=120_000)
    thumb = page.locator(".st-key-p_b input[type=range]")
    thumb.focus()
    thumb.press("ArrowLeft")
    thumb.press("ArrowLeft")  # b = 1 -> 0 -> -1
    page.wait_for_function("new URLSearchParams(location.search).get('p_b') === '-1'")
    tab.idle()
    expect(main).to_contain_text("saddle", timeout=120_000)
    assert query(page)["f"] == "a x^2 + b y^2"


# -- ▶ on Explore: the parameter plays in the browser, ⏸ keeps the last value -----------------

PRESET_LINK = {"f": "a x^2 + b y^2", "x0": "1", "y0": "0.5", "xmin": "-2", "xmax": "2"}
PRESET_LINK |= {"ymin": "-2", "ymax": "2", "p_b_range": "-2,2,0.1"}
SWEEP_BUTTON = ".st-key-sweep_b button"
SLIDER_VALUE = ".st-key-p_b [data-testid=stSliderThumbValue]"
# The map's sweep layer: a digest of its pixels and the value of b it shows.
MAP_FRAME = f"""() => {{
    const layer = document.querySelector('{CONTOUR}').parentElement.querySelector('.live-sweep');
    if (!layer || layer.style.display === 'none') return null;
    const data = layer.getContext('2d').getImageData(0, 0, layer.width, layer.height).data;
    let digest = 0;
    for (let n = 0; n < data.length; n += 97) digest = (digest * 31 + data[n]) >>> 0;
    return [digest, Number(layer.dataset.value)];
}}"""


def paused_value(app: App, runs: int) -> float:
    """b's value in the link once the rerun that ⏸ sends has finished. The link leaves out a
    value at its default (b = 1), so a sweep paused on 1.0 writes no p_b: wait for the run."""
    app.page.wait_for_function("(runs) => window.__runs > runs", arg=runs)
    app.idle()
    app.page.wait_for_timeout(1000)
    return float(query(app.page).get("p_b", "1"))


@pytest.fixture
def counted(browser, app_url):
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    context.add_init_script(COUNTERS)
    try:
        app = App(context.new_page(), app_url)
        yield app
        expect(app.page.locator(TRACEBACK)).to_have_count(0)
    finally:
        context.close()


def test_a_sweep_plays_in_the_browser_and_pause_keeps_its_value_camera_and_context(counted):
    page = open_link(counted, "/", **PRESET_LINK)
    page.set_default_timeout(120_000)
    wait_until_drawn(page, SURFACE, CONTOUR, timeout=120_000)
    button = page.locator(SWEEP_BUTTON)
    expect(button).to_have_text("▶ sweep b")
    page.wait_for_timeout(1500)
    rotate(page)
    counted.idle()
    camera = settled_eye(page)
    contexts, runs = page.evaluate("[window.__contexts, window.__runs]")

    button.focus()  # reachable and started by keyboard, with a visible focus ring
    page.keyboard.press("Enter")
    expect(button).to_have_text("pause b")
    expect(button).to_have_attribute("aria-pressed", "true")
    assert button.evaluate("(b) => getComputedStyle(b).outlineStyle") != "none"
    frames, shown_on_slider = [], []
    for _ in range(8):
        page.wait_for_timeout(400)
        frames.append(page.evaluate(MAP_FRAME))
        shown_on_slider.append(page.locator(SLIDER_VALUE).inner_text())
    assert all(frame is not None for frame in frames), frames
    # The sidebar's slider plays too: its thumb's number follows b, no rerun needed.
    assert len(set(shown_on_slider)) >= 4, shown_on_slider
    assert len({digest for digest, _ in frames}) >= 4, frames  # the map's pixels change
    assert len({value for _, value in frames}) >= 4, frames  # b moves
    assert all(-2 <= value <= 2 for _, value in frames)
    assert page.evaluate("window.__runs") == runs, "no script run while b plays"
    assert query(page).get("p_b") is None  # the link waits for the pause

    button.click()
    shown = page.evaluate(MAP_FRAME)[1]  # the frame left on screen
    value = paused_value(counted, runs)
    assert abs(value - shown) <= 0.1, (value, shown)  # the frame's value, on the slider's stops
    assert value == pytest.approx(round(value, 1))
    expect(page.locator(".st-key-p_b")).to_contain_text(f"{value:.1f}")
    expect(page.locator(SLIDER_VALUE)).to_have_text(f"{value:.1f}")
    expect(button).to_have_text("▶ sweep b")
    contexts_now, runs_now = page.evaluate("[window.__contexts, window.__runs]")
    assert runs_now == runs + 1, "one rerun on pause"
    assert contexts_now == contexts, "no new WebGL context"
    assert close(live_eye(page), camera), "the camera stays where the person put it"
    assert page.evaluate(MAP_FRAME) is None  # the server's map is back


def test_a_sweep_in_a_quiz_plays_f_alone_with_the_pages_level_spacing(counted):
    """quiz=1 hides ∂f/∂x = 2 a x and ∂f/∂y = 2 b y: a sweep plays f (the browser has f's body
    alone), writes neither, and paints the map with the page's quantile levels."""
    link = PRESET_LINK | {"quiz": "1", "spacing": "quantile"}
    page = open_link(counted, "/", **link)
    page.set_default_timeout(120_000)
    wait_until_drawn(page, SURFACE, CONTOUR, timeout=120_000)
    expect(page.get_by_text("Quiz", exact=False).first).to_be_visible()
    button = page.locator(SWEEP_BUTTON)
    expect(button).to_have_text("▶ sweep b")
    page.wait_for_timeout(1500)
    button.click()
    expect(button).to_have_text("pause b")
    frames = []
    for _ in range(6):
        page.wait_for_timeout(400)
        frames.append(page.evaluate(MAP_FRAME))
    assert all(frame is not None for frame in frames), frames
    assert len({digest for digest, _ in frames}) >= 3, frames
    layer = page.locator(f"{CONTOUR} >> xpath=.. >> .live-sweep")
    assert layer.get_attribute("data-spacing") == "quantile"
    text = page.evaluate("document.body.textContent").replace(" ", "")
    for secret in ("2ax", "2by", "∂f/∂x=", "∂f/∂y=", "∇f="):
        assert secret not in text, secret
    runs = page.evaluate("window.__runs")
    button.click()
    paused_value(counted, runs)
    assert query(page).get("quiz") == "1"
    text = page.evaluate("document.body.textContent").replace(" ", "")
    assert "2ax" not in text and "2by" not in text


# -- a new value: the browser draws a pole-free surface whole, as a fresh link at that value -----

WHOLE_LINK = {"f": "a x^2 + b y^2", "x0": "1", "y0": "0.5", "spacing": "quantile"}
WHOLE_LINK |= {"p_b_range": "-2,2,0.5"}
# What the map and the scene drew from the grid: the map's levels (its band index's range and
# labels) and the scene's z axis.
DRAWN_GRID = f"""() => {{
    const map = document.querySelector('{CONTOUR}');
    const scene = document.querySelector('{SURFACE}');
    if (!map || !scene || !map.data || !scene._fullLayout || !scene._fullLayout.scene) return null;
    const contour = map.data.find((t) => t.meta === 'contour');
    const labels = map.data.find((t) => t.meta === 'contour labels');
    const surface = scene.data.find((t) => t.meta === 'surface');
    return {{
        zmin: contour.zmin, zmax: contour.zmax, end: contour.contours.end,
        labels: labels ? Array.from(labels.text) : null,
        cmin: surface.cmin, cmax: surface.cmax,
        zaxis: Array.from(scene._fullLayout.scene.zaxis.range),
    }};
}}"""


def _map_pixels(page) -> bytes:
    return page.locator(CONTOUR).screenshot(animations="disabled")


def test_a_new_value_draws_the_map_and_scene_of_a_fresh_link_at_that_value(tab):
    """b moved by the slider to -0.5 (the server sends no grid: pages/explore/work.py,
    surface_in_browser) draws the very map of a link opened at b = -0.5, with core's z range."""
    import numpy as np

    from core import Function, evaluate_grid
    from ui.plots.axes import z_limits

    page = open_link(tab, "/", **WHOLE_LINK, p_b="-0.5")
    page.set_default_timeout(120_000)
    wait_until_drawn(page, SURFACE, CONTOUR, timeout=120_000)
    page.wait_for_timeout(1500)
    fresh = page.evaluate(DRAWN_GRID)
    fresh_pixels = _map_pixels(page)
    grid = evaluate_grid(Function("a x^2 + b y^2").bind(b=-0.5), (-3, 3), (-3, 3), 100)
    np.testing.assert_allclose([fresh["cmin"], fresh["cmax"]], grid.z_range, rtol=1e-6)
    np.testing.assert_allclose(fresh["zaxis"], z_limits(grid.z_range), rtol=1e-6)
    assert fresh["labels"] and fresh["end"] == len(fresh["labels"]) - 1  # quantile levels

    page = open_link(tab, "/", **WHOLE_LINK)  # b = 1
    wait_until_drawn(page, SURFACE, CONTOUR, timeout=120_000)
    page.wait_for_timeout(1500)
    assert page.evaluate(DRAWN_GRID) != fresh
    thumb = page.locator(".st-key-p_b input[type=range]")
    thumb.focus()
    for _ in range(3):  # 1 -> 0.5 -> 0 -> -0.5
        thumb.press("ArrowLeft")
    page.wait_for_function("new URLSearchParams(location.search).get('p_b') === '-0.5'")
    tab.idle()
    same = json.dumps(fresh, separators=(",", ":"))
    page.wait_for_function(f"(want) => JSON.stringify(({DRAWN_GRID})()) === want", arg=same)
    page.wait_for_timeout(1500)
    page.mouse.move(0, 0)
    assert _map_pixels(page) == fresh_pixels
