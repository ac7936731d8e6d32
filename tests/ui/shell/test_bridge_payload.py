"""ui.shell.bridge's payload checks: what the browser sends is untrusted, so only sane values
pass."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from ui.shell.bridge import ChartClick, parse_camera, parse_click

CHARTS = ("surface_chart", "contour_chart")
CAMERA = {
    "up": {"x": 0, "y": 0, "z": 1},
    "center": {"x": 0, "y": 0, "z": 0},
    "eye": {"x": 1.25, "y": -1.5, "z": 0.5},
    "projection": {"type": "perspective"},
}
HARNESS = str(Path(__file__).resolve().parents[2] / "e2e" / "bridge_harness.py")

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=20,
)


def test_a_valid_click_comes_back_as_floats_with_its_cameras():
    payload = {"chart": "contour_chart", "x": 1, "y": -0.25, "cameras": {"surface_chart": CAMERA}}
    click, cameras = parse_click(payload, CHARTS)
    assert click == ChartClick("contour_chart", 1.0, -0.25)
    assert isinstance(click.x, float)
    assert cameras == {"surface_chart": parse_camera(CAMERA)}


@pytest.mark.parametrize(
    "payload",
    [
        None,
        "surface_chart",
        [],
        {"chart": "elsewhere", "x": 1, "y": 2},
        {"chart": "surface_chart", "x": "1", "y": 2},
        {"chart": "surface_chart", "x": True, "y": 2},
        {"chart": "surface_chart", "x": math.nan, "y": 2},
        {"chart": "surface_chart", "x": 1, "y": math.inf},
        {"chart": "surface_chart", "x": 1},
        {"chart": ["surface_chart"], "x": 1, "y": 2},
        {"chart": "surface_chart", "x": [1], "y": 2},
    ],
)
def test_an_invalid_click_is_dropped(payload):
    click, _ = parse_click(payload, CHARTS)
    assert click is None


def test_cameras_survive_a_click_that_is_dropped_and_only_for_known_charts():
    payload = {"chart": "nope", "cameras": {"surface_chart": CAMERA, "other": CAMERA}}
    click, cameras = parse_click(payload, CHARTS)
    assert click is None
    assert list(cameras) == ["surface_chart"]


def test_a_valid_camera_is_rebuilt_from_floats():
    camera = parse_camera({**CAMERA, "extra": "<script>", "eye": {**CAMERA["eye"], "w": 1}})
    assert camera == {
        "up": {"x": 0.0, "y": 0.0, "z": 1.0},
        "center": {"x": 0.0, "y": 0.0, "z": 0.0},
        "eye": {"x": 1.25, "y": -1.5, "z": 0.5},
        "projection": {"type": "perspective"},
    }


@pytest.mark.parametrize(
    "change",
    [
        {"eye": None},
        {"eye": {"x": 1, "y": 1}},
        {"eye": {"x": 1, "y": 1, "z": "1"}},
        {"eye": {"x": 1, "y": 1, "z": math.nan}},
        {"eye": {"x": 0, "y": 0, "z": 0}},
        {"up": {"x": 0, "y": 0, "z": 0}},
        {"center": {"x": 1e300, "y": 0, "z": 0}},
        {"up": [0, 0, 1]},
    ],
)
def test_an_odd_camera_is_none(change):
    assert parse_camera({**CAMERA, **change}) is None


def test_an_unknown_projection_is_left_out():
    camera = parse_camera({**CAMERA, "projection": {"type": "fisheye"}})
    assert camera is not None
    assert "projection" not in camera


@given(json_values)
def test_any_json_is_either_a_sane_click_or_nothing(payload):
    click, cameras = parse_click(payload, CHARTS)
    if click is not None:
        assert click.chart in CHARTS
        assert math.isfinite(click.x)
        assert math.isfinite(click.y)
    assert set(cameras) <= set(CHARTS)


@given(json_values)
def test_any_json_is_either_a_sane_camera_or_none(payload):
    camera = parse_camera(payload)
    if camera is not None:
        for part in ("up", "center", "eye"):
            assert all(math.isfinite(camera[part][axis]) for axis in "xyz")


def test_the_harness_mounts_the_bridge_without_error():
    # AppTest cannot click (v2 components are inert there), but the mount itself must be sound.
    app = AppTest.from_file(HARNESS, default_timeout=30).run()
    assert not app.exception
    assert any("point: 1.0000, 0.5000" in md.value for md in app.markdown)
