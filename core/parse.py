"""A small, safe expression language for f(x, y).

User text is hostile: it never reaches eval, exec, sympify or parse_expr. A hand-written lexer and
recursive-descent parser build a tiny syntax tree (`Node`) from an allowlist of names, checking
every limit before any real work: input length, token count, nesting depth, and the size of constant
subexpressions (so `9^9^9^9` is refused before anything tries to compute it). `to_sympy` then turns
the checked tree into a SymPy expression in the real symbols X and Y.

As students type: |u| is abs(u); log10, log2 and cbrt (the real cube root: x^(1/3) is undefined
for x < 0) are functions; a run of letters that splits into known names is read as Desmos and
GeoGebra read it (xy is x*y, pix is pi*x, sinx is sin(x), sinx^2 is sin(x^2)); a run that does
not split (sinz) is refused with a hint.

Parameters (issue 13): the single letters a b c d k m n p q r s t u v w and the Greek names alpha
beta gamma lambda mu sigma omega theta stand for numbers a person sets with a slider. x, y and e
are never parameters, and f g h i j l o z are not either (so `if`, `os`, `import` stay refused).
How a run of letters reads with them, in order:

1. A whole run that is a known name is that name: `mu`, `beta`, `exp`, `asin`, `pi`.
2. Otherwise it splits into the fewest known names: `ax` is a*x, `asinx` is asin(x) (two names)
   rather than a*sin(x) (three), `mux` is mu*x, `cost` is cos(t). A function or constant therefore
   always wins over spelling it out as parameters.
3. Two parameters may not touch inside a run: `ab`, `and`, `vars` are refused with the hint
   "a*b"; write `a b` or `a*b`. That keeps English words (and Python's `and`) from reading as
   products, and makes `mu` unambiguous (never m*u).
A parameter is a number, never a function: `a(x + 1)` is a*(x + 1), and so is `gamma(x)`.
"""

from __future__ import annotations

import difflib
import itertools
import math
import unicodedata
from dataclasses import dataclass

import sympy

X = sympy.Symbol("x", real=True)
Y = sympy.Symbol("y", real=True)

MAX_LENGTH = 500
MAX_TOKENS = 250
MAX_DEPTH = 40
MAX_NUMBER_CHARS = 40
# Every constant subexpression must stay within float64's comfortable range.
MAX_LOG10 = 300.0

VARIABLES = {"x": X, "y": Y}
PARAMETER_LETTERS = tuple("abcdkmnpqrstuvw")
GREEK_PARAMETERS = ("alpha", "beta", "gamma", "lambda", "mu", "sigma", "omega", "theta")
# Real, like x and y: a parameter is a number on a slider.
PARAMETER_NAMES = PARAMETER_LETTERS + GREEK_PARAMETERS
PARAMETERS = {name: sympy.Symbol(name, real=True) for name in PARAMETER_NAMES}
CONSTANTS = {"pi": sympy.pi, "e": sympy.E}
# name -> (sympy function, float function used to size constant arguments, number of arguments)
FUNCTIONS = {
    "sin": (sympy.sin, math.sin, 1),
    "cos": (sympy.cos, math.cos, 1),
    "tan": (sympy.tan, math.tan, 1),
    "sec": (sympy.sec, lambda t: 1 / math.cos(t), 1),
    "csc": (sympy.csc, lambda t: 1 / math.sin(t), 1),
    "cot": (sympy.cot, lambda t: 1 / math.tan(t), 1),
    "asin": (sympy.asin, math.asin, 1),
    "acos": (sympy.acos, math.acos, 1),
    "atan": (sympy.atan, math.atan, 1),
    "atan2": (sympy.atan2, math.atan2, 2),
    "sinh": (sympy.sinh, math.sinh, 1),
    "cosh": (sympy.cosh, math.cosh, 1),
    "tanh": (sympy.tanh, math.tanh, 1),
    "asinh": (sympy.asinh, math.asinh, 1),
    "acosh": (sympy.acosh, math.acosh, 1),
    "atanh": (sympy.atanh, math.atanh, 1),
    "exp": (sympy.exp, math.exp, 1),
    "log": (sympy.log, math.log, 1),
    "sqrt": (sympy.sqrt, math.sqrt, 1),
    "abs": (sympy.Abs, abs, 1),
    "log10": (lambda u: sympy.log(u, 10), math.log10, 1),
    "log2": (lambda u: sympy.log(u, 2), math.log2, 1),
    # The real cube root, also of negative numbers (x^(1/3) is undefined for x < 0).
    "cbrt": (lambda u: sympy.sign(u) * sympy.Abs(u) ** sympy.Rational(1, 3), math.cbrt, 1),
    "sign": (sympy.sign, lambda t: math.copysign(1.0, t) if t else 0.0, 1),
}
ALIASES = {"ln": "log", "arcsin": "asin", "arccos": "acos", "arctan": "atan", "arctan2": "atan2"}
KNOWN_NAMES = {*VARIABLES, *PARAMETERS, *CONSTANTS, *FUNCTIONS, *ALIASES}

