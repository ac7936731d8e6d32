"""The Explore page in a real browser: links restore a view, clicks and typing move it, the URL
follows, rotations stay put, pages share the view, and hostile links open a usable page.
"""

from __future__ import annotations

import math
import re
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

import pytest
from conftest import APP_READY, App
from plotly_moves import (
    CONTOUR,
    SURFACE,
    click_surface,
    close,
    contour_pixel,
    live_eye,
    rotate,
    wait_until_drawn,
)

pytestmark = pytest.mark.e2e
expect = pytest.importorskip("playwright.sync_api").expect
expect.set_options(timeout=30_000)

TRACEBACK = "[data-testid=stException]"
MAIN = "[data-testid=stMain]"
SIDEBAR = "[data-testid=stSidebar]"
NAV = "[data-testid=stSidebarNav] a"
SADDLE = "x^2 - y^2"
HIMMELBLAU = "(x^2 + y - 11)^2 + (x + y^2 - 7)^2"
KEYS = ("f", "x0", "y0")  # the sidebar inputs a link must restore
VIEWPORT = {"width": 1400, "height": 1800}  # a projector-ish width, tall enough for the page

# The readout's value lines, e.g. `{\color{..}\frac{\partial f}{\partial x}}\Big|_{(0.5,\ -1)} = 1`.
AT_POINT = re.compile(r"\\Big\|_\{\((?P<x>[^,]+),\\ (?P<y>[^)]+)\)\} = (?P<value>.+)$")
QUERY_CHANGED = """(before) => {
    const now = Object.fromEntries(new URLSearchParams(location.search));
    const keys = new Set([...Object.keys(now), ...Object.keys(before)]);
    return [...keys].some((key) => now[key] !== before[key]);
}"""
# Watches the app's script state: did any rerun start since `watch_reruns`?
WATCH_RERUNS = """() => {
    const app = document.querySelector('[data-testid=stApp]');
    window.__reruns = 0;
    new MutationObserver(() => {
        if (app.getAttribute('data-test-script-state') === 'running') window.__reruns += 1;
    }).observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
}"""


@pytest.fixture
def tall(browser, app_url):
    """A tab on the app in a tall viewport; no test may leave a traceback on it."""
    context = browser.new_context(viewport=VIEWPORT)
    try:
        app = App(context.new_page(), app_url)
        yield app
        expect(app.page.locator(TRACEBACK)).to_have_count(0)
    finally:
        context.close()


def link(path: str = "/", **params: str) -> str:
    return f"{path}?{urlencode(params, quote_via=quote)}" if params else path


def open_page(app: App, path: str, charts: bool = True):
    """Open `path` on the app and wait until the script is idle (and the charts are drawn)."""
    app.page.goto(app.url + path)
    app.page.wait_for_selector(APP_READY, timeout=60_000)
    app.idle()
    if charts:
        wait_until_drawn(app.page, SURFACE, CONTOUR)
    return app.page


def address(page) -> tuple[str, dict[str, str]]:
    """The address bar now: its path and its query (Streamlit rewrites it without navigating)."""
    parts = urlsplit(page.evaluate("location.href"))
    return parts.path, dict(parse_qsl(parts.query))


def query(page) -> dict[str, str]:
    return address(page)[1]


def wait_for_query_change(app: App, before: dict[str, str]) -> dict[str, str]:
    app.page.wait_for_function(QUERY_CHANGED, arg=before)
    app.idle()
    return query(app.page)


def wait_for_param(page, name: str, value: str) -> None:
    page.wait_for_function(
        "([name, value]) => new URLSearchParams(location.search).get(name) === value",
        arg=[name, value],
    )


def annotations(page, where: str = MAIN) -> list[str]:
    """The LaTeX source of every formula KaTeX drew in `where`."""
    return page.locator(f"{where} .katex annotation").all_text_contents()


def readout(page) -> dict[str, object]:
    """The readout as shown: formulas (`fx_formula`...), values (`fx`...) and the point."""
    shown: dict[str, object] = {}
    for tex in annotations(page):
        head = re.split(r"\\Big\||\s=\s", tex, maxsplit=1)[0]
        if r"\partial x}" in head:
            name = "fx"
        elif r"\partial y}" in head:
            name = "fy"
        elif head.startswith("f(x, y)"):
            name = "f"
        else:
            continue
        found = AT_POINT.search(tex)
        if found:
            shown["point"] = (float(found["x"]), float(found["y"]))
            shown[name] = found["value"]
        else:
            shown[f"{name}_formula"] = tex.split(" = ", 1)[1]
    return shown


