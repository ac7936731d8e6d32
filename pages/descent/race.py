"""The race: the 3D surface and the 2D map of f side by side in ONE figure, so that one set of
plotly frames moves every racer on both views at once (Play at three speeds, Pause, a step
slider). The figure opens on the finished race; Play replays it from the start. The map under it
is pages/descent/race_map.py (why it is not a contour trace: there).

Builders take "descent-like" objects: anything with `path` (k+1, 2), `values` (k+1,),
`gradient_norms` (k+1,), `status`, `stopped_at`, `message` and `hyperparameters` (core.Descent),
so they are tested with plain arrays too.

The payload is bounded whatever the race: at most MAX_FRAMES frames, each carrying only the traces
that move (paths up to that step, thinned to at most PATH_POINTS points, and the current markers).
Arrays go to the browser as float32; values that could overflow float32 (f along a diverging
path) are cut to the 3D box or transformed for the loss axis first (the loss's hover values stay
float64).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from pages.descent.race_map import GREYS, MAP_AXIS, level_lines, shading_image
from pages.descent.runner import COLOURS, START_COLOUR, STOP_COLOUR, SYMBOLS, Runner, legend_name
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
# Milliseconds per frame at 1x, and the speeds offered as Play buttons.
FRAME_MS = 100
SPEEDS = (0.5, 1.0, 2.0)
RACE_HEIGHT = 640
# A little further out than Explore's view: the z labels stay inside the scene's half.
DEFAULT_CAMERA = {"eye": {"x": 2.1, "y": 1.1, "z": 0.95}, "up": {"x": 0, "y": 0, "z": 1}}
PLOTS_BOTTOM = 0.14  # paper share under the two plots: the buttons and the slider


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


def race_figure(
    grid,
    runners: Sequence[Runner],
    start: tuple[float, float],
    start_value: float,
    *,
    camera: dict | None = None,
    height: int = RACE_HEIGHT,
    max_frames: int = MAX_FRAMES,
    path_points: int = PATH_POINTS,
) -> go.Figure:
    """The race on the surface (left) and on the contour map (right), animated together.

    Traces: the surface, the contour, the start (3D, 2D); then per racer six traces with `meta`
    "<key> path 3d", "<key> path 2d", "<key> head 3d", "<key> head 2d", "<key> stop 3d",
    "<key> stop 2d". Every frame updates only the racers' traces."""
    xlim, ylim = grid_window(grid)
    zlim = z_limits(grid.z_range, start_value)
    notes = []
    if grid.z_range is None:
        notes.append("f is undefined everywhere in this window")

    surface = surface_trace(grid) | {
        "colorscale": GREYS,
        "scene": "scene",
        "meta": "surface",
        "opacity": 1.0,
    }
    if grid.z_range is not None:
        surface["cmin"], surface["cmax"] = grid.z_range
    shading = shading_image(grid)
    levels = level_lines(grid)

    x0, y0 = start
    start_3d_z = [start_value + LIFT * (zlim[1] - zlim[0])] if math.isfinite(start_value) else [0]
    start_hover = f"start ({fmt(x0)}, {fmt(y0)})<br>f = {fmt(start_value)}<extra></extra>"
    start_marker = {"size": 16, "color": START_COLOUR, "symbol": "star"}
    traces = [
        surface,
        *levels,
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
    frames = []
    if len(frames_at) > 1 and runners:
        frames = [
            {"name": str(int(step)), "data": moving.at(int(step)), "traces": animated}
            for step in frames_at
        ]

    scene = scene_layout(xlim, ylim, zlim, camera if camera is not None else DEFAULT_CAMERA, "race")
    scene["domain"] = {"x": [0.05, 0.5], "y": [PLOTS_BOTTOM, 1.0]}
    xaxis = MAP_AXIS | {
        "title": {"text": "x", "font": {"size": TITLE_FONT_SIZE}, "standoff": 4},
        "range": list(xlim),
        "domain": [0.57, 1.0],
        "anchor": "y",
    }
    yaxis = MAP_AXIS | {
        "title": {"text": "y", "font": {"size": TITLE_FONT_SIZE}},
        "range": list(ylim),
        "domain": [PLOTS_BOTTOM + 0.05, 1.0],
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
    if frames:
        layout["updatemenus"] = [_play_buttons()]
        layout["sliders"] = [_step_slider(frames_at)]
    else:
        notes.append("nothing to animate: no racer took a step")
    if notes:
        layout["annotations"] = [notes_annotation(notes)]
    return go.Figure(data=traces, layout=layout, frames=frames)


class _Moving:
    """The racers' traces, and what each frame changes in them.

    Per racer a 2D path (it carries the racer's legend entry); the 3D paths of all racers share
    one trace (NaN between racers, a colour code per vertex), and so do the current markers (3D,
    2D) and the ✕ markers (3D, 2D): a frame then updates len(runners) + 5 traces, not 6 per
    racer, which keeps both the bytes and plotly's per-trace work per frame small."""

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
        self.codes = np.array([KEY_CODES[runner.key] for runner in self.runners], dtype=np.uint8)
        # Half an arm of the 3D ✕ along x, y and z, in data units: CROSS in scene units.
        aspect = scene_aspect(xlim, ylim)
        spans = (xlim[1] - xlim[0], ylim[1] - ylim[0], zlim[1] - zlim[0])
        self.cross = tuple(
            CROSS * span / aspect[axis] for span, axis in zip(spans, "xyz", strict=True)
        )

    def _paths_3d(self, step: int) -> dict:
        xs, ys, zs, codes = [], [], [], []
        for (_, samples, flat, z, _), code in zip(self.items, self.codes, strict=True):
            shown = samples[samples <= step]
            xs += [flat[shown, 0], f32([np.nan])]
            ys += [flat[shown, 1], f32([np.nan])]
            zs += [z[shown], f32([np.nan])]
            codes.append(np.full(len(shown) + 1, code, dtype=np.uint8))
        if not xs:
            return {"type": "scatter3d", "x": [], "y": [], "z": [], "line": {"color": []}}
        return {
            "type": "scatter3d",
            "x": np.concatenate(xs),
            "y": np.concatenate(ys),
            "z": np.concatenate(zs),
            "line": {"color": np.concatenate(codes)},
        }

    def _heads(self, step: int) -> tuple[dict, dict]:
        rows = [min(step, runner.last) for runner, *_ in self.items]
        x = f32([flat[row, 0] for (_, _, flat, _, _), row in zip(self.items, rows, strict=True)])
        y = f32([flat[row, 1] for (_, _, flat, _, _), row in zip(self.items, rows, strict=True)])
        z = f32([z[row] for (_, _, _, z, _), row in zip(self.items, rows, strict=True)])
        return {"type": "scatter3d", "x": x, "y": y, "z": z}, {"type": "scatter", "x": x, "y": y}

    def _stops(self, step: int) -> tuple[dict, dict]:
        """The ✕ of every racer that has stopped early by `step`: a marker in 2D; in 3D two
        short crossing lines on the surface (gl3d draws its "x" symbol with an emoji glyph that
        many machines lack)."""
        x, y, z, text = [], [], [], []
        for runner, _, flat, lifted, stop in self.items:
            if stop is not None and step >= runner.last:
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
            {"type": "scatter3d", "x": f32(cross_x), "y": f32(cross_y), "z": f32(cross_z)},
            {"type": "scatter", "x": f32(x), "y": f32(y), "text": text},
        )

    def at(self, step: int) -> list[dict]:
        """The changing parts of every animated trace at `step` (in the order of traces())."""
        paths_2d = []
        for _, samples, flat, _, _ in self.items:
            shown = samples[samples <= step]
            paths_2d.append({"type": "scatter", "x": flat[shown, 0], "y": flat[shown, 1]})
        head_3d, head_2d = self._heads(step)
        stop_3d, stop_2d = self._stops(step)
        return [*paths_2d, self._paths_3d(step), head_3d, head_2d, stop_3d, stop_2d]

    def traces(self) -> list[dict]:
        """The animated traces as the figure opens: the finished race."""
        end = max((runner.last for runner in self.runners), default=0)
        parts = self.at(end)
        labels = [runner.label for runner in self.runners]
        on_2d = {"xaxis": "x", "yaxis": "y"}
        traces = []
        for runner, part in zip(self.runners, parts, strict=False):
            traces.append(
                part
                | on_2d
                | {
                    "mode": "lines",
                    "line": {"color": runner.colour, "width": 4},
                    "name": legend_name(runner),
                    "legendgroup": runner.key,
                    "meta": f"{runner.key} path",
                    "hoverinfo": "skip",
                }
            )
        paths_3d, head_3d, head_2d, stop_3d, stop_2d = parts[len(self.runners) :]
        paths_3d["line"] |= {
            "width": 7,
            "colorscale": RACER_SCALE,
            "cmin": -0.5,
            "cmax": len(KEY_CODES) - 0.5,
        }
        colours = [runner.colour for runner in self.runners]
        stop_marker = {"color": STOP_COLOUR, "symbol": "x-thin"}
        traces += [
            paths_3d
            | {
                "scene": "scene",
                "mode": "lines",
                "name": "paths",
                "showlegend": False,
                "meta": "paths 3d",
                "hoverinfo": "skip",
            },
            head_3d
            | {
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
KEY_CODES = {key: code for code, key in enumerate(COLOURS)}
RACER_SCALE = [
    stop
    for code, colour in enumerate(COLOURS.values())
    for stop in ([code / len(COLOURS), colour], [(code + 1) / len(COLOURS), colour])
]


def _play_buttons() -> dict:
    def play(speed: float) -> dict:
        duration = round(FRAME_MS / speed)
        return {
            "label": f"▶ {speed:g}×",
            "method": "animate",
            "args": [
                None,
                {
                    "frame": {"duration": duration, "redraw": True},
                    "transition": {"duration": 0},
                    "fromcurrent": True,
                    "mode": "immediate",
                },
            ],
        }

    pause = {
        "label": "❚❚ Pause",
        "method": "animate",
        "args": [
            [None],
            {
                "frame": {"duration": 0, "redraw": False},
                "mode": "immediate",
                "transition": {"duration": 0},
            },
        ],
    }
    return {
        "type": "buttons",
        "direction": "left",
        "showactive": False,
        "x": 0.0,
        "xanchor": "left",
        "y": 0.02,
        "yanchor": "bottom",
        "pad": {"l": 0, "r": 10, "t": 0, "b": 0},
        "font": {"size": 16},
        "bgcolor": "#f0f0f0",
        "bordercolor": "#666666",
        "buttons": [play(speed) for speed in SPEEDS] + [pause],
    }


def _step_slider(frames_at: np.ndarray) -> dict:
    steps = [
        {
            "label": str(int(step)),
            "method": "animate",
            "args": [
                [str(int(step))],
                {
                    "frame": {"duration": 0, "redraw": True},
                    "transition": {"duration": 0},
                    "mode": "immediate",
                },
            ],
        }
        for step in frames_at
    ]
    return {
        "active": len(steps) - 1,  # the figure opens on the finished race
        "steps": steps,
        "x": 0.42,
        "len": 0.58,
        "xanchor": "left",
        "y": 0.0,
        "yanchor": "bottom",
        "pad": {"t": 0, "b": 0},
        "currentvalue": {
            "prefix": "step ",
            "visible": True,
            "xanchor": "left",
            "font": {"size": 18, "color": "#111111"},
        },
        # Tick labels for up to 80 steps would overprint; the current value names the step.
        "font": {"size": 10, "color": "rgba(0, 0, 0, 0)"},
        "ticklen": 4,
        "minorticklen": 0,
        "transition": {"duration": 0},
    }


# --- the loss --------------------------------------------------------------------------------


# --- basins ----------------------------------------------------------------------------------
