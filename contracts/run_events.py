"""Events of a contract run, for the `freshservice-harness check` that started it.

`check` runs the suites in a pytest of its own, so to draw a progress bar and write an HTML
report it must learn from that pytest how many checks there are, how each ended and what each
scenario replay did. It names a file in FRESHSERVICE_HARNESS_EVENTS; the plugin then registers
an `EventWriter` that appends one JSON object a line:

    {"event": "collected", "total": 120}
    {"event": "check", "nodeid": "...", "outcome": "failed", "seconds": 0.4, "message": "..."}
    {"event": "replay", "nodeid": "...", "report": {...a ReplayReport...}}

Outcomes are passed, failed, skipped (an expected failure counts as skipped, as in JUnit XML)
and error (set-up or tear-down failed). Without the variable nothing is registered and nothing
is written. `EventReader` follows the file while the run goes on; `RunRecord` sums it up.
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:  # the plugin loads this in every pytest run: no MCP client at import
    from contracts.replay import ReplayReport

EVENTS_VARIABLE = "FRESHSERVICE_HARNESS_EVENTS"
PLUGIN_NAME = "freshservice-harness-events"
MESSAGE_LIMIT = 4000  # characters of a failure's traceback kept (its end, where the cause is)


def register(config: pytest.Config) -> None:
    """Start writing events if FRESHSERVICE_HARNESS_EVENTS names a file (plugin's configure)."""
    path = os.environ.get(EVENTS_VARIABLE)
    if path:
        # Under pytest-xdist the controller hears every check's reports, the workers run the
        # replays: each writes only what it alone knows, so no check is counted twice.
        worker = hasattr(config, "workerinput")
        config.pluginmanager.register(EventWriter(Path(path), worker=worker), PLUGIN_NAME)


def record_replay(config: pytest.Config, nodeid: str, report: ReplayReport) -> None:
    """Tell `check` about a replay the check `nodeid` made (nothing if no one is listening)."""
    writer = config.pluginmanager.get_plugin(PLUGIN_NAME)
    if isinstance(writer, EventWriter):
        writer.write({"event": "replay", "nodeid": nodeid, "report": report.as_json()})


@dataclasses.dataclass
class CheckResult:
    nodeid: str
    outcome: str = "passed"
    seconds: float = 0.0
    message: str = ""


class EventWriter:
    """The pytest hooks that write the events (registered only when asked for)."""

    def __init__(self, path: Path, *, worker: bool = False) -> None:
        self.path = path
        self.worker = worker
        self.running: dict[str, CheckResult] = {}

    def write(self, event: dict[str, Any]) -> None:
        line = (json.dumps(event, ensure_ascii=False, default=str) + "\n").encode()
        # One write() on a file opened for appending: lines from several processes (xdist
        # workers) never interleave.
        descriptor = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(descriptor, line)
        finally:
            os.close(descriptor)

    @pytest.hookimpl(trylast=True)
    def pytest_collection_finish(self, session: pytest.Session) -> None:
        self.write({"event": "collected", "total": len(session.items)})

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if self.worker:
            return
        check = self.running.setdefault(report.nodeid, CheckResult(report.nodeid))
        check.seconds += report.duration
        if report.failed:
            failed_around_the_check = report.when != "call"
            if check.outcome == "passed":
                check.outcome = "error" if failed_around_the_check else "failed"
            check.message = _joined(check.message, _trimmed(report.longreprtext))
        elif report.skipped:
            check.outcome = "skipped"
            check.message = _skip_reason(report)
        if report.when == "teardown":
            del self.running[report.nodeid]
            self.write({"event": "check", **dataclasses.asdict(check)})


def _skip_reason(report: pytest.TestReport) -> str:
    expected = getattr(report, "wasxfail", None)
    if expected is not None:
        return f"expected to fail: {expected}" if expected else "expected to fail"
    if isinstance(report.longrepr, tuple):  # (file, line, "Skipped: reason")
        return str(report.longrepr[2]).removeprefix("Skipped: ")
    return report.longreprtext


def _trimmed(text: str) -> str:
    return text if len(text) <= MESSAGE_LIMIT else "…" + text[-MESSAGE_LIMIT:]


def _joined(first: str, second: str) -> str:
    return f"{first}\n\n{second}" if first else second


class EventReader:
    """Follows an events file as pytest writes it: each call returns the events new since the
    last one (a line still being written waits for the next call)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.offset = 0
        self.partial = b""

    def read_new(self) -> list[dict[str, Any]]:
        try:
            with self.path.open("rb") as events:
                events.seek(self.offset)
                data = events.read()
        except FileNotFoundError:
            return []  # pytest has not written anything yet
        self.offset += len(data)
        *lines, self.partial = (self.partial + data).split(b"\n")
        return [event for line in lines if (event := _parsed(line)) is not None]


def _parsed(line: bytes) -> dict[str, Any] | None:
    try:
        event = json.loads(line)
    except ValueError:
        return None  # not ours: the file is only ever appended to by the writer above
    return event if isinstance(event, dict) else None


@dataclasses.dataclass
class RunRecord:
    """What the events of one run add up to."""

    collected: int | None = None
    checks: list[CheckResult] = dataclasses.field(default_factory=list)
    replays: list[tuple[str, ReplayReport]] = dataclasses.field(default_factory=list)

    def add(self, events: Iterable[dict[str, Any]]) -> None:
        for event in events:
            kind = event.get("event")
            if kind == "collected":
                self.collected = int(event["total"])
            elif kind == "check":
                self.checks.append(
                    CheckResult(
                        str(event["nodeid"]),
                        str(event["outcome"]),
                        float(event["seconds"]),
                        str(event.get("message", "")),
                    )
                )
            elif kind == "replay":
                from contracts.replay import ReplayReport  # noqa: PLC0415 - see the top

                report = ReplayReport.from_json(event["report"])
                self.replays.append((str(event["nodeid"]), report))

    def count(self, outcome: str) -> int:
        return sum(check.outcome == outcome for check in self.checks)


def read_run(path: Path) -> RunRecord:
    """Everything in an events file (none if pytest never wrote it)."""
    record = RunRecord()
    record.add(EventReader(path).read_new())
    return record
