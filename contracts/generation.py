"""Arguments for property-based tool calls, drawn from each tool's own input schema.

Every argument's values come from `hypothesis_jsonschema.from_schema` over the tool's published
schema for that argument. Where the schema alone would almost never hit real data, values that
exist in the fake are mixed in, about three draws in four: ids of records (`ticket_id`,
`display_id`, `agent_id`, …), emails of users, workspace ids, filter queries that parse, dates on
the calendar, form values that fit the on/offboarding forms. So most calls reach real records and
succeed, and the rest still test what the server does with anything its schema allows.

The pools of existing values are read once, through the fake's REST API with the key the suite
uses (`collect_pools`); records the suite may change (updates, notes, articles) are created for
it first, so the seeded demo records stay as they were.

`mutations` turns a valid argument set into an invalid one in one named way (a required argument
left out, an unknown one added, a wrong type, a number out of range, a value that is no choice,
a string too long or off its pattern), naming the argument a server must then name.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import itertools
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import httpx
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema
from jsonschema import Draft202012Validator

Json = Any
Strategy = st.SearchStrategy[Any]

# Which pool an argument's existing values come from: (tool, argument) first, then argument.
POOL_OF_ARGUMENT: Mapping[str, str] = {
    "ticket_id": "tickets",
    "agent_id": "agents",
    "responder_id": "agents",
    "requester_id": "requesters",
    "user_id": "requesters",
    "initiator_id": "users",
    "request_id": "onboarding_requests",
    "display_id": "assets",
    "asset_type_id": "asset_types",
    "category_id": "solution_categories",
    "folder_id": "folders",
    "article_id": "articles",
    "workspace_id": "workspaces",
    "group_id": "groups",
    "department_id": "departments",
    "location_id": "locations",
    "email": "requester_emails",
    "user_email": "requester_emails",
    "requested_for": "requester_emails",
    "search_term": "words",
    "search": "asset_words",
    "custom_fields": "ticket_custom_fields",
}
POOL_OF_TOOL_ARGUMENT: Mapping[tuple[str, str], str] = {
    # Writes change only records the suite created for itself.
    ("updateTicket", "ticket_id"): "own_tickets",
    ("createTicketNote", "ticket_id"): "own_tickets",
    ("updateAsset", "display_id"): "own_assets",
    ("updateSolutionArticle", "article_id"): "own_articles",
    ("updateSolutionArticle", "folder_id"): "own_folders",
    ("createSolutionArticle", "folder_id"): "own_folders",
    # Same argument name, another kind of record.
    ("fetchAgent", "agent_id"): "agents_or_me",
    ("fetchAgents", "email"): "agent_emails",
    ("fetchOffboardingRequestTickets", "request_id"): "offboarding_requests",
    ("fetchServiceCatalogItem", "display_id"): "catalog_items",
    ("placeRequestServiceCatalogItem", "display_id"): "catalog_items",
    ("placeRequestServiceCatalogItem", "custom_fields"): "catalog_custom_fields",
    ("fetchServiceCatalogItems", "category_id"): "catalog_categories",
    ("fetchServiceCatalogItemSearch", "search_term"): "catalog_words",
    ("fetchSolutionArticleSearch", "search_term"): "article_words",
    ("createSolutionFolder", "visibility"): "open_visibilities",
    # Types with no required type fields: a name is enough to create or retype an asset.
    ("createAsset", "asset_type_id"): "free_asset_types",
    ("updateAsset", "asset_type_id"): "free_asset_types",
}
# Arguments of writes that change a record: values drawn from the schema leave out the records
# of this pool, so only the suite's own records (or none) are changed.
SPARED: Mapping[tuple[str, str], str] = {
    ("updateTicket", "ticket_id"): "tickets",
    ("createTicketNote", "ticket_id"): "tickets",
    ("updateAsset", "display_id"): "assets",
    ("updateSolutionArticle", "article_id"): "articles",
    ("updateSolutionArticle", "folder_id"): "folders",
    ("createSolutionArticle", "folder_id"): "folders",
}
# List arguments whose items come from a pool.
POOL_OF_LIST_ARGUMENT: Mapping[str, str] = {
    "department_ids": "departments",
    "group_ids": "groups",
    "cc_emails": "agent_emails",
    "notify_emails": "agent_emails",
    "tags": "tags",
    "keywords": "words",
}
# Filter queries that parse, per tool (the schema's own strings almost never do).
QUERIES: Mapping[str, Sequence[str]] = {
    "fetchTickets": (
        "priority:>2 AND status:2",
        "agent_id:null",
        "created_at:>'2024-01-01'",
        "(status:2 OR status:3) AND urgency:3",
    ),
    "fetchAssets": (
        "asset_type_id:30000000003",
        "asset_state:'In Use'",
        "user_id:null AND created_at:>'2024-01-01'",
    ),
    "fetchAgents": (
        "~[first_name|last_name]:'a'",
        "job_title:'Engineer'",
        "created_at:>'2024-01-01'",
    ),
    "fetchRequesters": ("~[first_name|last_name]:'j'", "created_at:>'2024-01-01'"),
}
# Arguments holding dates or times, and the calendar values that fit them.
DATE_ARGUMENTS = frozenset({"due_by", "fr_due_by", "assigned_on", "review_date", "updated_since"})
# Names that must be unique where they are created (a folder's name within its category).
UNIQUE_ARGUMENTS = frozenset({("createSolutionFolder", "name")})
# The share of draws that take realistic values (existing records, …) over the schema's own.
# Hypothesis neither weights `one_of` branches nor draws uniformly, so this is a threshold on a
# drawn float; 0.7 gives about three realistic draws in four (the table's "ids from data").
REALISTIC_SHARE = 0.7
MAX_OPTIONAL = 3  # optional arguments per call, besides the required ones
# Tools that refuse a call without one field to change ("give at least one field",
# docs/architecture.md §7).
NEEDS_A_FIELD = frozenset({"updateTicket", "updateAsset", "updateSolutionArticle"})
# Arguments that go together: when the first is given, the second takes this value (about three
# calls in four); a solution folder's id lists need their visibility.
COUPLED: Mapping[str, Mapping[str, tuple[str, Json]]] = {
    "createSolutionFolder": {
        "department_ids": ("visibility", "departments"),
        "group_ids": ("visibility", "agent groups"),
        "requester_group_ids": ("visibility", "contact groups"),
    },
}
# Tools that need one of these arguments though the schema cannot say so (about three calls in
# four get one): a ticket's requester.
ONE_OF_ARGUMENTS: Mapping[str, tuple[str, ...]] = {"createTicket": ("requester_id", "email")}


@dataclasses.dataclass(frozen=True)
class Pools:
    """Existing values per pool name, and the on/offboarding forms' fields."""

    values: Mapping[str, tuple[Json, ...]]
    forms: Mapping[str, tuple[Mapping[str, Json], ...]]

    def of(self, name: str) -> tuple[Json, ...]:
        return self.values.get(name, ())


