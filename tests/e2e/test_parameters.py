"""Parameters in Chromium (issue 13): typing `a x^2 + b y^2` shows two sliders as it is typed;
a slider moved by keyboard rewrites the link; on Second order the critical point's kind follows b.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, quote, urlencode, urlsplit

import pytest
from conftest import APP_READY, App

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
