"""The shared sidebar: the function, the gallery, the point, the window, and the link.

Every control's session key is the View field it sets. The link is read once per session
(`load_link`), then every run rebuilds the View from the controls (`render`) and writes it back to
the URL, so the address bar always restores what is on screen, on every page.
"""

from __future__ import annotations

import dataclasses
import logging
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import streamlit as st

from core import ExpressionError, Function
from core.levels import AUTO, MAX_LEVELS, MIN_LEVELS
from ui.plots.theme import DARK, FONT_STEP, LIGHT, MAX_FONT, MIN_FONT
from ui.shell.cache import function_for
from ui.shell.formulas import fit_formulas
from ui.shell.keyboard import keyboard_help
from ui.shell.link import PageSettings, from_session, session_values
from ui.shell.look import theme_switch
from ui.shell.presets import BY_NAME, PRESETS, preset_for
from ui.shell.quiz import QUIZ_KEEPS_OUT
from ui.shell.share import qr_png
from ui.shell.style import app_style, dark_formula_style, look_style
from ui.shell.text import TEXT_COLOURS, plain, show_expression_error
from ui.shell.view import (
    DEFAULT,
    FIELDS,
    MAX_COORDINATE,
    MAX_RESOLUTION,
    MIN_RESOLUTION,
    PARAMETER_RANGE,
    PARAMETER_VALUE,
    RESOLUTION_STEP,
    Sliders,
    View,
    from_query,
    parameter_values,
    range_key,
    range_problem,
    share_link,
    slider,
    to_query,
    value_key,
    window_problem,
)

log = logging.getLogger(__name__)

LOADED = "_link_loaded"
NOTICES = "_link_notices"
LINK_VIEW = "_link_view"
OPENING_LINK = "_opening_link"
LAST_GOOD_FUNCTION = "_last_good_function"
LAST_GOOD_WINDOW = "_last_good_window"
PRESET = "preset"
SYNTAX_HELP = (
    "Products: `2x`, `x y` or `x*y`. Powers: `x^2`. Functions: `sin(x)`, `exp(-x^2)`, `sqrt`, "
    "`log`, `abs`, `atan2(y, x)`. Constants: `pi`, `e`. Parameters, each with a slider: "
    "`a b c d k m n p q r s t u v w` and `alpha beta gamma lambda mu sigma omega theta` "
    "(write `a x`, `ax` or `a*x`; two parameters side by side need a space: `a b`). "
    "The formula is checked as you type."
)
GREEK_LETTERS = {
    "alpha": "\u03b1",
    "beta": "\u03b2",
    "gamma": "\u03b3",
    "lambda": "\u03bb",
    "mu": "\u03bc",
    "sigma": "\u03c3",
    "omega": "\u03c9",
    "theta": "\u03b8",
}


@dataclass(frozen=True)
class Explorer:
    """What a page needs from the sidebar: the view, and the function it draws (or why not)."""

    view: View
    function: Function | None  # the typed formula, or the last one that worked
    error: ExpressionError | None  # why the typed formula is not the one drawn
    notices: tuple[str, ...]  # problems with the link this session was opened from
    settings: Any = None  # the page's own settings (see ui/shell/link.py), if it has any
    # An empty sidebar container under each parameter's slider, for a page that can play it
    # (Explore puts its ▶ there: ui/shell/sweep.py)
    sweep_slots: Mapping[str, Any] = field(default_factory=dict)


def load_link() -> None:
    """Once per session: the controls start from the link (bad parts replaced and explained)."""
    if st.session_state.get(LOADED):
        return
    opening = st.query_params.to_dict()
    st.session_state[OPENING_LINK] = opening
    view, notices = from_query(opening)
    for name in FIELDS:
        st.session_state[name] = getattr(view, name)
    st.session_state[LOADED] = True
    st.session_state[NOTICES] = tuple(notices)
    st.session_state[LINK_VIEW] = view
    st.session_state[LAST_GOOD_WINDOW] = (view.xmin, view.xmax, view.ymin, view.ymax)
    load_sliders(view)
    _restore_gallery_name(view)
    if view.present:
        st.session_state[COLLAPSE] = True


def _restore_gallery_name(view: View) -> None:
    """A link to a gallery function shows the gallery's name again (the link has the formula)."""
    preset = preset_for(view.f)
    if preset is not None:
        st.session_state[PRESET] = preset.name


