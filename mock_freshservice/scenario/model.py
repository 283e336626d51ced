"""What a checked scenario is: the rules the fake runs (matched with RE2), the steps a replay
makes, and how they are built from a document the loader has checked."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from typing import Any, Protocol, cast

import re2

from mock_freshservice.scenario.problems import Path_, line_of

DEFAULT_KEY = "demo-acme-admin-key"
DEFAULT_STATE = "start"
CALLER = "caller"
ANSWERS = ("respond", "error", "drop_connection", "malformed_body")
ERROR_NAMES = (
    "rate_limited",
    "unauthorized",
    "forbidden",
    "not_found",
    "validation_error",
    "server_error",
)
RESERVED_EXPECT = ("is_error", "error_text", "protocol_error")
MATCHERS = ("regex", "length", "contains", "present")


class RequestPattern(Protocol):
    """A compiled RE2 pattern (google-re2 ships no types): what rules test request data with."""

    def search(self, text: str) -> object | None: ...

    def fullmatch(self, text: str) -> object | None: ...


_RE2_OPTIONS = re2.Options()
_RE2_OPTIONS.log_errors = False  # a bad pattern is reported as a scenario error, not on stderr


def request_pattern(pattern: str) -> RequestPattern:
    """`pattern` compiled with RE2, whose matching time is linear in the text: a rule's regex
    runs on every request against data any client chooses, so a backtracking pattern such as
    `^(a+)+$` must not be able to stall the fake. re2.error when RE2 cannot compile it
    (backreferences, lookaround, or too large)."""
    return cast(RequestPattern, re2.compile(pattern, _RE2_OPTIONS))


def re2_reason(exc: Exception) -> str:
    """Why RE2 refused a pattern, as text (it may give bytes)."""
    reason = exc.args[0] if exc.args else exc
    return reason.decode("utf-8", "replace") if isinstance(reason, bytes) else str(reason)


def path_pattern(glob: str) -> RequestPattern:
    """A request-path glob as a regex: `*` is (part of) one segment, a `**` segment any number.

    RE2 as for rule regexes: several `**` segments make a pattern that backtracks in `re`."""
    out = ""
    for segment in glob.split("/")[1:]:
        if segment == "**":
            out += "(?:/[^/]*)*"
        else:
            out += "/" + "[^/]*".join(re.escape(part) for part in segment.split("*"))
    return request_pattern(out or "/")


@dataclasses.dataclass(frozen=True, slots=True)
class TextMatch:
    """A query or header condition: equal to `value`, or matching `regex` (RE2, search)."""

    value: str | None = None
    regex: RequestPattern | None = None

    def test(self, actual: str | None) -> bool:
        if actual is None:
            return False
        if self.regex is not None:
            return self.regex.search(actual) is not None
        return actual == self.value


@dataclasses.dataclass(frozen=True, slots=True)
class Nth:
    """Which matching requests (1-based, per rule per account) a rule fires on."""

    counts: frozenset[int] | None = None  # an int or a list
    start: int = 1  # {from, to}
    stop: int | None = None

    def includes(self, n: int) -> bool:
        if self.counts is not None:
            return n in self.counts
        return n >= self.start and (self.stop is None or n <= self.stop)


@dataclasses.dataclass(frozen=True, slots=True)
class Match:
    method: frozenset[str] | None = None
    path: str | None = None
    path_pattern: RequestPattern | None = None
    query: tuple[tuple[str, TextMatch], ...] = ()
    header: tuple[tuple[str, TextMatch], ...] = ()  # names lower-cased
    key: str | None = None  # "caller" or an explicit key
    state: str | None = None
    after: int | None = None
    nth: Nth | None = None
    query_exact: bool = False  # no query names but those of `query` (cassettes)
    body: Any = None  # the JSON body it must equal, when `has_body`
    has_body: bool = False


@dataclasses.dataclass(frozen=True, slots=True)
class Respond:
    status: int = 200
    headers: tuple[tuple[str, str], ...] = ()
    body: Any = None
    has_body: bool = False


@dataclasses.dataclass(frozen=True, slots=True)
class Effect:
    """What a rule does, named as in the file; side effects first, then at most one answer."""

    delay: float | None = None
    revoke_key: str | None = None
    restore_key: str | None = None
    set_plan: dict[str, Any] | None = None  # a PUT /_mock/accounts/<d>/plan body
    goto: str | None = None
    respond: Respond | None = None
    error: str | None = None
    retry_after: int | None = None
    status: int | None = None
    field: str | None = None
    message: str | None = None
    code: str | None = None
    drop_connection: bool = False
    malformed_body: bool = False


@dataclasses.dataclass(frozen=True, slots=True)
class Rule:
    id: str
    match: Match
    effect: Effect
    line: int


@dataclasses.dataclass(frozen=True, slots=True)
class Step:
    id: str
    tool: str  # "" for a step that reads the fake instead
    arguments: dict[str, Any]
    expect: dict[str, Any]  # {} when not given
    expect_journal: dict[str, Any]  # {} when not given
    line: int
    fake: str | None = None  # a GET on the fake's REST API that checks its state, not a tool call


@dataclasses.dataclass(frozen=True, slots=True)
class DatasetSpec:
    seed: int | None = None
    now: str | None = None  # ISO 8601 as written (checked to parse)


@dataclasses.dataclass(frozen=True, slots=True)
class Scenario:
    """A checked scenario. `raw` is the document as loaded (JSON-able), `name` the file name."""

    name: str
    description: str
    prompt: str | None
    key: str
    dataset: DatasetSpec
    plan: dict[str, Any] | None  # a PUT /_mock/accounts/<d>/plan body: {plan?, limits?}
    server: dict[str, Any]
    initial_state: str
    rules: tuple[Rule, ...]
    steps: tuple[Step, ...]
    raw: dict[str, Any] = dataclasses.field(repr=False, compare=False)
    lines: Mapping[Path_, int] = dataclasses.field(repr=False, compare=False)
    oauth: dict[str, Any] = dataclasses.field(default_factory=dict)  # the AS's faults
    cassette: dict[str, Any] | None = None  # where a cassette was recorded (cassette.py)

    def where(self, *path: str | int) -> str:
        """`file:line` of a field (or of the nearest enclosing one that has a line)."""
        return f"{self.name}:{line_of(self.lines, path)}"

    def rule(self, rule_id: str) -> Rule | None:
        return next((r for r in self.rules if r.id == rule_id), None)


# -- building the model from a checked document --------------------------------------------------


def _text_match(value: object) -> TextMatch:
    if isinstance(value, dict):
        return TextMatch(regex=request_pattern(str(value["regex"])))
    return TextMatch(value=str(value))


def _nth(value: object) -> Nth | None:
    if value is None:
        return None
    if isinstance(value, int):
        return Nth(counts=frozenset({value}))
    if isinstance(value, list):
        return Nth(counts=frozenset(int(v) for v in value))
    spec = cast(dict[str, int], value)
    return Nth(start=spec.get("from", 1), stop=spec.get("to"))


def _match(spec: dict[str, Any]) -> Match:
    method = spec.get("method")
    methods = None if method is None else frozenset([method] if isinstance(method, str) else method)
    path = spec.get("path")
    return Match(
        method=methods,
        path=path,
        path_pattern=path_pattern(path) if path is not None else None,
        query=tuple((k, _text_match(v)) for k, v in spec.get("query", {}).items()),
        header=tuple((k.lower(), _text_match(v)) for k, v in spec.get("header", {}).items()),
        key=spec.get("key"),
        state=spec.get("state"),
        after=spec.get("after"),
        nth=_nth(spec.get("nth")),
        query_exact=bool(spec.get("query_exact", False)),
        body=spec.get("body"),
        has_body="body" in spec,
    )


def _effect(spec: dict[str, Any]) -> Effect:
    respond = spec.get("respond")
    return Effect(
        delay=spec.get("delay"),
        revoke_key=spec.get("revoke_key"),
        restore_key=spec.get("restore_key"),
        set_plan=spec.get("set_plan"),
        goto=spec.get("goto"),
        respond=None
        if respond is None
        else Respond(
            status=respond.get("status", 200),
            headers=tuple((k, str(v)) for k, v in respond.get("headers", {}).items()),
            body=respond.get("body"),
            has_body="body" in respond,
        ),
        error=spec.get("error"),
        retry_after=spec.get("retry_after"),
        status=spec.get("status"),
        field=spec.get("field"),
        message=spec.get("message"),
        code=spec.get("code"),
        drop_connection=bool(spec.get("drop_connection", False)),
        malformed_body=bool(spec.get("malformed_body", False)),
    )


def build(data: dict[str, Any], lines: Mapping[Path_, int], name: str) -> Scenario:
    """The scenario a checked document describes (its lines, if any, kept for `where`)."""
    dataset = data.get("dataset", {})
    return Scenario(
        name=name,
        description=data["description"],
        prompt=data.get("prompt"),
        key=data.get("key", DEFAULT_KEY),
        dataset=DatasetSpec(seed=dataset.get("seed"), now=dataset.get("now")),
        plan=data.get("plan"),
        server=dict(data.get("server", {})),
        initial_state=data.get("initial_state", DEFAULT_STATE),
        rules=tuple(
            Rule(
                id=rule["id"],
                match=_match(rule.get("match", {})),
                effect=_effect(rule.get("effect", {})),
                line=line_of(lines, ("rules", index)) or 0,
            )
            for index, rule in enumerate(data.get("rules", []))
        ),
        steps=tuple(
            Step(
                id=step["id"],
                tool=step.get("tool", ""),
                fake=step.get("fake"),
                arguments=dict(step.get("arguments", {})),
                expect=dict(step.get("expect", {})),
                expect_journal=dict(step.get("expect_journal", {})),
                line=line_of(lines, ("steps", index)) or 0,
            )
            for index, step in enumerate(data.get("steps", []))
        ),
        oauth=dict(data.get("oauth", {})),
        cassette=data.get("cassette"),
        raw=data,
        lines=dict(lines),
    )
