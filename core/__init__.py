"""The math of the derivatives explorer: numpy and sympy only, usable from a notebook.

>>> from core import Function
>>> f = Function("x^2 y + y^3")
>>> f.derivative("x")
2*x*y
>>> f.gradient(2.0, 1.0)
array([4., 7.])
"""

from .answers import AnswerCheck, check_partial, mixed_partials
from .critical import CriticalPoint, CriticalPoints, critical_points
from .differences import (
    ALL_SCHEMES,
    DEFAULT_H,
    ErrorSweep,
    NotAnalyticError,
    error_sweep,
    finite_difference,
)
from .function import Function
from .geometry import (
    directional_derivative,
    directional_profile,
    point_summary,
    slices,
    tangent_plane,
    taylor2,
)
from .grid import Grid, evaluate_grid
from .parse import ExpressionError, X, Y, parse, to_text

__all__ = [
    "ALL_SCHEMES",
    "DEFAULT_H",
    "AnswerCheck",
    "CriticalPoint",
    "CriticalPoints",
    "ErrorSweep",
    "ExpressionError",
    "Function",
    "Grid",
    "NotAnalyticError",
    "X",
    "Y",
    "check_partial",
    "critical_points",
    "directional_derivative",
    "directional_profile",
    "error_sweep",
    "evaluate_grid",
    "finite_difference",
    "mixed_partials",
    "parse",
    "point_summary",
    "slices",
    "tangent_plane",
    "taylor2",
    "to_text",
]
