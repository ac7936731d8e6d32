"""f, its gradient and Hessian as small JavaScript expressions, for a browser that moves a point.

Core decides, the browser evaluates: while a person drags the point, a chart component evaluates
f, ∂f/∂x, ∂f/∂y (and the Hessian) itself, with no server round trip. What it evaluates is compiled
here from core's own parsed SymPy trees, never from the text the person typed.

>>> from core import Function, compile_javascript
>>> js = compile_javascript(Function("x^2 y + y^3"))
>>> js.fx
'2*x*y'
>>> js.fy
'Math.pow(x, 2) + 3*Math.pow(y, 2)'

`js.body(1)` is one JavaScript function body returning [f, fx, fy] (`body(2)` adds fxx, fxy, fyy),
with common subexpressions in `const` temporaries; the browser builds it once with
`new Function("x", "y", js.body(2))` and calls it with two numbers.

Same numbers as the server
--------------------------
The trees are the ones core.Function compiles for numpy (Function.numeric_forms: constants
folded, kinks resolved, sec/csc/cot as reciprocals), grouped as core groups them (f alone; the
gradient, then the Hessian, each with f as its mask, under SymPy's cse with lambdify's own
settings) and printed in the same operation order (SymPy's code printers share one Add/Mul printer
and its rewrites with lambdify's), with every place where JavaScript and numpy differ handled:

- x^(1/3) stays Math.pow (NaN for x < 0, as numpy) rather than SymPy's Math.cbrt (real root);
- Math.pow(1, ±Infinity or NaN) and Math.pow(-1, ±Infinity) are NaN in JavaScript but 1 in C and
  numpy: a power with a variable exponent is guarded (`b === 1 ? 1 : Math.pow(b, clamp(e))`);
- numbers are printed as the float numpy uses (repr: full precision; huge integers rounded as
  core rounds them), pi and e as Math.PI and Math.E, re(u) as u and im(u) as 0 (numpy.real and
  numpy.imag of float arrays);
- core's kink functions (KinkSide, KinkValue: a derivative at a kink of abs exists where both
  one-sided limits agree within core.function.KINK_TOLERANCE) become the same comparisons;
- the body does what core's evaluation does: non-finite -> NaN, and a derivative is NaN wherever f
  itself is not finite, except for polynomials, where core applies no mask (`JsFunctions.masked`).

So the body's numbers equal core's to 1e-12 relative, and are NaN exactly where core's are
(tests/core/test_javascript.py checks both in node). The one limit: V8's sin, exp, tanh, pow may
differ from glibc's in the last place, and where a formula cancels (y (1 - tanh(x y)^2) where tanh
is near 1) that difference grows relative to the result, as it would between two numpy builds.
The single expressions (`value`, `fx`, ...) are the raw formulas: they skip both NaN rules.
A tree with no real JavaScript form (a complex number) raises JavascriptError: the page then asks
the server. Core's own trees hold none: it refuses (-2)^x (no real derivative), and it compiles
sec, csc, cot as 1/cos, 1/sin, cos/sin (SymPy's printers wrote sec(cosh x) as 1/cos(cos(i x))).

Security
--------
The browser never sees the person's text. The text is parsed by core.parse (an allowlist grammar,
no eval) into a SymPy tree whose only symbols are x and y; this module prints that tree (and its
derivatives) with a JavaScript printer and then checks what it printed before handing it out:

- `check_expression` / `check_body` tokenize the code against an allowlist: numbers, the
  variables x and y, generated temporaries t0, t1, ..., NaN, `Math.` followed by one of
  `MATH_FUNCTIONS` or `MATH_CONSTANTS`, the operators + - * / ( ) , ? : === <= and, in a body,
  `const`, `=`, `;`, `return`, [ ]. Anything else (a quote, a backtick, a backslash, `=>`, `.`
  outside a number or `Math.`, any other name such as `alert` or `constructor`) is refused.
- They then parse the tokens with a tiny grammar (operands and operators alternate, calls only of
  allowlisted Math functions with their arity, temporaries defined before use, `const t = e;`
  statements, one `return [e, ...];`), so comments, regular-expression literals, `--`/`++`, member
  access and assignments to anything but a fresh temporary cannot hide in allowed tokens. A line
  ends only after `;` (no automatic semicolon insertion) and no number has a leading zero (`010`
  is octal in sloppy mode).
- Any refusal raises JavascriptError; compile_javascript never returns unchecked code.

Content-Security-Policy: the component turns the checked body into a function with
`new Function("x", "y", body)`, which a CSP allows only with `script-src 'unsafe-eval'`. That is
acceptable because what is compiled is generated and checked here, never user text. Streamlit 1.67
sends no Content-Security-Policy header (checked here), so nothing needs changing today; a
deployment that adds one must allow 'unsafe-eval' for the app's own scripts, or the component
needs a small interpreter of the same token stream instead (the grammar above is what it would
accept), trading speed for the stricter policy. The component should take code only from this
module's output and call the function only with two numbers (a string would concatenate).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

import sympy
from sympy.printing.jscode import JavascriptCodePrinter
from sympy.printing.precedence import precedence

from ._worker import TIMEOUT_SECONDS, shared_worker
from .function import KINK_TOLERANCE, Function, is_polynomial
from .parse import PARAMETERS, ExpressionError

# Every Math member the generated code may use, and how many arguments each function takes.
MATH_FUNCTIONS = {
    "sin": 1,
    "cos": 1,
    "tan": 1,
    "asin": 1,
    "acos": 1,
    "atan": 1,
    "atan2": 2,
    "sinh": 1,
    "cosh": 1,
    "tanh": 1,
    "asinh": 1,
    "acosh": 1,
    "atanh": 1,
    "exp": 1,
    "log": 1,
    "sqrt": 1,
    "abs": 1,
    "sign": 1,
    "pow": 2,
    "min": 2,
    "max": 2,
}
MATH_CONSTANTS = frozenset({"PI", "E"})
VARIABLES = frozenset({"x", "y"})
TEMPORARY = re.compile(r"t\d+\Z")
# The largest float, an even integer: Math.pow(b, ±MAX) is C's pow(b, ±inf) for every b.
_MAX = repr(1.7976931348623157e308)


class JavascriptError(ValueError):
    """The tree cannot be compiled to allowlisted JavaScript, or code failed the allowlist."""


@dataclass(frozen=True)
class JsFunctions:
    """JavaScript for one formula, as plain data (strings and a flag; `dataclasses.asdict` works).

    value, fx, fy, fxx, fxy, fyy: expressions in x and y (the raw formulas: no NaN rules, and no
    shared subexpressions, so they can be ten times the size of a body: send the bodies).
    value_body, first_order_body, second_order_body: function bodies of (x, y) returning
    [f], [f, fx, fy] and [f, fx, fy, fxx, fxy, fyy] with core's NaN rules; see `body`.
    masked: whether the derivatives are NaN wherever f is not finite (core: all but polynomials).
    parameters: the names the bodies take after x and y, in this order (core.Function.parameters):
    empty when compile_javascript bound their values into the code (its default).
    """

    value: str
    fx: str
    fy: str
    fxx: str
    fxy: str
    fyy: str
    value_body: str
    first_order_body: str
    second_order_body: str
    masked: bool
    parameters: list[str] = field(default_factory=list)  # a list: JSON reads back the same

    def body(self, order: int = 1) -> str:
        """The body of `new Function("x", "y", body)`: returns f and its derivatives up to
        `order` (0, 1 or 2), each NaN exactly where core's value is NaN."""
        bodies = (self.value_body, self.first_order_body, self.second_order_body)
        if order not in (0, 1, 2):
            raise ValueError(f"order is 0, 1 or 2, not {order!r}")
        return bodies[order]


