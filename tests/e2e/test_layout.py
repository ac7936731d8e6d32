"""Every page's layout at the classroom's screen sizes (issue 14), in Chromium: a projector at
1920x1080, the same at 150% zoom (a 1280x720 CSS viewport at 1.5 device pixels per CSS pixel, which
is what the browser's zoom does), a laptop at 1366x768 and a phone at 390x844 with touch.

On every page at every size: no heading, chart, button or input overlaps another; nothing is wider
than the page (no sideways scrolling, nothing cut at the right); no chart's tick label or axis title
is cut, covered or piled on another (2D and 3D). At 1920x1080 Explore's 3D scene
fills at least 60% of its chart, measured from the pixels. On the phone a tap on the map moves the
point and a swipe over a chart scrolls the page. One browser context per size visits every page.
"""

from __future__ import annotations

import io
from urllib.parse import parse_qsl, urlsplit

import numpy as np
import pytest
from chart_labels import LABELS_2D, SCENES_3D, scene_edges_cut
from conftest import CHARTS, SCRIPT_IDLE, SIZES, open_page
from plotly_moves import CONTOUR, SURFACE, contour_pixel, wait_until_drawn

pytestmark = pytest.mark.e2e
Image = pytest.importorskip("PIL.Image")

PAGES = {"": "Explore", "derivatives": "Derivatives", "second-order": "Second order"}
PAGES |= {"descent": "Descent", "guide": "Guide"}
MAP_LEGEND_ROWS = 3  # Explore's contour map, five entries in a column about 300 px wide
SCENE_SHARE = 0.60  # the 3D scene's drawn area over its chart's box, at 1920x1080

# Boxes that must not overlap: headings, charts, buttons and inputs in the page (not the sidebar),
# each visible one with its text for the failure message. Intended overlays are left out: a
# chart's own toolbar (inside the chart), Streamlit's hover toolbars and tooltips.
BOXES = """() => {
  const main = document.querySelector('[data-testid=stMain]');
  const selector =
    'h1, h2, h3, .js-plotly-plot, button, input, textarea, [role=slider], [data-baseweb=select]';
  // Inside a chart (its toolbar), Streamlit's hover toolbar and tooltips, the parts of one select
  // (its chips and its open and clear buttons), and what a closed expander hides.
  const overlay = '.js-plotly-plot *, [data-testid=stElementToolbar] *, [data-baseweb=tooltip] *,'
    + ' [data-baseweb=select] *, [data-testid=stMultiSelect] [data-baseweb=select] ~ * *,'
    + ' [data-testid=stMultiSelect] button, details:not([open]) > :not(summary) *';
  const found = [];
  for (const element of main.querySelectorAll(selector)) {
    if (element.matches(overlay)) continue;
    const style = getComputedStyle(element);
    const box = element.getBoundingClientRect();
    if (box.width < 2 || box.height < 2 || style.visibility === 'hidden') continue;
    let faded = false;
    for (let node = element; node && node !== main; node = node.parentElement) {
      if (Number(getComputedStyle(node).opacity) === 0) faded = true;
    }
    if (faded) continue;
    found.push({
      index: found.length,
      name: `${element.tagName.toLowerCase()} ${(element.getAttribute('aria-label')
        || element.textContent || element.className || '').toString().trim().slice(0, 40)}`,
      box: [box.left, box.top + main.scrollTop, box.right, box.bottom + main.scrollTop],
    });
    found[found.length - 1].element = element;
  }
  const overlaps = [];
  for (let i = 0; i < found.length; i++) {
    for (let j = i + 1; j < found.length; j++) {
      const a = found[i], b = found[j];
      if (a.element.contains(b.element) || b.element.contains(a.element)) continue;
      const width = Math.min(a.box[2], b.box[2]) - Math.max(a.box[0], b.box[0]);
      const height = Math.min(a.box[3], b.box[3]) - Math.max(a.box[1], b.box[1]);
      if (width > 2 && height > 2) {
        overlaps.push([a.name, b.name, Math.round(width), Math.round(height)]);
      }
    }
  }
  return {count: found.length, overlaps};
}"""
# Wider than the page: the main area scrolls sideways, or an element sticks out of it.
CLIPPED = """() => {
  const main = document.querySelector('[data-testid=stMain]');
  const right = main.getBoundingClientRect().right;
  const out = [];
  const selector = '.js-plotly-plot, .katex-display, h1, h2, h3, p, button';
  for (const element of main.querySelectorAll(selector)) {
    const box = element.getBoundingClientRect();
    let scrolled = false;
    for (let node = element.parentElement; node && node !== main; node = node.parentElement) {
      if (['auto', 'scroll'].includes(getComputedStyle(node).overflowX)) scrolled = true;
    }
    if (!scrolled && box.width > 0 && box.right > right + 1) {
      const name = `${element.tagName.toLowerCase()}.${element.className}`;
      out.push(`${name} ends at ${Math.round(box.right)}`);
    }
  }
  const page = [document.documentElement.scrollWidth, innerWidth];
  return {scroll: [main.scrollWidth, main.clientWidth], page, out};
}"""


