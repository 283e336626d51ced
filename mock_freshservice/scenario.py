"""Scenario files: a fault program for the fake plus the tool calls a replay makes.

`load_scenario` reads a scenario (a file, or YAML text), checks it against
`scenario.schema.json` (JSON Schema 2020-12, `additionalProperties: false` everywhere, so a typo
in a key is an error) and then against the rules a schema cannot say (unique ids, states that can
be entered, references to earlier steps, one answer per effect, error-specific fields only with
their error). Every problem names the file, the line and the field:

    scenarios/x.yaml:12: rules[0].effect: unknown key 'eror' (did you mean 'error'?)

Where the schema says integer, an integral float (`2.0`) is refused too; a near miss of a matcher
(`{lenght: 1}`) or of a reserved `expect` key (`is_eror`) is an error with a suggestion; a `key`
value that is not a valid API key is never echoed (it may be a real secret).

The YAML is composed node by node so each field's line is known; timestamps stay strings (a tool
argument `review_date: 2026-12-01` is sent as written) and a key given twice is an error. A
scenario is at most `MAX_SCENARIO_BYTES`, and its aliases are bounded (`safe_yaml.py`).
"""

from __future__ import annotations

import dataclasses
import functools
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any, Protocol, cast

import jmespath
import jmespath.exceptions
import jsonschema
import jsonschema.protocols
import jsonschema.validators
import re2
import yaml
from jsonschema.exceptions import ValidationError, best_match

from mock_freshservice.clock import parse_datetime
from mock_freshservice.safe_yaml import YamlError, load_yaml

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
# The shipped scenarios are a few KB; the bound keeps a text sent to the admin API cheap to check.
MAX_SCENARIO_BYTES = 256 * 1024

Path_ = tuple[str | int, ...]
KEY_LINE = -1  # lines[(KEY_LINE, *path)] is the line of a key; lines[path] that of its value


