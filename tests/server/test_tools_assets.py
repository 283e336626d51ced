"""The asset tools: fetchAssets (list, search, filter query), fetchAsset, createAsset and
updateAsset, against a real fake. Creates and updates are read back through the fake's REST API;
refusals name the argument and send nothing that writes."""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import parse_qs

import jsonschema
import pytest
from mcp import Client

from server.tools import assets, common
from tests.processes import Fake
from tests.server.conftest import (
    ADMIN_KEY,
    error_text,
    in_memory,
    requests_of,
    schema_of,
    settings_for,
    structured,
)

pytestmark = pytest.mark.anyio


def asset_type_id(fake: Fake, name: str) -> int:
    types = fake.api("GET", "/asset_types?per_page=100", ADMIN_KEY).json()["asset_types"]
    return int(next(t["id"] for t in types if t["name"] == name))


def type_fields(fake: Fake, type_id: int) -> dict[str, dict[str, Any]]:
    """The type-specific fields of an asset type, by name (as Freshservice lists them)."""
    groups = fake.api("GET", f"/asset_types/{type_id}/fields", ADMIN_KEY).json()
    return {
        f["name"]: f
        for group in groups["asset_type_fields"]
        for f in group["fields"]
        if f["asset_type_id"] is not None
    }


def laptop_fields(fake: Fake) -> tuple[int, dict[str, Any]]:
    """A laptop's type id and valid values of its required type fields."""
    laptop = asset_type_id(fake, "Laptop")
    fields = type_fields(fake, laptop)
    product = next(n for n in fields if n.startswith("product_"))
    state = next(n for n in fields if n.startswith("asset_state_"))
    return laptop, {product: fields[product]["choices"][0][1], state: "In Stock"}


def unique(prefix: str) -> str:
    return f"{prefix} {uuid.uuid4().hex[:8]}"


def asset_requests(fake: Fake) -> list[str]:
    return [r for r in requests_of(fake.journal()) if "/assets" in r]


def writes(fake: Fake) -> list[str]:
    return [r for r in requests_of(fake.journal()) if not r.startswith("GET ")]


async def create_laptop(client: Client, fake: Fake, **extra: Any) -> dict[str, Any]:
    laptop, required = laptop_fields(fake)
    arguments = {"name": unique("Test laptop"), "asset_type_id": laptop, "type_fields": required}
    return structured(await client.call_tool("createAsset", {**arguments, **extra}))


# -- fetchAssets ---------------------------------------------------------------------------------


async def test_fetchassets_lists_a_page_of_compact_assets_matching_its_schema(fake: Fake) -> None:
    async with in_memory(settings_for(fake)) as client:
        schema = await schema_of(client, "fetchAssets")
        page = structured(await client.call_tool("fetchAssets", {"per_page": 5}))
    jsonschema.validate(page, schema)
    assert len(page["assets"]) == 5 and page["next_page"] == 2 and page["total"] is None
    for item in page["assets"]:
        assert item["display_id"] >= 1 and item["name"]
        assert "description" not in item and item["type_fields"] is None


async def test_fetchassets_pages_follow_the_link_header(fake: Fake) -> None:
    async with in_memory(settings_for(fake)) as client:
        first = structured(await client.call_tool("fetchAssets", {"per_page": 3}))
        second = structured(await client.call_tool("fetchAssets", {"per_page": 3, "page": 2}))
    first_ids = {a["display_id"] for a in first["assets"]}
    assert first_ids.isdisjoint({a["display_id"] for a in second["assets"]})


async def test_fetchassets_sorts_a_plain_list_by_order_by_and_order_type(fake: Fake) -> None:
    async with in_memory(settings_for(fake)) as client:
        page = structured(
            await client.call_tool(
                "fetchAssets", {"order_by": "id", "order_type": "asc", "per_page": 5}
            )
        )
    assert [a["display_id"] for a in page["assets"]] == [1, 2, 3, 4, 5]


