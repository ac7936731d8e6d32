"""The Descent race as an animated GIF (pages.descent.animation): the page's own race and frames,
drawn on the server."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image, ImageSequence

from core import Function, evaluate_grid, race
from pages.descent.animation import race_animation, race_frames
from pages.descent.race import race_moving
from pages.descent.runner import COLOURS, Runner
from pages.descent.settings import BY_KEY, DEFAULT, KEYS

HIMMELBLAU = "(x^2+y-11)^2 + (x+y^2-7)^2"


def runners_on(text: str, start, keys, steps: int, window: float = 5.0):
    f = Function(text)
    grid = evaluate_grid(f, (-window, window), (-window, window), 100).as_float32()
    spec = [(BY_KEY[key].optimizer, DEFAULT.hyperparameters(key)) for key in keys]
    runners = [Runner(k, d) for k, d in zip(keys, race(f, start, spec, steps), strict=True)]
    return f, grid, runners


def test_the_gif_has_the_race_charts_frames_and_moves():
    f, grid, runners = runners_on(HIMMELBLAU, (0.5, 0.5), KEYS, 1000)
    data = race_animation(grid, runners, (0.5, 0.5), f.text)
    image = Image.open(io.BytesIO(data))
    assert image.format == "GIF" and image.is_animated
    moving = race_moving(grid, runners, (0.5, 0.5), float(f(0.5, 0.5)))
    assert image.n_frames == len(moving["frames"]["steps"]) == len(race_frames(runners)) == 61
    shown = [np.asarray(frame.convert("RGB")) for frame in ImageSequence.Iterator(image)]
    assert not np.array_equal(shown[0], shown[-1])
    assert 500 <= image.size[0] <= 800 and 500 <= image.size[1] <= 900
    assert len(data) < 1_500_000  # a download a class can share
    # Every racer's colour is on the last frame (its path), and on the first only in the legend.
    last = shown[-1].reshape(-1, 3)
    for key in KEYS:
        colour = np.array([int(COLOURS[key][i : i + 2], 16) for i in (1, 3, 5)])
        assert (last == colour).all(axis=1).sum() > (shown[0].reshape(-1, 3) == colour).all(
            axis=1
        ).sum()


def test_a_short_race_has_one_frame_per_step():
    f, grid, runners = runners_on("x^2 + y^2", (1.0, 1.0), ["gd", "adam"], 12, window=2.0)
    data = race_animation(grid, runners, (1.0, 1.0), f.text)
    assert Image.open(io.BytesIO(data)).n_frames == 13


def test_the_page_offers_the_gif_beside_the_csv():
    from tests import apptest

    app = apptest.open_page("pages/descent/page.py")
    labels = [button.proto.label for button in app.get("download_button")]
    assert (
        labels.index("The race as an animated GIF") == labels.index("Download every path (CSV)") + 1
    )
