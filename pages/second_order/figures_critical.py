"""Figure builders for the Second-order page: core results in, a plotly Figure out. No Streamlit.

Built on ui.plots.surface (the same surface, contour map, base layout and projector sizes as Explore),
with the page's own pieces added, each trace tagged with a `meta` role for tests:

- critical points: one trace per kind ("critical minimum", ...), a symbol and colour per kind, the
  same in 2D and 3D; samples of a curve of critical points are drawn hollow;
- the quadratic Taylor polynomial Q as a translucent patch over the surface ("quadratic"), the
  tangent plane L beside it, hidden until its legend entry is clicked ("plane patch");
- |f - L| and |f - Q| as two heat maps sharing one log colour scale ("error linear", ...);
- the direction u: its arrow and line on the contour map, the slice along u on the surface and as
  a flat graph with its tangent line, and D_u f against the angle with its extremes marked.
"""

from __future__ import annotations

import math

import numpy as np
import plotly.colors
import plotly.graph_objects as go

from ui.plots.arrays import f32, finite, fmt, inside, single_colour, window
from ui.plots.axes import HOVER, LIFT, clip_line
from ui.plots.colours import GRADIENT, PLANE, POINT
from ui.plots.config import (
    LIGHT_GRID,
    TITLE_FONT_SIZE,
    base_layout,
    legend_layout,
    notes_annotation,
)
from ui.plots.contour import ARROW_2D, contour_figure
from ui.plots.slices import slice_panel
from ui.plots.surface import surface_figure

# The page's own colours (ui/theme.py's are the lesson's: slices, gradient, point, plane).
DIRECTION = "#0072b2"  # the unit vector u, its slice and D_u f (Okabe-Ito blue)
QUADRATIC = "#e8590c"  # the quadratic Taylor polynomial Q: orange, apart from viridis
# Magma (dark where the error is tiny), its first stop #000004 nudged: Streamlit's frontend reads
# colours #000001, #000002, ... as placeholders for its own palette and drew it violet.
ERROR_COLORSCALE = ["#050316", *plotly.colors.sequential.Magma[1:]]

# Per kind: legend word (plural for the count), 2D/3D symbol, fill colour, outline colour.
KIND_STYLE = {
    "minimum": ("minima", "circle", "#00d5ff", "#111111"),
    "maximum": ("maxima", "square", "#e41a1c", "#ffffff"),
    "saddle": ("saddles", "x", "#ffd54f", "#111111"),
    "degenerate": ("degenerate", "diamond", "#bdbdbd", "#111111"),
}

CRITICAL_SIZE_2D = 16
CRITICAL_SIZE_3D = 9
PATCH_SAMPLES = 41
ERROR_HEIGHT = 470
PANEL_BOTTOM = 190  # pixels under the plot: the x axis title, then the legend
PANEL_HEIGHT = 520  # the slice along u and the profile, side by side: room for their legends
DU = "D<sub>u</sub>f"  # plotly text: D_u f with u as a subscript
ERROR_DECADES = 12  # the error maps' colour scale spans at most this many powers of ten
SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def degrees(angle: float) -> float:
    """An angle in radians as degrees in [0, 360)."""
    return math.degrees(angle) % 360.0


def _power_of_ten(exponent: int) -> str:
    return "1" if exponent == 0 else f"10{str(exponent).translate(SUPERSCRIPT)}"


# --- critical points ----------------------------------------------------------------------------


def _eigen_text(point) -> str:
    low, high = point.eigenvalues
    if not finite(low, high):
        return "Hessian undefined"
    return f"eigenvalues {fmt(low)}, {fmt(high)}"


def _by_kind(critical) -> dict[str, list]:
    groups: dict[str, list] = {kind: [] for kind in KIND_STYLE}
    for point in critical:
        if finite(point.x, point.y, point.value):
            groups.setdefault(point.kind, []).append(point)
    return {kind: points for kind, points in groups.items() if points}