async def test_fetchassets_search_looks_in_names_and_reports_the_total(fake: Fake) -> None:
    expected = fake.api("GET", "/assets?search=\"name:'dell'\"", ADMIN_KEY)
    fake.clear_journal()
    async with in_memory(settings_for(fake)) as client:
        schema = await schema_of(client, "fetchAssets")
        page = structured(await client.call_tool("fetchAssets", {"search": "dell"}))
    jsonschema.validate(page, schema)
    assert page["total"] == int(expected.headers["X-Search-Results-Count"]) > 0
    assert page["per_page"] == 30 and page["next_page"] is None
    assert all("dell" in a["name"].lower() for a in page["assets"])
    sent = [e for e in fake.journal() if e["path"] == "/api/v2/assets"]
    assert parse_qs(sent[0]["query"])["search"] == ["\"name:'dell'\""]


@pytest.mark.parametrize(
    ("search", "sent"),
    [
        ("asset_tag:ASSET-64", "\"asset_tag:'ASSET-64'\""),
        ("asset_tag:'ASSET-64'", "\"asset_tag:'ASSET-64'\""),
        ("O'Brien's laptop", "\"name:'O\\'Brien\\'s laptop'\""),
        ("aa:bb:cc", "\"name:'aa:bb:cc'\""),
        ("http://x", "\"name:'http://x'\""),
        ("it's: a 'test'", "\"name:'it\\'s: a \\'test\\''\""),
        ("mac_addresses:aa:bb:cc", "\"mac_addresses:'aa:bb:cc'\""),
    ],
    ids=[
        "field-unquoted",
        "field-quoted",
        "apostrophes-escaped",
        "colons-in-plain-text",
        "url-in-plain-text",
        "colon-and-quotes-in-plain-text",
        "colons-in-a-field-value",
    ],
)
async def test_fetchassets_search_sends_one_quoted_condition(
    fake: Fake, search: str, sent: str
) -> None:
    fake.clear_journal()
    async with in_memory(settings_for(fake)) as client:
        structured(await client.call_tool("fetchAssets", {"search": search}))
    entry = next(e for e in fake.journal() if e["path"] == "/api/v2/assets")
    assert parse_qs(entry["query"])["search"] == [sent]


async def test_fetchassets_search_with_a_colon_in_plain_text_finds_the_name(fake: Fake) -> None:
    async with in_memory(settings_for(fake)) as client:
        created = await create_laptop(client, fake, name=unique("Port a1:b2:c3"))
        page = structured(await client.call_tool("fetchAssets", {"search": "a1:b2:c3"}))
    assert [a["display_id"] for a in page["assets"]] == [created["display_id"]]


async def test_fetchassets_query_filters_with_type_fields_30_a_page(fake: Fake) -> None:
    async with in_memory(settings_for(fake)) as client:
        schema = await schema_of(client, "fetchAssets")
        page = structured(
            await client.call_tool(
                "fetchAssets",
                {"query": "asset_state:'In Use'", "include_type_fields": True, "per_page": 5},
            )
        )
    jsonschema.validate(page, schema)
    assert page["per_page"] == 30 and len(page["assets"]) == min(30, page["total"]) > 5
    for item in page["assets"]:
        states = [v for k, v in item["type_fields"].items() if k.startswith("asset_state_")]
        assert states == ["In Use"]


async def test_fetchassets_query_pages_by_30_with_next_page_from_the_total(fake: Fake) -> None:
    async with in_memory(settings_for(fake)) as client:
        first = structured(await client.call_tool("fetchAssets", {"query": "workspace_id:2"}))
        second = structured(
            await client.call_tool("fetchAssets", {"query": "workspace_id:2", "page": 2})
        )
    assert first["total"] > 30 and len(first["assets"]) == 30 and first["next_page"] == 2
    assert len(second["assets"]) == min(30, first["total"] - 30)


