"""Which tools a server offers: the 34 of Freshworks' MCP guide with the annotations of
docs/architecture.md §7, narrowed by `--toolsets` and `--read-only`; a tool left out is refused
on call, not only left unlisted."""

from __future__ import annotations

import sys
from types import ModuleType
from typing import Any

import pytest
from mcp import Client, MCPError, StdioServerParameters

from server.app import build_server
from server.config import ServerSettings
from server.tools import (
    assets,
    onboarding,
    people,
    service_catalog,
    solutions,
    tickets,
    workspaces,
)
from server.tools.common import ToolSpec
from server.tools.inventory import TOOLS
from tests.processes import Fake, server_environment
from tests.seed import FETCH_TOOLS, SEED_TOOLS
from tests.server.conftest import (
    ADMIN_KEY,
    in_memory,
    settings_for,
    structured,
)

pytestmark = pytest.mark.anyio


def test_the_seed_names_34_tools_of_which_23_fetch() -> None:
    assert (len(set(SEED_TOOLS)), len(FETCH_TOOLS)) == (34, 23)


def test_exactly_the_34_seed_tools_are_in_the_inventory() -> None:
    assert sorted(spec.name for spec in TOOLS) == sorted(SEED_TOOLS)


@pytest.mark.parametrize("module", [tickets, assets, people, onboarding, service_catalog,
                                    solutions, workspaces])  # fmt: skip
def test_a_tool_module_lists_every_tool_it_declares(module: ModuleType) -> None:
    declared = [value for value in vars(module).values() if isinstance(value, ToolSpec)]
    assert sorted(s.name for s in module.TOOLS) == sorted(s.name for s in declared)
    assert {s.toolset for s in declared} == {module.TOOLSET}


def _expected_annotations(name: str) -> dict[str, Any]:
    if name.startswith("fetch"):
        return {"readOnlyHint": True, "openWorldHint": True}
    return {
        "readOnlyHint": False,
        "destructiveHint": False,
        "idempotentHint": name.startswith("update"),
        "openWorldHint": True,
    }


async def test_every_tool_carries_the_annotations_tools_md_gives_its_kind(fake: Fake) -> None:
    async with in_memory(settings_for(fake)) as client:
        tools = (await client.list_tools()).tools
    assert sorted(t.name for t in tools) == sorted(SEED_TOOLS)
    for found in tools:
        assert found.annotations is not None
        given = found.annotations.model_dump(by_alias=True, exclude_none=True)
        assert _expected_annotations(found.name).items() <= given.items(), found.name
        assert found.title and given.get("title") == found.title


async def test_read_only_lists_exactly_the_23_fetch_tools_and_refuses_a_create(
    fake: Fake,
) -> None:
    fake.clear_journal()
    environment = server_environment(fake.url, api_key=ADMIN_KEY)
    params = StdioServerParameters(
        command=sys.executable, args=["-m", "server", "--read-only"], env=environment
    )
    async with Client(params) as client:
        listed = sorted(t.name for t in (await client.list_tools()).tools)
        with pytest.raises(MCPError) as refused:
            await client.call_tool(
                "createTicket", {"subject": "s", "description": "d", "email": "john@acme.com"}
            )
        structured(await client.call_tool("fetchTicket", {"ticket_id": 1023}))
    assert listed == sorted(FETCH_TOOLS)
    assert refused.value.error.code == -32602
    assert "createTicket" in refused.value.error.message
    assert not [e for e in fake.journal() if e["method"] != "GET"]


async def test_toolsets_narrow_the_list_and_a_hidden_tool_is_refused_unsent(fake: Fake) -> None:
    fake.clear_journal()
    async with in_memory(settings_for(fake, toolsets=("tickets", "workspaces"))) as client:
        listed = {t.name for t in (await client.list_tools()).tools}
        with pytest.raises(MCPError) as refused:
            await client.call_tool("fetchAssets", {})
    assert listed == {
        "fetchTickets", "fetchTicket", "createTicket", "updateTicket", "createTicketNote",
        "fetchWorkspaces",
    }  # fmt: skip
    assert refused.value.error.code == -32602
    assert not [e for e in fake.journal() if "/assets" in e["path"]]


async def test_toolsets_and_read_only_come_from_the_environment(fake: Fake) -> None:
    environment = server_environment(
        fake.url, api_key=ADMIN_KEY, toolsets="solutions", read_only="true"
    )
    params = StdioServerParameters(command=sys.executable, args=["-m", "server"], env=environment)
    async with Client(params) as client:
        listed = {t.name for t in (await client.list_tools()).tools}
    assert listed == {name for name in FETCH_TOOLS if "Solution" in name}


def test_the_instructions_name_the_toolsets_offered_and_what_each_holds() -> None:
    server = build_server(ServerSettings(toolsets=("tickets", "workspaces")))
    assert server.instructions is not None
    assert "tickets (tickets and their notes), workspaces (workspaces)." in server.instructions
    assert "assets" not in server.instructions
