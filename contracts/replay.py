"""Replaying a scenario: the fake misbehaves as its rules say while a real MCP client runs its
steps against the server under test; then every expectation is checked and every rule must
have fired.

Setup, against the fake the replay owns or one given by URL: the scenario's key names the
account; the account is reset (fresh data, budget, journal, scenario counters), reseeded and
given its plan if the scenario says so, and the scenario is loaded for it. The server under test
runs over stdio (ours by default, or `--server-command`) with the scenario's `server` settings
in its environment, or is reached over Streamable HTTP (`--server-url`), where those settings
cannot be applied. Afterwards the account's scenario is cleared and the account reset, so a
revoked key or a spent budget does not outlive the replay.
"""

from __future__ import annotations

import contextlib
import dataclasses
import tempfile
import time
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import httpx2
from mcp import Client, MCPError, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp.client.streamable_http import streamable_http_client

from contracts import expectations
from contracts.processes import FakeAdmin, server_environment
from contracts.scenario_checks import tool_problems
from mock_freshservice.scenario import Scenario

CALL_TIMEOUT = 120.0  # seconds a single tool call may take before the step fails
# A step that reads the fake's state sends this X-Request-Id prefix, so its own request is left
# out of the steps' journals (it is an ordinary API request to the fake otherwise).
INSPECT_PREFIX = "harness-inspect-"
CONNECTION_CLOSED = -32000  # the SDK's code when the server went away mid-call


@dataclasses.dataclass(frozen=True, slots=True)
class ServerTarget:
    """The server under test: a stdio command, or a Streamable HTTP URL."""

    command: tuple[str, ...] | None = None
    url: str | None = None


@dataclasses.dataclass
class StepOutcome:
    id: str
    tool: str
    arguments: Any
    failures: list[str]
    requests: list[str]
    excerpt: str
    seconds: float
    where: str = ""  # file:line of the step, for people to find it

    @property
    def passed(self) -> bool:
        return not self.failures


@dataclasses.dataclass
class ReplayReport:
    name: str
    description: str
    prompt: str | None = None
    account: str = ""
    steps: list[StepOutcome] = dataclasses.field(default_factory=list)
    rules: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    problems: list[str] = dataclasses.field(default_factory=list)
    warnings: list[str] = dataclasses.field(default_factory=list)
    journal: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    server_log: str = ""
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return not self.problems and all(step.passed for step in self.steps)

    @property
    def failures(self) -> list[str]:
        """Every reason it failed, one line each: the scenario's problems, then each failed
        step's expectations (`problems` alone holds only the scenario's)."""
        steps = [
            f"step {step.id} ({step.tool}{f', {step.where}' if step.where else ''}): {failure}"
            for step in self.steps
            for failure in step.failures
        ]
        return [*self.problems, *steps]

    def __str__(self) -> str:
        """What `replay` prints for it: each step, what it sent upstream, what failed and why;
        so `assert report.passed, str(report)` says why in a test."""
        from contracts.reporting import render_text  # noqa: PLC0415 - it imports this module

        return render_text(self)

    def as_json(self) -> dict[str, Any]:
        """The report as JSON-able data (`check`'s pytest child sends it to `check` this way)."""
        return dataclasses.asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ReplayReport:
        """The report `as_json` gave; fields it does not know are left out."""
        known = {field.name for field in dataclasses.fields(cls)} - {"steps"}
        steps = [StepOutcome(**step) for step in data.get("steps", [])]
        return cls(**{k: v for k, v in data.items() if k in known}, steps=steps)


