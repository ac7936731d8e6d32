"""Check a student's partial derivative against the exact one, and compare the mixed partials.

    >>> from core import Function
    >>> from core.answers import check_partial
    >>> check_partial(Function("x^2 y + y^3"), "x", "2 y x").verdict
    'equivalent'

The answer is read by our own parser (core.parse), never by eval or SymPy's string parsing, and
every piece of SymPy work runs in the killable worker (core._worker).

The question is "is this df/dx?", on f's whole real domain, not "does it match in the picture".
SymPy first tries to simplify the difference to 0 (with a short timeout). Otherwise the numbers
decide, at points of the window (a "nice" lattice of whole numbers and halves, easy to check by
hand, and seeded random ones) and far beyond it: magnitudes from 1e-3 to 1e4 of both signs, seeded
random points, and points just either side of every zero of an argument of abs, sqrt, log or a
division. Float disagreements are confirmed with exact arithmetic at a few points (cancellation at
large magnitudes is rounding, not a mistake), and exact values where the floats agree reveal a
difference too small for float64. When the answer is right on some sides of the kinks of abs and
wrong on others, the message says so ("Right for x > 0, wrong for x < 0: try x = −1, y = 0").
Nothing is random without a seed (SymPy's `equals`, which tried unseeded random points, is not
used): the same question gets the same verdict, in every process.

Numerically, a point counts only where the true derivative is defined (it exists only where f is
defined). There the answer must be defined too and agree within a relative tolerance: an answer
that is undefined where the derivative exists is a difference, not a point to skip. An answer
right wherever f is defined but with values off f's domain (1/|x| for d/dx log x) is accepted,
with that said.
"""

from __future__ import annotations

import functools
import math
import re
import time
from dataclasses import dataclass, field

import numpy as np
import sympy

from ._worker import shared_worker
from .function import Function, compile_numpy, numeric_forms, parameter_symbols
from .grid import check_window
from .parse import ExpressionError, parse, to_latex, tokenize
from .symbolic import SYMBOLS, node_count

# SymPy gets at most this long to simplify the difference to 0 (less when the rest of the check
# has used part of CHECK_BUDGET, never less than MIN_SYMBOLIC_TIMEOUT); exact values at points
# get EXACT_TIMEOUT.
SYMBOLIC_TIMEOUT = 1.0
CHECK_BUDGET = 1.25
MIN_SYMBOLIC_TIMEOUT = 0.2
EXACT_TIMEOUT = 0.8
# When exact values already show a difference, SymPy gets this long to shorten it for display.
DISPLAY_TIMEOUT = 0.3
RANDOM_POINTS = 200
SEED = 20240611
RELATIVE_TOLERANCE = 1e-8
# A tiny absolute slack for values that cancel to about 0.
ABSOLUTE_TOLERANCE = 1e-12
# Exact (30-digit) differences below this, relative to the values, are rounding of the evaluation.
EXACT_TOLERANCE = 1e-20
MAX_COUNTEREXAMPLES = 5
# A simplified difference larger than this is not worth reading.
MAX_DIFFERENCE_NODES = 60
# Beyond the window, the domain is sampled at these magnitudes (both signs, and 0) ...
MAGNITUDES = (1e-3, 1e-2, 0.1, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0, 100.0, 1e3, 1e4)
# ... at this many seeded random points spread over them (log-uniform magnitude, random sign) ...
FAR_POINTS = 400
# ... and just either side of every zero of an argument of abs, sqrt, log or a division.
NEAR_OFFSETS = (1e-6, 1e-3, 0.1)
MAX_NEAR_POINTS = 600
# Exact values are computed at this many points (where floats may have rounded).
EXACT_POINTS = 12
VERDICTS = ("equivalent", "different", "undecided")