# Friendly characters people paste from textbooks, mapped one by one (never NFKC: that would
# turn fullwidth letters into `__import__`).
FRIENDLY = {"\u2212": "-", "\u00d7": "*", "\u00b7": "*", "\u00f7": "/", "\u03c0": "pi"}
SUPERSCRIPTS = {"\u00b2": "2", "\u00b3": "3"}
OPERATORS = set("+-*/^(),|")
WHITESPACE = set(" \t\r\n\u00a0")


class ExpressionError(ValueError):
    """A formula that cannot be used, with where (1-based column) and why, in plain words."""

    def __init__(self, message: str, column: int | None = None, text: str = "", hint: str = ""):
        self.message = message
        self.column = column
        self.text = text
        self.hint = hint
        super().__init__(str(self))

    def __str__(self) -> str:
        parts = [self.message]
        if self.hint:
            parts.append(self.hint)
        return " ".join(parts)

    @property
    def caret(self) -> str:
        """The input on one line and a caret under the offending character on the next."""
        if self.column is None or not self.text or len(self.text) > 120:
            return ""
        shown = "".join(ch if ch.isprintable() else " " for ch in self.text)
        # East Asian wide characters take two cells in a monospace font.
        width = sum(
            2 if unicodedata.east_asian_width(ch) in "FW" else 1 for ch in shown[: self.column - 1]
        )
        return f"{shown}\n{' ' * width}^"

    def __reduce__(self):
        return (ExpressionError, (self.message, self.column, self.text, self.hint))


@dataclass(frozen=True)
class Token:
    kind: str  # "number", "name", "op", "end"
    text: str
    column: int  # 1-based, in characters of the original input


@dataclass(frozen=True)
class Node:
    """A checked syntax tree node. `value` is the float value of a constant subtree, else None."""

    kind: str  # "number", "name", "neg", "add", "sub", "mul", "div", "pow", "call"
    column: int
    args: tuple = ()
    name: str = ""
    number: sympy.Rational | None = None
    value: float | None = None


def _character_error(text: str, index: int) -> ExpressionError:
    ch = text[index]
    name = unicodedata.name(ch, "control character")
    shown = repr(ch)[1:-1] if not ch.isprintable() else ch
    hint = ""
    folded = unicodedata.normalize("NFKC", ch)
    if folded != ch and folded.isascii() and folded.isprintable():
        hint = f"Type the plain character '{folded}' instead."
    elif ch == "=":
        hint = "Type only the right-hand side, e.g. x^2 + y^2 rather than z = x^2 + y^2."
    elif ch in "[]{}":
        hint = "Use round brackets ( ) for grouping."
    return ExpressionError(
        f"The character “{shown}” (U+{ord(ch):04X} {name}) is not allowed.", index + 1, text, hint
    )