def pool_name(tool: str, argument: str) -> str | None:
    return POOL_OF_TOOL_ARGUMENT.get((tool, argument)) or POOL_OF_ARGUMENT.get(argument)


# -- Reading the pools from the fake --------------------------------------------------------------


def collect_pools(fake_url: str, key: str) -> Pools:
    """Existing records of the key's account, read through the fake's REST API, plus records
    the suite creates for its own writes."""
    with httpx.Client(
        base_url=f"{fake_url.rstrip('/')}/api/v2", auth=(key, "X"), timeout=30
    ) as http:

        def items(path: str, plural: str, **params: Any) -> list[dict[str, Json]]:
            found: list[dict[str, Json]] = []
            for page in range(1, MAX_POOL_PAGES + 1):
                response = http.get(path, params={"per_page": 100, "page": page, **params})
                response.raise_for_status()
                found += response.json()[plural]
                if 'rel="next"' not in response.headers.get("link", ""):
                    break
            return found

        tickets = items("/tickets", "tickets", workspace_id=0, updated_since="2000-01-01T00:00:00Z")
        agents = items("/agents", "agents")
        requesters = items("/requesters", "requesters")
        assets = items("/assets", "assets", workspace_id=0)
        asset_types = items("/asset_types", "asset_types")
        categories = items("/solutions/categories", "categories", workspace_id=0)
        folders = [
            f
            for c in categories
            for f in items("/solutions/folders", "folders", category_id=c["id"])
        ]
        articles = [
            a for f in folders for a in items("/solutions/articles", "articles", folder_id=f["id"])
        ]
        catalog = items("/service_catalog/items", "service_items", workspace_id=0)
        catalog_categories = items(
            "/service_catalog/categories", "service_categories", workspace_id=0
        )
        values: dict[str, tuple[Json, ...]] = {
            "tickets": _ids(tickets),
            "agents": _ids(agents),
            "agents_or_me": (*_ids(agents), "me"),
            "requesters": _ids(requesters),
            "users": (*_ids(agents), *_ids(requesters)),
            "agent_emails": _unique(a.get("email") for a in agents),
            "requester_emails": _unique(r.get("primary_email") for r in requesters),
            "assets": _unique(a.get("display_id") for a in assets),
            "asset_types": _ids(asset_types),
            "free_asset_types": tuple(
                t["id"] for t in asset_types if not _required_type_fields(http, t["id"])
            ),
            "locations": _ids(items("/locations", "locations")),
            "groups": _unique(t.get("group_id") for t in tickets),
            "departments": _unique(
                d for r in requesters for d in r.get("department_ids") or () if d is not None
            ),
            "workspaces": _ids(items("/workspaces", "workspaces")),
            "solution_categories": _ids(categories),
            "folders": _ids(folders),
            "articles": _ids(articles),
            "catalog_items": _unique(i.get("display_id") for i in catalog),
            "catalog_categories": _ids(catalog_categories),
            "onboarding_requests": _ids(items("/onboarding_requests", "onboarding_requests")),
            "offboarding_requests": _ids(items("/offboarding_requests", "offboarding_requests")),
            "tags": _unique(tag for t in tickets for tag in t.get("tags") or ()),
            "ticket_custom_fields": _unique_dicts(t.get("custom_fields") for t in tickets),
            "catalog_custom_fields": ({"business_justification": "Needed for a project"},),
            "open_visibilities": (1, 2, 3, "all", "logged in users", "agents only"),
            "words": _words(a.get("title") for a in articles),
            "article_words": _words(a.get("title") for a in articles if a.get("status") == 2),
            "catalog_words": _words(i.get("name") for i in catalog),
            "asset_words": _words(a.get("name") for a in assets),
        }
        values["paged_category"] = (_busiest(categories, folders, "category_id"),)
        # Software has no required type fields, so a name is enough to create one.
        values["software_type"] = tuple(t["id"] for t in asset_types if t["name"] == "Software")
        values.update(_own_records(http, values))
        forms = {
            kind: tuple(http.get(f"/{kind}_requests/form").json()["fields"])
            for kind in ("onboarding", "offboarding")
        }
    return Pools(values=values, forms=forms)