def apply_preset() -> None:
    preset = BY_NAME.get(st.session_state.get(PRESET))
    if preset is None:
        return
    xmin, xmax, ymin, ymax = preset.window
    values = dict(f=preset.f, x0=preset.x0, y0=preset.y0, xmin=xmin, xmax=xmax)
    values |= dict(ymin=ymin, ymax=ymax)
    for name, value in values.items():
        st.session_state[name] = float(value) if name != "f" else value
    for name, value, *given_range in preset.parameters:
        set_slider(name, value, tuple(given_range or PARAMETER_RANGE))


def set_point(x: float, y: float) -> None:
    """Move the point (from a click): rounded to what the window can show, kept in range."""
    view = current_view()
    st.session_state["x0"] = snap(x, view.xmax - view.xmin)
    st.session_state["y0"] = snap(y, view.ymax - view.ymin)


# -- undo (issue 14): the points this session visited, newest last --------------------------------
POINT_HISTORY = "_point_history"
HISTORY_LENGTH = 50


def remembered(
    history: Sequence[tuple[float, float]], point: tuple[float, float], length: int = HISTORY_LENGTH
) -> list[tuple[float, float]]:
    """`history` with `point` added unless it is already the last one, the oldest dropped beyond
    `length`."""
    points = list(history)
    if not points or points[-1] != point:
        points.append(point)
    return points[-length:]


def undo_point() -> None:
    """Back to the point before the last move (a button's callback: before the widgets exist)."""
    history = st.session_state.get(POINT_HISTORY, [])
    if len(history) < 2:
        return
    history.pop()
    st.session_state["x0"], st.session_state["y0"] = history[-1]


def snap(value: float, width: float) -> float:
    """`value` rounded to about a thousandth of `width`: a click is not more precise than that."""
    decimals = max(0, 3 - math.floor(math.log10(width))) if width > 0 else 3
    return min(max(round(float(value), decimals), -MAX_COORDINATE), MAX_COORDINATE) + 0.0


def current_view() -> View:
    """The View from the controls' session values (the window: the last valid one)."""
    values = {name: st.session_state.get(name, getattr(DEFAULT, name)) for name in FIELDS}
    window = st.session_state.get(LAST_GOOD_WINDOW, (*DEFAULT.xlim, *DEFAULT.ylim))
    values.update(zip(("xmin", "xmax", "ymin", "ymax"), window, strict=True))
    values["f"] = str(values["f"] or "")
    values["parameters"] = sliders_from_session()
    return View(**values)


def load_page_link(page: PageSettings) -> None:
    """The first time a page runs in a session: its controls start from the opening link."""
    loaded = f"_page_link_{page.PREFIX}"
    if loaded in st.session_state:
        return
    settings, notices = page.from_query(st.session_state.get(OPENING_LINK, {}))
    st.session_state.update(session_values(settings, page.PREFIX))
    st.session_state[loaded] = (settings, tuple(notices))


