"""All 34 tools, as a client meets them: called in turn over stdio and over Streamable HTTP
(the real `freshservice-mcp` process), with arguments drawn from the demo dataset or from
earlier results. Each answer is schema-valid structured content, non-empty where the dataset
has data; each create and update is read back through the fake's REST API."""

from __future__ import annotations

import contextlib
import dataclasses
import sys
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import jsonschema
import pytest
from mcp import Client, StdioServerParameters

from tests.processes import Fake, running_fake, running_server, server_environment
from tests.seed import SEED_TOOLS
from tests.server.conftest import ADMIN_KEY, PRIYA, over_http, structured

pytestmark = pytest.mark.anyio

JOHN = 21000000013
IT_HELP = 35000000002  # solution category
LAPTOP_ISSUES = 36000000002  # its folder of the documented prompt
LAPTOP_TYPE = 30000000003
ZOOM = 6

Results = dict[str, dict[str, Any]]


@dataclasses.dataclass(frozen=True)
class Step:
    tool: str
    arguments: Callable[[Results, str], dict[str, Any]]
    items: str | None = None  # a list the demo dataset fills, so it must not be empty
    verify: Callable[[Fake, dict[str, Any], str], None] | None = None


def _get(fake: Fake, path: str, key: str) -> dict[str, Any]:
    response = fake.api("GET", path, ADMIN_KEY)
    assert response.status_code == 200, (path, response.text)
    found = response.json()[key]
    assert isinstance(found, dict)
    return found


def _ticket_created(fake: Fake, result: dict[str, Any], run: str) -> None:
    ticket = _get(fake, f"/tickets/{result['id']}", "ticket")
    assert (ticket["subject"], ticket["priority"], ticket["requester_id"]) == (
        f"Printer jams on floor 3 ({run})",
        3,
        JOHN,
    )


def _ticket_updated(fake: Fake, result: dict[str, Any], run: str) -> None:
    ticket = _get(fake, f"/tickets/{result['id']}", "ticket")
    assert (ticket["status"], ticket["responder_id"]) == (3, PRIYA)


def _note_created(fake: Fake, result: dict[str, Any], run: str) -> None:
    response = fake.api("GET", f"/tickets/{result['ticket_id']}/conversations", ADMIN_KEY)
    notes = [c for c in response.json()["conversations"] if c["id"] == result["id"]]
    assert [(n["body_text"], n["private"]) for n in notes] == [(f"Toner replaced ({run}).", True)]


def _asset_created(fake: Fake, result: dict[str, Any], run: str) -> None:
    asset = _get(fake, f"/assets/{result['display_id']}", "asset")
    assert (asset["name"], asset["asset_type_id"]) == (f"Spare laptop {run}", LAPTOP_TYPE)


def _asset_updated(fake: Fake, result: dict[str, Any], run: str) -> None:
    asset = _get(fake, f"/assets/{result['display_id']}", "asset")
    assert (asset["description"], asset["user_id"]) == (f"Lent to John ({run})", JOHN)


def _onboarding_created(fake: Fake, result: dict[str, Any], run: str) -> None:
    request = _get(fake, f"/onboarding_requests/{result['id']}", "onboarding_request")
    assert request["fields"]["cf_employee_name"] == f"Ada Lovelace {run}"


def _offboarding_created(fake: Fake, result: dict[str, Any], run: str) -> None:
    listed = fake.api("GET", "/offboarding_requests", ADMIN_KEY).json()["offboarding_requests"]
    mine = [r for r in listed if r["id"] == result["id"]]
    assert [r["fields"]["cf_employee_email"] for r in mine] == [f"leaver.{run}@acme.com"]


def _request_placed(fake: Fake, result: dict[str, Any], run: str) -> None:
    ticket = _get(fake, f"/tickets/{result['id']}", "ticket")
    assert (ticket["type"], ticket["requester_id"]) == ("Service Request", JOHN)
    items = fake.api("GET", f"/tickets/{result['id']}/requested_items", ADMIN_KEY).json()
    assert [i["service_item_id"] for i in items["requested_items"]] == [ZOOM]


def _folder_created(fake: Fake, result: dict[str, Any], run: str) -> None:
    folder = _get(fake, f"/solutions/folders/{result['id']}", "folder")
    assert (folder["name"], folder["category_id"]) == (f"Printers {run}", IT_HELP)


def _article_created(fake: Fake, result: dict[str, Any], run: str) -> None:
    article = _get(fake, f"/solutions/articles/{result['id']}", "article")
    assert (article["title"], article["status"]) == (f"Clearing a paper jam ({run})", 2)


def _article_updated(fake: Fake, result: dict[str, Any], run: str) -> None:
    article = _get(fake, f"/solutions/articles/{result['id']}", "article")
    assert article["tags"] == ["printer", run]


