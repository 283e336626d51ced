"""Freshservice's filter query language (`/tickets/filter?query=`, `?query=` on agents and
requesters, `?filter=` on assets), parsed into a small tree and compiled into a row predicate.

    query      := '"' expression '"'                 (at most 512 characters inside the quotes)
    expression := conjunction ( "OR" conjunction )*
    conjunction:= factor ( "AND" factor )*
    factor     := "(" expression ")" | condition
    condition  := field ( ":" | ":>" | ":<" ) value
                | "~[" field ( "|" field )* "]" ":" string      (starts-with; people only)
    value      := integer | 'single-quoted string' | true | false | null

`:>` and `:<` mean "greater/less than or equal" and apply to number and date fields only. Dates
are `'yyyy-mm-dd'` (UTC); created_at/updated_at also take `'yyyy-mm-ddThh:mm:ssZ'`. How a date
compares is one of the fake's guesses (see `guesses.py`).
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal

from mock_freshservice import guesses
from mock_freshservice.clock import DAY, parse_date, parse_datetime

# "numbers" and "strings" are list fields: a row matches when any element does ("tag" is
# "strings" under its own name).
FieldType = Literal["number", "numbers", "string", "strings", "date", "boolean", "tag", "contains"]
Operator = Literal[":", ":>", ":<", "~"]
MAX_QUERY_LENGTH = 512


class FilterError(ValueError):
    """A query Freshservice would refuse; the message names the problem and where it is."""


@dataclasses.dataclass(frozen=True, slots=True)
class Condition:
    fields: tuple[str, ...]  # one field, or several for a starts-with search
    operator: Operator
    value: int | str | bool | None


@dataclasses.dataclass(frozen=True, slots=True)
class AllOf:
    parts: tuple[Node, ...]


@dataclasses.dataclass(frozen=True, slots=True)
class AnyOf:
    parts: tuple[Node, ...]


Node = Condition | AllOf | AnyOf

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<lparen>\()|(?P<rparen>\))
      | (?P<prefix>~\[(?P<prefix_fields>[^\]]*)\])
      | (?P<op>:>|:<|:)
      | (?P<string>'(?:[^'\\]|\\.)*')
      | (?P<number>-?[0-9]+(?![\w.]))
      | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
      | (?P<bad>\S)
    )""",
    re.VERBOSE,
)


@dataclasses.dataclass(frozen=True, slots=True)
class _Token:
    kind: str
    text: str
    position: int  # 1-based column inside the quotes, for messages


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


