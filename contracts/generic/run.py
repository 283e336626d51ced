"""Running the generic suites against one server: start (or use) the fake, start one session per
demo account, list the tools, then deal the tools out to the sessions, which work side by side.

Per tool, on its session: the plausible call; the same call again if the tool says it is
idempotent; the drawn calls; pages 1 and 2 if it takes a page; then the fault matrix on the
request its plausible call sent. The account is rebuilt from its seed after any call that wrote,
so every call finds the records the arguments name."""

from __future__ import annotations

import contextlib
import dataclasses
import time
from collections.abc import Callable, Iterator
from fnmatch import fnmatch
from pathlib import Path
from typing import Any

import anyio

from contracts.generic import arguments, honesty, pagination, properties, surface
from contracts.generic.faults import fault_row, faults, scenario, scenarios, target_of
from contracts.generic.findings import FAULT_NAMES, Call, Row, Upstream
from contracts.generic.target import (
    Fake,
    ServerUnderTest,
    Worker,
    demo_accounts,
    own_fake,
    spread,
)
from contracts.generic.tokens import count_tokens, tokenizer_name

Progress = Callable[[str], None]


@dataclasses.dataclass(frozen=True)
class Options:
    server: ServerUnderTest
    fake_url: str | None = None
    fake_ca: Path | None = None
    tls: bool = False
    call_timeout: float = 60.0
    examples: int = 5
    tool_token_budget: int | None = None
    token_budget: int | None = None
    faults: tuple[str, ...] = FAULT_NAMES
    workers: int = 3
    tools: tuple[str, ...] = ()  # fnmatch patterns; none: every tool


@dataclasses.dataclass
class Outcome:
    server: str
    tools: list[Any]
    rows: list[Row]
    tokenizer: str
    seconds: float
    restarts: int = 0
    problems: list[str] = dataclasses.field(default_factory=list)  # the run could not be done


@contextlib.contextmanager
def the_fake(options: Options) -> Iterator[Fake]:
    if options.fake_url is not None:
        fake = Fake(options.fake_url, options.fake_ca)
        try:
            yield fake
        finally:
            fake.close()
        return
    with own_fake(options.tls) as fake:
        yield fake


async def run(options: Options, progress: Progress | None = None) -> Outcome:
    said = progress or (lambda text: None)
    started = time.monotonic()
    outcome = Outcome(options.server.label, [], [], tokenizer_name(), 0.0)
    with the_fake(options) as fake:
        accounts = demo_accounts()[: max(1, options.workers)]
        workers = [Worker(options.server, fake, a, options.call_timeout) for a in accounts]
        try:
            # Each session lives in one task from start to stop (the SDK's client must).
            await workers[0].start()
            try:
                listed = await workers[0].list_tools()
            finally:
                await workers[0].stop()
            tools = listed
            said(f"{len(tools)} tools listed")
            if options.tools:
                tools = [t for t in tools if any(fnmatch(t.name, p) for p in options.tools)]
                if not tools:
                    outcome.problems.append(
                        f"--tools {','.join(options.tools)}: the server lists no such tool"
                    )
            outcome.tools = tools
            outcome.rows += surface.check_surface(
                tools,
                count_tokens,
                tokenizer_name(),
                tool_budget=options.tool_token_budget,
                list_budget=options.token_budget,
                listed=listed,
            )
            active = workers[: max(1, min(len(workers), len(tools)))]
            shares = spread(sorted(tools, key=lambda t: t.name), len(active))
            results: list[list[Row]] = [[] for _ in active]

            async def work(index: int) -> None:
                worker = active[index]
                await worker.start()
                try:
                    held: list[Held] = []
                    for tool in shares[index]:
                        rows, pending = await check_tool(worker, tool, options)
                        results[index] += rows
                        if pending is not None:
                            held.append(pending)
                        said(f"{tool.name} checked")
                    if TIMEOUT in options.faults:
                        results[index] += await _timeout_column(worker, held, options)
                finally:
                    await worker.stop()

            async with anyio.create_task_group() as group:
                for index in range(len(active)):
                    group.start_soon(work, index)
            for share in results:
                outcome.rows += share
        finally:
            for worker in workers:
                outcome.restarts += worker.restarts
                worker.close()
    outcome.rows.sort(key=lambda r: (r.tool, r.suite, r.check))
    outcome.seconds = time.monotonic() - started
    return outcome


@dataclasses.dataclass(frozen=True)
class Held:
    """A tool whose timeout row waits for the column, run at the end side by side."""

    tool: str
    arguments: dict[str, Any]
    target: Upstream


TIMEOUT = "timeout"
# Timeout rows made at once on one session: each holds one of the fake's threads until its
# answer is due (three sessions at most, and the fake serves 48 + 3 x this many threads).
TIMEOUT_BATCH = 32


async def check_tool(worker: Worker, tool: Any, options: Options) -> tuple[list[Row], Held | None]:
    """The tool's rows, and its timeout row's call when that is still to be made."""
    schema = tool.input_schema if isinstance(tool.input_schema, dict) else {}
    calls, probe, probe_arguments, again = await _explore(worker, tool, schema, options)
    row = Row("properties", "properties.calls", tool.name, note=f"{len(calls)} calls")
    names = list(arguments.properties_of(schema)[0])
    found = [f for c in calls for f in properties.call_findings(c, worker.account.key, names)]
    row.findings = properties.worst_first(found)
    rows = [row]
    for hint_row in (
        honesty.read_only_row(tool, calls),
        honesty.destructive_row(tool, calls),
        honesty.idempotent_row(tool, probe, again),
    ):
        if hint_row is not None:
            rows.append(hint_row)
    page, size = pagination.page_arguments(schema)
    if page is not None:
        paged = dict(probe_arguments)
        if size is not None:
            paged[size] = 2
        first = await _call(worker, tool.name, {**paged, page: 1})
        second = await _call(worker, tool.name, {**paged, page: 2})
        rows.append(pagination.pagination_row(first, second))
    fault_rows, pending = await _fault_matrix(worker, tool.name, probe, probe_arguments, options)
    return rows + fault_rows, pending


