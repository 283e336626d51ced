"""Checking a ticket filter expression before it is sent, and building one from tool arguments.

Freshservice's `GET /tickets/filter?query="…"` takes `field:value` conditions joined with AND
and OR, parenthesised, with `:>`/`:<` (at least / at most) on numbers and dates, strings and
dates in single quotes and `null` for "not set" (docs/freshservice.md §6). A wrong field or
operator is refused here, naming it, so no request is spent on it. (The fake has its own parser;
this one is written separately so the server depends on nothing of the fake.)
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Literal

from mcp.server.mcpserver.exceptions import ToolError

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
MAX_LENGTH = 512

_TOKEN = re.compile(
    r"\s*(?:(?P<paren>[()])|(?P<op>:>|:<|:)|(?P<string>'(?:[^'\\]|\\.)*')|(?P<punct>[~\[\]|])"
    r"|(?P<number>-?[0-9]+(?![\w.]))|(?P<word>[A-Za-z_][A-Za-z0-9_]*)|(?P<other>\S))"
)
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
    tokens = [(m.lastgroup or "", m.group(m.lastgroup or 0)) for m in _TOKEN.finditer(text)]
    if ("other", '"') in tokens:  # inside a single-quoted value a double quote is just text
        raise QueryError("use single quotes around values; double quotes are added by the tool")
    ends = [m.end() for m in _TOKEN.finditer(text)]
    _Checker(text, tokens, ends, fields, prefix_fields).run()
    return text


class _Checker:
    def __init__(
        self,
        text: str,
        tokens: list[tuple[str, str]],
        ends: list[int],
        fields: Mapping[str, Kind],
        prefix_fields: Sequence[str] = (),
    ) -> None:
        self.text = text
        self.prefix_fields = prefix_fields
        self.tokens = tokens
        self.ends = ends  # where each token ends, to quote what came before a problem
        self.at = 0
        self.fields = fields

    def run(self) -> None:
        self.expression()
        if self.at < len(self.tokens):
            raise QueryError(f"unexpected {self.tokens[self.at][1]!r}{self.after()}")

    def after(self) -> str:
        """Where the checker is, for an error: ` after '<what came before>'`."""
        if self.at == 0:
            return " at the start"
        return f" after {self.text[: self.ends[self.at - 1]].strip()!r}"

    def next(self) -> tuple[str, str]:
        if self.at >= len(self.tokens):
            raise QueryError(f"the query ends too early{self.after()}")
        token = self.tokens[self.at]
        if token[0] == "other":
            raise QueryError(f"unexpected character {token[1]!r}{self.after()}")
        self.at += 1
        return token

    def keyword(self, word: str) -> bool:
        if self.at < len(self.tokens) and self.tokens[self.at] == ("word", word):
            self.at += 1
            return True
        return False

    def expression(self) -> None:
        self.term()
        while self.keyword("OR"):
            self.term()

    def term(self) -> None:
        self.factor()
        while self.keyword("AND"):
            self.factor()

    def factor(self) -> None:
        kind, text = self.next()
        if kind == "paren" and text == "(":
            self.expression()
            if self.next() != ("paren", ")"):
                raise QueryError("a '(' is never closed")
            return
        if (kind, text) == ("punct", "~") and self.prefix_fields:
            self.starts_with()
            return
        if kind != "word" or text in ("AND", "OR"):
            raise QueryError(f"expected a field name, found {text!r}")
        field_kind = self.fields.get(text)
        if field_kind is None:
            raise QueryError(f"unknown field {text!r}; use one of {', '.join(self.fields)}")
        op_kind, op = self.next()
        if op_kind != "op":
            raise QueryError(f"expected ':', ':>' or ':<' after {text!r}")
        if op != ":" and field_kind == "string":
            raise QueryError(f"{op!r} works on number and date fields; {text!r} is text")
        value_kind, value = self.next()
        if value_kind == "word" and value == "null":
            if op != ":":
                raise QueryError(f"null takes ':' only ({text!r})")
            return
        if field_kind == "number" and value_kind != "number":
            raise QueryError(f"{text!r} takes a number, not {value!r}")
        if field_kind == "string" and value_kind != "string":
            raise QueryError(f"{text!r} takes a value in single quotes, like {text}:'value'")
        if field_kind in ("date", "datetime") and (
            value_kind != "string" or not is_date(value[1:-1], with_time=field_kind == "datetime")
        ):
            example = "'2026-01-31'" + (
                " or '2026-01-31T09:00:00Z'" if field_kind == "datetime" else ""
            )
            raise QueryError(f"{text!r} takes a date in single quotes, like {text}:>{example}")

    def starts_with(self) -> None:
        """`~[f1|f2]:'prefix'`: any of the fields starts with the text."""
        usable = ", ".join(self.prefix_fields)
        if self.next() != ("punct", "["):
            raise QueryError(f"a starts-with search is written ~[field|field]:'text' ({usable})")
        while True:
            kind, name = self.next()
            if kind != "word" or name not in self.prefix_fields:
                raise QueryError(f"{name!r} cannot be searched with ~[…]; use {usable}")
            separator = self.next()
            if separator == ("punct", "]"):
                break
            if separator != ("punct", "|"):
                raise QueryError("separate the fields of ~[…] with '|'")
        if self.next() != ("op", ":") or self.next()[0] != "string":
            raise QueryError("a starts-with search takes ':' and text in single quotes")


def checked(
    query: str, fields: Mapping[str, Kind] = TICKET_FIELDS, prefix_fields: Sequence[str] = ()
) -> str:
    """`check` for a tool: a refusal is a tool error naming the `query` argument."""
    try:
        return check(query, fields, prefix_fields)
    except QueryError as exc:
        raise ToolError(f"query: {exc}") from exc


def is_date(text: str, *, with_time: bool) -> bool:
    """A real calendar date `yyyy-mm-dd` (or, `with_time`, also `yyyy-mm-ddThh:mm:ssZ`)."""
    if _DATE.fullmatch(text):
        pattern = "%Y-%m-%d"
    elif with_time and _DATETIME.fullmatch(text):
        pattern = "%Y-%m-%dT%H:%M:%SZ"
    else:
        return False
    try:
        datetime.strptime(text, pattern)  # a real date: no 2026-02-30
    except ValueError:
        return False
    return True


_MOMENT = re.compile(
    r"(?P<date>[0-9]{4}-[0-9]{2}-[0-9]{2})"
    r"(?:T(?P<hh>[0-9]{2}):(?P<mm>[0-9]{2})(?::(?P<ss>[0-9]{2}))?"
    r"(?P<zone>Z|[+-][0-9]{2}(?::?[0-9]{2})?)?)?"
)


def is_moment(text: str) -> bool:
    """A real date (2026-01-31), or date and time (2026-01-31T09:00:00Z, with an offset such as
    +05:30 or none), as Freshservice takes them."""
    match = _MOMENT.fullmatch(text)
    if match is None or not is_date(match["date"], with_time=False):
        return False
    if match["hh"] is None:
        return True
    zone = (match["zone"] or "Z").lstrip("+-").replace(":", "")
    clock = int(match["hh"]) <= 23 and int(match["mm"]) <= 59 and int(match["ss"] or 0) <= 59
    return clock and (zone == "Z" or (int(zone[:2]) <= 14 and int(zone[2:] or 0) <= 59))


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
