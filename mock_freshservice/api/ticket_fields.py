"""The ticket form (`GET /ticket_form_fields`) and the account's own ticket sources
(`POST /ticket_fields/sources`), as the API reference's "List all Ticket Fields" and "Create a
Source" samples show them."""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Sequence
from typing import Any

from flask import Blueprint, Response

from mock_freshservice import errors
from mock_freshservice.api import shapes
from mock_freshservice.api.common import (
    Caller,
    check_query,
    endpoint,
    json_response,
    query_workspace,
    raise_if,
    read_json_object,
    require,
)
from mock_freshservice.clock import DAY, format_ts
from mock_freshservice.data import activities, ids, ticket_form, ticket_sources, vocab
from mock_freshservice.data.account import AccountData
from mock_freshservice.resources.forms import FIELD_ID_BASE
from mock_freshservice.state import get_state
from mock_freshservice.validation import Rule, string, validate_body

bp = Blueprint("ticket_fields", __name__)

Json = dict[str, Any]
GLOBAL_WORKSPACE = 1  # the sample's default fields belong to it
TICKET_TYPES = ("Incident", "Service Request")
SOURCE_KEYS = (
    "id",
    "created_at",
    "updated_at",
    "choice_id",
    "value",
    "position",
    "visible",
    "default",
)
SOURCE_RULES = {"name": Rule("String", string(255, blank_ok=False), required=True)}


class _Numbers:
    """Ids of the form's fields and choices, fixed per account (the account's range of form
    field ids, apart from other resources' forms)."""

    def __init__(self, account: AccountData) -> None:
        salt = zlib.crc32(b"tickets") % 1_000
        self.base = FIELD_ID_BASE + account.index * ids.SPAN + salt * 1_000
        self.choices = 0

    def field(self, position: int) -> int:
        return self.base + position

    def nested(self, level: int) -> int:
        return self.base + 50 + level

    def choice(self) -> int:
        self.choices += 1
        return self.base + 100 + self.choices


def _field(
    numbers: _Numbers,
    position: int,
    what: tuple[str, str, str, str],
    *,
    created: str | None,
    required: bool = False,
    customers_can_edit: bool = False,
    required_for_customers: bool = False,
    displayed_to_customers: bool = False,
    required_for_closure: bool = False,
    label_for_customers: str | None = None,
    default_field: bool = True,
    extra: Json | None = None,
    choices: Sequence[Json] = (),
    nested_fields: Sequence[Json] = (),
    workspace_id: int | None = GLOBAL_WORKSPACE,
) -> Json:
    """One field; `what` is its (name, label, description, field_type)."""
    name, label, description, field_type = what
    return {
        "id": numbers.field(position),
        "label": label,
        "description": description,
        "field_type": field_type,
        "created_at": created,
        "updated_at": created,
        "position": position,
        "required_for_closure": required_for_closure,
        "name": name,
        "default_field": default_field,
        "required_for_agents": required,
        "customers_can_edit": customers_can_edit,
        "label_for_customers": label_for_customers or label,
        "required_for_customers": required_for_customers,
        "displayed_to_customers": displayed_to_customers,
        "belongs_to_section": False,
        **(extra or {}),
        "choices": list(choices),
        "nested_fields": list(nested_fields),
        "sections": [],
        "workspace_id": workspace_id,
    }


def _coded(labels: Iterable[tuple[int, str]]) -> list[Json]:
    return [{"id": code, "value": label} for code, label in labels]


def _category_tree() -> dict[str, dict[str, list[str]]]:
    tree: dict[str, dict[str, list[str]]] = {}
    for category, sub_category, item in vocab.CATEGORIES:
        subs = tree.setdefault(category, {})
        if sub_category is not None:
            items = subs.setdefault(sub_category, [])
            if item is not None and item not in items:
                items.append(item)
    return tree


def _category_choices(numbers: _Numbers) -> list[Json]:
    """Category → sub-category → item, numbered in order as the sample numbers them."""
    shown = 0

    def option(value: str) -> Json:
        nonlocal shown
        shown += 1
        return {"id": numbers.choice(), "display_id": shown, "value": value}

    found = []
    for category, subs in _category_tree().items():
        top = option(category)
        top["nested_options"] = []
        for sub_category, items in subs.items():
            middle = option(sub_category)
            middle["nested_options"] = [option(item) for item in items]
            top["nested_options"].append(middle)
        found.append(top)
    return found


def _category_levels(numbers: _Numbers, created: str | None) -> list[Json]:
    return [
        {
            "name": name,
            "id": numbers.nested(level),
            "label": label,
            "label_in_portal": label,
            "level": level,
            "description": description,
            "created_at": created,
            "updated_at": created,
            "field_id": numbers.field(13),
        }
        for name, label, level, description in (
            ("sub_category", "Sub-Category", 2, "Ticket Sub Category"),
            ("item_category", "Item", 3, "Ticket Item"),
        )
    ]


def _agent_choices(account: AccountData, who: Caller) -> list[Json]:
    found = []
    for agent in account.agents.live_records():
        name = activities.name_of(account, agent["id"]) or agent["email"]
        if agent["id"] == who.user_id:
            name += " (Me)"
        elif not agent["active"]:
            name += " (Deactivated)"
        found.append({"id": agent["id"], "value": name})
    return found