@dataclass(frozen=True, eq=False)
class AnswerCheck:
    """The verdict on one answer for df/d(variable).

    verdict: "equivalent", "different" or "undecided"; method: "symbolic" or "numeric".
    counterexamples: (x, y, true value, their value) where they differ, those in the window
    first; their value is NaN where the answer is undefined but the derivative is not. points:
    how many points the numeric check compared (0 when SymPy decided). difference_latex: the
    simplified true - answer, or None when it is too long to read or was not computed. message:
    the verdict in words, including where on f's domain the answer is right and where wrong
    ("right for x > 0, wrong for x < 0: try x = −1, y = 1"), or that it is right on f's whole
    domain but also has values where f is undefined.
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
    """Is `answer_text` equal to df/d(variable) on f's whole real domain (not only in the
    window)? The same question always gets the same answer. ExpressionError for an answer that
    cannot be read (hostile, too long, unknown names such as z: with a reason); ValueError for a
    variable other than "x" or "y" or a bad window."""
    started = time.perf_counter()
    if variable not in SYMBOLS:
        raise ValueError(f"variables are 'x' and 'y', not {variable!r}")
    xlim, ylim = check_window(xlim, ylim)
    answer = read_answer(answer_text, variable)
    _refuse_other_parameters(f, answer, variable, answer_text)
    true = f.derivative(variable)
    answer_latex = to_latex(answer)
    name = f"∂f/∂{variable}"
    # SymPy compares the formulas with the parameters as letters (equal for every value); the
    # numbers compare them at f's values, with those put in (a no-op without parameters).
    bound_true, bound_answer, bound_f = f.bound(true, answer, f.expr)
    result = functools.partial(AnswerCheck, variable, answer_expr=bound_answer)

    window = _sample(xlim, ylim, samples, seed)
    far = _domain_sample(bound_f, bound_answer, seed)
    points = np.concatenate([window, far])
    compared = _Comparison(f, variable, bound_answer, points, len(window), bound_f, bound_true)
    exact = _exact(bound_true, bound_answer, compared.exact_candidates())
    if exact is not None:
        compared.confirm(exact)

    if timeout is None:
        # SymPy gets what is left of the check's budget; once the numbers have shown a
        # difference, it only shortens that difference for display.
        left = CHECK_BUDGET - (time.perf_counter() - started)
        ceiling = DISPLAY_TIMEOUT if compared.wrong.any() else SYMBOLIC_TIMEOUT
        timeout = min(ceiling, max(MIN_SYMBOLIC_TIMEOUT, left))
    decided, difference = _symbolic(true, answer, timeout)
    difference_latex = _readable(difference)
    if decided is True:
        message = f"Equivalent: SymPy simplifies {name} − (your answer) to 0."
        return result("equivalent", "symbolic", answer_latex, "0", (), message)

    if compared.wrong.any():
        return result(
            "different",
            "numeric",
            answer_latex,
            difference_latex,
            compared.counterexamples(),
            compared.different_message(name),
            compared.count,
        )
    tiny = exact is not None and compared.count and compared.exact_shows_difference(exact)
    if tiny:
        message = (
            f"Different: exact arithmetic shows that {name} − (your answer) is not 0, though "
            f"the difference is too small to see in float64 at the {compared.count} points "
            "checked."
        )
        return result(
            "different", "symbolic", answer_latex, difference_latex, (), message, compared.count
        )
    if compared.count == 0:
        anywhere = _exact(bound_true, bound_answer, list(FORMULA_POINTS))
        if anywhere is not None and any(
            value is not None and value[0] > EXACT_TOLERANCE * max(1.0, value[1])
            for value in anywhere
        ):
            message = (
                f"Different: {name} − (your answer) is not 0 as a formula (exact values at "
                f"complex points), and there is no point where {name} exists to show it with "
                "real numbers."
            )
            return result("different", "symbolic", answer_latex, difference_latex, (), message)
        return result(
            "undecided",
            "numeric",
            answer_latex,
            difference_latex,
            (),
            _undecided_reason(decided, name),
            0,
        )
    elsewhere = _other_values_differ(f, true, answer)
    if elsewhere:
        message = (
            f"Different: your answer agrees with {name} at {elsewhere[0]}, but not for other "
            f"values ({elsewhere[1]}): {name} depends on the parameters differently."
        )
        return result("different", "symbolic", answer_latex, difference_latex, (), message)
    why = (
        "SymPy did not finish in time to decide symbolically."
        if decided == "stopped"
        else "SymPy could not simplify the difference to 0."
    )
    message = (
        f"Equivalent numerically: they agree at all {compared.count} points checked where "
        f"{name} exists, in the window and across f's whole domain far beyond it (relative "
        f"tolerance {RELATIVE_TOLERANCE:g}). {why}" + compared.off_domain_note(name)
    )
    return result("equivalent", "numeric", answer_latex, None, (), message, compared.count)


# Where f exists nowhere, the formulas are compared exactly at these points (complex values).
FORMULA_POINTS = ((0.5, 1.25), (-1.5, 0.75), (2.0, -3.0))
# Where the two mixed partials are compared exactly when SymPy does not simplify them to one.
CLAIRAUT_POINTS = ((0.5, 1.25), (-1.5, 0.75), (2.0, -3.0), (0.25, -0.5), (3.0, 2.0))


def _refuse_other_parameters(f: Function, answer: sympy.Expr, variable: str, text: str) -> None:
    """An answer may use f's parameters (2 a x), no others; the error points at the first."""
    other = [s.name for s in parameter_symbols(answer) if s.name not in f.parameters]
    if not other:
        return
    names = [token for token in tokenize(text) if token.kind == "name"]
    column = next((t.column for t in names if t.text == other[0]), None)
    if column is None:  # inside a run of letters (2ax)
        column = next((t.column for t in names if other[0] in t.text), None)
    held = f" and its parameters {', '.join(f.parameters)}" if f.parameters else " only"
    raise ExpressionError(
        f"Your answer uses '{other[0]}', but ∂f/∂{variable} is a function of x and y{held}.",
        column,
        text,
        "Write it with x and y (and constants such as pi and e).",
    )


