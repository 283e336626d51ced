"""The service catalog: categories, items (by display_id), search, and placing a request."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from flask import Blueprint, Response, request

from mock_freshservice import errors
from mock_freshservice.api import shapes, tickets
from mock_freshservice.api.common import (
    Caller,
    acting_user,
    can_view_ticket,
    check_query,
    endpoint,
    get_ticket,
    in_workspace,
    json_response,
    location,
    query_workspace,
    raise_if,
    read_json_object,
    require,
    search_page,
    words,
)
from mock_freshservice.data import ids
from mock_freshservice.data.account import AccountData
from mock_freshservice.data.store import Record
from mock_freshservice.data.tickets import new_requester, new_ticket
from mock_freshservice.errors import FieldError, ValidationFailed
from mock_freshservice.pagination import Page, next_link, parse_page
from mock_freshservice.state import get_state
from mock_freshservice.validation import (
    Rule,
    array,
    email,
    integer,
    mapping,
    mismatch,
    one_of,
    positive_query_int,
    validate_body,
)

bp = Blueprint("service_catalog", __name__)


def get_item(account: AccountData, display_id: int) -> Record:
    item = account.service_items.get(display_id)
    if item is None or item["deleted"]:
        raise errors.NotFound()
    return item


def _paged(items: Sequence[Record], page: Page) -> tuple[Sequence[Record], dict[str, str] | None]:
    chunk, more = page.slice(items)
    return chunk, ({"Link": next_link(page)} if more else None)


@bp.get("/service_catalog/categories")
@endpoint("list")
def list_categories() -> Response:
    who = require("service_catalog.view")
    problems = check_query(("workspace_id", "page", "per_page"))
    page = parse_page(problems)
    workspace_id = query_workspace(who.account, problems)
    raise_if(problems)
    found = [c for c in who.account.service_categories.all() if in_workspace(c, workspace_id)]
    chunk, headers = _paged(found, page)
    body = [shapes.render(c, shapes.SERVICE_CATEGORY_KEYS, shapes.PLAIN_TIMESTAMPS) for c in chunk]
    return json_response({"service_categories": body}, headers=headers)


@bp.get("/service_catalog/items")
@bp.get("/service_items")  # Freshworks' OpenAPI file's path for the same list
@endpoint("list")
def list_items() -> Response:
    who = require("service_catalog.view")
    account = who.account
    problems = check_query(("category_id", "workspace_id", "page", "per_page"))
    page = parse_page(problems)
    workspace_id = query_workspace(account, problems)
    category_id = None
    if "category_id" in request.args:
        category_id, problem = positive_query_int("category_id", request.args["category_id"])
        if problem:
            problems.append(problem)
    raise_if(problems)
    if category_id is not None:
        workspace_id = 0  # a category names its own workspace
    found = [
        item
        for item in account.service_items.all()
        if not item["deleted"]
        and in_workspace(item, workspace_id)
        and (category_id is None or item["category_id"] == category_id)
        and (who.is_agent or item["visibility"] == 2)
    ]
    chunk, headers = _paged(found, page)
    body = [shapes.render(i, shapes.SERVICE_ITEM_LIST_KEYS, shapes.PLAIN_TIMESTAMPS) for i in chunk]
    return json_response({"service_items": body}, headers=headers)


@bp.get("/service_catalog/items/search")
@endpoint("list")
def search_items() -> Response:
    who = require("service_catalog.view")
    account = who.account
    problems = check_query(("search_term", "workspace_id", "user_email", "page", "per_page"))
    page = parse_page(problems)
    workspace_id = query_workspace(account, problems)
    term = request.args.get("search_term")
    if term is None or not term.strip():
        problems.append(FieldError("search_term", "It should be a/an String", "missing_field"))
    acting_user(who, problems)
    raise_if(problems)
    assert term is not None
    wanted = words(term)
    found = []
    # A term with no words in it (e.g. "-") matches nothing, not everything.
    for item in account.service_items.all() if wanted else ():
        if item["deleted"] or item["visibility"] != 2 or not in_workspace(item, workspace_id):
            continue
        text = " ".join((item["name"], item["short_description"] or "", item["description"] or ""))
        present = set(words(text))
        if all(any(p.startswith(w) for p in present) for w in wanted):
            found.append(item)
    found.sort(key=lambda i: (term.lower() not in i["name"].lower(), i["display_id"]))
    return json_response(
        search_page(
            found,
            page,
            lambda i: shapes.render(i, shapes.SERVICE_ITEM_KEYS, shapes.PLAIN_TIMESTAMPS),
            "service_items",
        )
    )


@bp.get("/service_catalog/items/<int:display_id>")
@bp.get("/service_items/<int:display_id>")  # Freshworks' OpenAPI file's path
@endpoint("view")
def view_item(display_id: int) -> Response:
    who = require("service_catalog.view")
    check_query(())
    item = get_item(who.account, display_id)
    if not who.is_agent and item["visibility"] != 2:
        raise errors.NotFound()
    return json_response(
        {"service_item": shapes.render(item, shapes.SERVICE_ITEM_KEYS, shapes.PLAIN_TIMESTAMPS)}
    )


# -- Placing a request ------------------------------------------------------------------------

PLACE_RULES: dict[str, Rule] = {
    "email": Rule("String", email()),
    "requested_for": Rule("String", email()),
    "quantity": Rule("Positive Integer", integer()),
    "custom_fields": Rule("key/value pair", mapping()),
    "child_items": Rule("Array", array("key/value pair", mapping(), 50)),
    "parent_ticket_id": Rule("Positive Integer", integer()),
}
MAX_QUANTITY = 1_000


def _form_problems(item: Record, given: Mapping[str, Any]) -> list[FieldError]:
    """The item's request form: known fields only, required ones present, values typed."""
    fields = {f["name"]: f for f in item["custom_fields"]}
    problems = [
        FieldError(name, "Unexpected/invalid field in request", "invalid_field")
        for name in given
        if name not in fields
    ]
    if problems:
        return problems
    for name, field in fields.items():
        value = given.get(name)
        if value is None:
            if field["required"]:
                problems.append(FieldError(name, "It should be a/an String", "missing_field"))
            continue
        kind = field["field_type"]
        if kind == "custom_checkbox":
            if not isinstance(value, bool):
                problems.append(FieldError(name, mismatch(value, "Boolean"), "datatype_mismatch"))
        elif kind == "custom_number":
            if isinstance(value, bool) or not isinstance(value, int):
                problems.append(FieldError(name, mismatch(value, "Integer"), "datatype_mismatch"))
        elif not isinstance(value, str):
            problems.append(FieldError(name, mismatch(value, "String"), "datatype_mismatch"))
        elif kind == "custom_dropdown" and value not in [c[1] for c in field["choices"]]:
            problems.append(
                FieldError(name, one_of(c[1] for c in field["choices"]), "invalid_value")
            )
        elif kind == "custom_paragraph" and not value.strip() and field["required"]:
            problems.append(
                FieldError(
                    name, "It should not be blank as this is a mandatory field", "invalid_value"
                )
            )
    return problems


