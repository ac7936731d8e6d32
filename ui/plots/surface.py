"""The 3D surface with the point, its tangent slices, the gradient arrow and the tangent plane.

ui/plots is the Plotly kit every page shares (config, axes, arrays, colours, and the surface,
contour and slice figures that Explore draws and other pages build on). No Streamlit. Every
builder is a pure function of core objects (Grid, PointSummary, Slice, TangentPlane), so it
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

import numpy as np
import plotly.graph_objects as go

from ui.plots.arrays import all_finite, f32, fmt, grid_window, nan_outside
from ui.plots.axes import HOVER, LIFT, clip_line, scene_aspect, scene_layout, z_limits
from ui.plots.colours import COLORSCALE, GRADIENT, PLANE, POINT, X_SLICE, Y_SLICE
from ui.plots.config import base_layout, legend_layout, new_figure, notes_annotation

SURFACE_HEIGHT = 620
# The 3D gradient arrow's length in scene units (the box's longer side is 1).
ARROW_3D = 0.3
# The arrow's head, in scene units.
HEAD_LENGTH = 0.07
HEAD_RADIUS = 0.028
HEAD_SIDES = 16
PLANE_REACH = 0.25


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


def gradient_arrow_3d(point, xlim, ylim, zlim, aspect) -> np.ndarray | None:
    """Tail and tip ((2, 3) array) of the steepest-ascent arrow in the tangent plane, or None.

    The direction is (fx, fy, fx^2 + fy^2): along grad f, rising at the plane's slope. Its length
    is ARROW_3D in scene units, whatever the z scale, shortened to stay inside the box."""
    unit = point.unit_gradient
    if unit is None or not all_finite(point.value, point.gradient_norm):
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


def surface_parts(
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
) -> tuple[list[dict], dict]:
    """The 3D picture at a point: the surface, the point, the two slices (planes, cut curves,
    tangent lines), the gradient arrow in the tangent plane, and the tangent plane patch.

    grid: core Grid; point: core PointSummary (value may be NaN: then no marker or arrow);
    x_slice, y_slice: core Slice objects; plane: core TangentPlane or None; camera: a
    scene.camera dict to restore; surface: a cached `surface_trace(grid)` to reuse.
    """
    xlim, ylim = grid_window(grid)
    zlim = z_limits(grid.z_range, point.value)
    aspect = scene_aspect(xlim, ylim)
    defined = all_finite(point.value)
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
        notes.append(f"f is undefined at ({fmt(point.x)}, {fmt(point.y)})")

    scene = scene_layout(xlim, ylim, zlim, camera, "surface")
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
    return traces, layout


def surface_figure(*args, **kwargs) -> go.Figure:
    """surface_parts(...) as one go.Figure (the live charts take the parts instead)."""
    return new_figure(*surface_parts(*args, **kwargs))


def _slice_traces_3d(piece, xlim, ylim, zlim, point) -> list[dict]:
    """The vertical cutting plane, the cut curve on the surface and its tangent line, one legend
    entry for the three (clicking it toggles all)."""
    along_x = piece.variable == "x"
    colour = X_SLICE if along_x else Y_SLICE
    group = f"slice-{piece.variable}"
    if along_x:
        name = "slice y = y₀ (∂f/∂x)"
        corners_x, corners_y = [xlim[0], xlim[1], xlim[1], xlim[0]], [piece.fixed] * 4
    else:
        name = "slice x = x₀ (∂f/∂y)"
        corners_x, corners_y = [piece.fixed] * 4, [ylim[0], ylim[1], ylim[1], ylim[0]]
    t = f32(piece.t)
    fixed = np.full_like(t, piece.fixed)
    curve_x, curve_y = (t, fixed) if along_x else (fixed, t)
    traces = [
        # The cutting plane: a rectangle of two triangles (a mesh moves in place in the browser;
        # a surface trace would be rebuilt).
        {
            "type": "mesh3d",
            "x": f32(corners_x),
            "y": f32(corners_y),
            "z": f32([zlim[0], zlim[0], zlim[1], zlim[1]]),
            "i": [0, 0],
            "j": [1, 2],
            "k": [2, 3],
            "color": colour,
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
            "z": nan_outside(piece.values, zlim) + np.float32(LIFT * (zlim[1] - zlim[0])),
            "line": {"color": colour, "width": 10},
            "legendgroup": group,
            "name": name,
            "meta": f"slice {piece.variable}",
            "hovertemplate": HOVER,
        },
    ]
    t_range = xlim if along_x else ylim
    segment = clip_line(piece.point[0], piece.point[1], piece.slope, t_range, zlim)
    if segment is not None and all_finite(point.value):
        ts, zs = segment
        fixed2 = np.full(2, piece.fixed)
        line_x, line_y = (ts, fixed2) if along_x else (fixed2, ts)
        traces.append(
            {
                "type": "scatter3d",
                "mode": "lines",
                "x": f32(line_x),
                "y": f32(line_y),
                "z": f32(zs),
                # Dashes in WebGL come out as a fine dotted barcode: thinner and solid instead.
                "line": {"color": colour, "width": 5},
                "legendgroup": group,
                "showlegend": False,
                "name": f"tangent, slope ∂f/∂{piece.variable} = {fmt(piece.slope)}",
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
        "x": f32(xy[:, 0]),
        "y": f32(xy[:, 1]),
        "z": f32(z),
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
    hover = f"∇f = ({fmt(point.fx)}, {fmt(point.fy)}), |∇f| = {fmt(point.gradient_norm)}"
    return [
        {
            "type": "scatter3d",
            "mode": "lines",
            "x": f32([tail[0], shaft_end[0]]),
            "y": f32([tail[1], shaft_end[1]]),
            "z": f32([tail[2], shaft_end[2]]),
            "line": {"color": GRADIENT, "width": 9},
            "name": name,
            "legendgroup": "gradient",
            "meta": "gradient",
            "hovertext": hover,
            "hoverinfo": "text",
        },
        {
            "type": "mesh3d",
            "x": f32(vertices[:, 0]),
            "y": f32(vertices[:, 1]),
            "z": f32(vertices[:, 2]),
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


# --- slices -----------------------------------------------------------------------------------
