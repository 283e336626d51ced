"""A ticket's activity timeline (`GET /tickets/{id}/activities`): who did what, newest first.

What is done through the API (a create, an update of the fields the timeline names, a delete, a
restore) is recorded as it happens. A ticket that was not created through the API (generated,
pinned, placed from the catalog, raised by an on/offboarding request) gets its creation, and for
a generated one the status it has since reached, derived from the record, so every ticket has a
history without storing one for each of 100,000 tickets. The wording follows the API reference's
sample ("created ticket for …", " set Status as Open", " deleted this ticket").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from mock_freshservice.data import ticket_form, ticket_sources
from mock_freshservice.data.account import AccountData
from mock_freshservice.data.store import Record

PRIORITY = {1: "Low", 2: "Medium", 3: "High", 4: "Urgent"}
LEVEL = {1: "Low", 2: "Medium", 3: "High"}
CREATED = "created"
# How the sample names the fields a change sets, and which a creation lists, in its order.
FIELD_NAMES = {
    "status": "Status",
    "urgency": "Urgency",
    "priority": "Priority",
    "source": "Source",
    "type": "Type",
    "impact": "Impact",
    "responder_id": "Agent",
    "group_id": "Group",
}
CREATION_FIELDS = ("status", "urgency", "priority", "source", "type", "impact")
SLA_NOTE = "System executed Default SLA Policy (SLA)"


def name_of(account: AccountData, user_id: int | None) -> str | None:
    user = None if user_id is None else account.user(user_id)
    if user is None:
        return None
    return " ".join(p for p in (user.get("first_name"), user.get("last_name")) if p)


def _group_name(account: AccountData, group_id: int | None) -> str | None:
    group = None if group_id is None else account.groups.get(group_id)
    return None if group is None else str(group["name"])


def settings(account: AccountData, ticket: Mapping[str, Any], names: Sequence[str]) -> list[str]:
    """`set Status as Open`, … for the named fields of `ticket` the timeline shows."""
    shown: list[str] = []
    for name in names:
        value: Any = ticket.get(name)
        if name == "status":
            text = ticket_form.status_names(account.account).get(value, str(value))
        elif name == "priority":
            text = PRIORITY.get(value, str(value))
        elif name in ("urgency", "impact"):
            text = LEVEL.get(value, str(value))
        elif name == "source":
            text = ticket_sources.label(account.ticket_sources, value) or str(value)
        elif name == "type":
            text = str(value)
        elif name == "responder_id":
            text = name_of(account, value) or "None"
        elif name == "group_id":
            text = _group_name(account, value) or "None"
        else:
            continue
        shown.append(f"set {FIELD_NAMES[name]} as {text}")
    return shown


def joined(parts: Sequence[str]) -> str:
    """ " set A as x, set B as y and set C as z" (the leading space is the sample's)."""
    if len(parts) == 1:
        return f" {parts[0]}"
    return f" {', '.join(parts[:-1])} and {parts[-1]}"


def creation_text(account: AccountData, ticket: Mapping[str, Any]) -> str:
    shown = settings(account, ticket, CREATION_FIELDS)
    requester = name_of(account, ticket.get("requester_id")) or ""
    return f"created ticket for {requester},{joined(shown)}"


def record(
    account: AccountData,
    ticket_id: int,
    actor_id: int,
    content: str,
    now: int,
    *,
    kind: str = "",
    sub_contents: Sequence[str] = (),
) -> None:
    """Store one activity (under the account lock, with the write it describes)."""
    table = account.ticket_activities
    table.put(
        {
            "id": table.next_id(),
            "ticket_id": ticket_id,
            "actor_id": actor_id,
            "content": content,
            "sub_contents": list(sub_contents),
            "created_at": now,
            "_kind": kind,
        }
    )


def _recorded(account: AccountData, ticket_id: int) -> list[Record]:
    table = account.ticket_activities
    tickets = table.column("ticket_id")
    found = (table.get(table.ids[p]) for p in table.positions() if tickets[p] == ticket_id)
    return [r for r in found if r is not None]


def _derived(account: AccountData, ticket: Record) -> list[Record]:
    """The history of a ticket that was not created through the API."""
    base = None if ticket.get("_pinned") else account.tickets.generated(ticket["id"])
    base = base or ticket
    made: list[Record] = [
        {
            "actor_id": base["requester_id"],
            # Raised open; the status it has now is a later change (below).
            "content": creation_text(account, {**base, "status": 2}),
            "sub_contents": [SLA_NOTE],
            "created_at": base["created_at"],
        }
    ]
    if base["status"] != 2 and base["updated_at"] > base["created_at"]:
        made.append(
            {
                "actor_id": base["responder_id"] or base["requester_id"],
                "content": joined(settings(account, base, ("status",))),
                "sub_contents": [],
                "created_at": base["updated_at"],
            }
        )
    return made


def timeline(account: AccountData, ticket: Record) -> list[dict[str, Any]]:
    """Every activity of the ticket, newest first, as the API shows them (timestamps as epochs)."""
    recorded = _recorded(account, ticket["id"])
    found = [] if any(r["_kind"] == CREATED for r in recorded) else _derived(account, ticket)
    found += recorded
    # Newest first; at the same second (a frozen data clock), the later-recorded first.
    order = sorted(range(len(found)), key=lambda i: (found[i]["created_at"], i), reverse=True)
    return [
        {
            "actor": {"id": a["actor_id"], "name": name_of(account, a["actor_id"]) or "System"},
            "content": a["content"],
            "sub_contents": list(a["sub_contents"]),
            "created_at": a["created_at"],
        }
        for a in (found[i] for i in order)
    ]
