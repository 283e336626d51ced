"""Request validation with Freshservice's own messages and codes.

The rules mirror the Freshworks v2 framework (sibling `api/app/validators/*`, message templates in
`api/lib/error_messages.yml`):

- an unexpected attribute is refused on its own first: `invalid_field`, "Unexpected/invalid field
  in request";
- a required attribute that is absent: `missing_field` with the expected type's message;
- a value of the wrong JSON type: `datatype_mismatch`, "Value set is of type String.It should be
  a/an Integer" (the missing space after the full stop is the framework's);
- a value of the right type that is not acceptable: `invalid_value` (bounds, lists, formats).

Hand-written rather than pydantic: the exact texts depend on the given and expected types in ways
pydantic's error types would have to be translated back into anyway.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from mock_freshservice import guesses
from mock_freshservice.clock import parse_date, parse_datetime
from mock_freshservice.errors import FieldError, ValidationFailed

MAX_ID = 2**63 - 1
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def type_name(value: object) -> str:
    """The framework's name for a JSON value's type."""
    if value is None:
        return "Null"
    if isinstance(value, bool):
        return "Boolean"
    if isinstance(value, int):
        return "Integer"
    if isinstance(value, float):
        return "Float"
    if isinstance(value, str):
        return "String"
    if isinstance(value, list):
        return "Array"
    if isinstance(value, dict):
        return "key/value pair"
    return "Unidentified Type"


def mismatch(given: object, expected: str) -> str:
    return f"Value set is of type {type_name(given)}.It should be a/an {expected}"


def one_of(choices: Iterable[object]) -> str:
    return f"It should be one of these values: '{','.join(str(c) for c in choices)}'"


Check = Callable[[str, Any], FieldError | None]


@dataclasses.dataclass(frozen=True, slots=True)
class Rule:
    """How one attribute is checked. `expected` names its type in messages."""

    expected: str
    check: Check
    required: bool = False
    nullable: bool = True
    # Other attributes that satisfy `required` in this one's place (`email` for `requester_id`).
    alternatives: tuple[str, ...] = ()


def _error(field: str, message: str, code: str) -> FieldError:
    return FieldError(field, message, code)


def string(max_length: int | None = 255, *, blank_ok: bool = True) -> Check:
    def check(field: str, value: Any) -> FieldError | None:
        if not isinstance(value, str):
            return _error(field, mismatch(value, "String"), "datatype_mismatch")
        if not blank_ok and not value.strip():
            return _error(
                field, "It should not be blank as this is a mandatory field", "invalid_value"
            )
        if max_length is not None and len(value) > max_length:
            return _error(
                field,
                f"Has {len(value)} characters, it can have maximum of {max_length} characters",
                "invalid_value",
            )
        return None

    return check


def integer(*, positive: bool = True) -> Check:
    expected = "Positive Integer" if positive else "Integer"

    def check(field: str, value: Any) -> FieldError | None:
        if isinstance(value, bool) or not isinstance(value, int):
            return _error(field, mismatch(value, expected), "datatype_mismatch")
        if (positive and value <= 0) or abs(value) > MAX_ID:
            return _error(field, f"It should be a/an {expected}", "invalid_value")
        return None

    return check


def boolean() -> Check:
    def check(field: str, value: Any) -> FieldError | None:
        if not isinstance(value, bool):
            return _error(field, mismatch(value, "Boolean"), "datatype_mismatch")
        return None

    return check


def choice(choices: Sequence[int] | Sequence[str]) -> Check:
    numeric = all(isinstance(c, int) for c in choices)

    def check(field: str, value: Any) -> FieldError | None:
        if numeric and (isinstance(value, bool) or not isinstance(value, int)):
            message = f"Value set is of type {type_name(value)}.{one_of(choices)}"
            return _error(field, message, "datatype_mismatch")
        if not numeric and not isinstance(value, str):
            return _error(field, mismatch(value, "String"), "datatype_mismatch")
        if value not in choices:
            return _error(field, one_of(choices), "invalid_value")
        return None

    return check


def email() -> Check:
    text = string(255)

    def check(field: str, value: Any) -> FieldError | None:
        problem = text(field, value)
        if problem is not None:
            return problem
        if not EMAIL.match(value):
            return _error(
                field, "It should be in the 'valid email address' format", "invalid_value"
            )
        return None

    return check


def datetime_value(*, only_date: bool = False) -> Check:
    accepted = "yyyy-mm-dd" if only_date else "combined date and time ISO8601"

    def check(field: str, value: Any) -> FieldError | None:
        if not isinstance(value, str):
            return _error(field, mismatch(value, "String"), "datatype_mismatch")
        if (parse_date if only_date else parse_datetime)(value) is None:
            return _error(
                field, f"It should be a valid date in the '{accepted}' format", "invalid_value"
            )
        return None

    return check


def array(of: str, element: Check, max_items: int = 500) -> Check:
    def check(field: str, value: Any) -> FieldError | None:
        if not isinstance(value, list):
            return _error(field, mismatch(value, "Array"), "datatype_mismatch")
        if len(value) > max_items:
            return _error(
                field,
                f"Has {len(value)} elements, it can have maximum of {max_items} elements",
                "invalid_value",
            )
        for item in value:
            problem = element(field, item)
            if problem is not None:
                if problem.code == "datatype_mismatch":
                    return _error(
                        field, f"It should contain elements of type {of} only", "datatype_mismatch"
                    )
                return problem
        return None

    return check


def mapping(max_keys: int = 200) -> Check:
    def check(field: str, value: Any) -> FieldError | None:
        if not isinstance(value, dict):
            return _error(field, mismatch(value, "key/value pair"), "datatype_mismatch")
        if len(value) > max_keys:
            return _error(field, f"It can have maximum of {max_keys} keys", "invalid_value")
        return None

    return check


def fill_one_of(names: Sequence[str]) -> str:
    return f"Please fill at least 1 of {', '.join(names)} fields"


def missing_message(rule: Rule, check_is_choice: Sequence[object] | None = None) -> str:
    if check_is_choice is not None:
        return one_of(check_is_choice)
    return f"It should be a/an {rule.expected}"


def validate_body(
    body: Mapping[str, Any],
    rules: Mapping[str, Rule],
    *,
    choices: Mapping[str, Sequence[object]] | None = None,
) -> None:
    """Raise ValidationFailed with every problem of `body`, in the framework's order."""
    unknown = [name for name in body if name not in rules]
    if unknown:
        raise ValidationFailed(
            FieldError(name, "Unexpected/invalid field in request", "invalid_field")
            for name in unknown
        )
    problems: list[FieldError] = []
    for name, rule in rules.items():
        if name not in body:
            if rule.alternatives and rule.required:
                if not any(other in body for other in rule.alternatives):
                    problems.append(
                        FieldError(name, fill_one_of((name, *rule.alternatives)), "missing_field")
                    )
            elif rule.required:
                listed = (choices or {}).get(name)
                problems.append(FieldError(name, missing_message(rule, listed), "missing_field"))
            continue
        value = body[name]
        if value is None:
            if rule.required or not rule.nullable:
                problems.append(
                    FieldError(name, mismatch(None, rule.expected), "datatype_mismatch")
                )
            continue
        problem = rule.check(name, value)
        if problem is not None:
            problems.append(problem)
    if problems:
        raise ValidationFailed(problems)


