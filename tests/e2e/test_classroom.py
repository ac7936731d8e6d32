"""Fit for the classroom, in Chromium: a phone opens with the sidebar closed and the chart
toolbars off the charts, presentation mode (present=1) opens with larger text and the sidebar
closed, a long formula wraps instead of being cut, and browser Back returns to the previous
point."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from conftest import App

pytestmark = pytest.mark.e2e
expect = pytest.importorskip("playwright.sync_api").expect
expect.set_options(timeout=30_000)

SIDEBAR = "[data-testid=stSidebar]"
LONG = "sin(x y)+x^3/(y^2+1)+exp(-x^2-y^2)+3x^2y^5-7xy+cos(x-y)^2+atan2(y,x)"


def open_at(browser, url: str, width: int, height: int, touch: bool = False):
    context = browser.new_context(
        viewport={"width": width, "height": height}, has_touch=touch, is_mobile=touch
    )
    app = App(context.new_page(), url)
    app.open()
    return context, app.page


def sidebar_shown(page) -> bool:
    """Streamlit marks a collapsed sidebar data-collapsed="true" and moves it off screen."""
    sidebar = page.locator(SIDEBAR)
    box = sidebar.bounding_box()
    shown = sidebar.get_attribute("data-collapsed") == "false"
    assert shown == (box is not None and box["x"] >= 0 and box["width"] > 100), box
    return shown


def test_a_phone_opens_with_the_sidebar_closed_and_toolbars_above_the_charts(browser, app_url):
    context, page = open_at(browser, app_url, 390, 844, touch=True)
    try:
        expect(page.get_by_role("heading", name="Explore f(x, y)")).to_be_in_viewport()
        assert not sidebar_shown(page)
        charts = page.locator(".js-plotly-plot")
        expect(charts.nth(3)).to_be_attached()
        for number in range(charts.count()):
            box = charts.nth(number).bounding_box()
            bar = charts.nth(number).locator(".modebar-container").bounding_box()
            if box is None or bar is None:
                continue
            # The toolbar sits in its own strip above the chart, over no title or legend.
            assert bar["y"] + bar["height"] <= box["y"] + 1, (number, bar, box)
    finally:
        context.close()


def test_presentation_mode_from_the_link(browser, app_url):
    context, page = open_at(browser, app_url + "?present=1", 1920, 1080)
    try:
        page.wait_for_function("getComputedStyle(document.documentElement).fontSize === '22px'")
        assert not sidebar_shown(page)
        caption = page.locator("[data-testid=stMain] [data-testid=stCaptionContainer]").first
        assert caption.evaluate("e => getComputedStyle(e).opacity") == "1"
        assert "present=1" in page.url
    finally:
        context.close()
    context, page = open_at(browser, app_url, 1920, 1080)
    try:
        assert sidebar_shown(page)  # a laptop or projector opens with the sidebar
        expect(page.locator(".js-plotly-plot").first).to_be_visible()
        size = page.evaluate("getComputedStyle(document.documentElement).fontSize")
        assert size != "22px"
    finally:
        context.close()


def test_a_long_formula_wraps_and_nothing_is_cut(browser, app_url):
    context, page = open_at(browser, app_url + "?f=" + quote(LONG), 1366, 768)
    try:
        formulas = page.locator(".katex-display")
        expect(formulas.first).to_be_visible()
        cut = """() => [...document.querySelectorAll('.katex-display')]
                .filter(e => e.scrollWidth > e.clientWidth + 1)
                .map(e => e.querySelector('annotation').textContent.slice(0, 60))"""
        try:  # the app's style arrives with the first run's elements: give it a moment
            page.wait_for_function(f"({cut})().length === 0", timeout=45_000)
        except Exception:
            pytest.fail(f"cut formulas: {page.evaluate(cut)}")
        # The sidebar's echo of the long formula takes several lines instead of one cut one.
        echo = page.locator(f"{SIDEBAR} .katex-display").first
        line = page.locator(f"{SIDEBAR} .katex-display .base").first.bounding_box()["height"]
        assert echo.bounding_box()["height"] > 2 * line
    finally:
        context.close()


def test_the_share_box_shows_a_qr_code_and_its_copy_button_covers_no_text(browser, app_url):
    link = app_url + "?f=" + quote("(1-x)^2+100(y-x^2)^2") + "&x0=-1&y0=1"
    context, page = open_at(browser, link, 1920, 1080)
    try:
        # The gallery's name comes back from the link's formula.
        expect(page.locator(SIDEBAR).get_by_role("combobox", name="Gallery")).to_have_value(
            "Rosenbrock"
        )
        assert page.get_by_role("img", name="QR code of this view's link").count() == 0  # closed
        page.get_by_text("Share this view").click()
        qr = page.get_by_role("img", name="QR code of this view's link, for a phone to scan")
        # The box opens with a rerun that draws the code: slow when the whole suite shares 2 cores.
        expect(qr).to_be_visible(timeout=30_000)
        assert qr.bounding_box()["width"] >= 150
        code = page.locator(".st-key-share_link pre")
        expect(code).to_contain_text("x0=-1")
        code.hover()
        button = page.locator(".st-key-share_link button").first
        expect(button).to_be_visible()
        # The copy button stays in the block's right padding, clear of the link's text.
        text_right = code.evaluate(
            """pre => { const range = document.createRange(); range.selectNodeContents(pre);
                return Math.max(...[...range.getClientRects()].map(r => r.right)); }"""
        )
        assert button.bounding_box()["x"] >= text_right - 1
        page.get_by_role("button", name="Show the QR code large").click()
        large = page.get_by_role("dialog").get_by_role("img")
        expect(large).to_be_visible()
        box = large.bounding_box()
        assert box["width"] >= 500 and box["y"] + box["height"] <= 1080  # whole on the screen
    finally:
        context.close()


def test_browser_back_returns_to_the_previous_point_and_forward_to_the_next(browser, app_url):
    context, page = open_at(browser, app_url, 1366, 768)
    x0 = page.locator(f"{SIDEBAR} .st-key-x0 input")
    try:
        for value in ("-1", "0.5"):
            x0.fill(value)
            x0.press("Enter")
            page.wait_for_function(f"() => location.search.includes('x0={value}&')")
            App(page, app_url).idle()
        for move, value in ((page.go_back, "-1"), (page.go_back, "2"), (page.go_forward, "-1")):
            move()
            expect(x0).to_have_value(value)  # the sidebar's point, after the page reopened
            expect(page).to_have_url(f"{app_url}/?f=x%5E2+y+%2B+y%5E3&x0={value}&y0=1")
            # the point's words (a minus sign, not a hyphen) under the 3D chart
            words = f"At ({value.replace('-', '−')}, 1): f = "
            expect(page.locator("[data-testid=stMain]")).to_contain_text(words)
    finally:
        context.close()
