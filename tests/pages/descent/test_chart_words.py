"""Descent's charts in words and numbers: the race, f along each path, the basin map."""

from __future__ import annotations

import numpy as np

from core import Function, basins, descend
from pages.descent.basins import basin_shares
from pages.descent.runner import Runner
from pages.descent.tables import basin_rows, basin_sentence, loss_rows, loss_sentence, race_rows


def runners_on_a_bowl():
    f = Function("x^2 + 10 y^2")
    calm = Runner("gd", descend(f, (1, 1), "sgd", steps=50, lr=0.01))
    # y's factor per step is 1 - 0.5 * 20 = -9: it diverges
    wild = Runner("momentum", descend(f, (1, 1), "sgd", steps=50, lr=0.5))
    return calm, wild


def test_the_race_table_has_each_racers_outcome_and_end():
    calm, wild = runners_on_a_bowl()
    assert wild.descent.status == "diverged"
    rows = race_rows([calm, wild])
    assert [row["racer"] for row in rows] == [calm.label, wild.label]
    assert rows[0]["outcome"] == "50 steps" and rows[0]["steps"] == "50"
    x = calm.descent.path[-1][0]
    assert float(rows[0]["ends at x"]) == float(f"{x:.6g}")
    assert rows[1]["outcome"].startswith("diverged at step")


def test_the_loss_sentence_says_where_each_racer_started_and_ended():
    calm, wild = runners_on_a_bowl()
    words = loss_sentence([calm, wild])
    end = float(calm.descent.values[-1])
    assert f"{calm.label}: from 11 to {end:.6g} in 50 steps (50 steps)." in words
    assert f"{wild.label}: from 11 to" in words and "(diverged at step" in words
    (row, _) = loss_rows([calm, wild])
    assert row["f at step 0"] == "11" and row["lowest f"] == f"{end:.6g}" and row["at step"] == "50"


def test_the_basin_map_says_what_share_of_starts_ends_where():
    f = Function("x^2 + y^2")
    mapped = basins(f, "sgd", (-1, 1), (-1, 1), 10, 200, lr=0.1)
    shares = basin_shares(mapped)
    assert len(shares) == 1
    words, share = shares[0]
    assert words.startswith("end at the minimum") and share == 1.0
    assert "Of the starts, 100% end at the minimum" in basin_sentence("GD", shares)
    assert basin_rows(shares) == [{"the paths": words, "share of starts": "100.0%"}]
    mapped = basins(f, "sgd", (-1, 1), (-1, 1), 10, 50, lr=1.5)  # every start diverges
    assert basin_shares(mapped) == [("diverge", 1.0)]
    assert np.all(np.asarray(mapped.labels) == np.asarray(mapped.labels).flat[0])
