"""The slice, plane and field switches act on Explore alone, so they show there alone (issue 14);
on another page their values stay in the session and in the link."""

from __future__ import annotations

import pytest

from tests.apptest import link, open_page

SWITCHES = ("slices", "plane", "field")


def switch_keys(app) -> set[str]:
    return {toggle.key for toggle in app.sidebar.toggle} & set(SWITCHES)


def test_explore_shows_the_three_switches():
    app = open_page("app.py", {"plane": "1"})
    assert switch_keys(app) == set(SWITCHES)
    assert app.toggle(key="plane").value


@pytest.mark.parametrize(
    "page", ["pages/derivatives/page.py", "pages/second_order/page.py", "pages/descent/page.py"]
)
def test_other_pages_leave_them_out_and_keep_them_in_the_link(page):
    app = open_page(page, {"plane": "1", "slices": "0"})
    assert switch_keys(app) == set()
    assert {"plane": "1", "slices": "0"}.items() <= link(app).items()
