"""One typed settings object for the server, from the environment and command-line flags.

`ServerSettings` declares each setting once: its type, default, description and checks. Every
setting is an environment variable (docs/architecture.md §2) and a flag named after it without the
`FRESHSERVICE_` prefix, in kebab case (`FRESHSERVICE_TIMEOUT` → `--timeout`,
`FRESHSERVICE_MCP_CALLS_PER_MINUTE` → `--mcp-calls-per-minute`); a flag beats the environment.
`server.cli` makes its flags and their help from the declaration; both sources give text, which
the declaration parses.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import ipaddress
from collections.abc import Callable, Mapping
from typing import Annotated, Any, Literal, get_args, get_origin
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
)
from pydantic.dataclasses import dataclass
from pydantic.fields import FieldInfo
from pydantic_core import ErrorDetails

from server.toolsets import NAMES as TOOLSET_NAMES
from server.toolsets import listed as listed_toolsets

Transport = Literal["stdio", "http"]
LimitsScope = Literal["account", "key"]
AuthMode = Literal["api-key", "oauth", "both"]

TOOLSETS = TOOLSET_NAMES
LOOPBACK_HOSTS = ("127.0.0.1:*", "localhost:*", "[::1]:*")
LOOPBACK_ORIGINS = ("http://127.0.0.1:*", "http://localhost:*", "http://[::1]:*")
# Read from FRESHSERVICE_MCP_<NAME>; every other setting from FRESHSERVICE_<NAME>.
TRANSPORT_SETTINGS = ("transport", "host", "port", "stateful")


class SettingsError(ValueError):
    """A setting that cannot be used; the message names it and says what would do."""


# -- How a setting is spelled as text (a variable, a flag) ------------------------------------


def _split_commas(value: object) -> object:
    """`"tickets, assets"` → `("tickets", "assets")`; a tuple or list is left to the type."""
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split(",") if part.strip())
    return value


def _switch(value: object) -> object:
    """1/true/yes/on or 0/false/no/off/empty, in any case (pydantic alone takes t, y, …)."""
    if not isinstance(value, str):
        return value
    text = value.strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off", ""):
        return False
    raise ValueError(value)


Switch = Annotated[bool, BeforeValidator(_switch)]
CommaSeparated = Annotated[tuple[str, ...], BeforeValidator(_split_commas)]
# An empty FRESHSERVICE_DOMAIN (BASE_URL, API_KEY) means unset.
OptionalText = Annotated[str | None, BeforeValidator(lambda value: value or None)]


# -- Checks of one setting: the message names it ------------------------------------------------


def _check(test: Callable[[Any], bool], meaning: str) -> AfterValidator:
    def check(value: Any, info: ValidationInfo) -> Any:
        if not test(value):
            raise SettingsError(f"{info.field_name}: {meaning}")
        return value

    return AfterValidator(check)


Limit = Annotated[int, _check(lambda count: count >= 0, "must be 0 (off) or more")]
Seconds = Annotated[float, _check(lambda seconds: seconds > 0, "must be more than 0 seconds")]


def _known_toolsets(names: tuple[str, ...]) -> tuple[str, ...]:
    unknown = [name for name in names if name not in TOOLSETS]
    if unknown:
        raise SettingsError(
            f"toolsets: unknown {', '.join(unknown)} (known: {', '.join(TOOLSETS)})"
        )
    return names


def _limits_store(url: str) -> str:
    if not url.startswith(("memory://", "redis://", "rediss://")):
        raise SettingsError("mcp_limits_store: use memory:// or redis://host:port")
    if not url.startswith("memory://") and not redis_installed():
        raise SettingsError(
            "mcp_limits_store: a Redis store needs the redis extra: "
            "pip install 'freshservice-harness[redis]'"
        )
    return url


# -- The settings -------------------------------------------------------------------------------


# A pydantic dataclass rather than a pydantic-settings BaseSettings: it stays a dataclass (code and
# tests call dataclasses.fields and dataclasses.replace on it), and building one reads nothing from
# the environment. defer_build: its validator is built by the first ServerSettings, not by --help.
@dataclass(frozen=True, slots=True, config=ConfigDict(extra="forbid", defer_build=True))
class ServerSettings:
    transport: Annotated[Transport, Field(description="stdio or Streamable HTTP at /mcp")] = "stdio"
    host: Annotated[str, Field(description="HTTP address")] = "127.0.0.1"
    port: Annotated[int, Field(description="HTTP port; 0 = any free port, printed at start")] = 8000
    stateful: Annotated[Switch, Field(description="legacy-era sessions over HTTP")] = False
    domain: Annotated[OptionalText, Field(description="tenant, e.g. acme.freshservice.com")] = None
    base_url: Annotated[
        OptionalText, Field(description="http(s)://host[:port] instead of https://<domain>")
    ] = None
    api_key: Annotated[
        OptionalText, Field(description="the key for requests that bring none; prefer the variable")
    ] = dataclasses.field(default=None, repr=False)
    mcp_calls_per_minute: Annotated[Limit, Field(description="tool calls a window; 0 = off")] = 100
    mcp_calls_per_month: Annotated[
        Limit, Field(description="tool calls per calendar month (UTC); 0 = off")
    ] = 5000
    mcp_limits_store: Annotated[
        str,
        AfterValidator(_limits_store),
        Field(description="memory://, or redis://host:port/db to share one budget"),
    ] = "memory://"
    mcp_limits_scope: Annotated[
        LimitsScope, Field(description="count per account (the domain served) or per key")
    ] = "account"
    mcp_rate_window: Annotated[Seconds, Field(description="seconds in the moving window")] = 60.0
    mcp_read_timeout: Annotated[
        Seconds, Field(description="seconds an HTTP client has to send a whole request")
    ] = 30.0
    timeout: Annotated[Seconds, Field(description="seconds per upstream request")] = 15.0
    retry_budget: Annotated[
        float,
        _check(lambda seconds: seconds >= 0, "must be 0 (no retries) or more seconds"),
        Field(description="seconds a tool call may wait on 429 and 5xx"),
    ] = 30.0
    max_result_bytes: Annotated[Limit, Field(description="largest result; more is cut")] = 50_000
    toolsets: Annotated[
        CommaSeparated,
        AfterValidator(_known_toolsets),
        Field(description=f"toolsets served, comma-separated, of {listed_toolsets()}"),
    ] = TOOLSETS
    read_only: Annotated[Switch, Field(description="expose only the fetch tools")] = False
    mcp_allowed_hosts: Annotated[
        CommaSeparated, Field(description="Host headers accepted over HTTP, comma-separated")
    ] = LOOPBACK_HOSTS
    mcp_allowed_origins: Annotated[
        CommaSeparated, Field(description="Origins accepted over HTTP, comma-separated")
    ] = LOOPBACK_ORIGINS
    allow_insecure_upstream: Annotated[
        Switch, Field(description="allow plain http to a base URL off loopback")
    ] = False
    mcp_auth: Annotated[
        AuthMode,
        Field(description="HTTP callers bring an api-key, an oauth token, or both kinds work"),
    ] = "api-key"
    mcp_oauth_issuer: Annotated[
        OptionalText, Field(description="issuer URL of the OAuth authorization server")
    ] = None
    mcp_public_url: Annotated[
        OptionalText,
        Field(
            description="the URL clients call /mcp by (OAuth resource; default http://host:port/mcp)"
        ),
    ] = None

    def __post_init__(self) -> None:  # the checks across settings
        if self.base_url is not None:
            check_upstream(self.base_url, allow_insecure=self.allow_insecure_upstream)
        if self.mcp_auth != "api-key":
            if self.transport != "http":
                raise SettingsError(
                    f"mcp_auth: {self.mcp_auth} is for --transport http (stdio has no OAuth)"
                )
            if not self.mcp_oauth_issuer:
                raise SettingsError(
                    f"mcp_oauth_issuer: required with mcp_auth {self.mcp_auth}: the issuer URL "
                    "of the authorization server, e.g. http://127.0.0.1:8181/oauth/acme.freshservice.com"
                )
            check_upstream(
                self.mcp_oauth_issuer, allow_insecure=self.allow_insecure_upstream, path=True
            )

    def resource_url(self, port: int | None = None) -> str:
        """The URL clients call /mcp by: the public URL, else this address (on `port`, the
        one bound when --port 0 asked for any)."""
        if self.mcp_public_url:
            return self.mcp_public_url.rstrip("/")
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{port if port is not None else self.port}/mcp"

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


# Each setting's type (without Annotated), default and description, in declaration order.
SETTINGS: Mapping[str, FieldInfo] = ServerSettings.__pydantic_fields__  # type: ignore[attr-defined]


def variable(name: str) -> str:
    """The environment variable of a setting: `timeout` → `FRESHSERVICE_TIMEOUT`."""
    prefix = "FRESHSERVICE_MCP_" if name in TRANSPORT_SETTINGS else "FRESHSERVICE_"
    return prefix + name.upper()


def flag(name: str) -> str:
    """The flag of a setting: `retry_budget` → `--retry-budget`."""
    return "--" + name.replace("_", "-")


def redis_installed() -> bool:
    return importlib.util.find_spec("redis") is not None


def check_upstream(url: str, *, allow_insecure: bool, path: bool = False) -> None:
    """http:// only to loopback (a fake on this machine) unless explicitly allowed; `path`: a
    path may follow (an issuer URL), else scheme, host and port only (the base URL)."""
    name = "mcp_oauth_issuer" if path else "base_url"
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SettingsError(f"{name}: {url!r} is not an http(s) URL like http://127.0.0.1:8181")
    if not path and parts.path not in ("", "/"):
        raise SettingsError("base_url: give scheme, host and port only; the server adds /api/v2")
    if parts.scheme == "http" and not allow_insecure and not _is_loopback(parts.hostname):
        raise SettingsError(
            f"{name}: plain http to {parts.hostname} would send credentials unencrypted; use "
            "https, a loopback address, or --allow-insecure-upstream"
        )


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def from_sources(env: Mapping[str, str], flags: Mapping[str, object]) -> ServerSettings:
    """Settings from `FRESHSERVICE_*` variables, overridden by the flags given (non-None)."""
    given: dict[str, tuple[str, Any]] = {}  # setting → (the variable or flag, its value)
    for name in SETTINGS:
        if variable(name) in env:
            given[name] = (variable(name), env[variable(name)])
    for name, value in flags.items():
        if value is not None:
            given[name] = (flag(name), value)
    try:
        return ServerSettings(**{name: value for name, (_, value) in given.items()})
    except ValidationError as exc:
        raise SettingsError("; ".join(_said(e, given) for e in exc.errors())) from None


def _said(error: ErrorDetails, given: Mapping[str, tuple[str, object]]) -> str:
    """What is wrong, naming the variable or flag that said it."""
    cause = error.get("ctx", {}).get("error")
    if isinstance(cause, SettingsError):  # a check's message names the setting itself
        return str(cause)
    name = str(error["loc"][0]) if error["loc"] else ""
    source, value = given.get(name, (name, error["input"]))
    field = SETTINGS.get(name)
    if field is None:
        return f"{source}: not a setting"
    if not field.repr:  # api_key: never shown
        value = "…"
    if get_origin(field.annotation) is Literal:
        return f"{source}={value!r} is not {' or '.join(get_args(field.annotation))}"
    kind = getattr(field.annotation, "__name__", "value")
    return f"{source}={value!r} is not a valid {kind}"
