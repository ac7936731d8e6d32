"""▶ beside each parameter's slider: the parameter plays in the browser, ⏸ keeps the last value.

The control (ui/shell/sweep.js, a v2 component) asks the page's live charts (live_chart.js) to
play the parameter over its slider's range, loop or bounce: every frame is computed in the
browser from core's compiled code, so a sweep costs the server nothing while it plays. Stopping
sends one trigger with the last value; `parse_stopped` checks it (what comes back from the browser
is untrusted) and the slider takes it, so one rerun brings the readouts and the link.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from functools import partial
from pathlib import Path
from typing import Any

import streamlit as st

from core import PARAMETER_NAMES
from ui.shell.sidebar import GREEK_LETTERS
from ui.shell.view import value_key

_STYLE = """
.sweep { display: flex; flex-wrap: wrap; align-items: center; gap: 0.4rem;
  margin: -0.4rem 0 0.4rem; }
.sweep button, .sweep select { font: inherit; color: inherit; background: transparent;
  border: 1px solid rgba(128, 128, 128, 0.7); border-radius: 0.5rem; min-height: 2.25rem; }
.sweep button { padding: 0.2rem 0.75rem; cursor: pointer; font-weight: 600; }
.sweep button[aria-pressed="true"] { background: rgba(255, 193, 7, 0.25); }
.sweep select { padding: 0.2rem 0.4rem; }
.sweep button:focus-visible, .sweep select:focus-visible { outline: 3px solid #1c62b9;
  outline-offset: 2px; }
.sweep .icon.pause { display: inline-block; width: 0.75em; height: 0.8em; vertical-align: -0.05em;
  border-left: 0.25em solid currentColor; border-right: 0.25em solid currentColor;
  box-sizing: border-box; }
.sweep output { font-variant-numeric: tabular-nums; }
"""
_component = st.components.v2.component(
    "derivatives_sweep",
    js=(Path(__file__).with_name("sweep.js")).read_text("utf-8"),
    css=_STYLE,
)


def snap_to_slider(value: float, low: float, high: float, step: float) -> float:
    """`value` on the slider's stops (low + k step), inside [low, high], without float dust
    (0.30000000000000004 is 0.3: twelve significant digits)."""
    stops = round((min(max(value, low), high) - low) / step)
    snapped = float(f"{low + stops * step:.12g}")
    return min(max(snapped, low), high) + 0.0


def parse_stopped(
    payload: Any, name: str, slider_range: tuple[float, float, float]
) -> float | None:
    """The browser's "stopped" payload as a value of the slider of parameter `name`, or None
    when it is not {"name": name, "value": a finite number}."""
    if not isinstance(payload, Mapping) or payload.get("name") != name:
        return None
    value = payload.get("value")
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return snap_to_slider(float(value), *slider_range)


def _stopped(key: str, name: str, slider_range: tuple[float, float, float]) -> None:
    # A callback: it runs before the script, so it may set the slider's value.
    state = st.session_state.get(key)
    value = parse_stopped(
        state.get("stopped") if isinstance(state, Mapping) else None, name, slider_range
    )
    if value is not None:
        st.session_state[value_key(name)] = value


def sweep_data(name: str, value: float, slider_range: tuple[float, float, float]) -> dict:
    """What the control's JavaScript gets: core's name for the parameter (core.PARAMETER_NAMES),
    the letter shown for it (a Greek name as its letter) and numbers. Nothing the person typed."""
    if name not in PARAMETER_NAMES:
        raise ValueError(f"{name!r} is not a parameter of core's language")
    low, high, step = (float(part) for part in slider_range)
    shown = GREEK_LETTERS.get(name, name)
    return {
        "name": name,
        "shown": shown,
        "slider": value_key(name),  # its slider's key: the control moves it while playing
        "value": float(value),
        "low": low,
        "high": high,
        "step": step,
    }


def sweep_control(name: str, value: float, slider_range: tuple[float, float, float]) -> None:
    """The ▶ / ⏸ button and the loop or bounce choice for parameter `name`, whose slider is at
    `value` on (low, high, step)."""
    key = f"sweep_{name}"
    _component(
        key=key,
        data=sweep_data(name, value, slider_range),
        on_stopped_change=partial(_stopped, key, name, tuple(slider_range)),
    )
