"""pages.descent.race: pure builders, checked with plain arrays and with real core results."""

from __future__ import annotations

import base64
import dataclasses
import io
import itertools
import math

import numpy as np
import plotly.graph_objects as go
import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from core import Function, basins, evaluate_grid, race
from pages.descent import race as race_module
from pages.descent.basins import basins_figure
from pages.descent.loss import loss_figure, symlog
from pages.descent.race import (
    MAX_FRAMES,
    PATH_POINTS,
    expand_frame,
    frame_steps,
    path_samples,
    race_base,
    race_moving,
    stop_point,
)
from pages.descent.race_map import level_curves, nice_levels, shading_image
from pages.descent.runner import COLOURS, STOP_COLOUR, SYMBOLS, Runner
from pages.descent.settings import DEFAULT, KEYS
from ui.plots import colours as theme
from ui.plots.config import figure_bytes
from ui.shell.live_chart import plotly_json

ARTICLE = "x^2 y + y^3"
HIMMELBLAU = "(x^2 + y - 11)^2 + (x + y^2 - 7)^2"
# What the race chart sends at 7 racers x 1000 steps: per start (with the loss chart), and once.
RACE_BYTES_BOUND, BASE_BYTES_BOUND = 250_000, 300_000


@dataclasses.dataclass(frozen=True)
class FakeDescent:
    """What the builders read from a core.Descent, from plain arrays."""

    path: np.ndarray
    values: np.ndarray
    gradient_norms: np.ndarray
    status: str = "finished"
    stopped_at: int | None = None
    message: str = "Ran all steps."
    hyperparameters: dict = dataclasses.field(default_factory=lambda: {"lr": 0.1})


def fake(path, status="finished", values=None, message="Ran all steps.") -> FakeDescent:
    path = np.asarray(path, dtype=float)
    if values is None:
        values = (path**2).sum(axis=1)
    stopped = len(path) if status != "finished" else None
    return FakeDescent(
        path, np.asarray(values, float), np.ones(len(path)), status, stopped, message
    )


def spiral(steps: int, shrink: float = 0.99) -> np.ndarray:
    t = np.arange(steps + 1)
    return np.column_stack([2 * shrink**t * np.cos(t / 5), 2 * shrink**t * np.sin(t / 5)])


@pytest.fixture(scope="module")
def bowl_grid():
    return evaluate_grid(Function("x^2 + y^2"), (-3, 3), (-3, 3), 60).as_float32()


def race_figure(*args, **kwargs) -> go.Figure:
    """The race as one validated figure with Plotly frames (race.race_figure): what the browser
    shows, frame by frame, and a check that every part is valid Plotly."""
    return go.Figure(race_module.race_figure(*args, **kwargs))


def by_meta(fig, meta):
    return [trace for trace in fig.data if trace.meta == meta]


def one(fig, meta):
    (trace,) = by_meta(fig, meta)
    return trace


# --- frames and samples ----------------------------------------------------------------------


@given(st.integers(0, 10_000), st.integers(2, 200))
def test_frame_steps_cover_the_race_and_stay_bounded(total, most):
    frames = frame_steps(total, most)
    assert frames[0] == 0 and frames[-1] == total
    assert len(frames) <= most
    assert np.all(np.diff(frames) > 0)
    if total < most:
        assert list(frames) == list(range(total + 1))  # short races: every step is a frame


@given(st.integers(0, 5000), st.integers(2, 300))
def test_path_samples_are_bounded_and_contain_every_frame_of_the_path(last, most):
    frames = frame_steps(10_000 if last > 100 else last + 7, MAX_FRAMES)
    samples = path_samples(last, frames, max(most, MAX_FRAMES + 2))
    assert samples[0] == 0 and samples[-1] == last
    assert len(samples) <= max(most, MAX_FRAMES + 2)
    assert set(frames[frames <= last]) <= set(samples)
    assert np.all(np.diff(samples) > 0)


# --- the race figure -------------------------------------------------------------------------


