"""One account (tenant) of the fake: its tables, built from the dataset, and lookups across them."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from mock_freshservice.data import ids
from mock_freshservice.data.assets import ASSET_INDEX_FIELDS, AssetCatalog, asset_index_of
from mock_freshservice.data.dataset import Account
from mock_freshservice.data.generate import (
    TICKET_INDEX_FIELDS,
    AccountGenerator,
    ticket_index_of,
)
from mock_freshservice.data.store import Record, RetiredTableError, Table


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
        self.asset_catalog: AssetCatalog | None = None
        self.asset_types = Table("asset_types", ("name",), _plain_index("name"))
        self.assets = Table("assets", ASSET_INDEX_FIELDS, asset_index_of, key_field="display_id")
        self.service_categories = Table(
            "service_categories", ("workspace_id",), _plain_index("workspace_id")
        )
        self.service_items = Table(
            "service_items",
            ("category_id", "workspace_id", "visibility"),
            _plain_index("category_id", "workspace_id", "visibility"),
            key_field="display_id",
        )
        self.solution_categories = Table(
            "solution_categories", ("workspace_id",), _plain_index("workspace_id")
        )
        self.solution_folders = Table(
            "solution_folders", ("category_id", "name"), _plain_index("category_id", "name")
        )
        self.solution_articles = Table(
            "solution_articles", ("folder_id", "status"), _plain_index("folder_id", "status")
        )
        # The declared resources' tables (`mock_freshservice/resources/`), by table name; made
        # and seeded when the account is built.
        self.resource_tables: dict[str, Table] = {}
        self.employee_requests = {
            kind: Table(f"{kind}_requests", ("status",), _plain_index("status"))
            for kind in ("onboarding", "offboarding")
        }
        # Where writes go when the fake keeps state (`--state`); None: nowhere.
        self.on_write: Callable[[dict[str, Any]], None] | None = None
        # Items of placed service requests, per ticket id.
        self.requested_items: dict[int, list[Record]] = {}
        # Notes created through the API, per ticket, after the generated history.
        self.created_conversations: dict[int, list[Record]] = {}
        self._conversation_tickets: dict[int, int] = {}  # created conversation id → ticket id
        self._conversation_counter = 0
        # Conversations edited or deleted through the API, by id, generated ones too: a record
        # here stands in for the conversation (`_gone` when deleted).
        self.conversation_edits = Table(
            "conversation_edits", ("ticket_id",), _plain_index("ticket_id")
        )
        # What was done to tickets through the API (created, updated, deleted, restored), for
        # `GET /tickets/{id}/activities`; a generated ticket's own history is derived from it.
        self.ticket_activities = Table(
            "ticket_activities", ("ticket_id",), _plain_index("ticket_id")
        )
        # The account's own ticket sources (the dataset's and those created through the API).
        self.ticket_sources = Table("ticket_sources", ("choice_id",), _plain_index("choice_id"))
        self.retired = False  # set by a reset, under `lock`
        self._email_index: dict[str, int] | None = None
        self._email_index_versions = (-1, -1)
        self._request_index: dict[str, tuple[int, dict[int, Record]]] = {}

    # -- users -------------------------------------------------------------------------------

    def user(self, user_id: int) -> Record | None:
        return self.agents.live(user_id) or self.requesters.live(user_id)

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
            for requester in self.requesters.live_records():
                # A requester made from a phone number has no email at all.
                for address in (requester["primary_email"], *requester["secondary_emails"]):
                    if address:
                        emails.setdefault(address.lower(), requester["id"])
            for agent in self.agents.live_records():
                if agent["email"]:
                    emails[agent["email"].lower()] = agent["id"]
            self._email_index, self._email_index_versions = emails, versions
        return self._email_index

    def employee_request_of(self, kind: str, ticket_id: int) -> Record | None:
        """The on/offboarding request (`kind`) whose parent or task ticket this is, if any."""
        table = self.employee_requests[kind]
        version, index = self._request_index.get(kind, (-1, {}))
        if version != table.version:
            index = {tid: request for request in table.all() for tid in request["_tickets"]}
            self._request_index[kind] = (table.version, index)
        return index.get(ticket_id)

    def next_user_id(self) -> int:
        return max(self.agents.max_id(), self.requesters.max_id()) + 1

    def next_conversation_id(self) -> int:
        with self.lock:
            self._conversation_counter += 1
            return ids.created_conversation_id(self.index, self._conversation_counter)

    @property
    def sla_policy_id(self) -> int:
        return ids.ranged(ids.SLA_POLICY_BASE, self.index, 1)

    # -- conversations -----------------------------------------------------------------------

    def add_conversation(self, ticket_id: int, conversation: Record) -> None:
        with self.lock:
            self._check_live("conversations")
            if self.on_write is not None:  # write-ahead, as in `Table.put`
                self.on_write({"a": self.domain, "c": ticket_id, "r": conversation})
            self.created_conversations.setdefault(ticket_id, []).append(conversation)
            self._conversation_tickets[int(conversation["id"])] = ticket_id
            n = ids.created_conversation_number(self.index, conversation["id"])
            self._conversation_counter = max(self._conversation_counter, n)

    def set_requested_items(self, ticket_id: int, items: list[Record]) -> None:
        with self.lock:
            self._check_live("requested_items")
            if self.on_write is not None:  # write-ahead, as in `Table.put`
                self.on_write({"a": self.domain, "ri": ticket_id, "r": items})
            self.requested_items[ticket_id] = items

    def retire(self, retired: bool = True) -> None:
        """Refuse every later write: a reset has replaced this account (see `Table.retired`).

        `retire(False)` takes it back, for a reset that could not be logged.
        """
        with self.lock:
            self.retired = retired
            for table in self.tables().values():
                table.retire(retired)

    def _check_live(self, kind: str) -> None:
        if self.retired:
            raise RetiredTableError(kind)

    def tables(self) -> dict[str, Table]:
        """Every table of the account by name, for persistence and replay."""
        named = {name: table for name, table in vars(self).items() if isinstance(table, Table)}
        for kind, table in self.employee_requests.items():
            named[f"{kind}_requests"] = table
        named.update(self.resource_tables)
        return named

    def persist_to(self, write: Callable[[dict[str, Any]], None]) -> None:
        """Send every later write of this account to `write` (one JSON-able entry each)."""
        self.on_write = write
        for name, table in self.tables().items():
            table.on_put = lambda record, name=name: write(
                {"a": self.domain, "t": name, "r": record}
            )

    def replay(self, entry: dict[str, Any]) -> None:
        """Apply one logged write (before `persist_to`, so nothing is logged twice)."""
        if "t" in entry:
            self.tables()[entry["t"]].put(entry["r"])
        elif "c" in entry:
            self.add_conversation(int(entry["c"]), entry["r"])
        elif "ri" in entry:
            self.set_requested_items(int(entry["ri"]), entry["r"])

    def drop_orphans(self) -> int:
        """Forget notes and requested items of tickets that do not exist; how many tickets had any.

        Only a skipped (damaged) record leaves these after a replay: the ticket's own records are
        gone, and the next ticket created would get its id, and these notes with it.
        """
        with self.lock:
            orphans = {
                ticket_id
                for ticket_id in {*self.created_conversations, *self.requested_items}
                if ticket_id not in self.tickets
            }
            for ticket_id in orphans:
                for note in self.created_conversations.pop(ticket_id, []):
                    self._conversation_tickets.pop(int(note["id"]), None)
                self.requested_items.pop(ticket_id, None)
            # Activities, tasks and time entries of such a ticket: kept, but tied to none.
            for activity in list(self.ticket_activities.all()):
                if activity["ticket_id"] is not None and activity["ticket_id"] not in self.tickets:
                    orphans.add(activity["ticket_id"])
                    self.ticket_activities.put({**activity, "ticket_id": None, "_gone": True})
            # Declared resources under tickets have tables named `tickets__…` (Resource.table_name).
            for name, table in self.resource_tables.items():
                for record in list(table.all()) if name.startswith("tickets__") else []:
                    parent = int(record["_parent"])
                    if parent not in self.tickets and not record.get("_gone"):
                        orphans.add(parent)
                        table.put({**record, "_gone": True})
            return len(orphans)

    def conversations(self, ticket: Record) -> list[Record]:
        """Every conversation of a ticket, oldest first, as edited; deleted ones left out.

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
        found = generated + self.created_conversations.get(ticket["id"], [])
        edits = self.conversation_edits
        if not len(edits):
            return found
        current = [edits.get(c["id"]) or c for c in found]
        return [c for c in current if not c.get("_gone")]

    def conversation(self, conversation_id: int) -> Record | None:
        """One conversation by id, as edited (None if there is none, or it was deleted)."""
        ticket_id = self._conversation_tickets.get(conversation_id)
        if ticket_id is None:
            ticket_id = ids.generated_conversation_ticket(self.index, conversation_id)
        ticket = None if ticket_id is None else self.tickets.get(ticket_id)
        if ticket is None:
            return None
        return next((c for c in self.conversations(ticket) if c["id"] == conversation_id), None)
