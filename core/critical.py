"""Critical points of f in a window: all of them, classified by the Hessian's eigenvalues.

One solver from one start finds one point. We start Newton on grad f = 0 (with backtracking)
from a grid of points plus the centre of every cell of a finer grid where both partials change
sign, refined where they still do (so the starts are at the scale of f's features, not of the
window: Himmelblau's nine points sit in one cell of [-1000, 1000]^2), plus, for a polynomial f,
every real critical point from a resultant (exact, whatever the window). Each is polished to
|grad f| ~ 1e-10 (relative to the window's typical gradient); we keep those in the window and
merge duplicates. Degenerate points are probed once more to tell an isolated point
(x^4 + y^4, the monkey saddle) from a curve of critical points (x^2, whose critical set is the
line x = 0).

Limits: only points where the gradient exists and vanishes (not the tip of |x| + |y|); where f
underflows to an exact constant (exp(-(x^2+y^2)) far out on a huge window) float64 cannot tell
the plateau from a region of critical points, and reports it as one.
"""

from __future__ import annotations

import math
import numbers
import weakref
from dataclasses import dataclass

import numpy as np

from ._worker import WorkerBusyError, shared_worker
from .grid import check_window
from .parse import ExpressionError, X, Y, to_text

KINDS = ("minimum", "maximum", "saddle", "degenerate")
GRADIENT_TOLERANCE = 1e-10  # relative to the window's typical |grad f|
EIGEN_TOLERANCE = 1e-8  # an eigenvalue this small relative to the Hessian's scale counts as zero
MAX_ITERATIONS = 200  # degenerate points (x^4) converge only linearly
# A Hessian eigenvalue below this fraction of the largest marks a flat direction (a curve of
# critical points) when deciding whether Newton has arrived.
FLAT_DIRECTION = 1e-8
# Sign-change cells are refined this many times, each into REFINE_SPLIT^2 smaller cells (while
# there are at most MAX_REFINED_CELLS of them).
REFINE_LEVELS = 5
REFINE_SPLIT = 4
MAX_REFINED_CELLS = 400
ALGEBRAIC_TIMEOUT = 0.5
# Samples of a curve of critical points are about this far apart (in window widths).
CURVE_SPACING = 1 / 25


@dataclass(frozen=True)
class CriticalPoint:
    x: float
    y: float
    value: float
    kind: str  # one of KINDS
    eigenvalues: tuple[float, float]  # of the Hessian, ascending
    isolated: bool = True  # False: one sample of a curve or region of critical points


class CriticalPoints(list):
    """A list of CriticalPoint sorted by (x, y), plus what a list cannot say:

    - `continuum`: some critical points are not isolated (x^2 has the whole line x = 0; a
      constant has every point). The list then holds an evenly spaced sample of them
      (`isolated=False`), at most `max_points` in all (`truncated` says if more were cut).
    - `note`: a sentence for people, "" when there is nothing to add.
    """

    def __init__(self, points=(), continuum=False, truncated=False, note=""):
        super().__init__(points)
        self.continuum, self.truncated, self.note = continuum, truncated, note


def critical_points(f, xlim, ylim, starts: int = 12, resolution: int = 48, max_points: int = 50):
    """All critical points of f in the window (see module doc). `starts` per axis for the
    start grid, `resolution` per axis for the sign-change grid."""
    (xmin, xmax), (ymin, ymax) = check_window(xlim, ylim)
    _check_count("starts", starts, 2, 100)
    _check_count("resolution", resolution, 2, 400)
    _check_count("max_points", max_points, 0, 10_000)
    if _constant(f):
        note = "f is constant: every point is a critical point."
        return CriticalPoints(continuum=True, note=note)
    span = np.array([xmax - xmin, ymax - ymin])
    low, high = np.array([xmin, ymin]), np.array([xmax, ymax])
    cells = _grid(low, high, resolution)
    gradient = f.gradient(cells[..., 0], cells[..., 1])
    scale = _typical(np.hypot(gradient[..., 0], gradient[..., 1]))
    tolerance = GRADIENT_TOLERANCE * scale
    candidates = np.concatenate(
        [
            _grid(low, high, starts).reshape(-1, 2),
            _refined_sign_cells(f, cells, gradient),
            _algebraic(f, low - span, high + span),
        ]
    )
    points, ok = _newton(f, candidates, low, high, span, tolerance)
    points = points[ok]
    inside = np.all((points >= low - 1e-9 * span) & (points <= high + 1e-9 * span), axis=1)
    points = _merge(np.clip(points[inside], low, high), span, 1e-6)
    # Hessians in window units (D H D, D = diag(width, height)): fxx and fyy carry different
    # units when x and y have different scales, and only this form compares them fairly.
    window_units = np.outer(span, span)
    with np.errstate(over="ignore", invalid="ignore"):  # inf is atypical, _typical skips it
        hessians = f.hessian(cells[..., 0], cells[..., 1]) * window_units
        hessian_scale = _typical(np.linalg.norm(hessians, axis=(-2, -1)))
    found = [_classify(f, p, window_units, hessian_scale) for p in points]
    isolated = _isolated(f, points, found, low, high, span, tolerance)
    found = [_with_isolated(point, flag) for point, flag in zip(found, isolated, strict=True)]
    summary = _summarise(found, span, max_points)
    said = parameter_note(f)
    if said:
        summary.note = f"{summary.note} {said}".strip()
    return summary