# -- printing ----------------------------------------------------------------------------------


def _is_number(expr: sympy.Basic) -> bool:
    return bool(expr.is_number)  # a constant: no x, y or temporaries


def _close(a: str, b: str) -> str:
    """core.function's _close(a, b) on two atoms: false for NaN and infinities, as in numpy."""
    slack = f"{KINK_TOLERANCE!r}*(Math.abs({a}) + Math.abs({b})) + 1e-300"
    return f"Math.abs({a} - {b}) <= {slack}"


class _Printer(JavascriptCodePrinter):
    """SymPy's JavaScript printer with numpy's semantics (see the module docstring)."""

    def __init__(self, renamed: dict[sympy.Symbol, str] | None = None):
        super().__init__({"strict": True})
        self.renamed = renamed or {}  # SymPy's cse names (x0, x1, ...) -> our temporaries

    def _print_Symbol(self, expr):
        name = self.renamed.get(expr, expr.name)
        parameter = name in PARAMETERS and PARAMETERS[name] == expr
        if name not in VARIABLES and not TEMPORARY.match(name) and not parameter:
            raise JavascriptError(f"unexpected symbol {name!r}")
        return name

    def _print_Integer(self, expr):
        return str(expr.p) if abs(expr.p) <= 2**53 else repr(float(expr.p))

    def _print_Rational(self, expr):
        return repr(expr.p / expr.q)  # Python's int division is correctly rounded, as p/q in numpy

    def _print_Float(self, expr):
        return repr(float(str(expr)))  # the digits lambdify prints for numpy, read as a float

    def _print_ImaginaryUnit(self, expr):
        # Not in core's numeric forms (core.parse refuses (-2)^x; sec, csc, cot are reciprocals)
        raise JavascriptError("the tree holds a complex number, which has no JavaScript form")

    def _print_re(self, expr):
        return f"({self._print(expr.args[0])})"  # numpy.real of a float array is the array

    def _print_im(self, expr):
        return "0"  # numpy.imag of a float array is zeros (even where it is NaN)

    def _print_Pow(self, expr):
        base, exponent = expr.args
        if exponent == -1:
            return f"(1/{self.parenthesize(base, precedence(expr))})"
        if exponent == sympy.S.Half:
            return f"Math.sqrt({self._print(base)})"
        if exponent == -sympy.S.Half:
            return f"(1/Math.sqrt({self._print(base)}))"
        b, e = self._print(base), self._print(exponent)
        if _is_number(exponent):
            return f"Math.pow({b}, {e})"
        # A variable exponent can be ±Infinity or NaN, where JavaScript's pow(±1, e) is NaN and
        # C's is 1: pow(1, e) = 1 always, and clamping e to ±MAX makes pow(-1, ±inf) = 1.
        clamped = f"Math.min(Math.max({e}, -{_MAX}), {_MAX})"
        if not _is_number(base):
            return f"({b} === 1 ? 1 : Math.pow({b}, {clamped}))"
        if float(base) == 1:  # (SymPy makes 1^u 1, but a constant can round to 1.0)
            return "1"
        return f"Math.pow({b}, {clamped if float(base) == -1 else e})"

    def _print_KinkSide(self, expr):
        # numpy: where(u != 0, sign(u), where(du != 0, sign(du), sign(d2u)))
        u, du, d2u = expr.args
        if du.is_Number:  # usually: then the side is known here
            side = self._print(sympy.sign(du if du != 0 else d2u))
        else:
            du, d2u = self._print(du), self._print(d2u)
            side = f"({du} === 0 ? Math.sign({d2u}) : Math.sign({du}))"
        return f"({self._print(u)} === 0 ? {side} : Math.sign({self._print(u)}))"

    def _print_KinkValue(self, expr):
        # numpy: where(close(dr, dl) & close(gr, gl) & close(gr, g), dr, nan)
        dr, dl, gr, gl, g = (self._print(arg) for arg in expr.args)
        return (
            f"({_close(dr, dl)} ? ({_close(gr, gl)} ? ({_close(gr, g)} ? {dr} : NaN) : NaN) : NaN)"
        )


