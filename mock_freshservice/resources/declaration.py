"""How a resource is declared: its fields, where it lives, what it can do, how it is seeded.

A declaration is all the engine (`engine.py`) needs to serve the resource — routes, checks with
Freshservice's messages, pagination, the OpenAPI document, persistence — so adding a resource is
writing one. Behaviour no field can say (a status that moves a date, a restore) goes in small
named hooks next to the declaration.
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

from mock_freshservice.errors import FieldError
from mock_freshservice.filters import FieldType
from mock_freshservice.resources.fields import Field

if TYPE_CHECKING:
    from mock_freshservice.api.common import Caller
    from mock_freshservice.data.account import AccountData
    from mock_freshservice.data.store import Record, Table

Operation = Literal["list", "view", "create", "update", "delete"]
ALL_OPERATIONS: tuple[Operation, ...] = ("list", "view", "create", "update", "delete")


@dataclasses.dataclass(frozen=True, slots=True)
class Parent:
    """A resource that lives under a record of another: `/problems/{id}/notes`."""

    resource: str  # the parent resource's name
    segment: str  # the URL segment under a parent record


@dataclasses.dataclass(frozen=True, slots=True)
class ListedUnder:
    """A resource of its own also listed under a record of another, by the field naming that
    record: `/canned_response_folders/{id}/canned_responses` lists the responses whose
    `folder_id` is the folder's id."""

    resource: str  # the other resource's name
    segment: str  # the URL segment under its record
    field: str  # this resource's field holding that record's id


@dataclasses.dataclass(frozen=True, slots=True)
class Filter:
    """A list query parameter: `kind` checks its value (`id`, `integer`, `boolean`, `string`,
    `datetime` or `choice`), `test(record, value, context)` keeps the records that match.

    `always` runs the test when the parameter is absent too (value None: a default such as "not
    archived"); `sees_deleted` lets soft-deleted records reach the test (`filter_name=deleted`);
    `personal` says the answer depends on who asks or when (`my_open`, `overdue`), so it is not
    shared between callers or moments. The context's `query` holds every filter's value. A
    `query` filter takes Freshservice's filter language (`filters.py`) over `query_fields`, and
    its test gets the parsed query.
    """

    name: str
    kind: Literal["id", "integer", "boolean", "string", "datetime", "choice", "query"]
    test: Callable[[Record, Any, Context], bool]
    choices: tuple[str, ...] = ()
    description: str = ""
    always: bool = False
    sees_deleted: bool = False
    personal: bool = False
    query_fields: tuple[tuple[str, FieldType], ...] = ()


@dataclasses.dataclass
class Context:
    """What a hook may look at: the caller, the account, the data clock's now, for a resource
    under another the parent record, and for a list the values of its filters."""

    who: Caller
    account: AccountData
    now: int
    parent: Record | None = None
    query: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    # An action's request body, checked against its `Action.fields`.
    body: Mapping[str, Any] = dataclasses.field(default_factory=dict)


def caller_id(context: Context) -> int:
    """A field's default: the user making the request (a note's author, a survey's editor)."""
    return context.who.user_id


@dataclasses.dataclass(frozen=True, slots=True)
class Action:
    """An extra route on one record (`PUT /problems/{id}/restore`): `run(context, record)`
    returns the record to store (or None to store nothing); the answer is the record, or 204."""

    segment: str
    method: Literal["GET", "POST", "PUT", "DELETE"]
    privilege: str  # suffix of the resource's scope: "delete" → "problems.delete"
    run: Callable[[Context, Record], Record | None]
    answers_record: bool = True
    status: int = 200
    description: str = ""
    # Whether the action applies to soft-deleted records (restore does; most do not).
    on_deleted: bool = False
    # The JSON body the action takes (none: it takes no body); `run` finds it in `context.body`.
    fields: tuple[Field, ...] = ()


@dataclasses.dataclass(frozen=True, slots=True)
class Include:
    """`?include=<name>` on a view: adds the key `<name>`, made from the record, to the answer."""

    make: Callable[[Context, Record], Any]
    schema: Mapping[str, Any]
    description: str = ""


@dataclasses.dataclass(frozen=True, slots=True)
class FormFields:
    """`GET /{path}` → `{key: [...]}`: the resource's fields as its form describes them."""

    path: str  # e.g. "problem_form_fields"
    key: str  # e.g. "problem_fields"
    fields: Callable[[AccountData], list[dict[str, Any]]]
    # The JSON schema of one field, for a form not in the problems' shape (forms.py).
    item_schema: Mapping[str, Any] | None = None


@dataclasses.dataclass
class Seeding:
    """What a seed function builds an account's records from: a random source of its own, the
    data clock's anchor, the account as built so far, and how many records to make."""

    rng: random.Random
    anchor: int
    account: AccountData
    count: int
    new_id: Callable[[int], int]  # the id of the n-th generated record (n from 1)

    # Draws made from `random()` alone: `randrange` and `choice` cost several times as much, and
    # a large account draws hundreds of thousands of times while it starts.

    def below(self, bound: int) -> int:
        """A whole number from 0 up to, not including, `bound`."""
        return int(self.rng.random() * bound)

    def between(self, low: int, high: int) -> int:
        """A whole number from `low` up to, not including, `high`."""
        return low + int(self.rng.random() * (high - low))

    def choice(self, items: Sequence[Any]) -> Any:
        return items[int(self.rng.random() * len(items))]

    def chance(self, share: float) -> bool:
        return self.rng.random() < share

    def pick(self, items: Sequence[Any], none_share: float = 0.0) -> Any:
        """One of `items`, or None `none_share` of the time (and when there are none)."""
        if not items or self.rng.random() < none_share:
            return None
        return items[int(self.rng.random() * len(items))]


