"""Colours shared by every figure and readout, so a slice, its tangent and its formula match.

Every colour here is also text (the readouts colour ∂f/∂x, ∂f/∂y and ∇f like their lines), so
each reads at 4.5:1 or more on white (WCAG's contrast ratio, `contrast_ratio`). They were picked so
that every pair stays far apart in CIELAB for normal vision and under simulated protanopia and
deuteranopia (tests/ui/plots/test_colours.py), where the old Dark2 green of x = x0 and the
gradient's magenta fell together. Colour is never the only cue: each line also has a name in the
legend, the two slice lines on the map have different dashes, and the gradient has an arrow head.
"""

from __future__ import annotations

X_SLICE = "#b84c00"  # burnt orange: the curve cut by y = y0; its tangent's slope is df/dx
Y_SLICE = "#007f60"  # bluish green: the curve cut by x = x0; its tangent's slope is df/dy
GRADIENT = "#a30093"  # magenta
POINT = "#111111"
PLANE = "#7e00e0"  # violet
COLORSCALE = "Viridis"
# The colours above, by what they mean (for tests and for a page that lists them).
PALETTE = {"x slice": X_SLICE, "y slice": Y_SLICE, "gradient": GRADIENT, "point": POINT}
PALETTE["tangent plane"] = PLANE
# The two slice lines on the contour map: told apart by their dash as well as their colour.
X_SLICE_DASH, Y_SLICE_DASH = "dash", "dot"
TEXT_CONTRAST = 4.5  # WCAG 2 level AA for normal text


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(colour: str) -> float:
    """WCAG 2's relative luminance of a #rrggbb colour (0 for black, 1 for white)."""
    red, green, blue = (_channel(int(colour[i : i + 2], 16)) for i in (1, 3, 5))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(foreground: str, background: str = "#ffffff") -> float:
    """WCAG 2's contrast ratio, (L1 + 0.05) / (L2 + 0.05), from 1 (none) to 21 (black on white)."""
    lighter, darker = sorted(map(relative_luminance, (foreground, background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)
