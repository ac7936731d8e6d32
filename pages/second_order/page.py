"""Second order: the critical points and the second-derivative test, the quadratic Taylor
approximation against the tangent plane, and the directional derivative."""

import math

import streamlit as st

from pages.second_order import settings as second_order_state
from pages.second_order.settings import PREFIX, RADII
from pages.second_order.style import QUADRATIC
from pages.second_order.words import (
    KIND_GLYPH,
    LONG_FORMULA,
    critical_rows,
    critical_summary,
    directional_latex,
    error_rows,
    order_sentence,
    place_name,
    table_points,
    taylor_numbers,
)
from pages.second_order.work import second_order_shared, taylor_latex
from ui.plots.colours import PLANE
from ui.plots.contour import CONTOUR_HEIGHT
from ui.plots.surface import SURFACE_HEIGHT
from ui.shell.chart_text import (
    arrow_rows,
    curve_sentence,
    data_table,
    describe_chart,
    number,
    point_rows,
    point_sentence,
    sampled_rows,
    trace_xy,
)
from ui.shell.live_chart import Moved, live_chart, live_engine, live_grid
from ui.shell.look import themed_chart
from ui.shell.quiz import hidden, quiz_note
from ui.shell.sidebar import page_start, set_point
from ui.shell.text import coloured, plain
from ui.shell.view import MAX_COORDINATE

GO_TO = "second_go_to"
ERROR_MAP_KEYS = ("second_error_linear", "second_error_quadratic")  # |f − L|, |f − Q|
# Every chart that shows the point is a live chart (ui.shell.live_chart): mounted once, the point
# moved in the browser while it is dragged, the 3D camera kept; the page loads the charts' module
# once (live_engine) and sends the grid once for all five (live_grid).
LABELS = {
    "critical_contour": "The contour map of f with the critical points in the window and the point",
    "critical_surface": "The surface of f in 3D with every critical point and the point",
    "quadratic_surface": "The surface of f with the quadratic Taylor polynomial Q around the point",
    "direction_contour": "The contour map of f with the point, the gradient and the direction u",
    "direction_surface": "The surface of f cut by the vertical plane along u through the point",
}

explorer = page_start("Second order: curvature, Taylor and directions", second_order_state)
view, f, settings = explorer.view, explorer.function, explorer.settings
if hidden(view, f):
    # Every section is written with the first derivatives (Taylor's plane, ∇f, the critical
    # points where ∇f = 0) and the charts evaluate them in the browser: a quiz opens it after.
    why = (
        "This page is written with them (Taylor's plane, ∇f, the critical points where ∇f = 0), "
        "so it opens when both are answered."
    )
    quiz_note(f, hidden(view, f), key="second_order_give_up", why=why)
    st.stop()
st.caption(
    "Drag the point on a contour map, click a map or a surface to move it there, or focus a "
    "chart and use the arrow keys (drag a surface to rotate it)."
)

drawn = second_order_shared(f, view, settings)
grid, point = drawn.grid, drawn.point
live_engine()
live_grid(drawn.grid_part)

# Each block whose length varies sits in a container of its own: an element's place on the page
# is its identity, and a live chart that moved down one place would be mounted anew (a new
# WebGL context) when, say, a click brings a notice.
with st.container():
    if grid.z_range is None:
        st.error(
            "f is undefined everywhere in this window, so there is no surface to draw. "
            "Try a larger window, or another function."
        )
    elif grid.undefined_share > 0.005:
        st.caption(f"f is undefined on {grid.undefined_share:.0%} of this window (the holes).")
    if not view.point_in_window:
        st.caption("The point is outside the window: widen the window to see it on the charts.")
    if not math.isfinite(point.value):
        st.info(
            "f is undefined at the point, so nothing is drawn there: no tangent plane, no "
            "quadratic and no directional derivative. Click where the surface is to move the "
            "point."
        )


def moved(to: Moved) -> None:
    set_point(to.x, to.y)


def chart(name: str, words: str = "") -> None:
    """Live chart `name` of the page, in a container keyed second_<name>; `words`: what it
    shows at this point, for its accessible name (ui.shell.chart_text)."""
    live = drawn.live[name]
    height = SURFACE_HEIGHT if name.endswith("surface") else CONTOUR_HEIGHT
    with st.container(key=f"second_{name}"):
        live_chart(
            f"second_{name}_live",
            base=live.base,
            point=live.point,
            on_move=moved,
            height=height,
            label=LABELS[name],
            light=True,
            description=words or point_sentence(point),
        )


# --- 1. Critical points ---------------------------------------------------------------------------