def critical_traces(critical, *, three_d: bool = False, lift: float = 0.0) -> list[dict]:
    """One marker trace per kind of critical point (core CriticalPoint list)."""
    traces = []
    for kind, points in _by_kind(critical).items():
        plural, symbol, fill, outline = KIND_STYLE.get(kind, KIND_STYLE["degenerate"])
        hollow = [not point.isolated for point in points]
        if three_d:
            # In 3D plotly draws "x" and "diamond" thin and small: circles by colour read better.
            symbols = ["circle-open" if h else "circle" for h in hollow]
        else:
            symbols = [f"{symbol}-open" if h else symbol for h in hollow]
        name = f"{plural if len(points) > 1 else kind} ({len(points)})"
        hover = [
            f"{kind}{'' if p.isolated else ' (on a curve of critical points)'}<br>"
            f"x = {fmt(p.x)}, y = {fmt(p.y)}<br>f = {fmt(p.value)}<br>{_eigen_text(p)}"
            for p in points
        ]
        trace = {
            "type": "scatter3d" if three_d else "scatter",
            "mode": "markers",
            "x": f32([p.x for p in points]),
            "y": f32([p.y for p in points]),
            "marker": {
                "symbol": symbols,
                "size": CRITICAL_SIZE_3D if three_d else CRITICAL_SIZE_2D,
                "color": fill,
                "line": {"color": outline, "width": 2},
            },
            "name": name,
            "meta": f"critical {kind}",
            "hovertext": hover,
            "hoverinfo": "text",
        }
        if three_d:
            trace["z"] = f32([p.value for p in points]) + np.float32(lift)
        traces.append(trace)
    return traces


def critical_contour_figure(grid, point, critical) -> go.Figure:
    """The contour map with the point, its gradient and every critical point by kind."""
    fig = contour_figure(grid, point, show_slices=False)
    fig.add_traces(critical_traces(critical))
    return _point_on_top(fig)


def _point_on_top(fig: go.Figure) -> go.Figure:
    """Draw the point (x0, y0) after the traces added over the map, so nothing hides it."""
    points = [trace for trace in fig.data if trace.meta == "point"]
    others = [trace for trace in fig.data if trace.meta != "point"]
    fig.data = others + points
    return fig


def critical_surface_figure(grid, point, critical, *, camera=None, surface=None) -> go.Figure:
    """The surface with the point and every critical point by kind."""
    fig = surface_figure(grid, point, None, None, show_slices=False, camera=camera, surface=surface)
    zlim = fig.layout.scene.zaxis.range
    inside = [p for p in critical if finite(p.value) and zlim[0] <= p.value <= zlim[1]]
    lift = 3 * LIFT * (zlim[1] - zlim[0])
    fig.add_traces(critical_traces(inside, three_d=True, lift=lift))
    return fig


# --- the quadratic approximation ------------------------------------------------------------------


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
        "z": inside(function(xx, yy), zlim),
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


def quadratic_surface_figure(
    grid, point, plane, quadratic, radius, *, camera=None, surface=None
) -> go.Figure:
    """The surface with the quadratic Taylor polynomial Q (core Quadratic) drawn over the square
    of half-width `radius` around the point, and the tangent plane L (core TangentPlane) over the
    same square, hidden until its legend entry is clicked."""
    fig = surface_figure(grid, point, None, None, show_slices=False, camera=camera, surface=surface)
    xlim, ylim = window(grid)
    zlim = tuple(fig.layout.scene.zaxis.range)
    square = neighbourhood(point.x, point.y, radius, xlim, ylim)
    notes = []
    if not quadratic.defined:
        notes.append("no quadratic Q here")
    elif square is None:
        notes.append("the point is outside the window: no patch to draw")
    else:
        fig.add_trace(_patch(quadratic, square, zlim, QUADRATIC, "quadratic Q", "quadratic", 0.8))
        if plane.defined:
            patch = _patch(plane, square, zlim, PLANE, "tangent plane L", "plane patch", 0.7)
            fig.add_trace({**patch, "visible": "legendonly"})
    if notes:
        old = list(fig.layout.annotations)
        text = "<br>".join([*(a.text for a in old), *notes])
        fig.update_layout(annotations=[notes_annotation([text])])
    return fig


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


