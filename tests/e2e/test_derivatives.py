"""The Derivatives page in a real browser: the default link, choosing the variable, typing an answer
and seeing the verdict, and hostile links that still open a usable page."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

import pytest
from conftest import APP_READY, App
from plotly_moves import wait_until_drawn

pytestmark = pytest.mark.e2e
expect = pytest.importorskip("playwright.sync_api").expect
expect.set_options(timeout=30_000)

TRACEBACK = "[data-testid=stException]"
MAIN = "[data-testid=stMain]"
ERROR_PLOT = ".st-key-error_figure .js-plotly-plot"
DIFFERENCE_PLOT = ".st-key-difference_figure .js-plotly-plot"
ANSWER = f"{MAIN} .st-key-derivatives_answer input"
VIEWPORT = {"width": 1440, "height": 1900}
PWNED = Path("/tmp/derivatives-e2e-pwned")


@pytest.fixture(scope="module")
def warm(browser, app_url):
    """Open the app's root once first, so that these tests are about the page, not about a
    fresh server's first visit (tests/e2e/test_pages.py)."""
    context = browser.new_context(viewport=VIEWPORT)
    try:
        App(context.new_page(), app_url).open()
    finally:
        context.close()
    return app_url


@pytest.fixture
def tall(browser, warm):
    """A tab on the app in a tall viewport; no test may leave a traceback on it."""
    context = browser.new_context(viewport=VIEWPORT)
    try:
        app = App(context.new_page(), warm)
        yield app
        expect(app.page.locator(TRACEBACK)).to_have_count(0)
    finally:
        context.close()


def open_derivatives(app: App, **params: str):
    path = "/derivatives" + (f"?{urlencode(params, quote_via=quote)}" if params else "")
    app.page.goto(app.url + path)
    app.page.wait_for_selector(APP_READY, timeout=60_000)
    app.idle()
    wait_until_drawn(app.page, ERROR_PLOT)
    return app.page


def query(page) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(page.evaluate("location.href")).query))


def snapshot(app: App, name: str) -> None:
    """The whole page: the viewport grows to the main area's height (it scrolls inside itself)."""
    page = app.page
    needed = page.evaluate("document.querySelector('[data-testid=stMain]').scrollHeight")
    if needed > page.viewport_size["height"]:
        page.set_viewport_size({"width": VIEWPORT["width"], "height": int(needed) + 20})
        page.wait_for_timeout(300)  # plotly resizes on the window's resize event
    app.screenshot(name)


def answer(app: App, text: str) -> None:
    box = app.page.locator(ANSWER)
    box.fill(text)
    box.press("Enter")
    app.page.wait_for_function(
        "(text) => new URLSearchParams(location.search).get('answer') === text", arg=text
    )
    app.idle()


def test_the_default_link_shows_the_table_the_v_and_the_hessian(tall):
    page = open_derivatives(tall)
    table = page.locator(f"{MAIN} [data-testid=stTable]").first
    expect(table).to_contain_text("Forward (the article)")
    expect(table).to_contain_text("4.000000091153311")  # the article's estimate of df/dx = 4
    expect(table).to_contain_text("Complex-step")
    plot = page.locator(ERROR_PLOT)
    # Each regime named in two lines (SVG tspans: the words are not spaced in textContent).
    expect(plot).to_contain_text("truncationdominates")
    expect(plot).to_contain_text("round-offdominates")
    expect(plot).to_contain_text("the article'sh = 10⁻⁷")
    formulas = page.locator(f"{MAIN} .katex annotation").all_text_contents()
    assert any(r"\begin{pmatrix} 2 y & 2 x \\ 2 x & 6 y \end{pmatrix}" in tex for tex in formulas)
    expect(page.locator(f"{MAIN} [data-testid=stAlert]")).to_have_count(0)
    assert query(page) == {"f": "x^2 y + y^3", "x0": "2", "y0": "1"}
    snapshot(tall, "derivatives_default")


def test_choosing_y_follows_into_the_table_and_the_link(tall):
    page = open_derivatives(tall)
    page.locator(f"{MAIN} .st-key-derivatives_variable button", has_text="∂f/∂y").click()
    page.wait_for_function("() => new URLSearchParams(location.search).get('var') === 'y'")
    tall.idle()
    expect(page.locator(f"{MAIN} h2", has_text="Estimating ∂f/∂y")).to_be_visible()
    expect(page.locator(f"{MAIN} .st-key-derivatives_answer")).to_contain_text("Your ∂f/∂y")


def test_typing_an_answer_gives_a_verdict_and_where_it_differs(tall):
    page = open_derivatives(tall)
    answer(tall, "2 y x")
    expect(page.locator(f"{MAIN} [data-testid=stAlertContentSuccess]")).to_contain_text(
        "Equivalent"
    )
    answer(tall, "x^2")
    expect(page.locator(f"{MAIN} [data-testid=stAlertContentError]")).to_contain_text("Different")
    wait_until_drawn(page, DIFFERENCE_PLOT)
    # The counterexamples' table (the charts' data tables are tables too).
    tables = page.locator(f"{MAIN} [data-testid=stTable]")
    expect(tables.filter(has_text="yours").first).to_be_visible()
    snapshot(tall, "derivatives_answer_different")
    # The link keeps the worked check: reopening it shows the same verdict.
    link = dict(query(page))
    assert link["answer"] == "x^2"
    open_derivatives(tall, **link)
    expect(page.locator(f"{MAIN} [data-testid=stAlertContentError]")).to_contain_text("Different")


def test_a_hostile_link_opens_a_usable_page_with_messages(tall):
    page = open_derivatives(
        tall, var="z", x0="nan", answer=f"__import__('os').system('touch {PWNED}')"
    )
    warning = page.locator(f"{MAIN} [data-testid=stAlertContentWarning]").first
    expect(warning).to_contain_text("var")
    expect(warning).to_contain_text("x0")
    expect(page.locator(f"{MAIN} [data-testid=stAlertContentError]")).to_contain_text("not allowed")
    expect(page.locator(f"{MAIN} [data-testid=stTable]").first).to_contain_text("Forward")
    assert not PWNED.exists()
    snapshot(tall, "derivatives_hostile")


def test_complex_step_refused_on_atan2s_cut(tall):
    page = open_derivatives(tall, f="atan2(y, x)", x0="-1", y0="0", var="y")
    expect(page.locator(f"{MAIN} [data-testid=stAlertContentInfo]").first).to_contain_text(
        "Complex-step is not usable here"
    )
    expect(page.locator(ERROR_PLOT)).to_contain_text("Complex-step: not usable here")
    snapshot(tall, "derivatives_atan2_refused")
