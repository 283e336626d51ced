"""A resource's fields, declared once: how each is checked in a request body (Freshservice's
messages, `validation.py`), how it is shown in an answer, and its OpenAPI schema.

Kinds name what a field holds on the wire:

    string, text, html      a string (text and html without the 255-character bound)
    integer, id             a whole number (an id is positive and 64-bit)
    number                  any JSON number
    boolean
    datetime, date          ISO 8601 (kept as epoch seconds, shown as `YYYY-MM-DDTHH:MM:SSZ` or
                            `YYYY-MM-DD`)
    email                   a string in the email format
    strings, emails, ids    arrays of those
    object                  a JSON object (custom fields, planning fields)
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal

from mock_freshservice.clock import format_date, format_ts, parse_datetime
from mock_freshservice.errors import FieldError
from mock_freshservice.validation import (
    Check,
    Rule,
    array,
    boolean,
    choice,
    datetime_value,
    email,
    integer,
    mapping,
    mismatch,
    string,
)

Kind = Literal[
    "string", "text", "html", "integer", "id", "number", "boolean", "datetime", "date", "email",
    "strings", "emails", "ids", "object",
]  # fmt: skip
TEXT_LIMIT = 65_535  # Freshservice's text columns (MySQL TEXT)
# The request schemas' dates: a subset of what the checks accept (days up to the 28th of
# 1970…2099), so that dates generated from the document are accepted ones.
DATE_PATTERN = r"^(19[7-9][0-9]|20[0-9]{2})-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])$"
DATETIME_PATTERN = DATE_PATTERN[:-1] + r"T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]Z$"


def _number() -> Check:
    def check(field: str, value: Any) -> FieldError | None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return FieldError(field, mismatch(value, "Number"), "datatype_mismatch")
        return None

    return check


@dataclasses.dataclass(frozen=True, slots=True)
class Field:
    """One attribute of a resource.

    `choices` are the accepted values (codes or words), with `labels` naming codes for people
    (form fields, descriptions). `required` applies to create, where one of `alternatives` may
    stand in for it; `writable=False` makes the field read-only (a body naming it is refused, as
    Freshservice refuses an unexpected attribute); `updatable=False` accepts it on create only.
    `default` fills it on create when absent (a value, or a function of the request's context).
    `references` names the resource an id (or every id of a list) must be a record of.
    `in_list=False` leaves it out of list items; `answered=False` accepts it in requests only
    (a hook turns it into what is stored). `merge` makes an update add an object's keys to the
    stored ones instead of replacing them.

    Shapes no kind names (`[{"display_id": 8}]` in, asset objects out) bring their own
    `value_check` and `request_shape`, and `show` with its `answer_schema`.
    """

    name: str
    kind: Kind
    description: str = ""
    choices: tuple[int | str, ...] | None = None
    labels: Mapping[Any, str] | None = None
    required: bool = False
    writable: bool = True
    updatable: bool = True
    nullable: bool = True
    default: Any = None
    max_length: int | None = None
    blank_ok: bool = True  # False: a string of spaces only is refused, as for a mandatory field
    max_items: int = 500
    references: str | None = None
    in_list: bool = True
    alternatives: tuple[str, ...] = ()
    answered: bool = True
    merge: bool = False
    value_check: Check | None = None
    request_shape: Mapping[str, Any] | None = None
    show: Callable[[Any], Any] | None = None
    answer_schema: Mapping[str, Any] | None = None

    @property
    def timestamp(self) -> bool:
        return self.kind in ("datetime", "date")

    def rule(self, *, creating: bool) -> Rule:
        """How a request body's value for this field is checked."""
        return Rule(
            self.expected,
            self.check(),
            required=creating and self.required,
            nullable=self.nullable and not (creating and self.required),
            alternatives=self.alternatives,
        )

    @property
    def expected(self) -> str:
        """The framework's name of the type, for messages."""
        return {
            "integer": "Integer",
            "id": "Positive Integer",
            "number": "Number",
            "boolean": "Boolean",
            "strings": "Array",
            "emails": "Array",
            "ids": "Array",
            "object": "key/value pair",
        }.get(self.kind, "String")

    def check(self) -> Check:
        if self.value_check is not None:
            return self.value_check
        if self.choices is not None:
            return choice(self.choices)  # type: ignore[arg-type]
        kind = self.kind
        if kind == "string":
            return string(self.max_length or 255, blank_ok=self.blank_ok)
        if kind in ("text", "html"):
            return string(self.max_length or TEXT_LIMIT, blank_ok=self.blank_ok)
        if kind == "integer":
            return integer(positive=False)
        if kind == "id":
            return integer()
        if kind == "number":
            return _number()
        if kind == "boolean":
            return boolean()
        if kind == "datetime":
            return datetime_value()
        if kind == "date":
            return datetime_value(only_date=True)
        if kind == "email":
            return email()
        if kind == "strings":
            return array("String", string(self.max_length or 255), self.max_items)
        if kind == "emails":
            return array("String", email(), self.max_items)
        if kind == "ids":
            return array("Positive Integer", integer(), self.max_items)
        return mapping()

    def stored(self, value: Any) -> Any:
        """A checked body value as the record keeps it (timestamps as epoch seconds)."""
        if self.timestamp and isinstance(value, str):
            return parse_datetime(value)
        if isinstance(value, list):
            return list(value)
        if isinstance(value, dict):
            return dict(value)
        return value

    def shown(self, value: Any) -> Any:
        """A record's value as the answer shows it."""
        if self.show is not None:
            return self.show(value)
        if self.kind == "datetime":
            return format_ts(value)
        if self.kind == "date":
            return format_date(value)
        return value

    def schema(self) -> dict[str, Any]:
        """The field's JSON schema in the OpenAPI document (answers: what the fake sends)."""
        kinds: dict[str, dict[str, Any]] = {
            "string": {"type": "string"},
            "text": {"type": "string"},
            "html": {"type": "string"},
            "email": {"type": "string"},
            "integer": {"type": "integer"},
            "id": {"type": "integer", "minimum": 1},
            "number": {"type": "number"},
            "boolean": {"type": "boolean"},
            "datetime": {"type": "string", "format": "date-time"},
            "date": {"type": "string", "format": "date"},
            "strings": {"type": "array", "items": {"type": "string"}},
            "emails": {"type": "array", "items": {"type": "string"}},
            "ids": {"type": "array", "items": {"type": "integer"}},
            "object": {"type": "object"},
        }
        if self.answer_schema is not None:
            described = {"description": self.description} if self.description else {}
            return {**self.answer_schema, **described}
        found = kinds[self.kind]
        if self.choices is not None:
            found = {**found, "enum": list(self.choices)}
        if self.nullable:
            found = {**found, "type": [found["type"], "null"]}
            if "enum" in found:
                found["enum"] = [*found["enum"], None]
        if self.description:
            found = {**found, "description": self.description}
        return found

    def request_schema(self) -> dict[str, Any]:
        """The field's JSON schema in a request body: what the fake accepts (a subset, so that
        generated requests are valid ones unless a test means otherwise)."""
        if self.request_shape is not None:
            return dict(self.request_shape)
        found = self.schema()
        if self.kind == "email":
            found = {**found, "format": "email"}
        if self.kind in ("string",) and self.choices is None:
            found = {**found, "maxLength": self.max_length or 255}
        if not self.blank_ok and self.kind in ("string", "text", "html"):
            found = {**found, "pattern": r"\S"}
        if self.kind in ("text", "html"):
            found = {**found, "minLength": 1, "maxLength": 2_000}
        if self.kind in ("datetime", "date"):
            found = {
                **found,
                "pattern": DATETIME_PATTERN if self.kind == "datetime" else DATE_PATTERN,
            }
        if self.kind in ("strings", "emails", "ids"):
            found = {**found, "maxItems": min(self.max_items, 20)}
            if self.kind == "strings":
                found["items"] = {"type": "string", "minLength": 1, "maxLength": 32}
            if self.kind == "emails":
                found["items"] = {"type": "string", "format": "email"}
        if self.references is not None:
            found.pop("minimum", None)
        return found


def text_field(name: str, description: str = "", **rest: Any) -> Field:
    return Field(name, "text", description, **rest)


def read_only(name: str, kind: Kind, description: str = "", **rest: Any) -> Field:
    return Field(name, kind, description, writable=False, **rest)


def choices_of(labels: Mapping[int | str, str]) -> tuple[int | str, ...]:
    return tuple(labels)


Default = Callable[..., Any]
FieldList = Sequence[Field]
