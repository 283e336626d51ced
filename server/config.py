"""One typed settings object for the server, from the environment and command-line flags.

Every setting is an environment variable (docs/architecture.md §2) and a flag named after it
without the `FRESHSERVICE_` prefix, in kebab case (`FRESHSERVICE_TIMEOUT` → `--timeout`,
`FRESHSERVICE_MCP_CALLS_PER_MINUTE` → `--mcp-calls-per-minute`); a flag beats the environment.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import ipaddress
from collections.abc import Mapping
from typing import Literal
from urllib.parse import urlsplit

Transport = Literal["stdio", "http"]
LimitsScope = Literal["account", "key"]

TOOLSETS = (
    "tickets",
    "assets",
    "people",
    "onboarding",
    "service_catalog",
    "solutions",
    "workspaces",
)
LOOPBACK_HOSTS = ("127.0.0.1:*", "localhost:*", "[::1]:*")
LOOPBACK_ORIGINS = ("http://127.0.0.1:*", "http://localhost:*", "http://[::1]:*")


class SettingsError(ValueError):
    """A setting that cannot be used; the message names it and says what would do."""


@dataclasses.dataclass(frozen=True, slots=True)
class ServerSettings:
    transport: Transport = "stdio"
    host: str = "127.0.0.1"
    port: int = 8000
    stateful: bool = False
    domain: str | None = None
    base_url: str | None = None
    api_key: str | None = dataclasses.field(default=None, repr=False)
    mcp_calls_per_minute: int = 100
    mcp_calls_per_month: int = 5000
    mcp_limits_store: str = "memory://"
    mcp_limits_scope: LimitsScope = "account"
    mcp_rate_window: float = 60.0
    mcp_read_timeout: float = 30.0
    timeout: float = 15.0
    retry_budget: float = 30.0
    max_result_bytes: int = 50_000
    toolsets: tuple[str, ...] = TOOLSETS
    read_only: bool = False
    mcp_allowed_hosts: tuple[str, ...] = LOOPBACK_HOSTS
    mcp_allowed_origins: tuple[str, ...] = LOOPBACK_ORIGINS
    allow_insecure_upstream: bool = False

    def __post_init__(self) -> None:
        unknown = [t for t in self.toolsets if t not in TOOLSETS]
        if unknown:
            raise SettingsError(
                f"toolsets: unknown {', '.join(unknown)} (known: {', '.join(TOOLSETS)})"
            )
        for name in ("mcp_calls_per_minute", "mcp_calls_per_month", "max_result_bytes"):
            if getattr(self, name) < 0:
                raise SettingsError(f"{name}: must be 0 (off) or more")
        for name in ("mcp_rate_window", "mcp_read_timeout", "timeout"):
            if getattr(self, name) <= 0:
                raise SettingsError(f"{name}: must be more than 0 seconds")
        if self.retry_budget < 0:
            raise SettingsError("retry_budget: must be 0 (no retries) or more seconds")
        if not self.mcp_limits_store.startswith(("memory://", "redis://", "rediss://")):
            raise SettingsError("mcp_limits_store: use memory:// or redis://host:port")
        if not self.mcp_limits_store.startswith("memory://") and not redis_installed():
            raise SettingsError(
                "mcp_limits_store: a Redis store needs the redis extra: "
                "pip install 'freshservice-harness[redis]'"
            )
        if self.base_url is not None:
            check_upstream(self.base_url, allow_insecure=self.allow_insecure_upstream)

    @property
    def upstream(self) -> str | None:
        """scheme://host[:port] of the Freshservice API, without /api/v2."""
        if self.base_url:
            return self.base_url.rstrip("/")
        if self.domain:
            return f"https://{self.domain}"
        return None

    @property
    def account(self) -> str:
        """The account the limits count against in account scope: the domain served."""
        return self.domain or self.upstream or "unconfigured"


def redis_installed() -> bool:
    return importlib.util.find_spec("redis") is not None


def check_upstream(url: str, *, allow_insecure: bool) -> None:
    """http:// only to loopback (a fake on this machine) unless explicitly allowed."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SettingsError(f"base_url: {url!r} is not an http(s) URL like http://127.0.0.1:8181")
    if parts.path not in ("", "/"):
        raise SettingsError("base_url: give scheme, host and port only; the server adds /api/v2")
    if parts.scheme == "http" and not allow_insecure and not _is_loopback(parts.hostname):
        raise SettingsError(
            f"base_url: plain http to {parts.hostname} would send API keys unencrypted; use https, "
            "a loopback address, or --allow-insecure-upstream"
        )


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


_BOOL_TRUE = {"1", "true", "yes", "on"}
_BOOL_FALSE = {"0", "false", "no", "off", ""}


def from_sources(env: Mapping[str, str], flags: Mapping[str, object]) -> ServerSettings:
    """Settings from `FRESHSERVICE_*` variables, overridden by the flags given (non-None)."""
    values: dict[str, object] = {}
    for field in dataclasses.fields(ServerSettings):
        variable = f"FRESHSERVICE_{field.name.upper()}"
        if field.name in ("transport", "host", "port", "stateful"):
            variable = f"FRESHSERVICE_MCP_{field.name.upper()}"
        if variable in env:
            values[field.name] = _parse(field.name, variable, env[variable], field.type)
    for name, value in flags.items():
        if value is not None:
            values[name] = value
    try:
        return ServerSettings(**values)  # type: ignore[arg-type]
    except TypeError as exc:
        raise SettingsError(str(exc)) from exc


def _parse(name: str, variable: str, raw: str, kind: object) -> object:
    text = str(kind)
    try:
        if "tuple" in text:
            return tuple(part.strip() for part in raw.split(",") if part.strip())
        if text.startswith("bool"):
            lowered = raw.strip().lower()
            if lowered not in _BOOL_TRUE | _BOOL_FALSE:
                raise ValueError(raw)
            return lowered in _BOOL_TRUE
        if text.startswith("int"):
            return int(raw)
        if text.startswith("float"):
            return float(raw)
    except ValueError:
        kind = text.split(maxsplit=1)[0]
        raise SettingsError(f"{variable}={raw!r} is not a valid {kind}") from None
    return raw or None if name in ("domain", "base_url", "api_key") else raw
