"""ui.shell.cache.function_for remembers a refusal: the worker is asked once per distinct text."""

from __future__ import annotations

import pytest

import ui.shell.cache as cache
from core import ExpressionError


def test_a_refused_formula_is_refused_again_without_asking_core(monkeypatch):
    calls = []

    def refuse(text):
        calls.append(text)
        raise ExpressionError("This formula takes too long.", hint="Try a simpler formula.")

    monkeypatch.setattr(cache, "Function", refuse)
    cache._built.clear()
    try:
        for _ in range(3):
            with pytest.raises(ExpressionError) as refused:
                cache.function_for("x^x^x (remembered)")
            assert refused.value.hint == "Try a simpler formula."
            assert str(refused.value) == "This formula takes too long. Try a simpler formula."
        assert calls == ["x^x^x (remembered)"]
    finally:
        cache._built.clear()


def test_a_good_formula_is_built_once():
    cache._built.clear()
    first = cache.function_for("x^2 + 3 y")
    assert cache.function_for("x^2 + 3 y") is first
    assert first(1.0, 2.0) == 7.0


def test_a_worker_starved_of_cpu_is_not_remembered_as_the_formula_s_refusal(monkeypatch):
    from core import WorkerBusyError

    calls = []

    def busy_then_fine(text):
        calls.append(text)
        if len(calls) == 1:
            raise WorkerBusyError("The server is too busy.", hint="Try again in a moment.")
        return "built"

    monkeypatch.setattr(cache, "Function", busy_then_fine)
    cache._built.clear()
    try:
        with pytest.raises(WorkerBusyError):
            cache.function_for("x y (busy once)")
        assert cache.function_for("x y (busy once)") == "built"  # asked again, and answered
        assert calls == ["x y (busy once)"] * 2
    finally:
        cache._built.clear()
