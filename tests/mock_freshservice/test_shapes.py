"""Every envelope and object has exactly Freshservice's keys, blanks present as null.

The expected keys come from the fake's own OpenAPI document, which is written from
docs/freshservice.md and the official samples rather than from the code: each object's `required`
list is what Freshservice always returns, and its `properties` what it may return besides."""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

import yaml
from flask.testing import FlaskClient

from mock_freshservice.api import shapes

SPEC = Path(__file__).resolve().parents[2] / "mock_freshservice" / "openapi.yaml"

# The only extras a form field may carry. Narrower than the FormField schema, which also allows
# nested_fields and nested_field_choices: no form the fake serves has a nested field.
FORM_FIELD_EXTRAS = {"data_source", "choices"}


@functools.cache
def _document() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(SPEC.read_text())
    return document


def _resolve(node: dict[str, Any]) -> dict[str, Any]:
    """`node` with its `$ref` followed and its `allOf` parts merged into one object schema."""
    while "$ref" in node:
        found: Any = _document()
        for part in node["$ref"].removeprefix("#/").split("/"):
            found = found[part]
        node = found
    if "allOf" not in node:
        return node
    merged = {key: value for key, value in node.items() if key != "allOf"}
    required = list(merged.get("required", []))
    properties = dict(merged.get("properties", {}))
    for part in map(_resolve, node["allOf"]):
        required += [name for name in part.get("required", []) if name not in required]
        properties.update(part.get("properties", {}))
    return {**merged, "required": required, "properties": properties}


def _schema(name: str) -> dict[str, Any]:
    return _resolve({"$ref": f"#/components/schemas/{name}"})


def allowed(name: str) -> set[str]:
    """Every field the schema lets the object carry."""
    return set(_schema(name)["properties"])


def required(name: str) -> set[str]:
    """The fields the schema says the object always carries (a subset of what it allows)."""
    fields = _schema(name)["required"]
    assert len(fields) == len(set(fields)), name
    assert set(fields) <= allowed(name), name
    return set(fields)


def with_extras(name: str, *extras: str) -> set[str]:
    """The required fields plus `extras`, which the schema must allow."""
    assert set(extras) <= allowed(name), (name, extras)
    return required(name) | set(extras)


def nullable(name: str, field: str) -> bool:
    kind = _resolve(_schema(name)["properties"][field]).get("type")
    return kind == "null" or (isinstance(kind, list) and "null" in kind)


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
        assert set(ticket) == required("TicketListItem")


def test_ticket_view_envelope(client: FlaskClient, admin: dict[str, str]) -> None:
    body = client.get("/api/v2/tickets/10234", headers=admin).get_json()
    assert set(body) == {"ticket"}
    assert set(body["ticket"]) == required("TicketViewed")


def test_ticket_create_envelope(client: FlaskClient, admin: dict[str, str]) -> None:
    body = client.post("/api/v2/tickets", json=NEW_TICKET, headers=admin).get_json()
    assert set(body) == {"ticket"}
    assert set(body["ticket"]) == required("TicketWritten")


def test_ticket_update_envelope(client: FlaskClient, admin: dict[str, str]) -> None:
    body = client.put("/api/v2/tickets/10234", json={"priority": 1}, headers=admin).get_json()
    assert set(body) == {"ticket"}
    assert set(body["ticket"]) == required("TicketWritten")


