"""The Second-order page in words and formulas: the second-derivative test's verdict, the table
and summary of critical points, the Taylor polynomials typeset (exact coefficients from core, or
decimals at the point), the directional derivative and how fast each error shrinks."""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
import sympy

from core import (
    X,
    Y,
)
from pages.second_order.style import DIRECTION, degrees
from ui.plots.colours import GRADIENT
from ui.shell.text import coloured, latex_number

LONG_FORMULA = 700  # a Taylor polynomial's LaTeX longer than this is shown in numbers only


KIND_GLYPH = {"minimum": "●", "maximum": "■", "saddle": "✕", "degenerate": "◆"}


PLURAL = {"minimum": "minima", "maximum": "maxima", "saddle": "saddles", "degenerate": "degenerate"}


U = coloured(DIRECTION, r"\mathbf{u}")


NABLA = coloured(GRADIENT, r"\nabla f")


def _coefficient_term(coefficient: sympy.Expr, factor: str) -> str:
    """' + 4\\,(x - 2)', ' - (x - 2)', ' + \\sin{(1)}\\,(x - 2)'; '' when it is 0."""
    if coefficient == 0:
        return ""
    negative = coefficient.could_extract_minus_sign()
    size = -coefficient if negative else coefficient
    text = "" if factor and size == 1 else sympy.latex(size)
    if isinstance(size, sympy.Add):
        # \Bigl( rather than \left(: a long exact coefficient may wrap after its own + and -
        # (KaTeX never breaks inside \left...\right, so it ran off a phone's column).
        text = rf"\Bigl({text}\Bigr)"
    body = rf"{text}\,{factor}" if text and factor else text or factor
    return f" {'-' if negative else '+'} {body}"


def _shifted(variable: sympy.Symbol, at: sympy.Expr) -> str:
    return sympy.latex(variable) if at == 0 else rf"\left({sympy.latex(variable - at)}\right)"


SHORT_DENOMINATOR = 100  # exact fractions up to this denominator read better than decimals


def reads_exactly(values) -> bool:
    """Whether the exact numbers (SymPy) read better than decimals: each an integer or a short
    fraction (2, -7/4, 1/8). A clicked point such as 0.785 makes coefficients like
    24521913/31250000, and sin(4/5) is no help either: those show in decimals."""
    return all(
        v.is_Rational and v.q <= SHORT_DENOMINATOR and abs(v.p) < 10**6
        for v in map(sympy.S, values)
    )


def taylor_form(coefficients, exact_point) -> tuple[str, str]:
    """L and Q as LaTeX in Taylor form, from core's exact (f, fx, fy, fxx, fxy, fyy) at the
    exact point: z0 + fx dx + fy dy + 1/2 [fxx dx^2 + 2 fxy dx dy + fyy dy^2]."""
    dx, dy = _shifted(X, exact_point[0]), _shifted(Y, exact_point[1])
    return _taylor_terms(_coefficient_term, coefficients, dx, dy)


def _taylor_terms(term, coefficients, dx: str, dy: str) -> tuple[str, str]:
    """L and Q as LaTeX from the six Taylor coefficients, each written by `term(c, factor)`."""
    z0, fx, fy, fxx, fxy, fyy = coefficients
    plane = _leading(term(z0, "") + term(fx, dx) + term(fy, dy))
    second = term(fxx, f"{dx}^{{2}}") + term(2 * fxy, rf"{dx}\,{dy}") + term(fyy, f"{dy}^{{2}}")
    return plane, _over_plane(second)


def _over_plane(second: str) -> str:
    r"""Q as L(x, y) plus the second-order bracket (LaTeX). The bracket is \Bigl[...\Bigr], not
    \left[...\right]: KaTeX never breaks a line inside \left...\right, so Q was one piece as
    wide as all its terms (1560 px for a long f, cut even at 1920 px); now it wraps after a + or
    a - between its terms, on a phone as on a projector."""
    if not second:
        return "L(x, y)"
    return rf"L(x, y) + \frac{{1}}{{2}}\Bigl[{_leading(second)}\Bigr]"


def _leading(terms: str) -> str:
    """' + a - b' -> 'a - b', ' - a' -> '-a', '' -> '0'."""
    if not terms:
        return "0"
    return terms[3:] if terms.startswith(" + ") else "-" + terms[3:]


def verdict(point) -> str:
    """The second-derivative test for one core CriticalPoint, in a sentence."""
    low, high = point.eigenvalues
    if not (math.isfinite(low) and math.isfinite(high)):
        return "The Hessian is undefined here: the test cannot decide."
    words = {
        "minimum": "Both eigenvalues positive (det H > 0): the surface curves up in every "
        "direction, a local minimum.",
        "maximum": "Both eigenvalues negative (det H > 0): the surface curves down in every "
        "direction, a local maximum.",
        "saddle": "Eigenvalues of opposite signs (det H < 0): up in one direction, down in "
        "another, a saddle.",
        "degenerate": "An eigenvalue is zero (det H = 0): the test cannot decide.",
    }
    sentence = words.get(point.kind, words["degenerate"])
    if not point.isolated:
        sentence += " The point lies on a curve of critical points."
    return sentence


