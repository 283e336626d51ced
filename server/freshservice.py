"""The Freshservice API v2 client: policy in small steps over one pooled sender (the network,
`server/transport.py`).

    FreshserviceError                 every failure; carries method, path, status, request id
     ├── ValidationFailed             400 with Freshservice's `errors` (field, message, code)
     ├── BadRequest                   other 400s (invalid_json, missing_params), 406, 415
     ├── AuthFailed                   401: the key is missing, wrong or revoked
     ├── Forbidden                    403: the key's user lacks the privilege
     ├── NotFound                     404
     ├── MethodNotAllowed             405: the record cannot take this (e.g. a deleted ticket)
     ├── Conflict                     409: a duplicate
     ├── RateLimited                  429, with `retry_after`, once the retry budget is spent
     ├── UpstreamError                5xx or an unexpected status; `may_have_happened` on a POST
     ├── ConnectionFailed             timeout, reset, refused; `may_have_happened` on a POST
     ├── InvalidResponse              a success whose body is not the JSON Freshservice sends,
     │                                or a redirect
     └── RequestNotSent               the request could not be built (a URL too long, a number
                                      JSON cannot carry); nothing reached Freshservice

Network errors stop here: `_send` translates them, chained with `from`. No error carries the
API key. The policy, in the order a request meets it:

1. Basic `<key>:X` and `X-Request-Id` (one id per tool call) are set on every request.
2. A 429 means nothing happened: any method is sent again after `Retry-After` (seconds or an
   HTTP date), if the tool call's retry budget still covers the wait. The budget is a deadline
   on the monotonic clock from the call's first request, so time lost to timeouts counts too.
3. After a timeout, a reset or a 5xx, GET and PUT are sent again with jittered exponential
   backoff (or a 5xx's own `Retry-After`, if longer) within the budget. A POST is never sent
   again: what it did is unknown, and the error says so. (A connection that was refused before
   anything was sent is safe to retry.)
4. The answer's status maps to one class of the tree above; `Link: <…>; rel="next"` gives the
   next page number; `X-RateLimit-Remaining` is remembered per credential.
"""

from __future__ import annotations

import base64
import dataclasses
import email.utils
import hashlib
import json as jsonlib
import math
import random
import re
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlsplit

import anyio
import httpx

from server.transport import AiohttpSender, Answer, Broken, HttpxSender, NotSent, Sender

API_PREFIX = "/api/v2"
MAX_URL_LENGTH = 65_536  # longer is refused before sending (Freshservice would answer 414)
IDEMPOTENT = frozenset({"GET", "PUT", "DELETE"})
BACKOFF_BASE = 0.25
BACKOFF_CAP = 8.0
MAX_ATTEMPTS = 10  # even a zero Retry-After must not spin forever
MIN_RETRY_AFTER = 0.05

Json = dict[str, Any]


def fingerprint(key: str) -> str:
    """A stable, non-reversible label for a key, safe to log (the fake labels keys alike)."""
    return "key-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:10]


