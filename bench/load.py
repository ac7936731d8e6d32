"""The classroom load benchmark: `python -m bench load --students 60 --page explore`.

Headless students speak Streamlit's own websocket protocol (the protobuf BackMsg/ForwardMsg of
`streamlit.proto`) to `streamlit run app.py` on loopback. Each student does what a browser tab
does when someone opens the shared link and then moves the point:

- open: GET the page's HTML, /_stcore/health and /_stcore/host-config (as the browser's
  connection manager does), open ws://127.0.0.1:PORT/_stcore/stream with the "streamlit"
  subprotocol and a same-origin Origin header, and send the first `rerun_script` BackMsg the way
  the frontend's sendRerunBackMsg does before it knows the app's pages: the link's query string,
  `page_name` taken from the URL path ("" for the default page, "descent", "second-order") and an
  empty `page_script_hash`, with the browser's `context_info` (url, timezone, locale). Timed until
  the ForwardMsg `script_finished` of the run that drew the page (a run that ends
  FINISHED_EARLY_FOR_RERUN, e.g. a page that calls st.rerun while it opens, is not the end of the
  open; the open's `runs` counts it).
- click ("move the point"): the sidebar's x₀ and y₀ are number inputs whose widget keys are the
  View fields `x0` and `y0` (their widget ids end in "-x0" and "-y0"; found in the deltas, never
  imported from ui/). The link is read once per session, so a new query string on the same session
  does not move the point: a widget change does. A click sends what the browser sends when those
  widgets change: a `rerun_script` with the new double values in `widget_states`, the page's
  `page_script_hash` (from the navigation message), the query string the app last wrote
  (page_info_changed), and the hashes of the ForwardMsgs it holds in its message cache (kept and
  expired like the frontend's ForwardMsgCache, so Streamlit sends a short ref_hash for an element
  it already sent unchanged). Only the two changed widgets are sent: the server keeps every other
  widget's value from the session (SessionState compacts old values before applying new ones).
  Timed until `script_finished`; the click counts as "moved" when the app's link then shows the
  new x0 and y0.
- `--via bridge` clicks the page's map instead, the way a real chart click arrives: a live chart
  (ui.shell.live_chart, Explore) sends setTriggerValue("moved", {x, y}) when a drag or a click ends;
  Descent's race chart (pages/descent/race_chart.py) sends setTriggerValue("clicked", {x, y});
  elsewhere the click bridge (a st.components.v2 component whose data lists the charts it
  listens to) calls setTriggerValue("click", {chart, x, y, cameras}), which reaches the server as a
  `json_trigger_value` under Streamlit's trigger aggregator id for that component; the page's
  callback then sets x0/y0. Same rerun, plus the component's callback.

Measured per page and student count: open and click p50/p95/max, errors (exceptions, error
alerts, page_not_found, timeouts, closed sockets), script runs, server CPU seconds per run (utime +
stime from /proc of the server process and its children, e.g. the SymPy worker), the server's
RSS, bytes received per open and per click (protobuf messages; `wire` also counts frame headers),
and the load generator's own CPU. Each page first gets one uncounted warm-up open (its time is
shown as "cold open"), then a one-student baseline in the same run. The one-student rows also
list the largest elements sent per open and per click. `--json PATH` keeps the figures;
`--set runner.postScriptGC=false` (any Streamlit option) A/B-tests the server started here;
`--replicas N` starts N servers behind HAProxy (deploy/replicas.py) to measure serving a class on
every core.

Bounded: at most MAX_STUDENTS students and MAX_CLICKS clicks each, a timeout per interaction and
one for the whole run; loopback only (a --url must name 127.0.0.1, localhost or ::1, and the
server started here binds 127.0.0.1). It stops by itself, and it stops the server it started by
that server's PID (and any worker process that server left behind).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import json
import math
import os
import random
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.asyncio.client import ClientConnection, connect

import deploy.replicas as deploy
from deploy.replicas import Cluster

ROOT = Path(__file__).resolve().parents[1]
# URL path of each page (what the browser's address bar holds and sends as page_name).
PAGES = {"explore": "", "descent": "descent", "second-order": "second-order"}
TABLE_STUDENTS = (1, 10, 30, 60)
# The link a teacher shares: the app's default view, written the way the app writes its links.
DEFAULT_QUERY = "f=x%5E2+y+%2B+y%5E3&x0=2&y0=1"
POINT_KEYS = ("x0", "y0")  # the sidebar's number inputs (widget keys = View fields = URL names)
FORMULA_KEY = "f"  # the sidebar's formula text input (bench/attack.py types into it)
MAX_STUDENTS = 200
MAX_CLICKS = 20
MAX_SOAK_RUNS = 20_000
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
FINAL_STATUSES = frozenset(
    {
        ForwardMsg.FINISHED_SUCCESSFULLY,
        ForwardMsg.FINISHED_WITH_COMPILE_ERROR,
        ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY,
    }
)


# --- one student ---------------------------------------------------------------------------


@dataclass
class Interaction:
    """One open or click: how long until script_finished, what came back, what went wrong."""

    kind: str  # "open" or "click"
    seconds: float | None = None  # None when it did not finish
    message_bytes: int = 0
    wire_bytes: int = 0
    messages: int = 0
    runs: int = 0  # script_finished messages (a run ended early for a rerun counts too)
    finished: bool = False  # saw the final script_finished
    moved: bool | None = None  # clicks: the app's link shows the new point afterwards
    errors: list[str] = field(default_factory=list)
    sizes: Counter[str] = field(default_factory=Counter)  # message bytes by what they carried


class CountingConnection(ClientConnection):
    """A websocket client connection that counts the bytes arriving on the socket."""

    wire_bytes = 0

    def data_received(self, data: bytes) -> None:
        self.wire_bytes += len(data)
        super().data_received(data)


class MessageCache:
    """The browser's ForwardMsgCache: hashes of cacheable messages, expired after runs unused."""

    def __init__(self) -> None:
        self.run_count = 0
        self.max_age = 2
        self.last_used: dict[str, int] = {}

    def touch(self, message_hash: str) -> None:
        self.last_used[message_hash] = self.run_count

    def script_finished(self) -> None:
        self.run_count += 1
        for message_hash, used in list(self.last_used.items()):
            if self.run_count - used > self.max_age:
                del self.last_used[message_hash]

    def hashes(self) -> list[str]:
        return list(self.last_used)


