"""The service catalog at Freshworks' OpenAPI file's paths: `/service_items`,
`/catalog/item/{id}/fields` and `/service_requests`, answering as the reference's paths do."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

Headers = dict[str, str]


def _published(client: FlaskClient, admin: Headers) -> dict[str, Any]:
    items = client.get("/api/v2/service_items", headers=admin).get_json()["service_items"]
    item: dict[str, Any] = next(i for i in items if i["visibility"] == 2)
    return item


def test_service_items_are_the_catalogs_items(client: FlaskClient, admin: Headers) -> None:
    assert (
        client.get("/api/v2/service_items", headers=admin).get_json()
        == client.get("/api/v2/service_catalog/items", headers=admin).get_json()
    )
    item = _published(client, admin)
    assert (
        client.get(f"/api/v2/service_items/{item['display_id']}", headers=admin).get_json()
        == client.get(
            f"/api/v2/service_catalog/items/{item['display_id']}", headers=admin
        ).get_json()
    )


def test_an_items_fields_are_its_request_form(client: FlaskClient, admin: Headers) -> None:
    item = _published(client, admin)
    viewed = client.get(f"/api/v2/service_catalog/items/{item['display_id']}", headers=admin)
    fields = client.get(f"/api/v2/catalog/item/{item['display_id']}/fields", headers=admin)
    assert fields.get_json() == {"fields": viewed.get_json()["service_item"]["custom_fields"]}


def test_a_service_request_names_its_item_by_id_and_its_requester_by_email(
    client: FlaskClient, admin: Headers
) -> None:
    item = _published(client, admin)
    response = client.post(
        "/api/v2/service_requests",
        json={"id": item["id"], "requester_email": "john@acme.com", "quantity": 1},
        headers=admin,
    )
    assert response.status_code == 201, response.get_json()
    request = response.get_json()["service_request"]
    john = client.get("/api/v2/requesters?email=john@acme.com", headers=admin).get_json()
    assert request["requester_id"] == john["requesters"][0]["id"]
    items = client.get(f"/api/v2/tickets/{request['id']}/requested_items", headers=admin)
    assert items.get_json()["requested_items"][0]["service_item_id"] == item["display_id"]


def test_a_service_request_for_an_item_that_does_not_exist_is_refused(
    client: FlaskClient, admin: Headers
) -> None:
    response = client.post(
        "/api/v2/service_requests", json={"id": 1_234_567, "requester_email": "john@acme.com"},
        headers=admin,
    )  # fmt: skip
    assert response.status_code == 400
    assert [e["field"] for e in response.get_json()["errors"]] == ["id"]


def test_a_service_request_is_updated_with_the_files_names(
    client: FlaskClient, admin: Headers
) -> None:
    item = _published(client, admin)
    created = client.post(
        "/api/v2/service_requests", json={"id": item["id"], "requester_email": "john@acme.com"},
        headers=admin,
    ).get_json()["service_request"]  # fmt: skip
    me = client.get("/api/v2/agents/me", headers=admin).get_json()["agent"]["id"]
    response = client.put(
        f"/api/v2/service_requests/{created['id']}",
        json={"priority": 3, "agent_id": me},
        headers=admin,
    )
    assert response.status_code == 200, response.get_json()
    ticket = response.get_json()["ticket"]
    assert (ticket["priority"], ticket["responder_id"]) == (3, me)


def test_an_incident_is_not_a_service_request_to_update(
    client: FlaskClient, admin: Headers
) -> None:
    incident = client.post(
        "/api/v2/tickets",
        json={"email": "john@acme.com", "subject": "VPN", "description": "down", "status": 2,
              "priority": 1},
        headers=admin,
    ).get_json()["ticket"]  # fmt: skip
    response = client.put(
        f"/api/v2/service_requests/{incident['id']}", json={"priority": 3}, headers=admin
    )
    assert response.status_code == 404


def test_a_name_the_file_does_not_have_is_refused(client: FlaskClient, admin: Headers) -> None:
    response = client.put("/api/v2/service_requests/1", json={"urgency": 3}, headers=admin)
    assert response.status_code == 400
    assert [e["field"] for e in response.get_json()["errors"]] == ["urgency"]
