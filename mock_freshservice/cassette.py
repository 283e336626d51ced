"""Cassettes: what `mock-freshservice record` saw of a real Freshservice, as a scenario file the
fake replays (`serve --cassette DIR`) and `freshservice-harness drift` compares the fake with.

A cassette is a folder holding `cassette.yaml`: a scenario (scenario.schema.json) whose
`cassette:` section says where it was recorded and whose rules each answer one recorded request,
matched by method, path, the exact query (`query_exact`) and the JSON body (`body`), with
`respond:` giving the recorded status, the headers that matter (RECORDED_HEADERS) and the body.
A request recorded more than once with different answers gets one rule per answer, in order
(each but the last with `nth: 1`), the last also answering any later repeat. Being a scenario,
a cassette can be edited and mixed with rules of one's own. `scrubbed.yaml` beside it lists
what was scrubbed where.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from mock_freshservice.atomic_file import replace_file
from mock_freshservice.scenario import Scenario, ScenarioError
from mock_freshservice.scenario.loader import parse_scenario, scenario_from_object

CASSETTE_FILE = "cassette.yaml"
SCRUB_REPORT_FILE = "scrubbed.yaml"
VERSION = 1
# The response headers a cassette keeps: what clients act on (paging, rate limits, new records).
RECORDED_HEADERS = (
    "Link",
    "Location",
    "Retry-After",
    "X-RateLimit-Total",
    "X-RateLimit-Remaining",
    "X-RateLimit-Used-CurrentRequest",
)
STRICT_RULE_ID = "not-recorded"
# Where a cassette's Link and Location headers point: the replaying fake puts its own URL there.
RECORDED_HOST = "recorded.freshservice.com"
RECORDED_BASE = f"https://{RECORDED_HOST}"
MAX_CASSETTE_BYTES = 64 * 1024 * 1024  # a recording of a long session; a scenario's is 256 KiB


class CassetteError(ScenarioError):
    """A cassette folder that cannot be read or written; the message says which and why."""


@dataclasses.dataclass(frozen=True)
class Exchange:
    """One recorded request and its answer."""

    method: str
    path: str  # /api/v2/…
    query: Mapping[str, str]  # normalised: names sorted, each with its first value
    body: Any  # the request's JSON body; None for none
    status: int
    headers: Mapping[str, str]  # RECORDED_HEADERS only
    response: Any  # the answer's JSON body; None for an empty one

    @property
    def request_key(self) -> tuple[str, str, tuple[tuple[str, str], ...], str]:
        return (self.method, self.path, tuple(sorted(self.query.items())), repr(self.body))


def normalised_query(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """A query as cassettes match it: each name once (its first value), names sorted."""
    found: dict[str, str] = {}
    for name, value in pairs:
        found.setdefault(name, value)
    return dict(sorted(found.items()))


def kept_headers(headers: Iterable[tuple[str, str]]) -> dict[str, str]:
    wanted = {name.lower(): name for name in RECORDED_HEADERS}
    return {wanted[n.lower()]: v for n, v in headers if n.lower() in wanted}


def _rule_id(index: int, exchange: Exchange) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", exchange.path.removeprefix("/api/v2").lower()).strip("-")
    return f"r{index:04d}-{exchange.method.lower()}-{slug or 'root'}"[:100]


def _rule(index: int, exchange: Exchange, nth: Any = None) -> dict[str, Any]:
    match: dict[str, Any] = {"method": exchange.method, "path": exchange.path}
    if exchange.query:
        match["query"] = dict(exchange.query)
    match["query_exact"] = True
    if exchange.body is not None:
        match["body"] = exchange.body
    if nth is not None:
        match["nth"] = nth
    respond: dict[str, Any] = {"status": exchange.status}
    if exchange.headers:
        respond["headers"] = dict(exchange.headers)
    if exchange.response is not None:
        respond["body"] = exchange.response
    return {"id": _rule_id(index, exchange), "match": match, "effect": {"respond": respond}}


def cassette_document(
    exchanges: Sequence[Exchange],
    *,
    key: str,
    upstream: str,
    recorded_at: str,
    description: str | None = None,
) -> dict[str, Any]:
    """The cassette (a scenario document) for `exchanges`, replayed on the account of `key`."""
    by_request: dict[tuple[Any, ...], list[Exchange]] = {}
    for exchange in exchanges:
        by_request.setdefault(exchange.request_key, []).append(exchange)
    rules: list[dict[str, Any]] = []
    answered_by: dict[int, str] = {}  # id() of each exchange → the rule that answers it
    for seen in by_request.values():
        answers = [(e.status, dict(e.headers), e.response) for e in seen]
        if all(answer == answers[0] for answer in answers):
            rules.append(_rule(len(rules) + 1, seen[0]))
            answered_by.update({id(e): rules[-1]["id"] for e in seen})
            continue
        for count, exchange in enumerate(seen, start=1):
            # Each rule counts the requests that reach it: the k-th answer's rule first sees the
            # request at its k-th occurrence (the earlier rules answered the others), so it
            # answers its first match only; the last answers every later repeat too.
            rules.append(_rule(len(rules) + 1, exchange, 1 if count < len(seen) else None))
            answered_by[id(exchange)] = rules[-1]["id"]
    return {
        "description": description
        or f"Recorded from {upstream} ({len(exchanges)} requests, {recorded_at}).",
        "key": key,
        "cassette": {
            "version": VERSION,
            "upstream": upstream,
            "recorded_at": recorded_at,
            "exchanges": len(exchanges),
            "order": [answered_by[id(e)] for e in exchanges],
        },
        "rules": rules,
    }


def exchanges_of(document: Mapping[str, Any]) -> list[Exchange]:
    """The recorded exchanges of a cassette document, one per rule (a request recorded several
    times with different answers: one per answer), the strict catch-all left out."""
    found = []
    for rule in document.get("rules", []):
        if not _is_recorded(rule):
            continue
        match, respond = rule["match"], rule["effect"]["respond"]
        found.append(
            Exchange(
                method=str(match.get("method", "GET")),
                path=str(match["path"]),
                query={str(k): str(v) for k, v in match.get("query", {}).items()},
                body=match.get("body"),
                status=int(respond.get("status", 200)),
                headers={str(k): str(v) for k, v in respond.get("headers", {}).items()},
                response=respond.get("body"),
            )
        )
    return found


def recorded_sequence(document: Mapping[str, Any]) -> list[Exchange]:
    """The exchanges in the order they were recorded (the cassette's `order`: a rule id per
    request; a rule answering a repeated request appears once per repeat). A cassette without
    `order` (written by hand) gives its rules' order."""
    rules = {
        rule.get("id"): exchange
        for rule, exchange in zip(
            [r for r in document.get("rules", []) if _is_recorded(r)],
            exchanges_of(document),
            strict=True,
        )
    }
    order = (document.get("cassette") or {}).get("order")
    if not isinstance(order, list):
        return list(rules.values())
    return [rules[rule_id] for rule_id in order if rule_id in rules]


