"""The ticket form (`/ticket_form_fields`) and ticket sources: built-in, the dataset's, and those
created through `POST /ticket_fields/sources`."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from mock_freshservice import FakeSettings, create_app
from tests.conftest import NOW, basic
from tests.mock_freshservice.test_dataset import default_dataset_with

PRIYA = 21000000001
NEW_TICKET = {
    "subject": "Kiosk is down",
    "description": "<div>The lobby kiosk shows a blank screen.</div>",
    "email": "john@acme.com",
    "status": 2,
    "priority": 2,
}
DOCUMENTED_SOURCES = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 18}


def fields_of(client: FlaskClient, headers: dict[str, str]) -> dict[str, Any]:
    response = client.get("/api/v2/ticket_form_fields", headers=headers)
    assert response.status_code == 200, response.get_json()
    assert list(response.get_json()) == ["ticket_fields"]
    return {f["name"]: f for f in response.get_json()["ticket_fields"]}


def test_the_form_lists_the_default_fields_in_order_then_the_custom_ones(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    fields = fields_of(client, admin)
    assert list(fields) == [
        "workspace_id",
        "requester",
        "subject",
        "source",
        "ticket_type",
        "status",
        "urgency",
        "impact",
        "priority",
        "group",
        "agent",
        "department",
        "description",
        "category",
        "business_impact",
        "vip_request",
    ]
    assert [f["position"] for f in fields.values()] == list(range(len(fields)))


def test_a_field_has_the_samples_keys(client: FlaskClient, admin: dict[str, str]) -> None:
    subject = fields_of(client, admin)["subject"]
    assert list(subject) == [
        "id",
        "label",
        "description",
        "field_type",
        "created_at",
        "updated_at",
        "position",
        "required_for_closure",
        "name",
        "default_field",
        "required_for_agents",
        "customers_can_edit",
        "label_for_customers",
        "required_for_customers",
        "displayed_to_customers",
        "belongs_to_section",
        "choices",
        "nested_fields",
        "sections",
        "workspace_id",
    ]
    assert (subject["field_type"], subject["label"], subject["default_field"]) == (
        "default_subject",
        "Subject",
        True,
    )


def test_requester_subject_status_priority_and_description_are_required_for_agents(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    fields = fields_of(client, admin)
    required = {name for name, f in fields.items() if f["required_for_agents"]}
    assert required == {"workspace_id", "requester", "subject", "status", "priority", "description"}


def test_status_choices_carry_what_requesters_see(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    assert fields_of(client, admin)["status"]["choices"] == [
        {"id": 2, "value": "Open", "requester_display_value": "Being Processed"},
        {"id": 3, "value": "Pending", "requester_display_value": "Awaiting your Reply"},
        {"id": 4, "value": "Resolved", "requester_display_value": "This ticket has been Resolved"},
        {"id": 5, "value": "Closed", "requester_display_value": "This ticket has been Closed"},
    ]


def test_priority_choices_are_the_codes_with_their_names(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    assert fields_of(client, admin)["priority"]["choices"] == [
        {"id": 1, "value": "Low"},
        {"id": 2, "value": "Medium"},
        {"id": 3, "value": "High"},
        {"id": 4, "value": "Urgent"},
    ]


def test_the_source_choices_are_every_documented_source(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    choices = fields_of(client, admin)["source"]["choices"]
    assert {c["id"] for c in choices} == DOCUMENTED_SOURCES
    assert {"id": 10, "value": "Slack"} in choices


def test_group_agent_and_department_choices_are_the_accounts_records(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    fields = fields_of(client, admin)
    groups = client.get("/api/v2/tickets/1023", headers=admin).get_json()["ticket"]["group_id"]
    assert groups in {c["id"] for c in fields["group"]["choices"]}
    assert {"id": PRIYA, "value": "Priya Raman (Me)"} in fields["agent"]["choices"]
    assert len(fields["department"]["choices"]) == 8


def test_the_category_tree_nests_sub_categories_and_items(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    category = fields_of(client, admin)["category"]
    hardware = next(c for c in category["choices"] if c["value"] == "Hardware")
    computer = next(c for c in hardware["nested_options"] if c["value"] == "Computer")
    assert [i["value"] for i in computer["nested_options"]] == ["Laptop", "Desktop"]
    assert "nested_options" not in computer["nested_options"][0]
    assert [(n["name"], n["level"], n["field_id"]) for n in category["nested_fields"]] == [
        ("sub_category", 2, category["id"]),
        ("item_category", 3, category["id"]),
    ]


def test_the_custom_fields_are_the_datasets_with_their_choices(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    fields = fields_of(client, admin)
    impact, vip = fields["business_impact"], fields["vip_request"]
    assert (impact["field_type"], impact["default_field"]) == ("custom_dropdown", False)
    assert [(c["display_id"], c["value"]) for c in impact["choices"]] == [
        (1, "Low"),
        (2, "Medium"),
        (3, "High"),
    ]
    assert (vip["field_type"], vip["choices"]) == ("custom_checkbox", [])


def test_a_requester_may_not_read_the_form(client: FlaskClient, requester: dict[str, str]) -> None:
    assert client.get("/api/v2/ticket_form_fields", headers=requester).status_code == 403


def test_an_unknown_workspace_is_refused(client: FlaskClient, admin: dict[str, str]) -> None:
    response = client.get("/api/v2/ticket_form_fields?workspace_id=99", headers=admin)
    assert response.status_code == 400


# -- sources ------------------------------------------------------------------------------------


def test_creating_a_source_answers_the_documented_source(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    response = client.post("/api/v2/ticket_fields/sources", json={"name": "Kiosk"}, headers=admin)
    assert response.status_code == 201
    assert response.get_json() == {
        "source": {
            "id": 1,
            "created_at": "2026-11-02T12:00:00Z",
            "updated_at": "2026-11-02T12:00:00Z",
            "choice_id": 1001,
            "value": "Kiosk",
            "position": 17,
            "visible": True,
            "default": False,
        }
    }


def test_a_ticket_takes_a_created_source_and_the_form_lists_it(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    client.post("/api/v2/ticket_fields/sources", json={"name": "Kiosk"}, headers=admin)
    created = client.post("/api/v2/tickets", json={**NEW_TICKET, "source": 1001}, headers=admin)
    assert (created.status_code, created.get_json()["ticket"]["source"]) == (201, 1001)
    assert {"id": 1001, "value": "Kiosk"} in fields_of(client, admin)["source"]["choices"]


def test_a_source_the_account_does_not_have_is_refused_naming_those_it_has(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    response = client.post("/api/v2/tickets", json={**NEW_TICKET, "source": 1001}, headers=admin)
    assert response.status_code == 400
    assert response.get_json()["errors"] == [
        {
            "field": "source",
            "message": "It should be one of these values: '1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,18'",
            "code": "invalid_value",
        }
    ]


@pytest.mark.parametrize("name", ["Kiosk", " kiosk ", "Slack", "Walk-up"])
def test_a_source_name_already_taken_is_409(
    client: FlaskClient, admin: dict[str, str], name: str
) -> None:
    client.post("/api/v2/ticket_fields/sources", json={"name": "Kiosk"}, headers=admin)
    response = client.post("/api/v2/ticket_fields/sources", json={"name": name}, headers=admin)
    assert response.status_code == 409
    assert response.get_json() == {"code": "duplicate_value", "message": "Record already exists."}


def test_a_source_needs_a_name(client: FlaskClient, admin: dict[str, str]) -> None:
    response = client.post("/api/v2/ticket_fields/sources", json={}, headers=admin)
    assert response.status_code == 400
    assert response.get_json()["errors"][0]["field"] == "name"


def test_only_admins_create_sources(client: FlaskClient) -> None:
    response = client.post(
        "/api/v2/ticket_fields/sources",
        json={"name": "Kiosk"},
        headers=basic("demo-acme-agent-key"),
    )
    assert response.status_code == 403


def test_the_datasets_own_sources_are_tickets_sources_from_1001() -> None:
    def with_sources(raw: dict[str, Any]) -> None:
        raw["accounts"][0]["ticket_sources"] = ["Kiosk", "Teams bot"]

    client = create_app(FakeSettings(now=NOW), default_dataset_with(with_sources)).test_client()
    admin = basic("demo-acme-admin-key")
    choices = fields_of(client, admin)["source"]["choices"]
    assert choices[-2:] == [{"id": 1001, "value": "Kiosk"}, {"id": 1002, "value": "Teams bot"}]
    created = client.post("/api/v2/tickets", json={**NEW_TICKET, "source": 1002}, headers=admin)
    assert created.status_code == 201


@pytest.mark.parametrize(
    "sources", [["Kiosk", "kiosk "], ["Email"], [""]], ids=["twice", "built-in", "blank"]
)
def test_a_dataset_source_must_be_named_once_and_not_as_a_built_in_one(
    sources: list[str],
) -> None:
    def with_sources(raw: dict[str, Any]) -> None:
        raw["accounts"][0]["ticket_sources"] = sources

    with pytest.raises(ValueError, match="ticket_sources"):
        default_dataset_with(with_sources)
