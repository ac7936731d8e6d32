"""pages.second_order.figures_critical: pure builders, checked on real core objects without a
server."""

from __future__ import annotations

import json
import math

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ui.plots.config as config
from core import (
    Function,
    approximation_errors,
    critical_points,
    directional_derivative,
    directional_profile,
    directional_slice,
    evaluate_grid,
    point_summary,
    tangent_plane,
    taylor2,
)
from pages.second_order.figures_critical import (
    critical_contour_figure,
    critical_contour_parts,
    critical_surface_figure,
    critical_surface_parts,
    critical_traces,
)
from pages.second_order.figures_direction import (
    direction_contour_figure,
    direction_contour_parts,
    direction_slice_figure,
    direction_slice_parts,
    direction_surface_figure,
    direction_surface_parts,
    profile_figure,
    profile_parts,
)
from pages.second_order.figures_taylor import (
    error_maps_figures,
    error_maps_parts,
    neighbourhood,
    quadratic_surface_figure,
    quadratic_surface_parts,
)
from pages.second_order.style import DIRECTION, KIND_STYLE, QUADRATIC, degrees
from ui.plots import colours as theme
from ui.plots.config import figure_bytes, new_figure
from ui.plots.contour import ARROW_2D
from ui.shell.live_chart import split_figure

SEED = "x^2 y + y^3"
HIMMELBLAU = "(x^2+y-11)^2 + (x+y^2-7)^2"
DISC = "sqrt(1 - x^2 - y^2)"


def role(fig: go.Figure, name: str) -> list:
    return [trace for trace in fig.data if trace.meta == name]


def one(fig: go.Figure, name: str):
    (trace,) = role(fig, name)
    return trace


def notes(fig: go.Figure) -> str:
    return " ".join(str(a.text) for a in fig.layout.annotations)


class Scene:
    """What the page hands the builders, from core."""

    def __init__(self, text, x0, y0, window=(-3.0, 3.0), angle=45, radius=1.0, resolution=60):
        self.f = f = Function(text)
        self.grid = evaluate_grid(f, window, window, resolution=resolution)
        self.point = point_summary(f, x0, y0)
        self.critical = critical_points(f, window, window)
        self.plane, self.quadratic = tangent_plane(f, x0, y0), taylor2(f, x0, y0)
        self.errors = approximation_errors(f, x0, y0, radius)
        self.radius = radius
        theta = math.radians(angle)
        self.angle = angle
        self.piece = directional_slice(f, x0, y0, window, window, angle=theta)
        self.slope = directional_derivative(f, x0, y0, angle=theta)
        self.angles = np.arange(0, 361, 1.0)
        self.profile = directional_profile(f, x0, y0, np.radians(self.angles))

    def figures(self) -> list[go.Figure]:
        g, p = self.grid, self.point
        return [
            critical_contour_figure(g, p, self.critical),
            critical_surface_figure(g, p, self.critical),
            quadratic_surface_figure(g, p, self.plane, self.quadratic, self.radius),
            *error_maps_figures(self.errors),
            direction_contour_figure(g, p, self.piece),
            direction_surface_figure(g, p, self.piece),
            direction_slice_figure(self.piece),
            profile_figure(p, self.angles, self.profile, self.angle, self.slope),
        ]


@pytest.fixture(scope="module")
def seed():
    return Scene(SEED, 2, 1)


@pytest.fixture(scope="module")
def himmelblau():
    return Scene(HIMMELBLAU, 0, 0, window=(-5.0, 5.0))


# --- critical points ----------------------------------------------------------------------------


