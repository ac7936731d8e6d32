"""The Second-order page: its link settings (plain data), its words and formulas (against core),
and the page file through Streamlit's AppTest at the default link and at hostile links."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from core import (
    CriticalPoint,
    CriticalPoints,
    ExpressionError,
    Function,
    WorkerBusyError,
    approximation_errors,
    critical_points,
    directional_derivative,
    evaluate_grid,
    point_summary,
    taylor2,
)
from pages.second_order.settings import DEFAULT, PREFIX, RADII, Settings, from_query, to_query
from pages.second_order.words import (
    CURVE_ROWS,
    critical_rows,
    critical_summary,
    directional_latex,
    order_sentence,
    shown_number,
    table_points,
    taylor_form,
    taylor_numbers,
    verdict,
)
from tests import apptest
from tests.apptest import charts, link, rerun
from ui.shell.text import latex_number

PAGE = "pages/second_order/page.py"
SEED = "x^2 y + y^3"
HIMMELBLAU = "(x^2+y-11)^2 + (x+y^2-7)^2"
HIMMELBLAU_LINK = {"f": HIMMELBLAU, "x0": "0", "y0": "0"}
HIMMELBLAU_LINK |= {"xmin": "-5", "xmax": "5", "ymin": "-5", "ymax": "5"}


def open_page(query: dict[str, str] | None = None) -> AppTest:
    return apptest.open_page(PAGE, query, timeout=120)


# --- the link settings ----------------------------------------------------------------------------


def test_defaults_stay_out_of_the_link():
    assert from_query({}) == (DEFAULT, [])
    assert to_query(DEFAULT) == {}
    assert to_query(Settings(angle=90, radius=0.5)) == {"angle": "90", "radius": "0.5"}


@pytest.mark.parametrize(
    ("text", "angle"),
    [("0", 0), ("90", 90), ("359", 359), ("360", 0), ("-90", 270), ("450", 90), ("-720", 0)],
)
def test_whole_degrees_wrap_into_one_turn_quietly(text, angle):
    assert from_query({"angle": text}) == (Settings(angle=angle), [])


@given(settings=st.builds(Settings, st.integers(0, 359), st.sampled_from(RADII)))
def test_settings_survive_their_link(settings):
    assert from_query(to_query(settings)) == (settings, [])


@pytest.mark.parametrize(
    ("query", "expected", "words"),
    [
        ({"angle": "nan"}, DEFAULT, "not a finite number; using 45"),
        ({"angle": "1e308"}, DEFAULT, "beyond ±36000 degrees; using 45"),
        ({"angle": "-inf"}, DEFAULT, "not a finite number"),
        ({"angle": "east"}, DEFAULT, "not a number; using 45"),
        ({"angle": "45.5"}, Settings(angle=46), "not a whole number of degrees; using 46"),
        ({"angle": "359.6"}, Settings(angle=0), "using 0"),
        ({"radius": "-1"}, DEFAULT, "not a positive number; using 1"),
        ({"radius": "0"}, DEFAULT, "not a positive number"),
        ({"radius": "nan"}, DEFAULT, "not a finite number"),
        ({"radius": "1e-300"}, Settings(radius=0.001), "using 0.001"),
        ({"radius": "0.3"}, Settings(radius=0.2), "not one of the slider's radii; using 0.2"),
        ({"radius": "1e308"}, Settings(radius=1000.0), "using 1000"),
    ],
)
def test_a_bad_setting_is_replaced_and_explained(query, expected, words):
    settings, notices = from_query(query)
    assert settings == expected
    assert len(notices) == 1 and words in notices[0], notices


def test_a_list_valued_parameter_uses_its_last_value_and_payloads_are_cut():
    assert from_query({"angle": ["10", "20"]}) == (Settings(angle=20), [])
    _, notices = from_query({"radius": "<script>" + "x" * 500})
    assert len(notices[0]) < 200 and "\n" not in notices[0]


# --- words and formulas, against core -----------------------------------------------------------


@pytest.fixture(scope="module")
def himmelblau():
    f = Function(HIMMELBLAU)
    window = (-5.0, 5.0)
    return f, critical_points(f, window, window), evaluate_grid(f, window, window, 100)


def test_the_table_is_core_critical_points_row_by_row(himmelblau):
    _, found, grid = himmelblau
    rows = critical_rows(found, grid)
    assert len(rows["kind"]) == len(found) == 9
    for k, point in enumerate(found):
        assert rows["kind"][k].endswith(point.kind)
        for column, value in (("x", point.x), ("y", point.y), ("f(x, y)", point.value)):
            assert float(rows[column][k]) == pytest.approx(value, rel=1e-5, abs=1e-12)
        assert float(rows["λ₁"][k]) == pytest.approx(point.eigenvalues[0], rel=1e-5)
        assert float(rows["λ₂"][k]) == pytest.approx(point.eigenvalues[1], rel=1e-5)
        assert rows["second-derivative test"][k] == verdict(point)
    # The four minima sit at f = 0: float64 leaves ~1e-30 there, which reads as 0.
    assert (
        sorted(rows["f(x, y)"][k] for k, p in enumerate(found) if p.kind == "minimum") == ["0"] * 4
    )
    assert critical_summary(found) == (
        "9 critical points in this window: 4 minima, 1 maximum and 4 saddles."
    )
    # The one minimum with a closed form, (3, 2): both eigenvalues positive.
    three_two = [k for k, p in enumerate(found) if abs(p.x - 3) < 1e-9 and abs(p.y - 2) < 1e-9]
    assert len(three_two) == 1 and (rows["x"][three_two[0]], rows["y"][three_two[0]]) == ("3", "2")


def test_the_second_derivative_test_in_words():
    found = critical_points(Function("x^2 - y^2 + x^4/10"), (-1, 1), (-1, 1))
    assert [p.kind for p in found] == ["saddle"]
    assert "opposite signs (det H < 0)" in verdict(found[0]) and "saddle" in verdict(found[0])
    bowl = critical_points(Function("x^2 + y^2"), (-1, 1), (-1, 1))[0]
    assert verdict(bowl).startswith("Both eigenvalues positive") and "minimum" in verdict(bowl)
    cap = critical_points(Function("-x^2 - y^2"), (-1, 1), (-1, 1))[0]
    assert "negative" in verdict(cap) and "maximum" in verdict(cap)
    flat = critical_points(Function("x^4 + y^4"), (-1, 1), (-1, 1))[0]
    assert verdict(flat) == "An eigenvalue is zero (det H = 0): the test cannot decide."
    line = critical_points(Function("x^2"), (-1, 1), (-1, 1))
    assert "curve of critical points" in verdict(line[0])
    assert "drawn hollow" in critical_summary(line)
    constant = critical_points(Function("3"), (-1, 1), (-1, 1))
    assert critical_summary(constant) == "f is constant: every point is a critical point."
    none = critical_points(Function("x + y"), (-1, 1), (-1, 1))
    assert critical_summary(none).startswith("No critical points in this window")


def test_the_table_lists_every_isolated_point_and_a_few_samples_of_a_curve(himmelblau):
    _, found, _ = himmelblau
    assert table_points(found) == list(found)
    line = critical_points(Function("x^2 + 0 y"), (-3, 3), (-3, 3))
    listed = table_points(line)
    assert line.continuum and len(line) > len(listed) == CURVE_ROWS
    assert listed[0] is line[0] and listed[-1] is line[-1]  # evenly spaced, ends included
    mixed = critical_points(Function("(x^2 - 1)^2 + 0 y"), (-2, 2), (-2, 2))  # two lines x = ±1
    assert len(table_points(mixed, limit=3)) == 3


def test_a_truncated_sample_and_isolated_points_beside_a_curve_are_said():
    line = critical_points(Function("x^2"), (-1, 1), (-1, 1))
    peak = CriticalPoint(0.5, 0.5, 1.0, "maximum", (-2.0, -1.0))
    both = CriticalPoints([*line, peak], continuum=True, truncated=True, note=line.note)
    sentence = critical_summary(both)
    assert f"{len(line)} evenly spaced samples" in sentence
    assert "more than fit on the map" in sentence
    assert sentence.endswith("Besides them, isolated: 1 maximum.")


def test_the_table_shows_a_degenerate_point_found_near_zero_as_zero():
    f = Function(SEED)
    found = critical_points(f, (-3, 3), (-3, 3))
    assert len(found) == 1 and abs(found[0].x) < 1e-6  # Newton stops near (0, 0)
    rows = critical_rows(found, evaluate_grid(f, (-3, 3), (-3, 3), 50))
    assert [rows[c][0] for c in ("x", "y", "f(x, y)", "λ₁", "λ₂")] == ["0"] * 5
    assert shown_number(math.nan) == "undefined" and shown_number(-0.0) == "0"


@pytest.mark.parametrize(
    ("text", "point", "plane", "bracket"),
    [
        (
            SEED,
            (2, 1),
            r"5 + 4\,\left(x - 2\right) + 7\,\left(y - 1\right)",
            r"2\,\left(x - 2\right)^{2} + 8\,\left(x - 2\right)\,\left(y - 1\right)"
            r" + 6\,\left(y - 1\right)^{2}",
        ),
        (HIMMELBLAU, (0, 0), r"170 - 14\,x - 22\,y", r"-42\,x^{2} - 26\,y^{2}"),
        (
            "x^2",
            (-0.5, 0),
            r"\frac{1}{4} - \left(x + \frac{1}{2}\right)",
            r"2\,\left(x + \frac{1}{2}\right)^{2}",
        ),
    ],
)
def test_the_taylor_form_by_the_textbook(text, point, plane, bracket):
    # x^2 y + y^3 at (2, 1): f = 5, grad = (4, 7), H = [[2y, 2x], [2x, 6y]] = [[2, 4], [4, 6]].
    # Himmelblau at 0: f = 170, grad = (-14, -22), H = [[-42, 0], [0, -26]].
    quadratic = taylor2(Function(text), *point)
    assert taylor_form(quadratic.coefficients, quadratic.exact_point) == (
        plane,
        rf"L(x, y) + \frac{{1}}{{2}}\Bigl[{bracket}\Bigr]",
    )


def test_the_taylor_form_shows_every_exact_coefficient():
    quadratic = taylor2(Function("sin(x) cos(y)"), 0.8, 0.4)
    plane, full = taylor_form(quadratic.coefficients, quadratic.exact_point)
    for coefficient in quadratic.coefficients:
        size = -coefficient if coefficient.could_extract_minus_sign() else coefficient
        assert sympy.latex(size) in plane + full
    assert r"\left(x - \frac{4}{5}\right)" in plane
    numbers_plane, numbers_full = taylor_numbers(quadratic)
    assert numbers_plane.startswith(latex_number(quadratic.z0, 4))
    assert numbers_full.startswith(r"L(x, y) + \frac{1}{2}\Bigl[-")  # fxx = -sin(x) cos(y) < 0
    assert taylor_form((sympy.Integer(3), 0, 0, 0, 0, 0), (0, 0)) == ("3", "L(x, y)")
    assert taylor_form((0, 0, 0, 0, 0, 0), (1, 1)) == ("0", "L(x, y)")


def test_the_directional_derivative_line_is_core_directional_derivative():
    f = Function(SEED)
    for angle in (0, 45, 90, 200, 359):
        slope = directional_derivative(f, 2, 1, angle=math.radians(angle))
        lines = directional_latex(point_summary(f, 2, 1), angle, slope)
        assert lines[1].endswith(f"= {latex_number(slope)}")
        assert rf"\cos {angle}^\circ" in lines[0]
    assert directional_latex(point_summary(f, 2, 1), 0, 4.0)[1].endswith("= 4")
    best = directional_latex(point_summary(f, 2, 1), 45, 0.0)[2]
    assert latex_number(math.sqrt(65)) in best and "60.26" in best
    flat = directional_latex(point_summary(Function("x^2 + y^2"), 0, 0), 10, 0.0)
    assert "every direction is flat" in flat[2]
    outside = point_summary(Function("sqrt(1 - x^2 - y^2)"), 2, 2)
    undefined = directional_latex(outside, 10, math.nan)
    assert len(undefined) == 2 and "undefined" in undefined[1] and "nan" not in undefined[1]


def test_the_order_sentence_reports_measured_ratios():
    sentence = order_sentence(approximation_errors(Function(SEED), 2, 1, 1))
    errors = approximation_errors(Function(SEED), 2, 1, 1)
    assert f"{errors.shrink('linear')[-1]:.1f}" in sentence and "8.0" in sentence
    assert "Q is f itself" in order_sentence(approximation_errors(Function("x^2 - y^2"), 1, 0, 1))
    assert "f is linear" in order_sentence(approximation_errors(Function("x - y"), 1, 0, 1))
    undefined = approximation_errors(Function("sqrt(1 - x^2 - y^2)"), 2, 2, 1)
    assert "undefined at the point" in order_sentence(undefined)


# --- the page through AppTest -------------------------------------------------------------------


def all_latex(app: AppTest) -> str:
    return "\n".join(block.value for block in app.latex)


def said(app: AppTest) -> str:
    """Every sentence on the page, with ui.shell.text.plain's Markdown escapes removed."""
    blocks = [*app.warning, *app.error, *app.info, *app.markdown, *app.caption]
    return " ".join(block.value for block in blocks).replace("\\", "")


