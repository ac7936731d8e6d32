"""The whole app through Streamlit's AppTest (no browser): every page at the default link and at
hostile links runs without an exception and says what it could not use.

Each test is one fresh run from a link. With st.navigation, AppTest reruns only the page script,
not the entry file that draws the sidebar, so interactions (typing, the gallery, moving between
pages) are tested in a real browser in tests/e2e/.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests import apptest
from tests.apptest import charts, link

APP = "app.py"


def open_app(query: dict[str, str] | None = None, page: str | None = None) -> AppTest:
    """A fresh session opened from a link, on app.py or (page = "pages/guide/page.py") on one page
    file run on its own, which then draws the sidebar itself."""
    return apptest.open_page(page or APP, query)


def all_latex(app: AppTest) -> str:
    return "\n".join(block.value for block in app.latex)


def test_the_default_link_shows_the_article_function_and_its_partials():
    app = open_app()
    tex = all_latex(app)
    # The seed article: f = x^2 y + y^3 at (2, 1): df/dx = 2xy = 4, df/dy = x^2 + 3y^2 = 7.
    assert "x^{2} y + y^{3}" in tex
    assert "2 x y" in tex and "x^{2} + 3 y^{2}" in tex
    assert "= 4" in tex and "= 7" in tex and "= 5" in tex
    figures = charts(app)
    assert len(figures) == 4  # surface, contour, two slices
    kinds = {trace["type"] for figure in figures for trace in figure["data"]}
    assert {"surface", "contour", "scatter3d", "scatter"} <= kinds
    assert link(app) == {"f": "x^2 y + y^3", "x0": "2", "y0": "1"}
    assert not app.warning and not app.error


def test_a_link_restores_function_point_window_and_toggles():
    query = {"f": "x^2 - y^2", "x0": "0.5", "y0": "-1", "xmin": "-2", "xmax": "2"}
    query |= {"res": "60", "plane": "1", "field": "1", "slices": "0"}
    app = open_app(query)
    assert app.text_input(key="f").value == "x^2 - y^2"
    assert (app.number_input(key="x0").value, app.number_input(key="y0").value) == (0.5, -1.0)
    assert app.slider(key="resolution").value == 60
    assert app.toggle(key="plane").value and app.toggle(key="field").value
    assert not app.toggle(key="slices").value
    assert link(app) == query
    surface = charts(app)[0]
    assert surface["layout"]["scene"]["xaxis"]["range"] == [-2.0, 2.0]
    assert "= 1" in all_latex(app) and "= 2" in all_latex(app)  # df/dx = 2x = 1, df/dy = -2y = 2


HOSTILE_LINKS = [
    {"x0": "nan"},
    {"x0": "abc", "y0": "1e400"},
    {"xmin": "5", "xmax": "-5"},
    {"res": "1000000000"},
    {"plane": "maybe", "field": "<script>"},
    {"f": "__import__('os').system('echo hacked')"},
    {"f": "x" * 5000},
    {"f": "9^9^9^9"},
    {"f": "[a](javascript:alert(1)) $\\alpha$ :red[x]"},
]
HOSTILE_IDS = ["nan", "abc-1e400", "reversed", "huge-res", "flags", "dunder", "long", "tower", "md"]


@pytest.mark.parametrize("query", HOSTILE_LINKS, ids=HOSTILE_IDS)
def test_a_hostile_link_gives_a_message_and_a_usable_page(query):
    app = open_app(query)
    said = " ".join(block.value for block in [*app.warning, *app.error, *app.info])
    assert said, "the page must say what it could not use"
    assert "Traceback" not in said
    assert len(charts(app)) == 4  # still a usable page: the default or last good function
    for block in app.latex:
        assert "import" not in block.value and "javascript" not in block.value


@pytest.mark.parametrize("query", HOSTILE_LINKS, ids=HOSTILE_IDS)
def test_every_other_page_survives_a_hostile_link(query):
    # AppTest's switch_page runs a page without the entry file and drops the link, so the page
    # file runs on its own here (it draws the sidebar itself), from a fresh session.
    app = open_app(query, page="pages/guide/page.py")
    said = " ".join(block.value for block in [*app.warning, *app.sidebar.error])
    assert said, "the page must say what it could not use"
    assert "Traceback" not in said
    assert app.title[0].value == "Guide"
    assert any("f(x, y) =" in block.value for block in app.latex)  # still a function to discuss


def test_a_bad_formula_keeps_the_last_good_picture_and_shows_caret_and_hint():
    # "xy" now reads as x*y (as Desmos does); "sinz" splits into no known names.
    app = open_app({"f": "sinz"})
    assert any("Column 1" in block.value for block in app.error)
    assert any(block.value.splitlines() == ["sinz", "^"] for block in app.code)
    assert any("sin or sinh" in block.value for block in app.info)  # the hint
    assert any("Still showing" in block.value for block in app.warning)
    assert len(charts(app)) == 4
    assert link(app)["f"] == "sinz"  # the link keeps what the person typed


def test_a_point_where_f_is_undefined_says_so_instead_of_nan():
    app = open_app({"f": "sqrt(1 - x^2 - y^2)", "x0": "2", "y0": "2"})
    tex = all_latex(app)
    assert "nan" not in tex.lower() and "undefined" in tex
    assert any("undefined at this point" in block.value for block in app.info)
    assert len(charts(app)) == 4


def test_a_function_undefined_on_the_whole_window_explains_itself():
    app = open_app({"f": "sqrt(-1 - x^2 - y^2)"})
    assert any("undefined everywhere" in block.value for block in app.error)


@pytest.mark.parametrize(
    "text",
    [
        "__import__('os').system('echo hacked')",
        "ｘ + 1",
        "9^9^9^9",
        "(" * 200 + "x" + ")" * 200,
        "lambda: 1",
        "[a](javascript:alert(1)) $\\alpha$",
        "x +* y",
    ],
    ids=["dunder", "fullwidth", "tower", "deep", "lambda", "markdown", "syntax"],
)
def test_a_hostile_formula_is_a_short_error_and_never_typeset(text):
    app = open_app({"f": text})
    assert len(app.error) == 1
    carets = [block.value for block in app.code if block.value.endswith("^")]
    assert all(len(caret) < 300 for caret in carets)  # a window around the column, not the text
    assert not any(text in block.value for block in app.latex)
    assert len(charts(app)) == 4
