"""The README stays true: its notebook example runs, and its two commands are the ones CI runs."""

from __future__ import annotations

import doctest
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_notebook_example_gives_the_outputs_shown():
    blocks = re.findall(r"```pycon\n(.*?)```", README, flags=re.DOTALL)
    assert blocks
    for block in blocks:
        test = doctest.DocTestParser().get_doctest(block, {}, "README", "README.md", 0)
        runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
        runner.run(test)
        assert runner.summarize(verbose=False).failed == 0


def test_ci_runs_the_readme_test_command():
    command = re.search(r"^apt-get update && (.+ && python -m pytest)$", README, flags=re.M)
    assert command, "README has no test command"
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    for step in ["apt-get update", *command.group(1).split(" && ")]:
        assert re.search(rf"^{re.escape(step)}$", ci, flags=re.M), step
    venv = r"python3 -m venv \.venv && \. \.venv/bin/activate && "
    assert re.search(rf"^{venv}pip install -r requirements\.txt && python -m serve$", README, re.M)
    assert (ROOT / "serve.py").is_file()  # the launcher the first command runs
    # Debian and Ubuntu refuse a bare `pip install`: both commands install into the venv.
    assert re.search(rf"{venv}pip install -r requirements-dev\.txt", command.group(1))
    assert "http://localhost:8501" in README  # headless: the README says where the app opens


def test_the_virtual_environment_is_not_committed():
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").split()
    assert ".venv/" in ignored
