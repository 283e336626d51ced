"""Building an account from its dataset entry: generated records, then pinned ones on top."""

from __future__ import annotations

import random
import re
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

from mock_freshservice.clock import DAY, HOUR, parse_datetime
from mock_freshservice.data import ids, ticket_form
from mock_freshservice.data.account import AccountData, PinnedRecordError
from mock_freshservice.data.assets import build_catalog, generate_assets
from mock_freshservice.data.dataset import Account
from mock_freshservice.data.employees import generate_requests
from mock_freshservice.data.generate import AccountGenerator, People, agent_signature
from mock_freshservice.data.service_catalog import generate_catalog
from mock_freshservice.data.solutions import generate_solutions
from mock_freshservice.data.store import Record, Table
from mock_freshservice.data.ticket_sources import seed_sources
from mock_freshservice.resources.declaration import Seeding, index_row
from mock_freshservice.resources.organisation import seed_memberships
from mock_freshservice.resources.registry import RESOURCES

PINNABLE_KINDS = ("agents", "requesters", "tickets")
# Pinned tickets may name people and teams instead of ids.
_TICKET_REFERENCES = {"requester": "requester_id", "responder": "responder_id", "group": "group_id"}


def build_account(
    seed: int, account: Account, index: int, anchor: int, people: People
) -> AccountData:
    """Generate an account from its dataset entry and lay its pinned records over it."""
    generator = AccountGenerator(seed, account, index, anchor, people)
    data = AccountData(account, index, generator)
    for table, records in (
        (data.workspaces, generator.workspaces()),
        (data.groups, generator.groups()),
        (data.departments, generator.departments()),
        (data.locations, generator.locations()),
    ):
        for record in records:
            table.put(record)

    pinned = account.pinned
    unknown_kinds = set(pinned) - set(PINNABLE_KINDS)
    if unknown_kinds:
        raise PinnedRecordError(
            f"{account.domain}: pinned kinds {sorted(unknown_kinds)} are not supported "
            f"(use {', '.join(PINNABLE_KINDS)})"
        )
    groups = list(data.groups.all())
    departments = list(data.departments.all())
    locations = list(data.locations.all())

    # Pinned people take the first ids of their kind: demo users keep their ids whatever the sizes.
    pinned_agents = pinned.get("agents", ())
    pinned_requesters = pinned.get("requesters", ())
    agent_total = max(account.sizes.agents, len(pinned_agents))
    for n in range(1, agent_total + 1):
        user_id = ids.ranged(ids.USER_BASE, index, n)
        record = generator.agent(user_id, n, groups, departments, locations)
        if n <= len(pinned_agents):
            spec = pinned_agents[n - 1]
            record = _merge(account, "agents", base=record, spec=spec, anchor=anchor, data=data)
            if "signature" not in spec:  # signed with the generated name otherwise
                record["signature"] = agent_signature(record["first_name"], record["last_name"])
        data.agents.put(record)
    seed_memberships(data)
    requester_total = max(account.sizes.requesters, len(pinned_requesters))
    requester_rng = random.Random(f"{seed}:{account.domain}:requesters")
    generated_requesters = []
    for n in range(1, requester_total + 1):
        user_id = ids.ranged(ids.USER_BASE, index, agent_total + n)
        record = generator.requester(user_id, n, departments, locations, requester_rng)
        if n <= len(pinned_requesters):
            record = _merge(
                account,
                "requesters",
                base=record,
                spec=pinned_requesters[n - 1],
                anchor=anchor,
                data=data,
            )
        generated_requesters.append(record)
    data.requesters.load(generated_requesters)

    agents = list(data.agents.all())
    requesters = list(data.requesters.all())
    ticket_ids, columns = generator.ticket_index(agents, requesters, groups)
    data.tickets.add_generated_columns(ticket_ids, columns)
    for spec in pinned.get("tickets", ()):
        if "id" not in spec:
            raise PinnedRecordError(f"{account.domain}: pinned tickets need an id")
        ticket_id = int(spec["id"])
        if not 1 <= ticket_id <= ids.MAX_TICKET_ID:
            raise PinnedRecordError(
                f"{account.domain}: pinned ticket id {ticket_id} must be between 1 and "
                f"{ids.MAX_TICKET_ID}"
            )
        base = data.tickets.get(ticket_id)
        if base is None:
            row = generator.single_ticket_index(ticket_id, agents, requesters, groups)
            base = generator.build_ticket(ticket_id, row)
        pinned_ticket = _merge(account, "tickets", base=base, spec=spec, anchor=anchor, data=data)
        # Its history starts from the record as pinned, not as generated (activities.py).
        data.tickets.put({**pinned_ticket, "_pinned": True})

    _build_the_rest(
        data, seed=seed, anchor=anchor, agents=agents, requesters=requesters, groups=groups
    )
    seed_sources(data.ticket_sources, account.ticket_sources, anchor - 400 * DAY)
    seed_resources(data, seed=seed, anchor=anchor)
    return data