def _short(text: str, limit: int = 90) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class Student:
    """One browser tab on one page: opens the link, then moves the point."""

    def __init__(self, base_url: str, page: str, query: str, timeout: float) -> None:
        self.base_url = base_url.rstrip("/")
        self.page = page
        self.query = query.lstrip("?")
        self.timeout = timeout
        self.page_script_hash = ""
        self.widget_ids: dict[str, str] = {}
        self.bridge: tuple[str, list[str]] | None = None  # the click bridge: id, its charts
        self.live: dict[str, str] = {}  # live charts (ui.shell.live_chart): chart -> component id
        self.race: str | None = None  # Descent's race chart (pages/descent/race_chart.py): its id
        self.formula_id: str | None = None  # the sidebar's formula text input
        self.cache = MessageCache()
        self.socket: CountingConnection | None = None
        # The page's GET carries the link, as a browser's does; False sends the link only in the
        # websocket's first rerun (a hand-made client can: a browser's GET of a 100 KB link is
        # refused by the HTTP server before the app sees it).
        self.query_in_get = True

    @property
    def page_url(self) -> str:
        path = PAGES[self.page]
        return f"{self.base_url}/{path}" + (f"?{self.query}" if self.query else "")

    async def open(self) -> Interaction:
        result = Interaction("open")
        started = time.perf_counter()
        try:
            parts = urlsplit(self.base_url)
            host, port = parts.hostname or "127.0.0.1", parts.port or 80
            page_path = urlsplit(self.page_url)
            query = page_path.query if self.query_in_get else ""
            await _http_get(host, port, page_path.path + (f"?{query}" if query else ""))
            await asyncio.gather(
                _http_get(host, port, "/_stcore/health"),
                _http_get(host, port, "/_stcore/host-config"),
            )
            self.socket = await connect(
                f"ws://{parts.netloc}/_stcore/stream",
                origin=f"http://{parts.netloc}",
                subprotocols=["streamlit"],
                proxy=None,  # loopback only, whatever the environment says
                max_size=64 * 2**20,
                open_timeout=self.timeout,
                create_connection=CountingConnection,
            )
            await self._run(result, started, opening=True)
        except Exception as error:  # a failed open is a result, not a crash of the benchmark
            result.errors.append(f"open failed: {type(error).__name__}: {_short(error)}")
        return result

    async def click(self, x: float, y: float, via: str = "widgets") -> Interaction:
        """Move the point to (x, y): through the sidebar's number inputs ("widgets") or as a
        click on a chart reported by the page's click bridge ("bridge")."""
        result = Interaction("click")
        states: dict[str, float | str] = {}
        if via == "bridge" and self.race is not None:
            states = {_trigger_id(self.race): _race_click(x, y)}
        elif via == "bridge" and self.live:
            chart = next((c for c in self.live if "contour" in c), next(iter(self.live)))
            states = {_trigger_id(self.live[chart]): _live_move(x, y)}
        elif via == "bridge" and self.bridge is not None:
            states = {_trigger_id(self.bridge[0]): _bridge_click(self.bridge[1], x, y)}
        elif via == "widgets" and all(key in self.widget_ids for key in POINT_KEYS):
            states = {self.widget_ids["x0"]: x, self.widget_ids["y0"]: y}
        if self.socket is None or not states:
            result.errors.append(f"nothing to click via {via} (the open failed or drew none)")
            return result
        try:
            await self._run(result, time.perf_counter(), opening=False, widget_states=states)
        except Exception as error:
            result.errors.append(f"click failed: {type(error).__name__}: {_short(error)}")
        if result.finished:
            link = parse_qs(self.query)
            result.moved = _same_number(link.get("x0"), x) and _same_number(link.get("y0"), y)
        return result

    async def type_formula(self, text: str) -> Interaction:
        """Type `text` as the formula: what the sidebar's text input sends when it changes."""
        result = Interaction("formula")
        if self.socket is None or self.formula_id is None:
            result.errors.append("no formula input to type into (the open failed or drew none)")
            return result
        try:
            await self._run(
                result, time.perf_counter(), opening=False, text_states={self.formula_id: text}
            )
        except Exception as error:
            result.errors.append(f"typing failed: {type(error).__name__}: {_short(error)}")
        return result

    async def close(self) -> None:
        if self.socket is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.socket.close(), 10)
            self.socket = None

    async def _run(
        self,
        result: Interaction,
        started: float,
        opening: bool,
        widget_states: dict[str, float | str] | None = None,
        text_states: dict[str, str] | None = None,
    ) -> None:
        assert self.socket is not None
        message = BackMsg()
        rerun = message.rerun_script
        rerun.query_string = self.query
        # Before the app's pages are known the browser names the page by its URL path; after,
        # by the hash of the page it shows.
        rerun.page_name = PAGES[self.page] if opening else ""
        rerun.page_script_hash = "" if opening else self.page_script_hash
        for widget_id, value in (widget_states or {}).items():
            state = rerun.widget_states.widgets.add()
            state.id = widget_id
            if isinstance(value, str):
                state.json_trigger_value = value  # a component's event (setTriggerValue)
            else:
                state.double_value = value
        for widget_id, text in (text_states or {}).items():
            state = rerun.widget_states.widgets.add()
            state.id = widget_id
            state.string_value = text
        rerun.cached_message_hashes.extend(self.cache.hashes())
        rerun.context_info.url = self.page_url
        rerun.context_info.timezone = "UTC"
        rerun.context_info.timezone_offset = 0
        rerun.context_info.locale = "en-US"
        rerun.context_info.is_embedded = False
        rerun.context_info.color_scheme = "light"
        wire_before = self.socket.wire_bytes
        await self.socket.send(message.SerializeToString())
        deadline = started + self.timeout
        try:
            while not result.finished:
                remaining = deadline - time.perf_counter()
                if remaining <= 0:
                    raise TimeoutError
                raw = await asyncio.wait_for(self.socket.recv(), remaining)
                result.messages += 1
                result.message_bytes += len(raw)
                self._receive(raw, result)
        except TimeoutError:
            result.errors.append(f"{result.kind}: no script_finished within {self.timeout:g} s")
        finally:
            result.wire_bytes = self.socket.wire_bytes - wire_before
        if result.finished:
            result.seconds = time.perf_counter() - started

    def _receive(self, raw: bytes | str, result: Interaction) -> None:
        msg = ForwardMsg()
        msg.ParseFromString(raw if isinstance(raw, bytes) else raw.encode())
        kind = msg.WhichOneof("type")
        if msg.metadata.cacheable and msg.hash:
            self.cache.touch(msg.hash)
        if kind == "ref_hash":
            self.cache.touch(msg.ref_hash)
        elif kind == "new_session":
            self.cache.max_age = msg.new_session.config.max_cached_message_age or 2
            if msg.new_session.page_script_hash:
                self.page_script_hash = msg.new_session.page_script_hash
        elif kind == "navigation":
            if msg.navigation.page_script_hash:
                self.page_script_hash = msg.navigation.page_script_hash
        elif kind == "page_info_changed":
            self.query = msg.page_info_changed.query_string
        elif kind == "page_not_found":
            result.errors.append(f"page not found: {msg.page_not_found.page_name!r}")
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            kind = self._element(msg.delta.new_element, result)
        elif kind == "script_finished":
            result.runs += 1
            status = msg.script_finished
            if status == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                result.errors.append("the script did not compile")
            if status in FINAL_STATUSES:
                result.finished = True
            if status != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                self.cache.script_finished()
        result.sizes[kind or "?"] += len(raw)

    def _element(self, element, result: Interaction) -> str:
        """Note what matters in a new element; its label (type and widget key) for `sizes`."""
        kind = element.WhichOneof("type")
        widget_id = getattr(getattr(element, kind), "id", "") if kind else ""
        if kind == "exception":
            result.errors.append(f"exception: {_short(element.exception.message)}")
        elif kind == "alert" and element.alert.format == element.alert.ERROR:
            result.errors.append(f"error alert: {_short(element.alert.body)}")
        elif kind == "bidi_component":
            charts = _charts(element.bidi_component)
            if charts:
                self.bridge = (widget_id, charts)
            live = _live_chart(element.bidi_component)
            if live:
                self.live[live] = widget_id
            if element.bidi_component.component_name.endswith(RACE_CHART):
                self.race = widget_id
        elif kind == "number_input":
            for key in POINT_KEYS:
                if widget_id.endswith(f"-{key}"):
                    self.widget_ids[key] = widget_id
        elif kind == "text_input" and widget_id.endswith(f"-{FORMULA_KEY}"):
            self.formula_id = widget_id
        key = widget_id.rsplit("-", 1)[-1] if isinstance(widget_id, str) else ""
        return f"{kind} {key}" if key and key != "None" else str(kind)


