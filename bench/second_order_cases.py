"""Benchmarks of the Second-order page (issues 12 and 15): what its first load and a point change
send, and the server time of a point change, beside the page before its live charts (BEFORE, a
commit of this repository) measured in the same run.

Each checkout is measured in a subprocess of its own (its own modules, its own caches) that runs
the page through Streamlit's AppTest: a first run at the default link, then point changes made
the way the sidebar makes them (x0 and y0 set). Bytes are those of the elements' protobuf
messages, as Streamlit's message cache sends them: on a point change an element is sent again
when its message changed or is under the smallest message Streamlit caches
(`global.minCachedMessageSize`: the checkout's own .streamlit/config.toml, else Streamlit's 10 KB);
an unchanged larger one costs a short reference. Server
time is the page script's own run time (timed inside the run), the median over the changes.

The old checkout is `git archive BEFORE` of this repository into a temporary folder (nothing is
downloaded); without git or that commit the baseline is left empty.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from .timing import Row

ROOT = Path(__file__).resolve().parents[1]
BEFORE = "4f26a55"  # the last commit before Second order's live charts
FIRST_LOAD_TARGET = 250_000  # issue 15, at the default resolution
MOVES = [(0.5, -1.0), (-1.25, 0.75), (1.5, 1.5), (-2.0, -0.5), (0.25, 2.0), (2.5, -2.0)]
WARMUP = 2

# Runs in the checkout's folder: prints {"first": bytes, "moves": [[bytes, seconds], ...]}.
_PROBE = """
import json, logging, sys
logging.getLogger("streamlit").setLevel(logging.ERROR)
from streamlit.testing.v1 import AppTest

# The page file as st.Page runs it, timed inside the script run (AppTest's own work excluded).
TIMED = '''
import runpy, time
import streamlit as st
started = time.perf_counter()
runpy.run_path("pages/second_order/page.py", run_name="__main__")
st.session_state["_probe_seconds"] = time.perf_counter() - started
'''

moves = json.loads(sys.argv[1])


def elements(node):
    children = getattr(node, "children", None)
    for child in children.values() if isinstance(children, dict) else ():
        if getattr(child, "proto", None) is not None and not getattr(child, "children", None):
            yield child.proto.SerializeToString()
        yield from elements(child)


app = AppTest.from_string(TIMED, default_timeout=180)
app.run()
assert not app.exception, [e.value for e in app.exception]
from streamlit import config  # read by now from the checkout's .streamlit/config.toml
MIN_CACHED = config.get_option("global.minCachedMessageSize")
sent = list(elements(app._tree))
first = sum(len(message) for message in sent)
result = []
for x, y in moves:
    app.number_input(key="x0").set_value(x)
    app.number_input(key="y0").set_value(y)
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    now = list(elements(app._tree))
    old = set(sent)
    changed = sum(len(m) for m in now if m not in old or len(m) < MIN_CACHED)
    result.append([changed, app.session_state["_probe_seconds"]])
    sent = now
print(json.dumps({"first": first, "moves": result}))
"""


def measure(folder: Path) -> dict:
    """First-load bytes, and per point change (bytes, server seconds), of the page in `folder`."""
    answer = subprocess.run(
        [sys.executable, "-c", _PROBE, json.dumps(MOVES)],
        cwd=folder,
        env={**os.environ, "PYTHONPATH": str(folder)},
        capture_output=True,
        text=True,
        timeout=900,
    )
    if answer.returncode != 0:
        raise RuntimeError(f"the Second-order probe failed in {folder}:\n{answer.stderr[-2000:]}")
    return json.loads(answer.stdout.strip().splitlines()[-1])


def _before(folder: Path) -> Path | None:
    """The BEFORE commit's files in `folder`, or None without git or that commit."""
    try:
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", BEFORE],
            capture_output=True,
            timeout=60,
            check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    with tempfile.TemporaryFile() as tar:
        tar.write(archive)
        tar.seek(0)
        with tarfile.open(fileobj=tar) as files:
            files.extractall(folder, filter="data")
    return folder


def _median(values: list[float]) -> float:
    values = sorted(values)
    middle = len(values) // 2
    return values[middle] if len(values) % 2 else (values[middle - 1] + values[middle]) / 2


def second_order_rows() -> list[Row]:
    now = measure(ROOT)
    with tempfile.TemporaryDirectory() as scratch:
        old_folder = _before(Path(scratch))
        old = measure(old_folder) if old_folder else None
    moves = now["moves"][WARMUP:]
    old_moves = old["moves"][WARMUP:] if old else None
    label = f"the page before its live charts ({BEFORE})"
    move_bytes = _median([b for b, _ in moves])
    move_seconds = _median([s for _, s in moves])
    return [
        Row(
            "Second order: bytes sent on first load, default link",
            now["first"],
            label,
            old["first"] if old else None,
            f"<= {FIRST_LOAD_TARGET // 1000} KB",
            now["first"] <= FIRST_LOAD_TARGET,
            unit="bytes",
        ),
        Row(
            "Second order: bytes sent when the point moves",
            move_bytes,
            label,
            _median([b for b, _ in old_moves]) if old_moves else None,
            "",
            None,
            unit="bytes",
        ),
        Row(
            "Second order: server time of a run after the point moved",
            move_seconds,
            label,
            _median([s for _, s in old_moves]) if old_moves else None,
            "",
            None,
        ),
    ]
