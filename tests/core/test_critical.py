"""core.critical: every critical point in a window, polished, classified, deduplicated."""

import math
from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core import Function
from core._worker import WorkerBusyError
from core.critical import CriticalPoints, critical_points

HIMMELBLAU = "(x^2 + y - 11)^2 + (x + y^2 - 7)^2"
SQUARE = (-5, 5)


def kinds(points) -> Counter:
    return Counter(point.kind for point in points)


def gradient_norm(f, point) -> float:
    return float(np.hypot(*f.gradient(point.x, point.y)))


def test_himmelblau_has_all_nine():
    f = Function(HIMMELBLAU)
    points = critical_points(f, SQUARE, SQUARE)
    assert isinstance(points, CriticalPoints) and not points.continuum and not points.truncated
    assert kinds(points) == {"minimum": 4, "maximum": 1, "saddle": 4}
    minima = sorted((round(p.x, 6), round(p.y, 6)) for p in points if p.kind == "minimum")
    assert minima == [
        (-3.77931, -3.283186),
        (-2.805118, 3.131313),
        (3.0, 2.0),
        (3.584428, -1.848127),
    ]
    for p in points:
        if p.kind == "minimum":
            assert p.value == pytest.approx(0, abs=1e-20)
    (peak,) = (p for p in points if p.kind == "maximum")
    assert (peak.x, peak.y) == (
        pytest.approx(-0.270845, abs=1e-6),
        pytest.approx(-0.923039, abs=1e-6),
    )
    assert peak.value == pytest.approx(181.616522, abs=1e-6)
    for p in points:
        assert gradient_norm(f, p) <= 1e-10
    assert [(p.x, p.y) for p in points] == sorted((p.x, p.y) for p in points)
    assert critical_points(f, SQUARE, SQUARE) == points  # deterministic


@pytest.mark.parametrize(
    ("text", "xlim", "ylim", "expected"),
    [
        ("x^2 + y^2", (-1, 1), (-1, 1), [(0, 0, "minimum")]),
        ("-(x^2 + 3y^2) + 4", (-2, 3), (-1, 1), [(0, 0, "maximum")]),
        ("x^2 - y^2", (-1, 1), (-1, 1), [(0, 0, "saddle")]),
        ("x y", (-1, 2), (-3, 1), [(0, 0, "saddle")]),
        ("(1 - x)^2 + 100(y - x^2)^2", (-2, 2), (-1, 3), [(1, 1, "minimum")]),
        ("(x + 2y - 7)^2 + (2x + y - 5)^2", (-10, 10), (-10, 10), [(1, 3, "minimum")]),
        ("0.26(x^2 + y^2) - 0.48 x y", (-10, 10), (-10, 10), [(0, 0, "minimum")]),
        ("sqrt(1 - x^2 - y^2)", (-2, 2), (-2, 2), [(0, 0, "maximum")]),
        ("exp(-(x^2 + y^2))", (-10, 10), (-10, 10), [(0, 0, "maximum")]),
        ("x^2 y + y^3", (-3, 3), (-3, 3), [(0, 0, "degenerate")]),
        ("x^3 - 3x y^2", (-1, 1), (-1, 1), [(0, 0, "degenerate")]),
        ("x^4 + y^4", (-1, 1), (-1, 1), [(0, 0, "degenerate")]),
        ("x^6 + y^6", (-5, 5), (-5, 5), [(0, 0, "degenerate")]),
        ("x^2 + y^4", (-1, 1), (-1, 1), [(0, 0, "degenerate")]),
        ("x + y", (-1, 1), (-1, 1), []),
        ("exp(x) + y", (-3, 3), (-3, 3), []),
        ("1/(x^2 + y^2)", (-1, 1), (-1, 1), []),
        ("log(x)", (-2, -1), (0, 1), []),
        ("x^2 + y^2", (1, 2), (1, 2), []),  # the minimum is outside the window
    ],
)
def test_textbook_functions(text, xlim, ylim, expected):
    f = Function(text)
    points = critical_points(f, xlim, ylim)
    assert not points.continuum
    found = [(p.x, p.y, p.kind) for p in points]
    assert len(found) == len(expected), found
    for (x, y, kind), (ex, ey, ekind) in zip(found, expected, strict=True):
        assert (x, y, kind) == (pytest.approx(ex, abs=1e-6), pytest.approx(ey, abs=1e-6), ekind)
    assert all(p.isolated for p in points)


