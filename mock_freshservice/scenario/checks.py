"""The rules of the scenario format that a JSON Schema cannot say: unique ids, states that can be
entered, references to earlier steps, one answer per effect, error-specific fields only with
their error, regexes each engine accepts, and a near miss of a matcher (`{lenght: 1}`) or of a
reserved `expect` key (`is_eror`) taken for the typo it is."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

import jmespath
import jmespath.exceptions
import re2

from mock_freshservice.clock import parse_datetime
from mock_freshservice.scenario.hints import near
from mock_freshservice.scenario.model import (
    ANSWERS,
    DEFAULT_STATE,
    MATCHERS,
    RESERVED_EXPECT,
    re2_reason,
    request_pattern,
)
from mock_freshservice.scenario.problems import Path_, Problem, key_line, line_of

# `${steps.<id>.<JMESPath>}`, as the replay resolves them; any other `${steps…}` is a mistake.
_REFERENCE = re.compile(r"\$\{\s*steps\b[^}]*\}")
_STEP_REFERENCE = re.compile(r"\$\{steps\.([A-Za-z0-9_-]+)\.([^}]+)\}")


def semantic_problems(data: dict[str, Any], lines: Mapping[Path_, int]) -> Iterator[Problem]:
    """What a document the schema accepts still gets wrong."""
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
                line_of(lines, path),
                f"state {state!r} is never entered (initial_state is {initial!r}; "
                f"goto targets: {', '.join(sorted(entered - {initial})) or 'none'})",
            )
        nth = match.get("nth")
        if isinstance(nth, dict) and nth.get("to", nth.get("from", 1)) < nth.get("from", 1):
            path = (*base, "match", "nth")
            yield path, line_of(lines, path), "from must not be after to"
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
                meant = near(key, RESERVED_EXPECT)
                if meant is not None:
                    message = f"unknown reserved key; did you mean {meant}?"
                    yield path, key_line(lines, path), message
                    continue
                yield from _jmespath_problem(key, path, lines)
            yield from _matcher_problems(value, path, lines)
        for n, rule_id in enumerate(step.get("expect_journal", {}).get("rules", [])):
            if rule_id not in rule_ids:
                path = (*base, "expect_journal", "rules", n)
                known = ", ".join(sorted(rule_ids)) or "none"
                yield path, line_of(lines, path), f"no rule {rule_id!r} (rules: {known})"
        earlier.append(step["id"])

    now = data.get("dataset", {}).get("now")
    if now is not None and parse_datetime(now) is None:
        path = ("dataset", "now")
        yield path, line_of(lines, path), f"{now!r} is not an ISO 8601 date or time"


def _unique_ids(
    kind: str, label: str, items: list[dict[str, Any]], lines: Mapping[Path_, int]
) -> Iterator[Problem]:
    first: dict[str, int] = {}
    for index, item in enumerate(items):
        path = (kind, index, "id")
        line = line_of(lines, path)
        if item["id"] in first:
            at = first[item["id"]]
            earlier = f"line {line_of(lines, (kind, at, 'id'))}" if lines else f"{kind}[{at}]"
            yield path, line, f"duplicate {label} id {item['id']!r} (first at {earlier})"
        else:
            first[item["id"]] = index


def _regex_problem(value: object, path: Path_, lines: Mapping[Path_, int]) -> Iterator[Problem]:
    """An `expect` regex: the replay tests tool results with Python's `re`."""
    if isinstance(value, dict) and isinstance(value.get("regex"), str):
        try:
            re.compile(value["regex"])
        except re.error as exc:
            yield path, line_of(lines, path), f"not a regular expression: {exc}"


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
                line_of(lines, path),
                f"not a regular expression RE2 accepts: {re2_reason(exc)} (rules are matched "
                "with RE2, which has no backreferences or lookaround)",
            )


def _effect_problems(
    effect: dict[str, Any], base: Path_, lines: Mapping[Path_, int]
) -> Iterator[Problem]:
    answers = [a for a in ANSWERS if a in effect]
    if len(answers) > 1:
        yield (
            base,
            line_of(lines, base),
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
            yield path, key_line(lines, path), f"only allowed with {wanted[key]}"


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
            yield path, line_of(lines, path), message


def _jmespath_problem(
    expression: str, path: Path_, lines: Mapping[Path_, int], label: str | None = None
) -> Iterator[Problem]:
    try:
        jmespath.compile(expression)
    except jmespath.exceptions.JMESPathError as exc:
        problem = str(exc).splitlines()[0]
        yield path, line_of(lines, path), f"{label or expression}: not JMESPath ({problem})"


def _matcher_problems(value: object, path: Path_, lines: Mapping[Path_, int]) -> Iterator[Problem]:
    """A one-key {regex|length|contains|present} value: its argument must fit. A one-key mapping
    whose key is a near miss of a matcher (`{lenght: 1}`) is taken for a typo, not a literal."""
    if isinstance(value, dict) and len(value) == 1 and next(iter(value)) not in MATCHERS:
        key = str(next(iter(value)))
        meant = near(key, MATCHERS)
        if meant is not None:
            where = (*path, key)
            yield where, key_line(lines, where), f"unknown matcher; did you mean {{{meant}}}?"
        return
    if not (isinstance(value, dict) and len(value) == 1 and next(iter(value)) in MATCHERS):
        return
    kind, argument = next(iter(value.items()))
    line = line_of(lines, (*path, kind))
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
