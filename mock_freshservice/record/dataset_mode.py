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
- tickets: generated from the smallest ticket id seen (first_ticket_id) for as long as the ids
  seen run on without a gap (sizes.tickets); every other id seen is pinned, so the fake has
  each recorded ticket id and as many tickets as were seen (the tickets of on/offboarding
  requests come on top, as in any dataset);
- ticket_sources: the form's (`GET /ticket_form_fields`) source choices that are not built in,
  by code from 1001 (the dataset numbers its sources from 1001 in order: gaps are filled with
  "Source <code>" so codes stay the same), and codes seen on tickets with no name seen;
- ticket_fields: the form's custom fields (name, label, type, a dropdown's choices); without the
  form, the names in tickets' `custom_fields`, typed by the values seen (no choices: values
  people typed are not made into a dropdown's);
- statuses: the form's status choices above 5 (with what requesters see), and codes seen on
  tickets with no name seen ("Status <code>");
- group_names: the names of the groups seen (`GET /groups`, `GET /groups/{id}`, the form's group
  choices), by id.

What the dataset model cannot express (sources with codes below 1001, custom field types the
fake does not serve, statuses above 999) is listed in a comment at the top of FILE instead.

The account is `recorded.freshservice.com`, named "Recorded tenant", with pinned placeholder
people and demo keys (RECORDED_KEYS): the real keys are never written.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml

from mock_freshservice.atomic_file import replace_file
from mock_freshservice.cassette import Exchange
from mock_freshservice.data import ids, ticket_form, ticket_sources
from mock_freshservice.data.dataset import (
    FIRST_OWN_STATUS,
    LAST_OWN_STATUS,
    RESERVED_TICKET_FIELD_NAMES,
    Account,
    Dataset,
    Sizes,
)
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
BUILT_IN_STATUSES = frozenset(ticket_form.BUILT_IN_STATUSES)
# The form's field types a dataset field can be, by the dataset's name for them.
FIELD_TYPES = {form_type: own for own, form_type in ticket_form.FORM_TYPES.items()}
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_FIELD_NAME = re.compile(r"[a-z][a-z0-9_]{0,63}")
# The dataset model's bounds on these lists.
MAX_TICKET_FIELDS = Account.model_fields["ticket_fields"].metadata[0].max_length
MAX_STATUSES = Account.model_fields["statuses"].metadata[0].max_length
MAX_GROUP_NAMES = Account.model_fields["group_names"].metadata[0].max_length
MAX_NAME = 255
# Ticket ids seen outside the generated run are pinned, up to this many.
MAX_PINNED_TICKETS = 10_000
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
    # The form's custom fields, by name: (label, field_type, choices), in the form's order.
    custom_fields: dict[str, tuple[str, str, tuple[str, ...]]] = dataclasses.field(
        default_factory=dict
    )
    status_customer_names: dict[int, str] = dataclasses.field(default_factory=dict)
    # On tickets: each custom field's name and the JSON types of its values seen (not values).
    ticket_custom_fields: dict[str, set[str]] = dataclasses.field(default_factory=dict)
    group_names: dict[int, str] = dataclasses.field(default_factory=dict)

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
                    self._ticket(ticket)
            elif kind == "groups":
                for group in records:
                    self._group_name(group.get("id"), group.get("name"))

    def _ticket(self, ticket: Mapping[str, Any]) -> None:
        if _is_int(ticket.get("source")):
            self.source_codes.add(ticket["source"])
        if _is_int(ticket.get("status")):
            self.status_codes.add(ticket["status"])
        custom = ticket.get("custom_fields")
        if isinstance(custom, dict):
            for name, value in custom.items():
                kinds = self.ticket_custom_fields.setdefault(str(name), set())
                if value is not None:
                    kinds.add(_value_kind(value))

    def _group_name(self, group_id: Any, name: Any) -> None:
        if _is_int(group_id) and isinstance(name, str) and name.strip():
            self.group_names[group_id] = name.strip()

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
                        shown = choice.get("requester_display_value")
                        if isinstance(shown, str) and shown.strip():
                            self.status_customer_names[code] = shown.strip()
            elif name == "group":
                for choice in choices:
                    self._group_name(choice.get("id"), choice.get("value"))
            elif field.get("default_field") is False and isinstance(name, str):
                label = field.get("label")
                values = tuple(
                    c["value"].strip()
                    for c in choices
                    if isinstance(c.get("value"), str) and c["value"].strip()
                )
                self.custom_fields[name] = (
                    label.strip() if isinstance(label, str) else "",
                    str(field.get("field_type") or ""),
                    values,
                )


