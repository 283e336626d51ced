"""The employee onboarding and offboarding tools against a real fake. The create tools check
`fields` against the form first: a refused call reads the form and posts nothing."""

from __future__ import annotations

import uuid
from typing import Any

import jsonschema
import pytest

from tests.processes import Fake
from tests.server.conftest import (
    ADMIN_KEY,
    PRIYA,
    error_text,
    in_memory,
    requests_of,
    schema_of,
    settings_for,
    structured,
)

pytestmark = pytest.mark.anyio

JOHN = "john@acme.com"  # the Acme requester John Carter


def posts(fake: Fake) -> list[str]:
    return [r for r in requests_of(fake.journal()) if r.startswith("POST ")]


def new_hire() -> dict[str, Any]:
    return {
        "cf_employee_name": f"Test Hire {uuid.uuid4().hex[:8]}",
        "cf_date_of_joining": "2026-12-01",
    }


def leaver() -> dict[str, Any]:
    return {
        "actor_2": "priya.raman@acme.com",
        "cf_employee_email": JOHN,
        "cf_last_working_date": "2026-12-18",
    }


# -- Onboarding ---------------------------------------------------------------------------------


async def test_fetchonboardingrequestform_lists_each_field_and_what_it_accepts(
    fake: Fake,
) -> None:
    async with in_memory(settings_for(fake)) as client:
        schema = await schema_of(client, "fetchOnboardingRequestForm")
        form = structured(await client.call_tool("fetchOnboardingRequestForm", {}))
    jsonschema.validate(form, schema)
    fields = {f["name"]: f for f in form["fields"]}
    assert fields["cf_employee_name"]["required"] is True
    assert fields["cf_date_of_joining"]["accepts"] == "a date as YYYY-MM-DD"
    assert fields["cf_department"]["accepts"] == "a department's id or name"
    assert "Contractor" in fields["cf_employment_type"]["choices"]
    assert fields["cf_employment_type"]["accepts"] == "one of its choices"


async def test_fetchonboardingrequestform_leaves_out_keys_that_carry_nothing(fake: Fake) -> None:
    async with in_memory(settings_for(fake)) as client:
        form = structured(await client.call_tool("fetchOnboardingRequestForm", {}))
    essentials = {"name", "label", "field_type", "required", "accepts"}
    for field in form["fields"]:
        assert essentials <= set(field) <= essentials | {"choices", "depends_on"}
        assert None not in field.values()
    assert "choices" not in next(f for f in form["fields"] if f["name"] == "cf_job_title")


async def test_fetchonboardingrequestform_lists_the_required_fields_first(fake: Fake) -> None:
    async with in_memory(settings_for(fake)) as client:
        form = structured(await client.call_tool("fetchOnboardingRequestForm", {}))
    required = [f["required"] for f in form["fields"]]
    assert required == sorted(required, reverse=True) and required[0] is True
    assert len(form["fields"]) == 10


async def test_fetchonboardingrequestform_fits_the_whole_form_in_2000_bytes(fake: Fake) -> None:
    async with in_memory(settings_for(fake, max_result_bytes=2000)) as client:
        schema = await schema_of(client, "fetchOnboardingRequestForm")
        form = structured(await client.call_tool("fetchOnboardingRequestForm", {}))
    jsonschema.validate(form, schema)
    assert len(form["fields"]) == 10 and form["truncated"] is False


async def test_fetchonboardingrequestform_cut_to_fit_says_how_to_learn_the_rest(
    fake: Fake,
) -> None:
    async with in_memory(settings_for(fake, max_result_bytes=900)) as client:
        schema = await schema_of(client, "fetchOnboardingRequestForm")
        form = structured(await client.call_tool("fetchOnboardingRequestForm", {}))
    jsonschema.validate(form, schema)
    assert form["truncated"] is True and 0 < len(form["fields"]) < 10
    assert form["fields"][0]["required"] is True
    assert "createOnboardingRequest" in form["notice"] and "every field" in form["notice"]


async def test_fetchonboardingrequest_shows_a_request_with_its_status_name(fake: Fake) -> None:
    expected = fake.api("GET", "/onboarding_requests/1", ADMIN_KEY).json()["onboarding_request"]
    async with in_memory(settings_for(fake)) as client:
        schema = await schema_of(client, "fetchOnboardingRequest")
        found = structured(await client.call_tool("fetchOnboardingRequest", {"request_id": 1}))
    jsonschema.validate(found, schema)
    assert found["id"] == 1 and found["subject"] == expected["subject"]
    assert found["fields"] == expected["fields"] and found["status_name"]
    assert found["ticket_id"] == expected["ticket_id"]