@bp.get("/catalog/item/<int:display_id>/fields")
@endpoint("view")
def item_fields(display_id: int) -> Response:
    """The item's request form (its `custom_fields`), at Freshworks' OpenAPI file's path; the
    envelope is `fields` (guesses.SERVICE_CATALOG_PATHS)."""
    who = require("service_catalog.view")
    check_query(())
    item = get_item(who.account, display_id)
    if not who.is_agent and item["visibility"] != 2:
        raise errors.NotFound()
    rendered = shapes.render(item, ("custom_fields",), shapes.PLAIN_TIMESTAMPS)
    return json_response({"fields": rendered["custom_fields"] or []})


# The body of `POST /service_requests` (Freshworks' OpenAPI file): the item by `id` (its id or
# display id), the requester and beneficiary by email.
SERVICE_REQUEST_RULES: dict[str, Rule] = {
    "id": Rule("Positive Integer", integer(), required=True, nullable=False),
    "requester_email": Rule("String", email(), required=True, nullable=False),
    "requested_for_email": Rule("String", email()),
    "quantity": Rule("Positive Integer", integer()),
    "custom_fields": Rule("key/value pair", mapping()),
}
# `PUT /service_requests/{id}`: the file's names → the ticket's.
SERVICE_REQUEST_UPDATE_NAMES = {
    "requester_email": "email", "subject": "subject", "status": "status",
    "priority": "priority", "description": "description", "agent_id": "responder_id",
    "due_by": "due_by", "group_id": "group_id", "source": "source", "tags": "tags",
    "requested_for_email": "requested_for_id",
}  # fmt: skip