def test_every_critical_point_is_marked_once_by_kind(himmelblau):
    found = himmelblau.critical
    for fig, three_d in (
        (critical_contour_figure(himmelblau.grid, himmelblau.point, found), False),
        (critical_surface_figure(himmelblau.grid, himmelblau.point, found), True),
    ):
        drawn = 0
        for kind in {p.kind for p in found}:
            trace = one(fig, f"critical {kind}")
            points = [p for p in found if p.kind == kind]
            assert trace.type == ("scatter3d" if three_d else "scatter")
            np.testing.assert_allclose(trace.x, [p.x for p in points], rtol=1e-6)
            np.testing.assert_allclose(trace.y, [p.y for p in points], rtol=1e-6)
            assert trace.marker.color == KIND_STYLE[kind][2]
            assert f"({len(points)})" in trace.name
            drawn += len(trace.x)
            if three_d:  # just above the surface, so the surface does not hide it
                lift = np.asarray(trace.z, dtype=float) - [p.value for p in points]
                assert np.all(lift > 0) and np.all(lift < 0.05 * 900)
        assert drawn == len(found) == 9
    # The textbook counts, from core: Himmelblau has 4 minima, 4 saddles and 1 maximum.
    contour = critical_contour_figure(himmelblau.grid, himmelblau.point, found)
    assert "minima (4)" in one(contour, "critical minimum").name
    assert one(contour, "critical maximum").name == "maximum (1)"
    assert contour.data[-1].meta == "point"  # the point stays on top of the markers


def test_samples_of_a_curve_of_critical_points_are_hollow():
    scene = Scene("x^2", 0.5, 0.5)
    assert scene.critical.continuum
    trace = one(
        critical_contour_figure(scene.grid, scene.point, scene.critical), "critical degenerate"
    )
    assert set(trace.marker.symbol) == {"diamond-open"}
    np.testing.assert_allclose(trace.x, 0, atol=1e-6)  # the line x = 0
    surface = critical_surface_figure(scene.grid, scene.point, scene.critical)
    assert set(one(surface, "critical degenerate").marker.symbol) == {"circle-open"}


def test_no_critical_points_and_undefined_values_draw_no_markers():
    assert critical_traces([]) == []
    scene = Scene("sqrt(-1 - x^2 - y^2)", 0, 0)
    assert not scene.critical
    for fig in scene.figures():
        assert not any(str(trace.meta).startswith("critical") for trace in fig.data)


# --- the quadratic --------------------------------------------------------------------------------


def test_the_quadratic_patch_is_q_over_the_neighbourhood(seed):
    fig = quadratic_surface_figure(seed.grid, seed.point, seed.plane, seed.quadratic, 0.5)
    patch = one(fig, "quadratic")
    x, y = np.asarray(patch.x, dtype=float), np.asarray(patch.y, dtype=float)
    assert (x[0], x[-1], y[0], y[-1]) == pytest.approx((1.5, 2.5, 0.5, 1.5))
    xx, yy = np.meshgrid(x, y)
    dx, dy = xx - 2, yy - 1
    q = 5 + 4 * dx + 7 * dy + (2 * dx**2 + 8 * dx * dy + 6 * dy**2) / 2  # by hand
    np.testing.assert_allclose(np.asarray(patch.z, dtype=float), q, rtol=1e-5)
    assert patch.colorscale[0][1] == QUADRATIC and 0 < patch.opacity < 1
    plane = one(fig, "plane patch")
    assert plane.visible == "legendonly"  # L waits for a click on its legend entry
    np.testing.assert_allclose(np.asarray(plane.z, dtype=float), 5 + 4 * dx + 7 * dy, rtol=1e-5)
    assert plane.colorscale[0][1] == theme.PLANE


def test_the_patch_is_cut_to_the_window_and_to_the_z_range():
    assert neighbourhood(2.9, 0, 0.5, (-3, 3), (-3, 3)) == ((2.4, 3), (-0.5, 0.5))
    assert neighbourhood(10, 10, 1, (-3, 3), (-3, 3)) is None
    scene = Scene("1/x", 0.3, 0.2)  # Q runs far out of the z range near the pole
    fig = quadratic_surface_figure(scene.grid, scene.point, scene.plane, scene.quadratic, 1)
    low, high = fig.layout.scene.zaxis.range
    z = np.asarray(one(fig, "quadratic").z, dtype=float)
    assert np.isnan(z).any() and np.nanmin(z) >= low - 1e-3 and np.nanmax(z) <= high + 1e-3