# The determinant of the Hessian, with the parameters as letters, gets this long in the worker.
DETERMINANT_TIMEOUT = 0.5


def parameter_note(f) -> str:
    """In words, how f's parameters decide the kind of its critical points: det H = fxx fyy -
    fxy^2 with the parameters as letters (SymPy work once per formula, in the worker; "" when
    there are no parameters in it, or it takes too long)."""
    if not f.parameters:
        return ""
    key = f.canonical_text
    if key not in _DETERMINANTS:
        try:
            second = [f.derivative(*v) for v in (("x", "x"), ("x", "y"), ("y", "y"))]
            _DETERMINANTS[key] = shared_worker().run(
                "hessian_determinant", *second, timeout=DETERMINANT_TIMEOUT
            )
        except WorkerBusyError:
            return ""  # the machine was busy, not the formula: asked again next time
        except ExpressionError:
            _DETERMINANTS[key] = None
    determinant = _DETERMINANTS[key]
    names = sorted(s.name for s in determinant.free_symbols - {X, Y}) if determinant else []
    if not names:
        return ""
    shown = to_text(determinant).replace("**", "^")
    move = "moves" if len(names) == 1 else "move"
    if len(shown) > 80:
        return (
            f"With parameters, det H depends on {', '.join(names)}: a critical point's kind "
            "(minimum or maximum where det H > 0, saddle where < 0) can change as they move."
        )
    if determinant.free_symbols & {X, Y}:
        return (
            f"det H = {shown} depends on the point and on {', '.join(names)}: a critical "
            "point's kind (minimum or maximum where det H > 0, saddle where < 0) can change as "
            "they move."
        )
    return (
        f"det H = {shown} at every point: a critical point is a minimum or maximum while it is "
        f"positive and a saddle while it is negative, so its kind changes where {shown} "
        f"crosses 0 as {', '.join(names)} {move}."
    )


_DETERMINANTS: dict[str, object] = {}


def _check_count(name, value, low, high) -> None:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be a whole number, got {value!r}")
    if not low <= value <= high:
        raise ValueError(f"{name} must be between {low} and {high}, got {value}")


def _grid(low, high, n) -> np.ndarray:
    """n x n points covering the window, shape (n, n, 2)."""
    x, y = np.linspace(low[0], high[0], n), np.linspace(low[1], high[1], n)
    return np.stack(np.meshgrid(x, y), axis=-1)


def _typical(values: np.ndarray) -> float:
    finite = values[np.isfinite(values) & (values > 0)]
    return float(np.median(finite)) if finite.size else 1.0


def _sign_cells(cells, gradient) -> np.ndarray:
    """Centres of grid cells where both partials take both signs (or zero) at the corners."""
    corners = np.stack(
        [gradient[:-1, :-1], gradient[1:, :-1], gradient[:-1, 1:], gradient[1:, 1:]], axis=0
    )
    with np.errstate(invalid="ignore"):
        changes = (np.min(corners, axis=0) <= 0) & (np.max(corners, axis=0) >= 0)
    hit = changes.all(axis=-1)
    centres = (cells[:-1, :-1] + cells[1:, 1:]) / 2
    return centres[hit]