@pytest.fixture(scope="module", params=list(SIZES))
def sized(request, browser, app_url):
    context = browser.new_context(**SIZES[request.param])
    try:
        yield request.param, context.new_page(), app_url
    finally:
        context.close()


LEGEND_ROWS = """(selector) => {
  const entries = document.querySelectorAll(`${selector} .legend .traces`);
  return new Set([...entries].map((entry) => Math.round(entry.getBoundingClientRect().top))).size;
}"""


def ink_share(png: bytes, legend: list[float] | None) -> tuple[float, bool]:
    """(the share of the image covered by the bounding box of what is drawn, whether anything
    drawn touches its left or right edge, i.e. is cut there). The legend's rows do not count."""
    image = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
    ink = np.abs(image - image[2, 2]).max(axis=2) > 40  # differs from the paper
    if legend is not None:
        ink[int(legend[0]) : int(legend[1]) + 1, :] = False
    rows, columns = np.nonzero(ink)
    height, width = ink.shape
    share = (np.ptp(rows) * np.ptp(columns)) / (height * width) if rows.size else 0.0
    return share, bool(ink[:, :2].any() or ink[:, -2:].any())


def legend_rows(page, selector: str, scale: float) -> list[float] | None:
    return page.evaluate(
        """([selector, scale]) => {
            const gd = document.querySelector(selector), legend = gd.querySelector('.legend');
            if (!legend) return null;
            const top = gd.getBoundingClientRect().top, box = legend.getBoundingClientRect();
            return [(box.top - top) * scale, (box.bottom - top) * scale];
        }""",
        [selector, scale],
    )


@pytest.mark.parametrize("path", list(PAGES))
def test_nothing_overlaps_and_nothing_is_cut(sized, path):
    size, page, url = sized
    open_page(page, f"{url}/{path}", CHARTS[path])
    assert page.locator("h1").first.text_content().startswith(PAGES[path][:7])
    boxes = page.evaluate(BOXES)
    assert boxes["count"] >= 3, boxes
    assert boxes["overlaps"] == [], f"{size} /{path}: {boxes['overlaps']}"
    clipped = page.evaluate(CLIPPED)
    scroll_width, client_width = clipped["scroll"]
    assert scroll_width <= client_width + 1, f"{size} /{path} scrolls sideways: {clipped}"
    assert clipped["page"][0] <= clipped["page"][1] + 1, f"{size} /{path}: {clipped}"
    assert clipped["out"] == [], f"{size} /{path}: {clipped['out']}"
    if path == "":
        # Explore's 3D scene: nothing of it cut at the chart's sides, at any size.
        scale = SIZES[size].get("device_scale_factor", 1)
        chart = page.locator(SURFACE)
        chart.scroll_into_view_if_needed()
        page.wait_for_timeout(500)
        share, cut = ink_share(chart.screenshot(), legend_rows(page, SURFACE, scale))
        assert not cut, f"{size}: the 3D scene is cut at its chart's side"
        if size == "1920x1080":
            assert share >= SCENE_SHARE, f"the 3D scene fills {share:.0%} of its chart"
        # The map's legend: it had wrapped to five rows above the map at 1366 px and at 150%.
        rows = page.evaluate(LEGEND_ROWS, CONTOUR)
        assert 1 <= rows <= MAP_LEGEND_ROWS, f"{size}: the map's legend takes {rows} rows"


