"""Benchmarks of descent (issue 4): a race of 7 optimizers, and a basin map of 200 x 200 starts.

Each beside the plain Python loop it replaces, measured in the same run: the racers one at a
time and one step at a time, with f.gradient per point (the same optimizers' update functions,
so only the looping differs; the loop's paths are checked equal to the race's).
"""

from __future__ import annotations

import time

import numpy as np

from core import Function, basins, race
from core.optimizers import optimizer

from .timing import Row, median_seconds

HIMMELBLAU = "(x^2+y-11)^2 + (x+y^2-7)^2"
DEFAULT = "x^2 y + y^3"
RACERS = [
    ("sgd", {"lr": 0.01}),  # gradient descent
    ("sgd", {"lr": 0.01, "momentum": 0.9}),
    ("sgd", {"lr": 0.01, "momentum": 0.9, "nesterov": True}),
    ("adagrad", {"lr": 0.5}),
    ("rmsprop", {"lr": 0.01}),
    ("adam", {"lr": 0.1}),
    ("newton", {}),
]
STEPS = 1000
RACE_TARGET, BASINS_TARGET = 0.050, 2.0
BASIN_RESOLUTION, BASIN_STEPS, BASIN_LR = 200, 200, 0.01
LOOP_SAMPLE = 400  # starts the Python loop baseline runs; its time is scaled to all of them


def _one_at_a_time(f: Function, start, racers, steps: int) -> list[np.ndarray]:
    """The obvious loop: each racer alone, each step calling f.gradient (and f.hessian)."""
    paths = []
    for name, hp in racers:
        opt = optimizer(name, **hp)
        point = np.array([start], dtype=np.float64)
        state = opt.init(point)
        path = [point[0]]
        with np.errstate(all="ignore"):
            for _ in range(steps):
                gradient = f.gradient(point[:, 0], point[:, 1])
                hessian = f.hessian(point[:, 0], point[:, 1]) if opt.needs_hessian else None
                updates, state = opt.update(gradient, state, point, hessian)
                point = point + updates
                if not np.all(np.abs(point) <= 1e8):
                    break
                path.append(point[0])
        paths.append(np.array(path))
    return paths


def race_rows() -> list[Row]:
    rows = []
    for label, text, start in (("Himmelblau", HIMMELBLAU, (0.5, 0.5)), (DEFAULT, DEFAULT, (2, 1))):
        f = Function(text)
        results = race(f, start, RACERS, STEPS)
        looped = _one_at_a_time(f, start, RACERS, STEPS)
        for result, path in zip(results, looped, strict=True):
            if result.status == "finished":
                np.testing.assert_array_equal(result.path, path)
        ended = ", ".join(sorted({r.status for r in results}))
        seconds = median_seconds(lambda f=f, start=start: race(f, start, RACERS, STEPS))
        baseline = median_seconds(
            lambda f=f, start=start: _one_at_a_time(f, start, RACERS, STEPS), repeats=5, warmup=1
        )
        rows.append(
            Row(
                f"race: 7 optimizers x {STEPS} steps, {label} from {start} ({ended})",
                seconds,
                "plain Python loop: the same 7 x 1000 steps, one racer and one step at a time, "
                "f.gradient per point",
                baseline,
                "<= 50 ms",
                seconds <= RACE_TARGET,
            )
        )
    return rows


def _basins_loop(f: Function, starts: np.ndarray) -> np.ndarray:
    """The obvious loop: every start alone, one f.gradient call per start and step."""
    ends = np.empty_like(starts)
    with np.errstate(all="ignore"):
        for i, (x, y) in enumerate(starts):
            for _ in range(BASIN_STEPS):
                gx, gy = f.gradient(x, y)
                x, y = x - BASIN_LR * gx, y - BASIN_LR * gy
                if not (abs(x) <= 1e8 and abs(y) <= 1e8):
                    break
            ends[i] = x, y
    return ends


def basin_rows() -> list[Row]:
    f = Function(HIMMELBLAU)
    window = ((-5, 5), (-5, 5))

    def run():
        return basins(f, "sgd", *window, BASIN_RESOLUTION, BASIN_STEPS, lr=BASIN_LR)

    result = run()
    assert (result.labels >= 0).mean() > 0.99, "Himmelblau's basins should cover the window"
    seconds = median_seconds(run, repeats=5, warmup=1)
    starts = np.stack(np.meshgrid(result.x, result.y), axis=-1).reshape(-1, 2)
    sample = starts[:: len(starts) // LOOP_SAMPLE][:LOOP_SAMPLE]
    started = time.perf_counter()
    ends = _basins_loop(f, sample)
    baseline = (time.perf_counter() - started) * len(starts) / len(sample)
    np.testing.assert_allclose(
        ends, result.ends.reshape(-1, 2)[:: len(starts) // LOOP_SAMPLE][:LOOP_SAMPLE], rtol=1e-9
    )
    return [
        Row(
            f"basins {BASIN_RESOLUTION}x{BASIN_RESOLUTION} starts x {BASIN_STEPS} steps "
            f"(Himmelblau, sgd lr={BASIN_LR}, with its critical points)",
            seconds,
            f"Python loop over the starts, f.gradient per start and step "
            f"({LOOP_SAMPLE} starts timed, scaled x{len(starts) // LOOP_SAMPLE})",
            baseline,
            "<= 2 s",
            seconds <= BASINS_TARGET,
        )
    ]


def descent_rows() -> list[Row]:
    return [*race_rows(), *basin_rows()]