@pytest.mark.parametrize(
    ("arguments", "named"),
    [
        ({"query": "colour:'red'"}, "query: unknown field 'colour'"),
        ({"query": "asset_type_id:'laptop'"}, "query: 'asset_type_id' takes a number"),
        ({"query": "created_at:>'2026-02-30'"}, "query: 'created_at' takes a date"),
        ({"search": "serial:'5CD'"}, "search: 'serial' is not a search field"),
        ({"search": "name:'dell' OR name:'hp'"}, "search: give one condition"),
        ({"search": "dell", "query": "name:'x'"}, "give search or query, not both"),
        ({"search": "dell", "order_by": "id"}, "order_by cannot be combined with search"),
        ({"query": "name:'x'", "order_type": "asc"}, "order_type cannot be combined"),
        (
            {"query": "name:'x'", "page": 41},
            "page: Freshservice returns at most 40 pages of a filter query or search; narrow it "
            "instead",
        ),
    ],
    ids=[
        "unknown-field",
        "text-for-number",
        "impossible-date",
        "unknown-search-field",
        "search-with-or",
        "search-and-query",
        "sorted-search",
        "sorted-query",
        "page-beyond-40",
    ],
)
async def test_fetchassets_refuses_a_bad_search_or_query_before_any_request(
    fake: Fake, arguments: dict[str, Any], named: str
) -> None:
    fake.clear_journal()
    async with in_memory(settings_for(fake)) as client:
        result = await client.call_tool("fetchAssets", arguments)
    assert named in error_text(result)
    assert asset_requests(fake) == []


# -- fetchAsset ----------------------------------------------------------------------------------


async def test_fetchasset_shows_an_asset_with_its_type_fields(fake: Fake) -> None:
    expected = fake.api("GET", "/assets/1?include=type_fields", ADMIN_KEY).json()["asset"]
    async with in_memory(settings_for(fake)) as client:
        schema = await schema_of(client, "fetchAsset")
        found = structured(
            await client.call_tool("fetchAsset", {"display_id": 1, "include_type_fields": True})
        )
    jsonschema.validate(found, schema)
    assert found["display_id"] == 1 and found["id"] == expected["id"]
    assert found["name"] == expected["name"] and found["type_fields"] == expected["type_fields"]


async def test_fetchasset_leaves_type_fields_out_unless_asked(fake: Fake) -> None:
    async with in_memory(settings_for(fake)) as client:
        found = structured(await client.call_tool("fetchAsset", {"display_id": 1}))
    assert found["type_fields"] is None


async def test_fetchasset_of_a_missing_display_id_names_it(fake: Fake) -> None:
    async with in_memory(settings_for(fake)) as client:
        result = await client.call_tool("fetchAsset", {"display_id": 987654})
    assert "Asset 987654 was not found (404)" in error_text(result)


# -- createAsset ---------------------------------------------------------------------------------


async def test_createasset_creates_an_asset_read_back_through_the_api(fake: Fake) -> None:
    laptop, required = laptop_fields(fake)
    serial = next(n for n in type_fields(fake, laptop) if n.startswith("serial_number_"))
    name = unique("Test laptop")
    async with in_memory(settings_for(fake)) as client:
        schema = await schema_of(client, "createAsset")
        created = structured(
            await client.call_tool(
                "createAsset",
                {
                    "name": name,
                    "asset_type_id": laptop,
                    "impact": "high",
                    "usage_type": "loaner",
                    "description": "Spare for the help desk",
                    "type_fields": {**required, serial: "SN-TEST-1"},
                },
            )
        )
    jsonschema.validate(created, schema)
    stored = fake.api(
        "GET", f"/assets/{created['display_id']}?include=type_fields", ADMIN_KEY
    ).json()["asset"]
    assert stored["name"] == name and stored["asset_type_id"] == laptop
    assert stored["impact"] == "high" and stored["usage_type"] == "loaner"
    assert stored["type_fields"][serial] == "SN-TEST-1"
    assert {k: stored["type_fields"][k] for k in required} == required


