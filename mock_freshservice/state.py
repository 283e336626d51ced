"""Everything one fake instance holds: accounts, keys, budgets and the journal.

Hung on `app.extensions["mock_freshservice"]` by the app factory and reached through `get_state()`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import threading
from collections.abc import Iterator, Mapping

from flask import current_app

from mock_freshservice.clock import DataClock
from mock_freshservice.data.account import AccountData
from mock_freshservice.data.build import build_account
from mock_freshservice.data.dataset import Dataset
from mock_freshservice.data.generate import people_pools
from mock_freshservice.data.roles import Role, build_roles
from mock_freshservice.journal import Journal
from mock_freshservice.persistence import WriteLog, dataset_digest
from mock_freshservice.ratelimit import PLAN_LIMITS, RateLimiter
from mock_freshservice.settings import DEFAULT_PLAN, FakeSettings, Plan

EXTENSION = "mock_freshservice"


class DatasetKeyError(ValueError):
    """An `api_keys:` entry that names no user of its account, or a role that does not fit."""


@dataclasses.dataclass(frozen=True, slots=True)
class KeyBinding:
    """What an API key stands for: a user, with a role, in one account."""

    key: str
    domain: str
    user_id: int
    role: Role


class FakeState:
    def __init__(self, settings: FakeSettings, dataset: Dataset) -> None:
        self.settings = settings
        self.dataset = dataset
        self.clock = DataClock(settings.now)
        self.roles = build_roles(dataset.roles)
        self.limiter = RateLimiter(settings.rate_window)
        self.journal = Journal()
        self.lock = threading.RLock()
        self.accounts: dict[str, AccountData] = {}
        self.plans: dict[str, Plan] = {}
        self.custom_limits: dict[str, dict[str, int]] = {}
        self.keys: dict[str, KeyBinding] = {}
        self.revoked: set[str] = set()
        self.log: WriteLog | None = None
        self.accounts_ready = False  # True once the first load is done
        if settings.state is not None:
            digest = dataset_digest(dataset.model_dump_json().encode(), settings.seed)
            self.log = WriteLog.open(settings.state, digest=digest, anchor=self.clock.anchor)
            # Generated records are rebuilt exactly as the first run made them.
            self.clock.anchor = int(self.log.header["anchor"])
        self.load()
        if self.log is not None:
            for entry in self.log.replayable():
                account = self.accounts.get(entry["a"])
                if account is not None:
                    account.replay(entry)
            for account in self.accounts.values():
                account.persist_to(self.log.write)

    # -- building ----------------------------------------------------------------------------

    def load(self, domain: str | None = None) -> None:
        """(Re)build every account, or one, from the dataset: data, plan, keys, budget."""
        people = people_pools(self.settings.seed)
        with self.lock:  # one load at a time
            chosen = [
                (index, account)
                for index, account in enumerate(self.dataset.accounts)
                if domain is None or account.domain == domain
            ]
            # Built while the old accounts still serve; none goes live before it is wired up.
            rebuilt = [
                build_account(self.settings.seed, account, index, self.clock.anchor, people)
                for index, account in chosen
            ]
            old = [self.accounts[a.domain] for _, a in chosen if a.domain in self.accounts]
            with contextlib.ExitStack() as held:
                # Every write runs under its account's lock: with all of them held, no write is
                # half done while the marker is written and the accounts are swapped.
                for data in list(self.accounts.values()):
                    held.enter_context(data.lock)
                # A request still holding an old account now fails instead of writing after
                # the reset marker (a write the replay would bring back).
                for data in old:
                    data.retire()
                if self.log is not None and self.accounts_ready:
                    # A reset: the state file forgets this account's (or every account's) writes.
                    self.log.write({"reset": domain})
                    for data in rebuilt:
                        data.persist_to(self.log.write)
                for data in rebuilt:
                    self.accounts[data.domain] = data
                    self.plans[data.domain] = (
                        self.settings.plan or data.account.plan or DEFAULT_PLAN
                    )
                    self.custom_limits.pop(data.domain, None)
                    self.limiter.reset(data.domain)
                    self.journal.clear(data.domain)
                    self._bind_keys(data)
            self.accounts_ready = True

    def _bind_keys(self, data: AccountData) -> None:
        for stale in [k for k, b in self.keys.items() if b.domain == data.domain]:
            del self.keys[stale]
            self.revoked.discard(stale)
        for entry in data.account.api_keys:
            user = data.user_by_email(entry.user)
            if user is None:
                raise DatasetKeyError(
                    f"{data.domain}: api key for {entry.user!r} names no user of the account"
                )
            role = self.roles.get(entry.role)
            if role is None:
                raise DatasetKeyError(f"{data.domain}: unknown role {entry.role!r}")
            is_agent = user["id"] in data.agents
            if role.is_agent != is_agent:
                kind = "an agent" if is_agent else "a requester"
                raise DatasetKeyError(
                    f"{data.domain}: {entry.user} is {kind}; role {entry.role!r} does not fit"
                )
            self.keys[entry.key] = KeyBinding(entry.key, data.domain, int(user["id"]), role)
        if data.index == 0:
            # `--api-key` adds admin keys for the first account's first agent.
            first_agent = data.agents.ids[0]
            for key in self.settings.api_keys:
                self.keys[key] = KeyBinding(key, data.domain, first_agent, self.roles["admin"])

    # -- lookups -----------------------------------------------------------------------------

    def binding(self, key: str) -> KeyBinding | None:
        return self.keys.get(key)

    def account_for_host(self, host: str) -> AccountData | None:
        return self.accounts.get(host.split(":", 1)[0].lower())

    def iter_accounts(self) -> Iterator[AccountData]:
        return iter(list(self.accounts.values()))

    def plan(self, domain: str) -> Plan:
        return self.plans[domain]

    def limits(self, domain: str) -> Mapping[str, int] | None:
        """The per-minute limits in force for an account: its plan's, or custom ones."""
        custom = self.custom_limits.get(domain)
        return custom if custom is not None else PLAN_LIMITS[self.plans[domain]]

    def set_plan(
        self, domain: str, plan: Plan, custom_limits: Mapping[str, int] | None = None
    ) -> None:
        """Switch an account's plan (optionally with custom limits) from the next request on."""
        with self.lock:
            self.plans[domain] = plan
            if custom_limits is None:
                self.custom_limits.pop(domain, None)
            else:
                self.custom_limits[domain] = dict(custom_limits)


def get_state() -> FakeState:
    state: FakeState = current_app.extensions[EXTENSION]
    return state
