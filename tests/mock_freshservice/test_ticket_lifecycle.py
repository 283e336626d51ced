"""Tickets in full: delete and restore, child tickets and related tickets, every include with its
credits, activities and the satisfaction survey."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from mock_freshservice import FakeSettings, create_app
from tests.conftest import NOW, basic

PRIYA = 21000000001  # the Acme admin key's agent
JOHNS_TICKET = 10234  # requested by the Acme requester key's user, open
MARIAS_TICKET = 1023
DELETED_TICKET = 10200  # pinned in the trash
NEW_TICKET = {
    "subject": "Monitor flickers",
    "description": "<div>My second monitor flickers.</div>",
    "email": "john@acme.com",
    "status": 2,
    "priority": 2,
}


def ids_of(client: FlaskClient, headers: dict[str, str], query: str) -> list[int]:
    response = client.get(f"/api/v2/tickets?per_page=100&{query}", headers=headers)
    assert response.status_code == 200, response.get_json()
    return [t["id"] for t in response.get_json()["tickets"]]


def child_of(client: FlaskClient, headers: dict[str, str], parent: int, **changes: Any) -> int:
    response = client.post(
        f"/api/v2/tickets/{parent}/create_child_ticket",
        json={**NEW_TICKET, **changes},
        headers=headers,
    )
    assert response.status_code == 201, response.get_json()
    return int(response.get_json()["ticket"]["id"])


def viewed(client: FlaskClient, headers: dict[str, str], ticket_id: int, query: str = "") -> Any:
    response = client.get(f"/api/v2/tickets/{ticket_id}{query}", headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["ticket"]


# -- delete and restore ---------------------------------------------------------------------------


def test_delete_answers_204_and_moves_the_ticket_to_the_trash(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    response = client.delete(f"/api/v2/tickets/{JOHNS_TICKET}", headers=admin)
    assert (response.status_code, response.get_data()) == (204, b"")
    assert viewed(client, admin, JOHNS_TICKET)["deleted"] is True


def test_a_deleted_ticket_leaves_the_lists_and_the_deleted_filter_shows_it(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    client.delete(f"/api/v2/tickets/{JOHNS_TICKET}", headers=admin)
    assert JOHNS_TICKET not in ids_of(client, admin, "updated_since=2000-01-01")
    assert JOHNS_TICKET in ids_of(client, admin, "filter=deleted")
    found = client.get('/api/v2/tickets/filter?query="priority:3"', headers=admin).get_json()
    assert JOHNS_TICKET not in [t["id"] for t in found["tickets"]]


def test_restore_answers_204_and_brings_the_ticket_back(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    client.delete(f"/api/v2/tickets/{JOHNS_TICKET}", headers=admin)
    response = client.put(f"/api/v2/tickets/{JOHNS_TICKET}/restore", headers=admin)
    assert (response.status_code, response.get_data()) == (204, b"")
    assert viewed(client, admin, JOHNS_TICKET)["deleted"] is False
    assert JOHNS_TICKET in ids_of(client, admin, "updated_since=2000-01-01")
    assert JOHNS_TICKET not in ids_of(client, admin, "filter=deleted")


def test_restoring_a_ticket_that_is_not_in_the_trash_is_404(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    response = client.put(f"/api/v2/tickets/{JOHNS_TICKET}/restore", headers=admin)
    assert (response.status_code, response.get_data()) == (404, b"")


def test_a_deleted_ticket_can_still_be_viewed(client: FlaskClient, admin: dict[str, str]) -> None:
    assert viewed(client, admin, DELETED_TICKET)["deleted"] is True


@pytest.mark.parametrize("method", ["PUT", "DELETE"])
def test_changing_a_deleted_ticket_is_405_allowing_get(
    client: FlaskClient, admin: dict[str, str], method: str
) -> None:
    response = client.open(
        f"/api/v2/tickets/{DELETED_TICKET}", method=method, json={"priority": 2}, headers=admin
    )
    assert response.status_code == 405
    assert response.headers["Allow"] == "GET"
    assert response.get_json() == {
        "message": f"{method} method is not allowed. It should be one of these method(s): GET"
    }


def test_a_spam_ticket_cannot_be_updated(client: FlaskClient, admin: dict[str, str]) -> None:
    spam = ids_of(client, admin, "filter=spam")[0]
    response = client.put(f"/api/v2/tickets/{spam}", json={"priority": 2}, headers=admin)
    assert (response.status_code, response.headers["Allow"]) == (405, "GET")


def test_a_note_on_a_deleted_ticket_is_404(client: FlaskClient, admin: dict[str, str]) -> None:
    response = client.post(
        f"/api/v2/tickets/{DELETED_TICKET}/notes", json={"body": "Still there?"}, headers=admin
    )
    assert response.status_code == 404


def test_the_conversations_of_a_deleted_ticket_can_still_be_listed(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    response = client.get(f"/api/v2/tickets/{DELETED_TICKET}/conversations", headers=admin)
    assert response.status_code == 200


def test_deleting_needs_the_delete_privilege(client: FlaskClient, agent: dict[str, str]) -> None:
    response = client.delete(f"/api/v2/tickets/{JOHNS_TICKET}", headers=agent)
    assert response.status_code == 403


def test_deleting_a_parent_deletes_its_children_and_restoring_it_brings_them_back(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    child = child_of(client, admin, JOHNS_TICKET)
    client.delete(f"/api/v2/tickets/{JOHNS_TICKET}", headers=admin)
    assert viewed(client, admin, child)["deleted"] is True
    client.put(f"/api/v2/tickets/{JOHNS_TICKET}/restore", headers=admin)
    assert viewed(client, admin, child)["deleted"] is False


def test_restoring_a_parent_leaves_a_child_deleted_before_it_in_the_trash(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    child = child_of(client, admin, JOHNS_TICKET)
    client.delete(f"/api/v2/tickets/{child}", headers=admin)
    client.delete(f"/api/v2/tickets/{JOHNS_TICKET}", headers=admin)
    client.put(f"/api/v2/tickets/{JOHNS_TICKET}/restore", headers=admin)
    assert viewed(client, admin, child)["deleted"] is True


# -- child tickets ------------------------------------------------------------------------------


def test_a_child_ticket_is_created_with_201_a_location_and_the_ticket(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    response = client.post(
        f"/api/v2/tickets/{JOHNS_TICKET}/create_child_ticket", json=NEW_TICKET, headers=admin
    )
    ticket = response.get_json()["ticket"]
    assert response.status_code == 201
    assert response.headers["Location"].endswith(f"/api/v2/tickets/{ticket['id']}")
    assert (ticket["subject"], ticket["status"], ticket["priority"]) == ("Monitor flickers", 2, 2)


def test_the_parents_related_tickets_show_the_child_with_its_details(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    child = child_of(client, admin, JOHNS_TICKET, responder_id=PRIYA)
    related = viewed(client, admin, JOHNS_TICKET, "?include=related_tickets")["related_tickets"]
    assert related == {
        "child_ids": [child],
        "child_tickets_details": [
            {
                "id": child,
                "subject": "Monitor flickers",
                "status": "Open",
                "priority": "Medium",
                "agent": "Priya Raman",
                "requester": "John Carter",
            }
        ],
    }


def test_a_childs_related_tickets_name_its_parent(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    child = child_of(client, admin, JOHNS_TICKET)
    related = viewed(client, admin, child, "?include=related_tickets")["related_tickets"]
    assert related == {"parent_id": JOHNS_TICKET}


def test_a_ticket_with_no_relations_has_empty_related_tickets(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    related = viewed(client, admin, MARIAS_TICKET, "?include=related_tickets")["related_tickets"]
    assert related == {}


def test_a_child_cannot_have_children(client: FlaskClient, admin: dict[str, str]) -> None:
    child = child_of(client, admin, JOHNS_TICKET)
    response = client.post(
        f"/api/v2/tickets/{child}/create_child_ticket", json=NEW_TICKET, headers=admin
    )
    assert response.status_code == 400
    assert response.get_json()["errors"] == [
        {"field": "parent_id", "message": "Parent is invalid", "code": "invalid_value"}
    ]


def test_a_child_cannot_be_added_to_a_deleted_ticket(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    response = client.post(
        f"/api/v2/tickets/{DELETED_TICKET}/create_child_ticket", json=NEW_TICKET, headers=admin
    )
    assert response.status_code == 404


def test_a_child_ticket_body_is_checked_as_a_create(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    response = client.post(
        f"/api/v2/tickets/{JOHNS_TICKET}/create_child_ticket",
        json={"subject": "x"},
        headers=admin,
    )
    fields = {e["field"] for e in response.get_json()["errors"]}
    assert response.status_code == 400
    assert {"description", "status", "priority"} <= fields


# -- includes -------------------------------------------------------------------------------------


def test_include_tags_on_the_list_embeds_each_tickets_tags(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    response = client.get("/api/v2/tickets?include=tags&per_page=100", headers=admin)
    tickets = response.get_json()["tickets"]
    assert response.status_code == 200
    assert next(t for t in tickets if t["id"] == JOHNS_TICKET)["tags"] == ["outlook", "calendar"]


def test_an_include_the_list_does_not_take_is_refused_naming_those_it_does(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    response = client.get("/api/v2/tickets?include=related_tickets", headers=admin)
    assert response.status_code == 400
    assert response.get_json()["errors"] == [
        {
            "field": "include",
            "message": "It should be one of these values: "
            "'stats,requester,requested_for,onboarding_context,offboarding_context,tags'",
            "code": "invalid_value",
        }
    ]


@pytest.mark.parametrize(
    ("include", "credits"),
    [
        ("stats", 3),
        ("requester", 3),
        ("requested_for", 3),
        ("onboarding_context", 3),
        ("offboarding_context", 3),
        ("tags", 3),
        ("stats,requester,tags", 7),
    ],
)
def test_every_list_include_costs_two_credits(
    client: FlaskClient, admin: dict[str, str], include: str, credits: int
) -> None:
    response = client.get(f"/api/v2/tickets?include={include}", headers=admin)
    assert response.status_code == 200
    assert response.headers["X-RateLimit-Used-CurrentRequest"] == str(credits)
    assert all(set(include.split(",")) <= set(t) for t in response.get_json()["tickets"])


@pytest.mark.parametrize(
    "include",
    [
        "conversations",
        "requester",
        "requested_for",
        "stats",
        "problem",
        "assets",
        "changes",
        "related_tickets",
        "onboarding_context",
        "offboarding_context",
        "tags",
    ],
)
def test_every_view_include_costs_one_credit_and_embeds_its_key(
    client: FlaskClient, admin: dict[str, str], include: str
) -> None:
    response = client.get(f"/api/v2/tickets/{JOHNS_TICKET}?include={include}", headers=admin)
    assert response.status_code == 200
    assert response.headers["X-RateLimit-Used-CurrentRequest"] == "2"
    assert include in response.get_json()["ticket"]


def onboarding_ticket(client: FlaskClient, headers: dict[str, str]) -> tuple[int, dict[str, Any]]:
    request = client.get("/api/v2/onboarding_requests/1", headers=headers).get_json()
    tickets = client.get("/api/v2/onboarding_requests/1/tickets", headers=headers).get_json()
    return tickets["onboarding_tickets"][-1]["id"], request["onboarding_request"]


def test_include_onboarding_context_gives_the_requests_fields_and_lookups(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    ticket_id, request = onboarding_ticket(client, admin)
    context = viewed(client, admin, ticket_id, "?include=onboarding_context")
    assert context["onboarding_context"] == {
        "fields": request["fields"],
        "lookup_values": request["lookup_values"],
    }


def test_a_ticket_of_no_onboarding_request_has_a_null_onboarding_context(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    context = viewed(client, admin, JOHNS_TICKET, "?include=onboarding_context")
    assert context["onboarding_context"] is None


# -- activities -----------------------------------------------------------------------------------


def activities_of(client: FlaskClient, headers: dict[str, str], ticket_id: int) -> Any:
    response = client.get(f"/api/v2/tickets/{ticket_id}/activities", headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_a_generated_tickets_activities_start_with_its_creation_by_its_requester(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    oldest = activities_of(client, admin, JOHNS_TICKET)["activities"][-1]
    assert oldest["actor"]["name"] == "John Carter"
    assert oldest["content"] == (
        "created ticket for John Carter, set Status as Open, set Urgency as Medium, set Priority "
        "as High, set Source as Portal, set Type as Incident and set Impact as Medium"
    )
    assert oldest["sub_contents"] == ["System executed Default SLA Policy (SLA)"]


def test_an_update_delete_and_restore_show_newest_first_with_who_did_them(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    client.put(f"/api/v2/tickets/{JOHNS_TICKET}", json={"status": 3, "priority": 4}, headers=admin)
    client.delete(f"/api/v2/tickets/{JOHNS_TICKET}", headers=admin)
    client.put(f"/api/v2/tickets/{JOHNS_TICKET}/restore", headers=admin)
    recent = activities_of(client, admin, JOHNS_TICKET)["activities"][:3]
    assert [a["content"] for a in recent] == [
        " restored this ticket from trash",
        " deleted this ticket",
        " set Status as Pending and set Priority as Urgent",
    ]
    assert {a["actor"]["id"] for a in recent} == {PRIYA}


def test_a_ticket_created_through_the_api_shows_its_creator_and_what_was_set(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    created = client.post("/api/v2/tickets", json=NEW_TICKET, headers=admin).get_json()["ticket"]
    found = activities_of(client, admin, created["id"])
    assert found == {
        "activities": [
            {
                "actor": {"id": PRIYA, "name": "Priya Raman"},
                "content": "created ticket for John Carter, set Status as Open, set Urgency as "
                "Low, set Priority as Medium, set Source as Portal, set Type as Incident and set "
                "Impact as Low",
                "sub_contents": ["System executed Default SLA Policy (SLA)"],
                "created_at": created["created_at"],
            }
        ]
    }


def test_activities_come_20_a_page_with_the_next_pages_url(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    for n in range(12):
        client.put(
            f"/api/v2/tickets/{JOHNS_TICKET}", json={"priority": 1 + n % 2 * 3}, headers=admin
        )
        client.put(f"/api/v2/tickets/{JOHNS_TICKET}", json={"status": 2 + n % 2}, headers=admin)
    first = activities_of(client, admin, JOHNS_TICKET)
    assert len(first["activities"]) == 20
    following = first["next_page_url"].split("/api/v2/tickets/", 1)[1]
    rest = client.get(f"/api/v2/tickets/{following}", headers=admin).get_json()
    assert rest["activities"] and "next_page_url" not in rest
    assert rest["activities"][-1]["content"].startswith("created ticket for")


def test_a_start_token_the_fake_did_not_give_is_refused(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    response = client.get(
        f"/api/v2/tickets/{JOHNS_TICKET}/activities?start_token=abc", headers=admin
    )
    assert response.status_code == 400
    assert response.get_json()["errors"][0]["field"] == "start_token"


def test_activities_of_a_ticket_that_does_not_exist_are_404(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    assert client.get("/api/v2/tickets/99999999/activities", headers=admin).status_code == 404


# -- the satisfaction survey ------------------------------------------------------------------


def answered(client: FlaskClient, headers: dict[str, str]) -> tuple[int, dict[str, Any]]:
    for ticket_id in ids_of(client, headers, "updated_since=2000-01-01"):
        response = client.get(f"/api/v2/tickets/{ticket_id}/csat_response", headers=headers)
        if response.status_code == 200:
            return ticket_id, response.get_json()
    raise AssertionError("no ticket has a survey answer")


def test_a_csat_response_has_the_documented_shape(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    _, body = answered(client, admin)
    response = body["csat_response"]
    assert list(response) == [
        "id",
        "overall_rating",
        "overall_rating_text",
        "primary_question",
        "questionnaire_responses",
        "created_at",
        "updated_at",
    ]
    assert response["primary_question"] == "Share your experience working with us."
    assert response["questionnaire_responses"][0]["question"] == {
        "question_text": "Were we able to resolve your issue?"
    }


def test_only_resolved_or_closed_tickets_have_a_csat_response(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    ticket_id, _ = answered(client, admin)
    assert viewed(client, admin, ticket_id)["status"] in (4, 5)
    response = client.get(f"/api/v2/tickets/{JOHNS_TICKET}/csat_response", headers=admin)
    assert (response.status_code, response.get_data()) == (404, b"")


def test_ticket_writes_come_back_after_a_restart_with_state(tmp_path: Path) -> None:
    settings = FakeSettings(now=NOW, state=tmp_path / "state.log")
    admin = basic("demo-acme-admin-key")
    first = create_app(settings).test_client()
    base = f"/api/v2/tickets/{JOHNS_TICKET}"
    first.post("/api/v2/ticket_fields/sources", json={"name": "Kiosk"}, headers=admin)
    note = first.post(f"{base}/notes", json={"body": "n"}, headers=admin).get_json()
    edited = note["conversation"]["id"]
    first.put(f"/api/v2/conversations/{edited}", json={"body": "edited"}, headers=admin)
    task = first.post(f"{base}/tasks", json={"title": "t", "description": "d"}, headers=admin)
    first.delete(base, headers=admin)
    before = first.get(f"{base}/activities", headers=admin).get_json()

    again = create_app(settings).test_client()
    assert viewed(again, admin, JOHNS_TICKET)["deleted"] is True
    assert again.get(f"{base}/activities", headers=admin).get_json() == before
    talk = again.get(f"{base}/conversations?per_page=100", headers=admin).get_json()
    assert talk["conversations"][-1]["body"] == "edited"
    tasks = again.get(f"{base}/tasks", headers=admin).get_json()["tasks"]
    assert task.get_json()["task"] in tasks
    created = again.post("/api/v2/tickets", json={**NEW_TICKET, "source": 1001}, headers=admin)
    assert created.status_code == 201
