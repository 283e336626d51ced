"""Fixtures for the MCP server's tests: one real fake per test worker, MCP clients of every kind.

The shared fake runs on the `unlimited` plan so tests never meet Freshservice's rate limits by
accident; a test that changes an account (plan, revoked key, records) uses its own account or
resets what it changed.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator, Iterator, Mapping
from typing import Any

import httpx2
import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

from server.app import build_server
from server.config import ServerSettings
from tests.processes import Fake, running_fake

# A key only these tests know, added to Acme as an admin: grep every output for it.
SECRET_KEY = "fs-test-Zq8v-SECRET-41c7e2"
ADMIN_KEY = "demo-acme-admin-key"
AGENT_KEY = "demo-acme-agent-key"
REQUESTER_KEY = "demo-acme-requester-key"
PRIYA = 21000000001  # the Acme admin key's agent
SAM = 21000000002  # the Acme restricted agent


@pytest.fixture(scope="session")
def fake() -> Iterator[Fake]:
    with running_fake(
        "--plan", "unlimited", env={"MOCK_FRESHSERVICE_API_KEYS": SECRET_KEY}
    ) as running:
        yield running


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def settings_for(fake: Fake, **overrides: Any) -> ServerSettings:
    values: dict[str, Any] = {
        "base_url": fake.url,
        "api_key": ADMIN_KEY,
        "mcp_calls_per_minute": 0,
        "mcp_calls_per_month": 0,
        "retry_budget": 5.0,
    }
    values.update(overrides)
    return ServerSettings(**values)


@contextlib.asynccontextmanager
async def in_memory(settings: ServerSettings, **client: Any) -> AsyncIterator[Client]:
    """The SDK's in-memory client on a server built from `settings`."""
    async with Client(build_server(settings), **client) as connected:
        yield connected


@contextlib.asynccontextmanager
async def over_http(
    url: str, authorization: str | None = None, **client: Any
) -> AsyncIterator[Client]:
    """The SDK's Streamable HTTP client, sending `authorization` as the Authorization header."""
    headers = {"Authorization": authorization} if authorization else {}
    async with (
        httpx2.AsyncClient(headers=headers, timeout=httpx2.Timeout(30)) as http,
        Client(streamable_http_client(url, http_client=http), **client) as connected,
    ):
        yield connected


def structured(result: Any) -> dict[str, Any]:
    assert not result.is_error, result.content
    assert isinstance(result.structured_content, dict)
    return result.structured_content


def error_text(result: Any) -> str:
    assert result.is_error, result.structured_content
    return " ".join(block.text for block in result.content)


def requests_of(journal: list[dict[str, Any]], request_id: str | None = None) -> list[str]:
    """'METHOD path' of each journal entry (optionally of one tool call's X-Request-Id)."""
    return [
        f"{entry['method']} {entry['path']}"
        for entry in journal
        if request_id is None or entry.get("request_id") == request_id
    ]


KEY_CHECK = "GET /api/v2/agents/me"  # the gate's check of a key it has not seen, made first


def requests_past_the_key_check(journal: list[dict[str, Any]]) -> list[str]:
    """'METHOD path' of each journal entry but the gate's check of the key."""
    return [found for found in requests_of(journal) if found != KEY_CHECK]


async def schema_of(client: Client, name: str) -> dict[str, Any]:
    """The output schema `name` publishes."""
    found = next(t for t in (await client.list_tools()).tools if t.name == name)
    assert found.output_schema is not None
    return found.output_schema


def dumps(value: Mapping[str, Any]) -> str:
    return json.dumps(value, sort_keys=True)
