"""The app's own CSS, injected by the sidebar on every run (st.html with only a <style> takes no
space): long formulas wrap instead of being cut, the share box's copy button sits beside the
link, the chart toolbar stays off chart titles on a phone, and the presentation mode's larger,
blacker text for a washed-out projector.

Selectors are Streamlit's data-testid names and KaTeX's and Plotly's class names (stable across
their releases; e2e tests look at the result)."""

from __future__ import annotations

from collections.abc import Iterable

from ui.plots.colours import on_dark
from ui.plots.theme import DARK

# KaTeX sets display math `white-space: nowrap`, so a long formula ran out of its column and was
# cut (a derivative cut after a "+" reads as a wrong derivative). `normal` lets it break after
# relations and operators at the top level, as inline math does; what cannot break (one big
# bracket) scrolls instead of being cut.
FORMULAS = """
.katex-display > .katex { white-space: normal !important; }
.katex-display { overflow-x: auto; overflow-y: hidden; padding: 0.15em 0; }
@media (max-width: 640px) {
  /* Centred, a piece wider than a phone overflowed on both sides, and the left side cannot be
     scrolled to. */
  .katex-display > .katex { text-align: left !important; }
}
"""

# The copy button sits in the code block's top right corner and covered the end of the link's
# first line when hovered: the link keeps that corner free.
SHARE_BOX = """
.st-key-share_link pre { padding-right: 3rem !important; }
"""

# Streamlit leaves about 6rem above every page's title: 100-160 px of nothing on a projector.
PAGE_TOP = """
[data-testid="stMainBlockContainer"] { padding-top: 3.5rem !important; }
"""

# On a phone a chart's toolbar lay over its title and legend: there it gets a strip of its own
# above the chart.
PHONE_TOOLBAR = """
@media (max-width: 640px) {
  .js-plotly-plot { margin-top: 34px; }
  .js-plotly-plot .modebar-container { top: -34px !important; }
}
"""

# Presentation mode: larger text everywhere (Streamlit sizes in rem), black text instead of
# grey captions and tinted alert text, thicker focus rings.
PRESENT = """
html { font-size: 22px !important; }
[data-testid="stMain"] p, [data-testid="stMain"] li,
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] *,
[data-testid="stAlertContentWarning"] *, [data-testid="stAlertContentInfo"] *,
[data-testid="stAlertContentError"] *, [data-testid="stAlertContentSuccess"] * {
  color: #000000 !important;
}
[data-testid="stCaptionContainer"] { font-size: 1rem !important; opacity: 1 !important; }
.katex { font-size: 1.3em; }
:focus-visible { outline: 4px solid #1f4fd1 !important; outline-offset: 2px; }
"""


def app_style(present: bool = False) -> str:
    """The <style> element for this run: the presentation rules only in presentation mode."""
    rules = FORMULAS + SHARE_BOX + PAGE_TOP + PHONE_TOOLBAR + (PRESENT if present else "")
    return f"<style>{rules}</style>"


# -- the look: text size and dark theme (theme=dark, font=1.25 in the link; ui/shell/look.py) ---
# Kept apart from app_style so that each can change without the other.
BASE_FONT_PX, PRESENT_FONT_PX = 18, 22  # .streamlit/config.toml baseFontSize; PRESENT above
PHONE_MAX_FONT_PX = 22  # the text size's ceiling on a screen narrower than 640 px

# In the dark theme, presentation mode's black text (PRESENT) is white instead.
DARK_PRESENT = """
[data-testid="stMain"] p, [data-testid="stMain"] li,
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] *,
[data-testid="stAlertContentWarning"] *, [data-testid="stAlertContentInfo"] *,
[data-testid="stAlertContentError"] *, [data-testid="stAlertContentSuccess"] * {
  color: #ffffff !important;
}
"""


# The charts let the browser scroll the page on a vertical swipe (ui/shell/look.js keeps the
# touches from Plotly, which would cancel them).
TOUCH = """
.js-plotly-plot, .js-plotly-plot .draglayer, .js-plotly-plot .gl-container,
.js-plotly-plot canvas { touch-action: pan-y !important; }
@media (max-width: 640px) {
  /* PHONE_TOOLBAR's strip above a chart made st.plotly_chart's fixed-height box scroll inside
     itself (a swipe there scrolled the box, not the page): the box grows to hold it. */
  [data-testid="stElementContainer"]:has(> [data-testid="stFullScreenFrame"] .js-plotly-plot),
  [data-testid="stElementContainer"] > [data-testid="stFullScreenFrame"]:has(.js-plotly-plot),
  [data-testid="stFullScreenFrame"] .js-plotly-plot {
    height: auto !important; overflow: visible !important;
  }
}
"""


# Descent's play controls (pages/descent/race_chart.js) write their step count in near-black.
DARK_CONTROLS = """
.race-controls, .race-controls label, .race-controls output { color: #eeeeee !important; }
"""


def look_style(
    theme: str, font: float, present: bool = False, formula_colours: Iterable[str] = ()
) -> str:
    """The <style> for this session's look: the text size, and in the dark theme the formulas'
    colours (KaTeX writes \\color{#b84c00} as an inline style) made readable on the dark page."""
    rules = [TOUCH]
    size = (PRESENT_FONT_PX if present else BASE_FONT_PX) * font
    if font != 1.0:
        rules.append(f"html {{ font-size: {size:g}px !important; }}")
        if size > PHONE_MAX_FONT_PX:
            # A phone is held close: 200% text broke "Explore" in two on a 390 px screen.
            phone = f"html {{ font-size: {PHONE_MAX_FONT_PX:g}px !important; }}"
            rules.append(f"@media (max-width: 640px) {{ {phone} }}")
    if theme == DARK:
        rules.append(DARK_CONTROLS)
        if present:
            rules.append(DARK_PRESENT)
        for colour in sorted(formula_colours):
            lighter = on_dark(colour)
            if lighter != colour:
                rules.append(f'.katex [style*="{colour}"] {{ color: {lighter} !important; }}')
    return f"<style>{''.join(rules)}</style>"
