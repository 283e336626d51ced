"""Two server processes sharing one tool-call budget through a real redis-server (Debian
package). Run by `tox -e system`."""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator

import pytest
import redis

from tests.processes import Fake, running_fake, running_server
from tests.server.conftest import ADMIN_KEY, over_http

pytestmark = [pytest.mark.system, pytest.mark.anyio]


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@contextlib.contextmanager
def redis_server(*extra: str, password: str | None = None) -> Iterator[str]:
    """A redis-server on a free loopback port; yields its URL (with the password, if any).

    redis-server cannot inherit a bound socket, so the port is picked before it starts; if
    something takes it meanwhile, redis exits and another port is tried."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail("redis-server is not installed: `apt-get install redis-server` (CI does this)")
    for _ in range(5):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        process = subprocess.Popen(
            [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly",
             "no", *extra],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        url = f"redis://{f':{password}@' if password else ''}127.0.0.1:{port}/0"
        try:
            if _answers(url, process):
                yield url
                return
        finally:
            process.terminate()
            process.wait(timeout=10)
    pytest.fail("redis-server did not start on any of 5 free ports")


def _answers(url: str, process: subprocess.Popen[bytes], timeout: float = 10) -> bool:
    """Whether redis answers a ping before `timeout`; False if it exits first (port taken)."""
    deadline = time.monotonic() + timeout
    while process.poll() is None:
        try:
            redis.Redis.from_url(url).ping()
            return True
        except redis.AuthenticationError:
            return True  # it answers; this URL's password is the test's business
        except redis.ConnectionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)
    return False


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    with redis_server() as url:
        yield url


@pytest.fixture(scope="module")
def fake() -> Iterator[Fake]:
    with running_fake("--plan", "unlimited") as running:
        yield running


async def calls_allowed(url: str, calls: int) -> list[bool]:
    async with over_http(url, ADMIN_KEY) as client:
        return [
            not (await client.call_tool("fetchTicket", {"ticket_id": 1023})).is_error
            for _ in range(calls)
        ]


async def test_two_servers_share_one_minute_budget(fake: Fake, redis_url: str) -> None:
    redis.Redis.from_url(redis_url).flushdb()
    limits = {"mcp_limits_store": redis_url, "mcp_calls_per_minute": "10"}
    with running_server(fake.url, **limits) as first, running_server(fake.url, **limits) as second:
        assert await calls_allowed(first.mcp_url, 6) == [True] * 6
        assert await calls_allowed(second.mcp_url, 5) == [True] * 4 + [False]
        assert await calls_allowed(first.mcp_url, 1) == [False]


async def test_two_servers_share_one_month_budget(fake: Fake, redis_url: str) -> None:
    redis.Redis.from_url(redis_url).flushdb()
    limits = {
        "mcp_limits_store": redis_url,
        "mcp_calls_per_minute": "0",
        "mcp_calls_per_month": "3",
    }
    with running_server(fake.url, **limits) as first, running_server(fake.url, **limits) as second:
        assert await calls_allowed(first.mcp_url, 2) == [True, True]
        assert await calls_allowed(second.mcp_url, 2) == [True, False]


async def test_a_restarted_server_keeps_the_budget_it_shared(fake: Fake, redis_url: str) -> None:
    redis.Redis.from_url(redis_url).flushdb()
    limits = {"mcp_limits_store": redis_url, "mcp_calls_per_minute": "3"}
    with running_server(fake.url, **limits) as server:
        assert await calls_allowed(server.mcp_url, 3) == [True] * 3
    with running_server(fake.url, **limits) as restarted:
        assert await calls_allowed(restarted.mcp_url, 1) == [False]


async def test_a_wrong_redis_password_is_named_as_such_and_logged_with_its_cause(
    fake: Fake,
) -> None:
    with redis_server("--requirepass", "right-pass-7c1", password="right-pass-7c1") as right:
        wrong = right.replace("right-pass-7c1", "wrong-pass-93d")
        with running_server(fake.url, mcp_limits_store=wrong) as server:
            async with over_http(server.mcp_url, ADMIN_KEY) as client:
                result = await client.call_tool("fetchTicket", {"ticket_id": 1023})
            log = server.stderr()
    text = " ".join(block.text for block in result.content)
    assert result.is_error
    assert "refused the server's credentials" in text and "cannot be reached" not in text
    assert "tool-call limits store failed: redis://127.0.0.1:" in log
    assert "WRONGPASS" in log or "AuthenticationError" in log
    assert "wrong-pass-93d" not in text + log and "right-pass-7c1" not in text + log
