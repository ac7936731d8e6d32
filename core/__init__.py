"""The math of the derivatives explorer: numpy and sympy only, usable from a notebook.

>>> from core import Function
>>> f = Function("x^2 y + y^3")
>>> f.derivative("x")
2*x*y
>>> f.gradient(2.0, 1.0)
array([4., 7.])
>>> g = Function("a x^2 + b y^2", parameters={"b": -1.0})
>>> g.parameters, g.derivative("x"), float(g(1.0, 2.0))
(('a', 'b'), 2*a*x, -3.0)
"""

from ._worker import WorkerBusyError, start_workers, symbolic_owner
from .answers import AnswerCheck, check_partial, mixed_partials
from .critical import CriticalPoint, CriticalPoints, critical_points, hessian_shape
from .descent import (
    DIVERGED,
    DIVERGENCE_BOUND,
    MAX_STEPS,
    UNDEFINED,
    UNSETTLED,
    Basins,
    Descent,
    Stability,
    basins,
    descend,
    race,
    stability,
)
from .differences import (
    ALL_SCHEMES,
    DEFAULT_H,
    ErrorSweep,
    Estimate,
    NotAnalyticError,
    error_sweep,
    estimates,
    finite_difference,
)
from .function import Function
from .geometry import (
    approximation_errors,
    directional_derivative,
    directional_profile,
    directional_slice,
    point_summary,
    slices,
    tangent_plane,
    taylor2,
)
from .grid import Grid, evaluate_grid, grid_axes
from .javascript import JavascriptError, JsFunctions, compile_javascript
from .levels import band_index, choose_spacing, contour_levels
from .optimizers import DEFAULTS, OPTIMIZERS, Optimizer, optimizer
from .overflow import Magnitude, magnitude
from .parse import PARAMETER_NAMES, ExpressionError, X, Y, parse, to_latex, to_text
from .solid import printable_solid, stl_bytes

__all__ = [
    "ALL_SCHEMES",
    "DEFAULTS",
    "DEFAULT_H",
    "DIVERGED",
    "DIVERGENCE_BOUND",
    "MAX_STEPS",
    "OPTIMIZERS",
    "PARAMETER_NAMES",
    "UNDEFINED",
    "UNSETTLED",
    "AnswerCheck",
    "Basins",
    "CriticalPoint",
    "CriticalPoints",
    "Descent",
    "ErrorSweep",
    "Estimate",
    "ExpressionError",
    "Function",
    "Grid",
    "JavascriptError",
    "JsFunctions",
    "Magnitude",
    "NotAnalyticError",
    "Optimizer",
    "Stability",
    "WorkerBusyError",
    "X",
    "Y",
    "approximation_errors",
    "band_index",
    "basins",
    "check_partial",
    "choose_spacing",
    "compile_javascript",
    "contour_levels",
    "critical_points",
    "descend",
    "directional_derivative",
    "directional_profile",
    "directional_slice",
    "error_sweep",
    "estimates",
    "evaluate_grid",
    "finite_difference",
    "grid_axes",
    "hessian_shape",
    "magnitude",
    "mixed_partials",
    "optimizer",
    "parse",
    "point_summary",
    "printable_solid",
    "race",
    "slices",
    "stability",
    "start_workers",
    "stl_bytes",
    "symbolic_owner",
    "tangent_plane",
    "taylor2",
    "to_latex",
    "to_text",
]
