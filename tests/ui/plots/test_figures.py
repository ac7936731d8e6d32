"""ui.plots.surface: pure builders, checked on real core objects without a server."""

from __future__ import annotations

import json
import math
import warnings

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
import pytest
from hypothesis import given
from hypothesis import strategies as st

from core import Function, evaluate_grid, point_summary, slices, tangent_plane
from ui.plots import colours as theme
from ui.plots.axes import Z_ASPECT, clip_line
from ui.plots.config import PLOT_CONFIG, figure_bytes
from ui.plots.contour import FIELD_ARROWS, contour_figure, field_arrows
from ui.plots.slices import slice_figure
from ui.plots.surface import surface_figure, surface_trace

POLY = "x^2 y + y^3"
DISC = "sqrt(1 - x^2 - y^2)"
BOWL = "x^2 + y^2"


def scene(text, x0, y0, window=(-3, 3), resolution=60):
    """Everything the Explore page hands the builders, from core."""
    f = Function(text)
    grid = evaluate_grid(f, window, window, resolution=resolution, with_partials=True)
    x_slice, y_slice = slices(f, x0, y0, window, window)
    return {
        "grid": grid,
        "point": point_summary(f, x0, y0),
        "x_slice": x_slice,
        "y_slice": y_slice,
        "plane": tangent_plane(f, x0, y0),
    }


def all_figures(s, **options):
    return [
        surface_figure(s["grid"], s["point"], s["x_slice"], s["y_slice"], plane=s["plane"]),
        contour_figure(s["grid"], s["point"], **options),
        slice_figure(s["x_slice"]),
        slice_figure(s["y_slice"]),
    ]


def role(fig: go.Figure, name: str) -> list:
    return [trace for trace in fig.data if trace.meta == name]


def one(fig: go.Figure, name: str):
    (trace,) = role(fig, name)
    return trace


@pytest.fixture(scope="module")
def poly():
    return scene(POLY, 2, 1)


@pytest.fixture(scope="module")
def disc():
    return scene(DISC, 0.3, 0.4, window=(-1.5, 1.5))


@pytest.fixture(scope="module")
def disc_outside():
    return scene(DISC, 2, 2, window=(-1.5, 1.5))


@pytest.fixture(scope="module")
def bowl():
    return scene(BOWL, 0, 0)


def test_plot_config_keeps_page_scroll_and_hides_the_logo():
    assert PLOT_CONFIG["displaylogo"] is False
    assert PLOT_CONFIG["scrollZoom"] is False


def test_surface_figure_has_every_piece(poly):
    fig = surface_figure(
        poly["grid"], poly["point"], poly["x_slice"], poly["y_slice"], plane=poly["plane"]
    )
    roles = {trace.meta for trace in fig.data}
    assert {
        "surface",
        "point",
        "slice x",
        "slice y",
        "tangent x",
        "tangent y",
        "cutting plane x",
        "cutting plane y",
        "tangent plane",
        "gradient",
        "gradient head",
    } <= roles
    assert one(fig, "surface").type == "surface"
    assert one(fig, "gradient head").type == "mesh3d"
    assert one(fig, "slice x").line.color == theme.X_SLICE
    assert one(fig, "slice y").line.color == theme.Y_SLICE
    assert one(fig, "gradient").line.color == theme.GRADIENT
    assert fig.layout.scene.aspectmode == "manual"
    assert fig.layout.scene.aspectratio.z == pytest.approx(Z_ASPECT)
    assert fig.layout.uirevision is not None


def test_surface_arrays_are_float32(poly):
    fig = surface_figure(poly["grid"], poly["point"], poly["x_slice"], poly["y_slice"])
    surface = one(fig, "surface")
    for array in (surface.x, surface.y, surface.z):
        assert np.asarray(array).dtype == np.float32
    assert np.asarray(surface.z).shape == poly["grid"].z.shape


def test_surface_keeps_holes_where_f_is_undefined(disc):
    fig = surface_figure(disc["grid"], disc["point"], disc["x_slice"], disc["y_slice"])
    z = np.asarray(one(fig, "surface").z)
    assert z.dtype == np.float32
    assert np.isnan(z).any() and np.isfinite(z).any()
    assert np.array_equal(np.isnan(z), np.isnan(disc["grid"].z))


