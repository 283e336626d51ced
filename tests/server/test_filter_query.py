"""The server's own filter-query checker (no network): what it lets through and what it names."""

from __future__ import annotations

import re
import subprocess
import sys

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


# Each problem is named as the checker's hand-written parser named it before the grammar
# (freshservice_query/grammar.lark) replaced it: the first one, reading left to right.
@pytest.mark.parametrize(
    ("query", "problem"),
    [
        ("priority:3 AND", "the query ends too early after 'priority:3 AND'"),
        ("priority:3 status:2", "unexpected 'status' after 'priority:3'"),
        ("(priority:3 status:2)", "a '(' is never closed"),
        ("(priority:3", "the query ends too early after '(priority:3'"),
        ("priority 3", "expected ':', ':>' or ':<' after 'priority'"),
        ("priority:3 = 4", "unexpected '=' after 'priority:3'"),
        ("priority=3", "unexpected character '=' after 'priority'"),
        ("=priority:3", "unexpected character '=' at the start"),
        ("AND priority:3", "expected a field name, found 'AND'"),
        ("null:3", "unknown field 'null'; use one of workspace_id, requester_id, email"),
        (")", "expected a field name, found ')'"),
        ("'x'", "expected a field name, found \"'x'\""),
        ("priority:abc", "'priority' takes a number, not 'abc'"),
        ("priority:(", "'priority' takes a number, not '('"),
        ("email:3", "'email' takes a value in single quotes, like email:'value'"),
        ("email:>'a'", "':>' works on number and date fields; 'email' is text"),
        ("colour:1 AND )", "unknown field 'colour'"),
        ("email:>'a' AND )", "':>' works on number and date fields; 'email' is text"),
        (
            "due_by:'2026-02-30'",
            "'due_by' takes a date in single quotes, like due_by:>'2026-01-31'",
        ),
        (
            "created_at:'2026-01-01T06:00'",
            "'created_at' takes a date in single quotes, like created_at:>'2026-01-31' or "
            "'2026-01-31T09:00:00Z'",
        ),
        ("due_by:'2026\\-01-01'", "'due_by' takes a date in single quotes"),
        ("priority:>null", "null takes ':' only ('priority')"),
        (
            "priority:3 AND (status:2 OR",
            "the query ends too early after 'priority:3 AND (status:2 OR'",
        ),
        ("tag:'vip' ~", "unexpected '~' after \"tag:'vip'\""),
        ("~[name]:'a'", "expected a field name, found '~'"),
        ('colour:1 "x"', "use single quotes around values"),
    ],
)
def test_a_refusal_names_the_first_problem(query: str, problem: str) -> None:
    with pytest.raises(QueryError, match="^" + re.escape(problem)):
        check(query)


@pytest.mark.parametrize(
    ("query", "problem"),
    [
        (
            "~ first_name:'a'",
            "a starts-with search is written ~[field|field]:'text' (first_name, name)",
        ),
        ("~[first_name", "the query ends too early after '~[first_name'"),
        ("~[(]:'a'", "'(' cannot be searched with ~[…]; use first_name, name"),
        ("~[null]:'a'", "'null' cannot be searched with ~[…]; use first_name, name"),
        ("~[first_name]", "the query ends too early after '~[first_name]'"),
        ("~[first_name]:", "the query ends too early after '~[first_name]:'"),
        (
            "~[name|created_at]:'a'",
            "'created_at' cannot be searched with ~[…]; use first_name, name",
        ),
        ("~[created_at first_name]", "'created_at' cannot be searched with ~[…]"),
    ],
)
def test_a_starts_with_refusal_names_the_first_problem(query: str, problem: str) -> None:
    with pytest.raises(QueryError, match="^" + re.escape(problem)):
        check(query, PEOPLE, ("first_name", "name"))


@pytest.mark.parametrize(
    ("query", "problem"),
    [
        ("(" * 512, "the query ends too early after '(((("),
        (")" * 512, "expected a field name, found ')'"),
        ("priority:1 AND " * 33 + "status:12", None),
        ("priority:1 OR (" * 31 + "status:2" + ")" * 31, None),
        ("AND " * 128, "expected a field name, found 'AND'"),
        ("~[" * 256, "expected a field name, found '~'"),
        ("'" * 512, "expected a field name, found \"''\""),
    ],
    ids=["512 (", "512 )", "33 ANDs", "31 nested groups", "128 ANDs", "256 ~[", "512 '"],
)
def test_a_worst_case_512_character_query_is_answered_without_recursion(
    query: str, problem: str | None
) -> None:
    assert len(query) <= filter_query.MAX_LENGTH
    if problem is None:
        assert check(query) == query.strip()
    else:
        with pytest.raises(QueryError, match="^" + re.escape(problem)):
            check(query)


def test_a_query_longer_than_freshservice_takes_is_refused_before_it_is_parsed() -> None:
    with pytest.raises(QueryError, match="513 characters; Freshservice takes at most 512"):
        check("(" * 513)


def test_importing_the_checker_does_not_import_lark() -> None:
    code = "import server.tools.filter_query, sys; print('lark' in sys.modules)"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == "False"
