"""Serving declared resources: their routes, checks, pages and answers, from the declarations
alone (`declaration.py`).

Every route runs inside the app's one request pipeline (`app.py`: account, budget, scenario,
headers, routing, authentication); here come the privilege, the query and body checks with
Freshservice's messages (unknown attributes first, then missing, mistyped and unacceptable
values, then ids that name no record), the page and its `Link`, and the answer in the
resource's envelope. Writes run under the account's lock and go through the account's tables,
so `--state` keeps them. Deleting a record leaves a tombstone (`_gone`), or with `soft_delete` a
`_deleted` mark that `restore` takes back.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import orjson
from flask import Blueprint, Response, request

from mock_freshservice import errors, filters
from mock_freshservice.api.common import (
    Caller,
    check_query,
    endpoint,
    json_response,
    location,
    query_workspace,
    raise_if,
    raw_json_response,
    read_json_object,
    require,
)
from mock_freshservice.clock import parse_datetime
from mock_freshservice.data.account import AccountData
from mock_freshservice.data.store import Record, Table
from mock_freshservice.errors import FieldError
from mock_freshservice.pagination import next_link, parse_page
from mock_freshservice.resources.declaration import (
    Action,
    Context,
    Filter,
    Resource,
    records_of,
)
from mock_freshservice.resources.references import missing_references
from mock_freshservice.state import get_state
from mock_freshservice.validation import Rule, one_of, positive_query_int, validate_body


@dataclasses.dataclass(frozen=True, slots=True)
class Owner:
    """What a resource can live under: a declared resource or one of the fake's hand-written
    ones (tickets), by how its records are found and who may see or change them."""

    name: str
    singular: str
    scope: str
    lookup: Callable[[AccountData, int], Record | None]
    # Refuses (raises) a caller the parent record keeps out, for reading or (`writing`) for
    # changing what lives under it; None lets in everyone the privileges let in.
    admit: Callable[[Caller, Record, bool], None] | None = None
    # The privilege suffix for changing what lives under a record (assets say `manage`).
    write_verb: str = "edit"
    # The path parameter naming one record, when not `{singular}_id` (an asset's display id).
    id_param: str | None = None
    # The record's field the path names it by (and its children's `_parent` holds).
    key_field: str = "id"

    def privilege(self, operation: str) -> str:
        return f"{self.scope}.{'view' if operation in ('list', 'view') else self.write_verb}"

    @property
    def parent(self) -> None:
        return None


def _admit_to_ticket(who: Caller, ticket: Record, writing: bool) -> None:
    """A ticket's tasks and time entries are the agents'; a deleted or spam ticket takes no new
    ones and keeps its own as they are (guesses.py, "Deleted (trashed) and spam tickets")."""
    if not who.is_agent:
        raise errors.access_denied()
    if writing and (ticket["deleted"] or ticket["spam"]):
        raise errors.NotFound()


def _admit_to_asset(who: Caller, asset: Record, writing: bool) -> None:
    """A trashed asset takes no new components and keeps its own as they are."""
    if writing and asset.get("_trashed"):
        raise errors.NotFound()


_BUILT_IN_OWNERS = (
    Owner("tickets", "ticket", "tickets", lambda a, i: a.tickets.get(i), _admit_to_ticket),
    Owner(
        "assets",
        "asset",
        "assets",
        lambda a, i: a.assets.get(i),
        _admit_to_asset,
        write_verb="manage",
        id_param="display_id",
        key_field="display_id",
    ),
)


def owners(resources: Sequence[Resource]) -> dict[str, Owner]:
    """Every kind of record a resource may live under, by name."""
    found = {owner.name: owner for owner in _BUILT_IN_OWNERS}
    for resource in resources:
        if resource.parent is None:
            found[resource.name] = Owner(
                resource.name, resource.singular, resource.scope, _finder(resource)
            )
    return found


def _finder(resource: Resource) -> Callable[[AccountData, int], Record | None]:
    def find(account: AccountData, record_id: int) -> Record | None:
        return records_of(account, resource).get(record_id)

    return find


def blueprint(resources: Sequence[Resource]) -> Blueprint:
    """One blueprint serving every declared resource (mounted under `/api/v2`)."""
    bp = Blueprint("resources", __name__)
    by_name = owners(resources)
    for resource in resources:
        _add_routes(bp, resource, by_name)
    return bp


def base_path(resource: Resource | Owner, by_name: Mapping[str, Owner]) -> str:
    """The collection's URL rule (`/problems`, `/problems/<int:problem_id>/notes`)."""
    if resource.parent is None:
        return f"/{resource.name}"
    parent = by_name[resource.parent.resource]
    return f"{base_path(parent, by_name)}/<int:{id_name(parent)}>/{resource.parent.segment}"