# A seed makes an account's records of its resource, and of resources under it, as
# (table name, record) pairs, so children are made with their parent.
Seed = Callable[[Seeding], Iterable[tuple[str, "Record"]]]
Check = Callable[[Context, Mapping[str, Any], "Record | None"], list[FieldError]]
Fill = Callable[[Context, "Record", Mapping[str, Any], "Record | None"], None]
# Runs under the account's lock before a record is deleted: it may refuse (raise an ApiError)
# or change other records (a task's subtasks go with it).
OnDelete = Callable[[Context, "Record"], None]


@dataclasses.dataclass(frozen=True)
class Resource:
    """One kind of record, declared once (see the module docstring).

    `name` is the plural (URL segment, list key), `singular` the key of one record. Ids are small
    visible numbers from 1 (`id_base=None`, as tickets, problems and changes are numbered) or
    64-bit, `id_base` + the account's range. `scope` names the privileges: `{scope}.view`,
    `.create`, `.edit`, `.delete`. `soft_delete` keeps deleted records (out of lists, refused
    writes) until restored. `workspace` gives lists the `workspace_id` parameter (absent: the
    primary workspace; 0: all) and creates a default workspace. `sortable` names the fields
    lists take as `order_by` (with `order_type`, `asc` or `desc`). `count` makes how many
    records an account is seeded with from its ticket count.
    """

    name: str
    singular: str
    fields: tuple[Field, ...]
    scope: str
    tag: str
    id_base: int | None = None
    operations: tuple[Operation, ...] = ALL_OPERATIONS
    parent: Parent | None = None
    soft_delete: bool = False
    workspace: bool = False
    filters: tuple[Filter, ...] = ()
    updated_since: bool = True
    order: tuple[str, Literal["asc", "desc"]] = ("created_at", "desc")
    actions: tuple[Action, ...] = ()
    form_fields: FormFields | None = None
    check: Check | None = None
    fill: Fill | None = None
    on_delete: OnDelete | None = None
    # Operations a record's state (or its parent's) may refuse with 405, besides writes to a
    # soft-deleted record: a project's while it is archived.
    may_refuse: tuple[Operation, ...] = ()
    sortable: tuple[str, ...] = ()
    includes: Mapping[str, Include] = dataclasses.field(default_factory=dict)
    seed: Seed | None = None
    count: Callable[[int], int] = lambda tickets: 0
    delete_status: int = 204
    categories: Mapping[Operation, str] = dataclasses.field(default_factory=dict)
    description: str = ""
    # Fields no two live records (under one parent) may share: a string compared without case.
    # A request that would repeat one is a 409 `duplicate_value`.
    unique: tuple[str, ...] = ()
    # A record as read at a moment (epoch seconds): for fields that follow the data clock, such
    # as an announcement's state. Answers made with it are never kept.
    as_read: Callable[[Record, int], Record] | None = None
    # The account's own table the resource serves (`AccountData` attribute, e.g. "groups"),
    # for records the rest of the account reads too; None: a table of its own.
    adopts: str | None = None
    # Other first segments one record is also served at (view, update, delete): Freshworks'
    # OpenAPI file has `/canned_response/{id}` where the reference has `/canned_responses/{id}`.
    item_aliases: tuple[str, ...] = ()
    # One privilege for every write (`assets.manage`), where the scope has no create/edit/delete.
    manage_verb: str | None = None
    listed_under: ListedUnder | None = None

    @property
    def table_name(self) -> str:
        """The account table's name (unique across resources: a child carries its parent's)."""
        if self.parent is None:
            return self.name
        return f"{self.parent.resource}__{self.name}"

    def field(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)

    @property
    def timestamps(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.timestamp)

    def privilege(self, operation: str) -> str:
        suffix = {"list": "view", "view": "view", "create": "create", "update": "edit"}
        if self.manage_verb is not None and operation not in ("list", "view"):
            return f"{self.scope}.{self.manage_verb}"
        return f"{self.scope}.{suffix.get(operation, operation)}"

    def index_fields(self) -> tuple[str, ...]:
        """What the account table keeps in columns: what lists filter and sort on."""
        names = {"created_at", "updated_at", "_parent", "_deleted", "_gone", self.order[0]}
        if self.workspace:
            names.add("workspace_id")
        return tuple(sorted(names))


def index_row(resource: Resource) -> Callable[[Record], dict[str, Any]]:
    names = resource.index_fields()

    def row(record: Record) -> dict[str, Any]:
        return {name: record.get(name) for name in names}

    return row


def records_of(account: AccountData, resource: Resource) -> Table:
    return account.resource_tables[resource.table_name]


ResourceList = Iterable[Resource]
