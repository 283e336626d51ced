"""Freshservice's filter query language (`/tickets/filter?query=`, `?query=` on agents and
requesters, `?filter=` on assets), parsed into a small tree and compiled into a row predicate.

The syntax is `freshservice_query/grammar.lark`, shared with the server; this module knows what
the fake adds to it: each resource's fields and their types (its callers pass them), which values
and operators a field takes, and the fake's wording of a refusal (with 1-based positions inside the
quotes). `:>` and `:<` mean "greater/less than or equal" and apply to number and date fields only.
Dates are `'yyyy-mm-dd'` (UTC); created_at/updated_at also take `'yyyy-mm-ddThh:mm:ssZ'`. How a
date compares is one of the fake's guesses (see `guesses.py`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal

import freshservice_query
from freshservice_query import AllOf, AnyOf, Condition, Lexeme, Node, Operator
from mock_freshservice import guesses
from mock_freshservice.clock import DAY, parse_date, parse_datetime

__all__ = [  # the tree's classes are the shared package's, named here as filters.Node, …
    "Accessor",
    "AllOf",
    "AnyOf",
    "Condition",
    "FieldType",
    "FilterError",
    "Node",
    "Operator",
    "compile_predicate",
    "fields_of",
    "parse",
    "record_matcher",
    "unquote",
]

# "numbers" and "strings" are list fields: a row matches when any element does ("tag" is
# "strings" under its own name).
FieldType = Literal["number", "numbers", "string", "strings", "date", "boolean", "tag", "contains"]
MAX_QUERY_LENGTH = freshservice_query.MAX_LENGTH

# The fake has always read `~[` up to the next `]` as one token, whatever is between (its names
# are then refused as written), and refused any other `~`, `[`, `]` or `|` as a stray character.
_SEARCH_FIELDS = re.compile(r"~\[[^\]]*\]")
_STRAY = frozenset({"CHARACTER", "TILDE", "LSQB", "RSQB", "VBAR"})


class FilterError(ValueError):
    """A query Freshservice would refuse; the message names the problem and where it is."""


def unquote(raw: str) -> str:
    """The expression inside Freshservice's mandatory double quotes."""
    text = raw.strip()
    if len(text) < 2 or not (text.startswith('"') and text.endswith('"')):
        raise FilterError('The query must be enclosed in double quotes, like "priority:3"')
    inner = text[1:-1]
    if len(inner) > MAX_QUERY_LENGTH:
        raise FilterError(
            f"The query has {len(inner)} characters; it can have at most {MAX_QUERY_LENGTH}"
        )
    if not inner.strip():
        raise FilterError("The query is empty")
    return inner


def parse(
    raw_query: str, fields: Mapping[str, FieldType], prefix_fields: Sequence[str] = ()
) -> Node:
    """Parse a `query` parameter as received (double quotes included)."""
    text = unquote(raw_query)
    stray = _stray_character(text)
    if stray is not None:  # before anything else, as a lexer reading the whole query first
        raise FilterError(f"Unexpected character {stray.text!r} at position {stray.start + 1}")
    rules = _Rules(text, fields, prefix_fields)
    try:
        return freshservice_query.parse(text, rules.check)
    except freshservice_query.QuerySyntaxError as exc:
        raise rules.refusal(exc) from None


def _stray_character(text: str) -> Lexeme | None:
    """The first character the fake's lexer has always refused, if any."""
    at = 0
    while True:
        for lexeme in freshservice_query.lex(text, at):
            if lexeme.kind == "TILDE" and (search := _SEARCH_FIELDS.match(text, lexeme.start)):
                at = search.end()  # read on after the `]`
                break
            if lexeme.kind in _STRAY:
                return lexeme
        else:
            return None


