"""The harness's pytest plugin (`pytest -p contracts.plugin`, or `pytest_plugins =
["contracts.plugin"]` in a conftest.py): fixtures for a running fake, a server under test, MCP
clients connected to it, and scenario replays.

It loads only when asked (no entry point), and then only adds options: its fixtures start
nothing until a test asks for them. The server under test is ours by default (`python -m
server` over stdio), or `--harness-server-command "CMD"` (another stdio server), or
`--harness-server-url URL` with `--harness-fake-url URL` (a running Streamable HTTP server and
the fake it talks to). The fake is one the plugin starts (plan `unlimited`, so suites meet only
the limits they set) unless `--harness-fake-url` names one.

    def test_my_server_lists_tickets(harness_connect):
        async def run():
            async with harness_connect() as client:
                result = await client.call_tool("fetchTickets", {})
                assert not result.is_error
        anyio.run(run)
"""

from __future__ import annotations

import contextlib
import dataclasses
import tempfile
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from contracts import run_events
from contracts.client_config import DEFAULT_KEY

if TYPE_CHECKING:
    from mcp import Client

    from contracts.processes import FakeAdmin
    from contracts.replay import ReplayReport, ServerTarget

# At import this plugin adds options only. What a fixture runs - the MCP client, the fake's
# processes, the replay - is imported when a test first asks for that fixture.


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("freshservice-harness", "the server under test (freshservice-harness)")
    group.addoption(
        "--harness-server-command",
        metavar="CMD",
        help="a stdio MCP server to test (default: ours, `python -m server`)",
    )
    group.addoption(
        "--harness-server-url", metavar="URL", help="a running Streamable HTTP server to test"
    )
    group.addoption(
        "--harness-fake-url",
        metavar="URL",
        help="a running fake to use (required with --harness-server-url)",
    )


def pytest_configure(config: pytest.Config) -> None:
    run_events.register(config)  # only when `freshservice-harness check` asks for events


@dataclasses.dataclass(frozen=True)
class RunningFake:
    """The fake the suites use: its URL and its admin API."""

    url: str
    admin: FakeAdmin


@pytest.fixture(scope="session")
def harness_fake(request: pytest.FixtureRequest) -> Iterator[RunningFake]:
    from contracts.processes import FakeAdmin, running_fake  # noqa: PLC0415 - see the top

    given = request.config.getoption("--harness-fake-url")
    with contextlib.ExitStack() as stack:
        url = given or stack.enter_context(running_fake("--plan", "unlimited"))
        admin = FakeAdmin(url)
        stack.callback(admin.close)
        yield RunningFake(url, admin)


@pytest.fixture(scope="session")
def harness_server(request: pytest.FixtureRequest, harness_fake: RunningFake) -> ServerTarget:
    from contracts.processes import DEFAULT_SERVER_COMMAND, command_line  # noqa: PLC0415
    from contracts.replay import ServerTarget  # noqa: PLC0415

    url = request.config.getoption("--harness-server-url")
    if url:
        if not request.config.getoption("--harness-fake-url"):
            raise pytest.UsageError("--harness-server-url needs --harness-fake-url")
        return ServerTarget(url=url)
    command = request.config.getoption("--harness-server-command") or DEFAULT_SERVER_COMMAND
    return ServerTarget(command=tuple(command_line(command)))


Connect = Callable[..., "contextlib.AbstractAsyncContextManager[Client]"]


@pytest.fixture
def harness_connect(harness_fake: RunningFake, harness_server: ServerTarget) -> Connect:
    """`harness_connect(key=..., settings={...})`: an async context manager giving an MCP client
    connected to the server under test with that key. Settings (FRESHSERVICE_* names in lower
    case, e.g. `{"mcp_calls_per_minute": 5}`) reach a stdio server through its environment; a
    server given by URL cannot take them, so a test that needs them is skipped there."""

    @contextlib.asynccontextmanager
    async def connect(
        key: str = DEFAULT_KEY, settings: Mapping[str, Any] | None = None
    ) -> AsyncIterator[Client]:
        from contracts.replay import Connection, connected  # noqa: PLC0415 - see the top

        if settings and harness_server.url is not None:
            pytest.skip("this check sets server settings, which a server given by URL cannot take")
        with open_log() as errlog:
            connection = Connection(harness_server, harness_fake.url, key)
            async with connected(connection, dict(settings or {}), errlog) as client:
                yield client

    return connect


@contextlib.contextmanager
def open_log() -> Iterator[Any]:
    """Where a stdio server's stderr goes (kept out of the test output)."""
    with tempfile.TemporaryFile("w+", encoding="utf-8") as log:
        yield log


Replay = Callable[..., "ReplayReport"]


@pytest.fixture
def harness_replay(
    request: pytest.FixtureRequest, harness_fake: RunningFake, harness_server: ServerTarget
) -> Replay:
    """`harness_replay(path_or_text, key=None)`: replay a scenario file (or YAML text) against
    the server under test and the fake; returns the report (`.passed`, `.steps`, `.journal`)."""

    def run(source: Path | str, key: str | None = None) -> ReplayReport:
        import anyio  # noqa: PLC0415 - see the top

        from contracts.replay import replay  # noqa: PLC0415
        from mock_freshservice.scenario import load_scenario  # noqa: PLC0415

        path = Path(source) if isinstance(source, Path) else None
        text = path.read_text(encoding="utf-8") if path is not None else str(source)
        name = str(path) if path is not None else "<scenario>"
        scenario = load_scenario(text, name=name)
        report = anyio.run(
            lambda: replay(
                scenario,
                text,
                name=path.name if path is not None else name,
                fake_url=harness_fake.url,
                server=harness_server,
                key=key,
            )
        )
        run_events.record_replay(request.config, request.node.nodeid, report)
        return report

    return run
