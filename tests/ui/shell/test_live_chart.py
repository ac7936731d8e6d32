"""ui.shell.live_chart: what the server hands the live charts (the browser's payload parsed, the
shared grid, a figure split into its base and its moving part, the compacted module), and the
module's own moving traces run in node against the server's traces for the same point.

Outside CI a missing node skips the node tests; in CI (CI=true) it fails them.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import math
import os
import subprocess
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import pages.second_order.work as second_order_work
from core import Function
from pages.second_order.figures_direction import direction_contour_figure
from pages.second_order.settings import Settings
from pages.second_order.work import DRAWN_IN_BROWSER, MOVING, second_order
from ui.shell.live_chart import (
    compact_javascript,
    packed,
    parse_moved,
    plotly_json,
    shared_grid,
    split_figure,
    unpacked,
)
from ui.shell.view import DEFAULT

NODE = Path("/usr/bin/node")


def run_node(script: str, text: str):
    """`script` run by node with `text` on its standard input; its standard output, parsed."""
    answer = subprocess.run(
        [str(NODE), "-e", script],
        input=text,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(answer.stdout)


MODULE = Path(__file__).resolve().parents[3] / "ui" / "shell" / "live_chart.js"
WINDOW = ((-3.0, 3.0), (-2.0, 2.0))


def decoded(value) -> np.ndarray:
    """A trace array as numpy: plotly's base64 typed array, or a (nested) list with nulls."""
    if isinstance(value, dict) and "bdata" in value:
        array = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
        shape = value.get("shape")
        if shape:
            array = array.reshape([int(n) for n in str(shape).split(",")])
        return array.astype(np.float64)
    return np.array(value, dtype=np.float64)  # None -> nan


# --- the browser's payload ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "payload",
    [None, "x", [], {"x": 1}, {"x": "1", "y": 2}, {"x": True, "y": 1}, {"x": math.nan, "y": 0}],
)
def test_a_payload_that_is_not_a_point_is_refused(payload):
    assert parse_moved(payload, *WINDOW) is None


@given(x=st.floats(allow_nan=False, allow_infinity=False), y=st.floats(-1e300, 1e300))
def test_a_point_is_kept_inside_the_window(x, y):
    moved = parse_moved({"x": x, "y": y, "frames": 3}, *WINDOW)
    assert -3 <= moved.x <= 3 and -2 <= moved.y <= 2 and moved.frames == 3
    if -3 <= x <= 3:
        assert moved.x == x


def test_a_strange_frame_count_is_zero():
    assert parse_moved({"x": 0, "y": 0, "frames": -5}, *WINDOW).frames == 0
    assert parse_moved({"x": 0, "y": 0, "frames": "9"}, *WINDOW).frames == 0


# --- the shared grid ----------------------------------------------------------------------------


def test_the_shared_grid_carries_float32_arrays_named_by_their_numbers():
    x, y = np.linspace(-1, 1, 5), np.linspace(0, 2, 3)
    z = np.add.outer(y, x)
    z[1, 2] = np.nan
    part = shared_grid(x, y, z)
    np.testing.assert_array_equal(decoded(part["x"]), x.astype(np.float32))
    assert part["z"]["dtype"] == "f4" and decoded(part["z"]).shape == (3, 5)
    np.testing.assert_array_equal(decoded(part["z"]), z.astype(np.float32))  # NaN stays NaN
    assert shared_grid(x, y, z)["id"] == part["id"]
    changed = z.copy()
    changed[0, 0] += 1
    assert shared_grid(x, y, changed)["id"] != part["id"]
    assert shared_grid(x, y, z.reshape(5, 3))["id"] != part["id"]  # same bytes, other shape
    json.dumps(part)  # plain JSON for the component's data


# --- a figure split into its base and its moving part -------------------------------------------


@pytest.fixture(scope="module")
def drawn():
    from ui.shell.cache import function_for

    view = dataclasses.replace(DEFAULT, x0=1.25, y0=-0.5)
    return view, second_order(function_for("x^2 y + y^3"), view, Settings(angle=30, radius=0.5))


