"""Settings in the link: one table-driven reader and writer for the shared View and for every
page's own settings (the Descent page's racers, say). Plain data, no Streamlit.

A settings module (ui/shell/view.py, pages/<page>/settings.py) is a frozen dataclass plus a table
of `Field`s: for each dataclass field, its link parameter and how to read it. `read_link` reads
every field on its own: a bad value is replaced by its default and explained in a notice (never an
exception), so a broken or hostile link still opens a usable page. `write_link` writes only what
differs from the default (and what must always be shared).

A page's settings module provides (the `PageSettings` protocol):

- ``PREFIX``: the start of every session key (and widget key) of that page, e.g. ``"descent_"``;
- ``DEFAULT``: a frozen dataclass instance, the settings when the link says nothing;
- ``from_query(query) -> (settings, notices)`` and ``to_query(settings) -> dict[str, str]``.

Parameter names must not collide with the View's (f, x0, y0, xmin, xmax, ymin, ymax, res, plane,
slices, field, levels, spacing, present, quiz). The sidebar loads a page's settings from the
opening link the first time that page runs in a session, and writes them into the link on every
run of that page.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

SHOWN_IN_NOTICE = 40
TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off"})

# A reader turns a link's text into a value and, when it had to change what was asked (rounded,
# clamped), a note for people; it raises ValueError("is not a number") when nothing is usable.
Reader = Callable[[str], tuple[Any, str | None]]


def short(text: str) -> str:
    """A raw link value cut to a length that fits in a sentence."""
    text = "".join(ch if ch.isprintable() else "?" for ch in text)
    return text if len(text) <= SHOWN_IN_NOTICE else text[: SHOWN_IN_NOTICE - 1] + "…"


def shown(value: object) -> str:
    """A value as it appears in a link and in notices: 2.0 -> 2, True -> 1, ("a", "b") -> a,b."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        text = repr(value + 0.0)  # the shortest text that reads back as the same float
        return text.removesuffix(".0")
    if isinstance(value, tuple):
        return ",".join(shown(part) for part in value)
    return str(value)


def parse_finite(text: str) -> float:
    """A finite float, or ValueError with a reason for people."""
    try:
        value = float(text.strip())
    except ValueError:
        raise ValueError("is not a number") from None
    if not math.isfinite(value):
        raise ValueError("is not a finite number")
    return value


def parse_flag(text: str) -> bool:
    word = text.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError("is not on or off (use 1 or 0)")


def exact(parse: Callable[[str], Any]) -> Reader:
    """A Reader from a parser that either accepts a value as it is or refuses it."""
    return lambda text: (parse(text), None)


@dataclass(frozen=True)
class Field:
    """One setting in the link: the dataclass field `name`, its URL `parameter` and its reader.
    `instead` is what a notice says happens when the value is refused (default: "using <the
    default value>")."""

    name: str
    read: Reader
    parameter: str = ""
    instead: str = ""

    @property
    def key(self) -> str:
        return self.parameter or self.name


def read_link(
    fields: tuple[Field, ...], default: Any, query: Mapping[str, str | list[str]]
) -> tuple[Any, list[str]]:
    """The settings a link asks for (a repeated parameter: its last value), and one notice per
    part of it that could not be used as it is. Unknown parameters are ignored silently (other
    tools add their own, e.g. tracking tags)."""
    values: dict[str, object] = {}
    notices: list[str] = []
    for field in fields:
        raw = query.get(field.key)
        if raw is None:
            continue
        text = str(raw[-1] if isinstance(raw, list) else raw)
        asked = f"The link's {field.key} = “{short(text)}”"
        try:
            values[field.name], note = field.read(text)
        except ValueError as reason:
            instead = field.instead or f"using {shown(getattr(default, field.name))}"
            notices.append(f"{asked} {reason}; {instead}.")
            continue
        if note:
            notices.append(f"{asked} {note}.")
    return dataclasses.replace(default, **values), notices


def write_link(
    fields: tuple[Field, ...], default: Any, settings: Any, always: tuple[str, ...] = ()
) -> dict[str, str]:
    """The link parameters of `settings`: those not the default, and the `always` ones."""
    query = {}
    for field in fields:
        value = getattr(settings, field.name)
        if field.name in always or value != getattr(default, field.name):
            query[field.key] = shown(value)
    return query


def reads_back(field: Field, value: object) -> bool:
    """True when `value` is one the link could hold as it is: written and read back unchanged,
    with no note. Settings set by code (session state) are checked against the same bounds."""
    try:
        again, note = field.read(shown(value))
    except ValueError:
        return False
    return note is None and again == value


class PageSettings(Protocol):
    PREFIX: str
    DEFAULT: Any

    def from_query(self, query: dict[str, str]) -> tuple[Any, list[str]]: ...

    def to_query(self, settings: Any) -> dict[str, str]: ...


def session_values(settings: object, prefix: str) -> dict[str, object]:
    """The session keys (= widget keys) and values that show `settings` in a page's controls."""
    return {
        prefix + field.name: getattr(settings, field.name) for field in dataclasses.fields(settings)
    }


def from_session(module: PageSettings, session: dict[str, object]) -> Any:
    """The page's settings from its controls' session values (missing ones: the default)."""
    values = {}
    for field in dataclasses.fields(module.DEFAULT):
        key = module.PREFIX + field.name
        if key in session:
            value = session[key]
            values[field.name] = tuple(value) if isinstance(value, list) else value
    return dataclasses.replace(module.DEFAULT, **values)
