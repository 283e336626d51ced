"""Products and vendors: the asset catalogue's, served and written through the API, and the
ones an asset's `product` and `vendor` type fields may name."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

from tests.mock_freshservice.test_assets import (
    laptop_body,
    laptop_product_field,
    types_by_name,
)


def _hardware_product_field(client: FlaskClient, admin: dict[str, str]) -> tuple[str, Any]:
    field = laptop_product_field(client, admin)
    return field["name"], field


def _new_product(client: FlaskClient, admin: dict[str, str], **body: Any) -> dict[str, Any]:
    laptop = types_by_name(client, admin)["Laptop"]["id"]
    response = client.post(
        "/api/v2/products",
        json={"name": "Framework Laptop 13", "asset_type_id": laptop, **body},
        headers=admin,
    )
    assert response.status_code == 201, response.get_json()
    product: dict[str, Any] = response.get_json()["product"]
    return product


def test_the_seeded_products_are_the_asset_forms_choices(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    products = client.get("/api/v2/products?per_page=100", headers=admin).get_json()["products"]
    _, field = _hardware_product_field(client, admin)
    assert {choice[1] for choice in field["choices"]} <= {p["id"] for p in products}
    assert field["choices"]


def test_vendors_are_listed_with_their_address(client: FlaskClient, admin: dict[str, str]) -> None:
    vendors = client.get("/api/v2/vendors", headers=admin).get_json()["vendors"]
    assert vendors
    assert set(vendors[0]["address"]) == {"line1", "line2", "city", "state", "country", "zipcode"}


def test_a_new_product_can_be_given_to_an_asset_at_once(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    product = _new_product(client, admin)
    name, _ = _hardware_product_field(client, admin)
    body = laptop_body(client, admin)
    body["type_fields"][name] = product["id"]
    assert client.post("/api/v2/assets", json=body, headers=admin).status_code == 201


def test_a_deleted_product_is_refused_on_an_asset_and_leaves_the_form(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    product = _new_product(client, admin)
    assert client.delete(f"/api/v2/products/{product['id']}", headers=admin).status_code == 204
    name, field = _hardware_product_field(client, admin)
    assert product["id"] not in {choice[1] for choice in field["choices"]}
    body = laptop_body(client, admin)
    body["type_fields"][name] = product["id"]
    response = client.post("/api/v2/assets", json=body, headers=admin)
    assert response.status_code == 400
    assert response.get_json()["errors"][0]["field"] == name


def test_a_product_of_an_asset_type_that_does_not_exist_is_refused(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    response = client.post(
        "/api/v2/products", json={"name": "Ghost", "asset_type_id": 7}, headers=admin
    )
    assert response.status_code == 400
    assert response.get_json()["errors"][0]["field"] == "asset_type_id"


def test_a_product_status_outside_the_three_is_refused(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    laptop = types_by_name(client, admin)["Laptop"]["id"]
    response = client.post(
        "/api/v2/products",
        json={"name": "Odd", "asset_type_id": laptop, "status_id": 9},
        headers=admin,
    )
    assert response.status_code == 400
    assert response.get_json()["errors"][0]["field"] == "status_id"


def test_a_vendor_name_already_taken_is_409(client: FlaskClient, admin: dict[str, str]) -> None:
    taken = client.get("/api/v2/vendors", headers=admin).get_json()["vendors"][0]["name"]
    response = client.post("/api/v2/vendors", json={"name": taken}, headers=admin)
    assert response.status_code == 409


def test_an_agent_sees_products_but_only_an_admin_adds_one(
    client: FlaskClient, agent: dict[str, str]
) -> None:
    assert client.get("/api/v2/products", headers=agent).status_code == 200
    assert client.post("/api/v2/vendors", json={"name": "X"}, headers=agent).status_code == 403