def id_name(resource: Resource | Owner) -> str:
    """The path parameter naming one record: `problem_id`, `note_id` (an asset: `display_id`)."""
    named = resource.id_param if isinstance(resource, Owner) else None
    return named or f"{resource.singular}_id"


def _add_routes(bp: Blueprint, resource: Resource, by_name: Mapping[str, Owner]) -> None:
    collection = base_path(resource, by_name)
    one = f"{collection}/<int:{id_name(resource)}>"
    parent = by_name[resource.parent.resource] if resource.parent is not None else None
    under = resource.listed_under
    serve = _Served(resource, parent, None if under is None else by_name[under.resource])
    names = {id_name(resource): "record_id"}
    if parent is not None:
        names[id_name(parent)] = "parent_id"
    operations = resource.operations
    name = resource.table_name
    if "list" in operations:
        bp.add_url_rule(
            collection,
            f"{name}_list",
            _metered(serve.listing, "list", resource, names=names),
            methods=["GET"],
        )
    if "create" in operations:
        bp.add_url_rule(
            collection,
            f"{name}_create",
            _metered(serve.create, "write", resource, "create", names=names),
            methods=["POST"],
        )
    if "view" in operations:
        bp.add_url_rule(
            one,
            f"{name}_view",
            _metered(serve.view, "view", resource, names=names),
            methods=["GET"],
        )
    if "update" in operations:
        bp.add_url_rule(
            one,
            f"{name}_update",
            _metered(serve.update, "write", resource, "update", names=names),
            methods=["PUT"],
        )
    if "delete" in operations:
        bp.add_url_rule(
            one,
            f"{name}_delete",
            _metered(serve.delete, "write", resource, "delete", names=names),
            methods=["DELETE"],
        )
    for alias in resource.item_aliases:
        aliased = f"/{alias}/<int:{id_name(resource)}>"
        for operation, method, view, kind in (
            ("view", "GET", serve.view, "view"),
            ("update", "PUT", serve.update, "write"),
            ("delete", "DELETE", serve.delete, "write"),
        ):
            if operation in operations:
                bp.add_url_rule(
                    aliased,
                    f"{name}_{operation}_at_{alias}",
                    _metered(view, kind, resource, None if kind == "view" else operation, names),
                    methods=[method],
                )
    if under is not None:
        owner = by_name[under.resource]
        bp.add_url_rule(
            f"{base_path(owner, by_name)}/<int:{id_name(owner)}>/{under.segment}",
            f"{name}_list_under_{owner.name}",
            _metered(serve.listing, "list", resource, names={id_name(owner): "under_id"}),
            methods=["GET"],
        )
    for action in resource.actions:
        bp.add_url_rule(
            f"{one}/{action.segment}",
            f"{name}_{action.segment}",
            _metered(
                serve.action(action),
                "write" if action.method != "GET" else "view",
                resource,
                names=names,
            ),
            methods=[action.method],
        )
    if resource.form_fields is not None:
        form = resource.form_fields
        bp.add_url_rule(
            f"/{form.path}",
            f"{name}_form_fields",
            _metered(serve.form_fields, "list", resource, names=names),
            methods=["GET"],
        )


def _metered(
    view: Callable[..., Response],
    kind: Any,
    resource: Resource,
    operation: str | None = None,
    names: Mapping[str, str] | None = None,
) -> Callable[..., Response]:
    """`view` as a plain function marked with how it is metered (a bound method cannot be),
    its path parameters renamed (`problem_id` → `record_id`)."""
    categories: Mapping[Any, str] = resource.categories
    category = categories.get(operation or kind)
    renamed = names or {}

    def metered(**arguments: Any) -> Response:
        return view(**{renamed.get(name, name): value for name, value in arguments.items()})

    metered.__name__ = getattr(view, "__name__", "view")
    return endpoint(kind, category)(metered)


