"""The server as an OAuth 2.1 resource server (FRESHSERVICE_MCP_AUTH=oauth or both).

Tokens come from the authorization server named by FRESHSERVICE_MCP_OAUTH_ISSUER: its RFC 8414
metadata gives the JWKS, whose keys verify each token's signature; the token must also be
unexpired, from that issuer, and for this server (`aud` holds its resource URL, RFC 8707).
The SDK's pieces do the rest: `BearerAuthBackend` runs this verifier, `AuthenticatedUser` carries
the token to the tools, and `create_protected_resource_routes` serves the RFC 9728 metadata.

How the server then calls Freshservice: with the same token. The MCP spec forbids passing on a
token that was not issued for the MCP server; this one was issued for it *and* for the
account's API (its audience names both), so sending it on is what its issuer meant. An
authorization server that issues MCP-only tokens would need an RFC 8693 exchange here instead
(docs/architecture.md §14).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections import OrderedDict
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
import jwt
from mcp.server.auth.provider import AccessToken, TokenVerifier

log = logging.getLogger("freshservice_mcp")

ALGORITHMS = ["RS256", "ES256"]
REFETCH_SECONDS = 1.0  # the least time between two JWKS fetches for an unknown key id
FETCH_TIMEOUT = 10.0
REFUSED_REMEMBERED = 4096
ACCOUNT_CLAIM = "account"


def metadata_urls(issuer: str) -> list[str]:
    """Where an issuer's metadata may be, in the order RFC 8414 §3.1 and OpenID ask."""
    parts = urlsplit(issuer)
    path = parts.path.rstrip("/")
    paths = (
        f"/.well-known/oauth-authorization-server{path}",
        f"/.well-known/openid-configuration{path}",
        f"{path}/.well-known/openid-configuration",
    )
    return [urlunsplit((parts.scheme, parts.netloc, where, "", "")) for where in paths]


class IssuerUnusable(Exception):
    """The authorization server cannot be used to check tokens; the message says why."""


class JwksVerifier(TokenVerifier):
    """Checks access tokens against the issuer's published keys (fetched, then cached)."""

    def __init__(self, issuer: str, resource: str, *, timeout: float = FETCH_TIMEOUT) -> None:
        self.issuer = issuer.rstrip("/")
        self.resource = resource
        self.timeout = timeout
        self._keys: dict[str, Any] = {}
        self._jwks_uri: str | None = None
        self._fetched_at = 0.0
        self._lock = asyncio.Lock()
        # Tokens Freshservice refused (revoked upstream): refused here from then on.
        self._refused: OrderedDict[str, None] = OrderedDict()

    async def verify_token(self, token: str) -> AccessToken | None:
        if token.count(".") != 2 or _digest(token) in self._refused:
            return None
        try:
            kid = jwt.get_unverified_header(token).get("kid")
        except jwt.PyJWTError:
            return None
        key = await self._key(str(kid))
        if key is None:
            return None
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=ALGORITHMS,
                audience=self.resource,
                issuer=self.issuer,
                options={"require": ["exp", "sub", "aud", "iss"]},
            )
        except jwt.PyJWTError as exc:
            log.info("refused a bearer token: %s", type(exc).__name__)
            return None
        return AccessToken(
            token=token,
            client_id=str(claims.get("client_id", "")),
            scopes=str(claims.get("scope", "")).split(),
            expires_at=int(claims["exp"]),
            resource=self.resource,
            subject=str(claims["sub"]),
            claims={"iss": claims["iss"], ACCOUNT_CLAIM: claims.get(ACCOUNT_CLAIM)},
        )

    def refuse(self, token: str) -> None:
        """Freshservice refused `token` (revoked there): refuse it at the door from now on."""
        self._refused[_digest(token)] = None
        if len(self._refused) > REFUSED_REMEMBERED:
            self._refused.popitem(last=False)

    async def _key(self, kid: str) -> Any:
        found = self._keys.get(kid)
        if found is not None:
            return found
        async with self._lock:
            found = self._keys.get(kid)
            if found is None and time.monotonic() - self._fetched_at >= REFETCH_SECONDS:
                # An unknown key id: the issuer may have rotated its keys.
                self._fetched_at = time.monotonic()
                try:
                    self._keys = await self._fetch_keys()
                except IssuerUnusable as exc:
                    log.warning("cannot check OAuth tokens: %s", exc)
                    self._fetched_at = 0.0 if not self._keys else self._fetched_at
                found = self._keys.get(kid)
        return found

    async def _fetch_keys(self) -> dict[str, Any]:
        async with httpx.AsyncClient(timeout=self.timeout, follow_redirects=False) as client:
            if self._jwks_uri is None:
                self._jwks_uri = await self._discover(client)
            try:
                response = await client.get(self._jwks_uri)
                response.raise_for_status()
                document = response.json()
            except (httpx.HTTPError, ValueError) as exc:
                raise IssuerUnusable(f"its JWKS at {self._jwks_uri}: {_said(exc)}") from None
        keys: dict[str, Any] = {}
        for entry in document.get("keys", []) if isinstance(document, dict) else []:
            try:
                keys[str(entry.get("kid"))] = jwt.PyJWK(entry).key
            except (jwt.PyJWTError, TypeError, ValueError):
                continue  # a key of a kind we do not use
        return keys

    async def _discover(self, client: httpx.AsyncClient) -> str:
        problems = []
        for url in metadata_urls(self.issuer):
            try:
                response = await client.get(url)
            except httpx.HTTPError as exc:
                problems.append(f"{url}: {_said(exc)}")
                continue
            if response.status_code != 200:
                problems.append(f"{url}: {response.status_code}")
                continue
            try:
                document = response.json()
            except ValueError:
                problems.append(f"{url}: not JSON")
                continue
            said = str(document.get("issuer", "")).rstrip("/")
            if said != self.issuer:
                # RFC 8414 §3.3: metadata naming another issuer must not be used.
                raise IssuerUnusable(
                    f"the metadata at {url} names the issuer {said!r}, not {self.issuer!r} "
                    "(RFC 8414 §3.3); set FRESHSERVICE_MCP_OAUTH_ISSUER to the issuer it names"
                )
            jwks_uri = document.get("jwks_uri")
            if not isinstance(jwks_uri, str):
                raise IssuerUnusable(f"the metadata at {url} has no jwks_uri")
            return jwks_uri
        raise IssuerUnusable("no authorization-server metadata: " + "; ".join(problems))


def _said(exc: BaseException) -> str:
    if isinstance(exc, httpx.HTTPStatusError):
        return str(exc.response.status_code)
    return type(exc).__name__


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
