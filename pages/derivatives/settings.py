"""The derivatives page's own settings and their round trip through a link (ui/shell/link.py).

- ``var``: which partial the page studies, ``x`` (the default) or ``y``;
- ``answer``: the student's answer in the check-your-answer box (at most MAX_ANSWER characters),
  so a teacher can share a worked check. It is only ever read by core's parser, never evaluated.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ui.shell.link import Field, exact, read_link, reads_back, write_link

PREFIX = "derivatives_"
VARIABLES = ("x", "y")
MAX_ANSWER = 500


@dataclass(frozen=True)
class Settings:
    variable: str = "x"
    answer: str = ""


DEFAULT = Settings()


def parse_variable(text: str) -> str:
    if text.strip() not in VARIABLES:
        raise ValueError("is not x or y")
    return text.strip()


def parse_answer(text: str) -> str:
    if len(text) > MAX_ANSWER:
        raise ValueError(f"is longer than {MAX_ANSWER} characters")
    return text


LINK = (
    Field("variable", exact(parse_variable), parameter="var", instead="using x (∂f/∂x)"),
    Field("answer", exact(parse_answer), instead="the answer box starts empty"),
)


def from_query(query: Mapping[str, str | list[str]]) -> tuple[Settings, list[str]]:
    """The settings a link asks for; each bad part replaced by its default and explained."""
    return read_link(LINK, DEFAULT, query)


def to_query(settings: Settings) -> dict[str, str]:
    """Link parameters for the settings that are not the default (a blank answer, or one the
    link could not hold, is none)."""
    answer = settings.answer if reads_back(LINK[1], settings.answer) else ""
    return write_link(LINK, DEFAULT, Settings(settings.variable, answer if answer.strip() else ""))
