"""A parameter sweep (issue 13): what the server sends the browser for it, and what it accepts back.

The browser plays a parameter with core's compiled body (bind=False: the parameters are
arguments); the control gets core's parameter name and numbers only; the value the browser sends
when the sweep stops is untrusted and lands on the slider's stops. The module's own pieces (its
compile with parameters, its colour scale, its quantile) run in node against core and plotly.
"""

from __future__ import annotations

import json
import math
import re
import subprocess

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from plotly.colors import get_colorscale, sample_colorscale

from core import PARAMETER_NAMES, Function, compile_javascript
from core.javascript import check_body
from pages.explore.work import live_functions
from ui.shell.sweep import parse_stopped, snap_to_slider, sweep_data

from .test_live_chart import MODULE, NODE, _node

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
    assert data == {"name": "lambda", "shown": "λ", "value": 0.5, "low": -1, "high": 2, "step": 0.5}
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
    answer = subprocess.run(
        [str(NODE), "-e", _RUNNER],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    out = json.loads(answer.stdout)
    for (x, y, a, b), got in zip(points, out["values"], strict=True):
        bound = f.bind(a=a, b=b)
        expected = [float(bound(x, y)), *bound.gradient(x, y)]
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)
    assert out["refused"] == [True] * len(refused)
    for share, colour in zip(shares, out["colours"], strict=True):
        expected = sample_colorscale(scale, share, colortype="tuple")[0]
        np.testing.assert_allclose(colour, [255 * c for c in expected], atol=1.0)
    np.testing.assert_allclose(out["quantiles"], np.quantile(sample, [0.05, 0.5, 0.95]))