def test_eigenvalues_carry_the_classification():
    (bowl,) = critical_points(Function("x^2 + 3 y^2"), (-1, 1), (-1, 1))
    assert bowl.eigenvalues == (pytest.approx(2), pytest.approx(6))
    (cap,) = critical_points(Function("-(x^2 + 3y^2)"), (-1, 1), (-1, 1))
    assert cap.eigenvalues == (pytest.approx(-6), pytest.approx(-2))
    (saddle,) = critical_points(Function("x y"), (-1, 1), (-1, 1))
    assert saddle.eigenvalues == (pytest.approx(-1), pytest.approx(1))
    (rosenbrock,) = critical_points(Function("(1 - x)^2 + 100(y - x^2)^2"), (-2, 2), (-1, 3))
    # Hessian at (1, 1) is [[802, -400], [-400, 200]].
    expected = np.linalg.eigvalsh([[802.0, -400.0], [-400.0, 200.0]])
    np.testing.assert_allclose(rosenbrock.eigenvalues, expected, rtol=1e-9)
    (monkey,) = critical_points(Function("x^3 - 3x y^2"), (-1, 1), (-1, 1))
    assert max(abs(v) for v in monkey.eigenvalues) < 1e-6


def test_three_hump_camel():
    f = Function("2x^2 - 1.05x^4 + x^6/6 + x y + y^2")
    points = critical_points(f, (-2, 2), (-2, 2))
    assert kinds(points) == {"minimum": 3, "saddle": 2}
    by_kind = {(round(p.x, 4), round(p.y, 4)): p.kind for p in points}
    assert by_kind == {
        (-1.7476, 0.8738): "minimum",
        (-1.0705, 0.5353): "saddle",
        (0.0, 0.0): "minimum",
        (1.0705, -0.5353): "saddle",
        (1.7476, -0.8738): "minimum",
    }
    for p in points:
        # On the critical set y = -x/2 (from f_y = x + 2y = 0).
        assert p.y == pytest.approx(-p.x / 2, abs=1e-9)


def test_sin_cos_counted_by_hand():
    # grad = (cos x cos y, -sin x sin y). On [-4, 4] x [-2, 2]: cos x = 0 and sin y = 0 gives
    # (+-pi/2, 0): a maximum and a minimum; cos y = 0 and sin x = 0 gives x in {-pi, 0, pi},
    # y = +-pi/2: six saddles.
    points = critical_points(Function("sin(x) cos(y)"), (-4, 4), (-2, 2))
    assert kinds(points) == {"maximum": 1, "minimum": 1, "saddle": 6}
    h = math.pi / 2
    expected = sorted([(-h, 0), (h, 0)] + [(x, y) for x in (-math.pi, 0, math.pi) for y in (-h, h)])
    np.testing.assert_allclose([(p.x, p.y) for p in points], expected, atol=1e-9)
    (top,) = (p for p in points if p.kind == "maximum")
    assert (top.x, top.y, top.value) == (pytest.approx(h), pytest.approx(0, abs=1e-12), 1.0)


def test_many_critical_points():
    # sin(10x) sin(10y) on [-1, 1]^2: 7 x 7 zeros of both sines (saddles) and 6 x 6 points
    # where both cosines vanish (18 maxima and 18 minima).
    points = critical_points(Function("sin(10x) sin(10y)"), (-1, 1), (-1, 1))
    assert kinds(points) == {"saddle": 49, "maximum": 18, "minimum": 18}