def render(page: PageSettings | None = None, chart_switches: bool | None = None) -> Explorer:
    """Draw the sidebar and return what the page should show (with `page`'s own settings). The
    slice, plane and field switches show where they act (`chart_switches`; by default with no
    page settings, as Explore has none); elsewhere their values stay in the session and link."""
    load_link()
    # First, before the page's charts: the browser may reload to show the link's theme.
    theme_switch(str(st.session_state.get("theme")))
    collapse_if_presenting()
    settings, page_query, page_notices = None, {}, ()
    if page is not None:
        load_page_link(page)
        settings = from_session(page, st.session_state)
        page_query = page.to_query(settings)
        link_settings, page_notices = st.session_state[f"_page_link_{page.PREFIX}"]
        if settings != link_settings:
            page_notices = ()
    sidebar = st.sidebar
    _sync_gallery()
    sidebar.selectbox(
        "Gallery",
        [preset.name for preset in PRESETS],
        index=None,
        key=PRESET,
        persist_state="session",
        placeholder="Choose a function…",
        on_change=apply_preset,
        help="Functions worth showing a class; each opens at a point that tells its story.",
    )
    text = sidebar.text_input(
        "f(x, y) =",
        key="f",
        persist_state="session",
        live="400ms",
        placeholder="for example x^2 y + y^3",
        help=SYNTAX_HELP,
    )
    function, error = _function_from(text or "")
    sweep_slots = parameter_sliders(function)

    left, right = sidebar.columns(2)
    point = dict(min_value=-MAX_COORDINATE, max_value=MAX_COORDINATE, step=0.1, format="%g")
    left.number_input(
        "x₀",
        key="x0",
        persist_state="session",
        **point,
        help="Or click the surface or the contour map.",
    )
    right.number_input("y₀", key="y0", persist_state="session", **point)
    history = remembered(
        st.session_state.get(POINT_HISTORY, []),
        (float(st.session_state["x0"]), float(st.session_state["y0"])),
    )
    st.session_state[POINT_HISTORY] = history
    sidebar.button(
        "Undo point move",
        on_click=undo_point,
        disabled=len(history) < 2,
        icon=":material/undo:",
        key="undo_point",
        help="Back to the point before the last move (a click, a drag, the arrow keys or typing).",
    )

    with sidebar.expander("Window and resolution"):
        _window_inputs()
        st.slider(
            "Resolution (points per side)",
            MIN_RESOLUTION,
            MAX_RESOLUTION,
            step=RESOLUTION_STEP,
            key="resolution",
            persist_state="session",
            help="More points draw finer detail but take longer to send to the browser.",
        )
        _level_inputs()
    if page is None if chart_switches is None else chart_switches:
        sidebar.toggle(
            "Tangent slices",
            key="slices",
            persist_state="session",
            help="The curves cut by x = x₀ and y = y₀.",
        )
        sidebar.toggle("Tangent plane", key="plane", persist_state="session")
        sidebar.toggle(
            "Gradient field",
            key="field",
            persist_state="session",
            help="Arrows of ∇f on the contour map.",
        )
    _presentation_toggle()
    _look_inputs()

    view = current_view()
    st.html(app_style(view.present))
    keyboard_help()
    fit_formulas()
    st.html(look_style(view.theme, view.font, view.present, TEXT_COLOURS))
    _write_link(view, page_query)
    _share_box(view, page_query)
    notices = st.session_state.get(NOTICES, ())
    if view != st.session_state.get(LINK_VIEW):
        notices = ()  # the person has moved on from the link: its problems no longer apply
    return Explorer(
        view=view,
        function=function,
        error=error,
        notices=(*notices, *page_notices),
        settings=settings,
        sweep_slots=sweep_slots,
    )


def _sync_gallery() -> None:
    """Show the preset's name while its formula is the one typed; otherwise the placeholder."""
    chosen = BY_NAME.get(st.session_state.get(PRESET))
    if chosen is not None and preset_for(str(st.session_state.get("f") or "")) != chosen:
        st.session_state[PRESET] = None


def _function_from(text: str) -> tuple[Function | None, ExpressionError | None]:
    """The typed function, echoed in LaTeX; or its error, and the last function that worked."""
    sidebar = st.sidebar
    if not text.strip():
        sidebar.info("Type a function of x and y, for example `x^2 y + y^3`.")
        return _last_good(), None
    try:
        function = function_for(text, parameter_values(current_view()))
    except ExpressionError as error:
        with sidebar:
            show_expression_error(error)
        return _last_good(), error
    except Exception:
        # A bug, not the person's fault: say so kindly, keep the details in the server log.
        log.exception("building %r failed", text[:200])
        sidebar.error(
            "Something went wrong on our side with that formula. Try writing it another way."
        )
        return _last_good(), None
    sidebar.latex(rf"f(x, y) = {function.latex}")
    st.session_state[LAST_GOOD_FUNCTION] = function.text  # as typed: people never see Python syntax
    return function, None


def _last_good() -> Function | None:
    text = st.session_state.get(LAST_GOOD_FUNCTION, DEFAULT.f)
    try:
        return function_for(text, parameter_values(current_view()))
    except Exception:
        log.exception("the last good function %r no longer builds", text[:200])
        return None


# -- parameters (issue 13): a slider per parameter of the formula, its range editable -----------
# Session keys: value_key(name) (p_a) is the slider; range_key(name) (p_a_range) the last valid
# (low, high, step); p_a_low, p_a_high, p_a_step the inputs that edit it.


def _edit_keys(name: str) -> tuple[str, str, str]:
    return tuple(f"{value_key(name)}_{part}" for part in ("low", "high", "step"))