def test_surface_z_axis_is_the_grid_range_padded(poly):
    fig = surface_figure(poly["grid"], poly["point"], poly["x_slice"], poly["y_slice"])
    low, high = poly["grid"].z_range
    axis_low, axis_high = fig.layout.scene.zaxis.range
    assert axis_low < low and axis_high > high
    assert (axis_high - axis_low) < 1.2 * (high - low)


def test_tangent_lines_stay_in_the_z_range_and_have_the_slice_slopes(poly):
    fig = surface_figure(poly["grid"], poly["point"], poly["x_slice"], poly["y_slice"])
    low, high = fig.layout.scene.zaxis.range
    for variable, piece in (("x", poly["x_slice"]), ("y", poly["y_slice"])):
        line = one(fig, f"tangent {variable}")
        z = np.asarray(line.z, dtype=float)
        t = np.asarray(line.x if variable == "x" else line.y, dtype=float)
        assert np.all((z >= low - 1e-3) & (z <= high + 1e-3))
        assert (z[1] - z[0]) / (t[1] - t[0]) == pytest.approx(piece.slope, rel=1e-4)


def test_the_3d_gradient_arrow_rises_along_the_gradient(poly):
    fig = surface_figure(poly["grid"], poly["point"], poly["x_slice"], poly["y_slice"])
    arrow = one(fig, "gradient")
    start = np.array([arrow.x[0], arrow.y[0], arrow.z[0]], dtype=float)
    end = np.array([arrow.x[1], arrow.y[1], arrow.z[1]], dtype=float)
    step = end - start
    fx, fy = poly["point"].gradient
    np.testing.assert_allclose(start, [2, 1, poly["point"].value], rtol=1e-6)
    # Along (fx, fy, fx^2 + fy^2): in the tangent plane, steepest ascent.
    np.testing.assert_allclose(
        step / np.linalg.norm(step), unit([fx, fy, fx**2 + fy**2]), atol=1e-4
    )


def test_the_3d_arrow_head_ends_at_the_tip_beyond_the_shaft(poly):
    fig = surface_figure(poly["grid"], poly["point"], poly["x_slice"], poly["y_slice"])
    shaft, head = one(fig, "gradient"), one(fig, "gradient head")
    tip = np.array([head.x[0], head.y[0], head.z[0]], dtype=float)
    shaft_end = np.array([shaft.x[1], shaft.y[1], shaft.z[1]], dtype=float)
    start = np.array([shaft.x[0], shaft.y[0], shaft.z[0]], dtype=float)
    np.testing.assert_allclose(unit(tip - start), unit(shaft_end - start), atol=1e-4)
    assert np.linalg.norm(tip - start) > np.linalg.norm(shaft_end - start)


def unit(vector) -> np.ndarray:
    vector = np.asarray(vector, dtype=float)
    return vector / np.linalg.norm(vector)


def test_camera_and_slices_options(poly):
    camera = {"eye": {"x": 0.1, "y": -2.0, "z": 0.5}}
    fig = surface_figure(
        poly["grid"], poly["point"], poly["x_slice"], poly["y_slice"], camera=camera
    )
    assert fig.layout.scene.camera.eye.y == -2.0
    bare = surface_figure(
        poly["grid"], poly["point"], poly["x_slice"], poly["y_slice"], show_slices=False
    )
    assert not any(
        str(trace.meta).startswith(("slice", "tangent ", "cutting")) for trace in bare.data
    )
    assert not role(bare, "tangent plane")


def test_a_cached_surface_trace_gives_the_same_figure(poly):
    args = (poly["grid"], poly["point"], poly["x_slice"], poly["y_slice"])
    cached = surface_figure(*args, plane=poly["plane"], surface=surface_trace(poly["grid"]))
    assert pio.to_json(cached) == pio.to_json(surface_figure(*args, plane=poly["plane"]))


