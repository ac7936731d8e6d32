"""The Descent page through Streamlit's AppTest: the page file from a fresh session per link.

Default link, hostile links (clear messages, no exception, bounded work), the table, the basin
map, and the CSV export checked against core.descend.
"""

from __future__ import annotations

import base64
import csv
import io
import json
import re

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from core import Function, descend
from pages.descent.race import MAX_FRAMES, PATH_POINTS, expand_frame
from pages.descent.runner import Runner
from pages.descent.settings import BY_KEY, DEFAULT, MAX_STEPS
from pages.descent.tables import paths_csv
from tests import apptest
from tests.apptest import charts, deferred_downloads, link

PAGE = "pages/descent/page.py"
ARTICLE = "x^2 y + y^3"


def open_page(query: dict[str, str] | None = None) -> AppTest:
    return apptest.open_page(PAGE, query)


def _walk(node):
    children = getattr(node, "children", None)
    for child in children.values() if isinstance(children, dict) else ():
        yield child
        yield from _walk(child)


def _arrays(value):
    """Plotly's base64 typed arrays in a figure's JSON as numpy arrays."""
    if isinstance(value, dict) and "bdata" in value and "dtype" in value:
        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
    if isinstance(value, dict):
        return {key: _arrays(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_arrays(item) for item in value]
    return value


def race_parts(app: AppTest) -> tuple[dict, dict] | None:
    """The race chart's two parts as the browser receives them (pages/descent/race_chart.py): the
    base figure and the race, or None when the page drew no race."""
    found = {}
    for element in _walk(app._tree):
        if getattr(element, "type", None) == "bidi_component":
            name = element.proto.component_name.rsplit(".", 1)[-1]
            found[name] = json.loads(element.proto.json or "{}")
    if "descent_race_chart" not in found:
        return None
    base = json.loads(found["descent_race_chart"]["figure"])
    race = _arrays(json.loads(found["descent_race_part"]["race"]))
    return base, race


def race_chart(app: AppTest) -> dict:
    """The race chart as one figure with Plotly frames: what the browser draws, frame by frame."""
    parts = race_parts(app)
    assert parts is not None, "no race chart"
    base, race = parts
    offset = len(base["data"])
    frames = [
        {
            "name": str(step),
            "data": expand_frame(race, k),
            "traces": [offset + i for i in race["animated"]],
        }
        for k, step in enumerate(race["frames"]["steps"])
    ]
    return {"data": base["data"] + race["data"], "layout": base["layout"], "frames": frames}


def said(app: AppTest) -> str:
    """Every message on the page, with the Markdown escapes of ui.shell.text.plain removed."""
    blocks = [*app.warning, *app.error, *app.info, *app.success]
    return re.sub(r"\\(.)", r"\1", "\n".join(block.value for block in blocks))


def metas(chart: dict) -> list[str]:
    return [trace.get("meta") for trace in chart["data"]]


def test_the_default_link_races_four_optimizers_on_the_article_function():
    app = open_page()
    assert app.title[0].value.startswith("Descent")
    race = race_chart(app)
    assert [m for m in metas(race) if m and m.endswith(" path")] == [
        f"{key} path" for key in DEFAULT.racers
    ]
    assert len(race["frames"]) == min(DEFAULT.steps + 1, MAX_FRAMES)
    loss = next(chart for chart in charts(app) if not chart.get("frames"))
    assert any(m == "gd loss" for m in metas(loss))
    assert link(app) == {"f": ARTICLE, "x0": "2", "y0": "1"}
    # x^2 y + y^3 falls without bound: gradient descent and momentum leave, and the page says so.
    text = said(app)
    assert "Gradient descent" in text and "Diverged at step" in text
    assert "link could not be used" not in text
    assert "2/λmax" in text  # the stability readout
    assert list(app.multiselect(key="descent_racers").value) == list(DEFAULT.racers)
    assert app.slider(key="descent_steps").value == DEFAULT.steps
    assert app.number_input(key="descent_lr_adam").value == DEFAULT.lr_adam


HOSTILE = [
    ({"lr_gd": "1e9"}, ["lr_gd", "using 100", "Diverged at step"]),
    ({"steps": "1000000000"}, ["steps", "using 1000"]),
    ({"steps": "-3"}, ["steps", "using 1"]),
    ({"lr_gd": "-1"}, ["lr_gd", "not a positive learning rate"]),
    ({"racers": "__import__('os').system('echo hacked')"}, ["racers", "names no optimizer"]),
    ({"x0": "nan"}, ["x0", "not a finite number"]),
    ({"lr_adam": "nan", "momentum": "5", "table": "<b>x</b>"}, ["lr_adam", "momentum", "table"]),
    ({"basins": "1", "basin_res": "1000000", "basin_steps": "-1"}, ["basin_res", "basin_steps"]),
]
HOSTILE_IDS = ["lr-1e9", "steps-1e9", "steps-neg", "lr-neg", "dunder", "x0-nan", "mixed", "basins"]


@pytest.mark.parametrize(("query", "words"), HOSTILE, ids=HOSTILE_IDS)
def test_a_hostile_link_gives_clear_messages_and_bounded_work(query, words):
    app = open_page(query)
    text = said(app)
    for word in words:
        assert word in text, (word, text)
    assert "Traceback" not in text
    race = race_chart(app)
    assert len(race["frames"]) <= MAX_FRAMES
    for frame in race["frames"]:
        for part in frame["data"]:
            assert part.get("type") != "scatter" or _length(part["x"]) <= PATH_POINTS
    steps = app.slider(key="descent_steps").value
    assert 1 <= steps <= MAX_STEPS
    for row_count in (len(frame) for frame in _tables(app)):
        assert row_count <= MAX_STEPS + 1
    assert "hacked" not in json.dumps(link(app))


def _length(array) -> int:
    if isinstance(array, dict):  # plotly's base64 typed array
        return len(base64.b64decode(array["bdata"])) // np.dtype(array["dtype"]).itemsize
    return len(array)


def _tables(app: AppTest) -> list:
    # st.table's frames
    return [getattr(element.value, "data", element.value) for element in app.table]


def test_a_huge_learning_rate_is_kept_valid_and_the_divergence_is_explained():
    app = open_page({"lr_gd": "1e9", "racers": "gd"})
    assert app.number_input(key="descent_lr_gd").value == 100
    assert link(app)["lr_gd"] == "100"
    text = said(app)
    assert "Diverged at step 2" in text and "not below it" in text
    assert any("not below it" in block.value for block in app.error)  # the red stability line
    stops = next(t for t in race_chart(app)["data"] if t.get("meta") == "stops 2d")
    assert stops["showlegend"]  # the ✕ is on the map and in the legend


def test_an_unknown_racer_list_falls_back_to_the_default_racers():
    app = open_page({"racers": "evil,__class__"})
    assert list(app.multiselect(key="descent_racers").value) == list(DEFAULT.racers)
    assert "names no optimizer" in said(app)


def test_no_racer_chosen_asks_for_one_and_draws_no_race():
    app = open_page({"racers": ""})
    assert any("Choose at least one racer" in block.value for block in app.info)
    assert race_parts(app) is None


def test_a_function_undefined_everywhere_explains_itself():
    app = open_page({"f": "sqrt(-1 - x^2 - y^2)"})
    text = said(app)
    assert "undefined everywhere in this window" in text
    assert "no racer can take a step" in text
    assert "Hessian is undefined at the start" in text


def test_an_invalid_racer_setting_is_refused_in_words():
    app = open_page({"racers": "nesterov,gd", "momentum": "0"})
    text = said(app)
    assert "Nesterov cannot run with these settings" in text
    race = race_chart(app)
    assert [m for m in metas(race) if m and m.endswith(" path")] == ["gd path"]


def test_the_table_lists_every_step_of_the_chosen_racer_with_divergence_flagged():
    app = open_page({"table": "momentum"})
    assert app.selectbox(key="descent_table").value == "momentum"
    steps = next(frame for frame in _tables(app) if "status" in frame.columns)
    f = Function(ARTICLE)
    expected = descend(f, (2.0, 1.0), "sgd", DEFAULT.steps, **DEFAULT.hyperparameters("momentum"))
    assert len(steps) == len(expected.path)
    # Shown to 6 significant digits, NaN as "undefined" (tables.shown).
    np.testing.assert_allclose(_numbers(steps["x"]), expected.path[:, 0], rtol=5e-6)
    np.testing.assert_allclose(_numbers(steps["f"]), expected.values, rtol=5e-6)
    assert steps["status"].iloc[-1] == "✕ diverged"
    assert set(steps["status"].iloc[:-1]) == {"ok"}


def _numbers(column) -> np.ndarray:
    return np.array([np.nan if text == "undefined" else float(text) for text in column])


def test_the_csv_download_is_every_racers_path_as_core_descend_computes_it(monkeypatch):
    # The CSV is written only when the button is pressed (a deferred download): keep what the
    # page hands Streamlit for it and press it as Streamlit's server would, by calling it.
    handed = deferred_downloads(monkeypatch)
    app = open_page({"racers": "adam,newton", "steps": "30"})
    (button,) = [b for b in app.get("download_button") if b.proto.label.endswith("(CSV)")]
    assert not button.proto.url and button.proto.deferred_file_id
    assert handed["descent_paths.csv"]() == _expected_csv(["adam", "newton"], 30)


def _expected_csv(keys: list[str], steps: int) -> str:
    """The export written independently from core.descend: one row per racer and step."""
    f = Function(ARTICLE)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["racer", "step", "x", "y", "f", "grad_norm", "status"])
    for key in keys:
        racer = BY_KEY[key]
        run = descend(f, (2.0, 1.0), racer.optimizer, steps, **DEFAULT.hyperparameters(key))
        for step in range(len(run.path)):
            status = run.status if step == len(run.path) - 1 else "ok"
            numbers = (run.path[step, 0], run.path[step, 1], run.values[step])
            numbers += (run.gradient_norms[step],)
            writer.writerow([racer.label, step, *(repr(float(v) + 0.0) for v in numbers), status])
    return out.getvalue()


