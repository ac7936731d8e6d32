"""core.grid: f on a window, NaN holes, poles cut without clipping steep or bounded features."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core import ExpressionError, Function
from core.grid import MAX_RESOLUTION, check_window, evaluate_grid, grid_axes

from .grammar import formulas


def test_orientation_rows_follow_y():
    grid = evaluate_grid(Function("x + 10 y"), (0, 1), (2, 3), (4, 3))
    assert grid.x.shape == (4,) and grid.y.shape == (3,) and grid.z.shape == (3, 4)
    assert grid.z.dtype == np.float64
    for j, y in enumerate(grid.y):
        for i, x in enumerate(grid.x):
            assert grid.z[j, i] == pytest.approx(x + 10 * y)
    assert grid.x[0] == 0 and grid.x[-1] == 1 and grid.y[0] == 2 and grid.y[-1] == 3
    assert grid.zx is None and grid.zy is None


def test_seed_values_and_partials():
    grid = evaluate_grid(Function("x^2 y + y^3"), (-3, 3), (-2, 2), 41, with_partials=True)
    xx, yy = np.meshgrid(grid.x, grid.y)
    np.testing.assert_allclose(grid.z, xx**2 * yy + yy**3, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(grid.zx, 2 * xx * yy, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(grid.zy, xx**2 + 3 * yy**2, rtol=1e-12, atol=1e-12)
    assert grid.z_range == (pytest.approx(-26.0), pytest.approx(26.0))
    assert grid.undefined_share == 0 and grid.clipped_share == 0


def test_disk_has_holes_with_the_right_share():
    grid = evaluate_grid(Function("sqrt(1 - x^2 - y^2)"), (-1, 1), (-1, 1), 400, with_partials=True)
    assert grid.undefined_share == pytest.approx(1 - math.pi / 4, abs=0.01)
    assert grid.clipped_share == 0
    outside = np.hypot(*np.meshgrid(grid.x, grid.y)) > 1 + 1e-9
    assert np.isnan(grid.z[outside]).all()
    assert np.isnan(grid.zx[outside]).all() and np.isnan(grid.zy[outside]).all()
    assert grid.z_range[1] == pytest.approx(1, abs=1e-4)


def test_nowhere_defined():
    grid = evaluate_grid(Function("sqrt(-1 - x^2)"), (-1, 1), (-1, 1), 10)
    assert np.isnan(grid.z).all()
    assert grid.undefined_share == 1 and grid.clipped_share == 0 and grid.z_range is None


@pytest.mark.parametrize("text", ["5", "-2.5", "pi", "sin(x)^2 + cos(x)^2"])
def test_constants_broadcast(text):
    grid = evaluate_grid(Function(text), (-1, 2), (0, 1), (7, 5), with_partials=True)
    value = float(Function(text)(0.3, 0.4))
    assert grid.z.shape == (5, 7)
    np.testing.assert_allclose(grid.z, value, rtol=1e-15)
    assert grid.clipped_share == 0 and grid.undefined_share == 0
    assert grid.z_range == (pytest.approx(value), pytest.approx(value))
    assert grid.zx.shape == (5, 7) and np.abs(grid.zx).max() < 1e-12


@pytest.mark.parametrize(
    ("text", "width"),
    [
        ("exp(x)", 5),
        ("exp(x)", 10),
        ("x^4", 5),
        ("x^20", 5),
        ("x^2 y + y^3", 5),
        ("exp(-(x^2 + y^2))", 5),
        ("exp(-4(x^2 + y^2))", 5),
        ("exp(-100(x^2 + y^2))", 5),
        ("exp(-(x^2 + y^2))", 10),
        ("exp(x^2 + y^2)", 3),
        ("1/(1 + x^2 + y^2)", 10),
        ("atan(50 x)", 2),
        ("log(x)", 1),
    ],
)
@pytest.mark.parametrize("resolution", [21, 200])
def test_steep_and_bounded_features_are_not_clipped(text, width, resolution):
    f = Function(text)
    grid = evaluate_grid(f, (-width, width), (-width, width), resolution)
    assert grid.clipped_share == 0
    xx, yy = np.meshgrid(grid.x, grid.y)
    raw = f(xx, yy)
    assert grid.z_range == (np.nanmin(raw), np.nanmax(raw))


@pytest.mark.parametrize(
    ("text", "window"),
    [
        ("tan(x)", (-5, 5)),
        ("1/x", (-5, 5)),
        ("1/(x^2 + y^2)", (-5, 5)),
        ("1/(x - y)", (-5, 5)),
        ("x/y", (-3, 3)),
        ("tan(x y)", (-3, 3)),
        ("1/(x^2 + y^2 - 1)", (-2, 2)),
        ("1e6 + 1/(x^2 + y^2)", (-5, 5)),
    ],
)
@pytest.mark.parametrize("resolution", [200, 501])
def test_poles_are_cut_so_they_draw_no_walls(text, window, resolution):
    f = Function(text)
    grid = evaluate_grid(f, window, window, resolution)
    assert 0 < grid.clipped_share < 0.06
    xx, yy = np.meshgrid(grid.x, grid.y)
    raw = f(xx, yy)
    low, high = np.nanquantile(raw, [0.05, 0.95])
    # No jump between neighbouring grid points is more than a few times the bulk's spread.
    for axis in (0, 1):
        assert np.nanmax(np.abs(np.diff(grid.z, axis=axis))) < 6 * (high - low)
    # Every value left is a value of f; the cut ones lie beyond every kept one on their side.
    kept = np.isfinite(grid.z)
    np.testing.assert_array_equal(grid.z[kept], raw[kept])
    cut = np.isfinite(raw) & ~kept
    above = raw > np.nanmedian(raw)
    if (cut & above).any():
        assert raw[cut & above].min() > grid.z[kept].max()
    if (cut & ~above).any():
        assert raw[cut & ~above].max() < grid.z[kept].min()


polynomial_terms = ["x", "y", "x^2", "x y", "y^2", "x^3", "x^2 y", "y^3", "x^4", "x^2 y^2", "y^5"]


@settings(max_examples=40, deadline=None)
@given(
    terms=st.lists(
        st.tuples(st.integers(-9, 9).filter(bool), st.sampled_from(polynomial_terms)),
        min_size=1,
        max_size=4,
    ),
    width=st.sampled_from([0.5, 1.0, 3.0, 10.0, 100.0]),
    shift=st.floats(-1, 1),
    resolution=st.integers(5, 120),
)
def test_polynomials_are_never_clipped(terms, width, shift, resolution):
    text = " + ".join(f"{c}*{term}" for c, term in terms)
    f = Function(text)
    xlim = (-width + shift * width, width + shift * width)
    grid = evaluate_grid(f, xlim, (-width, width), resolution)
    assert grid.clipped_share == 0 and grid.undefined_share == 0
    assert np.isfinite(grid.z).all()


def test_as_float32():
    grid = evaluate_grid(Function("sin(x) y"), (-3, 3), (-1, 1), 50, with_partials=True)
    small = grid.as_float32()
    for name in ("x", "y", "z", "zx", "zy"):
        assert getattr(small, name).dtype == np.float32
        np.testing.assert_allclose(getattr(small, name), getattr(grid, name), rtol=1e-6, atol=1e-7)
    assert small.z_range == grid.z_range
    assert small.as_float32() is small  # float32 already: nothing to copy
    assert evaluate_grid(Function("x"), (0, 1), (0, 1), 3).as_float32().zx is None


@pytest.mark.parametrize(
    ("xlim", "ylim"),
    [
        ((1, 0), (0, 1)),
        ((0, 0), (0, 1)),
        ((0, 1), (2, -2)),
        ((math.nan, 1), (0, 1)),
        ((0, math.inf), (0, 1)),
        ((0, 1), (-math.inf, 0)),
        ((-1e308, 1e308), (0, 1)),
        ((1, 1 + 1e-15), (0, 1)),
        ((0, 1, 2), (0, 1)),
        ((0,), (0, 1)),
        ("ab", (0, 1)),
        (None, (0, 1)),
        ((0, "one"), (0, 1)),
    ],
)
def test_hostile_windows_are_rejected(xlim, ylim):
    with pytest.raises(ValueError, match="lim"):
        evaluate_grid(Function("x"), xlim, ylim, 10)
    with pytest.raises(ValueError):
        check_window(xlim, ylim)


@pytest.mark.parametrize(
    "resolution", [10**9, MAX_RESOLUTION + 1, 1, 0, -5, 2.5, True, "100", None, (10,), (10, 10**6)]
)
def test_hostile_resolutions_are_rejected(resolution):
    with pytest.raises(ValueError, match="resolution"):
        evaluate_grid(Function("x"), (0, 1), (0, 1), resolution)


def test_accepts_numpy_numbers_and_extreme_sizes():
    grid = evaluate_grid(Function("x y"), (np.float32(-1), np.int64(1)), (0, 1), np.int64(2))
    assert grid.z.shape == (2, 2)
    assert evaluate_grid(Function("x y"), (0, 1), (0, 1), (MAX_RESOLUTION, 2)).z.shape == (2, 1000)


@pytest.mark.parametrize(
    ("xlim", "ylim", "why"),
    [
        ((1e-300, 2e-300), (0, 1), "narrow"),  # float32 turns both ends into 0
        ((0, 1), (1e-300, 2e-300), "narrow"),
        ((1, 1 + 1e-6), (0, 1), "narrow"),  # fine in float64, two float32 steps wide
        ((-1e35, 1e35), (0, 1), "large"),
        ((0, 1), (0, 1e39), "large"),  # float32 overflows to inf
    ],
)
def test_windows_are_checked_in_the_float32_they_are_drawn_in(xlim, ylim, why):
    with pytest.raises(ValueError, match=why):
        check_window(xlim, ylim)


def test_every_accepted_window_keeps_distinct_float32_steps():
    for low, high in [(1e-20, 2e-20), (-1e29, 1e29), (1000, 1000.2), (-3, 3), (5e-29, 6e-29)]:
        (xmin, xmax), _ = check_window((low, high), (0, 1))
        steps = np.diff(np.linspace(xmin, xmax, MAX_RESOLUTION).astype(np.float32))
        assert np.all(steps > 0), (low, high)


# -- formulas that cannot have a pole skip the search for one --------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "x^2 y + y^3",
        "x^2 y + b y^3",
        "a x^2 + b y^2",
        "x^2 - y^2 + c x",
        "sin(a x) cos(b y)",
        "sqrt(1 - x^2 - y^2)",  # undefined outside the disk, bounded inside
        "|x| + sqrt(|y|)",
        "atan(x y) + tanh(y)",
        "asin(x / 4) + acos(y / 4) + asinh(x) + acosh(y^2 + 1)",
        "x^(3/2) + (x y)^0.5",
        "log(2) x + 1/3 y",  # constant logs and fractions divide nothing that varies
    ],
)
def test_formulas_without_a_pole_are_known(text):
    assert Function(text).pole_free


@pytest.mark.parametrize(
    "text",
    [
        "1/x",
        "x/y",
        "x^(-2) + y",
        "1/(1 + x^2)",  # no real pole, but a division: not worth proving
        "a/(1 + x^2)",
        "1/(a + x^2)",  # a pole for every a <= 0
        "tan(x)",
        "sec(x) + y",
        "csc(x)",
        "cot(y)",
        "log(x)",
        "log10(x^2 + 1)",
        "log2(y)",
        "atanh(x)",
        "x^b",  # b < 0 is a pole at x = 0
        "b^x",  # b = 0 is 1/0 for x < 0
        "x^y",
        "exp(x)",  # overflow grows like a pole: the search decides
        "sinh(x) + cosh(y)",
        "2^x",
        "e^(x y)",
        "sign(x)",  # jumps: a lone value at a jump is cut as a spike, so the search decides
        "atan2(x, x)",
        "cbrt(x)",  # sign(x) |x|^(1/3) to SymPy
    ],
)
def test_formulas_that_may_have_a_pole_are_searched(text):
    assert not Function(text).pole_free


def test_binding_values_keeps_what_the_formula_knows():
    f = Function("1/(a + x^2)")
    assert not f.bind(a=5.0).pole_free  # known per formula, not per value
    assert Function("a x^2 + b y^2").bind(a=-3.0, b=0.0).pole_free


class _Plain:
    """f as a plain callable (no pole_free): the grid searches for poles as before."""

    def __init__(self, f):
        self.f = f

    def __call__(self, x, y):
        return self.f(x, y)

    def gradient(self, x, y):
        return self.f.gradient(x, y)


@settings(max_examples=80, deadline=None)
@given(
    text=formulas(max_leaves=5),
    width=st.sampled_from([0.5, 1.0, 3.0, 10.0]),
    shift=st.floats(-1, 1),
    resolution=st.sampled_from([7, 31, 100]),
)
def test_a_pole_free_formula_is_never_clipped_by_the_search_either(text, width, shift, resolution):
    """Against the search itself (probes closer and closer in): wherever the formula is known to
    have no pole, the search finds none either, so skipping it changes no grid."""
    try:
        f = Function(text)
    except ExpressionError:
        return
    xlim, ylim = (-width + shift * width, width + shift * width), (-width, width)
    searched = evaluate_grid(_Plain(f), xlim, ylim, resolution)
    grid = evaluate_grid(f, xlim, ylim, resolution)
    if f.pole_free:
        assert searched.clipped_share == 0
    np.testing.assert_array_equal(grid.z, searched.z)
    assert grid.z_range == searched.z_range and grid.clipped_share == searched.clipped_share


def test_a_pole_free_grid_takes_no_quantiles(monkeypatch):
    """The search's quantile pass (a partition of every value) is skipped, not merely unused."""

    def refuse(values):
        raise AssertionError("searched for poles")

    monkeypatch.setattr("core.grid._bulk_and_median", refuse)
    f = Function("x^2 y + b y^3").bind(b=-0.5)
    grid = evaluate_grid(f, (-3, 3), (-3, 3), 100, with_partials=True)
    xx, yy = np.meshgrid(grid.x, grid.y)
    np.testing.assert_allclose(grid.z, xx**2 * yy - 0.5 * yy**3, rtol=1e-12, atol=1e-12)
    assert grid.z_range == (float(np.min(grid.z)), float(np.max(grid.z)))
    assert grid.clipped_share == 0
    with pytest.raises(AssertionError, match="searched"):
        evaluate_grid(Function("1/x"), (-3, 3), (-3, 3), 100)


@settings(max_examples=40, deadline=None)
@given(
    low=st.floats(-100.0, 100.0),
    width=st.floats(0.1, 1e3),
    nx=st.integers(2, 300),
    ny=st.integers(2, 300),
)
def test_grid_axes_are_the_points_the_grid_evaluates(low, width, nx, ny):
    """A browser evaluating f itself (a parametric surface) uses these: the grid's own x and y."""
    xlim, ylim = (low, low + width), (-width, 2 * width)
    x, y = grid_axes(xlim, ylim, (nx, ny))
    grid = evaluate_grid(Function("x + y"), xlim, ylim, (nx, ny))
    assert np.array_equal(x, grid.x) and np.array_equal(y, grid.y)
    np.testing.assert_array_equal(x, np.linspace(*xlim, nx))
    with pytest.raises(ValueError):
        grid_axes((1.0, 0.0), ylim, 10)
