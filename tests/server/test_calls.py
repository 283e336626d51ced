"""What every tool call goes through: strict arguments, the caller's key, Freshservice's rate
limits and failures, and errors an LLM can act on. The SDK's in-memory client on a server
talking to a real fake over loopback."""

from __future__ import annotations

import json
import re
import typing
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import httpx
import jsonschema
import pytest
from mcp import Client

from server.app import build_server
from server.freshservice import fingerprint
from server.tools.common import Result
from server.tools.inventory import TOOLS
from tests.processes import Fake, running_fake, running_server
from tests.server.conftest import (
    ADMIN_KEY,
    AGENT_KEY,
    PRIYA,
    REQUESTER_KEY,
    error_text,
    in_memory,
    requests_of,
    requests_past_the_key_check,
    settings_for,
    structured,
)

pytestmark = pytest.mark.anyio

INITECH_ADMIN_KEY = "demo-initech-admin-key"


# -- Arguments are checked against the published schema, before anything is sent -----------------


@pytest.mark.parametrize(
    ("arguments", "named"),
    [
        ({"ticket_id": 1023, "include_everything": True}, "unknown argument(s) include_everything"),
        ({"ticket_id": "1023"}, "ticket_id: '1023' is not of type 'integer'"),
        ({"ticket_id": 10.5}, "ticket_id: 10.5 is not of type 'integer'"),
        ({"ticket_id": True}, "ticket_id: True is not of type 'integer'"),
        ({"ticket_id": 0}, "ticket_id: 0 is less than the minimum of 1"),
        ({}, "missing argument(s) ticket_id"),
        (
            {"ticket_id": 1023, "include": ["conversation"]},
            "include.0: 'conversation' is not one of",
        ),
    ],
    ids=["unknown", "string-for-int", "float", "bool", "below-minimum", "missing", "bad-enum"],
)
async def test_a_wrong_argument_is_a_tool_error_naming_it(
    fake: Fake, arguments: dict[str, Any], named: str
) -> None:
    fake.clear_journal()
    async with in_memory(settings_for(fake)) as client:
        result = await client.call_tool("fetchTicket", arguments)
    assert named in error_text(result)
    assert requests_past_the_key_check(fake.journal()) == []  # only the key was checked


async def test_a_code_accepts_its_name_but_not_a_stringified_number(fake: Fake) -> None:
    async with in_memory(settings_for(fake)) as client:
        by_name = await client.call_tool("fetchTickets", {"priority": "urgent", "status": "open"})
        as_text = await client.call_tool("fetchTickets", {"priority": "4"})
    assert {t["priority"] for t in structured(by_name)["tickets"]} == {4}
    assert "priority" in error_text(as_text)


# -- The caller's key ----------------------------------------------------------------------------


async def test_each_key_is_checked_once_with_agents_me(fake: Fake) -> None:
    fake.clear_journal()
    async with in_memory(settings_for(fake)) as client:
        for ticket_id in (1023, 10234, 10236):
            structured(await client.call_tool("fetchTicket", {"ticket_id": ticket_id}))
    assert requests_of(fake.journal()) == [
        "GET /api/v2/agents/me",
        "GET /api/v2/tickets/1023",
        "GET /api/v2/tickets/10234",
        "GET /api/v2/tickets/10236",
    ]


async def test_a_requester_key_is_refused_with_a_readable_error(fake: Fake) -> None:
    async with in_memory(settings_for(fake, api_key=REQUESTER_KEY)) as client:
        result = await client.call_tool("fetchTickets", {})
    text = error_text(result)
    assert "requester" in text and "agent" in text and REQUESTER_KEY not in text


async def test_a_revoked_key_gets_one_401_error_and_no_retries(fake: Fake) -> None:
    fake.clear_journal("initech.freshservice.com")
    fake.revoke(INITECH_ADMIN_KEY)
    try:
        async with in_memory(settings_for(fake, api_key=INITECH_ADMIN_KEY)) as client:
            result = await client.call_tool("fetchTicket", {"ticket_id": 500})
    finally:
        fake.restore(INITECH_ADMIN_KEY)
    assert "401 invalid_credentials" in error_text(result)
    assert [e["status"] for e in fake.journal("initech.freshservice.com")] == [401]