def _refined_sign_cells(f, cells, gradient) -> np.ndarray:
    """Centres of sign-change cells (see _sign_cells), each refined REFINE_LEVELS times into
    REFINE_SPLIT x REFINE_SPLIT smaller cells, keeping those where both partials still change
    sign: several critical points in one coarse cell (Himmelblau's nine in one cell of a wide
    window) each get a start of their own, at the scale of the features, not of the window."""
    centres = [_sign_cells(cells, gradient)]
    corners = np.stack([cells[:-1, :-1], cells[1:, 1:]], axis=-2)[
        _sign_mask(gradient)
    ]  # (n, 2 corners, 2)
    for _ in range(REFINE_LEVELS):
        if len(corners) == 0 or len(corners) > MAX_REFINED_CELLS:
            break
        t = np.linspace(0.0, 1.0, REFINE_SPLIT + 1)
        low, high = corners[:, 0], corners[:, 1]
        xs = low[:, None, 0] + (high - low)[:, None, 0] * t  # (n, k+1)
        ys = low[:, None, 1] + (high - low)[:, None, 1] * t
        sub = np.stack(np.broadcast_arrays(xs[:, None, :], ys[:, :, None]), axis=-1)
        sub_gradient = f.gradient(sub[..., 0], sub[..., 1])  # (n, k+1, k+1, 2)
        mask = np.stack([_sign_mask(g) for g in sub_gradient])
        centres.append(((sub[:, :-1, :-1] + sub[:, 1:, 1:]) / 2)[mask])
        # Isolated points keep the count of cells about constant; a curve of critical points
        # multiplies it by REFINE_SPLIT each level and soon stops the refinement.
        corners = np.stack([sub[:, :-1, :-1], sub[:, 1:, 1:]], axis=-2)[mask]
    return np.concatenate(centres).reshape(-1, 2)


def _sign_mask(gradient) -> np.ndarray:
    """Cells (between grid points) where both partials take both signs (or zero) at corners."""
    corners = np.stack(
        [gradient[:-1, :-1], gradient[1:, :-1], gradient[:-1, 1:], gradient[1:, 1:]], axis=0
    )
    with np.errstate(invalid="ignore"):
        changes = (np.min(corners, axis=0) <= 0) & (np.max(corners, axis=0) >= 0)
    return changes.all(axis=-1)


def _constant(f) -> bool:
    """Whether f's gradient is 0 everywhere, with its parameters' values (a x^2 at a = 0)."""
    gradient = [f.derivative("x"), f.derivative("y")]
    if all(g == 0 for g in gradient):
        return True
    if not f.parameters or any(not (g.free_symbols - {X, Y}) for g in gradient if g != 0):
        return False  # some part of the gradient does not depend on any parameter
    try:
        return all(g == 0 for g in f.bound(*gradient))
    except ExpressionError:
        return False


_ALGEBRAIC: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _algebraic(f, low, high) -> np.ndarray:
    """Every critical point of a polynomial f, wherever it is, from a resultant in the worker
    (core.symbolic.polynomial_critical_points), those near the window; empty when that does not
    apply or does not finish in time (the numeric search still runs)."""
    if f not in _ALGEBRAIC:
        try:
            # With parameters, the gradient with their values put in (exact decimals): SymPy
            # work for every new value, as for every new formula; the numeric search is not.
            fx, fy = f.bound(f.derivative("x"), f.derivative("y"))
            found = shared_worker().run(
                "polynomial_critical_points", fx, fy, timeout=ALGEBRAIC_TIMEOUT
            )
        except WorkerBusyError:
            return np.empty((0, 2))  # the machine was busy, not the formula: asked again next time
        except ExpressionError:
            found = None
        _ALGEBRAIC[f] = np.array(found or [], dtype=np.float64).reshape(-1, 2)
    points = _ALGEBRAIC[f]
    return points[np.all((points >= low) & (points <= high), axis=1)]


