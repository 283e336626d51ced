"""A flood of calls with wrong keys under a 10-a-minute limit. Once every one became a new
`GET /agents/me` upstream (200 calls, 200 upstream 401s), and calls refused for bad arguments or
an unknown tool left no log line. Now a refused key is remembered for a few seconds, a client
whose keys keep being refused stops being checked, every call is logged with its outcome, and a
key restored upstream works again within seconds."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator

import anyio
import pytest
from mcp import MCPError

from server.gate import Credentials
from tests.processes import Fake, Server, running_fake, running_server
from tests.reliability.support import report
from tests.server.conftest import ADMIN_KEY, error_text, over_http, structured

pytestmark = pytest.mark.anyio

GLOBEX_ADMIN = "demo-globex-admin-key"


@pytest.fixture(scope="module")
def fake() -> Iterator[Fake]:
    with running_fake("--plan", "unlimited") as running:
        yield running


@pytest.fixture
def server(fake: Fake) -> Iterator[Server]:
    with running_server(fake.url, mcp_calls_per_minute="10") as running:
        yield running


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def _outcomes(server: Server) -> Counter[str]:
    return Counter(
        line.rsplit(" result=", 1)[1].split()[0]
        for line in server.stderr().splitlines()
        if " tool=" in line and " result=" in line
    )


async def test_one_wrong_key_200_times_reaches_freshservice_once(
    server: Server, fake: Fake
) -> None:
    fake.clear_journal("_unattributed")
    async with over_http(server.mcp_url, "wrong-key-1") as client:
        for _ in range(200):
            assert "did not accept the API key" in error_text(
                await client.call_tool("fetchTicket", {"ticket_id": 1023})
            )
    upstream = len(fake.journal("_unattributed"))
    report("one wrong key x200", upstream_401s=upstream, logged=dict(_outcomes(server)))
    assert upstream <= 2  # the refusal is remembered for a few seconds
    assert _outcomes(server)["bad-key"] == 200


async def test_200_different_wrong_keys_reach_freshservice_ten_times(
    server: Server, fake: Fake
) -> None:
    fake.clear_journal("_unattributed")
    for n in range(200):
        async with over_http(server.mcp_url, f"wrong-key-{n}") as client:
            error_text(await client.call_tool("fetchTicket", {"ticket_id": 1023}))
    upstream = len(fake.journal("_unattributed"))
    report("200 different wrong keys", upstream_401s=upstream)
    assert upstream <= max(10, Credentials.MIN_REFUSALS)


async def test_refused_arguments_and_unknown_tools_are_logged(server: Server) -> None:
    async with over_http(server.mcp_url, ADMIN_KEY) as client:
        error_text(await client.call_tool("fetchTicket", {"ticket_id": "not a number"}))
        with pytest.raises(MCPError):
            await client.call_tool("deleteEverything\u202e", {})
    outcomes = _outcomes(server)
    assert outcomes["bad-arguments"] == 1
    assert outcomes["unknown-tool"] == 1
    assert "\u202e" not in server.stderr()
    assert "deleteEverything\\u202e" in server.stderr()


async def test_a_key_restored_upstream_works_again_within_seconds(
    server: Server, fake: Fake
) -> None:
    fake.revoke(GLOBEX_ADMIN)
    try:
        async with over_http(server.mcp_url, GLOBEX_ADMIN) as client:
            assert "did not accept" in error_text(
                await client.call_tool("fetchTicket", {"ticket_id": 1})
            )
    finally:
        fake.restore(GLOBEX_ADMIN)
    restored_at = time.monotonic()
    while True:
        async with over_http(server.mcp_url, GLOBEX_ADMIN) as client:
            result = await client.call_tool("fetchTicket", {"ticket_id": 1})
        if not result.is_error:
            break
        assert time.monotonic() - restored_at < Credentials.REFUSED_FOR + 5
        await anyio.sleep(0.5)
    structured(result)
    report("restored key", worked_again_after_s=round(time.monotonic() - restored_at, 1))
