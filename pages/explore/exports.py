"""Explore's downloads: the surface as an STL for a 3D printer, and the view as a web page that
works offline. Both are made only when the button is pressed (st.download_button calls them)."""

from __future__ import annotations

from core import Function, Grid, printable_solid, stl_bytes
from core.geometry import PointSummary
from pages.explore.work import ExploreFigures
from ui.plots.arrays import fmt
from ui.plots.export import standalone_html
from ui.shell.view import View


def stl_file(grid: Grid) -> bytes:
    """The surface over the window as a closed solid on a base plate (core.solid): poles are
    clipped to the window's drawn range, and where f is undefined the top drops to the plate."""
    vertices, faces = printable_solid(grid.x, grid.y, grid.z, grid.z_range)
    return stl_bytes(vertices, faces)


def view_lines(
    f: Function, view: View, point: PointSummary, hidden: frozenset[str] = frozenset()
) -> list[str]:
    fx = "?" if "x" in hidden else fmt(point.fx)  # a quiz's page keeps them back in the file too
    fy = "?" if "y" in hidden else fmt(point.fy)
    return [
        f"At (x₀, y₀) = ({fmt(point.x)}, {fmt(point.y)}): f = {fmt(point.value)}, "
        f"∂f/∂x = {fx}, ∂f/∂y = {fy}.",
        f"Window: x from {view.xmin:g} to {view.xmax:g}, y from {view.ymin:g} to {view.ymax:g}. "
        "Drag a chart to turn or zoom it; this page needs no network.",
    ]


def html_file(
    f: Function, view: View, drawn: ExploreFigures, hidden: frozenset[str] = frozenset()
) -> str:
    title = f"f(x, y) = {f.text}"
    lines = view_lines(f, view, drawn.point, hidden)
    return standalone_html([drawn.surface, drawn.contour], title, lines)
