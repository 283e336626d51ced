"""One typed settings object for the fake, built from flags (see `cli.py`) or directly in tests."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

Plan = Literal["starter", "growth", "pro", "enterprise", "unlimited"]
PLANS: tuple[Plan, ...] = ("starter", "growth", "pro", "enterprise", "unlimited")

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8181
DEFAULT_SEED = 1
DEFAULT_PLAN: Plan = "enterprise"
DEFAULT_RATE_WINDOW = 60.0
# What one client may hold of the fake (serving.py): enough for load tests and slow clients,
# little enough that slow or idle ones cannot lock others out or fill its memory.
DEFAULT_CONNECTION_LIMIT = 960  # the most select() can watch (serving.py)
DEFAULT_IDLE_TIMEOUT = 30  # seconds; clients' keep-alive pools (httpx: 5 s) close theirs first
DEFAULT_MAX_HEADER_BYTES = 64 * 1024
DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024
# UNCONFIRMED: Freshworks does not publish its access tokens' lifetime; an hour is common.
DEFAULT_OAUTH_TOKEN_LIFETIME = 3600


@dataclasses.dataclass(frozen=True, slots=True)
class FakeSettings:
    """Everything that shapes one fake instance.

    `plan=None` means "each account's plan from the dataset, else enterprise"; a plan given here
    (the `--plan` flag) overrides every account, so `--plan unlimited` switches all limits off.
    `now=None` means the data clock follows real time; a value freezes it. `connection_limit`,
    `idle_timeout` (seconds), `max_header_bytes` and `max_body_bytes` bound what clients may hold
    (serving.py). `tls` serves HTTPS with a certificate from the local CA kept in `ca_dir`
    (tls.py); `public_url` starts the URLs the fake hands out (proxy.py).
    """

    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    seed: int = DEFAULT_SEED
    dataset: Path | None = None
    plan: Plan | None = None
    rate_window: float = DEFAULT_RATE_WINDOW
    api_keys: tuple[str, ...] = ()
    scenario: Path | None = None
    state: Path | None = None
    now: datetime | None = None
    admin_token: str | None = None
    threads: int = 8
    connection_limit: int = DEFAULT_CONNECTION_LIMIT
    idle_timeout: int = DEFAULT_IDLE_TIMEOUT
    max_header_bytes: int = DEFAULT_MAX_HEADER_BYTES
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    public_url: str | None = None
    tls: bool = False
    ca_dir: Path | None = None  # None: the user's data folder (tls.py)
    cassette: Path | None = None  # a recorded cassette's folder to replay (cassette.py)
    cassette_strict: bool = False  # refuse what the cassette did not record
    oauth_auto_approve: bool = False  # the sign-in page approves at once (oauth/server.py)
    oauth_token_lifetime: int = DEFAULT_OAUTH_TOKEN_LIFETIME

    def __post_init__(self) -> None:
        if self.rate_window <= 0:
            raise ValueError("rate_window must be positive")
        for name in (
            "connection_limit",
            "idle_timeout",
            "max_header_bytes",
            "max_body_bytes",
            "oauth_token_lifetime",
        ):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be positive")
        if self.cassette is not None and self.scenario is not None:
            raise ValueError("give a cassette or a scenario, not both (a cassette is a scenario)")
        if self.cassette_strict and self.cassette is None:
            raise ValueError("cassette_strict needs a cassette")
        if self.plan is not None and self.plan not in PLANS:
            raise ValueError(f"plan must be one of {', '.join(PLANS)}")
        if self.now is not None and self.now.tzinfo is None:
            object.__setattr__(self, "now", self.now.replace(tzinfo=UTC))
        if self.public_url is not None:
            object.__setattr__(self, "public_url", checked_public_url(self.public_url))


def checked_public_url(url: str) -> str:
    """`url` without a trailing slash, if it can start the URLs the fake hands out (`Link`,
    `Location`): http(s), a host, an optional port and path; else ValueError saying why."""
    try:
        parts = urlsplit(url)
        port_ok = parts.port is None or parts.port > 0
    except ValueError as exc:  # a port that is not a number, or out of range
        raise ValueError(f"public URL {url!r}: {exc}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname or not port_ok:
        raise ValueError(f"public URL {url!r}: give http(s)://host[:port][/path]")
    if parts.query or parts.fragment or parts.username or parts.password:
        raise ValueError(f"public URL {url!r}: no query, fragment or user name")
    return url.rstrip("/")
