"""The call gate: what every `tools/call` passes before and after its tool runs.

Cheap checks come before expensive ones, so that an anonymous caller cannot make the server
work hard:

1. an unknown or hidden tool is a JSON-RPC error -32602 (the SDK alone would answer a result);
2. the credential is found (the request's Authorization header over HTTP, else the server's key)
   and checked once with `GET /agents/me` (remembered; a refused key is remembered for a few
   seconds, and checks of keys the server has not seen are limited per window, so a flood of
   wrong keys cannot become a flood of upstream requests); requester keys are refused;
3. the arguments' size is checked (a bounded walk), then the arguments are checked against the
   tool's published schema (no coercion, no unknown keys), reporting the first few problems with
   each bad value shortened: a problem is a tool error naming the argument;
4. the tool-call limits are spent (per account or per key);
5. the tool runs with this call's upstream handle. A success from Freshservice that lacks what
   the tool needs is a tool error that says so (and, after a write, that the write happened).

Every call, refused or not, is logged in one line: tool, key fingerprint, upstream calls, last
status, milliseconds, outcome. Text that came from a caller is escaped first (no control or
bidirectional-override characters reach a terminal).
"""

from __future__ import annotations

import base64
import binascii
import collections
import dataclasses
import hashlib
import itertools
import json
import logging
import math
import re
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any, cast

import anyio
import jsonschema
import pydantic
from mcp import MCPError
from mcp.server.auth.middleware.bearer_auth import AuthenticatedUser
from mcp.server.auth.provider import AccessToken
from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ToolError, UnexpectedToolError

from server import freshservice as fs
from server.config import ServerSettings
from server.limits import LimitsUnavailable, ToolCallLimits
from server.tools import common

if TYPE_CHECKING:
    from server.app import FreshserviceMCP

log = logging.getLogger("freshservice_mcp")

INVALID_PARAMS = -32602
# Tool arguments are a handful of fields: more values than this is an attack or a mistake, and
# walking or validating it would hold the event loop for everyone.
MAX_ARGUMENT_VALUES = 10_000
# Problems reported per call: the first few tell the caller what to fix; all of a million-item
# array would take minutes and gigabytes to build.
MAX_PROBLEMS = 10
SHOWN_VALUE = 60  # characters of a bad value quoted back in an error
MAX_ERROR_TEXT = 4_000


class CallRefused(Exception):
    """A call stopped before its tool ran; the message is the tool error to return."""


# -- Credentials ------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, slots=True)
class _Refusal:
    until: float
    message: str


class _Check:
    """A key's check under way: calls bringing the same key wait for it instead of asking too."""

    def __init__(self) -> None:
        self.done = anyio.Event()
        self.agent: int | None = None
        self.refusal: CallRefused | None = None

    def outcome(self) -> int:
        if self.agent is not None:
            return self.agent
        raise self.refusal or CallRefused("The key could not be checked; try again.")