MAX_POOL_PAGES = 10  # of 100 records each
OWN_TICKETS = 4
OWN_ASSETS = 3
OWN_ARTICLES = 4


def _own_records(http: httpx.Client, values: Mapping[str, tuple[Json, ...]]) -> dict[str, Any]:
    """Records the suite's writes may change: tickets, assets, a folder and its articles."""

    def created(path: str, body: Mapping[str, Json], key: str) -> dict[str, Json]:
        response = http.post(path, json=dict(body))
        response.raise_for_status()
        return dict(response.json()[key])

    email = values["requester_emails"][0]
    tickets = [
        created(
            "/tickets",
            {"subject": f"Harness ticket {n}", "description": "Made by the property suite.",
             "email": email, "status": 2, "priority": 1},
            "ticket",
        )["id"]
        for n in range(OWN_TICKETS)
    ]  # fmt: skip
    software = values["software_type"][0]
    assets = [
        created("/assets", {"name": f"Harness asset {n}", "asset_type_id": software}, "asset")[
            "display_id"
        ]
        for n in range(OWN_ASSETS)
    ]
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d%H%M%S%f")
    folder = created(
        "/solutions/folders",
        {"name": f"Harness folder {stamp}", "category_id": values["solution_categories"][0],
         "visibility": 1},
        "folder",
    )["id"]  # fmt: skip
    articles = [
        created(
            "/solutions/articles",
            {"title": f"Harness article {n}", "description": "Made by the property suite.",
             "folder_id": folder, "article_type": 1, "status": 1},
            "article",
        )["id"]
        for n in range(OWN_ARTICLES)
    ]  # fmt: skip
    return {
        "own_tickets": tuple(tickets),
        "own_assets": tuple(assets),
        "own_folders": (folder,),
        "own_articles": tuple(articles),
    }


def _required_type_fields(http: httpx.Client, type_id: int) -> list[str]:
    response = http.get(f"/asset_types/{type_id}/fields")
    response.raise_for_status()
    return [
        field["name"]
        for header in response.json()["asset_type_fields"]
        for field in header["fields"]
        if field.get("asset_type_id") is not None and field.get("required")
    ]


