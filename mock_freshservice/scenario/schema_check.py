"""The scenario format, `scenario.schema.json` (JSON Schema 2020-12, `additionalProperties: false`
everywhere, so a typo in a key is an error), and its validation errors explained in the words of
a scenario's author: the field, its line, and what was wanted.

Where the schema says integer, an integral float (`2.0`) is refused too, and a `key` value that
is not a valid API key is never echoed (it may be a real secret).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator, Mapping
from importlib import resources
from typing import Any, cast

import jsonschema
import jsonschema.protocols
import jsonschema.validators
from jsonschema.exceptions import ValidationError, best_match

from mock_freshservice.scenario.hints import unknown_key
from mock_freshservice.scenario.problems import Path_, Problem, key_line, line_of


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


def schema_problems(data: object, lines: Mapping[Path_, int]) -> Iterator[Problem]:
    """What `data` gets wrong against the schema, each problem once."""
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
    "mcp_auth": "the replay chooses how it reaches the server",
    "mcp_oauth_issuer": "the replay points the server at its fake",
    "mcp_public_url": "the replay chooses how it reaches the server",
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
    line = line_of(lines, path)
    instance = error.instance
    if error.validator == "additionalProperties" and isinstance(instance, dict):
        known = list(error.schema.get("properties", {})) if isinstance(error.schema, dict) else []
        listed = f"(known: {', '.join(known)})"
        return [
            (
                ((*path, key), key_line(lines, (*path, key)), f"not a scenario setting: "
                 f"{HARNESS_SERVER_SETTINGS[key]} {listed}")
                if path == ("server",) and key in HARNESS_SERVER_SETTINGS
                else (path, key_line(lines, (*path, key)), unknown_key(str(key), known))
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