def set_slider(name: str, value: float, given_range: tuple[float, float, float]) -> None:
    """One parameter's slider (its value, range and range inputs) in session state."""
    st.session_state[value_key(name)] = float(value)
    st.session_state[range_key(name)] = tuple(float(part) for part in given_range)
    for key, part in zip(_edit_keys(name), given_range, strict=True):
        st.session_state[key] = float(part)


def load_sliders(view: View) -> None:
    """Every parameter's slider from the link (load_link: once per session). Only those the link
    moves from the default are written: the others read as the default, and each of the five
    keys of each of the 25 names was a key that every keyed widget's run read again (Streamlit
    copies the whole session state per widget: 125 of a session's 170 keys, issue 15). A value
    with the default range writes the value alone: its range and the range's three inputs read as
    the default too, so a link that moves a value leaves the session no larger than a link that
    moves the point (four more keys, each read and copied by every widget of the run)."""
    for name in parameter_values(view):
        value, *given_range = slider(view, name)
        if tuple(given_range) != PARAMETER_RANGE:
            set_slider(name, value, tuple(given_range))
        elif value != PARAMETER_VALUE:
            st.session_state[value_key(name)] = float(value)


def sliders_from_session() -> Sliders:
    """Every parameter's value and last valid range from session state."""
    values = {}
    for name in parameter_values(DEFAULT):
        values[value_key(name)] = float(st.session_state.get(value_key(name), PARAMETER_VALUE))
        values[range_key(name)] = tuple(st.session_state.get(range_key(name), PARAMETER_RANGE))
    return Sliders(**values)


def parameter_sliders(function: Function | None) -> dict[str, Any]:
    """One slider per parameter of the formula, in the order of Function.parameters, appearing
    as it is typed; under them, each slider's min, max and step (a bad range is explained and
    the last valid one kept). Returns an empty container under each slider, by name."""
    if function is None or not function.parameters:
        return {}
    sidebar = st.sidebar
    slots = {}
    problems = [problem for name in function.parameters if (problem := _checked_range(name))]
    for name in function.parameters:
        low, high, step = st.session_state.get(range_key(name), PARAMETER_RANGE)
        key = value_key(name)
        value = float(st.session_state.get(key, PARAMETER_VALUE))
        if key not in st.session_state or not low <= value <= high:
            # a slider the link left at its default, or a narrower range: the value moves in
            st.session_state[key] = min(max(value, low), high)
        sidebar.slider(
            f"{GREEK_LETTERS.get(name, name)} =",
            min_value=float(low),
            max_value=float(high),
            step=float(step),
            format=_slider_format(step),
            key=key,
            persist_state="session",
            help=f"The parameter {name} in f. Its range and step are under “Slider ranges”.",
        )
        slots[name] = sidebar.container()
    with sidebar.expander("Slider ranges", icon=":material/tune:"):
        for name in function.parameters:
            _range_inputs(name)
        for problem in problems:
            st.error(problem)
    return slots


def _checked_range(name: str) -> str | None:
    """The range typed in the inputs, kept when it can be a slider; else why not (in words)."""
    keys = _edit_keys(name)
    if not all(key in st.session_state for key in keys):
        return None
    typed = tuple(float(st.session_state[key]) for key in keys)
    problem = range_problem(*typed)
    if problem is None:
        st.session_state[range_key(name)] = typed
        return None
    low, high, step = st.session_state.get(range_key(name), PARAMETER_RANGE)
    return f"The range of {name} {problem}. Still using {low:g} to {high:g} in steps of {step:g}."


def _range_inputs(name: str) -> None:
    number = dict(min_value=-MAX_COORDINATE, max_value=MAX_COORDINATE, format="%g")
    low_key, high_key, step_key = _edit_keys(name)
    shown_range = st.session_state.get(range_key(name), PARAMETER_RANGE)
    for key, part in zip(_edit_keys(name), shown_range, strict=True):
        st.session_state.setdefault(key, float(part))
    shown = GREEK_LETTERS.get(name, name)
    low, high, step = st.columns(3)
    low.number_input(f"{shown} min", key=low_key, persist_state="session", step=0.5, **number)
    high.number_input(f"{shown} max", key=high_key, persist_state="session", step=0.5, **number)
    step.number_input(f"{shown} step", key=step_key, persist_state="session", step=0.01, **number)