def _number_token(text: str, start: int) -> tuple[Token, int]:
    i = start
    n = len(text)
    while i < n and text[i].isdigit() and text[i].isascii():
        i += 1
    if i < n and text[i] == ".":
        i += 1
        while i < n and text[i].isdigit() and text[i].isascii():
            i += 1
    if i < n and text[i] in "eE":
        j = i + 1
        if j < n and text[j] in "+-":
            j += 1
        if j < n and text[j].isdigit() and text[j].isascii():
            while j < n and text[j].isdigit() and text[j].isascii():
                j += 1
            i = j
    if i < n and text[i] == "." and "." in text[start:i]:
        raise ExpressionError("A number can have only one '.'.", i + 1, text)
    if i - start > MAX_NUMBER_CHARS:
        raise ExpressionError(
            f"This number is too long ({i - start} characters; the limit is {MAX_NUMBER_CHARS}).",
            start + 1,
            text,
        )
    return Token("number", text[start:i], start + 1), i


def tokenize(text: str) -> list[Token]:
    """Split the input into tokens, refusing any character outside the allowlist by name."""
    tokens: list[Token] = []
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch in WHITESPACE:
            i += 1
            continue
        if ch.isascii() and (ch.isdigit() or (ch == "." and i + 1 < n and text[i + 1].isdigit())):
            token, i = _number_token(text, i)
            tokens.append(token)
        elif ch.isascii() and (ch.isalpha() or ch == "_"):
            j = i
            while j < n and text[j].isascii() and (text[j].isalnum() or text[j] == "_"):
                j += 1
            tokens.append(Token("name", text[i:j], i + 1))
            i = j
        elif ch == "*" and text.startswith("**", i):
            tokens.append(Token("op", "^", i + 1))
            i += 2
        elif ch in OPERATORS:
            tokens.append(Token("op", ch, i + 1))
            i += 1
        elif ch in FRIENDLY:
            mapped = FRIENDLY[ch]
            tokens.append(Token("name" if mapped.isalpha() else "op", mapped, i + 1))
            i += 1
        elif ch in SUPERSCRIPTS:
            tokens.append(Token("op", "^", i + 1))
            tokens.append(Token("number", SUPERSCRIPTS[ch], i + 1))
            i += 1
        elif ch == ".":
            raise ExpressionError(
                "A '.' may only appear inside a number, like 0.5.",
                i + 1,
                text,
                "Attribute access and methods are not part of the formula language.",
            )
        else:
            raise _character_error(text, i)
        if len(tokens) > MAX_TOKENS:
            raise ExpressionError(
                f"The formula has too many parts (more than {MAX_TOKENS} tokens).", i, text
            )
    tokens.append(Token("end", "", n + 1))
    return tokens


def _split_name(name: str, adjacent_parameters: bool = False) -> list[str] | None:
    """Split an unknown run of letters into known names, fewest pieces first (`xsiny`). Two
    parameters side by side are not a reading (`ab`, `and`) unless `adjacent_parameters` (for a
    hint only). A tie between equally short readings goes to the one not ending in a parameter."""
    # best[(end, ends with a parameter)]: the shortest reading of name[:end] of that kind
    best: dict[tuple[int, bool], list[str]] = {(0, False): []}
    pieces = sorted(KNOWN_NAMES, key=len, reverse=True)

    def offer(end: int, piece: str, before: list[str], after_parameter: bool) -> None:
        parameter = piece in PARAMETERS
        if parameter and after_parameter and not adjacent_parameters:
            return
        key = (end, parameter)
        candidate = [*before, piece]
        if key not in best or len(candidate) < len(best[key]):
            best[key] = candidate

    for start in range(len(name)):
        for after_parameter in (False, True):
            before = best.get((start, after_parameter))
            if before is None:
                continue
            for piece in pieces:
                if name.startswith(piece, start):
                    offer(start + len(piece), piece, before, after_parameter)
            if name[start].isdigit():
                end = start
                while end < len(name) and name[end].isdigit():
                    end += 1
                offer(end, name[start:end], before, after_parameter)
    readings = [best[key] for key in ((len(name), False), (len(name), True)) if key in best]
    return min(readings, key=len) if readings else None


def _adjacent_parameters(pieces: list[str]) -> bool:
    return any(a in PARAMETERS and b in PARAMETERS for a, b in itertools.pairwise(pieces))


