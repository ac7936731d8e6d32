"""The attackers of `python -m bench load --attackers N` without a server: what they send and the
bounds of their arguments. (Their effect is measured by the benchmark, never asserted here.)"""

from __future__ import annotations

from urllib.parse import parse_qs

import pytest

from bench.attack import (
    KINDS,
    LINK_BYTES,
    MAX_ATTACKERS,
    MAX_ROUNDS,
    attack_plan,
    heavy_formula,
    long_link,
    tower_formula,
)
from bench.load import parse_args
from core import ExpressionError
from core.parse import MAX_LENGTH, parse


def test_every_attacker_sends_each_kind_in_turn_and_never_the_same_text_twice():
    moves = [move for attacker in range(20) for move in attack_plan(15, attacker, 30)]
    assert {kind for kind, _ in moves} == set(KINDS)
    texts = [text for _, text in moves]
    assert len(set(texts)) == len(texts)  # no cache can answer an attacker
    first = attack_plan(15, 0, 3)
    assert [kind for kind, _ in first] == list(KINDS)
    assert [kind for kind, _ in attack_plan(15, 1, 3)] == [*KINDS[1:], KINDS[0]]
    assert attack_plan(15, 3, 5) == attack_plan(15, 3, 5)  # the same run from the same seed


def test_heavy_formulas_and_towers_are_legal_for_the_parser():
    import random

    rng = random.Random(1)
    for make in [heavy_formula] * 30 + [tower_formula] * 30:
        text = make(rng)
        assert len(text) <= MAX_LENGTH
        parse(text)  # within every limit the parser checks: the expense is the worker's


def test_a_long_link_is_about_100_kb_and_its_formula_is_refused_by_length():
    import random

    query = long_link(random.Random(2))
    assert LINK_BYTES * 0.95 <= len(query) <= LINK_BYTES
    formula = parse_qs(query)["f"][0]
    assert len(formula) > MAX_LENGTH
    with pytest.raises(ExpressionError, match="too long"):
        parse(formula)


def test_attackers_arguments_are_bounded():
    args = parse_args(["--attackers", "20", "--students", "10", "--attack-kinds", "heavy"])
    assert (args.attackers, args.students, args.attack_kinds, args.rounds) == (
        20,
        [10],
        ["heavy"],
        3,
    )
    assert parse_args([]).attackers == 0
    for wrong in (
        ["--attackers", str(MAX_ATTACKERS + 1)],
        ["--attackers", "-1"],
        ["--attackers", "5", "--rounds", str(MAX_ROUNDS + 1)],
        ["--attackers", "5", "--rounds", "0"],
        ["--attackers", "5", "--attack-pause", "0"],
        ["--attackers", "5", "--attack-kinds", "eval"],
        ["--attackers", "5", "--soak", "100"],
        ["--port", "80"],
        ["--port", "8610", "--url", "http://127.0.0.1:8610"],
    ):
        with pytest.raises(SystemExit):
            parse_args(wrong)
    assert parse_args(["--port", "8610"]).port == 8610


def test_another_run_sends_other_texts():
    first = {text for attacker in range(20) for _, text in attack_plan(15, attacker, 20, nonce=1)}
    second = {text for attacker in range(20) for _, text in attack_plan(15, attacker, 20, nonce=2)}
    assert not first & second
