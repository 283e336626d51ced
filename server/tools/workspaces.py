"""Workspace tools: fetchWorkspaces."""

from __future__ import annotations

from pydantic import Field

from server import toolsets
from server.tools.common import (
    Flag,
    Page,
    PageInfo,
    PerPage,
    Record,
    Text,
    Upstream,
    plain_list,
    tool,
)

TOOLSET = toolsets.WORKSPACES


class Workspace(Record):
    id: int = Field(description="Give it as workspace_id to other tools.")
    name: Text
    description: str | None
    primary: Flag = Field(description="The workspace tools use when workspace_id is left out.")
    restricted: bool | None
    state: str | None
    template_name: str | None


class WorkspacePage(PageInfo):
    workspaces: list[Workspace]


@tool("fetchWorkspaces", toolset=TOOLSET, title="List workspaces", kind="fetch")
async def fetch_workspaces(
    up: Upstream, *, page: Page = 1, per_page: PerPage = 10
) -> WorkspacePage:
    """List the account's workspaces (IT, HR, Facilities, …), a page at a time. Tools that
    take workspace_id (fetchTickets, fetchAssets, fetchServiceCatalogItems,
    fetchSolutionCategories, …) look in the primary workspace when it is left out, and in all
    of them with 0."""
    return await plain_list(
        up, "/workspaces", {"page": page, "per_page": per_page}, what="the workspace list",
        model=WorkspacePage, items="workspaces", summarize=Workspace.of,
    )  # fmt: skip


TOOLS = (fetch_workspaces,)