def wait_for_readout_at(app: App, x: float, y: float) -> dict[str, object]:
    """The readout once it shows the point (x, y) (it is redrawn by the same rerun as the URL)."""
    app.page.wait_for_function(
        """([x, y]) => [...document.querySelectorAll('[data-testid=stMain] .katex annotation')]
            .some((a) => a.textContent.includes(`\\\\Big|_{(${x},\\\\ ${y})}`))""",
        arg=[shown_number(x), shown_number(y)],
    )
    return readout(app.page)


def shown_number(value: float) -> str:
    """How the readout writes a coordinate (ui.shell.text.latex_number, plain-sized values)."""
    return f"{value + 0.0:.6g}"


def sidebar_inputs(page) -> tuple[str, str, str]:
    return tuple(page.locator(f"{SIDEBAR} .st-key-{key} input").input_value() for key in KEYS)


def expect_sidebar(page, f: str, x0: str, y0: str) -> None:
    for key, value in zip(KEYS, (f, x0, y0), strict=True):
        expect(page.locator(f"{SIDEBAR} .st-key-{key} input")).to_have_value(value)


def expect_saddle_partials_at(shown: dict[str, object], x: float, y: float) -> None:
    """For f = x^2 - y^2: df/dx = 2x and df/dy = -2y, formulas and values."""
    assert shown["fx_formula"] == "2 x", shown
    assert shown["fy_formula"] == "- 2 y", shown
    assert float(shown["fx"]) == pytest.approx(2 * x, rel=1e-5, abs=1e-9), shown
    assert float(shown["fy"]) == pytest.approx(-2 * y, rel=1e-5, abs=1e-9), shown


def point_in(params: dict[str, str]) -> tuple[float, float]:
    return float(params["x0"]), float(params["y0"])


def watch_reruns(page) -> None:
    page.evaluate(WATCH_RERUNS)


def reruns(page) -> int:
    return page.evaluate("window.__reruns")


def snapshot(app: App, name: str) -> None:
    """A screenshot of the whole page: taller viewport when the main area scrolls inside itself."""
    page = app.page
    needed = page.evaluate(
        """() => Math.max(...['[data-testid=stMain]', '[data-testid=stSidebarContent]']
            .map((s) => document.querySelector(s)?.scrollHeight ?? 0))"""
    )
    size = page.viewport_size
    if needed > size["height"]:
        page.set_viewport_size({"width": size["width"], "height": int(needed) + 20})
        page.wait_for_timeout(300)  # plotly resizes on the window's resize event
    app.screenshot(name)


def test_the_default_page_shows_the_article_example_and_writes_its_link(tall):
    page = open_page(tall, "/")
    expect_sidebar(page, "x^2 y + y^3", "2", "1")
    shown = wait_for_readout_at(tall, 2, 1)
    assert shown["fx_formula"] == "2 x y" and shown["fx"] == "4", shown
    assert shown["fy_formula"] == "x^{2} + 3 y^{2}" and shown["fy"] == "7", shown
    # f, x0 and y0 always go into the link, so a shared link keeps its meaning.
    assert query(page) == {"f": "x^2 y + y^3", "x0": "2", "y0": "1"}
    expect(page.locator(f"{MAIN} [data-testid=stAlert]")).to_have_count(0)
    snapshot(tall, "explore_default")


def test_a_link_restores_the_function_and_the_point(tall):
    page = open_page(tall, link(f=SADDLE, x0="0.5", y0="-1"))
    expect_sidebar(page, SADDLE, "0.5", "-1")
    expect(page.locator(f"{SIDEBAR} .katex annotation").first).to_have_text(
        "f(x, y) = x^{2} - y^{2}"
    )
    shown = wait_for_readout_at(tall, 0.5, -1)
    expect_saddle_partials_at(shown, 0.5, -1)
    assert (shown["fx"], shown["fy"]) == ("1", "2"), shown
    assert shown["f"] == "-0.75", shown
    assert address(page) == ("/", {"f": SADDLE, "x0": "0.5", "y0": "-1"})
    expect(page.locator(f"{MAIN} [data-testid=stAlert]")).to_have_count(0)


@pytest.mark.parametrize("f", ["sqrt(-1 - x^2 - y^2)", "sqrt(a - x^2 - y^2)"])
def test_a_function_undefined_on_the_whole_window_still_draws_its_scene(tall, f):
    """Plotly's WebGL scene threw on a surface without one finite value, and the 3D chart said
    "could not be drawn in this browser": the scene draws, empty, and says why (the server's grid
    and the browser's, with a parameter a = -1)."""
    page = open_page(tall, link(f=f, p_a="-1") if "a" in f else link(f=f))
    wait_until_drawn(page, SURFACE, CONTOUR)
    tall.idle()
    page.wait_for_timeout(1500)  # the scene's first frames, where the error was thrown
    expect(page.locator(MAIN)).not_to_contain_text("could not be drawn")
    expect(page.locator(MAIN)).to_contain_text("undefined everywhere in this window")
    expect(page.locator(TRACEBACK)).to_have_count(0)


