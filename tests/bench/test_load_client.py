"""The load benchmark's client without a server: how it reads ForwardMsgs, its message cache, its
bounds. (Against a real server: tests/e2e/test_load.py. Timings only in `python -m bench load`.)"""

from __future__ import annotations

import json

import pytest
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from bench.load import (
    MAX_SOAK_RUNS,
    MAX_STUDENTS,
    TABLE_STUDENTS,
    Interaction,
    MessageCache,
    Student,
    _bridge_click,
    _loopback,
    _trigger_id,
    parse_args,
    percentile,
)


def received(student: Student, message: ForwardMsg, result: Interaction) -> None:
    student._receive(message.SerializeToString(), result)


def test_a_run_ends_at_its_final_script_finished_not_at_one_ended_for_a_rerun():
    student, result = Student("http://127.0.0.1:1", "descent", "x0=2", 10), Interaction("open")
    early = ForwardMsg(script_finished=ForwardMsg.FINISHED_EARLY_FOR_RERUN)
    received(student, early, result)
    assert (result.finished, result.runs) == (False, 1)
    received(student, ForwardMsg(script_finished=ForwardMsg.FINISHED_SUCCESSFULLY), result)
    assert (result.finished, result.runs, result.errors) == (True, 2, [])


def test_the_client_follows_the_page_its_link_and_the_point_widgets():
    student, result = Student("http://127.0.0.1:1", "explore", "x0=2", 10), Interaction("open")
    navigation = ForwardMsg()
    navigation.navigation.page_script_hash = "abc"
    received(student, navigation, result)
    link = ForwardMsg()
    link.page_info_changed.query_string = "f=x&x0=1.5&y0=-1"
    received(student, link, result)
    for key in ("x0", "y0", "xmin"):
        widget = ForwardMsg()
        widget.delta.new_element.number_input.id = f"$$ID-0123-{key}"
        received(student, widget, result)
    assert student.page_script_hash == "abc"
    assert student.query == "f=x&x0=1.5&y0=-1"
    assert student.widget_ids == {"x0": "$$ID-0123-x0", "y0": "$$ID-0123-y0"}
    assert result.sizes["number_input x0"] > 0


def test_a_bridge_click_is_the_event_the_click_bridge_sends_for_its_map():
    student, result = Student("http://127.0.0.1:1", "explore", "", 10), Interaction("open")
    bridge = ForwardMsg()
    bridge.delta.new_element.bidi_component.id = "$$ID-9-chart_clicks"
    bridge.delta.new_element.bidi_component.json = '{"charts": ["surface", "contour_map"]}'
    received(student, bridge, result)
    assert student.bridge == ("$$ID-9-chart_clicks", ["surface", "contour_map"])
    assert _trigger_id("$$ID-9-k") == "$$STREAMLIT_INTERNAL_KEY_$$ID-9-k__events"
    event = json.loads(_bridge_click(["surface", "contour_map"], 1.5, -0.5))
    assert event == [
        {"event": "click", "value": {"chart": "contour_map", "x": 1.5, "y": -0.5, "cameras": {}}}
    ]


def test_exceptions_and_error_alerts_are_errors():
    student, result = Student("http://127.0.0.1:1", "explore", "", 10), Interaction("click")
    broken = ForwardMsg()
    broken.delta.new_element.exception.message = "boom"
    received(student, broken, result)
    alert = ForwardMsg()
    alert.delta.new_element.alert.body = "Something went wrong"
    alert.delta.new_element.alert.format = alert.delta.new_element.alert.ERROR
    received(student, alert, result)
    assert result.errors == ["exception: boom", "error alert: Something went wrong"]


def test_the_message_cache_forgets_what_was_not_used_for_more_than_max_age_runs():
    cache = MessageCache()
    cache.touch("figure")
    cache.script_finished()
    cache.script_finished()
    assert cache.hashes() == ["figure"]
    cache.script_finished()
    assert cache.hashes() == []


def test_nearest_rank_percentiles():
    assert percentile([], 0.5) is None
    assert percentile([3.0, 1.0, 2.0], 0.5) == 2.0
    assert percentile(list(range(1, 101)), 0.95) == 95


def test_bounded_and_loopback_only():
    assert parse_args(["--table"]).students == list(TABLE_STUDENTS)
    for wrong in (["--students", str(MAX_STUDENTS + 1)], ["--clicks", "1000"], ["--timeout", "0"]):
        with pytest.raises(SystemExit):
            parse_args(wrong)
    with pytest.raises(SystemExit):
        parse_args(["--url", "http://127.0.0.1:8501", "--set", "runner.postScriptGC=false"])
    with pytest.raises(SystemExit):
        parse_args(["--url", "http://127.0.0.1:8501", "--replicas", "2"])
    with pytest.raises(SystemExit):
        parse_args(["--replicas", "17"])
    assert parse_args(["--replicas", "2"]).replicas == 2
    for wrong in ("0", str(MAX_SOAK_RUNS + 1)):
        with pytest.raises(SystemExit):
            parse_args(["--soak", wrong])
    assert parse_args(["--soak", "1000", "--students", "20"]).soak == 1000
    assert _loopback("http://localhost:8501/descent?x0=1") == "http://localhost:8501"
    with pytest.raises(SystemExit):
        _loopback("http://192.0.2.1:8501")