def _slider_format(step: float) -> str:
    """As many decimals as the step has (0.1 -> %.1f, 0.05 -> %.2f, 1 -> %.0f)."""
    decimals = 0
    while decimals < 6 and abs(step * 10**decimals - round(step * 10**decimals)) > 1e-9:
        decimals += 1
    return f"%.{decimals}f"


def _window_inputs() -> None:
    bound = dict(min_value=-MAX_COORDINATE, max_value=MAX_COORDINATE, step=0.5, format="%g")
    left, right = st.columns(2)
    left.number_input("x min", key="xmin", persist_state="session", **bound)
    right.number_input("x max", key="xmax", persist_state="session", **bound)
    left.number_input("y min", key="ymin", persist_state="session", **bound)
    right.number_input("y max", key="ymax", persist_state="session", **bound)
    window = tuple(float(st.session_state[name]) for name in ("xmin", "xmax", "ymin", "ymax"))
    problems = [
        f"The {axis} window {problem}."
        for axis, (low, high) in (("x", window[:2]), ("y", window[2:]))
        if (problem := window_problem(low, high))
    ]
    if problems:
        last = st.session_state.get(LAST_GOOD_WINDOW)
        st.error(
            " ".join(problems) + f" Still showing x ∈ [{last[0]:g}, {last[1]:g}], "
            f"y ∈ [{last[2]:g}, {last[3]:g}]."
        )
    else:
        st.session_state[LAST_GOOD_WINDOW] = window


SPACING_WORDS = {
    AUTO: "Automatic",
    "even": "Evenly spaced",
    "quantile": "Equal areas (quantiles)",
    "log": "Log (crowd near the minimum)",
}


def _level_inputs() -> None:
    """The contour map's level curves: how many, and how they are spaced (core.levels)."""
    st.selectbox(
        "Contour spacing",
        list(SPACING_WORDS),
        format_func=SPACING_WORDS.get,
        key="spacing",
        persist_state="session",
        help="Evenly spaced levels can leave a minimum or a valley in one flat band. Quantiles "
        "give every band the same area; log crowds the levels toward the lowest value. "
        "Automatic uses quantiles when most of the window is far from the middle value.",
    )
    st.slider("Contour levels", MIN_LEVELS, MAX_LEVELS, key="levels", persist_state="session")


def _presentation_toggle() -> None:
    st.sidebar.toggle(
        "Presentation mode",
        key="present",
        persist_state="session",
        on_change=_collapse_for_presenting,
        help="For a projector: larger, blacker text and the sidebar out of the way (open it "
        "again with the arrow at the top left). In the link as present=1.",
    )


THEME_WORDS = {LIGHT: "Light", DARK: "Dark"}
STEPS = round((MAX_FONT - MIN_FONT) / FONT_STEP)
FONT_SIZES = tuple(round(MIN_FONT + step * FONT_STEP, 2) for step in range(STEPS + 1))


def _look_inputs() -> None:
    """The theme and the text size, side by side (in the link as theme=dark and font=1.25)."""
    theme, font = st.sidebar.columns(2)
    theme.selectbox(
        "Theme",
        list(THEME_WORDS),
        format_func=THEME_WORDS.get,
        key="theme",
        persist_state="session",
        help="Dark reads better on some projectors. Changing it reloads the page at this view. "
        "In the link as theme=dark.",
    )
    font.select_slider(
        "Text size",
        FONT_SIZES,
        format_func=lambda size: f"{size:.0%}",
        key="font",
        persist_state="session",
        help="Larger text on the page and in the charts. In the link as font=1.25.",
    )


def _collapse_for_presenting() -> None:
    if st.session_state.get("present"):
        st.session_state[COLLAPSE] = True


COLLAPSE = "_collapse_sidebar"


def collapse_if_presenting() -> None:
    """Presentation mode starts with the sidebar collapsed: when a link opens in it, and when
    it is switched on (once; the sidebar can be opened again)."""
    if st.session_state.pop(COLLAPSE, False):
        st.set_page_config(initial_sidebar_state="collapsed")


def _write_link(view: View, page_query: dict[str, str]) -> None:
    query = to_query(view) | page_query
    if st.query_params.to_dict() != query:
        st.query_params.from_dict(query)


