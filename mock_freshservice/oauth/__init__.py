"""The fake Freshworks authorization server (OAuth 2.1) and the tokens it issues.

- `grants.py`: per account, the clients, codes, refresh-token families and revocations;
- `keys.py`: per account, the keys tokens are signed with, published as a JWKS;
- `tokens.py`: access tokens made and checked (the API accepts them: auth.py);
- `scopes.py`: the scope each API route needs, from the API reference;
- `server.py`: the blueprint (`/oauth/<domain>/…` and the metadata under `/.well-known/`).
"""

from __future__ import annotations

import threading

from mock_freshservice.oauth.grants import AccountGrants


class OAuthRegistry:
    """Every account's authorization-server state, made when first used."""

    def __init__(self) -> None:
        self._accounts: dict[str, AccountGrants] = {}
        self._lock = threading.Lock()

    def account(self, domain: str) -> AccountGrants:
        found = self._accounts.get(domain)
        if found is None:
            with self._lock:
                found = self._accounts.setdefault(domain, AccountGrants(domain))
        return found

    def known(self, domain: str) -> AccountGrants | None:
        return self._accounts.get(domain)