def test_blank_ticket_fields_are_null_not_missing(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    ticket = client.post("/api/v2/tickets", json=NEW_TICKET, headers=admin).get_json()["ticket"]
    for field in ("group_id", "responder_id", "category", "resolution_notes"):
        assert ticket[field] is None
        assert nullable("TicketWritten", field)


def test_note_envelope(client: FlaskClient, admin: dict[str, str]) -> None:
    body = client.post("/api/v2/tickets/1023/notes", json={"body": "x"}, headers=admin).get_json()
    assert set(body) == {"conversation"}
    assert set(body["conversation"]) == required("Note")


def test_conversations_envelope(client: FlaskClient, admin: dict[str, str]) -> None:
    client.post("/api/v2/tickets/1023/notes", json={"body": "x"}, headers=admin)
    body = client.get("/api/v2/tickets/1023/conversations", headers=admin).get_json()
    assert set(body) == {"conversations"}
    for conversation in body["conversations"]:
        assert set(conversation) == required("Conversation")


def test_agent_list_and_view_envelopes(client: FlaskClient, admin: dict[str, str]) -> None:
    listed = client.get("/api/v2/agents", headers=admin).get_json()
    assert set(listed) == {"agents"}
    for agent in listed["agents"]:
        assert set(agent) == required("Agent")
    viewed = client.get(f"/api/v2/agents/{listed['agents'][0]['id']}", headers=admin).get_json()
    assert set(viewed) == {"agent"}
    assert set(viewed["agent"]) == required("Agent")


def test_agents_me_envelope(client: FlaskClient, admin: dict[str, str]) -> None:
    body = client.get("/api/v2/agents/me", headers=admin).get_json()
    assert set(body) == {"agent"}
    assert set(body["agent"]) == required("Agent")


def test_requester_list_and_view_envelopes(client: FlaskClient, admin: dict[str, str]) -> None:
    listed = client.get(
        "/api/v2/requesters?include_agents=true&per_page=100", headers=admin
    ).get_json()
    assert set(listed) == {"requesters"}
    for requester in listed["requesters"]:
        assert set(requester) == required("Requester")
    viewed = client.get(
        f"/api/v2/requesters/{listed['requesters'][0]['id']}", headers=admin
    ).get_json()
    assert set(viewed) == {"requester"}
    assert set(viewed["requester"]) == required("Requester")


def test_workspace_list_and_view_envelopes(client: FlaskClient, admin: dict[str, str]) -> None:
    listed = client.get("/api/v2/workspaces", headers=admin).get_json()
    assert set(listed) == {"workspaces"}
    for workspace in listed["workspaces"]:
        assert set(workspace) == required("Workspace")
    viewed = client.get("/api/v2/workspaces/2", headers=admin).get_json()
    assert set(viewed) == {"workspace"}
    assert set(viewed["workspace"]) == required("Workspace")


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


def test_asset_envelopes(client: FlaskClient, admin: dict[str, str]) -> None:
    listed = client.get("/api/v2/assets", headers=admin).get_json()
    assert set(listed) == {"assets"}
    assert all(set(a) == required("Asset") for a in listed["assets"])
    viewed = client.get("/api/v2/assets/1", headers=admin).get_json()
    assert set(viewed) == {"asset"}
    assert set(viewed["asset"]) == required("Asset")
    with_fields = client.get("/api/v2/assets/1?include=type_fields", headers=admin).get_json()
    assert set(with_fields["asset"]) == with_extras("Asset", "type_fields")


def test_employee_request_envelopes(client: FlaskClient, admin: dict[str, str]) -> None:
    for kind in ("onboarding", "offboarding"):
        listed = client.get(f"/api/v2/{kind}_requests", headers=admin).get_json()
        assert set(listed) == {f"{kind}_requests"}
        assert all(
            set(r) == required("EmployeeRequestListItem") for r in listed[f"{kind}_requests"]
        )
        viewed = client.get(f"/api/v2/{kind}_requests/1", headers=admin).get_json()
        assert set(viewed) == {f"{kind}_request"}
        assert set(viewed[f"{kind}_request"]) == required("EmployeeRequest")
        tickets = client.get(f"/api/v2/{kind}_requests/1/tickets", headers=admin).get_json()
        assert set(tickets) == {f"{kind}_tickets"}
        ticket_fields = required(f"{kind.capitalize()}Ticket")
        assert f"{kind}_context" in ticket_fields
        assert all(set(t) == ticket_fields for t in tickets[f"{kind}_tickets"])
        form = client.get(f"/api/v2/{kind}_requests/form", headers=admin).get_json()
        assert set(form) == {"fields"}
        for field in form["fields"]:
            assert (
                required("FormField") <= set(field) <= with_extras("FormField", *FORM_FIELD_EXTRAS)
            )


def test_service_catalog_envelopes(client: FlaskClient, admin: dict[str, str]) -> None:
    categories = client.get("/api/v2/service_catalog/categories", headers=admin).get_json()
    assert set(categories) == {"service_categories"}
    assert all(set(c) == required("ServiceCategory") for c in categories["service_categories"])
    item = client.get("/api/v2/service_catalog/items/6", headers=admin).get_json()
    assert set(item) == {"service_item"}
    assert set(item["service_item"]) == required("ServiceItem")
    listed = client.get("/api/v2/service_catalog/items", headers=admin).get_json()
    assert all(set(i) == required("ServiceItemListItem") for i in listed["service_items"])
    assert all(set(i) < required("ServiceItem") for i in listed["service_items"])
    assert all({"description", "custom_fields"}.isdisjoint(i) for i in listed["service_items"])
    found = client.get(
        "/api/v2/service_catalog/items/search?search_term=zoom", headers=admin
    ).get_json()
    assert set(found) == {"service_items", "meta"}
    assert set(found["meta"]) == required("SearchMeta")
    placed = client.post(
        "/api/v2/service_catalog/items/6/place_request", json={}, headers=admin
    ).get_json()
    assert set(placed) == {"service_request"}
    assert placed["service_request"]["type"] == "Service Request"
    items = client.get(
        f"/api/v2/tickets/{placed['service_request']['id']}/requested_items", headers=admin
    ).get_json()
    assert set(items) == {"requested_items"}
    assert all(set(i) == required("RequestedItem") for i in items["requested_items"])


def test_solution_envelopes(client: FlaskClient, admin: dict[str, str]) -> None:
    categories = client.get("/api/v2/solutions/categories", headers=admin).get_json()
    assert set(categories) == {"categories"}
    assert all(set(c) == required("SolutionCategory") for c in categories["categories"])
    one = client.get(
        f"/api/v2/solutions/categories/{categories['categories'][1]['id']}", headers=admin
    ).get_json()
    assert set(one) == {"category"}
    folders = client.get(
        f"/api/v2/solutions/folders?category_id={one['category']['id']}", headers=admin
    ).get_json()
    assert set(folders) == {"folders"}
    assert all(set(f) == required("SolutionFolder") for f in folders["folders"])
    articles = client.get(
        f"/api/v2/solutions/articles?folder_id={folders['folders'][0]['id']}", headers=admin
    ).get_json()
    assert set(articles) == {"articles"}
    assert all(set(a) == required("ArticleListItem") for a in articles["articles"])
    article = client.get(
        f"/api/v2/solutions/articles/{articles['articles'][0]['id']}", headers=admin
    ).get_json()
    assert set(article) == {"article"}
    assert set(article["article"]) == required("Article")
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
    assert set(folder) == with_extras("SolutionFolder", "department_ids")
