"""The server's own tool-call limits (100 a minute by default), per account or per key, over
Streamable HTTP where each request brings its own key."""

from __future__ import annotations

import re

import anyio
import pytest

from tests.processes import Fake, refusing_port, running_server
from tests.server.conftest import ADMIN_KEY, AGENT_KEY, error_text, over_http, structured

# Real server processes: in `tox -e slow` (CI runs it), to keep the README's test line under
# 10 minutes; the contracts' rate-limit suite stays in it.
pytestmark = [pytest.mark.anyio, pytest.mark.slow]


async def spend_a_window(url: str, key: str, calls: int = 100) -> None:
    async with over_http(url, key) as client:
        for _ in range(calls):
            structured(await client.call_tool("fetchTicket", {"ticket_id": 1023}))


async def one_more(url: str, key: str) -> tuple[bool, str]:
    async with over_http(url, key) as client:
        result = await client.call_tool("fetchTicket", {"ticket_id": 1023})
    return bool(result.is_error), error_text(result) if result.is_error else ""


async def test_the_101st_call_in_a_minute_is_refused_with_the_seconds_to_wait(fake: Fake) -> None:
    with running_server(fake.url) as server:
        await spend_a_window(server.mcp_url, ADMIN_KEY)
        refused, text = await one_more(server.mcp_url, ADMIN_KEY)
    assert refused
    match = re.search(r"at most 100 calls per minute\. Try again in (\d+) seconds\.", text)
    assert match is not None, text
    assert 1 <= int(match[1]) <= 60


async def test_in_key_scope_a_second_key_keeps_its_own_budget(fake: Fake) -> None:
    with running_server(fake.url, mcp_limits_scope="key") as server:
        await spend_a_window(server.mcp_url, ADMIN_KEY)
        first_refused, _ = await one_more(server.mcp_url, ADMIN_KEY)
        second_refused, _ = await one_more(server.mcp_url, AGENT_KEY)
    assert first_refused
    assert not second_refused


async def test_in_account_scope_a_second_key_is_refused_too(fake: Fake) -> None:
    with running_server(fake.url, mcp_limits_scope="account") as server:
        await spend_a_window(server.mcp_url, ADMIN_KEY)
        second_refused, text = await one_more(server.mcp_url, AGENT_KEY)
    assert second_refused
    assert "Tool-call limit reached" in text


async def test_a_short_window_frees_calls_again(fake: Fake) -> None:
    with running_server(fake.url, mcp_calls_per_minute="2", mcp_rate_window="1") as server:
        await spend_a_window(server.mcp_url, ADMIN_KEY, calls=2)
        refused, text = await one_more(server.mcp_url, ADMIN_KEY)
        assert refused and "at most 2 calls per second" in text
        await anyio.sleep(1.1)
        refused_later, _ = await one_more(server.mcp_url, ADMIN_KEY)
    assert not refused_later


async def test_an_unreachable_limits_store_refuses_calls_with_a_clear_error(fake: Fake) -> None:
    store = f"redis://:hunter2@127.0.0.1:{refusing_port()}/0"
    with running_server(fake.url, mcp_limits_store=store) as server:
        refused, text = await one_more(server.mcp_url, ADMIN_KEY)
        log = server.stderr()
    assert refused
    assert "limits store (redis://127.0.0.1:" in text and "cannot be reached" in text
    assert "hunter2" not in text + log


async def test_refused_keys_do_not_spend_the_accounts_budget(fake: Fake) -> None:
    with running_server(fake.url, mcp_calls_per_minute="2") as server:
        for key in ("not-a-key", "not-a-key", "demo-acme-requester-key"):
            refused, text = await one_more(server.mcp_url, key)
            assert refused and "Tool-call limit" not in text
        async with over_http(server.mcp_url, ADMIN_KEY) as client:
            for _ in range(2):
                structured(await client.call_tool("fetchTicket", {"ticket_id": 1023}))
