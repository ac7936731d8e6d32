"""core.javascript: the browser's f, gradient and Hessian equal core's, and are allowlisted code.

The emitted JavaScript runs in node (one process per test, many points per call). Outside CI a
missing node skips those tests; in CI (CI=true) it fails them, as the browser tests do for Chromium.
"""

from __future__ import annotations

import dataclasses
import doctest
import json
import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core import ExpressionError, Function, X, javascript
from core.function import compile_numpy
from core.javascript import (
    JavascriptError,
    JsFunctions,
    check_body,
    check_expression,
    compile_javascript,
    tokenize,
)

from .grammar import formulas
from .hostile_corpus import HOSTILE

NODE = Path("/usr/bin/node")

# Every textbook function of tests/core/test_function.py and the gallery, and the awkward ones.
TEXTBOOK = [
    "x^2 y + y^3",
    "x^2 + y^2",
    "x^2 - y^2",
    "x y",
    "x^3 - 3 x y^2",
    "sin(x) cos(y)",
    "sin(x y)",
    "exp(x + 2y)",
    "e^(x y)",
    "ln(x^2 + y^2)",
    "log(x^2 + y^2)",
    "sqrt(x^2 + y^2)",
    "atan2(y, x)",
    "atan(y/x)",
    "x/y",
    "1/x",
    "(x^2 + y - 11)^2 + (x + y^2 - 7)^2",
    "(1 - x)^2 + 100 (y - x^2)^2",
    "(x + 2 y - 7)^2 + (2 x + y - 5)^2",
    "0.26 (x^2 + y^2) - 0.48 x y",
    "2 x^2 - 1.05 x^4 + x^6/6 + x y + y^2",
    "exp(-(x^2 + y^2))",
    "x^y",
    "y^x",
    "cos(x + y)",
    "tan(x) + y",
    "tan(x y)",
    "abs(x) + y^2",
    "abs(x) + abs(y)",
    "x abs(x) + y",
    "abs(x)^3 + y",
    "x^2 abs(y) + x",
    "abs(x - y)",
    "sinh(x) cosh(y)",
    "tanh(x y)",
    "asin(x y)",
    "acos(x) + y",
    "asinh(x) + acosh(y) + atanh(x/4)",
    "x e^(x y)",
    "(x + 1)(x - 1) y",
    "3 x^2 y",
    "x^2 y^3",
    "1/(x^2 + y^2)",
    "sqrt(1 - x^2 - y^2)",
    "x^3 + y^3 - 3 x y",
    "ln(x) y",
    "sec(x)",
    "csc(x) + cot(y)",
    "2^x 3^y",
    "(1.5 - x + x y)^2 + (2.25 - x + x y^2)^2 + (2.625 - x + x y^3)^2",
    "x^(1/3) + y",
    "(x y)^(2/3)",
    "x^(1/y)",
    "pi x + e y",
    "x/3 + 0.1 y",
    "12345678901234567890 x + y",
    "1e-300 x + 1e300 y",
    "exp(x) / (1 + exp(y))",
    "log(-x) + sqrt(y)",
    "x^(-2) + y^(-1/2)",
    "sin(x)^2 + cos(y)^2",
    "exp(-(x^2+y^2)/4) sin(3x) cos(2y)",
    "-sec(csc(x)) + y",  # numpy's printer writes the inner csc(x) as 1/cos(x - pi/2): so do we
]


def _missing(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}: CI must have it (apt-get install -y nodejs)")
    pytest.skip(reason)


# Reads {"functions": [[body, ...], ...], "points": [[x, y], ...]} and prints, for each function of
# each entry, its outputs at every point. JSON turns NaN into null.
_RUNNER = """
const input = JSON.parse(require("fs").readFileSync(0, "utf8"));
const results = input.functions.map((bodies) =>
  bodies.map((body) => {
    const f = new Function("x", "y", body);
    return input.points.map(([x, y]) => f(x, y));
  })
);
process.stdout.write(JSON.stringify(results));
"""


