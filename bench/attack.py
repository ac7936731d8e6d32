"""Attackers beside a class: `python -m bench load --attackers 20 --students 10`.

An attacker is a session that keeps the symbolic path busy on purpose, within what the app allows:
it opens the shared link, then, until the class is done, types one expensive formula after
another into the sidebar (heavy-but-legal formulas near the size limits and exponent towers,
each with a fresh coefficient so no cache can answer it) and now and then opens a new session on
a link of about 100 KB. Meanwhile the students do what they always do (open the link, move the
point). The same students are measured without attackers first, in the same run, round by round,
so the table shows what the attackers cost them: the issue's target is a click p95 within 1.5x.

Bounded like the rest of bench/load.py: at most MAX_ATTACKERS attackers, a pause between their
formulas, each answer waited for at most ATTACK_TIMEOUT seconds, everything stopped when the
students are done (or at the run's time limit), loopback only.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import random
import statistics
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import quote

from .load import (
    Measurement,
    Plan,
    Student,
    _kb,
    _s,
    describe_errors,
    measure,
    percentile,
    render,
    row,
)

MAX_ATTACKERS = 50
MAX_ROUNDS = 5
KINDS = ("heavy", "tower", "link")
ATTACK_TIMEOUT = 30.0  # seconds an attacker waits for its formula's run before moving on
LINK_BYTES = 100_000  # the long link's size
# Each attacker's first formula goes out this long before the students arrive, so they arrive in
# the thick of it.
LEAD_SECONDS = 2.0
PRIMES = (3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59)


# --- what the attackers send -------------------------------------------------------------------


def heavy_formula(rng: random.Random, unique: int = 0) -> str:
    """A legal formula near the parser's size limits whose derivatives take SymPy about a second
    (measured here: sums of trig-exp products, products of 13 linear factors, a 20-term rational),
    with random coefficients and `unique` + 2 as the first: a new text every time, so no cache of
    any kind can answer it."""
    shape = rng.randrange(3)
    c = [rng.randint(2, 97) for _ in range(20)]
    c[1] = unique + 2
    if shape == 0:
        return " + ".join(f"sin({k}x+{c[k]}y)cos(x-{k}y)exp({k}x y)" for k in range(1, 10))
    if shape == 1:
        return "".join(f"(x+{k}y+{c[k]})" for k in range(1, 14))
    return "(" + "+".join(f"{c[k]}x^{k} y^{20 - k}" for k in range(20)) + ")/(x y + 1)"


def tower_formula(rng: random.Random, unique: int = 0) -> str:
    """An exponent tower x^(1/3)^(1/5)^... of 12 to 16 levels (the 16-level one reaches the
    worker's time limit), its coefficient `unique` + 2."""
    levels = rng.randint(12, len(PRIMES))
    return f"{unique + 2}x^" + "^".join(f"(1/{p})" for p in PRIMES[:levels])


def long_link(rng: random.Random, unique: int = 0, size: int = LINK_BYTES) -> str:
    """A link's query string of about `size` bytes whose formula is far beyond every limit."""
    head = f"x0={rng.randint(-2, 2)}&y0=1&f={unique + 2}"
    term = quote(f"+{rng.randint(2, 97)}x y")
    return head + quote("x") + term * ((size - len(head)) // len(term))


def attack_plan(
    seed: int, attacker: int, count: int, kinds: Sequence[str] = KINDS, nonce: int = 0
) -> list[tuple[str, str]]:
    """One attacker's first `count` moves: (kind, text), the kinds in turn from a different
    start for each attacker; for "link" the text is a whole query string. A run passes its own
    `nonce` so that no text of an earlier run on the same server is in its caches."""
    rng = random.Random((seed * 7_919 + attacker) * 1_000_003 + nonce)
    makers = {"heavy": heavy_formula, "tower": tower_formula, "link": long_link}
    # A different number in every text of every attacker: no two texts of a run are the same.
    first = nonce * count * MAX_ATTACKERS
    return [
        (
            kinds[(attacker + step) % len(kinds)],
            makers[kinds[(attacker + step) % len(kinds)]](
                rng, first + step * MAX_ATTACKERS + attacker
            ),
        )
        for step in range(count)
    ]


# --- one attacker --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Attack:
    """How the attackers behave: how many, which kinds of move, the pause after each answer."""

    attackers: int = 20
    kinds: tuple[str, ...] = KINDS
    pause: float = 0.2
    moves: int = 500  # at most, per attacker and class
    # Makes this run's texts new to a server that saw an earlier run (whose caches hold those).
    nonce: int = 0


@dataclass
class AttackLog:
    """What one attacker did: its moves by kind, how long each took to be answered, failures."""

    sent: Counter[str] = field(default_factory=Counter)
    answered: Counter[str] = field(default_factory=Counter)
    seconds: list[float] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


async def _attacker(
    base_url: str, page: str, index: int, plan: Plan, attack: Attack, stop: asyncio.Event
) -> AttackLog:
    log = AttackLog()
    rng = random.Random(plan.seed + index)
    await asyncio.sleep(rng.uniform(0, LEAD_SECONDS / 2))
    session = Student(base_url, page, plan.query, ATTACK_TIMEOUT)
    try:
        opened = await session.open()
        if not opened.finished:
            log.problems.append(f"attacker's open: {'; '.join(opened.errors) or 'unfinished'}")
            return log
        moves = attack_plan(plan.seed, index, attack.moves, attack.kinds, attack.nonce)
        for kind, text in moves:
            if stop.is_set():
                break
            log.sent[kind] += 1
            if kind == "link":
                visitor = Student(base_url, page, text, ATTACK_TIMEOUT)
                visitor.query_in_get = False
                try:
                    result = await visitor.open()
                finally:
                    await visitor.close()
            else:
                result = await session.type_formula(text)
            if result.finished:
                log.answered[kind] += 1
                log.seconds.append(result.seconds or 0.0)
            else:  # the app's own refusals are alerts, and expected; a dead session is not
                log.problems.extend(e for e in result.errors if not e.startswith("error alert"))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), attack.pause)
    finally:
        await session.close()
    return log