# Shown as 0 in the table: Newton stops near a degenerate point (x^4 + y^4) at about 1e-9, and
# float64 leaves 1e-30 where f's minimum is 0; these are shares of the window's scales.
COORDINATE_NOISE = 1e-6


VALUE_NOISE = 1e-9


EIGEN_NOISE = 1e-6


def _snap(value: float, noise: float) -> float:
    return 0.0 if abs(value) <= noise else value


def shown_number(value: float) -> str:
    """A table entry: six significant digits, "undefined" for NaN."""
    return f"{value + 0.0:.6g}" if math.isfinite(value) else "undefined"


TABLE_ROWS = 20  # at most this many rows in the table of critical points


CURVE_ROWS = 5  # of them, at most this many samples of a curve of critical points


def table_points(critical, limit: int = TABLE_ROWS, curve: int = CURVE_ROWS) -> list:
    """The critical points the table lists (core order): every isolated one, then evenly spaced
    samples of a curve of critical points, `limit` rows in all at most."""
    isolated = [p for p in critical if p.isolated]
    samples = [p for p in critical if not p.isolated]
    if len(samples) > curve:
        picks = np.linspace(0, len(samples) - 1, curve).round().astype(int)
        samples = [samples[k] for k in picks]
    keep = {id(p) for p in [*isolated[:limit], *samples]}
    return [p for p in critical if id(p) in keep][:limit]


def critical_rows(critical, grid) -> dict[str, list[str]]:
    """The table of critical points (the rows of `critical`, in its order), one column per
    heading. Values within rounding noise of zero (relative to the window's size, f's range and
    the curvatures there) show as 0."""
    xs, ys = np.asarray(grid.x, dtype=np.float64), np.asarray(grid.y, dtype=np.float64)
    span = max(float(xs[-1] - xs[0]), float(ys[-1] - ys[0]))
    low, high = grid.z_range if grid.z_range is not None else (0.0, 0.0)
    value_scale = max(abs(low), abs(high), 1e-300)
    curvature = [abs(v) for p in critical for v in p.eigenvalues if math.isfinite(v)]
    eigen_scale = max([(high - low) / span**2, *curvature, 1e-300])
    points = list(critical)

    def column(values, noise):
        return [shown_number(_snap(v, noise)) for v in values]

    return {
        "kind": [f"{KIND_GLYPH.get(p.kind, '◆')} {p.kind}" for p in points],
        "x": column([p.x for p in points], COORDINATE_NOISE * span),
        "y": column([p.y for p in points], COORDINATE_NOISE * span),
        "f(x, y)": column([p.value for p in points], VALUE_NOISE * value_scale),
        "λ₁": column([p.eigenvalues[0] for p in points], EIGEN_NOISE * eigen_scale),
        "λ₂": column([p.eigenvalues[1] for p in points], EIGEN_NOISE * eigen_scale),
        "second-derivative test": [verdict(p) for p in points],
    }


def place_name(point) -> str:
    """'● minimum at (3, 2)': a critical point in a menu."""
    glyph = KIND_GLYPH.get(point.kind, "◆")
    return f"{glyph} {point.kind} at ({point.x:.4g}, {point.y:.4g})"


def count_words(critical) -> str:
    """'4 minima, 1 maximum and 4 saddles' (kinds in a fixed order)."""
    counts = Counter(p.kind for p in critical)
    parts = [
        f"{counts[kind]} {kind if counts[kind] == 1 else PLURAL[kind]}"
        for kind in PLURAL
        if counts[kind]
    ]
    if len(parts) > 1:
        return ", ".join(parts[:-1]) + " and " + parts[-1]
    return parts[0] if parts else "none"


def critical_summary(critical) -> str:
    """One sentence about what core.critical_points found in the window."""
    if not critical and critical.continuum:
        return critical.note or "Every point of the window is a critical point."
    if not critical:
        return (
            "No critical points in this window: ∇f is not zero anywhere in it (where f is "
            "defined). Widen the window to look further."
        )
    isolated = [p for p in critical if p.isolated]
    if not critical.continuum:
        n = len(critical)
        noun = "critical point" if n == 1 else "critical points"
        return f"{n} {noun} in this window: {count_words(critical)}."
    samples = len(critical) - len(isolated)
    sentence = (
        "f has a whole curve (or region) of critical points here, not just isolated ones: "
        f"{samples} evenly spaced samples of it are drawn hollow on the maps"
    )
    if critical.truncated:
        sentence += " (there are more than fit on the map)"
    sentence += "."
    if isolated:
        sentence += f" Besides them, isolated: {count_words(isolated)}."
    return sentence