def run_in_node(functions: list[list[str]], points: np.ndarray) -> list[list[np.ndarray]]:
    """Each body of each entry evaluated at every point: arrays of shape (points, outputs)."""
    if not NODE.exists():
        _missing(f"{NODE} not found")
    payload = json.dumps({"functions": functions, "points": points.tolist()})
    done = subprocess.run(
        [str(NODE), "-e", _RUNNER], input=payload, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return [
        [np.array(values, dtype=float).reshape(len(points), -1) for values in entry]
        for entry in json.loads(done.stdout)
    ]


def points(seed: int, n: int = 150) -> np.ndarray:
    """Random points plus a lattice through the usual kinks, poles and edges (0, ±1, ...)."""
    rng = np.random.default_rng(seed)
    lattice = [-2.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0]
    grid = np.array([(a, b) for a in lattice for b in lattice])
    return np.concatenate([grid, rng.uniform(-3, 3, size=(n, 2))])


def core_values(f: Function, at: np.ndarray) -> np.ndarray:
    """Core's [f, fx, fy, fxx, fxy, fyy] at each point: shape (points, 6)."""
    x, y = at[:, 0], at[:, 1]
    gradient, hessian = f.gradient(x, y), f.hessian(x, y)
    return np.column_stack(
        [
            f(x, y),
            gradient[:, 0],
            gradient[:, 1],
            hessian[:, 0, 0],
            hessian[:, 0, 1],
            hessian[:, 1, 1],
        ]
    )


NAMES = ("f", "fx", "fy", "fxx", "fxy", "fyy")


def _perturbed(tree: sympy.Expr, rng: np.random.Generator) -> sympy.Expr:
    """`tree` with every distinct subexpression times 1 ± 4.4e-16 (two units in the last place).
    A kink's value is taken as its right-hand derivative (the NaN pattern is checked apart)."""
    memo: dict[sympy.Basic, sympy.Basic] = {}

    def perturbed(node):
        if node.is_Atom:
            return node
        if node not in memo:
            if type(node).__name__ == "KinkValue":
                memo[node] = perturbed(node.args[0])
                return memo[node]
            rebuilt = node.func(*(perturbed(arg) for arg in node.args), evaluate=False)
            if type(node).__name__ != "KinkSide":  # exactly -1, 0 or 1
                factor = sympy.Float(1 + rng.choice([-1, 1]) * 4.4e-16, 17)
                rebuilt = sympy.Mul(rebuilt, factor, evaluate=False)
            memo[node] = rebuilt
        return memo[node]

    return perturbed(tree)


def rounding_sensitivity(tree: sympy.Expr, at: np.ndarray, patterns: int = 4) -> np.ndarray:
    """How far float64 evaluation of `tree` can move when each operation is off in its last two
    places (as V8's sin or pow may be against glibc's, or a sum grouped apart by CSE): the largest
    change over a few random patterns of such errors (Monte Carlo arithmetic). Large where the
    formula cancels (1 - tanh(x y)^2 where tanh is near 1)."""
    rng = np.random.default_rng(0)
    x, y = at[:, 0], at[:, 1]
    with np.errstate(all="ignore"):
        base = np.broadcast_to(compile_numpy([tree])(x, y)[0], x.shape)
        spread = np.zeros_like(x)
        for _ in range(patterns):
            values = compile_numpy([_perturbed(tree, rng)])(x, y)[0]
            spread = np.fmax(spread, np.abs(np.broadcast_to(values, x.shape) - base))
    return spread


def assert_same_numbers(f: Function, at: np.ndarray, browser: np.ndarray, server: np.ndarray):
    """NaN exactly where core says NaN; elsewhere equal to 1e-12 relative, or, where the formula
    itself cancels, within what last-place differences of its operations can make of it."""
    trees = None
    for k in range(browser.shape[1]):
        js, py = browser[:, k], server[:, k]
        differ = np.flatnonzero(np.isnan(js) != np.isnan(py))
        assert not differ.size, (
            f"{f.text}: {NAMES[k]} is NaN in one but not the other at "
            f"{[(tuple(at[i]), js[i], py[i]) for i in differ[:5]]}"
        )
        defined = ~np.isnan(py)
        close = np.abs(js - py) <= 1e-12 * np.abs(py)
        if np.all(close[defined]):
            continue
        trees = trees or f.numeric_forms()
        slack = 1e-12 * np.abs(py) + 8 * rounding_sensitivity(trees[k], at)
        far = np.flatnonzero(defined & (np.abs(js - py) > slack))
        assert not far.size, (
            f"{f.text}: {NAMES[k]} differs at "
            f"{[(tuple(at[i]), js[i], py[i], slack[i]) for i in far[:5]]}"
        )


# -- the same numbers as core ------------------------------------------------------------------


def test_textbook_list_is_large_enough():
    assert len(TEXTBOOK) >= 40


@pytest.mark.parametrize("text", TEXTBOOK)
def test_textbook_functions_match_core_in_node(text):
    f = Function(text)
    js = compile_javascript(f)
    at = points(seed=len(text))
    if text == "x^(1/y)":
        at = np.concatenate([at, [[1.0, 0.0], [-1.0, 0.0]]])  # 1^inf is 1 in numpy, NaN in JS
    (body0, body1, body2), *_ = run_in_node([[js.body(0), js.body(1), js.body(2)]], at)
    server = core_values(f, at)
    assert_same_numbers(f, at, body2, server)
    # The shorter bodies are the longest one's first lines: the same numbers, to the last bit.
    np.testing.assert_array_equal(body0, body2[:, :1])
    np.testing.assert_array_equal(body1, body2[:, :3])


def test_single_expressions_are_the_raw_formulas():
    """value, fx, ... each alone: core's numbers wherever f and the derivative are finite."""
    texts = ["x^2 y + y^3", "sin(x y)", "sqrt(1 - x^2 - y^2)", "x^y", "atan2(y, x)", "abs(x) y"]
    compiled = [compile_javascript(text) for text in texts]
    fields = ("value", "fx", "fy", "fxx", "fxy", "fyy")
    at = points(seed=7)
    bodies = [[f"return [{', '.join(getattr(js, name) for name in fields)}];"] for js in compiled]
    for text, (browser,) in zip(texts, run_in_node(bodies, at), strict=True):
        server = core_values(Function(text), at)
        defined = np.isfinite(server).all(axis=1)
        np.testing.assert_allclose(browser[defined], server[defined], rtol=1e-12, err_msg=text)


def test_constants_keep_full_precision():
    js = compile_javascript("x/3 + 12345678901234567890 y + pi + e")
    assert "(0.3333333333333333)*x" in js.value  # as numpy's (1/3)*x: the correctly rounded 1/3
    assert "1.2345678901234567e+19*y" in js.value  # as numpy's float of the integer
    assert "Math.PI" in js.value and "Math.E" in js.value


def test_cube_root_of_a_negative_is_undefined_as_in_numpy():
    js = compile_javascript("x^(1/3)")
    assert "cbrt" not in js.body(2)
    (body,), *_ = run_in_node([[js.body(0)]], np.array([[-8.0, 0.0], [8.0, 0.0]]))
    assert math.isnan(body[0, 0]) and body[1, 0] == 2.0


def test_complex_numbers_are_refused():
    """A tree with a complex number has no real JavaScript form, so the page asks the server."""
    with pytest.raises(JavascriptError, match="complex"):
        javascript._expression(sympy.I * X)  # what compile_javascript prints each tree with


@pytest.mark.parametrize("text", ["(-2)^x", "(-1)^x + y", "(-pi)^y"])
def test_a_negative_number_to_a_variable_power_is_refused_by_core(text):
    """d/dx (-2)^x = (-2)^x (log 2 + i pi): core refuses the formula, before any printing."""
    with pytest.raises(ExpressionError, match="negative number to a variable power"):
        compile_javascript(text)


@pytest.mark.parametrize("text", ["sec(cosh(x)) + y", "-sec(csc(x)) + y", "cot(sinh(x y))"])
def test_sec_csc_cot_are_printed_as_reciprocals_as_numpy_evaluates_them(text):
    """SymPy's printers once wrote sec(cosh x) as 1/cos(cos(i x)) (a complex number) and csc(x) as
    1/cos(x - pi/2) (finite at 0): core now compiles 1/cos, 1/sin, cos/sin of the same argument."""
    f = Function(text)
    js = compile_javascript(f)
    assert "1j" not in js.body(2) and "pi/2" not in js.body(2).replace("Math.PI", "pi")
    at = np.array([[0.0, 0.0], [0.5, 1.0], [-1.2, 0.3], [0.0, 1.0], [1e-300, 2.0]])
    ((browser,),) = run_in_node([[js.body(2)]], at)
    assert_same_numbers(f, at, browser, core_values(f, at))


@pytest.mark.parametrize(
    ("text", "point", "order", "expected"),
    [
        ("x^(1/3)", (-8.0, 0.0), 0, [math.nan]),  # not Math.cbrt: numpy's power is NaN here
        ("x^(1/3)", (8.0, 0.0), 0, [2.0]),
        ("x^(1/y)", (1.0, 0.0), 1, [1.0, math.nan, math.nan]),  # C's pow(1, inf) = 1
        ("x^(1/y) + y", (-1.0, 0.0), 0, [1.0]),  # C's pow(-1, inf) = 1
        ("x abs(x) + y", (0.0, 1.0), 1, [1.0, 0.0, 1.0]),  # a kink with a derivative
        ("abs(x) + y^2", (0.0, 1.0), 1, [1.0, math.nan, 2.0]),  # a kink without one
        ("abs(x)^3 + y", (0.0, 1.0), 2, [1.0, 0.0, 1.0, 0.0, 0.0, 0.0]),
        ("1/x + y", (0.0, 1.0), 1, [math.nan, math.nan, math.nan]),  # f undefined: all are
        ("x^2 + 1/y", (3.0, 0.0), 1, [math.nan, math.nan, math.nan]),
        ("sqrt(x) + y", (-1.0, 2.0), 1, [math.nan, math.nan, math.nan]),
    ],
)
def test_where_javascript_and_numpy_differ_core_wins(text, point, order, expected):
    f = Function(text)
    (body,), *_ = run_in_node([[compile_javascript(f).body(order)]], np.array([point]))
    server = core_values(f, np.array([point]))[0, : len(expected)]
    np.testing.assert_array_equal(server, expected)
    np.testing.assert_array_equal(body[0], expected)


def test_polynomials_are_not_masked_like_core():
    assert compile_javascript("x^2 y + y^3").masked is False
    assert compile_javascript("sqrt(x) + y").masked is True


def test_the_module_examples_hold():
    import core.javascript

    assert doctest.testmod(core.javascript).failed == 0


def test_result_is_plain_data():
    js = compile_javascript(Function("sin(x y)"))
    assert isinstance(js, JsFunctions)
    data = dataclasses.asdict(js)
    assert json.loads(json.dumps(data)) == data
    assert js.body() == js.first_order_body and js.body(2) == js.second_order_body
    with pytest.raises(ValueError):
        js.body(3)


# -- a fuzz of valid formulas ------------------------------------------------------------------

_ATOMS = st.sampled_from(["x", "y", "x", "y", "pi", "e", "2", "3", "0.5", "1.5", "10"])
_FUNCTIONS = st.sampled_from(
    [
        *("sin", "cos", "tan", "sec", "csc", "cot", "asin", "acos", "atan", "atan", "sinh"),
        *("cosh", "tanh", "asinh", "acosh", "atanh", "exp", "log", "ln", "sqrt", "abs"),
    ]
)


def _formulas() -> st.SearchStrategy[str]:
    def extend(inner):
        return st.one_of(
            st.tuples(inner, st.sampled_from(["+", "-", "*", "/", " "]), inner).map(
                lambda t: f"({t[0]}){t[1]}({t[2]})"
            ),
            st.tuples(inner, st.sampled_from(["2", "3", "-1", "1/2", "1/3", "y", "x"])).map(
                lambda t: f"({t[0]})^{t[1]}"
            ),
            st.tuples(_FUNCTIONS, inner).map(lambda t: f"{t[0]}({t[1]})"),
            st.tuples(inner, inner).map(lambda t: f"atan2({t[0]}, {t[1]})"),
            inner.map(lambda t: f"-({t})"),
        )

    return st.recursive(_ATOMS, extend, max_leaves=6)


def _compiled_or_none(text: str, at: np.ndarray):
    """(f, its JavaScript, core's values at `at`), or None where core refuses the formula (a
    constant division by zero, too large, (-2)^x, ...). Any other exception fails the test, and
    so does a tree JavaScript cannot print: core compiles only real trees."""
    try:
        f = Function(text)
    except ExpressionError:
        return None
    return f, compile_javascript(f), core_values(f, at)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_formulas() | formulas(), min_size=4, max_size=8))  # and the whole grammar