# --- a class with and without them ----------------------------------------------------------------


@dataclass
class Round:
    without: Measurement
    with_attackers: Measurement
    attacks: list[AttackLog]


def click_p95_ratio(one: Round) -> float | None:
    base = percentile(one.without.seconds("click"), 0.95)
    attacked = percentile(one.with_attackers.seconds("click"), 0.95)
    return attacked / base if base and attacked else None


async def attacked_class(
    base_url: str,
    pids: Sequence[int],
    page: str,
    students: int,
    plan: Plan,
    attack: Attack,
    timeout: float,
) -> tuple[Measurement, list[AttackLog]]:
    """`students` on `page` while the attackers attack (starting LEAD_SECONDS before them)."""
    stop = asyncio.Event()
    tasks = [
        asyncio.create_task(_attacker(base_url, page, index, plan, attack, stop))
        for index in range(attack.attackers)
    ]
    try:
        await asyncio.sleep(LEAD_SECONDS)
        attacked = await measure(base_url, page, students, plan, pids, timeout)
    finally:
        stop.set()
        done, pending = await asyncio.wait(tasks, timeout=ATTACK_TIMEOUT + 15)
        for task in pending:
            task.cancel()
    logs = []
    for task in done:
        if task.exception() is None:
            logs.append(task.result())
        else:
            logs.append(AttackLog(problems=[f"an attacker crashed: {task.exception()!r}"]))
    if pending:
        logs.append(AttackLog(problems=[f"{len(pending)} attackers still busy: cancelled"]))
    return attacked, logs


def describe_attacks(logs: list[AttackLog]) -> str:
    sent, answered = Counter(), Counter()
    for log in logs:
        sent.update(log.sent)
        answered.update(log.answered)
    seconds = [s for log in logs for s in log.seconds]
    parts = [f"{kind} {answered[kind]}/{sent[kind]}" for kind in KINDS]
    median = f"{statistics.median(seconds):.2f} s" if seconds else "-"
    return f"attacks answered/sent: {', '.join(parts)}; their median answer {median}"


