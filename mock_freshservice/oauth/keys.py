"""Each account's signing keys: the RS256 keys its access tokens are signed with, and the JWKS
that publishes their public halves.

A key is made when the account first signs a token (an RSA key takes a few tens of
milliseconds), and lives as long as the fake: a restarted fake has new keys, so the tokens it
issued before no longer verify, as its data written without `--state` is gone too. Rotation
(`POST /_mock/oauth/<domain>/rotate-keys`, or a scenario) makes a new current key and keeps the
previous one published, as an authorization server rotating gracefully does: tokens signed
before still verify, and a resource server that cached the old JWKS meets a `kid` it has not
seen and must fetch the JWKS again.
"""

from __future__ import annotations

import itertools
import threading
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

ALGORITHM = "RS256"
PUBLISHED = 2  # keys in the JWKS: the current one and the one before it


class SigningKeys:
    """One account's keys, newest last."""

    def __init__(self, domain: str) -> None:
        self.domain = domain
        self._keys: list[tuple[str, rsa.RSAPrivateKey]] = []
        self._serial = itertools.count(1)
        self._lock = threading.Lock()

    def _current(self) -> tuple[str, rsa.RSAPrivateKey]:
        with self._lock:
            if not self._keys:
                self._add()
            return self._keys[-1]

    def _add(self) -> str:
        kid = f"{self.domain.split('.', 1)[0]}-{next(self._serial)}"
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self._keys = [*self._keys, (kid, key)][-PUBLISHED:]
        return kid

    def rotate(self) -> str:
        """A new current key; the one before stays published. Returns the new key's id."""
        with self._lock:
            return self._add()

    def sign(self, claims: dict[str, Any]) -> str:
        kid, key = self._current()
        return jwt.encode(claims, key, algorithm=ALGORITHM, headers={"kid": kid})

    def public_key(self, kid: str) -> rsa.RSAPublicKey | None:
        for known, key in self._keys:
            if known == kid:
                return key.public_key()
        return None

    def jwks(self) -> dict[str, Any]:
        """The published keys as a JWK Set (RFC 7517)."""
        self._current()
        published = []
        for kid, key in self._keys:
            jwk: dict[str, Any] = RSAAlgorithm.to_jwk(key.public_key(), as_dict=True)
            jwk.update(kid=kid, use="sig", alg=ALGORITHM)
            published.append(jwk)
        return {"keys": published}