def test_fuzzed_formulas_match_core_in_node(texts):
    at = points(seed=len(texts), n=60)
    compiled = [c for text in texts if (c := _compiled_or_none(text, at))]
    if not compiled:
        return
    results = run_in_node([[js.body(2)] for _, js, _ in compiled], at)
    for (f, js, server), (browser,) in zip(compiled, results, strict=True):
        for code in (js.value, js.fx, js.fy, js.fxx, js.fxy, js.fyy):
            check_expression(code)
        check_body(js.body(2))
        assert_same_numbers(f, at, browser, server)


# -- security: only allowlisted code ever comes out --------------------------------------------


# Valid, but at the edges of what the parser accepts: friendly characters, aliases, limits.
EDGE_BUT_VALID = [
    "x² − y·π",
    "sin^2(x) + ln(y) + arctan2(y, x) + arcsin(x/9)",
    "x**-1 + 2^-y",
    "1e300 x + 1e-300 y + 0.1e-5",
    "9^9^0.5 x",
    "e^e^x",
    "x" + "+x" * 120,
    "sin(" * 19 + "x" + ")" * 19,
    "-" * 30 + "x",
    "(((((((((((x)))))))))))",
    "abs(x)^abs(y)",
    "x y x y x y x y",
]


def _assert_allowlisted(js: JsFunctions) -> None:
    for code in (js.value, js.fx, js.fy, js.fxx, js.fxy, js.fyy):
        check_expression(code)
    for order in (0, 1, 2):
        check_body(js.body(order))


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_text_never_reaches_the_compiler(text):
    """The hostile corpus: core refuses every entry before there is a tree to compile; were one
    ever accepted, what it compiles to must still be allowlisted code."""
    try:
        f = Function(text)
    except ExpressionError:
        with pytest.raises(ExpressionError):
            compile_javascript(text)
        return
    _assert_allowlisted(compile_javascript(f))


