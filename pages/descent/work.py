"""The Descent page's calls into core, cached per server (ui.shell.cache.per_function): results
are numpy arrays that nobody writes to, shared between sessions without a copy. Each racer's
hyperparameters are a sorted tuple in the key."""

from __future__ import annotations

from collections.abc import Sequence

from core import Function, basins, race, stability
from core.optimizers import optimizer
from pages.descent.race import Runner
from pages.descent.settings import BY_KEY, Settings
from ui.shell.cache import per_function

Hyper = tuple[tuple[str, object], ...]


def frozen(hyperparameters: dict[str, object]) -> Hyper:
    """Hyperparameters as a hashable cache key."""
    return tuple(sorted(hyperparameters.items()))


def checked_racers(settings: Settings) -> tuple[list[str], list[str]]:
    """The racers whose hyperparameters core accepts, and a sentence for each one it refuses
    (e.g. Nesterov with momentum 0: torch and core require momentum > 0)."""
    kept, problems = [], []
    for key in settings.racers:
        racer = BY_KEY[key]
        try:
            optimizer(racer.optimizer, **settings.hyperparameters(key))
        except ValueError as error:
            problems.append(f"{racer.label} cannot run with these settings: {error}")
        else:
            kept.append(key)
    return kept, problems


@per_function(max_entries=64)
def _race(
    f: Function,
    start: tuple[float, float],
    racers: tuple[tuple[str, Hyper], ...],
    steps: int,
):
    return tuple(race(f, start, [(name, dict(hp)) for name, hp in racers], steps))


def race_for(f, start: tuple[float, float], settings: Settings, keys: Sequence[str]) -> list:
    """Runner per key (in order): every racer from `start` for settings.steps steps, one race."""
    spec = tuple((BY_KEY[key].optimizer, frozen(settings.hyperparameters(key))) for key in keys)
    results = _race(f, (float(start[0]), float(start[1])), spec, settings.steps)
    return [Runner(key, descent) for key, descent in zip(keys, results, strict=True)]


@per_function(max_entries=16)
def _basins(
    f: Function,
    name: str,
    hp: Hyper,
    xlim: tuple[float, float],
    ylim: tuple[float, float],
    resolution: int,
    steps: int,
):
    return basins(f, name, xlim, ylim, resolution, steps, **dict(hp))


def basins_for(f, key: str, settings: Settings, xlim, ylim):
    """The basin map of racer `key` (its optimizer and hyperparameters) over the window."""
    return _basins(
        f,
        BY_KEY[key].optimizer,
        frozen(settings.hyperparameters(key)),
        (float(xlim[0]), float(xlim[1])),
        (float(ylim[0]), float(ylim[1])),
        int(settings.basin_res),
        int(settings.basin_steps),
    )


def stability_for(f, start, runners: Sequence[Runner], lr_gd: float):
    """core.stability at the start with gradient descent's lr, and at each racer's end."""
    start = (float(start[0]), float(start[1]))
    gd = next((r for r in runners if r.key == "gd"), None)
    gd_end = tuple(gd.descent.path[-1]) if gd is not None else start
    at_start = stability(f, start, gd_end, lr_gd)
    ends = {r.key: stability(f, start, tuple(r.descent.path[-1]), r.lr) for r in runners}
    return at_start, ends


# --- tables ----------------------------------------------------------------------------------