def nul_character_errors(body: Mapping[str, Any]) -> list[FieldError]:
    """One `invalid_value` per field of a JSON body holding U+0000 in its value or its name, at
    any depth; a field is named by the innermost key that holds it (`tags`, `cf_note`)."""
    found: dict[str, None] = {}  # ordered, without repeats
    pending: list[tuple[str, object]] = [(name, value) for name, value in body.items()]
    pending.reverse()
    while pending:  # not recursive: a body may nest as deep as the JSON parser allows
        field, value = pending.pop()
        if "\x00" in field:
            found[field] = None
        if isinstance(value, str):
            if "\x00" in value:
                found[field] = None
        elif isinstance(value, dict):
            pending.extend(reversed(list(value.items())))
        elif isinstance(value, list):
            pending.extend((field, item) for item in reversed(value))
    return [FieldError(field, guesses.NUL_CHARACTER_MESSAGE, "invalid_value") for field in found]


# -- Query strings ------------------------------------------------------------------------------

MAX_PER_PAGE = 100


def query_errors_for_unknown(params: Iterable[str], allowed: Iterable[str]) -> list[FieldError]:
    allowed_set = set(allowed)
    return [
        FieldError(name, "Unexpected/invalid field in request", "invalid_field")
        for name in params
        if name not in allowed_set
    ]


def positive_query_int(
    name: str, raw: str, maximum: int | None = None
) -> tuple[int | None, FieldError | None]:
    """Parse a positive integer from a query string; strings are the norm there."""
    # ASCII digits only: int() would also take "٣" and other Unicode digits.
    if not _QUERY_INTEGER.fullmatch(raw):
        return None, FieldError(name, _positive_message(maximum), "datatype_mismatch")
    value = int(raw)
    if value <= 0 or value > MAX_ID or (maximum is not None and value > maximum):
        return None, FieldError(name, _positive_message(maximum), "invalid_value")
    return value, None


_QUERY_INTEGER = re.compile(r"-?[0-9]{1,19}")


def _positive_message(maximum: int | None) -> str:
    if maximum is not None:
        return f"It should be a Positive Integer less than or equal to {maximum}"
    return "It should be a/an Positive Integer"
