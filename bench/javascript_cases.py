"""Benchmarks of core.javascript (issue 12): f, gradient and Hessian compiled for the browser."""

from __future__ import annotations

from core import Function, compile_javascript

from .core_cases import LARGE, TYPICAL, _build_uncached, _fresh
from .timing import Row, median_seconds

REPEATS = 11
WARMUP = 2


def javascript_rows() -> list[Row]:
    rows = []
    for label, text in (("typical", TYPICAL), ("large", LARGE)):
        variant = _fresh(text)
        # Fresh, already built Functions: the compile alone is timed, with no cache to serve it.
        functions = iter([Function(variant()) for _ in range(REPEATS + WARMUP)])
        seconds = median_seconds(lambda f=functions: compile_javascript(next(f)), REPEATS, WARMUP)
        baseline = median_seconds(lambda v=variant: _build_uncached(v()), REPEATS, WARMUP)
        rows.append(
            Row(
                f"JavaScript of f, gradient, Hessian, {label} input (once per function)",
                seconds,
                "Function build (parse + derivatives + numpy)",
                baseline,
                "<= 1x baseline" if label == "typical" else "",
                seconds <= baseline if label == "typical" else None,
            )
        )
        body = compile_javascript(Function(text)).body(2)
        rows.append(
            Row(
                f"  its function body, {label} input",
                len(body.encode()),
                "",
                None,
                "",
                None,
                "bytes",
            )
        )
    return rows