def _print(expr: sympy.Expr, renamed: dict[sympy.Symbol, str] | None = None) -> str:
    try:
        return _Printer(renamed).doprint(expr)
    except JavascriptError:
        raise
    except Exception as error:  # e.g. a SymPy function the printer does not know
        raise JavascriptError(
            f"cannot print {type(expr).__name__} as JavaScript: {error}"
        ) from None


def _repeated_args(expr: sympy.Basic) -> tuple[int, ...]:
    """Which arguments of `expr` the printer writes more than once (so the body evaluates them
    once, in a temporary)."""
    name = type(expr).__name__
    if name == "KinkSide":
        return (0, 1)
    if name == "KinkValue":
        return (0, 1, 2, 3, 4)
    if expr.is_Pow and not _is_number(expr.exp) and not _is_number(expr.base):
        return (0,)  # the guarded power: (b === 1 ? 1 : Math.pow(b, ...))
    return ()


def _hoist(expr, fresh: Callable[[], sympy.Symbol], lines: list[tuple[sympy.Symbol, sympy.Expr]]):
    """`expr` with every repeated argument that is not an atom in a temporary (in `lines`)."""
    if expr.is_Atom:
        return expr
    args = [_hoist(arg, fresh, lines) for arg in expr.args]
    for index in _repeated_args(expr):
        if not args[index].is_Atom:
            name = fresh()
            lines.append((name, args[index]))
            args[index] = name
    if tuple(args) != expr.args:
        expr = expr.func(*args, evaluate=False)
    return expr