def normalised_journal(entries: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """A journal without what differs between two identical runs: times, latencies, sequence
    numbers; request ids become the index of the tool call that sent them."""
    calls: dict[str | None, int] = {}
    out = []
    for entry in entries:
        if _inspection(entry):
            continue
        request_id = entry.get("request_id")
        if request_id not in calls:
            calls[request_id] = len(calls)
        kept = {k: v for k, v in entry.items() if k not in ("seq", "time", "latency_ms")}
        kept["request_id"] = calls[request_id]
        if kept.get("rule") is None and kept.get("retry_after") is not None:
            kept["retry_after"] = "set"  # the limiter's wait shrinks as its window runs
        out.append(kept)
    return out


async def replay(
    scenario: Scenario,
    text: str,
    *,
    name: str,
    fake_url: str,
    server: ServerTarget,
    key: str | None = None,
    owns_fake: bool = False,
    on_step: Callable[[str], None] | None = None,
) -> ReplayReport:
    """Replay one scenario (already validated; `text` is its source) and report what happened.
    `on_step` hears each step's id as it starts (a progress bar shows it)."""
    report = ReplayReport(name=name, description=scenario.description, prompt=scenario.prompt)
    started = time.monotonic()
    key = key or scenario.key
    admin = FakeAdmin(fake_url)
    try:
        report.account = account = admin.account_of(key)
        admin.reset(account)
        if scenario.dataset.seed is not None:
            admin.reseed(account, scenario.dataset.seed)
        if scenario.dataset.now is not None and not owns_fake:
            report.warnings.append(
                "dataset.now is applied only to a fake the replay starts; the given fake keeps "
                "its own clock"
            )
        if scenario.plan is not None:
            admin.set_plan(account, scenario.plan)
        admin.load_scenario(key, text)
        admin.clear_journal(account)
        if server.url is not None and scenario.server:
            report.warnings.append(
                "the scenario's server settings "
                f"({', '.join(sorted(scenario.server))}) cannot be applied to a server given by "
                "URL; expectations that rely on them may fail"
            )
        try:
            connection = Connection(server, fake_url, key)
            await _run_steps(scenario, report, admin, connection, on_step)
        finally:
            status = admin.scenario_status(account)
            report.rules = list(status.get("rules", []))
            report.journal = admin.journal(account)
            admin.clear_scenario(account)
            admin.reset(account)
        idle = (
            ": the scenario has no steps, so nothing called the server; add steps, or load it "
            "with `freshservice-harness up --scenario FILE` and use a client"
            if not scenario.steps
            else ""
        )
        for rule in report.rules:
            if not rule.get("fired"):
                report.problems.append(f"rule {rule['id']!r} never fired{idle}")
    except Exception as exc:  # a replay reports; it does not crash the run of the others
        report.problems.append(_explained(exc, report.server_log))
    finally:
        admin.close()
        report.seconds = time.monotonic() - started
    return report


@dataclasses.dataclass(frozen=True, slots=True)
class Connection:
    """How the replay reaches the server under test, and which key it presents."""

    server: ServerTarget
    fake_url: str
    key: str


async def _run_steps(
    scenario: Scenario,
    report: ReplayReport,
    admin: FakeAdmin,
    connection: Connection,
    on_step: Callable[[str], None] | None,
) -> None:
    results: dict[str, Any] = {}
    account = report.account
    with tempfile.TemporaryFile("w+", encoding="utf-8") as errlog:
        try:
            async with connected(connection, scenario.server, errlog) as client:
                # A misspelt tool fails the scenario before any step runs, naming the near one.
                unknown = tool_problems(scenario, await _listed_tools(client), "the server")
                if unknown:
                    report.problems += unknown
                    return
                seen = 0
                for step in scenario.steps:
                    if on_step is not None:
                        on_step(step.id)
                    if step.fake is not None:
                        outcome, structured = await _inspect(connection, step, results)
                    else:
                        outcome, structured = await _run_step(client, step, results)
                    outcome.where = f"{report.name}:{step.line}"
                    entries = admin.journal(account, since=seen)
                    if entries:
                        seen = int(entries[-1]["seq"])
                    entries = [e for e in entries if not _inspection(e)]
                    outcome.requests = [expectations.request_line(e) for e in entries]
                    outcome.failures += expectations.check_journal(step.expect_journal, entries)
                    if structured is not None:
                        results[step.id] = structured
                    report.steps.append(outcome)
        finally:
            errlog.seek(0)
            report.server_log = errlog.read()[-4000:]


async def _listed_tools(client: Client) -> set[str]:
    """Every tool the server lists, page by page."""
    names: set[str] = set()
    cursor: str | None = None
    while True:
        page = await client.list_tools(cursor=cursor)
        names |= {tool.name for tool in page.tools}
        cursor = page.next_cursor
        if not cursor:
            return names


async def _run_step(client: Client, step: Any, results: dict[str, Any]) -> tuple[StepOutcome, Any]:
    started = time.monotonic()
    outcome = StepOutcome(step.id, step.tool, step.arguments, [], [], "", 0.0)
    try:
        arguments = expectations.resolve(step.arguments, results)
    except expectations.UnresolvedReference as exc:
        outcome.failures.append(str(exc))
        return outcome, None
    outcome.arguments = arguments
    try:
        expect = dict(expectations.resolve(step.expect, results))
    except expectations.UnresolvedReference as exc:
        outcome.failures.append(str(exc))
        return outcome, None
    structured = None
    try:
        result = await client.call_tool(step.tool, arguments)
    except MCPError as exc:
        message = f"protocol error {exc.error.code}: {exc.error.message}"
        outcome.excerpt = expectations.printable(message)
        wanted = expect.get("protocol_error")
        if exc.error.code == CONNECTION_CLOSED:
            outcome.failures.append(f"the server closed the connection ({exc.error.message})")
        elif wanted is None or wanted is False:
            outcome.failures.append(f"no protocol error, got {outcome.excerpt}")
        elif expectations.is_matcher(wanted):
            problem = expectations.mismatch(wanted, message)
            if problem:
                outcome.failures.append(f"protocol_error: {problem}")
    else:
        text = " ".join(getattr(block, "text", "") for block in result.content)
        structured = result.structured_content
        outcome.excerpt = expectations.show(structured if structured is not None else text, 300)
        if expect.get("protocol_error") not in (None, False):
            outcome.failures.append(f"protocol_error: wanted one, got a result: {outcome.excerpt}")
        else:
            outcome.failures += expectations.check_result(
                expect, bool(result.is_error), text, structured
            )
        if result.is_error:
            structured = None
    outcome.seconds = time.monotonic() - started
    return outcome, structured


def _explained(exc: BaseException, server_log: str) -> str:
    """One line for a failure outside the steps; an exception group is unwrapped to its cause."""
    while isinstance(exc, BaseExceptionGroup) and len(exc.exceptions) == 1:
        exc = exc.exceptions[0]
    if isinstance(exc, MCPError) and exc.error.code == CONNECTION_CLOSED:
        last = server_log.strip().splitlines()[-1:] or ["(nothing on its stderr)"]
        return f"the server under test closed the connection or did not start: {last[0]}"
    if isinstance(exc, OSError) and exc.filename:
        return f"the server under test could not be started: {exc.strerror}: {exc.filename}"
    return f"{type(exc).__name__}: {exc}"


def _inspection(entry: dict[str, Any]) -> bool:
    return str(entry.get("request_id") or "").startswith(INSPECT_PREFIX)


async def _inspect(
    connection: Connection, step: Any, results: dict[str, Any]
) -> tuple[StepOutcome, Any]:
    """A step that reads the fake's REST API (as the scenario's key) to check its state."""
    started = time.monotonic()
    outcome = StepOutcome(step.id, f"GET {step.fake}", {}, [], [], "", 0.0)
    try:
        path = expectations.resolve(step.fake, results)
        expect = expectations.resolve(step.expect, results)
    except expectations.UnresolvedReference as exc:
        outcome.failures.append(str(exc))
        return outcome, None
    outcome.tool = f"GET {path}"
    async with httpx2.AsyncClient(base_url=connection.fake_url, timeout=30) as http:
        response = await http.get(
            str(path),
            auth=(connection.key, "X"),
            headers={"X-Request-Id": f"{INSPECT_PREFIX}{step.id}"},
        )
    try:
        body = response.json()
    except ValueError:
        body = None
    failed = response.status_code >= 400
    outcome.excerpt = expectations.show(body if body is not None else response.text, 300)
    outcome.failures += expectations.check_result(
        expect, failed, f"{response.status_code} {response.text[:300]}", body
    )
    outcome.seconds = time.monotonic() - started
    return outcome, None if failed else body


@contextlib.asynccontextmanager
async def connected(
    connection: Connection, settings: dict[str, Any], errlog: Any
) -> AsyncIterator[Client]:
    server, key = connection.server, connection.key
    if server.url is not None:
        headers = {"Authorization": key}
        async with (
            httpx2.AsyncClient(headers=headers, timeout=httpx2.Timeout(CALL_TIMEOUT)) as http,
            Client(
                streamable_http_client(server.url, http_client=http),
                read_timeout_seconds=CALL_TIMEOUT,
            ) as client,
        ):
            yield client
        return
    assert server.command is not None
    params = StdioServerParameters(
        command=server.command[0],
        args=list(server.command[1:]),
        env=server_environment(connection.fake_url, key, settings),
    )
    async with Client(
        stdio_client(params, errlog=errlog), read_timeout_seconds=CALL_TIMEOUT
    ) as client:
        yield client


def scenario_text(path: Path) -> str:
    return path.read_text(encoding="utf-8")