async def run_attacked(
    base_url: str,
    pids: Sequence[int],
    page: str,
    students: int,
    attack: Attack,
    rounds: int,
    plan: Plan,
    timeout: float,
    out=print,
) -> list[Round]:
    """A warm-up open, then `rounds` times: the students alone, then the same students (same
    seed) beside the attackers. Prints each pair and the medians over the rounds."""
    deadline = time.monotonic() + timeout
    opening_only = dataclasses.replace(plan, clicks=0, ramp=0.0)
    warm = await measure(base_url, page, max(len(pids), 1), opening_only, pids, timeout)
    out(f"{page}: warm-up open {_s((warm.seconds('open') or [None])[0])}")
    found: list[Round] = []
    rows = []
    for number in range(1, rounds + 1):
        if deadline - time.monotonic() <= 0:
            out(f"time limit reached: round {number} not measured")
            break
        without = await measure(base_url, page, students, plan, pids, deadline - time.monotonic())
        await asyncio.sleep(1.0)
        this_round = dataclasses.replace(attack, nonce=attack.nonce * MAX_ROUNDS + number)
        attacked, logs = await attacked_class(
            base_url, pids, page, students, plan, this_round, deadline - time.monotonic()
        )
        one = Round(without, attacked, logs)
        found.append(one)
        for label, measurement in (("alone", without), ("attacked", one.with_attackers)):
            cpu = measurement.cpu_seconds
            out(
                f"round {number}, {label}: {measurement.wall_seconds:.1f} s wall, "
                f"{len(measurement.errors)} errors; server CPU {_s(cpu)} (workers "
                f"{_s(measurement.worker_cpu_seconds)}, "
                f"{'' if cpu is None else f'{cpu / measurement.wall_seconds:.2f} cores'}); "
                f"load generator {measurement.generator_cpu_seconds:.1f} s"
            )
            for line in describe_errors(measurement):
                out(line)
        out(f"round {number}: {describe_attacks(one.attacks)}")
        for problem, count in Counter(p for log in one.attacks for p in log.problems).items():
            out(f"  {count} x {problem}")
        labelled = [*row(without, without)], [*row(one.with_attackers, without)]
        labelled[0][0] = f"{page} r{number} alone"
        labelled[1][0] = f"{page} r{number} +{attack.attackers} attackers"
        rows.extend(tuple(cells) for cells in labelled)
        await asyncio.sleep(1.0)
    out("")
    out(render(rows))
    out("")
    out(summarise(found, attack.attackers))
    return found


def summarise(found: list[Round], attackers: int) -> str:
    """The medians over the rounds: students alone, beside the attackers, and the ratio."""
    if not found:
        return "no round measured"

    def median_of(kind: str, share: float, which: str) -> float | None:
        values = [
            percentile(getattr(one, which).seconds(kind), share)
            for one in found
            if getattr(one, which).seconds(kind)
        ]
        return statistics.median(values) if values else None

    lines = [f"medians over {len(found)} round(s) | alone | +{attackers} attackers | ratio"]
    for kind in ("open", "click"):
        for share, name in ((0.5, "p50"), (0.95, "p95")):
            alone = median_of(kind, share, "without")
            attacked = median_of(kind, share, "with_attackers")
            ratio = f"{attacked / alone:.2f}x" if alone and attacked else ""
            lines.append(f"{kind} {name} | {_s(alone)} | {_s(attacked)} | {ratio}")
    for which in ("without", "with_attackers"):
        cpu = [
            m.cpu_seconds / m.runs
            for one in found
            if (m := getattr(one, which)).runs and m.cpu_seconds
        ]
        busy = [
            m.cpu_seconds / m.wall_seconds
            for one in found
            if (m := getattr(one, which)).cpu_seconds
        ]
        kb = [m.mean_bytes("click") for one in found if (m := getattr(one, which)).of("click")]
        lines.append(
            f"{'alone' if which == 'without' else 'attacked'}: server CPU per run "
            f"{statistics.median(cpu) * 1000:.0f} ms, busy {statistics.median(busy):.2f} cores, "
            f"KB per click {_kb(statistics.median(kb))}"
            if cpu and busy and kb
            else f"{which}: no CPU figures (no --pid)"
        )
    ratios = [r for one in found if (r := click_p95_ratio(one)) is not None]
    if ratios:
        verdict = "met" if statistics.median(ratios) <= 1.5 else "MISSED"
        lines.append(
            f"students' click p95 attacked / alone, per round: "
            f"{', '.join(f'{r:.2f}x' for r in ratios)}; median {statistics.median(ratios):.2f}x "
            f"(target <= 1.5x: {verdict})"
        )
    return "\n".join(lines)


def round_figures(found: list[Round]) -> list[dict[str, object]]:
    """Each round as plain numbers (bench.load.summary of both halves, the attacks' counts)."""
    from .load import summary

    figures = []
    for one in found:
        sent, answered = Counter(), Counter()
        for log in one.attacks:
            sent.update(log.sent)
            answered.update(log.answered)
        figures.append(
            {
                "alone": summary(one.without),
                "attacked": summary(one.with_attackers),
                "click_p95_ratio": click_p95_ratio(one),
                "attacks_sent": dict(sent),
                "attacks_answered": dict(answered),
            }
        )
    return figures