def _value_kind(value: Any) -> str:
    """A custom value's kind, as a dataset field type would hold it."""
    if isinstance(value, bool):
        return "checkbox"
    if isinstance(value, int):
        return "number"
    if isinstance(value, float):
        return "decimal"
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        return "date"
    return "text"


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
    built_in = {
        name.lower()
        for name in (*ticket_sources.BUILT_IN.values(), *ticket_sources.FORM_NAMES.values())
    }
    names, renamed = _distinct(
        (
            (code, seen.source_names.get(code) or f"Source {code}")
            for code in range(first, max(expressible) + 1)
        ),
        taken=built_in,
    )
    if renamed:
        notes.append(f"ticket sources renamed to keep names distinct and short: {renamed}")
    placeholders = sorted(
        c for c in range(first, max(expressible) + 1) if c not in seen.source_names
    )
    if placeholders:
        notes.append(
            f'ticket sources {placeholders} are placeholders ("Source <code>"): their codes '
            "were seen on tickets or are gaps, their names were not seen"
        )
    return names, notes


def _distinct(named: Iterable[tuple[int, str]], *, taken: set[str]) -> tuple[list[str], list[str]]:
    """The names, each made distinct from `taken` and the ones before it as the dataset
    compares them (case and surrounding spaces aside) and cut to MAX_NAME characters: a clash
    gets its code appended. Also how each changed name was changed, for the notes."""
    names: list[str] = []
    renamed: list[str] = []
    for code, raw in named:
        base = raw.strip()[:MAX_NAME].strip()
        name, lap = base, 0
        while not name or name.lower() in taken:
            lap += 1
            suffix = f"({code})" if lap == 1 else f"({code}.{lap})"
            name = f"{base[: MAX_NAME - len(suffix) - 1].strip()} {suffix}".strip()
        taken.add(name.lower())
        names.append(name)
        if name != raw.strip():
            renamed.append(f"{code}: {name}")
    return names, renamed


def _field_problem(name: str, own_type: str | None, choices: tuple[str, ...]) -> str | None:
    """Why a custom field cannot be written into the dataset, or None."""
    if own_type is None:
        return "the fake serves no field of its type"
    if not _FIELD_NAME.fullmatch(name):
        return "its name is not 1 to 64 lower-case letters, digits and underscores"
    if name in RESERVED_TICKET_FIELD_NAMES:
        return "its name is a default field's"
    if own_type == "dropdown" and not choices:
        return "a dropdown with no choices seen"
    return None


def _ticket_fields(seen: Seen) -> tuple[list[dict[str, Any]] | None, list[str]]:
    """The dataset's `ticket_fields` (None: nothing seen, the fake's own apply) and notes."""
    notes: list[str] = []
    fields: list[dict[str, Any]] = []
    if seen.form_seen:
        for name, (label, form_type, choices) in seen.custom_fields.items():
            own_type = FIELD_TYPES.get(form_type)
            problem = _field_problem(name, own_type, choices)
            if problem is not None:
                notes.append(f"custom ticket field {name} ({form_type or 'no type'}): {problem}")
                continue
            entry: dict[str, Any] = {"name": name}
            if label and label != name.replace("_", " ").capitalize():
                entry["label"] = label[:255]
            entry["type"] = own_type
            if own_type == "dropdown":
                entry["choices"] = list(dict.fromkeys(choice[:255] for choice in choices))
            fields.append(entry)
    elif seen.ticket_custom_fields:
        for name, kinds in seen.ticket_custom_fields.items():
            own_type = _one_kind(kinds)
            problem = _field_problem(name, own_type, ())
            if problem is not None:
                notes.append(f"custom ticket field {name}: {problem}")
                continue
            fields.append({"name": name, "type": own_type})
        notes.append(
            "the ticket form (GET /api/v2/ticket_form_fields) was not seen: custom ticket fields "
            "are the names on the tickets seen, typed by their values (text where only null "
            "was seen; no dropdowns, since values people typed are not made into choices)"
        )
    else:
        notes.append(
            "neither the ticket form (GET /api/v2/ticket_form_fields) nor tickets' custom "
            "fields were seen: the fake's own custom ticket fields apply"
        )
        return None, notes
    if any(f.get("choices") for f in fields):
        notes.append(
            "custom dropdown choices are written as the tenant has them (the scrubber keeps "
            "them): if a dropdown lists people, read the file before sharing it, or record "
            'again with a scrub rule such as {field: "ticket_fields[name=approver].choices.value"'
            ", kind: name}"
        )
    if len(fields) > MAX_TICKET_FIELDS:
        left = [f["name"] for f in fields[MAX_TICKET_FIELDS:]]
        notes.append(f"custom ticket fields past the {MAX_TICKET_FIELDS}th not written: {left}")
        fields = fields[:MAX_TICKET_FIELDS]
    return fields, notes


def _one_kind(kinds: set[str]) -> str:
    """The type for the value kinds one field showed: numbers with fractions are decimals, any
    other mix (or nothing seen) text."""
    if kinds == {"number", "decimal"}:
        return "decimal"
    return next(iter(kinds)) if len(kinds) == 1 else "text"