def point_in_link(page) -> tuple[float, float]:
    query = dict(parse_qsl(urlsplit(page.url).query))
    return float(query["x0"]), float(query["y0"])


def swipe_up(session, x: float, y: float, distance: float = 300, steps: int = 12) -> None:
    """A finger's swipe, as real touch events (Chromium scrolls for them as for a finger)."""
    session.send(
        "Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]}
    )
    for step in range(1, steps + 1):
        point = {"x": x, "y": y - distance * step / steps}
        session.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [point]})
    session.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})


@pytest.mark.parametrize("path", ["", "descent"])
def test_the_mouse_wheel_over_a_3d_scene_scrolls_the_page(browser, app_url, path):
    """At 150% zoom the 3D scene fills most of Explore's first screen, and the wheel over it did
    nothing: Plotly's camera cancels it even with scroll zoom off. It scrolls the page now, and
    the scene's camera stays where it was."""
    context = browser.new_context(**SIZES["1920x1080@150%"])
    try:
        page = context.new_page()
        open_page(page, f"{app_url}/{path}", CHARTS[path])
        camera = """() => JSON.stringify([...document.querySelectorAll('.js-plotly-plot')]
            .find((gd) => gd._fullLayout.scene)._fullLayout.scene._scene.getCamera())"""
        before = page.evaluate(camera)
        scene = page.evaluate(SCENES)[0]
        chart = page.locator(scene["selector"]).bounding_box()
        left, top, right, bottom = scene["scene"]
        x, y = chart["x"] + (left + right) / 2, chart["y"] + (top + bottom) / 2
        assert (
            page.evaluate("([x, y]) => document.elementFromPoint(x, y).tagName", [x, y]) == "CANVAS"
        )
        page.mouse.move(x, y)
        for _ in range(3):
            page.mouse.wheel(0, 120)
            page.wait_for_timeout(100)
        scrolled = "() => document.querySelector('[data-testid=stMain]').scrollTop"
        page.wait_for_function(f"({scrolled})() > 100", timeout=5_000)
        assert page.evaluate(camera) == before
    finally:
        context.close()


def test_on_the_phone_a_tap_moves_the_point_and_a_swipe_scrolls(browser, app_url):
    context = browser.new_context(**SIZES["390x844-touch"])
    try:
        page = context.new_page()
        open_page(page, app_url, CHARTS[""])
        wait_until_drawn(page, CONTOUR)
        page.locator(CONTOUR).scroll_into_view_if_needed()
        page.wait_for_timeout(500)
        assert point_in_link(page) == (2.0, 1.0)
        page.touchscreen.tap(*contour_pixel(page, -1.0, -2.0))
        page.wait_for_function("() => location.search.includes('x0=-1')", timeout=30_000)
        page.wait_for_selector(SCRIPT_IDLE, timeout=60_000)
        x0, y0 = point_in_link(page)
        assert abs(x0 + 1.0) < 0.1 and abs(y0 + 2.0) < 0.1
        # A swipe up over the 3D chart scrolls the page instead of turning the scene.
        main = page.locator("[data-testid=stMain]")
        page.locator(SURFACE).scroll_into_view_if_needed()
        before = main.evaluate("(element) => element.scrollTop")
        box = page.locator(SURFACE).bounding_box()
        swipe_up(
            context.new_cdp_session(page),
            box["x"] + box["width"] / 2,
            box["y"] + 0.8 * box["height"],
        )
        page.wait_for_timeout(500)
        after = main.evaluate("(element) => element.scrollTop")
        assert after > before + 100, (before, after)
    finally:
        context.close()


CAMERA = "(selector) => document.querySelector(selector)._fullLayout.scene._scene.getCamera().eye"
RACE = ".st-key-descent_race_chart .js-plotly-plot"


