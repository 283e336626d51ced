"""A session flood on a stateful server (`--stateful`, legacy-era sessions). Once, 10,000
`initialize` calls with any Authorization string filled the session table: real clients got 503
for up to 30 minutes and memory grew 375 MB. Now a session needs a key Freshservice accepts, and
each key may hold only a few."""

from __future__ import annotations

import concurrent.futures
from collections import Counter
from collections.abc import Iterator

import httpx
import pytest

from server.http import SESSIONS_PER_KEY
from tests.processes import Fake, Server, running_fake, running_server
from tests.reliability.support import report, rss_mb
from tests.server.conftest import ADMIN_KEY, AGENT_KEY, over_http, structured

pytestmark = pytest.mark.anyio

FLOOD = 2_000
INITIALIZE = (
    b'{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18",'
    b'"capabilities":{},"clientInfo":{"name":"flood","version":"1"}}}'
)


@pytest.fixture(scope="module")
def fake() -> Iterator[Fake]:
    with running_fake("--plan", "unlimited") as running:
        yield running


@pytest.fixture
def server(fake: Fake) -> Iterator[Server]:
    with running_server(fake.url, "--stateful", mcp_calls_per_minute="0") as running:
        yield running


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


ATTACKER = "127.0.0.3"  # another loopback address: the real clients come from 127.0.0.1


def _initialize_all(url: str, keys: list[str], source: str = "127.0.0.1") -> Counter[int]:
    """POST `initialize` once per key, 16 at a time, from `source`; the statuses answered."""

    def one(client: httpx.Client, key: str) -> int:
        response = client.post(
            url,
            content=INITIALIZE,
            headers={
                "Authorization": key,
                "Content-Type": "application/json",
                "Accept": "application/json, text/event-stream",
            },
        )
        return response.status_code

    with (
        httpx.Client(timeout=30, transport=httpx.HTTPTransport(local_address=source)) as client,
        concurrent.futures.ThreadPoolExecutor(16) as pool,
    ):
        return Counter(pool.map(lambda key: one(client, key), keys))


async def test_initialize_with_junk_keys_opens_no_session(server: Server, fake: Fake) -> None:
    before = rss_mb(server.process.pid)
    fake.clear_journal("_unattributed")
    statuses = _initialize_all(server.mcp_url, [f"junk-{n}" for n in range(FLOOD)], ATTACKER)
    key_checks = len(fake.journal("_unattributed"))
    grown = rss_mb(server.process.pid) - before
    async with over_http(server.mcp_url, ADMIN_KEY) as client:  # a real client still gets in
        structured(await client.call_tool("fetchTicket", {"ticket_id": 1023}))
    report(
        "session flood, junk keys",
        requests=FLOOD,
        statuses=dict(statuses),
        upstream_key_checks=key_checks,
        rss_growth_mb=round(grown, 1),
    )
    assert statuses == Counter({401: FLOOD})
    assert key_checks <= 10
    assert grown < 30


async def test_one_key_cannot_fill_the_session_table(server: Server) -> None:
    statuses = _initialize_all(server.mcp_url, [ADMIN_KEY] * 200)
    async with over_http(server.mcp_url, AGENT_KEY) as client:  # another key still gets in
        structured(await client.call_tool("fetchTicket", {"ticket_id": 1023}))
    report("session flood, one good key", requests=200, statuses=dict(statuses))
    assert statuses == Counter({200: SESSIONS_PER_KEY, 429: 200 - SESSIONS_PER_KEY})
