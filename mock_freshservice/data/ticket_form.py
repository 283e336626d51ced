"""An account's own ticket fields and statuses (the dataset's `ticket_fields` and `statuses`):
what they mean for the form, for the values a write may set, for filter queries and for the
values generated tickets carry.

Custom fields live in a ticket's `custom_fields` by name; an unset one is null (a checkbox
false). Custom statuses come after the built-in 2 Open … 5 Closed and behave as Pending does.
"""

from __future__ import annotations

import datetime
import functools
import itertools
import random
import re
from collections.abc import Mapping
from typing import Any

from mock_freshservice import guesses
from mock_freshservice.clock import DAY
from mock_freshservice.data.dataset import Account, TicketField
from mock_freshservice.filters import FieldType
from mock_freshservice.validation import mismatch, one_of

BUILT_IN_STATUSES = {2: "Open", 3: "Pending", 4: "Resolved", 5: "Closed"}
# What a requester sees for each built-in status (the form's `requester_display_value`).
REQUESTER_STATUS = {
    2: "Being Processed",
    3: "Awaiting your Reply",
    4: "This ticket has been Resolved",
    5: "This ticket has been Closed",
}
FORM_TYPES = {
    "dropdown": "custom_dropdown",
    "checkbox": "custom_checkbox",
    "text": "custom_text",
    "paragraph": "custom_paragraph",
    "number": "custom_number",
    "decimal": "custom_decimal",
    "date": "custom_date",
}
# How each custom field type is compared in a filter, for the filterable ones
# (guesses.FILTERABLE_CUSTOM_FIELD_TYPES).
_COMPARED_AS: dict[str, FieldType] = {
    "dropdown": "string",
    "checkbox": "boolean",
    "number": "number",
    "decimal": "number",
    "date": "date",
}
FILTER_TYPES: dict[str, FieldType] = {
    own: kind for own, kind in _COMPARED_AS.items() if own in guesses.FILTERABLE_CUSTOM_FIELD_TYPES
}
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_INTEGER = re.compile(r"-?[0-9]{1,18}")
_DECIMAL = re.compile(r"-?[0-9]{1,18}(\.[0-9]{1,18})?")
TEXT_LIMITS = {"text": 255, "paragraph": 65_535}
# Generated tickets carry every combination of these values (each field's list weights its
# values by repetition), or a seeded sample of combinations when there are more than this many.
MAX_COMBINATIONS = 2_000
_SAMPLE_TEXTS = {
    "text": ("Reported by phone", "See the description", "Follow-up needed"),
    "paragraph": (
        "Steps to reproduce are in the description.",
        "The user has tried restarting twice.",
    ),
}


def status_names(account: Account) -> dict[int, str]:
    """Every status code of the account and its name, built-in ones first."""
    return {**BUILT_IN_STATUSES, **{s.id: s.name for s in account.statuses}}


def requester_status_names(account: Account) -> dict[int, str]:
    own = {s.id: s.customer_name or s.name for s in account.statuses}
    return {**REQUESTER_STATUS, **own}


def is_open(status: int) -> bool:
    """Not resolved and not closed: the built-in Open and Pending, and the account's own
    (guesses.RESOLVED_STATUSES)."""
    return status not in guesses.RESOLVED_STATUSES


def blank_values(account: Account) -> dict[str, Any]:
    """Every custom field unset: null, a checkbox false."""
    return {f.name: (False if f.type == "checkbox" else None) for f in account.ticket_fields}


