"""The JSON bodies the create and update tools send: exactly the fields given, in the order of the
tool's arguments, codes given by name as Freshservice's numbers (an asset's impact as its word),
ids that go in the path left out. A transport stands in for Freshservice and keeps each body."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from mcp import Client

from server.app import build_server
from server.tools.common import sent
from tests.processes import Fake
from tests.server.conftest import PRIYA, settings_for, structured

pytestmark = pytest.mark.anyio

LAPTOP = 30000000003
SERIAL = f"serial_number_{LAPTOP}"
# What a record needs besides the body echoed back, for the tool's result to read it.
RECORDS = {
    "tickets": ("ticket", {"id": 7, "subject": "s", "status": 2, "priority": 1,
                           "created_at": "2026-01-01T00:00:00Z",
                           "updated_at": "2026-01-01T00:00:00Z"}),
    "assets": ("asset", {"display_id": 64, "id": 7, "name": "n", "asset_type_id": LAPTOP}),
    "folders": ("folder", {"id": 7, "name": "n"}),
    "articles": ("article", {"id": 7, "title": "t"}),
}  # fmt: skip


class Freshservice:
    """Answers the calls a write makes and keeps the body of each POST and PUT."""

    def __init__(self) -> None:
        self.writes: list[tuple[str, str, list[tuple[str, Any]]]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path.removeprefix("/api/v2")
        if path == "/agents/me":
            return httpx.Response(200, json={"agent": {"id": PRIYA}})
        if path == f"/asset_types/{LAPTOP}/fields":
            field = {"name": SERIAL, "label": "Serial number", "data_type": "string"}
            return httpx.Response(200, json={"asset_type_fields": [{"fields": [field]}]})
        key, record = RECORDS[path.split("/")[-1 if request.method == "POST" else -2]]
        if request.method == "GET":
            return httpx.Response(200, json={key: {**record, "type_fields": {}}})
        body = json.loads(request.content)
        self.writes.append((request.method, path, list(body.items())))
        return httpx.Response(200, json={key: {**body, **record}})


@asynccontextmanager
async def answered_by(freshservice: Freshservice, fake: Fake) -> AsyncIterator[Client]:
    server = build_server(settings_for(fake), transport=httpx.MockTransport(freshservice))
    async with Client(server) as client:
        yield client


async def body_sent(fake: Fake, tool: str, arguments: dict[str, Any]) -> tuple[str, str, Any]:
    """The one write `tool` made: method, path and the body's fields in order."""
    freshservice = Freshservice()
    async with answered_by(freshservice, fake) as client:
        structured(await client.call_tool(tool, arguments))
    [write] = freshservice.writes
    return write


# -- sent ----------------------------------------------------------------------------------------


def test_sent_leaves_out_the_fields_that_are_none_and_keeps_other_empty_values() -> None:
    assert sent(a=None, b=0, c=False, d="", e=[], f={}) == {
        "b": 0, "c": False, "d": "", "e": [], "f": {},
    }  # fmt: skip


def test_sent_keeps_the_fields_in_the_order_they_are_named() -> None:
    assert list(sent(z=1, a=None, m=2, b=3)) == ["z", "m", "b"]


# -- Tickets -------------------------------------------------------------------------------------

TICKET_FIELDS = {
    "subject": "Printer jams",
    "description": "<p>Every page.</p>",
    "requester_id": 21000000013,
    "email": "john@acme.com",
    "phone": "+1 555 0100",
    "name": "John",
}
TICKET_DETAILS = {
    "type": "Incident",
    "responder_id": PRIYA,
    "group_id": 24000000001,
    "department_id": 23000000001,
    "category": "Hardware",
    "sub_category": "Printer",
    "item_category": "Laser",
    "due_by": "2026-12-01T17:00:00Z",
    "fr_due_by": "2026-11-30T17:00:00Z",
    "cc_emails": ["it@acme.com"],
    "tags": ["printer"],
    "custom_fields": {"floor": 3, "urgent_fix": False},
}
TICKET_CODES_BY_NAME = {
    "status": "pending",
    "priority": "urgent",
    "urgency": "high",
    "impact": "medium",
    "source": "phone",
}
TICKET_CODES = {"status": 3, "priority": 4, "urgency": 3, "impact": 2, "source": 3}


async def test_createticket_sends_every_field_given_codes_as_numbers_in_argument_order(
    fake: Fake,
) -> None:
    arguments = {**TICKET_FIELDS, **TICKET_CODES_BY_NAME, **TICKET_DETAILS, "workspace_id": 2}
    assert await body_sent(fake, "createTicket", arguments) == (
        "POST",
        "/tickets",
        [*TICKET_FIELDS.items(), *TICKET_CODES.items(), *TICKET_DETAILS.items(),
         ("workspace_id", 2)],
    )  # fmt: skip


async def test_createticket_sends_status_open_and_priority_low_when_they_are_left_out(
    fake: Fake,
) -> None:
    arguments = {"subject": "s", "description": "d", "email": "john@acme.com"}
    assert await body_sent(fake, "createTicket", arguments) == (
        "POST",
        "/tickets",
        [("subject", "s"), ("description", "d"), ("email", "john@acme.com"),
         ("status", 2), ("priority", 1)],
    )  # fmt: skip


