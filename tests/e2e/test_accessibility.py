"""Keyboard and screen reader, in a real browser, on every page at the classroom's four screens
(conftest.SIZES): axe-core finds no violation; Tab reaches every control, each with a focus ring
of at least 3:1 against what is behind it; each chart toolbar is one Tab stop; and Descent's race
plays, pauses and steps from the keyboard.

axe-core is vendored (tests/e2e/vendor/axe-core, with its licence): nothing is downloaded.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest
from conftest import CHARTS, SCREENSHOTS, SIZES, App, open_page

pytestmark = pytest.mark.e2e
pytest.importorskip("playwright.sync_api")

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
PAGES = ["", "derivatives", "second-order", "descent", "guide"]
HOSTILE = "?f=" + quote("__import__('os')") + "&x0=nan"
WIDE = {"width": 1920, "height": 1080}
PHONE = {"width": 390, "height": 844}
SETTLE_MS = 2500  # charts draw after the script ends (WebGL in software)
FADE_MS = 400  # a focused chart toolbar or heading link fades in (Plotly: 0.3 s)

# Rules disabled for exactly one selector, each for a reason outside our code. None today: this
# is where one would go, with the reason, e.g. {"rule": "region", "selector": "#x", "why": "..."}.
EXCEPTIONS: list[dict[str, str]] = []

AXE_RUN = """async (exceptions) => {
  const result = await axe.run(document, { resultTypes: ["violations"] });
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes
      .map((n) => ({ target: n.target.join(" "), html: n.html.slice(0, 160),
                     why: n.failureSummary }))
      .filter((n) => !exceptions.some((e) => e.rule === v.id && n.target === e.selector)),
  })).filter((v) => v.nodes.length);
}"""

# The focused control's ring: the element itself, or for an input Streamlit hides or clips (a
# switch, a text box, a slider) the nearest ancestor that draws the outline; its colour against
# the opaque colour behind it (WCAG 2.x contrast ratio).
FOCUS_RING = """() => {
  const focused = document.activeElement;
  if (!focused || focused === document.body) return null;
  const parse = (text) => {
    const m = text.match(/rgba?\\(([^)]+)\\)/);
    if (!m) return null;
    const [r, g, b, a = 1] = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
    return { r, g, b, a };
  };
  const over = (top, under) => ({
    r: top.r * top.a + under.r * (1 - top.a), g: top.g * top.a + under.g * (1 - top.a),
    b: top.b * top.a + under.b * (1 - top.a), a: 1,
  });
  const behind = (element) => {
    const layers = [];
    for (let e = element; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c && c.a > 0) layers.push(c);
      if (c && c.a >= 1) break;
    }
    let colour = { r: 255, g: 255, b: 255, a: 1 };
    for (const layer of layers.reverse()) colour = over(layer, colour);
    return colour;
  };
  const luminance = ({ r, g, b }) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const name = (e) => e.tagName === "MAIN" ? "MAIN"
    : (e.getAttribute("aria-label") || e.textContent || e.tagName).trim();
  // A control that is transparent or hidden shows no ring, whatever its outline.
  for (let e = focused; e && e !== document.body; e = e.parentElement) {
    const style = getComputedStyle(e);
    if (parseFloat(style.opacity) < 0.5 || style.visibility === "hidden") {
      return { name: name(focused), tag: focused.tagName, ratio: 0, width: 0, hidden: true,
               modebar: focused.matches(".modebar-btn") };
    }
  }
  let holder = focused;
  for (let i = 0; i < 5 && holder; i += 1, holder = holder.parentElement) {
    const style = getComputedStyle(holder);
    const box = holder.getBoundingClientRect();
    const drawn = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2;
    if (drawn && box.width >= 8 && box.height >= 8) {
      const back = behind(holder.parentElement || holder);
      const ring = over(parse(style.outlineColor), back);
      const [hi, lo] = [luminance(ring), luminance(back)].sort((a, b) => b - a);
      return { name: name(focused), tag: focused.tagName, ratio: (hi + 0.05) / (lo + 0.05),
               width: parseFloat(style.outlineWidth), modebar: focused.matches(".modebar-btn") };
    }
  }
  return { name: name(focused), tag: focused.tagName, ratio: 0, width: 0,
           modebar: focused.matches(".modebar-btn") };
}"""


def open_at(browser, url: str, viewport: dict, touch: bool = False) -> App:
    context = browser.new_context(viewport=viewport, has_touch=touch)
    app = App(context.new_page(), url)
    app.open()
    app.page.wait_for_timeout(SETTLE_MS)
    return app


def violations(app: App) -> list[dict]:
    app.page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    return app.page.evaluate(AXE_RUN, EXCEPTIONS)


def listed(found: list[dict]) -> str:
    lines = []
    for v in found:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']}")
        lines += [f"    {n['target']}  {n['html']}\n      {n['why']}" for n in v["nodes"]]
    return "\n".join(lines)


@pytest.fixture(scope="module", params=list(SIZES))
def sized(request, browser, app_url):
    """One browser context per screen size, visiting every page in turn."""
    context = browser.new_context(**SIZES[request.param])
    try:
        yield request.param, App(context.new_page(), app_url)
    finally:
        context.close()


@pytest.mark.parametrize(
    "path", [*PAGES, HOSTILE], ids=[*(p or "explore" for p in PAGES), "hostile"]
)
def test_axe_finds_no_violation(sized, path):
    size, app = sized
    open_page(app.page, f"{app.url}/{path}", CHARTS.get(path, 0))
    for summary in app.page.locator("summary", has_text="Data table").all():
        summary.click()  # the charts' tables are checked too
    app.page.wait_for_timeout(500)
    found = violations(app)
    assert not found, f"axe-core violations at {size}:\n" + listed(found)


# Every control a keyboard should reach, as the walk below marks them: links, buttons, inputs,
# summaries and anything given a tabindex; not what is inert (a collapsed sidebar), not drawn
# (display: none, a closed expander's content), disabled, or taken out of the order on purpose
# (tabindex -1: a chart toolbar's other buttons). A radio group, a segmented control among them,
# is one stop: its checked button (the arrow keys move within it).
UNREACHED = """() => {
  const selector = 'a[href], button, input, select, textarea, summary, [tabindex]';
  const missed = [];
  for (const element of document.querySelectorAll(selector)) {
    if (element.tabIndex < 0 || element.disabled || element.closest('[inert]')) continue;
    if (!element.checkVisibility({ visibilityProperty: true })) continue;
    const radio = element.type === 'radio' || element.getAttribute('role') === 'radio';
    if (radio && !(element.checked || element.getAttribute('aria-checked') === 'true')) continue;
    if (element.dataset.tabbed !== '1') {
      missed.push(`${element.tagName} ${(element.getAttribute('aria-label')
        || element.textContent || element.outerHTML).trim().slice(0, 60)}`);
    }
  }
  return missed;
}"""
MARK = """() => {
  const focused = document.activeElement;
  if (!focused || focused === document.body) return 'none';
  const again = focused.dataset.tabbed === '1';
  focused.dataset.tabbed = '1';
  return again ? 'again' : 'new';
}"""


def tab_walk(app: App, most: int = 400) -> list[dict]:
    """Tab from the top of the page until the focus comes round to a control it has already
    reached, reading each control's ring (a toolbar that fades in is read again once shown)."""
    page = app.page
    page.evaluate("() => { document.activeElement?.blur(); window.scrollTo(0, 0); }")
    reached = []
    for _ in range(most):
        page.keyboard.press("Tab")
        mark = page.evaluate(MARK)
        if mark == "again":
            break
        if mark == "none":
            continue
        ring = page.evaluate(FOCUS_RING)
        if ring["ratio"] < 3 or ring["width"] < 2:
            page.wait_for_timeout(FADE_MS)  # a toolbar or heading link fading in
            ring = page.evaluate(FOCUS_RING)
        reached.append(ring)
    return reached


