"""The Descent page's own settings and their round trip through a link (ui/shell/link.py).

Plain data, no Streamlit: which optimizers race, each one's learning rate, the shared momentum and
Adam/RMSProp constants, the number of steps, the racer shown in the table, and the basin map. A bad
link value is replaced (or clamped) and explained in a notice; never an exception.

Every number is bounded here, so the page's work is bounded whatever the link says: at most
MAX_STEPS steps per racer, a basin map of at most MAX_BASIN_RESOLUTION² starts for at most
MAX_BASIN_STEPS steps.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass

from ui.shell.link import (
    Field,
    Reader,
    exact,
    parse_finite,
    parse_flag,
    read_link,
    reads_back,
    short,
    shown,
    write_link,
)

PREFIX = "descent_"


@dataclass(frozen=True)
class Racer:
    """One optimizer on the start line: its link name, its label, and how core runs it."""

    key: str  # in the link (racers=gd,adam) and in lr_<key>
    label: str
    optimizer: str  # core.OPTIMIZERS name
    lr: float  # default learning rate on this page (see LR_NOTE)
    lr_step: float  # the +/- step of its number input


RACERS = (
    Racer("gd", "Gradient descent", "sgd", 0.01, 0.001),
    Racer("momentum", "Momentum", "sgd", 0.005, 0.001),
    Racer("nesterov", "Nesterov", "sgd", 0.005, 0.001),
    Racer("adagrad", "AdaGrad", "adagrad", 0.25, 0.05),
    Racer("rmsprop", "RMSProp", "rmsprop", 0.02, 0.005),
    Racer("adam", "Adam", "adam", 0.1, 0.01),
    Racer("newton", "Newton", "newton", 0.5, 0.05),
)
BY_KEY = {racer.key: racer for racer in RACERS}
KEYS = tuple(BY_KEY)

# Why the defaults are not torch's (1e-3 for SGD and Adam moves nothing visible in 100 steps).
LR_NOTE = (
    "Why these learning rates: torch.optim's defaults (0.001 for gradient descent and Adam) "
    "barely move in 100 steps, so each racer has its own, chosen to make a visible race on "
    "x²y + y³ from (2, 1) and on Himmelblau from (0, 0). Gradient descent steps lr·∇f, so with "
    "|∇f| in the tens it needs lr = 0.01. Momentum and Nesterov build up to lr/(1 − momentum) = "
    "10× that, so they start at half of it (0.005). AdaGrad, RMSProp and Adam divide ∇f by its "
    "running size, so their lr is about the distance moved per step: 0.25, 0.02 (RMSProp's first "
    "steps are 10× larger) and 0.1. Newton's lr damps its full step H⁻¹∇f (1 = the full step); "
    "0.5 halves the distance to the critical point each step, so you can watch it arrive."
)

MIN_LR, MAX_LR = 1e-6, 100.0
MIN_STEPS, MAX_STEPS = 1, 1000
MIN_BASIN_RESOLUTION, MAX_BASIN_RESOLUTION, BASIN_RESOLUTION_STEP = 40, 120, 10
MIN_BASIN_STEPS, MAX_BASIN_STEPS = 10, 500
# Decay constants (momentum, betas, alpha) live in [0, MAX_DECAY]: 1 would never forget.
MAX_DECAY = 0.9999


def lr_field(key: str) -> str:
    return f"lr_{key}"


@dataclass(frozen=True)
class Settings:
    racers: tuple[str, ...] = ("gd", "momentum", "adam", "newton")
    steps: int = 100
    lr_gd: float = BY_KEY["gd"].lr
    lr_momentum: float = BY_KEY["momentum"].lr
    lr_nesterov: float = BY_KEY["nesterov"].lr
    lr_adagrad: float = BY_KEY["adagrad"].lr
    lr_rmsprop: float = BY_KEY["rmsprop"].lr
    lr_adam: float = BY_KEY["adam"].lr
    lr_newton: float = BY_KEY["newton"].lr
    momentum: float = 0.9  # Momentum and Nesterov (torch's SGD momentum)
    alpha: float = 0.99  # RMSProp's smoothing constant (torch's default)
    beta1: float = 0.9  # Adam's betas (torch's defaults)
    beta2: float = 0.999
    table: str = "gd"  # the racer whose steps the table lists
    basins: bool = False  # draw the basin map (costs a second or two)
    basin: str = "gd"  # the racer whose basins are mapped (with its learning rate)
    basin_res: int = 80
    basin_steps: int = 200

    def lr(self, key: str) -> float:
        return getattr(self, lr_field(key))

    def hyperparameters(self, key: str) -> dict[str, object]:
        """The racer's core optimizer hyperparameters (torch names) under these settings."""
        hp: dict[str, object] = {"lr": self.lr(key)}
        if key in ("momentum", "nesterov"):
            hp["momentum"] = self.momentum
        if key == "nesterov":
            hp["nesterov"] = True
        if key == "rmsprop":
            hp["alpha"] = self.alpha
        if key == "adam":
            hp["betas"] = (self.beta1, self.beta2)
        return hp

    def race(self) -> tuple[tuple[str, dict[str, object]], ...]:
        """(core optimizer, hyperparameters) for each racer, in the order chosen."""
        return tuple((BY_KEY[key].optimizer, self.hyperparameters(key)) for key in self.racers)


