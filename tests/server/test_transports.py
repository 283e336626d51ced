"""The server as users run it: `freshservice-mcp` over stdio and over Streamable HTTP (both
protocol eras), against a real fake, through the `mcp` SDK's client."""

from __future__ import annotations

import base64
import contextlib
import json
import signal
import socket
import subprocess
import sys
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import httpx
import jsonschema
import pytest
from mcp import Client, MCPError, StdioServerParameters

from server import __version__
from server.freshservice import fingerprint
from server.tools.inventory import TOOLS
from tests.processes import (
    Fake,
    Server,
    running_server,
    server_environment,
    serving,
    stdio_command,
)
from tests.server.conftest import ADMIN_KEY, PRIYA, over_http, structured

pytestmark = pytest.mark.anyio

REGISTERED_TOOLS = {spec.name for spec in TOOLS}
Connect = Callable[[], contextlib.AbstractAsyncContextManager[Client]]


@pytest.fixture(scope="module")
def http_server(fake: Fake) -> Iterator[Server]:
    with running_server(fake.url, mcp_calls_per_minute="0", mcp_calls_per_month="0") as server:
        yield server


@pytest.fixture(params=["stdio-modern", "stdio-legacy", "http-modern", "http-legacy"])
def connect(request: pytest.FixtureRequest, fake: Fake) -> Connect:
    """A way to connect to the server over one transport and protocol era."""

    @contextlib.asynccontextmanager
    async def stdio(mode: str) -> AsyncIterator[Client]:
        environment = server_environment(fake.url, api_key=ADMIN_KEY)
        params = StdioServerParameters(
            command=sys.executable, args=["-m", "server"], env=environment
        )
        async with Client(params, mode=mode) as client:
            yield client

    @contextlib.asynccontextmanager
    async def http(mode: str) -> AsyncIterator[Client]:
        server = request.getfixturevalue("http_server")
        async with over_http(server.mcp_url, ADMIN_KEY, mode=mode) as client:
            yield client

    transport, era = request.param.split("-")
    mode = "auto" if era == "modern" else "legacy"
    return (lambda: stdio(mode)) if transport == "stdio" else (lambda: http(mode))


async def test_the_five_ticket_tools_are_listed_with_input_and_output_schemas(
    connect: Connect,
) -> None:
    async with connect() as client:
        tools = {tool.name: tool for tool in (await client.list_tools()).tools}
    assert set(tools) == REGISTERED_TOOLS
    for tool in tools.values():
        assert tool.input_schema["type"] == "object"
        assert tool.input_schema["additionalProperties"] is False
        assert tool.output_schema is not None and tool.output_schema["type"] == "object"
        assert tool.description and len(tool.description) > 80
        for name, prop in tool.input_schema["properties"].items():
            assert prop.get("description"), f"{tool.name}.{name} has no description"


async def test_every_ticket_tool_returns_structured_content_matching_its_output_schema(
    connect: Connect, fake: Fake
) -> None:
    async with connect() as client:
        schemas = {tool.name: tool.output_schema for tool in (await client.list_tools()).tools}

        async def call(name: str, arguments: dict[str, Any]) -> dict[str, Any]:
            content = structured(await client.call_tool(name, arguments))
            jsonschema.validate(content, schemas[name])
            return content

        listed = await call("fetchTickets", {"per_page": 5})
        mine = await call("fetchTickets", {"assigned_to_me": True, "status": "open"})
        created = await call(
            "createTicket",
            {"subject": "Projector in room 4 flickers", "description": "<p>Since Monday.</p>",
             "email": "john@acme.com", "priority": "high"},
        )  # fmt: skip
        updated = await call("updateTicket", {"ticket_id": created["id"], "status": "pending"})
        note = await call(
            "createTicketNote", {"ticket_id": created["id"], "body": "Asked facilities."}
        )
        shown = await call(
            "fetchTicket", {"ticket_id": created["id"], "include": ["conversations", "requester"]}
        )

    assert len(listed["tickets"]) == 5 and listed["next_page"] == 2
    assert mine["tickets"] and {t["responder_id"] for t in mine["tickets"]} == {PRIYA}
    assert shown["subject"] == "Projector in room 4 flickers"
    assert shown["requester"]["email"] == "john@acme.com"
    assert [c["body_text"] for c in shown["conversations"]] == ["Asked facilities."]
    assert (updated["status"], updated["status_name"]) == (3, "Pending")
    assert note["private"] is True and note["ticket_id"] == created["id"]
    stored = fake.api(
        "GET", f"/tickets/{created['id']}", ADMIN_KEY, params={"include": "conversations"}
    )
    ticket = stored.json()["ticket"]
    assert (ticket["subject"], ticket["priority"], ticket["status"]) == (
        "Projector in room 4 flickers", 3, 3,
    )  # fmt: skip
    assert [c["body_text"] for c in ticket["conversations"]] == ["Asked facilities."]


