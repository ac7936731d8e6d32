"""`python -m serve` is `streamlit run app.py` with the same options, warmed up once per process."""

from __future__ import annotations

import subprocess
import sys
import threading

import serve
from deploy.replicas import ROOT


def test_the_launcher_hands_its_arguments_to_streamlit_run_app_py(monkeypatch):
    calls = []
    monkeypatch.setattr(serve, "start_warm_up", lambda: calls.append("warm-up"))
    monkeypatch.setattr(
        "streamlit.web.cli.main", lambda **kwargs: calls.append(("streamlit", kwargs))
    )
    serve.main(["--server.port", "8650", "--server.headless", "true"])
    assert calls == [
        "warm-up",
        (
            "streamlit",
            {
                "args": ["run", "app.py", "--server.port", "8650", "--server.headless", "true"],
                "prog_name": "streamlit",
            },
        ),
    ]


def test_the_warm_up_starts_once_however_often_it_is_asked_for(monkeypatch):
    ran = []
    release = threading.Event()

    def work():
        ran.append(threading.current_thread().name)
        release.wait(10)

    monkeypatch.setattr(serve, "_import_and_start_workers", work)
    monkeypatch.setattr(serve, "_warm_up", None)
    first = serve.start_warm_up()
    again = [serve.start_warm_up() for _ in range(3)]
    release.set()
    first.join(10)
    assert all(thread is first for thread in again)
    assert ran == ["warm-up"]
    assert first.daemon  # never holds the server's exit (Ctrl-C) up


def test_streamlit_s_own_command_line_answers_through_the_launcher():
    # Streamlit's `run --help`: the command line reached `streamlit run`, nothing served.
    done = subprocess.run(
        [sys.executable, "-m", "serve", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "Usage: streamlit run [OPTIONS] [TARGET] [ARGS]" in done.stdout