DEFAULT = Settings()
FIELDS = tuple(field.name for field in dataclasses.fields(Settings))
LR_FIELDS = tuple(lr_field(key) for key in KEYS)
DECAYS = ("momentum", "alpha", "beta1", "beta2")
# Link parameter = field name (none collides with the shared View's f, x0, y0, x/y min/max, res,
# plane, slices, field).


def parse_racers(text: str) -> tuple[tuple[str, ...], str | None]:
    """Racer keys from "gd,adam": unknown names dropped, duplicates kept once (with a note).
    An empty value is an empty race; a value naming no known racer at all is refused."""
    asked = [part.strip().lower() for part in text.split(",") if part.strip()]
    kept = tuple(dict.fromkeys(key for key in asked if key in BY_KEY))
    unknown = [name for name in dict.fromkeys(asked) if name not in BY_KEY]
    if not unknown:
        return kept, None
    listed = ", ".join(f"“{short(name)}”" for name in unknown[:3])
    more = f" and {len(unknown) - 3} more" if len(unknown) > 3 else ""
    reason = f"names no optimizer: {listed}{more} (known: {', '.join(KEYS)})"
    if not kept:
        raise ValueError(reason)
    return kept, f"{reason}; using {','.join(kept)}"


def parse_lr(text: str) -> tuple[float, str | None]:
    """A learning rate in [MIN_LR, MAX_LR]: clamped into it (with a note) when positive."""
    value = parse_finite(text)
    if value <= 0:
        raise ValueError("is not a positive learning rate")
    clamped = min(max(value, MIN_LR), MAX_LR)
    if clamped == value:
        return value + 0.0, None
    return clamped, f"is outside {MIN_LR:g} to {MAX_LR:g}; using {shown(clamped)}"


def parse_count(text: str, low: int, high: int, step: int = 1) -> tuple[int, str | None]:
    """A whole number in [low, high] (a multiple of `step`): clamped/rounded, with a note."""
    value = parse_finite(text)
    snapped = round(value / step) * step
    clamped = int(min(max(snapped, low), high))
    if clamped == value:
        return clamped, None
    if not low <= value <= high:
        return clamped, f"is outside {low} to {high}; using {clamped}"
    kind = "a whole number" if step == 1 else f"a multiple of {step}"
    return clamped, f"is not {kind}; using {clamped}"


def parse_decay(text: str) -> float:
    value = parse_finite(text)
    if not 0 <= value <= MAX_DECAY:
        raise ValueError(f"is not between 0 and {MAX_DECAY:g}")
    return value + 0.0


def parse_key(text: str) -> str:
    key = text.strip().lower()
    if key not in BY_KEY:
        raise ValueError(f"names no optimizer (known: {', '.join(KEYS)})")
    return key


def count_reader(low: int, high: int, step: int = 1) -> Reader:
    return lambda text: parse_count(text, low, high, step)


LINK = (
    Field("racers", parse_racers),
    Field("steps", count_reader(MIN_STEPS, MAX_STEPS)),
    *(Field(name, parse_lr) for name in LR_FIELDS),
    *(Field(name, exact(parse_decay)) for name in DECAYS),
    Field("table", exact(parse_key)),
    Field("basins", exact(parse_flag)),
    Field("basin", exact(parse_key)),
    Field(
        "basin_res",
        count_reader(MIN_BASIN_RESOLUTION, MAX_BASIN_RESOLUTION, BASIN_RESOLUTION_STEP),
    ),
    Field("basin_steps", count_reader(MIN_BASIN_STEPS, MAX_BASIN_STEPS)),
)


def from_query(query: Mapping[str, str | list[str]]) -> tuple[Settings, list[str]]:
    """The settings a link asks for, and one notice per part that could not be used as is."""
    return read_link(LINK, DEFAULT, query)


def to_query(settings: Settings) -> dict[str, str]:
    """The link parameters of the settings that differ from the defaults."""
    return write_link(LINK, DEFAULT, settings)


def checked(settings: Settings) -> tuple[Settings, list[str]]:
    """Settings from the page's controls, made safe: anything out of bounds (a widget cannot
    produce it, but session state can be set by code) is put back to its default, by the same
    readers as a link's (ui.shell.link.reads_back). Unknown racers are dropped silently."""
    fixed: dict[str, object] = {}
    for field in LINK:
        value, default = getattr(settings, field.name), getattr(DEFAULT, field.name)
        if field.name == "racers":
            if not isinstance(value, tuple) or any(key not in BY_KEY for key in value):
                fixed[field.name] = tuple(key for key in value if key in BY_KEY)
        elif isinstance(value, bool) != isinstance(default, bool) or not reads_back(field, value):
            fixed[field.name] = default
    notes = [
        f"The {name} setting was out of bounds; using {shown(getattr(DEFAULT, name))}."
        for name in fixed
        if name != "racers"
    ]
    return dataclasses.replace(settings, **fixed), notes
