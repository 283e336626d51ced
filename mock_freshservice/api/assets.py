"""Assets (by display_id), asset types and their fields, and locations
(docs/freshservice.md §12)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from flask import Blueprint, Response, request

from mock_freshservice import errors, filters, guesses
from mock_freshservice.api import shapes
from mock_freshservice.api.common import (
    Caller,
    check_query,
    endpoint,
    json_response,
    location,
    query_bool,
    query_workspace,
    raise_if,
    read_json_object,
    require,
)
from mock_freshservice.clock import format_ts, parse_datetime
from mock_freshservice.data import ids
from mock_freshservice.data.account import AccountData
from mock_freshservice.data.assets import (
    ASSET_STATES,
    IMPACTS,
    USAGE_TYPES,
    AssetCatalog,
    TypeField,
)
from mock_freshservice.data.store import Record
from mock_freshservice.errors import FieldError, ValidationFailed
from mock_freshservice.pagination import next_link, parse_page
from mock_freshservice.resources import catalogue, changes, releases, software
from mock_freshservice.resources.declaration import records_of
from mock_freshservice.state import get_state
from mock_freshservice.validation import (
    MAX_ID,
    Rule,
    choice,
    datetime_value,
    integer,
    mapping,
    mismatch,
    one_of,
    string,
    validate_body,
)

bp = Blueprint("assets", __name__)

LIST_PARAMS = (
    "workspace_id",
    "order_by",
    "order_type",
    "include",
    "trashed",
    "search",
    "filter",
    "page",
    "per_page",
)
ORDER_BY = ("id", "created_at", "updated_at")
SEARCH_PAGE_SIZE = 30
# Type fields that the filter and search name without their `_<asset_type_id>` suffix.
TYPE_FIELD_ALIASES = {
    "asset_state": "asset_state",
    "serial_number": "serial_number",
    "mac_addresses": "mac_address",
    "ip_addresses": "ip_address",
    "uuid": "uuid",
    "item_id": "item_id",
    "imei_number": "imei_number",
    "device42_id": "device42_id",
}
FILTER_FIELDS: dict[str, filters.FieldType] = {
    "workspace_id": "number",
    "asset_type_id": "number",
    "department_id": "number",
    "location_id": "number",
    "asset_state": "string",
    "user_id": "number",
    "agent_id": "number",
    "name": "string",
    "asset_tag": "string",
    "created_at": "date",
    "updated_at": "date",
    **{alias: "string" for alias in TYPE_FIELD_ALIASES if alias != "asset_state"},
}
SEARCH_FIELDS: dict[str, filters.FieldType] = {
    name: "contains"
    for name in (
        "name",
        "asset_tag",
        "serial_number",
        "mac_addresses",
        "ip_addresses",
        "uuid",
        "item_id",
        "imei_number",
    )
}
QUERY_PARAMS: dict[str, dict[str, filters.FieldType]] = {
    "search": SEARCH_FIELDS,
    "filter": FILTER_FIELDS,
}
# The header that carries a search/filter total (the name is a guess; see guesses.py).
TOTAL_HEADER = guesses.ASSET_SEARCH_TOTAL_HEADER


def _catalog(account: AccountData) -> AssetCatalog:
    assert account.asset_catalog is not None
    return account.asset_catalog


def fields_of_type(account: AccountData, type_id: int) -> tuple[tuple[TypeField, int], ...]:
    """The type fields of a type: a catalogue type's own, or (for a type created through the
    API) those of the nearest catalogue type it descends from."""
    catalog = _catalog(account)
    seen: set[int] = set()
    current: int | None = type_id
    while current is not None and current not in seen:
        seen.add(current)
        if current in catalog.fields:
            return catalog.fields[current]
        record = account.asset_types.live(current)
        current = None if record is None else record.get("parent_asset_type_id")
    return ()


def allowed_type_fields(account: AccountData, type_id: int) -> dict[str, TypeField]:
    """The `type_fields` keys an asset of this type may carry."""
    return {f"{f.base}_{owner}": f for f, owner in fields_of_type(account, type_id)}


def get_asset(account: AccountData, display_id: int) -> Record:
    asset = account.assets.get(display_id)
    if asset is None:
        raise errors.NotFound()
    return asset


def asset_json(asset: Record, *, with_type_fields: bool) -> dict[str, Any]:
    keys = shapes.ASSET_WITH_TYPE_FIELDS_KEYS if with_type_fields else shapes.ASSET_KEYS
    return shapes.render(asset, keys, shapes.ASSET_TIMESTAMPS)


# -- Listing, searching and filtering ----------------------------------------------------------


@bp.get("/assets")
@endpoint("list", "list_assets")
def list_assets() -> Response:
    who = require("assets.view")
    account = who.account
    problems = check_query(LIST_PARAMS)
    args = request.args
    searching = "search" in args or "filter" in args
    if searching:
        for refused in ("per_page", "order_by", "order_type"):
            if refused in args:
                problems.append(
                    FieldError(refused, "Unexpected/invalid field in request", "invalid_field")
                )
    page = parse_page(
        problems,
        fixed_per_page=SEARCH_PAGE_SIZE if searching else None,
        max_page=guesses.FILTER_PAGE_CAP_PEOPLE_AND_ASSETS if searching else None,
    )
    order_by = args.get("order_by", "created_at")
    if order_by not in ORDER_BY:
        problems.append(FieldError("order_by", one_of(ORDER_BY), "invalid_value"))
    order = args.get("order_type", "desc")
    if order not in ("asc", "desc"):
        problems.append(FieldError("order_type", one_of(("asc", "desc")), "invalid_value"))
    include = args.get("include")
    if include is not None and include != "type_fields":
        problems.append(FieldError("include", one_of(("type_fields",)), "invalid_value"))
    trashed = query_bool("trashed", problems)
    workspace_id = query_workspace(account, problems)
    raise_if(problems)
    trees: list[tuple[str, filters.Node]] = []
    for param, fields in QUERY_PARAMS.items():
        if param in args:
            try:
                trees.append((param, filters.parse(args[param], fields)))
            except filters.FilterError as exc:
                raise ValidationFailed([FieldError(param, str(exc), "invalid_value")]) from exc
    if any("workspace_id" in filters.fields_of(tree) for _, tree in trees):
        workspace_id = 0  # the query picks the workspaces itself
    key = ("assets", tuple(trees), workspace_id, bool(trashed), order_by, order)
    table = account.assets
    display_ids = table.queries.get(
        table.version,
        key,
        lambda: _select(
            account,
            trees,
            workspace_id=workspace_id,
            trashed=bool(trashed),
            order_by=order_by,
            order=order,
        ),
    )
    chunk, more = page.slice(display_ids)
    items = [
        asset_json(get_asset(account, d), with_type_fields=include == "type_fields") for d in chunk
    ]
    headers: dict[str, str] = {}
    if searching:
        headers[TOTAL_HEADER] = str(len(display_ids))
    elif more:
        headers["Link"] = next_link(page)
    return json_response({"assets": items}, headers=headers)


def _select(
    account: AccountData,
    trees: list[tuple[str, filters.Node]],
    *,
    workspace_id: int,
    trashed: bool,
    order_by: str,
    order: str,
) -> list[int]:
    table = account.assets
    with table.lock:
        col = table.columns
        catalog = _catalog(account)
        type_fields = col["type_fields"]
        accessors: dict[str, filters.Accessor] = {
            name: col[name].__getitem__
            for name in (
                "workspace_id",
                "asset_type_id",
                "department_id",
                "location_id",
                "user_id",
                "agent_id",
                "name",
                "asset_tag",
                "created_at",
                "updated_at",
            )
        }
        for alias, base in TYPE_FIELD_ALIASES.items():
            accessors[alias] = _type_field_getter(catalog, type_fields, base)
        tests = [
            filters.compile_predicate(tree, QUERY_PARAMS[param], accessors) for param, tree in trees
        ]
        trash, workspaces = col["trashed"], col["workspace_id"]
        found = [
            p
            for p in table.positions()
            if trash[p] == trashed
            and (workspace_id == 0 or workspaces[p] == workspace_id)
            and all(test(p) for test in tests)
        ]
        keys = table.ids if order_by == "id" else col[order_by]
        ids_ = table.ids
        found.sort(key=lambda p: (keys[p], ids_[p]), reverse=order == "desc" and not trees)
        if trees:  # filtered and searched results come newest first, unsortable
            created = col["created_at"]
            found.sort(key=lambda p: (created[p], ids_[p]), reverse=True)
        return [ids_[p] for p in found]


def _type_field_getter(
    catalog: AssetCatalog, type_fields: list[Any], base: str
) -> Callable[[int], Any]:
    return lambda p: catalog.base_value(type_fields[p], base)


# -- Viewing ----------------------------------------------------------------------------------


@bp.get("/assets/<int:display_id>")
@endpoint("view")
def view_asset(display_id: int) -> Response:
    who = require("assets.view")
    problems = check_query(("include",))
    include = request.args.get("include")
    if include is not None and include != "type_fields":
        problems.append(FieldError("include", one_of(("type_fields",)), "invalid_value"))
    raise_if(problems)
    asset = get_asset(who.account, display_id)
    return json_response({"asset": asset_json(asset, with_type_fields=include == "type_fields")})


# -- Creating and updating --------------------------------------------------------------------

_ASSET_FIELDS: dict[str, Rule] = {
    "name": Rule("String", string(255, blank_ok=False)),
    "asset_type_id": Rule("Positive Integer", integer()),
    "description": Rule("String", string(65_535)),
    "asset_tag": Rule("String", string(255)),
    "impact": Rule("String", choice(IMPACTS), nullable=False),
    "usage_type": Rule("String", choice(USAGE_TYPES), nullable=False),
    "user_id": Rule("Positive Integer", integer()),
    "location_id": Rule("Positive Integer", integer()),
    "department_id": Rule("Positive Integer", integer()),
    "agent_id": Rule("Positive Integer", integer()),
    "group_id": Rule("Positive Integer", integer()),
    "assigned_on": Rule("String", datetime_value()),
    "type_fields": Rule("key/value pair", mapping()),
}
CREATE_RULES: dict[str, Rule] = {
    **{
        name: Rule(
            rule.expected,
            rule.check,
            required=name in ("name", "asset_type_id"),
            nullable=rule.nullable and name not in ("name", "asset_type_id"),
        )
        for name, rule in _ASSET_FIELDS.items()
    },
    "workspace_id": Rule("Positive Integer", integer()),
}
# An asset always has a name and a type, so an update cannot clear either.
UPDATE_RULES = {
    name: Rule(
        rule.expected, rule.check, nullable=rule.nullable and name not in ("name", "asset_type_id")
    )
    for name, rule in _ASSET_FIELDS.items()
}


def _absent(field: str, resource: str) -> FieldError:
    return FieldError(field, f"There is no {resource} matching the given {field}", "invalid_value")


def _check_references(account: AccountData, body: Mapping[str, Any]) -> list[FieldError]:
    problems: list[FieldError] = []
    tables = {
        "asset_type_id": (account.asset_types, "asset type"),
        "location_id": (account.locations, "location"),
        "department_id": (account.departments, "department"),
        "agent_id": (account.agents, "agent"),
        "group_id": (account.groups, "group"),
    }
    for field, (table, what) in tables.items():
        if body.get(field) is not None and table.live(body[field]) is None:
            problems.append(_absent(field, what))
    if body.get("user_id") is not None and account.user(body["user_id"]) is None:
        problems.append(_absent("user_id", "user"))
    if body.get("workspace_id") is not None and body["workspace_id"] not in account.workspaces:
        problems.append(FieldError("workspace_id", one_of(account.workspaces.ids), "invalid_value"))
    return problems


def _check_type_fields(
    account: AccountData,
    type_id: int,
    given: Mapping[str, Any],
    *,
    held: Mapping[str, Any] | None,
) -> list[FieldError]:
    """Type fields named for the asset's type (and its ancestors), typed, required ones present.

    `held` is what the asset already has (empty on create); None skips the required-field check,
    as an update that keeps the type only checks the fields it sends.
    """
    allowed = allowed_type_fields(account, type_id)
    problems = [
        FieldError(name, "Unexpected/invalid field in request", "invalid_field")
        for name in given
        if name not in allowed
    ]
    if problems:
        return problems
    for name, field in allowed.items():
        if name not in given:
            if held is not None and field.required and held.get(name) is None:
                problems.append(FieldError(name, "This field cannot be empty", "missing_field"))
            continue
        problem = _type_field_problem(account, name, field, given[name])
        if problem is not None:
            problems.append(problem)
    return problems


def _type_field_problem(
    account: AccountData, name: str, field: TypeField, value: Any
) -> FieldError | None:
    if value is None:
        if field.required:
            return FieldError(name, "This field cannot be empty", "missing_field")
        return None
    if field.base == "asset_state":
        if not isinstance(value, str):
            return FieldError(name, mismatch(value, "String"), "datatype_mismatch")
        if value not in ASSET_STATES:
            return FieldError(name, one_of(ASSET_STATES), "invalid_value")
        return None
    if field.data_type == "integer" or field.kind == "dropdown":
        if isinstance(value, bool) or not isinstance(value, int):
            return FieldError(name, mismatch(value, "Positive Integer"), "datatype_mismatch")
        if not 0 < value <= MAX_ID:
            return FieldError(name, "It should be a/an Positive Integer", "invalid_value")
        table = {"product": "products", "vendor": "vendors"}.get(field.base)
        if table is not None and value not in catalogue.live(account, table):
            return _absent(name, field.base)
        return None
    if field.data_type == "float":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return FieldError(name, mismatch(value, "Number"), "datatype_mismatch")
        return None
    if field.kind == "date":
        if not isinstance(value, str):
            return FieldError(name, mismatch(value, "String"), "datatype_mismatch")
        if parse_datetime(value) is None:
            return FieldError(
                name,
                "It should be a valid date in the 'combined date and time ISO8601' format",
                "invalid_value",
            )
        return None
    if not isinstance(value, str):
        return FieldError(name, mismatch(value, "String"), "datatype_mismatch")
    if len(value) > 255:
        return FieldError(
            name,
            f"Has {len(value)} characters, it can have maximum of 255 characters",
            "invalid_value",
        )
    return None


@bp.post("/assets")
@endpoint("write")
def create_asset() -> Response:
    who = require("assets.manage")
    check_query(())
    body = read_json_object()
    validate_body(body, CREATE_RULES)
    account = who.account
    now = get_state().clock.now()
    with account.lock:
        problems = _check_references(account, body)
        if not problems:
            problems = _check_type_fields(
                account, body["asset_type_id"], body.get("type_fields") or {}, held={}
            )
        raise_if(problems)
        display_id = account.assets.next_id()
        asset: Record = {
            "id": ids.ranged(ids.ASSET_BASE, account.index, display_id),
            "display_id": display_id,
            "name": body["name"],
            "description": body.get("description"),
            "asset_type_id": body["asset_type_id"],
            "impact": body.get("impact", "low"),
            "author_type": "User",
            "usage_type": body.get("usage_type", "permanent"),
            "asset_tag": body.get("asset_tag") or f"ASSET-{display_id}",
            "user_id": body.get("user_id"),
            "location_id": body.get("location_id"),
            "department_id": body.get("department_id"),
            "agent_id": body.get("agent_id"),
            "group_id": body.get("group_id"),
            "assigned_on": _when(body.get("assigned_on")),
            "created_at": now,
            "updated_at": now,
            "workspace_id": body.get("workspace_id") or account.primary_workspace_id,
            "created_by_source": "User",
            "last_updated_by_source": "User",
            "created_by_user": who.user_id,
            "last_updated_by_user": who.user_id,
            "sources": ["User"],
            "type_fields": _full_type_fields(
                account, body["asset_type_id"], body.get("type_fields")
            ),
            "_trashed": False,
        }
        account.assets.put(asset)
    return json_response(
        {"asset": asset_json(asset, with_type_fields=True)}, 201, location(f"assets/{display_id}")
    )


def _when(value: str | None) -> int | None:
    return None if value is None else parse_datetime(value)


def _full_type_fields(
    account: AccountData,
    type_id: int,
    given: Mapping[str, Any] | None,
    *,
    base: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Every type field of the type, unset ones null, as Freshservice returns them."""
    allowed = allowed_type_fields(account, type_id)
    fields: dict[str, Any] = dict.fromkeys(allowed)
    fields.update({k: v for k, v in (base or {}).items() if k in allowed})
    fields.update(given or {})
    return fields


