"""Parameters (issue 13): `a x^2 + b y^2` with a and b on sliders.

How names read, symbolic derivatives with the parameters as letters, values bound without any
SymPy work, the same numbers as the formula with the values typed in, and every limit as before.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from core import (
    ExpressionError,
    Function,
    X,
    Y,
    check_partial,
    compile_javascript,
    critical_points,
    estimates,
    finite_difference,
    magnitude,
    mixed_partials,
    tangent_plane,
)
from core import function as function_module
from core.javascript import JavascriptError, check_body, check_expression
from core.parse import GREEK_PARAMETERS, PARAMETER_LETTERS, PARAMETERS, parse, to_sympy

from .test_javascript import core_values, points, run_in_node

a, b, c, t, mu, beta, gamma, lam = (
    PARAMETERS[name] for name in ("a", "b", "c", "t", "mu", "beta", "gamma", "lambda")
)


def reading(text: str) -> sympy.Expr:
    return to_sympy(parse(text), text)


# -- how a run of letters reads ------------------------------------------------------------------


def test_the_parameter_names_are_the_ones_the_issue_lists():
    assert "".join(PARAMETER_LETTERS) == "abcdkmnpqrstuvw"
    assert set(GREEK_PARAMETERS) == {
        "alpha",
        "beta",
        "gamma",
        "lambda",
        "mu",
        "sigma",
        "omega",
        "theta",
    }
    assert not {"x", "y", "e", "i", "o", "z"} & set(PARAMETERS)
    assert all(symbol.is_real for symbol in PARAMETERS.values())


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a x", a * X),
        ("ax", a * X),
        ("ax^2 + by^2", a * X**2 + b * Y**2),  # a power binds to the last name, as before
        ("a(x + 1)", a * (X + 1)),  # a parameter is a number, never a function
        ("gamma(x)", gamma * X),
        ("xay", a * X * Y),
        ("sinax", sympy.sin(a * X)),
        ("sin(a x) cos(b y)", sympy.sin(a * X) * sympy.cos(b * Y)),
        ("exp(-a x^2)", sympy.exp(-a * X**2)),
        ("e^(a x)", sympy.exp(a * X)),  # e stays the constant
        ("lambda x y", lam * X * Y),
        # A function or constant always wins over spelling it out in parameters (fewest names):
        ("asinx", sympy.asin(X)),  # not a*sin(x)
        ("atanx", sympy.atan(X)),
        ("absx", sympy.Abs(X)),
        ("pix", sympy.pi * X),
        ("cost", sympy.cos(t)),  # cos(t), as sinx is sin(x)
        ("sect", sympy.sec(t)),
        ("exp(x)", sympy.exp(X)),
        ("sqrt(x)", sympy.sqrt(X)),
        # A whole Greek name is that name: mu is never m*u
        ("mu", mu),
        ("mux", mu * X),
        ("betax", beta * X),
    ],
)
def test_how_parameters_read(text, expected):
    assert reading(text) == expected


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("ab", "a*b"),  # two parameters side by side: refused, with the product as the hint
        ("ab x^2", "a*b"),
        ("x and y", "a*n*d"),  # a word (and Python's `and`) does not read as a product
        ("vars()", "v*a*r*s"),
        ("amu x", "a*mu"),
        ("alphabeta", "alpha*beta"),
        ("sqr(x)", "sqrt"),
        ("a2", "a^2"),
    ],
)
def test_parameters_side_by_side_are_refused_with_the_product_as_hint(text, hint):
    with pytest.raises(ExpressionError) as caught:
        Function(text)
    assert hint in caught.value.hint
    assert caught.value.column is not None


@pytest.mark.parametrize("text", ["z", "zeta x", "erf(x)", "x + f", "g x", "h(x)", "i", "o"])
def test_unknown_names_are_still_refused(text):
    with pytest.raises(ExpressionError, match="not a name"):
        Function(text)


def test_the_list_of_allowed_names_includes_the_parameters():
    with pytest.raises(ExpressionError) as caught:
        Function("x + z")
    assert "the parameters a b c d k m n p q r s t u v w alpha beta" in caught.value.hint
    assert "sin" in caught.value.hint


# -- limits hold with parameters -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("a x + " * 90 + "b", "too long"),
        ("a*" * 130 + "b", "too many parts"),
        ("x" + "ax" * 130, "too many"),  # each name of a run counts as a token
        ("(" * 45 + "a" + ")" * 45, "nested too deeply"),
        ("a 9^9^9^9", "too large"),
        ("a^(10^400)", "too large"),
    ],
)
def test_every_limit_holds_with_parameters(text, words):
    with pytest.raises(ExpressionError, match=words):
        Function(text)


def test_putting_in_a_value_that_makes_a_huge_constant_is_bounded():
    # (a + 9)^(9^9) parses (a is not a constant) and its numbers are NaN (overflow); putting
    # a = 1 into it for exact work would make SymPy compute 10^387420489: the worker stops it.
    f = Function("(a + 9)^(9^9) + x")
    assert math.isnan(f(1.0, 1.0))
    with pytest.raises(ExpressionError, match="too long"):
        f.bound(f.expr)
    assert magnitude(f, 1.0, 1.0) is None  # said undefined, not a hang


# -- the public shape ----------------------------------------------------------------------------


def test_parameters_are_found_sorted_and_default_to_one():
    f = Function("theta x + b y^2 + alpha")
    assert f.parameters == ("alpha", "b", "theta")
    assert f.values == {"alpha": 1.0, "b": 1.0, "theta": 1.0}
    assert Function("x^2 + y").parameters == ()
    assert Function("x^2 + y").values == {}


def test_values_bind_at_construction_and_with_bind():
    f = Function("a x^2 + b y^2", parameters={"a": 2.0, "b": -1.0})
    assert f(1.0, 1.0) == 1.0
    g = f.bind(b=3.0)
    assert g.values == {"a": 2.0, "b": 3.0}
    assert g(1.0, 1.0) == 5.0
    assert f(1.0, 1.0) == 1.0  # binding makes a new Function; f keeps its values
    assert f.bind({"a": 0.5})(2.0, 0.0) == 2.0
    # Values for names the formula does not hold are ignored (a page passes every slider).
    assert Function("a x", parameters={"a": 3.0, "k": 5.0}).values == {"a": 3.0}


@pytest.mark.parametrize(
    "values", [{"x": 1.0}, {"e": 2.0}, {"zz": 1.0}, {"a": math.nan}, {"a": math.inf}]
)
def test_bad_values_are_refused(values):
    with pytest.raises(ValueError):
        Function("a x", parameters=values)
    with pytest.raises(ValueError):
        Function("a x").bind(values)


def test_derivatives_keep_the_parameters_symbolic():
    f = Function("a x^2 + b y^2", parameters={"a": 3.0, "b": -2.0})
    assert f.derivative("x") == 2 * a * X
    assert f.derivative("y", "y") == 2 * b
    assert f.latex == "a x^{2} + b y^{2}"
    assert f.canonical_text == "a*x**2 + b*y**2"
    assert Function(f.canonical_text).expr == f.expr  # still parses back
    np.testing.assert_array_equal(f.gradient(1.0, 1.0), [6.0, -4.0])
    np.testing.assert_array_equal(f.hessian(1.0, 1.0), [[6.0, 0.0], [0.0, -4.0]])
    assert f.derivative_function("x", "x", "x")(1.0, 2.0) == 0.0
    assert f.derivative_function("x", "x")(1.0, 2.0) == 6.0


def test_the_cache_key_holds_the_values_and_the_canonical_text_does_not():
    f = Function("a x^2 + b y^2")
    g = f.bind(b=-1.0)
    assert f.canonical_text == g.canonical_text
    assert f.cache_key != g.cache_key
    assert g.cache_key == "a*x**2 + b*y**2 with a=1.0, b=-1.0"
    assert f.bind(b=-1.0).cache_key == g.cache_key
    assert Function("x^2").cache_key == Function("x^2").canonical_text
    # 0.1 + 0.2 is not 0.3 in float64: two different numbers, two keys
    assert f.bind(a=0.1 + 0.2).cache_key != f.bind(a=0.3).cache_key


class CountingWorker:
    """Counts every call into the symbolic worker (the only place SymPy work on a formula runs)."""

    def __init__(self, real):
        self.real, self.calls = real, []

    def run(self, task, *args, **kwargs):
        self.calls.append(task)
        return self.real.run(task, *args, **kwargs)


@pytest.fixture
def counted(monkeypatch):
    counter = CountingWorker(function_module.shared_worker())
    for module in ("core.function", "core.javascript", "core.geometry", "core.critical"):
        monkeypatch.setattr(f"{module}.shared_worker", lambda: counter, raising=False)
    return counter


def test_a_new_value_costs_no_sympy_work(counted):
    text = "a x^2 + b y^2 + sin(c x y)"
    f = Function(text, parameters={"a": 1.0, "b": -1.0})
    f.derivative_function("x", "x", "y")  # compiled once per formula
    compile_javascript(f)
    before = len(counted.calls)
    xs = np.linspace(-2, 2, 9)
    for value in np.linspace(-5, 5, 21):
        g = f.bind(b=value, c=value / 3)
        g(xs, xs), g.gradient(xs, xs), g.hessian(xs, xs)
        g.local_derivatives(np.column_stack([xs, xs]), hessian=True)
        g.derivative_function("x", "x", "y")(xs, xs)
        g.derivative("x"), g.latex, g.canonical_text, g.cache_key
        tangent_plane(g, 0.5, 0.5)  # the numbers; its exact .expr is per point, and lazy
        assert f"({g.values['b']!r})" in compile_javascript(g).value_body
        Function(text, parameters={"b": value})  # a new Function of a known text: cached
    assert counted.calls[before:] == []


# -- the same numbers as the formula with the values typed in ------------------------------------

TEMPLATES = [
    "{a} x^2 + {b} y^2",
    "x^2 - y^2 + {c} x",
    "sin({a} x) cos({b} y)",
    "exp(-{k} (x^2 + y^2))",
    "{lambda} x y + {mu}",
    "sqrt({a}^2 + x^2) + {theta} y",
    "x^2 + {b} y^2 + {a} |x - {b}|",
    "atan2(y, x + {alpha}) + {beta}",
    "({a} x + {b} y)^3 / (1 + x^2)",
]
NAMES = ["a", "b", "c", "k", "lambda", "mu", "theta", "alpha", "beta"]
# Decimals with one digit after the point: the text "(-1.3)" and the float -1.3 are one number.
decimal_values = st.integers(-50, 50).map(lambda n: n / 10)


def substituted(template: str, values: dict[str, float]) -> str:
    return template.format(**{name: f"({values[name]!r})" for name in NAMES})


def symbolic(template: str) -> str:
    return template.format(**{name: name for name in NAMES})


@settings(max_examples=60, deadline=None)
@given(
    template=st.sampled_from(TEMPLATES),
    values=st.fixed_dictionaries({name: decimal_values for name in NAMES}),
    at=st.lists(st.floats(-3, 3), min_size=2, max_size=2),
)
def test_bound_equals_the_formula_with_the_values_typed_in(template, values, at):
    f = Function(symbolic(template), parameters=values)
    typed = Function(substituted(template, values))
    x0, y0 = at
    np.testing.assert_allclose(f(x0, y0), typed(x0, y0), rtol=1e-12, atol=1e-12)
    # A derivative may be NaN in one and not the other only at a value where the general formula
    # is 0/0 and the typed one was simplified (sqrt(a^2 + x^2) at a = 0 is |x|, with kink rules):
    # wherever both exist they agree.
    for mine, theirs in ((f.gradient, typed.gradient), (f.hessian, typed.hessian)):
        mine, theirs = mine(x0, y0), theirs(x0, y0)
        both = np.isfinite(mine) & np.isfinite(theirs)
        np.testing.assert_allclose(mine[both], theirs[both], rtol=1e-9, atol=1e-9)
        if all(values[name] != 0 for name in NAMES):
            np.testing.assert_array_equal(np.isnan(mine), np.isnan(theirs))


@settings(max_examples=40, deadline=None)
@given(
    template=st.sampled_from(TEMPLATES),
    values=st.fixed_dictionaries({name: decimal_values for name in NAMES}),
    at=st.lists(st.floats(-3, 3), min_size=2, max_size=2),
)
def test_bound_derivatives_equal_sympy_diff_of_the_typed_formula(template, values, at):
    """Independent of core's derivatives: SymPy's own diff of the formula with values typed in,
    evaluated with mpmath-backed evalf at the point."""
    f = Function(symbolic(template), parameters=values)
    typed = to_sympy(parse(substituted(template, values)), "")
    x0, y0 = at
    point = {X: sympy.Rational(x0), Y: sympy.Rational(y0)}
    for variables, computed in (
        ((X,), f.gradient(x0, y0)[0]),
        ((Y,), f.gradient(x0, y0)[1]),
        ((X, Y), f.hessian(x0, y0)[0, 1]),
    ):
        exact = sympy.diff(typed, *variables).xreplace(point).evalf(30)
        if not exact.is_real or not exact.is_finite:
            continue  # Abs at its kink, or undefined: core says NaN or the one-sided limit
        if math.isnan(computed):
            # Only where a value makes the general formula 0/0 (x/sqrt(a^2 + x^2) at a = 0,
            # x = 0) while the typed one simplified (|x|): see the test above. Or where the float
            # point sits on a kink that the exact rationals miss by an ulp (|x - b| at
            # x = b = 0.3: 0.3 as a float is not 3/10): the derivative jumps right there.
            # (For a second derivative, a kink of the first one is enough: core's Hessian is
            # NaN where the gradient jumps.)
            step = sympy.Rational(1, 10**6)
            jumps = any(
                abs(
                    derivative.xreplace({**point, axis: point[axis] + step}).evalf(30)
                    - derivative.xreplace({**point, axis: point[axis] - step}).evalf(30)
                )
                > 1e-3
                for derivative in (sympy.diff(typed, variables[0]), sympy.diff(typed, *variables))
                for axis in (X, Y)
            )
            assert 0.0 in values.values() or jumps, (variables, exact)
            continue
        assert computed == pytest.approx(float(exact), rel=1e-9, abs=1e-9)


# -- the browser's code ----------------------------------------------------------------------------


def test_javascript_binds_values_as_numbers_and_checks_the_result():
    f = Function("a x^2 + b y^2 + lambda sin(t x)", parameters={"b": -1.5, "t": 2.0})
    bound = compile_javascript(f)
    assert bound.parameters == []
    for body in (bound.body(0), bound.body(1), bound.body(2)):
        check_body(body)  # only numbers, x, y, temporaries and Math: no parameter name left
        assert "(-1.5)" in body
    check_expression(bound.fx)
    named = compile_javascript(f, bind=False)
    assert named.parameters == ["a", "b", "lambda", "t"]
    check_body(named.body(2), named.parameters)
    with pytest.raises(JavascriptError):
        check_body(named.body(2))  # the names are allowed only when the caller says so
    with pytest.raises(JavascriptError):
        check_expression("alert", ["alert"])  # only core's own parameter names can be allowed
    with pytest.raises(JavascriptError):
        check_expression("a + z", ["a"])


def test_bound_javascript_gives_core_s_numbers_in_node():
    texts = ["a x^2 + b y^2", "sin(a x) cos(b y)", "x^2 - y^2 + c x", "sqrt(a + x^2) + b |y|"]
    functions = [Function(text, parameters={"a": -0.7, "b": 2.5, "c": 1.3}) for text in texts]
    at = points(seed=13)
    results = run_in_node([[compile_javascript(f).body(2)] for f in functions], at)
    for f, (browser,) in zip(functions, results, strict=True):
        server = core_values(f, at)
        assert np.array_equal(np.isnan(browser), np.isnan(server)), f.text
        np.testing.assert_allclose(browser, server, rtol=1e-12, atol=1e-300, err_msg=f.text)


# -- what pages call -----------------------------------------------------------------------------


def test_critical_points_follow_the_parameters():
    f = Function("a x^2 + b y^2")
    window = ((-2.0, 2.0), (-2.0, 2.0))
    kinds = {}
    for b_value in (1.0, -1.0):
        found = critical_points(f.bind(b=b_value), *window)
        assert len(found) == 1
        kinds[b_value] = found[0].kind
        assert (found[0].x, found[0].y) == pytest.approx((0.0, 0.0), abs=1e-9)
    assert kinds == {1.0: "minimum", -1.0: "saddle"}
    assert critical_points(f.bind(a=-1.0, b=-1.0), *window)[0].kind == "maximum"
    flat = critical_points(f.bind(a=0.0, b=0.0), *window)
    assert flat.continuum and "constant" in flat.note
    tilted = critical_points(Function("x^2 - y^2 + c x", parameters={"c": 2.0}), *window)
    assert [(p.x, p.y, p.kind) for p in tilted] == [
        (pytest.approx(-1.0), pytest.approx(0.0, abs=1e-12), "saddle")
    ]


def test_exact_forms_and_estimates_use_the_values():
    f = Function("a x^2 + b y^2", parameters={"a": 0.5, "b": -3.0})
    plane = tangent_plane(f, 2, 1)
    assert sympy.simplify(plane.expr - (-1 + 2 * (X - 2) - 6 * (Y - 1))) == 0
    assert magnitude(f, 2.0, 1.0, "y").sign == -1
    assert finite_difference(f, 2.0, 1.0, "y", scheme="complex-step") == pytest.approx(-6.0)
    rows = estimates(f, 2.0, 1.0, "x", 2.0)
    assert all(row.refused or abs(row.value - 2.0) < 1e-4 for row in rows)
    assert len(rows) == 5 and not any(row.refused for row in rows)
    assert mixed_partials(Function("a x^2 y")).equal is True


def test_an_answer_may_use_the_function_s_parameters_and_must_hold_for_every_value():
    f = Function("a x^2 + b y^2", parameters={"a": 1.0, "b": -1.0})
    assert check_partial(f, "x", "2 a x").verdict == "equivalent"
    wrong_elsewhere = check_partial(f, "x", "2 x")  # right at a = 1 only
    assert wrong_elsewhere.verdict == "different"
    assert "a = 1" in wrong_elsewhere.message
    assert check_partial(f.bind(a=2.0), "x", "2 x").verdict == "different"
    with pytest.raises(ExpressionError) as caught:
        check_partial(f, "x", "2 c x")
    assert "parameters a, b" in caught.value.message
    assert caught.value.column == 3


def test_critical_points_say_how_the_parameters_decide_the_kind():
    window = ((-2.0, 2.0), (-2.0, 2.0))
    note = critical_points(Function("a x^2 + b y^2"), *window).note
    assert "det H = 4*a*b at every point" in note and "saddle" in note
    assert "as b moves" in critical_points(Function("x^2 + b y^2"), *window).note
    assert "depends on the point" in critical_points(Function("a x^3 + b y^2"), *window).note
    assert critical_points(Function("x^2 - y^2 + c x"), *window).note == ""  # always a saddle
    assert critical_points(Function("x^2 + y^2"), *window).note == ""


def test_binding_prints_nothing_again(monkeypatch):
    """The formula's text and LaTeX are SymPy printing: once per formula, whatever the values."""
    import core.function as function_module

    printed = []
    for name in ("to_text", "to_latex"):
        original = getattr(function_module, name)

        def counting(expr, _original=original, _name=name):
            printed.append(_name)
            return _original(expr)

        monkeypatch.setattr(function_module, name, counting)
    f = Function("a x^2 + b y^2 + sin(c x y) - 0.2718281 x")  # a text no other test compiles
    for value in (-2.0, -0.5, 0.0, 0.5, 3.0):
        bound = f.bind(b=value)
        assert bound.latex == f.latex and bound.canonical_text == f.canonical_text
        assert f"b={value!r}" in bound.cache_key
    assert sorted(printed) == ["to_latex", "to_text"]