def seed_resources(data: AccountData, *, seed: int, anchor: int) -> None:
    """The declared resources' tables (`mock_freshservice/resources/`), each seeded from its
    own random source, so adding a resource changes no other resource's data."""
    for resource in RESOURCES:
        adopted = getattr(data, resource.adopts) if resource.adopts is not None else None
        data.resource_tables[resource.table_name] = (
            adopted
            if isinstance(adopted, Table)
            else Table(resource.table_name, resource.index_fields(), index_row(resource))
        )
    tickets = len(data.tickets)
    for resource in RESOURCES:
        if resource.seed is None:
            continue
        base = resource.id_base

        def new_id(n: int, base: int | None = base) -> int:
            return n if base is None else ids.ranged(base, data.index, n)

        seeding = Seeding(
            rng=random.Random(f"{seed}:{data.domain}:{resource.name}"),
            anchor=anchor,
            account=data,
            count=resource.count(tickets),
            new_id=new_id,
        )
        made: dict[str, list[Record]] = {}
        for table_name, record in resource.seed(seeding):
            made.setdefault(table_name, []).append(record)
        for table_name, records in made.items():
            data.resource_tables[table_name].load(sorted(records, key=lambda r: int(r["id"])))


def _build_the_rest(
    data: AccountData,
    *,
    seed: int,
    anchor: int,
    agents: list[Record],
    requesters: list[Record],
    groups: list[Record],
) -> None:
    """Assets, the service catalog, the knowledge base and on/offboarding requests."""
    account = data.account
    workspaces = list(data.workspaces.all())
    workspace_ids = [data.primary_workspace_id] + [
        w["id"] for w in workspaces if w["id"] != data.primary_workspace_id
    ]
    catalog = build_catalog(data.index, anchor)
    data.asset_catalog = catalog
    for asset_type in catalog.types.values():
        data.asset_types.put(asset_type)
    data.assets.load(
        generate_assets(
            seed,
            data.domain,
            catalog,
            account.sizes.assets,
            anchor,
            workspaces=workspace_ids,
            users=requesters,
            agents=[a["id"] for a in agents],
            groups=[g["id"] for g in groups],
            locations=list(data.locations.ids),
        )
    )
    categories, items = generate_catalog(
        seed=seed,
        domain=data.domain,
        account_index=data.index,
        anchor=anchor,
        workspaces=workspaces,
        primary=data.primary_workspace_id,
    )
    for category in categories:
        data.service_categories.put(category)
    for item in items:
        data.service_items.put(item)
    solution_categories, folders, articles = generate_solutions(
        data.index, anchor, workspaces, data.primary_workspace_id, [a["id"] for a in agents[:3]]
    )
    for table, records in (
        (data.solution_categories, solution_categories),
        (data.solution_folders, folders),
        (data.solution_articles, articles),
    ):
        for record in records:
            table.put(record)
    generate_requests(data, "onboarding", account.sizes.onboarding_requests, seed, anchor)
    generate_requests(data, "offboarding", account.sizes.offboarding_requests, seed, anchor)