def _statuses(seen: Seen) -> tuple[list[dict[str, Any]], list[str]]:
    """The dataset's `statuses` and notes."""
    notes: list[str] = []
    codes = (set(seen.status_names) | seen.status_codes) - BUILT_IN_STATUSES
    outside = sorted(c for c in codes if not FIRST_OWN_STATUS <= c <= LAST_OWN_STATUS)
    if outside:
        notes.append(
            f"status codes {outside} are not written: a dataset's own statuses are "
            f"{FIRST_OWN_STATUS} to {LAST_OWN_STATUS}"
        )
    kept = sorted(set(codes) - set(outside))
    if len(kept) > MAX_STATUSES:
        notes.append(f"statuses past the {MAX_STATUSES}th not written: {kept[MAX_STATUSES:]}")
        kept = kept[:MAX_STATUSES]
    names, renamed = _distinct(
        ((code, seen.status_names.get(code) or f"Status {code}") for code in kept),
        taken={name.lower() for name in ticket_form.BUILT_IN_STATUSES.values()},
    )
    if renamed:
        notes.append(f"statuses renamed to keep names distinct and short: {renamed}")
    statuses: list[dict[str, Any]] = []
    for code, name in zip(kept, names, strict=True):
        entry: dict[str, Any] = {"id": code, "name": name}
        shown = seen.status_customer_names.get(code, "").strip()[:MAX_NAME].strip()
        if shown and shown != name:
            entry["customer_name"] = shown
        statuses.append(entry)
    unnamed = sorted(c for c in codes - set(outside) if not seen.status_names.get(c, "").strip())
    if unnamed:
        notes.append(
            f'statuses {unnamed} are placeholders ("Status <code>"): seen on tickets, their '
            "names were not seen"
        )
    return statuses, notes


def _group_names(seen: Seen) -> tuple[list[str], list[str]]:
    """The groups' names seen, by id, each once (case aside); notes."""
    ids_seen = sorted(seen.group_names)
    notes: list[str] = []
    if len(ids_seen) > MAX_GROUP_NAMES:
        notes.append(f"group names past the {MAX_GROUP_NAMES}th not written")
        ids_seen = ids_seen[:MAX_GROUP_NAMES]
    names, renamed = _distinct(
        ((group_id, seen.group_names[group_id]) for group_id in ids_seen), taken=set()
    )
    if renamed:
        notes.append(f"groups renamed to keep names distinct and short: {renamed}")
    return names, notes


def _ticket_ids(
    seen: Seen, account: dict[str, Any], sizes: dict[str, int], notes: list[str]
) -> list[int]:
    """Ticket ids as seen: the generated run starts at the smallest id and goes on while the ids
    seen do; the other ids seen are pinned, so every recorded ticket id is one the fake has (and
    `drift` finds them) and the tenant has as many tickets as were seen. Returns those pinned."""
    seen_ids = sorted(i for i in seen.ids.get("tickets", ()) if 1 <= i <= ids.MAX_TICKET_ID)
    if not seen_ids:
        return []
    first = seen_ids[0]
    run = 1
    while run < len(seen_ids) and seen_ids[run] == first + run:
        run += 1
    account["first_ticket_id"] = first
    sizes["tickets"] = run
    pinned = seen_ids[run:]
    if len(pinned) > MAX_PINNED_TICKETS:
        notes.append(
            f"{len(pinned) - MAX_PINNED_TICKETS} ticket ids seen past the first "
            f"{MAX_PINNED_TICKETS} outside the run from {first} are not pinned"
        )
        pinned = pinned[:MAX_PINNED_TICKETS]
    return pinned


def _add_form(seen: Seen, account: dict[str, Any]) -> list[str]:
    """The ticket form's part of `account` (sources, custom fields, statuses, group names),
    added in place; the notes on what could not be."""
    notes: list[str] = []
    names, source_notes = _sources(seen)
    if names:
        account["ticket_sources"] = names
    notes.extend(source_notes)
    fields, field_notes = _ticket_fields(seen)
    if fields is not None:
        account["ticket_fields"] = fields
    notes.extend(field_notes)
    statuses, status_notes = _statuses(seen)
    if statuses:
        account["statuses"] = statuses
    notes.extend(status_notes)
    group_names, group_notes = _group_names(seen)
    if group_names:
        account["group_names"] = group_names
    notes.extend(group_notes)
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
    pinned_tickets = _ticket_ids(seen, account, sizes, notes)
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
    notes.extend(_add_form(seen, account))
    account["api_keys"] = [
        {"key": key, "user": user, "role": role} for key, (user, role) in RECORDED_KEYS.items()
    ]
    account["pinned"] = {
        **({"tickets": [{"id": i} for i in pinned_tickets]} if pinned_tickets else {}),
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
        "# Sizes are the distinct records seen through the recorder (lower bounds); ticket ids",
        "# seen outside the run from the first are pinned.",
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
    replace_file(path, dataset_text(exchanges, recorded_at))
