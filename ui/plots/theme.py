"""The look of a figure: light or dark, and a text scale (theme=dark and font=1.25 in the link).

Every figure builder draws in the light theme at scale 1 (and its results are cached that way);
`themed` rewrites a finished figure for another look, just before it is sent. In the dark theme
the page and plot backgrounds become DARK_PAPER, grid lines DARK_GRID, and every text and line
colour is made readable on it (colours.on_dark); what sits on a colour scale (a contour map's
labels, the coloured surface's own lines) keeps its colours, since that background does not
change. The text scale multiplies every font size and the margins that make room for text.
A pure function on plain data: figures in, new figures out, the cached ones untouched.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from typing import Any

from ui.plots.colours import DARK_GRID, DARK_PAPER, on_dark, relative_luminance

LIGHT, DARK = "light", "dark"
THEMES = (LIGHT, DARK)
MIN_FONT, MAX_FONT, FONT_STEP = 0.75, 2.0, 0.05


@dataclass(frozen=True)
class Look:
    theme: str = LIGHT
    font: float = 1.0  # text scale: 1.25 draws every text a quarter larger
    # False for a chart whose traces sit on a light picture of their own (Descent's shaded map):
    # there the dark theme changes only the page around them (layout: paper, text, axes).
    recolour_traces: bool = True

    @property
    def plain(self) -> bool:
        """The look the builders already drew: nothing to rewrite."""
        return self.theme == LIGHT and self.font == 1.0


PLAIN = Look()
_HEX = re.compile(r"#[0-9a-fA-F]{6}")
_SHORT_HEX = re.compile(r"#[0-9a-fA-F]{3}")
_RGBA = re.compile(r"rgba?\(\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*(?:,\s*([\d.]+)\s*)?\)")
_NAMED = {"white": "#ffffff", "black": "#000000"}
# Trace parts drawn on a colour scale, or data: their colours stay as they are.
_KEEP_COLOURS = frozenset({"contours", "colorscale", "surfacecolor", "lighting"})
_BACKGROUNDS = frozenset({"paper_bgcolor", "plot_bgcolor"})


def as_hex(colour: str) -> tuple[str, float] | None:
    """(#rrggbb, alpha) of a colour written as #rrggbb, #rgb, rgb(), rgba() or white/black."""
    colour = _NAMED.get(colour.strip().lower(), colour.strip())
    if _HEX.fullmatch(colour):
        return colour.lower(), 1.0
    if _SHORT_HEX.fullmatch(colour):
        return "#" + "".join(c * 2 for c in colour[1:]).lower(), 1.0
    match = _RGBA.fullmatch(colour)
    if match:
        red, green, blue = (min(int(part), 255) for part in match.groups()[:3])
        alpha = float(match.group(4)) if match.group(4) is not None else 1.0
        return f"#{red:02x}{green:02x}{blue:02x}", alpha
    return None


def _with_alpha(colour: str, alpha: float) -> str:
    if alpha >= 1.0:
        return colour
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red}, {green}, {blue}, {alpha:g})"


def dark_colour(key: str, value: str, in_layout: bool) -> str:
    """What colour `value` of property `key` becomes in the dark theme."""
    parsed = as_hex(value)
    if parsed is None:
        return value
    colour, alpha = parsed
    light = relative_luminance(colour) > 0.5
    if key in _BACKGROUNDS or (key == "bgcolor" and light):
        return _with_alpha(DARK_PAPER, alpha)
    if key == "gridcolor" and in_layout:
        return DARK_GRID
    if key in ("fillcolor", "bgcolor") or alpha < 1.0:
        return value  # translucent shades and fills read on either background
    if not in_layout and light:
        return value  # a white ring around a point, a white start marker: still visible
    return on_dark(colour)


def _walk(value: Any, key: str, look: Look, in_layout: bool, recolour: bool) -> Any:
    """`value`, the property `key` of a figure, in `look` (new dicts and lists, the same arrays)."""
    if isinstance(value, dict):
        if key.endswith("font") and isinstance(value.get("size"), int | float):
            value = {**value, "size": round(value["size"] * look.font, 1)}
        return {
            name: _walk(part, name, look, in_layout, recolour and name not in _KEEP_COLOURS)
            for name, part in value.items()
        }
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return [_walk(part, key, look, in_layout, recolour) for part in value]
    if recolour and look.theme == DARK and isinstance(value, str) and key.endswith("color"):
        return dark_colour(key, value, in_layout)
    return value


def _margin(margin: Any, look: Look) -> Any:
    if not isinstance(margin, dict) or look.font <= 1.0:
        return margin
    grown = {side: width * look.font for side, width in margin.items() if side in "lrtb"}
    return margin | {side: round(width) for side, width in grown.items()}


def layout_part(layout: dict, look: Look) -> dict:
    """Some properties of a layout (a live chart's point-dependent annotations and margin) in
    `look`, with nothing added."""
    if look.plain:
        return layout
    drawn = _walk(layout, "layout", look, True, True)
    if "margin" in drawn:
        drawn["margin"] = _margin(drawn["margin"], look)
    return drawn


def themed_layout(layout: dict, look: Look) -> dict:
    if look.plain:
        return layout
    drawn = layout_part(layout, look)
    if look.theme == DARK:
        drawn.setdefault("paper_bgcolor", DARK_PAPER)
        drawn.setdefault("plot_bgcolor", DARK_PAPER)
        drawn["font"] = {"color": on_dark("#111111"), **drawn.get("font", {})}
        # Plotly's toolbar icons are a translucent grey meant for white paper.
        drawn["modebar"] = {"bgcolor": "rgba(14, 17, 23, 0.6)", "color": "#bbbbbb"}
        drawn["modebar"]["activecolor"] = "#ffffff"
    return drawn


def themed_traces(traces: list, look: Look) -> list:
    if look.plain:
        return traces
    return [_walk(trace, "trace", look, False, look.recolour_traces) for trace in traces]


def themed(figure: Any, look: Look) -> Any:
    """`figure` (a go.Figure or its dict) in `look`; the figure itself when the look is PLAIN."""
    if look.plain:
        return figure
    spec = figure.to_plotly_json() if hasattr(figure, "to_plotly_json") else figure
    drawn = dict(spec)  # a live chart's parts carry more than data, layout and frames
    drawn["data"] = themed_traces(list(spec.get("data", [])), look)
    drawn["layout"] = themed_layout(dict(spec.get("layout", {})), look)
    frames = spec.get("frames")
    if frames and all(isinstance(frame, dict) for frame in frames):
        drawn["frames"] = [themed_frame(frame, look) for frame in frames]
    # (a live chart's own "frames" are something else, e.g. the race's positions: kept as sent)
    return drawn


def themed_frame(frame: dict, look: Look) -> dict:
    drawn = dict(frame)
    drawn["data"] = themed_traces(list(frame.get("data", [])), look)
    if frame.get("layout"):
        drawn["layout"] = layout_part(frame["layout"], look)
    return drawn


@functools.lru_cache(maxsize=64)
def themed_json(text: str, look: Look) -> str:
    """A figure's (or a list of traces') JSON text in `look`. Cached: a live chart's base is
    the same text on every rerun, and Python keeps a string's hash."""
    if look.plain:
        return text
    spec = json.loads(text)
    if isinstance(spec, list):
        return json.dumps(themed_traces(spec, look), separators=(",", ":"))
    return json.dumps(themed(spec, look), separators=(",", ":"))
