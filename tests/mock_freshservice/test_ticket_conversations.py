"""Replies to a ticket's requester, and editing and deleting conversations."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

PRIYA = 21000000001
SAM = 21000000002  # the restricted agent's key
JOHNS_TICKET = 10234  # requested by john@acme.com
DELETED_TICKET = 10200


def reply(client: FlaskClient, headers: dict[str, str], **body: Any) -> Any:
    return client.post(
        f"/api/v2/tickets/{JOHNS_TICKET}/reply", json={"body": "On it.", **body}, headers=headers
    )


def conversations(client: FlaskClient, headers: dict[str, str], ticket_id: int) -> list[Any]:
    response = client.get(
        f"/api/v2/tickets/{ticket_id}/conversations?per_page=100", headers=headers
    )
    assert response.status_code == 200
    return list(response.get_json()["conversations"])


def note(client: FlaskClient, headers: dict[str, str], **body: Any) -> Any:
    response = client.post(
        f"/api/v2/tickets/{JOHNS_TICKET}/notes", json={"body": "Internal", **body}, headers=headers
    )
    assert response.status_code == 201
    return response.get_json()["conversation"]


# -- replies ------------------------------------------------------------------------------------


def test_a_reply_answers_201_with_the_documented_keys_and_a_location(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    response = reply(client, admin)
    conversation = response.get_json()["conversation"]
    assert response.status_code == 201
    assert list(conversation) == [
        "id",
        "user_id",
        "from_email",
        "cc_emails",
        "bcc_emails",
        "body",
        "body_text",
        "ticket_id",
        "to_emails",
        "attachments",
        "created_at",
        "updated_at",
    ]
    assert response.headers["Location"].endswith(f"/api/v2/conversations/{conversation['id']}")


def test_a_reply_goes_to_the_requester_from_the_support_address_by_default(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    conversation = reply(client, admin).get_json()["conversation"]
    assert conversation["to_emails"] == ["john@acme.com"]
    assert conversation["from_email"] == "support@acme.freshservice.com"
    assert (conversation["user_id"], conversation["ticket_id"]) == (PRIYA, JOHNS_TICKET)


def test_a_reply_keeps_its_from_cc_and_bcc_addresses(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    conversation = reply(
        client,
        admin,
        from_email="helpdesk@acme.com",
        cc_emails=["maria.lopez@acme.com"],
        bcc_emails=["audit@acme.com"],
    ).get_json()["conversation"]
    assert conversation["from_email"] == "helpdesk@acme.com"
    assert conversation["cc_emails"] == ["maria.lopez@acme.com"]
    assert conversation["bcc_emails"] == ["audit@acme.com"]


def test_a_reply_is_a_public_email_conversation_of_the_ticket(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    sent = reply(client, admin).get_json()["conversation"]
    listed = conversations(client, admin, JOHNS_TICKET)[-1]
    assert listed["id"] == sent["id"]
    assert (listed["private"], listed["incoming"], listed["source"]) == (False, False, 0)
    assert listed["support_email"] == "support@acme.freshservice.com"


def test_a_reply_sets_the_tickets_first_response(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    created = client.post(
        "/api/v2/tickets",
        json={"subject": "s", "description": "d", "email": "john@acme.com", "status": 2,
              "priority": 1},
        headers=admin,
    ).get_json()["ticket"]  # fmt: skip
    client.post(f"/api/v2/tickets/{created['id']}/reply", json={"body": "Hi"}, headers=admin)
    stats = client.get(f"/api/v2/tickets/{created['id']}?include=stats", headers=admin)
    assert stats.get_json()["ticket"]["stats"]["first_responded_at"] == created["created_at"]


def test_a_reply_needs_a_body(client: FlaskClient, admin: dict[str, str]) -> None:
    response = client.post(f"/api/v2/tickets/{JOHNS_TICKET}/reply", json={}, headers=admin)
    assert response.status_code == 400
    assert response.get_json()["errors"] == [
        {"field": "body", "message": "It should be a/an String", "code": "missing_field"}
    ]


def test_a_reply_with_a_bad_cc_address_is_refused(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    response = reply(client, admin, cc_emails=["not an address"])
    assert response.status_code == 400
    assert response.get_json()["errors"][0]["field"] == "cc_emails"


def test_a_requester_cannot_reply(client: FlaskClient, requester: dict[str, str]) -> None:
    assert reply(client, requester).status_code == 403


def test_a_reply_on_a_deleted_ticket_is_404(client: FlaskClient, admin: dict[str, str]) -> None:
    response = client.post(
        f"/api/v2/tickets/{DELETED_TICKET}/reply", json={"body": "x"}, headers=admin
    )
    assert response.status_code == 404


# -- editing and deleting conversations -------------------------------------------------------


def test_editing_a_note_changes_its_body_and_answers_with_the_note(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    written = note(client, admin)
    response = client.put(
        f"/api/v2/conversations/{written['id']}",
        json={"body": "<p>Can you provide some screenshots?</p>"},
        headers=admin,
    )
    edited = response.get_json()["conversation"]
    assert response.status_code == 200
    assert list(edited) == list(written)
    assert (edited["body"], edited["body_text"]) == (
        "<p>Can you provide some screenshots?</p>",
        "Can you provide some screenshots?",
    )
    assert conversations(client, admin, JOHNS_TICKET)[-1]["body"] == edited["body"]


def test_a_generated_note_can_be_edited(client: FlaskClient, admin: dict[str, str]) -> None:
    ticket_id, generated = next(
        (t, c)
        for t in range(9850, 10250)
        for c in conversations(client, admin, t)
        if c["source"] == 2 and c["user_id"] < 21000000013
    )
    response = client.put(
        f"/api/v2/conversations/{generated['id']}", json={"body": "Rewritten"}, headers=admin
    )
    assert response.status_code == 200
    found = [c for c in conversations(client, admin, ticket_id) if c["id"] == generated["id"]]
    assert found[0]["body"] == "Rewritten"


def test_editing_a_reply_is_405_allowing_delete(client: FlaskClient, admin: dict[str, str]) -> None:
    sent = reply(client, admin).get_json()["conversation"]
    response = client.put(f"/api/v2/conversations/{sent['id']}", json={"body": "x"}, headers=admin)
    assert response.status_code == 405
    assert response.headers["Allow"] == "DELETE"


def test_an_empty_edit_is_missing_params(client: FlaskClient, admin: dict[str, str]) -> None:
    written = note(client, admin)
    response = client.put(f"/api/v2/conversations/{written['id']}", json={}, headers=admin)
    assert (response.status_code, response.get_json()["code"]) == (400, "missing_params")


def test_an_edit_naming_another_field_is_refused(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    written = note(client, admin)
    response = client.put(
        f"/api/v2/conversations/{written['id']}", json={"private": False}, headers=admin
    )
    assert response.status_code == 400
    assert response.get_json()["errors"][0]["code"] == "invalid_field"


def test_a_requesters_note_cannot_be_edited_by_an_agent(
    client: FlaskClient, admin: dict[str, str], requester: dict[str, str]
) -> None:
    written = note(client, requester)
    response = client.put(
        f"/api/v2/conversations/{written['id']}", json={"body": "x"}, headers=admin
    )
    assert response.status_code == 403


def test_a_requester_cannot_edit_conversations(
    client: FlaskClient, requester: dict[str, str]
) -> None:
    written = note(client, requester)
    response = client.put(
        f"/api/v2/conversations/{written['id']}", json={"body": "x"}, headers=requester
    )
    assert response.status_code == 403


def test_deleting_a_conversation_answers_204_and_removes_it(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    sent = reply(client, admin).get_json()["conversation"]
    response = client.delete(f"/api/v2/conversations/{sent['id']}", headers=admin)
    assert (response.status_code, response.get_data()) == (204, b"")
    assert sent["id"] not in [c["id"] for c in conversations(client, admin, JOHNS_TICKET)]
    again = client.delete(f"/api/v2/conversations/{sent['id']}", headers=admin)
    assert again.status_code == 404


def test_a_conversation_that_does_not_exist_is_404(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    assert (
        client.put("/api/v2/conversations/5", json={"body": "x"}, headers=admin).status_code == 404
    )
    assert client.delete("/api/v2/conversations/5", headers=admin).status_code == 404


def test_a_conversation_of_a_deleted_ticket_cannot_be_changed(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    written = note(client, admin)
    client.delete(f"/api/v2/tickets/{JOHNS_TICKET}", headers=admin)
    response = client.put(
        f"/api/v2/conversations/{written['id']}", json={"body": "x"}, headers=admin
    )
    assert response.status_code == 403


def test_a_note_is_edited_under_its_tickets_path_as_freshworks_openapi_file_spells_it(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    written = note(client, admin)
    path = f"/api/v2/tickets/{JOHNS_TICKET}/conversations/{written['id']}"
    response = client.put(path, json={"body": "edited"}, headers=admin)
    assert response.get_json()["conversation"]["body"] == "edited"
    assert client.delete(path, headers=admin).status_code == 204


def test_a_conversation_under_another_tickets_path_is_404(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    written = note(client, admin)
    path = f"/api/v2/tickets/{JOHNS_TICKET + 1}/conversations/{written['id']}"
    assert client.put(path, json={"body": "x"}, headers=admin).status_code == 404
    assert client.delete(path, headers=admin).status_code == 404
