"""The fake's answer to a recorded request against the recorded answer, check by check.

The values of ordinary fields are not compared: the account recorded and the fake's demo data
hold different records. What is compared is what a client's code depends on, each a check that
passes or fails (a failed check is one difference):

status    The HTTP status, equal. When it differs the two answers are of different kinds (a record
          and an error, say), so nothing else of that request is compared.
body      The kind of body: empty, object, array, string, integer, number, boolean, or not JSON.
envelope  Each top-level key of an object body (`ticket` against `tickets`): in both or neither.
field     Each deeper JSON path (`ticket.requester_id`, `tickets[].requester_id`): in both or
          neither. A path's children are compared only where both answers hold an object there,
          or, for a list, a list with at least one item (a ticket with no attachments says nothing
          of what an attachment holds). A list is compared by the union of its items' shapes.
          `custom_fields` holds the account's own fields: what is inside is not compared. When
          an object has lost exactly one key and gained exactly one, of the same types, that is
          told as one difference, the new key "in its place" (most likely a rename).
type      The JSON type at each path both answers have: string, integer, number (written with a
          fraction or exponent: 1.0 is a number, 1 an integer),
          boolean, object or array; for a list's items, the set of their types. null is no type
          here: a field null in one answer and set in the other is data (a ticket no agent has
          taken yet), so the non-null types are compared, where both answers have some.
enum      The codes (integers, strings of up to MAX_CODE_LENGTH characters) of enum-like fields
          (ENUM_FIELDS: `status`, `priority`, `source`, `type`, ...): each code the fake gives
          must be one the cassette recorded for that field in any request (`ticket.status` and
          `tickets[].status` are one field: a list's envelope counts as its singular). A
          recorded code the fake never gives is not drift: its data may have none.
header    Each header a cassette keeps (RECORDED_HEADERS: Link, Location, Retry-After and the
          X-RateLimit-* ones): in both or neither; for `Link`, with the same rels. Other values
          are data (a URL, a count) and are not compared.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from mock_freshservice.cassette import RECORDED_HEADERS, Exchange

CHECKS = ("status", "body", "envelope", "field", "type", "enum", "header")
# Fields whose values are codes from a short fixed list, in Freshservice's tickets, changes,
# problems, releases, tasks and conversations.
ENUM_FIELDS = frozenset(
    {
        "status",
        "priority",
        "source",
        "urgency",
        "impact",
        "risk",
        "type",
        "change_type",
        "release_type",
        "approval_status",
        "assignment_scope",
    }
)
# Objects holding an account's own fields, named as it chose: their keys are data.
OPAQUE_FIELDS = frozenset({"custom_fields"})
MAX_CODE_LENGTH = 40
NOT_JSON = "not JSON"
_NUMERIC = re.compile(r"[0-9]+")
_REL = re.compile(r"""rel\s*=\s*"?([^";,\s]+)""", re.IGNORECASE)


@dataclasses.dataclass(frozen=True)
class Answer:
    """What the fake answered: the status, the headers a cassette keeps, the body."""

    status: int
    headers: Mapping[str, str]
    body: Any  # parsed JSON; None for an empty body
    json: bool = True  # False: a body that is not JSON (then `body` is None)


@dataclasses.dataclass(frozen=True, order=True)
class Difference:
    """One failed check: where, which, and what each side had."""

    endpoint: str
    check: str
    subject: str  # a JSON path or a header; "" for the status and the body
    recorded: str
    fake: str

    def what(self) -> str:
        return f"{self.check} {self.subject}" if self.subject else self.check

    def __str__(self) -> str:
        return f"{self.endpoint}  {self.what()}: recorded {self.recorded}, fake {self.fake}"


@dataclasses.dataclass
class Compared:
    """One recorded request, sent again: the checks made and the differences found."""

    exchange: Exchange
    endpoint: str
    answer: Answer
    made: Counter[str] = dataclasses.field(default_factory=Counter)
    differences: list[Difference] = dataclasses.field(default_factory=list)

    @property
    def checks(self) -> int:
        return sum(self.made.values())

    @property
    def passed(self) -> int:
        return self.checks - len(self.differences)

    def check(self, kind: str, subject: str, recorded: str, fake: str, ok: bool) -> None:
        self.made[kind] += 1
        if not ok:
            self.differences.append(Difference(self.endpoint, kind, subject, recorded, fake))


def endpoint_of(method: str, path: str) -> str:
    """The endpoint a request is scored under: its method and its path with each numeric
    segment (an id) made `{id}`."""
    segments = ["{id}" if _NUMERIC.fullmatch(s) else s for s in path.split("/")]
    return f"{method.upper()} {'/'.join(segments)}"


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object" if isinstance(value, dict) else type(value).__name__


@dataclasses.dataclass
class Node:
    """What a body holds at one path, over every list item that reaches it."""

    types: set[str] = dataclasses.field(default_factory=set)
    holds: set[str] = dataclasses.field(default_factory=set)  # "object", "array" (non-empty)
    values: set[Any] = dataclasses.field(default_factory=set)  # codes, of an enum-like field


def shape(body: Any) -> dict[str, Node]:
    """Every JSON path of `body` (`tickets[].id`; the body itself is ""), with what it holds."""
    nodes: dict[str, Node] = {}

    def visit(path: str, value: Any, name: str | None) -> None:
        node = nodes.setdefault(path, Node())
        node.types.add(json_type(value))
        if isinstance(value, dict):
            node.holds.add("object")
            if name in OPAQUE_FIELDS:
                return
            for key, item in value.items():
                visit(f"{path}.{key}" if path else str(key), item, str(key))
        elif isinstance(value, list):
            if value:
                node.holds.add("array")
            for item in value:
                visit(f"{path}[]", item, name)
        elif name in ENUM_FIELDS and _code(value):
            node.values.add(value)

    visit("", body, None)
    return nodes


def _code(value: Any) -> bool:
    """An integer or a short string: what a code is (a long text under `type` is no code)."""
    if isinstance(value, str):
        return len(value) <= MAX_CODE_LENGTH
    return isinstance(value, int) and not isinstance(value, bool)


def field_name(path: str) -> str:
    """The field a path is, whichever envelope it came in: `tickets[].status` and
    `ticket.status` are both `ticket.status`."""
    head, dot, rest = path.partition(".")
    head = head.removesuffix("[]")
    if head.endswith("s") and len(head) > 1:
        head = head[:-1]
    return f"{head}{dot}{rest}"


def vocabulary(exchanges: Iterable[Exchange]) -> dict[str, set[Any]]:
    """The codes each enum-like field took anywhere in the recording."""
    found: dict[str, set[Any]] = {}
    for exchange in exchanges:
        for path, node in shape(exchange.response).items():
            if node.values:
                found.setdefault(field_name(path), set()).update(node.values)
    return found


def body_kind(body: Any, is_json: bool = True) -> str:
    if not is_json:
        return NOT_JSON
    return "empty" if body is None else json_type(body)


def link_rels(value: str) -> list[str]:
    return sorted(set(_REL.findall(value)))


def compare(exchange: Exchange, answer: Answer, codes: Mapping[str, set[Any]]) -> Compared:
    """The checks of one request (see the module's docstring), `codes` being the recording's
    vocabulary of enum-like fields."""
    done = Compared(exchange, endpoint_of(exchange.method, exchange.path), answer)
    done.check(
        "status", "", str(exchange.status), str(answer.status), exchange.status == answer.status
    )
    if exchange.status != answer.status:
        return done
    _compare_headers(done, exchange.headers, answer.headers)
    recorded_kind, fake_kind = body_kind(exchange.response), body_kind(answer.body, answer.json)
    done.check("body", "", recorded_kind, fake_kind, recorded_kind == fake_kind)
    if recorded_kind != fake_kind or recorded_kind not in ("object", "array"):
        return done
    _compare_shapes(done, shape(exchange.response), shape(answer.body), codes)
    return done


def _compare_headers(done: Compared, recorded: Mapping[str, str], fake: Mapping[str, str]) -> None:
    recorded_ = {name.lower(): value for name, value in recorded.items()}
    fake_ = {name.lower(): value for name, value in fake.items()}
    for name in RECORDED_HEADERS:
        had, has = recorded_.get(name.lower()), fake_.get(name.lower())
        if had is None and has is None:
            continue
        if had is None or has is None:
            done.check("header", name, _presence(had), _presence(has), False)
        elif name == "Link":
            rels, fake_rels = link_rels(had), link_rels(has)
            done.check("header", name, _rels(rels), _rels(fake_rels), rels == fake_rels)
        else:
            done.check("header", name, "present", "present", True)


def _presence(value: Any) -> str:
    return "absent" if value is None else "present"


def _rels(rels: Sequence[str]) -> str:
    return "rel " + "|".join(rels) if rels else "no rel"


def _compare_shapes(
    done: Compared,
    recorded: Mapping[str, Node],
    fake: Mapping[str, Node],
    codes: Mapping[str, set[Any]],
) -> None:
    comparable = []
    for path in sorted(recorded.keys() | fake.keys()):
        parent, holds = _parent(path)
        # What holds the path must be there, and not empty, on both sides: else nothing to see.
        if path and holds in recorded.get(parent, _NONE).holds & fake.get(parent, _NONE).holds:
            comparable.append(path)
    renamed = _renamed(comparable, recorded, fake)
    for path in comparable:
        kind = "envelope" if _parent(path)[0] == "" else "field"
        if path in renamed:
            parent, other = _parent(path)[0], renamed[path]
            name = other.removeprefix(f"{parent}.") if parent else other
            done.check(kind, path, "present", f"absent, {name} in its place", False)
            continue
        if path in renamed.values():
            continue  # told with the path it took the place of
        had, has = recorded.get(path), fake.get(path)
        done.check(kind, path, _presence(had), _presence(has), None not in (had, has))
        if had is None or has is None:
            continue
        types, fake_types = had.types - {"null"}, has.types - {"null"}
        if types and fake_types:
            done.check(
                "type",
                path,
                "|".join(sorted(types)),
                "|".join(sorted(fake_types)),
                types == fake_types,
            )
        if has.values and (known := codes.get(field_name(path))):
            new = has.values - known
            done.check("enum", path, _codes(known), _codes(new) if new else "", not new)


_NONE = Node()


def _renamed(
    paths: Sequence[str], recorded: Mapping[str, Node], fake: Mapping[str, Node]
) -> dict[str, str]:
    """The recorded paths the fake has under another name: the one key of an object that only
    the recording has and the one only the fake has, of the same types. {old path: new path}"""
    gone: dict[str, list[str]] = {}
    new: dict[str, list[str]] = {}
    for path in paths:
        parent, holds = _parent(path)
        if holds != "object":
            continue
        if path not in fake:
            gone.setdefault(parent, []).append(path)
        elif path not in recorded:
            new.setdefault(parent, []).append(path)
    found = {}
    for parent, [old, *more] in gone.items():
        added = new.get(parent, [])
        if more or len(added) != 1:
            continue
        if recorded[old].types - {"null"} == fake[added[0]].types - {"null"}:
            found[old] = added[0]
    return found


def _parent(path: str) -> tuple[str, str]:
    """The path that holds `path`, and what it must hold it in: an object or an array."""
    if path.endswith("[]"):
        return path[:-2], "array"
    cut = path.rfind(".")
    return (path[:cut], "object") if cut >= 0 else ("", "object")


def _codes(values: Iterable[Any]) -> str:
    ordered = sorted(values, key=lambda v: (isinstance(v, str), v))
    return "|".join(json.dumps(value, ensure_ascii=False) for value in ordered)
