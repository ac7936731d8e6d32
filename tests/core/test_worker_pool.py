"""The shared pool of symbolic workers: one slow formula holds one worker, not everyone's."""

from __future__ import annotations

import math
import os
import signal
import threading
import time
from types import SimpleNamespace

import pytest

from core._worker import WorkerPool
from core.parse import ExpressionError


@pytest.fixture
def pool(monkeypatch):
    monkeypatch.setenv("CORE_WORKER_TEST_TASKS", "1")
    workers = WorkerPool(size=2, timeout=10)
    yield workers
    workers.close()


def test_a_task_does_not_queue_behind_a_slow_one_while_another_worker_is_idle(pool):
    pool.run("sleep", 0)
    finished: list[str] = []
    slow = threading.Thread(target=lambda: (pool.run("sleep", 8), finished.append("slow")))
    slow.start()
    deadline = time.monotonic() + 30
    while pool.idle() != 1 and time.monotonic() < deadline:  # the slow task has a worker
        time.sleep(0.01)
    expr, _ = pool.run("build", "x^2 y")
    finished.append("quick")
    slow.join()
    assert str(expr) == "x**2*y"
    assert finished == ["quick", "slow"]


def test_every_worker_gives_the_same_answer(pool):
    answers = [worker.run("build", "sin(x y) + x^3 y^2") for worker in pool.workers]
    assert answers[0] == answers[1]
    assert pool.workers[0]._process.pid != pool.workers[1]._process.pid


def test_started_in_the_background_without_waiting(pool):
    pool.start_in_background()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if all(w._process is not None and w._process.poll() is None for w in pool.workers):
            break
        time.sleep(0.05)
    assert all(w._process is not None and w._process.poll() is None for w in pool.workers)
    assert pool.run("sleep", 0) is None


def test_a_worker_is_back_in_the_pool_after_its_task_failed(pool):
    from core.parse import ExpressionError

    with pytest.raises(ExpressionError):
        pool.run("build", "x +* y")
    assert pool.idle() == 2


def test_only_the_first_call_starts_the_shared_workers(monkeypatch):
    import core._worker as worker_module

    started = []
    monkeypatch.setattr(worker_module, "_started", threading.Event())
    pool = SimpleNamespace(start_in_background=lambda: started.append(1))
    monkeypatch.setattr(worker_module, "shared_worker", lambda: pool)
    for _ in range(5):
        worker_module.start_workers()
    assert started == [1]


# -- a worker killed mid-build is not the formula's fault (issue 15) ------------------------------


def _once_busy(worker, act, poll: float) -> threading.Thread:
    """From another thread, call act(child process) once the worker's child is in a task (the
    worker holds its lock), looking every `poll` seconds for up to 30 s."""

    def watch() -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            process = worker._process
            if process is not None and not worker._lock.acquire(blocking=False):
                act(process)
                return
            if process is not None:
                worker._lock.release()
            time.sleep(poll)

    watcher = threading.Thread(target=watch)
    watcher.start()
    return watcher


def _kill_once_while_busy(worker) -> threading.Thread:
    """From outside (as the OOM killer or an operator would): SIGKILL the child once it is busy."""

    def kill(process) -> None:
        time.sleep(0.3)  # the task is sent and the child sleeps in it
        os.kill(process.pid, signal.SIGKILL)

    return _once_busy(worker, kill, poll=0.01)


def test_a_job_whose_worker_is_killed_from_outside_is_answered_by_one_retry(pool):
    worker = pool.workers[0]
    pool.run("sleep", 0)  # the most recently used worker answers next: workers[0]
    assert worker.starts == 1
    killer = _kill_once_while_busy(worker)
    assert pool.run("sleep", 2) is None  # answered, not "too large"
    killer.join()
    assert worker.starts == 2  # the retry ran on a fresh child
    assert pool.idle() == 2


def test_a_job_that_kills_its_worker_every_time_is_refused_after_exactly_one_retry(pool):
    from core.parse import ExpressionError

    worker = pool.workers[0]
    pool.run("sleep", 0)
    with pytest.raises(ExpressionError, match="too large"):
        pool.run("die")
    # The first child and the retry's; then one more, started in the background for the next
    # job, and no third try of this one.
    deadline = time.monotonic() + 60
    while worker.starts < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert pool.run("sleep", 0) is None
    assert worker.starts == 3


