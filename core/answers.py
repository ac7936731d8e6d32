"""Check a student's partial derivative against the exact one, and compare the mixed partials.

    >>> from core import Function
    >>> from core.answers import check_partial
    >>> check_partial(Function("x^2 y + y^3"), "x", "2 y x").verdict
    'equivalent'

The answer is read by our own parser (core.parse), never by eval or SymPy's string parsing, and
every piece of SymPy work runs in the killable worker (core._worker). The symbolic check gets a
short timeout; when SymPy cannot decide in time, or says it cannot tell, the two formulas are
compared numerically at points of the window instead: a few "nice" points (whole numbers and
halves, so a counterexample is easy to check by hand) and seeded random ones.

Numerically, a point counts only where the true derivative is defined (it exists only where f is
defined). There the answer must be defined too and agree within a relative tolerance: an answer
that is undefined where the derivative exists is a difference, not a point to skip.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import numpy as np
import sympy

from ._worker import shared_worker
from .function import Function, compile_numpy
from .grid import check_window
from .parse import ExpressionError, parse
from .symbolic import SYMBOLS, node_count

# SymPy gets this long to decide; then the numbers decide.
SYMBOLIC_TIMEOUT = 1.0
RANDOM_POINTS = 200
SEED = 20240611
RELATIVE_TOLERANCE = 1e-8
# A tiny absolute slack for values that cancel to about 0.
ABSOLUTE_TOLERANCE = 1e-12
MAX_COUNTEREXAMPLES = 5
# A simplified difference larger than this is not worth reading.
MAX_DIFFERENCE_NODES = 60
# When SymPy says the formulas differ but the window shows no difference, look this much wider.
WIDER = 10.0
VERDICTS = ("equivalent", "different", "undecided")


@dataclass(frozen=True, eq=False)
class AnswerCheck:
    """The verdict on one answer for df/d(variable).

    verdict: "equivalent", "different" or "undecided"; method: "symbolic" or "numeric".
    counterexamples: (x, y, true value, their value) where they differ; their value is NaN where
    the answer is undefined but the derivative is not. points: how many points the numeric check
    compared (0 when SymPy decided). difference_latex: the simplified true - answer, or None when
    it is too long to read or was not computed.
    """

    variable: str
    verdict: str
    method: str
    answer_latex: str
    difference_latex: str | None
    counterexamples: tuple[tuple[float, float, float, float], ...]
    message: str
    points: int = 0
    answer_expr: sympy.Expr | None = field(default=None, repr=False)


def check_partial(
    f: Function,
    variable: str,
    answer_text: str,
    xlim=(-3.0, 3.0),
    ylim=(-3.0, 3.0),
    *,
    samples: int = RANDOM_POINTS,
    seed: int = SEED,
    timeout: float | None = None,
) -> AnswerCheck:
    """Is `answer_text` equal to df/d(variable)? ExpressionError for an answer that cannot be
    read (hostile, too long, unknown names such as z: with a reason); ValueError for a variable
    other than "x" or "y" or a bad window."""
    if variable not in SYMBOLS:
        raise ValueError(f"variables are 'x' and 'y', not {variable!r}")
    xlim, ylim = check_window(xlim, ylim)
    answer = read_answer(answer_text, variable)
    true = f.derivative(variable)
    answer_latex = sympy.latex(answer)
    name = f"∂f/∂{variable}"

    decided, difference = _symbolic(true, answer, timeout)
    difference_latex = _readable(difference)
    if decided is True:
        return AnswerCheck(
            variable,
            "equivalent",
            "symbolic",
            answer_latex,
            "0",
            (),
            f"Equivalent: SymPy simplifies {name} − (your answer) to 0.",
            answer_expr=answer,
        )

    points = _sample(xlim, ylim, samples, seed)
    compared, differing = _compare(f, variable, answer, points)
    if decided is False and not differing:
        # SymPy found the formulas different (it says None, not False, when they differ only
        # where f is undefined), but the window shows no difference: look further out.
        wider = _sample(_widen(xlim), _widen(ylim), samples, seed + 1)
        more, differing = _compare(f, variable, answer, wider)
        compared += more
        if differing:
            message = (
                f"Different: your answer agrees with {name} in the window, but not outside "
                f"it, at {len(differing)} of {compared} points checked (ten times wider)."
            )
        elif compared:
            message = (
                f"Different: SymPy shows that {name} − (your answer) is not 0, though the "
                f"difference is too small to see in float64 at the {compared} points checked."
            )
        else:
            message = (
                f"Different: SymPy shows that {name} − (your answer) is not 0 (there is no "
                f"point near the window where {name} exists, to show it with numbers)."
            )
        return AnswerCheck(
            variable,
            "different",
            "symbolic",
            answer_latex,
            difference_latex,
            tuple(differing[:MAX_COUNTEREXAMPLES]),
            message,
            compared,
            answer,
        )

    if differing:
        undefined = sum(1 for *_, theirs in differing if math.isnan(theirs))
        why = (
            f" (your formula is undefined at {undefined} of them, where {name} exists)"
            if undefined
            else ""
        )
        return AnswerCheck(
            variable,
            "different",
            "symbolic" if decided is False else "numeric",
            answer_latex,
            difference_latex,
            tuple(differing[:MAX_COUNTEREXAMPLES]),
            f"Different: your answer and {name} disagree at {len(differing)} of the {compared} "
            f"points checked in the window{why}.",
            compared,
            answer,
        )
    if compared == 0:
        return AnswerCheck(
            variable,
            "undecided",
            "numeric",
            answer_latex,
            difference_latex,
            (),
            _undecided_reason(decided, name),
            0,
            answer,
        )
    message = (
        f"Equivalent numerically: they agree at all {compared} points checked where {name} "
        f"exists (relative tolerance {RELATIVE_TOLERANCE:g}). "
        + (
            "SymPy did not finish in time to decide symbolically."
            if decided == "stopped"
            else "SymPy could not decide symbolically."
        )
    )
    return AnswerCheck(
        variable, "equivalent", "numeric", answer_latex, None, (), message, compared, answer
    )


def read_answer(text: str, variable: str = "x") -> sympy.Expr:
    """The answer as a SymPy expression (parsed in the worker), or ExpressionError with a reason."""
    if not isinstance(text, str) or not text.strip():
        raise ExpressionError("Type your answer first, for example 2*x*y.")
    try:
        parse(text)  # mistakes are found here, in-process, without a round trip to the worker
        return shared_worker().run("expression", text)
    except ExpressionError as error:
        name = _unknown_letter(error)
        if name is None:
            raise
        raise ExpressionError(
            f"Your answer uses '{name}', but ∂f/∂{variable} is a function of x and y only.",
            error.column,
            error.text,
            "Write it with x and y (and constants such as pi and e).",
        ) from None


def _unknown_letter(error: ExpressionError) -> str | None:
    """The one-letter name (z, t, a, ...) that the parser did not know, if that was the error."""
    if error.column is None or "is not a name" not in error.message:
        return None
    found = re.match(r"[A-Za-z]\w*", error.text[error.column - 1 :])
    return found.group(0) if found and len(found.group(0)) == 1 else None


def _symbolic(true, answer, timeout) -> tuple[bool | str | None, sympy.Expr | None]:
    """(True, False, None (SymPy cannot tell) or "stopped", the simplified difference or None)."""
    try:
        decided, difference = shared_worker().run(
            "equivalent", true, answer, timeout=SYMBOLIC_TIMEOUT if timeout is None else timeout
        )
    except ExpressionError:  # out of time or room: the numbers decide
        return "stopped", None
    return (decided if decided is True or decided is False else None), difference


def _readable(difference) -> str | None:
    if difference is None or node_count(difference) > MAX_DIFFERENCE_NODES:
        return None
    return sympy.latex(difference)


def _undecided_reason(decided, name) -> str:
    symbolic = {
        "stopped": "SymPy did not finish in time",
        None: "SymPy could not decide",
    }[decided]
    return (
        f"Undecided: {symbolic}, and there is no point in the window where both {name} and your "
        "formula are defined to compare them."
    )


def _widen(limits) -> tuple[float, float]:
    centre, half = (limits[0] + limits[1]) / 2, (limits[1] - limits[0]) / 2
    return centre - WIDER * half, centre + WIDER * half


def nice_step(width: float) -> float:
    """A step of 1, 2 or 5 times a power of ten that cuts `width` into about 6 to 12 pieces."""
    raw = width / 8
    power = 10.0 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw)


def _sample(xlim, ylim, count, seed) -> np.ndarray:
    """Points (n, 2): the nice lattice of the window (easy to check by hand), smallest first, then
    `count` seeded random points."""
    axes = []
    for low, high in (xlim, ylim):
        step = nice_step(high - low)
        axes.append(np.arange(math.ceil(low / step), math.floor(high / step) + 1) * step)
    lattice = np.stack(np.meshgrid(*axes), axis=-1).reshape(-1, 2)
    rng = np.random.default_rng(seed)
    if len(lattice) > count // 2:
        lattice = lattice[rng.choice(len(lattice), count // 2, replace=False)]
    # Small numbers first: the first counterexample shown is the easiest to check by hand.
    lattice = lattice[np.lexsort((lattice[:, 1], lattice[:, 0], np.abs(lattice).sum(axis=1)))]
    random = np.column_stack([rng.uniform(*xlim, count), rng.uniform(*ylim, count)])
    return np.concatenate([lattice, random]) + 0.0


def _answer_values(answer: sympy.Expr, x, y) -> np.ndarray:
    compiled = compile_numpy([answer])
    with np.errstate(all="ignore"):
        values = np.broadcast_to(np.asarray(compiled(x, y)[0]), np.shape(x))
        if np.iscomplexobj(values):
            values = np.where(np.imag(values) == 0, np.real(values), np.nan)
        values = values.astype(np.float64)
    return np.where(np.isfinite(values), values, np.nan)


def _agree(true, theirs) -> np.ndarray:
    slack = RELATIVE_TOLERANCE * np.maximum(np.abs(true), np.abs(theirs)) + ABSOLUTE_TOLERANCE
    with np.errstate(invalid="ignore"):
        return np.abs(true - theirs) <= slack


def _compare(f, variable, answer, points) -> tuple[int, list[tuple[float, float, float, float]]]:
    """(points where the derivative exists, the (x, y, true, theirs) where the answer is not it)."""
    x, y = points[:, 0], points[:, 1]
    true = np.broadcast_to(f.derivative_function(variable)(x, y), x.shape)
    theirs = _answer_values(answer, x, y)
    exists = np.isfinite(true)
    wrong = exists & ~(np.isfinite(theirs) & _agree(true, theirs))
    return int(exists.sum()), [
        (float(x[i]), float(y[i]), float(true[i]), float(theirs[i])) for i in np.flatnonzero(wrong)
    ]


@dataclass(frozen=True, eq=False)
class DifferenceMap:
    """|df/d(variable) - answer| on a grid over the window (NaN where the derivative does not
    exist); `answer_undefined` marks where the derivative exists but the answer does not."""

    x: np.ndarray
    y: np.ndarray
    difference: np.ndarray
    answer_undefined: np.ndarray


def difference_map(f: Function, check: AnswerCheck, xlim, ylim, n: int = 80) -> DifferenceMap:
    """Where an answer differs from the derivative, for a picture (zero where they agree)."""
    if check.answer_expr is None:
        raise ValueError("this check has no answer to compare")
    (xmin, xmax), (ymin, ymax) = check_window(xlim, ylim)
    xs, ys = np.linspace(xmin, xmax, n), np.linspace(ymin, ymax, n)
    x, y = np.meshgrid(xs, ys)
    true = np.broadcast_to(f.derivative_function(check.variable)(x, y), x.shape)
    theirs = _answer_values(check.answer_expr, x, y)
    with np.errstate(invalid="ignore"):
        difference = np.where(_agree(true, theirs), 0.0, np.abs(true - theirs))
    exists = np.isfinite(true)
    undefined = exists & ~np.isfinite(theirs)
    difference = np.where(exists & ~undefined, difference, np.nan)
    return DifferenceMap(xs, ys, difference, undefined)


# --- Clairaut ----------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class MixedPartials:
    """d/dy(df/dx) and d/dx(df/dy), and whether they are the same formula (None: undecided)."""

    xy: sympy.Expr
    yx: sympy.Expr
    equal: bool | None


def mixed_partials(f: Function, timeout: float | None = None) -> MixedPartials:
    """The two mixed partials (Clairaut: equal where they are continuous)."""
    xy, yx = f.derivative("x", "y"), f.derivative("y", "x")
    if xy == yx:
        return MixedPartials(xy, yx, True)
    decided, _ = _symbolic(xy, yx, timeout)
    return MixedPartials(xy, yx, decided if decided is True or decided is False else None)