def test_no_patch_where_q_is_undefined_or_the_point_is_outside():
    outside = Scene(DISC, 2, 2, window=(-1.5, 1.5))
    fig = quadratic_surface_figure(outside.grid, outside.point, outside.plane, outside.quadratic, 1)
    assert not role(fig, "quadratic") and "no quadratic Q here" in notes(fig)
    far = Scene(SEED, 10, 10)
    fig = quadratic_surface_figure(far.grid, far.point, far.plane, far.quadratic, 1)
    assert not role(fig, "quadratic") and "outside the window" in notes(fig)


# --- |f - L| and |f - Q| --------------------------------------------------------------------------


def test_error_maps_share_one_log_scale_and_show_core_errors(seed):
    left, right = error_maps_figures(seed.errors)
    linear, quadratic = one(left, "error linear"), one(right, "error quadratic")
    assert not role(left, "error quadratic") and not role(right, "error linear")
    assert linear.coloraxis == quadratic.coloraxis == "coloraxis"
    # One scale: the same range on both charts, its bar drawn once, beside |f - Q|.
    assert left.layout.coloraxis.cmin == right.layout.coloraxis.cmin
    assert left.layout.coloraxis.cmax == right.layout.coloraxis.cmax
    assert left.layout.coloraxis.showscale is False and right.layout.coloraxis.showscale
    assert "|f − L|" in notes(left) and "|f − Q|" in notes(right)
    axis = right.layout.coloraxis
    low, high = axis.cmin, axis.cmax
    assert high == pytest.approx(math.log10(np.nanmax(seed.errors.linear)), abs=1e-6)
    for trace, errors in ((linear, seed.errors.linear), (quadratic, seed.errors.quadratic)):
        z = np.asarray(trace.z, dtype=float)
        above = errors > 10**low
        np.testing.assert_allclose(z[above], np.log10(errors[above]), rtol=1e-5)
        assert np.all(z[~above] == pytest.approx(low, abs=1e-5))  # the point itself: error 0
    assert axis.colorbar.ticktext[-1] == "10¹" and "1" in axis.colorbar.ticktext
    assert axis.colorscale[0][1] != "#000004"  # Streamlit reads #00000N as its own palette
    # Near the point |f - Q| is smaller than |f - L|: at the ring d = 0.125 around it.
    x, y = np.meshgrid(seed.errors.x, seed.errors.y)
    ring = np.abs(np.hypot(x - 2, y - 1) - 0.125) < 0.02
    assert np.median(np.asarray(quadratic.z)[ring]) < np.median(np.asarray(linear.z)[ring]) - 1


def test_error_maps_say_when_an_approximation_is_exact_or_undefined():
    plane, bowl = error_maps_figures(approximation_errors(Function("x^2 + y^2"), 1, 1, 1))
    assert "zero up to rounding: Q = f" in notes(bowl)
    assert "zero up to rounding" not in notes(plane) and role(plane, "error linear")
    for undefined in error_maps_figures(approximation_errors(Function(DISC), 2, 2, 1)):
        assert not role(undefined, "error linear") and not role(undefined, "error quadratic")
        assert "undefined" in notes(undefined)


def test_the_error_maps_send_each_sample_once():
    """Two charts, not one: each map's samples go in its own chart only, and the even grid goes
    as a start and a step (the one chart with both maps sent its coordinates as arrays)."""
    errors = approximation_errors(Function(SEED), 2, 1, 1.0, n=81)
    left, right = error_maps_parts(errors, step=2)
    (linear,) = [t for t in left[0] if t.get("meta") == "error linear"]
    (quadratic,) = [t for t in right[0] if t.get("meta") == "error quadratic"]
    assert linear["z"].shape == quadratic["z"].shape == (41, 41)
    for trace in (linear, quadratic):
        assert "x" not in trace and "y" not in trace
        drawn_x = trace["x0"] + trace["dx"] * np.arange(41)
        drawn_y = trace["y0"] + trace["dy"] * np.arange(41)
        np.testing.assert_allclose(drawn_x, errors.x[::2], rtol=1e-12)
        np.testing.assert_allclose(drawn_y, errors.y[::2], rtol=1e-12)
    maps = [t for parts in (left, right) for t in parts[0] if t["type"] == "heatmap"]
    assert len(maps) == 2
    sent = sum(figure_bytes(config.prepared_parts(*parts)) for parts in (left, right))
    one_sample = 4 * 4 / 3  # a float32 in base64
    assert sent < 2 * 41 * 41 * one_sample + 12_000


