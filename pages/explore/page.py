"""Explore: the surface, the point, its two tangent slices, the gradient and the tangent plane."""

import streamlit as st

from pages.explore.exports import html_file, stl_file
from pages.explore.readout import show_readout
from pages.explore.work import chart_heights, explore_figures, server_grid
from ui.shell.chart_text import (
    contour_sentence,
    curve_sentence,
    data_table,
    describe_chart,
    number,
    point_rows,
    point_sentence,
    sampled_rows,
    surface_sentence,
    trace_xy,
)
from ui.shell.live_chart import Moved, live_chart
from ui.shell.look import themed_chart
from ui.shell.presets import BY_NAME
from ui.shell.quiz import hidden, quiz_note
from ui.shell.sidebar import page_start, set_point
from ui.shell.sweep import sweep_control
from ui.shell.text import plain
from ui.shell.view import slider

SURFACE, CONTOUR = "surface_chart", "contour_chart"

explorer = page_start("Explore f(x, y)")
view, f = explorer.view, explorer.function
preset = BY_NAME.get(st.session_state.get("preset"))
HOW = (
    "Drag the point on the surface or the map, click to move it there, or focus a chart and use "
    "the arrow keys (drag elsewhere to rotate the surface)."
)
secret = hidden(view, f)  # a quiz link's partials not yet answered (ui/shell/quiz.py)
# A link to a gallery function shows its story too, and still says how to move the point; not in
# a quiz, where the story may be the answer (the article's names both partials).
st.caption(f"{plain(preset.story)} {HOW}" if preset and not secret else HOW)

drawn = explore_figures(f, view, secret)
if drawn.contour_live.base["live"] is not None:  # the browser can evaluate f: it can play it
    for name, slot in explorer.sweep_slots.items():
        value, *slider_range = slider(view, name)
        with slot:
            sweep_control(name, value, tuple(slider_range))
grid = drawn.grid

# grid is None where the browser draws the surface (pages/explore/work.py, surface_in_browser): it
# writes how much of the window is undefined on the map itself.
if grid is None:
    pass
elif grid.z_range is None:
    st.error(
        "f is undefined everywhere in this window, so there is no surface to draw. "
        "Try a larger window, or another function."
    )
else:
    if grid.undefined_share > 0.005:
        st.caption(f"f is undefined on {grid.undefined_share:.0%} of this window (the holes).")
    if grid.clipped_share > 0:
        st.caption(
            f"{grid.clipped_share:.1%} of the window is cut away around poles, so that the "
            "surface shows its shape instead of a wall."
        )
if not view.point_in_window:
    st.caption("The point is outside the window: widen the window to see it on the charts.")


def moved(to: Moved) -> None:
    set_point(to.x, to.y)


surface_height, contour_height = chart_heights(view)
point, text = drawn.point, f.canonical_text
window = (text, view.xlim, view.ylim, point, secret)
CHARTS = (
    (SURFACE, drawn.surface_live, surface_height, "The surface of f in 3D with the point, its "
     "tangent slices and the gradient", surface_sentence(*window)),
    (CONTOUR, drawn.contour_live, contour_height, "The contour map of f with the point, the level "
     "curve through it and the gradient", contour_sentence(*window)),
)  # fmt: skip
# The 3D chart takes the larger share: its scene is drawn to the height its width allows.
columns = st.columns([3, 2], gap="medium")
for column, (key, live, height, label, words) in zip(columns, CHARTS, strict=True):
    with column, st.container(key=key):
        live_chart(
            f"{key}_live", base=live.base, point=live.point, on_move=moved, height=height,
            label=label, description=words,
        )  # fmt: skip
with columns[0]:
    data_table("the point", point_sentence(point, secret), {"": point_rows(point, secret)})

show_readout(f, point, secret)
if secret:
    quiz_note(f, secret, key="explore_give_up")

PANELS = (
    (drawn.x_panel, "x_slice", "x", f"f(x, {number(point.y)})", ("∂f/∂x", point.fx), point.x),
    (drawn.y_panel, "y_slice", "y", f"f({number(point.x)}, y)", ("∂f/∂y", point.fy), point.y),
)
for column, (figure, key, variable, name, slope, at) in zip(
    st.columns(2, gap="medium"), PANELS, strict=True
):
    with column:
        t, values = trace_xy(figure, "slice")
        # A quiz keeps the slope of a partial not yet earned out of the words.
        slope = None if variable in secret else slope
        words = curve_sentence(f"The slice {name}", variable, t, values, at, point.value, slope)
        describe_chart(words)
        themed_chart(st, figure, key=key)
        data_table(f"the slice {name}", words, {"": sampled_rows(t, values, variable, name)})

st.header("Take it with you")
st.caption(
    "The camera button on each chart saves it as a PNG at twice its size. The surface also "
    "downloads as a solid for a 3D printer (STL, 10 cm across, on a 5 mm base; where f is "
    "undefined it drops to the base), and the whole view as one web page that opens without a "
    "network."
)
stl_column, html_column = st.columns(2, gap="medium")
stl_column.download_button(
    "Surface for 3D printing (STL)",
    data=lambda: stl_file(grid if grid is not None else server_grid(f, view)),
    file_name="surface.stl",
    mime="model/stl",
    on_click="ignore",
    icon=":material/view_in_ar:",
    disabled=grid is not None and grid.z_range is None,
    key="export_stl",
)
html_column.download_button(
    "This view as a web page (HTML, works offline)",
    # A figure with every number in it (where the browser drew the surface, the server's now).
    data=lambda: html_file(
        f,
        view,
        drawn if grid is not None else explore_figures(f, view, secret, browser=False),
        secret,
    ),
    file_name="derivative-explorer-view.html",
    mime="text/html",
    on_click="ignore",
    icon=":material/download:",
    key="export_html",
)
