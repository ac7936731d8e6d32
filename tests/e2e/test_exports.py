"""Exports in a real browser: each chart has its PNG button again, the STL downloads from
Explore, and the web page of the view opens in Chromium with the network off."""

from __future__ import annotations

import pytest
from conftest import App

from core import Function
from pages.explore.exports import html_file
from pages.explore.work import explore_figures
from ui.shell.view import View

pytestmark = pytest.mark.e2e
expect = pytest.importorskip("playwright.sync_api").expect
expect.set_options(timeout=30_000)

PNG_BUTTON = ".modebar-btn[data-title*='Download plot' i]"


def test_the_view_as_a_web_page_opens_offline(browser, tmp_path):
    f = Function("x^2 y + y^3")
    view = View()
    path = tmp_path / "view.html"
    path.write_text(html_file(f, view, explore_figures(f, view)), encoding="utf-8")
    context = browser.new_context(offline=True, viewport={"width": 1400, "height": 900})
    try:
        page = context.new_page()
        failed = []
        page.on("requestfailed", lambda request: failed.append(request.url))
        page.goto(path.as_uri())
        expect(page.locator(".js-plotly-plot")).to_have_count(2)
        expect(page.locator(".js-plotly-plot .main-svg").first).to_be_visible()
        assert page.evaluate("typeof window.Plotly") == "object"
        assert page.locator("#chart-1 .contour").count() >= 1  # the map drew its contours
        assert failed == []
    finally:
        context.close()


def test_explore_has_png_buttons_and_an_stl_download(browser, app_url):
    context = browser.new_context(viewport={"width": 1400, "height": 1600}, accept_downloads=True)
    try:
        app = App(context.new_page(), app_url)
        page = app.open()
        expect(page.locator(".js-plotly-plot").nth(3)).to_be_visible()
        # Every chart on the page, the live ones included, has the camera button.
        charts = page.locator(".js-plotly-plot")
        for number in range(charts.count()):
            assert charts.nth(number).locator(PNG_BUTTON).count() == 1
        button = page.get_by_role("button", name="Surface for 3D printing (STL)")
        with page.expect_download() as started:
            button.click()
        data = started.value.path().read_bytes()
        assert started.value.suggested_filename == "surface.stl"
        count = int.from_bytes(data[80:84], "little")
        assert count > 1000 and len(data) == 84 + 50 * count
    finally:
        context.close()


def test_descent_downloads_the_race_as_an_animated_gif(browser, app_url):
    import io

    from PIL import Image

    context = browser.new_context(viewport={"width": 1400, "height": 1600}, accept_downloads=True)
    try:
        app = App(context.new_page(), app_url + "/descent")
        page = app.open()
        button = page.get_by_role("button", name="The race as an animated GIF")
        expect(button).to_be_visible()
        with page.expect_download() as started:
            button.click()
        assert started.value.suggested_filename == "descent_race.gif"
        image = Image.open(io.BytesIO(started.value.path().read_bytes()))
        # The default race: 4 racers x 100 steps, 61 frames as in the page's animation.
        assert image.format == "GIF" and image.n_frames == 61
        # The CSV is written when pressed too: a header and a row per racer and step.
        with page.expect_download() as started:
            page.get_by_role("button", name="Download every path (CSV)").click()
        assert started.value.suggested_filename == "descent_paths.csv"
        lines = started.value.path().read_text(encoding="utf-8").splitlines()
        assert lines[0] == "racer,step,x,y,f,grad_norm,status"
        assert len({line.split(",")[0] for line in lines[1:]}) == 4
    finally:
        context.close()
