"""A pole-free parametric formula's surface is drawn whole by the browser (pages/explore/work.py,
surface_in_browser): the server evaluates no grid, for a new value or a moved point. What the
browser draws (ui/shell/live_chart.js: withBodyZ, drawnWhole, serverTraces, levelInside,
withNotes, run in node) is compared with what the server draws for the same view when it
evaluates the grid itself (explore_figures(..., browser=False)), at random parameter values."""

from __future__ import annotations

import dataclasses
import json
import math

import numpy as np
import pytest

from core import Function
from pages.explore.work import Z_BOUND_ROLES, explore_figures, surface_in_browser
from tests.ui.shell.test_live_chart import MODULE, _node, _same_traces, decoded, run_node
from ui.shell.view import DEFAULT

# Mounts each base as mountBase does (withBodyZ, then drawnWhole), applies the server's point as
# applyServerPoint does, and prints what the chart draws.
_RUNNER = """
globalThis.window = globalThis;
const input = JSON.parse(require("fs").readFileSync(0, "utf8"));
const plain = (v) => (ArrayBuffer.isView(v) ? Array.from(v) : Array.isArray(v) ? v.map(plain) : v);
import(input.module).then(({ internals }) => {
  const out = {};
  for (const [name, chart] of Object.entries(input.charts)) {
    const state = internals.chartState(name);
    const evaluate = internals.compile(chart.base.live);
    const g = chart.base.geometry;
    const figure = internals.withBodyZ(JSON.parse(chart.base.figure), evaluate, g.zClip, g);
    const whole = internals.drawnWhole(figure, chart.base);
    state.base = Object.assign({}, chart.base, { geometry: whole });
    state.figure = figure;
    state.evaluate = evaluate;
    state.point = Object.assign({}, chart.point, { traces: JSON.parse(chart.point.traces) });
    out[name] = {
      geometry: state.base.geometry,
      data: figure.data.map(
        (t) => Object.fromEntries(Object.entries(t).map(([k, v]) => [k, plain(v)])),
      ),
      layout: figure.layout,
      moving: internals.serverTraces(state),
      level: internals.levelInside(state, state.point.level),
      parts: internals.withNotes(state, state.point.layout),
    };
  }
  process.stdout.write(JSON.stringify(out, (k, v) => (Number.isNaN(v) ? null : v)));
});
"""

FORMULAS = [
    "a x^2 + b y^2",
    "x^2 y + b y^3",
    "a (x^2 + y - 11)^2 + (x + y^2 - 7)^2",  # Himmelblau: skewed, auto picks quantile levels
    "sqrt(a - x^2 - y^2)",  # holes outside a disc; none at all for a < 0
    "sin(a x) cos(b y) + a y",
]
SPACINGS = ["auto", "even", "quantile", "log"]


def _cases(seed: int = 13, count: int = 10):
    rng = np.random.default_rng(seed)
    for n in range(count):
        values = {"a": float(rng.uniform(-3, 4)), "b": float(rng.uniform(-3, 3))}
        if n == 0:
            values["a"] = -1.0  # sqrt(a - x^2 - y^2) undefined everywhere
        spacing = SPACINGS[n % len(SPACINGS)]
        point = (float(rng.uniform(-2.5, 2.5)), float(rng.uniform(-2.5, 2.5)))
        yield FORMULAS[n % len(FORMULAS)], values, spacing, point


def _array(value) -> np.ndarray:
    if isinstance(value, dict):
        return decoded(value).astype(np.float64)
    if isinstance(value, np.ndarray):
        return value.astype(np.float64)
    return np.array(
        [[np.nan if v is None else v for v in row] for row in value]
        if value and isinstance(value[0], list)
        else [np.nan if v is None else v for v in value],
        dtype=np.float64,
    )


def _close(got, want, scale: float, what: str) -> None:
    got, want = _array(got), _array(want)
    assert got.shape == want.shape, what
    holes = np.isnan(got) != np.isnan(want)
    assert holes.mean() <= 0.002, f"{what}: {holes.sum()} cells differ in being undefined"
    both = ~np.isnan(got) & ~np.isnan(want)
    np.testing.assert_allclose(got[both], want[both], rtol=2e-6, atol=2e-6 * scale, err_msg=what)


