"""Employee onboarding and offboarding requests: list, view, form, create and tickets."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from flask import Blueprint, Response

from mock_freshservice import errors
from mock_freshservice.api import shapes
from mock_freshservice.api.common import (
    check_query,
    endpoint,
    json_response,
    location,
    raise_if,
    read_json_object,
    require,
)
from mock_freshservice.clock import parse_date
from mock_freshservice.data.account import AccountData
from mock_freshservice.data.employees import (
    AGENTS,
    ALL_USERS,
    ASSETS,
    DEPARTMENTS,
    LOCATIONS,
    REQUESTERS,
    FormField,
    Kind,
    form,
    out_date,
    raise_request,
    user_lookup,
)
from mock_freshservice.data.store import Record, Table
from mock_freshservice.errors import FieldError
from mock_freshservice.pagination import next_link, parse_page
from mock_freshservice.state import get_state
from mock_freshservice.validation import (
    EMAIL,
    MAX_ID,
    Rule,
    integer,
    mapping,
    mismatch,
    one_of,
    validate_body,
)

bp = Blueprint("employees", __name__)

BODY_RULES: dict[str, Rule] = {
    "fields": Rule("key/value pair", mapping(), required=True, nullable=False),
    "initiator_id": Rule("Positive Integer", integer()),
}
TICKET_CONTEXT_KEYS = (
    "id",
    "created_at",
    "updated_at",
    "subject",
    "responder_email",
    "status",
    "parent",
    "predecessor_ticket_id",
    "successor_ticket_ids",
)


def _table(account: AccountData, kind: Kind) -> Table:
    return account.employee_requests[kind]


def _get(account: AccountData, kind: Kind, request_id: int) -> Record:
    record: Record | None = _table(account, kind).get(request_id)
    if record is None:
        raise errors.NotFound()
    return record


def _privilege(kind: Kind, action: str) -> str:
    return f"{kind}_requests.{action}"


# -- Reading ----------------------------------------------------------------------------------


def list_requests(kind: Kind) -> Response:
    who = require(_privilege(kind, "view"))
    problems = check_query(("page", "per_page"))
    page = parse_page(problems)
    raise_if(problems)
    found = sorted(_table(who.account, kind).all(), key=lambda r: r["id"], reverse=True)
    chunk, more = page.slice(found)
    headers = {"Link": next_link(page)} if more else None
    body = [
        shapes.render(r, shapes.EMPLOYEE_REQUEST_LIST_KEYS, shapes.PLAIN_TIMESTAMPS) for r in chunk
    ]
    return json_response({f"{kind}_requests": body}, headers=headers)


def view_request(kind: Kind, request_id: int) -> Response:
    who = require(_privilege(kind, "view"))
    check_query(())
    record = _get(who.account, kind, request_id)
    return json_response(
        {
            f"{kind}_request": shapes.render(
                record, shapes.EMPLOYEE_REQUEST_KEYS, shapes.PLAIN_TIMESTAMPS
            )
        }
    )


def view_form(kind: Kind) -> Response:
    require(_privilege(kind, "view"))
    check_query(())
    return json_response({"fields": [f.as_json(n) for n, f in enumerate(form(kind), start=1)]})


def request_tickets(kind: Kind, request_id: int) -> Response:
    """The request's parent ticket and its chain of child tickets, with the request's context."""
    who = require(_privilege(kind, "view"))
    check_query(())
    account = who.account
    record = _get(account, kind, request_id)
    chain = record["_tickets"]
    context = {"fields": dict(record["fields"]), "lookup_values": dict(record["lookup_values"])}
    out = []
    for position, ticket_id in enumerate(chain):
        ticket = account.tickets.get(ticket_id)
        if ticket is None:
            continue
        responder = account.agents.live(ticket["responder_id"]) if ticket["responder_id"] else None
        item = shapes.render(
            {
                **ticket,
                "responder_email": "" if responder is None else responder["email"],
                "parent": position == 0,
                "predecessor_ticket_id": chain[position - 1] if position else None,
                "successor_ticket_ids": [chain[position + 1]]
                if position + 1 < len(chain)
                else None,
            },
            TICKET_CONTEXT_KEYS,
            shapes.PLAIN_TIMESTAMPS,
        )
        item[f"{kind}_context"] = context
        out.append(item)
    return json_response({f"{kind}_tickets": out})


# -- Creating ---------------------------------------------------------------------------------


def create_request(kind: Kind) -> Response:
    who = require(_privilege(kind, "create"))
    check_query(())
    body = read_json_object()
    validate_body(body, BODY_RULES)
    account = who.account
    now = get_state().clock.now()
    initiator_id = body.get("initiator_id")
    if initiator_id is not None and initiator_id != who.user_id and who.role.name != "admin":
        raise errors.access_denied()  # DOCS: only admins raise requests on behalf of others
    with account.lock:
        problems: list[FieldError] = []
        initiator = account.user(initiator_id or who.user_id)
        if initiator is None:
            problems.append(
                FieldError(
                    "initiator_id",
                    "There is no user matching the given initiator_id",
                    "invalid_value",
                )
            )
        fields, lookups = _read_form(account, kind, body["fields"], problems)
        raise_if(problems)
        assert initiator is not None
        table = _table(account, kind)
        hr_manager = account.agents.live(account.agents.ids[0]) or initiator
        record = raise_request(
            account,
            kind,
            now,
            request_id=table.next_id(),
            fields=fields,
            lookups=lookups,
            initiator=initiator,
            hr_manager=hr_manager,
        )
    out = shapes.render(record, shapes.EMPLOYEE_REQUEST_KEYS, shapes.PLAIN_TIMESTAMPS)
    out["ticket_id"] = None  # the answer to a create comes before the ticket exists (DOCS sample)
    return json_response({f"{kind}_request": out}, 201, location(f"{kind}_requests/{record['id']}"))


def _read_form(
    account: AccountData, kind: Kind, given: Mapping[str, Any], problems: list[FieldError]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Form values as stored (dates DD-MM-YYYY, lookups as ids) and the looked-up records."""
    fields = {f.name: f for f in form(kind)}
    unknown = [name for name in given if name not in fields]
    if unknown:
        problems.extend(
            FieldError(n, "Unexpected/invalid field in request", "invalid_field") for n in unknown
        )
        return {}, {}
    stored: dict[str, Any] = {}
    lookups: dict[str, Any] = {}
    for name, field in fields.items():
        value = given.get(name)
        if value is None:
            if field.required:
                problems.append(FieldError(name, _expected(field), "missing_field"))
            stored[name] = None
            continue
        problem = _value_problem(field, value)
        if problem is not None:
            problems.append(FieldError(name, *problem))
            continue
        if field.field_type == "custom_date":
            stored[name] = out_date(value)
        elif field.data_source is not None and field.field_type in (
            "custom_lookup_bigint",
            "custom_text",
        ):
            found = _lookup(account, field.data_source, value)
            if found is None:
                if field.field_type == "custom_text":  # an email that names nobody stays text
                    stored[name] = value
                    continue
                problems.append(
                    FieldError(
                        name, f"There is no record matching the given {name}", "invalid_value"
                    )
                )
                continue
            record_id, looked_up = found
            stored[name] = value if field.field_type == "custom_text" else record_id
            lookups[name] = looked_up
        else:
            stored[name] = value
    return stored, lookups