st.header("1. Critical points", divider="gray")
st.markdown(
    "Where **∇f = 0** the surface is flat. The Hessian H (the second partials) decides what "
    "kind of flat: its eigenvalues are the surface's curvatures along its two main directions."
)
critical = drawn.critical
summary = critical_summary(critical)
critical_words = f"{summary} {point_sentence(point)}"
left, right = st.columns(2, gap="medium")
with left:
    chart("critical_contour", critical_words)
with right:
    chart("critical_surface", critical_words)
legend = " · ".join(f"{glyph} {kind}" for kind, glyph in KIND_GLYPH.items())
st.caption(f"Markers: {legend}. Hollow: one sample of a curve of critical points.")

with st.container():
    if critical:
        st.markdown(f"**{plain(summary)}**")
    else:
        st.info(plain(summary))
    if critical and critical.note and not critical.continuum:
        st.caption(plain(critical.note))


def go_to_critical(points: list[tuple[float, float]]) -> None:
    """Move the point to the critical point picked in the menu (a callback: it runs before the
    sidebar draws its inputs), then clear the menu."""
    index = st.session_state.get(GO_TO)
    if index is not None and 0 <= index < len(points):
        for name, value in zip(("x0", "y0"), points[index], strict=True):
            exact = min(max(float(f"{value:.10g}"), -MAX_COORDINATE), MAX_COORDINATE)
            st.session_state[name] = exact + 0.0
    st.session_state[GO_TO] = None


with st.container():
    if critical:
        listed = table_points(critical)
        # As Arrow columns: given a dict, st.table builds a pandas DataFrame first on every run.
        st.table(arrow_rows(critical_rows(listed, grid)), hide_index=True)
        more = ""
        if len(listed) < len(critical):
            more = f" {len(listed)} of the {len(critical)} points on the map are listed."
        st.caption(f"λ₁ ≤ λ₂: the Hessian's eigenvalues.{more}")
        st.selectbox(
            "Move the point to a critical point",
            range(len(listed)),
            index=None,
            key=GO_TO,
            format_func=lambda i: place_name(listed[i]),
            placeholder="Choose one…",
            on_change=go_to_critical,
            args=([(p.x, p.y) for p in listed],),
        )
data_table("the point and its kind", critical_words, {"": point_rows(point)})

# --- 2. The quadratic approximation ------------------------------------------------------------

st.header("2. The quadratic (Taylor) approximation", divider="gray")
st.markdown(
    "The tangent plane **L** matches f's value and slopes at the point; the quadratic **Q** "
    "also matches its curvature (the second partials). Near the point, Q hugs the surface far "
    "more closely than L."
)
taylor = taylor_latex(f, point.x, point.y)
L, Q = coloured(PLANE, "L"), coloured(QUADRATIC, "Q")
with st.container():
    if taylor.not_ready:
        plane, full = taylor_numbers(drawn.quadratic)
        st.latex(rf"{L}(x, y) \approx {plane}")
        if drawn.quadratic.defined:
            st.latex(rf"{Q}(x, y) \approx {full.replace('L(x, y)', f'{L}(x, y)')}")
        else:
            st.info("No quadratic here: a second partial of f is undefined at the point.")
        st.caption(taylor.not_ready)
    elif taylor.plane is None:
        st.info(
            "No tangent plane and no quadratic here: f or its first partials are undefined at the "
            "point."
        )
    elif taylor.quadratic is None:
        st.latex(rf"{L}(x, y) = {taylor.plane}")
        st.info("No quadratic here: a second partial of f is undefined at the point.")
    elif taylor.rational and len(taylor.plane) + len(taylor.quadratic) <= LONG_FORMULA:
        st.latex(rf"{L}(x, y) = {taylor.plane}")
        st.latex(rf"{Q}(x, y) = {taylor.quadratic.replace('L(x, y)', f'{L}(x, y)')}")
    else:
        plane, full = taylor_numbers(drawn.quadratic)
        st.latex(rf"{L}(x, y) \approx {plane}")
        st.latex(rf"{Q}(x, y) \approx {full.replace('L(x, y)', f'{L}(x, y)')}")
        with st.expander("The exact L and Q"):
            st.latex(rf"L(x, y) = {taylor.plane}")
            st.latex(rf"Q(x, y) = {taylor.quadratic}")

left, right = st.columns(2, gap="medium")
errors = drawn.errors
taylor_words = point_sentence(point)
if errors is not None and errors.linear_defined:
    taylor_words = f"{order_sentence(errors)} {taylor_words}"
with left:
    chart("quadratic_surface", taylor_words)
    st.caption("Click “tangent plane L” in the legend to draw L beside Q.")