def table(app: AppTest) -> dict[str, list[str]]:
    """The critical points' table (the charts' data tables are the others)."""
    (frame,) = [t.value for t in app.table if "second-derivative test" in t.value.columns]
    return {column: [str(v) for v in frame[column]] for column in frame.columns}


def test_the_default_link(tmp_path):
    app = open_page()
    assert app.title[0].value.startswith("Second order")
    assert len(charts(app)) == 9  # the error maps are two charts
    assert link(app) == {"f": SEED, "x0": "2", "y0": "1"}  # the defaults stay out of the link
    assert app.slider(key="second_angle").value == 45
    assert app.select_slider(key="second_radius").value == 1.0
    tex = all_latex(app)
    f = Function(SEED)
    slope = directional_derivative(f, 2, 1, angle=math.radians(45))
    assert f"= {latex_number(slope)}" in tex  # 7.77817: (4 + 7) / sqrt(2)
    assert r"5 + 4\,\left(x - 2\right) + 7\,\left(y - 1\right)" in tex  # L at (2, 1)
    assert r"\Bigl[2\,\left(x - 2\right)^{2}" in tex  # Q's bracket starts with fxx = 2
    rows = table(app)
    assert rows["kind"] == ["◆ degenerate"]  # x^2 y + y^3: one flat point at the origin
    assert not app.warning and not app.error
    # The slice along u in words (its text alternative) reads the drawn curve: at 45° through
    # (2, 1), f(2 + s/√2, 1 + s/√2) is a cubic in s, defined everywhere.
    words = said(app)
    assert "The slice of f along u through the point for the distance s along u from" in words
    assert "undefined everywhere" not in words


