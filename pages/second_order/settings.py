"""The Second-order page's own settings and their round trip through a link (ui/shell/link.py).

- ``angle``: the direction u of the directional derivative, whole degrees from the x axis,
  counter-clockwise, in [0, 360). A link may say any whole number of degrees (-90 and 270 are the
  same direction); a fraction is rounded, with a notice.
- ``radius``: the half-width of the square around the point where the page maps |f - L| and
  |f - Q|, one of RADII (a 1-2-5 ladder: the slider's stops). Another positive number in a link
  is moved to the nearest stop, with a notice.

Plain data, no Streamlit: tested without a server, like ui/shell/view.py.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from ui.shell.link import Field, parse_finite, read_link, shown, write_link

PREFIX = "second_"
MAX_TURNS_DEGREES = 36_000.0  # more than 100 turns is not a direction anyone meant
# 0.001, 0.002, 0.005, 0.01, ..., 500, 1000: the radius slider's stops.
RADII = (*(float(f"{m}e{e}") for e in range(-3, 3) for m in (1, 2, 5)), 1000.0)


@dataclass(frozen=True)
class Settings:
    angle: int = 45  # degrees
    radius: float = 1.0


DEFAULT = Settings()


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


LINK = (Field("angle", parse_angle), Field("radius", parse_radius))


def from_query(query: Mapping[str, str | list[str]]) -> tuple[Settings, list[str]]:
    """The settings a link asks for; every bad part replaced by its default and explained."""
    return read_link(LINK, DEFAULT, query)


def to_query(settings: Settings) -> dict[str, str]:
    """The link parameters for the settings that are not the default."""
    return write_link(LINK, DEFAULT, settings)
