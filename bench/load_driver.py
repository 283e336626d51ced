"""One process of MCP clients for `bench_server_load`: SESSIONS sessions over Streamable HTTP,
each making CALLS fetchTicket calls, all starting at the same wall-clock moment. Prints the
latencies (seconds) as JSON on stdout; any failed call ends it with exit 1.

    python -m bench.load_driver URL KEY SESSIONS CALLS START_AT
"""

from __future__ import annotations

import functools
import json
import sys
import time

import anyio
import httpx2
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

TICKETS = (1023, 10234, 10236, 10241, 9900, 10100)


async def session(
    url: str, key: str, number: int, *, calls: int, start_at: float, latencies: list[float]
) -> None:
    async with (
        httpx2.AsyncClient(headers={"Authorization": key}, timeout=60) as http,
        Client(streamable_http_client(url, http_client=http)) as client,
    ):
        await anyio.sleep(max(0.0, start_at - time.time()))
        for n in range(calls):
            started = time.perf_counter()
            result = await client.call_tool(
                "fetchTicket", {"ticket_id": TICKETS[(number + n) % len(TICKETS)]}
            )
            latencies.append(time.perf_counter() - started)
            if result.is_error:
                raise SystemExit(f"fetchTicket failed: {result.content}")


async def main(url: str, key: str, sessions: int, calls: int, start_at: float) -> None:
    latencies: list[float] = []
    async with anyio.create_task_group() as group:
        for number in range(sessions):
            group.start_soon(
                functools.partial(
                    session, url, key, number, calls=calls, start_at=start_at, latencies=latencies
                )
            )
    print(json.dumps(latencies))


if __name__ == "__main__":
    url, key, sessions, calls, start_at = sys.argv[1:6]
    anyio.run(main, url, key, int(sessions), int(calls), float(start_at))
