"""The race: the 3D surface and the 2D map of f side by side in ONE figure, so that one animation
moves every racer on both views at once. The map under it is pages/descent/race_map.py (why it is
not a contour trace: there). The figure is drawn in the browser by pages/descent/race_chart.py in
two parts: race_base (the surface and the map: the same for every start, drawn once) and
race_moving (the start, the racers' traces at the finished race, and the animation in compact
form: the browser builds each frame from the finished traces, so a frame carries only the
current markers and how much of each path it shows).

Builders take "descent-like" objects: anything with `path` (k+1, 2), `values` (k+1,),
`gradient_norms` (k+1,), `status`, `stopped_at`, `message` and `hyperparameters` (core.Descent),
so they are tested with plain arrays too.

The payload is bounded whatever the race: at most MAX_FRAMES frames, paths thinned to at most
PATH_POINTS points. Arrays go to the browser as float32; values that could overflow float32 (f
along a diverging path) are cut to the 3D box first.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from pages.descent.race_map import GREYS, MAP_AXIS, level_lines, shading_image
from pages.descent.runner import (
    START_COLOUR,
    STOP_COLOUR,
    SYMBOLS,
    Runner,
    legend_name,
    status_words,
)
from ui.plots.arrays import f32, fmt, grid_window
from ui.plots.axes import LIFT, equal_scale, scene_aspect, scene_layout, z_limits
from ui.plots.config import TITLE_FONT_SIZE, base_layout, legend_layout, notes_annotation
from ui.plots.surface import surface_trace

SYMBOLS_3D = {
    "gd": "circle",
    "momentum": "square",
    "nesterov": "diamond",
    "adagrad": "circle-open",
    "rmsprop": "square-open",
    "adam": "diamond-open",
    "newton": "cross",
}
CROSS = 0.04  # half an arm of the 3D ✕, in scene units (the box's longer side is 1)

# The animation's payload: at most MAX_FRAMES frames (steps are sampled when there are more),
# each path drawn with at most PATH_POINTS points. Measured at 7 racers x 1000 steps on a
# 100 x 100 grid: about 1.1 MB for the race figure (80 frames x 150 points made 1.6 MB).
MAX_FRAMES = 61
PATH_POINTS = 121
# Milliseconds per frame at 1x, and the speeds offered as Play buttons (race_chart.js).
FRAME_MS = 100
SPEEDS = (0.5, 1.0, 2.0)
RACE_HEIGHT = 560  # the chart; the play controls are HTML below it
# The scene takes the left 53% of the chart (the map beside it is square, so it never used more
# than about 445 px of its old 43%). The camera is close enough that the scene draws over at least
# 60% of its part at 1920 x 1080 (it was 36% from eye (1.7, 0.93, 0.82)), and looks a little below
# the box's centre (center.z) so the box sits higher, under the legend, and the y labels below it
# stay inside (from (1.21, 0.66, 0.585) looking at z = -0.17 the "2" nearest the viewer was cut at
# the scene's bottom; seen from a little lower now, the box is shorter on screen and the camera
# can stay about as close); the z labels keep a few pixels at the chart's left edge. A flatter box
# than Explore's (RACE_Z_ASPECT).
DEFAULT_CAMERA = {
    "eye": {"x": 1.27, "y": 0.693, "z": 0.52},
    "center": {"x": 0, "y": 0, "z": -0.22},
    "up": {"x": 0, "y": 0, "z": 1},
}
RACE_Z_ASPECT = 0.75
SCENE_DOMAIN = {"x": [0.0, 0.53], "y": [0.0, 1.0]}
MAP_DOMAIN = [0.59, 1.0]
# The map's height in the chart: room below for its x ticks and title, and above it half a tick
# label's height, which the legend's last row had covered ("3" at the map's top).
MAP_HEIGHT = [0.06, 0.965]
# The surface is a little transparent: a path in a valley behind a ridge (Himmelblau's) shows
# through it instead of vanishing; the paths are opaque and drawn a hair above the surface.
SURFACE_OPACITY = 0.72


# --- the race --------------------------------------------------------------------------------


def frame_steps(total: int, max_frames: int = MAX_FRAMES) -> np.ndarray:
    """The steps the animation shows: 0..total, all of them or max_frames evenly spread."""
    total = max(int(total), 0)
    count = min(total, max_frames - 1) + 1
    return np.unique(np.round(np.linspace(0, total, count)).astype(int))


def path_samples(last: int, frames: np.ndarray, points: int = PATH_POINTS) -> np.ndarray:
    """Indices of a path (0..last) that are drawn: evenly spread, at most `points` of them, plus
    every frame's step, so that a frame's path ends exactly at the racer's marker."""
    count = min(last, points - 1) + 1
    even = np.round(np.linspace(0, last, count)).astype(int)
    extra = frames[frames <= last]
    chosen = np.unique(np.concatenate([even, extra, [last]]))
    if len(chosen) > points:  # the frames win: thin the evenly spread ones
        keep = np.isin(chosen, extra) | (chosen == last) | (chosen == 0)
        spare = np.flatnonzero(~keep)
        budget = max(points - int(keep.sum()), 0)
        keep[spare[np.round(np.linspace(0, len(spare) - 1, budget)).astype(int)]] = budget > 0
        chosen = chosen[keep]
    return chosen


