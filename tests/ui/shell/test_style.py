"""The app's CSS: presentation rules only in presentation mode, and the link keeps the mode."""

from __future__ import annotations

from tests import apptest
from tests.apptest import link
from ui.plots.colours import DARK_PAPER, TEXT_CONTRAST, X_SLICE, contrast_ratio, on_dark
from ui.shell.style import PRESENT, TOUCH, app_style, look_style
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


def test_the_look_style_sizes_text_and_lightens_formula_colours_only_in_the_dark():
    plain = look_style("light", 1.0)
    assert plain == f"<style>{TOUCH}</style>"  # swipes over charts scroll the page, always
    assert "font-size: 22.5px" in look_style("light", 1.25)
    assert "font-size: 27.5px" in look_style("light", 1.25, present=True)
    assert "@media (max-width: 640px) { html { font-size: 22px" in look_style("light", 2.0)
    assert "{ html { font-size: 22px" not in look_style("light", 1.2)  # 21.6 px: on a phone too
    dark = look_style("dark", 1.0, formula_colours={X_SLICE})
    rgb = "rgb({}, {}, {})".format(*(int(X_SLICE[i : i + 2], 16) for i in (1, 3, 5)))
    # the hex as written and the rgb() the browser keeps in the style attribute
    assert f'[style*="{X_SLICE}"], .katex [style*="{rgb}"] {{ color: {on_dark(X_SLICE)}' in dark
    assert X_SLICE not in look_style("light", 1.0, formula_colours={X_SLICE})
    assert "#ffffff" in look_style("dark", 1.0, present=True)  # presentation text turns white


def test_the_app_opened_dark_and_larger_draws_every_chart_so():
    app = apptest.open_page("app.py", {"theme": "dark", "font": "1.25"})
    assert not app.exception
    assert app.selectbox(key="theme").value == "dark"
    assert link(app)["theme"] == "dark" and link(app)["font"] == "1.25"
    figures = apptest.charts(app)
    assert len(figures) == 4  # the surface, the map and the two slices
    for figure in figures:
        layout = figure["layout"]
        assert layout["paper_bgcolor"] == DARK_PAPER
        assert layout["font"]["size"] == 20  # 16 px, a quarter larger
        assert contrast_ratio(layout["font"]["color"], DARK_PAPER) >= TEXT_CONTRAST


def test_a_hostile_look_falls_back_with_notices():
    app = apptest.open_page("app.py", {"theme": "neon", "font": "99", "x0": "nan"})
    assert not app.exception
    warning = " ".join(item.value for item in app.warning)
    assert "theme" in warning and "font" in warning and "x0" in warning
    assert app.selectbox(key="theme").value == "light"
    assert link(app).get("font") == "2" and "theme" not in link(app)


def test_every_page_draws_in_the_dark():
    """Each page's charts, Plotly's and the live ones (their own JSON), rewritten without error."""
    for name in ("derivatives", "second_order", "descent"):
        page = f"pages/{name}/page.py"
        app = apptest.open_page(page, {"theme": "dark", "font": "1.5"})
        assert not app.exception, page
        figures = apptest.charts(app)
        assert figures, page
        for figure in figures:
            if "layout" in figure and "paper_bgcolor" in figure["layout"]:
                assert figure["layout"]["paper_bgcolor"] == DARK_PAPER, page