def test_a_job_killed_once_by_its_own_doing_is_answered_on_the_retry(pool, tmp_path):
    marker = tmp_path / "died-once"
    assert pool.run("die_once", str(marker)) == "survived"
    assert pool.workers[0].starts == 2


def test_a_timeout_kill_is_not_retried(monkeypatch):
    from core._worker import SymbolicWorker
    from core.parse import ExpressionError

    monkeypatch.setenv("CORE_WORKER_TEST_TASKS", "1")
    worker = SymbolicWorker(timeout=0.5)
    try:
        worker.run("sleep", 0)
        with pytest.raises(ExpressionError, match="too long"):
            worker.run("stuck", 30)  # deaf to its own limit: killed at the hard limit
        deadline = time.monotonic() + 60  # the restart in the background, for the next person
        while worker.starts < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        with worker._lock:
            assert worker.starts == 2  # one start for the next job, none for a retry
    finally:
        worker.close()


def test_the_child_s_own_error_answer_is_not_retried(pool):
    from core.parse import ExpressionError

    pool.run("sleep", 0)
    with pytest.raises(ExpressionError, match="too long"):
        pool.run("spin", 30, timeout=0.3)  # the child stops itself and says so
    with pytest.raises(ExpressionError):
        pool.run("build", "x +* y")
    assert pool.workers[0].starts == 1


# -- fair shares: one session's expensive formulas do not hold everyone's workers (issue 15) ------


def _run_as(pool, owner, task, *args, done=None):
    from core._worker import symbolic_owner

    def work() -> None:
        symbolic_owner(owner)
        pool.run(task, *args)
        if done is not None:
            done.append(owner)

    thread = threading.Thread(target=work)
    thread.start()
    return thread


def _until(condition) -> None:
    deadline = time.monotonic() + 30
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert condition()


@pytest.fixture
def fair_pool(monkeypatch):
    monkeypatch.setenv("CORE_WORKER_TEST_TASKS", "1")
    workers = WorkerPool(size=2, timeout=10, heavy_seconds=0.2, half_life=3600)
    yield workers
    workers.close()


def test_usage_is_charged_to_the_owner_and_fades_with_its_half_life(fair_pool):
    _run_as(fair_pool, "attacker", "sleep", 0.3).join()
    _run_as(fair_pool, "student", "sleep", 0).join()
    now = time.monotonic()
    assert fair_pool.usage("attacker", now) > fair_pool.heavy_seconds
    assert fair_pool.usage("student", now) < fair_pool.heavy_seconds
    assert fair_pool.usage("nobody", now) == 0
    later = fair_pool.usage("attacker", now + 2 * fair_pool.half_life)
    assert later == pytest.approx(fair_pool.usage("attacker", now) / 4)


def test_a_heavy_owner_never_takes_the_last_idle_worker(fair_pool):
    for worker in fair_pool.workers:
        worker.run("sleep", 0)  # both started
    _run_as(fair_pool, "attacker", "sleep", 0.3).join()  # now over heavy_seconds
    done: list[str] = []
    first = _run_as(fair_pool, "attacker", "sleep", 3, done=done)
    _until(lambda: fair_pool.idle() == 1)
    second = _run_as(fair_pool, "attacker", "sleep", 0, done=done)
    _until(lambda: fair_pool.waiting() == 1)
    assert fair_pool.idle() == 1  # the attacker's second formula waits beside a free worker...
    _run_as(fair_pool, "student", "sleep", 0, done=done).join()  # ...which a student gets at once
    first.join()
    second.join()
    assert done == ["student", "attacker", "attacker"]


def test_the_next_free_worker_goes_to_the_owner_who_used_the_least(monkeypatch):
    monkeypatch.setenv("CORE_WORKER_TEST_TASKS", "1")
    pool = WorkerPool(size=1, timeout=10, heavy_seconds=100, half_life=3600)
    try:
        _run_as(pool, "attacker", "sleep", 0.3).join()
        done: list[str] = []
        busy = _run_as(pool, "someone", "sleep", 1.5)
        _until(lambda: pool.idle() == 0)
        late = [_run_as(pool, "attacker", "sleep", 0, done=done)]
        _until(lambda: pool.waiting() == 1)
        late.append(_run_as(pool, "student", "sleep", 0, done=done))  # arrives after, goes first
        _until(lambda: pool.waiting() == 2)
        for thread in [busy, *late]:
            thread.join()
        assert done == ["student", "attacker"]
    finally:
        pool.close()


