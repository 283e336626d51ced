"""Everything one fake instance holds: accounts, keys, budgets, scenarios and the journal.

Hung on `app.extensions["mock_freshservice"]` by the app factory and reached through `get_state()`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from flask import current_app

from mock_freshservice.backoff import BackoffWatch
from mock_freshservice.clock import DataClock
from mock_freshservice.data.account import AccountData
from mock_freshservice.data.build import build_account
from mock_freshservice.data.dataset import Dataset
from mock_freshservice.data.generate import People, people_pools
from mock_freshservice.data.roles import Role, build_roles
from mock_freshservice.faults import FaultEngine, ScenarioRun
from mock_freshservice.journal import Journal
from mock_freshservice.oauth import OAuthRegistry
from mock_freshservice.oauth.grants import OAuthFaults
from mock_freshservice.persistence import WriteLog, dataset_digest
from mock_freshservice.ratelimit import PLAN_LIMITS, RateLimiter
from mock_freshservice.scenario import CALLER, Scenario, ScenarioError, format_path
from mock_freshservice.settings import DEFAULT_PLAN, FakeSettings, Plan

EXTENSION = "mock_freshservice"
log = logging.getLogger("mock_freshservice")
# progress(accounts built, accounts in all, the account being built or "" when done)
BuildProgress = Callable[[int, int, str], None]


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
    def __init__(
        self, settings: FakeSettings, dataset: Dataset, progress: BuildProgress | None = None
    ) -> None:
        self.settings = settings
        self.dataset = dataset
        self.clock = DataClock(settings.now)
        self.roles = build_roles(dataset.roles)
        self.limiter = RateLimiter(settings.rate_window)
        self.journal = Journal()
        self.faults = FaultEngine()
        self.backoff = BackoffWatch()
        self.lock = threading.RLock()
        self.accounts: dict[str, AccountData] = {}
        self.plans: dict[str, Plan] = {}
        self.custom_limits: dict[str, dict[str, int]] = {}
        self.keys: dict[str, KeyBinding] = {}
        self.revoked: set[str] = set()
        self.oauth = OAuthRegistry()  # the authorization server's clients and grants
        self.seeds: dict[str, int] = {}  # accounts rebuilt with another seed (/_mock/reseed)
        self._people: dict[int, People] = {}
        self.log: WriteLog | None = None
        self.accounts_ready = False  # True once the first load is done
        if settings.state is not None:
            digest = dataset_digest(dataset.identity(), settings.seed)
            self.log = WriteLog.open(settings.state, digest=digest, anchor=self.clock.anchor)
            # Generated records are rebuilt exactly as the first run made them.
            self.clock.anchor = int(self.log.header["anchor"])
            self.seeds = _seeds_after(self.log.entries)
        self.load(progress=progress)
        if self.log is not None:
            for entry in self.log.replayable():
                account = self.accounts.get(entry["a"])
                if account is not None:
                    account.replay(entry)
            for account in self.accounts.values():
                orphans = account.drop_orphans()
                if orphans:
                    log.warning(
                        "%s: %s: what lived under %d tickets whose own records were damaged "
                        "(notes, requested items, activities, tasks, time entries) is left out",
                        settings.state,
                        account.domain,
                        orphans,
                    )
                account.persist_to(self.log.write)

    # -- building ----------------------------------------------------------------------------

    def load(
        self,
        domain: str | None = None,
        *,
        seed: int | None = None,
        progress: BuildProgress | None = None,
    ) -> None:
        """(Re)build every account, or one, from the dataset: data, plan, keys, budget.

        A rebuild uses the fake's seed, or `seed` for the one account named (`/_mock/reseed`);
        the account's scenario, if any, stays loaded with its counters and state reset.
        `progress(done, total, domain)` hears of each account built (a large dataset takes a
        while).
        """
        with self.lock:  # one load at a time
            seeds_before = dict(self.seeds)
            if self.accounts_ready:
                if domain is None:
                    self.seeds.clear()
                elif seed is None or seed == self.settings.seed:
                    self.seeds.pop(domain, None)
                else:
                    self.seeds[domain] = seed
            chosen = [
                (index, account)
                for index, account in enumerate(self.dataset.accounts)
                if domain is None or account.domain == domain
            ]
            # Built while the old accounts still serve; none goes live before it is wired up.
            rebuilt: list[AccountData] = []
            for index, account in chosen:
                if progress is not None:
                    progress(len(rebuilt), len(chosen), account.domain)
                rebuilt.append(
                    build_account(
                        self.seed_of(account.domain),
                        account,
                        index,
                        self.clock.anchor,
                        self._people_of(self.seed_of(account.domain)),
                    )
                )
            if progress is not None:
                progress(len(rebuilt), len(chosen), "")
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
                    marker: dict[str, Any] = {"reset": domain}
                    if domain is not None and domain in self.seeds:
                        marker["seed"] = self.seeds[domain]
                    try:
                        self.log.write(marker)
                    except BaseException:
                        # Not logged, so not done: the old accounts serve on as the log says.
                        for data in old:
                            data.retire(False)
                        self.seeds = seeds_before
                        raise
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
                    self.faults.reset(data.domain)
                    self.backoff.reset(data.domain)
                    self._bind_keys(data)
            self.accounts_ready = True

    def reseed(self, domain: str, seed: int) -> None:
        """Rebuild one account with another seed (a later reset goes back to the fake's)."""
        self.load(domain, seed=seed)

    def seed_of(self, domain: str) -> int:
        return self.seeds.get(domain, self.settings.seed)

    def _people_of(self, seed: int) -> People:
        people = self._people.get(seed)
        if people is None:
            people = self._people[seed] = people_pools(seed)
        return people

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
            # `--api-key` adds admin keys for the first account's first active agent (an
            # inactive user's key is refused: auth.authenticate).
            first_agent = next(
                (a["id"] for a in data.agents.all() if a.get("active", True)), data.agents.ids[0]
            )
            for key in self.settings.api_keys:
                self.keys[key] = KeyBinding(key, data.domain, first_agent, self.roles["admin"])

    # -- lookups -----------------------------------------------------------------------------

    def binding(self, key: str) -> KeyBinding | None:
        return self.keys.get(key)

    def token_binding(self, token: str, domain: str, user_id: int) -> KeyBinding | None:
        """What an OAuth access token stands for: its user, with the role of that user's key
        in the dataset if they have one, else an agent's or a requester's; None if the user is
        gone."""
        account = self.accounts.get(domain)
        if account is None or account.user(user_id) is None:
            return None
        for binding in self.keys.values():
            if binding.domain == domain and binding.user_id == user_id:
                return KeyBinding(token, domain, user_id, binding.role)
        role = self.roles["agent" if user_id in account.agents else "requester"]
        return KeyBinding(token, domain, user_id, role)

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

    def bind_scenario(self, scenario: Scenario, key: str | None = None) -> ScenarioRun:
        """Load `scenario` for the account of `key` (default: the scenario's own `key`).

        Explicit keys its rules name must be keys of this fake and of that same account (a
        scenario acts on its own account only: resetting it undoes what its rules did); "caller"
        stands for `key`. The account's back-off check starts afresh with the scenario.
        """
        key = key or scenario.key
        binding = self.binding(key)
        if binding is None:
            raise ScenarioError(f"{scenario.where('key')}: key: names no API key of this fake")
        problems: list[str] = []
        for index, rule in enumerate(scenario.rules):
            named = (
                (("match", "key"), rule.match.key),
                (("effect", "revoke_key"), rule.effect.revoke_key),
                (("effect", "restore_key"), rule.effect.restore_key),
            )
            for where, value in named:
                if value is None or value == CALLER:
                    continue
                path = ("rules", index, *where)
                other = self.binding(value)
                if other is None:
                    problem = "names no API key of this fake (use caller, or a key of the dataset)"
                elif other.domain != binding.domain:
                    problem = (
                        f"names a key of another account ({other.domain}); a scenario bound to "
                        f"{binding.domain} may name only that account's keys (or caller)"
                    )
                else:
                    continue
                problems.append(f"{scenario.where(*path)}: {format_path(path)}: {problem}")
        if problems:
            raise ScenarioError("\n".join(problems))
        run = self.faults.bind(binding.domain, scenario, key)
        self.backoff.reset(binding.domain)
        self.oauth.account(binding.domain).faults = OAuthFaults.of(scenario.oauth)
        return run

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


def _seeds_after(entries: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    """The reseeded accounts a state file's reset markers leave in force."""
    seeds: dict[str, int] = {}
    for entry in entries:
        if "reset" not in entry:
            continue
        domain = entry["reset"]
        if domain is None:
            seeds.clear()
        elif "seed" in entry:
            seeds[domain] = int(entry["seed"])
        else:
            seeds.pop(domain, None)
    return seeds


def get_state() -> FakeState:
    state: FakeState = current_app.extensions[EXTENSION]
    return state
