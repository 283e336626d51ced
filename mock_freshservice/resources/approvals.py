"""Approvals: a change's approval groups and the approvals they ask for, and a ticket's approvals
(the API reference's "Change Approvals" and "Ticket Approvals").

Creating an approval group on a change asks each of its approvers: one approval each, `requested`,
and the change's `approval_status` becomes Requested. Cancelling a group cancels its open
approvals; an approval can be cancelled, or reminded (`resend_approval`), on its own. Approving or
rejecting happens in the UI and by email, never through the API, so the fake's approvals only
move to `cancelled`. A ticket's approval is asked of one user at a time (`POST
/tickets/{id}/approvals`), and cancelled or reminded like a change's. Generated tickets are never
sent for approval (`approval_status` Not Requested), so their approval lists start empty.
Everything the public material leaves open is in guesses.APPROVALS.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mock_freshservice import errors
from mock_freshservice.data import ids
from mock_freshservice.data.store import Record
from mock_freshservice.errors import FieldError
from mock_freshservice.resources.declaration import (
    Action,
    Context,
    Parent,
    Resource,
    Seeding,
    records_of,
)
from mock_freshservice.resources.fields import Field, read_only

APPROVAL_STATUSES = ("requested", "approved", "rejected", "cancelled")
GROUP_STATUSES = ("requested", "approved", "cancelled")
APPROVAL_TYPES = ("everyone", "any", "majority")
REQUESTED_CHANGE_APPROVAL = 1  # changes.APPROVAL: 1 Requested, 2 Approved
APPROVED_CHANGE = 2
REQUESTED_TICKET_APPROVAL = 0  # guesses.APPROVALS: tickets' approval_status 0 Requested

APPROVAL_FIELDS = (
    read_only("id", "id", "Unique ID of the approval"),
    read_only("approver_id", "id", "The agent asked to approve"),
    read_only("approval_group_id", "id", "The approval group that asked (changes)"),
    read_only(
        "approval_status",
        "string",
        "requested, approved, rejected or cancelled",
        choices=APPROVAL_STATUSES,
        nullable=False,
    ),
    read_only("level_id", "integer", "The approval's level in the chain", nullable=False),
    read_only("latest_remark", "text", "The approver's last remark"),
    read_only("reminded_at", "datetime", "When the approver was last reminded"),
    read_only("created_at", "datetime"),
    read_only("updated_at", "datetime"),
)

GROUP_FIELDS = (
    read_only("id", "id", "Unique ID of the approval group"),
    Field("name", "string", "Name of the group", required=True, nullable=False, blank_ok=False),
    Field(
        "approver_ids",
        "ids",
        "The agents asked to approve",
        required=True,
        nullable=False,
        references="agents",
        max_items=50,
    ),
    Field(
        "approval_type",
        "string",
        "everyone, any or majority of the approvers must approve",
        choices=APPROVAL_TYPES,
        default="everyone",
        nullable=False,
    ),
    read_only(
        "status",
        "string",
        "requested, approved or cancelled",
        choices=GROUP_STATUSES,
        default="requested",
        nullable=False,
    ),
    read_only("created_at", "datetime"),
    read_only("updated_at", "datetime"),
)


def _approvals_check(
    context: Context, body: Mapping[str, Any], old: Record | None
) -> list[FieldError]:
    if not body.get("approver_ids") and "approver_ids" in body:
        return [FieldError("approver_ids", "It should not be blank", "missing_field")]
    if old is not None and old.get("status") != "requested":
        raise errors.MethodNotAllowed("PUT", ("GET",))  # settled: cancelled or approved
    return []


def _ask(context: Context, group: Record, body: Mapping[str, Any], old: Record | None) -> None:
    """The group's approvers asked (one approval each); those taken out of it, no longer."""
    if "approver_ids" not in body:
        return
    change = context.parent
    assert change is not None  # a group lives under a change
    table = records_of(context.account, CHANGE_APPROVALS)
    mine = [
        a
        for a in table.live_records()
        if a.get("_parent") == change["id"] and a.get("approval_group_id") == group["id"]
    ]
    asked = {a["approver_id"] for a in mine if a["approval_status"] == "requested"}
    wanted = list(dict.fromkeys(group.get("approver_ids") or ()))
    for approval in mine:
        if approval["approval_status"] == "requested" and approval["approver_id"] not in wanted:
            table.put({**approval, "approval_status": "cancelled", "updated_at": context.now})
    for approver in wanted:
        if approver in asked:
            continue
        table.put(
            {
                "id": table.next_id(ids.ranged(ids.CHANGE_APPROVAL_BASE, context.account.index, 1)),
                "approver_id": approver,
                "approval_group_id": group["id"],
                "approval_status": "requested",
                "level_id": 1,
                "latest_remark": None,
                "reminded_at": None,
                "created_at": context.now,
                "updated_at": context.now,
                "_parent": change["id"],
            }
        )
    changes = context.account.resource_tables["changes"]
    current = changes.get(change["id"])
    if current is not None and current.get("approval_status") != REQUESTED_CHANGE_APPROVAL:
        changes.put(
            {**current, "approval_status": REQUESTED_CHANGE_APPROVAL, "updated_at": context.now}
        )


