"""The quadratic Taylor polynomial Q as a translucent patch over the surface (the tangent plane L
beside it, hidden until its legend entry is clicked), and |f - L| and |f - Q| as two heat maps (two
charts) sharing one log colour scale."""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from pages.second_order.style import ERROR_COLORSCALE, QUADRATIC
from ui.plots.arrays import all_finite, f32, grid_window, nan_outside, single_colour
from ui.plots.axes import HOVER
from ui.plots.colours import PLANE, POINT
from ui.plots.config import TITLE_FONT_SIZE, base_layout, new_figure, notes_annotation
from ui.plots.surface import surface_parts

PATCH_SAMPLES = 25  # per side: Q is a quadric, smooth at this count; the point's bytes stay small


ERROR_HEIGHT = 470


ERROR_DECADES = 12  # the error maps' colour scale spans at most this many powers of ten


SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def _power_of_ten(exponent: int) -> str:
    return "1" if exponent == 0 else f"10{str(exponent).translate(SUPERSCRIPT)}"


def _patch(function, square, zlim, colour, name, role, opacity) -> dict:
    """A translucent patch of z = function(x, y) over `square`, cut where it leaves zlim."""
    (x0, x1), (y0, y1) = square
    xs, ys = np.linspace(x0, x1, PATCH_SAMPLES), np.linspace(y0, y1, PATCH_SAMPLES)
    xx, yy = np.meshgrid(xs, ys)
    lines = {"show": True, "color": "rgba(255, 255, 255, 0.7)", "width": 1, "highlight": False}
    return {
        "type": "surface",
        "x": f32(xs),
        "y": f32(ys),
        "z": nan_outside(function(xx, yy), zlim),
        "colorscale": single_colour(colour),
        "showscale": False,
        "opacity": opacity,
        "name": name,
        "meta": role,
        "showlegend": True,
        "hovertemplate": f"{name}<br>" + HOVER,
        "lighting": {"ambient": 0.9, "diffuse": 0.2, "specular": 0.0, "fresnel": 0.0},
        # A few grid lines make the patch readable where it hugs the surface.
        "contours": {
            "x": {**lines, "start": x0, "end": x1, "size": (x1 - x0) / 8},
            "y": {**lines, "start": y0, "end": y1, "size": (y1 - y0) / 8},
            "z": {"highlight": False},
        },
    }


def neighbourhood(x0, y0, radius, xlim, ylim) -> tuple | None:
    """The square of half-width `radius` around the point, cut to the window (None if empty)."""
    x_low, x_high = max(xlim[0], x0 - radius), min(xlim[1], x0 + radius)
    y_low, y_high = max(ylim[0], y0 - radius), min(ylim[1], y0 + radius)
    if not (x_low < x_high and y_low < y_high):
        return None
    return (x_low, x_high), (y_low, y_high)


def quadratic_surface_parts(
    grid, point, plane, quadratic, radius, *, camera=None, surface=None
) -> tuple[list[dict], dict]:
    """The surface with the quadratic Taylor polynomial Q (core Quadratic) drawn over the square
    of half-width `radius` around the point, and the tangent plane L (core TangentPlane) over the
    same square, hidden until its legend entry is clicked; as (traces, layout)."""
    traces, layout = surface_parts(
        grid, point, None, None, show_slices=False, camera=camera, surface=surface
    )
    xlim, ylim = grid_window(grid)
    zlim = tuple(layout["scene"]["zaxis"]["range"])
    square = neighbourhood(point.x, point.y, radius, xlim, ylim)
    notes = []
    if not quadratic.defined:
        notes.append("no quadratic Q here")
    elif square is None:
        notes.append("the point is outside the window: no patch to draw")
    else:
        traces.append(_patch(quadratic, square, zlim, QUADRATIC, "quadratic Q", "quadratic", 0.8))
        if plane.defined:
            patch = _patch(plane, square, zlim, PLANE, "tangent plane L", "plane patch", 0.7)
            traces.append({**patch, "visible": "legendonly"})
    if notes:
        old = [a["text"] for a in layout.get("annotations", [])]
        layout = {**layout, "annotations": [notes_annotation(["<br>".join([*old, *notes])])]}
    return traces, layout


def quadratic_surface_figure(*args, **kwargs) -> go.Figure:
    return new_figure(*quadratic_surface_parts(*args, **kwargs))


def _log_errors(errors) -> tuple[np.ndarray, np.ndarray, float, float] | None:
    """log10 of both error grids over a shared range [low, high]; values below the rounding
    level (or ERROR_DECADES below the largest) sit at `low`. None when nothing is defined."""
    both = np.concatenate([errors.linear.ravel(), errors.quadratic.ravel()])
    finite = both[np.isfinite(both)]
    if finite.size == 0:
        return None
    high = math.log10(max(float(finite.max()), errors.rounding, 1e-300))
    floor = max(errors.rounding, 1e-300)
    above = finite[finite > floor]
    low = math.log10(float(above.min())) if above.size else math.log10(floor)
    low = max(low, high - ERROR_DECADES)
    if high - low < 1:
        low = high - 1
    with np.errstate(divide="ignore", invalid="ignore"):
        maps = [np.log10(np.clip(g, 10**low, None)) for g in (errors.linear, errors.quadratic)]
    return f32(maps[0]), f32(maps[1]), low, high


def error_maps_figures(errors, *, step: int = 1) -> tuple[go.Figure, go.Figure]:
    return tuple(new_figure(*parts) for parts in error_maps_parts(errors, step=step))


