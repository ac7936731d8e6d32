"""Figure builders for the Descent page: core results in, plotly Figures out. No Streamlit.

- `race_figure`: the 3D surface and the 2D map of f side by side in ONE figure, so that one set
  of plotly frames moves every racer on both views at once (Play at three speeds, Pause, a step
  slider). The figure opens on the finished race; Play replays it from the start. The map is a
  shaded image with level curves drawn as lines, not a contour trace (see "the map under the
  race" for why).
- `loss_figure`: f against the step for every racer, on a log axis when every value is positive,
  otherwise on a symmetric log axis (sign(f)·log10(1 + |f|/c)) labelled with real values of f.
- `basins_figure`: every start of a grid coloured by where the optimizer took it.

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

import base64
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass

import contourpy
import numpy as np
import plotly.graph_objects as go
from PIL import Image

from core import DIVERGED, UNDEFINED, UNSETTLED
from pages.descent.settings import BY_KEY
from ui.plots.arrays import f32, fmt, window
from ui.plots.axes import LIFT, equal_scale, scene_aspect, scene_axis, z_limits
from ui.plots.config import (
    FONT,
    LIGHT_GRID,
    TITLE_FONT_SIZE,
    base_layout,
    legend_layout,
    notes_annotation,
)
from ui.plots.surface import surface_trace

# One colour per racer, never re-used for anything else on the page. Picked so that every pair
# stays apart (CIELAB distance >= 22) for normal vision and simulated protanopia and deuteranopia
# (>= 18 for tritanopia), and far from the light greys of the surface and the colours of
# ui/theme.py (slices, gradient, plane). Each racer also has its own marker shape, so no one
# has to tell racers apart by colour alone.
COLOURS = {
    "gd": "#1A85FF",  # blue
    "momentum": "#8B4513",  # brown
    "nesterov": "#CC79A7",  # pink
    "adagrad": "#66A61E",  # green
    "rmsprop": "#33BBEE",  # cyan
    "adam": "#5D3A9B",  # purple
    "newton": "#2F4F4F",  # dark slate
}
SYMBOLS = {
    "gd": "circle",
    "momentum": "square",
    "nesterov": "diamond",
    "adagrad": "triangle-up",
    "rmsprop": "triangle-down",
    "adam": "pentagon",
    "newton": "hexagon",
}
SYMBOLS_3D = {
    "gd": "circle",
    "momentum": "square",
    "nesterov": "diamond",
    "adagrad": "circle-open",
    "rmsprop": "square-open",
    "adam": "diamond-open",
    "newton": "cross",
}
# A light grey scale (low = darker) so that the coloured paths are what the eye follows.
GREYS = [[0.0, "#a9a9a9"], [0.5, "#dcdcdc"], [1.0, "#fbfbfb"]]
START_COLOUR = "#ffffff"
STOP_COLOUR = "#d00000"  # the ✕ where a racer stopped early: the one alarm colour on the page
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
LOSS_HEIGHT = 460
BASINS_HEIGHT = 640
PLOTS_BOTTOM = 0.14  # paper share under the two plots: the buttons and the slider
STOPPED_EARLY = frozenset({"diverged", "undefined", "stuck"})

# Basin map colours: one per critical point (cycled if there are more), then the outcomes that
# reach none. Okabe-Ito-like, light enough to print black markers on.
BASIN_COLOURS = (
    "#E69F00",
    "#56B4E9",
    "#009E73",
    "#F0E442",
    "#CC79A7",
    "#0072B2",
    "#D55E00",
    "#999999",
    "#A6761D",
    "#B2DF8A",
)
OUTCOME_COLOURS = {"diverged": "#2b2b2b", "unsettled": "#c8c8c8", "undefined": "#ffffff"}
# core.Basins labels for the outcomes that reach no critical point.
OUTCOME_LABELS = {"diverged": DIVERGED, "unsettled": UNSETTLED, "undefined": UNDEFINED}
KIND_SYMBOLS = {
    "minimum": "circle",
    "maximum": "triangle-up",
    "saddle": "x",
    "degenerate": "diamond",
}






@dataclass(frozen=True)
class Runner:
    """A racer on the page: its key (pages.descent.settings.RACERS) and its core.Descent."""

    key: str
    descent: object

    @property
    def label(self) -> str:
        return BY_KEY[self.key].label

    @property
    def colour(self) -> str:
        return COLOURS[self.key]

    @property
    def last(self) -> int:
        return len(self.descent.path) - 1

    @property
    def stopped_early(self) -> bool:
        return self.descent.status in STOPPED_EARLY

    @property
    def lr(self) -> float:
        return float(self.descent.hyperparameters.get("lr", math.nan))


def status_words(runner: Runner) -> str:
    """The racer's outcome in a few words, for a legend."""
    descent = runner.descent
    at = descent.stopped_at if descent.stopped_at is not None else runner.last
    return {
        "finished": f"{runner.last} steps",
        "converged": f"converged at step {at}",
        "diverged": f"diverged at step {at}",
        "undefined": f"left f's domain at step {at}",
        "stuck": f"stuck at step {at}",
    }.get(descent.status, descent.status)


