"""The MCP server: tools chosen by toolset, published with strict schemas, every call through
the call gate (`server/gate.py`); the HTTP transport is `server/http.py`."""

from __future__ import annotations

import contextlib
import inspect
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TYPE_CHECKING, Any

import pydantic
import pydantic_core
from mcp import MCPError
from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.prompts import Prompt
from mcp.types import CallToolResult, TextContent, ToolAnnotations

from server import __version__, schemas
from server import freshservice as fs
from server.config import ServerSettings, from_sources
from server.gate import INVALID_PARAMS, CallGate
from server.prompts import PROMPTS, PromptSpec
from server.tools.common import this_calls_upstream
from server.tools.inventory import TOOLS
from server.toolsets import TOOLSETS, Toolset, listed

if TYPE_CHECKING:
    from starlette.applications import Starlette

    from server.oauth import JwksVerifier

HOW_CALLS_WORK = (
    "List tools return a page at a time with next_page; fetch one record for all its details. "
    "Codes such as status and priority take the number or its name. Assets and catalog items "
    'are addressed by display_id; agent_id "me" is the key\'s own agent.'
)


def instructions(enabled: tuple[Toolset, ...]) -> str:
    """What the server tells a client's model: the toolsets it offers, then how calls work."""
    return f"Tools for a Freshservice service desk, by toolset: {listed(enabled)}. {HOW_CALLS_WORK}"


class FreshserviceMCP(MCPServer[dict[str, Any]]):
    """MCPServer whose input schemas refuse unknown arguments and whose calls pass the gate.

    The gate runs inside `call_tool` rather than as request middleware so that its refusals
    are shaped by the SDK like any other tool result (`resultType`, the `serverInfo` stamp).
    """

    gate: CallGate
    prompts: dict[str, PromptSpec]
    oauth_verifier: JwksVerifier | None = None  # with FRESHSERVICE_MCP_AUTH oauth or both

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
            name, arguments, context, lambda: self._run(name, arguments, context)
        )

    async def _run(self, name: str, arguments: dict[str, Any], context: Context[Any] | None) -> Any:
        """The tool's result as the client gets it: its model as structured content and, once,
        as compact JSON text. (The SDK would write indented text, up to twice the size that
        `max_result_bytes` bounds, check the model again and dump it again.)"""
        if context is None:
            return await super().call_tool(name, arguments, context)
        tool = self._tool_manager.get_tool(name)
        result = await self._tool_manager.call_tool(name, arguments, context)
        if not isinstance(result, pydantic.BaseModel) or tool is None:
            return tool.fn_metadata.convert_result(result) if tool else result  # not ours
        structured = result.model_dump(mode="json", by_alias=True)
        text = pydantic_core.to_json(structured).decode()
        return CallToolResult(
            content=[TextContent(type="text", text=text)], structured_content=structured
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


def build_server(settings: ServerSettings, *, transport: Any = None) -> FreshserviceMCP:
    """The MCP server for these settings; `transport` replaces the network in tests."""

    @contextlib.asynccontextmanager
    async def lifespan(_: MCPServer[Any]) -> AsyncIterator[dict[str, Any]]:
        upstream = settings.upstream
        if upstream is None:
            yield {}
            return
        async with fs.FreshserviceClient(
            upstream, timeout=settings.timeout, transport=transport
        ) as client:
            server.gate.clients.append(client)  # in memory, each connection enters this
            try:
                yield {}
            finally:
                server.gate.clients.remove(client)

    enabled = [
        spec
        for spec in TOOLS
        if spec.toolset.name in settings.toolsets and (spec.read_only or not settings.read_only)
    ]
    offered = tuple(toolset for toolset in TOOLSETS if toolset.name in settings.toolsets)
    server = FreshserviceMCP(
        "freshservice",
        version=__version__,
        instructions=instructions(offered),
        lifespan=lifespan,
        log_level="WARNING",
    )
    for spec in sorted(enabled, key=lambda s: (s.toolset.name, s.name)):
        server.add_tool(
            with_upstream(spec.handler),
            name=spec.name,
            title=spec.title,
            description=described(spec.handler.__doc__),
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


def with_upstream(handler: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    """The handler as the SDK sees it: its arguments without `up`, which is this call's upstream
    handle, passed in here. (The SDK's own injection, `Resolve`, cost a fifth of a fetchTicket's
    time in the server: its resolver machinery runs on every call.)"""
    signature = inspect.signature(handler, eval_str=True)

    async def call(**arguments: Any) -> Any:
        return await handler(this_calls_upstream(), **arguments)

    call.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=[p for name, p in signature.parameters.items() if name != "up"]
    )
    call.__name__ = call.__qualname__ = handler.__name__
    call.__doc__ = handler.__doc__
    return call


def described(docstring: str | None) -> str | None:
    """A tool's docstring as clients show it to the model: paragraphs kept, the source's
    indentation and line wrapping gone (a wrapped line is not a new line of meaning)."""
    paragraphs = inspect.cleandoc(docstring or "").split("\n\n")
    text = "\n\n".join(" ".join(line.strip() for line in p.splitlines()) for p in paragraphs)
    return text.strip() or None


def create_asgi_app() -> Starlette:
    """For `uvicorn --factory server.app:create_asgi_app` (settings from the environment)."""
    from server.http import http_app  # noqa: PLC0415 (server.http imports this module)

    return http_app(from_sources(os.environ, {}))