def test_paths_csv_parses_back_to_core_descend_exactly():
    f = Function("(x^2 + y - 11)^2 + (x + y^2 - 7)^2")
    runs = {
        key: descend(f, (0.0, 0.0), BY_KEY[key].optimizer, 40, **DEFAULT.hyperparameters(key))
        for key in ("gd", "rmsprop")
    }
    text = paths_csv([Runner(key, run) for key, run in runs.items()])
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == ["racer", "step", "x", "y", "f", "grad_norm", "status"]
    assert len(rows) == sum(len(run.path) for run in runs.values())
    for key, run in runs.items():
        mine = [row for row in rows if row["racer"] == BY_KEY[key].label]
        assert [int(row["step"]) for row in mine] == list(range(len(run.path)))
        np.testing.assert_array_equal([float(row["x"]) for row in mine], run.path[:, 0])
        np.testing.assert_array_equal([float(row["y"]) for row in mine], run.path[:, 1])
        np.testing.assert_array_equal([float(row["f"]) for row in mine], run.values)
        np.testing.assert_array_equal([float(row["grad_norm"]) for row in mine], run.gradient_norms)
        assert mine[-1]["status"] == "finished"


def test_the_basin_map_is_drawn_on_request_with_the_chosen_optimizer():
    query = {"f": "(x^2 + y - 11)^2 + (x + y^2 - 7)^2", "x0": "0", "y0": "0"}
    query |= {"xmin": "-5", "xmax": "5", "ymin": "-5", "ymax": "5"}
    query |= {"basins": "1", "basin": "newton", "basin_res": "40", "basin_steps": "50"}
    app = open_page(query)
    (basin_chart,) = [chart for chart in charts(app) if "basins" in metas(chart)]
    heat = basin_chart["data"][0]
    assert heat["type"] == "heatmap"
    assert metas(basin_chart).count("critical point") == 9  # Himmelblau's 4 + 1 + 4
    assert "Newton, lr 0.5" in basin_chart["layout"]["title"]["text"]
    assert link(app)["basin"] == "newton"