# --- the direction u ------------------------------------------------------------------------------


@settings(max_examples=25, deadline=None)
@given(angle=st.integers(0, 359), x0=st.floats(-2.5, 2.5), y0=st.floats(-2.5, 2.5))
def test_the_unit_vector_points_along_u_at_the_gradient_arrows_length(angle, x0, y0):
    f = Function(SEED)
    grid = evaluate_grid(f, (-3, 3), (-3, 3), resolution=20)
    point = point_summary(f, x0, y0)
    piece = directional_slice(f, x0, y0, (-3, 3), (-3, 3), angle=math.radians(angle))
    fig = direction_contour_figure(grid, point, piece)
    arrow = one(fig, "direction")
    step = np.array([arrow.x[1] - arrow.x[0], arrow.y[1] - arrow.y[0]], dtype=float)
    assert np.linalg.norm(step) == pytest.approx(ARROW_2D * 6, rel=1e-5)
    expected = [math.cos(math.radians(angle)), math.sin(math.radians(angle))]
    np.testing.assert_allclose(step / np.linalg.norm(step), expected, atol=1e-5)
    assert arrow.line.color == DIRECTION
    assert f"θ = {angle}°" in arrow.name
    line = one(fig, "direction line")  # the chord through the point, edge to edge
    np.testing.assert_allclose(line.x, piece.x[[0, -1]], rtol=1e-5, atol=1e-5)
    assert fig.data[-1].meta == "point"


def test_the_slice_along_u_on_the_surface_and_its_tangent(seed):
    fig = direction_surface_figure(seed.grid, seed.point, seed.piece)
    curve, tangent = one(fig, "slice u"), one(fig, "tangent u")
    np.testing.assert_allclose(curve.x, seed.piece.x, rtol=1e-5)
    x, y, z = (np.asarray(v, dtype=float) for v in (tangent.x, tangent.y, tangent.z))
    run = math.hypot(x[1] - x[0], y[1] - y[0])
    assert (z[1] - z[0]) / run == pytest.approx(seed.slope, rel=1e-4)  # slope D_u f
    assert seed.slope == pytest.approx(11 / math.sqrt(2))  # (4 + 7) / sqrt(2) at 45 degrees
    assert role(fig, "cutting plane u")


def test_the_flat_slice_panel(seed):
    fig = direction_slice_figure(seed.piece)
    tangent, point = one(fig, "tangent"), one(fig, "point")
    slope = (tangent.y[1] - tangent.y[0]) / (tangent.x[1] - tangent.x[0])
    assert slope == pytest.approx(seed.slope, rel=1e-9)
    assert (point.x[0], point.y[0]) == (0.0, 5.0)
    assert "7.778" in tangent.name and "θ = 45°" in fig.layout.title.text


def test_the_profile_marks_the_current_angle_and_the_extremes(seed):
    fig = profile_figure(seed.point, seed.angles, seed.profile, 45, seed.slope)
    best = degrees(math.atan2(7, 4))
    top, bottom = one(fig, "maximum"), one(fig, "minimum")
    assert (top.x[0], top.y[0]) == pytest.approx((best, math.sqrt(65)))
    assert (bottom.x[0], bottom.y[0]) == pytest.approx((best + 180, -math.sqrt(65)))
    current = one(fig, "current")
    assert (current.x[0], current.y[0]) == (45, pytest.approx(seed.slope))
    curve = np.asarray(one(fig, "profile").y, dtype=float)
    assert curve.max() == pytest.approx(math.sqrt(65), rel=1e-4)
    level = one(fig, "level directions")
    assert sorted(level.x) == pytest.approx(sorted([(best + 90) % 360, (best + 270) % 360]))
    assert fig.layout.shapes[0].x0 == 45


