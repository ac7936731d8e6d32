"""A parameter sweep (issue 13): what the server sends the browser for it, and what it accepts back.

The browser plays a parameter with core's compiled body (bind=False: the parameters are
arguments); the control gets core's parameter name and numbers only; the value the browser sends
when the sweep stops is untrusted and lands on the slider's stops. The module's own pieces (its
compile with parameters, its colour scale, its quantile) run in node against core and plotly.
"""

from __future__ import annotations

import dataclasses
import json
import math
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from plotly.colors import get_colorscale, sample_colorscale

from core import PARAMETER_NAMES, Function, band_index, compile_javascript
from core.javascript import check_body
from pages.explore.work import BODY_Z_ROLES, explore_figures, live_functions
from ui.shell.sweep import parse_stopped, snap_to_slider, sweep_data
from ui.shell.view import DEFAULT

from .test_live_chart import MODULE, _node, run_node

SLIDER = (-5.0, 5.0, 0.1)


# --- what comes back when a sweep stops ---------------------------------------------------------


@pytest.mark.parametrize(
    "payload",
    [
        None,
        "b",
        [],
        {"value": 1.0},
        {"name": "a", "value": 1.0},  # another parameter's control
        {"name": "b", "value": "1"},
        {"name": "b", "value": True},
        {"name": "b", "value": math.nan},
        {"name": "b", "value": math.inf},
        {"name": "b"},
    ],
)
def test_a_stopped_payload_that_is_not_this_parameters_number_is_refused(payload):
    assert parse_stopped(payload, "b", SLIDER) is None


@given(
    value=st.floats(-1e300, 1e300),
    low=st.floats(-100, 100),
    width=st.floats(0.5, 50),
    stops=st.integers(1, 1000),
)
def test_the_stopped_value_is_on_the_sliders_stops_inside_its_range(value, low, width, stops):
    step = width / stops
    high = low + width
    got = parse_stopped({"name": "b", "value": value}, "b", (low, high, step))
    assert low - 1e-9 <= got <= high + 1e-9
    clamped = min(max(value, low), high)
    assert abs(got - clamped) <= step / 2 + 1e-9 * (1 + abs(clamped))
    assert snap_to_slider(got, low, high, step) == pytest.approx(got, abs=1e-9)


def test_a_value_snaps_to_the_nearest_stop_written_as_the_step():
    assert snap_to_slider(-1.6972, -5, 5, 0.1) == -1.7
    assert snap_to_slider(0.33, -2, 2, 0.25) == 0.25
    assert snap_to_slider(9.0, -5, 5, 0.1) == 5.0
    assert str(snap_to_slider(0.30000000000000004, -5, 5, 0.1)) == "0.3"  # a tidy link


# --- what the browser gets ----------------------------------------------------------------------


def test_the_control_gets_core_names_and_numbers_only():
    data = sweep_data("lambda", 0.5, (-1, 2, 0.5))
    assert data == {
        "name": "lambda",
        "shown": "λ",
        "slider": "p_lambda",
        "value": 0.5,
        "low": -1,
        "high": 2,
        "step": 0.5,
    }
    for hostile in ("x", "__proto__", "<img src=x onerror=alert(1)>", "constructor"):
        with pytest.raises(ValueError):
            sweep_data(hostile, 1.0, SLIDER)


def test_a_parametric_body_takes_the_parameters_and_is_the_same_for_every_value():
    text = "a*x^2   +b  *y^2"  # as typed; the page gets core's code for it
    f = Function(text, parameters={"a": 1.0, "b": -1.0})
    live = live_functions(f)
    assert live["parameters"] == ["a", "b"] and live["values"] == [1.0, -1.0]
    assert live["body"] == compile_javascript(f, bind=False).body(1)
    check_body(live["body"], ("a", "b"))  # core's allowlist, parameters as names
    assert text not in json.dumps(live)
    other = live_functions(f.bind(b=0.3))
    assert other["body"] == live["body"] and other["values"] == [1.0, 0.3]
    assert "parameters" not in live_functions(Function("x^2 + y^2"))


def test_the_modules_parameter_names_are_cores():
    source = MODULE.read_text(encoding="utf-8")
    block = re.search(r"const PARAMETER_NAMES = new Set\(\[(.*?)\]\);", source, re.S).group(1)
    assert set(re.findall(r'"(\w+)"', block)) == set(PARAMETER_NAMES)


# --- the module's own pieces, in node -----------------------------------------------------------

_RUNNER = """
globalThis.window = globalThis;
const input = JSON.parse(require("fs").readFileSync(0, "utf8"));
import(input.module).then(({ internals }) => {
  const out = { values: [], refused: [], colours: [], quantiles: [] };
  const evaluate = internals.compile(input.live);
  for (const [x, y, a, b] of input.points) {
    evaluate.values[0] = a;
    evaluate.values[1] = b;
    out.values.push(evaluate(x, y));
  }
  for (const live of input.refused) out.refused.push(internals.compile(live) === null);
  for (const t of input.shares) out.colours.push(internals.scaleColour(input.scale, t));
  const sorted = input.sample.slice().sort((p, q) => p - q);
  for (const share of [0.05, 0.5, 0.95]) out.quantiles.push(internals.quantile(sorted, share));
  process.stdout.write(JSON.stringify(out));
});
"""


