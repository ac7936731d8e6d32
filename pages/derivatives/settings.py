"""The derivatives page's own settings and their round trip through a link (ui/page_link.py).

- ``var``: which partial the page studies, ``x`` (the default) or ``y``;
- ``answer``: the student's answer in the check-your-answer box (at most MAX_ANSWER characters),
  so a teacher can share a worked check. It is only ever read by core's parser, never evaluated.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ui.shell.view import short

PREFIX = "derivatives_"
VARIABLES = ("x", "y")
MAX_ANSWER = 500
PARAMETER = {"variable": "var", "answer": "answer"}


@dataclass(frozen=True)
class Settings:
    variable: str = "x"
    answer: str = ""


DEFAULT = Settings()


def from_query(query: Mapping[str, str | list[str]]) -> tuple[Settings, list[str]]:
    """The settings a link asks for; each bad part replaced by its default and explained."""
    raw = {key: value[-1] if isinstance(value, list) else value for key, value in query.items()}
    values: dict[str, str] = {}
    notices: list[str] = []
    variable = raw.get(PARAMETER["variable"])
    if variable is not None:
        if str(variable).strip() in VARIABLES:
            values["variable"] = str(variable).strip()
        else:
            notices.append(
                f"The link's var = “{short(str(variable))}” is not x or y; using x (∂f/∂x)."
            )
    answer = raw.get(PARAMETER["answer"])
    if answer is not None:
        answer = str(answer)
        if len(answer) > MAX_ANSWER:
            notices.append(
                f"The link's answer = “{short(answer)}” is longer than {MAX_ANSWER} "
                "characters; the answer box starts empty."
            )
        else:
            values["answer"] = answer
    return Settings(**values), notices


def to_query(settings: Settings) -> dict[str, str]:
    """Link parameters for the settings that are not the default."""
    query = {}
    if settings.variable != DEFAULT.variable and settings.variable in VARIABLES:
        query[PARAMETER["variable"]] = settings.variable
    answer = settings.answer or ""
    if answer.strip() and len(answer) <= MAX_ANSWER:
        query[PARAMETER["answer"]] = answer
    return query