def test_himmelblau_lists_core_critical_points():
    app = open_page(HIMMELBLAU_LINK)
    f = Function(HIMMELBLAU)
    found = critical_points(f, (-5, 5), (-5, 5))
    rows = table(app)
    assert rows == critical_rows(found, evaluate_grid(f, (-5, 5), (-5, 5), 100))
    kinds = [row.split(" ", 1)[1] for row in rows["kind"]]
    assert sorted(kinds) == sorted(p.kind for p in found)
    assert [kinds.count(kind) for kind in ("minimum", "saddle", "maximum")] == [4, 4, 1]
    assert "4 minima, 1 maximum and 4 saddles" in said(app)
    contour = charts(app)[0]
    marked = {
        t["meta"]: t for t in contour["data"] if str(t.get("meta", "")).startswith("critical")
    }
    assert set(marked) == {"critical minimum", "critical maximum", "critical saddle"}
    menu = app.selectbox(key="second_go_to")
    assert menu.value is None and len(menu.options) == 9


def test_picking_a_critical_point_moves_the_point_there():
    app = open_page(HIMMELBLAU_LINK)
    found = critical_points(Function(HIMMELBLAU), (-5, 5), (-5, 5))
    index = next(k for k, p in enumerate(found) if abs(p.x - 3) < 1e-9)
    app.selectbox(key="second_go_to").select_index(index)
    rerun(app)
    assert (app.number_input(key="x0").value, app.number_input(key="y0").value) == (3.0, 2.0)
    assert app.selectbox(key="second_go_to").value is None
    assert "every direction is flat" in all_latex(app)  # at a minimum the gradient is 0


