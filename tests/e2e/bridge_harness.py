"""A minimal page for the click bridge's browser tests: a saddle as a surface and a contour.

Run by tests/e2e/test_bridge.py with `streamlit run tests/e2e/bridge_harness.py`.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # `ui` from the repository root

from ui.shell.bridge import ChartClick, chart_clicks, current_camera

BRIDGE = "bridge"
GRID = np.linspace(-2.0, 2.0, 41)  # grid step 0.1
X, Y = np.meshgrid(GRID, GRID)
Z = X**2 - Y**2


def move_point(click: ChartClick) -> None:
    st.session_state["x0"] = click.x
    st.session_state["y0"] = click.y


st.session_state["runs"] = st.session_state.get("runs", 0) + 1

x0 = st.sidebar.number_input("x0", value=1.0, step=0.1, key="x0")
y0 = st.sidebar.number_input("y0", value=0.5, step=0.1, key="y0")
show = st.sidebar.checkbox("charts", value=True, key="show")
z0 = x0**2 - y0**2

if show:
    surface = go.Figure(go.Surface(x=GRID, y=GRID, z=Z, showscale=False))
    surface.add_trace(go.Scatter3d(x=[x0], y=[y0], z=[z0], mode="markers", marker={"size": 6}))
    surface.update_layout(height=450, margin={"l": 0, "r": 0, "t": 0, "b": 0})
    camera = current_camera(BRIDGE, "surface_chart")
    if camera:
        surface.update_layout(scene_camera=camera)
    contour = go.Figure(go.Contour(x=GRID, y=GRID, z=Z, showscale=False))
    contour.add_trace(go.Scatter(x=[x0], y=[y0], mode="markers", marker={"size": 10}))
    contour.update_layout(height=400, margin={"l": 60, "r": 20, "t": 20, "b": 50})
    with st.container(key="surface_chart"):
        st.plotly_chart(surface, key="surface", on_select="ignore")
    with st.container(key="contour_chart"):
        st.plotly_chart(contour, key="contour", on_select="ignore")
else:
    st.info("No charts to show.")

click = chart_clicks(BRIDGE, ["surface_chart", "contour_chart"], on_click=move_point)
st.write(f"point: {x0:.4f}, {y0:.4f}")
st.write(f"runs: {st.session_state['runs']}")
st.write(f"clicked: {click.chart if click else 'nothing'}")
eye = (current_camera(BRIDGE, "surface_chart") or {}).get("eye")
st.write("python camera eye: " + (", ".join(f"{eye[a]:.6f}" for a in "xyz") if eye else "none"))
