"""The click bridge in a real browser, on a small harness page (tests/e2e/bridge_harness.py).

Clicks on a 3D surface and a 2D contour move the point; rotations, zoom boxes and margin clicks do
not; the 3D camera the person chose survives the rerun that redraws the chart.
"""

from __future__ import annotations

import re

import pytest
from conftest import App, serve
from plotly_moves import (
    CONTOUR,
    CONTOUR_PIXEL,
    SURFACE,
    click_surface,
    close,
    eye,
    live_eye,
    rotate,
)

pytestmark = pytest.mark.e2e
expect = pytest.importorskip("playwright.sync_api").expect
expect.set_options(timeout=30_000)

HARNESS = "tests/e2e/bridge_harness.py"
TRACEBACK = "[data-testid=stException]"
DEFAULT_EYE = (1.25, 1.25, 1.25)
GRID_STEP = 0.1  # the harness draws x^2 - y^2 on a 41 x 41 grid over [-2, 2]^2


@pytest.fixture(scope="module")
def harness_url(tmp_path_factory):
    with serve(HARNESS, tmp_path_factory.mktemp("bridge") / "server.log") as url:
        yield url


@pytest.fixture
def harness(browser, harness_url):
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    try:
        app = App(context.new_page(), harness_url)
        page = app.open()
        page.wait_for_selector(SURFACE)
        page.wait_for_selector(CONTOUR)
        page.wait_for_function(f"() => document.querySelector('{SURFACE}')._fullLayout?.scene")
        yield app
    finally:
        context.close()


def readout(page) -> tuple[float, float]:
    text = page.locator("[data-testid=stMarkdownContainer]").filter(has_text="point:").inner_text()
    x, y = re.search(r"point: (\S+), (\S+)", text).groups()
    return float(x), float(y)


def runs(page) -> int:
    text = page.locator("[data-testid=stMarkdownContainer]").filter(has_text="runs:").inner_text()
    return int(text.split(":")[1])


def wait_for_point_change(app: App, before: tuple[float, float]) -> tuple[float, float]:
    shown = f"point: {before[0]:.4f}, {before[1]:.4f}"
    expect(app.page.get_by_text("point:")).not_to_have_text(shown)
    app.idle()
    return readout(app.page)


def settle_without_rerun(app: App) -> None:
    """Give a (wrongly) reported click time to rerun the script before asserting nothing moved."""
    app.page.wait_for_timeout(1500)
    app.idle()


def python_eye(page) -> tuple[float, float, float] | None:
    text = page.get_by_text("python camera eye:").inner_text()
    found = re.findall(r"-?\d+\.\d+", text)
    return tuple(float(v) for v in found) if found else None


def test_a_click_on_the_surface_moves_the_point_to_the_surface_point(harness):
    page = harness.page
    before = readout(page)
    point = click_surface(page)
    after = wait_for_point_change(harness, before)
    assert close(after, point, tolerance=1e-4), (after, point)
    expect(page.get_by_text("clicked: surface_chart")).to_be_visible()
    expect(page.locator(TRACEBACK)).to_have_count(0)
    harness.screenshot("bridge_surface_click")


def test_a_quick_tap_on_the_surface_counts_too(harness):
    # A press shorter than one gl frame gets no plotly_click; the hovered point stands in.
    page = harness.page
    before = readout(page)
    point = click_surface(page, hold_ms=0)
    after = wait_for_point_change(harness, before)
    assert close(after, point, tolerance=1e-4), (after, point)


def test_a_click_on_the_contour_lands_within_one_grid_cell(harness):
    page = harness.page
    page.locator(CONTOUR).scroll_into_view_if_needed()
    target = (0.73, -1.27)  # between grid nodes: the exact spot, not the snapped node
    x, y = page.evaluate(CONTOUR_PIXEL, list(target))
    before = readout(page)
    page.mouse.move(x, y)
    page.mouse.down()
    page.wait_for_timeout(80)
    page.mouse.up()
    after = wait_for_point_change(harness, before)
    assert close(after, target, tolerance=GRID_STEP), (after, target)
    expect(page.get_by_text("clicked: contour_chart")).to_be_visible()
    expect(page.locator(TRACEBACK)).to_have_count(0)
    harness.screenshot("bridge_contour_click")