class Credentials:
    """Which key a call uses and who it belongs to: checked once per key, then remembered.

    A key Freshservice refused is remembered for `REFUSED_FOR` seconds (a key restored upstream
    works again after that). Each client address (the HTTP peer; "local" on stdio) may have at
    most as many keys refused per window as the per-minute tool-call limit allows calls (at
    least `MIN_REFUSALS`, also when the limits are off); past that, keys it brings that the
    server has not seen are not checked until the window frees. So neither one wrong key nor
    many different ones become upstream requests at an attacker's pace, while keys already known,
    and new keys from other addresses, are never held up. (Behind a proxy every client shares
    the proxy's address.)
    """

    MAX_REMEMBERED = 4096  # keys whose agent (or refusal), and addresses, remembered
    REFUSED_FOR = 5.0
    MIN_REFUSALS = 10

    def __init__(
        self, settings: ServerSettings, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.settings = settings
        self._clock = clock
        # Keyed by the key's full SHA-256: the short log fingerprint could collide.
        self._callers: collections.OrderedDict[str, int] = collections.OrderedDict()
        self._refused: collections.OrderedDict[str, _Refusal] = collections.OrderedDict()
        self._allowance = max(settings.mcp_calls_per_minute, self.MIN_REFUSALS)
        self._window = settings.mcp_rate_window
        # Per client address: when its keys were refused, and its checks under way (a check
        # holds its place while it runs, so a burst cannot overshoot the allowance).
        self._refusals: collections.OrderedDict[str, collections.deque[float]] = (
            collections.OrderedDict()
        )
        self._checking: collections.Counter[str] = collections.Counter()
        self._finished: dict[str, anyio.Event] = {}  # set when one of an address's checks ends
        self._pending: dict[str, _Check] = {}  # checks under way, by key digest

    def key_for(self, headers: Mapping[str, str] | None) -> str | None:
        """The request's key (raw, `Basic base64(key:X)` or `Bearer key`), else the server's."""
        header = (headers or {}).get("authorization")
        if header:
            return key_from_header(header)
        return self.settings.api_key

    async def caller_id(
        self, client: fs.FreshserviceClient, call: fs.ToolCall, address: str = "local"
    ) -> int:
        """The key's agent id; `CallRefused` (with the reason) for a key that cannot be used."""
        digest = _digest(call.key)
        known = self._callers.get(digest)
        if known is not None:
            self._callers.move_to_end(digest)
            return known
        refused = self._refused.get(digest)
        if refused is not None:
            if self._clock() < refused.until:
                raise CallRefused(refused.message)
            del self._refused[digest]
        pending = self._pending.get(digest)
        if pending is not None:  # the same key is being checked: share that check's outcome
            await pending.done.wait()
            return pending.outcome()
        while self._recent_refusals(address) + self._checking[address] >= self._allowance:
            if not self._checking[address]:
                raise CallRefused(
                    "Too many API keys from this client were refused in the last minute; a key "
                    "this server has not seen before is not checked until that passes. Try "
                    "again later."
                )
            # Checks under way hold the rest of the allowance: wait for one to end.
            await self._finished.setdefault(address, anyio.Event()).wait()
        check = self._pending[digest] = _Check()
        self._checking[address] += 1
        try:
            check.agent = await self._check(client, call, digest, address)
            return check.agent
        except CallRefused as exc:
            check.refusal = exc
            raise
        finally:
            check.done.set()
            del self._pending[digest]
            self._checking[address] -= 1
            if not self._checking[address]:
                del self._checking[address]
            finished = self._finished.pop(address, None)
            if finished is not None:
                finished.set()

    async def _check(
        self, client: fs.FreshserviceClient, call: fs.ToolCall, digest: str, address: str
    ) -> int:
        try:
            response = await client.request(call, "GET", "/agents/me")
        except fs.AuthFailed as exc:
            raise self._refuse(
                digest, address, common.explain(exc, None, bearer=call.bearer)
            ) from exc
        except fs.Forbidden as exc:
            raise self._refuse(
                digest,
                address,
                "This API key belongs to a requester. The Freshservice MCP integration is for "
                "agents and admins only: use an agent's or an admin's API key.",
            ) from exc
        except fs.FreshserviceError as exc:
            raise CallRefused(common.explain(exc, "the key's agent")) from exc
        agent = response.body.get("agent")
        if not isinstance(agent, dict) or not isinstance(agent.get("id"), int):
            raise CallRefused(
                "Freshservice's /agents/me answer has no agent id; cannot tell who calls."
            )
        self._callers[digest] = agent["id"]
        if len(self._callers) > self.MAX_REMEMBERED:
            self._callers.popitem(last=False)
        return int(agent["id"])

    def _recent_refusals(self, address: str) -> int:
        times = self._refusals.get(address)
        if times is None:
            return 0
        horizon = self._clock() - self._window
        while times and times[0] <= horizon:
            times.popleft()
        if not times:
            del self._refusals[address]
        return len(times)

    def _refuse(self, digest: str, address: str, message: str) -> CallRefused:
        now = self._clock()
        self._refused[digest] = _Refusal(now + self.REFUSED_FOR, message)
        if len(self._refused) > self.MAX_REMEMBERED:
            self._refused.popitem(last=False)
        self._refusals.setdefault(address, collections.deque()).append(now)
        self._refusals.move_to_end(address)
        if len(self._refusals) > self.MAX_REMEMBERED:
            self._refusals.popitem(last=False)
        return CallRefused(message)

    def forget(self, key: str) -> None:
        self._callers.pop(_digest(key), None)


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def key_from_header(header: str) -> str | None:
    scheme, _, rest = header.strip().partition(" ")
    if scheme.lower() == "bearer":
        return rest.strip() or None
    if scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(rest.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            decoded = ""
        if ":" not in decoded:
            return rest.strip() or None  # `Basic <key>` without the encoding: take the key
        return decoded.split(":", 1)[0] or None
    return (
        header.strip() or None
    )  # the raw key, as the client configurations of Freshworks' MCP guide send it


def request_headers(ctx: Any) -> Mapping[str, str] | None:
    """The HTTP request's headers (case-insensitive), or None on stdio and in memory."""
    request = getattr(ctx, "request", None) if ctx is not None else None
    headers = getattr(request, "headers", None)
    return headers if isinstance(headers, Mapping) else None


def client_address(ctx: Any) -> str:
    """The HTTP peer's address, or "local" on stdio and in memory."""
    request = getattr(ctx, "request", None) if ctx is not None else None
    peer = getattr(request, "client", None)
    host = getattr(peer, "host", None)
    return host if isinstance(host, str) else "local"


# -- Arguments --------------------------------------------------------------------------------


def size_problems(arguments: Any) -> list[str]:
    """Non-finite numbers (JSON 1e400, NaN) and more values than any tool takes, found by one
    walk that never looks past `MAX_ARGUMENT_VALUES` values (a long list is refused by its
    length, unread)."""
    too_many = [f"more than {MAX_ARGUMENT_VALUES:,} values in all; no tool takes so many"]
    problems: list[str] = []
    pending: list[tuple[str, Any]] = [("", arguments)]
    counted = 1
    while pending:
        where, value = pending.pop()
        if isinstance(value, float) and not math.isfinite(value):
            if len(problems) < MAX_PROBLEMS:
                problems.append(f"{where or 'arguments'}: must be a finite number")
        elif isinstance(value, dict | list):
            counted += len(value)
            if counted > MAX_ARGUMENT_VALUES:
                return too_many
            children = value.items() if isinstance(value, dict) else enumerate(value)
            pending.extend(
                reversed([(f"{where}.{key}".lstrip("."), child) for key, child in children])
            )
    return problems


def argument_problems(
    validator: jsonschema.Draft202012Validator, arguments: Mapping[str, Any]
) -> list[str]:
    """The first ways the arguments break the tool's schema, each naming the argument."""
    found = list(itertools.islice(validator.iter_errors(arguments), MAX_PROBLEMS + 1))
    problems = []
    for error in sorted(found[:MAX_PROBLEMS], key=lambda e: [str(p) for p in e.absolute_path]):
        problems.append(_problem(_closest(error)))
    if len(found) > MAX_PROBLEMS:
        problems.append("and more")
    return problems


def _problem(error: jsonschema.ValidationError) -> str:
    where = ".".join(str(p) for p in error.absolute_path)
    prefix = f"{printable(where, 100)}: " if where else ""
    instance = error.instance
    if error.validator == "additionalProperties" and isinstance(instance, dict):
        known = error.schema.get("properties", {}) if isinstance(error.schema, dict) else {}
        unknown = sorted(set(instance) - set(known))
        names = ", ".join(printable(u, 40) for u in unknown[:MAX_PROBLEMS])
        return f"{prefix}unknown argument(s) {names}{', …' if len(unknown) > MAX_PROBLEMS else ''}"
    if error.validator == "required" and isinstance(instance, dict):
        required = cast(list[str], error.validator_value)
        missing = [name for name in required if name not in instance]
        return f"{prefix}missing argument(s) {', '.join(missing)}"
    if error.validator in ("anyOf", "oneOf"):
        branches = cast(list[dict[str, Any]], error.validator_value)
        accepted = [json.dumps(v) for branch in branches for v in branch.get("enum", [])]
        choices = f"one of {', '.join(accepted)}" if accepted else "an accepted value"
        return f"{prefix}{shown(instance)} is not {choices}"
    return prefix + _message(error)


def _message(error: jsonschema.ValidationError) -> str:
    """jsonschema's message, with the bad value shortened when it is long (a 4 MB description
    must not come back as a 4 MB error)."""
    text = error.message
    if len(text) > 4 * SHOWN_VALUE:
        whole = repr(error.instance)
        if whole in text:
            text = text.replace(whole, shown(error.instance))
        if len(text) > 4 * SHOWN_VALUE:
            text = text[: 4 * SHOWN_VALUE - 1] + "…"
    return printable(text, 4 * SHOWN_VALUE)


def shown(value: Any, limit: int = SHOWN_VALUE) -> str:
    """A value as Python shows it in jsonschema's messages, cut to about `limit` characters,
    with its full size said when cut; safe for a terminal."""
    if isinstance(value, str) and len(value) > limit:
        return printable(repr(value[:limit]) + f"… ({len(value):,} characters)", limit * 2)
    if isinstance(value, list | dict) and len(value) > 5:
        kind = "items" if isinstance(value, list) else "keys"
        return f"[{len(value):,} {kind}]"
    text = repr(value)
    return printable(text if len(text) <= limit else text[: limit - 1] + "…", limit * 2)


def _closest(error: jsonschema.ValidationError) -> jsonschema.ValidationError:
    """For "none of these branches matched", the branch the value came closest to: not the
    `null` of an optional argument, and the deepest complaint (`include.0: 'x' is not one of`)."""
    if error.validator not in ("anyOf", "oneOf") or not error.context:
        return error
    branches = [
        e for e in error.context if not (e.validator == "type" and e.validator_value == "null")
    ]
    if not branches:
        return error
    deepest = max(branches, key=lambda e: len(e.absolute_path))
    if len(branches) > 1 and all(
        len(e.absolute_path) == len(error.absolute_path) for e in branches
    ):
        return error  # several equally close branches (a code as number or name): say so plainly
    return _closest(deepest)


def refusal_text(text: str) -> str:
    """A gate refusal, never longer than `MAX_ERROR_TEXT` characters."""
    if len(text) > MAX_ERROR_TEXT:
        return text[: MAX_ERROR_TEXT - 1] + "…"
    return text


# -- Answers that lack what the tool needs ------------------------------------------------------


def incomplete_answer(tool: str, call: fs.ToolCall, cause: BaseException | None) -> str:
    """A tool error for a Freshservice success whose body lacked what the tool needed; after
    an accepted write it says the write happened, so nobody sends it again."""
    what = _shape_failure(cause)
    write = call.accepted_write
    if write is not None:
        method, path, status = write
        return (
            f"Freshservice accepted {method} {path} ({status}), so the change was made, but its "
            f"answer lacked what {tool} needs to show it ({what}). Do not send it again: look "
            "the record up instead."
        )
    request = call.last_request
    where = f" to {request[0]} {request[1]} ({request[2]})" if request else ""
    return (
        f"Freshservice's answer{where} lacked what {tool} needs ({what}); the tool cannot show "
        "it. Try again, or check the record in Freshservice."
    )


def _shape_failure(cause: BaseException | None) -> str:
    if isinstance(cause, common.AnswerLacks):
        return cause.what
    if isinstance(cause, KeyError):
        return f"no {printable(str(cause.args[0]) if cause.args else 'field')} field"
    if isinstance(cause, pydantic.ValidationError):
        fields = sorted({".".join(str(p) for p in e["loc"]) for e in cause.errors()})
        listed = ", ".join(printable(f) for f in fields[:5]) + (", …" if len(fields) > 5 else "")
        return f"missing or wrong fields: {listed}"
    if isinstance(cause, TypeError | AttributeError | ValueError):
        return "a field of an unexpected type"
    return "an answer it could not read"


# -- Terminal-safe text -----------------------------------------------------------------------

# C0/C1 controls, and the Unicode format characters that reorder or hide text on a terminal.
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")


def printable(text: str, limit: int = 200) -> str:
    """`text` with control and bidi characters escaped (`\\u202e`), cut to `limit`."""
    safe = _UNSAFE.sub(lambda m: f"\\u{ord(m[0]):04x}", text)
    return safe if len(safe) <= limit else safe[: limit - 1] + "…"


# -- The gate ----------------------------------------------------------------------------------


@dataclasses.dataclass
class _Passage:
    """How far one call got through the gate, for its log line."""

    outcome: str = "error"
    call: fs.ToolCall | None = None


class CallGate:
    """What every `tools/call` passes, in the order of this module's docstring.

    A refusal is raised as `ToolError` (the SDK makes it an `isError` result with our text) or,
    for an unknown tool, as `MCPError` (a JSON-RPC error).
    """

    def __init__(self, settings: ServerSettings, server: FreshserviceMCP, names: set[str]) -> None:
        self.settings = settings
        self.server = server
        self.names = names
        self.credentials = Credentials(settings)
        self.limits = ToolCallLimits(
            per_minute=settings.mcp_calls_per_minute,
            per_month=settings.mcp_calls_per_month,
            window_seconds=settings.mcp_rate_window,
            store_url=settings.mcp_limits_store,
        )
        self.validators: dict[str, jsonschema.Draft202012Validator] = {}
        # Upstream clients of the server's running lifespans (none: no Freshservice configured).
        self.clients: list[fs.FreshserviceClient] = []

    @property
    def client(self) -> fs.FreshserviceClient | None:
        return self.clients[-1] if self.clients else None

    async def call(
        self,
        name: str,
        arguments: dict[str, Any],
        context: Context[Any] | None,
        run_tool: Callable[[], Awaitable[Any]],
    ) -> Any:
        started = time.perf_counter()
        passed = _Passage()
        try:
            client, call, caller = await self._admit(name, arguments, context, passed)
            handle = common.Upstream(client, call, caller, self.settings.max_result_bytes)
            token = common.CURRENT.set(handle)
            try:
                result = await run_tool()
            except UnexpectedToolError as exc:
                cause = exc.__cause__
                passed.outcome = "unreadable-answer"
                log.warning(
                    "tool=%s could not read Freshservice's answer: %s at %s",
                    name, type(cause).__name__, _raised_at(cause),
                )  # fmt: skip
                raise ToolError(incomplete_answer(name, call, cause)) from None
            finally:
                common.CURRENT.reset(token)
                if call.last_status == 401:
                    self.credentials.forget(call.key)  # a key revoked mid-session: check again
                    if call.bearer and self.server.oauth_verifier is not None:
                        self.server.oauth_verifier.refuse(call.key)  # revoked upstream
            passed.outcome = "ok"
            return result
        finally:
            call_ = passed.call
            log.info(
                "tool=%s key=%s upstream=%d status=%s ms=%.1f result=%s request_id=%s",
                printable(name, 80),
                call_.key_fingerprint if call_ else "-",
                call_.upstream_calls if call_ else 0,
                call_.last_status if call_ else None,
                (time.perf_counter() - started) * 1000,
                passed.outcome,
                call_.request_id if call_ else "-",
            )

    async def _admit(
        self,
        name: str,
        arguments: dict[str, Any],
        context: Context[Any] | None,
        passed: _Passage,
    ) -> tuple[fs.FreshserviceClient, fs.ToolCall, int]:
        """Steps 1 to 4 of the module docstring: the client, the call and the caller's id, or
        the refusal raised (its kind noted in `passed.outcome`)."""
        if name not in self.names:
            passed.outcome = "unknown-tool"
            raise MCPError(code=INVALID_PARAMS, message=f"Unknown tool: {printable(name)}")
        request = context.request_context if context is not None else None
        token = access_token(request)
        if token is not None:
            key: str | None = token.token
        else:
            key = self.credentials.key_for(request_headers(request))
        client = self.client
        if client is None:
            raise ToolError(
                "The server has no Freshservice to talk to: "
                "set FRESHSERVICE_DOMAIN or FRESHSERVICE_BASE_URL."
            )
        if key is None:
            passed.outcome = "no-key"
            raise ToolError(
                "No Freshservice API key: send it in the Authorization header "
                "or set FRESHSERVICE_API_KEY."
            )
        call = passed.call = fs.ToolCall(
            key=key,
            budget=self.settings.retry_budget,
            bearer=token is not None,
            subject=_subject(token) if token is not None else None,
        )
        # The key first: a wrong or requester key must neither make the server validate what
        # it sent nor spend the account's budget.
        try:
            caller = await self.credentials.caller_id(client, call, client_address(request))
        except CallRefused as exc:
            passed.outcome = "bad-key"
            self.credentials.forget(key)
            raise ToolError(str(exc)) from None
        problems = size_problems(arguments) or argument_problems(
            await self.validator(name), arguments
        )
        if problems:
            passed.outcome = "bad-arguments"
            raise ToolError(refusal_text(f"Invalid arguments for {name}: " + "; ".join(problems)))
        try:
            refusal = await self.limits.spend(self.limits_identity(call))
        except LimitsUnavailable as exc:
            passed.outcome = "limits-store-failed"
            log.warning("tool-call limits store failed: %s", exc.cause)
            raise ToolError(str(exc)) from None
        if refusal is not None:
            passed.outcome = "limited"
            raise ToolError(refusal.message)
        return client, call, caller

    async def validator(self, name: str) -> jsonschema.Draft202012Validator:
        if not self.validators:
            self.validators = {
                found.name: jsonschema.Draft202012Validator(found.input_schema)
                for found in await self.server.list_tools()
            }
        return self.validators[name]

    def limits_identity(self, call: fs.ToolCall) -> str:
        if self.settings.mcp_limits_scope == "account":
            return f"account:{self.settings.account}"
        if call.subject is not None:  # an OAuth user: the same budget across token refreshes
            return f"subject:{call.subject}"
        return f"key:{call.key_fingerprint}"


def access_token(request: Any) -> AccessToken | None:
    """The OAuth access token the HTTP request brought, verified (server/http.py), or None."""
    http_request = getattr(request, "request", None) if request is not None else None
    scope = getattr(http_request, "scope", None)
    user = scope.get("user") if isinstance(scope, dict) else None
    return user.access_token if isinstance(user, AuthenticatedUser) else None


def _subject(token: AccessToken) -> str:
    issuer = (token.claims or {}).get("iss", "")
    return hashlib.sha256(f"{issuer}|{token.subject}".encode()).hexdigest()[:16]


def _raised_at(cause: BaseException | None) -> str:
    """file:line where an exception was raised (our code or a library), for the log."""
    tb = cause.__traceback__ if cause is not None else None
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    if tb is None:
        return "?"
    return f"{tb.tb_frame.f_code.co_filename.rsplit('/', 2)[-1]}:{tb.tb_lineno}"
