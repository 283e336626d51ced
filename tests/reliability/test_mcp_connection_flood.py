"""A connection flood on the MCP server: hundreds of connections that send nothing, or half a
request and then nothing. Once such slow clients were held forever (uvicorn has no deadline for
a request's headers); now each must send its whole request within `--mcp-read-timeout` seconds,
and a real client is served all along."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import pytest

from tests.processes import Fake, Server, running_fake, running_server
from tests.reliability.support import report, rss_mb
from tests.server.conftest import ADMIN_KEY, over_http, structured

pytestmark = pytest.mark.anyio

IDLE = 300
HALF = 100
READ_TIMEOUT = 2


@pytest.fixture(scope="module")
def fake() -> Iterator[Fake]:
    with running_fake("--plan", "unlimited") as running:
        yield running


@pytest.fixture
def server(fake: Fake) -> Iterator[Server]:
    with running_server(fake.url, "--mcp-read-timeout", str(READ_TIMEOUT)) as running:
        yield running


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def _still_open(sockets: list[socket.socket]) -> int:
    """How many of `sockets` the server has not closed (a closed one reads EOF or resets)."""
    open_ = 0
    for sock in sockets:
        sock.setblocking(False)
        try:
            open_ += sock.recv(1) != b""
        except BlockingIOError:
            open_ += 1
        except ConnectionResetError:
            pass
    return open_


async def test_slow_and_silent_connections_are_dropped_and_others_served(server: Server) -> None:
    port = int(server.url.rsplit(":", 1)[1])
    before = rss_mb(server.process.pid)
    flood: list[socket.socket] = []
    try:
        for n in range(IDLE + HALF):
            sock = socket.create_connection(("127.0.0.1", port))
            if n >= IDLE:
                sock.sendall(b"POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
            flood.append(sock)
        started = time.monotonic()
        async with over_http(server.mcp_url, ADMIN_KEY) as client:
            structured(await client.call_tool("fetchTicket", {"ticket_id": 1023}))
        served_in = time.monotonic() - started
        time.sleep(READ_TIMEOUT + 2)
        left_open = _still_open(flood)
        grown = rss_mb(server.process.pid) - before
    finally:
        for sock in flood:
            sock.close()
    report(
        "MCP connection flood",
        connections=len(flood),
        real_call_s=round(served_in, 2),
        left_open_after_deadline=left_open,
        rss_growth_mb=round(grown, 1),
    )
    assert left_open == 0
    assert served_in < 5
    assert grown < 30