def _traces(figure) -> dict[str, dict]:
    return {t["meta"]: t for t in figure.data}


@pytest.mark.parametrize(("formula", "values", "spacing", "point"), list(_cases()))
def test_the_browser_draws_the_surface_and_map_the_server_would(
    formula, values, spacing, point, tmp_path
):
    _node()
    f = Function(formula).bind({name: values[name] for name in Function(formula).parameters})
    view = dataclasses.replace(DEFAULT, f=formula, spacing=spacing, x0=point[0], y0=point[1])
    drawn = explore_figures(f, view)
    server = explore_figures(f, view, browser=False)  # the grid evaluated by core
    assert surface_in_browser(f, view, frozenset(), drawn.surface_live.base["live"])
    assert drawn.grid is None and server.grid is not None
    for live in (drawn.surface_live, drawn.contour_live):  # no grid's z crosses the wire
        assert live.base["geometry"]["browserGrid"]
        for trace in json.loads(live.base["figure"])["data"]:
            assert "z" not in trace and "bodyZ" in trace, trace["meta"]
    for trace in json.loads(drawn.surface_live.point["traces"]):  # the range bounds these
        assert ("x" in trace) == (trace["meta"] not in Z_BOUND_ROLES), trace["meta"]
    module = tmp_path / "live_chart.mjs"
    module.write_text(MODULE.read_text(encoding="utf-8"), encoding="utf-8")
    charts = {
        name: {"base": live.base, "point": live.point}
        for name, live in (("surface", drawn.surface_live), ("contour", drawn.contour_live))
    }
    payload = json.dumps({"module": module.as_uri(), "charts": charts}, default=float)
    out = run_node(_RUNNER, payload.replace("NaN", "null"))

    grid = server.grid
    z_range = grid.z_range
    scale = 1.0 if z_range is None else 1.0 + max(abs(z_range[0]), abs(z_range[1]))
    for name in ("surface", "contour"):
        geometry = out[name]["geometry"]
        if z_range is None:
            assert geometry["zRange"] is None
        else:
            # the browser's x and y are the chart's float32 axes, core's float64
            np.testing.assert_allclose(geometry["zRange"], z_range, rtol=1e-6, atol=2e-6 * scale)
    # The 3D chart: f on the grid, its colours' range, the z axis, and the point's traces.
    theirs = _traces(server.surface)
    (surface,) = [t for t in out["surface"]["data"] if t["meta"] == "surface"]
    _close(surface["z"], theirs["surface"].z, scale, "surface z")
    if z_range is not None:
        np.testing.assert_allclose(
            [surface["cmin"], surface["cmax"]], z_range, rtol=1e-6, atol=2e-6 * scale
        )
    zlim = server.surface.layout.scene.zaxis.range
    for got in (
        out["surface"]["layout"]["scene"]["zaxis"]["range"],
        out["surface"]["geometry"]["zlim"],
    ):
        np.testing.assert_allclose(got, zlim, rtol=1e-6, atol=2e-6 * scale)
    reference = json.loads(server.surface_live.point["traces"])
    _same_traces(out["surface"]["moving"], reference, "surface")
    mine = {t["meta"]: t for t in out["surface"]["moving"]}
    for trace in reference:  # the meshes' triangles too (a plane without them is not drawn)
        for key in ("i", "j", "k"):
            if key in trace:
                got, want = decoded(mine[trace["meta"]][key]), decoded(trace[key])
                assert np.array_equal(got, want), (trace["meta"], key)
    # The map: f or its band index over the same levels, their range, labels on their curves.
    theirs = _traces(server.contour)
    mine = {t["meta"]: t for t in out["contour"]["data"]}
    contour, expected = mine["contour"], theirs["contour"]
    banded = expected.customdata is not None
    assert ("customdata" in contour) == banded
    _close(contour["z"], expected.z, scale, "contour z")
    if z_range is not None:
        for key in ("zmin", "zmax"):
            assert contour[key] == pytest.approx(expected[key], rel=1e-6, abs=1e-9), key
    if banded:
        _close(contour["customdata"], expected.customdata, scale, "contour customdata")
        assert contour["contours"]["end"] == expected.contours.end
        labels, want = mine["contour labels"], theirs["contour labels"]
        assert labels["text"] == list(want.text)
        levels = out["contour"]["geometry"]["shownLevels"]
        f_at = f(np.array(labels["x"]), np.array(labels["y"]))
        span = z_range[1] - z_range[0]
        for value, level, text in zip(f_at, levels, labels["text"], strict=True):
            assert abs(value - level) <= 0.05 * span, (text, value)  # each on its own curve
    else:
        assert "contour labels" not in mine
    assert out["contour"]["level"] == server.contour_live.point["level"] or (
        out["contour"]["level"] == pytest.approx(server.contour_live.point["level"], rel=1e-12)
    )
    # Notes: "undefined everywhere" on both charts, the holes' share on the map (the page's
    # caption when the server draws the grid).
    for name, live in (("surface", server.surface_live), ("contour", server.contour_live)):
        want = [note["text"] for note in live.point["layout"].get("annotations", [])]
        got = [note["text"] for note in out[name]["parts"].get("annotations", [])]
        if name == "contour" and z_range is not None and grid.undefined_share > 0.005:
            share = f"f is undefined on {grid.undefined_share:.0%} of this window (the holes)."
            want = ["<br>".join([share, *want])]
        assert got == want, name
        if name == "contour":
            lines = want[0].count("<br>") + 1 if want else 0
            margin = out[name]["parts"]["margin"]["b"]
            assert margin == (60 + 22 * lines if lines else 50)