def _newton_step(hessian, gradient, flat=1e-14):
    """The Newton step -H^+ g for grad f = 0, batched, through H's eigen-decomposition.

    Eigenvalues below 1e-14 of the largest act as zero (pseudo-inverse), so a singular H (x^2
    along y) gives no step along its null direction instead of an infinite one; every other
    direction gets its own 1/lambda, so a flat direction (y^4 in x^2 + y^4) is not starved the
    way Levenberg-Marquardt damping relative to |H| would starve it. -H^+ g never increases
    |grad f| to first order, so halving the step until |grad f| drops always makes progress.
    """
    step = np.zeros_like(gradient)
    good = np.isfinite(hessian).all(axis=(1, 2)) & np.isfinite(gradient).all(axis=1)
    if not good.any():
        return step
    # Scale each problem to |H| ~ 1 first: far out on a Gaussian H ~ 1e-80 and squares underflow.
    scale = np.abs(hessian[good]).max(axis=(1, 2))[:, None]
    scale[scale == 0] = 1.0
    values, vectors = np.linalg.eigh(hessian[good] / scale[:, :, None])
    cutoff = flat * np.abs(values).max(axis=1, keepdims=True) + 1e-300
    inverse = np.where(np.abs(values) > cutoff, 1 / np.where(values == 0, 1, values), 0.0)
    along = np.einsum("kji,kj->ki", vectors, gradient[good] / scale)
    step[good] = -np.einsum("kij,kj->ki", vectors, inverse * along)
    return step


def _newton(f, points, low, high, span, tolerance):
    """Newton with backtracking from every start at once. Returns (points, converged mask)."""
    points = np.array(points, dtype=np.float64)
    gradient = f.gradient(points[:, 0], points[:, 1]).reshape(-1, 2)
    norm = np.hypot(gradient[:, 0], gradient[:, 1])
    shrink = np.ones(len(points))
    active = np.isfinite(norm)
    cap, margin = 0.25 * span.max(), 0.5 * span
    for _ in range(MAX_ITERATIONS):
        index = np.flatnonzero(active)
        if index.size == 0:
            break
        p, g = points[index], gradient[index]
        step = _newton_step(f.hessian(p[:, 0], p[:, 1]).reshape(-1, 2, 2), g)
        length = np.hypot(step[:, 0], step[:, 1])
        step *= (shrink[index] * np.minimum(1.0, cap / np.maximum(length, 1e-300)))[:, None]
        trial = p + step
        g_new = f.gradient(trial[:, 0], trial[:, 1]).reshape(-1, 2)
        n_new = np.hypot(g_new[:, 0], g_new[:, 1])
        better = n_new < norm[index]  # False for NaN: stepping into an undefined region fails
        moved = index[better]
        points[moved], gradient[moved], norm[moved] = trial[better], g_new[better], n_new[better]
        shrink[moved] = np.minimum(1.0, shrink[moved] * 4)
        shrink[index[~better]] /= 4
        # Stop: exactly critical, step below rounding, no step helps, or far outside the window.
        tiny = length <= 1e-15 * (1 + np.abs(p).max(axis=1)) * span.max()
        settled = (norm[index] <= tolerance) & (length <= 1e-9 * span.max())
        done = (norm[index] == 0) | tiny | settled | (shrink[index] < 1e-12)
        outside = np.any((points[index] < low - margin) | (points[index] > high + margin), axis=1)
        active[index[done | outside]] = False
    # Accept a point only where |grad f| is tiny AND the Newton step is tiny: far out on a flat
    # tail (a Gaussian's) the gradient is tiny too, but Newton still wants to move. Along a curve
    # of critical points the Hessian is flat (eigenvalue ~1e-13 of the other) and rounding in
    # the gradient would ask for a long step along it: such directions do not count here.
    hessian = f.hessian(points[:, 0], points[:, 1]).reshape(-1, 2, 2)
    last = _newton_step(hessian, gradient, flat=FLAT_DIRECTION)
    return points, (norm <= tolerance) & (np.hypot(last[:, 0], last[:, 1]) <= 1e-6 * span.max())


def _merge(points, span, radius) -> np.ndarray:
    """One representative per cluster of points closer than `radius` (in window widths, so a
    long thin window does not merge across its short side), sorted by (x, y). Buckets of side
    `radius` make it linear in the number of points (a curve gives thousands)."""
    kept: list[np.ndarray] = []
    buckets: dict[tuple[int, int], list[np.ndarray]] = {}
    for p in points[np.lexsort((points[:, 1], points[:, 0]))]:
        scaled = p / span
        key = (int(np.floor(scaled[0] / radius)), int(np.floor(scaled[1] / radius)))
        near = (
            q
            for dx in (-1, 0, 1)
            for dy in (-1, 0, 1)
            for q in buckets.get((key[0] + dx, key[1] + dy), ())
        )
        if not any(np.hypot(*(scaled - q)) < radius for q in near):
            kept.append(p)
            buckets.setdefault(key, []).append(scaled)
    return np.array(kept).reshape(-1, 2)