def test_a_link_sets_the_angle_and_the_radius_and_the_slider_changes_d_u_f():
    app = open_page({"angle": "90", "radius": "0.5"})
    assert app.slider(key="second_angle").value == 90
    assert app.select_slider(key="second_radius").value == 0.5
    assert link(app)["angle"] == "90" and link(app)["radius"] == "0.5"
    assert "= 7" in all_latex(app)  # D_u f along +y is df/dy = 7
    app.slider(key="second_angle").set_value(180)
    rerun(app)
    assert "= -4" in all_latex(app)  # along -x: -df/dx
    assert link(app)["angle"] == "180"


HOSTILE = [
    ({"angle": "nan"}, "angle"),
    ({"angle": "1e308"}, "angle"),
    ({"radius": "-1"}, "radius"),
    ({"radius": "<b>x</b>", "angle": "[a](javascript:alert(1))"}, "radius"),
    ({"f": "sqrt(-1 - x^2 - y^2)"}, "undefined everywhere"),
    ({"f": "sqrt(1 - x^2 - y^2)", "x0": "2", "y0": "2"}, "undefined at the point"),
    ({"f": "x^2", "x0": "1", "y0": "1"}, "whole curve"),
    ({"xmin": "-1e6", "xmax": "1e6", "ymin": "-1e6", "ymax": "1e6"}, "critical point"),
    ({"f": "3"}, "f is constant"),
    ({"f": "x + y"}, "No critical points"),
    ({"x0": "1000000", "y0": "-1000000", "radius": "0.001"}, "outside the window"),
    ({"f": "__import__('os').system('echo hacked')"}, "does not work yet"),
]