def _block(exprs: list[sympy.Expr], names: Iterator[str]) -> tuple[list[str], list[str]]:
    """`const` statements computing `exprs` as lambdify(cse=len(exprs) > 1) computes them for
    numpy, and the temporaries holding the results. SymPy's cse with lambdify's own settings
    (names x0, x1, ... renamed only when printed) keeps numpy's subexpressions and sum order."""
    replacements, reduced = sympy.cse(exprs, list=False) if len(exprs) > 1 else ([], exprs)
    renamed = {symbol: next(names) for symbol, _ in replacements}

    def fresh() -> sympy.Symbol:
        return sympy.Symbol(next(names))

    lines: list[tuple[sympy.Symbol, sympy.Expr]] = []
    for symbol, value in replacements:
        lines.append((symbol, _hoist(value, fresh, lines)))
    results = []
    for value in reduced:
        value = _hoist(value, fresh, lines)
        if not value.is_Symbol:  # a temporary, x or y is used as it is
            symbol = fresh()
            lines.append((symbol, value))
            value = symbol
        results.append(_print(value, renamed))
    statements = [
        f"const {_print(name, renamed)} = {_print(value, renamed)};" for name, value in lines
    ]
    return statements, results


def _finite(v: str, mask: str | None = None) -> str:
    """v where it is finite (and `mask`, f's v - v, is 0: f is finite), else NaN."""
    # v - v is 0 for a finite v and NaN otherwise (Infinity - Infinity, NaN - NaN).
    return f"{mask} + {v} - {v} === 0 ? {v} : NaN" if mask else f"{v} - {v} === 0 ? {v} : NaN"


def _bodies(trees: list[sympy.Expr], masked: bool, parameters: tuple[str, ...] = ()) -> list[str]:
    """Checked function bodies returning [f], [f, fx, fy] and [f, fx, fy, fxx, fxy, fyy] with
    core's NaN rules, each block computed as core.Function computes it: f alone, the gradient with
    f (its mask) unless f is a polynomial, the Hessian likewise."""
    names = (f"t{n}" for n in range(10**9))
    value, gradient, hessian = trees[0], trees[1:3], trees[3:6]
    statements, (f,) = _block([value], names)
    returned = [_finite(f)]
    bodies = []
    for derivatives in ([], gradient, hessian):
        if derivatives:
            more, results = _block([value, *derivatives] if masked else derivatives, names)
            statements += more
            mask = None
            if masked:
                mask = next(names)
                statements.append(f"const {mask} = {results[0]} - {results[0]};")
                results = results[1:]
            returned += [_finite(d, mask) for d in results]
        body = "\n".join([*statements, f"return [{', '.join(returned)}];"])
        check_body(body, parameters)
        bodies.append(body)
    return bodies


def _expression(expr: sympy.Expr, parameters: tuple[str, ...] = ()) -> str:
    code = _print(expr)
    check_expression(code, parameters)
    return code


def compile_javascript(f: Function | str, bind: bool = True) -> JsFunctions:
    """Compile f's own SymPy trees (f, gradient, Hessian) to checked JavaScript.

    `f` is a core.Function (or text, which is parsed into one by core's parser). Raises
    JavascriptError if a tree holds something that has no allowlisted JavaScript form (a complex
    number); the caller then falls back to asking the server. Costs less than building the
    Function (SymPy's cse on trees that core's derivative size limit bounds): cache the result
    per function, as the numpy functions are.

    With parameters, the code is printed once per formula with the parameters as names. `bind`
    (the default) then writes f's values in their place, token by token, with no SymPy work, and
    checks the result again against the plain allowlist (numbers, x, y): the bodies take (x, y)
    as before. With bind=False the bodies take (x, y, *js.parameters) and the values are the
    caller's to pass (a sweep that plays in the browser)."""
    if isinstance(f, str):
        f = Function(f)
    js = _parametric(f.text)
    if not (bind and js.parameters):
        return js
    values = f.values
    return JsFunctions(
        value=_bound(js.value, values, check_expression),
        fx=_bound(js.fx, values, check_expression),
        fy=_bound(js.fy, values, check_expression),
        fxx=_bound(js.fxx, values, check_expression),
        fxy=_bound(js.fxy, values, check_expression),
        fyy=_bound(js.fyy, values, check_expression),
        value_body=_bound(js.value_body, values, check_body),
        first_order_body=_bound(js.first_order_body, values, check_body),
        second_order_body=_bound(js.second_order_body, values, check_body),
        masked=js.masked,
    )