def _render_split(pieces: list[str]) -> str:
    for k, piece in enumerate(pieces):
        if piece in FUNCTIONS or piece in ALIASES:
            inner = _render_split(pieces[k + 1 :]) or "x"
            return "*".join([*pieces[:k], f"{piece}({inner})"])
    return "*".join(pieces)


def _unknown_name_hint(name: str) -> str:
    if name.lower() in KNOWN_NAMES:
        return f"Did you mean {name.lower()}? Names are lower-case."
    pieces = _split_name(name)
    if pieces and len(pieces) > 1:
        if pieces[-1].isdigit() and len(pieces) == 2 and pieces[0] not in FUNCTIONS:
            return f"Did you mean {pieces[0]}^{pieces[1]} or {pieces[0]}*{pieces[1]}?"
        return f"Did you mean {_render_split(pieces)}?"
    longer = sorted(KNOWN_NAMES - set(PARAMETER_LETTERS))  # a single letter is close to anything
    close = difflib.get_close_matches(name, longer, n=2, cutoff=0.75)
    touching = _split_name(name, adjacent_parameters=True)
    if touching and _adjacent_parameters(touching):
        side_by_side = (
            "Parameters written side by side need a space or a * between them: "
            f"{_render_split(touching)}."
        )
        if close:
            return f"{side_by_side} Or did you mean {' or '.join(close)}?"
        return side_by_side
    if close:
        return f"Did you mean {' or '.join(close)}?"
    return (
        "Allowed: the variables x and y, the parameters "
        + " ".join(PARAMETER_LETTERS + GREEK_PARAMETERS)
        + ", the constants pi and e, and the functions "
        + ", ".join(FUNCTIONS)
        + " (ln is log)."
    )


