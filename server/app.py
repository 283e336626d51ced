"""The MCP server: tools chosen by toolset, strict argument checks, limits, and the transports.

Every `tools/call` passes the call gate, in this order:

1. an unknown or hidden tool is a JSON-RPC error -32602 (the SDK alone would answer a result);
2. the arguments are checked against the tool's published schema (no coercion, no unknown
   keys): a problem is a tool error naming the argument;
3. the credential is found (the request's Authorization header over HTTP, else the server's key)
   and checked once with `GET /agents/me`; requester keys are refused;
4. the tool-call limits are spent (per account or per key);
5. the tool runs with this call's upstream handle, and one line is logged: tool, key
   fingerprint, upstream calls, last status, milliseconds.
"""

from __future__ import annotations

import base64
import binascii
import collections
import contextlib
import hashlib
import inspect
import json
import logging
import math
import os
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from typing import Any, cast

import jsonschema
import pydantic
from mcp import MCPError
from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.server.mcpserver.prompts import Prompt
from mcp.server.transport_security import TransportSecuritySettings
from mcp.types import CallToolResult, TextContent, ToolAnnotations
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.types import ASGIApp, Receive, Scope, Send

from server import __version__, schemas
from server import freshservice as fs
from server.config import ServerSettings, from_sources
from server.limits import LimitsUnavailable, ToolCallLimits
from server.prompts import PROMPTS, PromptSpec
from server.tools import (  # noqa: F401  (importing a tool module registers its tools)
    assets,
    common,
    onboarding,
    people,
    service_catalog,
    solutions,
    tickets,
    workspaces,
)

log = logging.getLogger("freshservice_mcp")

INVALID_PARAMS = -32602
MCP_PATH = "/mcp"
INSTRUCTIONS = (
    "Tools for a Freshservice service desk: tickets and their notes, assets, agents and "
    "requesters, employee onboarding and offboarding, the service catalog, solution articles "
    "and workspaces. List tools return a page at a time with next_page; fetch one record for "
    "all its details. Codes such as status and priority take the number or its name. Assets "
    'and catalog items are addressed by display_id; agent_id "me" is the key\'s own agent.'
)


class FreshserviceMCP(MCPServer[dict[str, Any]]):
    """MCPServer whose input schemas refuse unknown arguments and whose calls pass the gate.

    The gate runs inside `call_tool` rather than as request middleware so that its refusals
    are shaped by the SDK like any other tool result (`resultType`, the `serverInfo` stamp).
    """

    gate: CallGate
    prompts: dict[str, PromptSpec]

    async def list_tools(self) -> list[Any]:
        tools = await super().list_tools()
        for found in tools:
            found.input_schema = schemas.published_input(found.input_schema)
            found.output_schema = schemas.published_output(found.output_schema)
        return tools

    async def call_tool(
        self, name: str, arguments: dict[str, Any], context: Context[Any] | None = None
    ) -> Any:
        return await self.gate.call(
            name,
            arguments,
            context,
            lambda: super(FreshserviceMCP, self).call_tool(name, arguments, context),
        )

    async def get_prompt(
        self, name: str, arguments: dict[str, Any] | None = None, context: Any = None
    ) -> Any:
        """The SDK answers a bad prompt argument with an internal error and a logged traceback;
        here an unknown prompt or a wrong argument is -32602 naming it."""
        found = self.prompts.get(name)
        if found is None:
            raise MCPError(code=INVALID_PARAMS, message=f"Unknown prompt: {name}")
        given = dict(arguments or {})
        known = inspect.signature(found.render).parameters
        unknown = sorted(set(given) - set(known))
        if unknown:
            raise MCPError(
                code=INVALID_PARAMS,
                message=f"Unknown argument(s) for prompt {name}: {', '.join(unknown)}",
            )
        try:
            pydantic.validate_call(found.render)(**given)
        except pydantic.ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in error['loc'])}: {error['msg']}"
                for error in exc.errors()
            )
            raise MCPError(
                code=INVALID_PARAMS, message=f"Invalid arguments for prompt {name}: {problems}"
            ) from None
        return await super().get_prompt(name, given, context)


