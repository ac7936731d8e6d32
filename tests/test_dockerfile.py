"""The Dockerfile, read without Docker (no image can be pulled here): it serves what
`python -m deploy` serves, on the port it exposes, the way the README says to run it."""

from __future__ import annotations

import fnmatch
import json
import re
import shlex
from pathlib import Path

from deploy.__main__ import parse_args

ROOT = Path(__file__).resolve().parents[1]


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) in order, continuation lines joined, comments dropped."""
    lines = (ROOT / "Dockerfile").read_text(encoding="utf-8").splitlines()
    joined, current = [], ""
    for line in lines:
        if not current and (not line.strip() or line.lstrip().startswith("#")):
            continue
        current += line.rstrip()
        if current.endswith("\\"):
            current = current[:-1] + " "
            continue
        joined.append(current)
        current = ""
    return [(each.split(None, 1)[0].upper(), each.split(None, 1)[1].strip()) for each in joined]


def only(name: str) -> str:
    (found,) = [arguments for instruction, arguments in instructions() if instruction == name]
    return found


def test_the_base_is_a_slim_python_that_streamlit_supports():
    # Streamlit 1.67 needs Python 3.11 or newer (README, Community Cloud section).
    assert instructions()[0] == ("FROM", "python:3.11-slim")


def test_haproxy_and_the_pinned_requirements_are_installed_before_the_code():
    steps = instructions()
    runs = [arguments for instruction, arguments in steps if instruction == "RUN"]
    assert any("apt-get install" in run and "haproxy" in run.split() for run in runs)
    copy_requirements = steps.index(("COPY", "requirements.txt ."))
    install = next(n for n, step in enumerate(steps) if "pip install" in step[1])
    assert "-r requirements.txt" in steps[install][1]
    copy_code = steps.index(("COPY", ". ."))
    # requirements first: a code change does not reinstall the packages
    assert copy_requirements < install < copy_code


def test_it_runs_python_m_deploy_on_every_address_at_the_exposed_port():
    command = json.loads(only("CMD"))  # exec form: SIGTERM reaches deploy, which stops it all
    assert command[:3] == ["python", "-m", "deploy"]
    args = parse_args(command[3:])
    host, _, port = args.bind.rpartition(":")
    assert host == "0.0.0.0"
    assert only("EXPOSE") == port
    assert only("USER") != "root"


def test_the_readme_builds_and_runs_it_at_that_port():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    port = only("EXPOSE")
    build = re.search(r"docker build -t (\S+) \.", readme)
    assert build is not None
    run = re.search(r"docker run [^\n`]*", readme)
    assert run is not None
    words = shlex.split(run.group(0), comments=True)
    assert words[-1] == build.group(1)
    assert f"{port}:{port}" in words[words.index("-p") + 1]


def test_the_image_keeps_everything_the_app_and_deploy_import():
    ignored = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert ".git" in ignored and ".venv" in ignored
    # deploy starts each process with serve.py and warms it with the load benchmark's client
    # (bench.load.Student)
    needed = ["app.py", "serve.py", "requirements.txt", ".streamlit", "core", "ui", "pages"]
    needed += ["deploy", "bench"]
    for name in needed:
        assert (ROOT / name).exists(), name
        assert not any(fnmatch.fnmatch(name, pattern) for pattern in ignored), name