class _Parser:
    """Recursive descent with precedence: sum < product (incl. implicit) < unary minus < power."""

    def __init__(self, text: str, tokens: list[Token]):
        self.text = text
        self.tokens = tokens
        self.position = 0
        self.depth = 0
        self.bars = 0  # how many |...| are open: inside one, a '|' closes it
        self.split_pieces = 0  # extra tokens from runs of letters read as several names

    # -- helpers -------------------------------------------------------------------------------
    @property
    def current(self) -> Token:
        return self.tokens[self.position]

    def advance(self) -> Token:
        token = self.tokens[self.position]
        self.position += 1
        return token

    def error(self, message: str, column: int, hint: str = "") -> ExpressionError:
        return ExpressionError(message, column, self.text, hint)

    def expect(self, op: str, opened_at: Token | None = None) -> Token:
        token = self.current
        if token.kind == "op" and token.text == op:
            return self.advance()
        if token.kind == "op" and token.text == ",":
            raise self.error("A ',' may only separate the arguments of atan2(y, x).", token.column)
        if opened_at is not None and op == ")":
            where = "the end" if token.kind == "end" else f"'{token.text}'"
            raise self.error(
                f"A bracket opened here is never closed (found {where} instead of ')').",
                opened_at.column,
                "Add the missing ')'.",
            )
        found = "the end of the formula" if token.kind == "end" else f"'{token.text}'"
        raise self.error(f"Expected '{op}' but found {found}.", token.column)

    def enter(self, column: int) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(f"The formula is nested too deeply (over {MAX_DEPTH} levels).", column)

    def starts_operand(self, token: Token) -> bool:
        if token.kind == "op" and token.text == "|":
            return self.bars == 0  # |x| |y| is a product; inside |x ...| a bar closes
        return token.kind in ("number", "name") or (token.kind == "op" and token.text == "(")

    # -- grammar -------------------------------------------------------------------------------
    def parse(self) -> Node:
        if self.current.kind == "end":
            raise self.error("The formula is empty.", 1, "Type something like x^2 y + y^3.")
        node = self.sum()
        token = self.current
        if token.kind != "end":
            if token.text == ")":
                raise self.error("This ')' has no matching '('.", token.column)
            if token.text == ",":
                raise self.error(
                    "A ',' may only separate the arguments of atan2(y, x).", token.column
                )
            raise self.error(f"Unexpected '{token.text}'.", token.column)
        return node

    def sum(self) -> Node:
        node = self.product()
        while self.current.kind == "op" and self.current.text in "+-":
            op = self.advance()
            right = self.product()
            node = _combine("add" if op.text == "+" else "sub", op, node, right, self.text)
        return node

    def product(self) -> Node:
        node = self.unary()
        while True:
            token = self.current
            if token.kind == "op" and token.text in "*/":
                self.advance()
                right = self.unary()
                node = _combine(
                    "mul" if token.text == "*" else "div", token, node, right, self.text
                )
            elif self.starts_operand(token):
                if node.kind == "number" and token.kind == "number":
                    raise self.error(
                        "Two numbers in a row.",
                        token.column,
                        f"Did you mean {self.tokens[self.position - 1].text}*{token.text}?",
                    )
                right = self.power()
                node = _combine("mul", token, node, right, self.text)
            else:
                return node

    def unary(self) -> Node:
        """A signed operand; also an exponent, so 2^-x and x^-1 work and -x^2 is -(x^2)."""
        token = self.current
        if token.kind == "op" and token.text in "+-":
            self.advance()
            self.enter(token.column)
            operand = self.unary()
            self.depth -= 1
            return operand if token.text == "+" else _negate(token, operand)
        return self.power()

    def power(self) -> Node:
        base = self.primary()
        token = self.current
        if token.kind == "op" and token.text == "^":
            self.advance()
            self.enter(token.column)
            exponent = self.unary()
            self.depth -= 1
            return _combine("pow", token, base, exponent, self.text)
        return base

    def primary(self) -> Node:
        token = self.current
        if token.kind == "number":
            self.advance()
            return _number(token, self.text)
        if token.kind == "name":
            self.advance()
            return self.name(token)
        if token.kind == "op" and token.text == "(":
            self.advance()
            self.enter(token.column)
            node = self.sum()
            self.expect(")", opened_at=token)
            self.depth -= 1
            return node
        if token.kind == "op" and token.text == "|":
            return self.absolute(token)
        if token.kind == "end":
            raise self.error("The formula ends too early: something is missing here.", token.column)
        if token.text == ")":
            raise self.error("Expected a number, a name or '(' before ')'.", token.column)
        raise self.error(
            f"Expected a number, a name or '(' but found '{token.text}'.", token.column
        )

    def absolute(self, opening: Token) -> Node:
        """|u| is abs(u)."""
        self.advance()
        self.enter(opening.column)
        self.bars += 1
        inside = self.sum()
        self.bars -= 1
        closing = self.current
        if not (closing.kind == "op" and closing.text == "|"):
            where = "the end" if closing.kind == "end" else f"'{closing.text}'"
            raise self.error(
                f"An absolute value |...| opened here is never closed (found {where}).",
                opening.column,
                "Add the missing '|', or write abs(...).",
            )
        self.advance()
        self.depth -= 1
        return _call("abs", opening, [inside], self.text)

    def name(self, token: Token) -> Node:
        name = ALIASES.get(token.text, token.text)
        if name in VARIABLES or name in CONSTANTS or name in PARAMETERS:
            return _name(name, token.column)
        if name not in FUNCTIONS:
            pieces = _split_name(token.text)
            if pieces and len(pieces) > 1 and not any(piece.isdigit() for piece in pieces):
                return self.implicit(token, pieces)
            raise self.error(
                f"'{token.text}' is not a name this calculator knows.",
                token.column,
                _unknown_name_hint(token.text),
            )
        return self.call(token, name)

    def implicit(self, token: Token, pieces: list[str]) -> Node:
        """A run of letters that splits into known names, read as Desmos and GeoGebra do: xy is
        x*y, pix is pi*x, sinx is sin(x), sinxy is sin(x*y), xsiny is x*sin(y), sinxcosy is
        sin(x)*cos(y). A power binds to the last name, as in writing: xy^2 is x*y^2 and sinx^2
        is sin(x^2). A function name at the end takes the brackets that follow (xsin(y))."""
        # Each piece is a token of its own: the token limit counts them (x repeated 400 times
        # is x^400 to Desmos, and 400 parts to the limits).
        self.split_pieces += len(pieces) - 1
        if len(self.tokens) - 1 + self.split_pieces > MAX_TOKENS:
            raise self.error(
                f"The formula has too many parts (more than {MAX_TOKENS} tokens, counting "
                f"'{token.text[:20]}{'...' if len(token.text) > 20 else ''}' as "
                f"{len(pieces)} names).",
                token.column,
            )
        names = [ALIASES.get(piece, piece) for piece in pieces]
        atoms = [None if n in FUNCTIONS else _name(n, token.column) for n in names]
        if atoms[-1] is not None and self.current.kind == "op" and self.current.text == "^":
            caret = self.advance()
            self.enter(caret.column)
            exponent = self.unary()
            self.depth -= 1
            atoms[-1] = _combine("pow", caret, atoms[-1], exponent, self.text)

        def product(nodes: list[Node]) -> Node:
            node = nodes[0]
            for other in nodes[1:]:
                node = _combine("mul", token, node, other, self.text)
            return node

        def factor(k: int) -> tuple[Node, int]:
            """The factor that starts at piece k, and where the next one starts."""
            if atoms[k] is not None:
                return atoms[k], k + 1
            name = names[k]
            if k == len(names) - 1:
                return self.call(token, name), k + 1  # xsin(y): the brackets follow
            if FUNCTIONS[name][2] != 1:
                raise self.error(
                    f"'{token.text}' reads as {name} without brackets.",
                    token.column,
                    f"Write {name}(...) with its arguments in brackets.",
                )
            end = k + 1
            while end < len(names) and atoms[end] is not None:
                end += 1
            if end == k + 1:  # sincosx: the argument is the next function's factor
                argument, end = factor(k + 1)
            else:
                argument = product(atoms[k + 1 : end])
            return _call(name, token, [argument], self.text), end

        factors, k = [], 0
        while k < len(names):
            node, k = factor(k)
            factors.append(node)
        return product(factors)

    def call(self, token: Token, name: str) -> Node:
        power_of_result = None
        if self.current.kind == "op" and self.current.text == "^":
            # sin^2(x) means sin(x)^2; sin^-1(x) is ambiguous, so it is refused below.
            caret = self.advance()
            power_of_result = (caret, self.unary())
        opening = self.current
        if not (opening.kind == "op" and opening.text == "("):
            argument = opening.text if opening.kind in ("name", "number") else "x"
            raise self.error(
                f"{token.text} needs brackets around its argument.",
                opening.column,
                f"Did you mean {token.text}({argument})?",
            )
        self.advance()
        self.enter(opening.column)
        args = [self.sum()]
        while self.current.kind == "op" and self.current.text == ",":
            self.advance()
            args.append(self.sum())
        self.expect(")", opened_at=opening)
        self.depth -= 1
        arity = FUNCTIONS[name][2]
        if len(args) != arity:
            expected = "two arguments, as in atan2(y, x)" if arity == 2 else "one argument"
            raise self.error(f"{token.text} takes {expected}; got {len(args)}.", token.column)
        node = _call(name, token, args, self.text)
        if power_of_result is not None:
            caret, exponent = power_of_result
            if exponent.value is not None and exponent.value < 0:
                raise self.error(
                    f"{token.text}^-1(...) is ambiguous.",
                    caret.column,
                    f"For the inverse function write a{name}(...) ; for 1/{name} write "
                    f"{name}(...)^-1.",
                )
            node = _combine("pow", caret, node, exponent, self.text)
        return node


