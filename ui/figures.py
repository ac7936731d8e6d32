"""Figure builders for the Explore page: core results in, a plotly Figure out. No Streamlit.

Every builder is a pure function of core objects (Grid, PointSummary, Slice, TangentPlane), so it
is tested without a server. Figures are drawn for a projector: big type, thick lines, a white
background and a legend that names each piece the way the lesson does.

Arrays go to the browser as float32 (plotly 6 sends numpy arrays as base64 typed arrays, half the
bytes of float64), and NaN stays NaN: plotly draws it as a hole. Traces are built as plain dicts
and handed to go.Figure once, which validates them in one pass.

What depends on the point: in `surface_figure` only the surface trace and the axis ranges depend on
the grid alone; every other trace moves with the point. A page that wants to rebuild faster can
cache `surface_trace(grid)` per grid and pass it back in as `surface=`.

Each trace carries a `meta` role ("surface", "point", "gradient", ...) so that tests and the page
can find a piece without relying on its display name.
"""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio

from ui.theme import COLORSCALE, GRADIENT, PLANE, POINT, X_SLICE, Y_SLICE

# For st.plotly_chart(config=...). Scroll zoom stays off: on a 3D chart it would capture the
# page's scroll wheel, and on a projector people scroll the page, not the chart.
PLOT_CONFIG = {
    "displaylogo": False,
    "scrollZoom": False,
    "responsive": True,
    "modeBarButtonsToRemove": ["lasso2d", "select2d", "toImage", "sendDataToCloud"],
    "toImageButtonOptions": {"format": "png", "scale": 2},
}

FONT = {"family": "Arial, Helvetica, sans-serif", "size": 16, "color": "#111111"}
TITLE_FONT_SIZE = 18
LIGHT_GRID = "#d9d9d9"
NOTE_COLOR = "#444444"
FIELD_COLOR = "rgba(255, 255, 255, 0.9)"
LEVEL_COLOR = "#000000"
# Four significant digits, trailing zeros trimmed (d3-format's "~").
HOVER = "x = %{x:.4~g}<br>y = %{y:.4~g}<br>f = %{z:.4~g}<extra></extra>"

# The textbook view: x towards the viewer, y to the right, z up, seen from a little above.
DEFAULT_CAMERA = {"eye": {"x": 1.95, "y": 1.0, "z": 0.85}, "up": {"x": 0, "y": 0, "z": 1}}
SURFACE_HEIGHT = 620
CONTOUR_HEIGHT = 560
SLICE_HEIGHT = 400

# Scene proportions: z is drawn at 0.7 of the longer horizontal side; a window more elongated than
# 4:1 is drawn at 4:1 so that neither side collapses to a sliver.
Z_ASPECT = 0.7
MAX_ASPECT = 4.0
# The 3D gradient arrow's length in scene units (the box's longer side is 1).
ARROW_3D = 0.3
# The 2D gradient arrow: this share of the window's shorter side.
ARROW_2D = 0.15
# The tangent-plane patch reaches this share of the window each way from the point.
# Curves drawn on the surface float this share of the z range above it.
LIFT = 0.006
# The arrow's head, in scene units.
HEAD_LENGTH = 0.07
HEAD_RADIUS = 0.028
HEAD_SIDES = 16
PLANE_REACH = 0.25
FIELD_ARROWS = 15
LEVEL_SAMPLES = 100


def _f32(values) -> np.ndarray:
    return np.asarray(values, dtype=np.float32)


def _finite(*values) -> bool:
    return all(value is not None and math.isfinite(value) for value in values)


def _fmt(value: float) -> str:
    """A number for a label: four significant digits, no "-0", words for NaN."""
    if not _finite(value):
        return "undefined"
    return f"{value + 0.0:.4g}"


def _single_colour(colour: str) -> list:
    return [[0.0, colour], [1.0, colour]]


def z_limits(z_range, value: float = math.nan) -> tuple[float, float]:
    """The z axis range: the grid's range padded 5% each side (a constant f gets room around it).
    Without a range (f undefined on the whole window) it centres on the point's value, if any."""
    if z_range is None:
        centre = value if _finite(value) else 0.0
        return centre - 1.0, centre + 1.0
    low, high = z_range
    span = high - low
    flat = span <= 1e-12 * max(1.0, abs(low), abs(high))
    pad = 0.5 * max(1.0, abs(low)) if flat else 0.05 * span
    return low - pad, high + pad