@settings(max_examples=1, deadline=None)
@given(seed=st.integers(0, 2**31))
def test_the_browser_evaluates_cores_numbers_at_any_value_and_paints_plotlys_colours(
    seed, tmp_path_factory
):
    _node()
    rng = np.random.default_rng(seed)
    f = Function("a x^2 + sin(b y) + exp(-a b x y)")
    live = live_functions(f)
    points = rng.uniform(-2, 2, size=(30, 4))
    refused = [
        {**live, "parameters": ["constructor", "b"]},
        {**live, "parameters": ["a", "a"]},
        {**live, "values": [1.0, None]},
        {**live, "parameters": ["x", "b"]},
    ]
    scale = get_colorscale("Viridis")
    shares = [0.0, 0.03, 0.5, 0.77, 1.0]
    sample = rng.normal(size=101).tolist()
    module = tmp_path_factory.mktemp("node") / "live_chart.mjs"
    module.write_text(MODULE.read_text(encoding="utf-8"), encoding="utf-8")
    payload = {
        "module": module.as_uri(),
        "live": live,
        "points": points.tolist(),
        "refused": refused,
        "scale": scale,
        "shares": shares,
        "sample": sample,
    }
    out = run_node(_RUNNER, json.dumps(payload))
    for (x, y, a, b), got in zip(points, out["values"], strict=True):
        bound = f.bind(a=a, b=b)
        expected = [float(bound(x, y)), *bound.gradient(x, y)]
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)
    assert out["refused"] == [True] * len(refused)
    for share, colour in zip(shares, out["colours"], strict=True):
        expected = sample_colorscale(scale, share, colortype="tuple")[0]
        np.testing.assert_allclose(colour, [255 * c for c in expected], atol=1.0)
    np.testing.assert_allclose(out["quantiles"], np.quantile(sample, [0.05, 0.5, 0.95]))


# --- a new value's base: the browser computes the surface's z (pages/explore/work.py) ------------

_BODY_Z_RUNNER = """
globalThis.window = globalThis;
const input = JSON.parse(require("fs").readFileSync(0, "utf8"));
import(input.module).then(({ internals }) => {
  const out = {};
  for (const [name, base] of Object.entries(input.bases)) {
    const figure = internals.withBodyZ(JSON.parse(base.figure), internals.compile(base.live),
      base.geometry.zClip);
    const plain = (rows) => (Array.isArray(rows) ? rows.map((row) => Array.from(row)) : null);
    out[name] = figure.data.map((t) => ({
      meta: t.meta, bodyZ: "bodyZ" in t, z: plain(t.z), customdata: plain(t.customdata),
    }));
  }
  out.bands = input.band_values.map((v) => internals.bandIndex(v, input.band_levels));
  process.stdout.write(JSON.stringify(out, (k, v) => (Number.isNaN(v) ? null : v)));
});
"""


def _as_array(rows) -> np.ndarray:
    return np.array([[np.nan if v is None else v for v in row] for row in rows], dtype=np.float64)