def _charts(component) -> list[str]:
    """The chart keys a click bridge component listens to (its data: {"charts": [...]})."""
    text = component.json or component.mixed.json
    try:
        charts = json.loads(text).get("charts") if text else None
    except (ValueError, AttributeError):
        return []
    return [str(chart) for chart in charts] if isinstance(charts, list) else []


def _live_chart(component) -> str | None:
    """The chart name of a live chart's base component (its data: {"role": "base", "chart"})."""
    text = component.json or component.mixed.json
    if not text or '"role"' not in text:
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return None
    return str(data["chart"]) if data.get("role") == "base" and "chart" in data else None


def _live_move(x: float, y: float) -> str:
    """What a live chart's setTriggerValue("moved", ...) sends when a drag or a click ends."""
    return json.dumps([{"event": "moved", "value": {"x": x, "y": y, "frames": 0}}])


RACE_CHART = "descent_race_chart"  # the component's name (pages/descent/race_chart.py)


def _race_click(x: float, y: float) -> str:
    """What Descent's race chart sends (setTriggerValue("clicked", ...)) for a still click."""
    return json.dumps([{"event": "clicked", "value": {"x": x, "y": y}}])


def _trigger_id(component_id: str) -> str:
    """The widget id under which a v2 component's triggers reach the server (Streamlit's
    trigger aggregator: "$$STREAMLIT_INTERNAL_KEY_<component id>__events")."""
    return f"$$STREAMLIT_INTERNAL_KEY_{component_id}__events"