def test_work_without_an_owner_may_use_every_worker(fair_pool):
    _run_as(fair_pool, None, "sleep", 0.3).join()
    slow = _run_as(fair_pool, None, "sleep", 2)
    _until(lambda: fair_pool.idle() == 1)
    assert fair_pool.run("sleep", 0) is None  # not held back: a notebook or a test
    slow.join()


# -- the server compiles what the worker printed (issue 15) ----------------------------------------


def test_a_formula_s_numpy_functions_are_compiled_by_the_worker(monkeypatch):
    import core.function as function_module
    from core import Function

    function_module._lambdify_namespace()  # numpy's names, gathered once in this process

    def not_here(*args, **kwargs):
        raise AssertionError("lambdify ran in the server's process")

    monkeypatch.setattr(function_module, "compile_numpy", not_here)
    f = Function("abs(x y - 1) + sin(x)^2 / (1 + y^2) + a exp(x) + 0.125", parameters={"a": 2.0})
    x, y = 0.5, 3.0  # x y > 1: off the kink of abs
    expected = abs(x * y - 1) + math.sin(x) ** 2 / (1 + y**2) + 2.0 * math.exp(x) + 0.125
    assert f(x, y) == pytest.approx(expected, rel=1e-14)
    gradient = f.gradient(x, y)
    assert gradient[1] == pytest.approx(x - 2 * math.sin(x) ** 2 * y / (1 + y**2) ** 2, rel=1e-12)


def _code_of(body: str) -> bytes:
    import marshal

    module = compile(f"def _lambdifygenerated(x, y):\n    return [{body}]\n", "<test>", "exec")
    return marshal.dumps(next(c for c in module.co_consts if hasattr(c, "co_names")))


def test_code_naming_anything_outside_lambdify_s_globals_is_refused():
    from core.function import from_code

    assert from_code(_code_of("sin(x) + y"))(0.0, 2.0) == [2.0]
    for hostile in ("open('/etc/passwd')", "__import__('os')", "eval('1')", "x.__class__"):
        with pytest.raises(ValueError, match="names"):
            from_code(_code_of(hostile))
    with pytest.raises(ValueError, match="code of its own"):
        from_code(_code_of("(lambda: 1)()"))


def test_workers_run_at_a_lower_cpu_priority_than_the_server(pool):
    from core._worker import WORKER_NICENESS

    pool.run("sleep", 0)
    child = pool.workers[0]._process.pid
    assert os.getpriority(os.PRIO_PROCESS, child) == min(19, os.nice(0) + WORKER_NICENESS)


# -- the time limits count CPU time: a worker waiting for CPU is not a slow formula ---------------


@pytest.fixture
def worker(monkeypatch):
    from core._worker import SymbolicWorker

    monkeypatch.setenv("CORE_WORKER_TEST_TASKS", "1")
    one = SymbolicWorker(timeout=0.5, starved_seconds=60)
    one.run("sleep", 0)  # started and answering
    yield one
    one.close()


def test_a_task_past_its_limit_on_the_wall_clock_but_not_in_cpu_time_is_answered(worker):
    process = worker._process
    assert worker.run("sleep", 2) is None  # 2 s of wall clock, next to no CPU: not "too long"
    assert worker._process is process  # nor killed


def test_a_worker_stopped_by_the_system_mid_task_still_answers_a_fine_task(worker):
    """SIGSTOP for longer than the limit and its grace: what a low-priority worker on a busy
    machine lives through (no CPU at all for a while). The task needs 0.2 s of CPU: it is fine."""
    process = worker._process
    pauser = _stop_for_while_busy(worker, seconds=3)
    assert worker.run("spin", 0.2) is None
    pauser.join()
    assert worker._process is process and worker.starts == 1


