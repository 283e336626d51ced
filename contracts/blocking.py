"""An MCP client driven from synchronous code (hypothesis' `@given` and state machines).

The client lives in an event loop on a thread of its own (an anyio blocking portal): it is
opened and closed there, and each call is handed to that loop and waited for. Every call is
matched with the fake's journal entries it caused (read by sequence number after the call).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from typing import Any

from anyio.from_thread import BlockingPortal, start_blocking_portal
from mcp import Client, MCPError

from contracts.plugin import open_log
from contracts.processes import FakeAdmin
from contracts.replay import Connection, ServerTarget, connected
from contracts.tool_checks import Call

CALL_TIMEOUT = 60.0  # seconds one tool call may take


class BlockingClient:
    """Call tools on the server under test from sync code; see the module's docstring."""

    def __init__(self, portal: BlockingPortal, client: Client, admin: FakeAdmin, account: str):
        self.portal = portal
        self.client = client
        self.admin = admin
        self.account = account
        self.seen = self._last_seq()

    def _last_seq(self) -> int:
        entries = self.admin.journal(self.account, since=0)
        return int(entries[-1]["seq"]) if entries else 0

    def list_tools(self) -> dict[str, dict[str, Any]]:
        listed = self.portal.call(self.client.list_tools)
        return {
            tool.name: tool.model_dump(mode="json", by_alias=True, exclude_none=True)
            for tool in listed.tools
        }

    def call(self, tool: str, arguments: Mapping[str, Any]) -> Call:
        try:
            result = self.portal.call(self._call, tool, dict(arguments))
        except MCPError as exc:
            return Call(tool, arguments, protocol_error=f"{exc.code}: {exc}", requests=self._new())
        except RuntimeError as exc:  # the SDK's own output-schema check
            return Call(tool, arguments, protocol_error=str(exc), requests=self._new())
        text = " ".join(getattr(block, "text", "") for block in result.content)
        return Call(
            tool,
            arguments,
            is_error=bool(result.is_error),
            text=text,
            structured=result.structured_content,
            requests=self._new(),
        )

    async def _call(self, tool: str, arguments: dict[str, Any]) -> Any:
        return await self.client.call_tool(tool, arguments, read_timeout_seconds=CALL_TIMEOUT)

    def _new(self) -> tuple[dict[str, Any], ...]:
        entries = self.admin.journal(self.account, since=self.seen)
        if entries:
            self.seen = int(entries[-1]["seq"])
        return tuple(entries)


@contextlib.contextmanager
def blocking_client(
    server: ServerTarget,
    fake_url: str,
    admin: FakeAdmin,
    *,
    key: str,
    settings: Mapping[str, Any] | None = None,
) -> Iterator[BlockingClient]:
    """A `BlockingClient` connected to the server under test with `key` (settings reach a
    stdio server through its environment)."""
    account = admin.account_of(key)
    with open_log() as errlog, start_blocking_portal() as portal:
        opened = connected(Connection(server, fake_url, key), dict(settings or {}), errlog)
        with portal.wrap_async_context_manager(opened) as client:
            yield BlockingClient(portal, client, admin, account)
