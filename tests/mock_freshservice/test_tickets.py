"""Tickets: listing with filters, viewing with includes, creating, updating, notes, conversations."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient

from mock_freshservice import FakeSettings, create_app
from mock_freshservice.clock import parse_datetime
from tests.conftest import NOW
from tests.mock_freshservice.test_dataset import default_dataset_with

PRIYA = 21000000001  # the Acme admin key's agent
JOHN = 21000000013  # the Acme requester key's user
NEW_TICKET = {
    "subject": "Monitor flickers",
    "description": "<div>My <b>second</b> monitor flickers.</div>",
    "email": "john@acme.com",
    "status": 2,
    "priority": 2,
}


def listed(client: FlaskClient, headers: dict[str, str], query: str = "") -> list[dict]:  # type: ignore[type-arg]
    response = client.get(f"/api/v2/tickets?per_page=100&{query}", headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["tickets"]  # type: ignore[no-any-return]


def every_page(client: FlaskClient, headers: dict[str, str], query: str) -> list[dict]:  # type: ignore[type-arg]
    found: list[dict] = []  # type: ignore[type-arg]
    page = 1
    while True:
        chunk = listed(client, headers, f"{query}&page={page}")
        found += chunk
        if len(chunk) < 100:
            return found
        page += 1


def at(text: str) -> datetime:
    return datetime.fromtimestamp(parse_datetime(text) or 0, tz=NOW.tzinfo)


# -- listing ----------------------------------------------------------------------------------


def test_the_default_list_holds_only_tickets_created_in_the_last_30_days(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    tickets = every_page(client, admin, "")
    assert tickets
    assert all(at(t["created_at"]) >= NOW - timedelta(days=30) for t in tickets)


def test_updated_since_reaches_older_tickets(client: FlaskClient, admin: dict[str, str]) -> None:
    tickets = every_page(client, admin, "updated_since=2000-01-01")
    assert any(at(t["created_at"]) < NOW - timedelta(days=30) for t in tickets)
    assert all(at(t["updated_at"]) >= at("2000-01-01") for t in tickets)


def test_the_default_list_excludes_spam_and_deleted(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    tickets = every_page(client, admin, "updated_since=2000-01-01")
    assert not any(t["spam"] or t["deleted"] for t in tickets)


def test_the_deleted_filter_lists_only_deleted_tickets(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    tickets = listed(client, admin, "filter=deleted")
    assert tickets
    assert all(t["deleted"] for t in tickets)


def test_the_spam_filter_lists_only_spam(client: FlaskClient, admin: dict[str, str]) -> None:
    tickets = listed(client, admin, "filter=spam")
    assert tickets
    assert all(t["spam"] and not t["deleted"] for t in tickets)


def test_new_and_my_open_lists_open_tickets_unassigned_or_mine(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    tickets = every_page(client, admin, "filter=new_and_my_open")
    assert {1023, 10234, 10236, 10241} <= {t["id"] for t in tickets}
    assert all(t["status"] == 2 and t["responder_id"] in (None, PRIYA) for t in tickets)


def test_watching_lists_tickets_the_caller_watches(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    watched = every_page(client, admin, "filter=watching")
    app = client.application
    account = app.extensions["mock_freshservice"].accounts["acme.freshservice.com"]
    expected = {
        t["id"]
        for t in account.tickets.all()
        if PRIYA in t["_watchers"] and not t["spam"] and not t["deleted"] and t["workspace_id"] == 2
    }
    assert {t["id"] for t in watched} == expected


def test_requester_id_narrows_to_that_requester(client: FlaskClient, admin: dict[str, str]) -> None:
    tickets = listed(client, admin, f"requester_id={JOHN}")
    assert {10234, 10236} <= {t["id"] for t in tickets}
    assert {t["requester_id"] for t in tickets} == {JOHN}


def test_email_narrows_to_that_requester(client: FlaskClient, admin: dict[str, str]) -> None:
    tickets = listed(client, admin, "email=john%40acme.com")
    assert {t["requester_id"] for t in tickets} == {JOHN}


def test_an_email_nobody_has_lists_nothing(client: FlaskClient, admin: dict[str, str]) -> None:
    assert listed(client, admin, "email=nobody%40acme.com") == []


def test_type_narrows_to_service_requests(client: FlaskClient, admin: dict[str, str]) -> None:
    tickets = listed(client, admin, "type=Service+Request&updated_since=2000-01-01")
    assert tickets
    assert {t["type"] for t in tickets} == {"Service Request"}


def test_without_workspace_id_only_the_primary_workspace_is_listed(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    assert {t["workspace_id"] for t in every_page(client, admin, "")} == {2}


def test_workspace_id_0_lists_every_workspace(client: FlaskClient, admin: dict[str, str]) -> None:
    workspaces = {t["workspace_id"] for t in every_page(client, admin, "workspace_id=0")}
    assert workspaces == {2, 3, 4}


def test_an_unknown_workspace_is_invalid_value(client: FlaskClient, admin: dict[str, str]) -> None:
    response = client.get("/api/v2/tickets?workspace_id=9", headers=admin)
    assert response.get_json()["errors"] == [
        {
            "field": "workspace_id",
            "message": "It should be one of these values: '0,2,3,4'",
            "code": "invalid_value",
        }
    ]


def test_the_list_is_newest_first_by_default(client: FlaskClient, admin: dict[str, str]) -> None:
    created = [t["created_at"] for t in every_page(client, admin, "")]
    assert created == sorted(created, reverse=True)


def test_order_type_asc_lists_oldest_first(client: FlaskClient, admin: dict[str, str]) -> None:
    created = [t["created_at"] for t in every_page(client, admin, "order_type=asc")]
    assert created == sorted(created)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("filter=all", "filter"),
        ("type=Problem", "type"),
        ("order_type=up", "order_type"),
        ("include=conversations", "include"),
        ("updated_since=yesterday", "updated_since"),
        ("email=john", "email"),
        ("requester_id=abc", "requester_id"),
    ],
)
def test_a_bad_list_parameter_is_400_naming_it(
    client: FlaskClient, admin: dict[str, str], query: str, field: str
) -> None:
    response = client.get(f"/api/v2/tickets?{query}", headers=admin)
    assert response.status_code == 400
    assert [e["field"] for e in response.get_json()["errors"]] == [field]


def test_include_stats_embeds_the_stats(client: FlaskClient, admin: dict[str, str]) -> None:
    ticket = listed(client, admin, "include=stats")[0]
    assert set(ticket["stats"]) == {"closed_at", "resolved_at", "first_responded_at"}


def test_include_requester_embeds_the_requester(client: FlaskClient, admin: dict[str, str]) -> None:
    tickets = listed(client, admin, f"requester_id={JOHN}&include=requester")
    john = client.get(f"/api/v2/requesters/{JOHN}", headers=admin).get_json()["requester"]
    assert tickets[0]["requester"] == {
        "email": "john@acme.com",
        "id": JOHN,
        "mobile": john["mobile_phone_number"],
        "name": "John Carter",
        "phone": john["work_phone_number"],
    }


# -- viewing ----------------------------------------------------------------------------------


def test_view_returns_the_pinned_ticket(client: FlaskClient, admin: dict[str, str]) -> None:
    ticket = client.get("/api/v2/tickets/10234", headers=admin).get_json()["ticket"]
    assert ticket["subject"] == "Outlook crashes when opening a shared calendar"
    assert ticket["requester_id"] == JOHN
    assert ticket["responder_id"] == PRIYA


def test_view_leaves_out_tags_unless_included(client: FlaskClient, admin: dict[str, str]) -> None:
    plain = client.get("/api/v2/tickets/10234", headers=admin).get_json()["ticket"]
    tagged = client.get("/api/v2/tickets/10234?include=tags", headers=admin).get_json()["ticket"]
    assert "tags" not in plain
    assert tagged["tags"] == ["outlook", "calendar"]


def test_include_conversations_embeds_at_most_ten_oldest_first(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    for n in range(12):
        client.post("/api/v2/tickets/1023/notes", json={"body": f"note {n}"}, headers=admin)
    ticket = client.get("/api/v2/tickets/1023?include=conversations", headers=admin).get_json()[
        "ticket"
    ]
    assert [c["body_text"] for c in ticket["conversations"]] == [f"note {n}" for n in range(10)]


def test_view_of_a_spam_ticket_works(client: FlaskClient, admin: dict[str, str]) -> None:
    spam = listed(client, admin, "filter=spam")[0]
    assert client.get(f"/api/v2/tickets/{spam['id']}", headers=admin).get_json()["ticket"]["spam"]


# -- creating ---------------------------------------------------------------------------------


def test_create_answers_201_with_the_ticket_and_its_location(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    response = client.post("/api/v2/tickets", json=NEW_TICKET, headers=admin)
    assert response.status_code == 201
    ticket = response.get_json()["ticket"]
    assert response.headers["Location"] == f"http://localhost/api/v2/tickets/{ticket['id']}"
    assert ticket["subject"] == "Monitor flickers"
    assert ticket["description_text"] == "My second monitor flickers."
    assert ticket["created_at"] == "2026-11-02T12:00:00Z"  # the frozen data clock


def test_a_created_ticket_takes_the_next_id(client: FlaskClient, admin: dict[str, str]) -> None:
    highest = (
        client.application.extensions["mock_freshservice"]
        .accounts["acme.freshservice.com"]
        .tickets.max_id()
    )
    first = client.post("/api/v2/tickets", json=NEW_TICKET, headers=admin).get_json()["ticket"]
    second = client.post("/api/v2/tickets", json=NEW_TICKET, headers=admin).get_json()["ticket"]
    assert (first["id"], second["id"]) == (highest + 1, highest + 2)


def test_a_created_ticket_can_be_viewed(client: FlaskClient, admin: dict[str, str]) -> None:
    created = client.post("/api/v2/tickets", json=NEW_TICKET, headers=admin).get_json()["ticket"]
    viewed = client.get(f"/api/v2/tickets/{created['id']}", headers=admin).get_json()["ticket"]
    assert viewed["subject"] == created["subject"]


def test_create_applies_freshservice_defaults(client: FlaskClient, admin: dict[str, str]) -> None:
    ticket = client.post("/api/v2/tickets", json=NEW_TICKET, headers=admin).get_json()["ticket"]
    assert (ticket["source"], ticket["type"], ticket["urgency"], ticket["impact"]) == (
        2,
        "Incident",
        1,
        1,
    )
    assert ticket["workspace_id"] == 2
    assert ticket["custom_fields"] == {"business_impact": None, "vip_request": False}


def test_create_by_requester_id(client: FlaskClient, admin: dict[str, str]) -> None:
    body = {k: v for k, v in NEW_TICKET.items() if k != "email"} | {"requester_id": JOHN}
    ticket = client.post("/api/v2/tickets", json=body, headers=admin).get_json()["ticket"]
    assert ticket["requester_id"] == JOHN


def test_create_with_an_unknown_email_creates_a_requester(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    body = NEW_TICKET | {"email": "newcomer@acme.com", "name": "Nia Newcomer"}
    ticket = client.post("/api/v2/tickets", json=body, headers=admin).get_json()["ticket"]
    requester = client.get(f"/api/v2/requesters/{ticket['requester_id']}", headers=admin).get_json()
    assert requester["requester"]["primary_email"] == "newcomer@acme.com"
    assert requester["requester"]["first_name"] == "Nia"


def test_create_with_an_unknown_phone_and_a_name_creates_a_requester(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    body = {k: v for k, v in NEW_TICKET.items() if k != "email"} | {
        "phone": "+1-555-000-0000",
        "name": "Pat Phone",
    }
    ticket = client.post("/api/v2/tickets", json=body, headers=admin).get_json()["ticket"]
    requester = client.get(f"/api/v2/requesters/{ticket['requester_id']}", headers=admin).get_json()
    assert requester["requester"]["work_phone_number"] == "+1-555-000-0000"


def test_create_with_an_unknown_phone_needs_a_name(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    body = {k: v for k, v in NEW_TICKET.items() if k != "email"} | {"phone": "+1-555-000-0000"}
    response = client.post("/api/v2/tickets", json=body, headers=admin)
    assert response.get_json()["errors"] == [
        {"field": "name", "message": "It should be a/an String", "code": "missing_field"}
    ]


def test_a_requester_creates_tickets_for_themselves(
    client: FlaskClient, requester: dict[str, str]
) -> None:
    body = {k: v for k, v in NEW_TICKET.items() if k != "email"}
    ticket = client.post("/api/v2/tickets", json=body, headers=requester).get_json()["ticket"]
    assert ticket["requester_id"] == JOHN


def test_a_requester_cannot_raise_tickets_for_someone_else(
    client: FlaskClient, requester: dict[str, str]
) -> None:
    body = NEW_TICKET | {"email": "maria.lopez@acme.com"}
    assert client.post("/api/v2/tickets", json=body, headers=requester).status_code == 403


# -- updating ---------------------------------------------------------------------------------


def test_update_changes_the_given_fields_only(client: FlaskClient, admin: dict[str, str]) -> None:
    before = client.get("/api/v2/tickets/10234", headers=admin).get_json()["ticket"]
    after = client.put("/api/v2/tickets/10234", json={"priority": 4}, headers=admin).get_json()[
        "ticket"
    ]
    assert after["priority"] == 4
    assert after["subject"] == before["subject"]
    assert after["updated_at"] == "2026-11-02T12:00:00Z"


def test_update_replaces_the_whole_tag_set(client: FlaskClient, admin: dict[str, str]) -> None:
    after = client.put("/api/v2/tickets/10234", json={"tags": ["vip"]}, headers=admin).get_json()[
        "ticket"
    ]
    assert after["tags"] == ["vip"]


def test_update_refuses_workspace_id(client: FlaskClient, admin: dict[str, str]) -> None:
    response = client.put("/api/v2/tickets/10234", json={"workspace_id": 3}, headers=admin)
    assert response.get_json()["errors"] == [
        {
            "field": "workspace_id",
            "message": "Unexpected/invalid field in request",
            "code": "invalid_field",
        }
    ]


def test_update_of_an_unknown_ticket_is_404(client: FlaskClient, admin: dict[str, str]) -> None:
    assert (
        client.put("/api/v2/tickets/424242", json={"priority": 1}, headers=admin).status_code == 404
    )


def test_resolving_a_ticket_sets_its_resolved_at(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    client.put("/api/v2/tickets/10234", json={"status": 4}, headers=admin)
    stats = client.get("/api/v2/tickets/10234?include=stats", headers=admin).get_json()["ticket"][
        "stats"
    ]
    assert stats["resolved_at"] == "2026-11-02T12:00:00Z"


def test_bypass_mandatory_is_for_admins_only(client: FlaskClient, agent: dict[str, str]) -> None:
    response = client.put(
        "/api/v2/tickets/10234?bypass_mandatory=true", json={"priority": 1}, headers=agent
    )
    assert response.status_code == 403


def test_an_updated_ticket_moves_in_filtered_lists(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    client.put("/api/v2/tickets/10234", json={"status": 5}, headers=admin)
    open_ids = {t["id"] for t in every_page(client, admin, "filter=new_and_my_open")}
    assert 10234 not in open_ids


# -- notes and conversations ------------------------------------------------------------------


def test_a_note_is_private_by_default(client: FlaskClient, admin: dict[str, str]) -> None:
    body = {"body": "The issue is caused by a sudden router reboot."}
    response = client.post("/api/v2/tickets/1023/notes", json=body, headers=admin)
    assert response.status_code == 201
    note = response.get_json()["conversation"]
    assert note["private"] is True
    assert note["body"] == "The issue is caused by a sudden router reboot."
    assert note["ticket_id"] == 1023
    assert note["user_id"] == PRIYA


def test_a_note_can_be_public(client: FlaskClient, admin: dict[str, str]) -> None:
    note = client.post(
        "/api/v2/tickets/1023/notes", json={"body": "Hi", "private": False}, headers=admin
    ).get_json()["conversation"]
    assert note["private"] is False


def test_a_note_appears_last_in_the_conversations(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    client.post("/api/v2/tickets/1023/notes", json={"body": "Checked the router"}, headers=admin)
    conversations = client.get("/api/v2/tickets/1023/conversations", headers=admin).get_json()[
        "conversations"
    ]
    assert conversations[-1]["body_text"] == "Checked the router"
    assert conversations[-1]["source"] == 2


def test_a_created_note_never_takes_the_id_of_a_generated_conversation(
    admin: dict[str, str],
) -> None:
    # Generated conversations are numbered from ticket ids: start the tickets high.
    first = 2_249_700

    def start_tickets_high(raw: dict[str, Any]) -> None:
        raw["accounts"][0]["first_ticket_id"] = first

    app = create_app(FakeSettings(now=NOW), default_dataset_with(start_tickets_high))
    client = app.test_client()
    generated = {
        c["id"]
        for ticket_id in range(first, first + 400)
        for c in client.get(
            f"/api/v2/tickets/{ticket_id}/conversations?per_page=100", headers=admin
        ).get_json()["conversations"]
    }
    assert generated
    created = {
        client.post(
            f"/api/v2/tickets/{first}/notes", json={"body": f"note {n}"}, headers=admin
        ).get_json()["conversation"]["id"]
        for n in range(50)
    }
    assert len(created) == 50
    assert not created & generated


def test_a_note_needs_a_body(client: FlaskClient, admin: dict[str, str]) -> None:
    response = client.post("/api/v2/tickets/1023/notes", json={"private": True}, headers=admin)
    assert response.get_json()["errors"] == [
        {"field": "body", "message": "It should be a/an String", "code": "missing_field"}
    ]


def test_a_note_on_an_unknown_ticket_is_404(client: FlaskClient, admin: dict[str, str]) -> None:
    assert (
        client.post("/api/v2/tickets/424242/notes", json={"body": "x"}, headers=admin).status_code
        == 404
    )


def test_requesters_do_not_see_private_notes(
    client: FlaskClient, admin: dict[str, str], requester: dict[str, str]
) -> None:
    client.post("/api/v2/tickets/10234/notes", json={"body": "internal only"}, headers=admin)
    conversations = client.get("/api/v2/tickets/10234/conversations", headers=requester).get_json()
    assert "internal only" not in [c["body_text"] for c in conversations["conversations"]]


def test_conversations_are_paged(client: FlaskClient, admin: dict[str, str]) -> None:
    for n in range(3):
        client.post("/api/v2/tickets/1023/notes", json={"body": f"n{n}"}, headers=admin)
    response = client.get("/api/v2/tickets/1023/conversations?per_page=2", headers=admin)
    assert len(response.get_json()["conversations"]) == 2
    assert "page=2" in response.headers["Link"]


def test_a_requester_made_from_a_phone_number_does_not_break_email_lookups(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    body = {k: v for k, v in NEW_TICKET.items() if k != "email"} | {
        "phone": "+1-555-111-2222",
        "name": "Pat",
    }
    assert client.post("/api/v2/tickets", json=body, headers=admin).status_code == 201
    assert client.get("/api/v2/tickets?email=john%40acme.com", headers=admin).status_code == 200
    assert client.post("/api/v2/tickets", json=NEW_TICKET, headers=admin).status_code == 201


@pytest.mark.parametrize(
    "field_value",
    [
        ("due_by", "9999-12-31T23:00:00-05:00"),
        ("fr_due_by", "0001-01-01T00:00:00+05:00"),
        ("due_by", "1969-12-31"),
    ],
)
def test_a_date_outside_what_can_be_stored_is_refused(
    client: FlaskClient, admin: dict[str, str], field_value: tuple[str, str]
) -> None:
    field, value = field_value
    before = client.get("/_mock/accounts").get_json()["accounts"][0]["counts"]["tickets"]
    response = client.post("/api/v2/tickets", json=NEW_TICKET | {field: value}, headers=admin)
    assert response.status_code == 400
    assert response.get_json()["errors"][0]["field"] == field
    assert client.get("/_mock/accounts").get_json()["accounts"][0]["counts"]["tickets"] == before
    assert (
        client.put("/api/v2/tickets/10234", json={field: value}, headers=admin).status_code == 400
    )
    assert client.get("/api/v2/tickets", headers=admin).status_code == 200


def test_an_update_does_not_rewrite_a_tickets_history(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    ticket_id = next(
        t["id"]
        for t in every_page(client, admin, "updated_since=2000-01-01")
        if t["responder_id"] is not None
        and client.get(f"/api/v2/tickets/{t['id']}/conversations", headers=admin).get_json()[
            "conversations"
        ]
    )
    before = client.get(f"/api/v2/tickets/{ticket_id}/conversations", headers=admin).get_json()
    client.put(
        f"/api/v2/tickets/{ticket_id}", json={"responder_id": None, "status": 5}, headers=admin
    )
    after = client.get(f"/api/v2/tickets/{ticket_id}/conversations", headers=admin).get_json()
    assert after == before


def test_a_requesters_email_filter_that_matches_nobody_lists_nothing(
    client: FlaskClient, requester: dict[str, str]
) -> None:
    assert listed(client, requester, "email=nobody%40acme.com") == []


def test_a_requester_cannot_write_notes_as_someone_else(
    client: FlaskClient, requester: dict[str, str]
) -> None:
    body = {"body": "as the admin", "user_id": PRIYA}
    assert (
        client.post("/api/v2/tickets/10234/notes", json=body, headers=requester).status_code == 403
    )


def test_a_workspace_id_of_unicode_digits_is_refused(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    assert client.get("/api/v2/tickets?workspace_id=%C2%B2", headers=admin).status_code == 400
