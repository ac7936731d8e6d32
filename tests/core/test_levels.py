"""Contour levels: increasing, inside the data's range, quantiles that split the values evenly."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from core.levels import AUTO, SPACINGS, band_index, choose_spacing, contour_levels

finite = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)
with_holes = st.one_of(finite, st.just(np.nan), st.just(np.inf), st.just(-np.inf))
grids = arrays(np.float64, st.tuples(st.integers(1, 12), st.integers(1, 12)), elements=with_holes)
counts = st.integers(1, 40)


@given(grids, counts, st.sampled_from([*SPACINGS, AUTO]))
def test_levels_increase_strictly_inside_the_range(values, count, spacing):
    levels = contour_levels(values, count, spacing)
    assert levels.ndim == 1 and len(levels) <= count
    assert np.all(np.diff(levels) > 0)
    shown = values[np.isfinite(values)]
    if len(levels):
        assert shown.min() < levels[0] and levels[-1] < shown.max()


@given(arrays(np.float64, st.integers(50, 400), elements=finite, unique=True), st.integers(1, 9))
def test_quantile_levels_split_the_values_into_equal_counts(values, count):
    levels = contour_levels(values, count, "quantile")
    assume(len(levels) == count)  # distinct values: only rounding can merge two levels
    bands = np.bincount(np.searchsorted(levels, values), minlength=count + 1)
    # Each of the count + 1 bands holds n / (count + 1) values, give or take the one or two a
    # level interpolated between.
    assert bands.max() - bands.min() <= 2
    assert bands.sum() == len(values)


def test_textbook_levels():
    ramp = np.arange(11.0)
    np.testing.assert_allclose(contour_levels(ramp, 4, "even"), [2, 4, 6, 8])
    np.testing.assert_allclose(contour_levels(ramp, 4, "quantile"), [2, 4, 6, 8])
    # Log levels: equal ratios of the height above the minimum.
    heights = np.diff(np.log(contour_levels(np.geomspace(1, 1e6, 1000) - 1, 5, "log")))
    np.testing.assert_allclose(heights, heights[0], rtol=1e-9)


def test_constant_or_undefined_values_have_no_levels():
    for values in (np.full((4, 4), 3.0), np.full((4, 4), np.nan), np.empty((0, 3))):
        for spacing in (*SPACINGS, AUTO):
            assert contour_levels(values, 10, spacing).size == 0


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError):
        contour_levels(np.arange(5.0), 3, "cubic")
    with pytest.raises(ValueError):
        contour_levels(np.arange(5.0), 0)


def window(f, xlim, ylim, n=120):
    x, y = np.meshgrid(np.linspace(*xlim, n), np.linspace(*ylim, n))
    return f(x, y)


HIMMELBLAU = window(lambda x, y: (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2, (-5, 5), (-5, 5))
ROSENBROCK = window(lambda x, y: (1 - x) ** 2 + 100 * (y - x**2) ** 2, (-2, 2), (-1, 3))


def test_auto_spacing_opens_up_himmelblau_and_rosenbrock():
    assert choose_spacing(HIMMELBLAU) == "quantile"
    assert choose_spacing(ROSENBROCK) == "quantile"
    # Evenly spaced, Rosenbrock's whole valley lies under the first level; by quantiles the
    # first level is far lower, and several curves run along the valley.
    even, spread = contour_levels(ROSENBROCK, 16, "even"), contour_levels(ROSENBROCK, 16, AUTO)
    assert spread[0] < even[0] / 10
    assert np.sum(spread < even[0]) >= 5
    # Each of Himmelblau's four minima (f = 0) sits in the lowest band, apart from the others.
    assert contour_levels(HIMMELBLAU, 16, AUTO)[0] < contour_levels(HIMMELBLAU, 16, "even")[0] / 2


def test_a_symmetric_window_keeps_even_spacing():
    assert choose_spacing(window(lambda x, y: x**2 * y + y**3, (-3, 3), (-3, 3))) == "even"
    assert choose_spacing(window(lambda x, y: np.sin(x) * np.cos(y), (-3, 3), (-3, 3))) == "even"


@given(grids, counts, st.sampled_from(SPACINGS))
def test_band_index_is_the_level_number_on_each_level(values, count, spacing):
    levels = contour_levels(values, count, spacing)
    assume(len(levels) >= 2)
    np.testing.assert_allclose(band_index(levels, levels), np.arange(len(levels)), atol=1e-9)
    index = band_index(values, levels)
    assert np.array_equal(np.isfinite(index), np.isfinite(values))
    # Monotone: a higher value never has a lower index.
    order = np.argsort(values[np.isfinite(values)], kind="stable")
    assert np.all(np.diff(index[np.isfinite(values)][order]) >= -1e-9)