async def test_createasset_takes_impact_as_a_number_and_sends_freshservices_word(
    fake: Fake,
) -> None:
    async with in_memory(settings_for(fake)) as client:
        created = await create_laptop(client, fake, impact=2)
    stored = fake.api("GET", f"/assets/{created['display_id']}", ADMIN_KEY).json()["asset"]
    assert created["impact"] == stored["impact"] == "medium"


async def test_createasset_checks_type_fields_before_posting(fake: Fake) -> None:
    laptop, _ = laptop_fields(fake)
    fake.clear_journal()
    async with in_memory(settings_for(fake)) as client:
        result = await client.call_tool(
            "createAsset", {"name": unique("No product"), "asset_type_id": laptop}
        )
    text = error_text(result)
    assert "type_fields:" in text and "product_" in text and "is required" in text
    assert "'In Use'" in text  # the state's choices are listed
    assert writes(fake) == []
    assert f"GET /api/v2/asset_types/{laptop}/fields" in requests_of(fake.journal())


@pytest.mark.parametrize(
    ("extra", "named"),
    [
        ({"colour_1": "red"}, "colour_1 is not a field of this asset type"),
        ({"product": 1}, "did you mean product_"),
        ({"location_id": 1}, "location_id is an argument of its own"),
    ],
    ids=["unknown-suffixed", "suffix-forgotten", "asset-field"],
)
async def test_createasset_refuses_a_type_field_the_type_lacks_naming_it(
    fake: Fake, extra: dict[str, Any], named: str
) -> None:
    laptop, required = laptop_fields(fake)
    fake.clear_journal()
    async with in_memory(settings_for(fake)) as client:
        result = await client.call_tool(
            "createAsset",
            {"name": unique("Bad"), "asset_type_id": laptop, "type_fields": {**required, **extra}},
        )
    text = error_text(result)
    assert named in text
    assert writes(fake) == []


async def test_createasset_refuses_a_value_outside_a_dropdowns_choices(fake: Fake) -> None:
    laptop, required = laptop_fields(fake)
    state = next(n for n in required if n.startswith("asset_state_"))
    fake.clear_journal()
    async with in_memory(settings_for(fake)) as client:
        result = await client.call_tool(
            "createAsset",
            {
                "name": unique("Bad state"),
                "asset_type_id": laptop,
                "type_fields": {**required, state: "Broken"},
            },
        )
    assert f"'Broken' is not a choice of {state}" in error_text(result)
    assert writes(fake) == []


async def test_createasset_with_an_unknown_asset_type_names_it(fake: Fake) -> None:
    fake.clear_journal()
    async with in_memory(settings_for(fake)) as client:
        result = await client.call_tool("createAsset", {"name": "x", "asset_type_id": 424242})
    assert "asset_type_id: there is no asset type 424242" in error_text(result)
    assert writes(fake) == []


async def test_createasset_refuses_a_blank_name_before_any_request(fake: Fake) -> None:
    laptop, required = laptop_fields(fake)
    fake.clear_journal()
    async with in_memory(settings_for(fake)) as client:
        result = await client.call_tool(
            "createAsset", {"name": "   ", "asset_type_id": laptop, "type_fields": required}
        )
    assert "name: '   ' does not match" in error_text(result)
    assert asset_requests(fake) == []


@pytest.mark.parametrize("assigned_on", ["garbage", "2026-02-30", "2026-12-01 09:00"])
async def test_createasset_refuses_an_assigned_on_that_is_not_a_date_before_any_request(
    fake: Fake, assigned_on: str
) -> None:
    laptop, required = laptop_fields(fake)
    fake.clear_journal()
    async with in_memory(settings_for(fake)) as client:
        result = await client.call_tool(
            "createAsset",
            {
                "name": unique("Bad date"),
                "asset_type_id": laptop,
                "assigned_on": assigned_on,
                "type_fields": required,
            },
        )
    text = error_text(result)
    assert "assigned_on: takes a date and time in ISO 8601" in text and repr(assigned_on) in text
    assert asset_requests(fake) == []