_RELATIVE = re.compile(r"^-([0-9]+)([dhm])$")
_UNITS = {"d": DAY, "h": HOUR, "m": 60}
_TIMESTAMP_FIELDS = frozenset(
    {"created_at", "updated_at", "due_by", "fr_due_by", "last_login_at", "last_active_at"}
)


def _merge(
    account: Account,
    kind: str,
    *,
    base: Record,
    spec: Mapping[str, Any],
    anchor: int,
    data: AccountData,
) -> Record:
    """`base` with the pinned fields of `spec` laid over it, references resolved."""
    record = dict(base)
    for field, value in spec.items():
        where = f"{account.domain}: pinned {kind} {spec.get('id', spec.get('email', '?'))}"
        if kind == "tickets" and field in _TICKET_REFERENCES:
            record[_TICKET_REFERENCES[field]] = _resolve_reference(where, field, value, data)
            if field == "requester":
                record["requested_for_id"] = record["requester_id"]
            continue
        if kind == "tickets" and field == "custom_fields":
            record[field] = _pinned_custom_fields(where, account, value, base[field])
            continue
        if field == "id" and kind != "tickets":
            raise PinnedRecordError(f"{where}: people get their ids from their order; drop 'id'")
        if field not in base or field.startswith("_"):
            raise PinnedRecordError(f"{where}: unknown field {field!r}")
        if field in _TIMESTAMP_FIELDS and value is not None:
            record[field] = _timestamp(where, field, value, anchor)
        else:
            record[field] = value
    if kind == "tickets":
        problem = ticket_form.problem_of_pinned(account, record["custom_fields"], record["status"])
        if problem is not None:
            raise PinnedRecordError(f"{where}: {problem}")
        data.generator.rederive_ticket(record, pinned=frozenset(spec))
    return record


def _pinned_custom_fields(where: str, account: Account, value: Any, base: Any) -> dict[str, Any]:
    """A pinned ticket's custom values laid over the generated ones; a day YAML read as a
    date (an unquoted 2026-12-01) is written as the API writes it."""
    if not isinstance(value, Mapping):
        raise PinnedRecordError(f"{where}: custom_fields must be a mapping of names to values")
    given = {
        name: _day_text(item) if isinstance(item, date) else item for name, item in value.items()
    }
    return ticket_form.with_values(account, given, base)


def _day_text(value: date) -> str:
    return (value.date() if isinstance(value, datetime) else value).isoformat()


def _resolve_reference(where: str, field: str, value: Any, data: AccountData) -> int | None:
    if value is None:
        return None
    if field == "group":
        for group in data.groups.all():
            if group["name"] == value:
                return int(group["id"])
        raise PinnedRecordError(f"{where}: no group named {value!r}")
    user = data.user_by_email(str(value))
    if user is None:
        raise PinnedRecordError(f"{where}: {field} {value!r} is not a pinned or generated user")
    return int(user["id"])


def _timestamp(where: str, field: str, value: Any, anchor: int) -> int:
    if isinstance(value, datetime):  # YAML reads unquoted ISO timestamps as datetimes
        return int((value if value.tzinfo else value.replace(tzinfo=UTC)).timestamp())
    if isinstance(value, date):
        return int(datetime(value.year, value.month, value.day, tzinfo=UTC).timestamp())
    text = str(value)
    relative = _RELATIVE.match(text)
    if relative:
        return anchor - int(relative[1]) * _UNITS[relative[2]]
    if text == "now":
        return anchor
    parsed = parse_datetime(text)
    if parsed is None:
        raise PinnedRecordError(f"{where}: {field} {text!r} is neither ISO 8601 nor like '-2d'")
    return parsed
