"""The Second-order page's own settings and their round trip through a link (ui/page_link.py).

- ``angle``: the direction u of the directional derivative, whole degrees from the x axis,
  counter-clockwise, in [0, 360). A link may say any whole number of degrees (-90 and 270 are the
  same direction); a fraction is rounded, with a notice.
- ``radius``: the half-width of the square around the point where the page maps |f - L| and
  |f - Q|, one of RADII (a 1-2-5 ladder: the slider's stops). Another positive number in a link
  is moved to the nearest stop, with a notice.

Plain data, no Streamlit: tested without a server, like ui/state.py.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from ui.shell.view import parse_finite, short, shown

PREFIX = "second_"
MAX_TURNS_DEGREES = 36_000.0  # more than 100 turns is not a direction anyone meant
# 0.001, 0.002, 0.005, 0.01, ..., 500, 1000: the radius slider's stops.
RADII = (*(float(f"{m}e{e}") for e in range(-3, 3) for m in (1, 2, 5)), 1000.0)


@dataclass(frozen=True)
class Settings:
    angle: int = 45  # degrees
    radius: float = 1.0


DEFAULT = Settings()
PARAMETER = {"angle": "angle", "radius": "radius"}


def parse_angle(text: str) -> tuple[int, str | None]:
    """Whole degrees in [0, 360), and a note when the link's value had to be rounded."""
    value = parse_finite(text)
    if abs(value) > MAX_TURNS_DEGREES:
        raise ValueError(f"is beyond ±{MAX_TURNS_DEGREES:g} degrees")
    degrees = round(value) % 360
    if degrees != value % 360:
        return degrees, f"is not a whole number of degrees; using {degrees}"
    return degrees, None


def nearest_radius(value: float) -> float:
    """The stop of RADII closest to `value` (> 0) on a log scale."""
    return min(RADII, key=lambda stop: abs(math.log(stop / value)))


def parse_radius(text: str) -> tuple[float, str | None]:
    value = parse_finite(text)
    if not value > 0:
        raise ValueError("is not a positive number")
    stop = nearest_radius(value)
    if stop != value:
        return stop, f"is not one of the slider's radii; using {shown(stop)}"
    return stop, None


def from_query(query: Mapping[str, str | list[str]]) -> tuple[Settings, list[str]]:
    """The settings a link asks for; every bad part replaced by its default and explained."""
    values: dict[str, object] = {}
    notices: list[str] = []
    for name, parse in (("angle", parse_angle), ("radius", parse_radius)):
        raw = query.get(PARAMETER[name])
        if raw is None:
            continue
        text = str(raw[-1] if isinstance(raw, list) else raw)
        try:
            values[name], note = parse(text)
        except ValueError as reason:
            default = shown(getattr(DEFAULT, name))
            notices.append(f"The link's {name} = “{short(text)}” {reason}; using {default}.")
            continue
        if note:
            notices.append(f"The link's {name} = “{short(text)}” {note}.")
    return Settings(**values), notices


def to_query(settings: Settings) -> dict[str, str]:
    """The link parameters for the settings that are not the default."""
    query = {}
    for name, parameter in PARAMETER.items():
        value = getattr(settings, name)
        if value != getattr(DEFAULT, name):
            query[parameter] = shown(value)
    return query
