"""API keys never appear in logs, errors or results: a distinctive key is driven through
successes and every kind of failure, over HTTP and stdio, and every output is searched for it."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
import tempfile
from typing import Any

import pytest
from mcp import Client, StdioServerParameters
from mcp.client.stdio import stdio_client

from tests.processes import Fake, running_server, server_environment
from tests.server.conftest import SECRET_KEY, over_http

pytestmark = pytest.mark.anyio

FORMS_OF_THE_KEY = (SECRET_KEY, base64.b64encode(f"{SECRET_KEY}:X".encode()).decode())

CALLS: list[tuple[str, dict[str, Any]]] = [
    ("fetchTicket", {"ticket_id": 1023}),
    ("fetchTicket", {"ticket_id": 987654}),  # 404
    ("fetchTicket", {"ticket_id": "1023", "secret": SECRET_KEY}),  # refused arguments
    ("createTicket", {"subject": "s", "description": "d", "email": "not-an-email"}),  # 400
    ("fetchTickets", {"query": "colour:'red'"}),  # refused query
]


def outputs_of(result: Any) -> str:
    return json.dumps(result.model_dump(mode="json"), default=str)


def assert_no_key_in(*texts: str) -> None:
    for text in texts:
        for form in FORMS_OF_THE_KEY:
            assert form not in text


async def drive(client: Client, fake: Fake) -> list[str]:
    """Every result of a session that succeeds, fails in each way, and is revoked."""
    results = [outputs_of(await client.call_tool(name, args)) for name, args in CALLS]
    fake.revoke(SECRET_KEY)
    try:
        results.append(outputs_of(await client.call_tool("fetchTicket", {"ticket_id": 1023})))
        results.append(outputs_of(await client.call_tool("fetchTickets", {})))
    finally:
        fake.restore(SECRET_KEY)
    return results


async def test_over_http_the_key_is_in_no_result_and_no_log_line(fake: Fake) -> None:
    with running_server(fake.url, mcp_calls_per_minute="0", mcp_calls_per_month="0") as server:
        async with over_http(server.mcp_url, SECRET_KEY) as client:
            results = await drive(client, fake)
        async with over_http(server.mcp_url, f"Bearer {SECRET_KEY}") as client:
            results += await drive(client, fake)
        log = server.stderr()
    assert "tool=fetchTicket" in log  # the log is there, and it has no key in it
    assert_no_key_in(log, *results)


async def test_over_stdio_the_key_is_in_no_result_and_no_log_line(fake: Fake) -> None:
    environment = server_environment(fake.url, api_key=SECRET_KEY)
    params = StdioServerParameters(command=sys.executable, args=["-m", "server"], env=environment)
    with tempfile.TemporaryFile("w+") as errlog:
        async with Client(stdio_client(params, errlog=errlog)) as client:
            results = await drive(client, fake)
        errlog.seek(0)
        log = errlog.read()
    assert "tool=fetchTicket" in log
    assert_no_key_in(log, *results)


def test_a_refused_setting_does_not_echo_the_key() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "server", "--base-url", "http://fresh.example.com",
         "--api-key", SECRET_KEY, "--timeout", "-1"],
        capture_output=True, text=True, env=server_environment(""), timeout=30,
    )  # fmt: skip
    assert done.returncode == 2
    assert_no_key_in(done.stdout, done.stderr)