# f's parameters are moved this far (and a little more for each next one) to test an answer at
# other values than the sliders' (whole numbers of it would be too easy to hit by chance).
OTHER_VALUES_SHIFT = 0.731


def _other_values_differ(f: Function, true, answer) -> tuple[str, str] | None:
    """Where an answer matched at f's values and SymPy could not prove it for every value:
    (f's values, the other values) if exact values differ at another set of values, else None
    (2 x for d/dx of a x^2 is right at a = 1 only)."""
    if not f.parameters:
        return None
    other = f.bind(
        {
            name: value + OTHER_VALUES_SHIFT * (1 + k / 7)
            for k, (name, value) in enumerate(f.values.items())
        }
    )
    try:
        moved_true, moved_answer = other.bound(true, answer)
    except ExpressionError:
        return None
    exact = _exact(moved_true, moved_answer, list(FORMULA_POINTS)) or []
    if not any(v is not None and v[0] > EXACT_TOLERANCE * max(1.0, v[1]) for v in exact):
        return None

    def shown(g):
        return ", ".join(f"{name} = {value:g}" for name, value in g.values.items())

    return shown(f), shown(other)


def _domain_sample(f_expr: sympy.Expr, answer: sympy.Expr, seed: int) -> np.ndarray:
    """Points across the whole plane, not the window: a lattice of magnitudes from 1e-3 to 1e4
    of both signs (and 0), seeded random points at log-uniform magnitudes, and points just
    either side of every zero of an argument of abs, sqrt, log or a division (where an answer
    that is right on one side only shows)."""
    values = np.array(sorted({0.0, *MAGNITUDES, *(-m for m in MAGNITUDES)}))
    lattice = np.stack(np.meshgrid(values, values), axis=-1).reshape(-1, 2)
    rng = np.random.default_rng(seed + 1)
    magnitudes = 10.0 ** rng.uniform(-3, 4, (FAR_POINTS, 2))
    far = magnitudes * rng.choice([-1.0, 1.0], (FAR_POINTS, 2))
    near = _near_edges(shared_worker().run("edges", [f_expr, answer]), values, rng)
    return np.concatenate([lattice, near, far]) + 0.0