def _cancel_group(context: Context, group: Record) -> Record:
    if group.get("status") != "requested":
        raise errors.MethodNotAllowed("PUT", ("GET",))
    table = records_of(context.account, CHANGE_APPROVALS)
    for approval in table.live_records():
        if (
            approval.get("approval_group_id") == group["id"]
            and approval["approval_status"] == "requested"
        ):
            table.put({**approval, "approval_status": "cancelled", "updated_at": context.now})
    return {**group, "status": "cancelled"}


def _cancel_approval(context: Context, approval: Record) -> Record:
    """Only a requested approval can be cancelled: any other is settled (405)."""
    if approval["approval_status"] != "requested":
        raise errors.MethodNotAllowed("PUT", ("GET",))
    return {**approval, "approval_status": "cancelled"}


def _remind(context: Context, approval: Record) -> Record:
    """Only a requested approval's approver is reminded: any other is settled (405)."""
    if approval["approval_status"] != "requested":
        raise errors.MethodNotAllowed("PUT", ("GET",))
    return {**approval, "reminded_at": context.now}


AWAITING_APPROVAL = 3  # changes.STATUS: 3 Awaiting Approval


def _seed_change_approvals(seeding: Seeding) -> list[tuple[str, Record]]:
    """A change awaiting approval has asked a Change Advisory Board of two agents, who have not
    answered yet (its `approval_status` says Requested); an approved change's board approved it."""
    account = seeding.account
    agents = list(account.agents.ids)
    changes = account.resource_tables["changes"]
    made: list[tuple[str, Record]] = []
    approval_n = 0
    group_n = 0
    for change in changes.live_records():
        awaiting = change.get("status") == AWAITING_APPROVAL
        approved = change.get("approval_status") == APPROVED_CHANGE
        if not (awaiting or approved) or len(agents) < 2:
            continue
        answer = "approved" if approved and not awaiting else "requested"
        group_n += 1
        asked = sorted({seeding.choice(agents), seeding.choice(agents)})
        when = change["updated_at"]
        group_id = seeding.new_id(group_n)
        made.append(
            (
                CHANGE_APPROVAL_GROUPS.table_name,
                {
                    "id": group_id,
                    "name": "Change Advisory Board",
                    "approver_ids": asked,
                    "approval_type": "everyone",
                    "status": answer,
                    "created_at": when,
                    "updated_at": when,
                    "_parent": change["id"],
                },
            )
        )
        for approver in asked:
            approval_n += 1
            made.append(
                (
                    CHANGE_APPROVALS.table_name,
                    {
                        "id": ids.ranged(ids.CHANGE_APPROVAL_BASE, account.index, approval_n),
                        "approver_id": approver,
                        "approval_group_id": group_id,
                        "approval_status": answer,
                        "level_id": 1,
                        "latest_remark": "Approved at the CAB" if answer == "approved" else None,
                        "reminded_at": None,
                        "created_at": when,
                        "updated_at": when,
                        "_parent": change["id"],
                    },
                )
            )
        if awaiting:
            made.append(("changes", {**change, "approval_status": REQUESTED_CHANGE_APPROVAL}))
    return made


