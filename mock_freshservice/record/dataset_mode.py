"""`mock-freshservice record --dataset-out FILE`: the tenant's shape, written as a dataset.

Built from the *scrubbed* exchanges the recorder kept (never from the raw answers), so nothing
the scrubber replaced (people's names, e-mail addresses, phone numbers, keys) can reach FILE.
What is taken, and from which answers (GET, 2xx only):

- plan: `X-RateLimit-Total` of any answer, when it is one plan's per-minute limit
  (ratelimit.PLAN_LIMITS); else none (the fake's default applies);
- workspaces: `GET /workspaces` and `GET /workspaces/{id}` (id, name, template_name, primary,
  restricted, state); names are not personal data and are kept, descriptions (free text, which
  the scrubber replaces) are not;
- sizes: distinct ids seen of agents, requesters, groups, departments, locations, tickets and
  assets (lists and single records), each kept within the dataset model's bounds; a kind never
  seen keeps the model's default. These are lower bounds: only what passed through is counted;
- first_ticket_id: the smallest ticket id seen;
- ticket_sources: the form's (`GET /ticket_form_fields`) source choices that are not built in,
  by code from 1001 (the dataset numbers its sources from 1001 in order: gaps are filled with
  "Source <code>" so codes stay the same), and codes seen on tickets with no name seen.

What the dataset model cannot express is listed in a comment at the top of FILE instead: custom
ticket fields, custom statuses, sources with codes outside 1001 and up, group names.

The account is `recorded.freshservice.com`, named "Recorded tenant", with pinned placeholder
people and demo keys (RECORDED_KEYS): the real keys are never written.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import os
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml

from mock_freshservice.cassette import Exchange
from mock_freshservice.data import ids, ticket_sources
from mock_freshservice.data.dataset import Dataset, Sizes
from mock_freshservice.ratelimit import OVERALL, PLAN_LIMITS
from mock_freshservice.settings import Plan

DOMAIN = "recorded.freshservice.com"
NAME = "Recorded tenant"
ADMIN_EMAIL = "admin@recorded.freshservice.com"
AGENT_EMAIL = "agent@recorded.freshservice.com"
REQUESTER_EMAIL = "requester@recorded.freshservice.com"
RECORDED_KEYS = {
    "recorded-admin-key": (ADMIN_EMAIL, "admin"),
    "recorded-agent-key": (AGENT_EMAIL, "restricted_agent"),
    "recorded-requester-key": (REQUESTER_EMAIL, "requester"),
}
# The most "Source <code>" placeholders written to keep custom source codes in step.
MAX_SOURCE_CODE = ticket_sources.FIRST_CUSTOM_CODE + 199
BUILT_IN_STATUSES = frozenset({2, 3, 4, 5})
# Resource (the path's first part after /api/v2) → (Sizes field, the list's key, the single's).
COUNTED = {
    "agents": ("agents", "agents", "agent"),
    "requesters": ("requesters", "requesters", "requester"),
    "groups": ("groups", "groups", "group"),
    "departments": ("departments", "departments", "department"),
    "locations": ("locations", "locations", "location"),
    "tickets": ("tickets", "tickets", "ticket"),
    "assets": ("assets", "assets", "asset"),
}
API_PREFIX = "/api/v2/"


@dataclasses.dataclass
class Seen:
    """What the exchanges showed of the tenant's shape."""

    rate_limit_totals: set[int] = dataclasses.field(default_factory=set)
    workspaces: dict[int, dict[str, Any]] = dataclasses.field(default_factory=dict)
    ids: dict[str, set[int]] = dataclasses.field(default_factory=dict)
    form_seen: bool = False
    source_names: dict[int, str] = dataclasses.field(default_factory=dict)  # custom, by code
    source_codes: set[int] = dataclasses.field(default_factory=set)  # on tickets
    status_names: dict[int, str] = dataclasses.field(default_factory=dict)  # from the form
    status_codes: set[int] = dataclasses.field(default_factory=set)  # on tickets
    custom_fields: dict[str, str] = dataclasses.field(default_factory=dict)  # name → type

    def add(self, exchange: Exchange) -> None:
        if exchange.method != "GET" or not 200 <= exchange.status < 300:
            return
        total = exchange.headers.get("X-RateLimit-Total")
        if isinstance(total, str) and total.strip().isdigit():
            self.rate_limit_totals.add(int(total))
        if not exchange.path.startswith(API_PREFIX) or not isinstance(exchange.response, dict):
            return
        parts = exchange.path[len(API_PREFIX) :].strip("/").split("/")
        body = exchange.response
        if parts[0] == "workspaces" and len(parts) <= 2:
            for workspace in _records(body, "workspaces", "workspace"):
                self._workspace(workspace)
        elif parts[0] == "ticket_form_fields" and len(parts) == 1:
            self._form(body.get("ticket_fields"))
        elif parts[0] in COUNTED and (len(parts) == 1 or (len(parts) == 2 and parts[1].isdigit())):
            kind, plural, single = COUNTED[parts[0]]
            records = _records(body, plural, single)
            self.ids.setdefault(kind, set()).update(
                r["id"] for r in records if _is_int(r.get("id"))
            )
            if kind == "tickets":
                for ticket in records:
                    if _is_int(ticket.get("source")):
                        self.source_codes.add(ticket["source"])
                    if _is_int(ticket.get("status")):
                        self.status_codes.add(ticket["status"])

    def _workspace(self, record: Mapping[str, Any]) -> None:
        if not _is_int(record.get("id")) or record["id"] < 2:
            return  # 1 is the global workspace, no account's own
        name = record.get("name")
        if not isinstance(name, str) or not name.strip():
            return
        template = record.get("template_name")
        kept: dict[str, Any] = {
            "id": record["id"],
            "name": name,
            "template_name": template if isinstance(template, str) and template else "it",
        }
        kept["primary"] = record.get("primary") is True
        kept["restricted"] = record.get("restricted") is True
        kept["state"] = "inactive" if record.get("state") == "inactive" else "active"
        self.workspaces[record["id"]] = kept

    def _form(self, fields: Any) -> None:
        if not isinstance(fields, list):
            return
        self.form_seen = True
        built_in_names = {
            name.lower()
            for name in (*ticket_sources.BUILT_IN.values(), *ticket_sources.FORM_NAMES.values())
        }
        for field in fields:
            if not isinstance(field, dict):
                continue
            name = field.get("name")
            choices = [c for c in field.get("choices") or () if isinstance(c, dict)]
            if name == "source":
                for choice in choices:
                    code, value = _int_or_none(choice.get("id")), choice.get("value")
                    if code is None or not isinstance(value, str) or not value.strip():
                        continue
                    if code in ticket_sources.BUILT_IN or value.strip().lower() in built_in_names:
                        continue
                    self.source_names[code] = value.strip()
            elif name == "status":
                for choice in choices:
                    code, value = _int_or_none(choice.get("id")), choice.get("value")
                    if code is not None and isinstance(value, str):
                        self.status_names[code] = value
            elif field.get("default_field") is False and isinstance(name, str):
                self.custom_fields[name] = str(field.get("field_type") or "")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _int_or_none(value: Any) -> int | None:
    return value if _is_int(value) else None


