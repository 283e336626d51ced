"""The fake Freshworks authorization server: metadata, registration, PKCE, consent, tokens with
rotation, revocation, and the API accepting its tokens for the scopes they carry."""

from __future__ import annotations

import base64
import hashlib
import time
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from flask import Flask
from flask.testing import FlaskClient

from mock_freshservice.app import create_app
from mock_freshservice.settings import FakeSettings
from tests.conftest import NOW

DOMAIN = "acme.freshservice.com"
ISSUER = f"http://localhost/oauth/{DOMAIN}"
CALLBACK = "http://127.0.0.1:33418/oauth/callback"
MCP_RESOURCE = "http://127.0.0.1:8000/mcp"
VERIFIER = "v" * 20 + "-verifier-of-pkce-that-is-long-enough-1234"
CHALLENGE = (
    base64.urlsafe_b64encode(hashlib.sha256(VERIFIER.encode()).digest()).rstrip(b"=").decode()
)


@pytest.fixture
def settings() -> FakeSettings:
    return FakeSettings(now=NOW, oauth_auto_approve=True)


def register(client: FlaskClient, **metadata: Any) -> dict[str, Any]:
    body = {"redirect_uris": [CALLBACK], "client_name": "test client", **metadata}
    body.setdefault("token_endpoint_auth_method", "none")
    body.setdefault("grant_types", ["authorization_code", "refresh_token"])
    response = client.post(f"/oauth/{DOMAIN}/register", json=body)
    assert response.status_code == 201, response.get_json()
    answer: dict[str, Any] = response.get_json()
    return answer