class ScenarioError(ValueError):
    """A scenario that cannot be used; `message` names file, line and field of each problem."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# -- the model -----------------------------------------------------------------------------------


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


def _re2_reason(exc: Exception) -> str:
    reason = exc.args[0] if exc.args else exc
    return reason.decode("utf-8", "replace") if isinstance(reason, bytes) else str(reason)


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

    def where(self, *path: str | int) -> str:
        """`file:line` of a field (or of the nearest enclosing one that has a line)."""
        return f"{self.name}:{_line_of(self.lines, path)}"

    def rule(self, rule_id: str) -> Rule | None:
        return next((r for r in self.rules if r.id == rule_id), None)


# -- loading -------------------------------------------------------------------------------------


def load_scenario(source: str | Path, *, name: str | None = None) -> Scenario:
    """A scenario from a file (a `Path`, or a one-line `str` ending in .yaml/.yml) or YAML text.

    `name` labels the messages (default: the file's path, or "<scenario>" for text).
    """
    if isinstance(source, Path) or (
        "\n" not in source and source.strip().endswith((".yaml", ".yml"))
    ):
        path = Path(source)
        try:
            with path.open("rb") as file:
                # One byte past the bound tells, whatever the file is (a pipe has no size).
                raw = file.read(MAX_SCENARIO_BYTES + 1)
            if len(raw) > MAX_SCENARIO_BYTES:
                raise ScenarioError(_too_big(name or str(path)))
            text = raw.decode("utf-8")
        except OSError as exc:
            raise ScenarioError(
                f"{name or path}: cannot read scenario ({exc.strerror or exc})"
            ) from exc
        except UnicodeDecodeError as exc:
            raise ScenarioError(f"{name or path}: not UTF-8 text") from exc
        return parse_scenario(text, name=name or str(path))
    return parse_scenario(source, name=name or "<scenario>")


def _too_big(name: str) -> str:
    return f"{name}: the scenario is over {MAX_SCENARIO_BYTES:,} bytes (its largest size)"


def parse_scenario(text: str, *, name: str = "<scenario>") -> Scenario:
    """A scenario from YAML text; messages say `name:line`."""
    data, lines = _compose(text, name)
    return _checked(data, lines, name)


def scenario_from_object(data: object, *, name: str = "<scenario>") -> Scenario:
    """A scenario from an already-parsed document (e.g. a JSON body); messages have no lines."""
    return _checked(data, {}, name)


def _checked(data: object, lines: Mapping[Path_, int], name: str) -> Scenario:
    problems = list(_schema_problems(data, lines))
    if not problems:
        problems = list(_semantic_problems(cast(dict[str, Any], data), lines))
    if problems:
        problems.sort(key=lambda p: p[1] or 0)
        raise ScenarioError("\n".join(_format(name, *p) for p in problems))
    return _build(cast(dict[str, Any], data), lines, name)


Problem = tuple[Path_, int | None, str]


def _format(name: str, path: Path_, line: int | None, message: str) -> str:
    where = f"{name}:{line}" if line is not None else name
    return f"{where}: {format_path(path)}: {message}"


_PLAIN_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


def format_path(path: Sequence[str | int]) -> str:
    """`rules[0].effect.error`; a key that is not a plain name is quoted: `expect["a[0].b"]`."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif _PLAIN_KEY.match(part):
            out += f".{part}" if out else part
        else:
            out += f"[{json.dumps(part)}]"
    return out or "(top)"


# -- YAML with lines -----------------------------------------------------------------------------


class _Loader(yaml.SafeLoader):
    """Safe YAML, except that timestamps stay strings (JSON has no dates)."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

_STR_TAG = "tag:yaml.org,2002:str"
_MERGE_TAG = "tag:yaml.org,2002:merge"


def _compose(text: str, name: str) -> tuple[object, dict[Path_, int]]:
    if len(text) > MAX_SCENARIO_BYTES or len(text.encode("utf-8")) > MAX_SCENARIO_BYTES:
        raise ScenarioError(_too_big(name))
    try:
        document = load_yaml(text, loader=_Loader)
    except YamlError as exc:
        where = f"{name}:{exc.line}" if exc.line is not None else name
        raise ScenarioError(f"{where}: {exc.message}") from exc
    if document.node is None:
        raise ScenarioError(f"{name}:1: (top): the scenario is empty")
    lines: dict[Path_, int] = {}
    _map_lines(document.node, (), lines, name)
    return document.value, lines


def _map_lines(node: yaml.Node, path: Path_, lines: dict[Path_, int], name: str) -> None:
    """Record the line of every value (and, under (KEY_LINE, *path), of every key)."""
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                continue
            line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != _STR_TAG:
                shown = key_node.value if isinstance(key_node, yaml.ScalarNode) else "[...]"
                raise ScenarioError(
                    f"{name}:{line}: {format_path(path)}: key {shown} must be a string (quote it)"
                )
            key = str(key_node.value)
            if key in seen:
                raise ScenarioError(
                    f"{name}:{line}: {format_path((*path, key))}: "
                    f"key given twice (first on line {seen[key]})"
                )
            seen[key] = line
            lines[(KEY_LINE, *path, key)] = line
            _map_lines(value_node, (*path, key), lines, name)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _map_lines(item, (*path, index), lines, name)


def _line_of(lines: Mapping[Path_, int], path: Sequence[str | int]) -> int | None:
    if not lines:
        return None
    probe = tuple(path)
    while probe:
        if probe in lines:
            return lines[probe]
        probe = probe[:-1]
    return lines.get((), 1)


def _key_line(lines: Mapping[Path_, int], path: Path_) -> int | None:
    return lines.get((KEY_LINE, *path)) or _line_of(lines, path)


# -- schema --------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def schema() -> dict[str, Any]:
    """The scenario format (package data `scenario.schema.json`)."""
    text = resources.files("mock_freshservice").joinpath("scenario.schema.json").read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def _is_integer(checker: object, instance: object) -> bool:
    """JSON Schema counts 2.0 as an integer; a scenario may not (a count, a status, a number of
    seconds written 2.0 would reach the fake as a float)."""
    return isinstance(instance, int) and not isinstance(instance, bool)


_StrictValidator = jsonschema.validators.extend(  # type: ignore[no-untyped-call]
    jsonschema.Draft202012Validator,
    type_checker=jsonschema.Draft202012Validator.TYPE_CHECKER.redefine("integer", _is_integer),
)


@functools.lru_cache(maxsize=1)
def _validator() -> jsonschema.protocols.Validator:
    """The schema's validator, except that `"type": "integer"` takes no float (not even 2.0)."""
    validator: jsonschema.protocols.Validator = _StrictValidator(schema())
    return validator


_TYPE_NAMES = {
    "object": "a mapping",
    "array": "a list",
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "true or false",
    "null": "null",
}


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true or false"
    for kind, name in ((dict, "a mapping"), (list, "a list"), (str, "a string")):
        if isinstance(value, kind):
            return name
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return repr(value)  # "2.0": the reason it is not an integer
    return type(value).__name__


def _got(value: object) -> str:
    """What was given, for a "must be ... (got ...)" message; 2.0 where an integer belongs is
    a common slip, so that one says how to write it."""
    if isinstance(value, float) and value.is_integer():
        return f"{value!r}; write {int(value)}"
    return _json_type(value)


def _schema_problems(data: object, lines: Mapping[Path_, int]) -> Iterator[Problem]:
    found = _validator().iter_errors(cast(Any, data))
    errors = sorted(found, key=lambda e: list(map(str, e.absolute_path)))
    seen: set[tuple[Path_, str]] = set()
    for error in errors:
        for problem in _explain(error, lines):
            if (problem[0], problem[2]) not in seen:
                seen.add((problem[0], problem[2]))
                yield problem


# `server` settings a scenario may not give: the harness sets them (where the server runs, which
# fake and key it talks to, how a client reaches it), or they mean nothing for a replay.
HARNESS_SERVER_SETTINGS = {
    "transport": "the replay chooses how it reaches the server",
    "host": "the replay chooses how it reaches the server",
    "port": "the replay chooses how it reaches the server",
    "stateful": "the replay chooses how it reaches the server",
    "mcp_allowed_hosts": "the replay chooses how it reaches the server",
    "mcp_read_timeout": "the replay chooses how it reaches the server",
    "mcp_allowed_origins": "the replay chooses how it reaches the server",
    "domain": "the replay points the server at its fake",
    "base_url": "the replay points the server at its fake",
    "allow_insecure_upstream": "the replay points the server at its fake",
    "api_key": "set key: (or replay --key) instead",
}

# Fields that hold an API key: a value that is not a valid key may still be a real secret.
_KEY_FIELDS = ("key", "revoke_key", "restore_key")


def _holds_a_key(path: Path_) -> bool:
    if path == ("key",):
        return True
    return (
        len(path) == 4
        and path[0] == "rules"
        and path[2] in ("match", "effect")
        and path[3] in _KEY_FIELDS
    )


def _branch_misfits(error: ValidationError) -> bool:
    """An anyOf/oneOf branch written for another kind of value than the one given."""
    if error.path:
        return False
    if error.validator in ("type", "const"):
        return True
    # An enum of scalars (e.g. one method) is not what a list or a mapping was meant to be.
    return (
        error.validator == "enum"
        and isinstance(error.instance, dict | list)
        and not any(isinstance(v, dict | list) for v in cast(list[object], error.validator_value))
    )


def _explain(error: ValidationError, lines: Mapping[Path_, int]) -> list[Problem]:
    path: Path_ = tuple(error.absolute_path)
    line = _line_of(lines, path)
    instance = error.instance
    if error.validator == "additionalProperties" and isinstance(instance, dict):
        known = list(error.schema.get("properties", {})) if isinstance(error.schema, dict) else []
        listed = f"(known: {', '.join(known)})"
        return [
            (
                ((*path, key), _key_line(lines, (*path, key)), f"not a scenario setting: "
                 f"{HARNESS_SERVER_SETTINGS[key]} {listed}")
                if path == ("server",) and key in HARNESS_SERVER_SETTINGS
                else (path, _key_line(lines, (*path, key)), _unknown_key(str(key), known))
            )
            for key in instance
            if key not in known
        ]  # fmt: skip
    if _holds_a_key(path) and error.validator in ("pattern", "minLength", "maxLength"):
        return [(path, line, "is not a valid API key (not shown)")]
    if error.validator == "minProperties" and isinstance(instance, dict) and not instance:
        names = list(error.schema.get("properties", {})) if isinstance(error.schema, dict) else []
        wanted = f" (give {' or '.join(names)})" if names else ""
        return [(path, line, f"must not be empty{wanted}")]
    if error.validator == "required" and isinstance(instance, dict):
        required = cast(list[str], error.validator_value)
        missing = [key for key in required if key not in instance]
        return [((*path, key), line, "required key missing") for key in missing]
    if error.validator in ("anyOf", "oneOf") and error.context:
        # The branch written for this kind of value (an object, a list, ...) says what is wrong.
        branches: dict[object, list[ValidationError]] = {}
        for sub in error.context:
            branches.setdefault(sub.schema_path[0] if sub.schema_path else None, []).append(sub)
        fitting = [subs for subs in branches.values() if not any(_branch_misfits(s) for s in subs)]
        if len(fitting) == 1:
            return [p for sub in fitting[0] for p in _explain(sub, lines)]
        if len(fitting) > 1:
            best = best_match(error.context)
            if best is not None:
                return _explain(best, lines)
        described = error.schema.get("description") if isinstance(error.schema, dict) else None
        return [(path, line, f"must be {described or 'valid'} (got {_got(instance)})")]
    if error.validator == "enum":
        values = ", ".join(str(v) for v in cast(list[object], error.validator_value))
        what = "error name" if path and path[-1] == "error" else "value"
        return [(path, line, f"unknown {what} {instance!r} (known: {values})")]
    if error.validator == "type":
        expected = cast(str | list[str], error.validator_value)
        names = [expected] if isinstance(expected, str) else expected
        wanted = " or ".join(_TYPE_NAMES.get(n, n) for n in names)
        return [(path, line, f"must be {wanted} (got {_got(instance)})")]
    if error.validator == "const":
        return [(path, line, f"must be {json.dumps(error.validator_value)} (or left out)")]
    if error.validator == "pattern":
        return [(path, line, f"{instance!r} does not match {error.validator_value}")]
    if error.validator == "uniqueItems":
        return [(path, line, "has an item more than once")]
    return [(path, line, error.message)]


# -- checks a schema cannot make -----------------------------------------------------------------

# `${steps.<id>.<JMESPath>}`, as the replay resolves them; any other `${steps…}` is a mistake.
_REFERENCE = re.compile(r"\$\{\s*steps\b[^}]*\}")
_STEP_REFERENCE = re.compile(r"\$\{steps\.([A-Za-z0-9_-]+)\.([^}]+)\}")
MATCHERS = ("regex", "length", "contains", "present")


def _semantic_problems(data: dict[str, Any], lines: Mapping[Path_, int]) -> Iterator[Problem]:
    rules: list[dict[str, Any]] = data.get("rules", [])
    steps: list[dict[str, Any]] = data.get("steps", [])

    yield from _unique_ids("rules", "rule", rules, lines)
    yield from _unique_ids("steps", "step", steps, lines)

    initial = data.get("initial_state", DEFAULT_STATE)
    entered = {initial} | {r["effect"]["goto"] for r in rules if "goto" in r.get("effect", {})}
    for index, rule in enumerate(rules):
        match = rule.get("match", {})
        effect = rule.get("effect", {})
        base: Path_ = ("rules", index)
        state = match.get("state")
        if state is not None and state not in entered:
            path = (*base, "match", "state")
            yield (
                path,
                _line_of(lines, path),
                f"state {state!r} is never entered (initial_state is {initial!r}; "
                f"goto targets: {', '.join(sorted(entered - {initial})) or 'none'})",
            )
        nth = match.get("nth")
        if isinstance(nth, dict) and nth.get("to", nth.get("from", 1)) < nth.get("from", 1):
            path = (*base, "match", "nth")
            yield path, _line_of(lines, path), "from must not be after to"
        for kind in ("query", "header"):
            for field, condition in match.get(kind, {}).items():
                path = (*base, "match", kind, field, "regex")
                yield from _request_regex_problem(condition, path, lines)
        yield from _effect_problems(effect, (*base, "effect"), lines)

    rule_ids = {r["id"] for r in rules}
    earlier: list[str] = []
    for index, step in enumerate(steps):
        base = ("steps", index)
        for part in ("arguments", "expect", "fake"):
            yield from _reference_problems(step.get(part, {}), (*base, part), earlier, lines)
        for key, value in step.get("expect", {}).items():
            path = (*base, "expect", key)
            if key not in RESERVED_EXPECT:
                near = _near(key, RESERVED_EXPECT)
                if near is not None:
                    message = f"unknown reserved key; did you mean {near}?"
                    yield path, _key_line(lines, path), message
                    continue
                yield from _jmespath_problem(key, path, lines)
            yield from _matcher_problems(value, path, lines)
        for n, rule_id in enumerate(step.get("expect_journal", {}).get("rules", [])):
            if rule_id not in rule_ids:
                path = (*base, "expect_journal", "rules", n)
                known = ", ".join(sorted(rule_ids)) or "none"
                yield path, _line_of(lines, path), f"no rule {rule_id!r} (rules: {known})"
        earlier.append(step["id"])

    now = data.get("dataset", {}).get("now")
    if now is not None and parse_datetime(now) is None:
        path = ("dataset", "now")
        yield path, _line_of(lines, path), f"{now!r} is not an ISO 8601 date or time"


def _unique_ids(
    kind: str, label: str, items: list[dict[str, Any]], lines: Mapping[Path_, int]
) -> Iterator[Problem]:
    first: dict[str, int] = {}
    for index, item in enumerate(items):
        path = (kind, index, "id")
        line = _line_of(lines, path)
        if item["id"] in first:
            at = first[item["id"]]
            earlier = f"line {_line_of(lines, (kind, at, 'id'))}" if lines else f"{kind}[{at}]"
            yield path, line, f"duplicate {label} id {item['id']!r} (first at {earlier})"
        else:
            first[item["id"]] = index


def _regex_problem(value: object, path: Path_, lines: Mapping[Path_, int]) -> Iterator[Problem]:
    """An `expect` regex: the replay tests tool results with Python's `re`."""
    if isinstance(value, dict) and isinstance(value.get("regex"), str):
        try:
            re.compile(value["regex"])
        except re.error as exc:
            yield path, _line_of(lines, path), f"not a regular expression: {exc}"


def _request_regex_problem(
    value: object, path: Path_, lines: Mapping[Path_, int]
) -> Iterator[Problem]:
    """A rule's regex: the fake tests request data with RE2 (see `request_pattern`)."""
    if isinstance(value, dict) and isinstance(value.get("regex"), str):
        try:
            request_pattern(value["regex"])
        except re2.error as exc:
            yield (
                path,
                _line_of(lines, path),
                f"not a regular expression RE2 accepts: {_re2_reason(exc)} (rules are matched "
                "with RE2, which has no backreferences or lookaround)",
            )


def _effect_problems(
    effect: dict[str, Any], base: Path_, lines: Mapping[Path_, int]
) -> Iterator[Problem]:
    answers = [a for a in ANSWERS if a in effect]
    if len(answers) > 1:
        yield (
            base,
            _line_of(lines, base),
            f"at most one answer ({', '.join(ANSWERS)}); got {', '.join(answers)}",
        )
    error = effect.get("error")
    allowed = {
        "retry_after": error == "rate_limited"
        or (error == "server_error" and effect.get("status") == 503),
        "status": error == "server_error",
        "field": error == "validation_error",
        "message": error == "validation_error",
        "code": error == "validation_error",
    }
    wanted = {
        "retry_after": "error: rate_limited (or server_error with status: 503)",
        "status": "error: server_error",
        "field": "error: validation_error",
        "message": "error: validation_error",
        "code": "error: validation_error",
    }
    for key, ok in allowed.items():
        if key in effect and not ok:
            path = (*base, key)
            yield path, _key_line(lines, path), f"only allowed with {wanted[key]}"


def _reference_problems(
    value: object, path: Path_, earlier: list[str], lines: Mapping[Path_, int]
) -> Iterator[Problem]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _reference_problems(item, (*path, key), earlier, lines)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _reference_problems(item, (*path, index), earlier, lines)
    elif isinstance(value, str):
        for found in _REFERENCE.finditer(value):
            text = found.group(0)
            ref = _STEP_REFERENCE.fullmatch(text)
            if ref is None:
                message = f"{text}: a reference looks like ${{steps.<id>.<JMESPath>}}"
            elif ref.group(1) not in earlier:
                message = (
                    f"{text} refers to step {ref.group(1)!r}, which does not come "
                    f"earlier (earlier steps: {', '.join(earlier) or 'none'})"
                )
            else:
                yield from _jmespath_problem(ref.group(2), path, lines, label=text)
                continue
            yield path, _line_of(lines, path), message


def _jmespath_problem(
    expression: str, path: Path_, lines: Mapping[Path_, int], label: str | None = None
) -> Iterator[Problem]:
    try:
        jmespath.compile(expression)
    except jmespath.exceptions.JMESPathError as exc:
        problem = str(exc).splitlines()[0]
        yield path, _line_of(lines, path), f"{label or expression}: not JMESPath ({problem})"


def _edit_distance(a: str, b: str) -> int:
    """Optimal string alignment distance: insertions, deletions, substitutions and swaps of two
    neighbouring letters (`lenght` is one edit from `length`)."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, char_b in enumerate(b, 1):
            current[j] = min(
                previous[j] + 1,
                current[j - 1] + 1,
                previous[j - 1] + (char_a != char_b),
            )
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]


def _unknown_key(key: str, known: Sequence[str]) -> str:
    """`unknown key 'nht' (did you mean 'nth'?)`, or the keys known there when none is near."""
    near = _near(key, known) if known else None
    hint = f"did you mean {near!r}?" if near is not None else f"known: {', '.join(known)}"
    return f"unknown key {key!r} ({hint})"


def _near(word: str, known: Sequence[str], within: int = 2) -> str | None:
    """The known name `word` is a likely misspelling of (case ignored), if any."""
    lowered = word.lower()
    distance, best = min((_edit_distance(lowered, name), name) for name in known)
    return best if distance <= within else None


def _matcher_problems(value: object, path: Path_, lines: Mapping[Path_, int]) -> Iterator[Problem]:
    """A one-key {regex|length|contains|present} value: its argument must fit. A one-key mapping
    whose key is a near miss of a matcher (`{lenght: 1}`) is taken for a typo, not a literal."""
    if isinstance(value, dict) and len(value) == 1 and next(iter(value)) not in MATCHERS:
        key = str(next(iter(value)))
        near = _near(key, MATCHERS)
        if near is not None:
            where = (*path, key)
            yield where, _key_line(lines, where), f"unknown matcher; did you mean {{{near}}}?"
        return
    if not (isinstance(value, dict) and len(value) == 1 and next(iter(value)) in MATCHERS):
        return
    kind, argument = next(iter(value.items()))
    line = _line_of(lines, (*path, kind))
    if kind == "regex":
        if not isinstance(argument, str):
            yield (*path, kind), line, "must be a string (a regular expression)"
        else:
            yield from _regex_problem(value, (*path, kind), lines)
    elif kind == "length" and (
        not isinstance(argument, int) or isinstance(argument, bool) or argument < 0
    ):
        yield (*path, kind), line, "must be an integer, 0 or more"
    elif kind == "present" and not isinstance(argument, bool):
        yield (*path, kind), line, "must be true or false"


# -- building the model --------------------------------------------------------------------------


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


def _build(data: dict[str, Any], lines: Mapping[Path_, int], name: str) -> Scenario:
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
                line=_line_of(lines, ("rules", index)) or 0,
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
                line=_line_of(lines, ("steps", index)) or 0,
            )
            for index, step in enumerate(data.get("steps", []))
        ),
        raw=data,
        lines=dict(lines),
    )
