"""One lane for heavy sessions: a session whose recent runs cost the server a lot of CPU (new
large formulas, one after another) runs its pages one at a time with the other heavy sessions,
so ordinary students' clicks share the interpreter with at most one of them.

Python threads share one interpreter: twenty sessions building figures for new formulas at once
leave a student's 25 ms click a twenty-first of the time (measured with `python -m bench load
--attackers 20`). The symbolic workers are shared fairly by core._worker.WorkerPool; this is the
same idea for the work a run does in the server itself (grids, figures, JSON).

A session's usage is its runs' CPU time in the script's thread, each second counted less as it
ages (a half-life), kept in its own session state. A student clicking a point every second or
two stays far below HEAVY_RUN_SECONDS; so does a teacher trying a formula now and then.
"""

from __future__ import annotations

import contextlib
import contextvars
import math
import threading
from collections.abc import Iterator

USAGE = "_server_usage"
USAGE_HALF_LIFE_SECONDS = 10.0
# Above this much recent CPU a session is heavy. A run of Explore, Descent or Second order after a
# click costs 25 to 50 ms: a click a second for ever settles near 0.7 s (rate x half-life / ln 2).
HEAVY_RUN_SECONDS = 1.5
# How many heavy runs may go at once (one: on two cores the other is the students').
HEAVY_LANES = 1
# A heavy run never waits longer than this for its lane: slow, not starved.
MAX_WAIT_SECONDS = 10.0

Usage = tuple[float, float]  # (seconds, as of: time.monotonic())


def recent(usage: Usage | None, now: float, half_life: float = USAGE_HALF_LIFE_SECONDS) -> float:
    """The session's CPU seconds, each counted less as it ages (halved every `half_life`)."""
    if not usage:
        return 0.0
    seconds, since = usage
    return seconds * math.exp2(-max(0.0, now - since) / half_life)


def charged(
    usage: Usage | None, seconds: float, now: float, half_life: float = USAGE_HALF_LIFE_SECONDS
) -> Usage:
    """The usage after a run that took `seconds` of CPU, ending at `now`."""
    return (recent(usage, now, half_life) + max(0.0, seconds), now)


class _Run:
    """One run's hold on the lane: taken at the start (a heavy session) or when the run turns out
    heavy (join), given back when the run ends."""

    def __init__(self, lanes: threading.BoundedSemaphore, max_wait: float) -> None:
        self._lanes, self._max_wait = lanes, max_wait
        self.held = False

    def join(self) -> bool:
        """Take a lane for the rest of this run (waiting at most max_wait); whether it holds one."""
        if not self.held:
            self.held = self._lanes.acquire(timeout=self._max_wait)
        return self.held

    def release(self) -> None:
        if self.held:
            self.held = False
            self._lanes.release()


_current: contextvars.ContextVar[_Run | None] = contextvars.ContextVar("heavy_run", default=None)


class HeavyLane:
    """At most `lanes` heavy runs at a time; light runs never wait."""

    def __init__(self, lanes: int = HEAVY_LANES, max_wait: float = MAX_WAIT_SECONDS) -> None:
        self._lanes = threading.BoundedSemaphore(lanes)
        self.max_wait = max_wait

    @contextlib.contextmanager
    def run(self, heavy: bool) -> Iterator[_Run]:
        """The block is one run: it holds a lane from the start if `heavy`, or from when
        `heavy_from_here` is called inside it."""
        run = _Run(self._lanes, self.max_wait)
        if heavy:
            run.join()
        token = _current.set(run)
        try:
            yield run
        finally:
            _current.reset(token)
            run.release()


def heavy_from_here() -> None:
    """The rest of the current run is heavy (a formula no one sent lately is about to be built,
    and its figures drawn): wait for the heavy lane. Outside a run (a notebook, a test), nothing."""
    run = _current.get()
    if run is not None:
        run.join()


heavy_lane = HeavyLane()
