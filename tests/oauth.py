"""An OAuth client for tests: registers with the fake's authorization server, signs in through
`contracts.oauth_browser` (as a user's browser would) and trades the code for tokens."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import secrets
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx

from contracts.oauth_browser import approve

CALLBACK = "http://127.0.0.1:9/oauth/callback"  # never called: the code is read off the redirect


def issuer_of(fake_url: str, domain: str = "acme.freshservice.com") -> str:
    return f"{fake_url}/oauth/{domain}"


@dataclasses.dataclass
class Tokens:
    access_token: str
    refresh_token: str
    expires_in: int
    scope: str
    client_id: str
    token_endpoint: str
    revocation_endpoint: str
    client_secret: str | None = None  # a confidential client's (client_secret_basic)

    def _client(self) -> dict[str, Any]:
        """How the client authenticates: Basic with its secret, else its id in the form."""
        if self.client_secret is not None:
            return {"auth": (self.client_id, self.client_secret)}
        return {"data": {"client_id": self.client_id}}

    def refreshed(self) -> Tokens:
        client = self._client()
        form = {"grant_type": "refresh_token", "refresh_token": self.refresh_token}
        answer = httpx.post(
            self.token_endpoint,
            auth=client.get("auth"),
            data={**client.get("data", {}), **form},
        )
        answer.raise_for_status()
        body = answer.json()
        return dataclasses.replace(
            self, access_token=body["access_token"], refresh_token=body["refresh_token"]
        )

    def revoke(self) -> None:
        client = self._client()
        httpx.post(
            self.revocation_endpoint,
            auth=client.get("auth"),
            data={**client.get("data", {}), "token": self.refresh_token},
        ).raise_for_status()


def metadata(issuer: str) -> dict[str, Any]:
    parts = urlsplit(issuer)
    url = f"{parts.scheme}://{parts.netloc}/.well-known/oauth-authorization-server{parts.path}"
    found: dict[str, Any] = httpx.get(url).raise_for_status().json()
    return found


def obtain(
    issuer: str,
    resource: str | None,
    scopes: list[str] | None = None,
    agent: str | None = None,
    *,
    confidential: bool = False,
) -> Tokens:
    """Tokens for `resource` with `scopes` (default: all), signed in as `agent` (default: the
    consent page's first agent, or the auto-approved admin), by a public client or, with
    `confidential`, one with a secret."""
    document = metadata(issuer)
    registered = (
        httpx.post(
            document["registration_endpoint"],
            json={
                "redirect_uris": [CALLBACK],
                "token_endpoint_auth_method": "client_secret_basic" if confidential else "none",
                "grant_types": ["authorization_code", "refresh_token"],
                "client_name": "freshservice-harness tests",
            },
        )
        .raise_for_status()
        .json()
    )
    client_id, secret = registered["client_id"], registered.get("client_secret")
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    query: dict[str, str] = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": CALLBACK,
        "code_challenge": challenge.rstrip(b"=").decode(),
        "code_challenge_method": "S256",
        "state": secrets.token_hex(8),
    }
    if scopes is not None:
        query["scope"] = " ".join(scopes)
    if resource is not None:
        query["resource"] = resource
    if agent is not None:
        query["login_hint"] = agent  # what an auto-approving fake signs in as
    callback = approve(f"{document['authorization_endpoint']}?{urlencode(query)}", agent=agent)
    returned = parse_qs(urlsplit(callback).query)
    assert "code" in returned, returned.get("error_description", returned)
    form = {
        "grant_type": "authorization_code",
        "code": returned["code"][0],
        "redirect_uri": CALLBACK,
        "code_verifier": verifier,
    }
    if secret is None:
        form["client_id"] = client_id
    body = (
        httpx.post(
            document["token_endpoint"],
            data=form,
            auth=(client_id, secret) if secret is not None else None,
        )
        .raise_for_status()
        .json()
    )
    return Tokens(
        access_token=body["access_token"],
        refresh_token=body["refresh_token"],
        expires_in=body["expires_in"],
        scope=body["scope"],
        client_id=client_id,
        token_endpoint=document["token_endpoint"],
        revocation_endpoint=document["revocation_endpoint"],
        client_secret=secret,
    )
