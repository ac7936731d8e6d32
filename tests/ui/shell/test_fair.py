"""ui/shell/fair.py: a session's recent server CPU, and the one lane heavy sessions share."""

from __future__ import annotations

import threading
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests import apptest
from ui.shell import fair

seconds = st.floats(min_value=0.0, max_value=1e4, allow_nan=False)
times = st.floats(min_value=0.0, max_value=1e6, allow_nan=False)


def test_nothing_used_is_nothing():
    assert fair.recent(None, 123.0) == 0.0


@given(seconds, times, st.floats(min_value=0.0, max_value=200.0))
def test_usage_halves_every_half_life(used, since, later):
    usage = (used, since)
    now = since + later
    expected = used * 0.5 ** (later / fair.USAGE_HALF_LIFE_SECONDS)
    assert fair.recent(usage, now) == pytest.approx(expected, rel=1e-9)
    assert fair.recent(usage, since + fair.USAGE_HALF_LIFE_SECONDS) == pytest.approx(used / 2)


@given(seconds, seconds, times, st.floats(min_value=0.0, max_value=100.0))
def test_a_run_adds_its_seconds_to_what_is_left_of_the_past(before, run, since, later):
    now = since + later
    after = fair.charged((before, since), run, now)
    assert after[1] == now
    assert after[0] == pytest.approx(fair.recent((before, since), now) + run)


def test_a_clock_that_goes_back_does_not_grow_the_usage():
    assert fair.recent((2.0, 100.0), 50.0) == 2.0


def test_a_student_clicking_every_second_stays_light_and_a_stream_of_new_formulas_does_not():
    """The thresholds against the page costs measured with `python -m bench load`: a click's run
    costs 25-50 ms of CPU; a new large formula's figures 100-200 ms."""
    student = attacker = None
    for second in range(600):
        student = fair.charged(student, 0.050, float(second))
        attacker = fair.charged(attacker, 0.150, float(second))
        assert fair.recent(student, float(second)) < fair.HEAVY_RUN_SECONDS
    assert fair.recent(attacker, 599.0) > fair.HEAVY_RUN_SECONDS


def test_light_runs_never_wait_and_heavy_runs_go_one_at_a_time():
    lane = fair.HeavyLane(lanes=1, max_wait=30.0)
    inside, most, lock = [0], [0], threading.Lock()
    release = threading.Event()

    def heavy():
        with lane.run(heavy=True) as run:
            assert run.held
            with lock:
                inside[0] += 1
                most[0] = max(most[0], inside[0])
            release.wait(5)
            with lock:
                inside[0] -= 1

    threads = [threading.Thread(target=heavy) for _ in range(4)]
    for thread in threads:
        thread.start()
    # While heavy runs hold or wait for the lane, a light run goes straight through.
    with lane.run(heavy=False) as run:
        assert not run.held
    release.set()
    for thread in threads:
        thread.join(30)
    assert most[0] == 1 and inside[0] == 0


def test_a_heavy_run_waits_for_its_lane_only_so_long_then_goes_without_it():
    lane = fair.HeavyLane(lanes=1, max_wait=0.05)
    with lane.run(heavy=True) as first, lane.run(heavy=True) as second:
        assert first.held and not second.held
    with lane.run(heavy=True) as again:  # released, even after a run that went without
        assert again.held


def test_the_lane_is_released_when_the_run_raises():
    lane = fair.HeavyLane(lanes=1, max_wait=0.05)
    with pytest.raises(RuntimeError), lane.run(heavy=True):
        raise RuntimeError("a page failed")
    with lane.run(heavy=True) as run:
        assert run.held


def test_every_run_of_the_app_charges_its_session_and_a_heavy_session_still_gets_its_page():
    app = apptest.open_page("app.py")
    seconds, _ = app.session_state[fair.USAGE]
    assert seconds > 0
    # A session far over the line runs in the heavy lane: its page is drawn all the same, and the
    # lane is free again afterwards.
    app.session_state[fair.USAGE] = (100.0, time.monotonic())
    apptest.rerun(app)
    assert app.session_state[fair.USAGE][0] > 50
    assert any("∂f/∂x" in str(element.value) for element in app.markdown) or app.latex
    with fair.heavy_lane.run(heavy=True) as run:
        assert run.held


def test_a_run_that_turns_heavy_takes_the_lane_from_there_until_it_ends():
    lane = fair.HeavyLane(lanes=1, max_wait=0.05)
    fair.heavy_from_here()  # outside a run: nothing to take, nothing raised
    with lane.run(heavy=False) as run:
        assert not run.held
        fair.heavy_from_here()
        assert run.held
        fair.heavy_from_here()  # once is enough: joining again takes nothing more
        with lane.run(heavy=True) as other:  # another session's heavy run cannot get in
            assert not other.held
    with lane.run(heavy=True) as after:
        assert after.held


def test_a_formula_no_one_sent_lately_makes_the_run_heavy_and_a_known_one_does_not(monkeypatch):
    from ui.shell import cache

    joined = []
    monkeypatch.setattr(cache, "heavy_from_here", lambda: joined.append(True))
    text = f"x^2 + {time.monotonic_ns() % 997} y"
    cache.function_for(text)
    assert joined == [True]
    cache.function_for(text)
    cache.function_for(text, {"a": 2.0})
    assert joined == [True]
