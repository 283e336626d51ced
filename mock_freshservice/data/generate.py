"""Deterministic, referentially consistent records for one account.

Everything here is a pure function of (seed, dataset, data-clock anchor): two fakes built alike hold
byte-identical data. People come from Faker pools (Faker seeded per app, never the class-wide
seed); helpdesk wording comes from `vocab.py`. Small tables (agents, requesters, groups, …) are
built whole. Tickets are indexed up front in one sequential pass and built in full only when read,
from a random generator seeded by the ticket id, so 100,000 tickets start in well under a second.

Stored records keep timestamps as epoch seconds and may carry private `_…` fields; the API layer
renders them (`api/shapes.py`).
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import random
import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np
from faker import Faker

from mock_freshservice.clock import DAY, HOUR
from mock_freshservice.data import ids, ticket_form, vocab
from mock_freshservice.data.dataset import Account
from mock_freshservice.data.store import IndexRow, Record
from mock_freshservice.data.ticket_sources import FIRST_CUSTOM_CODE

STATUS_WEIGHTS = ((2, 34), (3, 14), (4, 26), (5, 26))
PRIORITY_WEIGHTS = ((1, 40), (2, 32), (3, 20), (4, 8))
SOURCE_WEIGHTS = ((1, 38), (2, 36), (3, 10), (4, 6), (9, 4), (10, 3), (15, 3))
# Each of an account's own statuses and sources, beside the weights above.
CUSTOM_STATUS_WEIGHT = 4
CUSTOM_SOURCE_WEIGHT = 2
# Resolution targets by priority, in hours: (first response, resolution).
SLA_HOURS = {1: (24, 72), 2: (8, 24), 3: (4, 12), 4: (1, 4)}

TICKET_INDEX_FIELDS = (
    "workspace_id",
    "requester_id",
    "requested_for_id",
    "responder_id",
    "group_id",
    "department_id",
    "status",
    "priority",
    "urgency",
    "impact",
    "source",
    "type",
    "spam",
    "deleted",
    "created_at",
    "updated_at",
    "due_by",
    "fr_due_by",
    "tags",
    "watchers",
    "custom_fields",
)


@dataclasses.dataclass(frozen=True, slots=True)
class People:
    """Faker-made pools that every account draws names and details from."""

    first_names: tuple[str, ...]
    last_names: tuple[str, ...]
    job_titles: tuple[str, ...]
    addresses: tuple[str, ...]


TIME_ZONES = (
    "Eastern Time (US & Canada)",
    "Central Time (US & Canada)",
    "Pacific Time (US & Canada)",
    "London",
    "Berlin",
    "Chennai",
    "Sydney",
    "Edinburgh",
)


@functools.lru_cache(maxsize=8)
def people_pools(seed: int) -> People:
    """Faker, seeded for this instance, fills the name pools once per seed."""
    fake = Faker("en_US")
    fake.seed_instance(seed)
    first = _unique(fake.first_name() for _ in range(900))[:300]
    last = _unique(fake.last_name() for _ in range(900))[:300]
    jobs = _unique(fake.job() for _ in range(200))[:80]
    addresses = tuple(fake.street_address() for _ in range(60))
    return People(first, last, jobs, addresses)


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for value in values:
        seen.setdefault(value, None)
    return tuple(seen)


def seeded_rng(*parts: object) -> random.Random:
    """A generator fixed by its parts: the same ticket always reads the same."""
    digest = hashlib.blake2b(":".join(map(str, parts)).encode(), digest_size=16).digest()
    return random.Random(int.from_bytes(digest, "big"))


def _nth_name(names: Sequence[str], n: int) -> str:
    """The n-th (1-based) name, numbered once the list runs out: "Berlin", …, "Berlin 2"."""
    name = names[(n - 1) % len(names)]
    laps = (n - 1) // len(names)
    return f"{name} {laps + 1}" if laps else name


def email_local(first: str, last: str) -> str:
    return re.sub(r"[^a-z.]", "", f"{first}.{last}".lower())


def fast_phone(r: Callable[[], float]) -> str:
    return f"+1-555-{100 + int(r() * 900):03d}-{int(r() * 10_000):04d}"


def phone(rng: random.Random) -> str:
    return f"+1-555-{rng.randrange(100, 1000):03d}-{rng.randrange(0, 10000):04d}"


@dataclasses.dataclass
class GeneratedAccount:
    """The plain records of an account's small tables, and the ticket index stream."""

    workspaces: list[Record]
    groups: list[Record]
    departments: list[Record]
    locations: list[Record]
    agents: list[Record]
    requesters: list[Record]
    ticket_ids: range
    ticket_index: list[dict[str, Any]]