ERROR_KINDS = {
    # kind: (the chart's title, the approximation's letter)
    "linear": ("|f − L|: tangent plane, error ~ d²", "L"),
    "quadratic": ("|f − Q|: quadratic, error ~ d³", "Q"),
}


def error_maps_parts(errors, *, step: int = 1) -> tuple[tuple[list, dict], tuple[list, dict]]:
    """|f - L| and |f - Q| around the point (core ApproximationErrors) as two charts' (traces,
    layout), on one log colour scale so that they read against each other; its bar stands beside
    |f - Q|. Two charts rather than one with two maps: side by side in two columns on a wide
    screen, one above the other on a phone (Streamlit's columns stack there), each map as wide as
    the screen allows (one figure squeezed both maps and their titles into 390 px). Each sample is
    sent once, and the even grid as its start and step. `step` > 1 draws every step-th
    sample each way (smoothed: a quarter of the bytes at 2); the scale still spans every sample,
    and with an odd count the centre sample, the point, is drawn."""
    shared = _log_errors(errors)
    if shared is not None and step > 1:
        shared = (shared[0][::step, ::step], shared[1][::step, ::step], *shared[2:])
    return tuple(
        _error_map(errors, kind, shared, step, colour_bar=kind == "quadratic")
        for kind in ERROR_KINDS
    )


def _error_map(errors, kind: str, shared, step: int, *, colour_bar: bool) -> tuple[list, dict]:
    title, symbol = ERROR_KINDS[kind]
    is_defined = errors.linear_defined if kind == "linear" else errors.quadratic_defined
    traces = []
    annotations = [
        {
            "text": title,
            "xref": "x domain",
            "yref": "y domain",
            "x": 0.5,
            "y": 1.0,
            "yshift": 8,
            "xanchor": "center",
            "yanchor": "bottom",
            "showarrow": False,
            "font": {"size": TITLE_FONT_SIZE},
        }
    ]
    note = None
    if not is_defined:
        note = "undefined: f or a derivative<br>is undefined at the point"
    elif errors.negligible(kind):
        note = f"zero up to rounding: {symbol} = f"
    if shared is not None and is_defined:
        traces.append(
            {
                "type": "heatmap",
                # The samples are evenly spaced (core's linspace): a start and a step each
                # way, not the coordinates, which both charts would send again.
                "x0": float(errors.x[0]),
                "dx": float(errors.x[step] - errors.x[0]),
                "y0": float(errors.y[0]),
                "dy": float(errors.y[step] - errors.y[0]),
                "z": shared[0 if kind == "linear" else 1],
                "coloraxis": "coloraxis",
                **({"zsmooth": "best"} if step > 1 else {}),
                "name": title,
                "meta": f"error {kind}",
                "hovertemplate": (
                    f"x = %{{x:.4~g}}<br>y = %{{y:.4~g}}<br>|f − {symbol}| ≈ 10^%{{z:.1f}}"
                    "<extra></extra>"
                ),
            }
        )
    if note:
        annotations.append(
            {
                "text": note,
                "xref": "x domain",
                "yref": "y domain",
                "x": 0.5,
                "y": 0.5,
                "showarrow": False,
                "font": {"size": 16, "color": "#111111"},
                "bgcolor": "rgba(255, 255, 255, 0.9)",
            }
        )
    if all_finite(errors.x0, errors.y0):
        traces.append(
            {
                "type": "scatter",
                "mode": "markers",
                "x": [errors.x0],
                "y": [errors.y0],
                "marker": {"size": 12, "color": "white", "line": {"color": POINT, "width": 2}},
                "name": "point (x₀, y₀)",
                "meta": "point",
                "showlegend": False,
                "hovertemplate": "the point<extra></extra>",
            }
        )

    def axis(title: str, window: list[float]) -> dict:
        return {
            "title": {"text": title, "font": {"size": TITLE_FONT_SIZE}},
            "range": window,
            "showgrid": False,
            "zeroline": False,
            "ticks": "outside",
            "showline": True,
            "mirror": True,
            "linecolor": "#444444",
            "constrain": "domain",
        }

    layout = {
        **base_layout(ERROR_HEIGHT),
        "margin": {"l": 60, "r": 10, "t": 40, "b": 50},
        "xaxis": axis("x", [float(errors.x[0]), float(errors.x[-1])]),
        # Square cells; on a narrow screen the map is as wide as the chart and its spare height
        # goes below it, not between its title and the chart's top.
        "yaxis": {
            **axis("y", [float(errors.y[0]), float(errors.y[-1])]),
            "scaleanchor": "x",
            "constraintoward": "top",
        },
        "showlegend": False,
        "annotations": annotations,
        "hovermode": "closest",
    }
    if shared is not None:
        layout["coloraxis"] = _colour_axis(shared[2], shared[3], colour_bar)
    return traces, layout


def _colour_axis(low: float, high: float, colour_bar: bool) -> dict:
    """The error maps' shared log colour scale, its bar shown on one of them."""
    axis = {"colorscale": ERROR_COLORSCALE, "cmin": low, "cmax": high, "showscale": colour_bar}
    if colour_bar:
        ticks = list(range(math.ceil(low), math.floor(high) + 1))
        if len(ticks) > 7:
            ticks = ticks[:: math.ceil(len(ticks) / 7)]
        axis["colorbar"] = {
            "title": {"text": "error", "font": {"size": 16}},
            "tickvals": ticks,
            "ticktext": [_power_of_ten(t) for t in ticks],
            "tickfont": {"size": 14},
            "x": 1.02,
            "xanchor": "left",
            "len": 0.9,
        }
    return axis
