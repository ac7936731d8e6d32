"""A racer as the Descent page draws it: its core result, its colour, marker and words."""

from __future__ import annotations

import math
from dataclasses import dataclass

from pages.descent.settings import BY_KEY

# One colour per racer, never re-used for anything else on the page. Picked so that every pair
# stays apart (CIELAB distance >= 22) for normal vision and simulated protanopia and deuteranopia
# (>= 18 for tritanopia), and far from the light greys of the surface and the colours of
# ui/plots/colours.py (slices, gradient, plane). Each racer also has its own marker shape, so no one
# has to tell racers apart by colour alone.
COLOURS = {
    "gd": "#1A85FF",  # blue
    "momentum": "#8B4513",  # brown
    "nesterov": "#CC79A7",  # pink
    "adagrad": "#66A61E",  # green
    "rmsprop": "#33BBEE",  # cyan
    "adam": "#5D3A9B",  # purple
    "newton": "#2F4F4F",  # dark slate
}


SYMBOLS = {
    "gd": "circle",
    "momentum": "square",
    "nesterov": "diamond",
    "adagrad": "triangle-up",
    "rmsprop": "triangle-down",
    "adam": "pentagon",
    "newton": "hexagon",
}


START_COLOUR = "#ffffff"


STOP_COLOUR = "#d00000"  # the ✕ where a racer stopped early: the one alarm colour on the page


STOPPED_EARLY = frozenset({"diverged", "undefined", "stuck"})


@dataclass(frozen=True)
class Runner:
    """A racer on the page: its key (pages.descent.settings.RACERS) and its core.Descent."""

    key: str
    descent: object

    @property
    def label(self) -> str:
        return BY_KEY[self.key].label

    @property
    def colour(self) -> str:
        return COLOURS[self.key]

    @property
    def last(self) -> int:
        return len(self.descent.path) - 1

    @property
    def stopped_early(self) -> bool:
        return self.descent.status in STOPPED_EARLY

    @property
    def lr(self) -> float:
        return float(self.descent.hyperparameters.get("lr", math.nan))


def status_words(runner: Runner) -> str:
    """The racer's outcome in a few words, for a legend."""
    descent = runner.descent
    at = descent.stopped_at if descent.stopped_at is not None else runner.last
    return {
        "finished": f"{runner.last} steps",
        "converged": f"converged at step {at}",
        "diverged": f"diverged at step {at}",
        "undefined": f"left f's domain at step {at}",
        "stuck": f"stuck at step {at}",
    }.get(descent.status, descent.status)


def legend_name(runner: Runner) -> str:
    mark = " ✕" if runner.stopped_early else ""
    return f"{runner.label} (lr {runner.lr:g}): {status_words(runner)}{mark}"
