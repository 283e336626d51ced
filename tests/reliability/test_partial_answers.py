"""Every tool, given a Freshservice success whose body lacks what it expects (an empty body, an
empty record, fields of the wrong type). Once 9 of 13 tools tried crashed ("Error executing
tool X", no reason), and createTicket's error did not say the ticket had been created, so a retry
made a second one. Now each answer is a schema-valid result or a tool error that says what was
missing, and after an accepted write, that the write happened."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from mcp import Client

from tests.processes import Fake, Server, running_fake, running_server
from tests.server.conftest import ADMIN_KEY, over_http, structured

pytestmark = pytest.mark.anyio

IT_HELP = 35000000002
LAPTOP_ISSUES = 36000000002
LAPTOP_TYPE = 30000000003
ARTICLE = 37000000001
JOHN = 21000000013
PRIYA = 21000000001


@dataclasses.dataclass(frozen=True)
class Target:
    tool: str
    method: str
    path: str  # the fake's path glob for the request whose answer is cut
    arguments: dict[str, Any]
    envelope: str
    is_list: bool = False

    @property
    def writes(self) -> bool:
        return self.method != "GET"


TARGETS = (
    Target("fetchTickets", "GET", "/api/v2/tickets", {}, "tickets", is_list=True),
    Target("fetchTicket", "GET", "/api/v2/tickets/*", {"ticket_id": 1023}, "ticket"),
    Target(
        "createTicket",
        "POST",
        "/api/v2/tickets",
        {"subject": "Partial", "description": "x", "email": "john@acme.com"},
        "ticket",
    ),
    Target(
        "updateTicket", "PUT", "/api/v2/tickets/*", {"ticket_id": 1023, "priority": 3}, "ticket"
    ),
    Target(
        "createTicketNote",
        "POST",
        "/api/v2/tickets/*/notes",
        {"ticket_id": 1023, "body": "A note."},
        "conversation",
    ),
    Target("fetchAssets", "GET", "/api/v2/assets", {}, "assets", is_list=True),
    Target("fetchAsset", "GET", "/api/v2/assets/*", {"display_id": 1}, "asset"),
    Target(
        "createAsset",
        "POST",
        "/api/v2/assets",
        {
            "name": "Partial laptop",
            "asset_type_id": LAPTOP_TYPE,
            "type_fields": {
                "product_30000000001": 31000000002,
                "asset_state_30000000001": "In Stock",
            },
        },
        "asset",
    ),
    Target(
        "updateAsset", "PUT", "/api/v2/assets/*", {"display_id": 1, "description": "x"}, "asset"
    ),
    Target("fetchAgents", "GET", "/api/v2/agents", {}, "agents", is_list=True),
    Target("fetchAgent", "GET", "/api/v2/agents/*", {"agent_id": 21000000002}, "agent"),
    Target("fetchRequesters", "GET", "/api/v2/requesters", {}, "requesters", is_list=True),
    Target("fetchRequester", "GET", "/api/v2/requesters/*", {"requester_id": JOHN}, "requester"),
    Target(
        "fetchOnboardingRequest",
        "GET",
        "/api/v2/onboarding_requests/*",
        {"request_id": 1},
        "onboarding_request",
    ),
    Target(
        "fetchOnboardingRequestForm",
        "GET",
        "/api/v2/onboarding_requests/form",
        {},
        "fields",
        is_list=True,
    ),
    Target(
        "createOnboardingRequest",
        "POST",
        "/api/v2/onboarding_requests",
        {
            "fields": {
                "cf_employee_name": "Ada Partial",
                "cf_date_of_joining": "2026-12-01",
                "cf_laptop_required": True,
            }
        },
        "onboarding_request",
    ),
    Target(
        "fetchOffboardingRequests",
        "GET",
        "/api/v2/offboarding_requests",
        {},
        "offboarding_requests",
        is_list=True,
    ),
    Target(
        "createOffboardingRequest",
        "POST",
        "/api/v2/offboarding_requests",
        {
            "fields": {
                "actor_2": PRIYA,
                "cf_employee_email": "leaver.partial@acme.com",
                "cf_last_working_date": "2026-12-18",
            }
        },
        "offboarding_request",
    ),
    Target(
        "fetchOffboardingRequestTickets",
        "GET",
        "/api/v2/offboarding_requests/*/tickets",
        {"request_id": 1},
        "offboarding_tickets",
        is_list=True,
    ),
    Target(
        "placeRequestServiceCatalogItem",
        "POST",
        "/api/v2/service_catalog/items/*/place_request",
        {"display_id": 6, "email": "john@acme.com"},
        "service_request",
    ),
    Target(
        "fetchServiceCatalogItemSearch",
        "GET",
        "/api/v2/service_catalog/items/search",
        {"search_term": "laptop"},
        "service_items",
        is_list=True,
    ),
    Target(
        "fetchServiceCatalogItem",
        "GET",
        "/api/v2/service_catalog/items/*",
        {"display_id": 6},
        "service_item",
    ),
    Target(
        "fetchServiceCatalogItems",
        "GET",
        "/api/v2/service_catalog/items",
        {},
        "service_items",
        is_list=True,
    ),
    Target(
        "fetchSolutionCategories",
        "GET",
        "/api/v2/solutions/categories",
        {},
        "categories",
        is_list=True,
    ),
    Target(
        "fetchSolutionCategory",
        "GET",
        "/api/v2/solutions/categories/*",
        {"category_id": IT_HELP},
        "category",
    ),
    Target(
        "fetchSolutionFolders",
        "GET",
        "/api/v2/solutions/folders",
        {"category_id": IT_HELP},
        "folders",
        is_list=True,
    ),
    Target(
        "fetchSolutionFolder",
        "GET",
        "/api/v2/solutions/folders/*",
        {"folder_id": LAPTOP_ISSUES},
        "folder",
    ),
    Target(
        "createSolutionFolder",
        "POST",
        "/api/v2/solutions/folders",
        {"name": "Partial folder", "category_id": IT_HELP},
        "folder",
    ),
    Target(
        "fetchSolutionArticles",
        "GET",
        "/api/v2/solutions/articles",
        {"folder_id": LAPTOP_ISSUES},
        "articles",
        is_list=True,
    ),
    Target(
        "fetchSolutionArticle",
        "GET",
        "/api/v2/solutions/articles/*",
        {"article_id": ARTICLE},
        "article",
    ),
    Target(
        "createSolutionArticle",
        "POST",
        "/api/v2/solutions/articles",
        {"title": "Partial", "description": "<p>x</p>", "folder_id": LAPTOP_ISSUES},
        "article",
    ),
    Target(
        "updateSolutionArticle",
        "PUT",
        "/api/v2/solutions/articles/*",
        {"article_id": ARTICLE, "title": "Partial title"},
        "article",
    ),
    Target(
        "fetchSolutionArticleSearch",
        "GET",
        "/api/v2/solutions/articles/search",
        {"search_term": "vpn"},
        "articles",
        is_list=True,
    ),
    Target("fetchWorkspaces", "GET", "/api/v2/workspaces", {}, "workspaces", is_list=True),
)
WRONG_TYPES = {"id": "seven", "display_id": [], "subject": 7, "name": 7, "status": "x"}


def bodies(target: Target) -> dict[str, Any]:
    """The cut-short answers each target meets, by name."""
    if target.is_list:
        return {
            "empty body": {},
            "empty item": {target.envelope: [{}]},
            "wrong types": {target.envelope: [WRONG_TYPES]},
        }
    return {
        "empty body": {},
        "empty record": {target.envelope: {}},
        "wrong types": {target.envelope: dict(WRONG_TYPES)},
    }


CASES = [(t, name, body) for t in TARGETS for name, body in bodies(t).items()]
CRASH_WORDS = ("Traceback", "KeyError", "TypeError", "AttributeError", "ValidationError")


@pytest.fixture(scope="module")
def fake() -> Iterator[Fake]:
    with running_fake("--plan", "unlimited") as running:
        yield running


@pytest.fixture(scope="module")
def server(fake: Fake) -> Iterator[Server]:
    with running_server(fake.url, mcp_calls_per_minute="0", mcp_calls_per_month="0") as running:
        yield running


@pytest.fixture(scope="module")
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="module")
async def client(server: Server) -> AsyncIterator[Client]:
    async with over_http(server.mcp_url, ADMIN_KEY) as connected:
        # The key is checked (and remembered) before any answer is cut short.
        structured(await connected.call_tool("fetchWorkspaces", {}))
        yield connected


def test_every_tool_is_covered() -> None:
    from tests.seed import SEED_TOOLS  # noqa: PLC0415

    assert sorted(t.tool for t in TARGETS) == sorted(SEED_TOOLS)


@pytest.mark.parametrize(
    ("target", "body_name", "body"),
    CASES,
    ids=[f"{t.tool}-{name.replace(' ', '-')}" for t, name, _ in CASES],
)
async def test_a_cut_short_success_is_a_result_or_an_explained_error(
    fake: Fake, client: Client, target: Target, body_name: str, body: Any
) -> None:
    status = 201 if target.method == "POST" else 200
    rule = {
        "id": "cut-short",
        "match": {"method": target.method, "path": target.path},
        "effect": {"respond": {"status": status, "body": body}},
    }
    fake.admin(
        "POST",
        "scenario",
        {"key": ADMIN_KEY, "scenario_object": {"description": "cut short", "rules": [rule]}},
    )
    try:
        result = await client.call_tool(target.tool, target.arguments)
    finally:
        fake.admin("DELETE", "accounts/acme.freshservice.com/scenario")
    if not result.is_error:
        assert isinstance(result.structured_content, dict)  # the client checked its schema
        return
    text = " ".join(block.text for block in result.content)
    assert not any(word in text for word in CRASH_WORDS), text
    assert "lacked what" in text, text
    if target.writes:
        assert f"Freshservice accepted {target.method}" in text, text
        assert "so the change was made" in text and "Do not send it again" in text, text
