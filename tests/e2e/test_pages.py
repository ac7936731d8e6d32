"""A fresh server opened straight on any page's link runs the whole app: the sidebar, every page
in the navigation, the link kept, and no "Page not found" dialog.

Streamlit's first multipage mode, which runs each pages/*.py on its own until some run calls
st.navigation, finds pages/<url>.py, whose hand-off runs app.py in that same run
(ui/shell/first_visit.py; tests/test_first_visit.py counts the runs). The navigation is checked at
the first quiet moment.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest
from conftest import APP_READY, App, serve

pytestmark = pytest.mark.e2e
expect = pytest.importorskip("playwright.sync_api").expect
expect.set_options(timeout=30_000)

PAGES = {
    "derivatives": "Derivatives",
    "second-order": "Second order",
    "descent": "Descent",
    "guide": "Guide",
}


@pytest.mark.parametrize("path", PAGES)
def test_a_fresh_server_opened_on_a_page_link_runs_the_app(browser, tmp_path, path):
    with serve("app.py", tmp_path / "server.log") as url:
        context = browser.new_context(viewport={"width": 1440, "height": 1000})
        try:
            app = App(context.new_page(), url)
            app.page.goto(f"{url}/{path}?f=sin(x)%20y&x0=1")
            app.page.wait_for_selector(APP_READY, timeout=60_000)
            app.idle()
            navigation = app.page.locator("[data-testid=stSidebarNav] a")
            assert navigation.count() == 5
            expect(navigation.first).to_contain_text("Explore")
            expect(app.page.locator("h1").first).to_contain_text(PAGES[path])
            link = dict(parse_qsl(urlsplit(app.page.evaluate("location.href")).query))
            assert link["f"] == "sin(x) y" and link["x0"] == "1"
            expect(app.page.locator("[role=dialog]")).to_have_count(0)
            expect(app.page.get_by_text("Page not found")).to_have_count(0)
            expect(app.page.locator("[data-testid=stException]")).to_have_count(0)
        finally:
            context.close()