def _tokens(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            break  # only trailing whitespace is left
        kind = match.lastgroup or ""
        if kind == "prefix_fields":
            kind = "prefix"
        start = match.start(kind) + 1
        if kind == "bad":
            raise FilterError(f"Unexpected character {match[kind]!r} at position {start}")
        value = match["prefix_fields"] if kind == "prefix" else match[kind]
        tokens.append(_Token(kind, value, start))
        position = match.end()
    return tokens


class _Parser:
    def __init__(self, text: str, fields: Mapping[str, FieldType], prefix_fields: Sequence[str]):
        self.tokens = _tokens(text)
        self.at = 0
        self.fields = fields
        self.prefix_fields = prefix_fields

    def peek(self) -> _Token | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def take(self) -> _Token:
        token = self.peek()
        if token is None:
            raise FilterError("The query ends too early")
        self.at += 1
        return token

    def parse(self) -> Node:
        node = self.expression()
        extra = self.peek()
        if extra is not None:
            what = "')'" if extra.kind == "rparen" else repr(extra.text)
            raise FilterError(f"Unexpected {what} at position {extra.position}")
        return node

    def expression(self) -> Node:
        parts = [self.conjunction()]
        while self._keyword("OR"):
            parts.append(self.conjunction())
        return parts[0] if len(parts) == 1 else AnyOf(tuple(parts))

    def conjunction(self) -> Node:
        parts = [self.factor()]
        while self._keyword("AND"):
            parts.append(self.factor())
        return parts[0] if len(parts) == 1 else AllOf(tuple(parts))

    def _keyword(self, word: str) -> bool:
        token = self.peek()
        if token is not None and token.kind == "word" and token.text == word:
            self.at += 1
            return True
        return False

    def factor(self) -> Node:
        token = self.take()
        if token.kind == "lparen":
            node = self.expression()
            closing = self.peek()
            if closing is None or closing.kind != "rparen":
                raise FilterError(f"The '(' at position {token.position} is never closed")
            self.at += 1
            return node
        if token.kind == "prefix":
            return self.starts_with(token)
        if token.kind != "word" or token.text in ("AND", "OR"):
            raise FilterError(f"Expected a field name at position {token.position}")
        return self.condition(token)

    def condition(self, field_token: _Token) -> Condition:
        field = field_token.text
        kind = self.fields.get(field)
        if kind is None:
            supported = ", ".join(sorted(self.fields))
            raise FilterError(
                f"Unknown field {field!r} at position {field_token.position}; "
                f"supported fields: {supported}"
            )
        operator_token = self.take()
        if operator_token.kind != "op":
            raise FilterError(f"Expected ':', ':>' or ':<' after {field!r}")
        operator: Operator = operator_token.text  # type: ignore[assignment]
        if operator != ":" and kind not in ("number", "numbers", "date"):
            raise FilterError(
                f"{operator!r} works on number and date fields only; {field!r} is a {kind} field"
            )
        value_token = self.take()
        value = self.value(field, kind, value_token, operator)
        return Condition((field,), operator, value)

    def value(
        self, field: str, kind: FieldType, token: _Token, operator: str
    ) -> int | str | bool | None:
        if token.kind == "word" and token.text == "null":
            if operator != ":":
                raise FilterError(f"null can only be matched with ':' ({field!r})")
            return None
        if kind in ("number", "numbers"):
            if token.kind != "number":
                raise FilterError(
                    f"{field!r} is a number field; {token.text!r} at position {token.position} "
                    "is not a number"
                )
            return int(token.text)
        if kind == "boolean":
            if token.kind != "word" or token.text not in ("true", "false"):
                raise FilterError(f"{field!r} is a boolean field; use true or false")
            return token.text == "true"
        if token.kind != "string":
            raise FilterError(
                f"{field!r} takes a value in single quotes; got {token.text!r} "
                f"at position {token.position}"
            )
        text = _unescape(token.text)
        if kind == "date" and _date_bounds(field, text) is None:
            raise FilterError(f"{field!r} takes a date as 'yyyy-mm-dd' (UTC); got {text!r}")
        return text

    def starts_with(self, token: _Token) -> Condition:
        names = tuple(name.strip() for name in token.text.split("|"))
        if not self.prefix_fields:
            raise FilterError("'~[…]' starts-with searches are not supported here")
        for name in names:
            if name not in self.prefix_fields:
                raise FilterError(
                    f"{name!r} cannot be searched with '~[…]'; use {', '.join(self.prefix_fields)}"
                )
        operator = self.take()
        if operator.kind != "op" or operator.text != ":":
            raise FilterError("A '~[…]' search takes ':' and a value in single quotes")
        value = self.take()
        if value.kind != "string":
            raise FilterError("A '~[…]' search takes a value in single quotes")
        return Condition(names, "~", _unescape(value.text))


def _unescape(quoted: str) -> str:
    """The text of a single-quoted value, each backslash escape (`\\'`, `\\\\`) undone."""
    return re.sub(r"\\(.)", r"\1", quoted[1:-1])


def parse(
    raw_query: str, fields: Mapping[str, FieldType], prefix_fields: Sequence[str] = ()
) -> Node:
    """Parse a `query` parameter as received (double quotes included)."""
    return _Parser(unquote(raw_query), fields, prefix_fields).parse()


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
