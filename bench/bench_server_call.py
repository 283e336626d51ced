"""What a tool call costs: fetchTicket through our MCP server against the fake, next to what it
is made of.

Measured side by side in one run, interleaved call by call so all see the same machine:

    (a) fetchTicket through the server (Streamable HTTP, then stdio, then in-memory)
    (b) `noop`, a tool that returns at once, on the same server and transport
    (c) the same GET /api/v2/tickets/1023 made directly with httpx

Target (server part 1 issue): median(a) <= 1.3 x (median(b) + median(c)) over Streamable HTTP;
stdio and in-memory are reported. The fake runs on the `unlimited` plan and the server's own
limits are off, and the run fails on any error, so no 429 hides in the figures.
"""

from __future__ import annotations

import base64
import contextlib
import os
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import anyio
import httpx
import httpx2
from mcp import Client, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp.client.streamable_http import streamable_http_client

from bench.noop_server import server_with_noop
from bench.support import PYTHON, BenchError, median, process, report

KEY = "demo-acme-admin-key"
TICKET = 1023
TARGET = 1.3


def server_env(fake_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FRESHSERVICE_")}
    env.update(
        FRESHSERVICE_BASE_URL=fake_url,
        FRESHSERVICE_API_KEY=KEY,
        FRESHSERVICE_MCP_CALLS_PER_MINUTE="0",
        FRESHSERVICE_MCP_CALLS_PER_MONTH="0",
    )
    return env


async def timed(call: Callable[[], Awaitable[Any]]) -> float:
    started_at = time.perf_counter()
    await call()
    return (time.perf_counter() - started_at) * 1000


async def side_by_side(client: Client, direct: httpx.AsyncClient, calls: int) -> dict[str, float]:
    """Median milliseconds of (a), (b) and (c), interleaved; every call must succeed."""

    async def fetch_ticket() -> None:
        result = await client.call_tool("fetchTicket", {"ticket_id": TICKET})
        if result.is_error or not result.structured_content:
            raise BenchError(f"fetchTicket failed: {result.content}")

    async def noop() -> None:
        result = await client.call_tool("noop", {})
        if result.is_error:
            raise BenchError(f"noop failed: {result.content}")

    async def get() -> None:
        response = await direct.get(f"/api/v2/tickets/{TICKET}")
        if response.status_code != 200:
            raise BenchError(f"direct GET answered {response.status_code}")

    samples: dict[str, list[float]] = {"fetch_ticket": [], "noop": [], "direct_get": []}
    for _ in range(20):  # warm-up: connections, caches, the caller check
        await fetch_ticket()
        await noop()
        await get()
    for _ in range(calls):
        samples["fetch_ticket"].append(await timed(fetch_ticket))
        samples["noop"].append(await timed(noop))
        samples["direct_get"].append(await timed(get))
    return {name: round(median(values), 3) for name, values in samples.items()}


@contextlib.asynccontextmanager
async def direct_client(fake_url: str) -> AsyncIterator[httpx.AsyncClient]:
    token = base64.b64encode(f"{KEY}:X".encode()).decode()
    async with httpx.AsyncClient(
        base_url=fake_url, headers={"Authorization": f"Basic {token}"}, timeout=30
    ) as client:
        yield client


async def measure(fake_url: str, calls: int) -> dict[str, dict[str, float]]:
    env = server_env(fake_url)
    figures: dict[str, dict[str, float]] = {}
    http_server = [PYTHON, "-m", "bench.noop_server", "--transport", "http"]
    with process(http_server, "/healthz", env=env) as served:
        async with (
            direct_client(fake_url) as direct,
            httpx2.AsyncClient(timeout=30) as http,
            Client(streamable_http_client(f"{served.url}/mcp", http_client=http)) as c,
        ):
            figures["streamable_http"] = await side_by_side(c, direct, calls)
    stdio = StdioServerParameters(command=PYTHON, args=["-m", "bench.noop_server"], env=env)
    with tempfile.TemporaryFile("w+") as errlog:
        async with direct_client(fake_url) as direct, Client(stdio_client(stdio, errlog)) as c:
            figures["stdio"] = await side_by_side(c, direct, calls)
    os.environ.update(env)  # the in-memory server reads its settings from the environment
    server, _ = server_with_noop()
    async with direct_client(fake_url) as direct, Client(server) as c:
        figures["in_memory"] = await side_by_side(c, direct, calls)
    for row in figures.values():
        parts = row["noop"] + row["direct_get"]
        row["ratio_a_over_b_plus_c"] = round(row["fetch_ticket"] / parts, 3)
    return figures


def run(*, quick: bool) -> bool:
    calls = 50 if quick else 300
    fake = [PYTHON, "-m", "mock_freshservice", "serve", "--plan", "unlimited"]
    with process(fake, "/_mock/health") as served:
        figures = anyio.run(measure, served.url, calls)
    ratio = figures["streamable_http"]["ratio_a_over_b_plus_c"]
    report(
        "bench_server_call",
        {"calls_per_figure": calls, "target_http_ratio": TARGET, "met": ratio <= TARGET,
         "median_ms": figures},
    )  # fmt: skip
    return ratio <= TARGET


if __name__ == "__main__":
    sys.exit(0 if run(quick="--quick" in sys.argv) else 1)
