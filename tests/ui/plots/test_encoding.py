"""ui.plots.encoding: the same JSON as plotly's own conversion, and a memo that encodes once."""

from __future__ import annotations

import copy
import json

import numpy as np
import pandas as pd
from _plotly_utils.utils import convert_to_base64
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from plotly.io.json import to_json_plotly

from ui.plots.encoding import JsonMemo, copied, figure_json, typed_arrays

DTYPES = ["float32", "float64", "int8", "int16", "int32", "int64", "uint8", "uint64", "bool"]


def plotly_way(value):
    value = copy.deepcopy(value)
    convert_to_base64(value)
    return to_json_plotly(value)


@settings(max_examples=150, deadline=None)
@given(
    array=hnp.arrays(
        st.sampled_from(DTYPES),
        hnp.array_shapes(min_dims=1, max_dims=2, min_side=0, max_side=5),
        elements={"allow_nan": True, "allow_infinity": True},
    ),
    key=st.sampled_from(["x", "z", "range", "bdata", "customdata"]),
)
def test_typed_arrays_write_what_plotly_writes(array, key):
    figure = {
        "data": [{"type": "scatter", key: array, "marker": {"size": array, "color": "red"}}],
        "layout": {"xaxis": {"range": array}, "title": {"text": "t"}, "n": 3, "on": True},
    }
    assert figure_json(copy.deepcopy(figure)) == plotly_way(figure)


def test_slices_strided_arrays_and_pandas_go_the_same_way():
    grid = np.arange(36, dtype=np.float32).reshape(6, 6)
    huge = np.array([0, 2**40], dtype=np.int64)  # too large for an Int32Array: a list, as plotly
    figure = {
        "data": [
            {"z": grid[::2, ::2], "x": grid[0], "y": grid[:, 1], "w": huge},
            {"x": pd.Series([1.0, 2.0]), "text": np.array(["a", "b"]), "v": (np.float32(1.5),)},
        ]
    }
    assert figure_json(copy.deepcopy(figure)) == plotly_way(figure)
    assert json.loads(figure_json(copy.deepcopy(figure)))["data"][0]["z"]["shape"] == "3, 3"


def test_typed_arrays_change_containers_in_place_and_copied_keeps_the_original():
    figure = {"data": [{"x": np.arange(3.0)}]}
    kept = copied(figure)
    typed_arrays(figure)
    assert figure["data"][0]["x"]["dtype"] == "f8"
    assert isinstance(kept["data"][0]["x"], np.ndarray)


def test_the_memo_encodes_equal_content_once_and_new_content_again():
    memo = JsonMemo(entries=2)
    first = {"data": [{"z": np.arange(4.0)}], "layout": {"height": 3}}
    same = {"data": [{"z": np.arange(4.0)}], "layout": {"height": 3}}
    other = {"data": [{"z": np.arange(4.0) + 1}], "layout": {"height": 3}}
    assert memo(first) == memo(same) == plotly_way(first)
    assert memo.encoded == 1
    assert isinstance(first["data"][0]["z"], np.ndarray)  # the caller's parts are left alone
    assert memo(other) == plotly_way(other) != memo(first)
    assert memo.encoded == 2
    memo({"data": [], "layout": {"height": 1}})
    memo({"data": [], "layout": {"height": 2}})  # two more: the first is dropped
    memo(first)
    assert memo.encoded == 5