def _shift(variable: str, at: float) -> str:
    """(x - 2), (x + 0.5) or x, as LaTeX."""
    if at == 0:
        return variable
    sign = "-" if at > 0 else "+"
    return rf"\left({variable} {sign} {latex_number(abs(at))}\right)"


def _number_term(coefficient: float, factor: str) -> str:
    """' + 4\\,(x - 2)' or ' - 4\\,(x - 2)'; '' for a zero coefficient."""
    if coefficient == 0:
        return ""
    sign = "-" if coefficient < 0 else "+"
    size = "" if abs(coefficient) == 1 and factor else latex_number(abs(coefficient), 4)
    return f" {sign} {size}\\,{factor}" if size and factor else f" {sign} {size or factor}"


def taylor_numbers(quadratic) -> tuple[str, str]:
    """L and Q (core Quadratic) in decimals, Taylor form, as LaTeX."""
    dx, dy = _shift("x", quadratic.x0), _shift("y", quadratic.y0)
    (fxx, fxy), (_, fyy) = quadratic.hessian
    fx, fy = quadratic.gradient
    return _taylor_terms(_number_term, (quadratic.z0, fx, fy, fxx, fxy, fyy), dx, dy)


def _factor(value: float) -> str:
    text = latex_number(value, 4)
    return rf"\left({text}\right)" if value < 0 else text


def directional_latex(point, angle: int, slope: float) -> list[str]:
    """D_u f = grad f . u with the numbers in, and where it is largest (LaTeX lines)."""
    u = rf"{U} = (\cos {angle}^\circ,\ \sin {angle}^\circ)"
    if not math.isfinite(point.gradient_norm):
        why = rf"{NABLA}\ \text{{is undefined at this point}}"
        return [u, rf"D_{{{U}}} f\ \text{{is undefined: }}{why}"]
    theta = math.radians(angle)
    c, s = math.cos(theta), math.sin(theta)
    formula = (
        rf"D_{{{U}}} f = {NABLA} \cdot {U} = f_x \cos\theta + f_y \sin\theta"
        rf" = {_factor(point.fx)} \cdot {_factor(c)} + {_factor(point.fy)} \cdot {_factor(s)}"
        rf" = {latex_number(slope)}"
    )
    if point.gradient_angle is None:
        where = rf"{NABLA} = 0\ \text{{here: every direction is flat,}}\ D_{{{U}}} f = 0"
    else:
        best = degrees(point.gradient_angle)
        where = (
            rf"|{NABLA}| = {latex_number(point.gradient_norm)}:\ "
            rf"\text{{the largest }} D_{{{U}}} f \text{{, along }} {NABLA}"
            rf"\text{{ at }} {latex_number(best, 4)}^\circ"
        )
    return [u, formula, where]


def error_rows(errors) -> list[tuple[str, str, str]]:
    """(distance, largest |f - L|, largest |f - Q|) on each circle, as short text."""

    def number(value: float) -> str:
        if not math.isfinite(value):
            return "undefined"
        if value <= errors.rounding:
            return "≈ 0 (rounding)"
        return f"{value:.3g}"

    return [
        (f"{d:.3g}", number(a), number(b))
        for d, a, b in zip(errors.distances, errors.linear_max, errors.quadratic_max, strict=True)
    ]


def order_sentence(errors) -> str:
    """What halving the distance does to each error (measured, the closest pair of circles)."""
    if not errors.linear_defined:
        return (
            "f or one of its derivatives is undefined at the point, so there is no tangent plane "
            "and no quadratic approximation here. Move the point to where f is smooth."
        )
    if errors.negligible("linear"):
        return "f is linear: the tangent plane L and the quadratic Q are f itself."
    if errors.negligible("quadratic"):
        return (
            "f is a quadratic polynomial: Q is f itself, so |f − Q| is zero up to rounding, "
            "while |f − L| grows like d² away from the point."
        )
    linear = errors.shrink("linear")
    quadratic = errors.shrink("quadratic")
    linear = linear[np.isfinite(linear)]
    quadratic = quadratic[np.isfinite(quadratic)]
    if not (linear.size and quadratic.size):
        return (
            "Near the point |f − Q| is far smaller than |f − L|; closer in, both reach float64 "
            "rounding. Try a larger radius."
        )
    return (
        f"Halving the distance d from the point divides the largest |f − L| by about "
        f"{linear[-1]:.1f} and the largest |f − Q| by about {quadratic[-1]:.1f}: the tangent "
        "plane's error is second order (like d², ×4 per halving), the quadratic's third order "
        "(like d³, ×8) or smaller."
    )
