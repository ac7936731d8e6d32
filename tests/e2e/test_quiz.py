"""A quiz link in a real browser: the page's whole DOM text (KaTeX's TeX annotations, tables,
chart texts) lacks the exact partials until the student types the right answer; then the answered
one appears, on the Derivatives page and on Explore, and the other stays hidden until given up."""

from __future__ import annotations

import re
from urllib.parse import quote, urlencode

import pytest
from conftest import APP_READY, App

pytestmark = pytest.mark.e2e
expect = pytest.importorskip("playwright.sync_api").expect
expect.set_options(timeout=30_000)

MAIN = "[data-testid=stMain]"
ANSWER = f"{MAIN} .st-key-derivatives_answer input"
LINK = {"f": "x^2 y + y^3", "x0": "1.5", "y0": "0.8", "quiz": "1"}
# ∂f/∂x = 2 x y = 2.4 and ∂f/∂y = x² + 3 y² = 4.17 at (1.5, 0.8), as the page would write them.
FX = ("2 x y", r"(?<![\d.])2\.4(?!\d)")
FY = ("x^{2} + 3 y^{2}", r"(?<![\d.])4\.17(?!\d)")


def dom_text(page, estimates: bool = True) -> str:
    """Everything in the document a student could read or select, hidden parts included, and
    every attribute (placeholders, titles, aria labels, the charts' SVG); without
    `estimates`, less the table of finite-difference estimates (they stay in a quiz: they are
    the lesson, and complex-step's equals the exact value to the last digit)."""
    return page.evaluate(
        """keep => { const body = document.body.cloneNode(true);
            if (!keep) body.querySelectorAll("[data-testid=stTable]").forEach(t => t.remove());
            const attributes = [...body.querySelectorAll("*")].flatMap(
                node => [...node.attributes].map(a => a.value))
                .filter(value => !value.startsWith("data:"));  // images' base64
            return body.textContent + " " + attributes.join(" "); }""",
        estimates,
    )


def compact(text: str) -> str:
    """Formulas however written: 2 x y, 2xy; x^{2} + 3 y^{2}, x² + 3y² (the gallery's)."""
    return re.sub(r"[\s{}*]", "", text.replace("²", "^2").replace("³", "^3"))


def shows(page, secret: tuple[str, str]) -> list[str]:
    formula, value = secret
    hits = [formula] if compact(formula) in compact(dom_text(page)) else []
    return hits + ([value] if re.search(value, dom_text(page, estimates=False)) else [])


def open_quiz(app: App, page_path: str):
    app.page.goto(f"{app.url}/{page_path}?{urlencode(LINK, quote_via=quote)}")
    app.page.wait_for_selector(APP_READY, timeout=60_000)
    app.idle()
    expect(app.page.get_by_text("Quiz", exact=False).first).to_be_visible()
    return app.page


@pytest.fixture
def tab(browser, app_url):
    context = browser.new_context(viewport={"width": 1440, "height": 1600})
    try:
        yield App(context.new_page(), app_url)
    finally:
        context.close()


def test_the_answer_appears_only_after_the_right_answer(tab):
    page = open_quiz(tab, "derivatives")
    # The page has typeset its other formulas (so an answer, were it there, would be found).
    expect(page.locator(f"{MAIN} .katex").first).to_be_attached()
    assert shows(page, FX) == [] and shows(page, FY) == []
    page.locator(ANSWER).fill("x^2")
    page.locator(ANSWER).press("Enter")
    expect(page.get_by_text("Different", exact=False).first).to_be_visible()
    tab.idle()
    assert shows(page, FX) == [] and shows(page, FY) == []
    page.locator(ANSWER).fill("2 y x")
    page.locator(ANSWER).press("Enter")
    expect(page.get_by_text("Equivalent", exact=False).first).to_be_visible()
    tab.idle()
    expect(page.locator(f"{MAIN} .st-key-error_figure .js-plotly-plot")).to_be_visible()
    assert shows(page, FX) == list(FX)
    assert shows(page, FY) == []
    # Explore in the same session: ∂f/∂x is there now; ∂f/∂y, ∇f and the tangent y are not.
    page.get_by_role("link", name="Explore").first.click()
    tab.idle()
    expect(page.locator(f"{MAIN} .katex").first).to_be_visible()
    expect(page.get_by_text("Quiz", exact=False).first).to_be_visible()
    for _ in range(60):  # the readout may still be arriving (or the page reloading for its look)
        if compact(FX[0]) in compact(dom_text(page)):
            break
        page.wait_for_timeout(500)
    tab.idle()
    assert compact(FX[0]) in compact(dom_text(page)) and shows(page, FY) == []


def test_giving_up_on_explore_shows_both(tab):
    page = open_quiz(tab, "")
    assert shows(page, FX) == [] and shows(page, FY) == []
    assert "∇f" not in page.locator(MAIN).text_content()
    page.get_by_role("button", name="Give up / show the answers").click()
    tab.idle()
    expect(page.locator(MAIN).get_by_text("Quiz", exact=False)).to_have_count(0)
    assert shows(page, FX) == list(FX) and shows(page, FY) == list(FY)


def test_the_teacher_shares_a_quiz_without_hiding_anything_on_their_own_page(tab):
    link = {key: value for key, value in LINK.items() if key != "quiz"} | {"answer": "2 x y"}
    tab.page.goto(f"{tab.url}/derivatives?{urlencode(link, quote_via=quote)}")
    page = tab.page
    page.wait_for_selector(APP_READY, timeout=60_000)
    tab.idle()
    page.get_by_text("Share this view").click()
    code = page.locator(".st-key-share_link pre")
    expect(code).to_contain_text("answer=")
    assert "quiz=1" not in code.text_content()
    page.get_by_text("As a quiz").click()
    tab.idle()
    expect(code).to_contain_text("quiz=1")
    assert "answer=" not in code.text_content()  # the teacher's worked answer stays home
    assert "quiz" not in page.evaluate("location.search")
    assert shows(page, FX) == list(FX) and shows(page, FY) == list(FY)