async def test_a_key_revoked_mid_session_gets_one_401_and_is_checked_again_later(
    fake: Fake,
) -> None:
    domain = "initech.freshservice.com"
    async with in_memory(settings_for(fake, api_key=INITECH_ADMIN_KEY)) as client:
        structured(await client.call_tool("fetchTicket", {"ticket_id": 500}))
        fake.clear_journal(domain)
        fake.revoke(INITECH_ADMIN_KEY)
        try:
            revoked = await client.call_tool("fetchTicket", {"ticket_id": 501})
            refused = [(e["path"], e["status"]) for e in fake.journal(domain)]
        finally:
            fake.restore(INITECH_ADMIN_KEY)
        fake.clear_journal(domain)
        structured(await client.call_tool("fetchTicket", {"ticket_id": 501}))
    assert "401" in error_text(revoked)
    assert refused == [("/api/v2/tickets/501", 401)]
    assert requests_of(fake.journal(domain)) == ["GET /api/v2/agents/me", "GET /api/v2/tickets/501"]


async def test_a_restricted_agent_is_told_their_role_lacks_the_privilege(fake: Fake) -> None:
    async with in_memory(settings_for(fake, api_key=AGENT_KEY)) as client:
        result = await client.call_tool(
            "createTicket", {"subject": "s", "description": "d", "email": "john@acme.com"}
        )
    text = error_text(result)
    assert "403 access_denied" in text and "role" in text


# -- Freshservice's errors, as tool errors -------------------------------------------------------


async def test_a_validation_error_names_each_field_with_freshservices_message(fake: Fake) -> None:
    async with in_memory(settings_for(fake)) as client:
        result = await client.call_tool(
            "createTicket",
            {"subject": "s", "description": "d", "email": "not-an-email", "due_by": "someday"},
        )
    text = error_text(result)
    assert "400 validation failed" in text
    assert "email: It should be in the 'valid email address' format (invalid_value)" in text
    assert "due_by:" in text


async def test_a_missing_record_is_named_with_its_id(fake: Fake) -> None:
    async with in_memory(settings_for(fake)) as client:
        result = await client.call_tool("fetchTicket", {"ticket_id": 987654})
    assert "Ticket 987654 was not found (404)" in error_text(result)


async def test_a_deleted_ticket_cannot_be_updated(fake: Fake) -> None:
    async with in_memory(settings_for(fake)) as client:
        result = await client.call_tool("updateTicket", {"ticket_id": 10200, "priority": 2})
    assert "ticket 10200" in error_text(result)


# -- Freshservice's rate limit and failures ------------------------------------------------------


@pytest.fixture(scope="module")
def quick_fake() -> Iterator[Fake]:
    """A fake whose rate windows last 2 seconds, so Retry-After is short."""
    with running_fake("--rate-window", "2") as running:
        yield running


def _at(entry: dict[str, Any]) -> float:
    return datetime.fromisoformat(entry["time"]).timestamp()


async def test_a_429_burst_is_ridden_out_and_nothing_is_sent_before_retry_after(
    quick_fake: Fake,
) -> None:
    domain = "globex.freshservice.com"
    quick_fake.set_plan(domain, "starter", {"overall": 3})
    quick_fake.clear_journal(domain)
    settings = settings_for(quick_fake, api_key="demo-globex-admin-key", retry_budget=10.0)
    try:
        async with in_memory(settings) as client:
            for ticket_id in range(1, 8):
                structured(await client.call_tool("fetchTicket", {"ticket_id": ticket_id}))
    finally:
        quick_fake.set_plan(domain, "unlimited")
    journal = quick_fake.journal(domain)
    limited = [e for e in journal if e["status"] == 429]
    assert limited, "the plan should have refused some requests"
    for refused in limited:
        following = [e for e in journal if e["seq"] > refused["seq"]]
        assert following, "a refused request must be followed by its retry"
        # The journal keeps milliseconds; allow for that rounding.
        assert _at(following[0]) >= _at(refused) + refused["retry_after"] - 0.002
    assert sum(1 for e in journal if e["status"] == 200) == 1 + 7  # agents/me + seven tickets


