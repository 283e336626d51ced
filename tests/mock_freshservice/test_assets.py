"""Assets by display_id: listing, search and filter, view, create and update with type fields."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from flask.testing import FlaskClient

from mock_freshservice.api.shapes import ASSET_KEYS


def types_by_name(client: FlaskClient, headers: dict[str, str]) -> dict[str, dict[str, Any]]:
    found = client.get("/api/v2/asset_types?per_page=100", headers=headers).get_json()[
        "asset_types"
    ]
    return {t["name"]: t for t in found}


def laptop_product_field(client: FlaskClient, headers: dict[str, str]) -> dict[str, Any]:
    """The Laptop form's `product_<Hardware id>` field (the product is a Hardware type field)."""
    types = types_by_name(client, headers)
    hardware, laptop = types["Hardware"]["id"], types["Laptop"]["id"]
    fields = client.get(f"/api/v2/asset_types/{laptop}/fields", headers=headers).get_json()
    found: dict[str, Any] = next(
        f
        for group in fields["asset_type_fields"]
        for f in group["fields"]
        if f["name"] == f"product_{hardware}"
    )
    return found


def laptop_body(client: FlaskClient, headers: dict[str, str], **extra: Any) -> dict[str, Any]:
    types = types_by_name(client, headers)
    hardware, laptop = types["Hardware"]["id"], types["Laptop"]["id"]
    product = laptop_product_field(client, headers)
    return {
        "name": "Nina's laptop",
        "asset_type_id": laptop,
        "type_fields": {
            f"product_{hardware}": product["choices"][0][1],
            f"asset_state_{hardware}": "In Stock",
        },
    } | extra


