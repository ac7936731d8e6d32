"""The STL export: a watertight, outward-facing solid whose top is f on the grid."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from core import Function
from core.solid import (
    PRINT_BASE_MM,
    PRINT_RELIEF_MM,
    PRINT_WIDTH_MM,
    printable_solid,
    read_stl,
    stl_bytes,
    surface_solid,
)


def edge_counts(faces) -> tuple[Counter, Counter]:
    """(undirected edge -> triangles using it, directed edge -> times walked)."""
    directed = Counter()
    for a, b, c in np.asarray(faces).tolist():
        directed.update([(a, b), (b, c), (c, a)])
    undirected = Counter()
    for (a, b), n in directed.items():
        undirected[min(a, b), max(a, b)] += n
    return undirected, directed


def assert_watertight(faces):
    undirected, directed = edge_counts(faces)
    assert set(undirected.values()) == {2}  # every edge shared by exactly two triangles
    assert set(directed.values()) == {1}  # and walked once each way: consistently oriented


def signed_volume(triangles: np.ndarray) -> float:
    """Divergence theorem: positive for a closed mesh whose normals point out."""
    return float(
        np.einsum("ij,ij->i", triangles[:, 0], np.cross(triangles[:, 1], triangles[:, 2])).sum() / 6
    )


def by_coordinates(triangles: np.ndarray) -> np.ndarray:
    """Faces as indices of distinct corner coordinates: how a slicer reads an STL."""
    flat = triangles.reshape(-1, 3)
    _, index = np.unique(flat, axis=0, return_inverse=True)
    return index.reshape(-1, 3)


def prism_volume(x, y, top, floor) -> float:
    """The volume under the same triangulated top, summed cell by cell on its own."""
    dx, dy = np.diff(x)[None, :], np.diff(y)[:, None]
    a, b, c, d = top[:-1, :-1], top[:-1, 1:], top[1:, 1:], top[1:, :-1]
    heights = (a + b + c) / 3 + (a + c + d) / 3 - 2 * floor
    return float((dx * dy / 2 * heights).sum())


def test_a_paraboloid_is_watertight_with_f_on_top():
    f = Function("x^2 + y^2")
    x, y = np.linspace(-2, 2, 21), np.linspace(-1, 3, 17)
    z = f(*np.meshgrid(x, y))
    vertices, faces = surface_solid(x, y, z, floor=-1.0)
    assert_watertight(faces)
    triangles = read_stl(stl_bytes(vertices, faces))
    assert_watertight(by_coordinates(triangles))
    volume = signed_volume(triangles)
    assert volume > 0
    assert volume == pytest.approx(prism_volume(x, y, z, -1.0), rel=1e-5)
    # The top: at every grid point, the highest corner in the file is f there.
    corners = triangles.reshape(-1, 3)
    for row, yv in enumerate(y):
        for column, xv in enumerate(x):
            here = np.isclose(corners[:, 0], xv, atol=1e-6) & np.isclose(
                corners[:, 1], yv, atol=1e-6
            )
            assert corners[here, 2].max() == pytest.approx(z[row, column], abs=1e-5)
    assert corners[:, 2].min() == pytest.approx(-1.0)


def test_every_normal_in_the_file_points_out_of_the_box():
    x = y = np.linspace(0, 1, 5)
    data = stl_bytes(*surface_solid(x, y, np.ones((5, 5)), floor=0.0))
    records = np.frombuffer(
        data, dtype=[("n", "<f4", 3), ("v", "<f4", (3, 3)), ("a", "<u2")], offset=84
    )
    centres = records["v"].mean(axis=1)
    outward = np.einsum("ij,ij->i", records["n"], centres - [0.5, 0.5, 0.5])
    assert np.all(outward > 0)
    assert np.allclose(np.linalg.norm(records["n"], axis=1), 1)
    assert not data.startswith(b"solid")  # would make readers take it for ASCII STL


@given(
    arrays(
        np.float64,
        st.tuples(st.integers(2, 7), st.integers(2, 7)),
        elements=st.one_of(st.floats(-50, 50), st.just(np.nan), st.just(np.inf)),
    )
)
def test_any_grid_with_holes_prints_as_a_closed_solid(z):
    ny, nx = z.shape
    x, y = np.linspace(-1, 1, nx), np.linspace(0, 3, ny)
    vertices, faces = printable_solid(x, y, z)
    assert_watertight(faces)
    triangles = read_stl(stl_bytes(vertices, faces))
    assert_watertight(by_coordinates(triangles))  # no two corners share a place by accident
    assert signed_volume(triangles) > 0
    top = vertices[: nx * ny, 2].reshape(ny, nx)
    # Undefined points drop to the base plate; defined ones stand on it, within the relief.
    assert np.all(top[~np.isfinite(z)] == PRINT_BASE_MM)
    assert np.all((top >= PRINT_BASE_MM) & (top <= PRINT_BASE_MM + PRINT_RELIEF_MM + 1e-9))
    assert vertices[:, 0].max() <= PRINT_WIDTH_MM + 1e-9
    assert vertices[:, 1].max() <= PRINT_WIDTH_MM + 1e-9


def test_printable_heights_follow_f_and_clip_a_pole():
    x = y = np.linspace(-1, 1, 11)
    z = Function("x + 2 y")(*np.meshgrid(x, y))
    z[5, 5] = 1e12  # a pole's spike
    vertices, _ = printable_solid(x, y, z, z_range=(-3, 3))
    top = vertices[:121, 2].reshape(11, 11)
    expected = PRINT_BASE_MM + PRINT_RELIEF_MM * (np.clip(z, -3, 3) + 3) / 6
    np.testing.assert_allclose(top, expected)
    assert top[5, 5] == PRINT_BASE_MM + PRINT_RELIEF_MM


@pytest.mark.parametrize(
    ("x", "y", "z"),
    [
        (np.arange(3.0), np.arange(3.0), np.zeros((2, 3))),  # wrong shape
        (np.arange(1.0), np.arange(3.0), np.zeros((3, 1))),  # one column
        (np.array([0.0, 2.0, 1.0]), np.arange(3.0), np.zeros((3, 3))),  # not increasing
    ],
)
def test_bad_grids_are_refused(x, y, z):
    with pytest.raises(ValueError):
        surface_solid(x, y, z, floor=0.0)


def test_a_truncated_file_is_refused():
    data = stl_bytes(*surface_solid(np.arange(3.0), np.arange(3.0), np.zeros((3, 3)), floor=-1))
    with pytest.raises(ValueError):
        read_stl(data[:-10])
