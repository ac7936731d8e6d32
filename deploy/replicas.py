"""Several Streamlit processes behind one HAProxy: the app on every core of a machine.

A Streamlit server runs all of its sessions' scripts in one Python interpreter, so a class on one
link keeps one core busy and leaves the others idle (measured: `python -m bench load`). Here N
`streamlit run app.py` processes listen on loopback ports and HAProxy (deploy/haproxy.cfg) spreads
new browsers over them, keeping each browser on its process with a cookie (its session, its
websocket and its downloads live there). The same config serves replicas on several machines:
list their addresses in the backend.

Used by `python -m deploy` (serve a class), `python -m bench load --replicas N` (measure it) and
tests/e2e/test_replicas.py (prove it in Chromium).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONFIG_TEMPLATE = Path(__file__).with_name("haproxy.cfg")
HEALTH_TIMEOUT = 120.0
STOP_TIMEOUT = 15.0


@dataclass(frozen=True)
class Server:
    """One running process: where it answers and its PID."""

    url: str
    pid: int


@dataclass(frozen=True)
class Cluster:
    """The proxy's URL, the Streamlit processes behind it, and the proxy's own PID."""

    url: str
    servers: tuple[Server, ...]
    proxy_pid: int


class DeployError(RuntimeError):
    """A process did not start (its log is in the message)."""


def free_port(address: str = "127.0.0.1") -> int:
    with socket.socket() as probe:
        probe.bind((address, 0))
        return probe.getsockname()[1]


def haproxy() -> str:
    """The haproxy executable, or a clear error naming the package to install."""
    found = shutil.which("haproxy") or next(
        (p for p in ("/usr/sbin/haproxy", "/usr/local/sbin/haproxy") if os.access(p, os.X_OK)),
        None,
    )
    if found is None:
        raise DeployError("haproxy is not installed (Debian/Ubuntu: apt-get install haproxy)")
    return found


def proxy_config(bind: str, backends: Sequence[str]) -> str:
    """deploy/haproxy.cfg for a frontend on `bind` ("127.0.0.1:8501") and one backend line per
    "host:port" (each named r1, r2, ... in the sticky cookie)."""
    servers = "\n".join(
        f"    server r{number} {address} check cookie r{number}"
        for number, address in enumerate(backends, start=1)
    )
    return CONFIG_TEMPLATE.read_text(encoding="utf-8").format(bind=bind, servers=servers)


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _children(pid: int) -> set[int]:
    """Every live descendant of pid (the SymPy worker a server started), from /proc."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                stat = (entry / "stat").read_text()
                parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _wait_until_healthy(process: subprocess.Popen, url: str, log: Path, what: str) -> None:
    deadline = time.monotonic() + HEALTH_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise DeployError(f"{what} exited with {process.returncode}:\n{log.read_text()}")
        with (
            contextlib.suppress(OSError),
            urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer,
        ):
            if answer.read().decode().strip() == "ok":
                return
        time.sleep(0.25)
    raise DeployError(f"{what} was not healthy after {HEALTH_TIMEOUT:g} s:\n{log.read_text()}")


@contextlib.contextmanager
def streamlit_server(
    app_dir: Path = ROOT, options: Sequence[str] = (), port: int | None = None
) -> Iterator[Server]:
    """`streamlit run app.py` on 127.0.0.1 until the block ends, stopped by its PID (and any
    worker process it left behind). `options`: Streamlit options "section.name=value".
    This app is started as `python -m serve` (serve.py): the same, its imports done before the
    first visit; another app (a benchmark's peer, an older copy) as `streamlit run app.py`."""
    port = port or free_port()
    launcher = ["serve"] if (app_dir / "serve.py").is_file() else ["streamlit", "run", "app.py"]
    command = [sys.executable, "-m", *launcher, "--server.headless", "true"]
    command += ["--server.port", str(port), "--server.address", "127.0.0.1"]
    # Everything else from .streamlit/config.toml, as `streamlit run app.py` would have it.
    command += ["--browser.gatherUsageStats", "false"]
    for option in options:
        name, _, value = option.partition("=")
        command += [f"--{name}", value]
    log = Path(tempfile.mkstemp(prefix="streamlit-", suffix=".log")[1])
    with log.open("wb") as output:
        process = subprocess.Popen(command, cwd=app_dir, stdout=output, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    workers: set[int] = set()
    try:
        _wait_until_healthy(process, url, log, "streamlit")
        yield Server(url, process.pid)
        workers = _children(process.pid)
    finally:
        workers |= _children(process.pid)
        _stop(process)
        for pid in workers:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGTERM)
        log.unlink(missing_ok=True)


def warm(server_url: str, timeout: float = 120.0) -> list[str]:
    """Open every page's default link once on this server, the way a browser does (the load
    benchmark's websocket client): the imports, the SymPy workers, the caches and Streamlit's
    first-visit routing are done before the first student arrives. What went wrong, if anything."""
    from bench.load import DEFAULT_QUERY, PAGES, Student

    async def visit(page: str) -> list[str]:
        student = Student(server_url, page, DEFAULT_QUERY, timeout)
        try:
            opened = await student.open()
        finally:
            await student.close()
        return [f"{page}: {error}" for error in opened.errors]

    async def visit_all() -> list[str]:
        return [error for page in PAGES for error in await visit(page)]

    # A thread of its own: a caller may be inside a running event loop (Playwright's sync API).
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, visit_all()).result()


@contextlib.contextmanager
def replicas(
    count: int,
    app_dir: Path = ROOT,
    options: Sequence[str] = (),
    bind: str | None = None,
    warmed: bool = False,
) -> Iterator[Cluster]:
    """`count` Streamlit processes behind HAProxy on `bind` (default: a free loopback port) until
    the block ends; everything started here is stopped by its PID. `warmed`: every page opened
    once on every process before the block starts (see warm)."""
    if not 1 <= count <= 64:
        raise ValueError("replicas: count must be 1 to 64")
    executable = haproxy()
    bind = bind or f"127.0.0.1:{free_port()}"
    with contextlib.ExitStack() as stack:
        servers = tuple(
            stack.enter_context(streamlit_server(app_dir, options)) for _ in range(count)
        )
        for server in servers if warmed else ():
            problems = warm(server.url)
            if problems:
                raise DeployError("the warm-up visit failed:\n" + "\n".join(problems))
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="haproxy-")))
        config = folder / "haproxy.cfg"
        backends = [server.url.removeprefix("http://") for server in servers]
        config.write_text(proxy_config(bind, backends), encoding="utf-8")
        check = subprocess.run([executable, "-c", "-f", str(config)], capture_output=True)
        if check.returncode != 0:
            raise DeployError(f"haproxy refused its config:\n{check.stderr.decode()}")
        log = folder / "haproxy.log"
        with log.open("wb") as output:
            proxy = subprocess.Popen(
                [executable, "-db", "-f", str(config)], stdout=output, stderr=subprocess.STDOUT
            )
        stack.callback(_stop, proxy)
        host, _, port = bind.rpartition(":")
        url = f"http://{'127.0.0.1' if host in ('', '0.0.0.0', '*') else host}:{port}"
        _wait_until_healthy(proxy, url, log, "haproxy")
        yield Cluster(url, servers, proxy.pid)