@functools.lru_cache(maxsize=64)
def _parametric(text: str) -> JsFunctions:
    """The code for one formula, parameters as names (cached: binding values costs no SymPy).

    Printed in the symbolic worker (core._worker): for a large formula SymPy's cse and printers
    take a good part of a second, which in the server's own process would hold the interpreter
    that every other session's run shares."""
    f = Function(text)
    numeric = f.numeric_forms()  # the very trees numpy evaluates: f, fx, fy, fxx, fxy, fyy
    masked = not is_polynomial(f.expr)
    try:
        return shared_worker().run(
            "javascript", list(numeric), masked, tuple(f.parameters), timeout=TIMEOUT_SECONDS
        )
    except ExpressionError as error:  # out of time or room: the browser asks the server instead
        raise JavascriptError(f"no JavaScript for this formula: {error.message}") from None


def javascript_of(numeric: list[sympy.Expr], masked: bool, parameters: tuple[str, ...]):
    """The checked JavaScript of f's numeric forms (f, fx, fy, fxx, fxy, fyy): the worker's task."""
    value, fx, fy, fxx, fxy, fyy = (_expression(tree, parameters) for tree in numeric)
    value_body, first_order_body, second_order_body = _bodies(numeric, masked, parameters)
    return JsFunctions(
        value=value,
        fx=fx,
        fy=fy,
        fxx=fxx,
        fxy=fxy,
        fyy=fyy,
        value_body=value_body,
        first_order_body=first_order_body,
        second_order_body=second_order_body,
        masked=masked,
        parameters=list(parameters),
    )


def _bound(code: str, values: dict[str, float], check: Callable[[str], None]) -> str:
    """`code` with each parameter name replaced by its value in brackets, checked again with no
    parameter allowed: what reaches the browser is numbers, x, y and the allowlist only."""
    if not values:
        return code
    names = "|".join(sorted(map(re.escape, values), key=len, reverse=True))
    # A whole name only: not inside Math.abs, t0 or 1e-300 (no letter, digit, $ or . around it).
    pattern = re.compile(rf"(?<![\w$.])({names})(?![\w$])", re.ASCII)
    bound = pattern.sub(lambda match: f"({values[match.group(1)]!r})", code)
    check(bound)
    return bound


# -- the allowlist -----------------------------------------------------------------------------

_TOKEN = re.compile(
    r"""(?P<space>[ \n]+)
    |(?P<number>(?:\d+\.\d*|\.\d+|\d+)(?:e[+-]?\d+)?)(?![\w$.])
    |(?P<name>[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*)
    |(?P<op>===|<=|[-+*/(),?:;=\[\]])""",
    re.VERBOSE | re.ASCII,
)
_KEYWORDS = frozenset({"const", "return"})


def tokenize(code: str, parameters: Iterable[str] = ()) -> list[tuple[str, str]]:
    """(kind, text) tokens of generated code; refuses any character or name off the allowlist
    (x, y, the given `parameters`, temporaries, allowlisted Math members, NaN, const, return)."""
    parameters = _checked_parameters(parameters)
    if not isinstance(code, str):
        raise JavascriptError("code must be a string")
    for doubled in ("--", "++"):
        if doubled in code:
            raise JavascriptError(f"{doubled!r} is not allowed")
    if re.search(r"[^;]\n|\n\n", code):  # a line ends only after a statement: no ASI surprises
        raise JavascriptError("a line break is allowed only after ';'")
    tokens = []
    position = 0
    while position < len(code):
        match = _TOKEN.match(code, position)
        if match is None:
            raise JavascriptError(f"{code[position]!r} at {position} is not allowed")
        kind, text = match.lastgroup, match.group()
        position = match.end()
        if kind == "space":
            continue
        if kind == "name" and not _allowed_name(text, parameters):
            raise JavascriptError(f"the name {text!r} is not allowed")
        if kind == "number" and re.match(r"0\d", text):  # 010 is 8 in sloppy mode
            raise JavascriptError(f"the number {text!r} is not allowed (a leading zero)")
        tokens.append((kind, text))
    return tokens


