"""The Descent page's calls into core, cached per server (ui.shell.cache.per_function): results
are numpy arrays that nobody writes to, shared between sessions without a copy. Each racer's
hyperparameters are a sorted tuple in the key."""

from __future__ import annotations

from collections.abc import Sequence

from core import Function, basins, race, stability
from core.optimizers import optimizer
from pages.descent.animation import race_animation
from pages.descent.loss import loss_figure
from pages.descent.race import Runner, race_base, race_moving
from pages.descent.settings import BY_KEY, Settings
from pages.descent.tables import paths_csv
from ui.plots.config import prepared
from ui.shell.cache import grid_for, per_function
from ui.shell.live_chart import plotly_json

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


def _spec(settings: Settings, keys: Sequence[str]) -> tuple[tuple[str, Hyper], ...]:
    return tuple((BY_KEY[key].optimizer, frozen(settings.hyperparameters(key))) for key in keys)


class Race:
    """One race as the page draws it: the runners, and the loss chart, the CSV and the race
    chart's moving part, each built the first time a session asks and kept with the race.

    One cached object per race and window: a run looks the race up once (one hash of its key)
    instead of once per part, and each part of it once more for the race inside (Streamlit's
    hashing of those keys was 2 ms of every Descent run). Shared between sessions and only read
    once built; two sessions building the same part at once both get an equal value."""

    def __init__(self, f: Function, start, keys, spec, steps, xlim, ylim, resolution) -> None:
        self._f, self._start, self._steps = f, start, steps
        self._window = (xlim, ylim, resolution)
        results = _race(f, start, spec, steps)
        self.runners = tuple(Runner(key, d) for key, d in zip(keys, results, strict=True))

    def _once(self, name: str, build):
        value = self.__dict__.get(name)
        if value is None:
            value = self.__dict__[name] = build()
        return value

    @property
    def loss(self):
        """The loss chart (prepared: ui.plots.config.prepared) and its scale note
        (pages.descent.loss.loss_figure)."""

        def build():
            figure, note = loss_figure(self.runners)
            return prepared(figure), note

        return self._once("_loss", build)

    @property
    def csv(self) -> str:
        """Every racer's path as CSV (pages.descent.tables.paths_csv)."""
        return self._once("_csv", lambda: paths_csv(self.runners))

    @property
    def race_json(self) -> str:
        """The race chart's race part (race.race_moving) as JSON."""

        def build() -> str:
            grid = grid_for(self._f, *self._window, False)
            value = float(self._f(*self._start))
            return plotly_json(race_moving(grid, self.runners, self._start, value))

        return self._once("_race_json", build)


@per_function(max_entries=64)
def _race_view(f, start, keys, spec, steps, xlim, ylim, resolution) -> Race:
    return Race(f, start, keys, spec, steps, xlim, ylim, resolution)


def race_for(
    f, start, settings: Settings, keys: Sequence[str], xlim, ylim, resolution: int
) -> Race:
    """The race of every racer in `keys` from `start` for settings.steps steps, on this window
    and resolution: built once per server for the same function, start, racers and window (a
    class opening one link pays once)."""
    return _race_view(
        f,
        _start(start),
        tuple(keys),
        _spec(settings, keys),
        int(settings.steps),
        (float(xlim[0]), float(xlim[1])),
        (float(ylim[0]), float(ylim[1])),
        int(resolution),
    )


def _start(start) -> tuple[float, float]:
    return float(start[0]), float(start[1])


@per_function(max_entries=16)
def race_base_json(
    f: Function, xlim: tuple[float, float], ylim: tuple[float, float], resolution: int
) -> str:
    """The race chart's base (race.race_base) as JSON: the same for every start and every
    session on the same function, window and resolution, so it is built once per server."""
    return plotly_json(race_base(grid_for(f, xlim, ylim, resolution, False)))


@per_function(max_entries=16)
def _gif(f, start, keys, spec, steps, xlim, ylim, resolution) -> bytes:
    grid = grid_for(f, xlim, ylim, resolution, False)
    results = _race(f, start, spec, steps)
    runners = [Runner(key, descent) for key, descent in zip(keys, results, strict=True)]
    return race_animation(grid, runners, start, f.text)


def gif_for(f, start, settings: Settings, keys: Sequence[str], xlim, ylim, resolution) -> bytes:
    """The race as an animated GIF (pages.descent.animation), built once per server for the same
    race, window and resolution: made only when someone asks for it (a download button's data)."""
    return _gif(
        f,
        (float(start[0]), float(start[1])),
        tuple(keys),
        _spec(settings, keys),
        int(settings.steps),
        (float(xlim[0]), float(xlim[1])),
        (float(ylim[0]), float(ylim[1])),
        int(resolution),
    )


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