def _inside_window(path: np.ndarray, xlim, ylim) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        return (
            (path[:, 0] >= xlim[0])
            & (path[:, 0] <= xlim[1])
            & (path[:, 1] >= ylim[0])
            & (path[:, 1] <= ylim[1])
        )


def _lifted(path: np.ndarray, values: np.ndarray, xlim, ylim, zlim) -> np.ndarray:
    """z of a path drawn on the surface: a hair above it, NaN where it leaves the 3D box (a
    diverging path must not stretch or escape the scene)."""
    z = np.array(values, dtype=np.float64) + LIFT * (zlim[1] - zlim[0])
    with np.errstate(invalid="ignore"):
        outside = ~_inside_window(path, xlim, ylim) | (z < zlim[0]) | (z > zlim[1])
    z[outside | ~np.isfinite(z)] = np.nan
    return z.astype(np.float32)


def stop_point(runner: Runner, xlim, ylim) -> int | None:
    """Where the ✕ goes: the last point of a path that stopped early, or its last point inside
    the window when it left the window first; None when it never was inside."""
    if not runner.stopped_early:
        return None
    inside = np.flatnonzero(_inside_window(np.asarray(runner.descent.path), xlim, ylim))
    return int(inside[-1]) if inside.size else None


def _clip_2d(path: np.ndarray) -> np.ndarray:
    """Coordinates that float32 can carry (a path may pass 1e8 before it is stopped)."""
    with np.errstate(invalid="ignore"):
        return f32(np.clip(path, -1e30, 1e30))


def race_base(grid, *, height: int = RACE_HEIGHT) -> dict:
    """What depends only on f, the window and the resolution, as a Plotly figure dict: the
    surface, the map under the race (shading, level curves, the pick grid) and the axes. It is
    the same for every start, so the browser draws it once (pages/descent/race_chart.py)."""
    xlim, ylim = grid_window(grid)
    zlim = z_limits(grid.z_range)
    surface = surface_trace(grid) | {
        "colorscale": GREYS,
        "scene": "scene",
        "meta": "surface",
        "opacity": SURFACE_OPACITY,
    }
    if grid.z_range is not None:
        surface["cmin"], surface["cmax"] = grid.z_range
    shading = shading_image(grid)
    scene = scene_layout(xlim, ylim, zlim, DEFAULT_CAMERA, "race")
    scene["domain"] = SCENE_DOMAIN
    scene["aspectratio"] = {**scene["aspectratio"], "z": RACE_Z_ASPECT}
    xaxis = MAP_AXIS | {
        # Under its tick labels (without automargin Plotly ignores the standoff and placed the
        # title on the "0" below the map).
        "title": {"text": "x", "font": {"size": TITLE_FONT_SIZE}, "standoff": 6},
        "automargin": True,
        "range": list(xlim),
        "domain": MAP_DOMAIN,
        "anchor": "y",
    }
    yaxis = MAP_AXIS | {
        "title": {"text": "y", "font": {"size": TITLE_FONT_SIZE}},
        "range": list(ylim),
        "domain": MAP_HEIGHT,
        "anchor": "x",
    }
    if equal_scale(xlim, ylim):
        yaxis |= {"scaleanchor": "x", "scaleratio": 1}
    layout = {
        **base_layout(height),
        "margin": {"l": 10, "r": 10, "t": 10, "b": 10},
        "scene": scene,
        "xaxis": xaxis,
        "yaxis": yaxis,
        "legend": legend_layout(y=1.0, yanchor="bottom") | {"font": {"size": 16}},
        "showlegend": True,
        "hovermode": "closest",
        "uirevision": "race",
    }
    if shading is not None:
        layout["images"] = [shading]
    return {"data": [surface, *level_lines(grid)], "layout": layout}


