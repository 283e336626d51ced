"""Purchase orders: items checked one by one, the total worked out by the fake, PO numbers unique."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

Headers = dict[str, str]


def _order(client: FlaskClient, admin: Headers, **body: Any) -> dict[str, Any]:
    vendor = client.get("/api/v2/vendors", headers=admin).get_json()["vendors"][0]["id"]
    return {
        "vendor_id": vendor,
        "name": "Laptops for the new hires",
        "po_number": "PO-900",
        "expected_delivery_date": "2027-01-10T00:00:00Z",
        "shipping_address": "1 Main Street",
        "purchase_items": [
            {"item_type": 1, "item_name": "Laptop", "cost": 1000, "quantity": 2,
             "tax_percentage": 10},
        ],
        **body,
    }  # fmt: skip


def test_a_created_order_is_totalled_and_shows_its_items(
    client: FlaskClient, admin: Headers
) -> None:
    body = _order(client, admin, discount_percentage=10, shipping_cost=20)
    response = client.post("/api/v2/purchase_orders", json=body, headers=admin)
    assert response.status_code == 201, response.get_json()
    order = response.get_json()["purchase_order"]
    assert order["total_cost"] == 2000.0  # 2 x 1000 + 10% tax, less 10%, plus 20 shipping
    assert order["purchase_items"][0]["received"] == 0
    assert order["billing_address"] == "1 Main Street"
    viewed = client.get(f"/api/v2/purchase_orders/{order['id']}", headers=admin).get_json()
    assert viewed == {"purchase_order": order}


def test_an_update_of_the_items_totals_the_order_again(client: FlaskClient, admin: Headers) -> None:
    created = client.post(
        "/api/v2/purchase_orders", json=_order(client, admin), headers=admin
    ).get_json()["purchase_order"]
    items = [{"item_type": 3, "item_name": "Charger", "cost": 25.5, "quantity": 4}]
    updated = client.put(
        f"/api/v2/purchase_orders/{created['id']}", json={"purchase_items": items}, headers=admin
    ).get_json()["purchase_order"]
    assert updated["total_cost"] == 102.0


def test_the_seeded_orders_name_vendors_that_exist(client: FlaskClient, admin: Headers) -> None:
    vendors = {v["id"] for v in client.get("/api/v2/vendors", headers=admin).get_json()["vendors"]}
    orders = client.get("/api/v2/purchase_orders", headers=admin).get_json()["purchase_orders"]
    assert orders
    assert {o["vendor_id"] for o in orders} <= vendors


def test_an_item_of_an_unknown_type_is_refused_naming_the_items(
    client: FlaskClient, admin: Headers
) -> None:
    items = [{"item_type": 9, "item_name": "Laptop", "cost": 1, "quantity": 1}]
    response = client.post(
        "/api/v2/purchase_orders", json=_order(client, admin, purchase_items=items), headers=admin
    )
    assert response.status_code == 400
    assert [e["field"] for e in response.get_json()["errors"]] == ["purchase_items"]


def test_an_order_without_items_or_vendor_is_refused_naming_both(
    client: FlaskClient, admin: Headers
) -> None:
    body = _order(client, admin)
    del body["purchase_items"], body["vendor_id"]
    response = client.post("/api/v2/purchase_orders", json=body, headers=admin)
    assert response.status_code == 400
    assert {e["field"] for e in response.get_json()["errors"]} == {"vendor_id", "purchase_items"}


def test_a_po_number_already_taken_is_409(client: FlaskClient, admin: Headers) -> None:
    response = client.post(
        "/api/v2/purchase_orders", json=_order(client, admin, po_number="po-1"), headers=admin
    )
    assert response.status_code == 409


def test_a_discount_over_100_percent_is_refused(client: FlaskClient, admin: Headers) -> None:
    body = _order(client, admin, discount_percentage=150)
    response = client.post("/api/v2/purchase_orders", json=body, headers=admin)
    assert response.status_code == 400
    assert [e["field"] for e in response.get_json()["errors"]] == ["discount_percentage"]


def test_an_item_type_that_is_not_a_number_is_refused_not_a_500(
    client: FlaskClient, admin: Headers
) -> None:
    items = [{"item_type": {}, "item_name": "Laptop", "cost": 1, "quantity": 1}]
    response = client.post(
        "/api/v2/purchase_orders", json=_order(client, admin, purchase_items=items), headers=admin
    )
    assert response.status_code == 400
