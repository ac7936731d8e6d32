"""How large a value is where float64 cannot hold it: overflow is not "undefined".

    >>> from core import Function, magnitude
    >>> f = Function("(x+y+1)^999 cos(x)^999")
    >>> float(f(2, 1))  # float64: 4^999 overflows, so the product is NaN
    nan
    >>> magnitude(f, 2, 1).words
    'about −1.2 × 10^221'

f (or a derivative) is evaluated exactly at the point in the worker (SymPy's floats have no
exponent limit), so a page can tell "undefined" (not a real number there: sqrt(-1), log(0)) from
"too large to show" (finite, but beyond float64's 1.8e308) and from a finite value that only an
intermediate step overflowed (the example above is about -1.2e221, well inside float64).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ._worker import WorkerBusyError, shared_worker
from .geometry import exact_number
from .parse import ExpressionError

FLOAT64_LOG10_MAX = math.log10(1.7976931348623157e308)
FLOAT64_LOG10_MIN = -323.3  # below the smallest subnormal, float64 rounds to 0


@dataclass(frozen=True)
class Magnitude:
    """A finite real value described by the size of its exponent: log10 |value| and its sign.

    value: the float64 nearest to it (±inf beyond float64's range, 0.0 below it)."""

    log10: float
    sign: int  # -1, 0 or 1

    @property
    def fits_float64(self) -> bool:
        return self.sign == 0 or FLOAT64_LOG10_MIN < self.log10 < FLOAT64_LOG10_MAX

    @property
    def value(self) -> float:
        if self.sign == 0 or self.log10 < FLOAT64_LOG10_MIN:
            return 0.0
        if self.log10 >= FLOAT64_LOG10_MAX:
            return math.copysign(math.inf, self.sign)
        return self.sign * 10.0**self.log10

    @property
    def words(self) -> str:
        """ "about 10^602", "about −1.1 × 10^221", "0": for "f is too large to show (about
        10^602)" on a page. Unicode minus, like the rest of the app's words."""
        if self.sign == 0:
            return "0"
        exponent = math.floor(self.log10)
        mantissa = 10 ** (self.log10 - exponent)
        if round(mantissa, 1) >= 10:
            exponent, mantissa = exponent + 1, mantissa / 10
        sign = "−" if self.sign < 0 else ""
        power = f"10^{exponent}".replace("-", "−")
        head = "" if round(mantissa, 1) == 1 else f"{mantissa:.1f} × "
        return f"about {sign}{head}{power}"


def magnitude(f, x0, y0, *variables: str) -> Magnitude | None:
    """The size of f (or its partial derivative in `variables`, e.g. "x" or "x", "y") at
    (x0, y0), computed exactly: None where it is undefined (not a real number there, or the
    exact work does not finish in the worker's time), else a Magnitude, also where float64
    overflows (f is "too large to show (about 10^602)", not undefined)."""
    try:
        (expr,) = f.bound(f.derivative(*variables))  # the parameters' values, in the worker
        found = shared_worker().run("magnitude", expr, exact_number(x0), exact_number(y0))
    except WorkerBusyError:
        raise  # the machine's fault, not an answer about f: never to be kept as "undefined"
    except ExpressionError:
        return None
    return None if found is None else Magnitude(*found)