def with_values(
    account: Account, given: Mapping[str, Any] | None, base: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """`base` (or every field unset) with the `given` values laid over it; a checkbox set to
    null is unset, so false (guesses.py)."""
    values = blank_values(account)
    values.update(base or {})
    values.update(given or {})
    for field in account.ticket_fields:
        if field.type == "checkbox" and values.get(field.name) is None:
            values[field.name] = False
    return values


def typed_from_text(field: TicketField | None, text: str) -> Any:
    """A custom field's value sent as a multipart part's text, typed as the field wants it
    (text that does not fit stays text, so the checks name the field)."""
    if field is None:
        return text
    if field.type == "checkbox" and text in ("true", "false"):
        return text == "true"
    if field.type == "number" and _INTEGER.fullmatch(text):
        return int(text)
    if field.type == "decimal" and _DECIMAL.fullmatch(text):
        return float(text) if "." in text else int(text)
    return text


def problem_of_pinned(account: Account, custom: Any, status: Any) -> str | None:
    """Why a pinned ticket's `custom_fields` or `status` do not fit the account's form."""
    if status not in status_names(account):
        return f"status {status!r} is none of {sorted(status_names(account))}"
    if not isinstance(custom, Mapping):
        return "custom_fields must be a mapping of field names to values"
    fields = fields_by_name(account)
    for name, value in custom.items():
        field = fields.get(name)
        if field is None:
            return f"custom_fields: {name!r} is no custom field of the account ({sorted(fields)})"
        problem = None if value is None else value_problem(field, value)
        if problem is not None:
            return f"custom_fields.{name}: {problem[0]}"
    return None


def fields_by_name(account: Account) -> dict[str, TicketField]:
    return {f.name: f for f in account.ticket_fields}


def value_problem(field: TicketField, value: Any) -> tuple[str, str] | None:
    """(message, code) when `value` (not null) cannot be `field`'s, else None. The messages are
    the validation framework's, a date's a guess (guesses.CUSTOM_DATE_MESSAGE)."""
    expected = {
        "checkbox": "Boolean",
        "number": "Integer",
        "decimal": "Number",
        "text": "String",
        "paragraph": "String",
        "dropdown": "String",
        "date": "String",
    }[field.type]
    if field.type == "checkbox":
        fits = isinstance(value, bool)
    elif field.type == "number":
        fits = isinstance(value, int) and not isinstance(value, bool)
    elif field.type == "decimal":
        fits = isinstance(value, int | float) and not isinstance(value, bool)
    else:
        fits = isinstance(value, str)
    if not fits:
        return mismatch(value, expected), "datatype_mismatch"
    if field.type == "dropdown" and value not in field.choices:
        return one_of(field.choices), "invalid_value"
    limit = TEXT_LIMITS.get(field.type)
    if limit is not None and len(value) > limit:
        return f"Has {len(value)} characters, it can have maximum of {limit} characters", (
            "invalid_value"
        )
    if field.type == "date" and _date(value) is None:
        return guesses.CUSTOM_DATE_MESSAGE, "invalid_value"
    return None


def _date(text: str) -> datetime.date | None:
    """`text` as a yyyy-mm-dd day (fromisoformat alone also takes 20261201 and 2026-W49-2)."""
    if not _ISO_DAY.fullmatch(text):
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        return None


def filter_value(field: TicketField, value: Any) -> Any:
    """What a filter compares for a stored value: a date field's day as epoch seconds (as the
    filters compare dates), anything else as stored."""
    if field.type != "date" or not isinstance(value, str):
        return value
    day = _date(value)
    if day is None:
        return None
    return int(datetime.datetime(day.year, day.month, day.day, tzinfo=datetime.UTC).timestamp())


@functools.lru_cache(maxsize=32)
def generated_values(
    fields: tuple[TicketField, ...], anchor: int, salt: str
) -> tuple[dict[str, Any], ...]:
    """The custom field values generated tickets draw from (shared dicts, never changed)."""
    lists = [_values_of(field, anchor) for field in fields]
    total = 1
    for values in lists:
        total *= len(values)
    if total <= MAX_COMBINATIONS:
        return tuple(
            dict(zip((f.name for f in fields), combo, strict=True))
            for combo in itertools.product(*lists)
        )
    rng = random.Random(f"{salt}:custom-field-values")
    return tuple(
        {f.name: rng.choice(values) for f, values in zip(fields, lists, strict=True)}
        for _ in range(MAX_COMBINATIONS)
    )


def _values_of(field: TicketField, anchor: int) -> tuple[Any, ...]:
    unset = (None, None)
    if field.type == "checkbox":
        return (False,) * 19 + (True,)
    if field.type == "dropdown":
        return (*unset, *field.choices)
    if field.type == "number":
        return (*unset, 1, 2, 3, 5, 8)
    if field.type == "decimal":
        return (*unset, 0.5, 1.25, 2.75, 10.0)
    if field.type == "date":
        days = (
            datetime.datetime.fromtimestamp(anchor + offset * DAY, datetime.UTC).date()
            for offset in (-30, -7, 7, 30)
        )
        return (*unset, *(day.isoformat() for day in days))
    return (*unset, *_SAMPLE_TEXTS[field.type])
