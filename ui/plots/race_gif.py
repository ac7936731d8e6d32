"""An optimizer race as an animated GIF, drawn on the server with Pillow (no browser, no kaleido).

The picture is the race's map: f over the window in the light greys of the page's map (low =
darker) with its level curves, and per frame each racer's path up to that step in its colour with
its marker at the head, a ✕ (drawn, not a glyph) where a racer stopped early, the start as a white
star, the step in the title and a legend under the map. One frame per frame of the page's
animation (the caller passes the same steps).

Every frame is drawn straight in palette mode with one fixed palette (the greys, the racers'
colours, black, white, red), so nothing is quantized and Pillow stores each frame as the
rectangle that changed: a race of 61 frames is a few hundred kilobytes. Plain data in, bytes out:
no Streamlit, no Plotly, tested without a server.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw, ImageFont

MAP_SIZE = 480  # pixels per side of the map
LEFT, TOP, RIGHT = 64, 44, 24  # margins: y ticks, title, a little air
TICKS = 30  # the x tick labels under the map
LEGEND_ROW = 24
FRAME_MS = 100  # as the page's animation at 1x (pages/descent/race.py)
LAST_FRAME_MS = 1500  # the finish stays on screen before the loop starts again
MAX_POINTS = 300  # drawn per path: smooth at MAP_SIZE pixels, and a frame stays cheap
FAR = 4.0  # path points further than this many windows away are not drawn (and cannot overflow)

GREY_SHADES = 64
# Palette indices after the greys.
LEVEL, WHITE, BLACK, RED, FRAME_GREY = range(GREY_SHADES, GREY_SHADES + 5)
FIRST_RACER = FRAME_GREY + 1
LEVEL_RGB, FRAME_RGB, STOP_RGB = (110, 110, 110), (68, 68, 68), (208, 0, 0)
# The regular polygon of each marker: (sides, rotation in degrees); 0 sides is a circle.
POLYGONS = {
    "circle": (0, 0),
    "square": (4, 0),
    "diamond": (4, 45),
    "triangle-up": (3, 0),
    "triangle-down": (3, 180),
    "pentagon": (5, 0),
    "hexagon": (6, 0),
}


@dataclass(frozen=True)
class GifRacer:
    """One racer as the GIF draws it: `path` (k+1, 2), `stop` the path index of its ✕ (None
    when it did not stop early), `symbol` a key of POLYGONS."""

    label: str
    colour: str  # #rrggbb
    symbol: str
    path: np.ndarray
    stop: int | None = None


def _rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))


def _font(size: int) -> ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def _palette(greys: Sequence[tuple[float, str]], racers: Sequence[GifRacer]) -> list[int]:
    stops = [stop for stop, _ in greys]
    shades = [_rgb(colour)[0] for _, colour in greys]
    colours = [
        (round(np.interp(i / (GREY_SHADES - 1), stops, shades)),) * 3 for i in range(GREY_SHADES)
    ]
    colours += [LEVEL_RGB, (255, 255, 255), (0, 0, 0), STOP_RGB, FRAME_RGB]
    colours += [_rgb(racer.colour) for racer in racers]
    flat = [channel for colour in colours for channel in colour]
    return flat + [0] * (768 - len(flat))


def _map_image(x, y, z, z_range, levels) -> Image.Image:
    """f over the window at MAP_SIZE pixels (bilinear between grid points), as palette indices:
    greys by value, level lines where the band changes, white where f is undefined."""
    z = np.asarray(z, dtype=np.float64)[::-1]  # row 0 = the top = ymax
    finite = np.isfinite(z)
    if z_range is None or not finite.any():
        return Image.new("P", (MAP_SIZE, MAP_SIZE), WHITE)
    low, high = z_range
    size = (MAP_SIZE, MAP_SIZE)
    smooth = Image.fromarray(np.where(finite, z, low).astype(np.float32), mode="F")
    values = np.asarray(smooth.resize(size, Image.Resampling.BILINEAR))
    defined = np.asarray(Image.fromarray(finite).resize(size, Image.Resampling.NEAREST))
    with np.errstate(invalid="ignore"):
        share = np.clip((values - low) / (high - low), 0, 1) if high > low else values * 0
    index = np.round(share * (GREY_SHADES - 1)).astype(np.uint8)
    bands = np.searchsorted(np.asarray(levels, dtype=np.float64), values)
    edge = np.zeros(size, dtype=bool)
    edge[:, 1:] |= bands[:, 1:] != bands[:, :-1]
    edge[1:, :] |= bands[1:, :] != bands[:-1, :]
    index[edge] = LEVEL
    index[~defined] = WHITE
    return Image.fromarray(index, mode="P")


class _Pixels:
    """Window coordinates to pixels of the map image (y up)."""

    def __init__(self, xlim, ylim) -> None:
        self.xlim, self.ylim = xlim, ylim

    def __call__(self, points: np.ndarray) -> np.ndarray:
        (x0, x1), (y0, y1) = self.xlim, self.ylim
        px = (points[:, 0] - x0) / (x1 - x0) * (MAP_SIZE - 1)
        py = (y1 - points[:, 1]) / (y1 - y0) * (MAP_SIZE - 1)
        return np.column_stack([px, py])


class _Track:
    """A racer's path as the frames draw it: at most MAX_POINTS points (every frame's step among
    them, so that a path ends at its marker), in pixels, in runs broken where a point is undefined
    or far outside the window (which also keeps Pillow's integers from overflowing)."""

    def __init__(self, pixels: np.ndarray, steps: np.ndarray) -> None:
        last = len(pixels) - 1
        even = np.round(np.linspace(0, last, min(last, MAX_POINTS - 1) + 1)).astype(int)
        self.index = np.unique(np.concatenate([even, np.clip(steps, 0, last)]))
        chosen = pixels[self.index]
        with np.errstate(invalid="ignore"):
            good = np.isfinite(chosen).all(axis=1) & (np.abs(chosen) < FAR * MAP_SIZE).all(axis=1)
        self.points = [(float(px), float(py)) for px, py in np.nan_to_num(chosen)]
        padded = np.concatenate([[False], good, [False]])
        edges = np.flatnonzero(padded[1:] != padded[:-1])
        self.runs = list(zip(edges[::2], edges[1::2], strict=True))  # [start, end) of good spans

    def lines(self, step: int) -> list[list[tuple[float, float]]]:
        """The polylines of the path up to `step`."""
        shown = int(np.searchsorted(self.index, step, side="right"))
        return [self.points[a : min(b, shown)] for a, b in self.runs if a < shown]


def _marker(draw, at, symbol: str, fill: int, radius: float) -> None:
    sides, rotation = POLYGONS.get(symbol, (0, 0))
    box = (at[0] - radius, at[1] - radius, at[0] + radius, at[1] + radius)
    if sides == 0:
        draw.ellipse(box, fill=fill, outline=BLACK, width=1)
    else:
        draw.regular_polygon((*at, radius * 1.15), sides, rotation, fill=fill, outline=BLACK)


def _cross(draw, at, radius: float) -> None:
    x, y = at
    for dx in (-radius, radius):
        draw.line([(x - dx, y - radius), (x + dx, y + radius)], fill=RED, width=4)


def _star(draw, at, radius: float) -> None:
    angles = np.pi / 2 + np.arange(10) * np.pi / 5
    lengths = np.where(np.arange(10) % 2, radius * 0.45, radius)
    points = [
        (at[0] + r * math.cos(a), at[1] - r * math.sin(a))
        for a, r in zip(angles, lengths, strict=True)
    ]
    draw.polygon(points, fill=WHITE, outline=BLACK, width=2)


def _tick(value: float) -> str:
    return f"{value:.4g}"


def race_gif(
    x: np.ndarray,
    y: np.ndarray,
    z: np.ndarray,
    z_range: tuple[float, float] | None,
    levels: Sequence[float],
    greys: Sequence[tuple[float, str]],
    racers: Sequence[GifRacer],
    start: tuple[float, float],
    steps: Sequence[int],
    title: str,
) -> bytes:
    """The race as an animated GIF: one frame per entry of `steps` (path index shown at that
    frame; a racer that stopped earlier stays at its last point). x (n,), y (m,), z (m, n): f on
    the grid; z_range: the shading's range; levels: the level curves' values; greys: the map's
    colour scale [(stop, "#rrggbb"), ...] from dark (low f) to light."""
    xlim = (float(x[0]), float(x[-1]))
    ylim = (float(y[0]), float(y[-1]))
    palette = _palette(greys, racers)
    width = LEFT + MAP_SIZE + RIGHT
    height = TOP + MAP_SIZE + TICKS + LEGEND_ROW * max(len(racers), 1) + 10
    small, large = _font(14), _font(17)

    background = Image.new("P", (width, height), WHITE)
    background.putpalette(palette)
    draw = ImageDraw.Draw(background)
    right, bottom = LEFT + MAP_SIZE, TOP + MAP_SIZE
    draw.rectangle((LEFT - 1, TOP - 1, right, bottom), outline=FRAME_GREY, width=1)
    draw.text((LEFT, bottom + 4), _tick(xlim[0]), fill=BLACK, font=small)
    draw.text((right, bottom + 4), _tick(xlim[1]), fill=BLACK, font=small, anchor="ra")
    draw.text((LEFT + MAP_SIZE / 2, bottom + 4), "x", fill=BLACK, font=small, anchor="ma")
    draw.text((LEFT - 6, bottom), _tick(ylim[0]), fill=BLACK, font=small, anchor="rb")
    draw.text((LEFT - 6, TOP), _tick(ylim[1]), fill=BLACK, font=small, anchor="rt")
    draw.text((LEFT - 6, TOP + MAP_SIZE / 2), "y", fill=BLACK, font=small, anchor="rm")
    draw.text((LEFT, TOP / 2), title, fill=BLACK, font=large, anchor="lm")
    for number, racer in enumerate(racers):
        row = bottom + TICKS + LEGEND_ROW * number + LEGEND_ROW / 2
        colour = FIRST_RACER + number
        draw.line([(LEFT, row), (LEFT + 28, row)], fill=colour, width=4)
        _marker(draw, (LEFT + 14, row), racer.symbol, colour, 6)
        draw.text((LEFT + 38, row), racer.label, fill=BLACK, font=small, anchor="lm")

    base_map = _map_image(x, y, z, z_range, levels)
    base_map.putpalette(palette)
    pixels = _Pixels(xlim, ylim)
    start_at = pixels(np.array([start], dtype=np.float64))[0]
    paths = [pixels(np.asarray(racer.path, dtype=np.float64)) for racer in racers]
    tracks = [_Track(path, np.asarray(steps, dtype=int)) for path in paths]
    total = max((len(racer.path) - 1 for racer in racers), default=0)

    frames = []
    for step in steps:
        frame = background.copy()
        area = base_map.copy()
        on_map = ImageDraw.Draw(area)
        if np.isfinite(start_at).all() and (np.abs(start_at) < FAR * MAP_SIZE).all():
            _star(on_map, start_at, 11)
        for number, (racer, path, track) in enumerate(zip(racers, paths, tracks, strict=True)):
            for line in track.lines(step):
                if len(line) > 1:
                    on_map.line(line, fill=FIRST_RACER + number, width=3, joint="curve")
            stopped = racer.stop is not None and step >= racer.stop
            head = path[racer.stop] if stopped else path[min(int(step), len(path) - 1)]
            if np.isfinite(head).all() and (np.abs(head) < FAR * MAP_SIZE).all():
                _marker(on_map, head, racer.symbol, FIRST_RACER + number, 7)
                if stopped:
                    _cross(on_map, head, 9)
        frame.paste(area, (LEFT, TOP))
        words = ImageDraw.Draw(frame)
        words.text((right, TOP / 2), f"step {step} of {total}", fill=BLACK, font=large, anchor="rm")
        frames.append(frame)

    buffer = io.BytesIO()
    durations = [FRAME_MS] * (len(frames) - 1) + [LAST_FRAME_MS]
    frames[0].save(
        buffer,
        format="GIF",
        save_all=True,
        append_images=frames[1:],
        duration=durations,
        loop=0,
    )
    return buffer.getvalue()
