"""fetchAgents, fetchAgent, fetchRequesters, fetchRequester against the demo dataset."""

from __future__ import annotations

import urllib.parse

import pytest

from tests.processes import Fake
from tests.server.conftest import (
    AGENT_KEY,
    PRIYA,
    SAM,
    error_text,
    in_memory,
    requests_of,
    requests_past_the_key_check,
    settings_for,
    structured,
)

pytestmark = pytest.mark.anyio

JOHN = 21000000013


async def test_fetchagent_me_is_the_keys_own_agent(fake: Fake) -> None:
    async with in_memory(settings_for(fake, api_key=AGENT_KEY)) as client:
        me = structured(await client.call_tool("fetchAgent", {"agent_id": "me"}))
    assert me["id"] == SAM and me["name"]


async def test_fetchagent_by_id_shows_groups_roles_and_workspaces(fake: Fake) -> None:
    async with in_memory(settings_for(fake)) as client:
        priya = structured(await client.call_tool("fetchAgent", {"agent_id": PRIYA}))
    assert priya["name"] == "Priya Raman"
    assert priya["group_ids"] and priya["roles"] and priya["workspace_ids"]
    assert priya["signature_text"] is None or "<" not in priya["signature_text"]


async def test_fetchagent_refuses_any_word_but_me(fake: Fake) -> None:
    fake.clear_journal()
    async with in_memory(settings_for(fake)) as client:
        result = await client.call_tool("fetchAgent", {"agent_id": "myself"})
    assert "agent_id" in error_text(result)
    assert requests_past_the_key_check(fake.journal()) == []  # only the key was checked


async def test_fetchagents_pages_by_first_name_with_next_page(fake: Fake) -> None:
    async with in_memory(settings_for(fake)) as client:
        first = structured(await client.call_tool("fetchAgents", {"per_page": 3}))
        second = structured(await client.call_tool("fetchAgents", {"per_page": 3, "page": 2}))
    names = [a["name"] for a in first["agents"] + second["agents"]]
    assert names == sorted(names, key=str.lower) and len(set(names)) == 6
    assert first["next_page"] == 2


async def test_fetchagents_query_pages_by_30_and_is_sent_in_double_quotes(fake: Fake) -> None:
    fake.clear_journal()
    async with in_memory(settings_for(fake)) as client:
        found = structured(await client.call_tool("fetchAgents", {"query": "first_name:'Priya'"}))
    assert [a["id"] for a in found["agents"]] == [PRIYA]
    assert found["per_page"] == 30 and found["next_page"] is None
    sent = [e for e in fake.journal() if e["path"] == "/api/v2/agents"]
    assert urllib.parse.parse_qs(sent[0]["query"])["query"] == ["\"first_name:'Priya'\""]


async def test_fetchagents_refuses_an_unknown_query_field_before_any_request(fake: Fake) -> None:
    fake.clear_journal()
    async with in_memory(settings_for(fake)) as client:
        result = await client.call_tool("fetchAgents", {"query": "salary:>3"})
    assert "query: unknown field 'salary'" in error_text(result)
    assert "GET /api/v2/agents" not in requests_of(fake.journal())


async def test_fetchagents_filters_by_active_and_state(fake: Fake) -> None:
    async with in_memory(settings_for(fake)) as client:
        active = structured(
            await client.call_tool("fetchAgents", {"active": True, "state": "fulltime"})
        )
    assert active["agents"] and all(a["active"] and not a["occasional"] for a in active["agents"])


async def test_fetchrequesters_finds_one_by_email(fake: Fake) -> None:
    async with in_memory(settings_for(fake)) as client:
        found = structured(await client.call_tool("fetchRequesters", {"email": "JOHN@acme.com"}))
    assert [(r["id"], r["name"]) for r in found["requesters"]] == [(JOHN, "John Carter")]


async def test_fetchrequesters_lists_agents_only_when_asked(fake: Fake) -> None:
    async with in_memory(settings_for(fake)) as client:
        without = structured(
            await client.call_tool("fetchRequesters", {"query": "first_name:'Priya'"})
        )
        with_agents = structured(
            await client.call_tool(
                "fetchRequesters", {"email": "priya.raman@acme.com", "include_agents": True}
            )
        )
    assert without["requesters"] == []
    assert [(r["id"], r["is_agent"]) for r in with_agents["requesters"]] == [(PRIYA, True)]


async def test_fetchrequester_shows_emails_and_phones(fake: Fake) -> None:
    async with in_memory(settings_for(fake)) as client:
        john = structured(await client.call_tool("fetchRequester", {"requester_id": JOHN}))
    assert john["primary_email"] == "john@acme.com" and john["is_agent"] is False


async def test_a_missing_requester_is_named(fake: Fake) -> None:
    async with in_memory(settings_for(fake)) as client:
        result = await client.call_tool("fetchRequester", {"requester_id": 404404})
    assert "Requester 404404 was not found (404)" in error_text(result)


async def test_a_query_cannot_be_combined_with_email(fake: Fake) -> None:
    async with in_memory(settings_for(fake)) as client:
        result = await client.call_tool(
            "fetchRequesters", {"query": "first_name:'J'", "email": "john@acme.com"}
        )
    assert "query cannot be combined with email" in error_text(result)


async def test_a_starts_with_query_finds_people_by_the_start_of_their_name(fake: Fake) -> None:
    async with in_memory(settings_for(fake)) as client:
        found = structured(
            await client.call_tool("fetchAgents", {"query": "~[first_name|last_name]:'pri'"})
        )
        whole = structured(await client.call_tool("fetchAgents", {"query": "first_name:'pri'"}))
    assert [a["id"] for a in found["agents"]] == [PRIYA]
    assert whole["agents"] == []  # without ~[…] a value matches whole


async def test_a_starts_with_query_refuses_a_field_it_cannot_search(fake: Fake) -> None:
    async with in_memory(settings_for(fake)) as client:
        result = await client.call_tool("fetchRequesters", {"query": "~[job_title]:'Eng'"})
    assert "'job_title' cannot be searched with ~[…]" in error_text(result)


async def test_a_filter_query_stops_at_page_40(fake: Fake) -> None:
    async with in_memory(settings_for(fake)) as client:
        result = await client.call_tool("fetchRequesters", {"query": "language:'en'", "page": 41})
    assert "at most 40 pages" in error_text(result)
