"""The server as an OAuth resource server (FRESHSERVICE_MCP_AUTH=oauth|both), against the fake's
authorization server: real processes, tokens obtained as a client would obtain them."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from server.scopes import TOOL_SCOPES
from tests.oauth import Tokens, issuer_of, obtain
from tests.processes import Fake, Server, running_fake, running_server
from tests.server.conftest import ADMIN_KEY, over_http, structured
from tests.server.test_all_tools import SCRIPT, Results

pytestmark = pytest.mark.anyio

DOMAIN = "acme.freshservice.com"
RPC_HEADERS = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}


@pytest.fixture(scope="module")
def fake() -> Iterator[Fake]:
    with running_fake("--plan", "unlimited", "--oauth-auto-approve") as running:
        yield running


@pytest.fixture(scope="module")
def issuer(fake: Fake) -> str:
    return issuer_of(fake.url)


@pytest.fixture(scope="module")
def server(fake: Fake, issuer: str) -> Iterator[Server]:
    with running_server(
        fake.url,
        mcp_auth="oauth",
        mcp_oauth_issuer=issuer,
        mcp_calls_per_minute="0",
        mcp_calls_per_month="0",
    ) as running:
        yield running


@pytest.fixture
def tokens(server: Server, issuer: str) -> Tokens:
    return obtain(issuer, server.mcp_url)


def call(server: Server, token: str | None, tool: str, arguments: dict[str, Any]) -> httpx.Response:
    """A raw `tools/call` POST (legacy era, stateless): the status and headers are the test."""
    headers = dict(RPC_HEADERS)
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    body = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "tools/call",
        "params": {"name": tool, "arguments": arguments},
    }
    return httpx.post(server.mcp_url, headers=headers, content=json.dumps(body), timeout=30)


def challenge(response: httpx.Response) -> str:
    return str(response.headers.get("www-authenticate", ""))


def test_a_request_without_a_token_gets_401_naming_the_resource_metadata_and_scopes(
    server: Server,
) -> None:
    response = call(server, None, "fetchTickets", {})
    assert response.status_code == 401
    said = challenge(response)
    assert said.startswith("Bearer ")
    assert f'resource_metadata="{server.url}/.well-known/oauth-protected-resource/mcp"' in said
    assert "freshservice.tickets.view" in said.split('scope="', 1)[1]


def test_the_resource_metadata_names_the_issuer_and_the_tools_scopes(
    server: Server, issuer: str
) -> None:
    document = httpx.get(f"{server.url}/.well-known/oauth-protected-resource/mcp").json()
    assert document["resource"] == server.mcp_url
    assert document["authorization_servers"] == [issuer]
    assert document["scopes_supported"] == sorted({s for t in TOOL_SCOPES.values() for s in t})


def test_the_resource_metadata_is_also_at_the_root(server: Server) -> None:
    response = httpx.get(f"{server.url}/.well-known/oauth-protected-resource")
    assert response.json()["resource"] == server.mcp_url


def test_an_api_key_is_refused_when_the_server_takes_oauth_only(server: Server) -> None:
    response = httpx.post(
        server.mcp_url,
        headers={**RPC_HEADERS, "Authorization": ADMIN_KEY},
        content=b'{"jsonrpc":"2.0","id":1,"method":"tools/list"}',
    )
    assert response.status_code == 401
    assert "resource_metadata=" in challenge(response)


async def test_a_token_lists_the_34_tools_and_calls_one(server: Server, tokens: Tokens) -> None:
    async with over_http(server.mcp_url, f"Bearer {tokens.access_token}") as client:
        assert len((await client.list_tools()).tools) == 34
        found = structured(await client.call_tool("fetchTicket", {"ticket_id": 10234}))
    assert found["id"] == 10234


def test_the_token_goes_on_to_freshservice_as_a_bearer_token(
    fake: Fake, server: Server, tokens: Tokens
) -> None:
    since = fake.journal(DOMAIN)[-1]["seq"] if fake.journal(DOMAIN) else 0
    assert call(server, tokens.access_token, "fetchTicket", {"ticket_id": 10234}).status_code == 200
    paths = [(e["path"], e["status"]) for e in fake.journal(DOMAIN, since)]
    assert ("/api/v2/tickets/10234", 200) in paths


def test_a_token_for_another_resource_is_refused(server: Server, issuer: str) -> None:
    elsewhere = obtain(issuer, "http://127.0.0.1:1/mcp")
    response = call(server, elsewhere.access_token, "fetchTickets", {})
    assert response.status_code == 401
    assert 'error="invalid_token"' in challenge(response)


def test_a_token_naming_no_resource_is_refused(server: Server, issuer: str) -> None:
    response = call(server, obtain(issuer, None).access_token, "fetchTickets", {})
    assert response.status_code == 401


def test_a_tool_needing_a_scope_the_token_lacks_gets_403_and_sends_nothing_upstream(
    fake: Fake, server: Server, issuer: str
) -> None:
    narrow = obtain(issuer, server.mcp_url, scopes=["freshservice.tickets.view"])
    fake.clear_journal(DOMAIN)
    response = call(
        server,
        narrow.access_token,
        "createTicket",
        {"subject": "x", "description": "y", "email": "john@acme.com"},
    )
    assert response.status_code == 403
    said = challenge(response)
    assert 'error="insufficient_scope"' in said
    assert 'scope="freshservice.tickets.create"' in said
    assert fake.journal(DOMAIN) == []


def test_a_forged_token_is_refused(server: Server, tokens: Tokens) -> None:
    head, body, _ = tokens.access_token.split(".")
    response = call(server, f"{head}.{body}.AAAA", "fetchTickets", {})
    assert response.status_code == 401


def test_an_expired_token_is_refused_and_a_refreshed_one_works(
    fake: Fake, server: Server, issuer: str
) -> None:
    fake.admin("PUT", f"oauth/{DOMAIN}/faults", {"token_lifetime": 2})
    try:
        short = obtain(issuer, server.mcp_url)
    finally:
        fake.admin("PUT", f"oauth/{DOMAIN}/faults", {"token_lifetime": None})
    assert call(server, short.access_token, "fetchTickets", {}).status_code == 200
    time.sleep(3.1)
    expired = call(server, short.access_token, "fetchTickets", {})
    assert expired.status_code == 401
    assert 'error="invalid_token"' in challenge(expired)
    assert call(server, short.refreshed().access_token, "fetchTickets", {}).status_code == 200


def test_revoking_the_grant_ends_access(server: Server, issuer: str) -> None:
    tokens = obtain(issuer, server.mcp_url)
    assert call(server, tokens.access_token, "fetchTickets", {}).status_code == 200
    tokens.revoke()
    # The server learns of it from Freshservice's 401, then refuses the token at the door.
    first = call(server, tokens.access_token, "fetchTickets", {})
    said = first.json()["result"]["content"][0]["text"]
    assert "did not accept the OAuth access token" in said and "API key" not in said
    assert call(server, tokens.access_token, "fetchTickets", {}).status_code == 401


def test_tokens_signed_with_a_rotated_key_are_accepted(
    fake: Fake, server: Server, issuer: str, tokens: Tokens
) -> None:
    assert call(server, tokens.access_token, "fetchTickets", {}).status_code == 200
    fake.admin("POST", f"oauth/{DOMAIN}/rotate-keys", {})
    time.sleep(1.1)  # the server fetches the keys again at most once a second
    newer = obtain(issuer, server.mcp_url)
    assert call(server, newer.access_token, "fetchTickets", {}).status_code == 200


def test_no_token_appears_in_the_servers_log(server: Server, tokens: Tokens) -> None:
    call(server, tokens.access_token, "fetchTickets", {})
    log = server.stderr()
    assert tokens.access_token not in log
    assert tokens.access_token.split(".")[2] not in log
    assert tokens.refresh_token not in log


async def test_each_tool_works_with_exactly_the_scopes_it_declares(
    fake: Fake, server: Server, issuer: str
) -> None:
    """Every tool of the 34, called with a token holding its TOOL_SCOPES row and nothing more:
    the fake (which checks each endpoint's documented scope) never refuses it."""
    results: Results = {}
    for step in SCRIPT:
        narrow = obtain(issuer, server.mcp_url, scopes=list(TOOL_SCOPES[step.tool]))
        async with over_http(server.mcp_url, f"Bearer {narrow.access_token}") as client:
            found = structured(await client.call_tool(step.tool, step.arguments(results, "oauth")))
        results[step.tool] = found


@pytest.fixture(scope="module")
def both(fake: Fake, issuer: str) -> Iterator[Server]:
    with running_server(fake.url, mcp_auth="both", mcp_oauth_issuer=issuer) as running:
        yield running


def test_with_both_an_api_key_works(both: Server) -> None:
    response = httpx.post(
        both.mcp_url,
        headers={**RPC_HEADERS, "Authorization": ADMIN_KEY},
        content=json.dumps(
            {
                "jsonrpc": "2.0",
                "id": 1,
                "method": "tools/call",
                "params": {"name": "fetchTickets", "arguments": {}},
            }
        ),
    )
    assert response.status_code == 200
    assert response.json()["result"].get("isError") is not True


def test_with_both_a_token_works(both: Server, issuer: str) -> None:
    tokens = obtain(issuer, both.mcp_url)
    assert call(both, tokens.access_token, "fetchTickets", {}).status_code == 200


def test_with_both_and_no_credentials_both_kinds_are_offered(both: Server) -> None:
    response = call(both, None, "fetchTickets", {})
    assert response.status_code == 401
    offered = response.headers.get_list("www-authenticate")
    assert [found.split(" ", 1)[0] for found in offered] == ["Bearer", "Basic"]


@pytest.fixture(scope="module")
def limited(fake: Fake, issuer: str) -> Iterator[Server]:
    with running_server(
        fake.url,
        mcp_auth="oauth",
        mcp_oauth_issuer=issuer,
        mcp_limits_scope="key",
        mcp_calls_per_minute="2",
    ) as running:
        yield running


def test_a_users_call_budget_outlives_their_token(limited: Server, issuer: str) -> None:
    first = obtain(issuer, limited.mcp_url)
    second = obtain(issuer, limited.mcp_url)  # the same agent signing in again
    other = obtain(issuer, limited.mcp_url, agent="sam.okafor@acme.com")
    for token in (first, second):
        answer = call(limited, token.access_token, "fetchTickets", {}).json()
        assert answer["result"].get("isError") is not True
    refused = call(limited, second.access_token, "fetchTickets", {}).json()
    assert refused["result"]["isError"] is True
    ok = call(limited, other.access_token, "fetchTickets", {}).json()
    assert ok["result"].get("isError") is not True


@pytest.fixture(scope="module")
def stateful(fake: Fake, issuer: str) -> Iterator[Server]:
    with running_server(
        fake.url, "--stateful", mcp_auth="oauth", mcp_oauth_issuer=issuer
    ) as running:
        yield running


async def test_a_token_opens_a_legacy_session_and_calls_a_tool_in_it(
    stateful: Server, issuer: str
) -> None:
    tokens = obtain(issuer, stateful.mcp_url)
    async with over_http(
        stateful.mcp_url, f"Bearer {tokens.access_token}", mode="legacy"
    ) as client:
        found = structured(await client.call_tool("fetchTicket", {"ticket_id": 10234}))
    assert found["id"] == 10234


def test_a_session_cannot_be_opened_without_a_token(stateful: Server) -> None:
    response = httpx.post(
        stateful.mcp_url,
        headers=RPC_HEADERS,
        json={"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {}},
    )
    assert response.status_code == 401