async def test_fetchonboardingrequest_of_a_missing_id_names_it(fake: Fake) -> None:
    async with in_memory(settings_for(fake)) as client:
        result = await client.call_tool("fetchOnboardingRequest", {"request_id": 987654})
    assert "Onboarding request 987654 was not found (404)" in error_text(result)


async def test_createonboardingrequest_creates_a_request_read_back_through_the_api(
    fake: Fake,
) -> None:
    fields = {
        **new_hire(),
        "cf_department": "Legal",
        "cf_employment_type": "Intern",
        "cf_laptop_required": True,
        "msf_software_needed": ["Slack", "Jira"],
    }
    fake.clear_journal()
    async with in_memory(settings_for(fake)) as client:
        schema = await schema_of(client, "createOnboardingRequest")
        created = structured(await client.call_tool("createOnboardingRequest", {"fields": fields}))
    jsonschema.validate(created, schema)
    assert [r for r in requests_of(fake.journal()) if "onboarding" in r] == [
        "GET /api/v2/onboarding_requests/form",
        "POST /api/v2/onboarding_requests",
    ]
    stored = fake.api("GET", f"/onboarding_requests/{created['id']}", ADMIN_KEY).json()[
        "onboarding_request"
    ]
    assert stored["subject"] == f"Employee Onboarding Request for {fields['cf_employee_name']}"
    assert stored["fields"]["cf_date_of_joining"] == "01-12-2026"
    assert stored["fields"]["msf_software_needed"] == ["Slack", "Jira"]
    assert stored["lookup_values"]["cf_department"]["name"] == "Legal"


async def test_createonboardingrequest_refuses_an_unknown_field_naming_it_and_the_valid_ones(
    fake: Fake,
) -> None:
    fake.clear_journal()
    async with in_memory(settings_for(fake)) as client:
        result = await client.call_tool(
            "createOnboardingRequest", {"fields": {**new_hire(), "cf_shoe_size": "44"}}
        )
    text = error_text(result)
    assert "cf_shoe_size: not a field of the onboarding form" in text
    assert "cf_job_title (text)" in text  # the valid names are listed
    assert posts(fake) == []


async def test_createonboardingrequest_refuses_a_missing_required_field_naming_it(
    fake: Fake,
) -> None:
    fake.clear_journal()
    async with in_memory(settings_for(fake)) as client:
        result = await client.call_tool(
            "createOnboardingRequest", {"fields": {"cf_employee_name": "Nina Novak"}}
        )
    text = error_text(result)
    assert "cf_date_of_joining: required (Date of joining)" in text
    assert "cf_employee_name: required" not in text
    assert posts(fake) == []


@pytest.mark.parametrize(
    ("field", "value", "named"),
    [
        ("cf_date_of_joining", "01-12-2026", "cf_date_of_joining: takes a date as YYYY-MM-DD"),
        ("cf_date_of_joining", "2026-02-30", "cf_date_of_joining: takes a date as YYYY-MM-DD"),
        ("cf_employment_type", "Boss", "cf_employment_type: 'Boss' is not a choice"),
        ("cf_laptop_required", "yes", "cf_laptop_required: takes true or false"),
        ("msf_software_needed", ["Slack", "Photoshop"], "'Photoshop' not among the choices"),
        ("msf_software_needed", "Slack", "msf_software_needed: takes a list"),
        ("cf_employee_name", "", "cf_employee_name: required"),
    ],
    ids=[
        "date-format",
        "impossible-date",
        "dropdown",
        "checkbox",
        "multi-select-choice",
        "multi-select-not-a-list",
        "blank-required",
    ],
)
async def test_createonboardingrequest_refuses_a_value_the_form_would_refuse(
    fake: Fake, field: str, value: Any, named: str
) -> None:
    fake.clear_journal()
    async with in_memory(settings_for(fake)) as client:
        result = await client.call_tool(
            "createOnboardingRequest", {"fields": {**new_hire(), field: value}}
        )
    assert named in error_text(result)
    assert posts(fake) == []