def _records(body: Mapping[str, Any], plural: str, single: str) -> list[dict[str, Any]]:
    found = body.get(plural)
    if isinstance(found, list):
        return [r for r in found if isinstance(r, dict)]
    one = body.get(single)
    return [one] if isinstance(one, dict) else []


def seen_in(exchanges: Iterable[Exchange]) -> Seen:
    seen = Seen()
    for exchange in exchanges:
        seen.add(exchange)
    return seen


def plan_for(totals: Iterable[int]) -> Plan | None:
    """The plan whose overall per-minute limit is the one seen; None if none or several."""
    plans = {
        plan
        for total in totals
        for plan, limits in PLAN_LIMITS.items()
        if limits is not None and limits[OVERALL] == total
    }
    return plans.pop() if len(plans) == 1 else None


def _bounded(kind: str, count: int) -> int:
    field = Sizes.model_fields[kind]
    low = next((m.ge for m in field.metadata if hasattr(m, "ge")), 0)
    high = next((m.le for m in field.metadata if hasattr(m, "le")), count)
    return int(max(low, min(high, count)))


def _sources(seen: Seen) -> tuple[list[str], list[str]]:
    """The dataset's ticket_sources (code 1001 first, in order) and notes on what cannot be
    written."""
    first = ticket_sources.FIRST_CUSTOM_CODE
    unnamed = {c for c in seen.source_codes if c not in ticket_sources.BUILT_IN}
    custom = set(seen.source_names) | unnamed
    expressible = {c for c in custom if first <= c <= MAX_SOURCE_CODE}
    notes = []
    left_out = sorted(custom - expressible)
    if left_out:
        notes.append(
            f"ticket source codes {left_out} are not written: the dataset numbers its own "
            f"sources from {first} (up to {MAX_SOURCE_CODE} here)"
        )
    if not expressible:
        return [], notes
    names: list[str] = []
    taken: set[str] = set()
    for code in range(first, max(expressible) + 1):
        name = seen.source_names.get(code) or f"Source {code}"
        if name.lower() in taken:  # two codes of one name: the dataset wants them distinct
            name = f"{name} ({code})"
        taken.add(name.lower())
        names.append(name)
    placeholders = sorted(
        c for c in range(first, max(expressible) + 1) if c not in seen.source_names
    )
    if placeholders:
        notes.append(
            f'ticket sources {placeholders} are placeholders ("Source <code>"): their codes '
            "were seen on tickets or are gaps, their names were not seen"
        )
    return names, notes