@pytest.mark.parametrize(("query", "words"), HOSTILE, ids=[str(q) for q, _ in HOSTILE])
def test_a_hostile_link_gives_a_sentence_and_a_usable_page(query, words):
    app = open_page(query)
    text = said(app) + " " + " ".join(block.value for block in app.sidebar.error)
    assert words in text, text
    assert "Traceback" not in text
    assert len(charts(app)) >= 7  # every chart still drawn (the error maps need L and Q)
    tex = all_latex(app)
    assert "nan" not in tex.replace(r"\nabla", "").lower()
    assert "import" not in tex and "javascript" not in tex
    _, notices = from_query(query)
    for key in ("angle", "radius"):  # bad parts are replaced, not written back
        if any(f"link's {key} " in notice for notice in notices):
            assert link(app).get(key) != query[key]
            assert any(f"link's {key} " in b.value.replace("\\", "") for b in app.warning)


def test_every_readout_is_finite_or_said_in_words_where_f_is_undefined():
    app = open_page({"f": "sqrt(1 - x^2 - y^2)", "x0": "2", "y0": "2"})
    text = said(app)
    assert "no tangent plane" in text.lower() or "No tangent plane" in text
    assert "undefined" in all_latex(app)
    (profile,) = [c for c in charts(app) if "against the angle" in json.dumps(c["layout"])]
    assert "∇f is undefined" in json.dumps(profile, ensure_ascii=False)


def test_the_error_maps_are_core_errors():
    app = open_page({"radius": "0.5"})
    (maps,) = [c for c in charts(app) if any(t.get("meta") == "error linear" for t in c["data"])]
    (other,) = [
        c for c in charts(app) if any(t.get("meta") == "error quadratic" for t in c["data"])
    ]
    assert other["layout"]["coloraxis"]["cmin"] == maps["layout"]["coloraxis"]["cmin"]
    errors = approximation_errors(Function(SEED), 2, 1, 0.5, n=81)
    low = maps["layout"]["coloraxis"]["cmin"]
    assert maps["layout"]["coloraxis"]["cmax"] == pytest.approx(
        math.log10(np.nanmax(errors.linear)), abs=1e-6
    )
    assert low < math.log10(np.nanmax(errors.quadratic))


# --- shared between sessions ------------------------------------------------------------------


def test_a_second_session_on_the_same_link_is_served_from_the_shared_result(monkeypatch):
    from pages.second_order import work

    built = []
    original = work.second_order
    monkeypatch.setattr(work, "second_order", lambda *a: built.append(a) or original(*a))
    work.second_order_shared.clear()
    shared_link = {"f": "x^2 - 3 x y + y^3", "x0": "1.5", "y0": "-0.5"}
    first = open_page(shared_link)
    assert len(built) == 1
    second = open_page(shared_link)
    assert len(built) == 1  # the class's second student costs no page work
    assert charts(second) == charts(first)
    second.number_input(key="x0").set_value(0.25)
    rerun(second)
    assert len(built) == 2  # another point is another result
    assert link(second)["x0"] == "0.25"
    first.slider(key=PREFIX + "angle").set_value(90)
    rerun(first)
    assert len(built) == 3  # and so is another angle


