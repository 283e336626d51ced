"""The service catalog tools against the demo dataset: search, items, and placing a request."""

from __future__ import annotations

import pytest

from tests.processes import Fake
from tests.server.conftest import (
    ADMIN_KEY,
    error_text,
    in_memory,
    requests_past_the_key_check,
    settings_for,
    structured,
)

pytestmark = pytest.mark.anyio

ZOOM = 6
JOHN = 21000000013


async def test_search_finds_zoom_first_with_the_total(fake: Fake) -> None:
    async with in_memory(settings_for(fake)) as client:
        found = structured(
            await client.call_tool("fetchServiceCatalogItemSearch", {"search_term": "zoom"})
        )
    assert found["service_items"][0]["display_id"] == ZOOM
    assert found["total"] == len(found["service_items"]) and found["next_page"] is None


async def test_search_pages_by_its_meta(fake: Fake) -> None:
    async with in_memory(settings_for(fake)) as client:
        found = structured(
            await client.call_tool(
                "fetchServiceCatalogItemSearch", {"search_term": "zoom", "per_page": 1}
            )
        )
    assert found["total"] is not None and found["total"] > 1
    assert found["next_page"] == 2


async def test_an_item_shows_its_request_form(fake: Fake) -> None:
    async with in_memory(settings_for(fake)) as client:
        zoom = structured(await client.call_tool("fetchServiceCatalogItem", {"display_id": ZOOM}))
    assert zoom["name"] == "Zoom" and zoom["visibility_name"] == "Published"
    assert {"name": "license_type", "choices": ["Basic", "Pro"]}.items() <= {
        **zoom["form_fields"][0]
    }.items()


async def test_items_list_pages_and_filters_by_category(fake: Fake) -> None:
    async with in_memory(settings_for(fake)) as client:
        zoom = structured(await client.call_tool("fetchServiceCatalogItem", {"display_id": ZOOM}))
        listed = structured(
            await client.call_tool(
                "fetchServiceCatalogItems", {"category_id": zoom["category_id"], "per_page": 100}
            )
        )
    assert ZOOM in [i["display_id"] for i in listed["service_items"]]
    assert {i["category_id"] for i in listed["service_items"]} == {zoom["category_id"]}


async def test_placing_a_request_for_a_requester_creates_their_service_request(
    fake: Fake,
) -> None:
    async with in_memory(settings_for(fake)) as client:
        placed = structured(
            await client.call_tool(
                "placeRequestServiceCatalogItem",
                {
                    "display_id": ZOOM,
                    "email": "john@acme.com",
                    "custom_fields": {"license_type": "Pro"},
                },
            )
        )
    assert placed["type"] == "Service Request" and placed["requester_id"] == JOHN
    ticket = fake.api("GET", f"/tickets/{placed['id']}", ADMIN_KEY).json()["ticket"]
    assert ticket["requester_id"] == JOHN and "Zoom" in ticket["subject"]
    items = fake.api("GET", f"/tickets/{placed['id']}/requested_items", ADMIN_KEY).json()[
        "requested_items"
    ]
    assert [(i["service_item_id"], i["custom_fields"]) for i in items] == [
        (ZOOM, {"license_type": "Pro"})
    ]


async def test_a_wrong_form_answer_is_named_by_freshservice(fake: Fake) -> None:
    async with in_memory(settings_for(fake)) as client:
        result = await client.call_tool(
            "placeRequestServiceCatalogItem",
            {"display_id": ZOOM, "custom_fields": {"license_type": "Gold"}},
        )
    assert "license_type" in error_text(result) and "Basic" in error_text(result)


@pytest.mark.parametrize(
    ("name", "arguments", "named"),
    [
        ("placeRequestServiceCatalogItem", {"display_id": ZOOM, "email": "john at acme"}, "email"),
        ("placeRequestServiceCatalogItem", {"display_id": ZOOM, "email": "john@acme"}, "email"),
        (
            "placeRequestServiceCatalogItem",
            {"display_id": ZOOM, "requested_for": "ann@acme"},
            "requested_for",
        ),
        ("fetchServiceCatalogItemSearch", {"search_term": "   "}, "search_term"),
        (
            "fetchServiceCatalogItemSearch",
            {"search_term": "zoom", "user_email": "john@acme"},
            "user_email",
        ),
    ],
    ids=["no-at", "no-dot", "requested-for", "blank-term", "user-email"],
)
async def test_a_bad_argument_is_refused_before_any_request(
    fake: Fake, name: str, arguments: dict[str, object], named: str
) -> None:
    fake.clear_journal()
    async with in_memory(settings_for(fake)) as client:
        result = await client.call_tool(name, arguments)
    assert named in error_text(result)
    assert requests_past_the_key_check(fake.journal()) == []  # only the key was checked


async def test_a_missing_item_is_named(fake: Fake) -> None:
    async with in_memory(settings_for(fake)) as client:
        result = await client.call_tool("fetchServiceCatalogItem", {"display_id": 9999})
    assert "Service catalog item 9999 was not found (404)" in error_text(result)
