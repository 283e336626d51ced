"""Asset types written through the API: a new type inherits its parent's type fields, and its
assets carry them; default types and types in use stay."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

from tests.mock_freshservice.test_assets import laptop_body

Headers = dict[str, str]


def _types(client: FlaskClient, admin: Headers) -> dict[str, dict[str, Any]]:
    listed = client.get("/api/v2/asset_types?per_page=100", headers=admin).get_json()
    return {t["name"]: t for t in listed["asset_types"]}


def _new_type(client: FlaskClient, admin: Headers, **body: Any) -> dict[str, Any]:
    parent = _types(client, admin)["Laptop"]["id"]
    sent = {"name": "Rugged Laptop", "parent_asset_type_id": parent, **body}
    response = client.post("/api/v2/asset_types", json=sent, headers=admin)
    assert response.status_code == 201, response.get_json()
    created: dict[str, Any] = response.get_json()["asset_type"]
    return created


def test_a_new_type_lists_its_parents_fields(client: FlaskClient, admin: Headers) -> None:
    created = _new_type(client, admin)
    fields = client.get(f"/api/v2/asset_types/{created['id']}/fields", headers=admin).get_json()
    headers = [group["field_header"] for group in fields["asset_type_fields"]]
    assert headers == ["General", "Assignment", "Hardware", "Computer"]


def test_an_asset_of_a_new_type_takes_the_inherited_type_fields(
    client: FlaskClient, admin: Headers
) -> None:
    created = _new_type(client, admin)
    body = laptop_body(client, admin, asset_type_id=created["id"])
    response = client.post("/api/v2/assets", json=body, headers=admin)
    assert response.status_code == 201, response.get_json()
    shown = response.get_json()["asset"]["type_fields"]
    assert shown.items() >= body["type_fields"].items()
    assert any(name.startswith("hostname_") for name in shown)  # a Computer field, inherited


def test_a_type_name_already_taken_is_409(client: FlaskClient, admin: Headers) -> None:
    response = client.post("/api/v2/asset_types", json={"name": "laptop"}, headers=admin)
    assert response.status_code == 409


def test_a_default_type_is_not_deleted(client: FlaskClient, admin: Headers) -> None:
    laptop = _types(client, admin)["Laptop"]["id"]
    response = client.delete(f"/api/v2/asset_types/{laptop}", headers=admin)
    assert response.status_code == 400
    assert client.get(f"/api/v2/asset_types/{laptop}", headers=admin).status_code == 200


def test_a_type_with_assets_is_not_deleted_and_an_unused_one_is(
    client: FlaskClient, admin: Headers
) -> None:
    used = _new_type(client, admin)
    unused = _new_type(client, admin, name="Tablet stand")
    body = laptop_body(client, admin, asset_type_id=used["id"])
    assert client.post("/api/v2/assets", json=body, headers=admin).status_code == 201
    assert client.delete(f"/api/v2/asset_types/{used['id']}", headers=admin).status_code == 400
    assert client.delete(f"/api/v2/asset_types/{unused['id']}", headers=admin).status_code == 204


def test_only_asset_managers_write_types(client: FlaskClient, agent: Headers) -> None:
    response = client.post("/api/v2/asset_types", json={"name": "Drone"}, headers=agent)
    assert response.status_code == 403