def test_assets_list_the_primary_workspace_newest_first(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    assets = client.get("/api/v2/assets?per_page=100", headers=admin).get_json()["assets"]
    assert assets
    assert {a["workspace_id"] for a in assets} == {2}
    created = [a["created_at"] for a in assets]
    assert created == sorted(created, reverse=True)


def test_asset_list_items_have_the_facts_keys(client: FlaskClient, admin: dict[str, str]) -> None:
    for asset in client.get("/api/v2/assets", headers=admin).get_json()["assets"]:
        assert tuple(asset) == ASSET_KEYS


def test_include_type_fields_adds_them(client: FlaskClient, admin: dict[str, str]) -> None:
    response = client.get("/api/v2/assets?include=type_fields", headers=admin)
    assert all("type_fields" in a for a in response.get_json()["assets"])
    assert response.headers["X-RateLimit-Used-CurrentRequest"] == "3"


@pytest.mark.parametrize("order_by", ["id", "created_at", "updated_at"])
def test_order_by_sorts_ascending_on_request(
    client: FlaskClient, admin: dict[str, str], order_by: str
) -> None:
    assets = client.get(
        f"/api/v2/assets?order_by={order_by}&order_type=asc&per_page=100", headers=admin
    ).get_json()["assets"]
    values = [a[order_by] for a in assets]
    assert values == sorted(values)


def test_search_matches_a_name_substring(client: FlaskClient, admin: dict[str, str]) -> None:
    response = client.get("/api/v2/assets?search=" + quote("\"name:'dell'\""), headers=admin)
    assets = response.get_json()["assets"]
    assert assets
    assert all("dell" in a["name"].lower() for a in assets)
    assert response.headers["X-Search-Results-Count"] == str(len(assets))


def test_filter_by_state_and_type(client: FlaskClient, admin: dict[str, str]) -> None:
    laptop = types_by_name(client, admin)["Laptop"]["id"]
    query = f"\"asset_state:'In Use' AND asset_type_id:{laptop}\""
    response = client.get(
        "/api/v2/assets?include=type_fields&filter=" + quote(query), headers=admin
    )
    assets = response.get_json()["assets"]
    assert assets
    for asset in assets:
        assert asset["asset_type_id"] == laptop
        assert "In Use" in asset["type_fields"].values()


def test_a_filter_naming_workspace_id_chooses_the_workspaces(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    response = client.get("/api/v2/assets?filter=" + quote('"workspace_id:3"'), headers=admin)
    assert {a["workspace_id"] for a in response.get_json()["assets"]} <= {3}


def test_a_bad_asset_filter_is_400_on_filter(client: FlaskClient, admin: dict[str, str]) -> None:
    response = client.get("/api/v2/assets?filter=" + quote('"colour:3"'), headers=admin)
    assert response.get_json()["errors"][0]["field"] == "filter"


def test_sorting_a_filter_is_refused(client: FlaskClient, admin: dict[str, str]) -> None:
    response = client.get(
        "/api/v2/assets?order_by=id&filter=" + quote("\"name:'x'\""), headers=admin
    )
    assert response.get_json()["errors"] == [
        {
            "field": "order_by",
            "message": "Unexpected/invalid field in request",
            "code": "invalid_field",
        }
    ]


def test_a_filter_page_beyond_40_is_refused(client: FlaskClient, admin: dict[str, str]) -> None:
    response = client.get("/api/v2/assets?page=41&filter=" + quote("\"name:'x'\""), headers=admin)
    assert response.status_code == 400


def test_view_by_display_id(client: FlaskClient, admin: dict[str, str]) -> None:
    asset = client.get("/api/v2/assets/1", headers=admin).get_json()["asset"]
    assert asset["display_id"] == 1
    assert "type_fields" not in asset


def test_an_unknown_display_id_is_404(client: FlaskClient, admin: dict[str, str]) -> None:
    assert client.get("/api/v2/assets/999999", headers=admin).status_code == 404


def test_create_answers_201_with_type_fields(client: FlaskClient, admin: dict[str, str]) -> None:
    response = client.post("/api/v2/assets", json=laptop_body(client, admin), headers=admin)
    assert response.status_code == 201
    asset = response.get_json()["asset"]
    assert asset["display_id"] == 81
    assert asset["asset_tag"] == "ASSET-81"
    assert response.headers["Location"].endswith("/api/v2/assets/81")
    assert "In Stock" in asset["type_fields"].values()
    assert (
        client.get("/api/v2/assets/81", headers=admin).get_json()["asset"]["name"]
        == "Nina's laptop"
    )


def test_create_needs_the_required_type_fields(client: FlaskClient, admin: dict[str, str]) -> None:
    body = laptop_body(client, admin)
    body["type_fields"] = {}
    errors = client.post("/api/v2/assets", json=body, headers=admin).get_json()["errors"]
    assert {e["message"] for e in errors} == {"This field cannot be empty"}
    assert {e["code"] for e in errors} == {"missing_field"}
    assert any(e["field"].startswith("product_") for e in errors)


def test_a_type_field_of_another_type_is_invalid_field(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    body = laptop_body(client, admin)
    body["type_fields"]["imei_number_1"] = "123"
    errors = client.post("/api/v2/assets", json=body, headers=admin).get_json()["errors"]
    assert errors == [
        {
            "field": "imei_number_1",
            "message": "Unexpected/invalid field in request",
            "code": "invalid_field",
        }
    ]


def test_an_unknown_asset_state_is_invalid_value(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    body = laptop_body(client, admin)
    state = next(k for k in body["type_fields"] if k.startswith("asset_state_"))
    body["type_fields"][state] = "Lost at sea"
    errors = client.post("/api/v2/assets", json=body, headers=admin).get_json()["errors"]
    assert errors[0]["field"] == state
    assert errors[0]["code"] == "invalid_value"


def test_create_needs_a_name_and_a_type(client: FlaskClient, admin: dict[str, str]) -> None:
    errors = client.post("/api/v2/assets", json={}, headers=admin).get_json()["errors"]
    assert [(e["field"], e["code"]) for e in errors] == [
        ("name", "missing_field"),
        ("asset_type_id", "missing_field"),
    ]


def test_a_restricted_agent_cannot_create_assets(
    client: FlaskClient, agent: dict[str, str]
) -> None:
    assert (
        client.post(
            "/api/v2/assets", json={"name": "x", "asset_type_id": 1}, headers=agent
        ).status_code
        == 403
    )


def test_update_changes_fields_and_merges_type_fields(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    before = client.get("/api/v2/assets/1?include=type_fields", headers=admin).get_json()["asset"]
    response = client.put(
        "/api/v2/assets/1", json={"impact": "high", "name": "Renamed"}, headers=admin
    )
    after = response.get_json()["asset"]
    assert (after["impact"], after["name"]) == ("high", "Renamed")
    assert after["type_fields"] == before["type_fields"]
    assert response.headers["X-RateLimit-Used-CurrentRequest"] == "1"


def test_an_update_cannot_clear_the_asset_type(client: FlaskClient, admin: dict[str, str]) -> None:
    before = client.get("/api/v2/assets/1", headers=admin).get_json()["asset"]["asset_type_id"]
    response = client.put("/api/v2/assets/1", json={"asset_type_id": None}, headers=admin)
    assert response.status_code == 400
    assert response.get_json() == {
        "description": "Validation failed",
        "errors": [
            {
                "field": "asset_type_id",
                "message": "Value set is of type Null.It should be a/an Positive Integer",
                "code": "datatype_mismatch",
            }
        ],
    }
    after = client.get("/api/v2/assets/1", headers=admin).get_json()["asset"]["asset_type_id"]
    assert after == before


def test_changing_the_type_needs_the_new_types_required_fields(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    types = types_by_name(client, admin)
    software = {"name": "Editor", "asset_type_id": types["Software"]["id"]}
    display_id = client.post("/api/v2/assets", json=software, headers=admin).get_json()["asset"][
        "display_id"
    ]
    response = client.put(
        f"/api/v2/assets/{display_id}",
        json={"asset_type_id": types["Laptop"]["id"]},
        headers=admin,
    )
    assert response.status_code == 400
    hardware = types["Hardware"]["id"]
    assert {(e["field"], e["code"]) for e in response.get_json()["errors"]} == {
        (f"product_{hardware}", "missing_field"),
        (f"asset_state_{hardware}", "missing_field"),
    }
    kept = client.get(f"/api/v2/assets/{display_id}", headers=admin).get_json()["asset"]
    assert kept["asset_type_id"] == types["Software"]["id"]


def test_changing_the_type_counts_required_fields_the_asset_already_has(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    types = types_by_name(client, admin)
    created = client.post("/api/v2/assets", json=laptop_body(client, admin), headers=admin)
    display_id = created.get_json()["asset"]["display_id"]
    response = client.put(
        f"/api/v2/assets/{display_id}",
        json={"asset_type_id": types["Desktop"]["id"]},
        headers=admin,
    )
    assert response.status_code == 200
    assert response.get_json()["asset"]["asset_type_id"] == types["Desktop"]["id"]


def test_update_refuses_workspace_id(client: FlaskClient, admin: dict[str, str]) -> None:
    errors = client.put("/api/v2/assets/1", json={"workspace_id": 3}, headers=admin).get_json()[
        "errors"
    ]
    assert errors[0]["code"] == "invalid_field"


def test_an_empty_asset_update_is_missing_params(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    assert (
        client.put("/api/v2/assets/1", json={}, headers=admin).get_json()["code"]
        == "missing_params"
    )


def test_a_trashed_asset_leaves_the_list_and_comes_back_on_restore(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    assert client.delete("/api/v2/assets/1", headers=admin).status_code == 204
    trashed = client.get(
        "/api/v2/assets?trashed=true&per_page=100&workspace_id=0", headers=admin
    ).get_json()["assets"]
    assert 1 in [a["display_id"] for a in trashed]
    assert client.put("/api/v2/assets/1/restore", headers=admin).status_code == 204
    listed = client.get("/api/v2/assets?per_page=100&workspace_id=0", headers=admin).get_json()[
        "assets"
    ]
    assert 1 in [a["display_id"] for a in listed]


def test_asset_type_fields_name_their_defining_type(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    types = types_by_name(client, admin)
    body = client.get(
        f"/api/v2/asset_types/{types['Laptop']['id']}/fields", headers=admin
    ).get_json()
    names = [f["name"] for group in body["asset_type_fields"] for f in group["fields"]]
    assert f"product_{types['Hardware']['id']}" in names
    assert f"hostname_{types['Computer']['id']}" in names


def test_locations_list_and_view(client: FlaskClient, admin: dict[str, str]) -> None:
    locations = client.get("/api/v2/locations", headers=admin).get_json()["locations"]
    assert locations
    one = client.get(f"/api/v2/locations/{locations[0]['id']}", headers=admin).get_json()[
        "location"
    ]
    assert one["name"] == locations[0]["name"]
