"""`python -m serve [options]`: `streamlit run app.py [options]`, warm before its first visitor.

Streamlit runs none of the app's code until the first visitor's script run, so that run paid for
every one-time import (measured on a fresh server's /descent: SymPy through core about 0.3 s,
pandas about 0.4 s, which pyarrow imports for the first data table, Streamlit's emoji catalogue
for the first non-ASCII label) and the SymPy workers' start: 0.8-0.9 s of server CPU. Streamlit
1.67 has no hook that runs code when its server starts (short of turning app.py into an st.App),
so this launcher does it: it starts one background thread that imports those modules and starts
the workers, then hands its arguments to Streamlit's own command line in this same process, so
the modules are loaded by the time a visitor comes (Python's import lock makes a visitor who
comes earlier wait for the import in progress, never import twice).
"""

from __future__ import annotations

import importlib
import logging
import sys
import threading
import time
from collections.abc import Sequence

log = logging.getLogger(__name__)

ENTRY_FILE = "app.py"
# What a fresh server's first run imports beyond Streamlit itself (python -X importtime on a
# server's first visit to /descent and /derivatives). CPU seconds here: core 0.33 (SymPy),
# pandas 0.20, the emoji catalogue 0.03, the app's own modules below about 0.09 together.
HEAVY_MODULES = (
    "core",
    "pandas",
    "pyarrow",
    "streamlit.emojis",
    "streamlit.material_icon_names",
    "plotly.graph_objects",
)
# The app's modules define st.cache_data functions, which check their settings against the
# running server's cache storage (a log warning without one): imported once the runtime exists.
APP_MODULES = (
    "ui.shell.sidebar",
    "ui.shell.chart_text",
    "pages.explore.work",
    "pages.derivatives.work",
    "pages.second_order.work",
    "pages.descent.work",
)

_warm_up_lock = threading.Lock()
_warm_up: threading.Thread | None = None


RUNTIME_WAIT_SECONDS = 60.0


def _import(names: Sequence[str]) -> None:
    for name in names:
        try:
            importlib.import_module(name)
        except Exception:  # a warm-up only: the visitor's run imports it again and says why
            log.exception("warm-up could not import %s", name)


def _import_and_start_workers() -> None:
    _import(HEAVY_MODULES)
    from core import start_workers

    start_workers()
    from streamlit import runtime

    deadline = time.monotonic() + RUNTIME_WAIT_SECONDS
    while not runtime.exists():
        if time.monotonic() > deadline:
            return
        time.sleep(0.05)
    _import(APP_MODULES)


def start_warm_up() -> threading.Thread:
    """Start the imports and the SymPy workers in a background thread, once per process (a
    second call returns the same thread)."""
    global _warm_up
    with _warm_up_lock:
        if _warm_up is None:
            _warm_up = threading.Thread(
                target=_import_and_start_workers, name="warm-up", daemon=True
            )
            _warm_up.start()
        return _warm_up


def streamlit_arguments(argv: Sequence[str]) -> list[str]:
    """Streamlit's command line for `python -m serve argv`: `run app.py`, then argv as given."""
    return ["run", ENTRY_FILE, *argv]


def main(argv: Sequence[str] | None = None) -> None:
    from streamlit.web import cli

    arguments = streamlit_arguments(sys.argv[1:] if argv is None else argv)
    start_warm_up()
    # Streamlit's own entry point, as the `streamlit` command calls it (it exits when the server
    # stops, with the server's exit status).
    cli.main(args=arguments, prog_name="streamlit")


if __name__ == "__main__":  # not when a spawned SymPy worker imports this file as __mp_main__
    main()
