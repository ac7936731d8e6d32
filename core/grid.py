"""Grids for plotting: f (and its partials) on a window, NaN where undefined, poles cut away.

A pole (tan x, 1/x, 1/(x^2+y^2)) gives a few grid values far outside the rest, and a surface
drawn through them shows a wall. Values outside a robust range (the central 90% of the values,
widened) are cut, but only on a side whose most extreme value behaves like a pole: looking closer
(probes at fractions of a grid step, a few rounds, each closer in) keeps finding values further
out, or the value is a spike that halves a millionth of a step away. A bounded feature (a narrow
Gaussian bump, exp(x) at the window's edge, any polynomial) stops growing, so it keeps its peak.
Known limit: a side holding both a pole and a taller bounded peak is judged by the tallest.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import numbers
from dataclasses import dataclass

import numpy as np

MAX_RESOLUTION = 1000
# The bulk is the central 90% of the values; the range reaches MARGIN bulk-widths beyond it.
BULK_QUANTILES = (0.05, 0.95)
MARGIN = 1.5
# A sample this many times further from the median than the extreme value marks a pole.
POLE_GROWTH = 1.25
# Probes at these fractions of a grid step either side (geometric, to catch a pole at any
# distance below one step), repeated POLE_ROUNDS times closer in.
PROBE_FRACTIONS = 0.5 ** np.arange(0, 31)
POLE_ROUNDS = 4
# Windows must be drawable in float32 (what the browser gets): within this size, at least this
# wide, and wide enough relative to their size for MAX_RESOLUTION distinct float32 steps
# (float32 has a relative spacing of 1.2e-7; 1000 steps need about 1.2e-4).
FLOAT32_LIMIT = 1e30
FLOAT32_SMALLEST_WIDTH = 1e-30
FLOAT32_RELATIVE_WIDTH = 1e-4


def check_window(xlim, ylim) -> tuple[tuple[float, float], tuple[float, float]]:
    """Validate a window: two pairs of finite, increasing numbers. Returns them as floats."""
    return _check_interval("xlim", xlim), _check_interval("ylim", ylim)


def _check_interval(name: str, interval) -> tuple[float, float]:
    try:
        low, high = (float(value) for value in interval)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be two numbers (low, high), got {interval!r}") from None
    if not (math.isfinite(low) and math.isfinite(high)):
        raise ValueError(f"{name} must be finite, got ({low}, {high})")
    if not low < high:
        raise ValueError(f"{name} must be increasing (low < high), got ({low}, {high})")
    if not math.isfinite(high - low):
        raise ValueError(f"{name} is too wide: ({low}, {high})")
    if (high - low) <= 1e-12 * max(abs(low), abs(high)):
        raise ValueError(f"{name} is too narrow to resolve in floating point: ({low}, {high})")
    _check_drawable(name, low, high)
    return low, high


def _check_drawable(name: str, low: float, high: float) -> None:
    """Charts receive float32 (see DESIGN.md): the window must survive that conversion with its
    grid steps still distinct. float32 keeps about 7 digits between about 1e-38 and 3e38, so
    (1e-300, 2e-300) becomes (0, 0) there, and (1, 1 + 1e-6) has no room for a 1000-point grid."""
    if max(abs(low), abs(high)) > FLOAT32_LIMIT:
        raise ValueError(
            f"{name} is too large to draw: ({low:g}, {high:g}); charts use float32 numbers, so "
            f"the window must stay within ±{FLOAT32_LIMIT:g}"
        )
    low32, high32 = np.float32(low), np.float32(high)
    width32 = float(high32) - float(low32)
    if high - low < FLOAT32_SMALLEST_WIDTH or width32 < FLOAT32_RELATIVE_WIDTH * max(
        abs(float(low32)), abs(float(high32))
    ):
        raise ValueError(
            f"{name} is too narrow to draw: ({low:g}, {high:g}); charts use float32 numbers "
            f"(about 7 significant digits, down to about 1e-38), so the window must be at least "
            f"{FLOAT32_SMALLEST_WIDTH:g} wide and {FLOAT32_RELATIVE_WIDTH:g} of its size"
        )


def _check_resolution(resolution) -> tuple[int, int]:
    counts = resolution if isinstance(resolution, tuple | list) else (resolution, resolution)
    if len(counts) != 2:
        raise ValueError(f"resolution must be an int or a pair (nx, ny), got {resolution!r}")
    for count in counts:
        if isinstance(count, bool) or not isinstance(count, numbers.Integral):
            raise ValueError(f"resolution must be whole numbers, got {resolution!r}")
        if not 2 <= count <= MAX_RESOLUTION:
            raise ValueError(f"resolution must be between 2 and {MAX_RESOLUTION}, got {count}")
    return int(counts[0]), int(counts[1])


@dataclass(frozen=True, eq=False)
class Grid:
    """f on a window: z[j, i] = f(x[i], y[j]) (rows follow y, as plotly expects).

    z is NaN where f is undefined or was cut as a pole; zx, zy (partials) are None unless asked
    for, and NaN wherever z is. `z_range` is (min, max) of what is left, None if nothing is.
    """

    x: np.ndarray
    y: np.ndarray
    z: np.ndarray
    zx: np.ndarray | None
    zy: np.ndarray | None
    z_range: tuple[float, float] | None
    undefined_share: float
    clipped_share: float

    def as_float32(self) -> Grid:
        """The grid with float32 arrays: half the bytes for the browser, plenty for drawing.
        Itself when they are float32 already (a page's figures each ask for it: three copies of
        the cached grid's z on every run)."""
        if all(
            array is None or array.dtype == np.float32
            for array in (self.x, self.y, self.z, self.zx, self.zy)
        ):
            return self

        def cast(array):
            return None if array is None else array.astype(np.float32)

        return dataclasses.replace(
            self, **{name: cast(getattr(self, name)) for name in ("x", "y", "z", "zx", "zy")}
        )


@functools.lru_cache(maxsize=64)
def _axis(low: float, high: float, count: int) -> np.ndarray:
    """np.linspace(low, high, count), read-only and shared: a window's axes are the same for
    every function and every parameter value drawn on it."""
    axis = np.linspace(low, high, count)
    axis.setflags(write=False)
    return axis


def grid_axes(xlim, ylim, resolution=100) -> tuple[np.ndarray, np.ndarray]:
    """The x and y at which evaluate_grid evaluates f on the window (read-only, shared): for a
    browser that evaluates f itself on the same points (pages/explore/work.py)."""
    (xmin, xmax), (ymin, ymax) = check_window(xlim, ylim)
    nx, ny = _check_resolution(resolution)
    return _axis(xmin, xmax, nx), _axis(ymin, ymax, ny)


def evaluate_grid(f, xlim, ylim, resolution=100, with_partials: bool = False) -> Grid:
    """Evaluate f on a `resolution` grid (int, or a pair (nx, ny)) over the window."""
    (xmin, xmax), (ymin, ymax) = check_window(xlim, ylim)
    x, y = grid_axes(xlim, ylim, resolution)
    nx, ny = len(x), len(y)
    # f broadcasts a row of x against a column of y, elementwise as on a meshgrid, without
    # building one (two more grids of numbers to allocate on every new parameter value).
    row, column = x[np.newaxis, :], y[:, np.newaxis]
    shape = (ny, nx)
    # f's own array (core.Function returns a new one), copied only when a value must be cut
    # or f is a constant (one number, broadcast).
    z = np.asarray(f(row, column), dtype=np.float64)
    if z.shape != shape:
        z = np.broadcast_to(z, shape).copy()
    undefined = ~np.isfinite(z)
    window = ((xmin, xmax), (ymin, ymax))
    poles = pole_mask(f, row, column, z, steps=(x[1] - x[0], y[1] - y[0]), window=window)
    if undefined.any() or poles.any():
        z = np.where(undefined | poles, np.nan, z)
    zx = zy = None
    if with_partials:
        gradient = np.broadcast_to(f.gradient(row, column), (*shape, 2))
        zx, zy = (np.where(np.isnan(z), np.nan, gradient[..., k]) for k in (0, 1))
    # NaN is all that is not finite now: fmin and fmax skip it, without a copy of the rest.
    low, high = float(np.fmin.reduce(z, axis=None)), float(np.fmax.reduce(z, axis=None))
    z_range = None if math.isnan(low) else (low, high)
    return Grid(
        x=x,
        y=y,
        z=z,
        zx=zx,
        zy=zy,
        z_range=z_range,
        undefined_share=np.count_nonzero(undefined) / z.size,
        clipped_share=np.count_nonzero(poles) / z.size,
    )


def robust_range(values: np.ndarray) -> tuple[float, float] | None:
    """The bulk of the finite values, widened by MARGIN bulk-widths each side."""
    found = _bulk_and_median(values)
    return None if found is None else found[0]


def _bulk_and_median(values: np.ndarray) -> tuple[tuple[float, float], float] | None:
    """robust_range and the finite values' median, from one partition of the values (a new
    parameter value evaluates a grid: two quantile passes were half of pole_mask's time)."""
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return None
    low, median, high = np.quantile(finite, (BULK_QUANTILES[0], 0.5, BULK_QUANTILES[1]))
    # A floor on the width keeps rounding noise of a constant (sin^2 + cos^2) from counting.
    width = max(high - low, 1e-9 * max(abs(low), abs(high)), 1e-300)
    return (float(low - MARGIN * width), float(high + MARGIN * width)), float(median)


def pole_mask(f, xx, yy, z, steps, window) -> np.ndarray:
    """Boolean mask of values to cut: outside the robust range, on a side whose most extreme
    value looks like a pole. Works for any array shape (xx and yy: the coordinates of z's values,
    or arrays that broadcast to its shape); a zero step means "do not probe along that axis"
    (slices). A core.Function that knows it has no pole (Function.pole_free) is not
    searched: nothing would be cut, and the search's quantiles cost a pass over every value."""
    mask = np.zeros(z.shape, dtype=bool)
    if getattr(f, "pole_free", False) is True:
        return mask
    found = _bulk_and_median(z)
    if found is None:
        return mask
    limits, median = found
    with np.errstate(invalid="ignore"):
        for outside in (z > limits[1], z < limits[0]):
            if outside.any():
                index = np.argmax(np.where(outside, np.abs(z - median), -np.inf))
                point = tuple(np.broadcast_to(a, z.shape).flat[index] for a in (xx, yy))
                if _is_pole(f, point, z.flat[index], median, steps, window):
                    mask |= outside
    return mask


def _is_pole(f, point, value, median, steps, window) -> bool:
    """Does |f - median| keep growing as we look closer to `point`? Each round probes within the
    current scale, moves to the most extreme probe and shrinks the scale to the distance moved.
    A pole keeps growing every round; a bounded feature (even one the grid under-resolves) stops.
    """
    point, scales = np.asarray(point, dtype=np.float64), np.asarray(steps, dtype=np.float64)
    excess = abs(value - median)
    for _ in range(POLE_ROUNDS):
        probes = _probes(point, scales, window)
        if probes.size == 0:
            return False
        with np.errstate(all="ignore"):
            nearby = np.abs(np.asarray(f(probes[:, 0], probes[:, 1]), dtype=np.float64) - median)
        nearby[~np.isfinite(nearby)] = -np.inf
        best = int(np.argmax(nearby))
        with np.errstate(over="ignore"):
            growing = nearby[best] > POLE_GROWTH * excess
        if not growing:
            # No closer look grows, but a spike sitting on the pole (a grid point within
            # rounding of it) halves a millionth of a step away; a smooth peak does not.
            close = np.abs(probes - point).max(axis=1) <= 1e-6 * scales.max()
            return bool(np.any(close & (nearby >= 0) & (nearby < excess / 2)))
        moved = np.abs(probes[best] - point)
        point, excess = probes[best], nearby[best]
        scales = np.where(scales > 0, moved.max(), 0.0)
    return True


def _probes(point, scales, window) -> np.ndarray:
    """Points at PROBE_FRACTIONS of the scale either side of `point` along each probed axis,
    kept inside the window."""
    offsets = []
    for axis, scale in enumerate(scales):
        if scale > 0:
            for sign in (-1.0, 1.0):
                offset = np.zeros((len(PROBE_FRACTIONS), 2))
                offset[:, axis] = sign * scale * PROBE_FRACTIONS
                offsets.append(offset)
    if not offsets:
        return np.empty((0, 2))
    probes = point + np.concatenate(offsets)
    (xmin, xmax), (ymin, ymax) = window
    inside = (probes[:, 0] >= xmin) & (probes[:, 0] <= xmax)
    inside &= (probes[:, 1] >= ymin) & (probes[:, 1] <= ymax)
    return probes[inside]
