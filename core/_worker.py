"""Run symbolic work in a child process that can be killed.

Signal-based timeouts do not work in Streamlit's script threads, and a thread cannot be stopped, so
SymPy work on user input runs in a separate Python process with a memory cap. A task may use
TIMEOUT_SECONDS of CPU time: the child stops itself there, and a child deaf to that (stuck in C
code) is killed by the server once it has used HARD_GRACE_SECONDS more (and restarted), so the
caller gets an ExpressionError instead of a hung page. The limit counts the CPU the child got, not
the wall clock: the workers run at a lower CPU priority than the server, so on a busy machine a
fine formula may wait for its CPU, and it must not be refused as "too long" for that (nor have
that refusal remembered). Only a task that gets too little CPU for STARVED_SECONDS of the wall
clock is stopped, and then as the machine's fault (WorkerBusyError), never remembered.

The child is a fresh interpreter started with subprocess rather than multiprocessing, which would
re-import the parent's __main__ (the Streamlit or pytest entry script) in the child.
"""

from __future__ import annotations

import atexit
import contextlib
import contextvars
import itertools
import math
import os
import pickle
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path

from .parse import ExpressionError

TIMEOUT_SECONDS = 1.5  # CPU seconds a task may use (each caller may give its own limit)
# After its own time limit the child has this much more CPU time to say so before it is killed.
HARD_GRACE_SECONDS = 0.5
# Wall-clock seconds a task may take in all, however little CPU it got: a machine so busy that an
# low-priority worker gets next to nothing must still answer the person (WorkerBusyError).
STARVED_SECONDS = 20.0
# How often the server looks at a busy child's CPU time while it waits for the answer, and asks
# whether a task waiting for a worker is still wanted (symbolic_owner).
WATCH_SECONDS = 0.1
CHECK_SECONDS = 0.1
WORKER_SEED = 20240611
TOO_LONG = "This formula takes too long to work with symbolically, so it was stopped."
TOO_LARGE = "This formula is too large to work with (the calculation ran out of room)."
BUSY = "The server is too busy to work this formula out right now."
# A task whose child died is tried this many more times on a fresh child before the death is
# blamed on the formula (a kill from outside, e.g. the OOM killer under load, is not its fault).
DEATH_RETRIES = 1
STARTUP_SECONDS = 60.0
# Workers per server: a slow formula (up to TIMEOUT_SECONDS) holds one of them, and everyone
# else's symbolic work goes to the other instead of queueing behind it.
POOL_SIZE = 2
MEMORY_HEADROOM_BYTES = 1536 * 2**20
# Fair shares of the pool: each owner's (a session's) worker time, halved every this many seconds.
USAGE_HALF_LIFE_SECONDS = 30.0
# An owner whose recent worker time is above this may hold every worker but one: the last one
# stays free for everyone else (a student's first open, a cache entry rebuilt), so twenty
# sessions sending expensive formulas cannot fill the pool.
HEAVY_SECONDS = 2.0
# An owner whose recent worker time is above PACE_SECONDS waits before each new task (up to
# MAX_PACE_SECONDS, until its usage would have faded to PACE_SECONDS): its script thread sleeps,
# which costs no one anything, and its next page run (the figures of yet another large formula,
# in the server's shared interpreter) comes later. A person trying formulas never gets there.
PACE_SECONDS = 6.0
# The workers run at a lower CPU priority than the server: on two cores two busy workers would
# otherwise take the server's turn, and every student's click waits behind a stranger's formula
# (20 attackers on a quiet machine: students' click p95 7.4-8.6x alone at nice 0, 1.4-2.0x at 10).
# Their time limits count CPU time, so waiting for CPU is never the formula's fault. Tried and
# left: Linux's SCHED_IDLE (only CPU no other process wants). The students' clicks use no worker,
# and on a machine busy with other programs it starved the workers (a round's heavy formulas 0 of
# 15 answered) without the students' click p95 under attack getting better in 15 rounds against
# main (README, Benchmarks); at nice 10 the server already gets its core before two workers.
WORKER_NICENESS = 10
MAX_PACE_SECONDS = 3.0
PROJECT_ROOT = Path(__file__).resolve().parent.parent