def swipe(session, start: tuple[float, float], move: tuple[float, float], steps: int = 12):
    x, y = start
    session.send(
        "Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]}
    )
    for step in range(1, steps + 1):
        point = {"x": x + move[0] * step / steps, "y": y + move[1] * step / steps}
        session.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [point]})
    session.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})


@pytest.mark.parametrize(("path", "chart"), [("", SURFACE), ("descent", RACE)])
def test_on_the_phone_one_finger_turns_the_3d_view_only_when_asked(browser, app_url, path, chart):
    """A swipe over a 3D scene scrolls the page and leaves the scene; with "Turn the view" on,
    the same finger turns the scene and the page stays."""
    context = browser.new_context(**SIZES["390x844-touch"])
    try:
        page = context.new_page()
        open_page(page, f"{app_url}/{path}", CHARTS[path])
        main = page.locator("[data-testid=stMain]")
        # The chart's top (and its switch in the strip above it) under Streamlit's header.
        main.evaluate(
            "(main, selector) => { main.scrollTop +="
            " document.querySelector(selector).getBoundingClientRect().top - 110; }",
            chart,
        )
        page.wait_for_timeout(500)
        session = context.new_cdp_session(page)

        def turned_and_scrolled(move: tuple[float, float]) -> tuple[bool, float]:
            eye, top = page.evaluate(CAMERA, chart), main.evaluate("(e) => e.scrollTop")
            box = page.locator(chart).bounding_box()
            swipe(session, (box["x"] + 0.3 * box["width"], box["y"] + 0.3 * box["height"]), move)
            page.wait_for_timeout(800)
            after = page.evaluate(CAMERA, chart)
            turned = max(abs(after[k] - eye[k]) for k in "xyz") > 0.05
            return turned, main.evaluate("(e) => e.scrollTop") - top

        turned, scrolled = turned_and_scrolled((150, 0))
        assert not turned and scrolled == 0  # sideways: nothing moves
        turn = page.locator(f"{chart} > .turn-view")
        assert turn.get_attribute("aria-pressed") == "false"
        # In the strip above the chart beside its toolbar, covering none of its buttons.
        covered = page.evaluate(
            """(turn) => { const a = turn.getBoundingClientRect();
              return [...turn.parentElement.querySelectorAll('.modebar-btn')].filter((button) => {
                const b = button.getBoundingClientRect();
                return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
              }).map((button) => button.getAttribute('data-title')); }""",
            turn.element_handle(),
        )
        assert covered == [], covered
        turn.tap()
        assert turn.get_attribute("aria-pressed") == "true"
        turned, scrolled = turned_and_scrolled((150, -80))
        assert turned and scrolled == 0
        turn.tap()  # off again: a swipe up scrolls the page and leaves the scene
        turned, scrolled = turned_and_scrolled((0, -250))
        assert not turned and scrolled > 100, scrolled
    finally:
        context.close()


def test_on_the_phone_descents_3d_race_fills_the_width(browser, app_url):
    """The race's 3D scene, under its legend: drawn about 210x90 px on a 390 px phone before."""
    context = browser.new_context(**SIZES["390x844-touch"])
    try:
        page = context.new_page()
        open_page(page, f"{app_url}/descent", CHARTS["descent"])
        page.locator(RACE).scroll_into_view_if_needed()
        page.wait_for_timeout(800)
        box = page.evaluate(
            """(selector) => {
              const gd = document.querySelector(selector), domain = gd._fullLayout.scene.domain;
              const chart = gd.getBoundingClientRect();
              const legend = gd.querySelector('.legend').getBoundingClientRect();
              return {width: chart.width, top: Math.max(legend.bottom - chart.top,
                      (1 - domain.y[1]) * chart.height), bottom: (1 - domain.y[0]) * chart.height};
            }""",
            RACE,
        )
        scale = SIZES["390x844-touch"]["device_scale_factor"]
        image = np.asarray(Image.open(io.BytesIO(page.locator(RACE).screenshot())).convert("RGB"))
        scene = image[int(box["top"] * scale) : int(box["bottom"] * scale)].astype(int)
        ink = np.abs(scene - image[2, 2].astype(int)).max(axis=2) > 40
        rows, columns = np.nonzero(ink)
        width, height = np.ptp(columns) / scale, np.ptp(rows) / scale
        assert width >= 0.75 * box["width"] and height >= 160, (width, height, box)
    finally:
        context.close()