def _classify(f, point, window_units, hessian_scale) -> CriticalPoint:
    """Kind from the signs of the eigenvalues of D H D (the same signs as H's, by Sylvester's
    law of inertia); the reported eigenvalues are H's own."""
    x, y = float(point[0]), float(point[1])
    value, hessian = float(f(x, y)), f.hessian(x, y)
    if not np.isfinite(hessian).all():
        return CriticalPoint(x, y, value, "degenerate", (math.nan, math.nan))
    scaled = np.linalg.eigvalsh(hessian * window_units)
    zero = EIGEN_TOLERANCE * max(hessian_scale, float(np.abs(scaled).max()))
    if np.abs(scaled).min() <= zero:
        kind = "degenerate"
    elif scaled[0] > 0:
        kind = "minimum"
    elif scaled[1] < 0:
        kind = "maximum"
    else:
        kind = "saddle"
    low, high = (float(v) for v in np.linalg.eigvalsh(hessian))
    return CriticalPoint(x, y, value, kind, (low, high))


def _isolated(f, points, found, low, high, span, tolerance) -> list[bool]:
    """A degenerate point is isolated unless Newton, started a little way along the Hessian's
    null directions, stops at a different critical point right there (the set continues)."""
    flags = [True] * len(found)
    probe = 1e-2  # of the window's width and height
    starts, owners = [], []
    for i, point in enumerate(found):
        if point.kind == "degenerate":
            for direction in ((1, 0), (0, 1), (-1, 0), (0, -1)):
                starts.append(points[i] + probe * span * np.asarray(direction))
                owners.append(i)
    if not starts:
        return flags
    ends, ok = _newton(f, np.array(starts), low, high, span, tolerance)
    for owner, end, good in zip(owners, ends, ok, strict=True):
        if good and np.hypot(*((end - points[owner]) / span)) > probe / 2:
            flags[owner] = False
    return flags


def _with_isolated(point: CriticalPoint, isolated: bool) -> CriticalPoint:
    return point if isolated else CriticalPoint(**{**point.__dict__, "isolated": False})


def _evenly(curve, span, spacing) -> list[CriticalPoint]:
    """Farthest-point sampling: start from the first point, keep adding the point farthest from
    those chosen until every point is within `spacing` (window widths) of one: samples about
    evenly spaced along curves of any shape, without knowing the curves."""
    xy = np.array([(p.x, p.y) for p in curve]) / span
    chosen = [0]
    distance = np.hypot(*(xy - xy[0]).T)
    while distance.max() >= spacing:
        farthest = int(np.argmax(distance))
        chosen.append(farthest)
        distance = np.minimum(distance, np.hypot(*(xy - xy[farthest]).T))
    return [curve[i] for i in sorted(chosen)]


def _summarise(found, span, max_points) -> CriticalPoints:
    isolated = [p for p in found if p.isolated]
    curve = [p for p in found if not p.isolated]
    if not curve:
        return CriticalPoints(isolated)
    thinned = _evenly(curve, span, CURVE_SPACING)
    room = max(0, max_points - len(isolated))
    truncated = len(thinned) > room
    if truncated:
        thinned = [thinned[i] for i in np.linspace(0, len(thinned) - 1, room).round().astype(int)]
    points = sorted(isolated + thinned, key=lambda p: (p.x, p.y))
    note = "Some critical points are not isolated: they fill curves or regions; a sample is shown."
    return CriticalPoints(points, continuum=True, truncated=truncated, note=note)


def hessian_shape(eigenvalues, reference: float = 0.0) -> str:
    """What the Hessian's eigenvalues say about f's shape at any point (not only a critical one),
    in words. An eigenvalue within 1e-6 of `reference` (a typical |λ|, e.g. at the start) or of
    the larger one counts as 0: f is flat along that direction (the test cannot decide)."""
    low, high = (float(value) for value in eigenvalues)
    if not (math.isfinite(low) and math.isfinite(high)):
        return "undefined"
    zero = 1e-6 * max(abs(low), abs(high), reference if math.isfinite(reference) else 0.0)
    if abs(low) <= zero and abs(high) <= zero:
        return "flat (Hessian ≈ 0)"
    if min(abs(low), abs(high)) <= zero:
        return "flat along one direction"
    if low > 0:
        return "bowl (curves up)"
    if high < 0:
        return "dome (curves down)"
    return "saddle"