@bp.post("/service_requests")
@endpoint("write", "create_ticket")
def create_service_request() -> Response:
    who = require("service_catalog.request")
    check_query(())
    body = read_json_object()
    validate_body(body, SERVICE_REQUEST_RULES)
    account = who.account
    item = next(
        (i for i in account.service_items.all() if body["id"] in (i["id"], i["display_id"])),
        None,
    )
    if item is None or item["deleted"]:
        raise_if(
            [FieldError("id", "There is no service item matching the given id", "invalid_value")]
        )
    placed = {"email": body["requester_email"]}
    if body.get("requested_for_email") is not None:
        placed["requested_for"] = body["requested_for_email"]
    for name in ("quantity", "custom_fields"):
        if name in body:
            placed[name] = body[name]
    assert item is not None  # raise_if refused a missing one
    return _place(who, int(item["display_id"]), placed)


@bp.put("/service_requests/<int:ticket_id>")
@endpoint("write", "update_ticket")
def update_service_request(ticket_id: int) -> Response:
    who = require("tickets.edit")
    check_query(())
    body = read_json_object()
    if not body:
        raise errors.missing_params()
    unknown = [name for name in body if name not in SERVICE_REQUEST_UPDATE_NAMES]
    if unknown:
        raise_if(
            [FieldError(n, "Unexpected/invalid field in request", "invalid_field") for n in unknown]
        )
    translated: dict[str, Any] = {SERVICE_REQUEST_UPDATE_NAMES[n]: v for n, v in body.items()}
    if isinstance(translated.get("requested_for_id"), str):
        user = who.account.user_by_email(translated["requested_for_id"])
        if user is None:
            raise_if(
                [
                    FieldError(
                        "requested_for_email",
                        "There is no user matching the given requested_for_email",
                        "invalid_value",
                    )
                ]
            )
        translated["requested_for_id"] = None if user is None else user["id"]
    return tickets.update_service_request(who, ticket_id, translated)


@bp.post("/service_catalog/items/<int:display_id>/place_request")
@endpoint("write", "create_ticket")
def place_request(display_id: int) -> Response:
    who = require("service_catalog.request")
    check_query(())
    body = read_json_object()
    validate_body(body, PLACE_RULES)
    return _place(who, display_id, body)