def legend_name(runner: Runner) -> str:
    mark = " ✕" if runner.stopped_early else ""
    return f"{runner.label} (lr {runner.lr:g}): {status_words(runner)}{mark}"


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


# --- the map under the race ----------------------------------------------------------------
# A contour or heatmap trace is wiped and redrawn by every frame of an animation that has a 3D
# scene (frames with 3D traces need redraw=True, which re-plots every trace; measured in
# Chromium: during Play the contour was missing from nearly every painted frame). Layout images
# and scatter traces survive a redraw, so the map is built from those: a shaded image of f,
# its level curves as polylines (contourpy), their labels, and an invisible grid of
# markers that answers hover (x, y, f) and clicks.

LEVELS = 14
PICK_GRID = 30  # markers per side of the invisible hover/click grid
LEVEL_COLOUR = "rgba(60, 60, 60, 0.55)"
LABEL_COLOUR = "#333333"


def nice_levels(values: np.ndarray, count: int = LEVELS) -> np.ndarray:
    """About `count` levels at evenly spaced quantiles of f on the grid, rounded to two
    significant digits: every part of the map gets level curves, also a deep narrow valley that
    evenly spaced levels would give one line (Himmelblau: 0 to 900, its minima near 0)."""
    finite = np.asarray(values, dtype=np.float64)
    finite = finite[np.isfinite(finite)]
    if finite.size == 0 or finite.min() == finite.max():
        return np.array([])
    low, high = float(finite.min()), float(finite.max())
    raw = np.quantile(finite, np.linspace(0, 1, count + 2)[1:-1])
    with np.errstate(divide="ignore"):
        digits = 1 - np.floor(np.log10(np.maximum(np.abs(raw), 1e-300)))
    rounded = np.array([round(value, int(d)) for value, d in zip(raw, digits, strict=True)])
    levels = np.unique(rounded)
    return levels[(levels > low) & (levels < high)]


def level_curves(x: np.ndarray, y: np.ndarray, z: np.ndarray, level: float) -> list[np.ndarray]:
    """The curve z = level as polylines (each (n, 2) of x, y), interpolated linearly along the
    grid's cell edges by contourpy (Matplotlib's contouring); cells with a NaN corner are
    skipped."""
    z = np.ma.masked_invalid(np.asarray(z, dtype=np.float64))
    generator = contourpy.contour_generator(
        np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64), z, line_type="Separate"
    )
    return [line for line in generator.lines(level) if len(line) > 1]