def _source_choices(account: AccountData) -> list[Json]:
    own = ticket_sources.custom_sources(account.ticket_sources)
    return [
        *_coded((code, ticket_sources.FORM_NAMES[code]) for code in ticket_sources.FORM_ORDER),
        *_coded((r["choice_id"], r["value"]) for r in own),
    ]


def form_fields(account: AccountData, who: Caller) -> list[Json]:
    """The ticket form: the default fields in the sample's order, then the custom ones."""
    numbers = _Numbers(account)
    created = format_ts(account.generator.anchor - 400 * DAY)
    shown = ticket_form.requester_status_names(account.account)
    levels = {1: "Low", 2: "Medium", 3: "High"}
    fields = [
        _field(
            numbers, 0, ("workspace_id", "Workspace", "Default Workspace", "default_workspace"),
            created=created, required=True, customers_can_edit=True, displayed_to_customers=True,
            required_for_closure=True, label_for_customers="Issue related to", workspace_id=None,
        ),
        _field(
            numbers, 1, ("requester", "Requester", "Ticket requester", "default_requester"),
            created=created, required=True, customers_can_edit=True,
            required_for_customers=True, displayed_to_customers=True,
            extra={"portal_cc": False, "portalcc_to": "company"},
        ),
        _field(
            numbers, 2, ("subject", "Subject", "Ticket subject", "default_subject"),
            created=created, required=True, customers_can_edit=True,
            required_for_customers=True, displayed_to_customers=True,
        ),
        _field(
            numbers, 3, ("source", "Source", "Ticket source", "default_source"),
            created=created, choices=_source_choices(account),
        ),
        _field(
            numbers, 4, ("ticket_type", "Type", "Ticket type", "default_ticket_type"),
            created=created,
            choices=[{"id": numbers.choice(), "value": name} for name in TICKET_TYPES],
        ),
        _field(
            numbers, 5, ("status", "Status", "Ticket status", "default_status"),
            created=created, required=True, displayed_to_customers=True,
            choices=[
                {"id": code, "value": label, "requester_display_value": shown[code]}
                for code, label in ticket_form.status_names(account.account).items()
            ],
        ),
        _field(
            numbers, 6, ("urgency", "Urgency", "Ticket urgency", "default_urgency"),
            created=created, choices=_coded(levels.items()),
        ),
        _field(
            numbers, 7, ("impact", "Impact", "Ticket impact", "default_impact"),
            created=created, choices=_coded(levels.items()),
        ),
        _field(
            numbers, 8, ("priority", "Priority", "Ticket priority", "default_priority"),
            created=created, required=True, choices=_coded(activities.PRIORITY.items()),
        ),
        _field(
            numbers, 9, ("group", "Group", "Ticket group", "default_group"),
            created=created,
            choices=_coded((g["id"], g["name"]) for g in account.groups.live_records()),
        ),
        _field(
            numbers, 10, ("agent", "Assigned to", "Agent", "default_agent"),
            created=created, displayed_to_customers=True, choices=_agent_choices(account, who),
        ),
        _field(
            numbers, 11,
            ("department", "Department", "Select the department, the ticket belongs to.",
             "default_department"),
            created=created,
            choices=_coded((d["id"], d["name"]) for d in account.departments.live_records()),
        ),
        _field(
            numbers, 12,
            ("description", "Description", "Ticket description", "default_description"),
            created=created, required=True, customers_can_edit=True,
            required_for_customers=True, displayed_to_customers=True,
        ),
        _field(
            numbers, 13, ("category", "Category", "Ticket category", "default_category"),
            created=created, choices=_category_choices(numbers),
            nested_fields=_category_levels(numbers, created),
        ),
    ]  # fmt: skip
    for position, field in enumerate(account.account.ticket_fields, start=14):
        fields.append(
            _field(
                numbers, position,
                (field.name, field.shown_label, "", ticket_form.FORM_TYPES[field.type]),
                created=created, customers_can_edit=True, displayed_to_customers=True,
                default_field=False,
                choices=[
                    {"id": numbers.choice(), "display_id": n, "value": value}
                    for n, value in enumerate(field.choices, start=1)
                ],
            )
        )  # fmt: skip
    return fields


@bp.get("/ticket_form_fields")
@endpoint("list")
def list_ticket_fields() -> Response:
    who = require("tickets.view")
    problems = check_query(("workspace_id",))
    query_workspace(who.account, problems)
    raise_if(problems)
    if not who.is_agent:
        raise errors.access_denied()  # the form's settings are the agents' (guesses.py)
    return json_response({"ticket_fields": form_fields(who.account, who)})


@bp.post("/ticket_fields/sources")
@endpoint("write")
def create_source() -> Response:
    who = require("tickets.fields.manage")
    check_query(())
    body = read_json_object()
    validate_body(body, SOURCE_RULES)
    account = who.account
    table = account.ticket_sources
    now = get_state().clock.now()
    with account.lock:
        if ticket_sources.taken(table, body["name"]):
            raise errors.RequestError(409, "duplicate_value", "Record already exists.")
        source = ticket_sources.new_source(table, body["name"], now)
        table.put(source)
    out = shapes.render(source, SOURCE_KEYS, shapes.PLAIN_TIMESTAMPS)
    return json_response({"source": out}, 201)
