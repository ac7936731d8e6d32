"""Guide: what each view shows, how to pick a point, and how to share a view with a class."""

import streamlit as st

from ui.plots.colours import GRADIENT, X_SLICE, Y_SLICE
from ui.shell.sidebar import show_notices, this_run
from ui.shell.text import PARTIAL_X, PARTIAL_Y, coloured

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
# One definition per line: side by side they were wider than a phone and were cut.
st.latex(
    coloured(X_SLICE, PARTIAL_X)
    + r"(x_0, y_0) = \lim_{h \to 0} \frac{f(x_0 + h, y_0) - f(x_0, y_0)}{h}"
)
st.latex(
    coloured(Y_SLICE, PARTIAL_Y)
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

st.header("The other pages", divider="gray")
st.markdown(
    "The function, the point and the window come along to every page.\n"
    "- **Derivatives**: the source article estimated ∂f/∂x with a forward difference, "
    "(f(x + h, y) − f(x, y)) / h with h = 10⁻⁷. This page puts that estimate and four better "
    "schemes beside the exact value, plots their error against h (a V: too large an h leaves out "
    "the curvature, too small an h loses the digits to rounding), shows the Hessian, and checks a "
    "student's own ∂f/∂x or ∂f/∂y.\n"
    "- **Second order**: the critical points in the window and what the second-derivative test "
    "says about each; the quadratic (Taylor) approximation against the tangent plane; and the "
    "derivative in any direction, largest along the gradient.\n"
    "- **Descent**: gradient descent and its cousins (momentum, Nesterov, AdaGrad, RMSProp, Adam) "
    "and Newton's method race downhill from the point, animated on the surface and the contour "
    "map; why a learning rate above 2/λ makes gradient descent blow up; and which minimum each "
    "start of the window ends in."
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