class _Rules:
    """The fake's checks of each condition, and its wording of a syntax error."""

    def __init__(self, text: str, fields: Mapping[str, FieldType], prefix_fields: Sequence[str]):
        self.text = text
        self.fields = fields
        self.prefix_fields = prefix_fields

    def shown(self, lexeme: Lexeme) -> str:
        """A lexeme as the fake names it: a `~[…]` search by what is between its brackets."""
        if lexeme.kind == "TILDE":
            return self.text[lexeme.start + 2 : self.text.index("]", lexeme.start)]
        return lexeme.text

    def check(self, parts: tuple[Lexeme, ...]) -> None:
        head = parts[0]
        if head.kind == "TILDE":
            self.check_search(head)
            return
        field = head.text
        kind = self.fields.get(field)
        if kind is None:
            supported = ", ".join(sorted(self.fields))
            raise FilterError(
                f"Unknown field {field!r} at position {head.start + 1}; "
                f"supported fields: {supported}"
            )
        if len(parts) < 2:
            return
        operator = parts[1].text
        if operator != ":" and kind not in ("number", "numbers", "date"):
            raise FilterError(
                f"{operator!r} works on number and date fields only; {field!r} is a {kind} field"
            )
        if len(parts) > 2:
            self.check_value(field, kind, operator, parts[2])

    def check_value(self, field: str, kind: FieldType, operator: str, value: Lexeme) -> None:
        if value.kind == "NULL":
            if operator != ":":
                raise FilterError(f"null can only be matched with ':' ({field!r})")
            return
        if kind in ("number", "numbers"):
            if value.kind != "NUMBER":
                raise FilterError(
                    f"{field!r} is a number field; {self.shown(value)!r} at position "
                    f"{value.start + 1} is not a number"
                )
            return
        if kind == "boolean":
            if value.kind not in ("TRUE", "FALSE"):
                raise FilterError(f"{field!r} is a boolean field; use true or false")
            return
        if value.kind != "STRING":
            raise FilterError(
                f"{field!r} takes a value in single quotes; got {self.shown(value)!r} "
                f"at position {value.start + 1}"
            )
        text = freshservice_query.unescape(value.text)
        if kind == "date" and _date_bounds(field, text) is None:
            raise FilterError(f"{field!r} takes a date as 'yyyy-mm-dd' (UTC); got {text!r}")

    def check_search(self, tilde: Lexeme) -> None:
        if not self.prefix_fields:
            raise FilterError("'~[…]' starts-with searches are not supported here")
        for name in self.shown(tilde).split("|"):
            if name.strip() not in self.prefix_fields:
                raise FilterError(
                    f"{name.strip()!r} cannot be searched with '~[…]'; "
                    f"use {', '.join(self.prefix_fields)}"
                )

    def refusal(self, error: freshservice_query.QuerySyntaxError) -> FilterError:
        found, slot = error.found, error.slot
        if slot == "connective" and error.open_paren is not None:
            return FilterError(f"The '(' at position {error.open_paren.start + 1} is never closed")
        if found.kind == "END":
            return FilterError("The query ends too early")
        position = found.start + 1
        if found.kind == "CHARACTER":  # only inside `~[…]`, whose names were refused first
            return FilterError(f"Unexpected character {found.text!r} at position {position}")
        if slot == "factor":
            if found.kind in ("TRUE", "FALSE", "NULL"):
                self.check((found,))  # a word all the same: an unknown field
            return FilterError(f"Expected a field name at position {position}")
        if slot == "operator":
            return FilterError(f"Expected ':', ':>' or ':<' after {error.reading[0].text!r}")
        if slot == "value":
            field, operator = error.reading[0].text, error.reading[1].text
            # Raises: a value the grammar refuses is one no field takes.
            self.check_value(field, self.fields[field], operator, found)
        if slot == "colon":
            return FilterError("A '~[…]' search takes ':' and a value in single quotes")
        if slot == "text":
            return FilterError("A '~[…]' search takes a value in single quotes")
        return FilterError(f"Unexpected {self.shown(found)!r} at position {position}")


def _date_bounds(field: str, text: str) -> tuple[int, int] | None:
    """The first and last second a date value stands for."""
    start = parse_date(text)
    if start is not None:
        return start, start + DAY - 1
    if field in ("created_at", "updated_at"):
        moment = parse_datetime(text)
        return None if moment is None else (moment, moment)
    return None


Accessor = Callable[[Any], Any]  # of a row position, or of a record


def fields_of(node: Node) -> set[str]:
    """Every field a query mentions."""
    if isinstance(node, Condition):
        return set(node.fields)
    return set().union(*(fields_of(part) for part in node.parts))


def compile_predicate(
    node: Node, types: Mapping[str, FieldType], accessors: Mapping[str, Accessor]
) -> Callable[[Any], bool]:
    """A function of a row (what the accessors take) that says whether it matches `node`."""
    if isinstance(node, AllOf):
        parts = [compile_predicate(p, types, accessors) for p in node.parts]
        return lambda row: all(part(row) for part in parts)
    if isinstance(node, AnyOf):
        parts = [compile_predicate(p, types, accessors) for p in node.parts]
        return lambda row: any(part(row) for part in parts)
    return _condition(node, types, accessors)


@functools.lru_cache(maxsize=256)
def record_matcher(
    node: Node, types: tuple[tuple[str, FieldType], ...]
) -> Callable[[Mapping[str, Any]], bool]:
    """A function of a stored record (rather than a row position) that says whether it matches
    `node`: the record's own keys answer for the fields."""
    accessors = {name: (lambda record, name=name: record.get(name)) for name, _ in types}
    return compile_predicate(node, dict(types), accessors)


def _condition(
    node: Condition, types: Mapping[str, FieldType], accessors: Mapping[str, Accessor]
) -> Callable[[int], bool]:
    if node.operator == "~":
        prefix = str(node.value).lower()
        getters = [accessors[f] for f in node.fields]
        return lambda row: any(str(g(row) or "").lower().startswith(prefix) for g in getters)
    field = node.fields[0]
    get = accessors[field]
    kind = types[field]
    value = node.value
    if value is None:
        if kind in ("tag", "strings", "numbers"):
            return lambda row: not get(row)
        return lambda row: get(row) is None
    if kind in ("tag", "strings"):
        wanted = str(value).lower()
        return lambda row: wanted in (t.lower() for t in get(row) or ())
    if kind == "contains":  # search: a case-insensitive substring
        part = str(value).lower()
        return lambda row: isinstance(get(row), str) and part in get(row).lower()
    if kind == "string":
        text = str(value).lower()
        return lambda row: isinstance(get(row), str) and get(row).lower() == text
    if kind == "boolean":
        return lambda row: bool(get(row)) == value
    if kind == "date":
        bounds = _date_bounds(field, str(value))
        assert bounds is not None  # checked when parsed
        low, high = guesses.filter_date_range(node.operator, bounds)
        return lambda row: (v := get(row)) is not None and low <= v <= high
    number = int(value)
    if kind == "numbers":  # a list field (department_ids) matches when any element does
        if node.operator == ":>":
            return lambda row: any(v >= number for v in get(row) or ())
        if node.operator == ":<":
            return lambda row: any(v <= number for v in get(row) or ())
        return lambda row: number in (get(row) or ())
    if node.operator == ":>":
        return lambda row: (v := get(row)) is not None and v >= number
    if node.operator == ":<":
        return lambda row: (v := get(row)) is not None and v <= number
    return lambda row: get(row) == number