def test_race_figure_has_both_views_and_one_legend_entry_per_racer(bowl_grid):
    runners = [Runner("gd", fake(spiral(50))), Runner("adam", fake(spiral(30, 0.95)))]
    fig = race_figure(bowl_grid, runners, (2.0, 0.0), 4.0)
    roles = {trace.meta for trace in fig.data}
    assert {
        "surface",
        "level curves",
        "level labels",
        "pick grid",
        "start 3d",
        "start 2d",
        "gd path",
        "adam path",
        "gd path 3d",
        "adam path 3d",
        "heads 3d",
        "heads 2d",
        "stops 3d",
        "stops 2d",
    } <= roles
    assert not any(trace.type in ("contour", "heatmap") for trace in fig.data)  # see module doc
    assert one(fig, "surface").scene == "scene"
    for meta in ("gd path", "adam path", "heads 2d", "pick grid", "level curves"):
        assert one(fig, meta).xaxis == "x" and one(fig, meta).yaxis == "y"
    assert one(fig, "gd path").line.color == COLOURS["gd"]
    assert one(fig, "adam path").line.color == COLOURS["adam"]
    assert list(one(fig, "heads 2d").marker.symbol) == [SYMBOLS["gd"], SYMBOLS["adam"]]
    shown = [trace.name for trace in fig.data if trace.showlegend is not False]
    assert any(name.startswith("Gradient descent (lr 0.1)") for name in shown)
    assert any(name.startswith("Adam (lr 0.1)") for name in shown)
    assert fig.layout.images[0].source.startswith("data:image/png;base64,")


def test_frames_move_the_racers_and_nothing_else(bowl_grid):
    runners = [Runner("gd", fake(spiral(50))), Runner("momentum", fake(spiral(20, 0.9)))]
    fig = race_figure(bowl_grid, runners, (2.0, 0.0), 4.0)
    moving_metas = (
        "gd path",
        "momentum path",
        "gd path 3d",
        "momentum path 3d",
        "heads 3d",
        "heads 2d",
        "stops 3d",
        "stops 2d",
    )
    animated = [index for index, trace in enumerate(fig.data) if trace.meta in moving_metas]
    assert [fig.data[index].meta for index in animated] == list(moving_metas)
    assert len(fig.frames) == 51  # a frame per step: 50 steps fit under MAX_FRAMES
    for frame in fig.frames:
        assert list(frame.traces) == animated
    # Frame k shows step k: the gd head is the path's k-th point, momentum waits at its end.
    middle = fig.frames[30]
    heads = middle.data[moving_metas.index("heads 2d")]
    assert heads.x[0] == pytest.approx(spiral(50)[30, 0], abs=1e-6)
    assert heads.x[1] == pytest.approx(spiral(20, 0.9)[20, 0], abs=1e-6)
    assert len(middle.data[0].x) == 31
    assert len(middle.data[moving_metas.index("gd path 3d")].z) == 31
    # The figure opens on the finished race: its data is the last frame.
    last = fig.frames[-1]
    for index, part in zip(animated, last.data, strict=True):
        np.testing.assert_array_equal(np.asarray(fig.data[index].x), np.asarray(part.x))


def test_the_compact_animation_carries_only_what_moves_and_expands_to_every_frame(bowl_grid):
    runners = [
        Runner("gd", fake(spiral(300))),
        Runner("adam", fake(np.array([[2.0, 0.0], [2.5, 0.5], [9.0, 9.0]]), "diverged")),
        Runner("newton", fake(spiral(40, 0.9), "diverged")),
    ]
    moving = race_moving(bowl_grid, runners, (2.0, 0.0), 4.0)
    total = max(runner.last for runner in runners)
    frames_at = frame_steps(total)
    assert moving["frames"]["steps"] == [int(step) for step in frames_at]
    # Computed the long way (every frame's traces spelled out), then compared with the browser's
    # reconstruction from the compact form.
    xlim, ylim = (-3.0, 3.0), (-3.0, 3.0)
    zlim = race_module.z_limits(bowl_grid.z_range, 4.0)
    long_way = race_module._Moving(runners, frames_at, PATH_POINTS, xlim, ylim, zlim)
    for k, step in enumerate(frames_at):
        for expanded, expected in zip(expand_frame(moving, k), long_way.at(int(step)), strict=True):
            assert expanded.keys() - {"type"} == expected.keys()
            for key, values in expected.items():
                if key == "text":
                    assert list(expanded[key]) == list(values)
                else:
                    np.testing.assert_array_equal(expanded[key], values)
    # Paths and crosses are prefixes of the finished race; only the markers travel per frame.
    kinds = {
        moving["data"][index]["meta"]: "n" if "n" in part else "rows"
        for index, part in zip(moving["animated"], moving["frames"]["parts"], strict=True)
    }
    assert kinds.pop("heads 3d") == kinds.pop("heads 2d") == "rows"
    assert set(kinds.values()) == {"n"}
    # The ✕ marks appear in the order the racers stop: adam (step 2) before newton (step 40).
    stops = next(t for t in moving["data"] if t["meta"] == "stops 2d")
    assert [text.split(":")[0] for text in stops["text"]] == ["Adam", "Newton"]