def test_the_base_holds_what_the_grid_decides_and_takes_its_arrays_from_the_shared_grid(drawn):
    _, result = drawn
    for name, live in result.live.items():
        base = json.loads(live.base["figure"])
        roles = [trace["meta"] for trace in base["data"]]
        moving = [trace["meta"] for trace in json.loads(live.point["traces"])]
        assert "point" in moving and "point" not in roles, name
        assert live.base["grid"] == result.grid_part["id"]
        assert list(live.base["moving"]) == list(MOVING[name])
        for trace in base["data"]:
            if trace["meta"] in ("surface", "contour", "level curve"):
                assert trace["grid"] is True and not {"x", "y", "z"} & set(trace), name
        if name.endswith("contour"):
            # One hidden level curve right after the contours, drawn at the point's level.
            assert roles[:2] == ["contour", "level curve"]
            assert base["data"][1]["visible"] is False
            assert live.point["level"] == pytest.approx(result.point.value)
        if name.startswith("critical"):
            assert any(role.startswith("critical ") for role in roles)


def test_a_point_change_leaves_every_base_as_it_was(drawn):
    from ui.shell.cache import function_for

    view, result = drawn
    moved = dataclasses.replace(view, x0=-2.0, y0=1.5)
    other = second_order(function_for("x^2 y + y^3"), moved, Settings(angle=200, radius=2.0))
    assert other.grid_part == result.grid_part
    for name, live in result.live.items():
        assert other.live[name].base == live.base, name
        assert other.live[name].point != live.point, name


def test_split_figure_places_extra_traces_after_the_grid_and_drops_the_level_curve(drawn):
    _, result = drawn
    figure = direction_contour_figure(result.grid, result.point, result.piece)
    base_json, moving_json, layout = split_figure(
        figure, {"direction"}, grid_roles={"contour"}, base_extra=({"meta": "extra"},)
    )
    roles = [trace["meta"] for trace in json.loads(base_json)["data"]]
    assert roles == ["contour", "extra", "direction"]
    moving = [trace["meta"] for trace in json.loads(moving_json)]
    assert "level curve" not in moving and "direction" not in moving and "point" in moving
    assert set(layout) <= {"annotations", "margin"}


def test_the_compacted_module_keeps_the_code_and_drops_comment_lines():
    source = MODULE.read_text(encoding="utf-8")
    compact = compact_javascript(source)
    assert len(compact) < 0.85 * len(source)
    kept = [line.strip() for line in source.splitlines()]
    code = [line for line in kept if line and not line.startswith("//")]
    assert compact.splitlines() == code


# --- the browser's moving traces against the server's -------------------------------------------


def _node() -> None:
    if not NODE.exists():
        if os.environ.get("CI") == "true":
            pytest.fail("node is missing: CI must have it (apt-get install -y nodejs)")
        pytest.skip("node is missing")


# Imports the module (a copy named .mjs, as node wants for an ES module) with a bare `window`,
# builds each chart's state as mountBase and applyServerPoint do, and prints the moving traces
# the browser computes at the given point.
_RUNNER = """
globalThis.window = globalThis;
const input = JSON.parse(require("fs").readFileSync(0, "utf8"));
import(input.module).then(({ internals }) => {
  const out = {};
  for (const [name, chart] of Object.entries(input.charts)) {
    const state = internals.chartState(name);
    state.base = chart.base;
    state.point = Object.assign({}, chart.point, { traces: JSON.parse(chart.point.traces) });
    state.templates = new Map(state.point.traces.map((t) => [t.meta, t]));
    state.evaluate = internals.compile(chart.base.live);
    const build = chart.base.kind === "3d" ? internals.previewTraces3d : internals.previewTraces2d;
    out[name] = build(state, input.x, input.y);
    // What the chart draws for the server's answer, with the traces it computes itself.
    out[name].server = internals.serverTraces(state);
  }
  process.stdout.write(JSON.stringify(out));
});
"""


def _in_node(result, x: float, y: float, tmp_path: Path) -> dict:
    module = tmp_path / "live_chart.mjs"
    module.write_text(MODULE.read_text(encoding="utf-8"), encoding="utf-8")
    charts = {name: {"base": live.base, "point": live.point} for name, live in result.live.items()}
    payload = {"module": module.as_uri(), "charts": charts, "x": x, "y": y}
    return run_node(_RUNNER, json.dumps(payload))


SAME_AS_SERVER = [
    ("x^2 y + y^3", 1.25, -0.5, 30, 0.5),
    ("sin(x) cos(y)", -1.0, 0.75, 135, 1.0),
    ("(x^2+y-11)^2 + (x+y^2-7)^2", 0.5, 0.5, 290, 2.0),
    ("x^2 - y^2", 2.9, 0.0, 0, 0.2),  # the patch cut by the window's edge
]