def race_moving(
    grid,
    runners: Sequence[Runner],
    start: tuple[float, float],
    start_value: float,
    *,
    max_frames: int = MAX_FRAMES,
    path_points: int = PATH_POINTS,
) -> dict:
    """What changes with the start: the start's markers and the racers' traces at the finished
    race ("data"), which of them the animation moves ("animated": indices into data), the
    animation itself in compact form ("frames", see compact_frames) and the layout's parts that
    depend on the race ("layout": the z range, notes).

    Traces: the start (3D, 2D); then per racer its 2D path (which carries its legend entry), per
    racer its 3D path, and the current markers (3D, 2D) and the ✕ markers (3D, 2D) of all racers,
    with `meta` "<key> path", "<key> path 3d", "heads 3d", "heads 2d", "stops 3d", "stops 2d"."""
    xlim, ylim = grid_window(grid)
    zlim = z_limits(grid.z_range, start_value)
    notes = []
    if grid.z_range is None:
        notes.append("f is undefined everywhere in this window")
    x0, y0 = start
    start_3d_z = [start_value + LIFT * (zlim[1] - zlim[0])] if math.isfinite(start_value) else [0]
    start_hover = f"start ({fmt(x0)}, {fmt(y0)})<br>f = {fmt(start_value)}<extra></extra>"
    start_marker = {"size": 16, "color": START_COLOUR, "symbol": "star"}
    traces = [
        {
            "type": "scatter3d",
            "scene": "scene",
            "mode": "markers",
            "x": [x0],
            "y": [y0],
            "z": start_3d_z,
            "marker": {"size": 7, "color": START_COLOUR, "line": {"color": "black", "width": 2}},
            "name": "start (x₀, y₀)",
            "legendgroup": "start",
            "showlegend": False,
            "meta": "start 3d",
            "hovertemplate": start_hover,
            "visible": math.isfinite(start_value),
        },
        {
            "type": "scatter",
            "xaxis": "x",
            "yaxis": "y",
            "mode": "markers",
            "x": [x0],
            "y": [y0],
            "marker": start_marker | {"line": {"color": "black", "width": 2}},
            "name": "start (x₀, y₀)",
            "legendgroup": "start",
            "meta": "start 2d",
            "hovertemplate": start_hover,
        },
    ]
    total = max((runner.last for runner in runners), default=0)
    frames_at = frame_steps(total, max_frames)
    moving = _Moving(runners, frames_at, path_points, xlim, ylim, zlim)
    first = len(traces)
    traces += moving.traces()
    animated = list(range(first, len(traces)))
    frames = {"steps": [], "parts": []}
    if len(frames_at) > 1 and runners:
        frames = {"steps": [int(step) for step in frames_at], "parts": moving.compact(frames_at)}
    else:
        notes.append("nothing to animate: no racer took a step")
    layout = {"scene": {"zaxis": {"range": list(zlim)}}}
    if notes:
        layout["annotations"] = [notes_annotation(notes)]
    return {
        "data": traces,
        "animated": animated,
        "frames": frames,
        "layout": layout,
        "summary": race_summary(runners, start, start_value),
    }