def _near_edges(edges: list[sympy.Expr], values: np.ndarray, rng) -> np.ndarray:
    """Points at NEAR_OFFSETS either side of where an edge expression changes sign (or stops
    being defined), along horizontal and vertical lines through the lattice `values`."""
    along = np.unique(np.concatenate([values, np.linspace(-10, 10, 41)]))
    found = []
    for edge in (compile_numpy([edge]) for edge in edges):
        for axis in (0, 1):

            def side(t, c, edge=edge, axis=axis):
                return _edge_sign(edge, *((t, c) if axis == 0 else (c, t)))

            t, c = np.meshgrid(along, values)
            sign = side(t, c)
            rows, columns = np.nonzero(sign[:, :-1] != sign[:, 1:])
            low, high, fixed = t[rows, columns], t[rows, columns + 1], c[rows, columns]
            low_sign = sign[rows, columns]
            for _ in range(50):  # bisection: the change of sign is in [low, high]
                middle = (low + high) / 2
                same = side(middle, fixed) == low_sign
                low, high = np.where(same, middle, low), np.where(same, high, middle)
            root = (low + high) / 2
            for offset in NEAR_OFFSETS:
                for direction in (-1.0, 1.0):
                    moved = root + direction * offset * np.maximum(1.0, np.abs(root))
                    found.append(np.column_stack((moved, fixed) if axis == 0 else (fixed, moved)))
    points = np.concatenate(found) if found else np.empty((0, 2))
    if len(points) > MAX_NEAR_POINTS:
        points = points[np.sort(rng.choice(len(points), MAX_NEAR_POINTS, replace=False))]
    return points


def _edge_sign(edge, x, y) -> np.ndarray:
    """-1, 0 or 1, and 2 where the edge expression is not a real number."""
    with np.errstate(all="ignore"):
        value = np.asarray(edge(x, y)[0])
        value = np.broadcast_to(value, np.broadcast_shapes(np.shape(x), np.shape(y)))
        real = np.isfinite(value) & (np.imag(value) == 0)
        return np.where(real, np.sign(np.real(value)), 2.0)