def test_a_zoom_box_or_a_margin_click_on_the_contour_moves_nothing(harness):
    page = harness.page
    page.locator(CONTOUR).scroll_into_view_if_needed()
    before = readout(page)
    x, y = page.evaluate(CONTOUR_PIXEL, [-1.0, 1.0])
    page.mouse.move(x, y)
    page.mouse.down()
    for i in range(1, 11):
        page.mouse.move(x + 12 * i, y + 8 * i)
        page.wait_for_timeout(30)
    page.mouse.up()
    zoomed = page.evaluate(f"() => document.querySelector('{CONTOUR}')._fullLayout.xaxis.range")
    assert zoomed[0] > -1.5, zoomed  # the drag did zoom, so it reached the chart
    box = page.locator(CONTOUR).bounding_box()
    page.mouse.click(box["x"] + 8, box["y"] + box["height"] / 2)  # left of the y axis
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] - 6)  # below the x axis
    settle_without_rerun(harness)
    assert readout(page) == before
    expect(page.locator(TRACEBACK)).to_have_count(0)


def test_a_rotation_drag_is_not_a_click(harness):
    page = harness.page
    before, ran = readout(page), runs(page)
    rotate(page)
    settle_without_rerun(harness)
    assert readout(page) == before
    assert runs(page) == ran  # no rerun at all: the camera is not sent on every rotation
    assert not close(eye(page), DEFAULT_EYE), "the drag did not rotate the view"
    expect(page.locator(TRACEBACK)).to_have_count(0)


def test_the_rotated_camera_survives_the_rerun_of_a_click(harness):
    page = harness.page
    rotate(page)
    page.wait_for_timeout(1000)  # the turntable coasts for a few frames after the drag
    rotated = live_eye(page)  # what is on screen (the layout's copy can lag behind it)
    assert not close(rotated, DEFAULT_EYE)
    before = readout(page)
    page.evaluate(f"() => {{ document.querySelector('{SURFACE}').__old = true; }}")
    click_surface(page)
    wait_for_point_change(harness, before)
    redrawn = f"() => {{ const gd = document.querySelector('{SURFACE}');"
    redrawn += " return gd && !gd.__old && gd._fullLayout?.scene; }"
    page.wait_for_function(redrawn)
    assert close(eye(page), rotated), (eye(page), rotated)
    assert close(python_eye(page), rotated), (python_eye(page), rotated)  # drawn with it
    expect(page.locator(TRACEBACK)).to_have_count(0)
    harness.screenshot("bridge_camera_after_click")


def test_the_rotated_camera_survives_a_rerun_from_the_sidebar(harness):
    # No click carried this rotation to Python: the bridge puts it back on the new chart.
    page = harness.page
    rotate(page)
    page.wait_for_timeout(1000)  # the turntable coasts for a few frames after the drag
    rotated = live_eye(page)
    before, ran = readout(page), runs(page)
    page.locator(".st-key-x0 button").last.click()  # x0 + step
    wait_for_point_change(harness, before)
    page.wait_for_function(
        f"""([x, y, z]) => {{
            const c = document.querySelector('{SURFACE}')?._fullLayout?.scene?.camera?.eye;
            return c && Math.abs(c.x - x) < 1e-3 && Math.abs(c.y - y) < 1e-3
                && Math.abs(c.z - z) < 1e-3;
        }}""",
        arg=list(rotated),
        timeout=15_000,
    )
    settle_without_rerun(harness)
    assert runs(page) == ran + 1  # putting the camera back did not rerun the script
    expect(page.locator(TRACEBACK)).to_have_count(0)


def test_the_bridge_survives_charts_that_come_and_go(harness):
    page = harness.page
    page.get_by_text("charts", exact=True).click()
    expect(page.get_by_text("No charts to show.")).to_be_visible()
    harness.idle()
    expect(page.locator(TRACEBACK)).to_have_count(0)
    page.get_by_text("charts", exact=True).click()
    page.wait_for_selector(CONTOUR)
    harness.idle()
    page.locator(CONTOUR).scroll_into_view_if_needed()
    x, y = page.evaluate(CONTOUR_PIXEL, [-0.52, 0.37])
    before = readout(page)
    page.mouse.click(x, y)
    after = wait_for_point_change(harness, before)
    assert close(after, (-0.52, 0.37), tolerance=GRID_STEP), after
    expect(page.locator(TRACEBACK)).to_have_count(0)