def clip_line(t0, z0, slope, t_range, z_range) -> tuple[np.ndarray, np.ndarray] | None:
    """The segment of the line z = z0 + slope (t - t0) that lies inside both ranges, as two
    endpoints (t, z); None when there is none or the line is undefined. Exact, not sampled, so
    a steep tangent is cut where it leaves the box instead of stretching the axes."""
    if not _finite(t0, z0, slope):
        return None
    (t_low, t_high), (z_low, z_high) = t_range, z_range
    if slope == 0:
        if not z_low <= z0 <= z_high:
            return None
        start, end = t_low, t_high
    else:
        a, b = sorted((t0 + (z_low - z0) / slope, t0 + (z_high - z0) / slope))
        start, end = max(a, t_low), min(b, t_high)
        if not start < end:
            return None
    t = np.array([start, end])
    return t, z0 + slope * (t - t0)


def _inside(values: np.ndarray, limits: tuple[float, float]) -> np.ndarray:
    """float32 copy with NaN outside the limits (a curve leaving the box ends there)."""
    values = np.array(values, dtype=np.float32)
    with np.errstate(invalid="ignore"):
        values[(values < limits[0]) | (values > limits[1])] = np.nan
    return values


def notes_annotation(notes: list[str]) -> dict:
    return {
        "text": "<br>".join(notes),
        "xref": "paper",
        "yref": "paper",
        "x": 0.0,
        "y": 1.0,
        "xanchor": "left",
        "yanchor": "top",
        "align": "left",
        "showarrow": False,
        "font": {"size": 16, "color": NOTE_COLOR},
        "bgcolor": "rgba(255, 255, 255, 0.85)",
    }


def base_layout(height: int) -> dict:
    """What every figure shares: projector-sized text on plain white."""
    return {
        "height": height,
        "font": FONT,
        "template": "none",  # plotly.js defaults: no blue-grey text, no tinted plot area
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "hoverlabel": {"font": {"size": 16}},
    }


def legend_layout(y: float = 1.0, yanchor: str = "bottom") -> dict:
    return {
        "orientation": "h",
        "x": 0.0,
        "xanchor": "left",
        "y": y,
        "yanchor": yanchor,
        "font": {"size": 16},
        "bgcolor": "rgba(255, 255, 255, 0.8)",
        "itemsizing": "constant",
    }


def _window(grid) -> tuple[tuple[float, float], tuple[float, float]]:
    return (float(grid.x[0]), float(grid.x[-1])), (float(grid.y[0]), float(grid.y[-1]))


# --- 3D surface -------------------------------------------------------------------------------


def surface_trace(grid) -> dict:
    """The surface alone (depends on the grid only, so a page may cache it). NaN -> holes."""
    g = grid.as_float32()
    trace = {
        "type": "surface",
        "x": g.x,
        "y": g.y,
        "z": g.z,
        "colorscale": COLORSCALE,
        "showscale": False,
        "name": "f(x, y)",
        "meta": "surface",
        "hovertemplate": HOVER,
        "contours": {"z": {"highlight": False}},
        "lighting": {"ambient": 0.75, "diffuse": 0.5, "specular": 0.05, "roughness": 0.9},
    }
    if grid.z_range is not None:
        trace["cmin"], trace["cmax"] = grid.z_range
    return trace


def scene_aspect(xlim, ylim) -> dict:
    """aspectratio for a window: x:y as the window (capped at MAX_ASPECT), z at Z_ASPECT."""
    width, depth = xlim[1] - xlim[0], ylim[1] - ylim[0]
    ratio = min(max(width / depth, 1 / MAX_ASPECT), MAX_ASPECT)
    x, y = (1.0, 1.0 / ratio) if ratio >= 1 else (ratio, 1.0)
    return {"x": x, "y": y, "z": Z_ASPECT}


def gradient_arrow_3d(point, xlim, ylim, zlim, aspect) -> np.ndarray | None:
    """Tail and tip ((2, 3) array) of the steepest-ascent arrow in the tangent plane, or None.

    The direction is (fx, fy, fx^2 + fy^2): along grad f, rising at the plane's slope. Its length
    is ARROW_3D in scene units, whatever the z scale, shortened to stay inside the box."""
    unit = point.unit_gradient
    if unit is None or not _finite(point.value, point.gradient_norm):
        return None
    tail = np.array([point.x, point.y, point.value])
    lows = np.array([xlim[0], ylim[0], zlim[0]])
    highs = np.array([xlim[1], ylim[1], zlim[1]])
    if np.any(tail < lows) or np.any(tail > highs):
        return None
    # (ux, uy, |grad f|) is (fx, fy, fx^2 + fy^2) divided by |grad f|: parallel, never overflows.
    direction = np.array([unit[0], unit[1], point.gradient_norm])
    scene_per_unit = np.array([aspect["x"], aspect["y"], aspect["z"]]) / (highs - lows)
    length = ARROW_3D / float(np.linalg.norm(direction * scene_per_unit))
    with np.errstate(all="ignore"):  # a zero or subnormal component has all the room it needs
        room = np.where(direction > 0, (highs - tail) / direction, (lows - tail) / direction)
    length = min(length, float(np.nanmin(np.where(direction != 0, room, np.inf))))
    if not length > 0:
        return None
    return np.array([tail, tail + length * direction])