def test_a_line_of_critical_points_is_sampled_and_flagged():
    f = Function("x^2")
    points = critical_points(f, (-1, 1), (-1, 1))
    assert points.continuum and points.note and 5 <= len(points) <= 50
    assert all(p.kind == "degenerate" and not p.isolated for p in points)
    assert all(abs(p.x) < 1e-9 for p in points)
    ys = np.array([p.y for p in points])
    assert ys.min() < -0.8 and ys.max() > 0.8  # spread along the whole line
    assert np.diff(ys).min() > 0.05  # evenly thinned, not a pile of near-duplicates
    few = critical_points(f, (-1, 1), (-1, 1), max_points=4)
    assert few.truncated and len(few) == 4


def test_a_circle_of_minima_and_an_isolated_maximum():
    points = critical_points(Function("(x^2 + y^2 - 1)^2"), (-2, 2), (-2, 2))
    assert points.continuum
    isolated = [p for p in points if p.isolated]
    assert [(p.x, p.y, p.kind) for p in isolated] == [
        (pytest.approx(0, abs=1e-9), pytest.approx(0, abs=1e-9), "maximum")
    ]
    ring = [p for p in points if not p.isolated]
    assert len(ring) >= 8
    for p in ring:
        assert math.hypot(p.x, p.y) == pytest.approx(1, abs=1e-6)


@pytest.mark.parametrize("text", ["5", "-pi", "sin(x)^2 + cos(x)^2"])
def test_constants_say_every_point_is_critical(text):
    points = critical_points(Function(text), (-1, 1), (-1, 1))
    assert points == [] and points.continuum and "every point" in points.note


@pytest.mark.parametrize(
    ("xlim", "ylim"),
    [((1, -1), (0, 1)), ((0, 0), (0, 1)), ((0, math.nan), (0, 1)), ((0, 1), (0, math.inf))],
)
def test_hostile_windows_are_rejected(xlim, ylim):
    with pytest.raises(ValueError):
        critical_points(Function("x^2 + y^2"), xlim, ylim)


def test_huge_and_tiny_scales():
    for scale in ("1e-20", "1e20"):
        (point,) = critical_points(Function(f"{scale} (x^2 - 2y^2)"), (-3, 2), (-2, 3))
        assert point.kind == "saddle" and abs(point.x) < 1e-9 and abs(point.y) < 1e-9
    (far,) = critical_points(Function("(x - 1000)^2 + (y + 2000)^2"), (990, 1010), (-2010, -1990))
    assert (far.x, far.y) == (pytest.approx(1000, abs=1e-9), pytest.approx(-2000, abs=1e-9))


SMOOTH = [HIMMELBLAU, "sin(x) cos(y)", "2x^2 - 1.05x^4 + x^6/6 + x y + y^2", "x^3 - 3x + y^2"]


@settings(max_examples=30, deadline=None)
@given(
    text=st.sampled_from(SMOOTH),
    corner=st.tuples(st.floats(-4, 2), st.floats(-4, 2)),
    size=st.tuples(st.floats(0.5, 4), st.floats(0.5, 4)),
)
def test_every_point_is_critical_and_classified_by_its_hessian(text, corner, size):
    f = Function(text)
    xlim, ylim = (corner[0], corner[0] + size[0]), (corner[1], corner[1] + size[1])
    points = critical_points(f, xlim, ylim)
    for p in points:
        assert xlim[0] <= p.x <= xlim[1] and ylim[0] <= p.y <= ylim[1]
        assert gradient_norm(f, p) <= 1e-9
        eigenvalues = np.linalg.eigvalsh(f.hessian(p.x, p.y))
        np.testing.assert_allclose(p.eigenvalues, eigenvalues, rtol=1e-12, atol=1e-12)
        expected = {(1, 1): "minimum", (-1, -1): "maximum", (-1, 1): "saddle"}
        assert p.kind == expected[tuple(np.sign(eigenvalues).astype(int))]
        assert p.value == pytest.approx(float(f(p.x, p.y)))
    # The same points as a search of a bigger window, restricted to this one (away from edges).
    big = critical_points(f, (-5, 5), (-5, 5))
    margin = 1e-6

    def inside(p):
        return (
            xlim[0] + margin < p.x < xlim[1] - margin and ylim[0] + margin < p.y < ylim[1] - margin
        )

    here = [(p.x, p.y) for p in points if inside(p)]
    there = [(p.x, p.y) for p in big if inside(p)]
    assert len(here) == len(there)
    np.testing.assert_allclose(here, there, atol=1e-8)


