"""Descent on f(x, y): one optimizer's path, a race of several, or a whole grid of starts.

All three are one loop over steps (`_walk`) that moves every point at once: each step evaluates
f's gradient once for all points (and the Hessian once for Newton's points), and every
optimizer's pure `update` moves its rows. A point stops early, and keeps its last good position,
when it diverges (non-finite or beyond DIVERGENCE_BOUND), leaves f's domain (the gradient is
undefined there) or, for Newton, meets a singular Hessian; stopped points leave the working
arrays, so they cost nothing afterwards. Nothing else stops a run unless a tolerance is given.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .critical import CriticalPoints, critical_points
from .function import Function
from .grid import check_window
from .optimizers import Optimizer, optimizer, singular_hessian, stack_key, stacked

MAX_STEPS = 10_000
DIVERGENCE_BOUND = 1e8
MAX_RACERS = 64
MAX_BASIN_RESOLUTION = 300
MAX_BASIN_WORK = 40_000_000  # starts x steps: 200 x 200 starts x 1000 steps, ~10 s at most
CAPTURE_RADIUS = 0.02  # of the window's diagonal: an end this close to a critical point reached it

# Basin labels below 0 (labels >= 0 index the critical points).
DIVERGED, UNSETTLED, UNDEFINED = -1, -2, -3

_BOUND_TEXT = f"1e{round(math.log10(DIVERGENCE_BOUND))}"

STATUSES = ("finished", "converged", "diverged", "undefined", "stuck")
_FINISHED, _CONVERGED, _DIVERGED, _UNDEFINED, _STUCK = range(len(STATUSES))


@dataclass(frozen=True)
class Descent:
    """One optimizer's walk from one start.

    path (k+1, 2) holds the start and the k steps actually run (k = steps unless it stopped);
    values and gradient_norms are f and |grad f| along it. `stopped_at`: None when all steps ran;
    for "converged" the step whose point met the tolerance (the path's last row); for
    "diverged", "undefined" and "stuck" the step that could not be taken or left the good
    region (the path ends one row before it, at the last good point).
    """

    optimizer: str
    hyperparameters: dict
    path: np.ndarray
    values: np.ndarray
    gradient_norms: np.ndarray
    status: str  # one of STATUSES
    stopped_at: int | None
    message: str


@dataclass(frozen=True)
class Basins:
    """Where each start of a grid ends up: labels[row = y index, column = x index] is the index
    into `critical` of the critical point its end is nearest, if within CAPTURE_RADIUS of the
    window's diagonal (measured in window units), or DIVERGED, UNSETTLED (a finite end near no
    critical point; Newton's stuck starts stay where they stuck) or UNDEFINED (left f's domain).
    ends[row, column] is the last good point."""

    x: np.ndarray
    y: np.ndarray
    labels: np.ndarray
    ends: np.ndarray
    critical: CriticalPoints
    optimizer: str
    hyperparameters: dict
    steps: int


@dataclass(frozen=True)
class Stability:
    start_eigenvalues: np.ndarray  # of the Hessian, ascending; NaN where it is undefined
    end_eigenvalues: np.ndarray
    lr_limit: float | None  # 2 / lambda_max at the start, when lambda_max > 0
    explanation: str


def descend(f, start, optimizer: str, steps: int, tolerance: float | None = None, **hp) -> Descent:
    """Run `optimizer` (a name from core.optimizers.OPTIMIZERS, torch.optim hyperparameters)
    from `start` for exactly `steps` steps, unless it stops early (see Descent.status) or, with
    a `tolerance`, |grad f| falls to it."""
    return race(f, start, [(optimizer, hp)], steps, tolerance)[0]


def race(f, start, racers: Sequence[tuple[str, dict]], steps: int, tolerance=None) -> list:
    """Several optimizers from the same start in lock-step: one gradient evaluation per step
    for all of them. Each result equals descend() for that racer."""
    start = _check_point("start", start)
    steps = _check_steps(steps)
    tolerance = _check_tolerance(tolerance)
    if len(racers) > MAX_RACERS:
        raise ValueError(f"At most {MAX_RACERS} optimizers can race at once, not {len(racers)}.")
    optimizers = [_optimizer_of(racer) for racer in racers]
    if not optimizers:
        return []
    starts = np.repeat(start[None, :], len(optimizers), axis=0)
    # Racers of the same optimizer (and the same non-row-wise settings) move as one stack.
    together: dict[tuple, list[int]] = {}
    for i, opt in enumerate(optimizers):
        together.setdefault(stack_key(opt), []).append(i)
    groups = [
        (stacked([optimizers[i] for i in rows]), np.array(rows), [optimizers[i] for i in rows])
        for rows in together.values()
    ]
    walk = _walk(f, starts, groups, steps, tolerance, keep_path=True)
    paths = walk.paths
    with np.errstate(all="ignore"):
        everything = np.concatenate(paths)
        values = f(everything[:, 0], everything[:, 1])
        gradients = f.gradient(everything[:, 0], everything[:, 1])
    norms = np.hypot(gradients[:, 0], gradients[:, 1])
    cuts = np.cumsum([len(path) for path in paths])[:-1]
    results = []
    for i, (opt, path, value, norm) in enumerate(
        zip(optimizers, paths, np.split(values, cuts), np.split(norms, cuts), strict=True)
    ):
        status, stopped_at = int(walk.status[i]), int(walk.stopped_at[i])
        message = _message(f, opt, status, stopped_at, path, value, norm, steps, tolerance, walk, i)
        results.append(
            Descent(
                opt.name,
                dict(opt.hyperparameters),
                path,
                value,
                norm,
                STATUSES[status],
                None if status == _FINISHED else stopped_at,
                message,
            )
        )
    return results


def basins(f, optimizer: str, xlim, ylim, resolution: int, steps: int, **hp) -> Basins:
    """Run `optimizer` from every point of a resolution x resolution grid over the window, all
    starts as one array, and label each start by the critical point its end reached."""
    (xmin, xmax), (ymin, ymax) = check_window(xlim, ylim)
    resolution = _check_whole("resolution", resolution, 2, MAX_BASIN_RESOLUTION)
    steps = _check_steps(steps)
    if resolution * resolution * steps > MAX_BASIN_WORK:
        raise ValueError(
            f"A basin map of {resolution} x {resolution} starts and {steps} steps is too much "
            f"work; keep resolution^2 x steps at most {MAX_BASIN_WORK:,} "
            "(for example 200 x 200 starts and 1000 steps)."
        )
    opt = _optimizer_of((optimizer, hp))
    x, y = np.linspace(xmin, xmax, resolution), np.linspace(ymin, ymax, resolution)
    grid_x, grid_y = np.meshgrid(x, y)
    starts = np.stack([grid_x.ravel(), grid_y.ravel()], axis=1)
    walk = _walk(f, starts, [(opt, np.arange(len(starts)), None)], steps, None, keep_path=False)
    critical = critical_points(f, (xmin, xmax), (ymin, ymax))
    labels = np.full(len(starts), UNSETTLED)
    labels[walk.status == _DIVERGED] = DIVERGED
    labels[walk.status == _UNDEFINED] = UNDEFINED
    settled = np.flatnonzero(labels == UNSETTLED)
    if len(critical) and settled.size:
        # In window units (width and height 1), so a long thin window captures fairly.
        span = np.array([xmax - xmin, ymax - ymin])
        centres = np.array([(p.x, p.y) for p in critical]) / span
        radius = CAPTURE_RADIUS * math.sqrt(2)  # of the diagonal
        offsets = walk.ends[settled][:, None, :] / span - centres[None, :, :]
        distances = np.hypot(offsets[..., 0], offsets[..., 1])
        nearest = distances.argmin(axis=1)
        near = distances[np.arange(len(settled)), nearest] <= radius
        labels[settled[near]] = nearest[near]
    shape = (resolution, resolution)
    return Basins(
        x,
        y,
        labels.reshape(shape),
        walk.ends.reshape((*shape, 2)),
        critical,
        opt.name,
        dict(opt.hyperparameters),
        steps,
    )


def stability(f, start, end, lr: float) -> Stability:
    """The Hessian's eigenvalues at the start and end of a path, and plain gradient descent's
    step limit: near a minimum, x <- x - lr H x multiplies the error along an eigenvector by
    (1 - lr lambda), which shrinks only when lr < 2 / lambda for every eigenvalue."""
    start, end = _check_point("start", start), _check_point("end", end)
    lr = _check_tolerance(lr, "lr")
    if lr is None:
        raise ValueError("lr must be a number, got None.")
    start_eigenvalues, end_eigenvalues = _eigenvalues(f, start), _eigenvalues(f, end)
    low, high = start_eigenvalues
    if math.isnan(high):
        return Stability(
            start_eigenvalues,
            end_eigenvalues,
            None,
            "The Hessian is undefined at the start, so there is no step limit to show.",
        )
    if high <= 0:
        explanation = (
            "The Hessian at the start has no positive eigenvalue: f is flat or curves down in "
            "every direction here, so no step limit applies and descent moves away."
        )
        return Stability(start_eigenvalues, end_eigenvalues, None, explanation)
    limit = 2 / high
    if lr >= limit:
        verdict = f"lr = {lr:.4g} is not below it, so gradient descent overshoots and grows here"
    elif low < 0:
        verdict = (
            f"lr = {lr:.4g} is below it, but this start is not near a minimum: one eigenvalue is "
            "negative, so along it f curves down and descent slides away instead of settling"
        )
    else:
        verdict = f"lr = {lr:.4g} is below it, so gradient descent settles here"
    explanation = (
        f"Gradient descent is stable near a minimum only for lr < 2/λmax = {limit:.4g} "
        f"(λmax = {high:.4g} at the start); {verdict}."
    )
    return Stability(start_eigenvalues, end_eigenvalues, limit, explanation)


# ---- the loop ---------------------------------------------------------------------------------


class _Group:
    """Rows of the working arrays that one optimizer moves, with its state. `members`: for a
    stack of racers (core.optimizers.stacked), the optimizer of each row, to restack the rows
    that remain when some stop; None when one optimizer moves every row alike."""

    __slots__ = ("members", "optimizer", "rows", "size", "state", "update")

    def __init__(self, optimizer: Optimizer, state: dict, size: int, members):
        self.optimizer, self.update = optimizer, optimizer.update
        self.state, self.size = state, size
        self.members = members
        self.rows = slice(0, size)  # of the working arrays (set by _layout)

    def keep(self, kept: np.ndarray) -> None:
        self.size, self.state = int(kept.sum()), _take(self.state, kept)
        if self.members is not None and self.size:
            self.members = [opt for opt, keep in zip(self.members, kept, strict=True) if keep]
            self.optimizer = stacked(self.members)
            self.update = self.optimizer.update


@dataclass
class _Walk:
    status: np.ndarray  # (m,) index into STATUSES
    stopped_at: np.ndarray  # (m,) step (see Descent.stopped_at)
    ends: np.ndarray  # (m, 2) last good point
    blew_up: np.ndarray  # (m,) diverged to a non-finite value (not just past the bound)
    paths: list[np.ndarray] | None  # (k+1, 2) per row, when kept


def _walk(f, starts, groups, steps, tolerance, keep_path) -> _Walk:
    """Move rows `starts` (m, 2) by their optimizers for `steps` steps (see the module doc).
    `groups`: (optimizer, row indices, members) with members as in _Group.

    A step is: updates from the gradient (and Hessian), move, check |points| <= bound, record.
    A gradient that is undefined (NaN) at a point makes the next move NaN, so that one check also
    finds the points outside f's domain; the rows that fail are told apart afterwards."""
    m = len(starts)
    status = np.full(m, _FINISHED)
    stopped_at = np.zeros(m, dtype=int)
    ends = starts.copy()
    blew_up = np.zeros(m, dtype=bool)
    # Newton's rows last: the rows whose Hessian matters are one slice, newton_from onwards.
    groups = sorted(groups, key=lambda group: group[0].needs_hessian)
    origin = np.concatenate([rows for _, rows, _ in groups])
    points = previous = starts[origin]
    working, offset = [], 0
    for opt, rows, members in groups:
        state = opt.init(points[offset : offset + len(rows)])
        working.append(_Group(opt, state, len(rows), members))
        offset += len(rows)
    newton_from = _layout(working)
    recorded = [points]
    epochs = [(origin, recorded)]

    def stop(bad, code, when, at) -> np.ndarray:
        """Working rows `bad` (mask) stop with status `code` at step `when`, ending at point `at`
        (each: one value, or one per working row), and leave the working arrays."""
        nonlocal points, previous, gradient, hessian, origin, recorded, newton_from
        which = origin[bad]
        for target, value in ((status, code), (stopped_at, when), (ends, at)):
            target[which] = value[bad] if np.ndim(value) == np.ndim(target) else value
        keep = ~bad
        points, previous, gradient = points[keep], previous[keep], gradient[keep]
        hessian = None if hessian is None else hessian[keep]
        origin = origin[keep]
        offset = 0
        for group in working:
            kept = keep[offset : offset + group.size]
            offset += group.size
            if not kept.all():
                group.keep(kept)
        working[:] = [group for group in working if group.size]
        newton_from = _layout(working)
        recorded = []
        epochs.append((origin, recorded))
        return keep

    derivatives = _Derivatives(f, hessian=newton_from is not None)
    with np.errstate(all="ignore"):
        gradient, hessian = derivatives(points)
        undefined = ~np.isfinite(gradient).all(axis=1)
        if undefined.any():
            stop(undefined, _UNDEFINED, 0, points)
        taken = 0
        for step in range(1, steps + 1):
            if not working:
                break
            if tolerance is not None:
                done = np.hypot(gradient[:, 0], gradient[:, 1]) <= tolerance
                if done.any():
                    stop(done, _CONVERGED, step - 1, points)
                    if not working:
                        break
            if len(working) == 1:
                group = working[0]
                updates, group.state = group.update(gradient, group.state, points, hessian)
            else:
                updates = np.empty_like(points)
                for group in working:
                    rows = group.rows
                    local = hessian[rows] if group.optimizer.needs_hessian else None
                    updates[rows], group.state = group.update(
                        gradient[rows], group.state, points[rows], local
                    )
            moved = points + updates
            if not np.abs(moved).max() <= DIVERGENCE_BOUND:  # NaN fails this test too
                bad = ~(np.abs(moved) <= DIVERGENCE_BOUND).all(axis=1)
                codes, when, at = _failures(bad, gradient, hessian, newton_from, step)
                at = np.where(at[:, None], previous, points)  # undefined: one step back
                blew_up[origin[bad & (codes == _DIVERGED) & ~np.isfinite(moved).all(axis=1)]] = True
                moved = moved[stop(bad, codes, when, at)]
                if not working:
                    break
            if keep_path:
                recorded.append(moved)
            previous, points = points, moved
            gradient, hessian = derivatives(points)
            taken = step
        if working:  # the last points' gradients were not used by a step: check them here
            undefined = ~np.isfinite(gradient).all(axis=1)
            if undefined.any():
                stop(undefined, _UNDEFINED, taken, previous)
    ends[origin] = points
    paths = _paths(epochs, status, stopped_at, steps) if keep_path else None
    return _Walk(status, stopped_at, ends, blew_up, paths)