@bp.put("/assets/<int:display_id>")
@endpoint("write", "update_asset")
def update_asset(display_id: int) -> Response:
    who = require("assets.manage")
    check_query(())
    body = read_json_object()
    if not body:
        raise errors.missing_params()
    validate_body(body, UPDATE_RULES)
    account = who.account
    now = get_state().clock.now()
    with account.lock:
        asset = get_asset(account, display_id)
        problems = _check_references(account, body)
        type_id = body.get("asset_type_id") or asset["asset_type_id"]
        # A new type brings its own required fields, whether or not type_fields was sent.
        type_changed = type_id != asset["asset_type_id"]
        if not problems and ("type_fields" in body or type_changed):
            problems = _check_type_fields(
                account,
                type_id,
                body.get("type_fields") or {},
                held=asset["type_fields"] if type_changed else None,
            )
        raise_if(problems)
        updated = dict(asset)
        for name in _ASSET_FIELDS:
            if name in body and name not in ("type_fields", "assigned_on"):
                updated[name] = body[name]
        if "assigned_on" in body:
            updated["assigned_on"] = _when(body["assigned_on"])
        updated["type_fields"] = _full_type_fields(
            account, type_id, body.get("type_fields"), base=asset["type_fields"]
        )
        updated["updated_at"] = now
        updated["last_updated_by_source"] = "User"
        updated["last_updated_by_user"] = who.user_id
        account.assets.put(updated)
    return json_response({"asset": asset_json(updated, with_type_fields=True)})