# -- constant sizing: refuse huge constants before anything computes them ----------------------


def _too_big(token: Token, text: str) -> ExpressionError:
    return ExpressionError(
        "This part of the formula makes a number too large to compute with (beyond 1e300).",
        token.column,
        text,
    )


def _number(token: Token, text: str) -> Node:
    mantissa, _, exponent_text = token.text.lower().partition("e")
    whole, _, fraction = mantissa.partition(".")
    digits = (whole + fraction).lstrip("0") or "0"
    exponent = int(exponent_text) if exponent_text else 0
    if digits != "0":
        # position of the leading digit relative to the decimal point
        log10 = (
            len(whole.lstrip("0")) - 1
            if whole.lstrip("0")
            else -(len(fraction) - len(fraction.lstrip("0")) + 1)
        )
        log10 += exponent
        if log10 > MAX_LOG10:
            raise _too_big(token, text)
        if log10 < -MAX_LOG10:
            raise ExpressionError(
                "This number is too small to compute with (below 1e-300).", token.column, text
            )
    scale = exponent - len(fraction)
    integer = int(whole + fraction or "0")
    number = (
        sympy.Integer(integer) * sympy.Integer(10) ** scale
        if scale >= 0
        else sympy.Rational(integer, 10**-scale)
    )
    return Node("number", token.column, number=number, value=float(number))