def _cumulative(weights: Sequence[int]) -> tuple[float, ...]:
    total = sum(weights)
    running = 0
    out = []
    for weight in weights[:-1]:
        running += weight
        out.append(running / total)
    return tuple(out)


# Every tag set a generated ticket can carry (none, one, or two tags), shared between tickets.
_TAG_SETS: tuple[tuple[tuple[str, ...], ...], ...] = (
    ((),),
    tuple((tag,) for tag in vocab.TAGS),
    tuple((a, b) for i, a in enumerate(sorted(vocab.TAGS)) for b in sorted(vocab.TAGS)[i + 1 :]),
)


@dataclasses.dataclass(frozen=True, slots=True)
class _TicketPools:
    """What generated tickets draw from: the account's people, groups and workspaces."""

    primary: int
    other_workspaces: tuple[int, ...]
    agents: tuple[int, ...]
    groups: tuple[int, ...]
    requesters: tuple[tuple[int, int], ...]
    statuses: tuple[int, ...] = tuple(v for v, _ in STATUS_WEIGHTS)
    status_cumulative: tuple[float, ...] = _cumulative([w for _, w in STATUS_WEIGHTS])
    priorities: tuple[int, ...] = tuple(v for v, _ in PRIORITY_WEIGHTS)
    priority_cumulative: tuple[float, ...] = _cumulative([w for _, w in PRIORITY_WEIGHTS])
    sources: tuple[int, ...] = tuple(v for v, _ in SOURCE_WEIGHTS)
    source_cumulative: tuple[float, ...] = _cumulative([w for _, w in SOURCE_WEIGHTS])
    tag_sets: tuple[tuple[tuple[str, ...], ...], ...] = _TAG_SETS
    custom_fields: tuple[dict[str, Any], ...] = ()

    @classmethod
    def of(
        cls,
        account: Account,
        agents: Sequence[Record],
        requesters: Sequence[Record],
        groups: Sequence[Record],
        *,
        anchor: int,
        seed: int,
    ) -> _TicketPools:
        primary = account.primary_workspace_id
        others = tuple(w.id for w in account.workspaces if w.id != primary) or (primary,)
        active = tuple(a["id"] for a in agents if a["active"]) or tuple(a["id"] for a in agents)
        # The account's own statuses and sources turn up now and then (none: the defaults'
        # draws stay exactly as they were).
        statuses = (*STATUS_WEIGHTS, *((s.id, CUSTOM_STATUS_WEIGHT) for s in account.statuses))
        own_sources = range(FIRST_CUSTOM_CODE, FIRST_CUSTOM_CODE + len(account.ticket_sources))
        sources = (*SOURCE_WEIGHTS, *((code, CUSTOM_SOURCE_WEIGHT) for code in own_sources))
        return cls(
            primary=primary,
            other_workspaces=others,
            agents=active,
            groups=tuple(g["id"] for g in groups),
            requesters=tuple((r["id"], r["department_ids"][0]) for r in requesters),
            statuses=tuple(v for v, _ in statuses),
            status_cumulative=_cumulative([w for _, w in statuses]),
            sources=tuple(v for v, _ in sources),
            source_cumulative=_cumulative([w for _, w in sources]),
            custom_fields=ticket_form.generated_values(
                account.ticket_fields, anchor, f"{seed}:{account.domain}"
            ),
        )