@bp.delete("/assets/<int:display_id>")
@endpoint("write")
def trash_asset(display_id: int) -> Response:
    return _set_trashed(require("assets.manage"), display_id, trashed=True)


@bp.put("/assets/<int:display_id>/restore")
@endpoint("write")
def restore_asset(display_id: int) -> Response:
    return _set_trashed(require("assets.manage"), display_id, trashed=False)


def _set_trashed(who: Caller, display_id: int, *, trashed: bool) -> Response:
    check_query(())
    account = who.account
    with account.lock:
        asset = get_asset(account, display_id)
        if asset["_trashed"] != trashed:
            account.assets.put(
                {**asset, "_trashed": trashed, "updated_at": get_state().clock.now()}
            )
    return Response(status=204)


# -- What an asset has: installed software, contracts -----------------------------------------


@bp.get("/assets/<int:display_id>/applications")
@endpoint("list")
def asset_applications(display_id: int) -> Response:
    """The software installed on the asset (`/applications/{id}/installations`, seen from the
    device); one page, as a device holds few (guesses.ASSET_RELATIONS)."""
    who = require("assets.view")
    check_query(())
    account = who.account
    get_asset(account, display_id)
    applications = records_of(account, software.APPLICATIONS)
    found = []
    for installation in records_of(account, software.INSTALLATIONS).live_records():
        if installation.get("installation_machine_id") != display_id:
            continue
        application = applications.live(installation["_parent"])
        if application is None:
            continue
        found.append(
            {
                "application_id": application["id"],
                "name": application["name"],
                "status": application.get("status"),
                "version": installation.get("version"),
                "installation_path": installation.get("installation_path"),
                "installation_date": _ts_or_none(installation.get("installation_date")),
                "created_at": _ts_or_none(installation.get("created_at")),
                "updated_at": _ts_or_none(installation.get("updated_at")),
            }
        )
    return json_response({"applications": found})


