"""The service catalog: categories, items, search with meta, and placing requests."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from mock_freshservice import FakeSettings, create_app
from mock_freshservice.api.shapes import (
    SERVICE_ITEM_KEYS,
    SERVICE_ITEM_LIST_KEYS,
    SERVICE_REQUEST_KEYS,
)
from tests.conftest import GLOBEX_ADMIN_KEY, NOW, basic
from tests.mock_freshservice.test_dataset import default_dataset_with

JOHN = 21000000013
JOHNS_TICKET, MARIAS_TICKET = 10234, 1023
ZOOM, VPN, EXTERNAL_MONITOR, FAX = 6, 10, 3, 15


def test_categories_of_the_primary_workspace(client: FlaskClient, admin: dict[str, str]) -> None:
    categories = client.get("/api/v2/service_catalog/categories", headers=admin).get_json()[
        "service_categories"
    ]
    assert [c["name"] for c in categories] == [
        "Hardware Provisioning",
        "Software Installation",
        "Access Requests",
    ]


def test_items_list_without_their_forms(client: FlaskClient, admin: dict[str, str]) -> None:
    items = client.get("/api/v2/service_catalog/items", headers=admin).get_json()["service_items"]
    assert items
    assert all(tuple(i) == SERVICE_ITEM_LIST_KEYS for i in items)


def test_items_of_one_category(client: FlaskClient, admin: dict[str, str]) -> None:
    categories = client.get("/api/v2/service_catalog/categories", headers=admin).get_json()[
        "service_categories"
    ]
    software = next(c for c in categories if c["name"] == "Software Installation")
    items = client.get(
        f"/api/v2/service_catalog/items?category_id={software['id']}", headers=admin
    ).get_json()
    assert {i["name"] for i in items["service_items"]} == {
        "Zoom",
        "Slack",
        "Microsoft 365",
        "Adobe Acrobat Pro",
    }


def test_an_item_by_display_id_is_complete(client: FlaskClient, admin: dict[str, str]) -> None:
    item = client.get(f"/api/v2/service_catalog/items/{ZOOM}", headers=admin).get_json()[
        "service_item"
    ]
    assert tuple(item) == SERVICE_ITEM_KEYS
    assert item["name"] == "Zoom"
    assert item["custom_fields"][0]["name"] == "license_type"


def test_search_finds_published_items_with_meta(client: FlaskClient, admin: dict[str, str]) -> None:
    body = client.get(
        "/api/v2/service_catalog/items/search?search_term=laptop", headers=admin
    ).get_json()
    assert [i["name"] for i in body["service_items"]] == [
        "Office Laptop",
        "MacBook Pro Laptop",
        "Laptop Bag",
    ]
    assert body["meta"] == {"total_items": 3, "total_pages": 1, "current_page": 1}


def test_search_leaves_out_drafts(client: FlaskClient, admin: dict[str, str]) -> None:
    body = client.get(
        "/api/v2/service_catalog/items/search?search_term=fax", headers=admin
    ).get_json()
    assert body["service_items"] == []
    assert body["meta"]["total_items"] == 0


def test_search_pages_with_per_page(client: FlaskClient, admin: dict[str, str]) -> None:
    body = client.get(
        "/api/v2/service_catalog/items/search?search_term=laptop&per_page=2&page=2", headers=admin
    ).get_json()
    assert [i["name"] for i in body["service_items"]] == ["Laptop Bag"]
    assert body["meta"] == {"total_items": 3, "total_pages": 2, "current_page": 2}


def test_search_needs_a_term(client: FlaskClient, admin: dict[str, str]) -> None:
    response = client.get("/api/v2/service_catalog/items/search", headers=admin)
    assert response.get_json()["errors"][0] == {
        "field": "search_term",
        "message": "It should be a/an String",
        "code": "missing_field",
    }


@pytest.mark.parametrize("term", ["-", "???", "%20%2B%20"])
def test_a_search_term_without_words_finds_nothing(
    client: FlaskClient, admin: dict[str, str], term: str
) -> None:
    body = client.get(
        f"/api/v2/service_catalog/items/search?search_term={term}", headers=admin
    ).get_json()
    assert body["service_items"] == []
    assert body["meta"]["total_items"] == 0


def test_searching_as_another_user_needs_the_admin_privilege(
    client: FlaskClient, agent: dict[str, str]
) -> None:
    response = client.get(
        "/api/v2/service_catalog/items/search?search_term=zoom&user_email=john%40acme.com",
        headers=agent,
    )
    assert response.status_code == 403


def test_placing_a_request_makes_a_service_request_ticket(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    response = client.post(
        f"/api/v2/service_catalog/items/{ZOOM}/place_request",
        json={"email": "john@acme.com"},
        headers=admin,
    )
    assert response.status_code == 201
    request = response.get_json()["service_request"]
    assert tuple(request) == SERVICE_REQUEST_KEYS
    assert (request["type"], request["requester_id"]) == ("Service Request", JOHN)
    assert request["subject"] == "Request for John Carter : Zoom"
    ticket = client.get(f"/api/v2/tickets/{request['id']}", headers=admin).get_json()["ticket"]
    assert ticket["type"] == "Service Request"
    items = client.get(
        f"/api/v2/tickets/{request['id']}/requested_items", headers=admin
    ).get_json()["requested_items"]
    assert [(i["service_item_id"], i["quantity"], i["stage"]) for i in items] == [(ZOOM, 1, 1)]


def test_a_request_without_email_is_raised_for_the_caller(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    request = client.post(
        f"/api/v2/service_catalog/items/{ZOOM}/place_request", json={}, headers=admin
    ).get_json()
    assert request["service_request"]["requester_id"] == 21000000001


def test_requested_for_names_the_beneficiary(client: FlaskClient, admin: dict[str, str]) -> None:
    body = {"email": "priya.raman@acme.com", "requested_for": "john@acme.com"}
    request = client.post(
        f"/api/v2/service_catalog/items/{ZOOM}/place_request", json=body, headers=admin
    ).get_json()
    ticket = client.get(
        f"/api/v2/tickets/{request['service_request']['id']}", headers=admin
    ).get_json()["ticket"]
    assert ticket["requested_for_id"] == JOHN


def test_a_required_form_field_must_be_given(client: FlaskClient, admin: dict[str, str]) -> None:
    response = client.post(
        f"/api/v2/service_catalog/items/{VPN}/place_request",
        json={"email": "john@acme.com"},
        headers=admin,
    )
    assert response.get_json()["errors"] == [
        {
            "field": "business_justification",
            "message": "It should be a/an String",
            "code": "missing_field",
        }
    ]


def test_a_form_value_outside_the_choices_is_invalid(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    body = {
        "custom_fields": {"business_justification": "Remote work", "access_duration": "Forever"}
    }
    response = client.post(
        f"/api/v2/service_catalog/items/{VPN}/place_request", json=body, headers=admin
    )
    assert response.get_json()["errors"][0]["field"] == "access_duration"


def test_quantity_is_refused_where_the_item_does_not_allow_it(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    response = client.post(
        f"/api/v2/service_catalog/items/{ZOOM}/place_request", json={"quantity": 3}, headers=admin
    )
    assert response.get_json()["errors"][0]["field"] == "quantity"
    ok = client.post(
        f"/api/v2/service_catalog/items/{EXTERNAL_MONITOR}/place_request",
        json={"quantity": 3},
        headers=admin,
    )
    assert ok.status_code == 201


def test_a_draft_item_cannot_be_requested(client: FlaskClient, admin: dict[str, str]) -> None:
    response = client.post(
        f"/api/v2/service_catalog/items/{FAX}/place_request", json={}, headers=admin
    )
    assert response.status_code == 400


def test_a_requester_requesting_a_draft_item_gets_404_as_for_viewing_it(
    client: FlaskClient, requester: dict[str, str]
) -> None:
    assert client.get(f"/api/v2/service_catalog/items/{FAX}", headers=requester).status_code == 404
    response = client.post(
        f"/api/v2/service_catalog/items/{FAX}/place_request", json={}, headers=requester
    )
    assert response.status_code == 404
    assert response.get_data() == b""


def test_a_requester_naming_another_users_ticket_as_parent_is_told_it_does_not_exist(
    client: FlaskClient, requester: dict[str, str]
) -> None:
    def place(parent: int) -> Any:
        return client.post(
            f"/api/v2/service_catalog/items/{ZOOM}/place_request",
            json={"parent_ticket_id": parent},
            headers=requester,
        )

    marias, missing = place(MARIAS_TICKET), place(999_999)
    assert marias.status_code == 400
    assert marias.get_json() == missing.get_json()
    assert marias.get_json()["errors"][0]["field"] == "parent_ticket_id"


def test_a_request_placed_with_a_parent_ticket_is_kept_as_its_child(
    client: FlaskClient, requester: dict[str, str]
) -> None:
    placed = client.post(
        f"/api/v2/service_catalog/items/{ZOOM}/place_request",
        json={"parent_ticket_id": JOHNS_TICKET},
        headers=requester,
    )
    assert placed.status_code == 201
    child_id = placed.get_json()["service_request"]["id"]

    def related(ticket_id: int) -> Any:
        return client.get(
            f"/api/v2/tickets/{ticket_id}?include=related_tickets", headers=requester
        ).get_json()["ticket"]["related_tickets"]

    assert related(child_id) == {"parent_id": JOHNS_TICKET}
    assert related(JOHNS_TICKET)["child_ids"] == [child_id]


def test_a_requester_places_requests_for_themselves_only(
    client: FlaskClient, requester: dict[str, str]
) -> None:
    mine = client.post(
        f"/api/v2/service_catalog/items/{ZOOM}/place_request", json={}, headers=requester
    )
    assert mine.get_json()["service_request"]["requester_id"] == JOHN
    theirs = client.post(
        f"/api/v2/service_catalog/items/{ZOOM}/place_request",
        json={"email": "maria.lopez@acme.com"},
        headers=requester,
    )
    assert theirs.status_code == 403


def test_placing_a_request_spends_the_create_ticket_sub_limit(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    client.put(
        "/_mock/accounts/acme.freshservice.com/plan",
        json={"limits": {"overall": 100, "create_ticket": 1}},
    )
    client.post(
        "/api/v2/tickets",
        json={
            "subject": "s",
            "description": "d",
            "email": "john@acme.com",
            "status": 2,
            "priority": 1,
        },
        headers=admin,
    )
    response = client.post(
        f"/api/v2/service_catalog/items/{ZOOM}/place_request", json={}, headers=admin
    )
    assert response.status_code == 429


def test_requested_item_ids_of_two_accounts_never_collide(admin: dict[str, str]) -> None:
    # Items are numbered from ticket ids: put Acme's next ticket id 10,000,000 above Globex's,
    # the distance between two accounts' ranges of the old numbering.
    globex_next = 1 + 150

    def start_acme_high(raw: dict[str, Any]) -> None:
        acme = raw["accounts"][0]
        acme["first_ticket_id"] = 10_000_000 + globex_next - acme["sizes"]["tickets"]

    client = create_app(FakeSettings(now=NOW), default_dataset_with(start_acme_high)).test_client()

    def place(headers: dict[str, str]) -> tuple[int, int]:
        request = client.post(
            f"/api/v2/service_catalog/items/{ZOOM}/place_request", json={}, headers=headers
        ).get_json()["service_request"]
        [item] = client.get(
            f"/api/v2/tickets/{request['id']}/requested_items", headers=headers
        ).get_json()["requested_items"]
        return request["id"], item["id"]

    acme_ticket, acme_item = place(admin)
    globex_ticket, globex_item = place(basic(GLOBEX_ADMIN_KEY))
    assert acme_ticket - globex_ticket == 10_000_000
    assert acme_item != globex_item
