"""The shared pool of symbolic workers: one slow formula holds one worker, not everyone's."""

from __future__ import annotations

import os
import signal
import threading
import time
from types import SimpleNamespace

import pytest

from core._worker import WorkerPool


@pytest.fixture
def pool(monkeypatch):
    monkeypatch.setenv("CORE_WORKER_TEST_TASKS", "1")
    workers = WorkerPool(size=2, timeout=10)
    yield workers
    workers.close()


def test_a_task_does_not_queue_behind_a_slow_one_while_another_worker_is_idle(pool):
    pool.run("sleep", 0)
    finished: list[str] = []
    slow = threading.Thread(target=lambda: (pool.run("sleep", 4), finished.append("slow")))
    slow.start()
    deadline = time.monotonic() + 30
    while pool._idle.qsize() != 1 and time.monotonic() < deadline:  # the slow task has a worker
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
    assert pool._idle.qsize() == 2


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


def _kill_once_while_busy(worker) -> threading.Thread:
    """From outside (as the OOM killer or an operator would): SIGKILL the child once it is busy."""

    def kill() -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            process = worker._process
            if process is not None and not worker._lock.acquire(blocking=False):
                time.sleep(0.3)  # the task is sent and the child sleeps in it
                os.kill(process.pid, signal.SIGKILL)
                return
            if process is not None:
                worker._lock.release()
            time.sleep(0.01)

    killer = threading.Thread(target=kill)
    killer.start()
    return killer


def test_a_job_whose_worker_is_killed_from_outside_is_answered_by_one_retry(pool):
    worker = pool.workers[0]
    pool.run("sleep", 0)  # the most recently used worker answers next: workers[0]
    assert worker.starts == 1
    killer = _kill_once_while_busy(worker)
    assert pool.run("sleep", 2) is None  # answered, not "too large"
    killer.join()
    assert worker.starts == 2  # the retry ran on a fresh child
    assert pool._idle.qsize() == 2


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
        pool.run("sleep", 30, timeout=0.3)  # the child stops itself and says so
    with pytest.raises(ExpressionError):
        pool.run("build", "x +* y")
    assert pool.workers[0].starts == 1