def shading_image(grid) -> dict | None:
    """f as a grey PNG laid under the 2D axes (low = darker); transparent where f is
    undefined. None when f is undefined on the whole window."""
    if grid.z_range is None:
        return None
    low, high = grid.z_range
    z = np.asarray(grid.z, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        share = np.clip((z - low) / (high - low), 0.0, 1.0) if high > low else np.zeros_like(z)
    stops = np.array([stop for stop, _ in GREYS])
    shades = np.array([int(colour[1:3], 16) for _, colour in GREYS], dtype=np.float64)
    grey = np.interp(np.nan_to_num(share), stops, shades).astype(np.uint8)
    alpha = np.where(np.isfinite(z), 255, 0).astype(np.uint8)
    image = Image.fromarray(np.dstack([grey, alpha])[::-1], mode="LA")  # row 0 = top = ymax
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    (xmin, xmax), (ymin, ymax) = window(grid)
    half_x = (xmax - xmin) / max(len(grid.x) - 1, 1) / 2
    half_y = (ymax - ymin) / max(len(grid.y) - 1, 1) / 2
    return {
        "source": "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode(),
        "xref": "x",
        "yref": "y",
        "x": xmin - half_x,
        "y": ymax + half_y,
        "sizex": xmax - xmin + 2 * half_x,
        "sizey": ymax - ymin + 2 * half_y,
        "sizing": "stretch",
        "xanchor": "left",
        "yanchor": "top",
        "layer": "below",
        "name": "f shading",
    }


def level_lines(grid) -> list[dict]:
    """The 2D map's traces: level curves (one trace, NaN between segments), a label per level,
    and the invisible pick grid (hover x, y, f; clicks land on its nearest marker)."""
    x, y, z = (np.asarray(a, dtype=np.float64) for a in (grid.x, grid.y, grid.z))
    on_2d = {"xaxis": "x", "yaxis": "y", "showlegend": False}
    traces = []
    if grid.z_range is not None:
        lines_x, lines_y, label_x, label_y, label_text = [], [], [], [], []
        levels = nice_levels(z)
        (xmin, xmax), (ymin, ymax) = window(grid)
        for k, level in enumerate(levels):
            curves = level_curves(x, y, z, level)
            if not curves:
                continue
            for line in curves:
                lines_x += [line[:, 0], [np.nan]]
                lines_y += [line[:, 1], [np.nan]]
            if len(levels) > 8 and k % 2:
                continue  # label every other level when there are many
            # A label on the curve's vertex nearest a point that moves along the diagonal with
            # the level (away from the edges), so that labels spread over the map.
            share = 0.25 + 0.5 * (k + 0.5) / len(levels)
            anchor = np.array([xmin + share * (xmax - xmin), ymin + share * (ymax - ymin)])
            middles = np.concatenate(curves)
            inner = (np.abs(middles[:, 0] - (xmin + xmax) / 2) < 0.4 * (xmax - xmin)) & (
                np.abs(middles[:, 1] - (ymin + ymax) / 2) < 0.4 * (ymax - ymin)
            )
            if not inner.any():
                continue  # only near the edges: a label there would sit on the axes
            middles = middles[inner]
            nearest = middles[np.argmin(np.hypot(*(middles - anchor).T))]
            label_x.append(nearest[0])
            label_y.append(nearest[1])
            label_text.append(fmt(level))
        if lines_x:
            traces.append(
                on_2d
                | {
                    "type": "scatter",
                    "mode": "lines",
                    "x": f32(np.concatenate(lines_x)),
                    "y": f32(np.concatenate(lines_y)),
                    "line": {"color": LEVEL_COLOUR, "width": 1},
                    "name": "level curves",
                    "meta": "level curves",
                    "hoverinfo": "skip",
                }
            )
            traces.append(
                on_2d
                | {
                    "type": "scatter",
                    "mode": "text",
                    "x": f32(label_x),
                    "y": f32(label_y),
                    "text": label_text,
                    "textfont": {"size": 14, "color": LABEL_COLOUR},
                    "name": "levels",
                    "meta": "level labels",
                    "hoverinfo": "skip",
                }
            )
    cols = np.unique(np.linspace(0, len(x) - 1, min(PICK_GRID, len(x))).round().astype(int))
    rows = np.unique(np.linspace(0, len(y) - 1, min(PICK_GRID, len(y))).round().astype(int))
    pick_x, pick_y = np.meshgrid(x[cols], y[rows])
    traces.append(
        on_2d
        | {
            "type": "scatter",
            "mode": "markers",
            "x": f32(pick_x.ravel()),
            "y": f32(pick_y.ravel()),
            "customdata": f32(z[np.ix_(rows, cols)].ravel()),
            "marker": {"size": 12, "color": "rgba(0, 0, 0, 0)"},
            "name": "f(x, y)",
            "meta": "pick grid",
            "hovertemplate": "x = %{x:.4~g}<br>y = %{y:.4~g}<br>f = %{customdata:.4~g}"
            "<extra></extra>",
        }
    )
    return traces


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
    xlim, ylim = window(grid)
    zlim = z_limits(grid.z_range, start_value)
    aspect = scene_aspect(xlim, ylim)
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

    scene = {
        "domain": {"x": [0.05, 0.5], "y": [PLOTS_BOTTOM, 1.0]},
        "xaxis": scene_axis("x", xlim),
        "yaxis": scene_axis("y", ylim),
        "zaxis": scene_axis("f(x, y)", zlim),
        "aspectmode": "manual",
        "aspectratio": aspect,
        "dragmode": "turntable",
        "camera": camera if camera is not None else DEFAULT_CAMERA,
        "uirevision": "race",
    }
    axis2d = {
        "showgrid": False,
        "zeroline": False,
        "ticks": "outside",
        "mirror": True,
        "showline": True,
        "linecolor": "#444444",
        "constrain": "domain",
    }
    xaxis = axis2d | {
        "title": {"text": "x", "font": {"size": TITLE_FONT_SIZE}, "standoff": 4},
        "range": list(xlim),
        "domain": [0.57, 1.0],
        "anchor": "y",
    }
    yaxis = axis2d | {
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


def symlog(values: np.ndarray, c: float) -> np.ndarray:
    """sign(v)·log10(1 + |v|/c): like log10 for |v| >> c, linear through 0."""
    values = np.asarray(values, dtype=np.float64)
    with np.errstate(all="ignore"):
        return np.sign(values) * np.log10(1.0 + np.abs(values) / c)


def symlog_scale(values: np.ndarray) -> float:
    """The linear threshold c: a thousandth of the typical nonzero |f| (1 when all are 0)."""
    finite = np.abs(values[np.isfinite(values)])
    nonzero = finite[finite > 0]
    return float(1e-3 * np.median(nonzero)) if nonzero.size else 1.0


def _symlog_ticks(low: float, high: float, c: float) -> tuple[list[float], list[str]]:
    """Ticks for a symlog axis showing [low, high] (symlog units): 0 and ±10^k, at most about
    five powers per side, labelled in f's units. Powers within 10c of 0 are left out (there the
    axis is nearly linear and they would crowd the 0)."""
    values, texts = [0.0], ["0"]
    top = max(abs(low), abs(high))
    if top <= 0:
        return values, texts
    f_top = c * (10.0**top - 1.0)
    k_low = math.ceil(math.log10(c)) + 1
    k_high = math.floor(math.log10(f_top)) if f_top > 0 else k_low
    if k_high < k_low:
        return values, texts
    stride = max(1, math.ceil((k_high - k_low + 1) / 5))
    for k in range(k_high, k_low - 1, -stride):
        position = float(symlog(np.array([10.0**k]), c)[0])
        for sign in (1, -1):
            at = sign * position
            if low <= at <= high:
                values.append(at)
                texts.append(("−" if sign < 0 else "") + _power(k))
    return values, texts


def _power(k: int) -> str:
    return {0: "1", 1: "10"}.get(k, f"10<sup>{k}</sup>")


def _loss_axis_values(values: np.ndarray, positive: bool, c: float) -> np.ndarray:
    """What the loss chart plots: f itself on a log axis (cut to what float32 carries), else
    symlog(f), which is small whatever f is."""
    if positive:
        with np.errstate(invalid="ignore"):
            return f32(np.clip(values, 1e-37, 1e37))
    return f32(symlog(values, c))


def loss_figure(runners: Sequence[Runner], *, height: int = LOSS_HEIGHT) -> tuple[go.Figure, str]:
    """f against the step for every racer, and a sentence saying how the y axis is scaled."""
    finite = [
        np.asarray(r.descent.values, dtype=np.float64)[np.isfinite(r.descent.values)]
        for r in runners
    ]
    everything = np.concatenate(finite) if finite else np.array([])
    positive = everything.size > 0 and bool(np.all(everything > 0))
    c = symlog_scale(everything)
    traces = []
    for runner in runners:
        values = np.asarray(runner.descent.values, dtype=np.float64)
        shown = _loss_axis_values(values, positive, c)
        trace = {
            "type": "scatter",
            "mode": "lines",
            "x0": 0,
            "dx": 1,
            "y": shown,
            "line": {"color": runner.colour, "width": 4},
            "name": legend_name(runner),
            "meta": f"{runner.key} loss",
            "hovertemplate": f"{runner.label}<br>step %{{x}}<br>f = %{{y:.6~g}}<extra></extra>",
        }
        if not positive:  # the axis shows symlog(f): hover shows f itself
            trace["customdata"] = values
            trace["hovertemplate"] = trace["hovertemplate"].replace("%{y:", "%{customdata:")
        traces.append(trace)
        if runner.stopped_early and len(values):
            traces.append(
                {
                    "type": "scatter",
                    "mode": "markers",
                    "x": [len(values) - 1],
                    "y": [float(shown[-1])] if np.isfinite(shown[-1]) else [],
                    "marker": {
                        "size": 20,
                        "color": STOP_COLOUR,
                        "symbol": "x-thin",
                        "line": {"color": STOP_COLOUR, "width": 5},
                    },
                    "name": f"{runner.label} stopped",
                    "meta": f"{runner.key} loss stop",
                    "showlegend": False,
                    "hovertemplate": f"{runner.label}: {runner.descent.message}<extra></extra>",
                }
            )
    yaxis = {
        "showgrid": True,
        "gridcolor": LIGHT_GRID,
        "showline": True,
        "linecolor": "#444444",
        "ticks": "outside",
        "title": {"font": {"size": TITLE_FONT_SIZE}},
    }
    if positive:
        yaxis |= {"type": "log", "exponentformat": "power"}
        yaxis["title"]["text"] = "f (log scale)"
        note = "The y axis is logarithmic: every value of f on these paths is positive."
    else:
        shown_all = symlog(everything, c) if everything.size else np.array([0.0])
        low, high = float(shown_all.min()), float(shown_all.max())
        pad = 0.05 * max(high - low, 1e-9)
        tickvals, ticktext = _symlog_ticks(low - pad, high + pad, c)
        yaxis |= {"tickvals": tickvals, "ticktext": ticktext, "range": [low - pad, high + pad]}
        yaxis["title"]["text"] = "f (symmetric log scale)"
        note = (
            "f is zero or negative somewhere on these paths, so a log axis cannot show it: the y "
            f"axis is a symmetric log, sign(f)·log₁₀(1 + |f|/c) with c = {c:.3g}, labelled with "
            "the values of f (logarithmic far from 0, linear within ±c). Hover shows f exactly."
        )
    layout = {
        **base_layout(height),
        "margin": {"l": 80, "r": 10, "t": 10, "b": 60},
        "xaxis": {
            "title": {"text": "step", "font": {"size": TITLE_FONT_SIZE}},
            "showgrid": True,
            "gridcolor": LIGHT_GRID,
            "showline": True,
            "linecolor": "#444444",
            "ticks": "outside",
            "rangemode": "tozero",
        },
        "yaxis": yaxis,
        "legend": legend_layout(y=-0.18, yanchor="top"),
        "showlegend": False,
        "hovermode": "closest",
    }
    if not everything.size:
        layout["annotations"] = [notes_annotation(["f is undefined along every path"])]
    return go.Figure(data=traces, layout=layout), note


# --- basins ----------------------------------------------------------------------------------


def basin_categories(basins) -> list[tuple[int, str, str]]:
    """(label, name, colour) of every category present in the map: critical points first."""
    labels = np.asarray(basins.labels)
    present = set(np.unique(labels).tolist())
    categories = []
    span = max(float(np.ptp(basins.x)), float(np.ptp(basins.y)), 1e-300)
    for index, point in enumerate(basins.critical):
        if index in present:
            where = f"({_coordinate(point.x, span)}, {_coordinate(point.y, span)})"
            name = f"{point.kind} {where}"
            categories.append((index, name, BASIN_COLOURS[index % len(BASIN_COLOURS)]))
    for outcome, label in OUTCOME_LABELS.items():
        if label in present:
            categories.append((label, outcome, OUTCOME_COLOURS[outcome]))
    return categories


def _coordinate(value: float, span: float) -> str:
    """A critical point's coordinate for a legend: 0 when it is 0 to a millionth of the window
    (Newton's polish leaves 1e-9 of noise), else four significant digits."""
    return "0" if abs(value) < 1e-6 * span else fmt(value)


def basins_figure(
    basins,
    start: tuple[float, float],
    *,
    title: str = "",
    height: int = BASINS_HEIGHT,
) -> go.Figure:
    """Each start coloured by where the optimizer took it; critical points and the start marked.

    A heatmap of category codes (0..n-1, small ints) with a stepwise colour scale, and one legend
    entry per category (empty scatter traces: a heatmap has no legend of its own)."""
    labels = np.asarray(basins.labels)
    categories = basin_categories(basins)
    code = np.full(labels.shape, 0, dtype=np.int8)
    for index, (label, _, _) in enumerate(categories):
        code[labels == label] = index
    n = max(len(categories), 1)
    scale = []
    for index, (_, _, colour) in enumerate(categories or [(0, "", "#ffffff")]):
        scale += [[index / n, colour], [(index + 1) / n, colour]]
    x, y = np.asarray(basins.x), np.asarray(basins.y)
    traces = [
        {
            "type": "heatmap",
            "x": f32(x),
            "y": f32(y),
            "z": code,
            "zmin": -0.5,
            "zmax": n - 0.5,
            "colorscale": scale,
            "showscale": False,
            "name": "basins",
            "meta": "basins",
            "hovertemplate": "start (%{x:.3~g}, %{y:.3~g})<extra></extra>",
        }
    ]
    for _, name, colour in categories:
        traces.append(
            {
                "type": "scatter",
                "mode": "markers",
                "x": [None],
                "y": [None],
                "marker": {
                    "size": 18,
                    "symbol": "square",
                    "color": colour,
                    "line": {"color": "#444444", "width": 1},
                },
                "name": name,
                "meta": "basin legend",
                "hoverinfo": "skip",
            }
        )
    for index, point in enumerate(basins.critical):
        traces.append(
            {
                "type": "scatter",
                "mode": "markers",
                "x": [point.x],
                "y": [point.y],
                "marker": {
                    "size": 16,
                    "symbol": KIND_SYMBOLS.get(point.kind, "circle"),
                    "color": "black",
                    "line": {"color": "white", "width": 2},
                },
                "name": point.kind,
                "legendgroup": point.kind,
                "showlegend": False,
                "meta": "critical point",
                "hovertemplate": f"{point.kind} #{index + 1}<br>({fmt(point.x)}, {fmt(point.y)})"
                f"<br>f = {fmt(point.value)}<extra></extra>",
            }
        )
    kinds = list(dict.fromkeys(point.kind for point in basins.critical))
    for kind in kinds:  # one legend entry per kind of critical point
        traces.append(
            {
                "type": "scatter",
                "mode": "markers",
                "x": [None],
                "y": [None],
                "marker": {
                    "size": 14,
                    "symbol": KIND_SYMBOLS.get(kind, "circle"),
                    "color": "black",
                    "line": {"color": "white", "width": 2},
                },
                "name": f"{kind} (critical point)",
                "meta": "kind legend",
                "hoverinfo": "skip",
            }
        )
    traces.append(
        {
            "type": "scatter",
            "mode": "markers",
            "x": [start[0]],
            "y": [start[1]],
            "marker": {
                "size": 18,
                "symbol": "star",
                "color": START_COLOUR,
                "line": {"color": "black", "width": 2},
            },
            "name": "start (x₀, y₀)",
            "meta": "start",
            "hoverinfo": "name",
        }
    )
    xlim = (float(x[0]), float(x[-1]))
    ylim = (float(y[0]), float(y[-1]))
    axis = {
        "showgrid": False,
        "zeroline": False,
        "ticks": "outside",
        "mirror": True,
        "showline": True,
        "linecolor": "#444444",
        "constrain": "domain",
    }
    yaxis = axis | {"title": {"text": "y", "font": {"size": TITLE_FONT_SIZE}}, "range": list(ylim)}
    if equal_scale(xlim, ylim):
        yaxis |= {"scaleanchor": "x", "scaleratio": 1}
    layout = {
        **base_layout(height),
        "margin": {"l": 60, "r": 10, "t": 40 if title else 10, "b": 50},
        "xaxis": axis
        | {"title": {"text": "x", "font": {"size": TITLE_FONT_SIZE}}, "range": list(xlim)},
        "yaxis": yaxis,
        "legend": {
            "orientation": "v",
            "x": 1.02,
            "xanchor": "left",
            "y": 1.0,
            "yanchor": "top",
            "font": FONT | {"size": 16},
            "itemsizing": "constant",
        },
        "showlegend": True,
        "hovermode": "closest",
    }
    if title:
        layout["title"] = {"text": title, "font": {"size": TITLE_FONT_SIZE}, "x": 0.0}
    if not list(basins.critical):
        note = notes_annotation(["no critical point of f in this window"])
        layout["annotations"] = [note]
    return go.Figure(data=traces, layout=layout)