class _Comparison:
    """The true derivative and the answer at the window's points (the first `in_window`) and
    far beyond; which points are wrong; where on f's domain the answer is right and wrong."""

    def __init__(self, f, variable, answer, points, in_window, f_expr, true):
        """`answer`, `f_expr` and `true` (f's derivative) with the parameters' values in."""
        x, y = points[:, 0], points[:, 1]
        self.points, self.in_window = points, np.arange(len(points)) < in_window
        self.true = np.broadcast_to(f.derivative_function(variable)(x, y), x.shape)
        self.theirs = _answer_values(answer, x, y)
        self.f_defined = np.isfinite(np.broadcast_to(f(x, y), x.shape))
        self.exists = np.isfinite(self.true)
        agree = np.isfinite(self.theirs) & _agree(self.true, self.theirs)
        self.wrong = self.exists & ~agree
        self.count = int(self.exists.sum())
        kinks = shared_worker().run("kinks", [f_expr, true, answer])
        self.kinks = [kink for kink, _ in kinks]
        self.kink_texts = [text for _, text in kinks]
        signs = [_edge_sign(compile_numpy([kink]), x, y) for kink in self.kinks]
        self.pattern = np.stack(signs, axis=1) if signs else np.zeros((len(points), 0))
        self.candidates: list[int] = []

    def simplest(self, mask) -> np.ndarray:
        """Indices where `mask`, the window's first, then the easiest to check by hand (whole
        numbers, small) first."""
        index = np.flatnonzero(mask)
        p = self.points[index]
        # 0: whole numbers, 1: halves (the window's lattice), 2: anything else
        plain = 2 - np.all(p == np.round(p), axis=1) - np.all(2 * p == np.round(2 * p), axis=1)
        size = np.abs(p).sum(axis=1)
        return index[np.lexsort((size, plain, ~self.in_window[index]))]

    def exact_candidates(self) -> list[tuple[float, float]]:
        """Points worth exact values: wrong ones (is it real or rounding?) from each region, and
        a few where the floats agree (is a tiny difference hiding?)."""
        chosen: list[int] = []
        for region in self.regions():
            chosen += list(self.simplest(self.wrong & region)[:2])
        chosen = chosen[: EXACT_POINTS - 6]
        moderate = np.abs(self.points).max(axis=1) <= 10
        agree = self.exists & ~self.wrong
        chosen += list(self.simplest(agree & self.in_window)[:3])
        chosen += list(self.simplest(agree & ~self.in_window & moderate)[:3])
        self.candidates = chosen
        return [tuple(map(float, self.points[i])) for i in chosen]

    def regions(self) -> list[np.ndarray]:
        """One mask per pattern of signs of the kink arguments (points on a kink in none)."""
        off_kinks = np.all(np.abs(self.pattern) == 1, axis=1)
        patterns = np.unique(self.pattern[off_kinks], axis=0)
        return [off_kinks & np.all(self.pattern == p, axis=1) for p in patterns] or [
            np.ones(len(self.points), dtype=bool)
        ]

    def confirm(self, exact) -> None:
        """Drop float disagreements that exact arithmetic shows to be rounding: in a region
        where every wrong point checked exactly was rounding, and none was real."""
        real, rounding = np.zeros_like(self.wrong), np.zeros_like(self.wrong)
        for i, value in zip(self.candidates, exact, strict=True):
            if value is None or not self.wrong[i]:
                continue
            difference, scale, answer_real = value
            # An answer undefined in float64 is a real difference where it is not a real number
            # (sqrt(x) at x = -1, even where its complex value happens to match), and rounding
            # where it is (an overflow: exp(x)^2/exp(x) at x = 400).
            undefined = math.isnan(self.theirs[i]) and not answer_real
            if undefined or difference > EXACT_TOLERANCE * max(1.0, scale):
                real[i] = True
            else:
                rounding[i] = True
        for region in self.regions():
            if (rounding & region).any() and not (real & region).any():
                self.wrong &= ~region
        self.wrong |= real

    def exact_shows_difference(self, exact) -> bool:
        return any(
            value is not None
            and self.exists[i]
            and not self.wrong[i]
            and value[0] > EXACT_TOLERANCE * max(1.0, value[1])
            for i, value in zip(self.candidates, exact, strict=True)
        )

    def counterexamples(self) -> tuple[tuple[float, float, float, float], ...]:
        return tuple(
            (
                float(self.points[i, 0]),
                float(self.points[i, 1]),
                float(self.true[i]),
                float(self.theirs[i]),
            )
            for i in self.simplest(self.wrong)[:MAX_COUNTEREXAMPLES]
        )

    def different_message(self, name: str) -> str:
        wrong = int(self.wrong.sum())
        undefined = int((self.wrong & np.isnan(self.theirs)).sum())
        where = (
            " (in the window and beyond it)"
            if (self.wrong & self.in_window).any()
            else ", all outside the window (inside it they agree, but the question is about "
            f"{name} everywhere f is defined)"
        )
        message = f"Different: your answer and {name} disagree at {wrong} of the {self.count} "
        message += f"points checked{where}."
        if undefined:
            message += f" Your formula is undefined at {undefined} of them, where {name} exists."
        first = self.simplest(self.wrong)[0]
        x, y = self.points[first]
        theirs = "is undefined" if math.isnan(self.theirs[first]) else "gives "
        theirs += "" if math.isnan(self.theirs[first]) else _number(self.theirs[first])
        sides = self.sides()
        lead = f" {sides}: try" if sides else " Try"
        return (
            f"{message}{lead} x = {_number(x)}, y = {_number(y)}: {name} = "
            f"{_number(self.true[first])} there, and your answer {theirs}."
        )

    def sides(self) -> str:
        """ "Right for x > 0, wrong for x < 0" when the kink arguments' signs split the domain
        into regions where the answer is right and regions where it is wrong; else ""."""
        right, wrong = [], []
        for region in self.regions():
            pattern = self.pattern[np.flatnonzero(region)[0]] if region.any() else None
            if pattern is None or len(pattern) == 0 or not (region & self.exists).any():
                continue
            (wrong if (self.wrong & region).any() else right).append(pattern)
        if not right or not wrong:
            return ""
        for k in range(len(self.kinks)):
            if len({p[k] for p in right}) == 1 and {p[k] for p in wrong} == {-right[0][k]}:
                return (
                    f"Right for {self.condition(k, right[0][k])}, wrong for "
                    f"{self.condition(k, wrong[0][k])}"
                )
        return f"Right where {self.conditions(right)}, wrong where {self.conditions(wrong)}"

    def conditions(self, patterns) -> str:
        return " or ".join(
            " and ".join(self.condition(k, p[k]) for k in range(len(p))) for p in patterns[:2]
        ) + (" (and more)" if len(patterns) > 2 else "")

    def condition(self, k: int, sign: float) -> str:
        left, right = self.kink_texts[k]
        return f"{left} {'>' if sign > 0 else '<'} {right}".replace("-", "−")

    def off_domain_note(self, name: str) -> str:
        """A sentence when the answer has values where f is undefined (1/|x| for log(x))."""
        moderate = np.abs(self.points).max(axis=1) <= 100
        outside = ~self.f_defined & np.isfinite(self.theirs) & moderate
        if not outside.any():
            return ""
        x, y = self.points[self.simplest(outside)[0]]
        return (
            f" That is on f's whole domain; off it your formula still has values (at x = "
            f"{_number(x)}, y = {_number(y)}, for example), where f and {name} do not exist."
        )