@pytest.mark.parametrize(
    ("formula", "spacing"),
    [
        ("x^2 y + b y^3", "auto"),  # even levels: z is f
        ("a (x^2 + y - 11)^2 + (x + y^2 - 7)^2", "quantile"),  # z is f's band index
        ("tan(a x) + y", "log"),  # poles cut by core: the browser cuts at the server's z range
        ("sqrt(a - x^2 - y^2)", "even"),  # undefined outside a disc: holes
    ],
)
def test_a_parametric_base_leaves_z_to_the_browser_which_draws_what_the_server_would(
    formula, spacing, tmp_path
):
    _node()
    f = Function(formula).bind(a=0.7, b=-1.3)
    window = {"xmin": -4.0, "xmax": 4.0, "ymin": -4.0, "ymax": 4.0}
    view = dataclasses.replace(DEFAULT, spacing=spacing, x0=0.5, y0=0.5, **window)
    # The server's grid (a pole-free formula's is the browser's whole: test_surface_in_browser.py):
    # the z the browser computes is cut at the server's z range.
    drawn = explore_figures(f, view, browser=False)
    bases = {"surface": drawn.surface_live.base, "contour": drawn.contour_live.base}
    for base in bases.values():
        for trace in json.loads(base["figure"])["data"]:  # no array of z crosses the wire
            assert trace["meta"] not in BODY_Z_ROLES or ("z" not in trace and "bodyZ" in trace)
        assert base["geometry"]["zClip"] == list(drawn.grid.z_range)
    module = tmp_path / "live_chart.mjs"
    module.write_text(MODULE.read_text(encoding="utf-8"), encoding="utf-8")
    levels = [-1.0, 0.5, 2.0, 10.0]
    band_values = [-5.0, -1.0, 0.0, 0.5, 1.25, 2.0, 9.0, 10.0, 30.0, math.nan]
    payload = {"module": module.as_uri(), "bases": bases, "band_levels": levels}
    payload["band_values"] = band_values
    out = run_node(_BODY_Z_RUNNER, json.dumps(payload, default=float).replace("NaN", "null"))
    expected_bands = band_index(np.array(band_values, dtype=np.float64), np.array(levels))
    got_bands = np.array([np.nan if v is None else v for v in out["bands"]])
    np.testing.assert_allclose(got_bands, expected_bands, rtol=1e-12, equal_nan=True)
    server = {
        "surface": [t for t in drawn.surface_parts[0] if t.get("meta") == "surface"],
        "contour": [t for t in drawn.contour_parts[0] if t.get("meta") == "contour"],
    }
    for name, traces in server.items():
        (expected,) = traces
        (got,) = [t for t in out[name] if t["meta"] == expected["meta"]]
        assert not got["bodyZ"]
        z = _as_array(got["z"])
        want = np.asarray(expected["z"], dtype=np.float64)
        holes = np.isnan(want) != np.isnan(z)
        assert holes.mean() <= 0.001, f"{name}: {holes.sum()} cells differ in being undefined"
        both = ~np.isnan(want) & ~np.isnan(z)
        np.testing.assert_allclose(z[both], want[both], rtol=2e-6, atol=2e-6 * np.ptp(want[both]))
        if "customdata" in expected:
            data = _as_array(got["customdata"])
            want = np.asarray(expected["customdata"], dtype=np.float64)
            both = ~np.isnan(want) & ~np.isnan(data)
            np.testing.assert_allclose(data[both], want[both], rtol=2e-6, atol=1e-6)
    (level,) = [t for t in out["contour"] if t["meta"] == "level curve"]
    assert level["z"] is not None and not level["bodyZ"]


def test_a_formula_without_parameters_still_sends_its_z():
    drawn = explore_figures(Function("x^2 y + y^3"), DEFAULT)
    assert "bdata" in drawn.surface_live.base["figure"]
    assert "bodyZ" not in drawn.contour_live.base["figure"]
    assert drawn.contour_live.base["geometry"]["zClip"] is None


# --- a sweep's map: the page's level spacing, every frame ----------------------------------------

_LEVELS_RUNNER = """
globalThis.window = globalThis;
const input = JSON.parse(require("fs").readFileSync(0, "utf8"));
import(input.module).then(({ internals }) => {
  const out = input.cases.map(({ z, low, high, count, spacing }) => {
    const placed = internals.frameLevels(Float64Array.from(z), low, high, count, spacing);
    const band = (v) => internals.bandAmong(v, placed.levels);
    const bands = placed.levels ? input.probes.map(band) : null;
    return { kind: placed.kind, levels: placed.levels, bands };
  });
  process.stdout.write(JSON.stringify(out));
});
"""


@settings(max_examples=1, deadline=None)
@given(seed=st.integers(0, 2**31))
def test_a_sweeps_map_places_its_levels_as_the_page_does(seed, tmp_path_factory):
    from types import SimpleNamespace

    from ui.plots.contour import shown_levels

    _node()
    rng = np.random.default_rng(seed)
    samples = {
        "skewed": rng.lognormal(0.0, 1.5, 2500),  # Himmelblau-like: most values low
        "even": rng.uniform(-3.0, 5.0, 2500),
        "negative": -rng.exponential(2.0, 2500) + 10.0,
    }
    cases, expected = [], []
    for values in samples.values():
        for spacing in ("quantile", "log", "auto", "even"):
            for count in (5, 16):
                low, high = float(values.min()), float(values.max())
                grid = SimpleNamespace(z=values.reshape(50, 50), z_range=(low, high))
                levels, kind = shown_levels(grid, count, spacing)
                cases.append(
                    {"z": values.tolist(), "low": low, "high": high, "count": count}
                    | {"spacing": spacing}
                )
                expected.append((kind, levels))
    probes = np.linspace(-12.0, 60.0, 301)
    module = tmp_path_factory.mktemp("node") / "live_chart.mjs"
    module.write_text(MODULE.read_text(encoding="utf-8"), encoding="utf-8")
    payload = {"module": module.as_uri(), "cases": cases, "probes": probes.tolist()}
    answer = run_node(_LEVELS_RUNNER, json.dumps(payload))
    for got, (kind, levels) in zip(answer, expected, strict=True):
        assert got["kind"] == kind
        if kind == "even":
            assert got["levels"] is None  # even bands over the frame's range, as before
            continue
        # Rounded to two significant digits as the server does (ties may round the other way).
        assert len(got["levels"]) == len(levels)
        np.testing.assert_allclose(got["levels"], levels, rtol=0.051)
        assert np.mean(np.isclose(got["levels"], levels, rtol=1e-12, atol=0)) >= 0.9
        np.testing.assert_array_equal(got["bands"], np.searchsorted(got["levels"], probes, "right"))