class FreshserviceError(Exception):
    """A request to Freshservice that did not succeed."""

    # The message when Freshservice's answer brings none ({status}: the HTTP status).
    default_message: ClassVar[str] = "Freshservice answered {status}"

    def __init__(
        self,
        message: str,
        *,
        method: str,
        path: str,
        status: int | None = None,
        request_id: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.method = method
        self.path = path
        self.status = status
        self.request_id = request_id


@dataclasses.dataclass(frozen=True, slots=True)
class FieldProblem:
    field: str
    message: str
    code: str


class ValidationFailed(FreshserviceError):
    default_message = "Validation failed"

    def __init__(self, message: str, *, errors: tuple[FieldProblem, ...], **where: Any) -> None:
        super().__init__(message, **where)
        self.errors = errors


class BadRequest(FreshserviceError):
    default_message = "Freshservice refused the request ({status})"

    def __init__(self, message: str, *, code: str | None, **where: Any) -> None:
        super().__init__(message, **where)
        self.code = code


class AuthFailed(FreshserviceError):
    default_message = "authentication failed"


class Forbidden(FreshserviceError):
    default_message = "access denied"


class NotFound(FreshserviceError):
    default_message = "not found"


class MethodNotAllowed(FreshserviceError):
    default_message = "method not allowed"


class Conflict(FreshserviceError):
    default_message = "conflict"


class RateLimited(FreshserviceError):
    default_message = "rate limited"

    def __init__(
        self, message: str, *, retry_after: float, attempts: int = 1, **where: Any
    ) -> None:
        super().__init__(message, **where)
        self.retry_after = retry_after
        self.attempts = attempts  # MAX_ATTEMPTS when it kept answering 429 with short waits


class UpstreamError(FreshserviceError):
    def __init__(self, message: str, *, may_have_happened: bool = False, **where: Any) -> None:
        super().__init__(message, **where)
        self.may_have_happened = may_have_happened


class ConnectionFailed(FreshserviceError):
    def __init__(self, message: str, *, may_have_happened: bool = False, **where: Any) -> None:
        super().__init__(message, **where)
        self.may_have_happened = may_have_happened


class InvalidResponse(FreshserviceError):
    pass


class RequestNotSent(FreshserviceError):
    pass


# Every status the fake (and Freshservice) answers with, and the class it becomes; any other
# status is an UpstreamError.
STATUS_ERRORS: Mapping[int, type[FreshserviceError]] = {
    400: BadRequest,  # ValidationFailed when the body lists the fields' `errors`
    401: AuthFailed,
    403: Forbidden,
    404: NotFound,
    405: MethodNotAllowed,
    406: BadRequest,
    409: Conflict,
    415: BadRequest,
    429: RateLimited,
    500: UpstreamError,
    502: UpstreamError,
    503: UpstreamError,
    504: UpstreamError,
}


@dataclasses.dataclass
class ToolCall:
    """What one tool call spends upstream: its credential, request id and retry budget."""

    key: str  # an API key, or an OAuth access token when `bearer`
    budget: float
    bearer: bool = False  # sent as `Bearer <token>` rather than Basic `<key>:X`
    subject: str | None = None  # an OAuth token's issuer and subject, for per-user limits
    request_id: str = dataclasses.field(default_factory=lambda: uuid.uuid4().hex)
    upstream_calls: int = 0
    waited: float = 0.0
    started: float | None = None  # the client's clock at the first request
    last_status: int | None = None
    # (method, path, status) of the last answer, and of the last write Freshservice accepted:
    # a tool that cannot read an answer says what was already done.
    last_request: tuple[str, str, int] | None = None
    accepted_write: tuple[str, str, int] | None = None

    @property
    def key_fingerprint(self) -> str:
        return fingerprint(self.key)


@dataclasses.dataclass(frozen=True, slots=True)
class ApiResponse:
    status: int
    body: Json
    headers: Mapping[str, str]  # case-insensitive
    next_page: int | None


def next_page_of(link: str | None) -> int | None:
    """The page number in `Link: <…page=N…>; rel="next"`, or None on the last page."""
    if not link:
        return None
    match = re.search(r'<([^>]+)>\s*;\s*rel="?next"?', link)
    if match is None:
        return None
    pages = parse_qs(urlsplit(match[1]).query).get("page")
    if not pages or not pages[-1].isdigit():
        return None
    return int(pages[-1])


class FreshserviceClient:
    """Async client for one Freshservice account (base URL); one per server lifespan."""

    def __init__(
        self,
        base_url: str,
        *,
        timeout: float,
        transport: httpx.AsyncBaseTransport | Sender | None = None,
        sleep: Callable[[float], Awaitable[None]] = anyio.sleep,
        jitter: Callable[[], float] = random.random,
        clock: Callable[[], float] = time.monotonic,
        user_agent: str = "freshservice-mcp",
    ) -> None:
        """`transport` replaces the network: an httpx transport (tests) or a sender; by
        default aiohttp (`server/transport.py`)."""
        self._base = base_url.rstrip("/") + API_PREFIX
        if transport is None:
            self._sender: Sender = AiohttpSender(self._base, timeout=timeout)
        elif isinstance(transport, httpx.AsyncBaseTransport):
            self._sender = HttpxSender(transport, timeout=timeout)
        else:
            self._sender = transport
        self._headers = {"Accept": "application/json", "User-Agent": user_agent}
        self._sleep = sleep
        self._jitter = jitter
        self._clock = clock
        # The last X-RateLimit-Remaining seen, per credential (a key belongs to one account).
        self.rate_limit_remaining: dict[str, int] = {}

    async def aclose(self) -> None:
        await self._sender.aclose()

    async def __aenter__(self) -> FreshserviceClient:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.aclose()

    # -- the policy ------------------------------------------------------------------------------

    async def request(
        self,
        call: ToolCall,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
    ) -> ApiResponse:
        """Send one logical request, retrying as the policy allows; raise on failure."""
        attempt = 0
        if call.started is None:
            call.started = self._clock()
        while True:
            attempt += 1
            last_try = attempt >= MAX_ATTEMPTS
            try:
                response = await self._send(call, method, path, params=params, json=json)
            except ConnectionFailed as exc:
                retry = not exc.may_have_happened or method in IDEMPOTENT
                delay = self._backoff(attempt)
                if retry and not last_try and self._can_wait(call, delay):
                    await self._wait(call, delay)
                    continue
                raise
            status = response.status_code
            if status == 429:
                wait = max(MIN_RETRY_AFTER, _retry_after(response))
                if not last_try and self._can_wait(call, wait):
                    await self._wait(call, wait)
                    continue
                error = self._error(call, method, path, response)
                if isinstance(error, RateLimited):
                    error.attempts = attempt
                raise error
            if status >= 500:
                delay = self._backoff(attempt)
                if "Retry-After" in response.headers:  # a 503 may say how long it needs
                    delay = max(delay, _retry_after(response))
                if method in IDEMPOTENT and not last_try and self._can_wait(call, delay):
                    await self._wait(call, delay)
                    continue
                raise self._error(call, method, path, response)
            if status >= 400:
                raise self._error(call, method, path, response)
            if status >= 300:
                raise InvalidResponse(
                    f"Freshservice answered {status} (a redirect); check the domain or base URL",
                    method=method, path=path, status=status, request_id=call.request_id,
                )  # fmt: skip
            return self._success(call, method, path, response)

    def _backoff(self, attempt: int) -> float:
        ceiling = min(BACKOFF_CAP, BACKOFF_BASE * 2.0 ** (attempt - 1))
        return ceiling * (0.5 + self._jitter() / 2)

    def _can_wait(self, call: ToolCall, seconds: float) -> bool:
        """Whether waiting `seconds` more stays within the call's budget: the time since its
        first request (timeouts included) or the waits alone, whichever is more."""
        elapsed = self._clock() - (call.started or self._clock())
        return max(elapsed, call.waited) + seconds <= call.budget

    async def _wait(self, call: ToolCall, seconds: float) -> None:
        call.waited += seconds
        await self._sleep(seconds)

    async def _send(
        self,
        call: ToolCall,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None,
        json: Any,
    ) -> Answer:
        if call.bearer:
            authorization = f"Bearer {call.key}"
        else:
            authorization = "Basic " + base64.b64encode(f"{call.key}:X".encode()).decode()
        headers = {
            **self._headers,
            "Authorization": authorization,
            "X-Request-Id": call.request_id,
        }
        call.upstream_calls += 1
        where: dict[str, Any] = {"method": method, "path": path, "request_id": call.request_id}
        try:
            url, body = self._built(path, params, json)
        except ValueError as exc:
            # A URL too long, a float JSON cannot carry: nothing was sent. Named by type only;
            # the message could echo values.
            raise RequestNotSent(
                f"the request could not be built ({type(exc).__name__})", **where
            ) from exc
        if body is not None:
            headers["Content-Type"] = "application/json"
        try:
            response = await self._sender.send(method, url, headers, body)
        except NotSent as exc:
            # Nothing reached Freshservice: safe to try again, whatever the method.
            raise ConnectionFailed(
                f"could not connect to Freshservice ({exc})", may_have_happened=False, **where
            ) from exc
        except Broken as exc:
            raise ConnectionFailed(
                f"the connection to Freshservice failed ({exc})",
                may_have_happened=method == "POST",
                **where,
            ) from exc
        call.last_status = response.status_code
        call.last_request = (method, API_PREFIX + path, response.status_code)
        if method != "GET" and 200 <= response.status_code < 300:
            call.accepted_write = call.last_request
        remaining = response.headers.get("X-RateLimit-Remaining")
        if remaining is not None and remaining.isdigit():
            self.rate_limit_remaining[call.key_fingerprint] = int(remaining)
        return response

    def _built(
        self, path: str, params: Mapping[str, Any] | None, json: Any
    ) -> tuple[str, bytes | None]:
        """The full URL (query encoded as httpx encodes it) and the JSON body, if any."""
        url = self._base + path
        if params:
            url += "?" + str(httpx.QueryParams(params))
        if len(url) > MAX_URL_LENGTH:
            raise ValueError("URL too long")
        if json is None:
            return url, None
        text = jsonlib.dumps(json, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        return url, text.encode()

    def _success(self, call: ToolCall, method: str, path: str, response: Answer) -> ApiResponse:
        body: Json = {}
        if response.status_code != 204 and response.content:
            try:
                parsed = response.json()
            except ValueError as exc:
                raise InvalidResponse(
                    "Freshservice answered with a body that is not JSON",
                    method=method, path=path, status=response.status_code,
                    request_id=call.request_id,
                ) from exc  # fmt: skip
            if not isinstance(parsed, dict):
                raise InvalidResponse(
                    "Freshservice answered with JSON that is not an object",
                    method=method, path=path, status=response.status_code,
                    request_id=call.request_id,
                )  # fmt: skip
            body = parsed
        return ApiResponse(
            status=response.status_code,
            body=body,
            headers=response.headers,
            next_page=next_page_of(response.headers.get("Link")),
        )

    def _error(self, call: ToolCall, method: str, path: str, response: Answer) -> FreshserviceError:
        status = response.status_code
        where: dict[str, Any] = {
            "method": method,
            "path": path,
            "status": status,
            "request_id": call.request_id,
        }
        body = _json_or_none(response)

        def clean(value: object) -> str:
            return str(value).replace(call.key, "[the API key]")  # in case an answer echoes it

        message = clean(body.get("message") or body.get("description") or "") if body else ""
        code = str(body["code"]) if body and "code" in body else None
        if status == 400 and body and isinstance(body.get("errors"), list):
            problems = tuple(
                FieldProblem(
                    clean(e.get("field", "")), clean(e.get("message", "")), clean(e.get("code", ""))
                )
                for e in body["errors"]
                if isinstance(e, dict)
            )
            return ValidationFailed(message or "Validation failed", errors=problems, **where)
        kind = STATUS_ERRORS.get(status, UpstreamError)
        text = message or kind.default_message.format(status=status)
        if kind is BadRequest:
            return BadRequest(text, code=code, **where)
        if kind is RateLimited:
            return RateLimited(text, retry_after=_retry_after(response), **where)
        if kind is UpstreamError:
            maybe_made = method == "POST" and status >= 500  # a create may have happened
            return UpstreamError(text, may_have_happened=maybe_made, **where)
        return kind(text, **where)


def _retry_after(response: Answer) -> float:
    """`Retry-After` in seconds: a number, or an HTTP date (RFC 9110); 1 when unreadable."""
    raw = response.headers.get("Retry-After", "").strip()
    try:
        seconds = float(raw)
    except ValueError:
        try:
            moment = email.utils.parsedate_to_datetime(raw)
        except (TypeError, ValueError):
            return 1.0
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return max(0.0, (moment - datetime.now(UTC)).total_seconds())
    return max(0.0, seconds) if math.isfinite(seconds) else 1.0


def _json_or_none(response: Answer) -> Json | None:
    if not response.content:
        return None
    try:
        parsed = response.json()
    except ValueError:
        return None
    return parsed if isinstance(parsed, dict) else None