def test_a_task_that_uses_its_cpu_limit_is_still_too_long(worker):
    process = worker._process
    with pytest.raises(ExpressionError, match="too long"):
        worker.run("spin", 30)  # the child stops itself at 0.5 s of CPU
    assert worker._process is process and process.poll() is None  # and stays ready
    assert worker.run("spin", 0.01) is None


def test_a_task_deaf_to_its_cpu_limit_is_killed_once_it_used_the_grace(worker):
    process = worker._process
    # SIGPROF blocked, spinning, as C code would; the fixture's 60 s of patience are far off, so
    # the kill is for the CPU it used.
    with pytest.raises(ExpressionError, match="too long"):
        worker.run("stuck", 30)
    assert process.poll() is not None  # killed


def test_a_worker_starved_past_its_patience_is_stopped_as_busy_not_as_the_formula_s_fault(
    monkeypatch,
):
    from core import WorkerBusyError
    from core._worker import SymbolicWorker

    monkeypatch.setenv("CORE_WORKER_TEST_TASKS", "1")
    worker = SymbolicWorker(timeout=0.5, starved_seconds=2)
    try:
        worker.run("sleep", 0)
        process = worker._process
        with pytest.raises(WorkerBusyError, match="busy") as busy:
            worker.run("sleep", 30)  # no CPU used, and the wall clock ran out
        assert "too long" not in str(busy.value) and "too large" not in str(busy.value)
        assert process.poll() is not None  # stopped, and a fresh child answers the next task
        expr, _ = worker.run("build", "x^2 y")
        assert str(expr) == "x**2*y"
    finally:
        worker.close()


def _stop_for_while_busy(worker, seconds: float) -> threading.Thread:
    """SIGSTOP the child once its task is in flight, SIGCONT it `seconds` later."""

    def pause(process) -> None:
        os.kill(process.pid, signal.SIGSTOP)
        try:
            time.sleep(seconds)
        finally:
            os.kill(process.pid, signal.SIGCONT)

    return _once_busy(worker, pause, poll=0.001)


# -- a task no one waits for any more leaves the queue (its session closed or asked again) --------


class _Gone(BaseException):  # what Streamlit's yield check raises is a BaseException too
    pass


def test_a_queued_task_that_is_no_longer_wanted_leaves_the_queue_without_a_worker(monkeypatch):
    from core._worker import symbolic_owner

    monkeypatch.setenv("CORE_WORKER_TEST_TASKS", "1")
    pool = WorkerPool(size=1, timeout=10, heavy_seconds=100, half_life=3600)
    try:
        pool.run("sleep", 0)
        busy = _run_as(pool, "someone", "sleep", 3)
        _until(lambda: pool.idle() == 0)
        wanted = threading.Event()
        wanted.set()
        outcome: list[str] = []

        def leaving() -> None:
            def still_wanted() -> None:
                if not wanted.is_set():
                    raise _Gone

            symbolic_owner("leaver", still_wanted)
            try:
                pool.run("die")  # would kill the worker, were it ever run
                outcome.append("ran")
            except _Gone:
                outcome.append("gave up")

        leaver = threading.Thread(target=leaving)
        leaver.start()
        _until(lambda: pool.waiting() == 1)
        wanted.clear()  # the session closed
        leaver.join()
        busy.join()
        assert outcome == ["gave up"]
        assert pool.waiting() == 0 and pool.idle() == 1
        assert pool.workers[0].starts == 1  # "die" never reached the worker
        assert pool.run("sleep", 0) is None
    finally:
        pool.close()


def test_a_paced_task_that_is_no_longer_wanted_stops_waiting_for_its_turn(fair_pool):
    from core._worker import symbolic_owner

    pauses: list[float] = []
    fair_pool._sleep = pauses.append  # no real sleep: the pace is counted, not waited
    fair_pool._usage["attacker"] = (100 * fair_pool.pace_seconds, time.monotonic())
    assert fair_pool.pace("attacker") > 0
    checks: list[int] = []

    def still_wanted() -> None:
        checks.append(1)
        raise _Gone

    symbolic_owner("attacker", still_wanted)
    try:
        with pytest.raises(_Gone):
            fair_pool.run("die")
    finally:
        symbolic_owner(None)
    assert checks == [1] and len(pauses) == 1  # gave up after its first short pause
    assert fair_pool.waiting() == 0 and fair_pool.idle() == 2