def test_the_tangent_plane_patch_is_the_plane_cut_at_the_z_range(disc):
    fig = surface_figure(
        disc["grid"], disc["point"], disc["x_slice"], disc["y_slice"], plane=disc["plane"]
    )
    patch = one(fig, "tangent plane")
    low, high = fig.layout.scene.zaxis.range
    x, y, z = (np.asarray(a, dtype=float) for a in (patch.x, patch.y, patch.z))
    np.testing.assert_allclose(z, disc["plane"](x, y), rtol=1e-5, atol=1e-5)
    assert np.all((z >= low - 1e-5) & (z <= high + 1e-5))
    # Steep here: the patch is cut where it leaves the box, exactly at the range's ends.
    assert np.isclose(z, high, atol=1e-5).any() or np.isclose(z, low, atol=1e-5).any()
    reach = 0.25 * 3.0
    assert np.all(np.abs(x - 0.3) <= reach + 1e-6) and np.all(np.abs(y - 0.4) <= reach + 1e-6)
    assert len(patch.i) == len(x) - 2


def test_contour_figure_pieces(poly):
    fig = contour_figure(poly["grid"], poly["point"])
    contour = one(fig, "contour")
    assert contour.type == "contour"
    assert np.asarray(contour.z).dtype == np.float32
    assert contour.contours.showlabels
    level = one(fig, "level curve")
    assert level.contours.start == level.contours.end == pytest.approx(poly["point"].value)
    assert level.contours.coloring == "none"
    assert one(fig, "slice x").line.color == theme.X_SLICE
    assert list(one(fig, "slice x").y) == [1.0, 1.0]
    assert one(fig, "slice y").line.color == theme.Y_SLICE
    assert list(one(fig, "slice y").x) == [2.0, 2.0]
    assert fig.layout.hovermode == "closest"
    assert fig.layout.yaxis.scaleanchor == "x"
    assert not role(contour_figure(poly["grid"], poly["point"], show_slices=False), "slice x")


def test_contour_arrow_is_parallel_to_the_gradient(poly):
    arrow = one(contour_figure(poly["grid"], poly["point"]), "gradient")
    step = np.array([arrow.x[1] - arrow.x[0], arrow.y[1] - arrow.y[0]], dtype=float)
    np.testing.assert_allclose(unit(step), unit(poly["point"].gradient), atol=1e-5)
    # About 15% of the window.
    assert 0.1 * 6 < np.linalg.norm(step) < 0.2 * 6


@given(
    st.floats(-2.5, 2.5, allow_nan=False),
    st.floats(-2.5, 2.5, allow_nan=False),
)
def test_arrows_point_along_the_gradient_anywhere(x0, y0):
    s = scene(POLY, x0, y0, resolution=12)
    point = s["point"]
    contour = contour_figure(s["grid"], point)
    surface = surface_figure(s["grid"], point, s["x_slice"], s["y_slice"])
    if point.unit_gradient is None:
        assert not role(contour, "gradient") and not role(surface, "gradient")
        return
    # Renormalised: for a subnormal gradient core's unit_gradient is only nearly unit.
    direction = unit(point.unit_gradient)
    arrow = one(contour, "gradient")
    step = np.array([arrow.x[1] - arrow.x[0], arrow.y[1] - arrow.y[0]], dtype=float)
    assert float(np.dot(unit(step), direction)) == pytest.approx(1.0, abs=1e-5)
    if role(surface, "gradient"):
        shaft = one(surface, "gradient")
        rise = np.array([shaft.x[1] - shaft.x[0], shaft.y[1] - shaft.y[0]], dtype=float)
        assert float(np.dot(unit(rise), direction)) == pytest.approx(1.0, abs=1e-4)
        assert shaft.z[1] >= shaft.z[0]


def test_no_arrow_where_the_gradient_is_zero(bowl):
    assert bowl["point"].gradient_norm == 0
    contour = contour_figure(bowl["grid"], bowl["point"])
    surface = surface_figure(bowl["grid"], bowl["point"], bowl["x_slice"], bowl["y_slice"])
    assert not role(contour, "gradient")
    assert not any(str(trace.meta).startswith("gradient") for trace in surface.data)
    assert "∇f = 0" in one(contour, "point").name
    assert "∇f = 0" in one(contour, "point").hovertemplate
    assert any("∇f = 0" in note.text for note in surface.layout.annotations)


