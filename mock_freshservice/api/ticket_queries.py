"""The tickets' query engine: which tickets a list or a filter query selects and in what order
(ids cached until the table next changes), and what `include=` embeds in a ticket. The views in
`tickets.py` read and check the request, then ask here."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from mock_freshservice import filters
from mock_freshservice.api import shapes
from mock_freshservice.api.common import caller
from mock_freshservice.data import activities, ticket_form
from mock_freshservice.data.account import AccountData
from mock_freshservice.data.store import Record
from mock_freshservice.filters import FieldType

CONVERSATIONS_IN_VIEW = 10

# The built-in fields `GET /tickets/filter?query=` takes, by type; an account adds its own
# (`filter_fields`).
FILTER_FIELDS: dict[str, FieldType] = {
    "workspace_id": "number",
    "requester_id": "number",
    # A requester's primary and secondary emails all find their tickets.
    "email": "strings",
    "agent_id": "number",
    "group_id": "number",
    "priority": "number",
    "status": "number",
    "impact": "number",
    "urgency": "number",
    "tag": "tag",
    "due_by": "date",
    "fr_due_by": "date",
    "created_at": "date",
    "updated_at": "date",
}


def filter_fields(account: AccountData) -> dict[str, FieldType]:
    """The built-in filter fields and the account's filterable custom fields, by type."""
    own = {
        f.name: ticket_form.FILTER_TYPES[f.type]
        for f in account.account.ticket_fields
        if f.type in ticket_form.FILTER_TYPES
    }
    return {**FILTER_FIELDS, **own}


# -- Selecting and ordering ----------------------------------------------------------------------


def stored_ticket(account: AccountData, ticket_id: int) -> Record:
    """A ticket whose id a query returned."""
    record = account.tickets.get(ticket_id)
    assert record is not None  # ids come from the table itself
    return record


# A list query: (filter preset, requester ids, updated since, window start, type, workspace,
# order, the caller for the presets that name them), as `list_ids` reads it.
ListKey = tuple[Any, ...]


def cached_ids(account: AccountData, key: ListKey, compute: Callable[[], list[int]]) -> list[int]:
    """Ticket id lists by query, valid until the table next changes."""
    table = account.tickets

    def scan() -> list[int]:
        with table.lock:  # a consistent view of the columns while writers wait
            return compute()

    return table.queries.get(table.version, key, scan)


def list_ids(account: AccountData, key: ListKey) -> list[int]:
    """The ids `GET /tickets` lists for a query, by creation time then id (`order`: asc, desc)."""
    preset, requester_ids, since, window_start, ticket_type, workspace_id, order, me = key
    table = account.tickets
    col = table.columns
    tests: list[Callable[[int], bool]] = []
    spam, deleted = col["spam"], col["deleted"]
    if preset == "spam":
        tests.append(lambda p: spam[p] and not deleted[p])
    elif preset == "deleted":
        tests.append(lambda p: deleted[p])
    else:
        tests.append(lambda p: not spam[p] and not deleted[p])
    if preset == "new_and_my_open":
        status, responder = col["status"], col["responder_id"]
        tests.append(lambda p: status[p] == 2 and responder[p] in (None, me))
    elif preset == "watching":
        watchers = col["watchers"]
        tests.append(lambda p: me in watchers[p])
    if requester_ids is not None:
        wanted = frozenset(requester_ids)
        requesters = col["requester_id"]
        tests.append(lambda p: requesters[p] in wanted)
    updated, created = col["updated_at"], col["created_at"]
    if since is not None:
        tests.append(lambda p: updated[p] >= since)
    if window_start is not None:
        tests.append(lambda p: created[p] >= window_start)
    if ticket_type is not None:
        types = col["type"]
        tests.append(lambda p: types[p] == ticket_type)
    if workspace_id != 0:
        workspaces = col["workspace_id"]
        tests.append(lambda p: workspaces[p] == workspace_id)
    ids = table.ids
    matches = [p for p in table.positions() if all(test(p) for test in tests)]
    matches.sort(key=lambda p: (created[p], ids[p]), reverse=order == "desc")
    return [ids[p] for p in matches]


