"""pages.descent.settings: the Descent page's settings survive a link, and a hostile link is
tamed."""

from __future__ import annotations

import dataclasses
from urllib.parse import parse_qs, urlencode

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from core import Function, optimizer, race
from pages.descent.settings import (
    BASIN_RESOLUTION_STEP,
    BY_KEY,
    DEFAULT,
    FIELDS,
    KEYS,
    LINK,
    MAX_BASIN_RESOLUTION,
    MAX_BASIN_STEPS,
    MAX_DECAY,
    MAX_LR,
    MAX_STEPS,
    MIN_BASIN_RESOLUTION,
    MIN_BASIN_STEPS,
    MIN_LR,
    MIN_STEPS,
    Settings,
    checked,
    from_query,
    lr_field,
    to_query,
)
from ui.shell.view import PARAMETER

lrs = st.floats(MIN_LR, MAX_LR, allow_nan=False)
decays = st.floats(0.0, MAX_DECAY, allow_nan=False)


@st.composite
def settings(draw):
    return Settings(
        racers=tuple(draw(st.lists(st.sampled_from(KEYS), unique=True))),
        steps=draw(st.integers(MIN_STEPS, MAX_STEPS)),
        **{lr_field(key): draw(lrs) for key in KEYS},
        momentum=draw(decays),
        alpha=draw(decays),
        beta1=draw(decays),
        beta2=draw(decays),
        table=draw(st.sampled_from(KEYS)),
        basins=draw(st.booleans()),
        basin=draw(st.sampled_from(KEYS)),
        basin_res=draw(
            st.sampled_from(
                range(MIN_BASIN_RESOLUTION, MAX_BASIN_RESOLUTION + 1, BASIN_RESOLUTION_STEP)
            )
        ),
        basin_steps=draw(st.integers(MIN_BASIN_STEPS, MAX_BASIN_STEPS)),
    )


@given(settings())
def test_settings_survive_their_link(chosen):
    # Through a real query string, as a browser sends it.
    sent = parse_qs(urlencode(to_query(chosen)), keep_blank_values=True)
    query = {key: values[-1] for key, values in sent.items()}
    restored, notices = from_query(query)
    assert notices == []
    assert restored == chosen


@given(settings())
def test_only_changed_settings_go_into_the_link(chosen):
    query = to_query(chosen)
    for name in FIELDS:
        assert (name in query) == (getattr(chosen, name) != getattr(DEFAULT, name))


def test_the_default_link_is_empty_and_reads_back_as_the_default():
    assert to_query(DEFAULT) == {}
    assert from_query({}) == (DEFAULT, [])


def test_link_parameters_do_not_collide_with_the_shared_view():
    assert not set(FIELDS) & set(PARAMETER.values())


