"""ui.plots.race_gif: an animated GIF of a race, from plain arrays (no server)."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image, ImageSequence

from ui.plots.race_gif import LEFT, MAP_SIZE, TOP, GifRacer, race_gif

GREYS = [(0.0, "#a9a9a9"), (0.5, "#dcdcdc"), (1.0, "#fbfbfb")]


def bowl(n: int = 60):
    x = np.linspace(-2, 2, n)
    y = np.linspace(-2, 2, n)
    z = x[None, :] ** 2 + y[:, None] ** 2
    return x, y, z, (0.0, 8.0)


def frames(data: bytes) -> list[np.ndarray]:
    image = Image.open(io.BytesIO(data))
    assert image.format == "GIF"
    return [np.asarray(frame.convert("RGB")) for frame in ImageSequence.Iterator(image)]


def pixel(at: tuple[float, float]) -> tuple[int, int]:
    """The image pixel (row, column) of window point `at` on the bowl's [-2, 2]² map."""
    column = LEFT + round((at[0] + 2) / 4 * (MAP_SIZE - 1))
    row = TOP + round((2 - at[1]) / 4 * (MAP_SIZE - 1))
    return row, column


def test_one_frame_per_step_and_the_racer_moves_along_its_path():
    path = np.column_stack([np.linspace(1.5, 0, 11), np.linspace(1.5, 0, 11)])
    racer = GifRacer("Gradient descent", "#1A85FF", "circle", path)
    data = race_gif(*bowl(), [1.0, 2.0, 4.0], GREYS, [racer], (1.5, 1.5), [0, 5, 10], "bowl")
    shown = frames(data)
    assert len(shown) == 3
    blue = np.array([0x1A, 0x85, 0xFF])
    # The head's marker sits where the path is at that frame's step, and nowhere else yet.
    for frame, step in zip(shown, (0, 5, 10), strict=True):
        row, column = pixel(tuple(path[step]))
        assert (frame[row, column] == blue).all()
    row, column = pixel((0.0, 0.0))
    assert not (shown[0][row, column] == blue).all()
    assert not np.array_equal(shown[0], shown[-1])


def test_a_racer_that_stopped_gets_a_red_cross_and_a_far_path_is_cut_not_overflowed():
    path = np.array([[0.5, 0.5], [1.0, -1.0], [1e30, -1e30], [np.nan, np.nan]])
    racer = GifRacer("Momentum", "#8B4513", "square", path, stop=1)
    data = race_gif(*bowl(), [1.0], GREYS, [racer], (0.5, 0.5), [0, 1, 2, 3], "far")
    shown = frames(data)
    red = (shown[-1] == np.array([208, 0, 0])).all(axis=2)
    assert not (shown[0] == np.array([208, 0, 0])).all(axis=2).any()
    rows, columns = np.nonzero(red)
    row, column = pixel((1.0, -1.0))
    assert abs(rows.mean() - row) < 3 and abs(columns.mean() - column) < 3


def test_undefined_everywhere_still_draws_the_race_frames():
    x, y, z, _ = bowl(20)
    racer = GifRacer("Adam", "#5D3A9B", "pentagon", np.zeros((3, 2)))
    data = race_gif(x, y, np.full_like(z, np.nan), None, [], GREYS, [racer], (0, 0), [0, 1, 2], "")
    assert len(frames(data)) == 3


@pytest.mark.parametrize("symbol", ["circle", "square", "diamond", "triangle-up", "hexagon"])
def test_every_marker_shape_draws(symbol):
    racer = GifRacer("r", "#66A61E", symbol, np.array([[0.0, 0.0], [1.0, 1.0]]))
    data = race_gif(*bowl(20), [1.0], GREYS, [racer], (0, 0), [0, 1], "t")
    row, column = pixel((1.0, 1.0))
    assert (frames(data)[-1][row, column] == np.array([0x66, 0xA6, 0x1E])).all()
