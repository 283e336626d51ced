"""Attachments: a multipart body's `attachments[]` parts become a ticket's, a note's or a reply's
attachments, its other parts the body JSON would have sent; anything else stays JSON only."""

from __future__ import annotations

import io
from typing import Any

import pytest
from flask.testing import FlaskClient

from mock_freshservice.api import uploads

Headers = dict[str, str]
REQUESTER_EMAIL = "john@acme.com"
MULTIPART = "multipart/form-data"  # also when a form has no file


def _file(name: str, content: bytes = b"hello", kind: str = "text/plain") -> Any:
    return (io.BytesIO(content), name, kind)


def _form_ticket(client: FlaskClient, admin: Headers, **extra: Any) -> Any:
    form = {
        "subject": "Printer jams",
        "description": "<p>Photo attached</p>",
        "email": REQUESTER_EMAIL,
        "priority": "2",
        "status": "2",
        **extra,
    }
    return client.post("/api/v2/tickets", data=form, headers=admin, content_type=MULTIPART)


def test_a_ticket_created_with_files_answers_them_as_attachments(
    client: FlaskClient, admin: Headers
) -> None:
    made = _form_ticket(
        client, admin, **{"attachments[]": [_file("jam.txt", b"12345"), _file("log.txt")]}
    )
    assert made.status_code == 201, made.get_json()
    attachments = made.get_json()["ticket"]["attachments"]
    assert [(a["name"], a["size"], a["content_type"]) for a in attachments] == [
        ("jam.txt", 5, "text/plain"),
        ("log.txt", 5, "text/plain"),
    ]
    ticket_id = made.get_json()["ticket"]["id"]
    viewed = client.get(f"/api/v2/tickets/{ticket_id}", headers=admin).get_json()["ticket"]
    assert viewed["attachments"] == attachments


def test_a_forms_text_is_read_as_the_fields_types(client: FlaskClient, admin: Headers) -> None:
    made = _form_ticket(client, admin, **{"cc_emails[]": ["a@acme.com", "b@acme.com"]})
    ticket = made.get_json()["ticket"]
    assert (ticket["priority"], ticket["status"]) == (2, 2)
    assert ticket["cc_emails"] == ["a@acme.com", "b@acme.com"]
    note = client.post(
        f"/api/v2/tickets/{ticket['id']}/notes",
        data={"body": "<p>Public</p>", "private": "false"},
        headers=admin,
        content_type=MULTIPART,
    )
    assert note.get_json()["conversation"]["private"] is False


def test_a_forms_bad_value_is_refused_as_a_bad_json_value_is(
    client: FlaskClient, admin: Headers
) -> None:
    made = _form_ticket(client, admin, priority="urgent")
    assert made.status_code == 400
    assert [(e["field"], e["code"]) for e in made.get_json()["errors"]] == [
        ("priority", "datatype_mismatch")
    ]


def test_notes_replies_and_updates_add_attachments_with_ids_of_their_own(
    client: FlaskClient, admin: Headers
) -> None:
    ticket_id = _form_ticket(client, admin, **{"attachments[]": [_file("first.txt")]}).get_json()[
        "ticket"
    ]["id"]
    path = f"/api/v2/tickets/{ticket_id}"
    note = client.post(
        f"{path}/notes", data={"body": "<p>n</p>", "attachments[]": [_file("n.txt")]},
        headers=admin,
    ).get_json()["conversation"]  # fmt: skip
    reply = client.post(
        f"{path}/reply", data={"body": "<p>r</p>", "attachments[]": [_file("r.txt")]},
        headers=admin,
    ).get_json()["conversation"]  # fmt: skip
    updated = client.put(path, data={"attachments[]": [_file("u.txt")]}, headers=admin)
    assert updated.status_code == 200, updated.get_json()
    on_ticket = updated.get_json()["ticket"]["attachments"]
    assert [a["name"] for a in on_ticket] == ["first.txt", "u.txt"]
    every_id = [a["id"] for a in [*on_ticket, *note["attachments"], *reply["attachments"]]]
    assert len(set(every_id)) == 4


def test_an_uploaded_attachment_can_be_deleted(client: FlaskClient, admin: Headers) -> None:
    ticket = _form_ticket(client, admin, **{"attachments[]": [_file("a.txt"), _file("b.txt")]})
    ticket_id = ticket.get_json()["ticket"]["id"]
    first = ticket.get_json()["ticket"]["attachments"][0]["id"]
    deleted = client.delete(f"/api/v2/tickets/{ticket_id}/attachments/{first}", headers=admin)
    assert deleted.status_code == 204
    viewed = client.get(f"/api/v2/tickets/{ticket_id}", headers=admin).get_json()["ticket"]
    assert [a["name"] for a in viewed["attachments"]] == ["b.txt"]


def test_a_file_outside_the_attachments_parts_is_refused_naming_the_part(
    client: FlaskClient, admin: Headers
) -> None:
    made = _form_ticket(client, admin, screenshot=_file("s.png", kind="image/png"))
    assert made.status_code == 400
    assert [e["field"] for e in made.get_json()["errors"]] == ["screenshot"]


def test_a_tickets_attachments_past_40_mb_in_all_are_refused(
    client: FlaskClient, admin: Headers, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(uploads, "MAX_TICKET_ATTACHMENT_BYTES", 8)  # 40 MB, scaled down
    ticket_id = _form_ticket(
        client, admin, **{"attachments[]": [_file("a.txt", b"12345")]}
    ).get_json()["ticket"]["id"]
    note = client.post(
        f"/api/v2/tickets/{ticket_id}/notes",
        data={"body": "<p>n</p>", "attachments[]": [_file("b.txt", b"6789")]},
        headers=admin,
    )
    assert note.status_code == 400
    assert [e["field"] for e in note.get_json()["errors"]] == ["attachments"]


def test_a_multipart_body_elsewhere_is_refused_as_not_json(
    client: FlaskClient, admin: Headers
) -> None:
    response = client.post(
        "/api/v2/changes", data={"subject": "x"}, headers=admin, content_type=MULTIPART
    )
    assert response.status_code == 415
    assert response.get_json()["code"] == "invalid_content_type"


def test_a_multipart_body_to_a_path_no_view_serves_is_answered_by_routing(
    client: FlaskClient, admin: Headers
) -> None:
    response = client.post(
        "/api/v2/tickets/-2.5e-104/notes", data={"body": "x"}, headers=admin, content_type=MULTIPART
    )
    assert response.status_code == 404