# Every 3D chart of a page: its selector and its scene's box in the chart (CSS px, from the
# scene's domain), and the legend's rows.
SCENES = """() => [...document.querySelectorAll('[data-testid=stMain] .js-plotly-plot')]
  .filter((gd) => gd._fullLayout && gd._fullLayout.scene && gd._fullLayout.scene._scene)
  .map((gd, n) => {
    gd.dataset.sceneTest = String(n);
    const box = gd.getBoundingClientRect(), domain = gd._fullLayout.scene.domain;
    const legend = gd.querySelector('.legend');
    const rows = legend && legend.getBoundingClientRect();
    return {
      selector: `[data-scene-test="${n}"]`,
      scene: [domain.x[0] * box.width, (1 - domain.y[1]) * box.height,
              domain.x[1] * box.width, (1 - domain.y[0]) * box.height],
      legend: rows ? [rows.top - box.top, rows.bottom - box.top] : null,
    };
  })"""


def scene_parts(page) -> list[tuple[dict, bytes, list[float] | None]]:
    """Each 3D scene of the page: its entry in SCENES, the PNG of its part of its chart (the
    scene's domain box) and the legend's rows in that PNG's pixels."""
    scale = page.evaluate("() => devicePixelRatio")
    parts = []
    for scene in page.evaluate(SCENES):
        chart = page.locator(scene["selector"])
        chart.scroll_into_view_if_needed()
        page.wait_for_timeout(800)
        image = Image.open(io.BytesIO(chart.screenshot()))
        left, top, right, bottom = (round(v * scale) for v in scene["scene"])
        legend = scene["legend"]
        if legend is not None:
            legend = [legend[0] * scale - top, legend[1] * scale - top]
        buffer = io.BytesIO()
        image.crop((left, top, right, bottom)).save(buffer, format="PNG")
        parts.append((scene, buffer.getvalue(), legend))
    return parts


# Descent's race: its scene drew over 36% of its half of the race chart at 1920x1080 from eye
# (1.7, 0.93, 0.82); now 53% of the width, a closer camera looking a little low (about 65%).
@pytest.mark.parametrize("path", ["", "second-order", "descent"])
def test_every_3d_scene_fills_at_least_60_percent_of_its_part_of_the_chart(browser, app_url, path):
    """At 1920x1080, each 3D scene (Explore's, Second order's three, Descent's race) draws over
    at least 60% of the box its chart gives it, and nothing of it is cut at that box's sides."""
    context = browser.new_context(**SIZES["1920x1080"])
    try:
        page = context.new_page()
        open_page(page, f"{app_url}/{path}", CHARTS[path])
        parts = scene_parts(page)
        assert len(parts) >= 1, path
        for scene, png, legend in parts:
            share, cut = ink_share(png, legend)
            assert share >= SCENE_SHARE, f"/{path} {scene}: the 3D scene fills {share:.0%}"
            assert not cut, f"/{path} {scene}: the 3D scene is cut at a side"
    finally:
        context.close()


@pytest.mark.parametrize("path", ["second-order", "descent"])
def test_no_3d_scene_is_cut_at_its_sides_at_any_size(sized, path):
    """Descent's z labels at 1366 px and 150% were cut at the left by a camera close enough for
    1920x1080 (this check fails for that camera). Second order's z title f(x, y), cut at 150% and
    on the phone before its surfaces were drawn shorter there, was cut a few pixels inside the
    chart's edge: this check did not see it (tried), the screenshots did."""
    size, page, url = sized
    open_page(page, f"{url}/{path}", CHARTS[path])
    parts = scene_parts(page)
    assert len(parts) >= 1, path
    for scene, png, legend in parts:
        _, cut = ink_share(png, legend)
        assert not cut, f"{size} /{path} {scene}: the 3D scene is cut at a side"


