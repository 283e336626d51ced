"""Arguments for any server's tools, knowing only their input schemas and names.

An argument that names a Freshservice record (`ticket_id`, `display_id`, `requester_id`,
`agentId`, an `id` of a tool called `get_problem`, …) or a person (`email`, `requester_email`)
gets a value that exists in the fake, read through its REST API; the rest come from the
argument's own schema (hypothesis-jsonschema). Which record an argument names is worked out from
its name, then the tool's name, then the argument's description: the first resource word found.

`plausible` is the one call per tool that should work: the required arguments only, records that
exist, ordinary values (a subject, priority 1, status 2). `drawn` is `count` calls from the schema
with the same records mixed in."""

from __future__ import annotations

import contextlib
import functools
import re
from collections.abc import Mapping, Sequence
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from contracts.generation import schema_values
from contracts.generic.target import Account, Fake

Json = Any

# resource word -> (list path, key of the list in the answer, the id field its tools take)
RESOURCES: dict[str, tuple[str, str, str]] = {
    "ticket": ("/tickets", "tickets", "id"),
    "problem": ("/problems", "problems", "id"),
    "change": ("/changes", "changes", "id"),
    "release": ("/releases", "releases", "id"),
    "asset": ("/assets", "assets", "display_id"),
    "requester": ("/requesters", "requesters", "id"),
    "agent": ("/agents", "agents", "id"),
    "group": ("/groups", "groups", "id"),
    "requester_group": ("/requester_groups", "requester_groups", "id"),
    "department": ("/departments", "departments", "id"),
    "location": ("/locations", "locations", "id"),
    "product": ("/products", "products", "id"),
    "vendor": ("/vendors", "vendors", "id"),
    "workspace": ("/workspaces", "workspaces", "id"),
    "canned_response": ("/canned_responses", "canned_responses", "id"),
    "canned_response_folder": ("/canned_response_folders", "canned_response_folders", "id"),
    "asset_type": ("/asset_types", "asset_types", "id"),
    "service_item": ("/service_catalog/items", "service_items", "display_id"),
    "category": ("/solutions/categories", "categories", "id"),
    "folder": ("/solutions/folders?category_id={category}", "folders", "id"),
    "article": ("/solutions/articles?folder_id={folder}", "articles", "id"),
    "conversation": ("/tickets/{ticket}/conversations", "conversations", "id"),
    "role": ("/roles", "roles", "id"),
    "announcement": ("/announcements", "announcements", "id"),
    "project": ("/projects", "projects", "id"),
    "contract": ("/contracts", "contracts", "id"),
    "purchase_order": ("/purchase_orders", "purchase_orders", "id"),
    "application": ("/applications", "applications", "id"),
}
# Other words for the same records, as servers name their arguments and tools.
SYNONYMS = {
    "responder": "agent",
    "user": "requester",
    "employee": "requester",
    "item": "service_item",
    "catalog": "service_item",
    "note": "conversation",
    "reply": "conversation",
    "software": "application",
    "incident": "ticket",
    "solution": "article",
}
PERSON_WORDS = ("email", "mail")