def _failures(bad, gradient, hessian, newton_from, step):
    """Why the rows `bad` failed at `step`: per working row a status, the step it stopped at,
    and whether its end is one point back. An undefined gradient at the last point (the move
    from it was NaN) means that point left f's domain: it stops there, one step back. A Newton
    row whose Hessian is singular is stuck; one whose Hessian is undefined left the domain;
    anything else diverged."""
    codes = np.full(len(bad), _DIVERGED)
    when = np.full(len(bad), step)
    if newton_from is not None:
        newton = hessian[newton_from:]
        codes[newton_from:][~np.isfinite(newton).all(axis=(1, 2))] = _UNDEFINED
        codes[newton_from:][singular_hessian(newton)] = _STUCK
    back = ~np.isfinite(gradient).all(axis=1)
    codes[back], when[back] = _UNDEFINED, step - 1
    return codes, when, back


class _Derivatives:
    """f's gradient (n, 2), and its Hessian (n, 2, 2) when `hessian`, at points (n, 2): a
    core.Function's fast path (Function.local_derivatives), or the public methods of any other f.
    The gradient is computed the same way with or without the Hessian, so a racer's path does not
    depend on whether Newton is in the race."""

    def __init__(self, f, hessian: bool):
        self.f, self.hessian = f, hessian

    def __call__(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
        if isinstance(self.f, Function):
            return self.f.local_derivatives(points, self.hessian)
        x, y = points[:, 0], points[:, 1]
        hessian = self.f.hessian(x, y).reshape(-1, 2, 2) if self.hessian else None
        return self.f.gradient(x, y).reshape(-1, 2), hessian


def _layout(working: list[_Group]) -> int | None:
    """Give each group its rows; returns where Newton's rows start (None: no Newton)."""
    offset, newton_from = 0, None
    for group in working:
        group.rows = slice(offset, offset + group.size)
        if group.optimizer.needs_hessian and newton_from is None:
            newton_from = offset
        offset += group.size
    return newton_from


def _take(state: dict, kept: np.ndarray) -> dict:
    """The state of the kept rows (per-row arrays are indexed; counters stay)."""
    return {
        key: value[kept] if isinstance(value, np.ndarray) and value.ndim else value
        for key, value in state.items()
    }


def _paths(epochs, status, stopped_at, steps) -> list[np.ndarray]:
    """Each row's path, from the points recorded between stops (each with its working rows),
    cut to its length: a row that stopped early may have one point recorded past its end."""
    pieces: list[list[np.ndarray]] = [[] for _ in status]
    for origin, recorded in epochs:
        if recorded:
            stacked_points = np.stack(recorded)
            for position, row in enumerate(origin):
                pieces[row].append(stacked_points[:, position])
    lengths = np.where(status == _FINISHED, steps + 1, stopped_at)
    lengths[status == _CONVERGED] += 1
    lengths = np.maximum(lengths, 1)  # the start, even when it is outside f's domain
    return [np.concatenate(piece)[:length] for piece, length in zip(pieces, lengths, strict=True)]


# ---- messages and checks ----------------------------------------------------------------------


def _message(f, opt, status, stopped_at, path, values, norms, steps, tolerance, walk, i) -> str:
    """One plain sentence (or two) for people about how the walk went."""
    last = path[-1]
    where = f"({last[0]:.4g}, {last[1]:.4g})"
    if status == _DIVERGED:
        if walk.blew_up[i]:
            return (
                f"Diverged at step {stopped_at}: the step was not a finite number (it overflowed, "
                "or was 0/0), so the path stops at the last finite point."
            )
        return (
            f"Diverged at step {stopped_at}: the iterate passed {_BOUND_TEXT} in size "
            "(the learning rate is too large here, or f falls without bound that way)."
        )
    if status == _UNDEFINED:
        if stopped_at == 0:
            return "The start is outside f's domain: f or its gradient is undefined there."
        return (
            f"Stopped at step {stopped_at}: the iterate left f's domain (f or a derivative the "
            f"optimizer needs is undefined there), so the path ends at {where}."
        )
    if status == _STUCK:
        flat = " ∇f is 0 there too: a degenerate critical point." if norms[-1] == 0 else ""
        return (
            f"Stuck at step {stopped_at}: the Hessian is singular at {where} (f is flat along "
            f"some direction), so Newton's step H⁻¹∇f does not exist there.{flat}"
        )
    if status == _CONVERGED:
        text = (
            f"Converged at step {stopped_at}: |∇f| = {norms[-1]:.3g} is within the tolerance "
            f"{tolerance:.3g}; f = {values[-1]:.6g} at {where}."
        )
    else:
        text = (
            f"Ran all {steps} steps; ended at {where} with f = {values[-1]:.6g} "
            f"and |∇f| = {norms[-1]:.3g}."
        )
    if opt.needs_hessian:
        text += " " + _newton_note(f, last, norms)
    return text


def _newton_note(f, last, norms) -> str:
    """What Newton's end point is: it seeks grad f = 0, so it may well be a saddle or a maximum."""
    seeks = "Newton's method solves ∇f = 0, so any critical point attracts it"
    if not norms[-1] <= 1e-8 * max(1.0, float(norms[0])):
        return seeks + ": minima, saddles and maxima alike."
    with np.errstate(all="ignore"):
        hessian = f.hessian(last[0], last[1])
    if not np.isfinite(hessian).all():
        return seeks + "."
    low, high = np.linalg.eigvalsh(hessian)
    if low > 0:
        kind = "a minimum"
    elif high < 0:
        kind = "a maximum"
    elif low < 0 < high:
        kind = "a saddle point"
    else:
        kind = "a degenerate critical point"
    return f"It ended at {kind}: {seeks}, saddles and maxima included."


def _eigenvalues(f, point) -> np.ndarray:
    with np.errstate(all="ignore"):
        hessian = f.hessian(point[0], point[1])
    if not np.isfinite(hessian).all():
        return np.array([np.nan, np.nan])
    return np.linalg.eigvalsh(hessian)


def _optimizer_of(racer) -> Optimizer:
    try:
        name, hyperparameters = racer
        hyperparameters = dict(hyperparameters)
    except (TypeError, ValueError):
        raise ValueError(
            f"Each racer must be a pair (optimizer name, hyperparameters), got {racer!r}."
        ) from None
    return optimizer(name, **hyperparameters)


def _check_point(name: str, point) -> np.ndarray:
    try:
        point = np.asarray(point, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be two numbers (x, y), got {point!r}.") from None
    if point.shape != (2,):
        raise ValueError(f"{name} must be two numbers (x, y), got shape {point.shape}.")
    if not np.isfinite(point).all():
        raise ValueError(f"{name} must be finite, got ({point[0]}, {point[1]}).")
    return point


def _check_whole(name: str, value, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be a whole number, got {value!r}.")
    if not low <= value <= high:
        raise ValueError(f"{name} must be between {low} and {high:,}, got {value:,}.")
    return int(value)


def _check_steps(steps) -> int:
    return _check_whole("steps", steps, 0, MAX_STEPS)


def _check_tolerance(value, name: str = "tolerance") -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a number, got {value!r}.")
    value = float(value)
    if not (math.isfinite(value) and value >= 0):
        raise ValueError(f"{name} must be a finite number of 0 or more, got {value}.")
    return value
