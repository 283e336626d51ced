"""Access tokens: signed JWTs (RFC 9068 claims) the fake's API, and resource servers such as
the MCP server, accept for the scopes they carry.

Audience: the resources the client named (RFC 8707 `resource`, e.g. the MCP server's URL) and
always the account's API, `https://<domain>/api/v2`. A token the MCP server receives is thus
issued for it *and* for Freshservice, so the server may send it on without passing through a
token meant for someone else (the MCP spec's token-passthrough ban); see docs/architecture.md.
"""

from __future__ import annotations

import dataclasses
import secrets
import time
from typing import Any

import jwt

from mock_freshservice.oauth import OAuthRegistry
from mock_freshservice.oauth.grants import AccountGrants, Family
from mock_freshservice.oauth.keys import ALGORITHM

ACCOUNT_CLAIM = "account"  # the Freshservice domain the token is for
LEEWAY_SECONDS = 0  # the fake is the only clock; tests rely on expiry to the second


def api_audience(domain: str) -> str:
    return f"https://{domain}/api/v2"


@dataclasses.dataclass(frozen=True, slots=True)
class AccessToken:
    """A verified access token: who, where, for what."""

    domain: str
    user_id: int
    client_id: str
    scopes: frozenset[str]
    jti: str
    family_id: str
    expires_at: int


class TokenRefused(Exception):
    """Why a bearer token cannot be used: `code` is Freshservice's error code."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


def mint(
    grants: AccountGrants,
    issuer: str,
    *,
    family: Family,
    scopes: tuple[str, ...],
    lifetime: int,
    resources: tuple[str, ...],
) -> str:
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": issuer,
        "sub": str(family.user_id),
        "aud": [*resources, api_audience(grants.domain)],
        "exp": now + lifetime,
        "iat": now,
        "nbf": now,
        "jti": secrets.token_hex(12),
        "client_id": family.client_id,
        "scope": " ".join(scopes),
        "sid": family.family_id,
        ACCOUNT_CLAIM: grants.domain,
    }
    return grants.keys.sign(claims)


def looks_like_jwt(token: str) -> bool:
    return token.count(".") == 2 and token.startswith("ey")


def verify(
    token: str,
    registry: OAuthRegistry,
    audience: str | None = None,
    *,
    ignore_expiry: bool = False,
) -> AccessToken:
    """The token's claims, checked: signature (the account's published keys), expiry (unless
    `ignore_expiry`), audience (`audience`, default the account's API) and revocation.
    TokenRefused says why not."""
    try:
        header = jwt.get_unverified_header(token)
        unverified = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        raise TokenRefused("access_token_invalid", "not a token this server issued") from None
    domain = unverified.get(ACCOUNT_CLAIM)
    grants = registry.known(domain) if isinstance(domain, str) else None
    key = grants.keys.public_key(str(header.get("kid"))) if grants is not None else None
    if grants is None or key is None:
        raise TokenRefused("access_token_invalid", "signed with a key this server does not know")
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=[ALGORITHM],
            audience=audience or api_audience(grants.domain),
            leeway=LEEWAY_SECONDS,
            options={"require": ["exp", "sub", "jti", "aud"], "verify_exp": not ignore_expiry},
        )
    except jwt.ExpiredSignatureError:
        raise TokenRefused("access_token_expired", "the access token has expired") from None
    except jwt.InvalidAudienceError:
        raise TokenRefused("access_token_invalid", "not issued for this API") from None
    except jwt.PyJWTError as exc:
        raise TokenRefused("access_token_invalid", f"the token does not verify: {exc}") from None
    jti, family_id = str(claims["jti"]), str(claims.get("sid", ""))
    if jti in grants.revoked_jtis or grants.family_revoked(family_id):
        raise TokenRefused("access_token_invalid", "the token was revoked")
    try:
        user_id = int(claims["sub"])
    except ValueError:
        raise TokenRefused("access_token_invalid", "its subject is not a user") from None
    return AccessToken(
        domain=grants.domain,
        user_id=user_id,
        client_id=str(claims.get("client_id", "")),
        scopes=frozenset(str(claims.get("scope", "")).split()),
        jti=jti,
        family_id=family_id,
        expires_at=int(claims["exp"]),
    )
