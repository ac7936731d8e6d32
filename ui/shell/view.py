"""What the person is looking at, as a value: the View, and its round trip through a link.

The URL is the source of truth. A link is read once when a session starts (`from_query`), every
field checked on its own: a bad field is replaced by its default and explained in a notice, so a
broken or hostile link still opens a usable page. After every run the view is written back
(`to_query`). No Streamlit here: this module is plain data, tested without a server.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

from core.grid import check_window
from core.levels import AUTO, MAX_LEVELS, MIN_LEVELS, SPACINGS
from ui.shell.link import Field, exact, parse_finite, parse_flag, read_link, shown, write_link

DEFAULT_FUNCTION = "x^2 y + y^3"  # the source article's example
MAX_COORDINATE = 1e6  # beyond this, float64 grids lose the detail a window needs
MIN_RESOLUTION, MAX_RESOLUTION, RESOLUTION_STEP = 20, 300, 10
MAX_TEXT = 500  # core.parse refuses longer formulas anyway; this keeps notices short


@dataclass(frozen=True)
class View:
    """Everything that changes what the Explore page (and its sister pages) show."""

    f: str = DEFAULT_FUNCTION
    x0: float = 2.0
    y0: float = 1.0
    xmin: float = -3.0
    xmax: float = 3.0
    ymin: float = -3.0
    ymax: float = 3.0
    resolution: int = 100
    plane: bool = False
    slices: bool = True
    field: bool = False
    levels: int = 16  # contour levels on the map
    spacing: str = AUTO  # how they are spaced: even, quantile, log, or auto (core.levels)
    present: bool = False  # presentation mode: larger, blacker text, the sidebar collapsed

    @property
    def xlim(self) -> tuple[float, float]:
        return (self.xmin, self.xmax)

    @property
    def ylim(self) -> tuple[float, float]:
        return (self.ymin, self.ymax)

    @property
    def point_in_window(self) -> bool:
        return self.xmin <= self.x0 <= self.xmax and self.ymin <= self.y0 <= self.ymax


def parse_number(text: str) -> float:
    """A finite float within ±MAX_COORDINATE, or ValueError with a reason for people."""
    value = parse_finite(text)
    if abs(value) > MAX_COORDINATE:
        raise ValueError(f"is beyond ±{MAX_COORDINATE:g}")
    return value + 0.0  # -0.0 reads badly in a link and in a readout


def parse_formula(text: str) -> str:
    """The formula's text as typed (core's parser reads it later), if it is not empty or long."""
    if len(text) > MAX_TEXT:
        raise ValueError(f"is longer than {MAX_TEXT} characters")
    if not text.strip():
        raise ValueError("is empty")
    return text


def parse_resolution(text: str) -> tuple[int, str | None]:
    """The resolution, clamped to the allowed range (with a note when it was clamped)."""
    value = parse_finite(text)
    snapped = round(value / RESOLUTION_STEP) * RESOLUTION_STEP
    clamped = min(max(snapped, MIN_RESOLUTION), MAX_RESOLUTION)
    if clamped == value:
        return clamped, None
    allowed = f"{MIN_RESOLUTION} to {MAX_RESOLUTION} points per side in steps of {RESOLUTION_STEP}"
    return clamped, f"is not one of {allowed}; using {clamped}"


def parse_levels(text: str) -> tuple[int, str | None]:
    """The number of contour levels, clamped to the allowed range (with a note when clamped)."""
    value = parse_finite(text)
    clamped = min(max(round(value), MIN_LEVELS), MAX_LEVELS)
    if clamped == value:
        return clamped, None
    return clamped, f"is not a whole number from {MIN_LEVELS} to {MAX_LEVELS}; using {clamped}"


def parse_spacing(text: str) -> str:
    word = text.strip().lower()
    if word not in (AUTO, *SPACINGS):
        raise ValueError(f"is not one of {', '.join((AUTO, *SPACINGS))}")
    return word


DEFAULT = View()
FIELDS = tuple(field.name for field in dataclasses.fields(View))
LINK = (
    Field("f", exact(parse_formula)),
    *(Field(name, exact(parse_number)) for name in ("x0", "y0", "xmin", "xmax", "ymin", "ymax")),
    Field("resolution", parse_resolution, parameter="res"),
    *(Field(name, exact(parse_flag)) for name in ("plane", "slices", "field")),
    Field("levels", parse_levels),
    Field("spacing", exact(parse_spacing)),
    Field("present", exact(parse_flag)),
)
# URL parameter name for each field (short where the field name is long).
PARAMETER = {field.name: field.key for field in LINK}
# Always in a shared link, so the link keeps its meaning even if the defaults change later.
ALWAYS_SHARED = ("f", "x0", "y0")


def from_query(query: Mapping[str, str | list[str]]) -> tuple[View, list[str]]:
    """The View a link asks for, and one notice per part of it that could not be used: each
    field on its own (ui.shell.link.read_link), then each axis's window as a whole."""
    view, notices = read_link(LINK, DEFAULT, query)
    for axis in ("x", "y"):
        low, high = f"{axis}min", f"{axis}max"
        problem = window_problem(getattr(view, low), getattr(view, high))
        if problem:
            asked = f"[{shown(getattr(view, low))}, {shown(getattr(view, high))}]"
            notices.append(
                f"The link's {axis} window {asked} {problem}; using "
                f"[{shown(getattr(DEFAULT, low))}, {shown(getattr(DEFAULT, high))}]."
            )
            view = dataclasses.replace(
                view, **{low: getattr(DEFAULT, low), high: getattr(DEFAULT, high)}
            )
    return view, notices


def window_problem(low: float, high: float) -> str | None:
    """Why (low, high) cannot be a window, in words, or None when it can."""
    if not low < high:
        return "is empty or reversed (the minimum must be below the maximum)"
    try:
        check_window((low, high), (0.0, 1.0))
    except ValueError:
        return "is too narrow to draw"
    return None


def to_query(view: View) -> dict[str, str]:
    """The link parameters for a view: f, x0 and y0 always, the rest where not the default."""
    return write_link(LINK, DEFAULT, view, always=ALWAYS_SHARED)


def share_link(base_url: str, view: View, page_query: Mapping[str, str] | None = None) -> str:
    """The full link that restores `view` (and the page's own settings) on the page at
    `base_url` (whose own query is dropped)."""
    query = to_query(view) | dict(page_query or {})
    # Brackets, powers and products stay readable in the link; everything else is encoded.
    return f"{base_url.split('?')[0]}?{urlencode(query, safe='()^*,')}"