def test_every_racer_has_a_default_that_core_accepts():
    assert KEYS == ("gd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "newton")
    for key in KEYS:
        racer = BY_KEY[key]
        built = optimizer(racer.optimizer, **DEFAULT.hyperparameters(key))
        assert built.hyperparameters["lr"] == racer.lr == DEFAULT.lr(key)
    assert DEFAULT.hyperparameters("nesterov") == {"lr": 0.005, "momentum": 0.9, "nesterov": True}
    assert DEFAULT.hyperparameters("adam") == {"lr": 0.1, "betas": (0.9, 0.999)}
    assert DEFAULT.hyperparameters("rmsprop") == {"lr": 0.02, "alpha": 0.99}
    assert DEFAULT.hyperparameters("gd") == {"lr": 0.01}
    assert [name for name, _ in DEFAULT.race()] == ["sgd", "sgd", "adam", "newton"]


@pytest.mark.parametrize(
    ("text", "start", "window"),
    [
        ("x^2 y + y^3", (2.0, 1.0), 3.0),
        ("(x^2 + y - 11)^2 + (x + y^2 - 7)^2", (0.0, 0.0), 5.0),
    ],
    ids=["article", "himmelblau"],
)
def test_default_learning_rates_make_a_visible_race(text, start, window):
    """The reason the defaults are not torch's: in 100 steps every racer moves a visible
    distance (a tenth of the window) and keeps at least 15 steps inside the window, and on
    Himmelblau, which has minima, nobody diverges."""
    f = Function(text)
    everyone = dataclasses.replace(DEFAULT, racers=KEYS)
    for key, result in zip(KEYS, race(f, start, everyone.race(), 100), strict=True):
        path = result.path
        travelled = np.max(np.hypot(*(path - path[0]).T))
        assert travelled > 0.1 * window, (key, travelled)
        inside = np.all(np.abs(path) <= window, axis=1).sum()
        assert inside >= 15, (key, inside)
        if "11" in text:
            assert result.status == "finished", (key, result.message)
    # torch's default for Adam (lr = 1e-3) moves at most about lr per step: nothing to see.
    adam = race(f, start, [("adam", {})], 100)[0].path
    assert np.max(np.hypot(*(adam - adam[0]).T)) < 0.05 * window


HOSTILE = [
    ({"lr_gd": "1e9"}, "lr_gd", MAX_LR, "outside"),
    ({"lr_gd": "-1"}, "lr_gd", DEFAULT.lr_gd, "not a positive"),
    ({"lr_adam": "nan"}, "lr_adam", DEFAULT.lr_adam, "not a finite number"),
    ({"lr_newton": "0"}, "lr_newton", DEFAULT.lr_newton, "not a positive"),
    ({"lr_rmsprop": "1e-300"}, "lr_rmsprop", MIN_LR, "outside"),
    ({"steps": "1000000000"}, "steps", MAX_STEPS, "outside 1 to 1000"),
    ({"steps": "-5"}, "steps", MIN_STEPS, "outside 1 to 1000"),
    ({"steps": "2.5"}, "steps", 2, "not a whole number"),
    ({"steps": "1e400"}, "steps", DEFAULT.steps, "not a finite number"),
    ({"steps": "ten"}, "steps", DEFAULT.steps, "not a number"),
    ({"racers": "__import__('os')"}, "racers", DEFAULT.racers, "names no optimizer"),
    ({"racers": "gd,evil,gd,ADAM"}, "racers", ("gd", "adam"), "“evil”"),
    ({"momentum": "5"}, "momentum", DEFAULT.momentum, "not between 0 and"),
    ({"beta2": "1"}, "beta2", DEFAULT.beta2, "not between 0 and"),
    ({"table": "<script>"}, "table", DEFAULT.table, "names no optimizer"),
    ({"basin": "evil"}, "basin", DEFAULT.basin, "names no optimizer"),
    ({"basins": "maybe"}, "basins", DEFAULT.basins, "not on or off"),
    ({"basin_res": "9999"}, "basin_res", MAX_BASIN_RESOLUTION, "outside"),
    ({"basin_res": "85"}, "basin_res", 80, "multiple of 10"),
    ({"basin_steps": "1000000"}, "basin_steps", MAX_BASIN_STEPS, "outside"),
]


@pytest.mark.parametrize(("query", "field", "expected", "reason"), HOSTILE)
def test_a_hostile_value_is_replaced_or_clamped_and_explained(query, field, expected, reason):
    chosen, notices = from_query(query)
    assert getattr(chosen, field) == expected
    assert len(notices) == 1, notices
    assert field in notices[0] and reason in notices[0], notices
    # Every other field keeps its default.
    others = {name: getattr(chosen, name) for name in FIELDS if name != field}
    assert others == {name: getattr(DEFAULT, name) for name in others}


def test_a_notice_never_repeats_a_long_hostile_value_in_full():
    chosen, notices = from_query({"racers": "x" * 5000, "lr_gd": "9" * 5000})
    assert chosen.racers == DEFAULT.racers
    assert chosen.lr_gd == DEFAULT.lr_gd  # 10^5000 overflows to inf: not a finite number
    assert all(len(notice) < 400 for notice in notices)


def test_a_list_value_uses_the_last_one_and_an_empty_race_is_allowed():
    assert from_query({"steps": ["5", "7"]})[0].steps == 7
    assert from_query({"racers": ""}) == (dataclasses.replace(DEFAULT, racers=()), [])


def test_checked_puts_out_of_bounds_session_values_back_to_defaults():
    odd = dataclasses.replace(
        DEFAULT, steps=10**9, lr_gd=float("nan"), racers=("gd", "evil"), table="x", basins=3
    )
    fixed, notes = checked(odd)
    assert fixed.steps == DEFAULT.steps and fixed.lr_gd == DEFAULT.lr_gd
    assert fixed.racers == ("gd",) and fixed.table == DEFAULT.table
    assert fixed.basins is DEFAULT.basins
    assert len(notes) == 4
    assert checked(DEFAULT) == (DEFAULT, [])


def test_every_setting_has_its_place_in_the_link_in_the_order_of_the_settings():
    assert tuple(field.name for field in LINK) == FIELDS