@pytest.mark.parametrize(
    "path", [*PAGES, HOSTILE], ids=[*(p or "explore" for p in PAGES), "hostile"]
)
def test_tab_reaches_every_control_and_each_shows_its_focus(sized, path):
    size, app = sized
    open_page(app.page, f"{app.url}/{path}", CHARTS.get(path, 0))
    reached = tab_walk(app)
    assert len(reached) >= 5, (size, path, reached)
    assert not unringed(reached), (size, path, unringed(reached))
    missed = app.page.evaluate(UNREACHED)
    assert not missed, f"{size} /{path}: Tab never reached {missed}"


def tab_through(app: App, stops: int, until: str | None = None) -> list[dict]:
    """Press Tab `stops` times (or until a control named `until` has the focus), reading the ring
    of every control reached."""
    reached = []
    for _ in range(stops):
        app.page.keyboard.press("Tab")
        app.page.wait_for_timeout(FADE_MS)
        ring = app.page.evaluate(FOCUS_RING)
        if ring is None:  # the document itself, between the end of the page and its start
            continue
        if ring["ratio"] < 3 or ring["width"] < 2:
            # Streamlit's skip link slides in: on a loaded machine it takes longer than FADE_MS.
            app.page.wait_for_timeout(2 * FADE_MS)
            ring = app.page.evaluate(FOCUS_RING)
        reached.append(ring)
        if until and until in ring["name"]:
            break
    return reached


def unringed(reached: list[dict]) -> list[dict]:
    # <main> takes the focus once, from Streamlit's "skip to main content" link: not a control.
    return [r for r in reached if r["tag"] != "MAIN" and (r["ratio"] < 3 or r["width"] < 2)]


