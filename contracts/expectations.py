"""Checking a step's result and journal against its `expect` and `expect_journal`, and
resolving `${steps.<id>.<JMESPath>}` references in its arguments."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

import jmespath
import jmespath.exceptions

# Keys of `expect` that are not JMESPath expressions.
RESERVED = ("is_error", "error_text", "protocol_error")
MATCHERS = ("regex", "length", "contains", "present")
REFERENCE = re.compile(r"\$\{steps\.([A-Za-z0-9_-]+)\.([^}]+)\}")


class UnresolvedReference(ValueError):
    """An argument refers to a step that has no result, or to nothing in it."""


def resolve(value: Any, results: Mapping[str, Any]) -> Any:
    """`value` with every `${steps.<id>.<expr>}` replaced; a string that is one whole
    reference becomes the referenced value itself (keeping its JSON type)."""
    if isinstance(value, dict):
        return {k: resolve(v, results) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve(v, results) for v in value]
    if not isinstance(value, str):
        return value
    whole = REFERENCE.fullmatch(value)
    if whole:
        return _lookup(whole[1], whole[2], results)
    return REFERENCE.sub(lambda m: _text(_lookup(m[1], m[2], results)), value)


def _lookup(step: str, expression: str, results: Mapping[str, Any]) -> Any:
    if step not in results:
        raise UnresolvedReference(f"${{steps.{step}.{expression}}}: step {step!r} has no result")
    try:
        found = jmespath.search(expression, results[step])
    except jmespath.exceptions.JMESPathError as exc:
        raise UnresolvedReference(f"${{steps.{step}.{expression}}}: {exc}") from exc
    if found is None:
        raise UnresolvedReference(f"${{steps.{step}.{expression}}}: nothing there in the result")
    return found


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def show(value: Any, limit: int = 120) -> str:
    text = printable(json.dumps(value, ensure_ascii=False, default=str))
    return text if len(text) <= limit else text[: limit - 1] + "…"


# C0 and C1 controls (but tab and line breaks), and the Unicode format characters that reorder
# or hide text on a terminal (bidirectional overrides and isolates, zero-width characters).
_CONTROL = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]"
)


def printable(text: str) -> str:
    """Text safe for a terminal and for XML: control and bidi characters shown as \\xNN or
    \\uNNNN."""
    return _CONTROL.sub(_escaped, text)


def _escaped(found: re.Match[str]) -> str:
    code = ord(found.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def is_matcher(wanted: Any) -> bool:
    return isinstance(wanted, dict) and len(wanted) == 1 and next(iter(wanted)) in MATCHERS


def mismatch(wanted: Any, got: Any) -> str | None:
    """Why `got` does not satisfy `wanted` (a literal or a one-key matcher), or None."""
    if is_matcher(wanted):
        kind, argument = next(iter(wanted.items()))
        if kind == "present":
            return (
                None
                if (got is not None) == bool(argument)
                else (f"wanted {'something' if argument else 'nothing'}, got {show(got)}")
            )
        if kind == "regex":
            text = got if isinstance(got, str) else json.dumps(got)
            return None if re.search(argument, text) else f"{show(got)} does not match /{argument}/"
        if kind == "length":
            if not isinstance(got, list | str | dict):
                return f"wanted something of length {argument}, got {show(got)}"
            return None if len(got) == argument else f"wanted length {argument}, got {len(got)}"
        if kind == "contains":
            if isinstance(got, str) and isinstance(argument, str):
                return None if argument in got else f"{show(got)} does not contain {show(argument)}"
            if isinstance(got, list):
                return None if argument in got else f"{show(got)} does not contain {show(argument)}"
            return f"wanted a list or text containing {show(argument)}, got {show(got)}"
    if _same(wanted, got):
        return None
    return f"wanted {show(wanted)}, got {show(got)}"


def _same(wanted: Any, got: Any) -> bool:
    """JSON equality, where true is not 1."""
    if isinstance(wanted, bool) or isinstance(got, bool):
        return type(wanted) is type(got) and wanted == got
    if isinstance(wanted, dict) and isinstance(got, dict):
        return wanted.keys() == got.keys() and all(_same(wanted[k], got[k]) for k in wanted)
    if isinstance(wanted, list) and isinstance(got, list):
        return len(wanted) == len(got) and all(
            _same(w, g) for w, g in zip(wanted, got, strict=True)
        )
    return bool(wanted == got)


def check_result(
    expect: Mapping[str, Any], is_error: bool, text: str, structured: Any
) -> list[str]:
    """Failures of a tool result against `expect` (an empty list when it passes)."""
    failures = []
    want_error = bool(expect.get("is_error", "error_text" in expect))
    if is_error != want_error:
        said = f": {printable(text[:300])}" if is_error else ""
        failures.append(f"is_error: wanted {str(want_error).lower()}, got "
                        f"{str(is_error).lower()}{said}")  # fmt: skip
    if "error_text" in expect:
        problem = mismatch(expect["error_text"], text)
        if problem:
            failures.append(f"error_text: {problem}")
    for expression, wanted in expect.items():
        if expression in RESERVED:
            continue
        try:
            got = jmespath.search(expression, structured)
        except jmespath.exceptions.JMESPathError as exc:
            failures.append(f"{expression}: not a JMESPath expression ({exc})")
            continue
        problem = mismatch(wanted, got)
        if problem:
            failures.append(f"{expression}: {problem}")
    return failures


def request_line(entry: Mapping[str, Any], with_status: bool = True) -> str:
    line = f"{entry['method']} {entry['path']}"
    return f"{line} {entry['status']}" if with_status else line


def check_journal(expect: Mapping[str, Any], entries: Sequence[Mapping[str, Any]]) -> list[str]:
    """Failures of the upstream requests a step caused against `expect_journal`."""
    failures = []
    seen = [request_line(e) for e in entries]
    if "count" in expect and len(entries) != expect["count"]:
        failures.append(
            f"journal count: wanted {expect['count']} requests, got {len(entries)}: {seen}"
        )
    if "requests" in expect:
        wanted = list(expect["requests"])
        got = [
            request_line(e, with_status=bool(re.search(r" [0-9]{1,3}$", w)))
            for e, w in zip(entries, wanted, strict=False)
        ]
        if len(entries) != len(wanted) or got != wanted:
            failures.append(f"journal requests: wanted {wanted}, got {seen}")
    if "backoff_clean" in expect:
        early = [request_line(e) for e in entries if e.get("early")]
        if expect["backoff_clean"] and early:
            failures.append(f"journal backoff: sent before Retry-After had elapsed: {early}")
        if not expect["backoff_clean"] and not early:
            failures.append("journal backoff: wanted a request before Retry-After, saw none")
    fired = {e.get("rule") for e in entries}
    for rule in expect.get("rules", ()):
        if rule not in fired:
            failures.append(f"journal rules: rule {rule!r} did not fire in this step")
    return failures
