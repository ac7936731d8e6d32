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

from core import PARAMETER_NAMES
from core.grid import check_window
from core.levels import AUTO, MAX_LEVELS, MIN_LEVELS, SPACINGS
from ui.plots.theme import FONT_STEP, LIGHT, MAX_FONT, MIN_FONT, THEMES
from ui.shell.link import Field, exact, parse_finite, parse_flag, read_link, shown, write_link

DEFAULT_FUNCTION = "x^2 y + y^3"  # the source article's example
MAX_COORDINATE = 1e6  # beyond this, float64 grids lose the detail a window needs
MIN_RESOLUTION, MAX_RESOLUTION, RESOLUTION_STEP = 20, 300, 10
MAX_TEXT = 500  # core.parse refuses longer formulas anyway; this keeps notices short


# -- parameters (issue 13): one slider per parameter, its value and range in the link -------------

PARAMETER_VALUE = 1.0
PARAMETER_RANGE = (-5.0, 5.0, 0.1)  # low, high, step
MAX_SLIDER_STOPS = 100_000  # a slider of (high - low) / step positions; more cannot be dragged
# Link parameter of each parameter's value, and of its slider's range (low,high,step): p_ keeps
# them apart from every other setting (Descent's own alpha, say).
LINK_PREFIX = "p_"


def value_key(name: str) -> str:
    return f"{LINK_PREFIX}{name}"


def range_key(name: str) -> str:
    return f"{LINK_PREFIX}{name}_range"


# A settings dataclass like every other (ui/shell/link.py): one value and one range per name the
# formula language allows (core.PARAMETER_NAMES); lambda is a Python keyword, so the field names
# are the link's (p_lambda).
Sliders = dataclasses.make_dataclass(
    "Sliders",
    [
        *((value_key(name), float, PARAMETER_VALUE) for name in PARAMETER_NAMES),
        *((range_key(name), tuple, PARAMETER_RANGE) for name in PARAMETER_NAMES),
    ],
    frozen=True,
)
Sliders.__doc__ = "Every parameter's value and slider range (low, high, step); see value_key."
DEFAULT_SLIDERS = Sliders()


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
    quiz: bool = False  # quiz link: exact derivatives hidden until answered (ui/shell/quiz.py)
    theme: str = LIGHT  # light or dark (ui.plots.theme)
    font: float = 1.0  # text size, a multiple of the usual (0.75 to 2)
    parameters: Sliders = DEFAULT_SLIDERS  # the sliders of every parameter (issue 13)

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


def parse_parameter_value(text: str) -> float:
    """A parameter's value: a finite number within ±MAX_COORDINATE."""
    return parse_number(text)


def parse_parameter_range(text: str) -> tuple[float, float, float]:
    """A slider's `low,high,step`: low below high, a positive step, and not too many stops."""
    parts = text.split(",")
    if len(parts) != 3:
        raise ValueError("is not three numbers low,high,step (like -5,5,0.1)")
    low, high, step = (parse_number(part) for part in parts)
    problem = range_problem(low, high, step)
    if problem:
        raise ValueError(problem)
    return (low, high, step)


def range_problem(low: float, high: float, step: float) -> str | None:
    """Why (low, high, step) cannot be a slider, in words, or None when it can."""
    if not low < high:
        return "is empty or reversed (the minimum must be below the maximum)"
    if not step > 0:
        return "has a step that is not positive"
    if step > high - low:
        return "has a step larger than the range"
    if (high - low) / step > MAX_SLIDER_STOPS:
        return f"has more than {MAX_SLIDER_STOPS:,} steps"
    return None


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


def parse_theme(text: str) -> str:
    word = text.strip().lower()
    if word not in THEMES:
        raise ValueError(f"is not one of {', '.join(THEMES)}")
    return word


def parse_font(text: str) -> tuple[float, str | None]:
    """The text size, snapped to FONT_STEP and clamped to the allowed range (with a note)."""
    value = parse_finite(text)
    # Clamped before snapping: 1e308 / FONT_STEP overflows to infinity.
    clamped = round(round(min(max(value, MIN_FONT), MAX_FONT) / FONT_STEP) * FONT_STEP, 2)
    if clamped == value:
        return clamped, None
    allowed = f"{MIN_FONT:g} to {MAX_FONT:g} in steps of {FONT_STEP:g}"
    return clamped, f"is not a text size from {allowed}; using {clamped:g}"


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
    # A garbled quiz value shows everything: the notice tells the teacher the link is broken.
    Field("quiz", exact(parse_flag), instead="showing the exact derivatives (no quiz)"),
    Field("theme", exact(parse_theme)),
    Field("font", parse_font),
)
PARAMETER_LINK = (
    *(Field(value_key(name), exact(parse_parameter_value)) for name in PARAMETER_NAMES),
    *(Field(range_key(name), exact(parse_parameter_range)) for name in PARAMETER_NAMES),
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
    sliders, slider_notices = sliders_from_query(query)
    return dataclasses.replace(view, parameters=sliders), notices + slider_notices


def sliders_from_query(query: Mapping[str, str | list[str]]) -> tuple[Sliders, list[str]]:
    """Each parameter's value and range from a link (ui.shell.link.read_link: a bad one falls
    back with a notice), then each value against its range: outside it, the range grows to hold
    it (the value is what the link shares; the range only frames it)."""
    sliders, notices = read_link(PARAMETER_LINK, DEFAULT_SLIDERS, query)
    changes = {}
    for name in PARAMETER_NAMES:
        value = getattr(sliders, value_key(name))
        low, high, step = getattr(sliders, range_key(name))
        if not low <= value <= high:
            wider = (min(low, value), max(high, value), step)
            if range_problem(*wider):
                wider = (min(PARAMETER_RANGE[0], value), max(PARAMETER_RANGE[1], value), step)
                wider = wider if not range_problem(*wider) else (*wider[:2], PARAMETER_RANGE[2])
            notices.append(
                f"The link's {value_key(name)} = {shown(value)} is outside its slider's range "
                f"[{shown(low)}, {shown(high)}]; the slider now runs from {shown(wider[0])} to "
                f"{shown(wider[1])}."
            )
            changes[range_key(name)] = wider
    return dataclasses.replace(sliders, **changes), notices


def parameter_values(view: View) -> dict[str, float]:
    """Every parameter's value (core.Function.bind takes those its formula holds)."""
    return {name: getattr(view.parameters, value_key(name)) for name in PARAMETER_NAMES}


def slider(view: View, name: str) -> tuple[float, float, float, float]:
    """(value, low, high, step) of one parameter's slider."""
    return (getattr(view.parameters, value_key(name)), *getattr(view.parameters, range_key(name)))


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
    """The link parameters for a view: f, x0 and y0 always, the rest where not the default
    (a parameter's value and range too: p_b=-1&p_b_range=-2,2,0.05)."""
    query = write_link(LINK, DEFAULT, view, always=ALWAYS_SHARED)
    return query | write_link(PARAMETER_LINK, DEFAULT_SLIDERS, view.parameters)


def share_link(base_url: str, view: View, page_query: Mapping[str, str] | None = None) -> str:
    """The full link that restores `view` (and the page's own settings) on the page at
    `base_url` (whose own query is dropped)."""
    query = to_query(view) | dict(page_query or {})
    # Brackets, powers and products stay readable in the link; everything else is encoded.
    return f"{base_url.split('?')[0]}?{urlencode(query, safe='()^*,')}"