class SymbolicWorker:
    """One child process serving tasks by name; thread-safe, one task at a time."""

    def __init__(self, timeout: float = TIMEOUT_SECONDS, starved_seconds: float = STARVED_SECONDS):
        self.timeout = timeout
        self.starved_seconds = starved_seconds
        self._lock = threading.Lock()
        self._process: subprocess.Popen | None = None
        self._send: Connection | None = None
        self._receive: Connection | None = None
        self.starts = 0  # children started so far (each restart after a kill counts)

    def run(self, task: str, *args, timeout: float | None = None):
        """Run `task(*args)` in the child; raise ExpressionError on refusal, timeout or crash.

        A child that dies mid-task (killed from outside, by the OOM killer, or crashed) may not
        be the formula's fault, so the task is tried once more on a fresh child; only a second
        death is reported as the formula's. A timeout and the child's own answers are final.
        `timeout`: the task's CPU seconds (default self.timeout)."""
        with self._lock:
            limit = self.timeout if timeout is None else timeout
            for attempt in range(1 + DEATH_RETRIES):
                self._ensure_started()
                try:
                    status, payload = self._ask(task, args, limit)
                    break
                except _ChildDied:
                    self._stop()
                    if attempt == DEATH_RETRIES:
                        self._restart_in_background()
                        raise ExpressionError(TOO_LARGE, hint="Try a simpler formula.") from None
        if status == "error":
            raise payload
        return payload

    def _ask(self, task: str, args: tuple, limit: float) -> tuple[str, object]:
        """One round trip to the live child: its ("ok"|"error", payload) answer."""
        try:
            self._send.send((task, args, limit))
            self._await_answer(limit)
            return self._receive.recv()
        except (EOFError, OSError):
            raise _ChildDied from None
        except pickle.PickleError:  # an answer that cannot travel: the task's, not the child's
            self._stop()
            raise ExpressionError(TOO_LARGE, hint="Try a simpler formula.") from None

    def _await_answer(self, limit: float) -> None:
        """Wait until the child answers (or dies). The child stops itself once the task has used
        `limit` seconds of CPU and stays ready; one deaf to that (C code) is killed once it has
        used HARD_GRACE_SECONDS more. One that got too little CPU to get there within
        starved_seconds of the wall clock is killed too, as the machine's fault. Without the
        child's CPU time (no /proc), the wall clock stands in for it."""
        pid = self._process.pid
        started, cpu_before = time.monotonic(), cpu_seconds(pid)
        patience = max(self.starved_seconds, limit + HARD_GRACE_SECONDS)
        while not self._receive.poll(WATCH_SECONDS):
            waited = time.monotonic() - started
            cpu_now = cpu_seconds(pid)
            used = waited if cpu_before is None or cpu_now is None else cpu_now - cpu_before
            if used < limit + HARD_GRACE_SECONDS and waited < patience:
                continue
            self._stop()
            self._restart_in_background()
            if used >= limit + HARD_GRACE_SECONDS:
                raise ExpressionError(TOO_LONG, hint="Try a simpler formula.")
            raise WorkerBusyError(BUSY, hint="Try again in a moment.")

    def _ensure_started(self) -> None:
        if self._process is not None and self._process.poll() is None:
            return
        environment = dict(os.environ)
        environment["PYTHONPATH"] = os.pathsep.join(
            filter(None, [str(PROJECT_ROOT), environment.get("PYTHONPATH")])
        )
        # SymPy orders sets by hash in places (atoms, assumptions): one order in every process,
        # so the same question gets the same simplification and the same answer every time.
        environment["PYTHONHASHSEED"] = "0"
        self.starts += 1
        self._process = subprocess.Popen(
            [sys.executable, "-c", "from core._worker import serve; serve()"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            cwd=PROJECT_ROOT,
            env=environment,
        )
        self._send = Connection(os.dup(self._process.stdin.fileno()), readable=False)
        self._receive = Connection(os.dup(self._process.stdout.fileno()), writable=False)
        if not self._receive.poll(STARTUP_SECONDS) or self._receive.recv() != "ready":
            self._stop()
            raise RuntimeError("the symbolic worker process did not start")

    def start_in_background(self) -> None:
        """Start the child now, in a thread, so the first task does not wait for it."""
        self._restart_in_background()

    def _restart_in_background(self) -> None:
        """Start the next child now, so the person's next formula does not wait for it."""

        def restart() -> None:
            with self._lock, contextlib.suppress(Exception):
                self._ensure_started()

        threading.Thread(target=restart, name="symbolic-worker-restart", daemon=True).start()

    def _stop(self) -> None:
        if self._process is not None:
            self._process.kill()
            self._process.wait()
            for stream in (self._process.stdin, self._process.stdout):
                stream.close()
        for connection in (self._send, self._receive):
            if connection is not None:
                connection.close()
        self._process = self._send = self._receive = None

    def close(self) -> None:
        with self._lock:
            self._stop()


class _ChildDied(Exception):
    """The child's pipe broke mid-task: it was killed or crashed."""


class WorkerBusyError(ExpressionError):
    """The worker got too little CPU to finish in time: the machine was busy, the formula may be
    fine. Say so, and never remember it as the formula's refusal."""

    def __reduce__(self):
        return (WorkerBusyError, (self.message, self.column, self.text, self.hint))


_CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def cpu_seconds(pid: int) -> float | None:
    """CPU seconds (user + system) the process has used so far, from /proc; None without it."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            data = stat.read()
    except OSError:
        return None
    # After the command's closing parenthesis: state is field 3, utime 14, stime 15 (proc(5)).
    fields = data[data.rindex(b")") + 2 :].split()
    try:
        return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS
    except (IndexError, ValueError):
        return None


_owner: contextvars.ContextVar[str | None] = contextvars.ContextVar("symbolic_owner", default=None)
_still_wanted: contextvars.ContextVar[Callable[[], None] | None] = contextvars.ContextVar(
    "symbolic_still_wanted", default=None
)


def symbolic_owner(name: str | None, still_wanted: Callable[[], None] | None = None) -> None:
    """Whose symbolic work the calls that follow in this thread (or context) are: a server sets
    it to the session at the start of each run, and the pool shares its workers fairly between
    owners (core._worker.WorkerPool). Work with no owner shares one account.

    `still_wanted` is called every CHECK_SECONDS while such a task waits for a worker (or for its
    pace): it raises to give the wait up (a server's run stopped because its session closed, or
    superseded by a newer request of the same person), so a task no one waits for any more never
    takes a worker from the ones still waiting."""
    _owner.set(name)
    _still_wanted.set(still_wanted)


class WorkerPool:
    """Several SymbolicWorkers behind one `run`, shared fairly: a task goes to an idle worker (the
    most recently used first); when tasks wait, the next free worker goes to the one whose owner
    has used the least worker time lately (ties: the first to arrive), and an owner who used more
    than heavy_seconds lately never takes the last idle worker. So expensive formulas wait behind
    each other, and a session that rarely needs a worker (a student's first open of a link, a
    cache entry built again) finds one free at once."""

    def __init__(
        self,
        size: int = POOL_SIZE,
        timeout: float = TIMEOUT_SECONDS,
        heavy_seconds: float = HEAVY_SECONDS,
        half_life: float = USAGE_HALF_LIFE_SECONDS,
        pace_seconds: float = PACE_SECONDS,
        max_pace: float = MAX_PACE_SECONDS,
    ):
        self.workers = tuple(SymbolicWorker(timeout) for _ in range(size))
        self.heavy_seconds = heavy_seconds
        self.half_life = half_life
        self.pace_seconds = pace_seconds
        self.max_pace = max_pace
        self._sleep = time.sleep
        self._idle = list(reversed(self.workers))  # the next to take last: workers[0] first
        self._waiting: list[tuple[float, int, str | None]] = []  # (usage, arrival, owner)
        self._usage: dict[str | None, tuple[float, float]] = {}  # owner: (seconds, as of)
        self._arrivals = itertools.count()
        self._changed = threading.Condition()

    def usage(self, owner: str | None, now: float | None = None) -> float:
        """The owner's worker seconds, each second counted less as it ages (half-life)."""
        seconds, since = self._usage.get(owner, (0.0, 0.0))
        now = time.monotonic() if now is None else now
        return seconds * math.exp2(-(now - since) / self.half_life) if seconds else 0.0

    def pace(self, owner: str | None, now: float | None = None) -> float:
        """Seconds the owner's next task waits before it queues (0 for most, and for no owner)."""
        usage = self.usage(owner, now) if owner is not None else 0.0
        if usage <= self.pace_seconds:
            return 0.0
        return min(self.max_pace, self.half_life * math.log2(usage / self.pace_seconds))

    def waiting(self) -> int:
        with self._changed:
            return len(self._waiting)

    def idle(self) -> int:
        with self._changed:
            return len(self._idle)

    def run(self, task: str, *args, timeout: float | None = None):
        owner, still_wanted = _owner.get(), _still_wanted.get()
        if delay := self.pace(owner):
            self._pause(delay, still_wanted)
        worker = self._take(owner, still_wanted)
        started = time.monotonic()
        try:
            return worker.run(task, *args, timeout=timeout)
        finally:
            self._give_back(worker, owner, time.monotonic() - started)

    def _pause(self, seconds: float, still_wanted: Callable[[], None] | None) -> None:
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            self._sleep(left if still_wanted is None else min(left, CHECK_SECONDS))
            if still_wanted is not None:
                still_wanted()

    def _take(
        self, owner: str | None, still_wanted: Callable[[], None] | None = None
    ) -> SymbolicWorker:
        with self._changed:
            ticket = (self.usage(owner), next(self._arrivals), owner)
            self._waiting.append(ticket)
            check = None if still_wanted is None else CHECK_SECONDS
            try:
                while not self._changed.wait_for(lambda: self._may_take(ticket), check):
                    still_wanted()  # may raise: the ticket leaves the queue below
            finally:
                self._waiting.remove(ticket)
                self._changed.notify_all()
            return self._idle.pop()

    def _may_take(self, ticket: tuple[float, int, str | None]) -> bool:
        usage, _, owner = ticket
        if not self._idle or min(self._waiting) != ticket:
            return False
        light = owner is None or usage <= self.heavy_seconds  # no owner: a notebook, a test
        return light or len(self._idle) > 1 or len(self.workers) == 1

    def _give_back(self, worker: SymbolicWorker, owner: str | None, seconds: float) -> None:
        with self._changed:
            now = time.monotonic()
            self._usage[owner] = (self.usage(owner, now) + seconds, now)
            if len(self._usage) > 4096:  # forget the owners whose usage has faded
                for name in [o for o in self._usage if self.usage(o, now) < 0.01]:
                    del self._usage[name]
            self._idle.append(worker)
            self._changed.notify_all()

    def start_in_background(self) -> None:
        for worker in self.workers:
            worker.start_in_background()

    def close(self) -> None:
        for worker in self.workers:
            worker.close()


_shared: WorkerPool | None = None
_shared_lock = threading.Lock()


def shared_worker() -> WorkerPool:
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = WorkerPool()
            atexit.register(_shared.close)
        return _shared


_started = threading.Event()


def start_workers() -> None:
    """Start the shared symbolic workers now, in the background (a server calls this first
    thing, so its first formula does not wait about 0.4 s for a worker to start). Only the first
    call does anything: every rerun makes it, and a restart after a kill is the worker's own job."""
    with _shared_lock:
        if _started.is_set():
            return
        _started.set()
    shared_worker().start_in_background()


# -- the child side -----------------------------------------------------------------------------


def _limit_memory() -> None:
    import resource

    with open("/proc/self/statm") as statm:
        virtual_bytes = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    limit = virtual_bytes + MEMORY_HEADROOM_BYTES
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _lower_priority() -> None:
    with contextlib.suppress(OSError):
        os.nice(WORKER_NICENESS)


class _OutOfTime(BaseException):  # not an Exception: SymPy's own `except Exception` lets it by
    pass


def _out_of_time(signum, frame):
    raise _OutOfTime


def serve() -> None:
    import random

    from sympy.core import random as sympy_random

    from . import symbolic
    from .function import numpy_code
    from .javascript import JavascriptError, javascript_of

    tasks = {"build": symbolic.build, "differentiate": symbolic.differentiate}
    tasks["javascript"] = javascript_of
    tasks["numpy_code"] = numpy_code
    tasks |= {"expression": symbolic.expression, "equivalent": symbolic.equivalent}
    tasks |= {"numeric": symbolic.numeric_forms, "prepare": symbolic.prepare}
    tasks |= {"differences": symbolic.differences_at, "edges": symbolic.edges}
    tasks |= {"kinks": symbolic.kinks, "substitute": symbolic.substitute}
    tasks |= {"polynomial_critical_points": symbolic.polynomial_critical_points}
    tasks |= {"magnitude": symbolic.magnitude, "bind": symbolic.bind}
    tasks |= {"hessian_determinant": symbolic.hessian_determinant}
    if os.environ.get("CORE_WORKER_TEST_TASKS") == "1":
        import time

        tasks["sleep"] = time.sleep  # uses no CPU: never reaches a (CPU) time limit

        def spin(seconds):  # uses `seconds` of CPU: stopped by the child's own time limit
            end = time.process_time() + seconds
            while time.process_time() < end:
                pass

        def stuck(seconds):  # deaf to that limit, like C code: lets the tests prove the kill
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGPROF})
            try:
                spin(seconds)
            finally:
                signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGPROF})

        tasks |= {"spin": spin, "stuck": stuck}

        def die():  # as if killed from outside mid-task, every time
            os.kill(os.getpid(), signal.SIGKILL)

        def die_once(marker):  # killed the first time only (the marker file remembers)
            if not os.path.exists(marker):
                open(marker, "w").close()
                die()
            return "survived"

        tasks |= {"die": die, "die_once": die_once}

    # Anything printed by a library must not corrupt the pickle stream on stdout.
    send = Connection(os.dup(1), readable=False)
    receive = Connection(os.dup(0), writable=False)
    os.dup2(2, 1)
    # Without /proc or rlimits on some platform, the timeout alone still bounds the work.
    with contextlib.suppress(OSError, ValueError):
        _limit_memory()
    _lower_priority()
    signal.signal(signal.SIGPROF, _out_of_time)
    send.send("ready")
    while True:
        try:
            task, args, limit = receive.recv()
        except (EOFError, OSError):
            return
        # SymPy draws random numbers (the order of its assumption deductions, random test
        # points): the same seed for every task, so an answer never depends on the task before.
        random.seed(WORKER_SEED)
        sympy_random.seed(WORKER_SEED)
        try:
            # The limit counts this process's CPU time (ITIMER_PROF), not the wall clock.
            signal.setitimer(signal.ITIMER_PROF, limit)
            try:
                result = ("ok", tasks[task](*args))
            finally:
                signal.setitimer(signal.ITIMER_PROF, 0)
        except _OutOfTime:
            result = ("error", ExpressionError(TOO_LONG, hint="Try a simpler formula."))
        except (ExpressionError, JavascriptError) as error:
            result = ("error", error)
        except (MemoryError, RecursionError):
            result = ("error", ExpressionError("This formula is too large to work with."))
        except Exception as error:  # a SymPy failure must reach the user as a message
            result = (
                "error",
                ExpressionError(f"SymPy could not process this formula ({type(error).__name__})."),
            )
        send.send(result)
