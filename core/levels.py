"""Where to draw a contour map's level curves: evenly, by quantiles, or on a log scale.

Evenly spaced levels put a function's interesting part into one flat band when most of the window
is far above it (Himmelblau's four minima, Rosenbrock's valley): the quantile levels split the
window's values into equal counts, so every band covers the same area; log levels crowd toward
the lowest value, where minima are. `choose_spacing` picks quantiles for such skewed windows and
even spacing otherwise.

>>> import numpy as np
>>> contour_levels(np.arange(11.0), 4, "even")
array([2., 4., 6., 8.])
>>> contour_levels(np.array([0.0, 1, 2, 3, 100]), 1, "quantile")
array([2.])
"""

from __future__ import annotations

import numpy as np

SPACINGS = ("even", "quantile", "log")
AUTO = "auto"
MIN_LEVELS, MAX_LEVELS = 2, 60
# Quantile spacing is chosen when the median sits in the outer quarter of the value range.
SKEWED = 0.25
# Log levels start this far above the lowest value, as a share of the range, at the least.
LOG_FLOOR = 1e-6
FAR = 1e6  # band_index's bound, in levels


def _finite(values) -> np.ndarray:
    flat = np.asarray(values, dtype=np.float64).ravel()
    return flat[np.isfinite(flat)]


def choose_spacing(values) -> str:
    """ "quantile" when most values crowd at one end of their range, else "even"."""
    finite = _finite(values)
    if finite.size == 0:
        return "even"
    low, high = float(finite.min()), float(finite.max())
    if not high > low:
        return "even"
    middle = (float(np.median(finite)) - low) / (high - low)
    return "quantile" if middle < SKEWED or middle > 1 - SKEWED else "even"


def contour_levels(values, count: int, spacing: str = "even") -> np.ndarray:
    """Up to `count` strictly increasing levels strictly between the finite values' minimum and
    maximum (fewer when the values have fewer distinct steps; none when they are constant or
    undefined). `spacing`: "even", "quantile", "log" (of the height above the minimum), or
    "auto" (`choose_spacing`)."""
    if spacing == AUTO:
        spacing = choose_spacing(values)
    if spacing not in SPACINGS:
        raise ValueError(f"spacing must be one of {', '.join(SPACINGS)} or {AUTO}")
    count = int(count)
    if count < 1:
        raise ValueError("count must be at least 1")
    finite = _finite(values)
    if finite.size == 0:
        return np.empty(0)
    low, high = float(finite.min()), float(finite.max())
    span = high - low
    if not span > 0 or not np.isfinite(span):
        return np.empty(0)
    if spacing == "even":
        levels = low + span * np.arange(1, count + 1) / (count + 1)
    elif spacing == "quantile":
        levels = np.quantile(finite, np.arange(1, count + 1) / (count + 1), method="linear")
    else:
        above = finite - low
        positive = above[above > 0]
        start = max(float(np.quantile(positive, 1 / (count + 1))), LOG_FLOOR * span)
        if start >= span:
            start = span / 2
        # count levels from start up to (not at) the maximum, evenly in log(f - min).
        levels = low + np.geomspace(start, span, count + 1)[:-1]
    levels = np.unique(levels)  # sorted; ties (quantiles of repeated values) merged
    return levels[(levels > low) & (levels < high)]


def band_index(values, levels) -> np.ndarray:
    """Each value's band as a float: k where it equals levels[k], linear in between, and
    extended linearly past the first and last level, up to FAR levels (NaN stays NaN).
    Contouring this index at 0, 1, 2, ... draws the curves f = levels[0], levels[1], ... with
    evenly spaced colours."""
    values = np.asarray(values, dtype=np.float64)
    levels = np.asarray(levels, dtype=np.float64)
    if levels.size == 0:
        return np.full(values.shape, np.nan)
    if levels.size == 1:
        return np.where(np.isfinite(values), np.sign(values - levels[0]), np.nan)
    index = np.interp(values, levels, np.arange(levels.size, dtype=np.float64))
    with np.errstate(all="ignore"):
        below = (values - levels[0]) / (levels[1] - levels[0])
        above = levels.size - 1 + (values - levels[-1]) / (levels[-1] - levels[-2])
        index = np.where(values < levels[0], below, np.where(values > levels[-1], above, index))
    # Far outside, the extension overflows when two levels are nearly equal: kept finite (and
    # monotone), far enough out that no cell's crossing moves visibly.
    index = np.clip(index, -FAR, levels.size - 1 + FAR)
    return np.where(np.isfinite(values), index, np.nan)