async def test_an_unknown_tool_is_a_protocol_error_not_a_result(connect: Connect) -> None:
    async with connect() as client:
        with pytest.raises(MCPError) as raised:
            await client.call_tool("fetchTicketz", {"ticket_id": 1})
    assert raised.value.code == -32602
    assert "fetchTicketz" in raised.value.message


# -- Streamable HTTP specifics -------------------------------------------------------------------


def test_health_answers_with_the_version(http_server: Server) -> None:
    response = httpx.get(f"{http_server.url}/healthz")
    assert response.json() == {"status": "ok", "version": __version__}


def test_get_on_mcp_is_405_when_stateless(http_server: Server) -> None:
    response = httpx.get(http_server.mcp_url, headers={"Accept": "text/event-stream"})
    assert response.status_code == 405
    assert response.headers["Allow"] == "POST"


def test_a_request_without_authorization_gets_401_with_a_plain_challenge(
    http_server: Server,
) -> None:
    response = httpx.post(
        http_server.mcp_url,
        json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"},
        headers={"Accept": "application/json, text/event-stream"},
    )
    assert response.status_code == 401
    challenge = response.headers["WWW-Authenticate"]
    assert challenge.startswith("Basic ") and "resource_metadata" not in challenge


@pytest.mark.parametrize(
    "authorization",
    [
        ADMIN_KEY,
        "Basic " + base64.b64encode(f"{ADMIN_KEY}:X".encode()).decode(),
        f"Bearer {ADMIN_KEY}",
        f"Basic {ADMIN_KEY}",
    ],
    ids=["raw key", "basic", "bearer", "basic without base64"],
)
async def test_the_authorization_header_carries_the_key_in_any_of_its_forms(
    http_server: Server, fake: Fake, authorization: str
) -> None:
    fake.clear_journal()
    async with over_http(http_server.mcp_url, authorization) as client:
        shown = structured(await client.call_tool("fetchTicket", {"ticket_id": 1023}))
    assert shown["id"] == 1023
    keys = {entry["key"] for entry in fake.journal() if entry["path"] == "/api/v2/tickets/1023"}
    assert keys == {fingerprint(ADMIN_KEY)}


def test_a_foreign_host_header_is_refused(http_server: Server) -> None:
    response = httpx.post(
        http_server.mcp_url,
        json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"},
        headers={"Host": "evil.example", "Authorization": ADMIN_KEY,
                 "Accept": "application/json, text/event-stream"},
    )  # fmt: skip
    assert response.status_code == 421


def test_a_foreign_origin_is_refused(http_server: Server) -> None:
    response = httpx.post(
        http_server.mcp_url,
        json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"},
        headers={"Origin": "https://evil.example", "Authorization": ADMIN_KEY,
                 "Accept": "application/json, text/event-stream"},
    )  # fmt: skip
    assert response.status_code == 403


async def test_an_allowed_origin_is_accepted(fake: Fake) -> None:
    with running_server(
        fake.url, "--mcp-allowed-origins", "https://app.example", api_key=ADMIN_KEY
    ) as server:
        response = httpx.post(
            server.mcp_url,
            json={"jsonrpc": "2.0", "id": 1, "method": "initialize",
                  "params": {"protocolVersion": "2025-11-25", "capabilities": {},
                             "clientInfo": {"name": "t", "version": "1"}}},
            headers={"Origin": "https://app.example", "Accept": "application/json, text/event-stream"},
        )  # fmt: skip
    assert response.status_code == 200, response.text


# -- The command ----------------------------------------------------------------------------------


def test_version_prints_the_version() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "server", "--version"], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == f"freshservice-mcp {__version__}"


def test_no_upstream_configured_is_a_clear_startup_error() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "server"],
        capture_output=True, text=True, env=server_environment(""), timeout=30,
    )  # fmt: skip
    assert done.returncode == 2
    assert "FRESHSERVICE_BASE_URL" in done.stderr and "Traceback" not in done.stderr