def scene_axis(title: str, limits) -> dict:
    """An axis of a 3D scene, fixed to `limits`, in the projector-sized fonts."""
    return {
        "title": {"text": title, "font": {"size": TITLE_FONT_SIZE}},
        "range": list(limits),
        "autorange": False,
        "showbackground": False,
        "gridcolor": LIGHT_GRID,
        "zerolinecolor": "#999999",
        "tickfont": {"size": 14},
        "showspikes": False,
    }


def surface_figure(
    grid,
    point,
    x_slice,
    y_slice,
    *,
    plane=None,
    show_slices: bool = True,
    camera: dict | None = None,
    height: int = SURFACE_HEIGHT,
    surface: dict | None = None,
) -> go.Figure:
    """The 3D picture at a point: the surface, the point, the two slices (planes, cut curves,
    tangent lines), the gradient arrow in the tangent plane, and the tangent plane patch.

    grid: core Grid; point: core PointSummary (value may be NaN: then no marker or arrow);
    x_slice, y_slice: core Slice objects; plane: core TangentPlane or None; camera: a
    scene.camera dict to restore; surface: a cached `surface_trace(grid)` to reuse.
    """
    xlim, ylim = _window(grid)
    zlim = z_limits(grid.z_range, point.value)
    aspect = scene_aspect(xlim, ylim)
    defined = _finite(point.value)
    notes = []
    if grid.z_range is None:
        notes.append("f is undefined everywhere in this window")
    traces = [surface if surface is not None else surface_trace(grid)]

    if show_slices:
        traces += _slice_traces_3d(x_slice, xlim, ylim, zlim, point)
        traces += _slice_traces_3d(y_slice, xlim, ylim, zlim, point)

    if plane is not None:
        patch = _plane_trace(plane, xlim, ylim, zlim)
        if patch is None:
            notes.append("no tangent plane here: f or a partial is undefined")
        else:
            traces.append(patch)

    arrow = gradient_arrow_3d(point, xlim, ylim, zlim, aspect)
    if defined and point.gradient_norm == 0:
        notes.append("∇f = 0 here: no direction of steepest ascent")
    elif defined and point.unit_gradient is None:
        notes.append("∇f is undefined here")
    if arrow is not None:
        lows = np.array([xlim[0], ylim[0], zlim[0]])
        spans = np.array([xlim[1] - xlim[0], ylim[1] - ylim[0], zlim[1] - zlim[0]])
        scene_per_unit = np.array([aspect["x"], aspect["y"], aspect["z"]]) / spans
        traces += _gradient_traces_3d(arrow, point, lows, scene_per_unit)

    if defined:
        traces.append(
            {
                "type": "scatter3d",
                "mode": "markers",
                "x": [point.x],
                "y": [point.y],
                "z": [point.value],
                "marker": {"size": 10, "color": POINT, "line": {"color": "white", "width": 2}},
                "name": "point (x₀, y₀)",
                "meta": "point",
                "hovertemplate": HOVER,
            }
        )
    else:
        notes.append(f"f is undefined at ({_fmt(point.x)}, {_fmt(point.y)})")

    scene = {
        "xaxis": scene_axis("x", xlim),
        "yaxis": scene_axis("y", ylim),
        "zaxis": scene_axis("f(x, y)", zlim),
        "aspectmode": "manual",
        "aspectratio": aspect,
        "dragmode": "turntable",
        "uirevision": "surface",
    }
    scene["camera"] = camera if camera is not None else DEFAULT_CAMERA
    layout = {
        **base_layout(height),
        "margin": {"l": 10, "r": 10, "t": 10, "b": 0},  # room for the outermost tick labels
        "scene": scene,
        "legend": legend_layout(y=0.0, yanchor="top"),
        "showlegend": True,
        "uirevision": "surface",
    }
    if notes:
        layout["annotations"] = [notes_annotation(notes)]
    return go.Figure(data=traces, layout=layout)