# A link with one racer: its legend takes one row instead of two to four, and the scene the rows'
# height (the camera was chosen for the usual legend).
ONE_RACER = "descent?lr_gd=1e9&racers=gd,evil&steps=-4&x0=nan"
CAMERA = """() => {
  const gd = [...document.querySelectorAll('[data-testid=stMain] .js-plotly-plot')]
    .find((chart) => chart._fullLayout && chart._fullLayout.scene);
  return gd._fullLayout.scene._scene.getCamera().eye;
}"""


def test_descents_race_with_one_racer_is_not_cut_and_the_default_keeps_its_camera(sized):
    """With one racer (a hostile link) the race's 3D scene had the legend's spare rows, was drawn
    larger and its z title f(x, y) was cut at the left (and the x title at the right at 1366 px
    and 150%), at every size: the camera now steps back for the scene's box as drawn. The default
    link keeps the camera it had (at 1920 x 1080 the server's own, eye (1.27, 0.693, 0.52))."""
    size, page, url = sized
    open_page(page, f"{url}/{ONE_RACER}", CHARTS["descent"])
    assert page.locator(".js-plotly-plot .legend .traces").count() == 2  # the start, one racer
    page.wait_for_timeout(500)  # the camera's step back follows the legend's settled rows
    for scene, png, legend in scene_parts(page):
        _, cut = ink_share(png, legend)
        assert not cut, f"{size} /{ONE_RACER} {scene}: the 3D scene is cut at a side"
    stepped = page.evaluate(CAMERA)
    open_page(page, f"{url}/descent", CHARTS["descent"])
    page.wait_for_timeout(500)
    default = page.evaluate(CAMERA)
    assert abs(stepped["x"]) > abs(default["x"]) * 1.02, (stepped, default)  # further away
    if size == "1920x1080":
        assert default == pytest.approx({"x": 1.27, "y": 0.693, "z": 0.52}, abs=1e-6)


# Neighbouring tick labels of a 3D axis: their anchors at least this many font sizes apart on
# screen. At 150% zoom the x ticks -3..3 of Second order's and Explore's scenes stood 8 and 13 px
# apart at 14 px (piled on each other); with the narrow charts' compact ticks, 16 px or more at
# 11 px; at 1920 x 1080, 23 px or more at 14 px.
TICK_SPACING_FONTS = 1.25


@pytest.mark.parametrize("path", [path for path in PAGES if CHARTS[path]])
def test_no_tick_label_or_axis_title_is_cut_covered_or_crowded(sized, path):
    """Every chart of the page, at every size. 2D: each tick label and axis title lies inside its
    chart, no axis title or legend covers a tick label, no two tick labels of an axis overlap (the
    Descent map's x title sat on its "0" and the legend on its "3"; a phone's error plot on
    Derivatives piled eleven powers of ten). 3D: nothing drawn touches an edge of the scene's box
    (where WebGL cuts: the y ticks nearest the viewer were cut at the bottom at 1920 x 1080, and the
    y title at 150% zoom), and neighbouring tick labels stand TICK_SPACING_FONTS apart."""
    size, page, url = sized
    open_page(page, f"{url}/{path}", CHARTS[path])
    labels = page.evaluate(LABELS_2D)
    assert labels["charts"] >= 1, path
    assert labels["problems"] == [], f"{size} /{path}: {labels['problems']}"
    scale = page.evaluate("() => devicePixelRatio")
    for scene in page.evaluate(SCENES_3D):
        chart = page.locator(scene["selector"])
        chart.scroll_into_view_if_needed()
        page.wait_for_timeout(800)
        cut = scene_edges_cut(chart.screenshot(), scene["box"], scene["legend"], scale)
        assert cut == [], f"{size} /{path} {scene['selector']}: drawn to the scene's {cut} edge"
        for axis in scene["spacing"]:
            least = axis["least"] / axis["font"]
            assert least >= TICK_SPACING_FONTS, f"{size} /{path}: 3D ticks crowd: {axis}"