@bp.get("/assets/<int:display_id>/contracts")
@endpoint("list")
def asset_contracts(display_id: int) -> Response:
    """The contracts that name the asset in `associated_asset_ids`, in the shape Freshworks'
    OpenAPI file gives (id, contract_id, contract_type, contract_name, contract_status)."""
    who = require("assets.view")
    check_query(())
    account = who.account
    get_asset(account, display_id)
    now = get_state().clock.now()
    found = [
        {
            "id": contract["id"],
            "contract_id": contract["id"],
            "contract_type": software.CONTRACT_TYPES.get(contract.get("contract_type_id") or 0),
            "contract_name": contract["name"],
            "contract_status": software.contract_status(contract, now),
        }
        for contract in records_of(account, software.CONTRACTS).live_records()
        if display_id in (contract.get("associated_asset_ids") or ())
    ]
    return json_response({"contracts": found})


@bp.get("/assets/<int:display_id>/requests")
@endpoint("list")
def asset_requests(display_id: int) -> Response:
    """The changes and releases that name the asset, in the shape Freshworks' OpenAPI file gives
    (id, request_type, request_id, request_details, request_status). Tickets, problems and
    projects name no assets in the fake (guesses.ASSET_RELATIONS)."""
    who = require("assets.view")
    check_query(())
    account = who.account
    get_asset(account, display_id)
    found = []
    for kind, resource, statuses in (
        ("change", changes.CHANGES, changes.STATUS),
        ("release", releases.RELEASES, releases.STATUS),
    ):
        for record in records_of(account, resource).live_records():
            if record.get("_deleted") or not any(
                a.get("display_id") == display_id for a in record.get("assets") or ()
            ):
                continue
            found.append(
                {
                    "id": record["id"],
                    "request_type": kind,
                    "request_id": record["id"],
                    "request_details": record.get("subject"),
                    "request_status": statuses.get(int(record.get("status") or 0), ""),
                }
            )
    return json_response({"requests": found})