async def test_a_429_longer_than_the_retry_budget_becomes_an_error_with_the_wait(
    quick_fake: Fake,
) -> None:
    domain = "initech.freshservice.com"
    quick_fake.set_plan(domain, "starter", {"overall": 1})
    settings = settings_for(quick_fake, api_key=INITECH_ADMIN_KEY, retry_budget=0.0)
    try:
        async with in_memory(settings) as client:
            result = await client.call_tool("fetchTicket", {"ticket_id": 500})
    finally:
        quick_fake.set_plan(domain, "unlimited")
    text = error_text(result)
    assert "429" in text and re.search(r"Try again in [12] seconds", text)


def _unavailable_after_post(request: httpx.Request) -> httpx.Response:
    if request.url.path == "/api/v2/agents/me":
        return httpx.Response(200, json={"agent": {"id": PRIYA}})
    return httpx.Response(503, json={"message": "Service unavailable"})


async def test_a_503_after_create_is_reported_as_maybe_created_and_not_resent(fake: Fake) -> None:
    sent: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(f"{request.method} {request.url.path}")
        return _unavailable_after_post(request)

    settings = settings_for(fake)
    async with in_memory_with(settings, httpx.MockTransport(handler)) as client:
        result = await client.call_tool(
            "createTicket", {"subject": "s", "description": "d", "email": "john@acme.com"}
        )
    assert "may or may not have been created" in error_text(result)
    assert sent == ["GET /api/v2/agents/me", "POST /api/v2/tickets"]


def in_memory_with(settings: Any, transport: httpx.AsyncBaseTransport) -> Client:
    return Client(build_server(settings, transport=transport))


# -- Results sized for an LLM ----------------------------------------------------------------------


async def test_a_list_over_the_size_limit_is_cut_with_a_notice_and_still_matches_its_schema(
    fake: Fake,
) -> None:
    async with in_memory(settings_for(fake, max_result_bytes=3_000)) as client:
        schema = next(
            t.output_schema for t in (await client.list_tools()).tools if t.name == "fetchTickets"
        )
        page = structured(await client.call_tool("fetchTickets", {"per_page": 100}))
    jsonschema.validate(page, schema)
    assert page["truncated"] is True
    assert 0 < len(page["tickets"]) < 100
    assert f"Cut to {len(page['tickets'])} of 100" in page["notice"]


async def test_the_text_copy_of_a_result_is_its_compact_json_within_the_size_limit(
    fake: Fake,
) -> None:
    async with in_memory(settings_for(fake, max_result_bytes=3_000)) as client:
        result = await client.call_tool("fetchTickets", {"per_page": 100})
    [text] = result.content
    assert json.loads(text.text) == structured(result)
    assert len(text.text.encode()) <= 3_000


def test_every_result_model_says_whether_it_was_cut() -> None:
    for spec in TOOLS:
        model = typing.get_type_hints(spec.handler)["return"]
        assert issubclass(model, Result), spec.name


# -- fetchTickets builds the filter query --------------------------------------------------------


async def test_assigned_to_me_status_and_priority_become_one_filter_query(fake: Fake) -> None:
    fake.clear_journal()
    async with in_memory(settings_for(fake)) as client:
        page = structured(
            await client.call_tool(
                "fetchTickets", {"assigned_to_me": True, "status": "open", "priority": "urgent"}
            )
        )
    sent = [e for e in fake.journal() if e["path"] == "/api/v2/tickets/filter"]
    assert len(sent) == 1
    assert httpx.QueryParams(sent[0]["query"])["query"] == (
        f'"agent_id:{PRIYA} AND status:2 AND priority:4"'
    )
    assert page["per_page"] == 30 and page["total"] == len(page["tickets"])
    assert {(t["responder_id"], t["status"], t["priority"]) for t in page["tickets"]} == {
        (PRIYA, 2, 4)
    }


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("colour:'red'", "colour"),
        ("priority:>>3", "priority"),
        ("status:2 AND", "AND"),
        ("subject:'printer'", "subject"),
    ],
)
async def test_a_bad_query_is_refused_before_any_request(
    fake: Fake, query: str, named: str
) -> None:
    async with in_memory(settings_for(fake)) as client:
        structured(await client.call_tool("fetchTicket", {"ticket_id": 1023}))  # caches the caller
        fake.clear_journal()
        result = await client.call_tool("fetchTickets", {"query": query})
    text = error_text(result)
    assert text.startswith("Error executing tool fetchTickets: query:") and named in text
    assert fake.journal() == []


