"""The descent page's own settings and their round trip through a link (ui/page_link.py)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

PREFIX = "descent_"


@dataclass(frozen=True)
class Settings:
    pass


DEFAULT = Settings()


def from_query(query: Mapping[str, str | list[str]]) -> tuple[Settings, list[str]]:
    return DEFAULT, []


def to_query(settings: Settings) -> dict[str, str]:
    return {}
