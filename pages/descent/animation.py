"""The race as an animated GIF to download (ui.plots.race_gif draws it): the same frames as the
page's animation (race.frame_steps), the map's greys and level curves, each racer's colour,
marker and outcome."""

from __future__ import annotations

from collections.abc import Sequence

from pages.descent.race import MAX_FRAMES, frame_steps, stop_point
from pages.descent.race_map import GREYS, nice_levels
from pages.descent.runner import SYMBOLS, Runner, status_words
from ui.plots.arrays import grid_window
from ui.plots.race_gif import GifRacer, race_gif

MAX_TITLE = 44  # characters of the formula in the title, beside "step k of n"


def race_frames(runners: Sequence[Runner]) -> list[int]:
    """The steps the page's animation shows (race.race_moving): one GIF frame each."""
    total = max((runner.last for runner in runners), default=0)
    return [int(step) for step in frame_steps(total, MAX_FRAMES)]


def race_animation(grid, runners: Sequence[Runner], start: tuple[float, float], text: str) -> bytes:
    """The race over the map of f (`text` is the formula as typed) as GIF bytes."""
    xlim, ylim = grid_window(grid)
    racers = [
        GifRacer(
            label=f"{runner.label} (lr {runner.lr:g}): {status_words(runner)}",
            colour=runner.colour,
            symbol=SYMBOLS[runner.key],
            path=runner.descent.path,
            stop=stop_point(runner, xlim, ylim),
        )
        for runner in runners
    ]
    formula = text if len(text) <= MAX_TITLE else text[: MAX_TITLE - 1] + "…"
    return race_gif(
        grid.x,
        grid.y,
        grid.z,
        grid.z_range,
        nice_levels(grid.z),
        [(stop, colour) for stop, colour in GREYS],
        racers,
        start,
        race_frames(runners),
        f"f(x, y) = {formula}",
    )