async def test_a_preset_filter_cannot_be_combined_with_a_query(fake: Fake) -> None:
    async with in_memory(settings_for(fake)) as client:
        result = await client.call_tool("fetchTickets", {"filter": "spam", "status": 2})
    assert "filter cannot be combined" in error_text(result)


async def test_filter_query_pages_by_30_with_next_page_from_the_total(fake: Fake) -> None:
    async with in_memory(settings_for(fake)) as client:
        first = structured(await client.call_tool("fetchTickets", {"status": "open"}))
        last_page = -(-first["total"] // 30)
        last = structured(
            await client.call_tool("fetchTickets", {"status": "open", "page": last_page})
        )
    assert first["total"] > 30 and len(first["tickets"]) == 30 and first["next_page"] == 2
    assert last["next_page"] is None and len(last["tickets"]) == first["total"] - 30 * (
        last_page - 1
    )


async def test_list_pages_follow_the_link_header(fake: Fake) -> None:
    async with in_memory(settings_for(fake)) as client:
        first = structured(await client.call_tool("fetchTickets", {"per_page": 100}))
        second = structured(await client.call_tool("fetchTickets", {"per_page": 100, "page": 2}))
    assert first["next_page"] == 2
    assert {t["id"] for t in first["tickets"]}.isdisjoint({t["id"] for t in second["tickets"]})


async def test_createticket_needs_a_requester(fake: Fake) -> None:
    async with in_memory(settings_for(fake)) as client:
        result = await client.call_tool("createTicket", {"subject": "s", "description": "d"})
    assert "requester_id, email or phone" in error_text(result)


async def test_updateticket_needs_a_field_to_change(fake: Fake) -> None:
    async with in_memory(settings_for(fake)) as client:
        result = await client.call_tool("updateTicket", {"ticket_id": 1023})
    assert "at least one field" in error_text(result)


async def test_list_items_are_compact_and_html_free(fake: Fake) -> None:
    async with in_memory(settings_for(fake)) as client:
        page = structured(await client.call_tool("fetchTickets", {"per_page": 30}))
    for item in page["tickets"]:
        assert "description" not in item
        preview = item["description_preview"] or ""
        assert "<" not in preview and len(preview) <= 200
        assert item["status_name"] and item["priority_name"]


async def test_the_tool_call_log_line_names_tool_key_fingerprint_calls_status_and_ms(
    fake: Fake, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("INFO", logger="freshservice_mcp")
    async with in_memory(settings_for(fake)) as client:
        structured(await client.call_tool("fetchTicket", {"ticket_id": 1023}))
    line = next(r.getMessage() for r in caplog.records if r.name == "freshservice_mcp")
    assert re.match(
        rf"tool=fetchTicket key={fingerprint(ADMIN_KEY)} upstream=2 status=200 ms=[0-9.]+ "
        r"result=ok request_id=[0-9a-f]{32}$",
        line,
    )


# -- Regressions from review 3 --------------------------------------------------------------------


@pytest.mark.parametrize("query", ["status:2 OR(priority:4)", "status:2\tOR priority:4"])
async def test_an_or_in_the_query_cannot_swallow_assigned_to_me(fake: Fake, query: str) -> None:
    fake.clear_journal()
    async with in_memory(settings_for(fake)) as client:
        page = structured(
            await client.call_tool("fetchTickets", {"query": query, "assigned_to_me": True})
        )
    sent = [e for e in fake.journal() if e["path"] == "/api/v2/tickets/filter"]
    assert httpx.QueryParams(sent[0]["query"])["query"] == f'"({query}) AND agent_id:{PRIYA}"'
    assert page["tickets"]
    assert {t["responder_id"] for t in page["tickets"]} == {PRIYA}


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("created_at:>'2026-13-45'", "created_at"),
        ("updated_at:>'2026-02-30'", "updated_at"),
        ("due_by:<'2026-11-30T10:00:00Z'", "due_by"),
    ],
)
async def test_an_impossible_or_misplaced_date_is_refused_before_any_request(
    fake: Fake, query: str, named: str
) -> None:
    async with in_memory(settings_for(fake)) as client:
        structured(await client.call_tool("fetchTicket", {"ticket_id": 1023}))
        fake.clear_journal()
        result = await client.call_tool("fetchTickets", {"query": query})
    assert named in error_text(result)
    assert fake.journal() == []