def _same_traces(ours: list[dict], server: list[dict], name: str) -> None:
    """The browser's traces are the server's (`server`, with every coordinate), to float32."""
    mine = {t["meta"]: t for t in ours}
    theirs_by_role = {t["meta"]: t for t in server}
    # The server's traces the browser does not move (none today) would be listed here.
    assert set(mine) == set(theirs_by_role), name
    for role, trace in theirs_by_role.items():
        assert "browser" not in mine[role], f"{name}: {role}"
        for axis in ("x", "y", "z"):
            if axis not in trace:
                continue
            got = decoded(mine[role][axis])
            theirs = decoded(trace[axis])
            np.testing.assert_allclose(
                got, theirs, rtol=2e-6, atol=1e-6 * (1 + np.nanmax(np.abs(theirs))),
                err_msg=f"{name}: {role}.{axis}",
            )  # fmt: skip


@pytest.mark.parametrize(("text", "x0", "y0", "angle", "radius"), SAME_AS_SERVER)
def test_the_browser_draws_the_servers_moving_traces_at_the_servers_point(
    text, x0, y0, angle, radius, tmp_path, monkeypatch
):
    """At the point the server drew, the browser's preview is the server's picture: the same
    traces (Q and L patches, the slice along u and its tangent, the arrows, the level) to float32
    rounding, so a drag shows what the release will bring. And the server's answer, which sends
    some of them without coordinates (DRAWN_IN_BROWSER), is drawn as the whole answer was."""
    _node()
    f = Function(text)
    view = dataclasses.replace(DEFAULT, f=text, x0=x0, y0=y0)
    settings = Settings(angle=angle, radius=radius)
    result = second_order(f, view, settings)
    with monkeypatch.context() as whole:
        whole.setattr(second_order_work, "drawn_in_browser", lambda parts: parts)
        reference = second_order(f, view, settings)  # every trace with its coordinates
    browser = _in_node(result, x0, y0, tmp_path)
    for name, live in result.live.items():
        sent = json.loads(live.point["traces"])
        full = json.loads(reference.live[name].point["traces"])
        for trace in sent:  # sent without coordinates, or whole
            assert ("x" in trace) != (trace["meta"] in DRAWN_IN_BROWSER), (name, trace["meta"])
        _same_traces(browser[name]["traces"], full, name)
        _same_traces(browser[name]["server"], full, name)
        if live.base["kind"] == "2d":
            level = browser[name]["level"]
            assert (level is None) == (live.point["level"] is None)
            if level is not None:
                assert level == pytest.approx(live.point["level"], rel=1e-12)


# --- a component's data, packed: Streamlit searches no dict or list of it for dataframes --------

_SCALARS = st.none() | st.booleans() | st.integers(-(10**9), 10**9) | st.text(max_size=8)
_JSON_VALUES = st.recursive(
    _SCALARS | st.floats(allow_nan=False, allow_infinity=False),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=8,
)


@given(data=st.dictionaries(st.text(max_size=6).filter(lambda k: k != "packed"), _JSON_VALUES))
def test_packed_data_has_no_dict_or_list_at_its_top_and_unpacks_to_itself(data):
    sent = packed(data)
    assert not any(isinstance(value, dict | list | tuple) for value in sent.values())
    assert unpacked(json.loads(json.dumps(sent))) == data


_UNPACK = """
globalThis.window = globalThis;
const input = JSON.parse(require("fs").readFileSync(0, "utf8"));
import(input.module).then(({ internals }) => {
  process.stdout.write(JSON.stringify(input.sent.map((data) => internals.unpack(data))));
});
"""


def test_the_browser_unpacks_what_the_server_packed(tmp_path):
    _node()
    module = tmp_path / "live_chart.mjs"
    module.write_text(MODULE.read_text(encoding="utf-8"), encoding="utf-8")
    given_data = [
        {"chart": "c", "x": 1.5, "level": None, "layout": {"margin": {"l": 1}}, "show": {}},
        {"role": "base", "moving": ["point", "level"], "geometry": {"xlim": [-3, 3]}},
        {"role": "engine"},
    ]
    sent = [packed(data) for data in given_data]
    assert run_node(_UNPACK, json.dumps({"module": module.as_uri(), "sent": sent})) == given_data