def words(name: str) -> list[str]:
    """`getTicketById` / `get-ticket_by_id` -> ["get", "ticket", "by", "id"]."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name)
    return [w for w in re.split(r"[^A-Za-z0-9]+", spaced.lower()) if w]


def resource_in(text_words: Sequence[str], *, last: bool = False) -> str | None:
    """The first (or last) resource named by consecutive `text_words`, two-word names first."""
    found: list[str] = []
    i = 0
    while i < len(text_words):
        pair = "_".join(text_words[i : i + 2])
        if pair in RESOURCES:
            found.append(pair)
            i += 2
            continue
        word = text_words[i].removesuffix("s") if text_words[i] not in ("status",) else ""
        word = word if word in RESOURCES else SYNONYMS.get(word, SYNONYMS.get(text_words[i], ""))
        if word:
            found.append(word)
        i += 1
    if not found:
        return None
    return found[-1] if last else found[0]


def record_of(tool: str, argument: str, schema: Mapping[str, Json]) -> str | None:
    """The resource whose id `argument` takes, if it takes one."""
    name = words(argument)
    if not name or name[-1] not in ("id", "ids"):
        return None
    stem = name[:-1]
    if stem == ["display"]:
        stem = []
    tool_words = words(tool)
    if stem:
        found = resource_in(stem, last=True)
        # `group_id` of list_requester_group_members names a requester group: a resource of the
        # tool's name that ends with the argument's word is the more precise one.
        for size in (3, 2):
            for i in range(len(tool_words) - size + 1):
                joined = "_".join(tool_words[i : i + size])
                if joined in RESOURCES and joined.endswith("_" + "_".join(stem)):
                    return joined
        return found
    return resource_in(tool_words, last=True) or resource_in(
        words(str(schema.get("description", "")))
    )


def is_person(argument: str) -> bool:
    return any(w in PERSON_WORDS for w in words(argument))


class Records:
    """Values that exist in the fake, read once per resource through its REST API."""

    def __init__(self, fake: Fake, account: Account) -> None:
        self.fake = fake
        self.account = account

    @functools.cache  # noqa: B019 - one Records per run; the cache is the point
    def ids(self, resource: str, field: str | None = None) -> tuple[Json, ...]:
        path, key, id_field = RESOURCES[resource]
        for placeholder in re.findall(r"\{(\w+)\}", path):
            parents = self.ids(placeholder)
            if not parents:
                return ()
            path = path.replace(f"{{{placeholder}}}", str(parents[0]))
        separator = "&" if "?" in path else "?"
        answer = self.fake.get(self.account, f"{path}{separator}per_page=30")
        if not isinstance(answer, dict) or not isinstance(answer.get(key), list):
            return ()
        wanted = field or id_field
        return tuple(r[wanted] for r in answer[key] if isinstance(r, dict) and r.get(wanted))

    def emails(self, resource: str = "requester") -> tuple[str, ...]:
        return tuple(str(e) for e in self.ids(resource, "primary_email") if isinstance(e, str))

    def existing(self, tool: str, argument: str, schema: Mapping[str, Json]) -> list[Json]:
        """Values of the fake's data that `argument` of `tool` may take (fitting its schema)."""
        candidates: list[Json] = []
        resource = record_of(tool, argument, schema)
        if resource is not None:
            field = "display_id" if words(argument)[:1] == ["display"] else None
            ids = list(self.ids(resource, field))
            if resource == "ticket" and not ids:
                ids = list(self.ids(resource))
            candidates = ids
        elif is_person(argument):
            who = "agent" if {"agent", "responder"} & set(words(argument)) else "requester"
            made = resource_in(words(tool), last=True)
            if {"create", "add"} & set(words(tool)) and made in ("requester", "agent"):
                # A new person needs an address nobody has (an existing one is a 409).
                candidates = [f"harness.check.{len(self.emails(who)) + 1}@example.com"]
            else:
                candidates = list(self.emails(who))
        fits = Draft202012Validator(_plain(schema)).is_valid
        shaped: list[Json] = []
        for value in candidates:
            for form in (value, str(value), [value], [str(value)]):
                if fits(form):
                    shaped.append(form)
                    break
        return shaped


def _plain(schema: Mapping[str, Json]) -> dict[str, Json]:
    return {k: v for k, v in schema.items() if k != "$schema"}


def properties_of(input_schema: Mapping[str, Json]) -> tuple[dict[str, Json], set[str]]:
    properties = input_schema.get("properties")
    required = input_schema.get("required")
    props = dict(properties) if isinstance(properties, dict) else {}
    wanted = {r for r in required if isinstance(r, str)} if isinstance(required, list) else set()
    return props, wanted


def _resolved(schema: Json, root: Mapping[str, Json]) -> Json:
    """`schema` with local `$ref`s replaced (one level at a time, enough for tool inputs)."""
    if isinstance(schema, dict):
        ref = schema.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/"):
            target: Json = root
            for part in ref[2:].split("/"):
                target = target.get(part, {}) if isinstance(target, dict) else {}
            merged = {**target, **{k: v for k, v in schema.items() if k != "$ref"}}
            return _resolved(merged, root)
        return {k: _resolved(v, root) for k, v in schema.items()}
    if isinstance(schema, list):
        return [_resolved(item, root) for item in schema]
    return schema


