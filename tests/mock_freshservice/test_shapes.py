"""Every envelope and object has exactly Freshservice's keys, blanks present as null."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from mock_freshservice.api import shapes

# The facts file's ticket object (§1.12), split as the official samples split it: list items
# lack the view-only fields; views lack tags (an include); writes carry tags.
FACTS_TICKET_FIELDS = {
    "id",
    "workspace_id",
    "subject",
    "description",
    "description_text",
    "type",
    "status",
    "priority",
    "urgency",
    "impact",
    "source",
    "requester_id",
    "requested_for_id",
    "responder_id",
    "group_id",
    "department_id",
    "email_config_id",
    "sla_policy_id",
    "category",
    "sub_category",
    "item_category",
    "due_by",
    "fr_due_by",
    "is_escalated",
    "fr_escalated",
    "spam",
    "deleted",
    "cc_emails",
    "fwd_emails",
    "reply_cc_emails",
    "to_emails",
    "tags",
    "attachments",
    "custom_fields",
    "created_at",
    "updated_at",
    "resolution_notes",
    "resolution_notes_html",
    "created_within_business_hours",
    "approval_status",
    "approval_status_name",
}
VIEW_ONLY = {
    "sla_policy_id",
    "urgency",
    "impact",
    "resolution_notes",
    "resolution_notes_html",
    "attachments",
    "created_within_business_hours",
    "approval_status",
    "approval_status_name",
}
FACTS_AGENT_FIELDS = {
    "id",
    "first_name",
    "last_name",
    "occasional",
    "active",
    "job_title",
    "email",
    "work_phone_number",
    "mobile_phone_number",
    "department_ids",
    "can_see_all_tickets_from_associated_departments",
    "reporting_manager_id",
    "address",
    "time_zone",
    "time_format",
    "language",
    "location_id",
    "background_information",
    "scoreboard_level_id",
    "member_of",
    "observer_of",
    "member_of_pending_approval",
    "observer_of_pending_approval",
    "roles",
    "last_login_at",
    "last_active_at",
    "custom_fields",
    "has_logged_in",
    "created_at",
    "updated_at",
    "workspace_ids",
    "api_key_enabled",
    "signature",
    "external_id",
}
FACTS_REQUESTER_FIELDS = {
    "id",
    "is_agent",
    "first_name",
    "last_name",
    "job_title",
    "primary_email",
    "secondary_emails",
    "work_phone_number",
    "mobile_phone_number",
    "department_ids",
    "can_see_all_tickets_from_associated_departments",
    "reporting_manager_id",
    "address",
    "time_zone",
    "time_format",
    "language",
    "location_id",
    "background_information",
    "custom_fields",
    "active",
    "has_logged_in",
    "created_at",
    "updated_at",
    "external_id",
}
FACTS_WORKSPACE_FIELDS = {
    "id",
    "name",
    "description",
    "type",
    "primary",
    "restricted",
    "state",
    "template_name",
    "created_at",
    "updated_at",
}
FACTS_NOTE_FIELDS = {
    "id",
    "incoming",
    "private",
    "user_id",
    "support_email",
    "body",
    "body_text",
    "ticket_id",
    "to_emails",
    "attachments",
    "created_at",
    "updated_at",
}
DOCS_CONVERSATION_LIST_FIELDS = FACTS_NOTE_FIELDS | {
    "source",
    "from_email",
    "cc_emails",
    "bcc_emails",
}
NEW_TICKET = {
    "subject": "s",
    "description": "d",
    "email": "john@acme.com",
    "status": 2,
    "priority": 1,
}


def test_ticket_list_envelope_and_items(client: FlaskClient, admin: dict[str, str]) -> None:
    body = client.get("/api/v2/tickets", headers=admin).get_json()
    assert set(body) == {"tickets"}
    for ticket in body["tickets"]:
        assert set(ticket) == FACTS_TICKET_FIELDS - VIEW_ONLY - {"tags"}


def test_ticket_view_envelope(client: FlaskClient, admin: dict[str, str]) -> None:
    body = client.get("/api/v2/tickets/10234", headers=admin).get_json()
    assert set(body) == {"ticket"}
    assert set(body["ticket"]) == FACTS_TICKET_FIELDS - {"tags"}


def test_ticket_create_envelope(client: FlaskClient, admin: dict[str, str]) -> None:
    body = client.post("/api/v2/tickets", json=NEW_TICKET, headers=admin).get_json()
    assert set(body) == {"ticket"}
    assert set(body["ticket"]) == FACTS_TICKET_FIELDS


def test_ticket_update_envelope(client: FlaskClient, admin: dict[str, str]) -> None:
    body = client.put("/api/v2/tickets/10234", json={"priority": 1}, headers=admin).get_json()
    assert set(body) == {"ticket"}
    assert set(body["ticket"]) == FACTS_TICKET_FIELDS


def test_blank_ticket_fields_are_null_not_missing(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    ticket = client.post("/api/v2/tickets", json=NEW_TICKET, headers=admin).get_json()["ticket"]
    assert ticket["group_id"] is None
    assert ticket["responder_id"] is None
    assert ticket["category"] is None
    assert ticket["resolution_notes"] is None


def test_note_envelope(client: FlaskClient, admin: dict[str, str]) -> None:
    body = client.post("/api/v2/tickets/1023/notes", json={"body": "x"}, headers=admin).get_json()
    assert set(body) == {"conversation"}
    assert set(body["conversation"]) == FACTS_NOTE_FIELDS


def test_conversations_envelope(client: FlaskClient, admin: dict[str, str]) -> None:
    client.post("/api/v2/tickets/1023/notes", json={"body": "x"}, headers=admin)
    body = client.get("/api/v2/tickets/1023/conversations", headers=admin).get_json()
    assert set(body) == {"conversations"}
    for conversation in body["conversations"]:
        assert set(conversation) == DOCS_CONVERSATION_LIST_FIELDS


def test_agent_list_and_view_envelopes(client: FlaskClient, admin: dict[str, str]) -> None:
    listed = client.get("/api/v2/agents", headers=admin).get_json()
    assert set(listed) == {"agents"}
    for agent in listed["agents"]:
        assert set(agent) == FACTS_AGENT_FIELDS
    viewed = client.get(f"/api/v2/agents/{listed['agents'][0]['id']}", headers=admin).get_json()
    assert set(viewed) == {"agent"}
    assert set(viewed["agent"]) == FACTS_AGENT_FIELDS


def test_agents_me_envelope(client: FlaskClient, admin: dict[str, str]) -> None:
    body = client.get("/api/v2/agents/me", headers=admin).get_json()
    assert set(body) == {"agent"}
    assert set(body["agent"]) == FACTS_AGENT_FIELDS


def test_requester_list_and_view_envelopes(client: FlaskClient, admin: dict[str, str]) -> None:
    listed = client.get(
        "/api/v2/requesters?include_agents=true&per_page=100", headers=admin
    ).get_json()
    assert set(listed) == {"requesters"}
    for requester in listed["requesters"]:
        assert set(requester) == FACTS_REQUESTER_FIELDS
    viewed = client.get(
        f"/api/v2/requesters/{listed['requesters'][0]['id']}", headers=admin
    ).get_json()
    assert set(viewed) == {"requester"}
    assert set(viewed["requester"]) == FACTS_REQUESTER_FIELDS


def test_workspace_list_and_view_envelopes(client: FlaskClient, admin: dict[str, str]) -> None:
    listed = client.get("/api/v2/workspaces", headers=admin).get_json()
    assert set(listed) == {"workspaces"}
    for workspace in listed["workspaces"]:
        assert set(workspace) == FACTS_WORKSPACE_FIELDS
    viewed = client.get("/api/v2/workspaces/2", headers=admin).get_json()
    assert set(viewed) == {"workspace"}
    assert set(viewed["workspace"]) == FACTS_WORKSPACE_FIELDS


def test_timestamps_are_utc_with_a_z(client: FlaskClient, admin: dict[str, str]) -> None:
    ticket = client.get("/api/v2/tickets/10234", headers=admin).get_json()["ticket"]
    for field in ("created_at", "updated_at", "due_by", "fr_due_by"):
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", ticket[field])


def test_the_key_lists_have_no_duplicates() -> None:
    for keys in (
        shapes.TICKET_LIST_KEYS,
        shapes.TICKET_VIEW_KEYS,
        shapes.TICKET_WRITE_KEYS,
        shapes.AGENT_KEYS,
        shapes.REQUESTER_KEYS,
        shapes.NOTE_KEYS,
        shapes.CONVERSATION_LIST_KEYS,
        shapes.WORKSPACE_KEYS,
    ):
        assert len(keys) == len(set(keys))