def test_the_basin_map_is_not_computed_until_asked_for():
    app = open_page()
    assert not any("basins" in metas(chart) for chart in charts(app))
    assert app.toggle(key="descent_basins").value is False


def test_a_new_start_changes_the_race_part_only_not_the_surface():
    app = open_page()
    base, race = race_parts(app)
    app.number_input(key="x0").set_value(-1.0)
    app.number_input(key="y0").set_value(-1.5)
    apptest.rerun(app)
    moved_base, moved_race = race_parts(app)
    # The base is the same message (Streamlit then sends a reference, the browser keeps its
    # WebGL scene); the race part carries the new start and its race.
    assert moved_base == base
    start = next(trace for trace in moved_race["data"] if trace["meta"] == "start 2d")
    assert (start["x"], start["y"]) == ([-1.0], [-1.5])
    assert "Start (-1, -1.5)" in moved_race["summary"]
    assert moved_race["summary"] != race["summary"]


def test_a_shown_table_has_its_floats_as_text_to_the_digits_asked_and_the_rest_untouched():
    from pages.descent import tables

    table = pd.DataFrame(
        {"racer": ["a", "b", "c"], "step": [0, 1, 2], "f": [1 / 3, float("nan"), -1.5e300]}
    )
    shown = tables.shown(table, 4)
    assert list(shown["f"]) == ["0.3333", "undefined", "-1.5e+300"]
    assert list(shown["racer"]) == ["a", "b", "c"] and list(shown["step"]) == [0, 1, 2]
    assert table["f"].iloc[0] == 1 / 3  # the table itself is left as it was
