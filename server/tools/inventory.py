"""Every tool of the server, in one list: each tool module's TOOLS, toolset by toolset."""

from __future__ import annotations

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

TOOLS: tuple[ToolSpec, ...] = (
    *tickets.TOOLS,
    *assets.TOOLS,
    *people.TOOLS,
    *onboarding.TOOLS,
    *service_catalog.TOOLS,
    *solutions.TOOLS,
    *workspaces.TOOLS,
)