async def test_createonboardingrequest_leaves_blank_optional_fields_out_of_the_post(
    fake: Fake,
) -> None:
    blanks = {"cf_location": "", "cf_job_title": "  ", "cf_department": None}
    fields = {**new_hire(), **blanks, "msf_software_needed": []}
    async with in_memory(settings_for(fake)) as client:
        created = structured(await client.call_tool("createOnboardingRequest", {"fields": fields}))
    stored = fake.api("GET", f"/onboarding_requests/{created['id']}", ADMIN_KEY).json()[
        "onboarding_request"
    ]
    assert {name: stored["fields"][name] for name in blanks} == dict.fromkeys(blanks)
    assert stored["fields"]["msf_software_needed"] is None


async def test_createonboardingrequest_refuses_a_lookup_id_of_0_naming_the_field(
    fake: Fake,
) -> None:
    fake.clear_journal()
    async with in_memory(settings_for(fake)) as client:
        result = await client.call_tool(
            "createOnboardingRequest", {"fields": {**new_hire(), "cf_department": 0}}
        )
    assert "cf_department: takes a department's id or name, not 0" in error_text(result)
    assert posts(fake) == []


async def test_createonboardingrequest_refuses_a_user_lookup_that_is_not_an_email(
    fake: Fake,
) -> None:
    fake.clear_journal()
    async with in_memory(settings_for(fake)) as client:
        result = await client.call_tool(
            "createOnboardingRequest", {"fields": {**new_hire(), "cf_reporting_manager": "Priya"}}
        )
    text = error_text(result)
    assert "cf_reporting_manager: takes a user's id or email, and 'Priya' is not an email" in text
    assert posts(fake) == []


async def test_createonboardingrequest_passes_on_a_lookup_freshservice_cannot_find(
    fake: Fake,
) -> None:
    async with in_memory(settings_for(fake)) as client:
        result = await client.call_tool(
            "createOnboardingRequest", {"fields": {**new_hire(), "cf_department": "Nowhere"}}
        )
    assert "cf_department: There is no record matching the given cf_department" in error_text(
        result
    )


async def test_createonboardingrequest_raises_it_for_an_initiator(fake: Fake) -> None:
    async with in_memory(settings_for(fake)) as client:
        created = structured(
            await client.call_tool(
                "createOnboardingRequest", {"fields": new_hire(), "initiator_id": PRIYA}
            )
        )
    listed = fake.api("GET", "/onboarding_requests?per_page=100", ADMIN_KEY).json()
    mine = next(r for r in listed["onboarding_requests"] if r["id"] == created["id"])
    assert mine["requester_id"] == PRIYA


# -- Offboarding --------------------------------------------------------------------------------


async def test_fetchoffboardingrequests_lists_a_page_newest_first(fake: Fake) -> None:
    async with in_memory(settings_for(fake)) as client:
        schema = await schema_of(client, "fetchOffboardingRequests")
        first = structured(await client.call_tool("fetchOffboardingRequests", {"per_page": 1}))
        second = structured(
            await client.call_tool("fetchOffboardingRequests", {"per_page": 1, "page": 2})
        )
    jsonschema.validate(first, schema)
    assert first["next_page"] == 2 and len(first["offboarding_requests"]) == 1
    newest, older = first["offboarding_requests"][0], second["offboarding_requests"][0]
    assert newest["id"] > older["id"] and newest["status_name"]


async def test_createoffboardingrequest_creates_a_request_read_back_through_the_api(
    fake: Fake,
) -> None:
    fields = {**leaver(), "cf_separation_type": "Voluntary Separation", "cf_verified": False}
    async with in_memory(settings_for(fake)) as client:
        schema = await schema_of(client, "createOffboardingRequest")
        created = structured(await client.call_tool("createOffboardingRequest", {"fields": fields}))
    jsonschema.validate(created, schema)
    stored = fake.api("GET", f"/offboarding_requests/{created['id']}", ADMIN_KEY).json()[
        "offboarding_request"
    ]
    assert stored["subject"] == "Employee Offboarding Request for John Carter"
    assert stored["fields"]["actor_2"] == PRIYA
    assert stored["fields"]["cf_last_working_date"] == "18-12-2026"
    assert "Reporting Manager" in created["actors"]


