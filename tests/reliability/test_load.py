"""The load run: 32 MCP sessions x 200 calls over Streamable HTTP against a real server and fake
on this machine, one call in ten a createTicket. Every call must succeed, every create must be in
the fake exactly once, and the server must not grow; calls a second, p50 and p99 are printed
(the speed targets are `tox -e bench`'s, not this test's)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator

import anyio
import pytest

from tests.processes import Fake, Server, running_fake, running_server
from tests.reliability.support import quantile, report, rss_mb
from tests.server.conftest import ADMIN_KEY, over_http, structured

pytestmark = pytest.mark.anyio

SESSIONS = 32
CALLS = 200
CREATE_EVERY = 10
TICKETS = (1023, 10234, 10236, 10241, 9900, 10100)


@pytest.fixture(scope="module")
def fake() -> Iterator[Fake]:
    with running_fake("--plan", "unlimited") as running:
        yield running


@pytest.fixture(scope="module")
def server(fake: Fake) -> Iterator[Server]:
    with running_server(fake.url, mcp_calls_per_minute="0", mcp_calls_per_month="0") as running:
        yield running


@pytest.fixture(scope="module")
def anyio_backend() -> str:
    return "asyncio"


async def _session(
    server: Server, run: str, number: int, gate: Gate, latencies: list[float],
    created: dict[str, int], calls: int,
) -> None:  # fmt: skip
    async with over_http(server.mcp_url, ADMIN_KEY) as client:
        await gate.ready()  # all sessions connected before the clock starts
        for n in range(calls):
            started = time.perf_counter()
            if n % CREATE_EVERY == CREATE_EVERY - 1:
                subject = f"load {run} {number}-{n}"
                arguments = {
                    "subject": subject,
                    "description": "load run",
                    "email": "john@acme.com",
                }
                result = structured(await client.call_tool("createTicket", arguments))
                created[subject] = int(result["id"])
            else:
                ticket = TICKETS[(number + n) % len(TICKETS)]
                structured(await client.call_tool("fetchTicket", {"ticket_id": ticket}))
            latencies.append(time.perf_counter() - started)


class Gate:
    """Holds every session until all are connected, and notes when they were let go."""

    def __init__(self, sessions: int) -> None:
        self.waiting = sessions
        self.open = anyio.Event()
        self.opened_at = 0.0

    async def ready(self) -> None:
        self.waiting -= 1
        if self.waiting == 0:
            self.opened_at = time.perf_counter()
            self.open.set()
        await self.open.wait()


async def _run(
    server: Server, run: str, calls: int = CALLS
) -> tuple[list[float], dict[str, int], float]:
    latencies: list[float] = []
    created: dict[str, int] = {}
    gate = Gate(SESSIONS)
    async with anyio.create_task_group() as sessions:
        for number in range(SESSIONS):
            sessions.start_soon(_session, server, run, number, gate, latencies, created, calls)
    return latencies, created, time.perf_counter() - gate.opened_at


def _acme_tickets(fake: Fake) -> int:
    accounts = fake.admin("GET", "accounts")["accounts"]
    return int(
        next(a for a in accounts if a["domain"] == "acme.freshservice.com")["counts"]["tickets"]
    )


async def test_32_sessions_of_200_calls_lose_nothing_and_the_server_stays_small(
    server: Server, fake: Fake
) -> None:
    await _run(server, "warm-up", 40)  # caches, pools and allocator arenas reach their size
    before = rss_mb(server.process.pid)
    tickets_before = _acme_tickets(fake)
    run = uuid.uuid4().hex[:8]
    latencies, created, took = await _run(server, run)
    grown = rss_mb(server.process.pid) - before
    tickets_after = _acme_tickets(fake)
    report(
        "load run",
        calls=len(latencies),
        calls_per_s=round(len(latencies) / took, 1),
        p50_ms=round(quantile(latencies, 0.5) * 1000, 1),
        p99_ms=round(quantile(latencies, 0.99) * 1000, 1),
        creates=len(created),
        rss_growth_mb=round(grown, 1),
    )
    assert len(latencies) == SESSIONS * CALLS
    assert len(created) == SESSIONS * CALLS // CREATE_EVERY
    assert len(set(created.values())) == len(created)  # no id given twice
    assert tickets_after - tickets_before == len(created)  # none lost, none doubled
    for subject, ticket_id in list(created.items())[:: len(created) // 64]:
        stored = fake.api("GET", f"/tickets/{ticket_id}", ADMIN_KEY).json()["ticket"]
        assert stored["subject"] == subject
    assert grown < 10