def _checked(value: float, token: Token, text: str) -> float:
    if math.isinf(value) or (value != 0 and abs(math.log10(abs(value))) > MAX_LOG10):
        if value != 0 and math.log10(abs(value)) < 0:
            return 0.0  # underflow of a constant is harmless: it is simply tiny
        raise _too_big(token, text)
    return value


def _name(name: str, column: int) -> Node:
    value = float(CONSTANTS[name]) if name in CONSTANTS else None
    return Node("name", column, name=name, value=value)


def _negate(token: Token, operand: Node) -> Node:
    value = -operand.value if operand.value is not None else None
    return Node("neg", token.column, (operand,), value=value)


def _combine(kind: str, token: Token, left: Node, right: Node, text: str) -> Node:
    a, b = left.value, right.value
    if b is not None and b == 0 and kind == "div":
        raise ExpressionError("Division by zero.", token.column, text)
    if a is None or b is None:
        return Node(kind, token.column, (left, right))
    try:
        if kind == "add":
            value = a + b
        elif kind == "sub":
            value = a - b
        elif kind == "mul":
            value = a * b
        elif kind == "div":
            value = a / b
        else:
            value = _constant_power(a, b, token, text)
    except OverflowError:
        raise _too_big(token, text) from None
    return Node(kind, token.column, (left, right), value=_checked(value, token, text))


def _constant_power(a: float, b: float, token: Token, text: str) -> float:
    if a == 0:
        if b < 0:
            raise ExpressionError(
                "0 to a negative power is a division by zero.", token.column, text
            )
        return 0.0 if b > 0 else 1.0
    if a < 0 and b != int(b):
        raise ExpressionError(
            "A negative number to a fractional power is not a real number.",
            token.column,
            text,
            "Use a whole-number exponent, or make the base positive.",
        )
    if b * math.log10(abs(a)) > MAX_LOG10:
        raise _too_big(token, text)
    if b * math.log10(abs(a)) < -MAX_LOG10:
        return 0.0
    return math.pow(a, b)


def _call(name: str, token: Token, args: list[Node], text: str) -> Node:
    values = [arg.value for arg in args]
    if any(value is None for value in values):
        return Node("call", token.column, tuple(args), name=name)
    try:
        value = FUNCTIONS[name][1](*values)
    except OverflowError:
        raise _too_big(token, text) from None
    except (ValueError, ZeroDivisionError):
        raise ExpressionError(
            f"{name} is undefined (or not a real number) at this constant argument.",
            token.column,
            text,
        ) from None
    return Node("call", token.column, tuple(args), name=name, value=_checked(value, token, text))


def parse(text: str) -> Node:
    """Check `text` against every limit and return its syntax tree; raise ExpressionError."""
    if not isinstance(text, str):
        raise ExpressionError("The formula must be text.")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(
            f"The formula is too long ({len(text)} characters; the limit is {MAX_LENGTH}).",
            MAX_LENGTH + 1,
            text[:MAX_LENGTH],
        )
    return _Parser(text, tokenize(text)).parse()


# -- from the checked tree to SymPy -----------------------------------------------------------

_BINARY = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
    "pow": lambda a, b: a**b,
}