def _slice_traces_3d(piece, xlim, ylim, zlim, point) -> list[dict]:
    """The vertical cutting plane, the cut curve on the surface and its tangent line, one legend
    entry for the three (clicking it toggles all)."""
    along_x = piece.variable == "x"
    colour = X_SLICE if along_x else Y_SLICE
    group = f"slice-{piece.variable}"
    if along_x:
        name = "slice y = y₀ (∂f/∂x)"
        plane_x = _f32([[xlim[0], xlim[1]], [xlim[0], xlim[1]]])
        plane_y = _f32(np.full((2, 2), piece.fixed))
    else:
        name = "slice x = x₀ (∂f/∂y)"
        plane_x = _f32(np.full((2, 2), piece.fixed))
        plane_y = _f32([[ylim[0], ylim[1]], [ylim[0], ylim[1]]])
    t = _f32(piece.t)
    fixed = np.full_like(t, piece.fixed)
    curve_x, curve_y = (t, fixed) if along_x else (fixed, t)
    traces = [
        {
            "type": "surface",
            "x": plane_x,
            "y": plane_y,
            "z": _f32([[zlim[0], zlim[0]], [zlim[1], zlim[1]]]),
            "colorscale": _single_colour(colour),
            "showscale": False,
            "opacity": 0.18,
            "hoverinfo": "skip",
            "legendgroup": group,
            "showlegend": False,
            "name": name,
            "meta": f"cutting plane {piece.variable}",
            "lighting": {"ambient": 1.0, "diffuse": 0.0, "specular": 0.0},
        },
        {
            "type": "scatter3d",
            "mode": "lines",
            "x": curve_x,
            "y": curve_y,
            # Lifted a hair above the surface, which would otherwise hide half the line's width.
            "z": _inside(piece.values, zlim) + np.float32(LIFT * (zlim[1] - zlim[0])),
            "line": {"color": colour, "width": 10},
            "legendgroup": group,
            "name": name,
            "meta": f"slice {piece.variable}",
            "hovertemplate": HOVER,
        },
    ]
    t_range = xlim if along_x else ylim
    segment = clip_line(piece.point[0], piece.point[1], piece.slope, t_range, zlim)
    if segment is not None and _finite(point.value):
        ts, zs = segment
        fixed2 = np.full(2, piece.fixed)
        line_x, line_y = (ts, fixed2) if along_x else (fixed2, ts)
        traces.append(
            {
                "type": "scatter3d",
                "mode": "lines",
                "x": _f32(line_x),
                "y": _f32(line_y),
                "z": _f32(zs),
                # Dashes in WebGL come out as a fine dotted barcode: thinner and solid instead.
                "line": {"color": colour, "width": 5},
                "legendgroup": group,
                "showlegend": False,
                "name": f"tangent, slope ∂f/∂{piece.variable} = {_fmt(piece.slope)}",
                "meta": f"tangent {piece.variable}",
                "hoverinfo": "name",
            }
        )
    return traces


