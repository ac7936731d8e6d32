"""Guide: what each view shows, how to pick a point, and how to share a view with a class."""

import streamlit as st

from ui.readout import PARTIAL_X, PARTIAL_Y, coloured
from ui.sidebar import show_notices, this_run
from ui.theme import GRADIENT, X_SLICE, Y_SLICE

explorer = this_run()

st.title("Guide")
show_notices(explorer)
st.markdown(
    "This explorer draws a function of two variables and its derivatives at a point you choose. "
    "The function, the point and every option live in the page's link: copy it from "
    "**Share this view** in the sidebar and whoever opens it sees the same picture."
)
if explorer.function is not None:
    st.latex(rf"f(x, y) = {explorer.function.latex}")

st.header("Partial derivatives are slopes of slices", divider="gray")
st.markdown(
    "Hold y fixed at y₀ and the surface becomes an ordinary curve of x alone: the plane y = y₀ "
    "cuts it out. The slope of that curve at x₀ is the partial derivative with respect to x. "
    "Holding x at x₀ instead gives the curve in y, whose slope is ∂f/∂y."
)
st.latex(
    coloured(X_SLICE, PARTIAL_X)
    + r"(x_0, y_0) = \lim_{h \to 0} \frac{f(x_0 + h, y_0) - f(x_0, y_0)}{h}"
    + r"\qquad "
    + coloured(Y_SLICE, PARTIAL_Y)
    + r"(x_0, y_0) = \lim_{h \to 0} \frac{f(x_0, y_0 + h) - f(x_0, y_0)}{h}"
)
st.markdown(
    "On **Explore**, the orange curve and its tangent belong to ∂f/∂x, the green ones to ∂f/∂y, "
    "in the 3D view, on the contour map and in the two flat panels below them."
)

st.header("The gradient points uphill", divider="gray")
st.latex(
    coloured(GRADIENT, r"\nabla f")
    + r" = \left(\frac{\partial f}{\partial x},\ \frac{\partial f}{\partial y}\right)"
)
st.markdown(
    "It points in the direction of steepest ascent, its length is the steepest slope, and on the "
    "contour map it crosses the level curve through the point at a right angle. Where the "
    "gradient is zero the surface is flat: a minimum, a maximum or a saddle. The tangent plane "
    "z = f(x₀, y₀) + ∂f/∂x·(x − x₀) + ∂f/∂y·(y − y₀) is the best flat approximation there."
)

st.header("Picking a point", divider="gray")
st.markdown(
    "- **Click** the 3D surface or the contour map. Dragging the surface rotates it without "
    "moving the point, and the view you chose stays when the point moves.\n"
    "- **Type** x₀ and y₀ in the sidebar (arrow keys step them by 0.1).\n"
    "- **Gallery**: each example opens at a point that tells its story."
)

st.header("Writing formulas", divider="gray")
st.markdown(
    "Ordinary math syntax: `x^2 y + sin(x y)`, `3x^2y`, `exp(-(x^2 + y^2))`, "
    "`sqrt(1 - x^2 - y^2)`, `atan2(y, x)`, `pi`, `e`. Write a product of two letters with a "
    "space or a star (`x y` or `x*y`): `xy` is refused with a hint. The formula is read by "
    "the explorer's own parser, never run as code, so a shared link cannot do anything but draw."
)
