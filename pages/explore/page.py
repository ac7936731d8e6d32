"""Explore: the surface, the point, its two tangent slices, the gradient and the tangent plane."""

import streamlit as st

from pages.explore.exports import html_file, stl_file
from pages.explore.readout import show_readout
from pages.explore.work import chart_heights, explore_figures
from ui.shell.live_chart import Moved, live_chart
from ui.shell.look import themed_chart
from ui.shell.presets import BY_NAME
from ui.shell.sidebar import page_start, set_point
from ui.shell.text import plain

SURFACE, CONTOUR = "surface_chart", "contour_chart"

explorer = page_start("Explore f(x, y)")
view, f = explorer.view, explorer.function
preset = BY_NAME.get(st.session_state.get("preset"))
HOW = (
    "Drag the point on the surface or the map, click to move it there, or focus a chart and use "
    "the arrow keys (drag elsewhere to rotate the surface)."
)
# A link to a gallery function shows its story too, and still says how to move the point.
st.caption(f"{plain(preset.story)} {HOW}" if preset else HOW)

drawn = explore_figures(f, view)
grid = drawn.grid

if grid.z_range is None:
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
CHARTS = (
    (SURFACE, drawn.surface_live, surface_height, "The surface of f in 3D with the point, its "
     "tangent slices and the gradient"),
    (CONTOUR, drawn.contour_live, contour_height, "The contour map of f with the point, the level "
     "curve through it and the gradient"),
)  # fmt: skip
# The 3D chart takes the larger share: its scene is drawn to the height its width allows.
for column, (key, live, height, label) in zip(
    st.columns([3, 2], gap="medium"), CHARTS, strict=True
):
    with column, st.container(key=key):
        live_chart(
            f"{key}_live", base=live.base, point=live.point, on_move=moved, height=height,
            label=label,
        )  # fmt: skip

show_readout(f, drawn.point)

left, right = st.columns(2, gap="medium")
themed_chart(left, drawn.x_panel, key="x_slice")
themed_chart(right, drawn.y_panel, key="y_slice")

st.subheader("Take it with you")
st.caption(
    "The camera button on each chart saves it as a PNG at twice its size. The surface also "
    "downloads as a solid for a 3D printer (STL, 10 cm across, on a 5 mm base; where f is "
    "undefined it drops to the base), and the whole view as one web page that opens without a "
    "network."
)
stl_column, html_column = st.columns(2, gap="medium")
stl_column.download_button(
    "Surface for 3D printing (STL)",
    data=lambda: stl_file(grid),
    file_name="surface.stl",
    mime="model/stl",
    on_click="ignore",
    icon=":material/view_in_ar:",
    disabled=grid.z_range is None,
    key="export_stl",
)
html_column.download_button(
    "This view as a web page (HTML, works offline)",
    data=lambda: html_file(f, view, drawn),
    file_name="derivative-explorer-view.html",
    mime="text/html",
    on_click="ignore",
    icon=":material/download:",
    key="export_html",
)
