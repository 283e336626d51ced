"""Every envelope and object has exactly Freshservice's keys, blanks present as null."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from mock_freshservice.api import shapes

# The ticket object of docs/freshservice.md §11, split as the official samples split it: list items
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


# -- Other objects: field lists of docs/freshservice.md §12 to §16, written out, not from shapes --

FACTS_ASSET_FIELDS = {
    "id",
    "display_id",
    "name",
    "description",
    "asset_type_id",
    "impact",
    "author_type",
    "usage_type",
    "asset_tag",
    "user_id",
    "location_id",
    "department_id",
    "agent_id",
    "group_id",
    "assigned_on",
    "created_at",
    "updated_at",
    "workspace_id",
    "created_by_source",
    "last_updated_by_source",
    "created_by_user",
    "last_updated_by_user",
    "sources",
}
FACTS_EMPLOYEE_REQUEST_FIELDS = {
    "id",
    "created_at",
    "updated_at",
    "status",
    "subject",
    "ticket_id",
    "actors",
    "fields",
    "lookup_values",
}
FACTS_EMPLOYEE_REQUEST_LIST_FIELDS = {
    "id",
    "created_at",
    "updated_at",
    "status",
    "subject",
    "fields",
    "requester_id",
}
FACTS_EMPLOYEE_TICKET_FIELDS = {
    "id",
    "created_at",
    "updated_at",
    "subject",
    "responder_email",
    "status",
    "parent",
    "predecessor_ticket_id",
    "successor_ticket_ids",
}
FACTS_FORM_FIELD_FIELDS = {
    "placeholder",
    "label",
    "name",
    "position",
    "required",
    "default",
    "field_type",
}
FACTS_SERVICE_ITEM_FIELDS = {
    "id",
    "display_id",
    "name",
    "category_id",
    "product_id",
    "quantity",
    "deleted",
    "icon_name",
    "group_visibility",
    "agent_group_visibility",
    "item_type",
    "ci_type_id",
    "visibility",
    "cost",
    "cost_visibility",
    "delivery_time",
    "delivery_time_visibility",
    "configs",
    "botified",
    "allow_attachments",
    "allow_quantity",
    "is_bundle",
    "create_child",
    "description",
    "short_description",
    "custom_fields",
    "child_items",
    "icon_url",
    "workspace_id",
    "created_at",
    "updated_at",
}
FACTS_SOLUTION_CATEGORY_FIELDS = {
    "id",
    "name",
    "description",
    "default_category",
    "position",
    "visible_in_portals",
    "workspace_id",
    "created_at",
    "updated_at",
}
FACTS_FOLDER_FIELDS = {
    "id",
    "name",
    "description",
    "category_id",
    "position",
    "visibility",
    "approval_settings",
    "default_folder",
    "manage_by_group_ids",
    "workspace_id",
    "created_at",
    "updated_at",
}
FACTS_ARTICLE_FIELDS = {
    "id",
    "title",
    "description",
    "description_text",
    "status",
    "approval_status",
    "position",
    "folder_id",
    "category_id",
    "thumbs_up",
    "thumbs_down",
    "modified_by",
    "modified_at",
    "inserted_into_tickets",
    "url",
    "article_type",
    "agent_id",
    "views",
    "keywords",
    "review_date",
    "tags",
    "attachments",
    "approvals",
    "cloud_files",
    "workspace_id",
    "created_at",
    "updated_at",
}
# DOCS samples where docs/freshservice.md gives no list.
DOCS_SERVICE_CATEGORY_FIELDS = {
    "description",
    "id",
    "created_at",
    "updated_at",
    "name",
    "position",
    "workspace_id",
}
DOCS_REQUESTED_ITEM_FIELDS = {
    "custom_fields",
    "id",
    "created_at",
    "updated_at",
    "quantity",
    "stage",
    "loaned",
    "cost_per_request",
    "remarks",
    "delivery_time",
    "is_parent",
    "service_item_id",
    "attachments",
}


def test_asset_envelopes(client: FlaskClient, admin: dict[str, str]) -> None:
    listed = client.get("/api/v2/assets", headers=admin).get_json()
    assert set(listed) == {"assets"}
    assert all(set(a) == FACTS_ASSET_FIELDS for a in listed["assets"])
    viewed = client.get("/api/v2/assets/1", headers=admin).get_json()
    assert set(viewed) == {"asset"}
    assert set(viewed["asset"]) == FACTS_ASSET_FIELDS
    with_fields = client.get("/api/v2/assets/1?include=type_fields", headers=admin).get_json()
    assert set(with_fields["asset"]) == FACTS_ASSET_FIELDS | {"type_fields"}


def test_employee_request_envelopes(client: FlaskClient, admin: dict[str, str]) -> None:
    for kind in ("onboarding", "offboarding"):
        listed = client.get(f"/api/v2/{kind}_requests", headers=admin).get_json()
        assert set(listed) == {f"{kind}_requests"}
        assert all(set(r) == FACTS_EMPLOYEE_REQUEST_LIST_FIELDS for r in listed[f"{kind}_requests"])
        viewed = client.get(f"/api/v2/{kind}_requests/1", headers=admin).get_json()
        assert set(viewed) == {f"{kind}_request"}
        assert set(viewed[f"{kind}_request"]) == FACTS_EMPLOYEE_REQUEST_FIELDS
        tickets = client.get(f"/api/v2/{kind}_requests/1/tickets", headers=admin).get_json()
        assert set(tickets) == {f"{kind}_tickets"}
        assert all(
            set(t) == FACTS_EMPLOYEE_TICKET_FIELDS | {f"{kind}_context"}
            for t in tickets[f"{kind}_tickets"]
        )
        form = client.get(f"/api/v2/{kind}_requests/form", headers=admin).get_json()
        assert set(form) == {"fields"}
        for field in form["fields"]:
            assert (
                FACTS_FORM_FIELD_FIELDS
                <= set(field)
                <= FACTS_FORM_FIELD_FIELDS | {"data_source", "choices"}
            )


def test_service_catalog_envelopes(client: FlaskClient, admin: dict[str, str]) -> None:
    categories = client.get("/api/v2/service_catalog/categories", headers=admin).get_json()
    assert set(categories) == {"service_categories"}
    assert all(set(c) == DOCS_SERVICE_CATEGORY_FIELDS for c in categories["service_categories"])
    item = client.get("/api/v2/service_catalog/items/6", headers=admin).get_json()
    assert set(item) == {"service_item"}
    assert set(item["service_item"]) == FACTS_SERVICE_ITEM_FIELDS
    listed = client.get("/api/v2/service_catalog/items", headers=admin).get_json()
    assert all(set(i) < FACTS_SERVICE_ITEM_FIELDS for i in listed["service_items"])
    assert all({"description", "custom_fields"}.isdisjoint(i) for i in listed["service_items"])
    found = client.get(
        "/api/v2/service_catalog/items/search?search_term=zoom", headers=admin
    ).get_json()
    assert set(found) == {"service_items", "meta"}
    assert set(found["meta"]) == {"total_items", "total_pages", "current_page"}
    placed = client.post(
        "/api/v2/service_catalog/items/6/place_request", json={}, headers=admin
    ).get_json()
    assert set(placed) == {"service_request"}
    assert placed["service_request"]["type"] == "Service Request"
    items = client.get(
        f"/api/v2/tickets/{placed['service_request']['id']}/requested_items", headers=admin
    ).get_json()
    assert set(items) == {"requested_items"}
    assert all(set(i) == DOCS_REQUESTED_ITEM_FIELDS for i in items["requested_items"])


def test_solution_envelopes(client: FlaskClient, admin: dict[str, str]) -> None:
    categories = client.get("/api/v2/solutions/categories", headers=admin).get_json()
    assert set(categories) == {"categories"}
    assert all(set(c) == FACTS_SOLUTION_CATEGORY_FIELDS for c in categories["categories"])
    one = client.get(
        f"/api/v2/solutions/categories/{categories['categories'][1]['id']}", headers=admin
    ).get_json()
    assert set(one) == {"category"}
    folders = client.get(
        f"/api/v2/solutions/folders?category_id={one['category']['id']}", headers=admin
    ).get_json()
    assert set(folders) == {"folders"}
    assert all(set(f) == FACTS_FOLDER_FIELDS for f in folders["folders"])
    articles = client.get(
        f"/api/v2/solutions/articles?folder_id={folders['folders'][0]['id']}", headers=admin
    ).get_json()
    assert set(articles) == {"articles"}
    assert all(
        set(a) == FACTS_ARTICLE_FIELDS - {"tags", "attachments", "approvals", "cloud_files"}
        for a in articles["articles"]
    )
    article = client.get(
        f"/api/v2/solutions/articles/{articles['articles'][0]['id']}", headers=admin
    ).get_json()
    assert set(article) == {"article"}
    assert set(article["article"]) == FACTS_ARTICLE_FIELDS
    found = client.get(
        "/api/v2/solutions/articles/search?search_term=vpn", headers=admin
    ).get_json()
    assert set(found) == {"articles", "meta"}


def test_a_department_folder_carries_its_departments(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    categories = client.get("/api/v2/solutions/categories", headers=admin).get_json()["categories"]
    body = {
        "name": "Dept only",
        "category_id": categories[1]["id"],
        "visibility": 4,
        "department_ids": [23000000001],
    }
    folder = client.post("/api/v2/solutions/folders", json=body, headers=admin).get_json()["folder"]
    assert set(folder) == FACTS_FOLDER_FIELDS | {"department_ids"}
