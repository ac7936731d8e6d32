"""Derivative explorer: `streamlit run app.py`.

The entry file routes and owns what every page shares: the sidebar (function, point, window,
link). Each page is a package, pages/<page>/ (page.py is what st.Page runs), that reads what the
sidebar decided and draws it. Layers point one way: pages -> ui (shell, plots) -> core.
"""

import logging
import time

import streamlit as st

from core import start_workers
from pages.derivatives import settings as derivatives_settings
from pages.descent import settings as descent_settings
from pages.second_order import settings as second_order_settings
from ui.shell import fair, sidebar
from ui.shell.cache import own_symbolic_work

log = logging.getLogger(__name__)
# A fresh server's first visitor should not wait for the SymPy workers to start: start them now, on
# the other core, while this run imports and draws (once per server; later calls do nothing).
start_workers()
own_symbolic_work()

st.set_page_config(
    page_title="Derivative explorer",
    page_icon="∂",
    layout="wide",
    # Open on a laptop or projector, collapsed on a phone (where it covered 87% of the screen).
    initial_sidebar_state="auto",
)
pages = [
    st.Page("pages/explore/page.py", title="Explore", icon=":material/landscape:", default=True),
    st.Page(
        "pages/derivatives/page.py",
        title="Derivatives",
        icon=":material/functions:",
        url_path="derivatives",
    ),
    st.Page(
        "pages/second_order/page.py",
        title="Second order",
        icon=":material/change_history:",
        url_path="second-order",
    ),
    st.Page(
        "pages/descent/page.py",
        title="Descent",
        icon=":material/downhill_skiing:",
        url_path="descent",
    ),
    st.Page("pages/guide/page.py", title="Guide", icon=":material/school:", url_path="guide"),
]
# Pages with settings of their own (kept in the link beside the shared view): ui/shell/link.py.
PAGE_SETTINGS = {
    "derivatives": derivatives_settings,
    "second-order": second_order_settings,
    "descent": descent_settings,
}
page = st.navigation(pages)
started, started_cpu = time.perf_counter(), time.thread_time()
# A session whose recent runs cost the server much CPU waits for the one heavy lane, so the
# students' clicks share the interpreter with one such session at a time (ui/shell/fair.py).
usage = fair.recent(st.session_state.get(fair.USAGE), time.monotonic())
try:
    with fair.heavy_lane.run(heavy=usage > fair.HEAVY_RUN_SECONDS):
        started_cpu = time.thread_time()
        # The slice, plane and field switches act on Explore alone: they show there alone.
        explore = page.url_path == pages[0].url_path
        sidebar.remember(sidebar.render(PAGE_SETTINGS.get(page.url_path), chart_switches=explore))
        known = sidebar.formula_colours()
        page.run()
        sidebar.lighten_new_formula_colours(known)
except Exception:
    # A bug, not the person's fault: no traceback on a projector; the details go to the log.
    # (st.rerun and st.stop raise BaseException subclasses, so they pass through untouched.)
    log.exception("page %s failed", page.title)
    st.error(
        "Something went wrong on our side while drawing this page. Try another point or "
        "function, or reload the page."
    )
finally:
    # This run's sidebar result is for this run's page only; never a later run's.
    st.session_state.pop(sidebar.THIS_RUN, None)
    # The server time of this run, for `python -m bench` (read through AppTest's session state).
    st.session_state[sidebar.RUN_SECONDS] = time.perf_counter() - started
    # and its CPU time in the script's thread: what a loaded machine's waits do not blur
    run_cpu = time.thread_time() - started_cpu
    st.session_state[sidebar.RUN_CPU_SECONDS] = run_cpu
    st.session_state[fair.USAGE] = fair.charged(
        st.session_state.get(fair.USAGE), run_cpu, time.monotonic()
    )