def authorize(client: FlaskClient, client_id: str, **params: str) -> dict[str, list[str]]:
    """The query the authorization server redirects back with."""
    query = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": CALLBACK,
        "code_challenge": CHALLENGE,
        "code_challenge_method": "S256",
        "state": "s-123",
        "resource": MCP_RESOURCE,
        **params,
    }
    response = client.get(f"/oauth/{DOMAIN}/authorize", query_string=query)
    assert response.status_code == 302, response.get_data(as_text=True)
    location = urlsplit(response.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == CALLBACK
    return parse_qs(location.query)


def tokens_for(client: FlaskClient, scope: str | None = None) -> dict[str, Any]:
    client_id = register(client)["client_id"]
    back = authorize(client, client_id, **({"scope": scope} if scope else {}))
    response = client.post(
        f"/oauth/{DOMAIN}/token",
        data={
            "grant_type": "authorization_code",
            "code": back["code"][0],
            "redirect_uri": CALLBACK,
            "client_id": client_id,
            "code_verifier": VERIFIER,
            "resource": MCP_RESOURCE,
        },
    )
    assert response.status_code == 200, response.get_json()
    answer: dict[str, Any] = response.get_json()
    answer["client_id"] = client_id
    return answer


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_metadata_names_the_issuer_it_is_fetched_for_and_every_endpoint(
    client: FlaskClient,
) -> None:
    document = client.get(f"/.well-known/oauth-authorization-server/oauth/{DOMAIN}").get_json()
    assert document["issuer"] == ISSUER
    for name in ("authorization", "token", "registration", "revocation"):
        assert document[f"{name}_endpoint"].startswith(ISSUER + "/")
    assert document["code_challenge_methods_supported"] == ["S256"]
    assert "freshservice.tickets.view" in document["scopes_supported"]


def test_metadata_is_served_at_the_openid_and_path_appended_spellings_too(
    client: FlaskClient,
) -> None:
    for path in (
        f"/.well-known/openid-configuration/oauth/{DOMAIN}",
        f"/oauth/{DOMAIN}/.well-known/oauth-authorization-server",
        f"/oauth/{DOMAIN}/.well-known/openid-configuration",
    ):
        assert client.get(path).get_json()["issuer"] == ISSUER


def test_an_unknown_account_has_no_authorization_server(client: FlaskClient) -> None:
    response = client.get("/.well-known/oauth-authorization-server/oauth/nope.freshservice.com")
    assert response.status_code == 404


def test_registration_refuses_plain_http_redirects_off_loopback(client: FlaskClient) -> None:
    response = client.post(
        f"/oauth/{DOMAIN}/register", json={"redirect_uris": ["http://evil.example/cb"]}
    )
    assert response.status_code == 400
    assert response.get_json()["error"] == "invalid_redirect_uri"


def test_a_confidential_client_gets_a_secret_and_a_public_one_none(client: FlaskClient) -> None:
    assert "client_secret" in register(client, token_endpoint_auth_method="client_secret_post")
    assert "client_secret" not in register(client)


def test_authorization_without_pkce_is_sent_back_as_invalid_request(client: FlaskClient) -> None:
    client_id = register(client)["client_id"]
    back = authorize(client, client_id, code_challenge="")
    assert back["error"] == ["invalid_request"]
    assert back["state"] == ["s-123"]


def test_plain_pkce_is_refused(client: FlaskClient) -> None:
    client_id = register(client)["client_id"]
    back = authorize(client, client_id, code_challenge_method="plain")
    assert back["error"] == ["invalid_request"]


def test_an_unknown_scope_is_sent_back_as_invalid_scope(client: FlaskClient) -> None:
    back = authorize(client, register(client)["client_id"], scope="freshservice.nope.view")
    assert back["error"] == ["invalid_scope"]


def test_an_unregistered_redirect_uri_gets_a_page_not_a_redirect(client: FlaskClient) -> None:
    client_id = register(client)["client_id"]
    response = client.get(
        f"/oauth/{DOMAIN}/authorize",
        query_string={"client_id": client_id, "redirect_uri": "http://127.0.0.1:1/elsewhere"},
    )
    assert response.status_code == 400
    assert "Location" not in response.headers


def test_auto_approval_redirects_with_a_code_the_state_and_the_issuer(client: FlaskClient) -> None:
    back = authorize(client, register(client)["client_id"])
    assert back["code"][0]
    assert back["state"] == ["s-123"]
    assert back["iss"] == [ISSUER]


def test_the_access_token_is_a_jwt_for_the_mcp_resource_and_the_accounts_api(
    client: FlaskClient,
) -> None:
    issued = tokens_for(client)
    claims = jwt.decode(issued["access_token"], options={"verify_signature": False})
    assert claims["aud"] == [MCP_RESOURCE, f"https://{DOMAIN}/api/v2"]
    assert claims["iss"] == ISSUER
    assert issued["token_type"] == "Bearer"
    assert issued["expires_in"] == 3600


def test_the_access_token_verifies_with_the_published_jwks(client: FlaskClient) -> None:
    issued = tokens_for(client)
    keys = client.get(f"/oauth/{DOMAIN}/jwks.json").get_json()["keys"]
    kid = jwt.get_unverified_header(issued["access_token"])["kid"]
    key = jwt.PyJWK(next(k for k in keys if k["kid"] == kid)).key
    claims = jwt.decode(issued["access_token"], key, algorithms=["RS256"], audience=MCP_RESOURCE)
    assert claims["sub"]


def test_a_wrong_code_verifier_is_invalid_grant(client: FlaskClient) -> None:
    client_id = register(client)["client_id"]
    back = authorize(client, client_id)
    response = client.post(
        f"/oauth/{DOMAIN}/token",
        data={
            "grant_type": "authorization_code",
            "code": back["code"][0],
            "redirect_uri": CALLBACK,
            "client_id": client_id,
            "code_verifier": "w" * 50,
        },
    )
    assert response.status_code == 400
    assert response.get_json()["error"] == "invalid_grant"


def test_a_code_works_once(client: FlaskClient) -> None:
    client_id = register(client)["client_id"]
    code = authorize(client, client_id)["code"][0]
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": CALLBACK,
        "client_id": client_id,
        "code_verifier": VERIFIER,
    }
    assert client.post(f"/oauth/{DOMAIN}/token", data=form).status_code == 200
    again = client.post(f"/oauth/{DOMAIN}/token", data=form)
    assert again.get_json()["error"] == "invalid_grant"


def test_the_api_accepts_the_token_as_the_agent_who_approved(client: FlaskClient) -> None:
    issued = tokens_for(client)
    response = client.get("/api/v2/agents/me", headers=bearer(issued["access_token"]))
    assert response.status_code == 200
    assert response.get_json()["agent"]["email"] == "priya.raman@acme.com"


