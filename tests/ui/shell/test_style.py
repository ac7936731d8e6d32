"""The app's CSS: presentation rules only in presentation mode, and the link keeps the mode."""

from __future__ import annotations

from tests import apptest
from tests.apptest import link
from ui.shell.style import PRESENT, app_style
from ui.shell.view import from_query, to_query


def test_presentation_rules_only_in_presentation_mode():
    assert PRESENT in app_style(present=True)
    assert PRESENT not in app_style(present=False)
    for present in (False, True):
        css = app_style(present)
        assert css.startswith("<style>") and css.endswith("</style>")
        assert css.count("{") == css.count("}")
        assert "white-space: normal" in css  # long formulas wrap in both modes


def test_present_travels_in_the_link():
    view, notices = from_query({"present": "1"})
    assert view.present and not notices
    assert to_query(view)["present"] == "1"
    assert "present" not in to_query(from_query({})[0])


def test_the_app_opened_in_presentation_mode_keeps_it_in_its_link():
    app = apptest.open_page("app.py", {"present": "1"})
    assert app.toggle(key="present").value is True
    assert link(app)["present"] == "1"