@pytest.mark.parametrize(
    "assigned_on", ["2026-12-01T09:00:00Z", "2026-12-01", "2026-12-01T09:00:00+05:30"]
)
async def test_createasset_takes_assigned_on_in_iso_8601(fake: Fake, assigned_on: str) -> None:
    async with in_memory(settings_for(fake)) as client:
        created = await create_laptop(client, fake, assigned_on=assigned_on)
    stored = fake.api("GET", f"/assets/{created['display_id']}", ADMIN_KEY).json()["asset"]
    assert stored["assigned_on"].startswith("2026-12-01")


@pytest.mark.parametrize("value", ["yesterday", "2026-02-30", "31-01-2026"])
async def test_createasset_refuses_a_date_type_field_that_is_not_a_date(
    fake: Fake, value: str
) -> None:
    laptop, required = laptop_fields(fake)
    acquired = next(n for n in type_fields(fake, laptop) if n.startswith("acquisition_date_"))
    fake.clear_journal()
    async with in_memory(settings_for(fake)) as client:
        result = await client.call_tool(
            "createAsset",
            {
                "name": unique("Bad acquisition"),
                "asset_type_id": laptop,
                "type_fields": {**required, acquired: value},
            },
        )
    assert f"{acquired} (Acquisition Date; a date like 2026-01-31) takes a date like" in (
        error_text(result)
    )
    assert writes(fake) == []


async def test_createasset_takes_a_date_type_field_as_a_date(fake: Fake) -> None:
    laptop, _ = laptop_fields(fake)
    acquired = next(n for n in type_fields(fake, laptop) if n.startswith("acquisition_date_"))
    async with in_memory(settings_for(fake)) as client:
        created = await create_laptop(
            client, fake, type_fields={**laptop_fields(fake)[1], acquired: "2026-01-31"}
        )
    assert created["type_fields"][acquired].startswith("2026-01-31")


async def test_createasset_passes_on_freshservices_validation_errors_by_field(fake: Fake) -> None:
    async with in_memory(settings_for(fake)) as client:
        laptop, required = laptop_fields(fake)
        result = await client.call_tool(
            "createAsset",
            {
                "name": unique("Nowhere"),
                "asset_type_id": laptop,
                "location_id": 424242,
                "type_fields": required,
            },
        )
    assert "location_id: There is no location matching the given location_id" in error_text(result)


# -- updateAsset ---------------------------------------------------------------------------------


async def test_updateasset_changes_fields_read_back_through_the_api(fake: Fake) -> None:
    async with in_memory(settings_for(fake)) as client:
        schema = await schema_of(client, "updateAsset")
        created = await create_laptop(client, fake)
        serial = next(n for n in created["type_fields"] if n.startswith("serial_number_"))
        name = unique("Renamed laptop")
        updated = structured(
            await client.call_tool(
                "updateAsset",
                {
                    "display_id": created["display_id"],
                    "name": name,
                    "impact": "low",
                    "type_fields": {serial: "SN-UPDATED"},
                },
            )
        )
    jsonschema.validate(updated, schema)
    stored = fake.api(
        "GET", f"/assets/{created['display_id']}?include=type_fields", ADMIN_KEY
    ).json()["asset"]
    assert stored["name"] == name and stored["impact"] == "low"
    assert stored["type_fields"][serial] == "SN-UPDATED"
    product = next(n for n in created["type_fields"] if n.startswith("product_"))
    assert stored["type_fields"][product] == created["type_fields"][product]  # kept


async def test_updateasset_without_a_field_to_change_is_refused_before_any_request(
    fake: Fake,
) -> None:
    fake.clear_journal()
    async with in_memory(settings_for(fake)) as client:
        result = await client.call_tool("updateAsset", {"display_id": 1})
    assert "give at least one field to change besides display_id" in error_text(result)
    assert asset_requests(fake) == []


