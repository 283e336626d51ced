"""What the fake authorization server remembers, per account: registered clients, pending
consents, authorization codes, refresh-token families and revoked tokens.

Codes and refresh tokens are random and single-use; only their SHA-256 digests are kept, so
nothing here (nor a journal) holds a usable secret. A refresh token belongs to a *family*, the
chain of tokens one authorization started: refreshing rotates the token (the old one stops
working), and a rotated token presented again means it leaked, so the whole family is revoked
(OAuth 2.1 §4.3.1). Access tokens carry their family's id (`sid`), so revoking a family ends its
access tokens too wherever the fake checks them.
"""

from __future__ import annotations

import dataclasses
import hashlib
import secrets
import threading
import time
from typing import Any

from mock_freshservice.oauth.keys import SigningKeys

CODE_SECONDS = 60  # an authorization code's life (RFC 6749 §4.1.2 recommends at most 10 min)
CONSENT_SECONDS = 600  # how long the login page's form stays good
REFRESH_SECONDS = 90 * 24 * 3600  # UNCONFIRMED: Freshworks does not publish refresh lifetimes


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_secret() -> str:
    return secrets.token_urlsafe(32)


@dataclasses.dataclass(frozen=True, slots=True)
class Client:
    client_id: str
    secret_digest: str | None  # None: a public client (token_endpoint_auth_method "none")
    redirect_uris: tuple[str, ...]
    client_name: str
    auth_method: str
    grant_types: tuple[str, ...]
    issued_at: int


@dataclasses.dataclass(frozen=True, slots=True)
class Authorization:
    """What an approved (or pending) authorization request asked for and who approved it."""

    client_id: str
    redirect_uri: str
    redirect_uri_given: bool  # then the token request must repeat it (RFC 6749 §4.1.3)
    code_challenge: str
    scopes: tuple[str, ...]
    resources: tuple[str, ...]
    state: str | None
    user_id: int = 0


@dataclasses.dataclass(slots=True)
class Family:
    """The refresh tokens of one authorization, and whether it still stands."""

    family_id: str
    client_id: str
    user_id: int
    scopes: tuple[str, ...]
    resources: tuple[str, ...]
    current: str  # digest of the one refresh token that still works
    expires_at: float
    revoked: bool = False


@dataclasses.dataclass(slots=True)
class OAuthFaults:
    """How the account's authorization server misbehaves (the admin API, a scenario's `oauth:`
    section; the names are the scenario's, scenario.schema.json)."""

    issuer: str | None = None  # the metadata's issuer, when it must not match (the hosted one's)
    token_lifetime: int | None = None  # seconds, instead of --oauth-token-lifetime
    down: bool = False  # every endpoint answers 503
    delay: float = 0.0  # seconds every endpoint waits before answering
    refresh: str | None = None  # "refuse": every refresh is invalid_grant
    audience: str | None = None  # tokens name this resource instead of the client's
    grant_scopes: tuple[str, ...] | None = None  # tokens carry only these scopes
    rotate_keys_every: int | None = None  # a new signing key after every N tokens

    @classmethod
    def of(cls, settings: dict[str, Any]) -> OAuthFaults:
        given = dict(settings)
        if given.get("grant_scopes") is not None:
            given["grant_scopes"] = tuple(given["grant_scopes"])
        return cls(**given)


