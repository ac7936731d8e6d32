"""Medians of repeated wall-clock timings, and the table `python -m bench` prints."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


def median_seconds(run: Callable[[], object], repeats: int = 15, warmup: int = 2) -> float:
    for _ in range(warmup):
        run()
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


@dataclass(frozen=True)
class Row:
    case: str
    seconds: float
    baseline: str
    baseline_seconds: float | None
    target: str
    met: bool | None
    unit: str = "s"  # "s" (seconds, shown in ms) or "bytes" (shown in KB)

    @property
    def ratio(self) -> float | None:
        if self.baseline_seconds:
            return self.seconds / self.baseline_seconds
        return None


def _ms(seconds: float | None) -> str:
    return "" if seconds is None else f"{seconds * 1000:.2f} ms"


def _shown(value: float | None, unit: str) -> str:
    if value is None:
        return ""
    return f"{value / 1000:.1f} KB" if unit == "bytes" else _ms(value)


def render(rows: list[Row]) -> str:
    header = ("case", "median", "baseline", "baseline median", "ratio", "target", "met")
    lines = [
        (
            row.case,
            _shown(row.seconds, row.unit),
            row.baseline,
            _shown(row.baseline_seconds, row.unit),
            "" if row.ratio is None else f"{row.ratio:.2f}x",
            row.target,
            {True: "yes", False: "NO", None: ""}[row.met],
        )
        for row in rows
    ]
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *lines, strict=True)]

    def format_line(cells):
        return " | ".join(str(cell).ljust(width) for cell, width in zip(cells, widths, strict=True))

    rule = "-+-".join("-" * width for width in widths)
    return "\n".join([format_line(header), rule, *(format_line(line) for line in lines)])