def test_a_long_race_is_sampled_into_a_bounded_number_of_frames_and_points(bowl_grid):
    runners = [Runner(key, fake(spiral(1000, 0.999))) for key in KEYS]
    fig = race_figure(bowl_grid, runners, (2.0, 0.0), 4.0)
    assert len(fig.frames) <= MAX_FRAMES
    for frame in fig.frames:
        for part in frame.data[: 2 * len(KEYS)]:  # the 2D and the 3D paths
            assert len(part.x) <= PATH_POINTS


def test_a_diverging_racer_gets_a_cross_where_it_left_and_a_legend_that_says_so(bowl_grid):
    escaping = np.array([[2.0, 0.0], [2.5, 0.5], [2.9, 0.9], [5.0, 3.0], [1e6, 1e6]])
    diverged = fake(escaping, "diverged", message="Diverged at step 5: too far.")
    fine = fake(spiral(4))
    fig = race_figure(bowl_grid, [Runner("gd", diverged), Runner("adam", fine)], (2.0, 0.0), 4.0)
    stops = one(fig, "stops 2d")
    # The last point inside the window, not the far-away last point.
    assert list(stops.x) == [pytest.approx(2.9)] and list(stops.y) == [pytest.approx(0.9)]
    assert stops.marker.color == STOP_COLOUR
    assert "Gradient descent: Diverged at step 5" in stops.text[0]
    assert stops.showlegend
    assert len(one(fig, "stops 3d").x) == 12  # two X's of two strokes, NaN after each
    gd_name = one(fig, "gd path").name
    assert "diverged" in gd_name and "✕" in gd_name
    assert "✕" not in one(fig, "adam path").name
    # Before the racer stops, no cross.
    assert len(fig.frames[1].data[-1].x) == 0
    assert stop_point(Runner("gd", diverged), (-3, 3), (-3, 3)) == 2
    never_inside = fake(np.array([[9.0, 9.0], [10.0, 10.0]]), "diverged")
    assert stop_point(Runner("gd", never_inside), (-3, 3), (-3, 3)) is None
    assert stop_point(Runner("gd", fine), (-3, 3), (-3, 3)) is None


def test_3d_paths_leave_the_box_as_gaps_not_as_stretched_lines(bowl_grid):
    far = fake(np.array([[0.0, 0.0], [1.0, 1.0], [50.0, 50.0]]), "finished", [0.0, 2.0, 5000.0])
    fig = race_figure(bowl_grid, [Runner("gd", far)], (0.0, 0.0), 0.0)
    z = np.asarray(one(fig, "gd path 3d").z, dtype=float)
    assert np.isfinite(z[:2]).all() and np.isnan(z[2])


def test_race_figure_without_a_defined_surface_still_builds(bowl_grid):
    nothing = evaluate_grid(Function("sqrt(-1 - x^2 - y^2)"), (-1, 1), (-1, 1), 20)
    undefined = FakeDescent(
        np.array([[0.5, 0.5]]), np.array([np.nan]), np.array([np.nan]), "undefined", 0, "Start."
    )
    fig = race_figure(nothing, [Runner("gd", undefined)], (0.5, 0.5), math.nan)
    assert fig.frames == ()
    notes = " ".join(annotation.text for annotation in fig.layout.annotations)
    assert "undefined everywhere" in notes and "nothing to animate" in notes
    assert not fig.layout.images


def test_seven_racers_for_1000_steps_stay_under_the_byte_bound():
    f = Function(HIMMELBLAU)
    grid = evaluate_grid(f, (-5, 5), (-5, 5), 100).as_float32()
    everyone = dataclasses.replace(DEFAULT, racers=KEYS, steps=1000)
    runners = [
        Runner(key, result)
        for key, result in zip(KEYS, race(f, (0.1, 0.2), everyone.race(), 1000), strict=True)
    ]
    assert all(runner.last == 1000 for runner in runners)
    race_bytes = len(plotly_json(race_moving(grid, runners, (0.1, 0.2), float(f(0.1, 0.2)))))
    loss_bytes = figure_bytes(loss_figure(runners)[0])
    # What a new start sends (the race part, the loss chart), and what the first run adds.
    assert race_bytes + loss_bytes < RACE_BYTES_BOUND, (race_bytes, loss_bytes)
    assert len(plotly_json(race_base(grid))) < BASE_BYTES_BOUND