def test_a_click_on_the_surface_moves_the_point_in_the_link_and_the_readout(tall):
    page = open_page(tall, link(f=SADDLE, x0="0.5", y0="-1"))
    before = query(page)
    page.locator(SURFACE).scroll_into_view_if_needed()
    clicked = click_surface(page, only="surface")
    after = wait_for_query_change(tall, before)
    moved = point_in(after)
    assert moved != (0.5, -1.0), after
    # The app snaps a click to a thousandth of the window (6 wide: three decimals).
    assert close(moved, clicked, tolerance=1e-3 / 2 + 1e-6), (moved, clicked)
    assert after["f"] == SADDLE
    shown = wait_for_readout_at(tall, *moved)
    assert shown["point"] == moved, shown
    expect_saddle_partials_at(shown, *moved)
    expect_sidebar(page, SADDLE, f"{moved[0]:g}", f"{moved[1]:g}")
    wait_until_drawn(page, SURFACE, CONTOUR)
    snapshot(tall, "explore_after_click")


def test_a_click_on_the_contour_lands_within_one_grid_cell(tall):
    resolution = 100  # the default: the grid has 99 cells across the 6-wide window
    page = open_page(tall, link(f=SADDLE, x0="0.5", y0="-1"))
    cell = 6 / (resolution - 1)
    page.locator(CONTOUR).scroll_into_view_if_needed()
    target = (1.37, 0.81)  # between grid nodes
    before = query(page)
    x, y = contour_pixel(page, *target)
    page.mouse.move(x, y)
    page.mouse.down()
    page.wait_for_timeout(80)
    page.mouse.up()
    after = wait_for_query_change(tall, before)
    moved = point_in(after)
    assert close(moved, target, tolerance=cell), (moved, target)
    expect_sidebar(page, SADDLE, f"{moved[0]:g}", f"{moved[1]:g}")
    inputs = sidebar_inputs(page)
    assert close((float(inputs[1]), float(inputs[2])), target, tolerance=cell), inputs
    expect_saddle_partials_at(wait_for_readout_at(tall, *moved), *moved)


def test_rotating_keeps_the_point_and_a_click_keeps_the_rotation(tall):
    page = open_page(tall, link(f=SADDLE, x0="0.5", y0="-1"))
    page.locator(SURFACE).scroll_into_view_if_needed()
    start = live_eye(page)
    before = query(page)
    watch_reruns(page)
    rotate(page)
    page.wait_for_timeout(1500)  # time for a (wrongly) reported click to rerun the script
    tall.idle()
    rotated = live_eye(page)  # after the turntable stopped coasting
    assert not close(rotated, start), "the drag did not rotate the view"
    assert query(page) == before
    assert reruns(page) == 0  # a rotation is not sent to Python at all
    expect_sidebar(page, SADDLE, "0.5", "-1")

    # The chart stays mounted (the same element, the same WebGL scene) and keeps the rotation.
    page.evaluate(f"() => {{ document.querySelector('{SURFACE}').__old = true; }}")
    click_surface(page, only="surface")
    wait_for_query_change(tall, before)
    tall.idle()
    page.wait_for_timeout(500)
    assert page.evaluate(f"() => document.querySelector('{SURFACE}').__old === true")
    redrawn = live_eye(page)
    assert close(redrawn, rotated), (redrawn, rotated)
    assert not close(redrawn, start)


def test_moving_between_pages_keeps_the_function_and_the_point(tall):
    page = open_page(tall, link(f=SADDLE, x0="0.5", y0="-1"))
    params = {"f": SADDLE, "x0": "0.5", "y0": "-1"}

    page.locator(NAV).filter(has_text="Guide").click()
    page.wait_for_function("() => location.pathname.endsWith('/guide')")
    tall.idle()
    expect(page.get_by_role("heading", name="Guide", exact=True)).to_be_visible()
    assert address(page) == ("/guide", params)
    expect_sidebar(page, SADDLE, "0.5", "-1")
    assert "f(x, y) = x^{2} - y^{2}" in annotations(page)  # the Guide echoes the function
    expect(page.locator(SURFACE)).to_have_count(0)
    snapshot(tall, "guide_page")

    page.locator(NAV).filter(has_text="Explore").click()
    page.wait_for_function("() => !location.pathname.endsWith('/guide')")
    tall.idle()
    wait_until_drawn(page, SURFACE, CONTOUR)
    assert address(page) == ("/", params)
    expect_sidebar(page, SADDLE, "0.5", "-1")
    expect_saddle_partials_at(wait_for_readout_at(tall, 0.5, -1), 0.5, -1)


