"""The math of the derivatives explorer: numpy and sympy only, usable from a notebook.

>>> from core import Function
>>> f = Function("x^2 y + y^3")
>>> f.derivative("x")
2*x*y
>>> f.gradient(2.0, 1.0)
array([4., 7.])
"""

from .differences import (
    ALL_SCHEMES,
    DEFAULT_H,
    ErrorSweep,
    NotAnalyticError,
    error_sweep,
    finite_difference,
)
from .function import Function
from .parse import ExpressionError, X, Y, parse, to_text

__all__ = [
    "ALL_SCHEMES",
    "DEFAULT_H",
    "ErrorSweep",
    "ExpressionError",
    "Function",
    "NotAnalyticError",
    "X",
    "Y",
    "error_sweep",
    "finite_difference",
    "parse",
    "to_text",
]
