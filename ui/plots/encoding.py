"""Figures as Plotly JSON without Plotly's per-array detour, and a memo of JSON by content.

plotly's `convert_to_base64` hands every numpy array to narwhals (`from_native`, which probes the
array's class with `inspect.getattr_static`) before it base64-encodes it: under a class on Second
order that detour was a tenth of the server's samples (py-spy, issue 15). `typed_arrays` writes
the same typed-array spec ({"dtype", "bdata", "shape"}) straight from the numeric numpy arrays the
builders make, and leaves anything else to plotly's own function.
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
from collections import OrderedDict
from typing import Any

import numpy as np
from _plotly_utils.utils import convert_to_base64, plotlyjsShortTypes  # what plotly.io uses
from plotly.io.json import to_json_plotly

# Keys plotly never converts to typed arrays (_plotly_utils.utils.is_skipped_key).
SKIPPED_KEYS = frozenset({"geojson", "layer", "layers", "range"})
_INT64_NARROWER = (np.int8, np.int16, np.int32)
_UINT64_NARROWER = (np.uint8, np.uint16, np.uint32)


def _typed(array: np.ndarray) -> Any:
    """plotly's to_typed_array_spec for a numeric array; None when plotly must decide."""
    if array.size == 0 or array.dtype.kind not in "fiu":
        return None
    if array.dtype == np.int64 or array.dtype == np.uint64:
        narrower = _INT64_NARROWER if array.dtype == np.int64 else _UINT64_NARROWER
        low, high = array.min(), array.max()
        for kind in narrower:
            limits = np.iinfo(kind)
            if limits.min <= low and high <= limits.max:
                array = array.astype(kind)
                break
        else:
            return array  # as plotly: too large for plotly.js's typed arrays, sent as a list
    code = plotlyjsShortTypes.get(str(array.dtype))
    if code is None:
        return None
    spec = {"dtype": code, "bdata": base64.b64encode(np.ascontiguousarray(array)).decode("ascii")}
    if array.ndim > 1:
        spec["shape"] = str(array.shape)[1:-1]
    return spec


def typed_arrays(value: Any) -> None:
    """plotly's convert_to_base64, in place: numpy arrays in dicts (all the way down) become
    base64 typed-array specs, numeric ones written here, any other kind by plotly."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key in SKIPPED_KEYS:
                continue
            if isinstance(item, np.ndarray):
                spec = _typed(item)
                if spec is None:
                    holder = {key: item}
                    convert_to_base64(holder)
                    spec = holder[key]
                value[key] = spec
            elif isinstance(item, dict | list | tuple):
                typed_arrays(item)
            elif not isinstance(item, str | int | float | bool | type(None)):
                holder = {key: item}
                convert_to_base64(holder)  # pandas and the like: plotly's own way
                value[key] = holder[key]
    elif isinstance(value, list | tuple):
        for item in value:
            typed_arrays(item)


def figure_json(value: Any) -> str:
    """A figure (data + layout) or a list of traces as Plotly JSON, numpy arrays as base64 typed
    arrays (as st.plotly_chart sends them). Converts the given dicts in place."""
    typed_arrays(value)
    return to_json_plotly(value)


def copied(value: Any) -> Any:
    """New dicts and lists all the way down, the same arrays and numbers: figure_json rewrites
    the containers it is given."""
    if isinstance(value, dict):
        return {key: copied(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [copied(item) for item in value]
    return value


def content_digest(value: Any) -> str:
    """json.dumps' `default` for figure parts: an array by dtype, shape and a hash of its bytes."""
    if isinstance(value, np.ndarray):
        data = np.ascontiguousarray(value)
        shape = f"{data.dtype.str}{data.shape}"
        return shape + hashlib.blake2b(data.tobytes(), digest_size=16).hexdigest()
    return repr(value)


class JsonMemo:
    """The JSON of figures by a digest of their content (arrays by their bytes), least recently
    used dropped, shared by every session of the server: hashing the parts costs far less than
    encoding them again, and every student on the same link asks for the same base figures."""

    def __init__(self, entries: int) -> None:
        self.entries = entries
        self._found: OrderedDict[str, str] = OrderedDict()
        self._lock = threading.Lock()
        self.encoded = 0  # how many figures were encoded (the rest came from the memo)

    def __call__(self, figure: Any) -> str:
        key = hashlib.blake2b(
            json.dumps(figure, sort_keys=True, default=content_digest).encode(), digest_size=16
        ).hexdigest()
        with self._lock:
            if key in self._found:
                self._found.move_to_end(key)
                return self._found[key]
        text = figure_json(copied(figure))
        with self._lock:
            self.encoded += 1
            self._found[key] = text
            while len(self._found) > self.entries:
                self._found.popitem(last=False)
        return text