class AccountGenerator:
    """Builds one account's data; `build_ticket` turns an index row back into a full ticket."""

    def __init__(
        self, seed: int, account: Account, account_index: int, anchor: int, people: People
    ) -> None:
        self.seed = seed
        self.account = account
        self.k = account_index
        self.anchor = anchor
        self.people = people
        self.domain = account.domain
        # Mail domain for people: acme.freshservice.com → acme.com.
        self.mail_domain = account.domain.split(".")[0] + ".com"
        self._sla_policy_id = ids.ranged(ids.SLA_POLICY_BASE, account_index, 1)
        self._email_config_id = ids.ranged(ids.EMAIL_CONFIG_BASE, account_index, 1)

    # -- small tables ------------------------------------------------------------------------

    def workspaces(self) -> list[Record]:
        created = self.anchor - 700 * DAY
        return [
            {
                "id": w.id,
                "name": w.name,
                "description": w.description,
                "type": "workspace",
                "primary": w.primary,
                "restricted": w.restricted,
                "state": w.state,
                "template_name": w.template_name,
                "created_at": created + i * HOUR,
                "updated_at": created + i * HOUR,
            }
            for i, w in enumerate(self.account.workspaces)
        ]

    def groups(self) -> list[Record]:
        rng = seeded_rng(self.seed, self.domain, "groups")
        records = []
        workspace_ids = [w.id for w in self.account.workspaces]
        named = self.account.group_names
        taken = {name.lower() for name in named}
        for n in range(1, self.account.group_count + 1):
            if n <= len(named):
                name, description = named[n - 1], f"The {named[n - 1]} group"
            else:
                name = _nth_name([g[0] for g in vocab.GROUPS], n)
                base, lap = name, 0
                while name.lower() in taken:  # the dataset named a group so: keep names unique
                    lap += 1
                    name = f"{base} ({n})" if lap == 1 else f"{base} ({n}.{lap})"
                taken.add(name.lower())
                description = vocab.GROUPS[(n - 1) % len(vocab.GROUPS)][1]
            created = self.anchor - rng.randrange(300, 700) * DAY
            records.append(
                {
                    "id": ids.ranged(ids.GROUP_BASE, self.k, n),
                    "name": name,
                    "description": description,
                    "workspace_id": workspace_ids[0] if n % 4 else workspace_ids[-1],
                    "created_at": created,
                    "updated_at": created,
                }
            )
        return records

    def departments(self) -> list[Record]:
        records = []
        for n in range(1, self.account.sizes.departments + 1):
            name = _nth_name(vocab.DEPARTMENTS, n)
            created = self.anchor - (600 - n) * DAY
            records.append(
                {
                    "id": ids.ranged(ids.DEPARTMENT_BASE, self.k, n),
                    "name": name,
                    "description": f"The {name} department",
                    "head_user_id": None,
                    "prime_user_id": None,
                    "domains": [],
                    "custom_fields": {},
                    "created_at": created,
                    "updated_at": created,
                }
            )
        return records

    def locations(self) -> list[Record]:
        records = []
        for n in range(1, self.account.sizes.locations + 1):
            name = _nth_name(vocab.LOCATIONS, n)
            created = self.anchor - (800 - n) * DAY
            city = name.split(" - ")[0]
            records.append(
                {
                    "id": ids.ranged(ids.LOCATION_BASE, self.k, n),
                    "name": name,
                    "parent_location_id": None,
                    "primary_contact_id": None,
                    "address": {
                        "line1": f"{100 + n} Main Street",
                        "line2": None,
                        "city": city,
                        "state": None,
                        "country": None,
                        "zipcode": None,
                    },
                    "workspace_id": None,
                    "created_at": created,
                    "updated_at": created,
                }
            )
        return records

    def agent(
        self,
        user_id: int,
        n: int,
        groups: Sequence[Record],
        departments: Sequence[Record],
        locations: Sequence[Record],
    ) -> Record:
        rng = seeded_rng(self.seed, self.domain, "agent", n)
        first = rng.choice(self.people.first_names)
        last = rng.choice(self.people.last_names)
        member_of = sorted(rng.sample([g["id"] for g in groups], k=min(len(groups), 2)))
        created = self.anchor - rng.randrange(60, 900) * DAY
        last_seen = self.anchor - rng.randrange(0, 30) * DAY - rng.randrange(0, DAY)
        occasional = rng.random() < 0.1
        return {
            "id": user_id,
            "first_name": first,
            "last_name": last,
            "occasional": occasional,
            "active": rng.random() > 0.05,
            "job_title": rng.choice(vocab.AGENT_JOB_TITLES),
            "email": f"{email_local(first, last)}{n}@{self.mail_domain}",
            "work_phone_number": phone(rng),
            "mobile_phone_number": phone(rng) if rng.random() < 0.7 else None,
            "department_ids": [rng.choice(departments)["id"]],
            "can_see_all_tickets_from_associated_departments": False,
            "reporting_manager_id": None,
            "address": rng.choice(self.people.addresses),
            "time_zone": rng.choice(TIME_ZONES),
            "time_format": rng.choice(("12h", "24h")),
            "language": "en",
            "location_id": rng.choice(locations)["id"],
            "background_information": "",
            "scoreboard_level_id": rng.randrange(1, 7),
            "member_of": member_of,
            "observer_of": [],
            "member_of_pending_approval": [],
            "observer_of_pending_approval": [],
            "roles": [
                {
                    "role_id": ids.ranged(ids.ROLE_BASE, self.k, 2),
                    "assignment_scope": "entire_helpdesk",
                    "groups": [],
                }
            ],
            "last_login_at": last_seen,
            "last_active_at": last_seen,
            "custom_fields": {},
            "has_logged_in": True,
            "created_at": created,
            "updated_at": created,
            "workspace_ids": [w.id for w in self.account.workspaces],
            "api_key_enabled": True,
            "signature": agent_signature(first, last),
            "external_id": None,
            "_role": "agent",
        }

    def requester(
        self,
        user_id: int,
        n: int,
        departments: Sequence[Record],
        locations: Sequence[Record],
        rng: random.Random,
    ) -> Record:
        """Requester n, drawn from the account's sequential requester generator (`random()`
        draws only: ten thousand requesters must build in a fraction of a second)."""
        r = rng.random
        people = self.people
        first = people.first_names[int(r() * len(people.first_names))]
        last = people.last_names[int(r() * len(people.last_names))]
        created = self.anchor - (30 + int(r() * 1_170)) * DAY
        return {
            "id": user_id,
            "is_agent": False,
            "first_name": first,
            "last_name": last,
            "job_title": people.job_titles[int(r() * len(people.job_titles))],
            "primary_email": f"{email_local(first, last)}{n}@{self.mail_domain}",
            "secondary_emails": [],
            "work_phone_number": fast_phone(r),
            "mobile_phone_number": fast_phone(r) if r() < 0.6 else None,
            "department_ids": [departments[int(r() * len(departments))]["id"]],
            "can_see_all_tickets_from_associated_departments": False,
            "reporting_manager_id": None,
            "address": people.addresses[int(r() * len(people.addresses))],
            "time_zone": TIME_ZONES[int(r() * len(TIME_ZONES))],
            "time_format": "12h",
            "language": "en",
            "location_id": locations[int(r() * len(locations))]["id"],
            "background_information": "",
            "custom_fields": {},
            "active": r() > 0.03,
            "has_logged_in": r() < 0.8,
            "created_at": created,
            "updated_at": created,
            "external_id": None,
        }

    # -- tickets -----------------------------------------------------------------------------

    def ticket_index(
        self,
        agents: Sequence[Record],
        requesters: Sequence[Record],
        groups: Sequence[Record],
    ) -> tuple[range, dict[str, list[Any]]]:
        """Index columns for the generated tickets, in id order, drawn as whole columns with
        NumPy: 100,000 tickets take a few tens of milliseconds (the same distributions as
        `_ticket_row`, which makes single pinned tickets)."""
        n = self.account.sizes.tickets
        first = self.account.first_ticket_id
        if n == 0:
            return range(first, first), {f: [] for f in TICKET_INDEX_FIELDS}
        seed = hashlib.blake2b(f"{self.seed}:{self.domain}:tickets".encode(), digest_size=8)
        g = np.random.default_rng(int.from_bytes(seed.digest(), "big"))
        pools = _TicketPools.of(
            self.account, agents, requesters, groups, anchor=self.anchor, seed=self.seed
        )
        span = self.account.ticket_history_days * DAY
        created = (self.anchor - span) + (span * (np.arange(n, dtype=np.int64) + 1)) // (n + 1)
        created -= g.integers(0, 600, n)
        age_days = (self.anchor - created) / DAY
        status = np.asarray(pools.statuses)[
            np.searchsorted(pools.status_cumulative, g.random(n), "right")
        ]
        stale = (age_days > 21) & (status != 4) & (status != 5) & (g.random(n) < 0.7)
        status[stale] = 5
        priority = np.asarray(pools.priorities)[
            np.searchsorted(pools.priority_cumulative, g.random(n), "right")
        ]
        who = g.integers(0, len(pools.requesters), n)
        requester_ids = np.asarray([r for r, _ in pools.requesters], dtype=np.int64)[who]
        departments = np.asarray([d for _, d in pools.requesters], dtype=np.int64)[who]
        unassigned = g.random(n) < np.where(status == 2, 0.35, 0.08)
        first_hours = np.asarray([0, *(SLA_HOURS[p][0] for p in (1, 2, 3, 4))])[priority]
        resolve_hours = np.asarray([0, *(SLA_HOURS[p][1] for p in (1, 2, 3, 4))])[priority]
        touched = created + (g.random(n) * np.minimum(age_days, 12) * DAY).astype(np.int64)
        updated = np.maximum(created, np.minimum(self.anchor, touched))
        others = np.asarray(pools.other_workspaces)
        workspace = np.where(
            g.random(n) < 0.8, pools.primary, others[g.integers(0, len(others), n)]
        )
        responders = np.asarray(pools.agents, dtype=np.int64)[g.integers(0, len(pools.agents), n)]
        group_ids = np.asarray(pools.groups, dtype=np.int64)[g.integers(0, len(pools.groups), n)]
        no_group = unassigned & (g.random(n) < 0.5)
        tag_count = np.asarray([0, 0, 1, 1, 2])[g.integers(0, 5, n)]
        tag_pick = g.random(n)
        watched = g.random(n) < 0.1
        watcher = np.asarray(pools.agents, dtype=np.int64)[g.integers(0, len(pools.agents), n)]
        custom = g.integers(0, len(pools.custom_fields), n)
        kinds = ("Incident", "Service Request")
        tag_sets = pools.tag_sets
        columns: dict[str, list[Any]] = {
            "workspace_id": workspace.tolist(),
            "requester_id": requester_ids.tolist(),
            "requested_for_id": requester_ids.tolist(),
            "responder_id": [
                None if u else a
                for u, a in zip(unassigned.tolist(), responders.tolist(), strict=True)
            ],
            "group_id": [
                None if u else g_
                for u, g_ in zip(no_group.tolist(), group_ids.tolist(), strict=True)
            ],
            "department_id": departments.tolist(),
            "status": status.tolist(),
            "priority": priority.tolist(),
            "urgency": (1 + g.integers(0, 3, n)).tolist(),
            "impact": (1 + g.integers(0, 3, n)).tolist(),
            "source": np.asarray(pools.sources)[
                np.searchsorted(pools.source_cumulative, g.random(n), "right")
            ].tolist(),
            "type": [kinds[k] for k in (g.random(n) < 0.15).tolist()],
            "spam": (g.random(n) < 0.01).tolist(),
            "deleted": (g.random(n) < 0.01).tolist(),
            "created_at": created.tolist(),
            "updated_at": updated.tolist(),
            "due_by": (created + resolve_hours * HOUR).tolist(),
            "fr_due_by": (created + first_hours * HOUR).tolist(),
            "tags": [
                tag_sets[c][int(p * len(tag_sets[c]))]
                for c, p in zip(tag_count.tolist(), tag_pick.tolist(), strict=True)
            ],
            "watchers": [
                (a,) if w else () for w, a in zip(watched.tolist(), watcher.tolist(), strict=True)
            ],
            "custom_fields": [pools.custom_fields[c] for c in custom.tolist()],
        }
        return range(first, first + n), columns

    def single_ticket_index(
        self,
        ticket_id: int,
        agents: Sequence[Record],
        requesters: Sequence[Record],
        groups: Sequence[Record],
    ) -> dict[str, Any]:
        """An index row for a pinned ticket id outside the generated range."""
        rng = seeded_rng(self.seed, self.domain, "pinned-ticket", ticket_id)
        created = self.anchor - rng.randrange(DAY, self.account.ticket_history_days * DAY)
        pools = _TicketPools.of(
            self.account, agents, requesters, groups, anchor=self.anchor, seed=self.seed
        )
        return dict(
            zip(TICKET_INDEX_FIELDS, self._ticket_row(rng.random, created, pools), strict=True)
        )

    def _ticket_row(
        self, r: Callable[[], float], created: int, pools: _TicketPools
    ) -> tuple[Any, ...]:
        """One index row, in TICKET_INDEX_FIELDS order. Only `random()` draws are used: the
        library's choice/choices/randrange cost several times more, and 100,000 rows add up."""
        created -= int(r() * 600)
        age_days = (self.anchor - created) / DAY
        status = pools.statuses[bisect_right(pools.status_cumulative, r())]
        if age_days > 21 and ticket_form.is_open(status) and r() < 0.7:
            status = 5
        priority = pools.priorities[bisect_right(pools.priority_cumulative, r())]
        requester_id, department_id = pools.requesters[int(r() * len(pools.requesters))]
        unassigned = r() < (0.35 if status == 2 else 0.08)
        first_response_hours, resolve_hours = SLA_HOURS[priority]
        touched = min(self.anchor, created + int(r() * min(age_days, 12) * DAY))
        others = pools.other_workspaces
        workspace = pools.primary if r() < 0.8 else others[int(r() * len(others))]
        responder = None if unassigned else pools.agents[int(r() * len(pools.agents))]
        group = None if unassigned and r() < 0.5 else pools.groups[int(r() * len(pools.groups))]
        tag_count = (0, 0, 1, 1, 2)[int(r() * 5)]
        tags = pools.tag_sets[tag_count][int(r() * len(pools.tag_sets[tag_count]))]
        watchers = (pools.agents[int(r() * len(pools.agents))],) if r() < 0.1 else ()
        return (
            workspace,
            requester_id,
            requester_id,
            responder,
            group,
            department_id,
            status,
            priority,
            1 + int(r() * 3),
            1 + int(r() * 3),
            pools.sources[bisect_right(pools.source_cumulative, r())],
            "Service Request" if r() < 0.15 else "Incident",
            r() < 0.01,
            r() < 0.01,
            created,
            max(created, touched),
            created + resolve_hours * HOUR,
            created + first_response_hours * HOUR,
            tags,
            watchers,
            pools.custom_fields[int(r() * len(pools.custom_fields))],
        )

    def build_ticket(self, ticket_id: int, index: IndexRow) -> Record:
        """The full stored ticket for a generated id: index fields plus words and details."""
        rng = seeded_rng(self.seed, self.domain, "ticket", ticket_id)
        category, sub_category, item_category = rng.choice(vocab.CATEGORIES)
        subject_key = category if category in vocab.SUBJECTS else "Other"
        subject = rng.choice(vocab.SUBJECTS[subject_key])
        things = vocab.THINGS.get(category, ("laptop",))
        thing = item_category or rng.choice(things)
        subject = subject.replace("{thing}", thing)
        subject = subject[0].upper() + subject[1:]
        opener = rng.choice(vocab.DESCRIPTION_OPENERS)
        body = " ".join(rng.sample(vocab.DESCRIPTION_BODIES, k=2))
        closer = rng.choice(vocab.DESCRIPTION_CLOSERS)
        text = f"{opener} {subject}. {body} {closer}"
        html = f"<div>{opener}</div><div>{subject}. {body}</div><div>{closer}</div>"
        resolved = index["status"] in (4, 5)
        resolution = rng.choice(vocab.RESOLUTION_NOTES) if resolved else None
        first_response = index["created_at"] + rng.randrange(10 * 60, 6 * HOUR)
        first_response = min(first_response, index["updated_at"])
        finished = index["updated_at"] if resolved else None
        return self.ticket_record(
            ticket_id,
            index,
            subject=subject,
            description=html,
            description_text=text,
            category=(category, sub_category, item_category),
            cc_emails=[],
            resolution_notes=resolution,
            created_within_business_hours=rng.random() < 0.7,
            stats={
                "first_responded_at": None if index["responder_id"] is None else first_response,
                "resolved_at": finished,
                "closed_at": finished if index["status"] == 5 else None,
            },
            conversation_count=rng.choice((0, 1, 1, 2, 3)),
        )

    def ticket_record(
        self,
        ticket_id: int,
        index: IndexRow,
        *,
        subject: str,
        description: str,
        description_text: str,
        category: tuple[str | None, str | None, str | None],
        cc_emails: list[str],
        resolution_notes: str | None,
        created_within_business_hours: bool,
        stats: dict[str, int | None],
        conversation_count: int,
    ) -> Record:
        is_escalated = ticket_form.is_open(index["status"]) and index["due_by"] < self.anchor
        return {
            "id": ticket_id,
            "workspace_id": index["workspace_id"],
            "subject": subject,
            "description": description,
            "description_text": description_text,
            "type": index["type"],
            "status": index["status"],
            "priority": index["priority"],
            "urgency": index["urgency"],
            "impact": index["impact"],
            "source": index["source"],
            "requester_id": index["requester_id"],
            "requested_for_id": index["requested_for_id"],
            "responder_id": index["responder_id"],
            "group_id": index["group_id"],
            "department_id": index["department_id"],
            "email_config_id": self._email_config_id if index["source"] == 1 else None,
            "sla_policy_id": self._sla_policy_id,
            "category": category[0],
            "sub_category": category[1],
            "item_category": category[2],
            "due_by": index["due_by"],
            "fr_due_by": index["fr_due_by"],
            "is_escalated": is_escalated,
            "fr_escalated": is_escalated and stats["first_responded_at"] is None,
            "spam": index["spam"],
            "deleted": index["deleted"],
            "cc_emails": cc_emails,
            "fwd_emails": [],
            "reply_cc_emails": list(cc_emails),
            "to_emails": [f"support@{self.domain}"] if index["source"] == 1 else None,
            "tags": list(index["tags"]),
            "attachments": [],
            "custom_fields": dict(index["custom_fields"]),
            "created_at": index["created_at"],
            "updated_at": index["updated_at"],
            "resolution_notes": resolution_notes,
            "resolution_notes_html": None
            if resolution_notes is None
            else f"<div>{resolution_notes}</div>",
            "created_within_business_hours": created_within_business_hours,
            "approval_status": 4,
            "approval_status_name": "Not Requested",
            "_watchers": list(index["watchers"]),
            "_stats": stats,
            "_generated_conversations": conversation_count,
        }

    def rederive_ticket(self, record: Record, pinned: frozenset[str]) -> None:
        """Make the derived fields of a pinned ticket agree with the fields that were pinned."""
        if "description" in pinned and "description_text" not in pinned:
            record["description_text"] = re.sub(
                r"\s+", " ", re.sub(r"<[^>]+>", " ", record["description"])
            ).strip()
        created = record["created_at"]
        if "updated_at" not in pinned:
            record["updated_at"] = created
        first_response_hours, resolve_hours = SLA_HOURS[record["priority"]]
        if "due_by" not in pinned:
            record["due_by"] = created + resolve_hours * HOUR
        if "fr_due_by" not in pinned:
            record["fr_due_by"] = created + first_response_hours * HOUR
        if "email_config_id" not in pinned:
            record["email_config_id"] = self._email_config_id if record["source"] == 1 else None
        if "to_emails" not in pinned:
            record["to_emails"] = [f"support@{self.domain}"] if record["source"] == 1 else None
        resolved = record["status"] in (4, 5)
        if not resolved and "resolution_notes" not in pinned:
            record["resolution_notes"] = record["resolution_notes_html"] = None
        answered = record["responder_id"] is not None and record["updated_at"] > created
        record["_stats"] = {
            "first_responded_at": min(created + 30 * 60, record["updated_at"])
            if answered
            else None,
            "resolved_at": record["updated_at"] if resolved else None,
            "closed_at": record["updated_at"] if record["status"] == 5 else None,
        }
        overdue = ticket_form.is_open(record["status"]) and record["due_by"] < self.anchor
        record["is_escalated"] = overdue
        record["fr_escalated"] = overdue and not answered
        # A pinned ticket's history starts empty, so scripts know exactly what it holds.
        record["_generated_conversations"] = 0

    def build_conversations(self, ticket: Record, requester_id: int, count: int) -> list[Record]:
        """The generated conversation history of a ticket, oldest first."""
        rng = seeded_rng(self.seed, self.domain, "conversations", ticket["id"])
        start = ticket["created_at"]
        end = max(ticket["updated_at"], start + 60)
        records = []
        for k in range(count):
            at = start + (end - start) * (k + 1) // (count + 1)
            from_agent = ticket["responder_id"] is not None and k % 2 == 0
            text = rng.choice(vocab.NOTE_BODIES if from_agent else vocab.REPLY_BODIES)
            user_id = ticket["responder_id"] if from_agent else requester_id
            is_note = from_agent and rng.random() < 0.6
            records.append(
                {
                    "id": ids.generated_conversation_id(self.k, ticket["id"], k),
                    "body": f"<div>{text}</div>",
                    "body_text": text,
                    "incoming": not from_agent,
                    "private": is_note,
                    "created_at": at,
                    "updated_at": at,
                    "user_id": user_id,
                    "support_email": None
                    if is_note or not from_agent
                    else f"support@{self.domain}",
                    "source": 2 if is_note else 0,
                    "ticket_id": ticket["id"],
                    "to_emails": [],
                    "from_email": None,
                    "cc_emails": [],
                    "bcc_emails": None,
                    "attachments": [],
                }
            )
        return records


def ticket_index_of(record: Record) -> dict[str, Any]:
    """Index row of a stored ticket (used when a write replaces a generated one)."""
    return {
        "workspace_id": record["workspace_id"],
        "requester_id": record["requester_id"],
        "requested_for_id": record["requested_for_id"],
        "responder_id": record["responder_id"],
        "group_id": record["group_id"],
        "department_id": record["department_id"],
        "status": record["status"],
        "priority": record["priority"],
        "urgency": record["urgency"],
        "impact": record["impact"],
        "source": record["source"],
        "type": record["type"],
        "spam": record["spam"],
        "deleted": record["deleted"],
        "created_at": record["created_at"],
        "updated_at": record["updated_at"],
        "due_by": record["due_by"],
        "fr_due_by": record["fr_due_by"],
        "tags": tuple(record["tags"]),
        "watchers": tuple(record["_watchers"]),
        "custom_fields": dict(record["custom_fields"]),
    }


def agent_signature(first: str, last: str) -> str:
    """An agent's email signature, as Freshservice stores it (HTML)."""
    return f"<div>{first} {last}<br>IT Service Desk</div>"
