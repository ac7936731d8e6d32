"""The surface as a printable solid: an STL file for a 3D printer.

The surface over the window becomes the top of a closed solid: side walls drop from its edge to a
flat base below its lowest point, and the base closes it. Where f is undefined the top drops to
the base (a hole in the surface is a dip to the floor in the print). Every edge is shared by
exactly two triangles, each listed once in each direction: a watertight, consistently oriented
mesh (normals point out), which is what slicers for 3D printers need.

>>> import numpy as np
>>> x = y = np.linspace(0.0, 1.0, 3)
>>> vertices, faces = surface_solid(x, y, np.zeros((3, 3)), floor=-1.0)
>>> len(faces)  # top 8, walls 16, base 8
32
>>> stl = stl_bytes(vertices, faces)
>>> len(stl) == 84 + 50 * len(faces)
True
"""

from __future__ import annotations

import numpy as np

# Printed size: the window's longer side this long, the relief (lowest to highest point) this
# high, on a base this thick, all in millimetres (STL's customary unit).
PRINT_WIDTH_MM = 100.0
PRINT_RELIEF_MM = 40.0
PRINT_BASE_MM = 5.0
# A window much longer than wide would print as a needle: its shorter side is at least this share.
MIN_SIDE_SHARE = 0.25

STL_TRIANGLE = np.dtype(
    [("normal", "<f4", (3,)), ("vertices", "<f4", (3, 3)), ("attribute", "<u2")]
)


def surface_solid(x, y, z, floor: float) -> tuple[np.ndarray, np.ndarray]:
    """The closed solid under z over the grid x (columns) by y (rows), down to z = floor.

    Returns vertices (n, 3) and faces (m, 3) of vertex indices, counterclockwise seen from
    outside. z has shape (len(y), len(x)); values that are not finite, or below the floor,
    are put at the floor."""
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    z = np.asarray(z, dtype=np.float64)
    nx, ny = len(x), len(y)
    if nx < 2 or ny < 2 or z.shape != (ny, nx):
        raise ValueError("z must have shape (len(y), len(x)), with at least 2 points on each side")
    if not (np.all(np.diff(x) > 0) and np.all(np.diff(y) > 0)):
        raise ValueError("x and y must increase")
    if not np.isfinite(floor):
        raise ValueError("the floor must be a finite height")
    with np.errstate(invalid="ignore"):
        top = np.where(np.isfinite(z) & (z > floor), z, floor)

    xx, yy = np.meshgrid(x, y)
    top_vertices = np.column_stack([xx.ravel(), yy.ravel(), top.ravel()])
    index = np.arange(nx * ny).reshape(ny, nx)  # vertex number of grid point (row, column)

    # The top: two triangles per cell, counterclockwise from above (x right, y up).
    a, b = index[:-1, :-1].ravel(), index[:-1, 1:].ravel()
    c, d = index[1:, 1:].ravel(), index[1:, :-1].ravel()
    top_faces = np.concatenate([np.column_stack([a, b, c]), np.column_stack([a, c, d])])

    # The boundary, counterclockwise from above: bottom row, right column, top row, left column.
    ring = np.concatenate([index[0, :-1], index[:-1, -1], index[-1, :0:-1], index[:0:-1, 0]])
    base_start = nx * ny
    base_vertices = top_vertices[ring].copy()
    base_vertices[:, 2] = floor
    centre = base_start + len(ring)
    centre_vertex = [[(x[0] + x[-1]) / 2, (y[0] + y[-1]) / 2, floor]]

    upper, upper_next = ring, np.roll(ring, -1)
    lower = base_start + np.arange(len(ring))
    lower_next = np.roll(lower, -1)
    # Walls face outward: walking the ring counterclockwise, outside is on the right.
    walls = np.concatenate(
        [
            np.column_stack([upper, lower, lower_next]),
            np.column_stack([upper, lower_next, upper_next]),
        ]
    )
    # The base: a fan from its centre, facing down (clockwise from above).
    base = np.column_stack([np.full(len(ring), centre), lower_next, lower])

    vertices = np.concatenate([top_vertices, base_vertices, centre_vertex])
    faces = np.concatenate([top_faces, walls, base]).astype(np.int64)
    return vertices, faces


def printable_solid(x, y, z, z_range=None) -> tuple[np.ndarray, np.ndarray]:
    """surface_solid scaled to print: the window's longer side PRINT_WIDTH_MM, the relief
    PRINT_RELIEF_MM (z_range: the heights mapped to it; default the finite values' range; values
    outside it are clipped, so a pole does not make a spike), on a PRINT_BASE_MM base plate.
    Where z is undefined the top drops to the plate, which stays whole."""
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    z = np.asarray(z, dtype=np.float64)
    finite = z[np.isfinite(z)]
    if z_range is None:
        z_range = (finite.min(), finite.max()) if finite.size else (0.0, 1.0)
    low, high = float(z_range[0]), float(z_range[1])
    width, depth = x[-1] - x[0], y[-1] - y[0]
    longer = max(width, depth)
    sx = PRINT_WIDTH_MM * max(width / longer, MIN_SIDE_SHARE) / width
    sy = PRINT_WIDTH_MM * max(depth / longer, MIN_SIDE_SHARE) / depth
    with np.errstate(all="ignore"):
        share = (np.clip(z, low, high) - low) / (high - low) if high > low else z * 0.0 + 0.5
        heights = PRINT_BASE_MM + PRINT_RELIEF_MM * share
    heights = np.where(np.isfinite(z), heights, PRINT_BASE_MM)
    return surface_solid((x - x[0]) * sx, (y - y[0]) * sy, heights, floor=0.0)


def stl_bytes(vertices, faces, header: str = "derivative explorer surface") -> bytes:
    """A binary STL: an 80-byte header, the triangle count, then each triangle's unit normal
    and three corners as little-endian float32."""
    vertices = np.asarray(vertices, dtype=np.float64)
    corners = vertices[np.asarray(faces)]
    normals = np.cross(corners[:, 1] - corners[:, 0], corners[:, 2] - corners[:, 0])
    lengths = np.linalg.norm(normals, axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        normals = np.where(lengths > 0, normals / lengths, 0.0)
    records = np.zeros(len(corners), dtype=STL_TRIANGLE)
    records["normal"] = normals
    records["vertices"] = corners
    title = header.encode("ascii", "replace")[:80].ljust(80, b" ")
    if title.startswith(b"solid"):  # an ASCII STL starts so; a binary one must not
        title = b"_" + title[:79]
    return title + np.uint32(len(records)).tobytes() + records.tobytes()


def read_stl(data: bytes) -> np.ndarray:
    """The triangles (n, 3, 3) of a binary STL (for tests and notebooks)."""
    if len(data) < 84:
        raise ValueError("too short for a binary STL")
    count = int(np.frombuffer(data, dtype="<u4", count=1, offset=80)[0])
    if len(data) != 84 + 50 * count:
        raise ValueError("the triangle count does not match the file's length")
    records = np.frombuffer(data, dtype=STL_TRIANGLE, count=count, offset=84)
    return records["vertices"].astype(np.float64)