CHANGE_APPROVAL_GROUPS = Resource(
    name="approval_groups",
    singular="approval_group",
    parent=Parent("changes", "approval_groups"),
    scope="changes",
    tag="changes",
    id_base=ids.CHANGE_APPROVAL_GROUP_BASE,
    operations=("list", "create", "view", "update"),
    fields=GROUP_FIELDS,
    check=_approvals_check,
    fill=_ask,
    may_refuse=("update",),
    seed=_seed_change_approvals,
    count=lambda tickets: 0,  # one per change awaiting approval
    actions=(
        Action("cancel", "PUT", "edit", _cancel_group, description="Cancel the group's approvals"),
    ),
    updated_since=False,
    order=("id", "asc"),
    description="A change's approval groups",
)

# A requested approval, a change's or a ticket's, is cancelled or reminded on its own.
APPROVAL_ACTIONS = (
    Action("cancel", "PUT", "edit", _cancel_approval, description="Cancel a requested approval"),
    Action(
        "resend_approval",
        "PUT",
        "edit",
        _remind,
        description="Remind the approver of a requested approval",
    ),
)

CHANGE_APPROVALS = Resource(
    name="approvals",
    singular="approval",
    parent=Parent("changes", "approvals"),
    scope="changes",
    tag="changes",
    id_base=ids.CHANGE_APPROVAL_BASE,
    operations=("list", "view"),
    fields=APPROVAL_FIELDS,
    actions=APPROVAL_ACTIONS,
    updated_since=False,
    order=("id", "asc"),
    description="A change's approvals",
)

TICKET_APPROVAL_TYPES = (1, 2, 3, 4)  # everyone, anyone, majority, the first to answer

TICKET_APPROVAL_FIELDS = (
    Field(
        "approver_id",
        "id",
        "The user asked to approve",
        required=True,
        nullable=False,
        references="users",
        updatable=False,
    ),
    Field(
        "approval_type",
        "integer",
        "1 everyone, 2 anyone, 3 the majority, 4 the first responder must approve",
        choices=TICKET_APPROVAL_TYPES,
        default=1,
        nullable=False,
        updatable=False,
    ),
    Field(
        "email_content",
        "html",
        "The approval email's content (HTML), instead of the default one",
        answered=False,
    ),
    *(field for field in APPROVAL_FIELDS if field.name not in ("approver_id",)),
)


def _ask_on_ticket(
    context: Context, approval: Record, body: Mapping[str, Any], old: Record | None
) -> None:
    """A new approval is requested, at level 1, and the ticket's approval status says so."""
    if old is not None:
        return
    approval.update(approval_status="requested", level_id=1, latest_remark=None, reminded_at=None)
    ticket = context.parent
    assert ticket is not None  # an approval lives under a ticket
    tickets = context.account.tickets
    current = tickets.get(ticket["id"])
    if current is not None and current.get("approval_status") != REQUESTED_TICKET_APPROVAL:
        tickets.put(
            {
                **current,
                "approval_status": REQUESTED_TICKET_APPROVAL,
                "approval_status_name": "Requested",
                "updated_at": context.now,
            }
        )


TICKET_APPROVALS = Resource(
    name="approvals",
    singular="approval",
    parent=Parent("tickets", "approvals"),
    scope="tickets",
    tag="tickets",
    id_base=ids.TICKET_APPROVAL_BASE,
    operations=("list", "create", "view"),
    fields=TICKET_APPROVAL_FIELDS,
    fill=_ask_on_ticket,
    actions=APPROVAL_ACTIONS,
    updated_since=False,
    order=("id", "asc"),
    description="A ticket's approvals",
)

RESOURCES = (CHANGE_APPROVAL_GROUPS, CHANGE_APPROVALS, TICKET_APPROVALS)