def _bridge_click(charts: list[str], x: float, y: float) -> str:
    """What the bridge's setTriggerValue("click", ...) sends for a click at (x, y) on a 2D map
    (a contour chart when there is one: its clicks are exact data coordinates)."""
    chart = next((chart for chart in charts if "contour" in chart), charts[0])
    click = {"chart": chart, "x": x, "y": y, "cameras": {}}
    return json.dumps([{"event": "click", "value": click}])


def _same_number(values: list[str] | None, expected: float) -> bool:
    try:
        return values is not None and math.isclose(float(values[-1]), expected, abs_tol=1e-9)
    except ValueError:
        return False


async def _http_get(host: str, port: int, path: str) -> int:
    """GET path over HTTP/1.1 on loopback; the number of bytes in the answer."""
    reader, writer = await asyncio.open_connection(host, port)
    try:
        request = f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: close\r\n\r\n"
        writer.write(request.encode("latin-1"))
        await writer.drain()
        answer = await reader.read()
    finally:
        writer.close()
        with contextlib.suppress(Exception):
            await writer.wait_closed()
    status = answer.split(b"\r\n", 1)[0]
    if b" 200 " not in status + b" ":
        raise ConnectionError(f"GET {path}: {status.decode('latin-1', 'replace')}")
    return len(answer)


# --- a class ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    """How the class behaves: clicks per student, think time, arrival spread, timeouts, seed."""

    clicks: int = 5
    think: float = 1.0  # mean seconds between clicks (uniform within ±50 %)
    ramp: float = 2.0  # students arrive spread evenly over this many seconds
    interaction_timeout: float = 180.0
    query: str = DEFAULT_QUERY
    seed: int = 15
    via: str = "widgets"  # how a click moves the point: "widgets" (x0/y0 inputs) or "bridge"


def _point(rng: random.Random, last: tuple[float, float]) -> tuple[float, float]:
    """A new point on a tenth-grid inside the default window (never the current one)."""
    while True:
        point = (round(rng.uniform(-2.5, 2.5), 1) + 0.0, round(rng.uniform(-2.5, 2.5), 1) + 0.0)
        if point != last:
            return point


async def _student(
    base_url: str, page: str, index: int, count: int, plan: Plan
) -> list[Interaction]:
    rng = random.Random(plan.seed * 1_000_003 + index)
    await asyncio.sleep(plan.ramp * index / max(count, 1))
    student = Student(base_url, page, plan.query, plan.interaction_timeout)
    results = []
    try:
        results.append(await student.open())
        point = (2.0, 1.0)
        for _ in range(plan.clicks if results[0].finished else 0):
            await asyncio.sleep(plan.think * rng.uniform(0.5, 1.5))
            point = _point(rng, point)
            click = await student.click(*point, via=plan.via)
            results.append(click)
            if not click.finished:
                break
    finally:
        await student.close()
    return results


async def run_class(
    base_url: str, page: str, students: int, plan: Plan, timeout: float
) -> tuple[list[Interaction], list[str]]:
    """`students` students on `page` at once (arriving over plan.ramp): every open and click,
    and what went wrong beside them (students cancelled at `timeout`, a crashed student)."""
    tasks = [
        asyncio.create_task(_student(base_url, page, index, students, plan))
        for index in range(students)
    ]
    done, pending = await asyncio.wait(tasks, timeout=max(timeout, 0.1))
    problems = []
    for task in pending:
        task.cancel()
    if pending:
        await asyncio.wait(pending, timeout=15)
        problems.append(f"{len(pending)} students still busy at the run's time limit: cancelled")
    results: list[Interaction] = []
    for task in done:
        if task.exception() is not None:
            problems.append(f"a student crashed: {_short(repr(task.exception()))}")
        else:
            results.extend(task.result())
    return results, problems


# --- the server ------------------------------------------------------------------------------


@contextlib.contextmanager
def serve(
    app_dir: Path, options: Sequence[str] = (), replicas: int = 0, port: int | None = None
) -> Iterator[Cluster]:
    """The app on 127.0.0.1 until the block ends, everything stopped by its PID: one
    `streamlit run app.py` (replicas=0), or that many behind HAProxy (deploy/replicas.py).
    `options`: more Streamlit options, "section.name=value" (e.g. runner.postScriptGC=false)."""
    if replicas:
        with deploy.replicas(replicas, app_dir, options) as cluster:
            yield cluster
    else:
        with deploy.streamlit_server(app_dir, options, port) as server:
            yield Cluster(server.url, (server,), proxy_pid=0)