def _allowed_name(name: str, parameters: frozenset[str] = frozenset()) -> bool:
    if "." in name:
        owner, _, member = name.partition(".")
        return owner == "Math" and (member in MATH_FUNCTIONS or member in MATH_CONSTANTS)
    if name in parameters:
        return True
    return name in VARIABLES or name in _KEYWORDS or name == "NaN" or bool(TEMPORARY.match(name))


class _Grammar:
    """Recursive descent over allowlisted tokens: refuses anything that is not an expression
    (or a body of `const` statements and one `return [...]`) built from them."""

    def __init__(self, code: str, parameters: Iterable[str] = ()):
        self.parameters = _checked_parameters(parameters)
        self.tokens = tokenize(code, self.parameters)
        self.position = 0
        self.defined: set[str] = set()

    def peek(self) -> str | None:
        return self.tokens[self.position][1] if self.position < len(self.tokens) else None

    def take(self, expected: str | Callable[[str], bool] | None = None) -> str:
        text = self.peek()
        ok = text is not None and (
            expected is None or (expected(text) if callable(expected) else text == expected)
        )
        if not ok:
            raise JavascriptError(f"unexpected {text!r} at token {self.position}")
        self.position += 1
        return text

    def end(self) -> None:
        if self.peek() is not None:
            raise JavascriptError(f"unexpected {self.peek()!r} at token {self.position}")

    def body(self) -> None:
        while self.peek() == "const":
            self.take()
            name = self.take(lambda t: bool(TEMPORARY.match(t)) and t not in self.defined)
            self.take("=")
            self.expression()
            self.take(";")
            self.defined.add(name)
        self.take("return")
        self.take("[")
        self.expression()
        while self.peek() == ",":
            self.take()
            self.expression()
        self.take("]")
        self.take(";")
        self.end()

    def expression(self) -> None:
        self.comparison()
        if self.peek() == "?":
            self.take()
            self.expression()
            self.take(":")
            self.expression()

    def comparison(self) -> None:
        self.additive()
        if self.peek() in ("===", "<="):
            self.take()
            self.additive()

    def additive(self) -> None:
        self.term()
        while self.peek() in ("+", "-"):
            self.take()
            self.term()

    def term(self) -> None:
        self.factor()
        while self.peek() in ("*", "/"):
            self.take()
            self.factor()

    def factor(self) -> None:
        while self.peek() in ("+", "-"):
            self.take()
        kind = self.tokens[self.position][0] if self.position < len(self.tokens) else None
        text = self.take()
        if text in self.parameters and kind == "name":
            return
        if kind == "number" or text in VARIABLES or text == "NaN" or text in self.defined:
            return
        if text == "(":
            self.expression()
            self.take(")")
            return
        owner, _, member = text.partition(".")
        if owner == "Math" and member in MATH_CONSTANTS:
            return
        if owner == "Math" and member in MATH_FUNCTIONS:
            self.take("(")
            self.expression()
            for _ in range(MATH_FUNCTIONS[member] - 1):
                self.take(",")
                self.expression()
            self.take(")")
            return
        raise JavascriptError(f"unexpected {text!r} at token {self.position - 1}")


def _checked_parameters(parameters: Iterable[str]) -> frozenset[str]:
    """Only core's own parameter names (core.parse.PARAMETERS) may be allowed as arguments."""
    names = frozenset(parameters)
    for name in names:
        if name not in PARAMETERS:
            raise JavascriptError(f"{name!r} is not a parameter name")
    return names


def check_expression(code: str, parameters: Iterable[str] = ()) -> None:
    """Raise JavascriptError unless `code` is an allowlisted expression in x, y and the given
    parameter names."""
    if "\n" in code:
        raise JavascriptError("an expression is one line")
    grammar = _Grammar(code, parameters)
    grammar.expression()
    grammar.end()


def check_body(code: str, parameters: Iterable[str] = ()) -> None:
    """Raise JavascriptError unless `code` is an allowlisted function body: `const t<n> = e;`
    statements (each temporary defined once, before use) and one `return [e, ...];`."""
    _Grammar(code, parameters).body()