def test_login_hint_chooses_the_agent_auto_approval_signs_in_as(client: FlaskClient) -> None:
    client_id = register(client)["client_id"]
    code = authorize(client, client_id, login_hint="sam.okafor@acme.com")["code"][0]
    issued = client.post(
        f"/oauth/{DOMAIN}/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "client_id": client_id,
            "redirect_uri": CALLBACK,
            "code_verifier": VERIFIER,
        },
    ).get_json()
    me = client.get("/api/v2/agents/me", headers=bearer(issued["access_token"])).get_json()
    assert me["agent"]["email"] == "sam.okafor@acme.com"


def test_a_token_without_the_endpoints_scope_gets_403_naming_it(client: FlaskClient) -> None:
    issued = tokens_for(client, scope="freshservice.tickets.view")
    response = client.post(
        "/api/v2/tickets",
        headers=bearer(issued["access_token"]),
        json={"subject": "x", "description": "y", "email": "john@acme.com"},
    )
    assert response.status_code == 403
    body = response.get_json()
    assert body["code"] == "access_denied"
    assert "freshservice.tickets.create" in body["message"]


def test_a_token_with_the_scope_may_call_the_endpoint(client: FlaskClient) -> None:
    issued = tokens_for(client, scope="freshservice.tickets.view")
    assert client.get("/api/v2/tickets", headers=bearer(issued["access_token"])).status_code == 200


def test_refreshing_rotates_the_refresh_token(client: FlaskClient) -> None:
    issued = tokens_for(client)
    form = {
        "grant_type": "refresh_token",
        "refresh_token": issued["refresh_token"],
        "client_id": issued["client_id"],
    }
    renewed = client.post(f"/oauth/{DOMAIN}/token", data=form)
    assert renewed.status_code == 200
    assert renewed.get_json()["refresh_token"] != issued["refresh_token"]
    reused = client.post(f"/oauth/{DOMAIN}/token", data=form)
    assert reused.get_json()["error"] == "invalid_grant"


def test_reusing_a_rotated_refresh_token_revokes_the_whole_grant(client: FlaskClient) -> None:
    issued = tokens_for(client)
    form = {
        "grant_type": "refresh_token",
        "refresh_token": issued["refresh_token"],
        "client_id": issued["client_id"],
    }
    newest = client.post(f"/oauth/{DOMAIN}/token", data=form).get_json()
    client.post(f"/oauth/{DOMAIN}/token", data=form)  # the old one again: it leaked
    form["refresh_token"] = newest["refresh_token"]
    assert client.post(f"/oauth/{DOMAIN}/token", data=form).get_json()["error"] == "invalid_grant"
    me = client.get("/api/v2/agents/me", headers=bearer(newest["access_token"]))
    assert me.get_json()["code"] == "access_token_invalid"


def test_revoking_the_refresh_token_ends_its_access_tokens(client: FlaskClient) -> None:
    issued = tokens_for(client)
    revoked = client.post(
        f"/oauth/{DOMAIN}/revoke",
        data={"token": issued["refresh_token"], "client_id": issued["client_id"]},
    )
    assert revoked.status_code == 200
    response = client.get("/api/v2/agents/me", headers=bearer(issued["access_token"]))
    assert response.status_code == 401
    assert response.get_json()["code"] == "access_token_invalid"


def test_revoking_an_access_token_ends_it(client: FlaskClient) -> None:
    issued = tokens_for(client)
    client.post(
        f"/oauth/{DOMAIN}/revoke",
        data={"token": issued["access_token"], "client_id": issued["client_id"]},
    )
    response = client.get("/api/v2/agents/me", headers=bearer(issued["access_token"]))
    assert response.get_json()["code"] == "access_token_invalid"


def test_an_expired_token_gets_401_access_token_expired(client: FlaskClient) -> None:
    client.put(f"/_mock/oauth/{DOMAIN}/faults", json={"token_lifetime": 1})
    issued = tokens_for(client)
    assert issued["expires_in"] == 1
    time.sleep(2.1)
    response = client.get("/api/v2/agents/me", headers=bearer(issued["access_token"]))
    assert response.status_code == 401
    assert response.get_json()["code"] == "access_token_expired"