def race_summary(runners: Sequence[Runner], start: tuple[float, float], start_value: float) -> str:
    """The race in words, for a screen reader (the chart's accessible name): the start, and per
    racer its outcome and where it ended."""
    words = [f"Start ({fmt(start[0])}, {fmt(start[1])}), f = {fmt(start_value)}."]
    for runner in runners:
        x, y = np.asarray(runner.descent.path, dtype=np.float64)[-1]
        value = float(np.asarray(runner.descent.values, dtype=np.float64)[-1])
        words.append(
            f"{runner.label} (lr {runner.lr:g}): {status_words(runner)}, "
            f"ends at ({fmt(x)}, {fmt(y)}) with f = {fmt(value)}."
        )
    return " ".join(words)


ARRAY_KEYS = ("x", "y", "z", "text")


def expand_frame(moving: dict, frame: int) -> list[dict]:
    """The animated traces' data at frame number `frame` from the compact animation (what
    pages/descent/race_chart.js computes in the browser). Per animated trace, the compact form is
    {"n": [...]} when frame k shows the first n[k] points of the finished trace (a path growing,
    the ✕ marks appearing), or {"rows": {key: every frame's array, end to end}, "ends": [...]}
    when frame k's array is rows[key][ends[k - 1]:ends[k]] (the current markers)."""
    out = []
    for index, part in zip(moving["animated"], moving["frames"]["parts"], strict=True):
        final = moving["data"][index]
        kind = {"type": final["type"]} if "type" in final else {}
        if "n" in part:
            n = part["n"][frame]
            out.append(kind | {key: final[key][:n] for key in ARRAY_KEYS if key in final})
        else:
            low = part["ends"][frame - 1] if frame else 0
            high = part["ends"][frame]
            out.append(kind | {key: rows[low:high] for key, rows in part["rows"].items()})
    return out


def race_figure(
    grid,
    runners: Sequence[Runner],
    start: tuple[float, float],
    start_value: float,
    **options,
) -> dict:
    """The whole race as one Plotly figure dict with Plotly frames (every frame's moving traces
    spelled out): the browser's picture in one piece, for tests, and what the page sent before
    the race chart (the bench's baseline)."""
    base = race_base(grid)
    moving = race_moving(grid, runners, start, start_value, **options)
    offset = len(base["data"])
    traces = [offset + index for index in moving["animated"]]
    frames = [
        {"name": str(step), "data": expand_frame(moving, k), "traces": traces}
        for k, step in enumerate(moving["frames"]["steps"])
    ]
    layout = base["layout"] | {k: v for k, v in moving["layout"].items() if k != "scene"}
    layout["scene"] = base["layout"]["scene"] | {
        "zaxis": base["layout"]["scene"]["zaxis"] | moving["layout"]["scene"]["zaxis"]
    }
    return {"data": base["data"] + moving["data"], "layout": layout, "frames": frames}