def _expected(field: FormField) -> str:
    if field.choices:
        return one_of(field.choices)
    return {
        "custom_checkbox": "It should be a/an Boolean",
        "custom_lookup_bigint": "It should be a/an Positive Integer",
        "custom_multi_select_dropdown": "It should be a/an Array",
    }.get(field.field_type, "It should be a/an String")


def _value_problem(field: FormField, value: Any) -> tuple[str, str] | None:
    kind = field.field_type
    if kind == "custom_checkbox":
        return (
            None if isinstance(value, bool) else (mismatch(value, "Boolean"), "datatype_mismatch")
        )
    if kind == "custom_lookup_bigint":
        if isinstance(value, bool) or not isinstance(value, (int, str)):
            return mismatch(value, "Positive Integer"), "datatype_mismatch"
        if isinstance(value, int) and not 0 < value <= MAX_ID:
            return "It should be a/an Positive Integer", "invalid_value"
        return None
    if kind == "custom_multi_select_dropdown":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return mismatch(value, "Array"), "datatype_mismatch"
        return (
            None
            if all(v in field.choices for v in value)
            else (one_of(field.choices), "invalid_value")
        )
    if not isinstance(value, str):
        return mismatch(value, "String"), "datatype_mismatch"
    if kind == "custom_date":
        if parse_date(value) is None:
            return "It should be a valid date in the 'yyyy-mm-dd' format", "invalid_value"
    elif kind == "custom_dropdown" and value not in field.choices:
        return one_of(field.choices), "invalid_value"
    elif field.data_source == ALL_USERS and kind == "custom_text" and not EMAIL.match(value):
        return "It should be in the 'valid email address' format", "invalid_value"
    elif len(value) > (65_535 if kind == "custom_paragraph" else 255):
        return f"Has {len(value)} characters, it is too long", "invalid_value"
    return None


