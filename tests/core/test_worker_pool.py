"""The shared pool of symbolic workers: one slow formula holds one worker, not everyone's."""

from __future__ import annotations

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