async def test_updated_since_keeps_its_time_in_a_filter_query(fake: Fake) -> None:
    fake.clear_journal()
    async with in_memory(settings_for(fake)) as client:
        structured(
            await client.call_tool(
                "fetchTickets", {"status": "open", "updated_since": "2026-10-20T18:00:00Z"}
            )
        )
    sent = [e for e in fake.journal() if e["path"] == "/api/v2/tickets/filter"]
    assert httpx.QueryParams(sent[0]["query"])["query"] == (
        "\"status:2 AND updated_at:>'2026-10-20T18:00:00Z'\""
    )


@pytest.mark.parametrize("value", ["yesterday", "2026-02-30", "2026-01-01" + "x" * 70_000])
async def test_a_bad_updated_since_is_refused_naming_it(fake: Fake, value: str) -> None:
    async with in_memory(settings_for(fake)) as client:
        result = await client.call_tool("fetchTickets", {"updated_since": value})
    assert "updated_since" in error_text(result)


def test_a_number_json_cannot_carry_is_refused_naming_it(fake: Fake) -> None:
    # Raw JSON-RPC: the SDK's own clients would turn 1e400 into null before sending it.
    body = (
        '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"updateTicket",'
        '"arguments":{"ticket_id":1023,"custom_fields":{"cost":1e400}}}}'
    )
    with running_server(fake.url, api_key=ADMIN_KEY) as server:
        answer = httpx.post(
            server.mcp_url,
            content=body,
            headers={"Content-Type": "application/json", "MCP-Protocol-Version": "2025-11-25",
                     "Accept": "application/json, text/event-stream"},
        ).json()  # fmt: skip
    assert answer["result"]["isError"] is True
    assert "custom_fields.cost: must be a finite number" in answer["result"]["content"][0]["text"]


def _answering(response: httpx.Response) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/v2/agents/me":
            return httpx.Response(200, json={"agent": {"id": PRIYA}})
        return response

    return httpx.MockTransport(handler)


@pytest.mark.parametrize(
    ("response", "said"),
    [
        (httpx.Response(200, json={}), "lacked what fetchTicket needs (no ticket record)"),
        (httpx.Response(301, headers={"Location": "https://elsewhere/"}), "redirect"),
        (httpx.Response(414, text="<html>414</html>"), "414"),
    ],
    ids=["no record", "redirect", "414"],
)
async def test_an_unexpected_answer_is_a_clear_tool_error(
    fake: Fake, response: httpx.Response, said: str
) -> None:
    async with in_memory_with(settings_for(fake), _answering(response)) as client:
        result = await client.call_tool("fetchTicket", {"ticket_id": 1})
    assert said in error_text(result)
    assert "Error executing tool fetchTicket: Error" not in error_text(result)


async def test_stats_with_more_keys_than_documented_are_read(fake: Fake) -> None:
    body = {"ticket": {"id": 1, "subject": "s", "status": 2, "priority": 1,
                       "created_at": "2026-11-02T12:00:00Z", "updated_at": "2026-11-02T12:00:00Z",
                       "stats": {"resolved_at": None, "agent_responded_at": "2026-11-02T12:00:00Z"}}}  # fmt: skip
    async with in_memory_with(
        settings_for(fake), _answering(httpx.Response(200, json=body))
    ) as client:
        shown = structured(
            await client.call_tool("fetchTicket", {"ticket_id": 1, "include": ["stats"]})
        )
    assert shown["stats"]["resolved_at"] is None
