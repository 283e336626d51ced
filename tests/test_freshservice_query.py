"""The filter query language shared by the fake and the server (freshservice_query): the tree it
builds, the order it hands conditions to a caller's check, where and why it stops, and that no
query of Freshservice's length (512 characters) makes it recurse or take long."""

from __future__ import annotations

import datetime
import subprocess
import sys
import traceback
from collections.abc import Iterator

import pytest

import freshservice_query
from freshservice_query import (
    AllOf,
    AnyOf,
    Condition,
    Lexeme,
    QuerySyntaxError,
    Slot,
    dates,
    parse,
)
from mock_freshservice.clock import parse_datetime
from server.tools.filter_query import is_moment


def test_and_binds_tighter_than_or_and_values_are_typed() -> None:
    tree = parse("priority:>3 AND status:2 OR (tag:'it\\'s' OR agent_id:null) AND vip:true")
    assert tree == AnyOf(
        (
            AllOf((Condition(("priority",), ":>", 3), Condition(("status",), ":", 2))),
            AllOf(
                (
                    AnyOf((Condition(("tag",), ":", "it's"), Condition(("agent_id",), ":", None))),
                    Condition(("vip",), ":", True),
                )
            ),
        )
    )


def test_a_starts_with_search_names_its_fields() -> None:
    assert parse("~[ first_name | last_name ]:'ann'") == Condition(
        ("first_name", "last_name"), "~", "ann"
    )


def test_a_parenthesised_group_stays_a_group() -> None:
    a, b, c = (Condition((f,), ":", 1) for f in "abc")
    assert parse("(a:1 OR b:1) OR c:1") == AnyOf((AnyOf((a, b)), c))
    assert parse("a:1 OR b:1 OR c:1") == AnyOf((a, b, c))
    assert parse("((((a:1))))") == a


def test_keywords_are_not_field_names_but_words_that_contain_them_are() -> None:
    assert parse("ANDROID:1 AND nullable:'x'") == AllOf(
        (Condition(("ANDROID",), ":", 1), Condition(("nullable",), ":", "x"))
    )
    with pytest.raises(QuerySyntaxError) as caught:
        parse("null:1")
    assert (caught.value.found.kind, caught.value.slot) == ("NULL", "factor")


def checks_seen(text: str) -> tuple[list[list[str]], QuerySyntaxError | None]:
    seen: list[list[str]] = []
    try:
        parse(text, lambda parts: seen.append([p.text for p in parts]))
    except QuerySyntaxError as exc:
        return seen, exc
    return seen, None


def test_the_caller_checks_each_condition_in_order_then_the_one_the_text_stops_in() -> None:
    assert checks_seen("a:1 AND (b:>'x' OR ~[c|d]:'e')") == (
        [["a", ":", "1"], ["b", ":>", "'x'"], ["~", "[", "c", "|", "d", "]", ":", "'e'"]],
        None,
    )
    seen, error = checks_seen("a:1 AND b:2 AND c 3")
    assert seen == [["a", ":", "1"], ["b", ":", "2"], ["c"]]
    assert error is not None
    assert (error.found, error.slot) == (Lexeme("NUMBER", "3", 18, 19), "operator")


def test_a_check_that_refuses_stops_the_parse_before_a_later_syntax_error() -> None:
    def refuse_b(parts: tuple[Lexeme, ...]) -> None:
        if parts[0].text == "b":
            raise LookupError("b")

    with pytest.raises(LookupError):
        parse("a:1 AND b:2 AND )", refuse_b)


@pytest.mark.parametrize(
    ("text", "found", "slot", "reading"),
    [
        ("", "END", "factor", ""),
        ("a:1 AND", "END", "factor", ""),
        ("a:1 AND OR b:2", "OR", "factor", ""),
        ("a 1", "NUMBER", "operator", "a"),
        ("a:", "END", "value", "a :"),
        ("a:b", "FIELD", "value", "a :"),
        ("a:1 b:2", "FIELD", "connective", "a : 1"),
        ("a:1 )", "RPAR", "connective", "a : 1"),
        ("(a:1", "END", "connective", "a : 1"),
        ("(a:1) b", "FIELD", "connective", ""),
        ("a = 1", "CHARACTER", "operator", "a"),
        ("a:3.5", "CHARACTER", "value", "a :"),
        ("~ a", "FIELD", "bracket", "~"),
        ("~[(", "LPAR", "name", "~ ["),
        ("~[a:'x'", "IS", "separator", "~ [ a"),
        ("~[a|", "END", "name", "~ [ a |"),
        ("~[a]:>'x'", "AT_LEAST", "colon", "~ [ a ]"),
        ("~[a]:x", "FIELD", "text", "~ [ a ] :"),
    ],
)
def test_where_the_text_stops_following_the_grammar(
    text: str, found: str, slot: Slot, reading: str
) -> None:
    with pytest.raises(QuerySyntaxError) as caught:
        parse(text)
    error = caught.value
    assert (error.found.kind, error.slot, " ".join(p.text for p in error.reading)) == (
        found,
        slot,
        reading,
    )