def test_profile_without_a_gradient_says_why():
    flat = point_summary(Function("x^2 + y^2"), 0, 0)
    fig = profile_figure(flat, np.arange(361.0), np.zeros(361), 10, 0.0)
    assert "∇f = 0" in notes(fig) and not role(fig, "maximum")
    undefined = point_summary(Function(DISC), 2, 2)
    fig = profile_figure(undefined, np.arange(361.0), np.full(361, np.nan), 10, math.nan)
    assert "undefined" in notes(fig) and not role(fig, "profile") and not role(fig, "current")


def test_a_point_where_f_is_undefined_builds_every_figure():
    scene = Scene(DISC, 2, 2, window=(-1.5, 1.5))
    figures = scene.figures()
    assert all(isinstance(fig, go.Figure) for fig in figures)
    assert "undefined" in notes(direction_slice_figure(scene.piece))


def test_all_figures_fit_a_byte_budget(seed):
    total = sum(figure_bytes(fig) for fig in seed.figures())
    assert total < 400_000, total  # at resolution 60; the page's default 100 is measured in e2e


# --- the live charts' parts ---------------------------------------------------------------------


def _decoded(value):
    """JSON text inside the parts decoded, so key order does not matter."""
    if isinstance(value, str) and value[:1] in "[{":
        return _decoded(json.loads(value))
    if isinstance(value, dict):
        return {key: _decoded(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_decoded(item) for item in value]
    return value


@pytest.mark.parametrize(
    ("text", "x0", "y0"), [(SEED, 2, 1), (HIMMELBLAU, 0.5, -1), (DISC, 0.9, 0.9), (SEED, 9, 9)]
)
def test_the_parts_the_page_sends_split_as_the_figures_did(text, x0, y0):
    # The page sends plain (traces, layout) parts without building a go.Figure. They split as
    # the unchecked go.Figure the server built from them before, and Plotly accepts them (the
    # tests check every figure: DERIVATIVES_VALIDATE_FIGURES).
    scene = Scene(text, x0, y0)
    g, p = scene.grid, scene.point
    parts = [
        critical_contour_parts(g, p, scene.critical),
        critical_surface_parts(g, p, scene.critical),
        quadratic_surface_parts(g, p, scene.plane, scene.quadratic, scene.radius),
        direction_contour_parts(g, p, scene.piece),
        direction_surface_parts(g, p, scene.piece),
    ]
    roles = {"surface", "contour", "level curve"}
    for traces, layout in parts:
        checked = new_figure(traces, layout)
        assert len(checked.data) == len(traces)
        unchecked = go.Figure(data=traces, layout=layout, _validate=False)
        from_parts = split_figure((traces, layout), {"critical minimum"}, grid_roles=roles)
        before = split_figure(unchecked, {"critical minimum"}, grid_roles=roles)
        assert _decoded(from_parts) == _decoded(before)
        assert any(trace.get("meta") == "point" for trace in traces) == math.isfinite(p.value)


@pytest.mark.parametrize(
    ("text", "x0", "y0"),
    [("x^2 y + y^3", 0.5, -1.0), ("sqrt(1 - x^2 - y^2)", 2.0, 2.0), ("1/(x y)", 0.25, 0.5)],
)
def test_the_plain_charts_are_sent_as_their_built_figures_were(text, x0, y0, monkeypatch):
    """work.second_order prepares the three plain charts from their parts (no go.Figure): what
    st.plotly_chart sends is what the built figures sent."""
    monkeypatch.setattr(config, "VALIDATE_FIGURES", False)  # as on the server
    f = Function(text)
    errors = approximation_errors(f, x0, y0, 1.0, n=81)
    piece = directional_slice(f, x0, y0, (-3.0, 3.0), (-3.0, 3.0), angle=0.5)
    angles = np.arange(0, 361, 1.0)
    profile = directional_profile(f, x0, y0, np.radians(angles))
    slope = directional_derivative(f, x0, y0, angle=0.5)
    for parts in (
        *error_maps_parts(errors, step=2),
        direction_slice_parts(piece),
        profile_parts(point_summary(f, x0, y0), angles, profile, 29, slope),
    ):
        built = pio.to_json(config.prepared(config.new_figure(*parts)), validate=False)
        sent = pio.to_json(config.prepared_parts(*parts), validate=False)
        assert json.loads(sent) == json.loads(built)