def filter_ids(
    account: AccountData, tree: filters.Node, workspace_id: int, own: int | None
) -> list[int]:
    """The ids a parsed filter query finds (in `workspace_id`, 0 for all; only `own`'s tickets
    for a requester), newest first; spam and deleted tickets never."""
    table = account.tickets
    col = table.columns
    emails: dict[int, list[str]] = {}
    for address, user_id in account.emails().items():
        emails.setdefault(user_id, []).append(address)
    requester, custom = col["requester_id"], col["custom_fields"]
    accessors: dict[str, filters.Accessor] = {
        name: col[name].__getitem__
        for name in (
            "workspace_id",
            "requester_id",
            "group_id",
            "priority",
            "status",
            "impact",
            "urgency",
            "due_by",
            "fr_due_by",
            "created_at",
            "updated_at",
        )
    }
    accessors["agent_id"] = col["responder_id"].__getitem__
    accessors["tag"] = col["tags"].__getitem__
    accessors["email"] = lambda p: emails.get(requester[p], ())
    for field in account.account.ticket_fields:
        accessors[field.name] = lambda p, f=field: ticket_form.filter_value(  # type: ignore[misc]
            f, custom[p].get(f.name)
        )
    matches = filters.compile_predicate(tree, filter_fields(account), accessors)
    spam, deleted, workspaces = col["spam"], col["deleted"], col["workspace_id"]
    created, ids = col["created_at"], table.ids
    found = [
        p
        for p in table.positions()
        if not spam[p]
        and not deleted[p]
        and (workspace_id == 0 or workspaces[p] == workspace_id)
        and (own is None or requester[p] == own)
        and matches(p)
    ]
    found.sort(key=lambda p: (created[p], ids[p]), reverse=True)
    return [ids[p] for p in found]


# -- Rendering and includes ----------------------------------------------------------------------


def list_page_json(account: AccountData, ticket_ids: Sequence[int]) -> bytes:
    """A `GET /tickets` body without includes, from each ticket's kept bytes."""
    table = account.tickets
    parts = [
        shapes.render_json(
            table, stored_ticket(account, tid), shapes.TICKET_LIST_KEYS, shapes.TICKET_TIMESTAMPS
        )
        for tid in ticket_ids
    ]
    return b'{"tickets":[' + b",".join(parts) + b"]}"


def list_item(
    account: AccountData, record: Record | None, includes: tuple[str, ...]
) -> dict[str, Any]:
    """A listed ticket with what `include=` asks for."""
    assert record is not None  # ids come from the table itself
    item = shapes.render(record, shapes.TICKET_LIST_KEYS, shapes.TICKET_TIMESTAMPS)
    embed_includes(account, record, item, includes)
    return item


def embed_includes(
    account: AccountData, record: Record, out: dict[str, Any], includes: tuple[str, ...]
) -> None:
    """Add to a rendered ticket each include named (already checked against the endpoint's)."""
    for name in includes:
        if name == "stats":
            out["stats"] = shapes.ticket_stats(record)
        elif name == "requester":
            out["requester"] = shapes.embedded_user(account.user(record["requester_id"]))
        elif name == "requested_for":
            requested_for = record.get("requested_for_id")
            out["requested_for"] = shapes.embedded_user(
                account.user(requested_for) if requested_for else None
            )
        elif name == "conversations":
            visible = visible_conversations(account, record)[:CONVERSATIONS_IN_VIEW]
            out["conversations"] = [
                shapes.render(c, shapes.CONVERSATION_LIST_KEYS, shapes.CONVERSATION_TIMESTAMPS)
                for c in visible
            ]
        elif name == "tags":
            out["tags"] = list(record["tags"])
        elif name in ("assets", "changes"):
            out[name] = []
        elif name == "related_tickets":
            out[name] = _related(account, record)
        elif name in ("onboarding_context", "offboarding_context"):
            request = account.employee_request_of(name.split("_")[0], record["id"])
            out[name] = (
                None
                if request is None
                else {
                    "fields": dict(request["fields"]),
                    "lookup_values": dict(request["lookup_values"]),
                }
            )
        else:  # problem: tickets name none in the fake's data
            out[name] = None


def children_of(account: AccountData, ticket_id: int) -> list[Record]:
    """The child tickets of a ticket, by id (only written tickets have a parent, so the scan
    stays on the few records the overlay holds)."""
    table = account.tickets
    found = (table.get(child_id) for child_id in table.written_ids())
    return sorted(
        (c for c in found if c is not None and c.get("_parent_ticket_id") == ticket_id),
        key=lambda c: int(c["id"]),
    )


def _related(account: AccountData, record: Record) -> dict[str, Any]:
    """A parent's children with their details, a child's parent, or nothing (guesses.py)."""
    if record.get("_parent_ticket_id") is not None:
        return {"parent_id": record["_parent_ticket_id"]}
    children = [c for c in children_of(account, record["id"]) if not c["deleted"]]
    if not children:
        return {}
    statuses = ticket_form.status_names(account.account)
    return {
        "child_ids": [c["id"] for c in children],
        "child_tickets_details": [
            {
                "id": c["id"],
                "subject": c["subject"],
                "status": statuses.get(c["status"], str(c["status"])),
                "priority": activities.PRIORITY.get(c["priority"], str(c["priority"])),
                "agent": activities.name_of(account, c["responder_id"]),
                "requester": activities.name_of(account, c["requester_id"]),
            }
            for c in children
        ],
    }


def visible_conversations(account: AccountData, ticket: Record) -> list[Record]:
    """A ticket's conversations as the caller may see them: a requester sees no private note."""
    conversations = account.conversations(ticket)
    who = caller()
    if not who.is_agent:
        conversations = [c for c in conversations if not c["private"]]
    return conversations
