"""The view skeletons agents and requesters share: a live person or 404, a page of a listing, and
the writes (create, update, deactivate, reactivate, forget). Each blueprint describes its kind of
person once, as a `People`, and `add_write_routes` serves the writes for it."""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from flask import Blueprint, Response, request

from mock_freshservice import errors
from mock_freshservice.api import people, people_writes
from mock_freshservice.api.common import (
    Caller,
    check_query,
    endpoint,
    json_response,
    location,
    read_json_object,
    require,
)
from mock_freshservice.data.account import AccountData
from mock_freshservice.data.store import Record, Table
from mock_freshservice.errors import FieldError
from mock_freshservice.pagination import Page, next_link
from mock_freshservice.state import get_state

Body = Mapping[str, Any]


def _no_sync(account: AccountData, before: Record | None, after: Record, now: int) -> None:
    """Requesters belong to no agent groups: nothing to keep in step."""


@dataclasses.dataclass(frozen=True, slots=True)
class People:
    """What the agents' and the requesters' endpoints do differently."""

    key: str  # one person's envelope key ("agent")
    collection: str  # the path under /api/v2 and the list's envelope key ("agents")
    manage: str  # the privilege every write needs
    table: Callable[[AccountData], Table]
    render: Callable[[Record], dict[str, Any]]
    check: Callable[[AccountData, Body, Record | None], None]  # raises the 400/409
    new: Callable[[AccountData, Body, int], Record]
    updated: Callable[[Record, Body, int], Record]
    # Run once a person is stored, and before one is forgotten (then with `{"id": …}` as after).
    sync: Callable[[AccountData, Record | None, Record, int], None] = _no_sync


def live(table: Table, person_id: int) -> Record:
    """The live person with that id in `table`, else 404."""
    person = table.live(person_id)
    if person is None:
        raise errors.NotFound()
    return person


# The list parameters agents and requesters both take; each blueprint names its own besides.
LIST_PARAMS = ("email", "mobile_phone_number", "work_phone_number", "query", "page", "per_page")


@dataclasses.dataclass(frozen=True, slots=True)
class Listing:
    """A people list request once its caller, query parameters, `query` and page are read."""

    who: Caller
    problems: list[FieldError]  # the blueprint adds its own filters' problems, then raises
    query: str | None
    page: Page

    def respond(
        self,
        key: str,
        found: Sequence[Record],
        *,
        email_field: str,
        render: Callable[[Record], dict[str, Any]],
    ) -> Response:
        """One page of `found`: a `query` filters them (newest first, no Link header); else they
        are sorted by first name and a Link names the next page when there is one."""
        if self.query is not None:
            ordered = people.filtered(found, self.query, email_field)
        else:
            ordered = people.by_first_name(found)
        chunk, more = self.page.slice(ordered)
        headers = {"Link": next_link(self.page)} if more and self.query is None else None
        return json_response({key: [render(person) for person in chunk]}, headers=headers)


def start_listing(privilege: str, *params: str) -> Listing:
    """A list request read up to its own filters: `params` are the ones beyond LIST_PARAMS."""
    who = require(privilege)
    problems = check_query((*LIST_PARAMS, *params))
    query = request.args.get("query")
    page = people.parse_people_page(problems, filtering=query is not None)
    return Listing(who, problems, query, page)


def _manager(kind: People) -> Caller:
    """The caller, if allowed to manage `kind` (else 403), on a path without query parameters."""
    who = require(kind.manage)
    check_query(())
    return who


@contextlib.contextmanager
def _held(who: Caller, kind: People, person_id: int) -> Iterator[tuple[Table, Record]]:
    """`kind`'s table and its live person `person_id` (else 404), the account locked meanwhile."""
    with who.account.lock:
        table = kind.table(who.account)
        yield table, live(table, person_id)


def create(kind: People) -> Response:
    who = _manager(kind)
    body = read_json_object()
    account = who.account
    with account.lock:
        kind.check(account, body, None)
        person = kind.new(account, body, get_state().clock.now())
        kind.table(account).put(person)
        kind.sync(account, None, person, person["created_at"])
    return json_response(
        {kind.key: kind.render(person)}, 201, location(f"{kind.collection}/{person['id']}")
    )


def update(kind: People, person_id: int) -> Response:
    who = _manager(kind)
    body = read_json_object()
    if not body:
        raise errors.missing_params()
    with _held(who, kind, person_id) as (table, person):
        people_writes.refuse_when_inactive(person, "PUT")
        kind.check(who.account, body, person)
        now = get_state().clock.now()
        updated = kind.updated(person, body, now)
        table.put(updated)
        kind.sync(who.account, person, updated, now)
    return json_response({kind.key: kind.render(updated)})


def deactivate(kind: People, person_id: int) -> Response:
    who = _manager(kind)
    with _held(who, kind, person_id) as (table, person):
        people_writes.refuse_when_inactive(person, "DELETE")
        people_writes.not_self(who, person)
        table.put({**person, "active": False, "updated_at": get_state().clock.now()})
    return Response(status=204)


def reactivate(kind: People, person_id: int) -> Response:
    """A deactivated person made active again; an active one is answered unchanged."""
    with _held(_manager(kind), kind, person_id) as (table, found):
        person = found
        if not person["active"]:
            person = {**person, "active": True, "updated_at": get_state().clock.now()}
            table.put(person)
    return json_response({kind.key: kind.render(person)})


def forget(kind: People, person_id: int) -> Response:
    """The person erased for good (people_writes.forget), their group places first."""
    who = _manager(kind)
    with _held(who, kind, person_id) as (table, person):
        people_writes.not_self(who, person)
        now = get_state().clock.now()
        kind.sync(who.account, person, {"id": person_id}, now)
        people_writes.forget(who.account, table, person, now)
    return Response(status=204)


def add_write_routes(bp: Blueprint, kind: People) -> None:
    """The five writes on `bp`, under the paths and endpoint names the blueprints always had:
    `/agents` and `/agents/<int:agent_id>[/reactivate|/forget]`, `agents.create_agent`, …"""
    id_name = f"{kind.key}_id"
    one = f"/{kind.collection}/<int:{id_name}>"

    def by_id(skeleton: Callable[[People, int], Response]) -> Callable[..., Response]:
        # Flask passes the id by its rule name (agent_id, requester_id).
        return lambda **path: skeleton(kind, path[id_name])

    routes: tuple[tuple[str, str, str, Callable[..., Response]], ...] = (
        ("create", f"/{kind.collection}", "POST", lambda: create(kind)),
        ("update", one, "PUT", by_id(update)),
        ("deactivate", one, "DELETE", by_id(deactivate)),
        ("reactivate", f"{one}/reactivate", "PUT", by_id(reactivate)),
        ("forget", f"{one}/forget", "DELETE", by_id(forget)),
    )
    for verb, rule, method, view in routes:
        name = f"{verb}_{kind.key}"
        view.__name__ = name  # tracebacks and profiles name the endpoint, not "<lambda>"
        bp.add_url_rule(rule, name, endpoint("write")(view), methods=[method])