def _busiest(
    parents: Sequence[Mapping[str, Json]], children: Sequence[Mapping[str, Json]], key: str
) -> Json:
    """The parent with the most children (a category with folders enough for two pages)."""
    counts = {p["id"]: 0 for p in parents}
    for child in children:
        if child.get(key) in counts:
            counts[child[key]] += 1
    return max(counts, key=lambda parent: counts[parent])


def _ids(records: Iterable[Mapping[str, Json]]) -> tuple[int, ...]:
    return _unique(r.get("id") for r in records)


def _unique(values: Iterable[Json]) -> tuple[Json, ...]:
    return tuple(dict.fromkeys(v for v in values if v is not None))


def _unique_dicts(values: Iterable[Json]) -> tuple[Json, ...]:
    seen: dict[str, Json] = {}
    for value in values:
        if isinstance(value, dict) and value:
            seen.setdefault(repr(sorted(value.items())), value)
    return tuple(seen.values())


def _words(texts: Iterable[Json]) -> tuple[str, ...]:
    found = (w.lower() for t in texts if isinstance(t, str) for w in re.findall(r"[A-Za-z]{3,}", t))
    return _unique(found)


# -- Valid arguments ------------------------------------------------------------------------------


def valid_arguments(tool: str, schema: Mapping[str, Json], pools: Pools) -> Strategy:
    """Argument sets the tool's input schema accepts, existing values mixed in: the required
    arguments and up to MAX_OPTIONAL optional ones, as a caller sends them."""
    properties: Mapping[str, Json] = schema.get("properties", {})
    required = [name for name in properties if name in set(schema.get("required", ()))]
    optional = [name for name in properties if name not in required]
    drawn = {name: argument_values(tool, name, sub, pools) for name, sub in properties.items()}
    validator = Draft202012Validator(dict(schema))
    least = 1 if tool in NEEDS_A_FIELD and optional else 0
    wanted = ONE_OF_ARGUMENTS.get(tool, ())

    @st.composite
    def arguments(draw: st.DrawFn) -> dict[str, Json]:
        names = list(required)
        given: set[str] = set()  # arguments that must not be null: the call needs them
        if optional:
            most = max(least, min(MAX_OPTIONAL, len(optional)))
            chosen = draw(
                st.lists(st.sampled_from(optional), min_size=least, max_size=most, unique=True)
            )
            names += chosen
            given.update(chosen[:least])
        if wanted and not set(names) & set(wanted) and draw(mostly()):
            one = draw(st.sampled_from(wanted))
            names.append(one)
            given.add(one)
        found = {
            name: draw(drawn[name].filter(_not_null) if name in given else drawn[name])
            for name in properties
            if name in names
        }
        for name, (other, value) in COUPLED.get(tool, {}).items():
            if found.get(name) and draw(mostly()):
                found[other] = value
        return found

    return arguments().filter(validator.is_valid)


def mostly() -> st.SearchStrategy[bool]:
    """True in about three draws in four (see REALISTIC_SHARE)."""
    return st.floats(0, 1).map(lambda x: x < REALISTIC_SHARE)


def _not_null(value: Json) -> bool:
    return value is not None


def argument_values(tool: str, argument: str, schema: Mapping[str, Json], pools: Pools) -> Strategy:
    """One argument's values: the schema's own, and (about three times as often) realistic ones."""
    own = schema_values(schema)
    if (tool, argument) in SPARED:
        spared = frozenset(pools.of(SPARED[(tool, argument)]))
        own = own.filter(lambda value: value not in spared)
    realistic = realistic_values(tool, argument, schema, pools)
    drawn = own if realistic is None else mostly().flatmap(lambda yes: realistic if yes else own)
    if (tool, argument) in UNIQUE_ARGUMENTS:
        return drawn.map(functools.partial(_made_unique, limit=schema.get("maxLength", 255)))
    return drawn


def schema_values(schema: Mapping[str, Json]) -> Strategy:
    """The values `from_schema` draws for one argument's schema (built once per schema; words
    for people are left out, or hypothesis' reprs of the strategy run to tens of kB)."""
    return _from_schema(json.dumps(_without_words(schema), sort_keys=True))


def _without_words(node: Json) -> Json:
    if isinstance(node, list):
        return [_without_words(item) for item in node]
    if not isinstance(node, dict):
        return node
    return {
        k: {name: _without_words(sub) for name, sub in v.items()}
        if k in ("properties", "$defs") and isinstance(v, dict)
        else _without_words(v)
        for k, v in node.items()
        if k not in WORDS_FOR_PEOPLE
    }


