"""Parameters through the whole app (issue 13), with Streamlit's AppTest: a link with parameter
values and ranges restores its sliders and draws the function with those values on every page;
bad values fall back with a notice; a slider moved is written back into the link."""

from __future__ import annotations

import numpy as np
import pytest

from tests import apptest
from tests.apptest import charts, link

SADDLE = {"f": "a x^2 + b y^2", "p_b": "-1", "p_b_range": "-2,2,0.05"}


def sliders(app) -> dict[str, tuple]:
    return {s.key: (s.label, s.value, s.min, s.max, s.step) for s in app.sidebar.slider}


def latex(app) -> str:
    return "\n".join(block.value for block in app.latex)


def test_a_link_with_parameters_restores_its_sliders_and_binds_the_function():
    app = apptest.open_page("app.py", SADDLE)
    found = sliders(app)
    assert found["p_a"] == ("a =", 1.0, -5.0, 5.0, 0.1)
    assert found["p_b"] == ("b =", -1.0, -2.0, 2.0, 0.05)
    tex = latex(app)
    assert "2 a x" in tex and "2 b y" in tex  # the derivatives keep the letters
    assert "= 3" in tex and "= -2" in tex  # f(2, 1) = 4 - 1 and df/dy = 2 b y = -2 at b = -1
    assert link(app) == {"x0": "2", "y0": "1", **SADDLE}
    assert len(charts(app)) == 4
    assert not app.warning and not app.error


def test_a_formula_without_parameters_has_no_sliders():
    app = apptest.open_page("app.py", {"f": "x^2 - y^2", "p_b": "3"})
    assert "p_b" not in sliders(app)
    assert link(app)["p_b"] == "3"  # kept for when b comes back


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ({"p_b": "abc"}, "p_b = “abc” is not a number; using 1"),
        ({"p_b": "inf"}, "is not a finite number"),
        ({"p_b_range": "3,-3,0.1"}, "is empty or reversed"),
        ({"p_b_range": "x"}, "is not three numbers"),
        ({"p_b": "9", "p_b_range": "-2,2,0.1"}, "outside its slider's range"),
    ],
)
def test_bad_parameter_values_fall_back_with_a_notice(query, words):
    app = apptest.open_page("app.py", {"f": "a x^2 + b y^2", **query})
    said = " ".join(block.value for block in app.warning).replace("\\", "")  # markdown escapes
    assert words in said
    assert "p_b" in sliders(app)
    assert len(charts(app)) == 4


def test_moving_a_slider_changes_the_picture_and_the_link():
    # A page file on its own draws the sidebar itself, so an interaction reruns it (app.py's
    # sidebar is not rerun by AppTest; see tests/test_app.py).
    app = apptest.open_page("pages/explore/page.py", SADDLE)
    before = latex(app)
    app.slider(key="p_b").set_value(0.5)
    app = apptest.rerun(app)
    assert link(app)["p_b"] == "0.5"
    after = latex(app)
    assert after != before and "= 1" in after  # df/dy = 2 b y = 1 at b = 0.5, y = 1


def test_a_new_value_of_a_pole_free_formula_sends_no_grid_and_evaluates_none(monkeypatch):
    """The browser draws such a surface whole (pages/explore/work.py, surface_in_browser; what it
    draws: tests/pages/explore/test_surface_in_browser.py): the server evaluates no grid for the
    slider moved, and no z of the surface, the map or the level curve crosses the wire."""
    import pages.explore.work as work
    import ui.shell.cache as cache

    app = apptest.open_page("pages/explore/page.py", SADDLE)
    evaluated = []
    for module in (cache, work):  # grid_for's, and the exports'
        real = module.evaluate_grid
        monkeypatch.setattr(
            module, "evaluate_grid", lambda *a, real=real, **k: evaluated.append(a) or real(*a, **k)
        )
    for value in (0.5, -0.3):
        app.slider(key="p_b").set_value(value)
        app = apptest.rerun(app)
        drawn = charts(app)[:2]  # the surface and the map (the slices follow)
        assert [d["data"][0]["meta"] for d in drawn] == ["surface", "contour"]
        for figure in drawn:
            for trace in figure["data"]:
                if trace.get("meta") in ("surface", "contour", "level curve"):
                    assert trace["z"] == {"body at": [1.0, value]}  # the browser's to compute
        assert not app.error
    assert evaluated == []