class _Moving:
    """The racers' traces, and what each frame changes in them.

    Per racer a 2D path (it carries the racer's legend entry) and a 3D path; the current markers
    (3D, 2D) and the ✕ markers (3D, 2D) of all racers share one trace each. The ✕ marks are in
    the order in which racers stop, so that every frame shows a prefix of them."""

    def __init__(self, runners, frames_at, path_points, xlim, ylim, zlim):
        self.runners = list(runners)
        self.items = []
        for runner in self.runners:
            path = np.asarray(runner.descent.path, dtype=np.float64)
            self.items.append(
                (
                    runner,
                    path_samples(runner.last, frames_at, path_points),
                    _clip_2d(path),
                    _lifted(path, runner.descent.values, xlim, ylim, zlim),
                    stop_point(runner, xlim, ylim),
                )
            )
        self.stopping = sorted(
            (item for item in self.items if item[4] is not None), key=lambda item: item[0].last
        )
        # Half an arm of the 3D ✕ along x, y and z, in data units: CROSS in scene units.
        aspect = scene_aspect(xlim, ylim)
        spans = (xlim[1] - xlim[0], ylim[1] - ylim[0], zlim[1] - zlim[0])
        self.cross = tuple(
            CROSS * span / aspect[axis] for span, axis in zip(spans, "xyz", strict=True)
        )

    def _heads(self, step: int) -> tuple[dict, dict]:
        rows = [min(step, runner.last) for runner, *_ in self.items]
        x = f32([flat[row, 0] for (_, _, flat, _, _), row in zip(self.items, rows, strict=True)])
        y = f32([flat[row, 1] for (_, _, flat, _, _), row in zip(self.items, rows, strict=True)])
        z = f32([z[row] for (_, _, _, z, _), row in zip(self.items, rows, strict=True)])
        return {"x": x, "y": y, "z": z}, {"x": x, "y": y}

    def _stops(self, step: int) -> tuple[dict, dict]:
        """The ✕ of every racer that has stopped early by `step`: a marker in 2D; in 3D two
        short crossing lines on the surface (gl3d draws its "x" symbol with an emoji glyph that
        many machines lack)."""
        x, y, z, text = [], [], [], []
        for runner, _, flat, lifted, stop in self.stopping:
            if step >= runner.last:
                x.append(flat[stop, 0])
                y.append(flat[stop, 1])
                z.append(lifted[stop])
                text.append(f"{runner.label}: {runner.descent.message}")
        dx, dy, dz = self.cross
        cross_x, cross_y, cross_z = [], [], []
        for cx, cy, cz in zip(x, y, z, strict=True):
            # Two X's, in the planes x = cx and y = cy: one of them faces any side view.
            cross_x += [cx, cx, np.nan, cx, cx, np.nan]
            cross_y += [cy - dy, cy + dy, np.nan, cy - dy, cy + dy, np.nan]
            cross_z += [cz - dz, cz + dz, np.nan, cz + dz, cz - dz, np.nan]
            cross_x += [cx - dx, cx + dx, np.nan, cx - dx, cx + dx, np.nan]
            cross_y += [cy, cy, np.nan, cy, cy, np.nan]
            cross_z += [cz - dz, cz + dz, np.nan, cz + dz, cz - dz, np.nan]
        return (
            {"x": f32(cross_x), "y": f32(cross_y), "z": f32(cross_z)},
            {"x": f32(x), "y": f32(y), "text": text},
        )

    def compact(self, frames_at: np.ndarray) -> list[dict]:
        """Every frame of the animation in compact form (see expand_frame), in the order of
        traces(): what at(step) gives for each step of frames_at, without spelling it out."""
        frames_at = np.asarray(frames_at)
        counts = [
            {"n": np.searchsorted(samples, frames_at, side="right").tolist()}
            for _, samples, *_ in self.items
        ]
        lasts = np.array([runner.last for runner in self.runners])
        rows = np.minimum.outer(frames_at, lasts)  # (frames, racers): each head's path index
        columns = range(len(self.items))
        x = np.stack([self.items[r][2][rows[:, r], 0] for r in columns], axis=1).ravel()
        y = np.stack([self.items[r][2][rows[:, r], 1] for r in columns], axis=1).ravel()
        z = np.stack([self.items[r][3][rows[:, r]] for r in columns], axis=1).ravel()
        ends = (len(self.items) * np.arange(1, len(frames_at) + 1)).tolist()
        stopped = np.searchsorted([item[0].last for item in self.stopping], frames_at, side="right")
        return [
            *counts,
            *counts,
            {"rows": {"x": f32(x), "y": f32(y), "z": f32(z)}, "ends": ends},
            {"rows": {"x": f32(x), "y": f32(y)}, "ends": ends},
            {"n": (12 * stopped).tolist()},  # two X's of two strokes, NaN after each
            {"n": stopped.tolist()},
        ]

    def at(self, step: int) -> list[dict]:
        """The changing parts of every animated trace at `step` (in the order of traces())."""
        paths_2d, paths_3d = [], []
        for _, samples, flat, lifted, _ in self.items:
            shown = samples[samples <= step]
            paths_2d.append({"x": flat[shown, 0], "y": flat[shown, 1]})
            paths_3d.append({"x": flat[shown, 0], "y": flat[shown, 1], "z": lifted[shown]})
        head_3d, head_2d = self._heads(step)
        stop_3d, stop_2d = self._stops(step)
        return [*paths_2d, *paths_3d, head_3d, head_2d, stop_3d, stop_2d]

    def traces(self) -> list[dict]:
        """The animated traces as the figure opens: the finished race."""
        end = max((runner.last for runner in self.runners), default=0)
        parts = self.at(end)
        count = len(self.runners)
        labels = [runner.label for runner in self.runners]
        on_2d = {"xaxis": "x", "yaxis": "y"}
        traces = []
        for runner, part in zip(self.runners, parts[:count], strict=True):
            traces.append(
                part
                | on_2d
                | {
                    "type": "scatter",
                    "mode": "lines",
                    "line": {"color": runner.colour, "width": 4},
                    "name": legend_name(runner),
                    "legendgroup": runner.key,
                    "meta": f"{runner.key} path",
                    "hoverinfo": "skip",
                }
            )
        for runner, part in zip(self.runners, parts[count : 2 * count], strict=True):
            traces.append(
                part
                | {
                    "type": "scatter3d",
                    "scene": "scene",
                    "mode": "lines",
                    "line": {"color": runner.colour, "width": 7},
                    "name": runner.label,
                    "legendgroup": runner.key,
                    "showlegend": False,
                    "meta": f"{runner.key} path 3d",
                    "hoverinfo": "skip",
                }
            )
        head_3d, head_2d, stop_3d, stop_2d = parts[2 * count :]
        colours = [runner.colour for runner in self.runners]
        stop_marker = {"color": STOP_COLOUR, "symbol": "x-thin"}
        traces += [
            head_3d
            | {
                "type": "scatter3d",
                "scene": "scene",
                "mode": "markers",
                "marker": {
                    "size": 6,
                    "color": colours,
                    "symbol": [SYMBOLS_3D[runner.key] for runner in self.runners],
                    "line": {"color": "white", "width": 1},
                },
                "text": labels,
                "name": "now",
                "showlegend": False,
                "meta": "heads 3d",
                "hovertemplate": HEAD_HOVER,
            },
            head_2d
            | on_2d
            | {
                "type": "scatter",
                "mode": "markers",
                "marker": {
                    "size": 15,
                    "color": colours,
                    "symbol": [SYMBOLS[runner.key] for runner in self.runners],
                    "line": {"color": "white", "width": 2},
                },
                "text": labels,
                "name": "now",
                "showlegend": False,
                "meta": "heads 2d",
                "hovertemplate": HEAD_HOVER,
            },
            stop_3d
            | {
                "type": "scatter3d",
                "scene": "scene",
                "mode": "lines",
                "line": {"color": STOP_COLOUR, "width": 8},
                "name": "stopped early ✕",
                "showlegend": False,
                "meta": "stops 3d",
                "hoverinfo": "skip",
            },
            stop_2d
            | on_2d
            | {
                "type": "scatter",
                "mode": "markers",
                "marker": stop_marker | {"size": 22, "line": {"color": STOP_COLOUR, "width": 5}},
                "name": "stopped early ✕",
                "showlegend": bool(len(stop_2d["x"])),
                "meta": "stops 2d",
                "hovertemplate": "%{text}<extra></extra>",
            },
        ]
        return traces


HEAD_HOVER = "%{text}<br>x = %{x:.4~g}<br>y = %{y:.4~g}<extra></extra>"


# --- the loss --------------------------------------------------------------------------------


# --- basins ----------------------------------------------------------------------------------
