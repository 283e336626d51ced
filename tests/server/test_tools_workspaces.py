"""fetchWorkspaces against the demo dataset."""

from __future__ import annotations

import pytest

from tests.processes import Fake
from tests.server.conftest import in_memory, settings_for, structured

pytestmark = pytest.mark.anyio


async def test_fetchworkspaces_lists_them_with_the_primary_one_marked(fake: Fake) -> None:
    async with in_memory(settings_for(fake)) as client:
        found = structured(await client.call_tool("fetchWorkspaces", {}))
    assert [w["name"] for w in found["workspaces"]] == ["IT", "HR", "Facilities"]
    assert [w["id"] for w in found["workspaces"] if w["primary"]] == [2]
    assert found["next_page"] is None


async def test_fetchworkspaces_pages(fake: Fake) -> None:
    async with in_memory(settings_for(fake)) as client:
        first = structured(await client.call_tool("fetchWorkspaces", {"per_page": 2}))
        last = structured(await client.call_tool("fetchWorkspaces", {"per_page": 2, "page": 2}))
    assert (len(first["workspaces"]), first["next_page"]) == (2, 2)
    assert (len(last["workspaces"]), last["next_page"]) == (1, None)