def test_field_arrows_have_one_shaft_and_head_per_sample(poly):
    x, y, count = field_arrows(poly["grid"])
    assert count == FIELD_ARROWS * FIELD_ARROWS  # the polynomial's gradient is never 0 there
    assert x.dtype == np.float32 and len(x) == len(y) == 3 * count
    assert np.isnan(x[2::3]).all() and np.isfinite(x[0::3]).all()
    fig = contour_figure(poly["grid"], poly["point"], field=True)
    field = one(fig, "field")
    assert field.marker.symbol == "arrow" and field.marker.angleref == "previous"
    sizes = np.asarray(field.marker.size)
    assert len(sizes) == len(x) and (sizes[1::3] > 0).all() and (sizes[0::3] == 0).all()
    # Equal lengths, and along the gradient at each tail.
    lengths = np.hypot(x[1::3] - x[0::3], y[1::3] - y[0::3])
    np.testing.assert_allclose(lengths, lengths[0], rtol=1e-4)
    assert not role(contour_figure(poly["grid"], poly["point"]), "field")


def test_field_arrows_skip_undefined_cells(disc):
    _, _, count = field_arrows(disc["grid"])
    assert 0 < count < FIELD_ARROWS * FIELD_ARROWS


def test_field_needs_partials():
    f = Function(POLY)
    grid = evaluate_grid(f, (-3, 3), (-3, 3), resolution=20)
    with pytest.raises(ValueError, match="with_partials"):
        contour_figure(grid, point_summary(f, 0, 1), field=True)


def test_slice_figure_tangent_slope_and_labels(poly):
    for piece, variable, curve in (
        (poly["x_slice"], "x", "f(x, y₀)"),
        (poly["y_slice"], "y", "f(x₀, y)"),
    ):
        fig = slice_figure(piece)
        tangent = one(fig, "tangent")
        slope = (tangent.y[1] - tangent.y[0]) / (tangent.x[1] - tangent.x[0])
        assert slope == pytest.approx(piece.slope, rel=1e-9)
        assert f"∂f/∂{variable} = {piece.slope:.4g}" in tangent.name
        assert tangent.line.dash == "dash"
        assert fig.layout.xaxis.title.text == variable
        assert fig.layout.yaxis.title.text == curve
        assert f"slope is ∂f/∂{variable}" in fig.layout.title.text
        low, high = fig.layout.yaxis.range
        assert all(low <= value <= high for value in tangent.y)
        assert list(one(fig, "point").x) == [piece.point[0]]
    assert "y₀ = 1" in slice_figure(poly["x_slice"]).layout.title.text
    assert "x₀ = 2" in slice_figure(poly["y_slice"]).layout.title.text


def test_clip_line_is_exact_and_handles_flat_and_undefined_lines():
    t, z = clip_line(0.0, 0.0, 2.0, (-3, 3), (-1, 1))
    np.testing.assert_allclose(t, [-0.5, 0.5])
    np.testing.assert_allclose(z, [-1, 1])
    t, z = clip_line(1.0, 0.5, 0.0, (-3, 3), (-1, 1))
    np.testing.assert_allclose(t, [-3, 3])
    assert clip_line(1.0, 5.0, 0.0, (-3, 3), (-1, 1)) is None
    assert clip_line(1.0, 0.0, math.nan, (-3, 3), (-1, 1)) is None
    assert clip_line(1.0, math.nan, 1.0, (-3, 3), (-1, 1)) is None


def test_a_point_where_f_is_undefined_builds_cleanly(disc_outside):
    s = disc_outside
    assert "value" in s["point"].undefined
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        figures = all_figures(s, field=True)
        for fig in figures:
            json.loads(pio.to_json(fig))
    surface, contour, x_fig, y_fig = figures
    for fig in (surface, contour):
        assert not role(fig, "point")
        assert not any(str(trace.meta).startswith("gradient") for trace in fig.data)
        assert not role(fig, "tangent plane") and not role(fig, "level curve")
        assert any("undefined" in note.text for note in fig.layout.annotations)
    for fig in (x_fig, y_fig):
        assert not role(fig, "tangent") and not role(fig, "point")