# --- what a point move sends --------------------------------------------------------------------


def _messages(app: AppTest) -> dict[str, bytes]:
    """Each element's message by its place on the page (its delta path)."""
    found = {}

    def walk(node, path):
        children = getattr(node, "children", None)
        for key, child in children.items() if isinstance(children, dict) else ():
            if getattr(child, "proto", None) is not None and not getattr(child, "children", None):
                found[f"{path}/{key}"] = child.proto.SerializeToString()
            walk(child, f"{path}/{key}")

    walk(app._tree, "")
    return found


def test_a_point_move_sends_references_for_the_unchanged_live_chart_bases():
    """Streamlit sends a short reference for a message the browser holds unchanged, from
    global.minCachedMessageSize bytes up (.streamlit/config.toml): the five live charts' bases
    (the shape of the surface and the maps, which a point move does not change) are over it, so
    a point move sends only their points again."""
    from streamlit import config

    app = open_page()
    before = _messages(app)
    app.number_input(key="x0").set_value(0.5)
    app.number_input(key="y0").set_value(-1.25)
    after = _messages(rerun(app))
    bases = {
        path: message
        for path, message in after.items()
        if b'"role": "base"' in message and b"second_" in message
    }
    assert len(bases) == 5
    smallest = config.get_option("global.minCachedMessageSize")
    for path, message in bases.items():
        assert before[path] == message  # unchanged by the move
        assert len(message) >= smallest  # so sent as a reference
    # What does change is sent whole: the points moved.
    moved = [m for p, m in after.items() if before.get(p) != m and b"derivatives_live_point" in m]
    assert len(moved) == 5


# --- when the exact L and Q are not ready -------------------------------------------------------


def exact_plane_shown(tex: str) -> bool:
    """An exact L on the page: as its line (L coloured) or in the expander "The exact L and Q"."""
    return "L}(x, y) = " in tex or "\nL(x, y) = " in tex


class _Worker:
    """The shared worker, except that its "substitute" calls meet `trouble` while it is set."""

    def __init__(self, worker):
        self.worker, self.trouble = worker, None

    def run(self, task, *args, **kwargs):
        if task == "substitute" and self.trouble is not None:
            raise self.trouble
        return self.worker.run(task, *args, **kwargs)


@pytest.mark.parametrize(
    ("trouble", "reason"),
    [
        (WorkerBusyError("The server is too busy.", hint="Try again in a moment."), "busy"),
        (ExpressionError("That took too long."), "too long"),
    ],
)
def test_an_exact_form_not_ready_shows_decimals_not_undefined(monkeypatch, trouble, reason):
    """L and Q are defined at the point; their exact coefficients are not ready (the worker was
    starved, or hit its time limit). The page shows the decimals and says why, never "undefined".
    A busy worker is asked again on the next run (nothing kept); a time limit is the answer."""
    import core.geometry as geometry

    worker = _Worker(geometry.shared_worker())
    monkeypatch.setattr(geometry, "shared_worker", lambda: worker)
    worker.trouble = trouble
    # A formula of its own for each case: nothing cached by other tests.
    text = {"busy": "x^2 y + 3 y^3 - x", "too long": "x^2 y + 3 y^3 - 2 x"}[reason]
    app = open_page({"f": text, "x0": "1.25", "y0": "-0.75"})
    assert not app.exception and not app.error
    assert "undefined" not in said(app) and reason in said(app)
    plane, _ = taylor_numbers(taylor2(Function(text), 1.25, -0.75))
    tex = all_latex(app)
    assert rf"(x, y) \approx {plane}" in tex
    assert not exact_plane_shown(tex)  # no exact line, not even in the expander

    worker.trouble = None
    rerun(app)
    if reason == "busy":  # asked again: the exact L and Q, now that the worker answers
        assert "busy" not in said(app) and exact_plane_shown(all_latex(app))
    else:  # the worker's time limit is kept like any answer about the formula
        assert "too long" in said(app) and not exact_plane_shown(all_latex(app))
