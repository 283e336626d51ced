"""Oversized arguments: a 3.8 MB `createTicket` whose `tags` hold 1.9 million zeros, sent with a
junk key and with a good one, and a 3.9 MB description. Once this froze every client for about
100 s, answered with an 82 MB error and took the server to 4 GB; now each is answered at once
with a short error while another client goes on being served."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import anyio
import pytest

from tests.processes import Fake, Server, running_fake, running_server
from tests.reliability.support import report, rss_mb
from tests.server.conftest import ADMIN_KEY, error_text, over_http, structured

pytestmark = pytest.mark.anyio

BOMB_TAGS = [0] * 1_900_000
GIVE_UP = 30.0  # seconds: the old server took about 100


@pytest.fixture(scope="module")
def fake() -> Iterator[Fake]:
    with running_fake("--plan", "unlimited") as running:
        yield running


@pytest.fixture
def server(fake: Fake) -> Iterator[Server]:
    with running_server(fake.url, mcp_calls_per_minute="0", mcp_calls_per_month="0") as running:
        yield running


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


async def _bystander(url: str, stop: anyio.Event, waits: list[float]) -> None:
    """Another client calling fetchTicket all along; each call's seconds go to `waits`."""
    async with over_http(url, ADMIN_KEY) as client:
        while not stop.is_set():
            started = time.monotonic()
            structured(await client.call_tool("fetchTicket", {"ticket_id": 1023}))
            waits.append(time.monotonic() - started)
            await anyio.sleep(0.2)


async def _attack(server: Server, key: str, arguments: dict[str, Any]) -> tuple[str, float, float]:
    """(error text, seconds to the answer, slowest bystander call in seconds)."""
    waits: list[float] = []
    stop = anyio.Event()
    async with anyio.create_task_group() as group:
        group.start_soon(_bystander, server.mcp_url, stop, waits)
        await anyio.sleep(0.5)
        started = time.monotonic()
        with anyio.fail_after(GIVE_UP):
            async with over_http(server.mcp_url, key) as attacker:
                result = await attacker.call_tool("createTicket", arguments)
        took = time.monotonic() - started
        await anyio.sleep(0.5)
        stop.set()
    return error_text(result), took, max(waits)


@pytest.mark.parametrize(
    ("key", "refusal"),
    [("junk-key-0000", "did not accept the API key"), (ADMIN_KEY, "more than 10,000 values")],
    ids=["anonymous", "with-a-good-key"],
)
async def test_a_million_item_array_is_refused_at_once_and_stays_small(
    server: Server, key: str, refusal: str
) -> None:
    before = rss_mb(server.process.pid)
    arguments = {"subject": "x", "description": "y", "email": "john@acme.com", "tags": BOMB_TAGS}
    text, took, slowest_bystander = await _attack(server, key, arguments)
    grown = rss_mb(server.process.pid) - before
    report(
        "million-item tags",
        key="junk" if key != ADMIN_KEY else "good",
        answered_in_s=round(took, 2),
        error_bytes=len(text),
        rss_growth_mb=round(grown, 1),
        slowest_other_call_s=round(slowest_bystander, 2),
    )
    assert refusal in text
    assert len(text) < 2_000
    assert took < 10
    assert slowest_bystander < 5
    assert grown < 200


async def test_a_huge_invalid_value_is_not_echoed_back(server: Server) -> None:
    description = "<p>" + "z" * 3_900_000 + "</p>"
    arguments = {"subject": "x", "description": description, "email": "john@acme.com"}
    text, took, _ = await _attack(server, ADMIN_KEY, arguments)
    report("3.9 MB description", answered_in_s=round(took, 2), error_bytes=len(text))
    assert "description:" in text and "(3,900,007 characters)" in text
    assert len(text) < 2_000
