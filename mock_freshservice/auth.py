"""Who is calling: Basic `<api key>:X`, as Freshservice authenticates API v2 requests, or an
OAuth access token the fake's authorization server issued (`Bearer <token>`, oauth/)."""

from __future__ import annotations

import base64
import binascii
import dataclasses
import functools

from mock_freshservice import errors, guesses
from mock_freshservice.data.account import AccountData
from mock_freshservice.journal import fingerprint
from mock_freshservice.oauth import tokens
from mock_freshservice.state import FakeState, KeyBinding


@dataclasses.dataclass(frozen=True, slots=True)
class Presented:
    """What the Authorization header offered, before it is judged."""

    key: str | None
    binding: KeyBinding | None
    scheme: str | None
    fingerprint: str | None
    token: tokens.AccessToken | None = None  # a bearer token, verified
    refused: tokens.TokenRefused | None = None  # a bearer token, and why it is no good


def presented_credentials(header: str | None, state: FakeState) -> Presented:
    key, scheme, fingerprint_ = parse_authorization(header or "")
    if scheme == "bearer" and key:
        try:
            token = tokens.verify(key, state.oauth)
        except tokens.TokenRefused as exc:
            return Presented(key, None, scheme, fingerprint_, refused=exc)
        binding = state.token_binding(key, token.domain, token.user_id)
        return Presented(key, binding, scheme, fingerprint_, token=token)
    binding = state.binding(key) if key and scheme == "basic" else None
    return Presented(key, binding, scheme, fingerprint_)


@functools.lru_cache(maxsize=1_024)
def parse_authorization(header: str) -> tuple[str | None, str | None, str | None]:
    """(key, scheme, key fingerprint) from an Authorization header; pure, so cached."""
    if not header:
        return None, None, None
    scheme, _, value = header.strip().partition(" ")
    scheme = scheme.lower()
    if scheme != "basic":
        key = value.strip() or None
        return key, scheme, None if key is None else fingerprint(key)
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None, scheme, None
    key = decoded.split(":", 1)[0] or None
    return key, scheme, None if key is None else fingerprint(key)


def account_of(presented: Presented, host: str, state: FakeState) -> AccountData | None:
    """The account a request belongs to: its key's, else the one its Host names, else none."""
    if presented.binding is not None:
        return state.accounts.get(presented.binding.domain)
    return state.account_for_host(host)


def authenticate(presented: Presented, host: str, state: FakeState) -> KeyBinding:
    """The key's binding, or the 401 Freshservice would answer."""
    if presented.scheme == "bearer":
        if presented.refused is not None and presented.refused.code == "access_token_expired":
            raise errors.RequestError(
                401, "access_token_expired", guesses.ACCESS_TOKEN_EXPIRED_MESSAGE
            )
        if presented.token is None or presented.binding is None:
            raise errors.RequestError(
                401, "access_token_invalid", guesses.ACCESS_TOKEN_INVALID_MESSAGE
            )
    binding = presented.binding
    if binding is None or presented.key in state.revoked:
        if presented.key and "@" in presented.key and binding is None:
            raise errors.RequestError(
                401, "unsupported_authentication_type", guesses.UNSUPPORTED_AUTH_MESSAGE
            )
        raise errors.invalid_credentials()
    named = state.account_for_host(host)
    if named is not None and named.domain != binding.domain:
        # A key is valid only on its own tenant's domain.
        raise errors.invalid_credentials()
    account = state.accounts.get(binding.domain)
    if account is not None:  # (an account still being built is answered later)
        user = account.user(binding.user_id)
        if user is None or user.get("active") is False:
            # Its user was deactivated or forgotten through the API (guesses, people's writes).
            raise errors.invalid_credentials()
    return binding