@pytest.mark.parametrize("text", EDGE_BUT_VALID)
def test_formulas_at_the_parser_edges_emit_only_allowlisted_code(text):
    _assert_allowlisted(compile_javascript(text))


def test_missing_node_skips_locally_and_fails_in_ci(monkeypatch, tmp_path):
    monkeypatch.setattr(sys.modules[__name__], "NODE", tmp_path / "no-node")
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception):
        run_in_node([], np.zeros((1, 2)))
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception):
        run_in_node([], np.zeros((1, 2)))


def test_a_tree_with_any_other_name_cannot_be_printed():
    """Only x, y and the temporaries are printed as names: a foreign symbol is refused."""
    from core.javascript import _print

    for name in ("alert", "constructor", "x_", "Math"):
        with pytest.raises(JavascriptError):
            _print(sympy.Symbol(name) + 1)
    with pytest.raises(JavascriptError):
        _print(sympy.Function("alert")(sympy.Symbol("x")))


@pytest.mark.parametrize(
    "code",
    [
        "alert(1)",
        "Math.constructor",
        "Math.constructor('return 1')()",
        'x["constructor"]',
        "x['constructor']",
        "`x`",
        "() => x",
        "x => x",
        "z",
        "x.constructor",
        "Math",
        "Math.sin",  # a function must be called
        "Math.PI(1)",
        "Math.sin(x, y)",
        "Math.atan2(x)",
        "window",
        "this",
        "globalThis",
        "eval(x)",
        "Function",
        "x = 1",
        "x == 1",
        "x // 1",
        "x /* 1 */",
        "/1/",
        "--x",
        "x++",
        "x; y",
        "x, y",
        "1.toString",
        "1..toString",
        "x\\u0061",
        "\\u0061lert(1)",
        "x\u2028",
        "t0",  # temporaries exist only in bodies
        "NaN(1)",
        "x ? y",
        "(x",
        "x)",
        "",
        "return x",
        "010",  # octal in sloppy mode
        "08 + x",
        "0x10",
        "1e5x",
        "x\n+ y",
        "x\r+ y",
        "x\t+ y",
        "Math.sin\n(x)",
        "Math .sin(x)",
        "Math. sin(x)",
        "Math.sin.call(x)",
        "Math.__proto__",
        "x.valueOf()",
        "x < y",
        "x <= y <= 1",
        "x !== y",
        "x & y",
        "!x",
        "~x",
        "x ** 2",
        "x % 2",
        "new Math.sin(x)",
        "void x",
        "typeof x",
        "undefined",
        "Infinity",
        "arguments",
        "$",
        "_",
    ],
)
def test_checker_refuses_anything_off_the_allowlist(code):
    with pytest.raises(JavascriptError):
        check_expression(code)