async def _call(worker: Worker, tool: str, args: dict[str, Any]) -> Call:
    """A call; the account rebuilt from its seed afterwards if the call wrote."""
    made = await worker.call(tool, args)
    if any(r.method != "GET" for r in made.api_requests):
        worker.fake.admin.reset(worker.account.domain)
    return made


async def _explore(
    worker: Worker, tool: Any, schema: dict[str, Any], options: Options
) -> tuple[list[Call], Call, dict[str, Any], Call | None]:
    """The plausible calls until one works (the best is the probe), the probe again if it
    created something, and the drawn calls: (all calls, probe, its arguments, the repeat)."""
    records = arguments.Records(worker.fake, worker.account)
    calls: list[Call] = []
    probe: Call | None = None
    probe_arguments: dict[str, Any] = {}
    for candidate in arguments.plausible(tool.name, schema, records):
        made = await _call(worker, tool.name, candidate)
        calls.append(made)
        if probe is None or _better(made, probe):
            probe, probe_arguments = made, candidate
        if _worked(made):
            break
    assert probe is not None  # plausible() gives at least one call
    again: Call | None = None
    if honesty.created(probe):
        # The same call again, on the account as the probe left it (no reset between).
        again = await worker.call(tool.name, probe_arguments)
        worker.fake.admin.reset(worker.account.domain)
        calls.append(again)
    for drawn in arguments.drawn(tool.name, schema, records, options.examples):
        calls.append(await _call(worker, tool.name, drawn))
    return calls, probe, probe_arguments, again


async def _fault_matrix(
    worker: Worker, tool: str, probe: Call, probe_arguments: dict[str, Any], options: Options
) -> tuple[list[Row], Held | None]:
    """Every fault's row but the timeout's, which waits for `_timeout_column`."""
    rows: list[Row] = []
    pending: Held | None = None
    target = target_of(probe)
    key = worker.account.key
    for fault in faults(options.call_timeout):
        if fault.name not in options.faults:
            continue
        if target is None or target.status >= 400:
            note = (
                "its plausible call sent no request to Freshservice"
                if target is None
                else f"its plausible call already failed without a fault ({target}): the "
                "fault would be tested on a request Freshservice refuses anyway"
            )
            rows.append(Row("faults", f"faults.{fault.name}", tool, ran=False, note=note))
            continue
        if fault.name == TIMEOUT:
            pending = Held(tool, probe_arguments, target)
            continue
        worker.fake.admin.load_scenario(key, scenario(fault, tool, target, key))
        try:
            made = await _call(worker, tool, probe_arguments)
        finally:
            worker.fake.admin.clear_scenario(worker.account.domain)
        rows.append(fault_row(fault, target, made, key))
        if fault.name == "rate-limited":
            # The fake counts any request within Retry-After as early: the next row waits it out.
            await anyio.sleep(float(fault.effect["retry_after"]) + 0.2)
    return rows, pending


async def _timeout_column(worker: Worker, held: list[Held], options: Options) -> list[Row]:
    """The timeout rows, made side by side: a server's HTTP timeout would otherwise cost every
    row in turn (30 s each for a server that waits 30 s). A batch holds tools whose requests
    differ (method and path), so each row's requests are told apart by its target."""
    fault = next(f for f in faults(options.call_timeout) if f.name == TIMEOUT)
    key = worker.account.key
    rows: list[Row] = []
    batches: list[list[Held]] = []
    for item in held:
        spot = (item.target.method, item.target.path)
        home = next(
            (
                batch
                for batch in batches
                if len(batch) < TIMEOUT_BATCH
                and all((h.target.method, h.target.path) != spot for h in batch)
            ),
            None,
        )
        if home is None:
            batches.append([item])
        else:
            home.append(item)
    for batch in batches:
        worker.fake.admin.load_scenario(
            key, scenarios(fault, [(h.tool, h.target) for h in batch], key)
        )
        try:
            made = await worker.calls_together([(h.tool, h.arguments) for h in batch])
        finally:
            worker.fake.admin.clear_scenario(worker.account.domain)
            worker.fake.admin.reset(worker.account.domain)
        for item, call in zip(batch, made, strict=True):
            own = tuple(
                r
                for r in call.requests
                if (r.method, r.path) == (item.target.method, item.target.path)
            )
            rows.append(fault_row(fault, item.target, dataclasses.replace(call, requests=own), key))
    return rows


def _worked(call: Call) -> bool:
    """A result, and Freshservice accepted every request (a server may hide a refusal in a
    result that is not an error)."""
    api = call.api_requests
    return call.is_error is False and bool(api) and all(r.status < 400 for r in api)


def _better(call: Call, than: Call) -> bool:
    """A plausible call that reached further: one Freshservice accepted over one it refused, a
    result over an error, a write over a read, more requests over fewer."""

    def reach(made: Call) -> tuple[bool, bool, bool, int]:
        api = made.api_requests
        accepted = bool(api) and all(r.status < 400 for r in api)
        return (accepted, made.is_error is False, any(r.method != "GET" for r in api), len(api))

    return reach(call) > reach(than)