def _lookup(
    account: AccountData, source: int, value: int | str
) -> tuple[int, dict[str, Any]] | None:
    """(id, lookup_values entry) of what a lookup field names: an id, or an email or a name."""
    if source in (ALL_USERS, REQUESTERS, AGENTS):
        user = account.user(value) if isinstance(value, int) else account.user_by_email(value)
        if (
            user is None
            or (source == AGENTS and user["id"] not in account.agents)
            or (source == REQUESTERS and user["id"] not in account.requesters)
        ):
            return None
        return user["id"], user_lookup(user)
    if source in (DEPARTMENTS, LOCATIONS):
        table = account.departments if source == DEPARTMENTS else account.locations
        match = (
            table.live(value)
            if isinstance(value, int)
            else next(
                (
                    r
                    for r in table.all()
                    if r["name"].lower() == value.lower() and not r.get("_gone")
                ),
                None,
            )
        )
        if match is None:
            return None
        entry = {"id": match["id"], "name": match["name"]}
        if source == DEPARTMENTS:
            entry["description"] = match.get("description")
        return match["id"], entry
    if source == ASSETS:
        asset = account.assets.get(value) if isinstance(value, int) else None
        if asset is None:
            return None
        return asset["display_id"], {
            "id": asset["id"],
            "name": asset["name"],
            "display_id": asset["display_id"],
        }
    return None


# -- Routes, the same for both kinds ------------------------------------------------------------


def _register(kind: Kind) -> None:
    base = f"/{kind}_requests"
    routes: list[tuple[str, str, str, Callable[..., Response], str | None]] = [
        (base, "GET", "list", lambda: list_requests(kind), None),
        (f"{base}/form", "GET", "view", lambda: view_form(kind), None),
        (
            f"{base}/<int:request_id>",
            "GET",
            "view",
            lambda request_id: view_request(kind, request_id),
            None,
        ),
        (
            f"{base}/<int:request_id>/tickets",
            "GET",
            "list",
            lambda request_id: request_tickets(kind, request_id),
            None,
        ),
        (base, "POST", "write", lambda: create_request(kind), None),
    ]
    for rule, method, meter, view, category in routes:
        name = f"{kind}_{method.lower()}_{rule.count('/')}_{rule.split('/')[-1].strip('<>:')}"
        view.__name__ = name
        bp.add_url_rule(rule, name, endpoint(meter, category)(view), methods=[method])  # type: ignore[arg-type]


_register("onboarding")
_register("offboarding")