def _plane_trace(plane, xlim, ylim, zlim) -> dict | None:
    """A translucent patch of the tangent plane, PLANE_REACH of the window each way from the
    point (kept inside the window) and cut exactly where it leaves the z range: the patch is the
    rectangle clipped by two half-planes, a convex polygon drawn as a triangle fan."""
    if not plane.defined:
        return None
    reach_x = PLANE_REACH * (xlim[1] - xlim[0])
    reach_y = PLANE_REACH * (ylim[1] - ylim[0])
    x0, x1 = max(xlim[0], plane.x0 - reach_x), min(xlim[1], plane.x0 + reach_x)
    y0, y1 = max(ylim[0], plane.y0 - reach_y), min(ylim[1], plane.y0 + reach_y)
    if not (x0 < x1 and y0 < y1):
        return None
    polygon = [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
    for keep in (lambda z: z - zlim[0], lambda z: zlim[1] - z):
        polygon = _clip_polygon(polygon, lambda p, keep=keep: keep(float(plane(*p))))
    if len(polygon) < 3:
        return None
    xy = np.array(polygon)
    z = plane(xy[:, 0], xy[:, 1])
    fan = np.arange(1, len(polygon) - 1)
    return {
        "type": "mesh3d",
        "x": _f32(xy[:, 0]),
        "y": _f32(xy[:, 1]),
        "z": _f32(z),
        "i": np.zeros_like(fan),
        "j": fan,
        "k": fan + 1,
        "color": PLANE,
        "opacity": 0.55,
        "name": "tangent plane",
        "meta": "tangent plane",
        "showlegend": True,
        "hovertemplate": "tangent plane<br>" + HOVER,
        "lighting": {"ambient": 0.9, "diffuse": 0.2, "specular": 0.0},
    }


def _clip_polygon(polygon: list, inside) -> list:
    """Sutherland-Hodgman: the part of a convex polygon where the linear function inside(p) >= 0."""
    kept = []
    for p, q in zip(polygon, polygon[1:] + polygon[:1], strict=True):
        a, b = inside(p), inside(q)
        if a >= 0:
            kept.append(p)
        if (a < 0) != (b < 0):
            share = a / (a - b)
            kept.append((p[0] + share * (q[0] - p[0]), p[1] + share * (q[1] - p[1])))
    return kept


def _gradient_traces_3d(arrow: np.ndarray, point, lows, scene_per_unit) -> list[dict]:
    """The shaft (a thick line) and the head (a cone mesh built in scene units, so it keeps its
    shape whatever the axes' scales; go.Cone sizes its cone in data units and smears it)."""
    tail, tip = arrow
    to_scene = lambda p: (p - lows) * scene_per_unit  # noqa: E731
    shaft = to_scene(tip) - to_scene(tail)
    span = float(np.linalg.norm(shaft))
    axis = shaft / span
    head = min(HEAD_LENGTH, 0.45 * span)
    base = to_scene(tip) - head * axis
    # Two unit vectors across the axis span the head's circular base.
    helper = np.array([0.0, 0.0, 1.0]) if abs(axis[2]) < 0.9 else np.array([1.0, 0.0, 0.0])
    across = np.cross(axis, helper)
    across /= np.linalg.norm(across)
    across2 = np.cross(axis, across)
    angles = np.linspace(0, 2 * np.pi, HEAD_SIDES, endpoint=False)
    rim = base + HEAD_RADIUS * head / HEAD_LENGTH * (
        np.cos(angles)[:, None] * across + np.sin(angles)[:, None] * across2
    )
    vertices = np.vstack([to_scene(tip), base, rim]) / scene_per_unit + lows
    ring = np.arange(HEAD_SIDES) + 2
    following = np.roll(ring, -1)
    # Side faces join the tip (0) to the rim; base faces join the base centre (1) to it.
    i = np.concatenate([np.zeros(HEAD_SIDES, int), np.ones(HEAD_SIDES, int)])
    j = np.concatenate([ring, following])
    k = np.concatenate([following, ring])
    # Interpolated in data units: the round trip through scene units would lose the last digits.
    shaft_end = tail + (1 - head / span) * (tip - tail)
    name = "gradient ∇f"
    hover = f"∇f = ({_fmt(point.fx)}, {_fmt(point.fy)}), |∇f| = {_fmt(point.gradient_norm)}"
    return [
        {
            "type": "scatter3d",
            "mode": "lines",
            "x": _f32([tail[0], shaft_end[0]]),
            "y": _f32([tail[1], shaft_end[1]]),
            "z": _f32([tail[2], shaft_end[2]]),
            "line": {"color": GRADIENT, "width": 9},
            "name": name,
            "legendgroup": "gradient",
            "meta": "gradient",
            "hovertext": hover,
            "hoverinfo": "text",
        },
        {
            "type": "mesh3d",
            "x": _f32(vertices[:, 0]),
            "y": _f32(vertices[:, 1]),
            "z": _f32(vertices[:, 2]),
            "i": i,
            "j": j,
            "k": k,
            "color": GRADIENT,
            "flatshading": True,
            "name": name,
            "legendgroup": "gradient",
            "showlegend": False,
            "meta": "gradient head",
            "hovertext": hover,
            "hoverinfo": "text",
            "lighting": {"ambient": 0.8, "diffuse": 0.4, "specular": 0.0},
        },
    ]


# --- contour map ------------------------------------------------------------------------------


def equal_scale(xlim, ylim) -> bool:
    """Draw x and y at the same scale (so grad f looks perpendicular to level curves) unless the
    window is more elongated than MAX_ASPECT:1, where that would squash the plot to a strip."""
    ratio = (ylim[1] - ylim[0]) / (xlim[1] - xlim[0])
    return 1 / MAX_ASPECT <= ratio <= MAX_ASPECT


def gradient_arrow_2d(point, xlim, ylim) -> np.ndarray | None:
    """Tail and tip ((2, 2) array) of the 2D gradient arrow, ARROW_2D of the window's shorter
    side long, along grad f; None where grad f is zero or undefined."""
    if point.unit_gradient is None:
        return None
    length = ARROW_2D * min(xlim[1] - xlim[0], ylim[1] - ylim[0])
    tail = np.array([point.x, point.y])
    return np.array([tail, tail + length * np.asarray(point.unit_gradient)])


def field_arrows(grid, count: int = FIELD_ARROWS) -> tuple[np.ndarray, np.ndarray, int]:
    """The gradient field as short arrows of equal length on a count x count subgrid.

    Returns x and y (float32, three entries per arrow: tail, tip, NaN separator) and the number
    of arrows. Cells where the gradient is zero or undefined get none."""
    if grid.zx is None or grid.zy is None:
        raise ValueError("the gradient field needs a grid evaluated with_partials=True")
    nx, ny = len(grid.x), len(grid.y)
    # Interior samples, so no arrow starts on the window's edge.
    cols = np.unique(np.linspace(0, nx - 1, min(count, nx) + 2)[1:-1].round().astype(int))
    rows = np.unique(np.linspace(0, ny - 1, min(count, ny) + 2)[1:-1].round().astype(int))
    gx, gy = grid.zx[np.ix_(rows, cols)], grid.zy[np.ix_(rows, cols)]
    xs, ys = np.meshgrid(grid.x[cols], grid.y[rows])
    with np.errstate(all="ignore"):
        norm = np.hypot(gx, gy)
        keep = np.isfinite(norm) & (norm > 0)
    step_x = (grid.x[-1] - grid.x[0]) / max(len(cols), 1)
    step_y = (grid.y[-1] - grid.y[0]) / max(len(rows), 1)
    length = 0.6 * min(step_x, step_y)
    tails_x, tails_y = xs[keep], ys[keep]
    tips_x = tails_x + length * gx[keep] / norm[keep]
    tips_y = tails_y + length * gy[keep] / norm[keep]
    gaps = np.full(tails_x.shape, np.nan)
    x = np.column_stack([tails_x, tips_x, gaps]).ravel()
    y = np.column_stack([tails_y, tips_y, gaps]).ravel()
    return _f32(x), _f32(y), int(keep.sum())


def contour_figure(
    grid,
    point,
    *,
    show_slices: bool = True,
    field: bool = False,
    height: int = CONTOUR_HEIGHT,
) -> go.Figure:
    """The map view: filled contours with labelled levels, the level curve through the point,
    the point, the slice lines y = y0 and x = x0, the gradient arrow (perpendicular to the level
    curve: x and y share a scale) and, if `field`, the gradient field (needs grid partials)."""
    xlim, ylim = _window(grid)
    g = grid.as_float32()
    notes = []
    contour = {
        "type": "contour",
        "x": g.x,
        "y": g.y,
        "z": g.z,
        "colorscale": COLORSCALE,
        "ncontours": 16,
        "contours": {
            "coloring": "fill",
            "showlabels": True,
            "labelfont": {"size": 16, "color": "white"},
        },
        "line": {"width": 1, "color": "rgba(255, 255, 255, 0.6)"},
        # The labelled level lines already say what each colour means.
        "showscale": False,
        "name": "f(x, y)",
        "meta": "contour",
        "hovertemplate": HOVER,
        "showlegend": False,
    }
    if grid.z_range is None:
        notes.append("f is undefined everywhere in this window")
    else:
        contour["zmin"], contour["zmax"] = grid.z_range
    traces = [contour]

    defined = _finite(point.value)
    # At the window's lowest or highest value the level set is a point, not a curve.
    if defined and grid.z_range is not None and grid.z_range[0] < point.value < grid.z_range[1]:
        level = point.value
        # The level curve needs no more than LEVEL_SAMPLES per side to look smooth, and its
        # copy of z would otherwise double the chart's bytes.
        cols = slice(None, None, -(-len(g.x) // LEVEL_SAMPLES))
        rows = slice(None, None, -(-len(g.y) // LEVEL_SAMPLES))
        traces.append(
            {
                "type": "contour",
                "x": g.x[cols],
                "y": g.y[rows],
                "z": g.z[rows, cols],
                "autocontour": False,
                # One level: start = end; size only has to be positive.
                "contours": {"start": level, "end": level, "size": 1.0, "coloring": "none"},
                "line": {"color": LEVEL_COLOR, "width": 4},
                "showscale": False,
                "hoverinfo": "skip",
                "name": f"level f = {_fmt(level)}",
                "meta": "level curve",
                "showlegend": True,
            }
        )

    if show_slices:
        for xs, ys, colour, name, role in (
            (xlim, (point.y, point.y), X_SLICE, "y = y₀", "slice x"),
            ((point.x, point.x), ylim, Y_SLICE, "x = x₀", "slice y"),
        ):
            traces.append(
                {
                    "type": "scatter",
                    "mode": "lines",
                    "x": list(xs),
                    "y": list(ys),
                    "line": {"color": colour, "width": 4, "dash": "dash"},
                    "name": name,
                    "meta": role,
                    "hoverinfo": "skip",
                }
            )

    if field:
        fx_, fy_, count = field_arrows(grid)
        if count:
            sizes = np.tile(_f32([0, 10, 0]), count)
            traces.append(
                {
                    "type": "scatter",
                    "mode": "lines+markers",
                    "x": fx_,
                    "y": fy_,
                    "line": {"color": FIELD_COLOR, "width": 2},
                    "marker": {
                        "symbol": "arrow",
                        "angleref": "previous",
                        "size": sizes,
                        "color": FIELD_COLOR,
                        "line": {"color": "rgba(0, 0, 0, 0.6)", "width": 1},
                    },
                    "name": "gradient field",
                    "meta": "field",
                    "hoverinfo": "skip",
                }
            )

    arrow = gradient_arrow_2d(point, xlim, ylim) if defined else None
    if arrow is not None:
        traces.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "x": _f32(arrow[:, 0]),
                "y": _f32(arrow[:, 1]),
                "line": {"color": GRADIENT, "width": 5},
                "marker": {
                    "symbol": "arrow",
                    "angleref": "previous",
                    "size": [0, 20],
                    "color": GRADIENT,
                },
                "name": "gradient ∇f",
                "meta": "gradient",
                "hovertext": f"∇f = ({_fmt(point.fx)}, {_fmt(point.fy)})",
                "hoverinfo": "text",
            }
        )

    if defined:
        if point.unit_gradient is not None:
            gradient_words = f"∇f = ({_fmt(point.fx)}, {_fmt(point.fy)})"
            label = "point (x₀, y₀)"
        elif point.gradient_norm == 0:
            gradient_words = "∇f = 0 here: no direction of steepest ascent"
            label = "point (x₀, y₀): ∇f = 0"
        else:
            gradient_words = "∇f is undefined here"
            label = "point (x₀, y₀): ∇f undefined"
        traces.append(
            {
                "type": "scatter",
                "mode": "markers",
                "x": [point.x],
                "y": [point.y],
                "marker": {
                    "size": 14,
                    "color": POINT,
                    "line": {"color": "white", "width": 2},
                },
                "name": label,
                "meta": "point",
                "hovertemplate": (
                    f"x = {_fmt(point.x)}<br>y = {_fmt(point.y)}<br>f = {_fmt(point.value)}"
                    f"<br>{gradient_words}<extra></extra>"
                ),
            }
        )
        if point.unit_gradient is None:
            notes.append(gradient_words)
    else:
        notes.append(f"f is undefined at ({_fmt(point.x)}, {_fmt(point.y)})")

    xaxis = {
        "title": {"text": "x", "font": {"size": TITLE_FONT_SIZE}},
        "range": list(xlim),
        "constrain": "domain",
        "showgrid": False,
        "zeroline": False,
        "ticks": "outside",
        "mirror": True,
        "showline": True,
        "linecolor": "#444444",
    }
    yaxis = {**xaxis, "title": {"text": "y", "font": {"size": TITLE_FONT_SIZE}}}
    yaxis["range"] = list(ylim)
    if equal_scale(xlim, ylim):
        yaxis["scaleanchor"] = "x"
        yaxis["scaleratio"] = 1
    layout = {
        **base_layout(height),
        "margin": {"l": 60, "r": 10, "t": 10, "b": 50},
        "xaxis": xaxis,
        "yaxis": yaxis,
        "legend": legend_layout(y=1.02, yanchor="bottom"),
        "showlegend": True,
        "hovermode": "closest",
        "uirevision": "contour",
    }
    if notes:
        # Under the x axis title, aligned with the plot's left edge (which equal scaling moves).
        note = notes_annotation(notes)
        note.update(xref="x domain", yref="y domain", x=0.0, y=0.0, yanchor="top", yshift=-62)
        layout["annotations"] = [note]
        layout["margin"]["b"] = 60 + 22 * len(notes)
    return go.Figure(data=traces, layout=layout)


# --- slices -----------------------------------------------------------------------------------


def slice_figure(piece, *, height: int = SLICE_HEIGHT) -> go.Figure:
    """One slice as a 2D graph: f(x, y0) against x (or f(x0, y) against y), its tangent line at
    the point with the slope in the legend, and the point."""
    along_x = piece.variable == "x"
    variable, other = ("x", "y") if along_x else ("y", "x")
    curve_name = "f(x, y₀)" if along_x else "f(x₀, y)"
    derivative = f"∂f/∂{variable}"
    return slice_panel(
        piece,
        colour=X_SLICE if along_x else Y_SLICE,
        curve_name=curve_name,
        parameter=variable,
        slope_name=derivative,
        title=f"Slice {other} = {other}₀ = {_fmt(piece.fixed)}: slope is {derivative}",
        height=height,
    )


def slice_panel(
    piece,
    *,
    colour: str,
    curve_name: str,
    parameter: str,
    slope_name: str,
    title: str,
    height: int,
    y_title: str | None = None,
    x_title: str | None = None,
    x_title_size: int = TITLE_FONT_SIZE,
    point_name: str = "point",
    undefined_along: str = "on this slice",
    margin_bottom: int = 110,
    legend: dict | None = None,
) -> go.Figure:
    """A curve through the point (piece: .t, .values, .point, .slope) against its `parameter`,
    with its tangent line at the point (slope in the legend) and the point: the flat panels of
    Explore (x and y slices) and Second order (the slice along u)."""
    t0, z0 = piece.point
    t_range = (float(piece.t[0]), float(piece.t[-1]))
    notes = []

    finite = piece.values[np.isfinite(piece.values)]
    if finite.size:
        low, high = float(finite.min()), float(finite.max())
        if _finite(z0):
            low, high = min(low, z0), max(high, z0)
        z_range = z_limits((low, high))
    else:
        z_range = None
        notes.append(f"f is undefined {undefined_along}")

    traces = [
        {
            "type": "scatter",
            "mode": "lines",
            "x": _f32(piece.t),
            "y": _f32(piece.values),
            "line": {"color": colour, "width": 4},
            "name": curve_name,
            "meta": "slice",
            "hovertemplate": f"{parameter} = %{{x:.4~g}}<br>f = %{{y:.4~g}}<extra></extra>",
        }
    ]
    segment = None
    if z_range is not None and _finite(z0):
        segment = clip_line(t0, z0, piece.slope, t_range, z_range)
    if segment is not None:
        ts, zs = segment
        traces.append(
            {
                "type": "scatter",
                "mode": "lines",
                "x": ts.tolist(),
                "y": zs.tolist(),
                "line": {"color": colour, "width": 3, "dash": "dash"},
                "name": f"tangent: slope {slope_name} = {_fmt(piece.slope)}",
                "meta": "tangent",
                "hoverinfo": "name",
            }
        )
    elif _finite(z0):
        notes.append(f"{slope_name} is undefined at the point: no tangent line")
    if _finite(z0):
        traces.append(
            {
                "type": "scatter",
                "mode": "markers",
                "x": [t0],
                "y": [z0],
                "marker": {"size": 12, "color": POINT, "line": {"color": "white", "width": 2}},
                "name": point_name,
                "meta": "point",
                "hovertemplate": f"{parameter} = {_fmt(t0)}<br>f = {_fmt(z0)}<extra></extra>",
            }
        )
    elif finite.size:
        notes.append("f is undefined at the point")

    axis = {
        "showgrid": True,
        "gridcolor": LIGHT_GRID,
        "zeroline": True,
        "zerolinecolor": "#b0b0b0",
        "zerolinewidth": 1,
        "showline": True,
        "linecolor": "#444444",
        "ticks": "outside",
    }
    yaxis = {**axis, "title": {"text": y_title or curve_name, "font": {"size": TITLE_FONT_SIZE}}}
    if z_range is not None:
        yaxis["range"] = list(z_range)
    layout = {
        **base_layout(height),
        "title": {"text": title, "font": {"size": TITLE_FONT_SIZE}, "x": 0.0, "xanchor": "left"},
        # The legend goes under the x axis: above the plot it collides with the title.
        "margin": {"l": 70, "r": 10, "t": 50, "b": margin_bottom},
        "xaxis": {
            **axis,
            "title": {"text": x_title or parameter, "font": {"size": x_title_size}},
            "range": list(t_range),
        },
        "yaxis": yaxis,
        "legend": legend or legend_layout(y=-0.3, yanchor="top"),
        "showlegend": True,
        "hovermode": "closest",
    }
    if notes:
        note = notes_annotation(notes)
        note.update(y=0.5, yanchor="middle", x=0.5, xanchor="center", align="center")
        layout["annotations"] = [note]
    return go.Figure(data=traces, layout=layout)


def figure_bytes(fig: go.Figure) -> int:
    """Size of the figure's JSON: what st.plotly_chart sends (it encodes with validate=False)."""
    return len(pio.to_json(fig, validate=False))