async def test_updateasset_with_only_an_empty_type_fields_is_refused_before_any_request(
    fake: Fake,
) -> None:
    fake.clear_journal()
    async with in_memory(settings_for(fake)) as client:
        result = await client.call_tool("updateAsset", {"display_id": 81, "type_fields": {}})
    assert "give at least one field to change besides display_id" in error_text(result)
    assert asset_requests(fake) == []


async def test_updateasset_with_an_empty_type_fields_puts_only_the_other_fields(
    fake: Fake,
) -> None:
    async with in_memory(settings_for(fake)) as client:
        created = await create_laptop(client, fake)
        fake.clear_journal()
        name = unique("Renamed")
        structured(
            await client.call_tool(
                "updateAsset",
                {"display_id": created["display_id"], "name": name, "type_fields": {}},
            )
        )
    assert asset_requests(fake) == [f"PUT /api/v2/assets/{created['display_id']}"]
    stored = fake.api("GET", f"/assets/{created['display_id']}", ADMIN_KEY).json()["asset"]
    assert stored["name"] == name


async def test_updateasset_refuses_an_assigned_on_that_is_not_a_date_before_any_request(
    fake: Fake,
) -> None:
    fake.clear_journal()
    async with in_memory(settings_for(fake)) as client:
        result = await client.call_tool("updateAsset", {"display_id": 1, "assigned_on": "garbage"})
    assert "assigned_on: takes a date and time in ISO 8601" in error_text(result)
    assert asset_requests(fake) == []


async def test_updateasset_refuses_a_blank_name_before_any_request(fake: Fake) -> None:
    fake.clear_journal()
    async with in_memory(settings_for(fake)) as client:
        result = await client.call_tool("updateAsset", {"display_id": 1, "name": " \t "})
    assert "name: ' \\t ' does not match" in error_text(result)  # the name's repr
    assert asset_requests(fake) == []


async def test_updateasset_describes_asset_tag_as_a_new_tag_not_a_made_one(fake: Fake) -> None:
    async with in_memory(settings_for(fake)) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
    update = tools["updateAsset"].input_schema["properties"]["asset_tag"]["description"]
    create = tools["createAsset"].input_schema["properties"]["asset_tag"]["description"]
    assert "left out" not in update and update.startswith("A new asset tag")
    assert "Freshservice makes one" in create


def test_asset_impact_is_named_apart_from_the_ticket_impact_codes() -> None:
    assert "ImpactIn" not in vars(assets)
    assert assets.AssetImpactIn is not common.ImpactIn


async def test_updateasset_of_a_missing_display_id_names_it(fake: Fake) -> None:
    async with in_memory(settings_for(fake)) as client:
        result = await client.call_tool("updateAsset", {"display_id": 987654, "name": "x"})
    assert "Asset 987654 was not found (404)" in error_text(result)


async def test_updateasset_refuses_an_unknown_type_field_without_putting(fake: Fake) -> None:
    async with in_memory(settings_for(fake)) as client:
        created = await create_laptop(client, fake)
        fake.clear_journal()
        result = await client.call_tool(
            "updateAsset",
            {"display_id": created["display_id"], "type_fields": {"colour_1": "red"}},
        )
    assert "colour_1 is not a field of this asset type" in error_text(result)
    assert writes(fake) == []


async def test_updateasset_to_a_new_type_needs_its_required_fields(fake: Fake) -> None:
    software = asset_type_id(fake, "Software")
    laptop, _ = laptop_fields(fake)
    async with in_memory(settings_for(fake)) as client:
        created = structured(
            await client.call_tool(
                "createAsset", {"name": unique("Test software"), "asset_type_id": software}
            )
        )
        fake.clear_journal()
        result = await client.call_tool(
            "updateAsset", {"display_id": created["display_id"], "asset_type_id": laptop}
        )
    text = error_text(result)
    assert "product_" in text and "asset_state_" in text and "is required" in text
    assert writes(fake) == []