# --- the map under the race ------------------------------------------------------------------


@given(
    st.floats(-3, 3).filter(lambda a: abs(a) > 0.1),
    st.floats(-3, 3).filter(lambda b: abs(b) > 0.1),
    st.floats(-2, 2),
)
def test_level_curves_of_a_plane_lie_exactly_on_the_level_line(a, b, level):
    x, y = np.linspace(-1, 1, 13), np.linspace(-1, 1, 9)
    z = a * x[None, :] + b * y[:, None]
    curves = level_curves(x, y, z, level)
    if curves:
        points = np.concatenate(curves)
        np.testing.assert_allclose(a * points[:, 0] + b * points[:, 1], level, atol=1e-9)
    if z.min() < level < z.max():
        assert len(curves) > 0
    elif not z.min() <= level <= z.max():
        assert len(curves) == 0


def test_level_curve_of_a_bowl_is_one_closed_circle():
    x = y = np.linspace(-2, 2, 81)
    z = x[None, :] ** 2 + y[:, None] ** 2
    (loop,) = level_curves(x, y, z, 1.0)
    np.testing.assert_allclose(np.hypot(*loop.T), 1.0, atol=2e-3)  # linear interpolation of r^2
    np.testing.assert_array_equal(loop[0], loop[-1])  # closed


def test_level_curves_skip_cells_where_f_is_undefined():
    x = y = np.linspace(-2, 2, 41)
    z = x[None, :] ** 2 + y[:, None] ** 2
    z[:, :20] = np.nan  # the left half undefined
    points = np.concatenate(level_curves(x, y, z, 1.0))
    assert len(points) and points[:, 0].min() >= x[20] - 1e-12


def test_nice_levels_are_round_inside_the_range_and_follow_the_values():
    x = y = np.linspace(-5, 5, 100)
    himmelblau = (x[None, :] ** 2 + y[:, None] - 11) ** 2 + (x[None, :] + y[:, None] ** 2 - 7) ** 2
    levels = nice_levels(himmelblau)
    assert 8 <= len(levels) <= 14
    assert np.all(np.diff(levels) > 0)
    assert levels[0] > himmelblau.min() and levels[-1] < himmelblau.max()
    assert (levels < 100).sum() >= 4  # quantiles: the low valleys get several curves
    for level in levels:
        digits = f"{level:.2g}"
        assert float(digits) == pytest.approx(level)
    assert len(nice_levels(np.full((5, 5), 3.0))) == 0
    assert len(nice_levels(np.full((5, 5), np.nan))) == 0


def test_shading_is_a_png_of_the_grid_transparent_where_f_is_undefined():
    grid = evaluate_grid(Function("sqrt(1 - x^2 - y^2)"), (-1.5, 1.5), (-1.5, 1.5), 30)
    image = shading_image(grid)
    png = Image.open(io.BytesIO(base64.b64decode(image["source"].split(",", 1)[1])))
    assert png.size == (30, 30) and png.mode == "LA"
    grey, alpha = (np.asarray(band) for band in png.split())
    flipped = np.isnan(grid.z)[::-1]  # image row 0 is the top of the map (largest y)
    np.testing.assert_array_equal(alpha == 0, flipped)
    centre = grey[15, 15]  # f = 1 at the centre: the highest, so the lightest
    assert centre == grey[alpha > 0].max()
    assert image["x"] < -1.5 and image["x"] + image["sizex"] > 1.5


# --- the loss --------------------------------------------------------------------------------


def test_loss_is_on_a_log_axis_when_every_value_is_positive():
    runners = [Runner("gd", fake(spiral(40))), Runner("adam", fake(spiral(30, 0.9)))]
    fig, note = loss_figure(runners)
    assert fig.layout.yaxis.type == "log"
    assert "logarithmic" in note
    trace = one(fig, "gd loss")
    np.testing.assert_allclose(trace.y, (spiral(40) ** 2).sum(axis=1), rtol=1e-6)
    assert trace.x0 == 0 and trace.dx == 1


