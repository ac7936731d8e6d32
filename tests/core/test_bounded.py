"""Bounded time (issue 11, item 5): no formula, however it nests, holds the caller for long.

Every step that user text can make expensive runs in the worker under its time limit (parsing is
linear and bounded by the parser's limits; differentiation, simplification and the numeric forms
run in the worker) or is cheap by construction (compiling numeric forms whose constants are
floats and whose size is capped; evaluating them). The guard here is generous on purpose: it
proves that nothing stalls; `python -m bench` reports the real times."""

import time

import numpy as np
import pytest

from core import ExpressionError, Function, check_partial, evaluate_grid, taylor2

GUARD_SECONDS = 10.0
PRIMES = [3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59]


def tower(levels: int) -> str:
    """x^(1/3)^(1/5)^...: the issue's link has 9 levels."""
    return "x^" + "^".join(f"(1/{p})" for p in PRIMES[:levels])


def nest(pattern: str, inner: str, levels: int) -> str:
    for _ in range(levels):
        inner = pattern.format(inner)
    return inner


TOWERS = {
    "prime tower 9 (the issue's link)": tower(9),
    "prime tower 10": tower(10),
    "prime tower 12": tower(12),
    "prime tower 16": tower(16),
    "nested sqrt 12": nest("sqrt(1 + {})", "x y", 12),
    "nested sqrt 30": nest("sqrt(1 + {})", "x y", 30),
    "exp of exp 8": nest("exp({})", "x + y", 8),
    "exp of exp 30": nest("exp({})", "x y", 30),
    "power of sums 12": nest("({} + x + y)^2", "x", 12),
    "power of sums 30": nest("({} + x + y)^3", "x", 30),
    "sum power tower 8": "^".join(["(x+y+1)"] * 8),
    "root tower": "^".join(["(x+2)"] + [f"(1/{p})" for p in PRIMES[:12]]),
    "constant towers everywhere": " + ".join(f"sin(x^{tower(4)[2:]} y^{k})" for k in range(1, 6)),
    # wide rather than deep: the product rule and cse work on many arguments at once
    "product of 13 factors": "".join(f"(x+{k}y+{k})" for k in range(1, 14)),
    "sum of products": " + ".join(f"sin({k}x+y)cos(x-{k}y)exp({k}x y)" for k in range(1, 12)),
    "rational": "(" + "+".join(f"x^{k} y^{20 - k}" for k in range(20)) + ")/(x y + 1)",
    # kinks: what is compiled holds both one-sided forms of each derivative
    "nested abs 10": nest("abs({} - 1)", "x y", 10),
    "nested abs 30": nest("abs({} - 1)", "x y", 30),
    "product of 11 abs": "".join(f"abs(x+{k}y-{k})" for k in range(1, 12)),
}


def _use(f: Function) -> None:
    """What a page does with a formula: grid of f and its gradient, Hessian, exact Taylor
    polynomial at a point, LaTeX of f and its partials."""
    evaluate_grid(f, (0.1, 3), (0.1, 3), 200, with_partials=True)
    x, y = np.meshgrid(np.linspace(0.1, 3, 100), np.linspace(0.1, 3, 100))
    f.hessian(x, y)
    quadratic = taylor2(f, 1.5, 0.5)
    if quadratic.defined:
        assert quadratic.expr is not None
    _ = f.latex, f.canonical_text


@pytest.mark.parametrize("text", TOWERS.values(), ids=TOWERS.keys())
def test_towers_are_built_or_refused_without_stalling(text):
    Function("x")  # the worker's start-up is not part of the bound
    started = time.perf_counter()
    try:
        f = Function(text)
    except ExpressionError as refused:
        assert "too" in refused.message  # "too long" or "too large", in words
    else:
        _use(f)
    assert time.perf_counter() - started < GUARD_SECONDS


def test_the_issue_s_link_is_built_and_its_constant_is_exact():
    f = Function(tower(9))
    exponent = 1.0
    for p in reversed(PRIMES[:9]):
        exponent = (1 / p) ** exponent
    assert float(f(2.0, 0.0)) == pytest.approx(2.0**exponent, rel=1e-13)
    assert float(f.gradient(2.0, 0.0)[0]) == pytest.approx(
        exponent * 2.0 ** (exponent - 1), rel=1e-12
    )


@pytest.mark.parametrize("answer", [tower(9), tower(12), nest("sqrt(1 + {})", "x y", 20)])
def test_checking_a_tower_answer_is_bounded(answer):
    f = Function("x^2 y")
    started = time.perf_counter()
    result = check_partial(f, "x", answer)
    assert result.verdict == "different"
    assert time.perf_counter() - started < GUARD_SECONDS