@pytest.mark.parametrize(
    "body",
    [
        "return [x];;",
        "const t0 = 1; const t0 = 2; return [t0];",  # defined twice
        "return [t1];",  # used before it is defined
        "const y = 1; return [y];",
        "const t0 = 1 return [t0];",
        "let t0 = 1; return [t0];",
        "const t0 = alert; return [t0];",
        "return [x][0];",
        "return x;",
        "x = 1; return [x];",
        "const t0 = 1; t0 = 2; return [t0];",
        "return [x]; alert(1);",
        "return\n[x];",  # automatic semicolon insertion: returns undefined
        "const t0 = 1;\n\nreturn [t0];",
        "const t0 = 1,\nt1 = 2; return [t0];",
        "return [];",
        "const t0 = x; return [t0, ];",
        "const Math = 1; return [Math];",
        "const t0 = t0; return [t0];",
    ],
)
def test_body_checker_refuses_anything_off_the_allowlist(body):
    with pytest.raises(JavascriptError):
        check_body(body)


def test_checker_accepts_what_the_compiler_emits():
    check_expression("Math.pow(x, -2)*-0.5 + Math.atan2(y, x) - 1.5e-07/Math.PI")
    check_expression("(x === 1 ? 1 : Math.pow(x, y)) <= 1e-300 ? NaN : Math.E")
    check_body("const t0 = x*y;\nconst t1 = Math.sin(t0);\nreturn [t1 - t1 === 0 ? t1 : NaN];")
    assert [kind for kind, _ in tokenize("Math.sin(x)")] == ["name", "op", "name", "op"]
