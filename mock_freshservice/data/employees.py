"""Employee onboarding and offboarding: the initiator forms, the requests, and their tickets.

A request stores its form values as Freshservice answers them: dates as `DD-MM-YYYY` (they are
sent as `YYYY-MM-DD`), lookups as ids, with the looked-up records under `lookup_values`. Raising a
request opens a parent ticket and a chain of child tickets, one per task.
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Literal

from mock_freshservice.clock import DAY
from mock_freshservice.data.account import AccountData
from mock_freshservice.data.store import Record
from mock_freshservice.data.tickets import new_ticket

Kind = Literal["onboarding", "offboarding"]

# Lookup data sources (DOCS "Lookup Datasources").
LOCATIONS, REQUESTERS, AGENTS, ASSETS, ALL_USERS, DEPARTMENTS = 1, 2, 3, 4, 5, 6


@dataclasses.dataclass(frozen=True, slots=True)
class FormField:
    name: str
    label: str
    field_type: str
    required: bool = False
    placeholder: str | None = ""
    data_source: int | None = None
    choices: tuple[str, ...] = ()
    default: bool = False

    def as_json(self, position: int) -> dict[str, Any]:
        out: dict[str, Any] = {
            "placeholder": self.placeholder,
            "label": self.label,
            "name": self.name,
            "position": position,
            "required": self.required,
            "default": self.default,
            "field_type": self.field_type,
        }
        if self.data_source is not None:
            out["data_source"] = self.data_source
        if self.choices:
            out["choices"] = list(self.choices)
        return out


ONBOARDING_FORM: tuple[FormField, ...] = (
    FormField("cf_employee_name", "Employee Name", "custom_text", True, "Enter employee name"),
    FormField("cf_job_title", "Job Title", "custom_text", False, "Enter job title"),
    FormField("cf_date_of_joining", "Date of joining", "custom_date", True, "Enter joining date"),
    FormField(
        "cf_reporting_manager", "Reporting Manager", "custom_lookup_bigint", False, "", ALL_USERS
    ),
    FormField(
        "cf_department",
        "Department",
        "custom_lookup_bigint",
        False,
        "Select department",
        DEPARTMENTS,
    ),
    FormField(
        "cf_location", "Location", "custom_lookup_bigint", False, "Select location", LOCATIONS
    ),
    FormField(
        "cf_employment_type",
        "Employment Type",
        "custom_dropdown",
        False,
        "",
        choices=("Full-time", "Part-time", "Contractor", "Intern"),
    ),
    FormField("cf_laptop_required", "Laptop required", "custom_checkbox"),
    FormField(
        "cf_additional_info", "Additional Info", "custom_paragraph", False, "Enter additional info"
    ),
    FormField(
        "msf_software_needed",
        "Software needed",
        "custom_multi_select_dropdown",
        False,
        "Select the software the employee needs",
        choices=("Slack", "Zoom", "Microsoft 365", "Jira", "Salesforce"),
    ),
)

OFFBOARDING_FORM: tuple[FormField, ...] = (
    FormField(
        "actor_2", "Reporting Manager", "custom_lookup_bigint", True, None, ALL_USERS, default=True
    ),
    FormField(
        "cf_employee_email",
        "Employee Email",
        "custom_text",
        True,
        "Enter employee email",
        ALL_USERS,
    ),
    FormField("cf_employee_name", "Employee Name", "custom_text", False, "Enter employee name"),
    FormField(
        "cf_department",
        "Department",
        "custom_lookup_bigint",
        False,
        "Select department",
        DEPARTMENTS,
    ),
    FormField(
        "cf_separation_type",
        "Separation Type",
        "custom_dropdown",
        False,
        "Select separation type",
        choices=(
            "Voluntary Separation",
            "Internal transfer to another geographical location",
            "Involuntary Separation",
            "Deceased",
            "Absconding",
        ),
    ),
    FormField(
        "cf_last_working_date", "Last working date", "custom_date", True, "Enter last working date"
    ),
    FormField("cf_assets", "Assets", "custom_lookup_bigint", False, "", ASSETS),
    FormField(
        "cf_location", "Location", "custom_lookup_bigint", False, "Select location", LOCATIONS
    ),
    FormField("cf_verified", "Verified", "custom_checkbox"),
)

FORMS: Mapping[Kind, tuple[FormField, ...]] = {
    "onboarding": ONBOARDING_FORM,
    "offboarding": OFFBOARDING_FORM,
}
STATUSES: Mapping[Kind, tuple[int, ...]] = {"onboarding": (1, 2, 3), "offboarding": (1, 2, 3, 4)}

# Child tickets opened for each request: (subject template, group name)
TASKS: Mapping[Kind, tuple[tuple[str, str], ...]] = {
    "onboarding": (
        ("Set up a laptop for {name}", "Hardware Team"),
        ("Create accounts for {name}", "Identity and Access"),
        ("Prepare a desk for {name}", "Facilities"),
    ),
    "offboarding": (
        ("Collect the assets of {name}", "Hardware Team"),
        ("Disable the accounts of {name}", "Identity and Access"),
    ),
}
SOURCE: Mapping[Kind, int] = {"onboarding": 13, "offboarding": 18}


def form(kind: Kind) -> tuple[FormField, ...]:
    return FORMS[kind]


def out_date(iso_day: str) -> str:
    """`YYYY-MM-DD` in, `DD-MM-YYYY` out, as Freshservice answers form dates."""
    year, month, day = iso_day.split("-")
    return f"{day}-{month}-{year}"


def user_lookup(user: Record) -> dict[str, Any]:
    return {
        "id": user["id"],
        "first_name": user["first_name"],
        "last_name": user["last_name"],
        "email": user.get("primary_email", user.get("email")),
        "mobile": user.get("mobile_phone_number"),
        "phone": user.get("work_phone_number"),
    }


def employee_name(kind: Kind, fields: Mapping[str, Any], lookups: Mapping[str, Any]) -> str:
    if fields.get("cf_employee_name"):
        return str(fields["cf_employee_name"])
    employee = lookups.get("cf_employee_email")
    if isinstance(employee, dict):
        return " ".join(p for p in (employee.get("first_name"), employee.get("last_name")) if p)
    return str(fields.get("cf_employee_email") or "an employee")


def raise_request(
    account: AccountData,
    kind: Kind,
    now: int,
    *,
    request_id: int,
    fields: Mapping[str, Any],
    lookups: Mapping[str, Any],
    initiator: Record,
    hr_manager: Record,
    status: int = 1,
    ticket_status: Sequence[int] = (),
) -> Record:
    """Store a request with its parent and child tickets (under the account lock)."""
    name = employee_name(kind, fields, lookups)
    subject = f"Employee {kind.capitalize()} Request for {name}"
    groups = {g["name"]: g["id"] for g in account.groups.all()}
    parent = new_ticket(
        account,
        now,
        subject=subject,
        description=f"<div>{subject}</div>",
        requester_id=initiator["id"],
        source=SOURCE[kind],
        ticket_type="Service Request",
        status=ticket_status[0] if ticket_status else 2,
    )
    account.tickets.put(parent)
    ticket_ids = [parent["id"]]
    for n, (template, group) in enumerate(TASKS[kind], start=1):
        child = new_ticket(
            account,
            now,
            subject=template.format(name=name),
            description=f"<div>Task of {subject}</div>",
            requester_id=initiator["id"],
            source=SOURCE[kind],
            ticket_type="Service Request",
            group_id=groups.get(group),
            status=ticket_status[n] if n < len(ticket_status) else 2,
        )
        account.tickets.put(child)
        ticket_ids.append(child["id"])
    actors: dict[str, Any] = {
        "HR Manager": {
            "email": hr_manager.get("email"),
            "name": f"{hr_manager['first_name']} {hr_manager['last_name'] or ''}".strip(),
            "response_status": "Completed",
        }
    }
    manager = lookups.get("actor_2")
    if kind == "offboarding" and isinstance(manager, dict):
        actors["Reporting Manager"] = {
            "email": manager["email"],
            "name": " ".join(p for p in (manager["first_name"], manager["last_name"]) if p),
            "response_status": "Pending",
        }
    record: Record = {
        "id": request_id,
        "created_at": now,
        "updated_at": now,
        "status": status,
        "subject": subject,
        "ticket_id": parent["id"],
        "actors": actors,
        "fields": dict(fields),
        "lookup_values": dict(lookups),
        "requester_id": initiator["id"],
        "_tickets": ticket_ids,
    }
    account.employee_requests[kind].put(record)
    return record


def generate_requests(account: AccountData, kind: Kind, count: int, seed: int, anchor: int) -> None:
    """`count` requests of `kind`, raised over the last weeks by the account's first agent."""
    rng = random.Random(f"{seed}:{account.domain}:{kind}")
    agents = account.agents.live_records()
    requesters = account.requesters.live_records()
    departments = list(account.departments.all())
    locations = list(account.locations.all())
    assets = [a for a in account.assets.all() if not a["_trashed"]]
    initiator = agents[0]
    for n in range(1, count + 1):
        when = anchor - (count - n + 1) * 5 * DAY - int(rng.random() * DAY)
        department = departments[int(rng.random() * len(departments))]
        location = locations[int(rng.random() * len(locations))]
        manager = agents[int(rng.random() * len(agents))]
        lookups: dict[str, Any] = {
            "cf_department": {
                "id": department["id"],
                "name": department["name"],
                "description": department.get("description"),
            },
            "cf_location": {"id": location["id"], "name": location["name"]},
        }
        if kind == "onboarding":
            person = requesters[int(rng.random() * len(requesters))]
            start = datetime.fromtimestamp(anchor + int(rng.random() * 30) * DAY, UTC)
            lookups["cf_reporting_manager"] = user_lookup(manager)
            fields: dict[str, Any] = {
                "cf_employee_name": f"{person['first_name']} {person['last_name']}",
                "cf_job_title": person["job_title"],
                "cf_date_of_joining": out_date(start.strftime("%Y-%m-%d")),
                "cf_reporting_manager": manager["id"],
                "cf_department": department["id"],
                "cf_location": location["id"],
                "cf_employment_type": ("Full-time", "Contractor", "Intern")[n % 3],
                "cf_laptop_required": True,
                "cf_additional_info": None,
                "msf_software_needed": ["Slack", "Zoom"][: 1 + n % 2],
            }
        else:
            person = requesters[-n % len(requesters)]
            last_day = datetime.fromtimestamp(anchor + int(rng.random() * 20) * DAY, UTC)
            owned = [a for a in assets if a["user_id"] == person["id"]] or assets[:1]
            lookups["actor_2"] = user_lookup(manager)
            lookups["cf_employee_email"] = user_lookup(person)
            fields = {
                "actor_2": manager["id"],
                "cf_employee_email": person["primary_email"],
                "cf_employee_name": f"{person['first_name']} {person['last_name']}",
                "cf_department": department["id"],
                "cf_separation_type": "Voluntary Separation",
                "cf_last_working_date": out_date(last_day.strftime("%Y-%m-%d")),
                "cf_assets": owned[0]["display_id"] if owned else None,
                "cf_location": location["id"],
                "cf_verified": n % 2 == 0,
            }
            if owned:
                lookups["cf_assets"] = {
                    "id": owned[0]["id"],
                    "name": owned[0]["name"],
                    "display_id": owned[0]["display_id"],
                }
        status = STATUSES[kind][n % len(STATUSES[kind])]
        raise_request(
            account,
            kind,
            when,
            request_id=n,
            fields=fields,
            lookups=lookups,
            initiator=initiator,
            hr_manager=initiator,
            status=status,
            ticket_status=(3, 4, 2, 2) if status == 3 else (),
        )
