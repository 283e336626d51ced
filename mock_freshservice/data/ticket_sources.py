"""Where tickets come from: the `source` codes every account has, and an account's own ones.

The built-in codes and names are the API reference's Ticket Properties table; the names the ticket
form shows for them are its List all Ticket Fields sample's. An account's own sources (its
dataset's `ticket_sources`, and those created with `POST /ticket_fields/sources`) take codes from
1001 up, as the reference's samples number them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from mock_freshservice.data.store import Record, Table

BUILT_IN: dict[int, str] = {
    1: "Email",
    2: "Portal",
    3: "Phone",
    4: "Chat",
    5: "Feedback widget",
    6: "Yammer",
    7: "AWS Cloudwatch",
    8: "Pagerduty",
    9: "Walkup",
    10: "Slack",
    11: "Chatbot",
    12: "Workplace",
    13: "Employee Onboarding",
    14: "Alerts",
    15: "MS Teams",
    18: "Employee Offboarding",
}
# The form's spelling where its sample differs; its sample lists Phone first.
FORM_NAMES: dict[int, str] = {
    **BUILT_IN,
    5: "Feedback Widget",
    7: "AWS CloudWatch",
    8: "PagerDuty",
    9: "Walk-up",
}
FORM_ORDER = (3, 1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 18)
FIRST_CUSTOM_CODE = 1001


def custom_sources(table: Table) -> list[Record]:
    """The account's own sources, in the order they were made."""
    return sorted(table.all(), key=lambda r: int(r["position"]))


def codes(table: Table) -> tuple[int, ...]:
    """Every source code a ticket of the account may carry."""
    return (*BUILT_IN, *(int(r["choice_id"]) for r in custom_sources(table)))


def taken(table: Table, name: str) -> bool:
    """Whether a source of this name exists already (case and outer spaces aside)."""
    wanted = name.strip().lower()
    names = (*BUILT_IN.values(), *FORM_NAMES.values(), *(r["value"] for r in table.all()))
    return any(existing.strip().lower() == wanted for existing in names)


def new_source(table: Table, name: str, now: int) -> Record:
    """The next custom source (not stored: the caller puts it under the account lock)."""
    n = len(table) + 1
    return {
        "id": n,
        "created_at": now,
        "updated_at": now,
        "choice_id": FIRST_CUSTOM_CODE + n - 1,
        "value": name,
        "position": len(BUILT_IN) + n,
        "visible": True,
        "default": False,
    }


def seed_sources(table: Table, names: Iterable[str], created: int) -> None:
    """The dataset's own sources, made when the account is built."""
    for name in names:
        table.put(new_source(table, name, created))


def label(table: Table, code: Any) -> str | None:
    """A source's name by its code, for people (activities)."""
    if code in BUILT_IN:
        return BUILT_IN[code]
    found = next((r for r in table.all() if r["choice_id"] == code), None)
    return None if found is None else str(found["value"])