def error_maps_figure(errors) -> go.Figure:
    """|f - L| (left) and |f - Q| (right) around the point (core ApproximationErrors), on one
    log colour scale so that the two read against each other."""
    shared = _log_errors(errors)
    titles = ("|f − L|: tangent plane, error ~ d²", "|f − Q|: quadratic, error ~ d³")
    roles = ("error linear", "error quadratic")
    defined = (errors.linear_defined, errors.quadratic_defined)
    kinds = ("linear", "quadratic")
    traces, annotations = [], []
    x = f32(errors.x)
    y = f32(errors.y)
    for k, (title, role, is_defined, kind) in enumerate(
        zip(titles, roles, defined, kinds, strict=True)
    ):
        suffix = "" if k == 0 else "2"
        annotations.append(
            {
                "text": title,
                "xref": f"x{suffix} domain",
                "yref": f"y{suffix} domain",
                "x": 0.5,
                "y": 1.0,
                "yshift": 8,
                "xanchor": "center",
                "yanchor": "bottom",
                "showarrow": False,
                "font": {"size": TITLE_FONT_SIZE},
            }
        )
        note = None
        if not is_defined:
            note = "undefined: f or a derivative is undefined at the point"
        elif errors.negligible(kind):
            approximation = "L" if kind == "linear" else "Q"
            note = f"zero up to rounding: {approximation} = f"
        if shared is not None and is_defined:
            symbol = "L" if kind == "linear" else "Q"
            traces.append(
                {
                    "type": "heatmap",
                    "x": x,
                    "y": y,
                    "z": shared[k],
                    "coloraxis": "coloraxis",
                    "xaxis": f"x{suffix}",
                    "yaxis": f"y{suffix}",
                    "name": title,
                    "meta": role,
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
                    "xref": f"x{suffix} domain",
                    "yref": f"y{suffix} domain",
                    "x": 0.5,
                    "y": 0.5,
                    "showarrow": False,
                    "font": {"size": 16, "color": "#111111"},
                    "bgcolor": "rgba(255, 255, 255, 0.9)",
                }
            )
        if finite(errors.x0, errors.y0):
            traces.append(
                {
                    "type": "scatter",
                    "mode": "markers",
                    "x": [errors.x0],
                    "y": [errors.y0],
                    "xaxis": f"x{suffix}",
                    "yaxis": f"y{suffix}",
                    "marker": {"size": 12, "color": "white", "line": {"color": POINT, "width": 2}},
                    "name": "point (x₀, y₀)",
                    "meta": "point",
                    "showlegend": False,
                    "hovertemplate": "the point<extra></extra>",
                }
            )
    window = [float(errors.x[0]), float(errors.x[-1])]
    window_y = [float(errors.y[0]), float(errors.y[-1])]

    def axis(title, domain=None, anchor=None):
        spec = {
            "title": {"text": title, "font": {"size": TITLE_FONT_SIZE}},
            "showgrid": False,
            "zeroline": False,
            "ticks": "outside",
            "showline": True,
            "mirror": True,
            "linecolor": "#444444",
            "constrain": "domain",
        }
        if domain is not None:
            spec["domain"] = domain
        if anchor is not None:
            spec["anchor"] = anchor
        return spec

    layout = {
        **base_layout(ERROR_HEIGHT),
        "margin": {"l": 60, "r": 10, "t": 40, "b": 50},
        "xaxis": {**axis("x", [0.0, 0.43], "y"), "range": window},
        "yaxis": {**axis("y", anchor="x"), "range": window_y, "scaleanchor": "x"},
        "xaxis2": {**axis("x", [0.5, 0.93], "y2"), "range": window},
        "yaxis2": {**axis("", anchor="x2"), "range": window_y, "scaleanchor": "x2"},
        "showlegend": False,
        "annotations": annotations,
        "hovermode": "closest",
    }
    if shared is not None:
        low, high = shared[2], shared[3]
        ticks = list(range(math.ceil(low), math.floor(high) + 1))
        if len(ticks) > 7:
            ticks = ticks[:: math.ceil(len(ticks) / 7)]
        layout["coloraxis"] = {
            "colorscale": ERROR_COLORSCALE,
            "cmin": low,
            "cmax": high,
            "colorbar": {
                "title": {"text": "error", "font": {"size": 16}},
                "tickvals": ticks,
                "ticktext": [_power_of_ten(t) for t in ticks],
                "tickfont": {"size": 14},
                "x": 0.95,
                "xanchor": "left",
                "len": 0.9,
            },
        }
    return go.Figure(data=traces, layout=layout)


# --- the direction u --------------------------------------------------------------------------


def _direction_name(direction) -> str:
    return f"u at θ = {fmt(degrees(math.atan2(direction[1], direction[0])))}°"