def _share_box(view: View, page_query: dict[str, str]) -> None:
    # Tracked (on_change="rerun"), so the link's QR code is drawn and sent only while the box is
    # open: on every point move it cost about 35 ms of server time and a few KB of PNG.
    box = st.sidebar.expander(
        "Share this view", icon=":material/link:", key="share_open", on_change="rerun"
    )
    if not box.open:
        return
    with box:
        # The teacher's switch: only the shared link becomes a quiz, their own page shows all.
        quiz = st.toggle(
            "As a quiz",
            value=view.quiz,
            key="share_quiz",
            help="The link hides the exact derivatives until each student's answer on the "
            "Derivatives page is right (or they give up). In the link as quiz=1.",
        )
        if quiz:
            page_query = {k: v for k, v in page_query.items() if k not in QUIZ_KEEPS_OUT}
        link = share_link(_page_url(), dataclasses.replace(view, quiz=quiz), page_query)
        st.caption(
            "Anyone opening this link sees exactly this view"
            + (", the exact derivatives hidden until answered." if quiz else ".")
        )
        # Keyed, so ui/shell/style.py can keep the copy button beside the link instead of over it.
        with st.container(key="share_link"):
            st.code(link, language=None, wrap_lines=True)
        png = qr_png(link)
        if png is None:
            st.caption("This link is too long for a QR code.")
            return
        st.image(png, width=QR_WIDTH, alt="QR code of this view's link, for a phone to scan")
        if st.button("Show the QR code large", icon=":material/qr_code_2:", key="share_qr_large"):
            _large_qr(png)


QR_WIDTH = 200
LARGE_QR_WIDTH = 640


@st.dialog("Scan to open this view", width="large")
def _large_qr(png: bytes) -> None:
    # As large as a 1080-pixel-high projector shows whole under the dialog's title.
    st.image(png, width=LARGE_QR_WIDTH, alt="QR code of this view's link, for a phone to scan")


def _page_url() -> str:
    try:
        url = st.context.url
    except Exception:  # no browser behind this run (AppTest, bare mode)
        url = None
    return url or "http://localhost:8501/"


THIS_RUN = "_explorer"
STANDALONE_RUN = "_explorer_standalone"  # a page file run without app.py: for tests to read
RUN_SECONDS = "_run_seconds"
RUN_CPU_SECONDS = "_run_cpu_seconds"


def remember(explorer: Explorer) -> None:
    """Hand this run's sidebar result to the page (pages run after the sidebar, same session)."""
    st.session_state[THIS_RUN] = explorer


def this_run(page: PageSettings | None = None) -> Explorer:
    """What the sidebar decided in this run. A page run without the entry file (AppTest on a page
    file) draws the sidebar itself."""
    explorer = st.session_state.get(THIS_RUN)
    if explorer is None:
        # Drawn again on every such run (app.py is not there to drop a stale result).
        explorer = render(page)
        st.session_state[STANDALONE_RUN] = explorer
    return explorer


def page_start(title: str, page: PageSettings | None = None) -> Explorer:
    """A page's opening: its title, what the link could not use, and the function to draw. Stops
    the page (with a hint) when there is no function at all; says so when the sidebar's formula
    is broken and the last one that worked is drawn instead."""
    explorer = this_run(page)
    st.title(title)
    show_notices(explorer)
    if explorer.function is None:
        st.info("Type a function of x and y in the sidebar, or choose one from the gallery.")
        st.stop()
    if explorer.error is not None:
        st.warning(
            "The formula in the sidebar does not work yet (see why there). "
            f"Still showing the last one that did: {plain(explorer.function.text)}",
            icon=":material/edit_note:",
        )
    return explorer


def show_notices(explorer: Explorer) -> None:
    """What the link asked for that could not be used, under the page's title."""
    if explorer.notices:
        lines = "\n".join(f"- {plain(notice)}" for notice in explorer.notices)
        st.warning(f"Parts of this link could not be used:\n{lines}", icon=":material/link_off:")


def formula_colours() -> frozenset[str]:
    """The formula colours known so far (ui.shell.text.coloured adds each it is given)."""
    return frozenset(TEXT_COLOURS)


def lighten_new_formula_colours(known: frozenset[str]) -> None:
    """In the dark theme, lighten the formula colours the page used that the sidebar's style
    did not know yet: a page's own colours (Second order's Q and u, Derivatives' green) join
    TEXT_COLOURS only as the page first runs after a server start, after the sidebar drew."""
    added = TEXT_COLOURS - known
    if added and current_view().theme == DARK:
        st.sidebar.html(dark_formula_style(added))
