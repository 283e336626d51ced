"""Making new tickets and requesters, the same way for every path that creates them: a ticket
created through the API, a service request placed from the catalog, and the tickets of an
on/offboarding request."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from mock_freshservice.clock import HOUR
from mock_freshservice.data import ticket_form
from mock_freshservice.data.account import AccountData
from mock_freshservice.data.generate import SLA_HOURS
from mock_freshservice.data.store import Record
from mock_freshservice.html_text import text_of


def business_hours(epoch: int) -> bool:
    moment = datetime.fromtimestamp(epoch, UTC)
    return moment.weekday() < 5 and 9 <= moment.hour < 17


def custom_fields(
    account: AccountData, given: Mapping[str, Any] | None, base: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Every custom field of the account's ticket form, unset ones as null (checkboxes as
    false)."""
    return ticket_form.with_values(account.account, given, base)


def stats_for(status: int, previous: Mapping[str, Any] | None, now: int) -> dict[str, Any]:
    """`include=stats` times after a status change at `now`."""
    stats = dict(previous or {"first_responded_at": None, "resolved_at": None, "closed_at": None})
    if status in (4, 5) and stats.get("resolved_at") is None:
        stats["resolved_at"] = now
    if status == 5 and stats.get("closed_at") is None:
        stats["closed_at"] = now
    if ticket_form.is_open(status):
        stats["resolved_at"] = stats["closed_at"] = None
    return stats


def new_ticket(
    account: AccountData,
    now: int,
    *,
    subject: str,
    description: str,
    requester_id: int,
    status: int = 2,
    priority: int = 1,
    urgency: int = 1,
    impact: int = 1,
    source: int = 2,
    ticket_type: str = "Incident",
    responder_id: int | None = None,
    group_id: int | None = None,
    department_id: int | None = None,
    email_config_id: int | None = None,
    category: str | None = None,
    sub_category: str | None = None,
    item_category: str | None = None,
    due_by: int | None = None,
    fr_due_by: int | None = None,
    cc_emails: Iterable[str] = (),
    tags: Iterable[str] = (),
    custom: Mapping[str, Any] | None = None,
    workspace_id: int | None = None,
    requested_for_id: int | None = None,
    approval_status: int | None = 4,
) -> Record:
    """A new ticket record with the next id; the caller stores it (under the account lock)."""
    requester = account.user(requester_id) or {}
    first_response_hours, resolve_hours = SLA_HOURS[priority]
    cc = list(cc_emails)
    return {
        "id": account.tickets.next_id(account.account.first_ticket_id),
        "workspace_id": workspace_id or account.primary_workspace_id,
        "subject": subject,
        "description": description,
        "description_text": text_of(description),
        "type": ticket_type,
        "status": status,
        "priority": priority,
        "urgency": urgency,
        "impact": impact,
        "source": source,
        "requester_id": requester_id,
        "requested_for_id": requested_for_id or requester_id,
        "responder_id": responder_id,
        "group_id": group_id,
        "department_id": department_id or next(iter(requester.get("department_ids") or []), None),
        "email_config_id": email_config_id,
        "sla_policy_id": account.sla_policy_id,
        "category": category,
        "sub_category": sub_category,
        "item_category": item_category,
        "due_by": due_by or now + resolve_hours * HOUR,
        "fr_due_by": fr_due_by or now + first_response_hours * HOUR,
        "is_escalated": False,
        "fr_escalated": False,
        "spam": False,
        "deleted": False,
        "cc_emails": cc,
        "fwd_emails": [],
        "reply_cc_emails": list(cc),
        "to_emails": None,
        "tags": list(dict.fromkeys(tags)),
        "attachments": [],
        "custom_fields": custom_fields(account, custom),
        "created_at": now,
        "updated_at": now,
        "resolution_notes": None,
        "resolution_notes_html": None,
        "created_within_business_hours": business_hours(now),
        "approval_status": approval_status,
        "approval_status_name": {1: "Approved", 2: "Rejected", 4: "Not Requested"}.get(
            approval_status or 4, "Not Requested"
        ),
        "_watchers": [],
        "_stats": stats_for(status, None, now),
        "_generated_conversations": 0,
    }


def person_defaults(user_id: int, now: int) -> Record:
    """What a person made at run time (an agent or a requester) has before its own fields."""
    return {
        "id": user_id,
        "first_name": None,
        "last_name": None,
        "job_title": None,
        "work_phone_number": None,
        "mobile_phone_number": None,
        "department_ids": [],
        "can_see_all_tickets_from_associated_departments": False,
        "reporting_manager_id": None,
        "address": None,
        "time_zone": "Eastern Time (US & Canada)",
        "time_format": "12h",
        "language": "en",
        "location_id": None,
        "background_information": None,
        "custom_fields": {},
        "active": True,
        "has_logged_in": False,
        "created_at": now,
        "updated_at": now,
        "external_id": None,
    }


def requester_defaults(user_id: int, now: int) -> Record:
    return {
        **person_defaults(user_id, now),
        "is_agent": False,
        "primary_email": None,
        "secondary_emails": [],
    }


def new_requester(
    account: AccountData, now: int, *, email: str | None, name: str | None, phone: str | None
) -> int:
    """A requester made from an unknown email or phone, as Freshservice does; returns its id."""
    display = (name or (email or "").split("@")[0] or "Requester").strip()
    first, _, last = display.partition(" ")
    user_id = account.next_user_id()
    account.requesters.put(
        {
            **requester_defaults(user_id, now),
            "first_name": first,
            "last_name": last or None,
            "primary_email": email,
            "work_phone_number": phone,
        }
    )
    return user_id