# --- plotly_json's own typed arrays against plotly's ------------------------------------------

_DTYPES = ["float32", "float64", "int8", "int16", "int32", "int64", "uint8", "uint64", "bool"]


@st.composite
def _figures(draw):
    """Trace-like dicts holding arrays of every kind plotly encodes (and some it does not)."""
    dtype = draw(st.sampled_from(_DTYPES))
    shape = draw(st.sampled_from([(0,), (1,), (7,), (3, 4), (2, 3, 2)]))
    size = int(np.prod(shape))
    if dtype == "bool":
        values = np.array(draw(st.lists(st.booleans(), min_size=size, max_size=size)), dtype)
    elif dtype.startswith(("int", "uint")):
        info = np.iinfo(dtype)
        big = draw(st.sampled_from([127, 40_000, 3_000_000_000, int(info.max)]))
        low = max(int(info.min), -big) if info.min < 0 else 0
        ints = st.integers(low, min(big, int(info.max)))
        values = np.array(draw(st.lists(ints, min_size=size, max_size=size)), dtype)
    else:
        floats = st.floats(allow_nan=True, allow_infinity=True, width=32)
        values = np.array(draw(st.lists(floats, min_size=size, max_size=size)), dtype)
    array = values.reshape(shape)
    if array.ndim == 2 and draw(st.booleans()):
        array = array.T  # not contiguous
    return {
        "data": [{"x": array, "y": [array, 1.0], "line": {"width": 2}, "meta": "m"}],
        "layout": {"xaxis": {"range": np.array([0.0, 1.0])}, "title": "t"},
    }


@given(figure=_figures())
def test_plotly_json_encodes_arrays_as_plotly_does(figure):
    import copy

    from _plotly_utils.utils import convert_to_base64
    from plotly.io.json import to_json_plotly

    from ui.shell.live_chart import plotly_json

    theirs = copy.deepcopy(figure)
    convert_to_base64(theirs)
    before = copy.deepcopy(figure)
    ours = plotly_json(figure)
    assert json.loads(ours) == json.loads(to_json_plotly(theirs))  # NaN is null in both
    np.testing.assert_array_equal(figure["data"][0]["x"], before["data"][0]["x"])  # untouched


def test_plotly_json_leaves_slashes_alone():
    """Only JSON.parse reads it: no escaping for an HTML page's script (base64 has slashes)."""
    from ui.shell.live_chart import plotly_json

    nans = np.frombuffer(b"\xff" * 64, np.float32).reshape(4, 4)  # base64 "////..."
    text = plotly_json({"data": [{"z": nans, "name": "a </b>"}]})
    assert json.loads(text)["data"][0]["z"]["bdata"].startswith("////")
    assert "\\u002f" not in text and "\\u003c" not in text


# --- a surface with no defined value --------------------------------------------------------

_HIDE = """
globalThis.window = globalThis;
const input = JSON.parse(require("fs").readFileSync(0, "utf8"));
import(input.module).then(({ internals }) => {
  const figure = JSON.parse(input.figure);
  internals.hideUndefinedSurfaces(figure);
  process.stdout.write(JSON.stringify(figure.data.map((trace) => trace.visible === false)));
});
"""


def test_a_surface_undefined_everywhere_is_hidden_so_the_scene_still_draws(tmp_path):
    """Plotly's WebGL scene throws on a surface with no finite value (f undefined on the whole
    window) and the chart was not drawn at all; the browser hides that surface alone."""
    _node()
    module = tmp_path / "live_chart.mjs"
    module.write_text(MODULE.read_text(encoding="utf-8"), encoding="utf-8")
    undefined = np.full((4, 5), np.nan, dtype=np.float32)
    one_value = undefined.copy()
    one_value[3, 4] = 2.5
    traces = [
        {"type": "surface", "z": undefined},  # as the server sends it: base64 float32
        {"type": "surface", "z": one_value},
        {"type": "surface", "z": [[None, None], [None, None]]},  # as the browser computes it
        {"type": "surface", "z": [[None, 1.0], [None, None]]},
        {"type": "scatter3d", "z": undefined[0]},  # the point and slices: Plotly draws those
    ]
    sent = plotly_json({"data": traces})
    hidden = run_node(_HIDE, json.dumps({"module": module.as_uri(), "figure": sent}))
    assert hidden == [True, False, True, False, False]