def _stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2 :].split()  # fields from the 3rd (state) on


def _descendants(pid: int) -> set[int]:
    """PIDs of pid's child processes, their children, and so on (from /proc)."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := _stat(int(entry.name))) is not None:
            parents.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = set(), [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def cpu_seconds(pid: int) -> tuple[float, float] | None:
    """utime + stime in seconds of pid, and of its descendants (e.g. the SymPy workers, live or
    ended); None when pid is gone."""
    tick = os.sysconf("SC_CLK_TCK")
    own = _stat(pid)
    if own is None:
        return None
    workers = [fields for each in _descendants(pid) if (fields := _stat(each)) is not None]
    # cutime + cstime: children that ended and were waited for (a worker killed at its time
    # limit and restarted), so the figure does not drop when a worker is replaced.
    return (
        (int(own[11]) + int(own[12])) / tick,
        (int(own[13]) + int(own[14]) + sum(int(f[11]) + int(f[12]) for f in workers)) / tick,
    )


def servers_cpu_seconds(pids: Sequence[int]) -> tuple[float, float] | None:
    """cpu_seconds summed over several servers (replicas); None when any is gone or none given."""
    each = [cpu_seconds(pid) for pid in pids]
    if not each or any(figures is None for figures in each):
        return None
    return sum(own for own, _ in each), sum(workers for _, workers in each)


def servers_rss_bytes(pids: Sequence[int]) -> int | None:
    each = [rss_bytes(pid) for pid in pids]
    return None if not each or None in each else sum(each)


def rss_bytes(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


# --- measuring and reporting -----------------------------------------------------------------


def percentile(values: Sequence[float], share: float) -> float | None:
    """Nearest-rank percentile (p50 is the median of an odd count)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


@dataclass
class Measurement:
    page: str
    students: int
    interactions: list[Interaction]
    problems: list[str]
    wall_seconds: float
    cpu_seconds: float | None  # the server and its workers
    worker_cpu_seconds: float | None
    rss: int | None
    generator_cpu_seconds: float

    def of(self, kind: str) -> list[Interaction]:
        return [each for each in self.interactions if each.kind == kind]

    def seconds(self, kind: str) -> list[float]:
        return [each.seconds for each in self.of(kind) if each.seconds is not None]

    @property
    def runs(self) -> int:
        return sum(each.runs for each in self.interactions)

    @property
    def errors(self) -> list[str]:
        return [*self.problems, *(e for each in self.interactions for e in each.errors)]

    @property
    def unmoved(self) -> int:
        return sum(1 for each in self.of("click") if each.moved is False)

    def mean_bytes(self, kind: str, wire: bool = False) -> float | None:
        sizes = [each.wire_bytes if wire else each.message_bytes for each in self.of(kind)]
        return statistics.fmean(sizes) if sizes else None


async def measure(
    base_url: str,
    page: str,
    students: int,
    plan: Plan,
    pids: Sequence[int],
    timeout: float,
) -> Measurement:
    before = servers_cpu_seconds(pids)
    own_before = time.process_time()
    started = time.perf_counter()
    interactions, problems = await run_class(base_url, page, students, plan, timeout)
    wall = time.perf_counter() - started
    after = servers_cpu_seconds(pids)
    cpu = workers = None
    if before is not None and after is not None:
        workers = after[1] - before[1]
        cpu = after[0] - before[0] + workers
    return Measurement(
        page=page,
        students=students,
        interactions=interactions,
        problems=problems,
        wall_seconds=wall,
        cpu_seconds=cpu,
        worker_cpu_seconds=workers,
        rss=servers_rss_bytes(pids),
        generator_cpu_seconds=time.process_time() - own_before,
    )


def summary(measurement: Measurement) -> dict[str, object]:
    """One page and student count as plain numbers (seconds, bytes), e.g. for notes and README."""
    figures: dict[str, object] = {"page": measurement.page, "students": measurement.students}
    for kind in ("open", "click"):
        seconds = measurement.seconds(kind)
        figures[kind] = {
            "count": len(measurement.of(kind)),
            "p50": percentile(seconds, 0.5),
            "p95": percentile(seconds, 0.95),
            "max": max(seconds, default=None),
            "mean_bytes": measurement.mean_bytes(kind),
            "mean_wire_bytes": measurement.mean_bytes(kind, wire=True),
        }
    runs = measurement.runs
    cpu = measurement.cpu_seconds
    figures |= {
        "errors": dict(Counter(measurement.errors)),
        "clicks_that_did_not_move": measurement.unmoved,
        "runs": runs,
        "wall_seconds": measurement.wall_seconds,
        "server_cpu_seconds": cpu,
        "worker_cpu_seconds": measurement.worker_cpu_seconds,
        "server_cpu_per_run": cpu / runs if cpu is not None and runs else None,
        "server_rss_bytes": measurement.rss,
        "generator_cpu_seconds": measurement.generator_cpu_seconds,
    }
    return figures


