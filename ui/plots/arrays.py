"""Small helpers for what figures send and label: float32 arrays, finite checks, short numbers."""

from __future__ import annotations

import math

import numpy as np


def f32(values) -> np.ndarray:
    return np.asarray(values, dtype=np.float32)


def all_finite(*values) -> bool:
    return all(value is not None and math.isfinite(value) for value in values)


def fmt(value: float) -> str:
    """A number for a label: four significant digits, no "-0", words for NaN."""
    if not all_finite(value):
        return "undefined"
    return f"{value + 0.0:.4g}"


def single_colour(colour: str) -> list:
    return [[0.0, colour], [1.0, colour]]


def nan_outside(values: np.ndarray, limits: tuple[float, float]) -> np.ndarray:
    """float32 copy with NaN outside the limits (a curve leaving the box ends there)."""
    values = np.array(values, dtype=np.float32)
    with np.errstate(invalid="ignore"):
        values[(values < limits[0]) | (values > limits[1])] = np.nan
    return values


def grid_window(grid) -> tuple[tuple[float, float], tuple[float, float]]:
    return (float(grid.x[0]), float(grid.x[-1])), (float(grid.y[0]), float(grid.y[-1]))
