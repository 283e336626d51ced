"""Employee onboarding and offboarding: forms, requests with lookups, and their tickets."""

from __future__ import annotations

from flask.testing import FlaskClient

from mock_freshservice.api.shapes import EMPLOYEE_REQUEST_KEYS, EMPLOYEE_REQUEST_LIST_KEYS

PRIYA = 21000000001
NEW_HIRE = {
    "cf_employee_name": "Nina Novak",
    "cf_date_of_joining": "2026-12-01",
    "cf_department": "Engineering",
    "cf_reporting_manager": "priya.raman@acme.com",
    "msf_software_needed": ["Zoom", "Slack"],
}


def test_the_onboarding_form_lists_its_fields(client: FlaskClient, admin: dict[str, str]) -> None:
    fields = client.get("/api/v2/onboarding_requests/form", headers=admin).get_json()["fields"]
    by_name = {f["name"]: f for f in fields}
    assert by_name["cf_employee_name"]["required"] is True
    assert by_name["cf_department"]["data_source"] == 6
    assert by_name["msf_software_needed"]["choices"] == [
        "Slack",
        "Zoom",
        "Microsoft 365",
        "Jira",
        "Salesforce",
    ]


def test_the_offboarding_form_needs_a_reporting_manager(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    fields = client.get("/api/v2/offboarding_requests/form", headers=admin).get_json()["fields"]
    assert fields[0] | {} == {
        "placeholder": None,
        "label": "Reporting Manager",
        "name": "actor_2",
        "position": 1,
        "required": True,
        "default": True,
        "field_type": "custom_lookup_bigint",
        "data_source": 5,
    }


def test_requests_are_listed_with_their_fields(client: FlaskClient, admin: dict[str, str]) -> None:
    requests = client.get("/api/v2/onboarding_requests", headers=admin).get_json()[
        "onboarding_requests"
    ]
    assert len(requests) == 4
    assert all(tuple(r) == EMPLOYEE_REQUEST_LIST_KEYS for r in requests)


def test_creating_an_onboarding_request_resolves_lookups_and_dates(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    response = client.post("/api/v2/onboarding_requests", json={"fields": NEW_HIRE}, headers=admin)
    assert response.status_code == 201
    created = response.get_json()["onboarding_request"]
    assert tuple(created) == EMPLOYEE_REQUEST_KEYS
    assert created["subject"] == "Employee Onboarding Request for Nina Novak"
    assert created["fields"]["cf_date_of_joining"] == "01-12-2026"
    assert created["fields"]["cf_reporting_manager"] == PRIYA
    assert created["lookup_values"]["cf_department"]["name"] == "Engineering"
    assert created["ticket_id"] is None


def test_a_created_request_has_a_parent_ticket_and_task_tickets(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    created = client.post(
        "/api/v2/onboarding_requests", json={"fields": NEW_HIRE}, headers=admin
    ).get_json()
    request_id = created["onboarding_request"]["id"]
    viewed = client.get(f"/api/v2/onboarding_requests/{request_id}", headers=admin).get_json()[
        "onboarding_request"
    ]
    tickets = client.get(
        f"/api/v2/onboarding_requests/{request_id}/tickets", headers=admin
    ).get_json()["onboarding_tickets"]
    assert tickets[0]["id"] == viewed["ticket_id"]
    assert [t["parent"] for t in tickets] == [True, False, False, False]
    assert tickets[1]["predecessor_ticket_id"] == tickets[0]["id"]
    assert tickets[0]["successor_ticket_ids"] == [tickets[1]["id"]]
    assert tickets[1]["onboarding_context"]["fields"]["cf_employee_name"] == "Nina Novak"


def test_a_missing_required_field_is_refused_naming_it(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    fields = {k: v for k, v in NEW_HIRE.items() if k != "cf_date_of_joining"}
    errors = client.post(
        "/api/v2/onboarding_requests", json={"fields": fields}, headers=admin
    ).get_json()["errors"]
    assert errors == [
        {
            "field": "cf_date_of_joining",
            "message": "It should be a/an String",
            "code": "missing_field",
        }
    ]


def test_an_unknown_field_is_refused_naming_it(client: FlaskClient, admin: dict[str, str]) -> None:
    errors = client.post(
        "/api/v2/onboarding_requests",
        json={"fields": NEW_HIRE | {"cf_shoe_size": 9}},
        headers=admin,
    ).get_json()["errors"]
    assert errors == [
        {
            "field": "cf_shoe_size",
            "message": "Unexpected/invalid field in request",
            "code": "invalid_field",
        }
    ]


def test_a_lookup_that_names_nobody_is_invalid(client: FlaskClient, admin: dict[str, str]) -> None:
    fields = NEW_HIRE | {"cf_reporting_manager": "nobody@acme.com"}
    errors = client.post(
        "/api/v2/onboarding_requests", json={"fields": fields}, headers=admin
    ).get_json()["errors"]
    assert errors[0]["field"] == "cf_reporting_manager"


def test_a_date_in_another_format_is_invalid(client: FlaskClient, admin: dict[str, str]) -> None:
    fields = NEW_HIRE | {"cf_date_of_joining": "01-12-2026"}
    errors = client.post(
        "/api/v2/onboarding_requests", json={"fields": fields}, headers=admin
    ).get_json()["errors"]
    assert errors[0]["message"] == "It should be a valid date in the 'yyyy-mm-dd' format"


def test_only_admins_raise_requests_for_someone_else(
    client: FlaskClient, agent: dict[str, str]
) -> None:
    body = {"fields": NEW_HIRE, "initiator_id": PRIYA}
    assert client.post("/api/v2/onboarding_requests", json=body, headers=agent).status_code == 403


def test_an_offboarding_request_records_its_reporting_manager(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    fields = {
        "actor_2": "priya.raman@acme.com",
        "cf_employee_email": "john@acme.com",
        "cf_last_working_date": "2026-12-15",
    }
    created = client.post(
        "/api/v2/offboarding_requests", json={"fields": fields}, headers=admin
    ).get_json()["offboarding_request"]
    assert created["fields"]["actor_2"] == PRIYA
    assert created["actors"]["Reporting Manager"]["email"] == "priya.raman@acme.com"
    assert created["lookup_values"]["cf_employee_email"]["email"] == "john@acme.com"
    assert created["subject"] == "Employee Offboarding Request for John Carter"


def test_offboarding_tickets_carry_the_offboarding_context(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    tickets = client.get("/api/v2/offboarding_requests/1/tickets", headers=admin).get_json()[
        "offboarding_tickets"
    ]
    assert len(tickets) == 3
    assert all("offboarding_context" in t for t in tickets)


def test_an_unknown_request_is_404(client: FlaskClient, admin: dict[str, str]) -> None:
    assert client.get("/api/v2/onboarding_requests/999", headers=admin).status_code == 404
