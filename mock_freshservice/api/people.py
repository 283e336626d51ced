"""Shared listing of people (agents and requesters): exact-match filters, first-name order."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from flask import request

from mock_freshservice import filters, guesses
from mock_freshservice.data.store import Record
from mock_freshservice.errors import FieldError, ValidationFailed
from mock_freshservice.filters import FieldType
from mock_freshservice.pagination import Page, parse_page


def by_first_name(records: Iterable[Record]) -> list[Record]:
    """Freshservice lists people "always sorted by the first name"; ties by last name, then id."""
    return sorted(
        records,
        key=lambda r: (
            (r.get("first_name") or "").lower(),
            (r.get("last_name") or "").lower(),
            r["id"],
        ),
    )


def matching(
    records: Iterable[Record], tests: Mapping[str, Callable[[Record], bool]]
) -> list[Record]:
    return [r for r in records if all(test(r) for test in tests.values())]


def lower_equals(field: str, wanted: str) -> Callable[[Record], bool]:
    target = wanted.lower()

    def test(record: Record) -> bool:
        value: Any = record.get(field)
        return isinstance(value, str) and value.lower() == target

    return test


def equals(field: str, wanted: object) -> Callable[[Record], bool]:
    return lambda record: record.get(field) == wanted


# -- The filter query of agents and requesters (docs/freshservice.md §6, DOCS "Filter Agents") --

PEOPLE_FIELDS: dict[str, FieldType] = {
    "first_name": "string",
    "last_name": "string",
    "name": "string",
    "job_title": "string",
    "work_phone_number": "string",
    "mobile_phone_number": "string",
    "department_id": "numbers",
    "reporting_manager_id": "number",
    "time_zone": "string",
    "language": "string",
    "location_id": "number",
    "created_at": "date",
    "updated_at": "date",
}
STARTS_WITH = ("first_name", "last_name", "name", "mobile_phone_number", "work_phone_number")
FILTER_PAGE_SIZE = 30


def filter_people(records: Sequence[Record], raw_query: str, email_field: str) -> list[Record]:
    """The people a query selects, newest first (filtered results cannot be sorted otherwise).

    Raises FilterError for a query Freshservice would refuse."""
    fields: dict[str, FieldType] = {**PEOPLE_FIELDS, email_field: "string"}
    tree = filters.parse(raw_query, fields, (*STARTS_WITH, email_field))

    def getter(field: str) -> Callable[[int], Any]:
        if field == "name":
            return lambda p: " ".join(
                x for x in (records[p].get("first_name"), records[p].get("last_name")) if x
            )
        if field == "department_id":
            return lambda p: records[p].get("department_ids")
        if field == email_field:
            return lambda p: records[p].get("primary_email", records[p].get("email"))
        return lambda p: records[p].get(field)

    accessors = {field: getter(field) for field in fields}
    matches = filters.compile_predicate(tree, fields, accessors)
    found = [records[p] for p in range(len(records)) if matches(p)]
    found.sort(key=lambda r: (r["created_at"], r["id"]), reverse=True)
    return found


def parse_people_page(problems: list[FieldError], *, filtering: bool) -> Page:
    """Plain lists page as usual; a `query` pages by a fixed 30, at most 40 pages, no per_page."""
    if not filtering:
        return parse_page(problems)
    if "per_page" in request.args:
        problems.append(
            FieldError("per_page", "Unexpected/invalid field in request", "invalid_field")
        )
    return parse_page(
        problems,
        fixed_per_page=FILTER_PAGE_SIZE,
        max_page=guesses.FILTER_PAGE_CAP_PEOPLE_AND_ASSETS,
    )


def filtered(records: Sequence[Record], raw_query: str, email_field: str) -> list[Record]:
    """`filter_people`, with a refused query answered as Freshservice's 400 on `query`."""
    try:
        return filter_people(records, raw_query, email_field)
    except filters.FilterError as exc:
        raise ValidationFailed([FieldError("query", str(exc), "invalid_value")]) from exc