def _form_notes(seen: Seen) -> list[str]:
    """What the form and the tickets showed that a dataset cannot hold."""
    notes: list[str] = []
    if not seen.form_seen:
        notes.append(
            "the ticket form (GET /api/v2/ticket_form_fields) was not seen: custom fields, "
            "statuses and source names are unknown"
        )
    if seen.custom_fields:
        listed = ", ".join(f"{n} ({t})" for n, t in sorted(seen.custom_fields.items()))
        notes.append(
            f"custom ticket fields seen, not expressible in a dataset (the fake serves its own): "
            f"{listed}"
        )
    custom_statuses = {
        code: seen.status_names.get(code, "?")
        for code in (set(seen.status_names) | seen.status_codes) - BUILT_IN_STATUSES
    }
    if custom_statuses:
        listed = ", ".join(f"{c} {n}" for c, n in sorted(custom_statuses.items()))
        notes.append(
            f"custom statuses seen, not expressible in a dataset (the fake has 2-5 only): {listed}"
        )
    if seen.ids.get("groups"):
        notes.append("group names are not expressible: only their number is (sizes.groups)")
    return notes


def account_document(seen: Seen) -> tuple[dict[str, Any], list[str]]:
    """The dataset's one account (as YAML data) and the notes for the file's top comment."""
    notes: list[str] = []
    account: dict[str, Any] = {"domain": DOMAIN, "name": NAME}
    plan = plan_for(seen.rate_limit_totals)
    if plan is not None:
        account["plan"] = plan
    elif seen.rate_limit_totals:
        notes.append(
            f"plan not set: X-RateLimit-Total {sorted(seen.rate_limit_totals)} is no one plan's "
            "per-minute limit"
        )
    else:
        notes.append("plan not set: no answer carried X-RateLimit-Total")
    sizes: dict[str, int] = {}
    for kind in Sizes.model_fields:
        found = seen.ids.get(kind)
        if found:
            sizes[kind] = _bounded(kind, len(found))
    if sizes:
        account["sizes"] = sizes
    missing = sorted(set(COUNTED) - set(sizes))
    if missing:
        notes.append(f"sizes of {', '.join(missing)}: none seen, the fake's defaults apply")
    tickets = seen.ids.get("tickets")
    if tickets:
        account["first_ticket_id"] = min(tickets)
        if min(tickets) + sizes["tickets"] - 1 > ids.MAX_TICKET_ID:
            del account["first_ticket_id"]
    if seen.workspaces:
        workspaces = [seen.workspaces[i] for i in sorted(seen.workspaces)]
        if sum(w["primary"] for w in workspaces) != 1:
            for w in workspaces:
                w["primary"] = False
            workspaces[0]["primary"] = True
            notes.append(
                f"workspace {workspaces[0]['id']} made the primary one (none or several were)"
            )
        account["workspaces"] = workspaces
        notes.append("workspace descriptions: free text, which the scrubber replaces; not written")
    else:
        notes.append("no workspaces seen (GET /api/v2/workspaces): the fake's defaults apply")
    names, source_notes = _sources(seen)
    if names:
        account["ticket_sources"] = names
    notes.extend(source_notes)
    notes.extend(_form_notes(seen))
    account["api_keys"] = [
        {"key": key, "user": user, "role": role} for key, (user, role) in RECORDED_KEYS.items()
    ]
    account["pinned"] = {
        "agents": [
            {"first_name": "Recorded", "last_name": "Admin", "email": ADMIN_EMAIL, "active": True},
            {"first_name": "Recorded", "last_name": "Agent", "email": AGENT_EMAIL, "active": True},
        ],
        "requesters": [
            {
                "first_name": "Recorded",
                "last_name": "Requester",
                "primary_email": REQUESTER_EMAIL,
                "active": True,
            }
        ],
    }
    return account, notes