def _number(value: float) -> str:
    if value == round(value) and abs(value) < 1e15:
        text = str(int(value))
    else:
        text = f"{value:.6g}"
    return text.replace("-", "−")


def _exact(true, answer, points) -> list | None:
    """core.symbolic.differences_at in the worker, or None when it does not finish in time."""
    if not points:
        return []
    try:
        return shared_worker().run("differences", true, answer, points, timeout=EXACT_TIMEOUT)
    except ExpressionError:
        return None


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
    """(True, None (SymPy does not reach 0) or "stopped", the shorter difference or None)."""
    try:
        decided, difference = shared_worker().run(
            "equivalent", true, answer, timeout=SYMBOLIC_TIMEOUT if timeout is None else timeout
        )
    except ExpressionError:  # out of time or room: the numbers decide
        return "stopped", None
    return (True if decided is True else None), difference


def _readable(difference) -> str | None:
    if difference is None or node_count(difference) > MAX_DIFFERENCE_NODES:
        return None
    return to_latex(difference)


def _undecided_reason(decided, name) -> str:
    symbolic = {
        "stopped": "SymPy did not finish in time",
        None: "SymPy could not decide",
    }[decided]
    return (
        f"Undecided: {symbolic}, and there is no point (in the window or far beyond it) where "
        f"both {name} and your formula are defined to compare them."
    )


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
    compiled = compile_numpy(numeric_forms(answer, {}, [()]))  # constants folded in the worker
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
    if decided is True:
        return MixedPartials(xy, yx, True)
    # Not simplified to 0: different formulas if exact values differ at a point (seeded, fixed),
    # with the parameters at f's values.
    try:
        exact = _exact(*f.bound(xy, yx), list(CLAIRAUT_POINTS)) or []
    except ExpressionError:
        exact = []
    differ = any(
        value is not None and value[0] > EXACT_TOLERANCE * max(1.0, value[1]) for value in exact
    )
    return MixedPartials(xy, yx, False if differ else None)