WORDS_FOR_PEOPLE = frozenset({"description", "title", "default", "examples"})


@functools.lru_cache(maxsize=512)
def _from_schema(frozen: str) -> Strategy:
    schema = json.loads(frozen)
    kinds = schema.get("type")
    kinds = [kinds] if isinstance(kinds, str) else list(kinds or ())
    if "object" in kinds and not {"properties", "patternProperties", "required"} & set(schema):
        return _free_form_objects(schema, [k for k in kinds if k != "object"])
    return from_schema(schema)


def _free_form_objects(schema: Mapping[str, Json], others: list[str]) -> Strategy:
    """A map of any keys (`custom_fields`, `type_fields`, a form's `fields`). hypothesis-jsonschema
    0.23 draws objects with hypothesis internals that hypothesis 6.170 no longer has, so these
    are drawn here: keys as text, values from the schema's `additionalProperties`."""
    extra = schema.get("additionalProperties", True)
    values = from_schema(extra if isinstance(extra, dict) else {})
    maps = st.dictionaries(
        st.text(min_size=1, max_size=24),
        values,
        min_size=int(schema.get("minProperties", 0)),
        max_size=int(schema.get("maxProperties", 4)),
    )
    if not others:
        return maps
    rest = {k: v for k, v in schema.items() if k not in ("additionalProperties", "type")}
    return st.one_of(maps, from_schema({**rest, "type": others}))


def realistic_values(
    tool: str, argument: str, schema: Mapping[str, Json], pools: Pools
) -> Strategy | None:
    fits = Draft202012Validator(dict(schema)).is_valid
    candidates: list[Strategy] = []
    pool = pool_name(tool, argument)
    if pool is not None and (existing := [v for v in pools.of(pool) if fits(v)]):
        candidates.append(_again_and_again(existing))
    if argument in POOL_OF_LIST_ARGUMENT:
        items = pools.of(POOL_OF_LIST_ARGUMENT[argument])
        if items:
            candidates.append(st.lists(st.sampled_from(items), max_size=3, unique=True))
    if argument == "query" and tool in QUERIES:
        candidates.append(st.sampled_from(QUERIES[tool]))
    if argument in DATE_ARGUMENTS:
        candidates.append(calendar_values(argument))
    if argument == "fields" and tool in ("createOnboardingRequest", "createOffboardingRequest"):
        kind = "onboarding" if tool == "createOnboardingRequest" else "offboarding"
        candidates.append(form_values(pools.forms.get(kind, ()), pools))
    if not candidates:
        return None
    return st.one_of(*candidates).filter(fits)


def _again_and_again(values: Sequence[Json]) -> Strategy:
    """One of the values, as often as asked: hypothesis never repeats an example, so a pool of
    three categories would otherwise be spent after three calls and the rest would be new ids."""
    return st.tuples(st.sampled_from(values), st.integers(0, 2**16)).map(lambda pair: pair[0])


_counter = itertools.count(1)


def _made_unique(value: Json, *, limit: int) -> Json:
    if not isinstance(value, str):
        return value
    suffix = f" #{next(_counter)}"
    return value[: max(1, limit - len(suffix))] + suffix


def calendar_values(argument: str) -> Strategy:
    """Dates that exist, as the argument takes them: days, or UTC times."""
    if argument == "updated_since":
        days = st.dates(dt.date(2023, 1, 1), dt.date(2026, 12, 31))
    else:
        days = st.dates(dt.date(2027, 1, 1), dt.date(2030, 12, 31))
    times = st.builds(
        lambda d, h, m: f"{d.isoformat()}T{h:02d}:{m:02d}:00Z",
        days,
        st.integers(0, 23),
        st.sampled_from((0, 15, 30, 45)),
    )
    return st.one_of(days.map(dt.date.isoformat), times)


def form_values(fields: Sequence[Mapping[str, Json]], pools: Pools) -> Strategy:
    """Values for an on/offboarding form: every required field, some optional ones, each of
    its field type (lookups by data source: 5 users, 6 departments, 1 locations, 4 assets)."""
    required: dict[str, Strategy] = {}
    optional: dict[str, Strategy] = {}
    for field in fields:
        name = field.get("name")
        if not isinstance(name, str):
            continue
        values = _field_values(field, pools)
        if values is None:
            continue
        (required if field.get("required") else optional)[name] = values
    return st.fixed_dictionaries(required, optional=optional)


