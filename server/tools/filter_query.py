"""Checking a ticket filter expression before it is sent, and building one from tool arguments.

Freshservice's `GET /tickets/filter?query="…"` takes `field:value` conditions joined with AND
and OR, parenthesised, with `:>`/`:<` (at least / at most) on numbers and dates, strings and
dates in single quotes and `null` for "not set" (docs/freshservice.md §6; the syntax is
`freshservice_query/grammar.lark`, which the fake parses too). A wrong field or operator is
refused here, naming it, so no request is spent on it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Literal

from mcp.server.mcpserver.exceptions import ToolError

import freshservice_query
from freshservice_query import Lexeme, dates

Kind = Literal["number", "string", "date", "datetime"]

# The documented ticket filter fields (Freshservice "Filter Tickets").
TICKET_FIELDS: Mapping[str, Kind] = {
    "workspace_id": "number",
    "requester_id": "number",
    "email": "string",
    "agent_id": "number",
    "group_id": "number",
    "priority": "number",
    "status": "number",
    "impact": "number",
    "urgency": "number",
    "tag": "string",
    "due_by": "date",
    "fr_due_by": "date",
    "created_at": "datetime",  # a date, or a date and time in UTC
    "updated_at": "datetime",
}
MAX_LENGTH = freshservice_query.MAX_LENGTH

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DATETIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z")


class QueryError(ValueError):
    """The expression Freshservice would refuse, and why."""


def check(
    expression: str,
    fields: Mapping[str, Kind] = TICKET_FIELDS,
    prefix_fields: Sequence[str] = (),
) -> str:
    """The expression, trimmed and unwrapped from double quotes, if Freshservice can use it.

    `prefix_fields` allows the people filters' starts-with form `~[f1|f2]:'prefix'`."""
    text = expression.strip()
    if len(text) >= 2 and text[0] == text[-1] == '"':
        text = text[1:-1].strip()
    if not text:
        raise QueryError("the query is empty")
    if len(text) > MAX_LENGTH:
        raise QueryError(
            f"the query has {len(text)} characters; Freshservice takes at most {MAX_LENGTH}"
        )
    # Inside a single-quoted value a double quote is just text; anywhere else it is refused
    # before anything else (a user's habit from other query languages, worth its own message).
    if '"' in text and any(
        lexeme.kind == "CHARACTER" and lexeme.text == '"' for lexeme in freshservice_query.lex(text)
    ):
        raise QueryError("use single quotes around values; double quotes are added by the tool")
    rules = _Rules(fields, prefix_fields)
    try:
        freshservice_query.parse(text, rules.check)
    except freshservice_query.QuerySyntaxError as exc:
        raise rules.refusal(text, exc) from None
    return text


class _Rules:
    """The server's checks of each condition, and its wording of a syntax error."""

    def __init__(self, fields: Mapping[str, Kind], prefix_fields: Sequence[str]) -> None:
        self.fields = fields
        self.prefix_fields = prefix_fields
        self.usable = ", ".join(prefix_fields)

    def check(self, parts: tuple[Lexeme, ...]) -> None:
        head = parts[0]
        if head.kind == "TILDE":
            if not self.prefix_fields:
                raise QueryError("expected a field name, found '~'")
            for name in parts:
                if name.kind == "FIELD" and name.text not in self.prefix_fields:
                    raise QueryError(
                        f"{name.text!r} cannot be searched with ~[…]; use {self.usable}"
                    )
            return
        field = head.text
        kind = self.fields.get(field)
        if kind is None:
            raise QueryError(f"unknown field {field!r}; use one of {', '.join(self.fields)}")
        if len(parts) < 2:
            return
        operator = parts[1].text
        if operator != ":" and kind == "string":
            raise QueryError(f"{operator!r} works on number and date fields; {field!r} is text")
        if len(parts) > 2:
            self.check_value(field, kind, operator, parts[2])

    def check_value(self, field: str, kind: Kind, operator: str, value: Lexeme) -> None:
        if value.kind == "NULL":
            if operator != ":":
                raise QueryError(f"null takes ':' only ({field!r})")
            return
        if kind == "number" and value.kind != "NUMBER":
            raise QueryError(f"{field!r} takes a number, not {value.text!r}")
        if kind == "string" and value.kind != "STRING":
            raise QueryError(f"{field!r} takes a value in single quotes, like {field}:'value'")
        if kind in ("date", "datetime") and (
            value.kind != "STRING" or not is_date(value.text[1:-1], with_time=kind == "datetime")
        ):
            example = "'2026-01-31'" + (" or '2026-01-31T09:00:00Z'" if kind == "datetime" else "")
            raise QueryError(f"{field!r} takes a date in single quotes, like {field}:>{example}")

    def refusal(self, text: str, error: freshservice_query.QuerySyntaxError) -> QueryError:
        found, slot = error.found, error.slot
        before = text[: found.start].strip()
        after = f" after {before!r}" if before else " at the start"
        if found.kind == "END":
            return QueryError(f"the query ends too early{after}")
        if slot == "connective" and error.open_paren is None:
            return QueryError(f"unexpected {found.text!r}{after}")
        if found.kind == "CHARACTER":
            return QueryError(f"unexpected character {found.text!r}{after}")
        if slot == "factor":
            if found.kind in ("TRUE", "FALSE", "NULL"):
                self.check((found,))  # a word all the same: an unknown field
            return QueryError(f"expected a field name, found {found.text!r}")
        if slot == "operator":
            return QueryError(f"expected ':', ':>' or ':<' after {error.reading[0].text!r}")
        if slot == "value":
            field, operator = error.reading[0].text, error.reading[1].text
            # Raises: a value the grammar refuses is one no field takes.
            self.check_value(field, self.fields[field], operator, found)
        if slot == "bracket":
            return QueryError(
                f"a starts-with search is written ~[field|field]:'text' ({self.usable})"
            )
        if slot == "name":
            return QueryError(f"{found.text!r} cannot be searched with ~[…]; use {self.usable}")
        if slot == "separator":
            return QueryError("separate the fields of ~[…] with '|'")
        if slot in ("colon", "text"):
            return QueryError("a starts-with search takes ':' and text in single quotes")
        return QueryError("a '(' is never closed")


def checked(
    query: str, fields: Mapping[str, Kind] = TICKET_FIELDS, prefix_fields: Sequence[str] = ()
) -> str:
    """`check` for a tool: a refusal is a tool error naming the `query` argument."""
    try:
        return check(query, fields, prefix_fields)
    except QueryError as exc:
        raise ToolError(f"query: {exc}") from exc


def is_date(text: str, *, with_time: bool) -> bool:
    """A real calendar date `yyyy-mm-dd` (or, `with_time`, also `yyyy-mm-ddThh:mm:ssZ`): the
    forms a filter query's dates take."""
    form = _DATE.fullmatch(text) or (with_time and _DATETIME.fullmatch(text))
    return bool(form) and dates.moment(text) is not None


def is_moment(text: str) -> bool:
    """A real date (2026-01-31), or date and time (2026-01-31T09:00:00Z, with an offset such as
    +05:30 or none), as Freshservice takes them (freshservice_query/dates.py, which the fake
    reads dates with too)."""
    return dates.moment(text) is not None


def quote(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def conjunction(user_query: str | None, conditions: Iterable[str]) -> str:
    """The user's query AND each condition. The query is parenthesised whenever anything is
    added to it, so an OR inside it can never swallow the added conditions."""
    added = [c for c in conditions if c]
    if user_query is None:
        return " AND ".join(added)
    if not added:
        return user_query
    return " AND ".join([f"({user_query})", *added])
