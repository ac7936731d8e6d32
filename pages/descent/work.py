"""The Descent page's calls into core, cached per server, and the tables it shows and exports.

st.cache_resource (as ui/compute.py): results are numpy arrays that nobody writes to, shared
between sessions without a copy. Keys are plain values: the function's canonical text (SymPy
objects cannot be hashed), the start, and each racer's hyperparameters as sorted tuples.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
import streamlit as st

from core import basins, race, stability
from core.optimizers import optimizer
from pages.descent.race import Runner
from pages.descent.settings import BY_KEY, Settings
from ui.shell.cache import function_for

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


@st.cache_resource(max_entries=64, show_spinner=False)
def _race(
    canonical_text: str,
    start: tuple[float, float],
    racers: tuple[tuple[str, Hyper], ...],
    steps: int,
):
    f = function_for(canonical_text)
    return tuple(race(f, start, [(name, dict(hp)) for name, hp in racers], steps))


def race_for(f, start: tuple[float, float], settings: Settings, keys: Sequence[str]) -> list:
    """Runner per key (in order): every racer from `start` for settings.steps steps, one race."""
    spec = tuple((BY_KEY[key].optimizer, frozen(settings.hyperparameters(key))) for key in keys)
    results = _race(f.canonical_text, (float(start[0]), float(start[1])), spec, settings.steps)
    return [Runner(key, descent) for key, descent in zip(keys, results, strict=True)]


@st.cache_resource(max_entries=16, show_spinner=False)
def _basins(
    canonical_text: str,
    name: str,
    hp: Hyper,
    xlim: tuple[float, float],
    ylim: tuple[float, float],
    resolution: int,
    steps: int,
):
    f = function_for(canonical_text)
    return basins(f, name, xlim, ylim, resolution, steps, **dict(hp))


def basins_for(f, key: str, settings: Settings, xlim, ylim):
    """The basin map of racer `key` (its optimizer and hyperparameters) over the window."""
    return _basins(
        f.canonical_text,
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


def shape(eigenvalues, reference: float = 0.0) -> str:
    """What the Hessian's eigenvalues say about f's shape at a point, in words. An eigenvalue
    within 1e-6 of `reference` (a typical |λ|, e.g. at the start) or of the larger one counts
    as 0: f is flat along that direction (the second-derivative test cannot decide)."""
    low, high = (float(value) for value in eigenvalues)
    if not (math.isfinite(low) and math.isfinite(high)):
        return "undefined"
    zero = 1e-6 * max(abs(low), abs(high), reference if math.isfinite(reference) else 0.0)
    if abs(low) <= zero and abs(high) <= zero:
        return "flat (Hessian ≈ 0)"
    if min(abs(low), abs(high)) <= zero:
        return "flat along one direction"
    if low > 0:
        return "bowl (curves up)"
    if high < 0:
        return "dome (curves down)"
    return "saddle"


def stability_table(runners: Sequence[Runner], ends: dict, reference: float) -> pd.DataFrame:
    """Per racer: where it ended, the Hessian's eigenvalues there and the shape they mean
    (`reference`: a typical |λ|, the start's, for telling a zero eigenvalue)."""
    rows = []
    for runner in runners:
        x, y = (float(v) for v in runner.descent.path[-1])
        eigenvalues = ends[runner.key].end_eigenvalues
        rows.append(
            {
                "racer": runner.label,
                "ends at": f"({x:.4g}, {y:.4g})",
                "λ₁": float(eigenvalues[0]),
                "λ₂": float(eigenvalues[1]),
                "shape there": shape(eigenvalues, reference),
            }
        )
    return pd.DataFrame(rows)


# --- tables ----------------------------------------------------------------------------------

# How the table shows a row's status (the CSV keeps the plain word).
SHOWN_STATUS = {
    "diverged": "✕ diverged",
    "undefined": "✕ left f's domain",
    "stuck": "✕ stuck: singular Hessian",
    "not a number": "✕ not a number",
}


def row_status(runner: Runner) -> np.ndarray:
    """One word per step: "ok"; "not a number" where a value is NaN or infinite; and at the last
    row how the run ended (core's Descent.status: finished, converged, diverged, ...)."""
    descent = runner.descent
    status = np.full(len(descent.path), "ok", dtype=object)
    with np.errstate(invalid="ignore"):
        bad = ~(
            np.isfinite(descent.path).all(axis=1)
            & np.isfinite(descent.values)
            & np.isfinite(descent.gradient_norms)
        )
    status[bad] = "not a number"
    status[-1] = descent.status
    return status


def steps_table(runner: Runner) -> pd.DataFrame:
    """Every step of one racer: step, x, y, f, |∇f| and status."""
    descent = runner.descent
    path = np.asarray(descent.path, dtype=np.float64)
    return pd.DataFrame(
        {
            "step": np.arange(len(path)),
            "x": path[:, 0],
            "y": path[:, 1],
            "f": np.asarray(descent.values, dtype=np.float64),
            "|∇f|": np.asarray(descent.gradient_norms, dtype=np.float64),
            "status": [SHOWN_STATUS.get(word, word) for word in row_status(runner)],
        }
    )


def flagged(status: str) -> bool:
    """A table status that must stand out (the run stopped early there, or a value is NaN)."""
    return status.startswith("✕")


FLAGGED_ROW = "background-color: #ffd6d6; font-weight: bold"


def highlighted(table: pd.DataFrame):
    """The steps table with every flagged row (✕ in its status) on a red background."""
    return table.style.apply(
        lambda row: [FLAGGED_ROW if flagged(row["status"]) else ""] * len(row), axis=1
    )


CSV_COLUMNS = ("racer", "step", "x", "y", "f", "grad_norm", "status")


def paths_csv(runners: Sequence[Runner]) -> str:
    """Every racer's path as CSV (columns CSV_COLUMNS); numbers in full precision (repr), NaN
    and infinities as "nan"/"inf"."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for runner in runners:
        descent = runner.descent
        for step, ((x, y), value, norm, status) in enumerate(
            zip(
                descent.path,
                descent.values,
                descent.gradient_norms,
                row_status(runner),
                strict=True,
            )
        ):
            writer.writerow(
                [runner.label, step, *(_number(v) for v in (x, y, value, norm)), status]
            )
    return out.getvalue()


def _number(value: float) -> str:
    value = float(value)
    return repr(value + 0.0) if math.isfinite(value) else str(value)
