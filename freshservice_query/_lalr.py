"""`grammar.lark` run by lark: the parse tree made into the package's nodes, lark's errors into
QuerySyntaxError. Imported on the first query (importing lark takes a tenth of a second)."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from importlib import resources
from typing import cast

import lark
from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken

from freshservice_query import (
    AllOf,
    AnyOf,
    Check,
    Condition,
    Kind,
    Lexeme,
    Node,
    Operator,
    QuerySyntaxError,
    Slot,
    Value,
    unescape,
)

# Where one condition or search ends and the next may start.
_BOUNDARIES = frozenset({"LPAR", "RPAR", "AND", "OR"})
# In a `~[…]` search, what comes after each lexeme.
_SEARCH_SLOTS: dict[str, Slot] = {
    "TILDE": "bracket",
    "LSQB": "name",
    "VBAR": "name",
    "FIELD": "separator",
    "RSQB": "colon",
    "IS": "text",
    "STRING": "connective",
}


@functools.cache
def _grammar() -> str:
    return resources.files(__package__).joinpath("grammar.lark").read_text(encoding="utf-8")


@functools.cache
def _parser() -> lark.Lark:
    # LALR(1) runs in linear time with an explicit stack (no recursion however deep the
    # parentheses); the basic lexer reads tokens without regard to the parser's state, so a
    # keyword (AND, null) is never a field name and `lex` reads what `parse` reads.
    return lark.Lark(_grammar(), parser="lalr", lexer="basic")


@functools.cache
def _lexer() -> lark.Lark:
    # The same terminals without a parser: lark keeps this one's lexer (a parser's `lex` builds
    # a new one, regular expressions and all, at each call).
    return lark.Lark(_grammar(), parser=None, lexer="basic")


def _lexeme(token: lark.Token, offset: int = 0) -> Lexeme:
    start = offset + (token.start_pos or 0)
    return Lexeme(cast("Kind", token.type), str(token), start, start + len(token))


def lex(text: str, start: int) -> list[Lexeme]:
    lexemes: list[Lexeme] = []
    at = start
    while True:
        try:
            lexemes.extend(_lexeme(token, at) for token in _lexer().lex(text[at:]))
        except UnexpectedCharacters as exc:
            bad = at + _where(exc)
            lexemes.append(Lexeme("CHARACTER", text[bad], bad, bad + 1))
            at = bad + 1  # lark stops at the first; the callers want them all
        else:
            return lexemes


def parse(text: str, check: Check) -> Node:
    try:
        tree = _parser().parse(text)
    except UnexpectedInput as exc:
        found = _found(text, exc)
        # LALR stops at the first lexeme no sentence of the grammar continues with, so the text
        # before it, lexed again, is what was read.
        read = lex(text[: found.start], 0)
        reading = _check_each(read, check)
        raise QuerySyntaxError(found, _slot(read, reading), reading, _open_paren(read)) from None
    for part in _parts(tree):
        check(tuple(_lexeme(token) for token in part.children if isinstance(token, lark.Token)))
    return _node(tree)


def _parts(tree: lark.Tree[lark.Token]) -> Iterator[lark.Tree[lark.Token]]:
    """Each condition and search of the tree, in the order they are written."""
    pending = [tree]
    while pending:
        branch = pending.pop()
        if branch.data in ("condition", "starts_with"):
            yield branch
        else:
            pending.extend(c for c in reversed(branch.children) if isinstance(c, lark.Tree))


def _found(text: str, exc: UnexpectedInput) -> Lexeme:
    if isinstance(exc, UnexpectedCharacters):
        at = _where(exc)
        return Lexeme("CHARACTER", text[at], at, at + 1)
    if isinstance(exc, UnexpectedToken) and exc.token.type != "$END":
        return _lexeme(exc.token, 0)
    return Lexeme("END", "", len(text), len(text))


def _where(exc: UnexpectedCharacters) -> int:
    return exc.pos_in_stream or 0  # lark's lexer always says where (its type allows None)


def _check_each(read: list[Lexeme], check: Check) -> tuple[Lexeme, ...]:
    """Pass each condition or search in `read` to `check`; the one `read` ends in, if any."""
    part: list[Lexeme] = []
    for lexeme in read:
        if lexeme.kind in _BOUNDARIES:
            if part:
                check(tuple(part))
            part = []
        else:
            part.append(lexeme)
    if part:
        check(tuple(part))
    return tuple(part)


def _slot(read: list[Lexeme], reading: tuple[Lexeme, ...]) -> Slot:
    if not reading:
        return "connective" if read and read[-1].kind == "RPAR" else "factor"
    if reading[0].kind == "TILDE":
        return _SEARCH_SLOTS[reading[-1].kind]
    slots: tuple[Slot, ...] = ("operator", "value", "connective")
    return slots[len(reading) - 1]


def _open_paren(read: list[Lexeme]) -> Lexeme | None:
    opened: list[Lexeme] = []
    for lexeme in read:
        if lexeme.kind == "LPAR":
            opened.append(lexeme)
        elif lexeme.kind == "RPAR":
            opened.pop()
    return opened[-1] if opened else None


def _node(tree: lark.Tree[lark.Token]) -> Node:
    """The tree as nodes, built bottom-up with a stack of its own rather than by recursion."""
    built: list[Node] = []
    pending: list[tuple[lark.Tree[lark.Token], bool]] = [(tree, False)]
    while pending:
        branch, children_built = pending.pop()
        tokens = [child for child in branch.children if isinstance(child, lark.Token)]
        if branch.data == "condition":
            field, operator, value = tokens
            built.append(Condition((str(field),), cast("Operator", str(operator)), _value(value)))
            continue
        if branch.data == "starts_with":
            fields = tuple(str(token) for token in tokens if token.type == "FIELD")
            built.append(Condition(fields, "~", unescape(tokens[-1])))
            continue
        parts = [child for child in branch.children if isinstance(child, lark.Tree)]
        if not children_built:
            pending.append((branch, True))
            pending.extend((part, False) for part in reversed(parts))
            continue
        nodes = tuple(built[-len(parts) :])
        del built[-len(parts) :]
        built.append(AllOf(nodes) if branch.data == "conjunction" else AnyOf(nodes))
    [node] = built
    return node


def _value(token: lark.Token) -> Value:
    if token.type == "NUMBER":
        return int(token)
    if token.type == "STRING":
        return unescape(token)
    if token.type == "NULL":
        return None
    return token.type == "TRUE"