def test_a_long_thin_window_keeps_points_close_across_its_short_side():
    # Minima at y = +-0.0004 and a saddle at y = 0, all at x = 500; the window is 1000 wide.
    f = Function("(x - 500)^2 / 10000 + 1e12 (y^2 - 0.0004^2)^2")
    points = critical_points(f, (0, 1000), (-0.001, 0.001))
    assert [p.kind for p in sorted(points, key=lambda p: p.y)] == ["minimum", "saddle", "minimum"]
    np.testing.assert_allclose([p.y for p in points], [-0.0004, 0.0, 0.0004], atol=1e-12)
    np.testing.assert_allclose([p.x for p in points], 500, atol=1e-6)


@pytest.mark.parametrize(
    "bad",
    [{"starts": 1}, {"starts": 10**6}, {"resolution": 2.5}, {"max_points": -1}, {"starts": True}],
)
def test_tuning_arguments_are_checked(bad):
    with pytest.raises(ValueError):
        critical_points(Function("x^2 + y^2"), (-1, 1), (-1, 1), **bad)


# --- window width does not change what is found (issue 11, item 4) ------------------------------


@pytest.mark.parametrize("half", [5, 100, 200, 1000, 10_000])
def test_himmelblau_has_all_nine_however_wide_the_window(half):
    points = critical_points(Function(HIMMELBLAU), (-half, half), (-half, half))
    assert kinds(points) == {"minimum": 4, "maximum": 1, "saddle": 4}
    saddles = sorted((round(p.x, 4), round(p.y, 4)) for p in points if p.kind == "saddle")
    assert (-0.128, -1.9537) in saddles  # the one lost on [-200, 200]^2


@pytest.mark.parametrize("half", [100, 200, 1000])
def test_a_non_polynomial_himmelblau_keeps_its_nine_on_wide_windows(half):
    # log(1 + h) has h's critical points; no resultant applies, the refined search finds them.
    points = critical_points(Function(f"log(1 + {HIMMELBLAU})"), (-half, half), (-half, half))
    assert kinds(points) == {"minimum": 4, "maximum": 1, "saddle": 4}


def _found(text, half, centre=(0.0, 0.0)):
    xlim = (centre[0] - half, centre[0] + half)
    ylim = (centre[1] - half, centre[1] + half)
    return critical_points(Function(text), xlim, ylim), xlim, ylim


def _inside(points, xlim, ylim):
    return sorted(
        (round(p.x, 6) + 0.0, round(p.y, 6) + 0.0)
        for p in points
        if xlim[0] <= p.x <= xlim[1] and ylim[0] <= p.y <= ylim[1]
    )


def _same_when_widened(text, half, centre=(0.0, 0.0)):
    small, xlim, ylim = _found(text, half, centre)
    wide, *_ = _found(text, 10 * half, centre)
    assert _inside(wide, xlim, ylim) == _inside(small, xlim, ylim)
    return small


@settings(max_examples=8, deadline=None)
@given(half=st.floats(5.0, 50.0), cx=st.floats(-0.5, 0.5), cy=st.floats(-0.5, 0.5))
def test_himmelblau_count_is_invariant_under_widening(half, cx, cy):
    points = _same_when_widened(HIMMELBLAU, half, (cx, cy))
    assert len(points) == 9


