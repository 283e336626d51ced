"""One account (tenant) of the fake: its tables, built from the dataset, and lookups across them."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from typing import Any

from mock_freshservice.clock import DAY, HOUR, parse_datetime
from mock_freshservice.data import ids
from mock_freshservice.data.dataset import Account
from mock_freshservice.data.generate import (
    TICKET_INDEX_FIELDS,
    AccountGenerator,
    People,
    ticket_index_of,
)
from mock_freshservice.data.store import Record, Table

PINNABLE_KINDS = ("agents", "requesters", "tickets")
# Pinned tickets may name people and teams instead of ids.
_TICKET_REFERENCES = {"requester": "requester_id", "responder": "responder_id", "group": "group_id"}


class PinnedRecordError(ValueError):
    """A pinned record the dataset cannot have; the message names the account, kind and field."""


def _plain_index(*fields: str) -> Callable[[Record], dict[str, Any]]:
    def index_of(record: Record) -> dict[str, Any]:
        return {name: record.get(name) for name in fields}

    return index_of


class AccountData:
    """The tables of one account plus the bookkeeping writes need."""

    def __init__(self, account: Account, index: int, generator: AccountGenerator) -> None:
        self.account = account
        self.index = index
        self.domain = account.domain
        self.primary_workspace_id = account.primary_workspace_id
        self.generator = generator
        self.lock = threading.RLock()
        self.workspaces = Table("workspaces", ("state",), _plain_index("state"))
        self.groups = Table("groups", ("workspace_id",), _plain_index("workspace_id"))
        self.departments = Table("departments", ("name",), _plain_index("name"))
        self.locations = Table("locations", ("name",), _plain_index("name"))
        people_fields = ("first_name", "last_name", "active", "work_phone_number")
        self.agents = Table(
            "agents",
            (*people_fields, "email", "mobile_phone_number", "occasional"),
            _plain_index(*people_fields, "email", "mobile_phone_number", "occasional"),
        )
        self.requesters = Table(
            "requesters",
            (*people_fields, "primary_email", "mobile_phone_number"),
            _plain_index(*people_fields, "primary_email", "mobile_phone_number"),
        )
        self.tickets = Table(
            "tickets", TICKET_INDEX_FIELDS, ticket_index_of, build=generator.build_ticket
        )
        # Notes created through the API, per ticket, after the generated history.
        self.created_conversations: dict[int, list[Record]] = {}
        self._conversation_counter = 0
        self._email_index: dict[str, int] | None = None
        self._email_index_versions = (-1, -1)

    # -- users -------------------------------------------------------------------------------

    def user(self, user_id: int) -> Record | None:
        return self.agents.get(user_id) or self.requesters.get(user_id)

    def user_by_email(self, email: str) -> Record | None:
        user_id = self._emails().get(email.lower())
        return None if user_id is None else self.user(user_id)

    def emails(self) -> dict[str, int]:
        """Every user's email addresses (lower case) → user id."""
        return self._emails()

    def _emails(self) -> dict[str, int]:
        versions = (self.agents.version, self.requesters.version)
        if self._email_index is None or versions != self._email_index_versions:
            emails: dict[str, int] = {}
            for requester in self.requesters.all():
                # A requester made from a phone number has no email at all.
                for address in (requester["primary_email"], *requester["secondary_emails"]):
                    if address:
                        emails.setdefault(address.lower(), requester["id"])
            for agent in self.agents.all():
                if agent["email"]:
                    emails[agent["email"].lower()] = agent["id"]
            self._email_index, self._email_index_versions = emails, versions
        return self._email_index

    def next_user_id(self) -> int:
        return max(self.agents.max_id(), self.requesters.max_id()) + 1

    def next_conversation_id(self) -> int:
        with self.lock:
            self._conversation_counter += 1
            return ids.ranged(
                ids.CONVERSATION_BASE,
                self.index,
                ids.CREATED_CONVERSATION_OFFSET + self._conversation_counter,
            )

    @property
    def sla_policy_id(self) -> int:
        return ids.ranged(ids.SLA_POLICY_BASE, self.index, 1)

    # -- conversations -----------------------------------------------------------------------

    def add_conversation(self, ticket_id: int, conversation: Record) -> None:
        with self.lock:
            self.created_conversations.setdefault(ticket_id, []).append(conversation)

    def conversations(self, ticket: Record) -> list[Record]:
        """Every conversation of a ticket, oldest first.

        The generated history comes from the ticket as generated, not as it is now: a later
        update must not rewrite the past (who wrote what, when, and whether it was private).
        """
        base = self.tickets.generated(ticket["id"])
        generated = (
            []
            if base is None or ticket.get("_generated_conversations", 0) == 0
            else self.generator.build_conversations(
                base, base["requester_id"], base["_generated_conversations"]
            )
        )
        return generated + self.created_conversations.get(ticket["id"], [])


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
            record = _merge(
                account, "agents", base=record, spec=pinned_agents[n - 1], anchor=anchor, data=data
            )
        data.agents.put(record)
    requester_total = max(account.sizes.requesters, len(pinned_requesters))
    for n in range(1, requester_total + 1):
        user_id = ids.ranged(ids.USER_BASE, index, agent_total + n)
        record = generator.requester(user_id, n, departments, locations)
        if n <= len(pinned_requesters):
            record = _merge(
                account,
                "requesters",
                base=record,
                spec=pinned_requesters[n - 1],
                anchor=anchor,
                data=data,
            )
        data.requesters.put(record)

    agents = list(data.agents.all())
    requesters = list(data.requesters.all())
    ticket_ids, columns = generator.ticket_index(agents, requesters, groups)
    data.tickets.add_generated_columns(ticket_ids, columns)
    for spec in pinned.get("tickets", ()):
        if "id" not in spec:
            raise PinnedRecordError(f"{account.domain}: pinned tickets need an id")
        ticket_id = int(spec["id"])
        base = data.tickets.get(ticket_id)
        if base is None:
            row = generator.single_ticket_index(ticket_id, agents, requesters, groups)
            base = generator.build_ticket(ticket_id, row)
        data.tickets.put(_merge(account, "tickets", base=base, spec=spec, anchor=anchor, data=data))
    return data


_RELATIVE = re.compile(r"^-(\d+)([dhm])$")
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
        if field == "id" and kind != "tickets":
            raise PinnedRecordError(f"{where}: people get their ids from their order; drop 'id'")
        if field not in base or field.startswith("_"):
            raise PinnedRecordError(f"{where}: unknown field {field!r}")
        if field in _TIMESTAMP_FIELDS and value is not None:
            record[field] = _timestamp(where, field, value, anchor)
        else:
            record[field] = value
    if kind == "tickets":
        data.generator.rederive_ticket(record, pinned=frozenset(spec))
    return record


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