def test_every_control_on_explore_shows_its_focus_and_toolbars_are_one_stop_each(browser, app_url):
    app = open_at(browser, app_url, WIDE)
    try:
        reached = tab_through(app, 120, until="web page (HTML")
        names = [r["name"] for r in reached]
        assert any("web page (HTML" in n for n in names), names  # the page's last control
        assert not unringed(reached), unringed(reached)
        # Four charts, one toolbar stop each (Plotly made 28 stops of them before).
        assert sum(r["modebar"] for r in reached) == 4, names
        assert any("Tangent slices" in n for n in names)  # a switch: its label wears the ring
        assert any("surface of f in 3D" in n and "At (2, 1)" in n for n in names)  # the chart
        SCREENSHOTS.mkdir(exist_ok=True)
        app.page.keyboard.press("Shift+Tab")
        app.page.screenshot(path=SCREENSHOTS / "a11y_explore_focus_1920.png")
    finally:
        app.page.context.close()


def test_the_arrow_keys_move_along_a_chart_toolbar(browser, app_url):
    app = open_at(browser, f"{app_url}/derivatives", WIDE)
    try:
        first = app.page.locator(".modebar-btn[tabindex='0']").first
        first.focus()
        app.page.keyboard.press("ArrowRight")
        moved = app.page.evaluate(
            "() => [document.activeElement.matches('.modebar-btn'),"
            " document.activeElement.getAttribute('tabindex')]"
        )
        assert moved == [True, "0"]
        assert app.page.evaluate("() => document.activeElement.closest('.modebar')"
                                 ".getAttribute('role')") == "toolbar"  # fmt: skip
    finally:
        app.page.context.close()


RACE_HOST = ".st-key-descent_race_chart .race-chart"
RACE = ".st-key-descent_race_chart .js-plotly-plot"
SLIDER = ".st-key-descent_race_chart .race-controls input[type=range]"


def test_descent_controls_show_their_focus_and_the_race_plays_from_the_keyboard(browser, app_url):
    app = open_at(browser, f"{app_url}/descent", WIDE)
    page = app.page
    try:
        reached = tab_through(app, 80, until="Data table: the race")
        names = [r["name"] for r in reached]
        assert not unringed(reached), unringed(reached)
        for control in ("Race chart.", "Play the race at 1×", "Pause the race", "Step of the race"):
            assert any(n.startswith(control) for n in names), (control, names)

        last = int(page.locator(SLIDER).input_value())
        page.locator(RACE_HOST).focus()
        page.evaluate(f"""() => {{ window.__frames = [];
            document.querySelector('{RACE}').addEventListener('race-frame',
                (event) => window.__frames.push(event.detail)); }}""")
        page.keyboard.press("Space")  # play
        page.wait_for_function("() => window.__frames.length >= 3", timeout=60_000)
        page.keyboard.press("Space")  # pause
        page.wait_for_timeout(800)
        paused = int(page.locator(SLIDER).input_value())
        assert 0 < paused < last, (paused, last)
        page.wait_for_timeout(600)
        assert int(page.locator(SLIDER).input_value()) == paused  # nothing moves any more
        page.keyboard.press("Home")
        page.wait_for_function(f"() => document.querySelector('{RACE}').raceFrame === 0")
        page.keyboard.press("ArrowRight")
        page.wait_for_function(f"() => document.querySelector('{RACE}').raceFrame === 1")
        assert page.evaluate("() => document.activeElement.classList.contains('race-chart')")
        SCREENSHOTS.mkdir(exist_ok=True)
        page.screenshot(path=SCREENSHOTS / "a11y_descent_focus_1920.png")
    finally:
        page.context.close()


@pytest.mark.parametrize("path", PAGES, ids=[p or "explore" for p in PAGES])
def test_focus_screenshots_on_a_phone_and_wide(browser, app_url, path):
    """For the eye (tests/e2e/screenshots/a11y_*): a control with the keyboard focus at 1920x1080
    and at 390x844, and the hostile link."""
    SCREENSHOTS.mkdir(exist_ok=True)
    name = path or "explore"
    for label, viewport, touch in (("1920", WIDE, False), ("390", PHONE, True)):
        app = open_at(browser, f"{app_url}/{path}", viewport, touch)
        try:
            reached = tab_through(app, 4 if touch else 9)
            assert reached and not unringed(reached[-1:]), reached[-1:]
            app.page.screenshot(path=SCREENSHOTS / f"a11y_{name}_{label}_focus.png")
        finally:
            app.page.context.close()
    app = open_at(browser, f"{app_url}/{path}{HOSTILE}", WIDE)
    try:
        tab_through(app, 9)
        app.page.screenshot(path=SCREENSHOTS / f"a11y_{name}_hostile_focus.png")
    finally:
        app.page.context.close()
