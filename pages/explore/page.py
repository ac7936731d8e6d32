"""Explore: the surface, the point, its two tangent slices, the gradient and the tangent plane."""

import streamlit as st

from pages.explore.readout import show_readout
from pages.explore.work import explore_figures
from ui.plots.config import PLOT_CONFIG
from ui.shell import bridge
from ui.shell.presets import BY_NAME
from ui.shell.sidebar import page_start, set_point
from ui.shell.text import plain

CLICKS, SURFACE, CONTOUR = "chart_clicks", "surface_chart", "contour_chart"

explorer = page_start("Explore f(x, y)")
view, f = explorer.view, explorer.function
preset = BY_NAME.get(st.session_state.get("preset"))
st.caption(
    plain(preset.story)
    if preset
    else "Click the surface or the contour map to move the point (drag to rotate the surface)."
)

drawn = explore_figures(f, view, camera=bridge.current_camera(CLICKS, SURFACE))
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

surface_column, contour_column = st.columns(2, gap="medium")
with surface_column, st.container(key=SURFACE):
    st.plotly_chart(drawn.surface, key="surface_figure", config=PLOT_CONFIG)
with contour_column, st.container(key=CONTOUR):
    st.plotly_chart(drawn.contour, key="contour_figure", config=PLOT_CONFIG)
bridge.chart_clicks(CLICKS, [SURFACE, CONTOUR], on_click=lambda click: set_point(click.x, click.y))

show_readout(f, drawn.point)

left, right = st.columns(2, gap="medium")
left.plotly_chart(drawn.x_panel, key="x_slice", config=PLOT_CONFIG)
right.plotly_chart(drawn.y_panel, key="y_slice", config=PLOT_CONFIG)