async def test_updateticket_sends_every_field_given_but_the_ticket_id(fake: Fake) -> None:
    arguments = {"ticket_id": 1023, **TICKET_FIELDS, **TICKET_CODES_BY_NAME, **TICKET_DETAILS}
    assert await body_sent(fake, "updateTicket", arguments) == (
        "PUT",
        "/tickets/1023",
        [*TICKET_FIELDS.items(), *TICKET_CODES.items(), *TICKET_DETAILS.items()],
    )


async def test_updateticket_sends_only_the_fields_given(fake: Fake) -> None:
    arguments = {"ticket_id": 1023, "priority": 2, "tags": []}
    assert await body_sent(fake, "updateTicket", arguments) == (
        "PUT",
        "/tickets/1023",
        [("priority", 2), ("tags", [])],
    )


# -- Assets --------------------------------------------------------------------------------------

ASSET_FIELDS = {
    "name": "Spare laptop",
    "asset_type_id": LAPTOP,
    "description": "For visitors",
    "asset_tag": "ASSET-1042",
    "impact": "high",
    "usage_type": "loaner",
    "user_id": 21000000013,
    "location_id": 27000000001,
    "department_id": 23000000001,
    "agent_id": PRIYA,
    "group_id": 24000000001,
    "assigned_on": "2026-12-01T09:00:00Z",
}


async def test_createasset_sends_every_field_given_in_argument_order(fake: Fake) -> None:
    arguments = {**ASSET_FIELDS, "workspace_id": 2, "type_fields": {SERIAL: "SN123"}}
    assert await body_sent(fake, "createAsset", arguments) == (
        "POST",
        "/assets",
        [*ASSET_FIELDS.items(), ("workspace_id", 2), ("type_fields", {SERIAL: "SN123"})],
    )


async def test_createasset_sends_an_impact_given_as_a_number_as_its_word(fake: Fake) -> None:
    arguments = {"name": "n", "asset_type_id": LAPTOP, "impact": 2}
    assert await body_sent(fake, "createAsset", arguments) == (
        "POST",
        "/assets",
        [("name", "n"), ("asset_type_id", LAPTOP), ("impact", "medium")],
    )


async def test_createasset_leaves_out_an_empty_type_fields(fake: Fake) -> None:
    arguments = {"name": "n", "asset_type_id": LAPTOP, "type_fields": {}}
    assert await body_sent(fake, "createAsset", arguments) == (
        "POST",
        "/assets",
        [("name", "n"), ("asset_type_id", LAPTOP)],
    )


async def test_updateasset_sends_every_field_given_but_the_display_id(fake: Fake) -> None:
    arguments = {"display_id": 64, **ASSET_FIELDS, "type_fields": {SERIAL: "SN123"}}
    assert await body_sent(fake, "updateAsset", arguments) == (
        "PUT",
        "/assets/64",
        [*ASSET_FIELDS.items(), ("type_fields", {SERIAL: "SN123"})],
    )


# -- Solutions -----------------------------------------------------------------------------------


async def test_createsolutionfolder_sends_every_field_given_visibility_as_its_number(
    fake: Fake,
) -> None:
    arguments = {
        "name": "Printers",
        "category_id": 35000000002,
        "description": "Printing",
        "visibility": "departments",
        "department_ids": [23000000001],
        "workspace_id": 2,
    }
    assert await body_sent(fake, "createSolutionFolder", arguments) == (
        "POST",
        "/solutions/folders",
        list({**arguments, "visibility": 4}.items()),
    )


ARTICLE_FIELDS = {
    "title": "Clearing a paper jam",
    "description": "<p>Open tray 2.</p>",
    "folder_id": 36000000002,
}
ARTICLE_DETAILS = {
    "tags": ["printer"],
    "keywords": ["jam"],
    "review_date": "2026-12-31",
}


async def test_createsolutionarticle_sends_every_field_given_codes_as_numbers(
    fake: Fake,
) -> None:
    arguments = {
        **ARTICLE_FIELDS, "article_type": "workaround", "status": "published", **ARTICLE_DETAILS,
    }  # fmt: skip
    assert await body_sent(fake, "createSolutionArticle", arguments) == (
        "POST",
        "/solutions/articles",
        [*ARTICLE_FIELDS.items(), ("article_type", 2), ("status", 2), *ARTICLE_DETAILS.items()],
    )


async def test_updatesolutionarticle_sends_every_field_given_but_the_article_id(
    fake: Fake,
) -> None:
    arguments = {
        "article_id": 7, **ARTICLE_FIELDS, "article_type": "permanent", "status": "draft",
        **ARTICLE_DETAILS,
    }  # fmt: skip
    assert await body_sent(fake, "updateSolutionArticle", arguments) == (
        "PUT",
        "/solutions/articles/7",
        [*ARTICLE_FIELDS.items(), ("article_type", 1), ("status", 1), *ARTICLE_DETAILS.items()],
    )