async def test_createoffboardingrequest_refuses_missing_required_fields_naming_each(
    fake: Fake,
) -> None:
    fake.clear_journal()
    async with in_memory(settings_for(fake)) as client:
        result = await client.call_tool(
            "createOffboardingRequest", {"fields": {"cf_employee_email": JOHN}}
        )
    text = error_text(result)
    assert "actor_2: required (Reporting Manager)" in text
    assert "cf_last_working_date: required (Last working date)" in text
    assert "GET /api/v2/offboarding_requests/form" in requests_of(fake.journal())
    assert posts(fake) == []


async def test_createoffboardingrequest_refuses_an_unknown_field_listing_the_form(
    fake: Fake,
) -> None:
    fake.clear_journal()
    async with in_memory(settings_for(fake)) as client:
        result = await client.call_tool(
            "createOffboardingRequest", {"fields": {**leaver(), "cf_exit_interview": True}}
        )
    text = error_text(result)
    assert "cf_exit_interview: not a field of the offboarding form" in text
    assert "cf_separation_type (one of 'Voluntary Separation'" in text
    assert posts(fake) == []


@pytest.mark.parametrize(
    ("field", "value", "named"),
    [
        ("cf_assets", "ASSET-12", "cf_assets: takes an asset's display_id, a number, not the"),
        ("cf_employee_email", "not-an-email", "cf_employee_email: takes a user's email, and"),
        ("cf_employee_email", "john@acme", "'john@acme' is not an email address"),
        ("actor_2", 0, "actor_2: takes a user's id or email, not 0 (ids start at 1)"),
    ],
    ids=["asset-lookup-as-text", "email-field-not-an-email", "email-without-a-dot", "lookup-0"],
)
async def test_createoffboardingrequest_refuses_a_lookup_or_email_as_the_form_says(
    fake: Fake, field: str, value: Any, named: str
) -> None:
    fake.clear_journal()
    async with in_memory(settings_for(fake)) as client:
        result = await client.call_tool(
            "createOffboardingRequest", {"fields": {**leaver(), field: value}}
        )
    assert named in error_text(result)
    assert posts(fake) == []


async def test_createoffboardingrequest_takes_an_asset_lookup_by_display_id(fake: Fake) -> None:
    async with in_memory(settings_for(fake)) as client:
        created = structured(
            await client.call_tool(
                "createOffboardingRequest", {"fields": {**leaver(), "cf_assets": 12}}
            )
        )
    assert created["fields"]["cf_assets"] == 12
    assert created["lookup_values"]["cf_assets"]["display_id"] == 12


async def test_fetchoffboardingrequesttickets_reports_the_whole_list_as_its_one_page(
    fake: Fake,
) -> None:
    async with in_memory(settings_for(fake)) as client:
        schema = await schema_of(client, "fetchOffboardingRequestTickets")
        page = structured(
            await client.call_tool("fetchOffboardingRequestTickets", {"request_id": 2})
        )
    jsonschema.validate(page, schema)
    assert page["page"] == 1 and page["per_page"] == len(page["offboarding_tickets"]) > 1
    assert page["next_page"] is None
    described = schema["properties"]
    assert "all of a request's tickets" in described["per_page"]["description"]
    assert "Always null" in described["next_page"]["description"]


async def test_fetchoffboardingrequesttickets_lists_the_parent_and_its_tasks(fake: Fake) -> None:
    expected = fake.api("GET", "/offboarding_requests/1/tickets", ADMIN_KEY).json()
    async with in_memory(settings_for(fake)) as client:
        schema = await schema_of(client, "fetchOffboardingRequestTickets")
        page = structured(
            await client.call_tool("fetchOffboardingRequestTickets", {"request_id": 1})
        )
    jsonschema.validate(page, schema)
    tickets = page["offboarding_tickets"]
    assert [t["id"] for t in tickets] == [t["id"] for t in expected["offboarding_tickets"]]
    assert tickets[0]["parent"] is True and tickets[1]["predecessor_ticket_id"] == tickets[0]["id"]
    assert page["next_page"] is None and page["offboarding_context"]["fields"]["actor_2"]
    assert all("offboarding_context" not in t for t in tickets)  # once, not per ticket


async def test_fetchoffboardingrequesttickets_of_a_missing_id_names_it(fake: Fake) -> None:
    async with in_memory(settings_for(fake)) as client:
        result = await client.call_tool("fetchOffboardingRequestTickets", {"request_id": 987654})
    assert "Offboarding request 987654 was not found (404)" in error_text(result)
