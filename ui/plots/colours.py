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


# -- the dark theme (theme=dark in the link) -------------------------------------------------------
# The same colours, made light enough to read on the dark page: a chromatic colour is mixed with
# white until it reads at DARK_TARGET on DARK_PAPER (its hue stays, so the palette keeps its
# order and its colour-blind spacing, tests/ui/plots/test_colours.py); a grey is mirrored
# (#111111 text becomes #eeeeee).
DARK_PAPER = "#0e1117"  # Streamlit's dark page, .streamlit/config.toml [theme.dark]
DARK_GRID = "#394150"
DARK_TARGET = 5.0  # above TEXT_CONTRAST with a margin for a washed-out projector
# The palette's own dark counterparts, picked (not mixed) so that they keep 30 CIELAB units apart
# for normal vision and under protanopia and deuteranopia, as the light palette does
# (tests/ui/plots/test_theme.py); mixing magenta and violet with white brought them together.
DARK_PALETTE = {
    X_SLICE: "#e07b39",
    Y_SLICE: "#1fa883",
    GRADIENT: "#b06dbb",
    PLANE: "#a065ff",
    POINT: "#eeeeee",
}


def hex_colour(red: float, green: float, blue: float) -> str:
    return "#" + "".join(f"{round(min(max(c, 0), 255)):02x}" for c in (red, green, blue))


def on_dark(colour: str, target: float = DARK_TARGET) -> str:
    """`colour` (#rrggbb) as it is drawn in the dark theme: readable at `target` on DARK_PAPER."""
    colour = colour.lower()
    if colour in DARK_PALETTE:
        return DARK_PALETTE[colour]
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    if red == green == blue:
        mirrored = hex_colour(*(255 - red,) * 3) if red < 128 else colour
        if contrast_ratio(mirrored, DARK_PAPER) >= target:
            return mirrored
    if contrast_ratio(colour, DARK_PAPER) >= target:
        return colour
    # Mix with white by bisection on the share of white; contrast grows with it.
    low, high = 0.0, 1.0
    for _ in range(30):
        share = (low + high) / 2
        mixed = hex_colour(*(c + (255 - c) * share for c in (red, green, blue)))
        low, high = (low, share) if contrast_ratio(mixed, DARK_PAPER) >= target else (share, high)
    return hex_colour(*(c + (255 - c) * high for c in (red, green, blue)))