def test_a_window_where_f_is_undefined_everywhere_still_builds():
    s = scene("log(x - 10)", 0, 0)
    assert s["grid"].z_range is None
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        figures = all_figures(s, field=True)
    assert any("everywhere" in note.text for note in figures[0].layout.annotations)
    assert any("undefined on this slice" in note.text for note in figures[2].layout.annotations)


def test_a_nan_slope_gives_no_tangent_and_says_why():
    # |x| has no partial in x at 0, but f is defined there.
    s = scene("abs(x) + y", 0, 1)
    assert math.isnan(s["x_slice"].slope) and not math.isnan(s["x_slice"].point[1])
    fig = slice_figure(s["x_slice"])
    assert not role(fig, "tangent")
    assert role(fig, "point")
    assert any("∂f/∂x is undefined" in note.text for note in fig.layout.annotations)


def test_an_elongated_window_drops_equal_scaling():
    f = Function(POLY)
    grid = evaluate_grid(f, (-10, 10), (-1, 1), resolution=30)
    assert contour_figure(grid, point_summary(f, 1, 0.5)).layout.yaxis.scaleanchor is None


def test_all_figures_fit_the_byte_budget_at_resolution_100():
    s = scene(POLY, 2, 1, resolution=100)
    sizes = [figure_bytes(fig) for fig in all_figures(s, field=True)]
    assert sum(sizes) < 400_000, sizes
    assert sizes[0] == len(pio.to_json(all_figures(s)[0]))


HIMMELBLAU = "(x^2+y-11)^2 + (x+y^2-7)^2"


@pytest.fixture(scope="module")
def himmelblau():
    return scene(HIMMELBLAU, 3, 2, window=(-5, 5), resolution=80)


def test_even_spacing_leaves_plotly_its_own_round_levels(poly):
    contour = one(contour_figure(poly["grid"], poly["point"], levels=12), "contour")
    assert contour.ncontours == 12 and contour.contours.showlabels
    assert not role(contour_figure(poly["grid"], poly["point"], spacing="auto"), "contour labels")


@pytest.mark.parametrize("spacing", ["quantile", "log", "auto"])
def test_uneven_levels_contour_the_band_index_and_label_the_real_values(himmelblau, spacing):
    grid = himmelblau["grid"]
    fig = contour_figure(grid, himmelblau["point"], levels=10, spacing=spacing)
    contour, labels = one(fig, "contour"), one(fig, "contour labels")
    levels = np.array([float(text) for text in labels.text])
    assert 5 <= len(levels) <= 10 and np.all(np.diff(levels) > 0)
    low, high = grid.z_range
    assert low < levels[0] and levels[-1] < high
    # The trace's curves at 0, 1, 2, ... are f = levels[0], levels[1], ...: where f is a level,
    # the contoured index is that level's number.
    index = np.asarray(contour.z, dtype=float)
    np.testing.assert_allclose(np.asarray(contour.customdata), grid.z.astype(np.float32))
    assert (contour.contours.start, contour.contours.size) == (0, 1)
    assert contour.contours.end == len(levels) - 1
    below = grid.z < levels[0]
    assert np.all(index[below] < 0) and np.all(index[grid.z > levels[-1]] > len(levels) - 1)
    # Each label sits on its own level curve (f there is within a grid step of the level).
    f = Function(HIMMELBLAU)
    at_labels = f(np.asarray(labels.x, dtype=float), np.asarray(labels.y, dtype=float))
    np.testing.assert_allclose(at_labels, levels, rtol=0.05, atol=0.5)
    assert "customdata" in contour.hovertemplate


def test_auto_spacing_gives_himmelblaus_minima_their_own_bands(himmelblau):
    fig = contour_figure(himmelblau["grid"], himmelblau["point"], levels=16, spacing="auto")
    first = float(one(fig, "contour labels").text[0])
    even = one(contour_figure(himmelblau["grid"], himmelblau["point"], levels=16), "contour")
    assert even.ncontours == 16
    # Evenly, the lowest curve is near 890 / 17 = 52; by quantiles it is far lower.
    assert first < 20