class _Served:
    """The views of one resource (and its parent, for a resource under another)."""

    def __init__(
        self, resource: Resource, parent: Owner | None, under: Owner | None = None
    ) -> None:
        self.resource = resource
        self.parent = parent
        self.under = under  # the owner of `Resource.listed_under`
        self.creating_rules = _rules(resource, creating=True)
        # A missing coded field is named with its values, as Freshservice names them.
        self.choices = {f.name: f.choices for f in resource.fields if f.choices is not None}
        self.updating_rules = _rules(resource, creating=False)
        self.view_fields = tuple(f for f in resource.fields if f.answered)
        self.list_fields = tuple(f for f in self.view_fields if f.in_list)
        self.allowed_query = (
            "page",
            "per_page",
            *(("updated_since",) if resource.updated_since else ()),
            *(("workspace_id",) if resource.workspace else ()),
            *(("order_by", "order_type") if resource.sortable else ()),
            *(f.name for f in resource.filters),
        )

    # -- who may, and where -------------------------------------------------------------------

    def _caller(self, operation: str) -> Caller:
        if self.parent is not None:  # a record's notes, tasks…: the parent's privileges
            return require(
                self.parent.privilege("view" if operation in ("list", "view") else "update")
            )
        return require(self.resource.privilege(operation))

    def _parent_record(
        self, who: Caller, parent_id: int | None, *, writing: bool = False
    ) -> Record | None:
        if self.parent is None or parent_id is None:
            return None
        record = self.parent.lookup(who.account, parent_id)
        if record is None or record.get("_gone"):
            raise errors.NotFound()
        if self.parent.admit is not None:
            self.parent.admit(who, record, writing)
        return record

    def _parent_key(self, context: Context) -> int | None:
        """What the children of the context's parent hold in `_parent` (its id, or the key the
        path names it by)."""
        if context.parent is None or self.parent is None:
            return None
        return int(context.parent[self.parent.key_field])

    def _context(
        self,
        who: Caller,
        parent_id: int | None,
        query: Mapping[str, Any] | None = None,
        *,
        writing: bool = True,
    ) -> Context:
        """What the hooks see; for a write (the default) the parent must take changes."""
        return Context(
            who=who,
            account=who.account,
            now=get_state().clock.now(),
            parent=self._parent_record(who, parent_id, writing=writing),
            query=query or {},
        )

    def _record(self, who: Caller, record_id: int, parent_id: int | None) -> Record:
        record = records_of(who.account, self.resource).get(record_id)
        if record is None or record.get("_gone") or record.get("_parent") != parent_id:
            raise errors.NotFound()
        return record

    # -- reading ------------------------------------------------------------------------------

    def listing(self, parent_id: int | None = None, under_id: int | None = None) -> Response:
        who = self._caller("list")
        account = who.account
        self._parent_record(who, parent_id)
        if under_id is not None:
            assert self.under is not None
            owner_record = self.under.lookup(account, under_id)
            if owner_record is None or owner_record.get("_gone"):
                raise errors.NotFound()
        problems = check_query(self.allowed_query)
        page = parse_page(problems)
        since = _query_datetime("updated_since", problems) if self.resource.updated_since else None
        workspace = query_workspace(account, problems) if self.resource.workspace else None
        order = self._order(problems)
        given = {
            flt.name: value
            for flt in self.resource.filters
            if (value := _query_value(flt, problems)) is not None
        }
        raise_if(problems)
        context = self._context(who, parent_id, given, writing=False)
        # The filters that apply: those given, and those that always do.
        applied = tuple(f for f in self.resource.filters if f.always or f.name in given)
        personal = any(f.personal for f in applied)
        table = records_of(account, self.resource)
        key = (
            parent_id,
            under_id,
            since,
            workspace,
            order,
            tuple(sorted(given.items())),
            (who.user_id, context.now) if personal else None,
        )
        ids = table.queries.get(
            table.version,
            key,
            lambda: self._select(
                table,
                context,
                since=since,
                workspace=workspace,
                order=order,
                applied=applied,
                under_id=under_id,
            ),
        )
        chunk, more = page.slice(ids)
        parts = [self._rendered(table, table.get(i), self.list_fields, "list") for i in chunk]
        body = b'{"' + self.resource.name.encode() + b'":[' + b",".join(parts) + b"]}"
        return raw_json_response(body, headers={"Link": next_link(page)} if more else None)

    def _select(
        self,
        table: Table,
        context: Context,
        *,
        since: int | None,
        workspace: int | None,
        order: tuple[str, str],
        applied: tuple[Filter, ...],
        under_id: int | None = None,
    ) -> list[int]:
        parent_id = self._parent_key(context)
        under_field = self.resource.listed_under.field if self.resource.listed_under else ""
        tests = [(flt.test, context.query.get(flt.name)) for flt in applied]
        with_deleted = any(flt.sees_deleted for flt in applied)
        with table.lock:  # a consistent view while writers wait
            found = [
                record
                for record in table.all()
                if not record.get("_gone")
                and (with_deleted or not record.get("_deleted"))
                and record.get("_parent") == parent_id
                and (since is None or (record.get("updated_at") or 0) >= since)
                and (not workspace or record.get("workspace_id") == workspace)
                and (under_id is None or record.get(under_field) == under_id)
                and all(test(record, value, context) for test, value in tests)
            ]
        field, direction = order
        found.sort(key=lambda r: (_sort_key(r.get(field)), r["id"]), reverse=direction == "desc")
        return [int(r["id"]) for r in found]

    def _order(self, problems: list[FieldError]) -> tuple[str, str]:
        """`order_by` and `order_type`, or the resource's own order."""
        field, direction = self.resource.order[0], str(self.resource.order[1])
        if not self.resource.sortable:
            return field, direction
        by = request.args.get("order_by")
        if by is not None:
            if by in self.resource.sortable:
                field = by
            else:
                problems.append(
                    FieldError("order_by", one_of(self.resource.sortable), "invalid_value")
                )
        kind = request.args.get("order_type")
        if kind is not None:
            if kind in ("asc", "desc"):
                direction = kind
            else:
                problems.append(FieldError("order_type", one_of(("asc", "desc")), "invalid_value"))
        return field, direction

    def view(self, record_id: int, parent_id: int | None = None) -> Response:
        who = self._caller("view")
        self._parent_record(who, parent_id)
        included = self._includes(check_query(("include",) if self.resource.includes else ()))
        record = self._record(who, record_id, parent_id)
        table = records_of(who.account, self.resource)
        if not included:
            return self._answer(table, record, 200)
        context = self._context(who, parent_id, writing=False)
        read = (
            record if self.resource.as_read is None else self.resource.as_read(record, context.now)
        )
        shown = {f.name: f.shown(read.get(f.name)) for f in self.view_fields}
        for name in included:
            shown[name] = self.resource.includes[name].make(context, record)
        return json_response({self.resource.singular: shown})

    def _includes(self, problems: list[FieldError]) -> list[str]:
        raw = request.args.get("include")
        if raw is None:
            return []
        names = [part.strip() for part in raw.split(",") if part.strip()]
        if not names or any(name not in self.resource.includes for name in names):
            problems.append(FieldError("include", one_of(self.resource.includes), "invalid_value"))
        raise_if(problems)
        return list(dict.fromkeys(names))

    # -- writing ------------------------------------------------------------------------------

    def create(self, parent_id: int | None = None) -> Response:
        who = self._caller("create")
        check_query(())
        body = self._body()
        validate_body(body, self.creating_rules, choices=self.choices)
        account = who.account
        table = records_of(account, self.resource)
        with account.lock:
            context = self._context(who, parent_id)
            raise_if(self._problems(context, body, None))
            record = self._new(context, table, body, parent_id)
            table.put(record)
        path = request.path.removeprefix("/api/v2/")
        return self._answer(table, record, 201, location(f"{path}/{record['id']}"))

    def update(self, record_id: int, parent_id: int | None = None) -> Response:
        who = self._caller("update")
        check_query(())
        body = self._body()
        if not body:
            raise errors.missing_params()
        validate_body(body, self.updating_rules)
        account = who.account
        table = records_of(account, self.resource)
        with account.lock:  # read, check and write at once: concurrent updates lose nothing
            context = self._context(who, parent_id)
            record = self._record(who, record_id, parent_id)
            if record.get("_deleted"):
                raise errors.MethodNotAllowed("PUT", ("GET",))
            raise_if(self._problems(context, body, record))
            updated = dict(record)
            for name, value in body.items():
                field = self.resource.field(name)
                assert field is not None  # validate_body refused unknown names
                if not field.answered:
                    continue  # the fill hook makes what it stands for
                if field.merge and isinstance(value, dict):
                    updated[name] = {**(record.get(name) or {}), **field.stored(value)}
                else:
                    updated[name] = field.stored(value)
            if "updated_at" in updated:
                updated["updated_at"] = context.now
            if self.resource.fill is not None:
                self.resource.fill(context, updated, body, record)
            table.put(updated)
        return self._answer(table, updated, 200)

    def delete(self, record_id: int, parent_id: int | None = None) -> Response:
        who = self._caller("delete")
        check_query(())
        account = who.account
        table = records_of(account, self.resource)
        with account.lock:
            context = self._context(who, parent_id)
            record = self._record(who, record_id, parent_id)
            if record.get("_deleted"):
                raise errors.NotFound()
            if self.resource.on_delete is not None:
                self.resource.on_delete(context, record)
            mark = "_deleted" if self.resource.soft_delete else "_gone"
            gone = {**record, mark: True, "updated_at": context.now}
            if self.resource.soft_delete and "deleted" in record:
                gone["deleted"] = True
            table.put(gone)
        return Response(status=self.resource.delete_status)

    def action(self, action: Action) -> Callable[..., Response]:
        def run(record_id: int, parent_id: int | None = None) -> Response:
            who = require(f"{self.resource.scope}.{action.privilege}")
            check_query(())
            body: dict[str, Any] = {}
            if action.fields:
                body = self._body()
                validate_body(body, {f.name: f.rule(creating=True) for f in action.fields})
            account = who.account
            table = records_of(account, self.resource)
            with account.lock:
                context = self._context(who, parent_id)
                context.body = body
                record = self._record(who, record_id, parent_id)
                if record.get("_deleted") and not action.on_deleted:
                    raise errors.MethodNotAllowed(action.method, ("GET",))
                changed = action.run(context, dict(record))
                if changed is not None:
                    if "updated_at" in changed:
                        changed["updated_at"] = context.now
                    table.put(changed)
                    record = changed
            if not action.answers_record:
                return Response(status=action.status)
            return self._answer(table, record, action.status)

        run.__name__ = f"{self.resource.table_name}_{action.segment}"
        return run

    def form_fields(self) -> Response:
        form = self.resource.form_fields
        assert form is not None
        who = require(f"{self.resource.scope}.view")
        check_query(())
        return json_response({form.key: form.fields(who.account)})

    # -- pieces -------------------------------------------------------------------------------

    def _body(self) -> dict[str, Any]:
        """The request's JSON object; one wrapped in the record's name (`{"time_entry": {…}}`,
        as the reference's samples send some) is unwrapped, as the framework's parameter
        wrapping takes either form."""
        body = read_json_object()
        wrapped = body.get(self.resource.singular)
        if isinstance(wrapped, dict) and self.resource.field(self.resource.singular) is None:
            return wrapped
        return body

    def _problems(
        self, context: Context, body: Mapping[str, Any], record: Record | None
    ) -> list[FieldError]:
        """Ids that name no record, then the resource's own rules."""
        problems = missing_references(context.account, self.resource.field, body)
        if self.resource.check is not None:
            problems += self.resource.check(context, body, record)
        if not problems:
            self._refuse_repeats(context, body, record)
        return problems

    def _refuse_repeats(
        self, context: Context, body: Mapping[str, Any], record: Record | None
    ) -> None:
        """A 409 when the body gives a `unique` field a value another live record holds."""
        parent_id = self._parent_key(context)
        for name in self.resource.unique:
            if body.get(name) is None:
                continue
            wanted = _comparable(body[name])
            for other in records_of(context.account, self.resource).all():
                if (
                    _comparable(other.get(name)) == wanted
                    and not other.get("_gone")
                    and not other.get("_deleted")
                    and other.get("_parent") == parent_id
                    and (record is None or other["id"] != record["id"])
                ):
                    raise errors.RequestError(409, "duplicate_value", "Record already exists.")

    def _new(
        self, context: Context, table: Table, body: Mapping[str, Any], parent_id: int | None
    ) -> Record:
        resource = self.resource
        record: Record = {}
        for field in resource.fields:
            if not field.answered:
                continue  # the fill hook makes what it stands for
            if field.name in body:
                record[field.name] = field.stored(body[field.name])
            elif callable(field.default):
                record[field.name] = field.default(context)
            else:
                record[field.name] = field.stored(field.default)
        record["id"] = next_id(resource, context.account, table)
        for stamp in ("created_at", "updated_at"):
            if resource.field(stamp) is not None:
                record[stamp] = context.now
        if resource.workspace and record.get("workspace_id") is None:
            record["workspace_id"] = context.account.primary_workspace_id
        record["_parent"] = parent_id
        if resource.fill is not None:
            resource.fill(context, record, body, None)
        return record

    def _rendered(
        self, table: Table, record: Record | None, fields: Sequence[Any], shape: str
    ) -> bytes:
        assert record is not None  # ids come from the table itself
        if self.resource.as_read is not None:  # fields that follow the clock: never kept
            read = self.resource.as_read(record, get_state().clock.now())
            return orjson.dumps({f.name: f.shown(read.get(f.name)) for f in fields})
        return table.memo(
            record,
            (shape,),
            lambda: orjson.dumps({f.name: f.shown(record.get(f.name)) for f in fields}),
        )

    def _answer(
        self, table: Table, record: Record, status: int, headers: dict[str, str] | None = None
    ) -> Response:
        rendered = self._rendered(table, record, self.view_fields, "view")
        body = b'{"' + self.resource.singular.encode() + b'":' + rendered + b"}"
        return raw_json_response(body, status, headers)