def direction_contour_figure(grid, point, piece) -> go.Figure:
    """The contour map with the gradient (as on Explore), the unit vector u drawn from the point
    at the gradient arrow's length, and the line along u (core DirectionalSlice `piece`)."""
    fig = contour_figure(grid, point, show_slices=False)
    xlim, ylim = window(grid)
    u = np.asarray(piece.direction, dtype=np.float64)
    fig.add_trace(
        {
            "type": "scatter",
            "mode": "lines",
            "x": f32(piece.x[[0, -1]]),
            "y": f32(piece.y[[0, -1]]),
            "line": {"color": DIRECTION, "width": 2, "dash": "dash"},
            "opacity": 0.8,
            "name": "line along u",
            "meta": "direction line",
            "hoverinfo": "skip",
        }
    )
    length = ARROW_2D * min(xlim[1] - xlim[0], ylim[1] - ylim[0])
    tail = np.array([point.x, point.y])
    tip = tail + length * u
    fig.add_trace(
        {
            # A white halo under the arrow: blue on viridis' teal needs the contrast.
            "type": "scatter",
            "mode": "lines",
            "x": f32([tail[0], tip[0]]),
            "y": f32([tail[1], tip[1]]),
            "line": {"color": "white", "width": 10},
            "showlegend": False,
            "meta": "direction halo",
            "hoverinfo": "skip",
        }
    )
    fig.add_trace(
        {
            "type": "scatter",
            "mode": "lines+markers",
            "x": f32([tail[0], tip[0]]),
            "y": f32([tail[1], tip[1]]),
            "line": {"color": DIRECTION, "width": 5},
            "marker": {
                "symbol": "arrow",
                "angleref": "previous",
                "size": [0, 22],
                "color": DIRECTION,
                "line": {"color": "white", "width": 1.5},
            },
            "name": _direction_name(u),
            "meta": "direction",
            "hovertext": f"u = ({fmt(u[0])}, {fmt(u[1])})",
            "hoverinfo": "text",
        }
    )
    return _point_on_top(fig)


def direction_surface_figure(grid, point, piece, *, camera=None, surface=None) -> go.Figure:
    """The surface cut by the vertical plane along u through the point: the plane, the curve it
    cuts and the tangent line of slope D_u f (core DirectionalSlice `piece`)."""
    fig = surface_figure(grid, point, None, None, show_slices=False, camera=camera, surface=surface)
    xlim, ylim = window(grid)
    if not (xlim[0] <= piece.x0 <= xlim[1] and ylim[0] <= piece.y0 <= ylim[1]):
        return fig  # the line through a point outside the window may miss the box altogether
    zlim = tuple(fig.layout.scene.zaxis.range)
    ends = [0, -1]
    group = "direction"
    name = f"slice along {_direction_name(piece.direction)}"
    traces = [
        {
            "type": "surface",
            "x": f32(np.tile(piece.x[ends], (2, 1))),
            "y": f32(np.tile(piece.y[ends], (2, 1))),
            "z": f32([[zlim[0], zlim[0]], [zlim[1], zlim[1]]]),
            "colorscale": single_colour(DIRECTION),
            "showscale": False,
            "opacity": 0.18,
            "hoverinfo": "skip",
            "legendgroup": group,
            "showlegend": False,
            "name": name,
            "meta": "cutting plane u",
            "lighting": {"ambient": 1.0, "diffuse": 0.0, "specular": 0.0},
        },
        {
            "type": "scatter3d",
            "mode": "lines",
            "x": f32(piece.x),
            "y": f32(piece.y),
            "z": inside(piece.values, zlim) + np.float32(LIFT * (zlim[1] - zlim[0])),
            "line": {"color": DIRECTION, "width": 10},
            "legendgroup": group,
            "name": name,
            "meta": "slice u",
            "hovertemplate": HOVER,
        },
    ]
    t0, z0 = piece.point
    t_range = (float(piece.t[0]), float(piece.t[-1]))
    segment = clip_line(t0, z0, piece.slope, t_range, zlim)
    if segment is not None:
        ts, zs = segment
        u = piece.direction
        traces.append(
            {
                "type": "scatter3d",
                "mode": "lines",
                "x": f32(piece.x0 + ts * u[0]),
                "y": f32(piece.y0 + ts * u[1]),
                "z": f32(zs),
                "line": {"color": DIRECTION, "width": 5},
                "legendgroup": group,
                "showlegend": False,
                "name": f"tangent, slope {DU} = {fmt(piece.slope)}",
                "meta": "tangent u",
                "hoverinfo": "name",
            }
        )
    fig.add_traces(traces)
    return fig


def direction_slice_figure(piece, *, height: int = PANEL_HEIGHT) -> go.Figure:
    """The slice along u as a 2D graph: t -> f(x0 + t u1, y0 + t u2), its tangent line at the
    point (slope D_u f) and the point, drawn like ui.plots.surface.slice_figure."""
    return slice_panel(
        piece,
        colour=DIRECTION,
        curve_name="f(x₀ + t u₁, y₀ + t u₂)",
        parameter="t",
        slope_name=DU,
        title=f"Slice along {_direction_name(piece.direction)}: slope is {DU}",
        height=height,
        y_title="f along u",
        x_title="t (distance from the point along u)",
        x_title_size=16,
        point_name="point (t = 0)",
        undefined_along="along this line",
        margin_bottom=PANEL_BOTTOM,
        legend={**legend_layout(y=0.0, yanchor="bottom"), "yref": "container"},
    )