def _s(value: float | None) -> str:
    return "" if value is None else f"{value:.2f} s"


def _kb(value: float | None) -> str:
    return "" if value is None else f"{value / 1000:.1f}"


HEADER = (
    "page",
    "students",
    "open p50",
    "open p95",
    "open max",
    "click p50",
    "click p95",
    "click max",
    "p95 vs 1",
    "errors",
    "runs",
    "CPU/run",
    "CPU busy",
    "RSS MB",
    "KB/open",
    "KB/click",
)


def row(measurement: Measurement, baseline: Measurement | None) -> tuple[str, ...]:
    opens, clicks = measurement.seconds("open"), measurement.seconds("click")
    runs = measurement.runs
    cpu = measurement.cpu_seconds
    base_p95 = percentile(baseline.seconds("click"), 0.95) if baseline else None
    p95 = percentile(clicks, 0.95)
    ratio = f"{p95 / base_p95:.1f}x" if p95 and base_p95 else ""
    return (
        measurement.page,
        str(measurement.students),
        _s(percentile(opens, 0.5)),
        _s(percentile(opens, 0.95)),
        _s(max(opens, default=None)),
        _s(percentile(clicks, 0.5)),
        _s(p95),
        _s(max(clicks, default=None)),
        ratio,
        str(len(measurement.errors)),
        str(runs),
        "" if cpu is None or not runs else f"{cpu / runs * 1000:.0f} ms",
        "" if cpu is None else f"{cpu / measurement.wall_seconds:.2f} cores",
        "" if measurement.rss is None else f"{measurement.rss / 2**20:.0f}",
        _kb(measurement.mean_bytes("open")),
        _kb(measurement.mean_bytes("click")),
    )


def render(rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(cells[i]) for cells in [HEADER, *rows]) for i in range(len(HEADER))]

    def line(cells: Sequence[str]) -> str:
        return " | ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True))

    rule = "-+-".join("-" * width for width in widths)
    return "\n".join([line(HEADER), rule, *(line(cells) for cells in rows)])


def biggest(measurement: Measurement, kind: str, limit: int = 6) -> str:
    """The largest things sent per open or click (mean bytes per interaction, by element)."""
    interactions = measurement.of(kind)
    total: Counter[str] = Counter()
    for each in interactions:
        total.update(each.sizes)
    parts = [
        f"{label} {size / len(interactions) / 1000:.1f}" for label, size in total.most_common(limit)
    ]
    return ", ".join(parts)


def describe_errors(measurement: Measurement, limit: int = 5) -> list[str]:
    counts = Counter(measurement.errors)
    lines = [f"  {count} x {text}" for text, count in counts.most_common(limit)]
    if len(counts) > limit:
        lines.append(f"  … and {len(counts) - limit} other kinds")
    return lines


async def run_all(
    base_url: str,
    pids: Sequence[int],
    pages: list[str],
    counts: list[int],
    plan: Plan,
    timeout: float,
    out=print,
) -> list[Measurement]:
    """Every page: an uncounted warm-up open, then each student count (a one-student baseline
    first, added when missing). Stops measuring when the run's time limit is reached."""
    deadline = time.monotonic() + timeout
    counts = sorted(set(counts) | {1})
    measurements: list[Measurement] = []
    rows = []
    for page in pages:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            out(f"time limit reached: {page} not measured")
            break
        # One warm-up open per server, at once: behind HAProxy each goes to another replica.
        opening_only = dataclasses.replace(plan, clicks=0, ramp=0.0)
        warm = await measure(base_url, page, max(len(pids), 1), opening_only, pids, remaining)
        cold = warm.seconds("open")
        out(
            f"{page}: cold open {_s(cold[0]) if cold else 'FAILED'} "
            # One warm-up open per server: with --replicas 2 that is 2 opens of one run each.
            f"({warm.runs} script runs for {len(warm.of('open'))} opens, "
            f"{_kb(warm.mean_bytes('open'))} KB)"
        )
        for line in describe_errors(warm):
            out(line)
        baseline = None
        for students in counts:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                out(f"time limit reached: {page} x {students} not measured")
                break
            measurement = await measure(base_url, page, students, plan, pids, remaining)
            measurements.append(measurement)
            baseline = baseline or measurement
            rows.append(row(measurement, baseline))
            out(
                f"{page} x {students}: {measurement.wall_seconds:.1f} s wall, "
                f"{len(measurement.of('open'))} opens, {len(measurement.of('click'))} clicks "
                f"({measurement.unmoved} did not move the point), {len(measurement.errors)} "
                f"errors; server CPU {_s(measurement.cpu_seconds)} (workers "
                f"{_s(measurement.worker_cpu_seconds)}); load generator CPU "
                f"{measurement.generator_cpu_seconds:.1f} s"
            )
            for line in describe_errors(measurement):
                out(line)
            if students == 1:
                for kind in ("open", "click"):
                    out(f"  KB per {kind}, largest first: {biggest(measurement, kind)}")
            await asyncio.sleep(1.0)  # let closed sessions go before the next class
    out("")
    out(render(rows))
    return measurements


@dataclass
class Soak:
    """A long run on one page: the servers' RSS after the warm-up and after each class."""

    page: str
    students: int
    runs: int = 0
    errors: int = 0
    classes: int = 0
    rss: list[int] = field(default_factory=list)  # bytes, all servers together


