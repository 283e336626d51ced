"""Tickets: list, filter, view, create (also as a child), update, delete and restore, notes and
conversations, activities and the satisfaction survey (docs/freshservice.md §11)."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from typing import Any

from flask import Blueprint, Response, request
from werkzeug.datastructures import FileStorage

from mock_freshservice import errors, filters, guesses
from mock_freshservice.api import conversations, shapes, ticket_fields
from mock_freshservice.api.common import (
    MAX_TEXT,
    Caller,
    check_query,
    endpoint,
    get_ticket,
    json_response,
    live_ticket,
    location,
    query_workspace,
    raise_if,
    raw_json_response,
    read_json_object,
    require,
)
from mock_freshservice.api.ticket_queries import (
    cached_ids,
    children_of,
    embed_includes,
    filter_fields,
    filter_ids,
    list_ids,
    list_item,
    list_page_json,
    stored_ticket,
    visible_conversations,
)
from mock_freshservice.api.uploads import (
    attachments_of,
    new_attachments,
    read_body,
    takes_uploads,
    without_attachment,
)
from mock_freshservice.clock import DAY, format_ts, parse_datetime
from mock_freshservice.data import activities, satisfaction, ticket_form, ticket_sources
from mock_freshservice.data.account import AccountData
from mock_freshservice.data.store import Record
from mock_freshservice.data.tickets import (
    custom_fields,
    new_requester,
    new_ticket,
    stats_for,
)
from mock_freshservice.errors import FieldError, ValidationFailed
from mock_freshservice.html_text import text_of
from mock_freshservice.pagination import Page, next_link, parse_page
from mock_freshservice.state import get_state
from mock_freshservice.validation import (
    Rule,
    array,
    boolean,
    choice,
    datetime_value,
    email,
    integer,
    mapping,
    one_of,
    positive_query_int,
    string,
    validate_body,
)

bp = Blueprint("tickets", __name__)
# Replies, conversation edits and the ticket form are served with the tickets: the app registers
# this blueprint, and these ride along.
bp.register_blueprint(conversations.bp)
bp.register_blueprint(ticket_fields.bp)

STATUSES = (2, 3, 4, 5)
PRIORITIES = (1, 2, 3, 4)
LEVELS = (1, 2, 3)
LIST_FILTERS = ("new_and_my_open", "watching", "spam", "deleted")
LIST_TYPES = ("Incident", "Service Request")
LIST_INCLUDES = (
    "stats",
    "requester",
    "requested_for",
    "onboarding_context",
    "offboarding_context",
    # Not among the list's documented includes; Freshservice takes it (guesses.py).
    "tags",
)
VIEW_INCLUDES = (
    "conversations",
    "requester",
    "requested_for",
    "stats",
    "problem",
    "assets",
    "changes",
    "related_tickets",
    "onboarding_context",
    "offboarding_context",
    "tags",
)
LIST_PARAMS = (
    "filter",
    "requester_id",
    "email",
    "updated_since",
    "type",
    "workspace_id",
    "order_type",
    "include",
    "page",
    "per_page",
)


# -- Listing ----------------------------------------------------------------------------------


@bp.get("/tickets")
@endpoint("list", "list_tickets")
def list_tickets() -> Response:
    who = require("tickets.view")
    account = who.account
    problems = check_query(LIST_PARAMS)
    page = parse_page(problems)
    args = request.args
    preset = args.get("filter")
    if preset is not None and preset not in LIST_FILTERS:
        problems.append(FieldError("filter", one_of(LIST_FILTERS), "invalid_value"))
    requester_id = _query_id("requester_id", problems)
    requester_email = args.get("email")
    if requester_email is not None and not re.match(r"^[^@\s]+@[^@\s]+$", requester_email):
        problems.append(
            FieldError("email", "It should be in the 'valid email address' format", "invalid_value")
        )
    since: int | None = None
    if "updated_since" in args:
        since = parse_datetime(args["updated_since"])
        if since is None:
            problems.append(
                FieldError(
                    "updated_since",
                    "It should be a valid date in the 'combined date and time ISO8601' format",
                    "invalid_value",
                )
            )
    ticket_type = args.get("type")
    if ticket_type is not None and ticket_type not in LIST_TYPES:
        problems.append(FieldError("type", one_of(LIST_TYPES), "invalid_value"))
    workspace_id = query_workspace(account, problems)
    order = args.get("order_type", "desc")
    if order not in ("asc", "desc"):
        problems.append(FieldError("order_type", one_of(("asc", "desc")), "invalid_value"))
    includes = _includes(LIST_INCLUDES, problems)
    raise_if(problems)

    requester_ids: tuple[int, ...] | None = None
    if requester_id is not None:
        requester_ids = (requester_id,)
    if requester_email is not None:
        user = account.user_by_email(requester_email)
        found = (user["id"],) if user is not None else ()
        requester_ids = found if requester_ids is None else tuple(set(requester_ids) & set(found))
    if not who.is_agent:
        mine = (who.user_id,) if requester_ids is None else requester_ids
        requester_ids = tuple(i for i in mine if i == who.user_id)

    now = get_state().clock.now()
    window_start = None
    if since is None and preset is None:
        window_start = now - guesses.DEFAULT_TICKET_WINDOW_DAYS * DAY
    key = (
        preset,
        requester_ids,
        since,
        window_start,
        ticket_type,
        workspace_id,
        order,
        who.user_id if preset in ("new_and_my_open", "watching") else None,
    )
    table = account.tickets
    version = table.version  # read first: a page is never kept under a newer version than its ids
    ticket_ids = cached_ids(account, key, lambda: list_ids(account, key))
    chunk, more = page.slice(ticket_ids)
    headers = {"Link": next_link(page)} if more else None
    if includes:
        items = [list_item(account, stored_ticket(account, tid), includes) for tid in chunk]
        return json_response({"tickets": items}, headers=headers)
    body = table.pages.get(
        version, (key, page.page, page.per_page), lambda: list_page_json(account, chunk)
    )
    return raw_json_response(body, headers=headers)


def _includes(allowed: tuple[str, ...], problems: list[FieldError]) -> tuple[str, ...]:
    raw = request.args.get("include")
    if raw is None:
        return ()
    names = tuple(dict.fromkeys(part.strip() for part in raw.split(",")))
    if not names or any(name not in allowed for name in names):
        problems.append(FieldError("include", one_of(allowed), "invalid_value"))
        return ()
    return names


def _query_id(name: str, problems: list[FieldError]) -> int | None:
    raw = request.args.get(name)
    if raw is None:
        return None
    value, problem = positive_query_int(name, raw)
    if problem:
        problems.append(problem)
    return value


# -- Filtering --------------------------------------------------------------------------------

FILTER_PAGE_SIZE = 30


def query_problem(exc: filters.FilterError) -> ValidationFailed:
    return ValidationFailed([FieldError("query", str(exc), "invalid_value")])


@bp.get("/tickets/filter")
@endpoint("list", "list_tickets" if guesses.FILTER_USES_LIST_TICKETS_SUB_LIMIT else None)
def filter_tickets() -> Response:
    who = require("tickets.view")
    account = who.account
    problems = check_query(("query", "page", "workspace_id"))
    page = parse_page(problems, fixed_per_page=FILTER_PAGE_SIZE)
    workspace_id = query_workspace(account, problems)
    raw = request.args.get("query")
    if raw is None:
        problems.append(FieldError("query", "It should be a/an String", "missing_field"))
    raise_if(problems)
    assert raw is not None
    try:
        tree = filters.parse(raw, filter_fields(account))
    except filters.FilterError as exc:
        raise query_problem(exc) from exc
    own = None if who.is_agent else who.user_id
    # `email:` reads the people tables, so their versions belong in the cache key too.
    people = (account.agents.version, account.requesters.version)
    key = ("filter", tree, workspace_id, own, people)
    ticket_ids = cached_ids(account, key, lambda: filter_ids(account, tree, workspace_id, own))
    chunk, _ = page.slice(ticket_ids)
    items = [
        shapes.render(
            stored_ticket(account, tid), shapes.TICKET_FILTER_KEYS, shapes.TICKET_TIMESTAMPS
        )
        for tid in chunk
    ]
    return json_response({"tickets": items, "total": len(ticket_ids)})


# -- Viewing ----------------------------------------------------------------------------------


@bp.get("/tickets/<int:ticket_id>")
@endpoint("view", "view_ticket")
def view_ticket(ticket_id: int) -> Response:
    who = require("tickets.view")
    problems = check_query(("include",))
    includes = _includes(VIEW_INCLUDES, problems)
    raise_if(problems)
    record = get_ticket(ticket_id, who)
    if not includes:  # the record alone: its bytes are kept while it stays current
        body = shapes.render_json(
            who.account.tickets, record, shapes.TICKET_VIEW_KEYS, shapes.TICKET_TIMESTAMPS
        )
        return raw_json_response(b'{"ticket":' + body + b"}")
    out = shapes.render(record, shapes.TICKET_VIEW_KEYS, shapes.TICKET_TIMESTAMPS)
    embed_includes(who.account, record, out, includes)
    return json_response({"ticket": out})


# -- Creating and updating --------------------------------------------------------------------

_TICKET_FIELDS: dict[str, Rule] = {
    "requester_id": Rule("Positive Integer", integer()),
    "email": Rule("String", email()),
    "phone": Rule("String", string()),
    "name": Rule("String", string()),
    "subject": Rule("String", string(255, blank_ok=False)),
    "description": Rule("String", string(MAX_TEXT, blank_ok=False)),
    # The built-in codes; a request also takes the account's own (`_for_account`).
    "status": Rule("Integer", choice(STATUSES)),
    "priority": Rule("Integer", choice(PRIORITIES)),
    "urgency": Rule("Integer", choice(LEVELS)),
    "impact": Rule("Integer", choice(LEVELS)),
    # The built-in codes; a request also takes the account's own (`_for_account`).
    "source": Rule("Integer", choice(tuple(ticket_sources.BUILT_IN))),
    "type": Rule("String", choice(("Incident",))),
    "responder_id": Rule("Positive Integer", integer()),
    "group_id": Rule("Positive Integer", integer()),
    "department_id": Rule("Positive Integer", integer()),
    "category": Rule("String", string()),
    "sub_category": Rule("String", string()),
    "item_category": Rule("String", string()),
    "due_by": Rule("String", datetime_value()),
    "fr_due_by": Rule("String", datetime_value()),
    "cc_emails": Rule("Array", array("String", email(), 50)),
    "tags": Rule("Array", array("String", string(32, blank_ok=False), 100)),
    "custom_fields": Rule("key/value pair", mapping()),
    "workspace_id": Rule("Positive Integer", integer()),
    "email_config_id": Rule("Positive Integer", integer()),
}

CREATE_RULES: dict[str, Rule] = {
    name: Rule(rule.expected, rule.check, required=name in guesses.TICKET_CREATE_REQUIRED)
    for name, rule in _TICKET_FIELDS.items()
}
CREATE_CHOICES = {"status": STATUSES, "priority": PRIORITIES}
UPDATE_RULES: dict[str, Rule] = {
    **{name: rule for name, rule in _TICKET_FIELDS.items() if name != "workspace_id"},
    "type": Rule("String", choice(("Incident", "Service Request"))),
    "requested_for_id": Rule("Positive Integer", integer()),
}
NOT_NULLABLE = ("subject", "description", "status", "priority", "source", "type", "tags")


def _not_null(body: Mapping[str, Any]) -> None:
    problems = [
        FieldError(
            name,
            f"Value set is of type Null.It should be a/an {rule.expected}",
            "datatype_mismatch",
        )
        for name, rule in _TICKET_FIELDS.items()
        if name in NOT_NULLABLE and name in body and body[name] is None
    ]
    raise_if(problems)


def _absent(field: str, resource: str) -> FieldError:
    return FieldError(field, f"There is no {resource} matching the given {field}", "invalid_value")


def _check_references(account: AccountData, body: Mapping[str, Any]) -> list[FieldError]:
    problems: list[FieldError] = []
    if body.get("responder_id") is not None and body["responder_id"] not in account.agents:
        problems.append(_absent("responder_id", "agent"))
    if body.get("group_id") is not None and account.groups.live(body["group_id"]) is None:
        problems.append(_absent("group_id", "group"))
    if (
        body.get("department_id") is not None
        and account.departments.live(body["department_id"]) is None
    ):
        problems.append(_absent("department_id", "department"))
    if body.get("workspace_id") is not None and body["workspace_id"] not in account.workspaces:
        problems.append(FieldError("workspace_id", one_of(account.workspaces.ids), "invalid_value"))
    if body.get("email_config_id") is not None:
        problems.append(_absent("email_config_id", "email config"))
    own_fields = ticket_form.fields_by_name(account.account)
    for name, value in (body.get("custom_fields") or {}).items():
        field = own_fields.get(name)
        if field is None:
            problems.append(
                FieldError(name, "Unexpected/invalid field in request", "invalid_field")
            )
            continue
        problem = None if value is None else ticket_form.value_problem(field, value)
        if problem is not None:
            problems.append(FieldError(name, *problem))
    return problems


def _resolve_requester(
    account: AccountData, who: Caller, body: Mapping[str, Any]
) -> tuple[int | None, list[FieldError]]:
    """The requester id a create names, creating a requester for an unknown email or phone."""
    if not who.is_agent:
        named = body.get("requester_id")
        email_given = body.get("email")
        own = account.user(who.user_id)
        own_email = (own or {}).get("primary_email", "")
        if (named is not None and named != who.user_id) or (
            email_given is not None and email_given.lower() != own_email.lower()
        ):
            raise errors.access_denied()
        return who.user_id, []
    if body.get("requester_id") is not None:
        requester_id = int(body["requester_id"])
        if account.user(requester_id) is None:
            return None, [_absent("requester_id", "contact")]
        return requester_id, []
    if body.get("email") is not None:
        existing = account.user_by_email(body["email"])
        if existing is not None:
            return int(existing["id"]), []
        return None, []  # created once the rest of the body is known to be valid
    if body.get("phone") is not None:
        for user in account.requesters.live_records():
            if body["phone"] in (user["work_phone_number"], user["mobile_phone_number"]):
                return int(user["id"]), []
        if not body.get("name"):
            return None, [FieldError("name", "It should be a/an String", "missing_field")]
        return None, []
    return None, [
        FieldError(
            "requester_id",
            "Please fill at least 1 of requester_id, phone, email fields",
            "missing_field",
        )
    ]


def _for_account(rules: Mapping[str, Rule], account: AccountData) -> dict[str, Rule]:
    """`rules` with `source` and `status` taking the account's own sources and statuses as
    well as the built-in ones."""
    sources = ticket_sources.codes(account.ticket_sources)
    statuses = tuple(ticket_form.status_names(account.account))
    return {
        **rules,
        "source": dataclasses.replace(rules["source"], check=choice(sources)),
        "status": dataclasses.replace(rules["status"], check=choice(statuses)),
    }


def _create_choices(account: AccountData) -> dict[str, Sequence[object]]:
    return {**CREATE_CHOICES, "status": tuple(ticket_form.status_names(account.account))}


@bp.post("/tickets")
@endpoint("write", "create_ticket")
@takes_uploads
def create_ticket() -> Response:
    who = require("tickets.create")
    check_query(())
    rules = _for_account(CREATE_RULES, who.account)
    body, files = read_body(rules, ticket_form.fields_by_name(who.account.account))
    validate_body(body, rules, choices=_create_choices(who.account))
    _not_null(body)
    record = _create(who, body, files=files)
    out = shapes.render(record, shapes.TICKET_WRITE_KEYS, shapes.TICKET_TIMESTAMPS)
    return json_response({"ticket": out}, 201, location(f"tickets/{record['id']}"))


@bp.post("/tickets/<int:ticket_id>/create_child_ticket")
@endpoint("write", "create_ticket")
def create_child_ticket(ticket_id: int) -> Response:
    who = require("tickets.create")
    check_query(())
    body = read_json_object()
    validate_body(
        body, _for_account(CREATE_RULES, who.account), choices=_create_choices(who.account)
    )
    _not_null(body)
    record = _create(who, body, parent_id=ticket_id)
    out = shapes.render(record, shapes.TICKET_WRITE_KEYS, shapes.TICKET_TIMESTAMPS)
    return json_response({"ticket": out}, 201, location(f"tickets/{record['id']}"))


def _create(
    who: Caller,
    body: Mapping[str, Any],
    parent_id: int | None = None,
    files: list[FileStorage] | None = None,
) -> Record:
    """A new ticket from a checked body (a child of `parent_id` when given) and the files sent
    with it, stored."""
    account = who.account
    now = get_state().clock.now()
    # Resolve the requester and write under one lock: two creates for the same unknown email
    # make one requester, as on a real tenant.
    with account.lock:
        if parent_id is not None:
            parent = live_ticket(parent_id, who)
            if parent.get("_parent_ticket_id") is not None:
                # Freshservice does not nest a child under a child.
                raise ValidationFailed(
                    [FieldError("parent_id", "Parent is invalid", "invalid_value")]
                )
        problems = _check_references(account, body)
        requester_id, requester_problems = _resolve_requester(account, who, body)
        raise_if(requester_problems + problems)
        if requester_id is None:
            requester_id = new_requester(
                account,
                now,
                email=body.get("email"),
                name=body.get("name"),
                phone=body.get("phone"),
            )
        record = new_ticket(
            account,
            now,
            subject=body["subject"],
            description=body["description"],
            requester_id=requester_id,
            status=body["status"],
            priority=body["priority"],
            urgency=body.get("urgency") or 1,
            impact=body.get("impact") or 1,
            source=body.get("source") or 2,
            ticket_type=body.get("type") or "Incident",
            responder_id=body.get("responder_id"),
            group_id=body.get("group_id"),
            department_id=body.get("department_id"),
            email_config_id=body.get("email_config_id"),
            category=body.get("category"),
            sub_category=body.get("sub_category"),
            item_category=body.get("item_category"),
            due_by=_when(body.get("due_by")),
            fr_due_by=_when(body.get("fr_due_by")),
            cc_emails=body.get("cc_emails") or (),
            tags=body.get("tags") or (),
            custom=body.get("custom_fields"),
            workspace_id=body.get("workspace_id"),
        )
        if parent_id is not None:
            record["_parent_ticket_id"] = parent_id
        record["attachments"] = new_attachments(account, record["id"], [], files or [], now)
        account.tickets.put(record)
        activities.record(
            account,
            record["id"],
            who.user_id,
            activities.creation_text(account, record),
            now,
            kind=activities.CREATED,
            sub_contents=[activities.SLA_NOTE],
        )
    return record


def _when(value: str | None) -> int | None:
    return None if value is None else parse_datetime(value)


@bp.put("/tickets/<int:ticket_id>")
@endpoint("write", "update_ticket")
@takes_uploads
def update_ticket(ticket_id: int) -> Response:
    who = require("tickets.edit")
    problems = check_query(("bypass_mandatory",))
    bypass = request.args.get("bypass_mandatory")
    if bypass is not None and bypass not in ("true", "false"):
        problems.append(FieldError("bypass_mandatory", one_of(("true", "false")), "invalid_value"))
    if bypass == "true" and who.role.name != "admin":
        raise errors.access_denied()
    raise_if(problems)
    rules = _for_account(UPDATE_RULES, who.account)
    body, files = read_body(rules, ticket_form.fields_by_name(who.account.account))
    if not body and not files:
        raise errors.missing_params()
    validate_body(body, rules)
    _not_null(body)
    account = who.account
    # Read, check and write under the account's lock, so concurrent updates never lose one.
    with account.lock:
        return _update_locked(who, ticket_id, body, files)


@bp.delete("/tickets/<int:ticket_id>/attachments/<int:attachment_id>")
@endpoint("write")
def delete_ticket_attachment(ticket_id: int, attachment_id: int) -> Response:
    """One attachment taken off a ticket (404 when it has none by that id)."""
    who = require("tickets.edit")
    check_query(())
    account = who.account
    with account.lock:
        record = get_ticket(ticket_id, who)
        if record["deleted"] or record["spam"]:
            raise errors.MethodNotAllowed("DELETE", ("GET",))
        kept = without_attachment(record, attachment_id)
        account.tickets.put({**record, "attachments": kept, "updated_at": get_state().clock.now()})
    return Response(status=204)


def update_service_request(who: Caller, ticket_id: int, body: Mapping[str, Any]) -> Response:
    """A Service Request ticket updated with a ticket body (`PUT /service_requests/{id}`, in
    Freshworks' OpenAPI file); any other ticket is not one (404)."""
    validate_body(body, _for_account(UPDATE_RULES, who.account))
    _not_null(body)
    with who.account.lock:
        if get_ticket(ticket_id, who)["type"] != "Service Request":
            raise errors.NotFound()
        return _update_locked(who, ticket_id, body)


def _update_locked(
    who: Caller, ticket_id: int, body: Mapping[str, Any], files: list[FileStorage] | None = None
) -> Response:
    account = who.account
    record = get_ticket(ticket_id, who)
    if record["deleted"] or record["spam"]:
        # A ticket in the trash or in spam can be read, not changed (guesses.py).
        raise errors.MethodNotAllowed("PUT", ("GET",))
    problems = _check_references(account, body)
    if "requester_id" in body or "email" in body or "phone" in body:
        requester_id, requester_problems = _resolve_requester(account, who, body)
        problems = requester_problems + problems
    else:
        requester_id = record["requester_id"]
    if "requested_for_id" in body:
        if record["type"] != "Service Request" and body.get("type") != "Service Request":
            problems.append(
                FieldError(
                    "requested_for_id",
                    "It can be updated only for Service Request tickets",
                    "incompatible_field",
                )
            )
        elif (
            body["requested_for_id"] is not None and account.user(body["requested_for_id"]) is None
        ):
            problems.append(_absent("requested_for_id", "contact"))
    raise_if(problems)
    now = get_state().clock.now()
    if requester_id is None:
        requester_id = new_requester(
            account, now, email=body.get("email"), name=body.get("name"), phone=body.get("phone")
        )
    updated = _updated(account, record, body, requester_id, now)
    if files:
        held = attachments_of(record, account.conversations(record))
        added = new_attachments(account, ticket_id, held, files, now)
        updated["attachments"] = [*(record.get("attachments") or []), *added]
    account.tickets.put(updated)
    changed = [name for name in activities.FIELD_NAMES if updated[name] != record[name]]
    if changed:
        shown = activities.settings(account, updated, changed)
        activities.record(account, ticket_id, who.user_id, activities.joined(shown), now)
    out = shapes.render(updated, shapes.TICKET_WRITE_KEYS, shapes.TICKET_TIMESTAMPS)
    return json_response({"ticket": out})


# -- Deleting and restoring ---------------------------------------------------------------------


@bp.delete("/tickets/<int:ticket_id>")
@endpoint("write")
def delete_ticket(ticket_id: int) -> Response:
    who = require("tickets.delete")
    check_query(())
    account = who.account
    now = get_state().clock.now()
    with account.lock:
        record = get_ticket(ticket_id, who)
        if record["deleted"] or record["spam"]:
            raise errors.MethodNotAllowed("DELETE", ("GET",))
        account.tickets.put({**record, "deleted": True, "updated_at": now})
        # "When a parent SR is deleted all the child tickets will also be deleted."
        for child in children_of(account, ticket_id):
            if not child["deleted"]:
                trashed = {**child, "deleted": True, "updated_at": now}
                account.tickets.put({**trashed, "_deleted_with_parent": True})
        activities.record(account, ticket_id, who.user_id, " deleted this ticket", now)
    return Response(status=204)


@bp.put("/tickets/<int:ticket_id>/restore")
@endpoint("write")
def restore_ticket(ticket_id: int) -> Response:
    who = require("tickets.delete")
    check_query(())
    account = who.account
    now = get_state().clock.now()
    with account.lock:
        record = get_ticket(ticket_id, who)
        if not record["deleted"] or record["spam"]:
            raise errors.NotFound()  # restore reaches only the trash
        account.tickets.put({**record, "deleted": False, "updated_at": now})
        for child in children_of(account, ticket_id):
            if child.get("_deleted_with_parent"):
                restored = {**child, "deleted": False, "updated_at": now}
                account.tickets.put({**restored, "_deleted_with_parent": False})
        activities.record(account, ticket_id, who.user_id, " restored this ticket from trash", now)
    return Response(status=204)


# -- Activities and satisfaction -----------------------------------------------------------------

ACTIVITIES_PAGE = 20


@bp.get("/tickets/<int:ticket_id>/activities")
@endpoint("list")
def list_activities(ticket_id: int) -> Response:
    who = require("tickets.view")
    check_query(("start_token",))
    raw = request.args.get("start_token")
    start = 0
    if raw is not None:
        # The token is the fake's own: where the next page starts.
        if not re.fullmatch(r"[0-9]{1,9}", raw):
            raise ValidationFailed(
                [FieldError("start_token", "It should be a valid start_token", "invalid_value")]
            )
        start = int(raw)
    record = get_ticket(ticket_id, who)
    found = activities.timeline(who.account, record)
    chunk = found[start : start + ACTIVITIES_PAGE]
    body: dict[str, Any] = {
        "activities": [{**a, "created_at": format_ts(a["created_at"])} for a in chunk]
    }
    if start + ACTIVITIES_PAGE < len(found):
        base = f"{request.host_url.rstrip('/')}/api/v2/tickets/{ticket_id}/activities"
        body["next_page_url"] = f"{base}?start_token={start + ACTIVITIES_PAGE}"
    return json_response(body)


@bp.get("/tickets/<int:ticket_id>/csat_response")
@endpoint("view")
def view_csat_response(ticket_id: int) -> Response:
    who = require("tickets.view")
    check_query(())
    record = get_ticket(ticket_id, who)
    response = satisfaction.response_of(who.account, record)
    if response is None:
        raise errors.NotFound()  # no survey answered for this ticket (guesses.py)
    return json_response({"csat_response": response})


_COPIED_ON_UPDATE = (
    "subject",
    "status",
    "priority",
    "urgency",
    "impact",
    "source",
    "type",
    "responder_id",
    "group_id",
    "department_id",
    "category",
    "sub_category",
    "item_category",
    "email_config_id",
    "requested_for_id",
)


def _updated(
    account: AccountData, record: Record, body: Mapping[str, Any], requester_id: int, now: int
) -> Record:
    """A copy of `record` with a valid update body applied."""
    updated = dict(record)
    for name in _COPIED_ON_UPDATE:
        if name in body:
            updated[name] = body[name]
    if "description" in body:
        updated["description"] = body["description"]
        updated["description_text"] = text_of(body["description"])
    if "cc_emails" in body:
        updated["cc_emails"] = list(body["cc_emails"] or [])
    if "tags" in body:
        updated["tags"] = list(dict.fromkeys(body["tags"]))  # replaces the whole set
    if "custom_fields" in body:
        updated["custom_fields"] = custom_fields(
            account, body["custom_fields"], record["custom_fields"]
        )
    for name in ("due_by", "fr_due_by"):
        if name in body:
            updated[name] = _when(body[name]) if body[name] is not None else record[name]
    if requester_id != record["requester_id"]:
        updated["requester_id"] = requester_id
        if "requested_for_id" not in body:
            updated["requested_for_id"] = requester_id
    updated["_stats"] = stats_for(updated["status"], record.get("_stats"), now)
    updated["updated_at"] = now
    return updated


# -- Notes and conversations ------------------------------------------------------------------

NOTE_RULES: dict[str, Rule] = {
    "body": Rule("String", string(MAX_TEXT, blank_ok=False), required=True),
    "private": Rule("Boolean", boolean(), nullable=False),
    "incoming": Rule("Boolean", boolean(), nullable=False),
    "notify_emails": Rule("Array", array("String", email(), 50)),
    "user_id": Rule("Positive Integer", integer()),
}


@bp.post("/tickets/<int:ticket_id>/notes")
@endpoint("write")
@takes_uploads
def create_note(ticket_id: int) -> Response:
    who = require("tickets.conversations.create")
    check_query(())
    body, files = read_body(NOTE_RULES)
    validate_body(body, NOTE_RULES)
    account = who.account
    user_id = body.get("user_id") or who.user_id
    if not who.is_agent and user_id != who.user_id:
        raise errors.access_denied()  # a requester writes as themselves only
    if account.user(user_id) is None:
        raise ValidationFailed([_absent("user_id", "user")])
    now = get_state().clock.now()
    html = body["body"]
    private = body.get("private", True) if who.is_agent else False
    with account.lock:  # the ticket is re-read under the lock so a racing update is kept
        ticket = live_ticket(ticket_id, who)
        held = attachments_of(ticket, account.conversations(ticket)) if files else []
        attachments = new_attachments(account, ticket_id, held, files, now)
        note: Record = {
            "id": account.next_conversation_id(),
            "body": html,
            "body_text": text_of(html),
            "incoming": body.get("incoming", False),
            "private": private,
            "created_at": now,
            "updated_at": now,
            "user_id": user_id,
            "support_email": None,
            "source": 2,
            "ticket_id": ticket_id,
            "to_emails": list(body.get("notify_emails") or []),
            "from_email": None,
            "cc_emails": [],
            "bcc_emails": None,
            "attachments": attachments,
        }
        account.add_conversation(ticket_id, note)
        touched = dict(ticket)
        touched["updated_at"] = now
        account.tickets.put(touched)
    out = shapes.render(note, shapes.NOTE_KEYS, shapes.CONVERSATION_TIMESTAMPS)
    return json_response({"conversation": out}, 201, location(f"conversations/{note['id']}"))


@bp.get("/tickets/<int:ticket_id>/conversations")
@endpoint("list")
def list_conversations(ticket_id: int) -> Response:
    who = require("tickets.conversations.view")
    problems = check_query(("page", "per_page"))
    page: Page = parse_page(problems)
    raise_if(problems)
    ticket = get_ticket(ticket_id, who)
    conversations = visible_conversations(who.account, ticket)
    chunk, more = page.slice(conversations)
    items = [
        shapes.render(c, shapes.CONVERSATION_LIST_KEYS, shapes.CONVERSATION_TIMESTAMPS)
        for c in chunk
    ]
    headers = {"Link": next_link(page)} if more else None
    return json_response({"conversations": items}, headers=headers)
