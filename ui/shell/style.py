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
# relations and operators at the top level (and at \allowbreak), as inline math does; what
# cannot break (a fraction, Derivatives' aligned lines) is drawn smaller to fit, and what still
# does not fit scrolls with a visible cue (ui/shell/formulas.js).
FORMULAS = """
.katex-display > .katex { white-space: normal !important; }
.katex-display { overflow-x: auto; overflow-y: hidden; padding: 0.15em 0; }
/* Wrapped lines of tall pieces (fractions, exponents) touched: a little air between them. */
.katex-display > .katex > .katex-html > .base { margin-block: 0.12em; }
@media (max-width: 640px) {
  /* Centred, a piece wider than a phone overflowed on both sides, and the left side cannot be
     scrolled to. */
  .katex-display > .katex { text-align: left !important; }
}
/* A formula still wider than its column once drawn smaller (ui/shell/formulas.js sets data-more
   to the side it continues on): a phone draws no scrollbar until swiped, so the cut edge fades
   out and a hint under the formula says which way the rest lies. The mask, unlike a painted
   shadow, needs no knowledge of the page's colour (light or dark theme). */
.katex-display[data-more="right"] {
  -webkit-mask-image: linear-gradient(to right, #000 calc(100% - 2.5em), transparent);
  mask-image: linear-gradient(to right, #000 calc(100% - 2.5em), transparent);
}
.katex-display[data-more="left"] {
  -webkit-mask-image: linear-gradient(to left, #000 calc(100% - 2.5em), transparent);
  mask-image: linear-gradient(to left, #000 calc(100% - 2.5em), transparent);
}
.katex-display[data-more="both"] {
  -webkit-mask-image: linear-gradient(to right, transparent, #000 2.5em, #000 calc(100% - 2.5em),
    transparent);
  mask-image: linear-gradient(to right, transparent, #000 2.5em, #000 calc(100% - 2.5em),
    transparent);
}
.stMarkdown:has(.katex-display[data-more])::after {
  display: block; text-align: right; font-size: 0.8rem; line-height: 1.2; margin-top: -0.6em;
}
.stMarkdown:has(.katex-display[data-more="right"])::after {
  content: "scroll for the rest \\2192" / "";
}
.stMarkdown:has(.katex-display[data-more="left"])::after { content: "\\2190  scroll back" / ""; }
.stMarkdown:has(.katex-display[data-more="both"])::after { content: "\\2190  scroll  \\2192" / ""; }
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


# --- Keyboard focus (issue 14) ------------------------------------------------------------------
# Kept apart from the rest so that theme changes merge around it: a theme that darkens the page
# sets --focus-ring to a colour that holds 3:1 against its own background.
#
# Streamlit marks focus with a half-transparent blue shadow (2.3:1 on white) and its page links
# and switches with a faint tint (1.2:1). Here every focused control gets a solid 3 px ring,
# #1f4fd1 on white is 6.9:1. Where Streamlit hides the real input (switches, checkboxes, radio
# buttons) the ring goes on the visible label; text, number and select boxes ring their bordered
# box, since the input itself sits clipped inside it (Streamlit's react-aria boxes: the input's
# parent element).
FOCUS = """
:root { --focus-ring: #1f4fd1; }
:focus-visible {
  outline: 3px solid var(--focus-ring) !important;
  outline-offset: 2px !important;
}
[data-testid="stSidebarNavLink"]:focus-visible { outline-offset: -3px !important; }
/* A table or formula that scrolls (ui/shell/keyboard.js makes it a Tab stop): the ring inside it,
   where no parent's overflow can cut it off. */
[data-scroll-stop]:focus-visible { outline-offset: -3px !important; }
[data-testid="stCheckbox"] label:has(input:focus-visible),
[data-testid="stRadio"] label:has(input:focus-visible) {
  outline: 3px solid var(--focus-ring) !important;
  outline-offset: 2px;
  border-radius: 4px;
}
[data-testid="stCheckbox"] input:focus-visible,
[data-testid="stRadio"] input:focus-visible { outline: none !important; }
/* A text, number or select box: its input is clipped by the bordered box around it (its parent) */
div > input:not([type="checkbox"]):not([type="radio"]):not([type="range"]):focus-visible,
div > textarea:focus-visible { outline: none !important; }
div:has(> input:not([type="checkbox"]):not([type="radio"]):not([type="range"]):focus-visible),
div:has(> textarea:focus-visible) {
  outline: 3px solid var(--focus-ring) !important;
  outline-offset: 2px;
}
.react-aria-ComboBox > div:has(input:focus-visible) {
  outline: 3px solid var(--focus-ring) !important;
  outline-offset: 2px;
}
[data-testid="stMultiSelectTagsContainer"]:has(> input:focus-visible) { outline: none !important; }
/* A slider's input sits in a clipped wrapper inside its thumb: the thumb gets the ring */
[data-testid="stSlider"] input:focus-visible,
[data-testid="stSlider"] div:has(> input:focus-visible) { outline: none !important; }
[data-testid="stSlider"] div:has(> div > input:focus-visible) {
  outline: 3px solid var(--focus-ring) !important;
  outline-offset: 2px;
}
.js-plotly-plot .modebar-btn:focus-visible { outline-offset: 0 !important; }
/* A chart's toolbar and a heading's link icon are transparent until hovered: focused, they show
   at once (a fading transition outranks !important while it runs) */
.js-plotly-plot .modebar-group:has(.modebar-btn:focus-visible),
[data-testid="stHeaderActionElements"] a:focus-visible {
  opacity: 1 !important;
  transition: none !important;
}
"""

# A chart's words for assistive technology (ui/shell/chart_text.py: describe_chart): read, never
# seen, and its element takes no room in the column (no gap before the chart).
SCREEN_READER_ONLY = """
.chart-text, [data-testid="stElementContainer"]:has(> [data-testid="stHtml"] .chart-text) {
  position: absolute !important; width: 1px !important; height: 1px !important;
  margin: -1px !important; padding: 0 !important; overflow: hidden !important;
  clip-path: inset(50%) !important; white-space: nowrap !important; border: 0 !important;
}
"""


def focus_style() -> str:
    """The keyboard and screen reader rules (CSS text): one visible ring on every control, and
    the charts' words hidden from sight."""
    return FOCUS + SCREEN_READER_ONLY


def app_style(present: bool = False) -> str:
    """The <style> element for this run: the presentation rules only in presentation mode."""
    rules = FORMULAS + SHARE_BOX + PAGE_TOP + PHONE_TOOLBAR + focus_style()
    rules += PRESENT if present else ""
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
/* "Turn the view" on (ui/shell/look.js): one finger turns the scene, the page does not pan. */
.js-plotly-plot.turning, .js-plotly-plot.turning .draglayer, .js-plotly-plot.turning .gl-container,
.js-plotly-plot.turning canvas { touch-action: none !important; }
.js-plotly-plot:has(> .turn-view) { position: relative; }
.js-plotly-plot > .turn-view {
  position: absolute; top: 0; left: 0; z-index: 1002; min-height: 32px; padding: 2px 10px;
  font: 14px/1.2 sans-serif; border: 1px solid #555555; border-radius: 6px;
  background: #ffffff; color: #111111;
}
.js-plotly-plot > .turn-view[aria-pressed="true"] { background: #1f4fd1; color: #ffffff; }
@media (max-width: 640px) {
  .js-plotly-plot:has(> .turn-view) { position: relative; }
.js-plotly-plot > .turn-view { top: -34px; }
}
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
        rules += _lighter_formulas(formula_colours)
    return f"<style>{''.join(rules)}</style>"


def _lighter_formulas(colours: Iterable[str]) -> list[str]:
    rules = []
    for colour in sorted(colours):
        lighter = on_dark(colour)
        if lighter != colour:
            # KaTeX writes \color{#e8590c} as an inline style, which the browser keeps as
            # "color: rgb(232, 89, 12)": the hex form alone matched nothing.
            red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
            written = f'.katex [style*="{colour}"], .katex [style*="rgb({red}, {green}, {blue})"]'
            rules.append(f"{written} {{ color: {lighter} !important; }}")
    return rules


def dark_formula_style(colours: Iterable[str]) -> str:
    """The <style> that lightens these formula colours on the dark page (look_style's rules
    alone): for the colours a page first used after the sidebar's style was drawn."""
    return f"<style>{''.join(_lighter_formulas(colours))}</style>"