def test_a_token_for_another_account_is_refused_on_this_one(client: FlaskClient) -> None:
    issued = tokens_for(client)
    response = client.get(
        "/api/v2/agents/me",
        headers={**bearer(issued["access_token"]), "Host": "globex.freshservice.com"},
    )
    assert response.status_code == 401


def test_a_forged_token_is_invalid(client: FlaskClient) -> None:
    issued = tokens_for(client)
    head, body, _ = issued["access_token"].split(".")
    response = client.get("/api/v2/agents/me", headers=bearer(f"{head}.{body}.AAAA"))
    assert response.get_json()["code"] == "access_token_invalid"


def test_tokens_signed_before_a_key_rotation_still_verify(client: FlaskClient) -> None:
    issued = tokens_for(client)
    kid = client.post(f"/_mock/oauth/{DOMAIN}/rotate-keys", json={}).get_json()["kid"]
    assert kid in {k["kid"] for k in client.get(f"/oauth/{DOMAIN}/jwks.json").get_json()["keys"]}
    assert (
        client.get("/api/v2/agents/me", headers=bearer(issued["access_token"])).status_code == 200
    )
    newer = tokens_for(client)
    assert jwt.get_unverified_header(newer["access_token"])["kid"] == kid


def test_the_issuer_mismatch_fault_reports_another_issuer(client: FlaskClient) -> None:
    client.put(f"/_mock/oauth/{DOMAIN}/faults", json={"issuer": "https://acme.myfreshworks.com"})
    document = client.get(f"/.well-known/oauth-authorization-server/oauth/{DOMAIN}").get_json()
    assert document["issuer"] == "https://acme.myfreshworks.com"


def test_a_down_authorization_server_answers_503(client: FlaskClient) -> None:
    client.put(f"/_mock/oauth/{DOMAIN}/faults", json={"down": True})
    response = client.post(f"/oauth/{DOMAIN}/token", data={"grant_type": "refresh_token"})
    assert response.status_code == 503
    assert response.get_json()["error"] == "temporarily_unavailable"


class TestTheConsentPage:
    @pytest.fixture
    def app(self) -> Flask:
        return create_app(FakeSettings(now=NOW))

    def test_lists_the_scopes_and_the_accounts_agents(self, client: FlaskClient) -> None:
        client_id = register(client)["client_id"]
        page = client.get(
            f"/oauth/{DOMAIN}/authorize",
            query_string={
                "response_type": "code",
                "client_id": client_id,
                "redirect_uri": CALLBACK,
                "code_challenge": CHALLENGE,
                "code_challenge_method": "S256",
                "scope": "freshservice.tickets.view",
            },
        )
        text = page.get_data(as_text=True)
        assert page.status_code == 200
        assert "freshservice.tickets.view" in text
        assert "priya.raman@acme.com" in text

    def test_approving_as_an_agent_sends_a_code_back(self, client: FlaskClient) -> None:
        consent = self._consent(client)
        response = client.post(
            f"/oauth/{DOMAIN}/authorize",
            data={"consent": consent, "agent": "sam.okafor@acme.com", "decision": "approve"},
        )
        assert response.status_code == 302
        assert "code=" in response.headers["Location"]

    def test_denying_sends_access_denied_back(self, client: FlaskClient) -> None:
        consent = self._consent(client)
        response = client.post(
            f"/oauth/{DOMAIN}/authorize", data={"consent": consent, "decision": "deny"}
        )
        assert "error=access_denied" in response.headers["Location"]

    def test_a_consent_form_works_once(self, client: FlaskClient) -> None:
        consent = self._consent(client)
        form = {"consent": consent, "agent": "sam.okafor@acme.com", "decision": "approve"}
        client.post(f"/oauth/{DOMAIN}/authorize", data=form)
        assert client.post(f"/oauth/{DOMAIN}/authorize", data=form).status_code == 400

    @staticmethod
    def _consent(client: FlaskClient) -> str:
        client_id = register(client)["client_id"]
        page = client.get(
            f"/oauth/{DOMAIN}/authorize",
            query_string={
                "response_type": "code",
                "client_id": client_id,
                "code_challenge": CHALLENGE,
                "code_challenge_method": "S256",
            },
        ).get_data(as_text=True)
        return page.split('name="consent" value="', 1)[1].split('"', 1)[0]