with right:
    st.select_slider(
        "Radius of the neighbourhood (the patch and the error maps)",
        options=RADII,
        key=PREFIX + "radius",
        persist_state="session",
        format_func=lambda r: f"{r:g}",
        help="Half the width of the square around the point.",
    )
    if errors is None:
        st.info(
            "This radius is too small to draw this far from the origin (float64 cannot tell "
            "the points apart). Pick a larger radius."
        )
    elif errors.linear_defined:  # otherwise the sentence above says why there is no L or Q
        st.markdown(plain(order_sentence(errors)))
        lines = ["| distance d | largest \\|f − L\\| | largest \\|f − Q\\| |", "|---|---|---|"]
        lines += [f"| {d} | {a} | {b} |" for d, a, b in error_rows(errors)]
        st.markdown("\n".join(lines))
        st.caption("The largest error on the circle of radius d around the point.")
        distances = [
            {"distance d": d, "largest |f − L|": a, "largest |f − Q|": b}
            for d, a, b in error_rows(errors)
        ]
        data_table("the quadratic and its errors", taylor_words, {"": distances})

with st.container():
    if drawn.error_maps is not None:
        describe_chart(
            "Two maps around the point on one colour scale in powers of ten: |f − L|, the "
            "tangent plane's error, and |f − Q|, the quadratic's, far smaller near the point. "
            + (order_sentence(errors) if errors is not None else "")
        )
        # Side by side on a wide screen, one above the other on a phone (the columns stack).
        # |f − Q|'s column is wider by about its colour bar (85 px of 460 at 1366x768), so that
        # side by side the two maps are drawn the same size.
        columns = st.columns([4, 5], gap="medium")
        for column, figure, key in zip(columns, drawn.error_maps, ERROR_MAP_KEYS, strict=True):
            themed_chart(column, figure, key=key)
        st.caption(
            "One colour scale for both maps, in powers of ten: around the point |f − Q| is far "
            "darker (smaller) than |f − L|. Dark lines are where f crosses L or Q (the error "
            "changes sign)."
        )

# --- 3. The directional derivative -------------------------------------------------------------

st.header("3. The directional derivative", divider="gray")
st.markdown(
    "The slope of the surface in the direction of a unit vector **u** is D_u f = ∇f · u: "
    "largest along ∇f (|∇f|), zero along the level curve, smallest against ∇f."
)


def along_gradient() -> None:
    if point.gradient_angle is not None:
        st.session_state[PREFIX + "angle"] = round(math.degrees(point.gradient_angle)) % 360


# The angle's slider sits right above what it moves: D_u f in numbers (the full width, so the
# sum is never cut), its profile over the angle and the map's arrow u side by side; the surface
# and the flat slice follow right under them.
slider, button, _ = st.columns([2, 1, 1], vertical_alignment="bottom")
slider.slider(
    "Direction θ of u (degrees from the x axis)",
    0,
    359,
    step=1,
    key=PREFIX + "angle",
    persist_state="session",
    help="Arrow keys step by one degree.",
)
button.button(
    "Point u along ∇f",
    key="second_along_gradient",
    on_click=along_gradient,
    disabled=point.gradient_angle is None,
    help="The direction of steepest ascent, rounded to a whole degree.",
)
with st.container():
    for line in directional_latex(point, drawn.angle, drawn.slope):
        st.latex(line)
direction_words = (
    f"The direction u at {drawn.angle}° from the x axis: D_u f = {number(drawn.slope)}. "
    + point_sentence(point)
)
angles, slopes = trace_xy(drawn.profile_figure, "profile")
profile_words = curve_sentence(
    "D_u f against the angle θ of u", "θ (degrees)", angles, slopes, drawn.angle, drawn.slope
)
along, values = trace_xy(drawn.direction_slice, "slice")
slice_words = curve_sentence(
    "The slice of f along u through the point", "the distance s along u", along, values
)
profile_column, map_column = st.columns(2, gap="medium")
with profile_column:
    describe_chart(profile_words)
    themed_chart(st, drawn.profile_figure, key="second_profile")
with map_column:
    chart("direction_contour", direction_words)
left, right = st.columns(2, gap="medium")
with left:
    chart("direction_surface", direction_words)
with right:
    describe_chart(slice_words)
    themed_chart(st, drawn.direction_slice, key="second_direction_slice")
st.caption("Blue: u, the line along it and the slice it cuts. Magenta: ∇f.")
data_table(
    "the direction u",
    f"{direction_words} {profile_words} {slice_words}",
    {
        "D_u f against θ": sampled_rows(angles, slopes, "θ (degrees)", "D_u f", count=13),
        "f along u": sampled_rows(along, values, "s", "f"),
    },
)
