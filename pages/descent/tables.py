"""The Descent page's tables: every step of a racer, the racers' stability at their ends, and the
CSV of every path (numbers in full precision)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

import numpy as np
import pandas as pd

from core import hessian_shape
from pages.descent.runner import Runner, status_words
from ui.shell.chart_text import number


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
                "shape there": hessian_shape(eigenvalues, reference),
            }
        )
    return pd.DataFrame(rows)


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


def shown(table: pd.DataFrame, digits: int) -> pd.DataFrame:
    """A table as st.table shows it: its float columns as text to `digits` significant digits
    (NaN as "undefined"), the rest as they are. Text, not a pandas Styler: a Styler renders every
    cell to HTML on each run (26 ms for the steps table, and more bytes)."""
    shown = table.copy()
    for name in table.columns:
        if pd.api.types.is_float_dtype(table[name]):
            shown[name] = [
                "undefined" if value != value else f"{value:.{digits}g}"
                for value in table[name].tolist()
            ]
    return shown


CSV_COLUMNS = ("racer", "step", "x", "y", "f", "grad_norm", "status")


def paths_csv(runners: Sequence[Runner]) -> str:
    """Every racer's path as CSV (columns CSV_COLUMNS); numbers in full precision (repr), NaN
    and infinities as "nan"/"inf"."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for runner in runners:
        descent = runner.descent
        # Python floats written by the csv module are their repr; + 0.0 turns -0.0 into 0.0.
        # Built a whole path at a time: this ran on every start move, one number at a time.
        numbers = np.column_stack(
            (
                np.asarray(descent.path, dtype=np.float64).reshape(-1, 2),
                np.asarray(descent.values, dtype=np.float64),
                np.asarray(descent.gradient_norms, dtype=np.float64),
            )
        )
        label = runner.label
        writer.writerows(
            [label, step, *row, status]
            for step, (row, status) in enumerate(
                zip((numbers + 0.0).tolist(), row_status(runner).tolist(), strict=True)
            )
        )
    return out.getvalue()


# --- the charts in words and numbers (ui/shell/chart_text.py puts them on the page) -------------


def race_rows(runners: Sequence[Runner]) -> list[dict[str, str]]:
    """The race chart's numbers: per racer its outcome, its steps and where it ended."""
    rows = []
    for runner in runners:
        x, y = np.asarray(runner.descent.path, dtype=np.float64)[-1]
        value = np.asarray(runner.descent.values, dtype=np.float64)[-1]
        rows.append(
            {
                "racer": runner.label,
                "lr": f"{runner.lr:g}",
                "outcome": status_words(runner),
                "steps": str(runner.last),
                "ends at x": number(x, 6),
                "ends at y": number(y, 6),
                "f at the end": number(value, 6),
            }
        )
    return rows


def loss_rows(runners: Sequence[Runner]) -> list[dict[str, str]]:
    """The loss chart's numbers: per racer f at the start, its lowest f (and when), f at the end."""
    rows = []
    for runner in runners:
        values = np.asarray(runner.descent.values, dtype=np.float64)
        finite = np.isfinite(values)
        low = int(np.argmin(np.where(finite, values, np.inf))) if finite.any() else None
        rows.append(
            {
                "racer": runner.label,
                "f at step 0": number(values[0], 6),
                "lowest f": number(values[low], 6) if low is not None else "undefined",
                "at step": str(low) if low is not None else "",
                "f at the end": number(values[-1], 6),
                "steps": str(runner.last),
            }
        )
    return rows


def loss_sentence(runners: Sequence[Runner]) -> str:
    """The loss chart in words: f along each racer's path, from its start to its end."""
    words = ["f along each racer's path, one line per racer, against the step."]
    for row, runner in zip(loss_rows(runners), runners, strict=True):
        words.append(
            f"{row['racer']}: from {row['f at step 0']} to {row['f at the end']} in "
            f"{row['steps']} steps ({status_words(runner)})."
        )
    return " ".join(words)


def basin_rows(categories: Sequence[tuple[str, float]]) -> list[dict[str, str]]:
    """The basin map's numbers: per category (a critical point or an outcome) its share of the
    starts."""
    return [{"the paths": words, "share of starts": f"{share:.1%}"} for words, share in categories]


def basin_sentence(title: str, categories: Sequence[tuple[str, float]]) -> str:
    """The basin map in words: what share of the starts ends where."""
    shares = "; ".join(f"{share:.0%} {words}" for words, share in categories)
    return (
        f"Basins of attraction ({title}): each start of a grid coloured by where its path ends. "
        f"Of the starts, {shares}."
    )
