"""What the person is looking at, as a value: the View, and its round trip through a link.

The URL is the source of truth. A link is read once when a session starts (`from_query`), every
field checked on its own: a bad field is replaced by its default and explained in a notice, so a
broken or hostile link still opens a usable page. After every run the view is written back
(`to_query`). No Streamlit here: this module is plain data, tested without a server.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

from core.grid import check_window

DEFAULT_FUNCTION = "x^2 y + y^3"  # the source article's example
MAX_COORDINATE = 1e6  # beyond this, float64 grids lose the detail a window needs
MIN_RESOLUTION, MAX_RESOLUTION, RESOLUTION_STEP = 20, 300, 10
MAX_TEXT = 500  # core.parse refuses longer formulas anyway; this keeps notices short
SHOWN_IN_NOTICE = 40

TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off"})


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

    @property
    def xlim(self) -> tuple[float, float]:
        return (self.xmin, self.xmax)

    @property
    def ylim(self) -> tuple[float, float]:
        return (self.ymin, self.ymax)

    @property
    def point_in_window(self) -> bool:
        return self.xmin <= self.x0 <= self.xmax and self.ymin <= self.y0 <= self.ymax


DEFAULT = View()
FIELDS = tuple(field.name for field in dataclasses.fields(View))
# URL parameter name for each field (short where the field name is long).
PARAMETER = {name: name for name in FIELDS} | {"resolution": "res"}
# Always in a shared link, so the link keeps its meaning even if the defaults change later.
ALWAYS_SHARED = ("f", "x0", "y0")


def short(text: str) -> str:
    """A raw link value cut to a length that fits in a sentence."""
    text = "".join(ch if ch.isprintable() else "?" for ch in text)
    return text if len(text) <= SHOWN_IN_NOTICE else text[: SHOWN_IN_NOTICE - 1] + "…"


def parse_finite(text: str) -> float:
    """A finite float, or ValueError with a reason for people."""
    try:
        value = float(text.strip())
    except ValueError:
        raise ValueError("is not a number") from None
    if not math.isfinite(value):
        raise ValueError("is not a finite number")
    return value


def parse_number(text: str) -> float:
    """A finite float within ±MAX_COORDINATE, or ValueError with a reason for people."""
    value = parse_finite(text)
    if abs(value) > MAX_COORDINATE:
        raise ValueError(f"is beyond ±{MAX_COORDINATE:g}")
    return value + 0.0  # -0.0 reads badly in a link and in a readout


def parse_flag(text: str) -> bool:
    word = text.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError("is not on or off (use 1 or 0)")


def parse_resolution(text: str) -> tuple[int, str | None]:
    """The resolution, clamped to the allowed range (with a note when it was clamped)."""
    value = parse_finite(text)
    snapped = round(value / RESOLUTION_STEP) * RESOLUTION_STEP
    clamped = min(max(snapped, MIN_RESOLUTION), MAX_RESOLUTION)
    if clamped == value:
        return clamped, None
    allowed = f"{MIN_RESOLUTION} to {MAX_RESOLUTION} points per side in steps of {RESOLUTION_STEP}"
    return clamped, f"is not one of {allowed}; using {clamped}"


def from_query(query: Mapping[str, str | list[str]]) -> tuple[View, list[str]]:
    """The View a link asks for, and one notice per part of it that could not be used.

    Unknown parameters are ignored silently (other tools add their own, e.g. tracking tags).
    """
    raw = {}
    for key, value in query.items():
        raw[key] = value[-1] if isinstance(value, list) else value
    values: dict[str, object] = {}
    notices: list[str] = []

    def refuse(name: str, text: str, reason: str) -> None:
        default = getattr(DEFAULT, name)
        notices.append(
            f"The link's {PARAMETER[name]} = “{short(text)}” {reason}; using {shown(default)}."
        )

    for name in FIELDS:
        text = raw.get(PARAMETER[name])
        if text is None:
            continue
        text = str(text)
        try:
            if name == "f":
                if len(text) > MAX_TEXT:
                    raise ValueError(f"is longer than {MAX_TEXT} characters")
                if not text.strip():
                    raise ValueError("is empty")
                values[name] = text
            elif name == "resolution":
                values[name], note = parse_resolution(text)
                if note:
                    notices.append(f"The link's res = “{short(text)}” {note}.")
            elif isinstance(getattr(DEFAULT, name), bool):
                values[name] = parse_flag(text)
            else:
                values[name] = parse_number(text)
        except ValueError as reason:
            refuse(name, text, str(reason))

    view = dataclasses.replace(DEFAULT, **values)
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


def shown(value: object) -> str:
    """A field value as it appears in a link and in notices: 2.0 -> 2, True -> 1."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        text = repr(value + 0.0)  # the shortest text that reads back as the same float
        return text.removesuffix(".0")
    return str(value)


def to_query(view: View) -> dict[str, str]:
    """The link parameters for a view: f, x0 and y0 always, the rest where not the default."""
    query = {}
    for name in FIELDS:
        value = getattr(view, name)
        if name in ALWAYS_SHARED or value != getattr(DEFAULT, name):
            query[PARAMETER[name]] = shown(value)
    return query


def share_link(base_url: str, view: View, page_query: Mapping[str, str] | None = None) -> str:
    """The full link that restores `view` (and the page's own settings) on the page at
    `base_url` (whose own query is dropped)."""
    query = to_query(view) | dict(page_query or {})
    # Brackets, powers and products stay readable in the link; everything else is encoded.
    return f"{base_url.split('?')[0]}?{urlencode(query, safe='()^*,')}"
