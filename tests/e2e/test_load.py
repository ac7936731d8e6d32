"""The load benchmark's client against a real server: `python -m bench load` measures what it
claims to (every open and click ends in script_finished, and a click really moves the point).
No timings here: those live in `python -m bench load`."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest

from bench.load import PAGES, Plan, run_class

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("via", ["widgets", "bridge"])
@pytest.mark.parametrize("page", list(PAGES))
def test_two_students_open_the_link_and_move_the_point(app_url, page, via):
    plan = Plan(clicks=2, think=0.2, ramp=0.2, interaction_timeout=120, via=via)
    # In a thread of its own: Playwright's sync API (the browser tests in this session) keeps an
    # event loop running in the main thread, where asyncio.run refuses to start another.
    with ThreadPoolExecutor(max_workers=1) as pool:
        interactions, problems = pool.submit(
            asyncio.run, run_class(app_url, page, 2, plan, timeout=300)
        ).result()

    assert problems == []
    opens = [each for each in interactions if each.kind == "open"]
    clicks = [each for each in interactions if each.kind == "click"]
    assert (len(opens), len(clicks)) == (2, 4)
    for each in interactions:
        assert each.errors == [], each
        assert each.finished and each.runs >= 1, each  # its run's script_finished arrived
        assert each.seconds is not None and each.message_bytes > 0, each
    # The app wrote the new point into its link: the click reached the sidebar's x0/y0.
    assert all(click.moved for click in clicks), clicks
