"""The server's own filter-query checker (no network): what it lets through and what it names."""

from __future__ import annotations

import re

import pytest
from mcp.server.mcpserver.exceptions import ToolError

from server.tools import filter_query
from server.tools.filter_query import QueryError, check

PEOPLE = {"first_name": "string", "name": "string", "created_at": "datetime"}


def test_a_double_quote_inside_a_single_quoted_value_is_text() -> None:
    assert check("tag:'6\" monitor'") == "tag:'6\" monitor'"


def test_a_double_quote_around_a_value_is_refused() -> None:
    with pytest.raises(QueryError, match="use single quotes"):
        check('tag:"vip"')


def test_starts_with_is_accepted_only_where_the_caller_allows_it() -> None:
    query = "~[first_name|name]:'ann' AND created_at:>'2026-01-01'"
    assert check(query, PEOPLE, ("first_name", "name")) == query
    with pytest.raises(QueryError, match="expected a field name, found '~'"):
        check(query, PEOPLE)


@pytest.mark.parametrize(
    ("query", "problem"),
    [
        ("~[first_name:'a'", "separate the fields of ~[…] with '|'"),
        ("~[created_at]:'a'", "'created_at' cannot be searched with ~[…]"),
        ("~first_name:'a'", "written ~[field|field]:'text'"),
        ("~[name]:>'a'", "takes ':' and text in single quotes"),
        ("~[name]:ann", "takes ':' and text in single quotes"),
    ],
)
def test_a_malformed_starts_with_is_named(query: str, problem: str) -> None:
    with pytest.raises(QueryError, match=re.escape(problem)):
        check(query, PEOPLE, ("first_name", "name"))


def test_checked_names_the_query_argument() -> None:
    with pytest.raises(ToolError, match=r"^query: unknown field 'colour'"):
        filter_query.checked("colour:'red'")
