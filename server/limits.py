"""Tool-call limits: a moving window (100 calls a minute by default) and a calendar month (5000,
UTC), per account or per key, kept in memory or in Redis so several server processes share one
budget.

The `limits` library keeps the counters (a moving window, and a plain counter whose key names
the month); the store is chosen by URL: `memory://` or `redis://host:port/db`. A limit of 0 is
off. Time comes from the clock `limits` uses (`time.time`), so tests can move it.
"""

from __future__ import annotations

import dataclasses
import math
import time
from datetime import UTC, datetime
from typing import Literal, cast
from urllib.parse import urlsplit

from limits import RateLimitItemPerSecond
from limits.aio.storage import Storage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.errors import StorageError
from limits.storage import storage_from_string

try:  # the redis extra: a Redis store shared by several servers
    from redis.exceptions import AuthenticationError, RedisError
except ModuleNotFoundError:  # memory:// only; config refuses a redis:// store without it

    class RedisError(Exception):  # type: ignore[no-redef]
        """Stands in for redis's errors, which cannot be raised without redis."""

    AuthenticationError = RedisError  # type: ignore[misc,assignment]

Scope = Literal["account", "key"]
NAMESPACE = "freshservice-mcp"


@dataclasses.dataclass(frozen=True, slots=True)
class Refusal:
    """A tool call over a limit: which one, and how long until it frees."""

    limit: Literal["minute", "month"]
    allowed: int
    window: str
    retry_after: int

    @property
    def message(self) -> str:
        return (
            f"Tool-call limit reached: at most {self.allowed} calls {self.window}. "
            f"Try again in {self.retry_after} second{'s' if self.retry_after != 1 else ''}."
        )


class LimitsUnavailable(Exception):
    """The store behind the limits cannot be used; calls are refused until it can.

    Refusing (rather than letting calls through uncounted) keeps the limits a promise: a
    shared Redis that is down must not turn several servers into unlimited ones. `cause` says
    what went wrong, for the server's log (the store's password is never in it).
    """

    def __init__(self, message: str, *, cause: str) -> None:
        super().__init__(message)
        self.cause = cause


def _where(url: str) -> str:
    """scheme://host:port of a store URL, without any password in it."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname}:{parts.port or 6379}"


def _chain(exc: BaseException) -> list[BaseException]:
    found: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in found:
        found.append(current)
        current = current.__cause__ or current.__context__
    return found


def _refused_credentials(exc: BaseException) -> bool:
    """Whether Redis said no to the password (not: could not be reached)."""
    return any(
        isinstance(found, AuthenticationError)
        or any(word in str(found) for word in ("WRONGPASS", "NOAUTH", "invalid password"))
        for found in _chain(exc)
    )


def _described(exc: BaseException, url: str) -> str:
    """`Type: message` of the innermost cause, with the store URL's password blanked."""
    inner = _chain(exc)[-1]
    text = f"{type(inner).__name__}: {inner}"
    password = urlsplit(url).password
    return text.replace(password, "***") if password else text


def store_from_url(url: str) -> Storage:
    """`memory://` or `redis://…` (the async drivers of `limits`)."""
    if url.startswith("memory://"):
        return cast(Storage, storage_from_string("async+memory://"))
    if url.startswith(("redis://", "rediss://")):
        return cast(Storage, storage_from_string(f"async+{url}", implementation="redispy"))
    raise ValueError(f"unsupported limits store {url!r}: use memory:// or redis://")


def month_bounds(now: float) -> tuple[str, int]:
    """('YYYY-MM', seconds until the next month starts), in UTC."""
    moment = datetime.fromtimestamp(now, UTC)
    if moment.month == 12:
        following = moment.replace(year=moment.year + 1, month=1, day=1)
    else:
        following = moment.replace(month=moment.month + 1, day=1)
    start = following.replace(hour=0, minute=0, second=0, microsecond=0)
    return moment.strftime("%Y-%m"), max(1, math.ceil(start.timestamp() - now))


class ToolCallLimits:
    def __init__(
        self, *, per_minute: int, per_month: int, window_seconds: float, store_url: str
    ) -> None:
        self.store_url = store_url
        self.per_minute = per_minute
        self.per_month = per_month
        self.window_seconds = max(1, math.ceil(window_seconds))
        self._storage = store_from_url(store_url)
        self._limiter = MovingWindowRateLimiter(self._storage)
        self._item = RateLimitItemPerSecond(max(per_minute, 1), self.window_seconds)

    async def spend(self, identity: str) -> Refusal | None:
        """Count one call for `identity`, or refuse it (a refused call counts against nothing)."""
        try:
            return await self._spend(identity)
        except (ConnectionError, TimeoutError, OSError, RedisError, StorageError) as exc:
            where = _where(self.store_url)
            cause = _described(exc, self.store_url)
            if _refused_credentials(exc):
                raise LimitsUnavailable(
                    f"The tool-call limits store ({where}) refused the server's credentials "
                    "(a wrong or missing password in FRESHSERVICE_MCP_LIMITS_STORE), so calls "
                    "are refused until the server's operator fixes it.",
                    cause=f"{where}: {cause}",
                ) from exc
            raise LimitsUnavailable(
                f"The tool-call limits store ({where}) cannot be reached, so "
                "calls are refused until it can. Try again shortly, or ask the server's operator.",
                cause=f"{where}: {cause}",
            ) from exc

    async def _spend(self, identity: str) -> Refusal | None:
        month_key = None
        if self.per_month:
            month, seconds_left = month_bounds(time.time())
            month_key = f"{NAMESPACE}/month/{identity}/{month}"
            used = await self._storage.incr(month_key, seconds_left + 86_400)
            if used > self.per_month:
                await self._storage.incr(month_key, seconds_left + 86_400, amount=-1)
                return Refusal("month", self.per_month, "per calendar month (UTC)", seconds_left)
        if self.per_minute and not await self._limiter.hit(self._item, NAMESPACE, identity):
            if month_key is not None:
                _, seconds_left = month_bounds(time.time())
                await self._storage.incr(month_key, seconds_left + 86_400, amount=-1)
            stats = await self._limiter.get_window_stats(self._item, NAMESPACE, identity)
            wait = max(1, math.ceil(stats.reset_time - time.time()))
            window = {60: "per minute", 1: "per second"}.get(
                self.window_seconds, f"per {self.window_seconds} seconds"
            )
            return Refusal("minute", self.per_minute, window, wait)
        return None
