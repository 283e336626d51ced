"""Freshservice's filter query language, parsed once for the fake and the server.

The syntax is `grammar.lark`, and only that: `parse` turns the text inside a query's double quotes
into a small tree of `Condition`, `AllOf` and `AnyOf`. Which fields a resource has and what each
takes is the caller's knowledge: `parse` hands the caller each condition's lexemes, in the order
they are written, to refuse; where the text stops following the grammar it raises
`QuerySyntaxError`, saying what it found there and what it was reading, for the caller to word.

Importing this package does not import lark (the server's `--help` stays light): `parse` and
`lex` load it on first use.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from typing import Literal

# Freshservice refuses a query with more characters than this inside its double quotes.
MAX_LENGTH = 512

# The grammar's terminals (lark names the anonymous ones: "(" is LPAR, "~" TILDE, "|" VBAR),
# END for the end of the text and CHARACTER for a character no terminal starts with.
Kind = Literal[
    "FIELD",
    "NUMBER",
    "STRING",
    "TRUE",
    "FALSE",
    "NULL",
    "IS",
    "AT_LEAST",
    "AT_MOST",
    "AND",
    "OR",
    "LPAR",
    "RPAR",
    "TILDE",
    "LSQB",
    "RSQB",
    "VBAR",
    "END",
    "CHARACTER",
]

# What the parser was reading when the text stopped following the grammar, named by what comes
# next there: a condition, a `~[…]` search or "(" (factor); an operator after a field; a value
# after it; AND, OR, ")" or the end (connective); in a `~[…]` search the "[" (bracket), a field
# name, "|" or "]" (separator), the ":" (colon) and the quoted text.
Slot = Literal[
    "factor", "operator", "value", "connective", "bracket", "name", "separator", "colon", "text"
]

Operator = Literal[":", ":>", ":<", "~"]
Value = int | str | bool | None


@dataclasses.dataclass(frozen=True, slots=True)
class Lexeme:
    kind: Kind
    text: str  # as written: a STRING with its quotes and escapes
    start: int  # offset in the text parsed, from 0
    end: int


@dataclasses.dataclass(frozen=True, slots=True)
class Condition:
    fields: tuple[str, ...]  # one field, or several for a starts-with search
    operator: Operator  # "~" for a starts-with search
    value: Value  # a NUMBER is an int, a STRING its text, true/false a bool, null None


@dataclasses.dataclass(frozen=True, slots=True)
class AllOf:
    parts: tuple[Node, ...]


@dataclasses.dataclass(frozen=True, slots=True)
class AnyOf:
    parts: tuple[Node, ...]


Node = Condition | AllOf | AnyOf

# Raises to refuse a condition (`field operator value`) or a starts-with search (`~ [ field | …
# ] : 'text'`), given its lexemes; where the query stops following the grammar, last with the
# lexemes read of the one it stopped in, which may be incomplete (a field alone, …).
Check = Callable[[tuple[Lexeme, ...]], None]


class QuerySyntaxError(ValueError):
    """The text stops following the grammar at `found`."""

    def __init__(
        self,
        found: Lexeme,
        slot: Slot,
        reading: tuple[Lexeme, ...],
        open_paren: Lexeme | None,
    ) -> None:
        super().__init__(f"unexpected {found.kind} {found.text!r} at {found.start}: {slot} wanted")
        self.found = found  # an END lexeme at the end of the text
        self.slot = slot  # what was wanted where `found` is
        self.reading = reading  # the condition or search `found` is in, as far as it was read
        self.open_paren = open_paren  # the innermost "(" not closed before `found`


def _accept(_parts: tuple[Lexeme, ...]) -> None:
    return None


def parse(text: str, check: Check = _accept) -> Node:
    """The tree of `text` (what is inside the query's double quotes).

    `check` sees each condition and starts-with search, in the order they are written, before
    anything after it counts: a caller refusing a field sees the same first problem as a reader
    going left to right. Then, if the text stops following the grammar, QuerySyntaxError. Linear
    in the text, and without recursion, whatever the nesting."""
    from freshservice_query import _lalr  # noqa: PLC0415 (lark loads with the first query)

    return _lalr.parse(text, check)


def lex(text: str, start: int = 0) -> list[Lexeme]:
    """The lexemes of `text` from `start` on (offsets are still into `text`). A character no
    lexeme starts with is a CHARACTER lexeme, and lexing goes on after it."""
    from freshservice_query import _lalr  # noqa: PLC0415 (lark loads with the first query)

    return _lalr.lex(text, start)


_ESCAPE = re.compile(r"\\(.)")


def unescape(string: str) -> str:
    """The text a STRING lexeme stands for: its quotes taken off, each `\\x` read as `x`."""
    return _ESCAPE.sub(r"\1", string[1:-1])