async def soak(
    base_url: str,
    pids: Sequence[int],
    page: str,
    students: int,
    runs: int,
    plan: Plan,
    timeout: float,
    out=print,
) -> Soak:
    """Classes of `students` on `page`, one after another, until `runs` script runs are done
    (or `timeout`): does the servers' memory settle, or grow with every run?"""
    deadline = time.monotonic() + timeout
    opening_only = dataclasses.replace(plan, clicks=0, ramp=0.0)
    await measure(base_url, page, max(len(pids), 1), opening_only, pids, timeout)
    found = Soak(page, students, rss=[servers_rss_bytes(pids) or 0])
    while found.runs < runs and (remaining := deadline - time.monotonic()) > 0:
        measurement = await measure(base_url, page, students, plan, pids, remaining)
        found.runs += measurement.runs
        found.errors += len(measurement.errors)
        found.classes += 1
        found.rss.append(servers_rss_bytes(pids) or 0)
        out(
            f"soak {page}: {found.runs} runs, RSS {found.rss[-1] / 2**20:.0f} MB, "
            f"{found.errors} errors"
        )
    mb = [value / 2**20 for value in found.rss]
    half = mb[len(mb) // 2]
    out(
        f"soak {page} x {students} students: {found.runs} runs in {found.classes} classes, "
        f"{found.errors} errors; RSS after the warm-up {mb[0]:.0f} MB, halfway {half:.0f} MB, "
        f"at the end {mb[-1]:.0f} MB (peak {max(mb):.0f} MB)"
    )
    return found


def _loopback(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme != "http" or parts.hostname not in LOOPBACK:
        raise SystemExit(f"--url must be http:// on loopback ({', '.join(sorted(LOOPBACK))})")
    return f"http://{parts.netloc}"


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench load",
        description="Headless students on Streamlit's websocket protocol against the app.",
    )
    parser.add_argument(
        "--students",
        type=int,
        nargs="+",
        default=[10],
        help="student counts (a one-student baseline is always added)",
    )
    parser.add_argument("--page", nargs="+", choices=sorted(PAGES), default=["explore"])
    parser.add_argument(
        "--table", action="store_true", help=f"students {TABLE_STUDENTS} x every page"
    )
    parser.add_argument("--clicks", type=int, default=Plan.clicks, help="point moves per student")
    parser.add_argument(
        "--think",
        type=float,
        default=Plan.think,
        help="mean seconds between clicks (uniform within ±50%%)",
    )
    parser.add_argument(
        "--ramp",
        type=float,
        default=Plan.ramp,
        help="students arrive spread over this many seconds",
    )
    parser.add_argument("--query", default=DEFAULT_QUERY, help="the shared link's query string")
    parser.add_argument("--seed", type=int, default=Plan.seed)
    parser.add_argument(
        "--via",
        choices=("widgets", "bridge"),
        default=Plan.via,
        help="a click sets the sidebar's x0/y0 inputs (default) or is a chart click reported "
        "by the page's click bridge",
    )
    parser.add_argument("--interaction-timeout", type=float, default=Plan.interaction_timeout)
    parser.add_argument(
        "--timeout", type=float, default=1800.0, help="hard limit in seconds for the whole run"
    )
    parser.add_argument("--url", help="a running server on loopback (default: start one here)")
    parser.add_argument(
        "--warm",
        action="store_true",
        help="open every page once on every server started here first, as python -m deploy does",
    )
    parser.add_argument(
        "--replicas",
        type=int,
        default=0,
        help="start this many servers behind HAProxy (deploy/replicas.py) instead of one",
    )
    parser.add_argument(
        "--soak",
        type=int,
        metavar="RUNS",
        help="instead of the table: classes of the first --students count on the first --page, "
        "one after another, until this many script runs; prints the servers' RSS as it goes",
    )
    parser.add_argument(
        "--attackers",
        type=int,
        default=0,
        help="instead of the table: the first --students count on the first --page, alone and "
        "then beside this many attackers typing expensive formulas (bench/attack.py)",
    )
    parser.add_argument(
        "--rounds", type=int, default=3, help="with --attackers: alone/attacked pairs to run"
    )
    parser.add_argument(
        "--attack-kinds",
        nargs="+",
        choices=("heavy", "tower", "link"),
        default=["heavy", "tower", "link"],
        help="with --attackers: what they send (heavy formulas, exponent towers, 100 KB links)",
    )
    parser.add_argument(
        "--attack-pause",
        type=float,
        default=0.2,
        help="with --attackers: seconds an attacker waits after each answer",
    )
    parser.add_argument("--pid", type=int, help="that server's PID, for its CPU and RSS")
    parser.add_argument(
        "--port", type=int, help="the port of the server started here (default: free)"
    )
    parser.add_argument(
        "--app-dir", type=Path, default=ROOT, help="where app.py is (default: this repository)"
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="SECTION.NAME=VALUE",
        help="a Streamlit option for the server started here, e.g. runner.postScriptGC=false",
    )
    args = parser.parse_args(argv)
    if args.set and args.url:
        parser.error("--set applies to the server started here, not to --url")
    if args.port is not None and (args.url or args.replicas or not 1024 <= args.port <= 65535):
        parser.error("--port (1024 to 65535) is for the one server started here")
    if args.replicas and args.url:
        parser.error("--replicas starts its own servers: not with --url")
    if not 0 <= args.replicas <= 16:
        parser.error("--replicas must be 0 to 16")
    if not all(re.fullmatch(r"[a-z]+\.[A-Za-z]+=[^\s]*", option) for option in args.set):
        parser.error("--set takes section.name=value")
    if args.table:
        args.students, args.page = list(TABLE_STUDENTS), sorted(PAGES, key=list(PAGES).index)
    if not all(1 <= count <= MAX_STUDENTS for count in args.students):
        parser.error(f"--students must be 1 to {MAX_STUDENTS}")
    if args.soak is not None and not 1 <= args.soak <= MAX_SOAK_RUNS:
        parser.error(f"--soak must be 1 to {MAX_SOAK_RUNS} runs")
    from .attack import MAX_ATTACKERS, MAX_ROUNDS

    if not 0 <= args.attackers <= MAX_ATTACKERS:
        parser.error(f"--attackers must be 0 to {MAX_ATTACKERS}")
    if not 1 <= args.rounds <= MAX_ROUNDS:
        parser.error(f"--rounds must be 1 to {MAX_ROUNDS}")
    if not 0.05 <= args.attack_pause <= 60:
        parser.error("--attack-pause must be 0.05 to 60 seconds")
    if args.attackers and args.soak is not None:
        parser.error("--attackers and --soak are two different runs")
    if not 0 <= args.clicks <= MAX_CLICKS:
        parser.error(f"--clicks must be 0 to {MAX_CLICKS}")
    if args.timeout <= 0 or args.interaction_timeout <= 0:
        parser.error("timeouts must be positive")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    plan = Plan(
        clicks=args.clicks,
        think=args.think,
        ramp=args.ramp,
        interaction_timeout=args.interaction_timeout,
        query=args.query,
        seed=args.seed,
        via=args.via,
    )

    def go(url: str, pids: Sequence[int], where: str) -> list[Measurement] | Soak:
        print(
            f"{where}; {os.cpu_count()} cores; link ?{plan.query}; {plan.clicks} clicks per "
            f"student, think {plan.think * 0.5:g} to {plan.think * 1.5:g} s, arrivals over "
            f"{plan.ramp:g} s; times until script_finished"
        )
        if args.attackers:
            from .attack import Attack, run_attacked

            # New texts for every run and round (time-based), or the server's caches answer them.
            nonce = int(time.time()) % 10_000
            attack = Attack(args.attackers, tuple(args.attack_kinds), args.attack_pause)
            attack = dataclasses.replace(attack, nonce=nonce)
            print(
                f"{args.students[0]} students on {args.page[0]}, alone and beside "
                f"{attack.attackers} attackers ({', '.join(attack.kinds)}; pause "
                f"{attack.pause:g} s), {args.rounds} rounds"
            )
            page, students = args.page[0], args.students[0]
            run = run_attacked(url, pids, page, students, attack, args.rounds, plan, args.timeout)
            return asyncio.run(asyncio.wait_for(run, args.timeout + 120))
        if args.soak:
            run = soak(url, pids, args.page[0], args.students[0], args.soak, plan, args.timeout)
            return asyncio.run(asyncio.wait_for(run, args.timeout + 60))
        run = run_all(url, pids, args.page, args.students, plan, args.timeout)
        return asyncio.run(asyncio.wait_for(run, args.timeout + 60))

    if args.url:
        url = _loopback(args.url)
        measurements = go(
            url,
            [args.pid] if args.pid else [],
            f"server {url}" + (f" (pid {args.pid})" if args.pid else " (no --pid: no CPU/RSS)"),
        )
    else:
        with serve(args.app_dir, args.set, args.replicas, args.port) as cluster:
            options = "".join(f" --{option.replace('=', ' ', 1)}" for option in args.set)
            pids = [server.pid for server in cluster.servers]
            where = f"streamlit run app.py{options} at {cluster.url} (pid {pids[0]}, started here)"
            if args.replicas:
                where = (
                    f"{args.replicas} x streamlit run app.py{options} (pids "
                    f"{', '.join(map(str, pids))}) behind HAProxy at {cluster.url}, started here"
                )
            if args.warm:
                for server in cluster.servers:
                    problems = deploy.warm(server.url)
                    print(f"warmed {server.url}: {'; '.join(problems) or 'every page opened'}")
            measurements = go(cluster.url, pids, where)
    if args.attackers:
        if args.json:
            from .attack import round_figures

            args.json.write_text(json.dumps(round_figures(measurements), indent=1) + "\n")
        return (
            0
            if measurements
            and not any(r.without.errors or r.with_attackers.errors for r in measurements)
            else 1
        )
    if isinstance(measurements, Soak):
        if args.json:
            args.json.write_text(json.dumps(dataclasses.asdict(measurements), indent=1) + "\n")
        return 0 if measurements.runs and not measurements.errors else 1
    if args.json:
        args.json.write_text(json.dumps([summary(m) for m in measurements], indent=1) + "\n")
        print(f"wrote {args.json}")
    return 0 if measurements and not any(m.errors for m in measurements) else 1


if __name__ == "__main__":
    sys.exit(main())