def to_sympy(node: Node, text: str = "") -> sympy.Expr:
    """Build the SymPy expression of a checked tree; refuse results that are not real numbers."""
    if node.kind == "number":
        return node.number
    if node.kind == "name":
        return VARIABLES.get(node.name) or PARAMETERS.get(node.name) or CONSTANTS[node.name]
    if node.kind in ("mul", "div"):
        return _checked_sympy(sympy.Mul(*_factors(node, text)), node, text)
    args = [to_sympy(arg, text) for arg in node.args]
    if node.kind == "neg":
        result = -args[0]
    elif node.kind == "call":
        result = FUNCTIONS[node.name][0](*args)
    else:
        if node.kind == "pow" and _negative_constant(args[0]) and args[1].free_symbols:
            raise ExpressionError(
                "A negative number to a variable power is not a real function: "
                f"it is a real number only where the power {_shown(args[1])} is a whole number.",
                node.column,
                text,
                "Use a positive base, or cos(pi x) for a sign that alternates like (-1)^x.",
            )
        result = _BINARY[node.kind](*args)
    return _checked_sympy(result, node, text)


def _factors(node: Node, text: str, power: int = 1) -> list[sympy.Expr]:
    """The factors of a chain of products and quotients, a divisor's own factors to the power -1.
    The chain becomes one n-ary product: SymPy spreads a number over a sum in a product of two
    (2*(x + y) is 2x + 2y) but not in a longer one, so a chain built two factors at a time would
    read `2*(x + y)/x` or `7/(3*(x + y))` back as a different tree from the one printed."""
    if node.kind == "mul":
        return _factors(node.args[0], text, power) + _factors(node.args[1], text, power)
    if node.kind == "div":
        return _factors(node.args[0], text, power) + _factors(node.args[1], text, -power)
    factor = to_sympy(node, text)
    return [factor if power == 1 else factor**-1]


def _checked_sympy(result: sympy.Expr, node: Node, text: str) -> sympy.Expr:
    if result.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo):
        raise ExpressionError(
            "This part of the formula is undefined (a division by zero).", node.column, text
        )
    if result.has(sympy.I) or (not result.free_symbols and result.is_extended_real is False):
        raise ExpressionError("This part of the formula is not a real number.", node.column, text)
    return result


def _shown(expr: sympy.Expr) -> str:
    return to_text(expr).replace("**", "^")


def _negative_constant(expr: sympy.Expr) -> bool:
    if expr.free_symbols:
        return False
    if expr.is_extended_negative is not None:
        return bool(expr.is_extended_negative)
    value = expr.evalf(15)
    return bool(value.is_real and value < 0)


_PRINT_NAMES = {"Abs": "abs"}


class _TextPrinter(sympy.printing.str.StrPrinter):
    """Prints SymPy expressions in the language `parse` reads (Abs -> abs, E -> e)."""

    def _print_Function(self, expr):
        name = _PRINT_NAMES.get(type(expr).__name__, type(expr).__name__)
        return f"{name}({', '.join(self._print(arg) for arg in expr.args)})"

    _print_Abs = _print_Function

    def _print_Mul(self, expr):
        # "-(x + y)*sin(x)" would read back as (-(x + y))*sin(x), which SymPy expands into
        # (-x - y)*sin(x): keep the minus outside the whole product instead.
        text = super()._print_Mul(expr)
        if text.startswith("-("):
            return f"-({self._print(-expr)})"
        return text

    def _print_Exp1(self, expr):
        return "e"

    def _print_Pi(self, expr):
        return "pi"

    def _print_Float(self, expr):
        return repr(float(expr))


def to_latex(expr: sympy.Expr) -> str:
    """LaTeX as the app writes formulas: the natural log as ln (what a student typing ln(x)
    expects to see echoed; log alone could be read as log10, now a function of its own)."""
    return sympy.latex(expr, ln_notation=True)


def to_text(expr: sympy.Expr) -> str:
    """Text that `parse` reads back to the same expression: the canonical form of a formula."""
    return _TextPrinter().doprint(expr)