def test_loss_uses_a_symmetric_log_axis_when_f_goes_negative_and_says_so():
    values = np.array([5.0, 1.0, 0.0, -3.0, -1e6, -1e19])
    path = np.column_stack([np.arange(6.0), np.zeros(6)])
    runners = [Runner("gd", fake(path, "diverged", values, "Diverged at step 6."))]
    fig, note = loss_figure(runners)
    assert "symmetric log" in note and fig.layout.yaxis.type != "log"
    trace = one(fig, "gd loss")
    np.testing.assert_array_equal(trace.customdata, values)  # hover shows f itself
    shown = np.asarray(trace.y, dtype=float)
    assert np.all(np.diff(shown) < 0)  # the order of f is kept
    # Tick labels are values of f: each tick sits where symlog puts its label's value.
    c = float(note.split("c = ")[1].split(",")[0])
    for position, text in zip(fig.layout.yaxis.tickvals, fig.layout.yaxis.ticktext, strict=True):
        value = _label_value(text)
        assert position == pytest.approx(float(symlog(np.array([value]), c)[0]), abs=1e-6)
    assert len(one(fig, "gd loss stop").x) == 1  # the ✕ at the last step


def _label_value(text: str) -> float:
    sign = -1.0 if text.startswith("−") else 1.0
    body = text.lstrip("−")
    if body.startswith("10<sup>"):
        return sign * 10.0 ** int(body[len("10<sup>") : -len("</sup>")])
    return sign * float(body)


@given(st.lists(st.floats(-1e30, 1e30), min_size=2, max_size=20), st.floats(1e-9, 1e3))
def test_symlog_is_odd_and_keeps_order(values, c):
    values = np.array(values)
    shown = symlog(values, c)
    np.testing.assert_allclose(symlog(-values, c), -shown)
    order = np.argsort(values, kind="stable")
    assert np.all(np.diff(shown[order]) >= 0)


# --- basins ----------------------------------------------------------------------------------


def test_basin_map_colours_each_outcome_and_marks_the_critical_points():
    f = Function(HIMMELBLAU)
    mapped = basins(f, "newton", (-5, 5), (-5, 5), 40, 50, lr=1.0)
    fig = basins_figure(mapped, (0.0, 0.0), title="Newton")
    heat = one(fig, "basins")
    z = np.asarray(heat.z)
    assert z.dtype == np.int8 and z.shape == (40, 40)
    legend = by_meta(fig, "basin legend")
    assert len(legend) == len(np.unique(mapped.labels))
    assert len(by_meta(fig, "critical point")) == len(mapped.critical) == 9
    # The same code means the same outcome: starts with the same label share a colour code.
    for label in np.unique(mapped.labels):
        assert len(np.unique(z[mapped.labels == label])) == 1
    kinds = {trace.name for trace in by_meta(fig, "kind legend")}
    assert kinds == {
        "minimum (critical point)",
        "maximum (critical point)",
        "saddle (critical point)",
    }
    assert one(fig, "start").x == (0.0,)


def test_basin_map_names_divergence():
    f = Function("x^2 y + y^3")
    mapped = basins(f, "sgd", (-3, 3), (-3, 3), 20, 100, lr=0.05)
    fig = basins_figure(mapped, (2.0, 1.0))
    names = {trace.name for trace in by_meta(fig, "basin legend")}
    assert "diverged" in names


# --- colours ---------------------------------------------------------------------------------


def test_racer_colours_are_distinct_from_each_other_and_from_the_theme():
    theme_colours = {theme.X_SLICE, theme.Y_SLICE, theme.GRADIENT, theme.PLANE, theme.POINT}
    assert set(COLOURS) == set(KEYS) == set(SYMBOLS)
    assert len(set(COLOURS.values())) == len(KEYS)
    assert not {colour.lower() for colour in COLOURS.values()} & {c.lower() for c in theme_colours}
    assert len(set(SYMBOLS.values())) == len(KEYS)
    for a, b in itertools.combinations(COLOURS.values(), 2):
        assert _rgb_distance(a, b) > 60, (a, b)


def _rgb_distance(a: str, b: str) -> float:
    ra, rb = (np.array([int(c[i : i + 2], 16) for i in (1, 3, 5)], float) for c in (a, b))
    return float(np.linalg.norm(ra - rb))