def _is_recorded(rule: Mapping[str, Any]) -> bool:
    match, respond = rule.get("match", {}), rule.get("effect", {}).get("respond")
    return rule.get("id") != STRICT_RULE_ID and respond is not None and "path" in match


def strict_rule() -> dict[str, Any]:
    """The last rule of a `--cassette-strict` replay: whatever was not recorded is refused."""
    return {
        "id": STRICT_RULE_ID,
        "match": {"path": "/api/v2/**"},
        "effect": {
            "respond": {
                "status": 404,
                "body": {
                    "code": "not_recorded",
                    "message": "The cassette holds no answer for this request "
                    "(mock-freshservice serve --cassette-strict).",
                },
            }
        },
    }


def write_cassette(folder: Path, document: Mapping[str, Any]) -> Path:
    """Write `document` as the cassette in `folder` (made if need be), in one step: a fake
    loading it meanwhile reads the old cassette or the new, never half of one."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / CASSETTE_FILE
        replace_file(
            path, yaml.safe_dump(dict(document), sort_keys=False, allow_unicode=True, width=100)
        )
    except OSError as exc:
        raise CassetteError(f"cannot write the cassette in {folder}: {exc.strerror}") from None
    return path


def cassette_text(folder: Path) -> str:
    """The text of the cassette in `folder` (a folder, or its cassette.yaml itself)."""
    path = folder if folder.is_file() else folder / CASSETTE_FILE
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CassetteError(f"cannot read the cassette {path}: {exc.strerror}") from None


def load_cassette(folder: Path, *, strict: bool = False) -> Scenario:
    """The cassette in `folder` as a scenario to bind (`serve --cassette`); with `strict`, what
    it did not record is refused (STRICT_RULE_ID). ScenarioError (file:line) if it is bad."""
    text = cassette_text(folder)
    name = str(folder if folder.is_file() else folder / CASSETTE_FILE)
    scenario = parse_scenario(text, name=name, limit=MAX_CASSETTE_BYTES)
    if scenario.cassette is None:
        raise ScenarioError(f"{name}: not a cassette (no cassette: section); use --scenario")
    if not strict:
        return scenario
    document = dict(scenario.raw)
    document["rules"] = [*document.get("rules", []), strict_rule()]
    return scenario_from_object(document, name=name)