def _field_values(field: Mapping[str, Json], pools: Pools) -> Strategy | None:
    kind = field.get("field_type")
    choices = field.get("choices") or ()
    source = field.get("data_source")
    words = st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyz "), min_size=1, max_size=20)
    plain = words.filter(str.strip).map(str.strip)
    lookups: Mapping[Json, Callable[[], tuple[Json, ...]]] = {
        5: lambda: pools.of("requester_emails"),
        6: lambda: pools.of("departments"),
        1: lambda: pools.of("locations"),
        4: lambda: pools.of("assets"),
    }
    if kind == "custom_date":
        return st.dates(dt.date(2027, 1, 1), dt.date(2030, 12, 31)).map(dt.date.isoformat)
    if kind == "custom_checkbox":
        return st.booleans()
    if kind == "custom_dropdown" and choices:
        return st.sampled_from(list(choices))
    if kind == "custom_multi_select_dropdown" and choices:
        return st.lists(st.sampled_from(list(choices)), min_size=1, max_size=3, unique=True)
    if source in lookups:
        existing = lookups[source]()
        return st.sampled_from(existing) if existing else None
    if kind in ("custom_text", "custom_paragraph"):
        return plain
    return None


# -- Invalid arguments ----------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Mutation:
    """A valid argument set made invalid in one way; `argument` is the one a server must name."""

    kind: str
    argument: str
    arguments: dict[str, Json]

    def __str__(self) -> str:
        return f"{self.kind} {self.argument!r}: {self.arguments!r}"


UNKNOWN_ARGUMENT = "unexpected_argument"
# In the order hypothesis favours (it draws the first most): the SDK alone would drop an unknown
# argument silently, so that one comes first.
MUTATION_KINDS = (
    "unknown argument", "missing required", "wrong type", "out of range", "not a choice",
    "too long", "off pattern",
)  # fmt: skip
WRONG_TYPES: tuple[Json, ...] = ("some text", 12345, 1.5, True, [1], {"a": 1}, None)


def mutations(tool: str, schema: Mapping[str, Json], pools: Pools) -> Strategy:
    """Invalid argument sets, each a valid one with one thing wrong (see `Mutation`)."""
    validator = Draft202012Validator(dict(schema))

    def invalid(arguments: dict[str, Json]) -> Strategy:
        options = _mutation_options(schema, arguments)
        kinds = [kind for kind in MUTATION_KINDS if kind in options]
        return st.sampled_from(kinds).flatmap(lambda kind: st.sampled_from(options[kind]))

    return (
        valid_arguments(tool, schema, pools)
        .flatmap(invalid)
        .filter(lambda m: not validator.is_valid(m.arguments))
    )


def _mutation_options(
    schema: Mapping[str, Json], arguments: Mapping[str, Json]
) -> dict[str, list[Mutation]]:
    properties: Mapping[str, Json] = schema.get("properties", {})
    options: dict[str, list[Mutation]] = {
        "unknown argument": [
            Mutation("unknown argument", UNKNOWN_ARGUMENT, {**arguments, UNKNOWN_ARGUMENT: 1})
        ]
    }

    def add(kind: str, name: str, value: Json) -> None:
        if not Draft202012Validator(dict(properties[name])).is_valid(value):
            options.setdefault(kind, []).append(Mutation(kind, name, {**arguments, name: value}))

    for name in schema.get("required", ()):
        left = {k: v for k, v in arguments.items() if k != name}
        options.setdefault("missing required", []).append(Mutation("missing required", name, left))
    for name, sub in properties.items():
        for value in WRONG_TYPES:
            add("wrong type", name, value)
        for branch in _branches(sub):
            if "minimum" in branch:
                add("out of range", name, int(branch["minimum"]) - 1)
            if "maximum" in branch:
                add("out of range", name, int(branch["maximum"]) + 1)
            if "enum" in branch or "const" in branch:
                add(
                    "not a choice",
                    name,
                    "no-such-choice" if branch.get("type") == "string" else 987,
                )
            if "maxLength" in branch and branch["maxLength"] <= 1000:
                add("too long", name, "x" * (int(branch["maxLength"]) + 1))
            if "pattern" in branch:
                add("off pattern", name, " ")
    return options


def _branches(schema: Mapping[str, Json]) -> list[Mapping[str, Json]]:
    branches = [schema, *schema.get("anyOf", ())]
    return [b for b in branches if isinstance(b, Mapping)]