def dataset_text(exchanges: Iterable[Exchange], recorded_at: str) -> str:
    """The dataset YAML for what `exchanges` (scrubbed) showed; checked against the model."""
    account, notes = account_document(seen_in(exchanges))
    document = {
        "description": f"A tenant like the one mock-freshservice record saw ({recorded_at})",
        "accounts": [account],
    }
    Dataset.model_validate(document)  # a bug here, not the user's: fail loudly
    header = [
        "# Written by `mock-freshservice record --dataset-out`: the recorded tenant's shape, with",
        "# generated records (serve it with `mock-freshservice serve --dataset FILE`). Only",
        "# scrubbed or structural data. Keys (each a pinned placeholder person's):",
        "# " + ", ".join(RECORDED_KEYS) + ".",
        "# Sizes are the distinct records seen through the recorder (lower bounds).",
        "#",
        "# Not captured:",
    ]
    header += _wrapped(notes) or ["# - (nothing noted)"]
    body = yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100)
    return "\n".join(header) + "\n" + body


def _wrapped(notes: Iterable[str], width: int = 94) -> list[str]:
    """Each note as comment lines: `# - ` then `#   ` for the lines it continues on."""
    lines: list[str] = []
    for note in notes:
        line = ""
        for word in note.split():
            if line and len(line) + 1 + len(word) > width:
                lines.append(line)
                line = "#   " + word
            else:
                line = f"{line} {word}" if line else f"# - {word}"
        lines.append(line)
    return lines


def write_dataset(path: Path, exchanges: Iterable[Exchange]) -> None:
    """Write the dataset to `path` in one step (written beside, then renamed). OSError."""
    recorded_at = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
    text = dataset_text(exchanges, recorded_at)
    descriptor, staging = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write(text)
        os.chmod(staging, 0o644)
        os.replace(staging, path)
    except BaseException:
        with contextlib.suppress(OSError):
            Path(staging).unlink()
        raise