def test_typing_a_formula_updates_the_echo_and_the_link_and_errors_keep_the_charts(tall):
    page = open_page(tall, link(f=SADDLE, x0="0.5", y0="-1"))
    box = page.locator(f"{SIDEBAR} .st-key-f input")

    def type_formula(text: str) -> None:
        box.click()
        box.press("Control+a")  # the first typed key replaces it all: no empty formula between
        box.press_sequentially(text, delay=30)  # no Enter: the input is live after a pause

    type_formula("sin(x) cos(y)")
    echo = page.locator(f"{SIDEBAR} .katex annotation").first
    expect(echo).to_have_text(r"f(x, y) = \sin{\left(x \right)} \cos{\left(y \right)}")
    wait_for_param(page, "f", "sin(x) cos(y)")
    tall.idle()
    wait_until_drawn(page, SURFACE, CONTOUR)
    shown = wait_for_readout_at(tall, 0.5, -1)
    assert shown["fx_formula"] == r"\cos{\left(x \right)} \cos{\left(y \right)}", shown
    assert float(shown["fx"]) == pytest.approx(math.cos(0.5) * math.cos(-1), rel=1e-5)

    type_formula("sinz")  # "xy" reads as x*y now; "sinz" splits into no known names
    error = page.locator(f"{SIDEBAR} [data-testid=stAlert]").filter(has_text="sinz")
    expect(error).to_contain_text("Column 1")
    expect(error).to_contain_text("is not a name")
    caret = page.locator(f"{SIDEBAR} [data-testid=stCode]").first  # the share box's comes after
    expect(caret).to_contain_text(re.compile(r"sinz\s+\^"))
    hint = page.locator(f"{SIDEBAR} [data-testid=stAlert]").filter(has_text="Did you mean sin")
    expect(hint).to_be_visible()
    tall.idle()
    # The last formula that worked stays on screen, and the page says so.
    expect(page.locator(f"{MAIN} [data-testid=stAlert]")).to_contain_text("does not work yet")
    wait_until_drawn(page, SURFACE, CONTOUR)
    assert wait_for_readout_at(tall, 0.5, -1)["fx_formula"].startswith(r"\cos")
    snapshot(tall, "explore_formula_error")

    gallery = page.locator(SIDEBAR).get_by_role("combobox", name="Gallery")
    gallery.click()
    page.get_by_role("option", name="Himmelblau").click()
    expect(gallery).to_have_value("Himmelblau")
    wait_for_param(page, "xmin", "-5")
    tall.idle()
    expect_sidebar(page, HIMMELBLAU, "0", "0")
    params = query(page)
    assert params["f"] == HIMMELBLAU and point_in(params) == (0.0, 0.0), params
    window = tuple(params[name] for name in ("xmin", "xmax", "ymin", "ymax"))
    assert window == ("-5", "5", "-5", "5"), params
    expect(page.locator(f"{SIDEBAR} [data-testid=stAlert]")).to_have_count(0)
    expect(page.locator(f"{MAIN} [data-testid=stAlert]")).to_have_count(0)
    wait_until_drawn(page, SURFACE, CONTOUR)
    shown = wait_for_readout_at(tall, 0, 0)
    assert (shown["fx"], shown["fy"]) == ("-14", "-22"), shown  # 2(x+y²-7) and 2(x²+y-11) at 0


def test_a_hostile_link_opens_a_usable_page_and_runs_nothing(tall, tmp_path):
    touched = tmp_path / "pwned"
    hostile = f"__import__('os').system('touch {touched}')"
    page = open_page(tall, link(x0="nan", xmin="5", xmax="-5", res="99999", f=hostile))
    notices = page.locator(f"{MAIN} [data-testid=stAlert]")
    expect(notices.filter(has_text="x0")).to_contain_text("not a finite number")
    expect(notices.filter(has_text="x window")).to_contain_text("reversed")
    expect(notices.filter(has_text="The link's res")).to_contain_text("using 300")
    # The formula is refused in words, with where and why; the default function is drawn.
    expect(page.locator(f"{SIDEBAR} [data-testid=stAlert]").first).to_contain_text("not allowed")
    wait_until_drawn(page, SURFACE, CONTOUR)
    assert query(page)["x0"] == "2"  # the defaults that replaced the bad parts
    snapshot(tall, "explore_hostile")
    assert not touched.exists()

    page = open_page(tall, link("/guide", x0="abc"), charts=False)
    expect(page.get_by_role("heading", name="Guide", exact=True)).to_be_visible()
    expect(page.locator(f"{MAIN} [data-testid=stAlert]").filter(has_text="x0")).to_contain_text(
        "not a number"
    )
    expect_sidebar(page, "x^2 y + y^3", "2", "1")
    expect(page.locator(TRACEBACK)).to_have_count(0)
    assert not touched.exists()
