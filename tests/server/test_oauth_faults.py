"""The OAuth fault scenarios (`scenarios/oauth/`), each loaded into the fake as a user would load
it, against a fresh MCP server in OAuth mode: what the user sees is what the README's table of
OAuth faults says."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.oauth import issuer_of, metadata, obtain
from tests.processes import Fake, Server, running_fake, running_server
from tests.server.test_oauth import call, challenge

# A fresh server per fault and real waits (expiry, a slow server): `tox -e slow`.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
FAULTS = ROOT / "scenarios" / "oauth"
DOMAIN = "acme.freshservice.com"
TESTED = {
    "expired-access-token",
    "revoked-refresh-token",
    "wrong-audience",
    "missing-scope",
    "authorization-server-down",
    "authorization-server-slow",
    "jwks-rotated",
    "issuer-mismatch",
}


@pytest.fixture(scope="module")
def fake() -> Iterator[Fake]:
    with running_fake("--plan", "unlimited", "--oauth-auto-approve") as running:
        yield running


@pytest.fixture
def issuer(fake: Fake) -> Iterator[str]:
    yield issuer_of(fake.url)
    fake.admin("DELETE", f"accounts/{DOMAIN}/scenario")


@pytest.fixture
def server(fake: Fake, issuer: str) -> Iterator[Server]:
    """A new server each time: nothing of the keys it fetched outlives a test."""
    with running_server(fake.url, mcp_auth="oauth", mcp_oauth_issuer=issuer) as running:
        yield running


def load(fake: Fake, name: str) -> None:
    path = FAULTS / f"{name}.yaml"
    fake.admin("POST", "scenario", {"scenario": path.read_text(), "name": str(path)})


def test_every_oauth_fault_scenario_has_its_test() -> None:
    assert {path.stem for path in FAULTS.glob("*.yaml")} == TESTED


def test_expired_access_token_gets_401_until_refreshed(
    fake: Fake, issuer: str, server: Server
) -> None:
    load(fake, "expired-access-token")
    tokens = obtain(issuer, server.mcp_url)
    assert tokens.expires_in == 3
    time.sleep(3.1)
    expired = call(server, tokens.access_token, "fetchTickets", {})
    assert expired.status_code == 401
    assert "refresh it or sign in again" in challenge(expired)
    assert call(server, tokens.refreshed().access_token, "fetchTickets", {}).status_code == 200


def test_revoked_refresh_token_refuses_the_refresh(fake: Fake, issuer: str, server: Server) -> None:
    load(fake, "revoked-refresh-token")
    tokens = obtain(issuer, server.mcp_url)
    answer = httpx.post(
        tokens.token_endpoint,
        data={
            "grant_type": "refresh_token",
            "refresh_token": tokens.refresh_token,
            "client_id": tokens.client_id,
        },
    )
    assert answer.status_code == 400
    assert answer.json() == {
        "error": "invalid_grant",
        "error_description": "the refresh token was revoked",
    }


def test_wrong_audience_is_refused_as_invalid_token(
    fake: Fake, issuer: str, server: Server
) -> None:
    load(fake, "wrong-audience")
    tokens = obtain(issuer, server.mcp_url)
    response = call(server, tokens.access_token, "fetchTickets", {})
    assert response.status_code == 401
    assert 'error="invalid_token"' in challenge(response)
    assert "InvalidAudienceError" in server.stderr()


def test_missing_scope_gets_403_naming_it_and_reads_still_work(
    fake: Fake, issuer: str, server: Server
) -> None:
    load(fake, "missing-scope")
    tokens = obtain(issuer, server.mcp_url)
    assert tokens.scope == "freshservice.tickets.view"
    assert call(server, tokens.access_token, "fetchTickets", {}).status_code == 200
    fake.clear_journal(DOMAIN)
    refused = call(
        server,
        tokens.access_token,
        "createTicket",
        {"subject": "s", "description": "d", "email": "john@acme.com"},
    )
    assert refused.status_code == 403
    assert 'scope="freshservice.tickets.create"' in challenge(refused)
    assert fake.journal(DOMAIN) == []


def test_authorization_server_down_stops_sign_in_and_token_checks(
    fake: Fake, issuer: str, server: Server
) -> None:
    tokens = obtain(issuer, server.mcp_url)  # signed in before it went down
    load(fake, "authorization-server-down")
    with pytest.raises(httpx.HTTPStatusError) as refused:
        metadata(issuer)
    assert refused.value.response.status_code == 503
    assert refused.value.response.json()["error"] == "temporarily_unavailable"
    response = call(server, tokens.access_token, "fetchTickets", {})
    assert response.status_code == 401
    assert "cannot check OAuth tokens" in server.stderr()


def test_authorization_server_slow_makes_sign_in_slow_but_it_works(
    fake: Fake, issuer: str, server: Server
) -> None:
    load(fake, "authorization-server-slow")
    started = time.monotonic()
    tokens = obtain(issuer, server.mcp_url)
    assert time.monotonic() - started >= 8
    assert call(server, tokens.access_token, "fetchTickets", {}).status_code == 200


def test_jwks_rotated_after_each_token_is_followed_by_the_server(
    fake: Fake, issuer: str, server: Server
) -> None:
    load(fake, "jwks-rotated")
    first = obtain(issuer, server.mcp_url)
    assert call(server, first.access_token, "fetchTickets", {}).status_code == 200
    time.sleep(1.1)  # the server fetches the keys again at most once a second
    second = obtain(issuer, server.mcp_url)
    assert call(server, second.access_token, "fetchTickets", {}).status_code == 200


def test_issuer_mismatch_makes_the_server_refuse_every_token_saying_why(
    fake: Fake, issuer: str, server: Server
) -> None:
    load(fake, "issuer-mismatch")
    assert metadata(issuer)["issuer"] == "https://acme.myfreshworks.com"
    tokens = obtain(issuer, server.mcp_url)
    response = call(server, tokens.access_token, "fetchTickets", {})
    assert response.status_code == 401
    assert "names the issuer 'https://acme.myfreshworks.com'" in server.stderr()