def next_id(resource: Resource, account: AccountData, table: Table) -> int:
    """The next record's id: one past the highest (small numbers, or the account's range)."""
    if resource.id_base is None:
        return table.next_id()
    from mock_freshservice.data import ids  # noqa: PLC0415 (ids imports nothing of this)

    return table.next_id(ids.ranged(resource.id_base, account.index, 1))


def _rules(resource: Resource, *, creating: bool) -> dict[str, Rule]:
    return {
        f.name: f.rule(creating=creating)
        for f in resource.fields
        if f.writable and (creating or f.updatable)
    }


def _query_datetime(name: str, problems: list[FieldError]) -> int | None:
    raw = request.args.get(name)
    if raw is None:
        return None
    found = parse_datetime(raw)
    if found is None:
        problems.append(
            FieldError(
                name,
                "It should be a valid date in the 'combined date and time ISO8601' format",
                "invalid_value",
            )
        )
    return found


def _query_value(flt: Filter, problems: list[FieldError]) -> Any:
    raw = request.args.get(flt.name)
    if raw is None:
        return None
    if flt.kind in ("id", "integer"):
        value, problem = positive_query_int(flt.name, raw)
        if problem:
            problems.append(problem)
        return value
    if flt.kind == "boolean":
        if raw not in ("true", "false"):
            problems.append(FieldError(flt.name, one_of(("true", "false")), "invalid_value"))
            return None
        return raw == "true"
    if flt.kind == "choice":
        if raw not in flt.choices:
            problems.append(FieldError(flt.name, one_of(flt.choices), "invalid_value"))
            return None
        return raw
    if flt.kind == "datetime":
        return _query_datetime(flt.name, problems)
    if flt.kind == "query":
        try:
            return filters.parse(raw, dict(flt.query_fields))
        except filters.FilterError as exc:
            problems.append(FieldError(flt.name, str(exc), "invalid_value"))
            return None
    return raw


def _comparable(value: Any) -> Any:
    return value.strip().casefold() if isinstance(value, str) else value


def _sort_key(value: Any) -> tuple[int, Any]:
    """Records without a value sort before every other (as zero did for timestamps)."""
    return (0, 0) if value is None else (1, value)


OPENAPI_PATH_PARAMETER = re.compile(r"<int:([a-z_]+)>")