def test_the_innermost_open_parenthesis_is_named() -> None:
    with pytest.raises(QuerySyntaxError) as caught:
        parse("(a:1 AND (b:1 OR (c:1) OR d:1")
    assert caught.value.open_paren == Lexeme("LPAR", "(", 9, 10)


def test_lex_marks_each_character_no_token_starts_with_and_reads_on() -> None:
    assert [(x.kind, x.text, x.start) for x in freshservice_query.lex('a = "b" 3.5 \'', 2)] == [
        ("CHARACTER", "=", 2),
        ("CHARACTER", '"', 4),
        ("FIELD", "b", 5),
        ("CHARACTER", '"', 6),
        ("CHARACTER", "3", 8),
        ("CHARACTER", ".", 9),
        ("NUMBER", "5", 10),
        ("CHARACTER", "'", 12),
    ]


def test_only_ascii_digits_and_letters_make_numbers_and_fields() -> None:
    for text in ("a:\u0663", "a\u00e9:1", "a:\uff13", "a:1_000"):
        with pytest.raises(QuerySyntaxError):
            parse(text)


# -- pathological input: Freshservice's 512 characters, at their worst -------------------------


# The most nested tree 512 characters can write: each OR's right side a group.
DEEPEST = "a:1 OR (" * 56 + "b:123456" + ")" * 56


def worst_cases() -> Iterator[tuple[str, str]]:
    """(query, what it is) with 512 characters each."""
    yield "(" * 512, "512 open parentheses"
    yield ")" * 512, "512 closing parentheses"
    yield "(" * 252 + "a:1" + ")" * 252 + " AND ", "nested parentheses, then an unfinished AND"
    yield "a:1 AND " * 63 + "b:123456", "a run of 63 ANDs"
    yield DEEPEST, "56 groups, each inside the last"
    yield "AND " * 128, "128 ANDs and nothing else"
    yield "~[" * 256, "256 starts of a search"
    yield "'" * 512, "512 single quotes"
    yield "a:" + "\\" * 510, "510 backslashes"


@pytest.mark.parametrize(("text", "what"), list(worst_cases()), ids=[w for _, w in worst_cases()])
def test_a_worst_case_query_is_parsed_or_refused_without_recursion(text: str, what: str) -> None:
    assert len(text) == 512, what
    # Whatever the nesting, parsing adds a bounded number of frames: run it with the stack
    # allowed only a little deeper than it is here (the grammar is loaded first, unbounded).
    parse("a:1")
    depth = len(traceback.extract_stack())
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(depth + 80)
    try:
        parse(text)
    except QuerySyntaxError:
        pass
    finally:
        sys.setrecursionlimit(limit)


def test_the_deepest_tree_512_characters_allow_is_built() -> None:
    node = parse(DEEPEST)
    depth = 0
    while isinstance(node, AnyOf):
        node = node.parts[-1]
        depth += 1
    assert depth == 56
    assert node == Condition(("b",), ":", 123456)


def test_importing_the_package_does_not_import_lark() -> None:
    code = "import freshservice_query, sys; print('lark' in sys.modules)"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == "False"


# -- Dates: one reader for the fake and the server ---------------------------------------------

DATE_TEXTS = [
    "2026-10-22", "2026-10-22T03:20", "2026-10-22T03:20:03Z", "2026-10-22T03:20:03.5-05:00",
    "2026-10-22T08:50:03+0530", "2026-10-22T08:20:03+05", "2026-02-30", "2026-10-22T25:00",
    "2026-10-22T03", "20261022", "2026-W43-4", "2026-10-22 03:20", "yesterday", "",
]  # fmt: skip


@pytest.mark.parametrize("text", DATE_TEXTS)
def test_the_fake_and_the_server_take_the_same_dates(text: str) -> None:
    assert is_moment(text) == (parse_datetime(text) is not None)


def test_a_moment_without_a_zone_is_utc() -> None:
    found = dates.moment("2026-10-22T03:20")
    assert found is not None and found.utcoffset() == datetime.timedelta(0)