class AccountGrants:
    """One account's clients, codes, families and revoked access tokens."""

    def __init__(self, domain: str) -> None:
        self.domain = domain
        self.faults = OAuthFaults()
        self.keys = SigningKeys(domain)
        self.clients: dict[str, Client] = {}
        self.pending: dict[str, tuple[Authorization, float]] = {}  # consent id → request
        self.codes: dict[str, tuple[Authorization, float]] = {}  # code digest → grant
        self.used_codes: dict[str, str | None] = {}  # code digest → family it started
        self.families: dict[str, Family] = {}
        self.by_refresh: dict[str, str] = {}  # refresh digest (current or rotated) → family
        self.revoked_jtis: set[str] = set()
        self.minted = 0  # access tokens issued, for rotate_keys_every
        self.lock = threading.RLock()

    # -- clients ---------------------------------------------------------------------------------

    def register(
        self,
        redirect_uris: tuple[str, ...],
        client_name: str,
        auth_method: str,
        grant_types: tuple[str, ...],
    ) -> tuple[Client, str | None]:
        """A new client, and its secret (None for a public client), shown this once only."""
        secret = None if auth_method == "none" else new_secret()
        client = Client(
            client_id="fs-" + secrets.token_hex(12),
            secret_digest=None if secret is None else digest(secret),
            redirect_uris=redirect_uris,
            client_name=client_name,
            auth_method=auth_method,
            grant_types=grant_types,
            issued_at=int(time.time()),
        )
        with self.lock:
            self.clients[client.client_id] = client
        return client, secret

    # -- the consent page and codes ----------------------------------------------------------

    def hold(self, request: Authorization) -> str:
        consent = new_secret()
        with self.lock:
            self._prune()
            self.pending[consent] = (request, time.time() + CONSENT_SECONDS)
        return consent

    def take_pending(self, consent: str) -> Authorization | None:
        with self.lock:
            held = self.pending.pop(consent, None)
        if held is None or held[1] < time.time():
            return None
        return held[0]

    def issue_code(self, grant: Authorization) -> str:
        code = new_secret()
        with self.lock:
            self._prune()
            self.codes[digest(code)] = (grant, time.time() + CODE_SECONDS)
        return code

    def redeem_code(self, code: str) -> tuple[Authorization | None, str | None]:
        """(the grant, None) for a good code; (None, family or None) for an unknown, expired or
        used one: a used code's family must be revoked (RFC 6749 §4.1.2)."""
        key = digest(code)
        with self.lock:
            held = self.codes.pop(key, None)
            if held is None:
                return None, self.used_codes.get(key)
            self.used_codes[key] = None
        grant, expires = held
        if expires < time.time():
            return None, None
        return grant, None

    def note_code_family(self, code: str, family_id: str) -> None:
        with self.lock:
            self.used_codes[digest(code)] = family_id

    # -- refresh families ----------------------------------------------------------------------

    def start_family(self, grant: Authorization) -> tuple[Family, str]:
        refresh = new_secret()
        family = Family(
            family_id=secrets.token_hex(8),
            client_id=grant.client_id,
            user_id=grant.user_id,
            scopes=grant.scopes,
            resources=grant.resources,
            current=digest(refresh),
            expires_at=time.time() + REFRESH_SECONDS,
        )
        with self.lock:
            self.families[family.family_id] = family
            self.by_refresh[family.current] = family.family_id
        return family, refresh

    def rotate(self, refresh: str) -> tuple[Family | None, str | None, str]:
        """(family, new refresh token, "") or (None, None, why the token is refused)."""
        key = digest(refresh)
        with self.lock:
            family = self.families.get(self.by_refresh.get(key, ""))
            if family is None:
                return None, None, "the refresh token is not one this server issued"
            if family.revoked:
                return None, None, "the refresh token was revoked"
            if family.current != key:
                family.revoked = True  # a rotated token again: it leaked (OAuth 2.1 §4.3.1)
                return None, None, "the refresh token was already used; the grant is revoked"
            if family.expires_at < time.time():
                return None, None, "the refresh token has expired"
            refresh_new = new_secret()
            family.current = digest(refresh_new)
            self.by_refresh[family.current] = family.family_id
            return family, refresh_new, ""

    def revoke_refresh(self, refresh: str) -> bool:
        with self.lock:
            family = self.families.get(self.by_refresh.get(digest(refresh), ""))
            if family is None:
                return False
            family.revoked = True
            return True

    def revoke_family(self, family_id: str) -> None:
        with self.lock:
            family = self.families.get(family_id)
            if family is not None:
                family.revoked = True

    def family_revoked(self, family_id: str) -> bool:
        family = self.families.get(family_id)
        return family is None or family.revoked

    def _prune(self) -> None:
        now = time.time()
        for table in (self.pending, self.codes):
            for stale in [k for k, (_, expires) in table.items() if expires < now]:
                del table[stale]