# In the order an assistant could make them: later arguments come from earlier results.
SCRIPT = (
    Step("fetchTickets", lambda r, run: {"assigned_to_me": True, "status": "open"}, "tickets"),
    Step("fetchTicket", lambda r, run: {"ticket_id": 10234, "include": ["conversations"]}),
    Step(
        "createTicket",
        lambda r, run: {
            "subject": f"Printer jams on floor 3 ({run})",
            "description": "<p>Every second page jams.</p>",
            "email": "john@acme.com",
            "priority": "high",
        },
        verify=_ticket_created,
    ),
    Step(
        "updateTicket",
        lambda r, run: {
            "ticket_id": r["createTicket"]["id"],
            "status": "pending",
            "responder_id": PRIYA,
        },
        verify=_ticket_updated,
    ),
    Step(
        "createTicketNote",
        lambda r, run: {"ticket_id": r["createTicket"]["id"], "body": f"Toner replaced ({run})."},
        verify=_note_created,
    ),
    Step("fetchAssets", lambda r, run: {"per_page": 5}, "assets"),
    Step("fetchAsset", lambda r, run: {"display_id": r["fetchAssets"]["assets"][0]["display_id"]}),
    Step(
        "createAsset",
        lambda r, run: {
            "name": f"Spare laptop {run}",
            "asset_type_id": LAPTOP_TYPE,
            "type_fields": {
                "product_30000000001": 31000000002,
                "asset_state_30000000001": "In Stock",
            },
        },
        verify=_asset_created,
    ),
    Step(
        "updateAsset",
        lambda r, run: {
            "display_id": r["createAsset"]["display_id"],
            "description": f"Lent to John ({run})",
            "user_id": JOHN,
        },
        verify=_asset_updated,
    ),
    Step("fetchAgents", lambda r, run: {}, "agents"),
    Step("fetchAgent", lambda r, run: {"agent_id": "me"}),
    Step("fetchRequesters", lambda r, run: {"email": "john@acme.com"}, "requesters"),
    Step("fetchRequester", lambda r, run: {"requester_id": JOHN}),
    Step("fetchOnboardingRequestForm", lambda r, run: {}, "fields"),
    Step(
        "createOnboardingRequest",
        lambda r, run: {
            "fields": {
                "cf_employee_name": f"Ada Lovelace {run}",
                "cf_date_of_joining": "2026-12-01",
                "cf_laptop_required": True,
            }
        },
        verify=_onboarding_created,
    ),
    Step("fetchOnboardingRequest", lambda r, run: {"request_id": 1}),
    Step("fetchOffboardingRequests", lambda r, run: {}, "offboarding_requests"),
    Step(
        "createOffboardingRequest",
        lambda r, run: {
            "fields": {
                "actor_2": PRIYA,
                "cf_employee_email": f"leaver.{run}@acme.com",
                "cf_last_working_date": "2026-12-18",
            }
        },
        verify=_offboarding_created,
    ),
    Step("fetchOffboardingRequestTickets", lambda r, run: {"request_id": 1}, "offboarding_tickets"),
    Step(
        "fetchServiceCatalogItemSearch", lambda r, run: {"search_term": "laptop"}, "service_items"
    ),
    Step("fetchServiceCatalogItem", lambda r, run: {"display_id": ZOOM}),
    Step("fetchServiceCatalogItems", lambda r, run: {}, "service_items"),
    Step(
        "placeRequestServiceCatalogItem",
        lambda r, run: {"display_id": ZOOM, "email": "john@acme.com"},
        verify=_request_placed,
    ),
    Step("fetchSolutionCategories", lambda r, run: {}, "categories"),
    Step("fetchSolutionCategory", lambda r, run: {"category_id": IT_HELP}),
    Step("fetchSolutionFolders", lambda r, run: {"category_id": IT_HELP}, "folders"),
    Step("fetchSolutionFolder", lambda r, run: {"folder_id": LAPTOP_ISSUES}),
    Step(
        "createSolutionFolder",
        lambda r, run: {"name": f"Printers {run}", "category_id": IT_HELP},
        verify=_folder_created,
    ),
    Step("fetchSolutionArticles", lambda r, run: {"folder_id": LAPTOP_ISSUES}, "articles"),
    Step(
        "fetchSolutionArticle",
        lambda r, run: {"article_id": r["fetchSolutionArticles"]["articles"][0]["id"]},
    ),
    Step(
        "createSolutionArticle",
        lambda r, run: {
            "title": f"Clearing a paper jam ({run})",
            "description": "<p>Open tray 2 and pull gently.</p>",
            "folder_id": r["createSolutionFolder"]["id"],
            "status": "published",
        },
        verify=_article_created,
    ),
    Step(
        "updateSolutionArticle",
        lambda r, run: {"article_id": r["createSolutionArticle"]["id"], "tags": ["printer", run]},
        verify=_article_updated,
    ),
    Step("fetchSolutionArticleSearch", lambda r, run: {"search_term": "VPN issue"}, "articles"),
    Step("fetchWorkspaces", lambda r, run: {}, "workspaces"),
)


def test_the_script_calls_every_tool_once() -> None:
    assert sorted(step.tool for step in SCRIPT) == sorted(SEED_TOOLS)


@pytest.fixture(scope="module")
def own_fake() -> Iterator[Fake]:
    """A fake of its own, so the records created here cannot disturb other tests' counts."""
    with running_fake("--plan", "unlimited") as running:
        yield running


@contextlib.asynccontextmanager
async def connected(transport: str, fake: Fake) -> AsyncIterator[Client]:
    if transport == "stdio":
        environment = server_environment(fake.url, api_key=ADMIN_KEY)
        params = StdioServerParameters(
            command=sys.executable, args=["-m", "server"], env=environment
        )
        async with Client(params) as client:
            yield client
        return
    with running_server(fake.url) as server:
        async with over_http(server.mcp_url, ADMIN_KEY) as client:
            yield client


@pytest.mark.parametrize("transport", ["stdio", "http"])
async def test_every_tool_answers_schema_valid_content_and_its_writes_land(
    own_fake: Fake, transport: str
) -> None:
    results: Results = {}
    async with connected(transport, own_fake) as client:
        schemas = {t.name: t.output_schema for t in (await client.list_tools()).tools}
        for step in SCRIPT:
            arguments = step.arguments(results, transport)
            found = structured(await client.call_tool(step.tool, arguments))
            jsonschema.validate(found, schemas[step.tool] or {})
            assert found["truncated"] is False, step.tool
            if step.items is not None:
                assert found[step.items], f"{step.tool} {arguments} listed no {step.items}"
            if step.verify is not None:
                step.verify(own_fake, found, transport)
            results[step.tool] = found
