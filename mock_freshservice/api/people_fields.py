"""The profile forms of agents and requesters (`GET /agent_fields`, `GET /requester_fields`): the
default fields every account has, in the shapes Freshworks' OpenAPI file gives
(`agent_field`, `requester_field`). Neither form has custom fields in the fake's datasets."""

from __future__ import annotations

from typing import Any

from flask import Response

from mock_freshservice.api.common import check_query, json_response, raise_if
from mock_freshservice.clock import format_ts
from mock_freshservice.data.account import AccountData
from mock_freshservice.pagination import next_link, parse_page

Json = dict[str, Any]
FIELD_ID_BASE = 57_000_000_000  # profile form fields' ids, per account
TIME_FORMATS = ["12h", "24h"]

# (name, label, mandatory when an admin creates one, what an agent may do with their own)
AGENT_FIELDS: tuple[tuple[str, str, bool, str], ...] = (
    ("first_name", "First Name", True, "edit"),
    ("last_name", "Last Name", False, "edit"),
    ("occasional", "Occasional Agent", False, "hidden"),
    ("job_title", "Job Title", False, "edit"),
    ("email", "Email", True, "see"),
    ("work_phone_number", "Work Phone", False, "edit"),
    ("mobile_phone_number", "Mobile Phone", False, "edit"),
    ("department_ids", "Departments", False, "see"),
    ("reporting_manager_id", "Reporting Manager", False, "see"),
    ("address", "Address", False, "edit"),
    ("time_zone", "Time Zone", False, "edit"),
    ("time_format", "Time Format", False, "edit"),
    ("language", "Language", False, "edit"),
    ("location_id", "Location", False, "see"),
    ("background_information", "Background Information", False, "edit"),
    ("scoreboard_level_id", "Scoreboard Level", False, "hidden"),
    ("signature", "Signature", False, "edit"),
)
# (name, label, required of agents creating one, what a requester may do with their own)
REQUESTER_FIELDS: tuple[tuple[str, str, bool, str], ...] = (
    ("first_name", "First Name", True, "edit"),
    ("last_name", "Last Name", False, "edit"),
    ("job_title", "Job Title", False, "edit"),
    ("primary_email", "Email", True, "see"),
    ("secondary_emails", "Other Emails", False, "see"),
    ("work_phone_number", "Work Phone", False, "edit"),
    ("mobile_phone_number", "Mobile Phone", False, "edit"),
    ("department_ids", "Departments", False, "see"),
    ("can_see_all_tickets_from_associated_departments", "Can See All Tickets From Departments",
     False, "hidden"),
    ("reporting_manager_id", "Reporting Manager", False, "see"),
    ("address", "Address", False, "edit"),
    ("time_zone", "Time Zone", False, "edit"),
    ("time_format", "Time Format", False, "edit"),
    ("language", "Language", False, "edit"),
    ("location_id", "Location", False, "see"),
    ("background_information", "Background Information", False, "hidden"),
)  # fmt: skip


def _choices(name: str) -> list[str] | None:
    return TIME_FORMATS if name == "time_format" else None


def agent_fields(account: AccountData) -> list[Json]:
    return [
        {
            "id": FIELD_ID_BASE + account.index * 10_000_000 + position,
            "name": name,
            "label_for_admins": label,
            "placeholder_for_admins": label,
            "mandatory_for_admins": mandatory,
            "label_for_agents": label,
            "placeholder_for_agents": label,
            "visible_to_agents": own != "hidden",
            "editable_by_agents": own == "edit",
            "mandatory_for_agents": mandatory and own == "edit",
            "position": position,
            "type": f"default_{name}",
            "choices": _choices(name),
        }
        for position, (name, label, mandatory, own) in enumerate(AGENT_FIELDS, start=1)
    ]


def requester_fields(account: AccountData) -> list[Json]:
    created = format_ts(account.generator.anchor - 400 * 86_400)  # as the other forms
    return [
        {
            "id": FIELD_ID_BASE + account.index * 10_000_000 + 1_000 + position,
            "name": name,
            "label": label,
            "label_for_requesters": label,
            "position": position,
            "type": f"default_{name}",
            "editable_in_signup": own == "edit",
            "requesters_can_edit": own == "edit",
            "required_for_requesters": required and own == "edit",
            "displayed_for_requesters": own != "hidden",
            "required_for_agents": required,
            "choices": _choices(name),
            "created_at": created,
            "updated_at": created,
        }
        for position, (name, label, required, own) in enumerate(REQUESTER_FIELDS, start=1)
    ]


def page_of(key: str, fields: list[Json]) -> Response:
    """A page of a form's fields (`page`, `per_page`, `Link`), as the file's lists take them."""
    problems = check_query(("page", "per_page"))
    page = parse_page(problems)
    raise_if(problems)
    chunk, more = page.slice(fields)
    return json_response({key: list(chunk)}, headers={"Link": next_link(page)} if more else None)