def test_plain_http_off_loopback_is_refused_unless_allowed() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "server", "--base-url", "http://fresh.example.com"],
        capture_output=True, text=True, env=server_environment(""), timeout=30,
    )  # fmt: skip
    assert done.returncode == 2
    assert "--allow-insecure-upstream" in done.stderr and "Traceback" not in done.stderr


async def test_the_asgi_factory_runs_under_uvicorn_with_two_workers(fake: Fake) -> None:
    uvicorn = [sys.executable, "-m", "uvicorn", "--factory", "server.app:create_asgi_app",
               "--workers", "2", "--log-level", "warning"]  # fmt: skip
    environment = server_environment(fake.url, api_key=ADMIN_KEY)
    with serving(uvicorn, "/healthz", env=environment) as served:  # uvicorn takes --fd N too
        for _ in range(4):  # spread over both workers
            async with over_http(f"{served.url}/mcp") as client:
                shown = structured(await client.call_tool("fetchTicket", {"ticket_id": 1023}))
            assert shown["id"] == 1023


async def test_stateful_mode_keeps_legacy_sessions_and_allows_get(fake: Fake) -> None:
    with running_server(fake.url, "--stateful", api_key=ADMIN_KEY) as server:
        async with over_http(server.mcp_url, mode="legacy") as client:
            shown = structured(await client.call_tool("fetchTicket", {"ticket_id": 1023}))
        initialized = httpx.post(
            server.mcp_url,
            json={"jsonrpc": "2.0", "id": 1, "method": "initialize",
                  "params": {"protocolVersion": "2025-11-25", "capabilities": {},
                             "clientInfo": {"name": "t", "version": "1"}}},
            headers={"Accept": "application/json, text/event-stream"},
        )  # fmt: skip
    assert shown["id"] == 1023
    assert initialized.headers.get("mcp-session-id")


def test_the_http_server_says_where_it_serves_when_it_starts(fake: Fake) -> None:
    with running_server(fake.url) as server:
        said = server.stderr()
    assert f"serving MCP (Streamable HTTP) on {server.mcp_url}" in said


def test_a_busy_port_is_a_usage_error_naming_the_port_and_the_flag(fake: Fake) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "server", "--transport", "http", "--port", str(port)],
            capture_output=True, text=True, env=server_environment(fake.url), timeout=30,
        )  # fmt: skip
    assert done.returncode == 2
    assert f"port {port} on 127.0.0.1 is in use" in done.stderr and "--port N" in done.stderr
    assert "Traceback" not in done.stderr and "Errno" not in done.stderr


def test_port_0_serves_on_a_free_port_and_says_which(fake: Fake) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "server", "--transport", "http", "--port", "0"],
        stderr=subprocess.PIPE, env=server_environment(fake.url),
    )  # fmt: skip
    try:
        assert process.stderr is not None
        said = process.stderr.readline().decode()
        mcp_url = said.split(" on ", 1)[1].split(";", 1)[0]
        assert not mcp_url.endswith(":0/mcp")
        assert httpx.get(mcp_url.replace("/mcp", "/healthz")).status_code == 200
    finally:
        process.terminate()
        process.communicate(timeout=20)


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["--transport", "http", "--fd", "99"], "--fd 99: no open socket there"),
        (["--fd", "99"], "--fd serves HTTP: add --transport http"),
    ],
)
def test_a_bad_fd_is_a_usage_error_saying_why(fake: Fake, args: list[str], reason: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "server", *args],
        capture_output=True, text=True, env=server_environment(fake.url), timeout=30,
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stderr.startswith(f"freshservice-mcp: {reason}")
    assert "Traceback" not in done.stderr


def test_ctrl_c_stops_the_http_server_cleanly_without_a_traceback(fake: Fake) -> None:
    with running_server(fake.url) as server:
        server.process.send_signal(signal.SIGINT)
        assert server.process.wait(timeout=20) == 0
        assert "Traceback" not in server.stderr()


def test_ctrl_c_stops_the_stdio_server_cleanly_without_a_traceback(fake: Fake) -> None:
    process = subprocess.Popen(
        stdio_command(),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=server_environment(fake.url, api_key=ADMIN_KEY),
    )
    assert process.stdin is not None and process.stdout is not None
    initialize = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {
            "protocolVersion": "2025-06-18",
            "capabilities": {},
            "clientInfo": {"name": "test", "version": "0"},
        },
    }
    process.stdin.write(json.dumps(initialize).encode() + b"\n")
    process.stdin.flush()
    assert b'"id":1' in process.stdout.readline().replace(b" ", b"")  # serving, not starting
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=20)
    assert process.returncode == 0
    assert b"Traceback" not in stderr