def test_a_new_value_and_a_moved_point_evaluate_no_grid(monkeypatch):
    """The server's work for such a formula: no grid (neither core's nor the cache's)."""
    import pages.explore.work as work

    def refuse(*args, **kwargs):
        raise AssertionError("a grid was evaluated")

    monkeypatch.setattr(work, "grid_for", refuse)
    monkeypatch.setattr(work, "evaluate_grid", refuse)
    f = Function("a x^2 + b y^2")
    for b in (-0.5, 0.3):
        work.explore_figures(f.bind(b=b), dataclasses.replace(DEFAULT, f=f.text))
    work.explore_figures(f, dataclasses.replace(DEFAULT, f=f.text, x0=1.2, y0=-0.7))


@pytest.mark.parametrize(
    ("formula", "change"),
    [
        ("1/(x - a) + y", {}),  # a pole: core cuts it, the server keeps the grid
        ("x^2 + y^2", {}),  # no parameter: one grid per formula, cached
        ("a x^2 + b y^2", {"field": True}),  # the field's arrows come from the grid's partials
    ],
)
def test_other_formulas_and_views_keep_the_servers_grid(formula, change):
    f = Function(formula)
    view = dataclasses.replace(DEFAULT, f=formula, **change)
    drawn = explore_figures(f, view)
    assert drawn.grid is not None
    assert "browserGrid" not in drawn.surface_live.base["geometry"]
    assert math.isfinite(drawn.surface_live.base["geometry"]["zlim"][0])


def test_a_quiz_keeps_the_servers_grid():
    f = Function("a x^2 + b y^2")
    drawn = explore_figures(f, dataclasses.replace(DEFAULT, f=f.text), frozenset({"x"}))
    assert drawn.grid is not None
    assert "browserGrid" not in drawn.contour_live.base["geometry"]


def test_the_exports_still_carry_the_surface_evaluated_when_pressed():
    """STL and HTML have every number: page.py evaluates the grid when a button is pressed."""
    from pages.explore.exports import html_file, stl_file
    from pages.explore.work import server_grid

    f = Function("a x^2 + b y^2").bind(b=-0.5)
    view = dataclasses.replace(DEFAULT, f=f.text)
    whole = explore_figures(f, view, browser=False)
    assert stl_file(server_grid(f, view)) == stl_file(whole.grid)
    (surface,) = [t for t in whole.surface.data if t.meta == "surface"]
    np.testing.assert_array_equal(surface.z, whole.grid.z)
    assert len(html_file(f, view, whole)) > 1_000_000  # plotly.js and both charts, offline
    assert explore_figures(f, view).grid is None  # what the page itself draws: no grid
