"""The call gate's own pieces: bounded argument checks, short error texts, terminal-safe logs,
keys remembered (refused ones for a few seconds), and answers that lack what a tool needs."""

from __future__ import annotations

from typing import Any

import jsonschema
import pydantic
import pytest

from server import freshservice as fs
from server.gate import (
    MAX_ARGUMENT_VALUES,
    MAX_PROBLEMS,
    CallRefused,
    Credentials,
    argument_problems,
    incomplete_answer,
    printable,
    shown,
    size_problems,
)
from tests.processes import Fake
from tests.server.conftest import ADMIN_KEY, settings_for

pytestmark = pytest.mark.anyio

TAGS = jsonschema.Draft202012Validator(
    {
        "type": "object",
        "properties": {
            "tags": {"type": ["array", "null"], "items": {"type": "string", "maxLength": 32}},
            "subject": {"type": "string", "maxLength": 255},
        },
        "additionalProperties": False,
    }
)


class Untouchable(list[int]):
    """A long list whose items must not be read: refusing it by its length is the point."""

    def __iter__(self) -> Any:
        raise AssertionError("the walk read the items of a list it should refuse unread")


def test_a_million_values_are_refused_by_their_count_unread() -> None:
    arguments = {"tags": Untouchable([0] * 1_000_000)}
    problems = size_problems(arguments)
    assert problems == [f"more than {MAX_ARGUMENT_VALUES:,} values in all; no tool takes so many"]


def test_numbers_json_cannot_carry_are_named_where_they_are() -> None:
    assert size_problems({"a": {"b": [1.0, float("inf")]}, "c": float("nan")}) == [
        "a.b.1: must be a finite number",
        "c: must be a finite number",
    ]


def test_only_the_first_problems_are_reported() -> None:
    problems = argument_problems(TAGS, {"tags": [0] * 5_000})
    assert len(problems) == MAX_PROBLEMS + 1
    assert problems[0] == "tags.0: 0 is not of type 'string'"
    assert problems[-1] == "and more"


def test_a_huge_bad_value_is_quoted_short_with_its_size() -> None:
    (problem,) = argument_problems(TAGS, {"subject": "x" * 3_900_000})
    assert problem.startswith("subject: 'xxxxxxxx")
    assert "(3,900,000 characters)" in problem
    assert len(problem) < 300


def test_unknown_argument_names_are_listed_escaped_and_capped() -> None:
    given: dict[str, Any] = {f"extra\u202e{n}": 1 for n in range(50)}
    (problem,) = argument_problems(TAGS, given)
    assert problem.startswith("unknown argument(s) extra\\u202e0, extra\\u202e1")
    assert problem.endswith(", …") and "\u202e" not in problem


def test_printable_escapes_controls_and_bidi_overrides() -> None:
    assert printable("ok\u202eevil\x1b[31m\x00") == "ok\\u202eevil\\u001b[31m\\u0000"


def test_shown_keeps_small_values_as_python_writes_them() -> None:
    assert shown("1023") == "'1023'"
    assert shown(10.5) == "10.5"
    assert shown(list(range(100))) == "[100 items]"


def test_an_unreadable_answer_to_a_write_says_the_write_happened() -> None:
    call = fs.ToolCall(key="k", budget=1)
    call.accepted_write = ("POST", "/api/v2/tickets", 201)
    text = incomplete_answer("createTicket", call, KeyError("id"))
    assert text.startswith(
        "Freshservice accepted POST /api/v2/tickets (201), so the change was made"
    )
    assert "(no id field)" in text and "Do not send it again" in text


def test_an_unreadable_answer_to_a_read_names_the_request_and_the_missing_fields() -> None:
    call = fs.ToolCall(key="k", budget=1)
    call.last_request = ("GET", "/api/v2/tickets/5", 200)

    class Ticket(pydantic.BaseModel):
        id: int
        subject: str

    with pytest.raises(pydantic.ValidationError) as failure:
        Ticket.model_validate({"subject": 3})
    text = incomplete_answer("fetchTicket", call, failure.value)
    assert "GET /api/v2/tickets/5 (200)" in text
    assert "missing or wrong fields: id, subject" in text


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def _refused(
    credentials: Credentials, client: fs.FreshserviceClient, key: str, address: str = "local"
) -> str:
    with pytest.raises(CallRefused) as refusal:
        await credentials.caller_id(client, fs.ToolCall(key=key, budget=0), address)
    return str(refusal.value)


async def test_a_refused_key_is_not_checked_again_for_a_few_seconds(fake: Fake) -> None:
    clock = Clock()
    credentials = Credentials(settings_for(fake, mcp_calls_per_minute=100), clock=clock)
    async with fs.FreshserviceClient(fake.url, timeout=5) as client:
        fake.clear_journal("_unattributed")
        for _ in range(20):
            assert "did not accept the API key" in await _refused(credentials, client, "nope-1")
        assert len(fake.journal("_unattributed")) == 1
        clock.now += Credentials.REFUSED_FOR + 0.1
        await _refused(credentials, client, "nope-1")
        assert len(fake.journal("_unattributed")) == 2


async def test_refused_keys_stop_new_key_checks_from_that_client_only(fake: Fake) -> None:
    credentials = Credentials(settings_for(fake, mcp_calls_per_minute=0))  # limits off
    async with fs.FreshserviceClient(fake.url, timeout=5) as client:
        assert await credentials.caller_id(client, fs.ToolCall(key=ADMIN_KEY, budget=0)) > 0
        for n in range(Credentials.MIN_REFUSALS):
            await _refused(credentials, client, f"wrong-{n}", "10.0.0.9")
        fake.clear_journal("_unattributed")
        text = await _refused(credentials, client, "wrong-more", "10.0.0.9")
        assert "Too many API keys from this client were refused" in text
        assert fake.journal("_unattributed") == []
        known = fs.ToolCall(key=ADMIN_KEY, budget=0)
        assert await credentials.caller_id(client, known, "10.0.0.9") > 0
        other = fs.ToolCall(key="demo-acme-agent-key", budget=0)
        assert await credentials.caller_id(client, other, "10.0.0.10") > 0