def profile_figure(point, angles, values, angle, value, *, height: int = PANEL_HEIGHT):
    """D_u f against the angle of u: `angles` in degrees and `values` from
    core.directional_profile, the current `angle` (degrees) with its `value`, the maximum |grad f|
    along the gradient (core PointSummary `point`), the minimum opposite, zero along the level
    curve."""
    notes, traces = [], []
    defined = finite(point.gradient_norm)
    if defined:
        traces.append(
            {
                "type": "scatter",
                "mode": "lines",
                "x": f32(angles),
                "y": f32(values),
                "line": {"color": DIRECTION, "width": 4},
                "name": f"{DU} = ∇f · u",
                "meta": "profile",
                "hovertemplate": "θ = %{x:.0f}°<br>" + DU + " = %{y:.4~g}<extra></extra>",
            }
        )
    else:
        notes.append("∇f is undefined at the point")
    if point.gradient_angle is not None and defined:
        best = degrees(point.gradient_angle)
        norm = point.gradient_norm
        extremes = (
            (best, norm, "triangle-up", f"maximum |∇f| = {fmt(norm)} at {best:.1f}° (along ∇f)"),
            (
                (best + 180) % 360,
                -norm,
                "triangle-down",
                f"minimum −|∇f| at {(best + 180) % 360:.1f}° (against ∇f)",
            ),
        )
        for where, height_, symbol, label in extremes:
            traces.append(
                {
                    "type": "scatter",
                    "mode": "markers",
                    "x": [where],
                    "y": [height_],
                    "marker": {"size": 16, "symbol": symbol, "color": GRADIENT},
                    "name": label,
                    "meta": "maximum" if symbol == "triangle-up" else "minimum",
                    "hoverinfo": "name",
                }
            )
        level = sorted(((best + 90) % 360, (best + 270) % 360))
        traces.append(
            {
                "type": "scatter",
                "mode": "markers",
                "x": level,
                "y": [0.0, 0.0],
                "marker": {
                    "size": 12,
                    "symbol": "circle-open",
                    "color": "#444444",
                    "line": {"width": 3},
                },
                "name": f"{DU} = 0: along the level curve",
                "meta": "level directions",
                "hoverinfo": "name",
            }
        )
    elif defined:
        notes.append(f"∇f = 0 here: {DU} = 0 in every direction")
    shapes = [
        {
            "type": "line",
            "xref": "x",
            "yref": "paper",
            "x0": angle,
            "x1": angle,
            "y0": 0,
            "y1": 1,
            "line": {"color": POINT, "width": 2, "dash": "dot"},
        }
    ]
    if finite(value):
        traces.append(
            {
                "type": "scatter",
                "mode": "markers",
                "x": [angle],
                "y": [value],
                "marker": {"size": 14, "color": POINT, "line": {"color": "white", "width": 2}},
                "name": f"θ = {fmt(angle)}°: {DU} = {fmt(value)}",
                "meta": "current",
                "hoverinfo": "name",
            }
        )
    axis = {
        "showgrid": True,
        "gridcolor": LIGHT_GRID,
        "showline": True,
        "linecolor": "#444444",
        "ticks": "outside",
    }
    yaxis = {
        **axis,
        "title": {"text": DU, "font": {"size": TITLE_FONT_SIZE}},
        "zeroline": True,
        "zerolinecolor": "#888888",
        "zerolinewidth": 2,
    }
    if defined:
        reach = max(point.gradient_norm, 1e-12) * 1.15
        yaxis["range"] = [-reach, reach]
    else:
        yaxis["range"] = [-1, 1]
    layout = {
        **base_layout(height),
        "title": {
            "text": f"{DU} against the angle θ of u",
            "font": {"size": TITLE_FONT_SIZE},
            "x": 0.0,
            "xanchor": "left",
        },
        "margin": {"l": 70, "r": 10, "t": 50, "b": PANEL_BOTTOM},
        "xaxis": {
            **axis,
            "title": {"text": "θ (degrees)", "font": {"size": 16}},
            "range": [-8, 368],  # room for a marker at 0 or 360 degrees
            "tickvals": list(range(0, 361, 45)),
            "zeroline": False,
        },
        "yaxis": yaxis,
        "legend": {**legend_layout(y=0.0, yanchor="bottom"), "yref": "container"},
        "showlegend": True,
        "hovermode": "closest",
        "shapes": shapes,
    }
    if notes:
        note = notes_annotation(notes)
        note.update(y=0.5, yanchor="middle", x=0.5, xanchor="center", align="center")
        layout["annotations"] = [note]
    return go.Figure(data=traces, layout=layout)