def ordinary(argument: str, schema: Mapping[str, Json]) -> Json:
    """A value a person would give `argument`, from its schema and its name."""
    for key in ("default", "const"):
        if key in schema and schema[key] is not None:
            return schema[key]
    if isinstance(schema.get("enum"), list) and schema["enum"]:
        return next((v for v in schema["enum"] if v is not None), schema["enum"][0])
    if isinstance(schema.get("examples"), list) and schema["examples"]:
        return schema["examples"][0]
    for branch_key in ("anyOf", "oneOf"):
        branches = [b for b in schema.get(branch_key, []) if b.get("type") != "null"]
        if branches:
            return ordinary(argument, branches[0])
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "string")
    name = set(words(argument))
    if kind in {"integer", "number"}:
        value = 2 if "status" in name else 1
        low = schema.get("minimum", schema.get("exclusiveMinimum"))
        if isinstance(low, int | float) and value <= low:
            value = int(low) + 1
        return value
    if kind == "boolean":
        return False
    if kind == "array":
        item = schema.get("items")
        return (
            [ordinary(argument, item if isinstance(item, dict) else {})]
            if schema.get("minItems")
            else []
        )
    if kind == "object":
        return {}
    if "date" in name or schema.get("format") in ("date", "date-time"):
        return "2026-01-15" if schema.get("format") == "date" else "2026-01-15T09:00:00Z"
    if {"time", "spent"} <= name:
        return "00:15"  # Freshservice's hh:mm
    if "subject" in name or "title" in name or "name" in name:
        return "Harness check"
    if "query" in name or "filter" in name:
        return '"priority:1"'
    return "Made by freshservice-harness check"


def plausible(
    tool: str, input_schema: Mapping[str, Json], records: Records
) -> list[dict[str, Json]]:
    """Calls that should work, to try in turn: the required arguments only; then with the
    optional ones that name a record or a person too (a ticket needs its requester); then with
    every optional argument (an update needs something to change). Each value is a record that
    exists or an ordinary value."""
    props, required = properties_of(input_schema)

    def value(name: str) -> Json:
        schema = _resolved(props.get(name, {}), input_schema)
        if not isinstance(schema, dict):
            return ordinary(name, {})
        existing = records.existing(tool, name, schema)
        return existing[0] if existing else ordinary(name, schema)

    def records_named(name: str) -> bool:
        schema = _resolved(props.get(name, {}), input_schema)
        return isinstance(schema, dict) and bool(records.existing(tool, name, schema))

    needed = [name for name in props if name in required] + sorted(required - set(props))
    optional = [name for name in props if name not in required]
    variants = [
        needed,
        needed + [name for name in optional if records_named(name)][:1],
        needed + optional,
    ]
    calls: list[dict[str, Json]] = []
    for names in variants:
        made = {name: value(name) for name in names}
        if made not in calls:
            calls.append(made)
    return calls


def drawn(
    tool: str, input_schema: Mapping[str, Json], records: Records, count: int
) -> list[dict[str, Json]]:
    """`count` argument sets from the schema (the same ones each run): every required argument
    and some optional ones; record ids and emails from the fake about three times in four."""
    props, required = properties_of(input_schema)
    fields: dict[str, tuple[bool, st.SearchStrategy[Json]]] = {}
    for name, raw in props.items():
        schema = _resolved(raw, input_schema)
        if not isinstance(schema, dict):
            continue
        try:
            own = schema_values(schema)
        except Exception:
            own = st.just(ordinary(name, schema))
        existing = records.existing(tool, name, schema)
        if existing:
            own = st.one_of(st.sampled_from(existing), st.sampled_from(existing), own)
        fields[name] = (name in required, own)
    strategy = st.fixed_dictionaries(
        {name: values for name, (needed, values) in fields.items() if needed},
        optional={name: values for name, (needed, values) in fields.items() if not needed},
    )
    return _examples(strategy, count)


def _examples(strategy: st.SearchStrategy[Json], count: int) -> list[Json]:
    found: list[Json] = []
    if count <= 0:
        return found

    @settings(
        max_examples=count,
        database=None,
        derandomize=True,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def collect(value: Json) -> None:
        found.append(value)

    with contextlib.suppress(Exception):  # a schema with no value hypothesis can find
        collect()
    return found[:count]
