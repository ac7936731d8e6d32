"""The dark theme's formula colours are right on a page's first run after a server start.

A page's own formula colours (Second order's Q and u, Derivatives' Clairaut green) become known
only as the page first runs, after the sidebar has drawn the style that lightens them: they were
lightened only from the second run. (And none was ever lightened: the browser keeps KaTeX's
inline colour as rgb(), which the style's hex selectors missed.) Each page here is the first
visit of a server of its own.
"""

from __future__ import annotations

import pytest
from conftest import App, serve

from pages.second_order.style import DIRECTION, QUADRATIC
from ui.plots.colours import GRADIENT, on_dark

CLAIRAUT = "#1b7837"  # pages/derivatives/page.py: the mixed partials' green

pytestmark = pytest.mark.e2e
pytest.importorskip("playwright.sync_api")

# The colour every KaTeX span drawn in `colour` shows, as #rrggbb (none: no such span).
SHOWN = """(colour) => {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(colour.slice(i, i + 2), 16));
  const spans = [...document.querySelectorAll(`.katex [style*="rgb(${r}, ${g}, ${b})"]`)];
  return spans.map((span) => {
    const shown = getComputedStyle(span).color.match(/\\d+/g).map(Number).slice(0, 3);
    return '#' + shown.map((v) => v.toString(16).padStart(2, '0')).join('');
  });
}"""


@pytest.mark.parametrize(
    ("path", "colours"),
    [("second-order", (QUADRATIC, DIRECTION)), ("derivatives", (CLAIRAUT,)), ("", (GRADIENT,))],
)
def test_a_pages_own_formula_colours_are_lightened_on_its_first_run(
    browser, tmp_path, path, colours
):
    with serve("app.py", tmp_path / "server.log") as url:
        context = browser.new_context(viewport={"width": 1920, "height": 1080})
        try:
            app = App(context.new_page(), f"{url}/{path}?theme=dark")
            app.open()
            app.page.wait_for_selector(".katex", timeout=60_000)
            app.page.wait_for_timeout(1000)
            for colour in colours:
                shown = app.page.evaluate(SHOWN, colour)
                assert shown, f"no formula in {colour} on /{path}"
                assert set(shown) == {on_dark(colour).lower()}, (colour, shown)
        finally:
            context.close()