def test_a_slider_range_edited_to_nonsense_keeps_the_last_valid_one():
    app = apptest.open_page("pages/explore/page.py", SADDLE)
    app.number_input(key="p_b_low").set_value(3.0)
    app = apptest.rerun(app)
    assert any("range of b is empty or reversed" in block.value for block in app.sidebar.error)
    assert sliders(app)["p_b"][2:] == (-2.0, 2.0, 0.05)
    app.number_input(key="p_b_low").set_value(-4.0)
    app = apptest.rerun(app)
    assert sliders(app)["p_b"][2:] == (-4.0, 2.0, 0.05)
    assert link(app)["p_b_range"] == "-4,2,0.05"


@pytest.mark.parametrize(
    "page", ["pages/derivatives/page.py", "pages/second_order/page.py", "pages/descent/page.py"]
)
def test_every_page_follows_the_parameters(page):
    at_one = apptest.open_page(page, {"f": "a x^2 + b y^2", "p_b": "1"}, timeout=120)
    at_minus = apptest.open_page(page, SADDLE, timeout=120)
    for app in (at_one, at_minus):
        assert "p_b" in sliders(app) and not app.exception
    assert charts(at_one) != charts(at_minus)  # the figures follow b


def test_second_order_names_the_kind_the_values_give():
    minimum = apptest.open_page("pages/second_order/page.py", {"f": "a x^2 + b y^2"}, timeout=120)
    saddle = apptest.open_page("pages/second_order/page.py", SADDLE, timeout=120)

    def words(app):
        return " ".join(block.value for block in [*app.markdown, *app.caption, *app.latex])

    assert "minimum" in words(minimum).lower()
    assert "saddle" in words(saddle).lower()
    said = words(saddle).replace("\\", "")  # markdown escapes
    assert "det H = 4*a*b at every point" in said  # how a and b decide the kind, in words


def test_descents_stability_limit_follows_a_parameter():
    """x^2 + b y^2: the Hessian is diag(2, 2b), so gradient descent's limit lr < 2/λmax is 1 at
    b = 1 and 0.25 at b = 4 (the narrower valley)."""

    def stability(b: str) -> tuple[str, str]:
        query = {"f": "x^2 + b y^2", "p_b": b}
        app = apptest.open_page("pages/descent/page.py", query, timeout=120)
        assert not app.exception
        (eigenvalues,) = [block.value for block in app.latex if "lambda_1" in block.value]
        words = " ".join(block.body for block in [*app.success, *app.error, *app.info])
        return eigenvalues, words.replace("\\", "")  # markdown escapes

    eigenvalues, words = stability("1")
    assert r"lambda_1 = 2,qquad lambda_2 = 2" in eigenvalues.replace("\\", "")
    assert "lr < 2/λmax = 1 (λmax = 2 at the start)" in words
    eigenvalues, words = stability("4")
    assert r"lambda_1 = 2,qquad lambda_2 = 8" in eigenvalues.replace("\\", "")
    assert "lr < 2/λmax = 0.25 (λmax = 8 at the start)" in words


def test_derivatives_table_follows_a_parameter():
    """∂f/∂y of a x^2 + b y^2 is 2 b y: at y = 0.5 the table's exact value is b, and every
    estimate follows it."""

    def table(b: str):
        query = {"f": "a x^2 + b y^2", "p_b": b, "x0": "1", "y0": "0.5", "var": "y"}
        app = apptest.open_page("pages/derivatives/page.py", query, timeout=120)
        assert not app.exception
        return app.table[0].value

    for b, exact in (("1", 1.0), ("-1", -1.0), ("2.5", 2.5)):
        rows = table(b)
        shown = {str(value).replace("−", "-") for value in rows["Exact (SymPy)"]}
        assert shown == {f"{exact:g}"}, (b, shown)
        estimates = [float(value) for value in rows["Estimate"]]
        assert np.allclose(estimates, exact, rtol=1e-6), (b, estimates)


def test_a_browser_drawn_surface_still_downloads_with_every_number(monkeypatch):
    """The STL and the web page are made when their buttons are pressed (deferred downloads),
    from the grid the server evaluates then: the same files as from the server's own figures."""
    from core import Function
    from pages.explore.exports import stl_file
    from pages.explore.work import explore_figures
    from ui.shell.view import from_query

    handed = apptest.deferred_downloads(monkeypatch)
    app = apptest.open_page("app.py", SADDLE)
    assert all(not button.proto.disabled for button in app.get("download_button"))
    view, _ = from_query(SADDLE)
    f = Function(SADDLE["f"]).bind(b=-1.0)
    whole = explore_figures(f, view, browser=False)
    assert handed["surface.stl"]() == stl_file(whole.grid)
    page = handed["derivative-explorer-view.html"]()
    # the surface's and the map's z: f on the whole 100 x 100 grid
    assert page.replace(" ", "").count('"shape":"100,100"') >= 2
