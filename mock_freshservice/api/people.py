"""Shared listing of people (agents and requesters): exact-match filters, first-name order."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from mock_freshservice.data.store import Record


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