@settings(max_examples=15, deadline=None)
@given(
    a=st.integers(-5, 5).filter(bool),
    b=st.integers(-5, 5),
    c=st.integers(-5, 5).filter(bool),
    d=st.integers(-9, 9),
    e=st.integers(-9, 9),
    half=st.floats(1.0, 100.0),
)
def test_a_quadratic_s_one_point_is_found_on_any_window_that_holds_it(a, b, c, d, e, half):
    # f = a x^2 + b x y + c y^2 + d x + e y: grad f = 0 is a 2x2 linear system, solved here.
    matrix = np.array([[2 * a, b], [b, 2 * c]], dtype=float)
    if abs(np.linalg.det(matrix)) < 1e-9:
        return  # a line of critical points or none: not this property
    expected = np.linalg.solve(matrix, [-d, -e])
    text = f"{a} x^2 + {b} x y + {c} y^2 + {d} x + {e} y"
    centre = tuple(expected + 0.3)  # the point inside, off centre
    if np.abs(expected - centre).max() >= half:
        return
    points = _same_when_widened(text, half, centre)
    assert len(points) == 1
    assert (points[0].x, points[0].y) == (
        pytest.approx(expected[0], abs=1e-9),
        pytest.approx(expected[1], abs=1e-9),
    )


@settings(max_examples=6, deadline=None)
@given(half=st.floats(1.0, 2.5))
def test_sin_sin_points_are_the_same_in_a_window_ten_times_wider(half):
    points = _same_when_widened("sin(x) sin(y)", half)
    by_hand = [
        (x, y)
        for k in range(-3, 4)
        for m in range(-3, 4)
        for x, y in ((k * math.pi, m * math.pi), ((k + 0.5) * math.pi, (m + 0.5) * math.pi))
        if abs(x) <= half and abs(y) <= half
    ]
    assert len(points) == len(by_hand)


def test_a_circle_of_critical_points_of_a_rational_function_is_reported_as_a_curve():
    points = critical_points(Function("1/(x^2+y^2) + x^2 + y^2"), (-2, 2), (-2, 2))
    assert points.continuum and not points.truncated and "not isolated" in points.note
    assert points and not any(p.isolated for p in points)
    angles = np.sort([math.atan2(p.y, p.x) for p in points])
    for p in points:
        assert math.hypot(p.x, p.y) == pytest.approx(1, abs=1e-6)
        assert p.value == pytest.approx(2, abs=1e-9)
    gaps = np.diff(np.concatenate([angles, [angles[0] + 2 * math.pi]]))
    assert gaps.max() < 1.5 * gaps.min()  # evenly spaced along the circle


class _BusyOnce:
    """The shared worker, except that each task's first call finds the machine too busy."""

    def __init__(self, worker):
        self.worker, self.calls = worker, Counter()

    def run(self, task, *args, **kwargs):
        self.calls[task] += 1
        if self.calls[task] == 1:
            raise WorkerBusyError("The server is too busy.", hint="Try again in a moment.")
        return self.worker.run(task, *args, **kwargs)


def test_a_busy_worker_is_asked_again_next_time_not_remembered_as_no_answer(monkeypatch):
    import core.critical as critical

    busy = _BusyOnce(critical.shared_worker())
    monkeypatch.setattr(critical, "shared_worker", lambda: busy)
    # New texts: nothing cached from other tests.
    f = Function("a x^2 + b y^2 + 0.125 x y", parameters={"a": 1.0, "b": -1.0})
    assert critical.parameter_note(f) == ""  # busy: said nothing
    assert "a" in critical.parameter_note(f) and busy.calls["hessian_determinant"] == 2
    assert critical.parameter_note(f) == critical.parameter_note(f)
    assert busy.calls["hessian_determinant"] == 2  # the answer is kept

    g = Function("x^3 - 3 x + y^2 + 0.0625 y")
    first = critical_points(g, (-3, 3), (-3, 3))
    second = critical_points(g, (-3, 3), (-3, 3))
    assert busy.calls["polynomial_critical_points"] == 2
    # The numeric search found both points while the worker was busy: (±1, -1/32).
    for found in (first, second):
        np.testing.assert_allclose([(p.x, p.y) for p in found], [(-1, -1 / 32), (1, -1 / 32)])
