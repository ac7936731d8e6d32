"""Long formulas are never cut silently (issue 14: "Wrap or shrink, never cut silently"), in
Chromium on a 390x844 phone with touch and at 1920x1080, on every page that shows formulas.

A display formula fits its column (it wraps after a top-level + or = or a clause's comma, or is
drawn smaller, ui/shell/formulas.js), or it scrolls with a cue that shows: its cut edge fades
out and "scroll for the rest →" is written under it. A phone draws no scrollbar until swiped
(and Playwright's Chromium hides scrollbars), so the cue is the only sign there is more; a cut
derivative without it reads as a whole, wrong one.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
from conftest import CHARTS, SIZES, open_page

pytestmark = pytest.mark.e2e

# The brief's long formula: a sum of products, fractions and exponentials.
LONG = "x^2 y + sin(x y) + exp(-(x^2+y^2)/3) * cos(3 x) + log(1 + x^2 + y^2)"
# A product of seven factors: no top-level + or = to wrap after, wider than a phone even drawn
# at the smallest size allowed: it must scroll, with the cue.
UNBREAKABLE = "sin(x) cos(y) exp(x y) atan(x + y) log(1 + x^2) sqrt(1 + y^2) tanh(x - y)"
PAGES = ["", "derivatives", "second-order", "descent"]
SLACK = 3  # px: KaTeX's 2 px strut after a script (formulas.js: SLACK)
MIN_SCALE = 0.69  # formulas.js draws a formula at 70% of its size at the least

# Every formula shown in the main area: its widths, its cue and its size against KaTeX's own.
FORMULAS = """() => {
  const main = document.querySelector('[data-testid=stMain]');
  return [...main.querySelectorAll('.katex-display')]
    .filter((display) => display.clientWidth > 0)
    .map((display) => {
      const katex = display.querySelector(':scope > .katex');
      const block = display.closest('.stMarkdown');
      const hint = getComputedStyle(block, '::after').content;
      const parent = parseFloat(getComputedStyle(display).fontSize);
      return {
        tex: display.querySelector('annotation').textContent.slice(0, 60),
        scroll: display.scrollWidth, client: display.clientWidth,
        more: display.dataset.more || '',
        mask: getComputedStyle(display).webkitMaskImage || getComputedStyle(display).maskImage,
        hint: hint === 'none' || hint === 'normal' ? '' : hint,
        scale: parseFloat(getComputedStyle(katex).fontSize) / (1.21 * parent),
      };
    });
}"""
FITTED = f"""() => ({FORMULAS})().every((f) => f.scroll <= f.client + {SLACK} || f.more)"""


def open_formulas(page, url: str, path: str) -> None:
    open_page(page, url, CHARTS[path])
    if path == "second-order":  # the exact L and Q, in an expander
        page.get_by_text("The exact L and Q").click()
    page.wait_for_function(FITTED, timeout=30_000, polling=250)
    page.wait_for_timeout(500)  # the next check (formulas.js looks again after changes)


def cut_silently(formulas: list[dict]) -> list[dict]:
    """The formulas that stick out of their box with no cue that shows."""
    return [
        f
        for f in formulas
        if f["scroll"] > f["client"] + SLACK
        and not (f["more"] and f["hint"] and "gradient" in f["mask"])
    ]


@pytest.mark.parametrize("size", ["390x844-touch", "1920x1080"])
@pytest.mark.parametrize("path", PAGES)
def test_a_long_formula_fits_or_shows_that_it_scrolls(browser, app_url, size, path):
    context = browser.new_context(**SIZES[size])
    try:
        page = context.new_page()
        open_formulas(page, f"{app_url}/{path}?f={quote(LONG)}", path)
        formulas = page.evaluate(FORMULAS)
        assert formulas or path == "descent", f"/{path}: no formula shown"
        assert cut_silently(formulas) == [], f"{size} /{path}"
        # Drawn smaller, never below 70% of KaTeX's size (15 px on a phone).
        assert all(f["scale"] >= MIN_SCALE for f in formulas), formulas
        # This formula wraps or shrinks everywhere: nothing needs scrolling, even on a phone.
        assert [f for f in formulas if f["more"]] == [], formulas
        if path == "":
            # The gradient's sentence wraps between its clauses: the angle on a line of its own.
            gradient = page.locator(".katex-display", has_text="steepest ascent").first
            lines = gradient.evaluate(
                "e => new Set([...e.querySelectorAll('.base')]"
                ".map(b => Math.round(b.getBoundingClientRect().top))).size"
            )
            assert lines >= (2 if size.startswith("390") else 1)
    finally:
        context.close()


def test_a_formula_too_wide_to_wrap_or_shrink_scrolls_with_a_cue_on_a_phone(browser, app_url):
    context = browser.new_context(**SIZES["390x844-touch"])
    try:
        page = context.new_page()
        open_formulas(page, f"{app_url}/?f={quote(UNBREAKABLE)}", "")
        formulas = page.evaluate(FORMULAS)
        wide = [f for f in formulas if f["scroll"] > f["client"] + SLACK]
        assert wide, formulas  # f itself: seven factors in one piece
        assert cut_silently(formulas) == []
        for f in wide:
            assert f["more"] == "right" and "scroll for the rest" in f["hint"], f
            assert f["scale"] == pytest.approx(0.7, abs=0.02), f  # shrunk as far as allowed first
        # Scrolled to its end, the cue turns round: the rest now lies to the left.
        display = page.locator(".katex-display[data-more]").first
        display.evaluate("e => { e.scrollLeft = e.scrollWidth; }")
        page.wait_for_function(
            "() => document.querySelector('.katex-display[data-more=left]') !== null",
            timeout=5_000,
        )
        display.evaluate("e => { e.scrollLeft = 0; }")
        page.wait_for_function(
            "() => document.querySelector('.katex-display[data-more=left]') === null",
            timeout=5_000,
        )
    finally:
        context.close()