class Credentials:
    """Which key a call uses, and who it belongs to (checked once per key, then cached)."""

    MAX_REMEMBERED = 4096  # keys whose agent is remembered; the least recently used go first

    def __init__(self, settings: ServerSettings) -> None:
        self.settings = settings
        # Keyed by the key's full SHA-256: the short log fingerprint could collide.
        self._callers: collections.OrderedDict[str, int] = collections.OrderedDict()

    def key_for(self, headers: Mapping[str, str] | None) -> str | None:
        """The request's key (raw, `Basic base64(key:X)` or `Bearer key`), else the server's."""
        header = (headers or {}).get("authorization")
        if header:
            return key_from_header(header)
        return self.settings.api_key

    async def caller_id(self, client: fs.FreshserviceClient, call: fs.ToolCall) -> int:
        digest = _digest(call.key)
        known = self._callers.get(digest)
        if known is not None:
            self._callers.move_to_end(digest)
            return known
        try:
            response = await client.request(call, "GET", "/agents/me")
        except fs.AuthFailed as exc:
            raise CallRefused(common.explain(exc, None)) from exc
        except fs.Forbidden as exc:
            raise CallRefused(
                "This API key belongs to a requester. The Freshservice MCP integration is for "
                "agents and admins only: use an agent's or an admin's API key."
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
    return header.strip() or None  # the raw key, as the seed's client configs send it


def request_headers(ctx: Any) -> Mapping[str, str] | None:
    """The HTTP request's headers (case-insensitive), or None on stdio and in memory."""
    request = getattr(ctx, "request", None) if ctx is not None else None
    headers = getattr(request, "headers", None)
    return headers if isinstance(headers, Mapping) else None


class CallRefused(Exception):
    """A call stopped before its tool ran; the message is the tool error to return."""


def argument_problems(
    validator: jsonschema.Draft202012Validator, arguments: Mapping[str, Any]
) -> list[str]:
    """Each way the arguments break the tool's schema, naming the argument."""
    problems = [f"{where}: must be a finite number" for where in _non_finite(arguments)]
    for found in sorted(validator.iter_errors(arguments), key=lambda e: list(e.absolute_path)):
        error = _closest(found)
        where = ".".join(str(p) for p in error.absolute_path)
        prefix = f"{where}: " if where else ""
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            known = error.schema.get("properties", {}) if isinstance(error.schema, dict) else {}
            unknown = sorted(set(error.instance) - set(known))
            problems.append(f"{prefix}unknown argument(s) {', '.join(unknown)}")
        elif error.validator == "required" and isinstance(error.instance, dict):
            required = cast(list[str], error.validator_value)
            missing = [name for name in required if name not in error.instance]
            problems.append(f"{prefix}missing argument(s) {', '.join(missing)}")
        elif error.validator in ("anyOf", "oneOf"):
            branches = cast(list[dict[str, Any]], error.validator_value)
            accepted = [json.dumps(v) for branch in branches for v in branch.get("enum", [])]
            choices = f"one of {', '.join(accepted)}" if accepted else "an accepted value"
            problems.append(f"{prefix}{json.dumps(error.instance)} is not {choices}")
        else:
            problems.append(f"{prefix}{error.message}")
    return problems


def _non_finite(value: Any, where: str = "") -> list[str]:
    """Where JSON numbers too large for a float (1e400) or NaN hide among the arguments."""
    if isinstance(value, float) and not math.isfinite(value):
        return [where or "arguments"]
    children = (
        value.items()
        if isinstance(value, dict)
        else enumerate(value)
        if isinstance(value, list)
        else ()
    )
    return [
        found
        for key, child in children
        for found in _non_finite(child, f"{where}.{key}".lstrip("."))
    ]


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


def compact_text(result: Any) -> Any:
    """The SDK's text copy of a structured result is indented JSON, up to twice the size of
    the structured content that `max_result_bytes` bounds; send it compact, so the bound holds
    for the copy an LLM reads too."""
    if isinstance(result, CallToolResult) and result.structured_content is not None:
        text = json.dumps(result.structured_content, ensure_ascii=False, separators=(",", ":"))
        result.content = [TextContent(type="text", text=text)]
    return result


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

    async def call(
        self,
        name: str,
        arguments: dict[str, Any],
        context: Context[Any] | None,
        run_tool: Callable[[], Awaitable[Any]],
    ) -> Any:
        if name not in self.names:
            raise MCPError(code=INVALID_PARAMS, message=f"Unknown tool: {name}")
        problems = argument_problems(await self.validator(name), arguments)
        if problems:
            raise ToolError(f"Invalid arguments for {name}: " + "; ".join(problems))
        request = context.request_context if context is not None else None
        client: fs.FreshserviceClient | None = (
            request.lifespan_context.get("client") if request is not None else None
        )
        key = self.credentials.key_for(request_headers(request))
        if client is None:
            raise ToolError(
                "The server has no Freshservice to talk to: "
                "set FRESHSERVICE_DOMAIN or FRESHSERVICE_BASE_URL."
            )
        if key is None:
            raise ToolError(
                "No Freshservice API key: send it in the Authorization header "
                "or set FRESHSERVICE_API_KEY."
            )
        call = fs.ToolCall(key=key, budget=self.settings.retry_budget)
        started = time.perf_counter()
        outcome = "error"
        try:
            # The key first: a wrong or requester key must not spend the account's budget.
            try:
                caller = await self.credentials.caller_id(client, call)
            except CallRefused as exc:
                self.credentials.forget(key)
                raise ToolError(str(exc)) from None
            try:
                refusal = await self.limits.spend(self.limits_identity(call))
            except LimitsUnavailable as exc:
                raise ToolError(str(exc)) from None
            if refusal is not None:
                outcome = "limited"
                raise ToolError(refusal.message)
            handle = common.Upstream(client, call, caller, self.settings.max_result_bytes)
            token = common.CURRENT.set(handle)
            try:
                result = compact_text(await run_tool())
            finally:
                common.CURRENT.reset(token)
                if call.last_status == 401:
                    self.credentials.forget(key)  # a key revoked mid-session is checked again
            outcome = "ok"
            return result
        finally:
            log.info(
                "tool=%s key=%s upstream=%d status=%s ms=%.1f result=%s request_id=%s",
                name, call.key_fingerprint, call.upstream_calls, call.last_status,
                (time.perf_counter() - started) * 1000, outcome, call.request_id,
            )  # fmt: skip

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
        return f"key:{call.key_fingerprint}"


def build_server(settings: ServerSettings, *, transport: Any = None) -> FreshserviceMCP:
    """The MCP server for these settings; `transport` replaces the network in tests."""

    @contextlib.asynccontextmanager
    async def lifespan(_: MCPServer[Any]) -> AsyncIterator[dict[str, Any]]:
        upstream = settings.upstream
        if upstream is None:
            yield {"client": None}
            return
        async with fs.FreshserviceClient(
            upstream, timeout=settings.timeout, transport=transport
        ) as client:
            yield {"client": client}

    enabled = [
        spec
        for spec in common.REGISTRY
        if spec.toolset in settings.toolsets and (spec.read_only or not settings.read_only)
    ]
    server = FreshserviceMCP(
        "freshservice",
        version=__version__,
        instructions=INSTRUCTIONS,
        lifespan=lifespan,
        log_level="WARNING",
    )
    for spec in sorted(enabled, key=lambda s: (s.toolset, s.name)):
        server.add_tool(
            spec.handler,
            name=spec.name,
            title=spec.title,
            description=(spec.handler.__doc__ or "").strip() or None,
            annotations=ToolAnnotations(
                title=spec.title,
                read_only_hint=spec.read_only,
                destructive_hint=False,
                idempotent_hint=spec.idempotent,
                open_world_hint=True,
            ),
        )
    enabled_names = {spec.name for spec in enabled}
    server.prompts = {p.name: p for p in PROMPTS if set(p.needs) <= enabled_names}
    for prompt in server.prompts.values():
        server.add_prompt(
            Prompt.from_function(
                prompt.render,
                name=prompt.name,
                title=prompt.title,
                description=(
                    f"{prompt.title}: an example prompt of Freshservice's MCP documentation. "
                    f"Answered with {', '.join(prompt.needs)}."
                ),
            )
        )
    server.gate = CallGate(settings, server, enabled_names)
    return server


# -- Streamable HTTP ----------------------------------------------------------------------------


class RequireCredentials:
    """HTTP 401 for an MCP request without Authorization when the server has no key of its own.

    The challenge is plain (no `resource_metadata`): until OAuth exists, pointing clients at an
    authorization server would only start an OAuth flow that cannot finish.
    """

    def __init__(self, app: ASGIApp, settings: ServerSettings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].rstrip("/") == MCP_PATH:
            headers = {
                k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]
            }
            if not self.settings.stateful and scope["method"] == "GET":
                response: Response = Response(
                    status_code=405, headers={"Allow": "POST"}, content=b""
                )  # no server-to-client stream without sessions
                await response(scope, receive, send)
                return
            if not headers.get("authorization") and not self.settings.api_key:
                response = JSONResponse(
                    {
                        "error": "missing_credentials",
                        "message": "Send your Freshservice API key in the Authorization header.",
                    },
                    status_code=401,
                    headers={"WWW-Authenticate": 'Basic realm="freshservice-mcp"'},
                )
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


def http_app(
    settings: ServerSettings, *, transport: Any = None, server: FreshserviceMCP | None = None
) -> Starlette:
    """The ASGI app: `/mcp` (both protocol eras) and `/healthz`; `server` if already built."""
    server = server or build_server(settings, transport=transport)
    mcp_app = server.streamable_http_app(
        streamable_http_path=MCP_PATH,
        stateless_http=not settings.stateful,
        json_response=not settings.stateful,
        host=settings.host,
        transport_security=TransportSecuritySettings(
            enable_dns_rebinding_protection=True,
            allowed_hosts=list(settings.mcp_allowed_hosts),
            allowed_origins=list(settings.mcp_allowed_origins),
        ),
    )

    async def healthz(_: Request) -> JSONResponse:
        return JSONResponse({"status": "ok", "version": __version__})

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        async with server.session_manager.run():
            yield

    return Starlette(
        routes=[Route("/healthz", healthz), Mount("/", app=RequireCredentials(mcp_app, settings))],
        lifespan=lifespan,
    )


def create_asgi_app() -> Starlette:
    """For `uvicorn --factory server.app:create_asgi_app` (settings from the environment)."""
    return http_app(from_sources(os.environ, {}))