def _place(who: Caller, display_id: int, body: Mapping[str, Any]) -> Response:
    """The request placed: a Service Request ticket with the item requested."""
    account = who.account
    now = get_state().clock.now()
    with account.lock:
        item = get_item(account, display_id)
        if not who.is_agent and item["visibility"] != 2:
            raise errors.NotFound()  # as the view answers: a requester never learns of drafts
        problems: list[FieldError] = []
        if item["visibility"] != 2:
            problems.append(
                FieldError("display_id", "The service item is not published", "invalid_value")
            )
        quantity = body.get("quantity") or 1
        if quantity > MAX_QUANTITY or (quantity > 1 and not item["allow_quantity"]):
            limit = MAX_QUANTITY if item["allow_quantity"] else 1
            problems.append(
                FieldError(
                    "quantity",
                    f"It should be a Positive Integer less than or equal to {limit}",
                    "invalid_value",
                )
            )
        if body.get("child_items"):
            problems.append(
                FieldError("child_items", "The service item has no child items", "invalid_value")
            )
        problems += _form_problems(item, body.get("custom_fields") or {})
        requested_for = None
        if body.get("requested_for") is not None:
            requested_for = account.user_by_email(body["requested_for"])
            if requested_for is None:
                problems.append(
                    FieldError(
                        "requested_for",
                        "There is no user matching the given requested_for",
                        "invalid_value",
                    )
                )
        parent_id = body.get("parent_ticket_id")
        if parent_id is not None:
            parent = account.tickets.get(parent_id)
            # A ticket the caller may not view answers as one that does not exist (no probing).
            if (
                parent is None
                or not can_view_ticket(parent, who)
                or parent["deleted"]
                or parent["spam"]
            ):
                problems.append(
                    FieldError(
                        "parent_ticket_id",
                        "There is no ticket matching the given parent_ticket_id",
                        "invalid_value",
                    )
                )
        requester_id = _requester(account, who, body.get("email"), problems)
        raise_if(problems)
        if requester_id is None:  # an unknown email makes a requester, as for tickets
            requester_id = new_requester(account, now, email=body["email"], name=None, phone=None)
        requester = account.user(requester_id) or {}
        beneficiary = requested_for or requester
        name = " ".join(
            p for p in (beneficiary.get("first_name"), beneficiary.get("last_name")) if p
        )
        subject = (
            item["configs"]["subject"]
            .replace("{{requested_for}}", name)
            .replace("{{item.name}}", item["name"])
        )
        ticket = new_ticket(
            account,
            now,
            subject=subject,
            description="",
            requester_id=requester_id,
            priority=2,
            ticket_type="Service Request",
            requested_for_id=None if requested_for is None else requested_for["id"],
            workspace_id=item["workspace_id"],
            approval_status=None,
        )
        # Kept for `include=related_tickets`; no documented response field carries it.
        ticket["_parent_ticket_id"] = parent_id
        account.tickets.put(ticket)
        account.set_requested_items(
            ticket["id"],
            [
                {
                    "custom_fields": dict(body.get("custom_fields") or {}),
                    "id": ids.requested_item_id(account.index, ticket["id"]),
                    "created_at": now,
                    "updated_at": now,
                    "quantity": quantity,
                    "stage": 1,
                    "loaned": False,
                    "cost_per_request": float(item["cost"] or 0),
                    "remarks": None,
                    "delivery_time": item["delivery_time"],
                    "is_parent": True,
                    "service_item_id": display_id,
                    "attachments": [],
                }
            ],
        )
    out = shapes.render(ticket, shapes.SERVICE_REQUEST_KEYS, shapes.TICKET_TIMESTAMPS)
    return json_response({"service_request": out}, 201, location(f"tickets/{ticket['id']}"))


def _requester(
    account: AccountData, who: Caller, email_address: str | None, problems: list[FieldError]
) -> int | None:
    """Who the request is raised for: `email`'s user, else the caller (DOCS note 1)."""
    if email_address is None:
        return who.user_id
    user = account.user_by_email(email_address)
    if not who.is_agent and (user is None or user["id"] != who.user_id):
        raise errors.access_denied()  # a requester raises requests for themselves only
    return None if user is None else int(user["id"])


@bp.get("/tickets/<int:ticket_id>/requested_items")
@endpoint("list")
def requested_items(ticket_id: int) -> Response:
    who = require("tickets.view")
    check_query(())
    ticket = get_ticket(ticket_id, who)
    if ticket["type"] != "Service Request":
        raise ValidationFailed(
            [FieldError("ticket_id", "The ticket is not a service request", "invalid_value")]
        )
    items = who.account.requested_items.get(ticket_id, [])
    body = [shapes.render(i, shapes.REQUESTED_ITEM_KEYS, shapes.PLAIN_TIMESTAMPS) for i in items]
    return json_response({"requested_items": body})