def _ts_or_none(value: int | None) -> str | None:
    return None if value is None else format_ts(value)


# -- Asset types and locations ----------------------------------------------------------------


@bp.get("/asset_types/<int:asset_type_id>/fields")
@endpoint("view")
def asset_type_fields(asset_type_id: int) -> Response:
    """The type's fields grouped under headers, with the choices of its dropdowns."""
    who = require("assets.view")
    check_query(())
    account = who.account
    if account.asset_types.live(asset_type_id) is None:
        raise errors.NotFound()
    type_id = asset_type_id
    catalog = _catalog(account)
    general = [
        _base_field("name", "Display Name", "text", "string", required=True),
        _base_field("asset_tag", "Asset Tag", "text", "string"),
        _base_field("asset_type_id", "Asset Type", "dropdown", "integer", required=True),
        _base_field("description", "Description", "paragraph", "text"),
    ]
    assignment = [
        _base_field("location_id", "Location", "dropdown", "integer"),
        _base_field("department_id", "Department", "dropdown", "integer"),
        _base_field("user_id", "Used By", "dropdown", "integer"),
        _base_field("agent_id", "Managed By", "dropdown", "integer"),
        _base_field("group_id", "Managed By Group", "dropdown", "integer"),
    ]
    groups: dict[int, list[dict[str, Any]]] = {}
    for n, (field, owner) in enumerate(fields_of_type(account, type_id), start=1):
        entry: dict[str, Any] = {
            "id": owner * 100 + n,
            "created_at": shapes.render(
                catalog.types[owner], ("created_at",), shapes.PLAIN_TIMESTAMPS
            )["created_at"],
            "updated_at": None,
            "asset_type_id": owner,
            "name": f"{field.base}_{owner}",
            "label": field.label,
            "field_type": field.kind,
            "data_type": field.data_type,
            "required": field.required,
            "is_unique": False,
            "default_field": True,
        }
        entry["updated_at"] = entry["created_at"]
        if field.base == "asset_state":
            entry["choices"] = [[state, i] for i, state in enumerate(ASSET_STATES, start=1)]
        elif field.base == "product":
            entry["choices"] = [
                [p["name"], p["id"]] for p in catalogue.live(account, "products").values()
            ]
        elif field.base == "vendor":
            entry["choices"] = [
                [v["name"], v["id"]] for v in catalogue.live(account, "vendors").values()
            ]
        groups.setdefault(owner, []).append(entry)
    body = [
        {"field_header": "General", "fields": general},
        {"field_header": "Assignment", "fields": assignment},
        *(
            {"field_header": catalog.types[owner]["name"], "fields": fields}
            for owner, fields in groups.items()
        ),
    ]
    return json_response({"asset_type_fields": body})


def _base_field(
    name: str, label: str, field_type: str, data_type: str, *, required: bool = False
) -> dict[str, Any]:
    return {
        "id": None,
        "created_at": None,
        "updated_at": None,
        "asset_type_id": None,
        "name": name,
        "label": label,
        "field_type": field_type,
        "data_type": data_type,
        "required": required,
        "is_unique": False,
        "default_field": True,
    }
