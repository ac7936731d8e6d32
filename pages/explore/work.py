"""The Explore page's work in one call: core results for the view, and the four figures.

Kept out of page.py so the benchmark measures exactly what a rerun does, without a server.
"""

from __future__ import annotations

from dataclasses import dataclass

import plotly.graph_objects as go

from core import Function, Grid, point_summary, slices, tangent_plane
from core.geometry import PointSummary
from ui.plots.contour import contour_figure
from ui.plots.slices import slice_figure
from ui.plots.surface import surface_figure
from ui.shell.cache import grid_for
from ui.shell.view import View


@dataclass(frozen=True)
class ExploreFigures:
    grid: Grid
    point: PointSummary
    surface: go.Figure
    contour: go.Figure
    x_panel: go.Figure
    y_panel: go.Figure

    def all(self) -> tuple[go.Figure, ...]:
        return (self.surface, self.contour, self.x_panel, self.y_panel)


def explore_figures(f: Function, view: View, camera: dict | None = None) -> ExploreFigures:
    """Everything the Explore page draws for `view` of `f` (the grid comes from the cache)."""
    grid = grid_for(f, view.xlim, view.ylim, view.resolution, view.field)
    point = point_summary(f, view.x0, view.y0)
    x_slice, y_slice = slices(f, view.x0, view.y0, view.xlim, view.ylim)
    plane = tangent_plane(f, view.x0, view.y0) if view.plane else None
    surface = surface_figure(
        grid, point, x_slice, y_slice, plane=plane, show_slices=view.slices, camera=camera
    )
    contour = contour_figure(grid, point, show_slices=view.slices, field=view.field)
    return ExploreFigures(
        grid=grid,
        point=point,
        surface=surface,
        contour=contour,
        x_panel=slice_figure(x_slice),
        y_panel=slice_figure(y_slice),
    )
