"""Settings that belong to one page (the Descent page's racers, say), kept in the link beside the
shared View.

A page's settings live in a module of plain data, like ui/state.py, that provides:

- ``PREFIX``: the start of every session key (and widget key) of that page, e.g. ``"descent_"``;
- ``DEFAULT``: a frozen dataclass instance, the settings when the link says nothing;
- ``from_query(query) -> (settings, notices)``: the settings a link asks for, every bad part
  replaced by its default and explained in a notice (never an exception);
- ``to_query(settings) -> dict[str, str]``: the link parameters (only those not the default).

Parameter names must not collide with the View's (f, x0, y0, xmin, xmax, ymin, ymax, res, plane,
slices, field). The sidebar loads a page's settings from the opening link the first time that page
runs in a session, and writes them into the link on every run of that page.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Protocol


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
