"""The seven example prompts of Freshworks' MCP guide as MCP prompts: listed, rendered, refused."""

from __future__ import annotations

import pytest
from mcp import MCPError

from tests.processes import Fake
from tests.seed import SEED_PROMPTS
from tests.server.conftest import in_memory, settings_for

pytestmark = pytest.mark.anyio


async def test_the_seven_prompts_render_the_documents_wording_by_default(fake: Fake) -> None:
    async with in_memory(settings_for(fake)) as client:
        listed = (await client.list_prompts()).prompts
        rendered = {p.name: (await client.get_prompt(p.name, {})).messages for p in listed}
    assert {name: [m.content.text for m in messages] for name, messages in rendered.items()} == {
        name: [text] for name, text in SEED_PROMPTS.items()
    }
    assert all(m.role == "user" for messages in rendered.values() for m in messages)


async def test_prompt_arguments_name_the_id_term_email_or_folder(fake: Fake) -> None:
    async with in_memory(settings_for(fake)) as client:
        listed = {p.name: p for p in (await client.list_prompts()).prompts}
    arguments = {name: [a.name for a in p.arguments or []] for name, p in listed.items()}
    assert arguments == {
        "open_tickets_assigned_to_me": [],
        "ticket_details": ["ticket_id"],
        "add_internal_note": ["ticket_id", "note"],
        "search_service_catalog": ["search_term"],
        "request_software": ["software", "email"],
        "find_solution_articles": ["search_term"],
        "articles_in_folder": ["folder"],
    }
    assert all(a.description and not a.required for p in listed.values() for a in p.arguments or [])


async def test_arguments_fill_the_prompt(fake: Fake) -> None:
    async with in_memory(settings_for(fake)) as client:
        note = await client.get_prompt(
            "add_internal_note", {"ticket_id": "77", "note": "Rebooted."}
        )
        zoom = await client.get_prompt(
            "request_software", {"software": "Slack", "email": "ann@acme.com"}
        )
    assert note.messages[0].content.text == "Add an internal note to ticket 77: 'Rebooted.'"
    assert zoom.messages[0].content.text == (
        "Request a software installation for Slack for ann@acme.com."
    )


@pytest.mark.parametrize(
    ("name", "arguments", "named"),
    [
        ("ticket_details", {"ticket_id": "abc"}, "ticket_id: Input should be a valid integer"),
        ("ticket_details", {"ticket_id": "0"}, "ticket_id: Input should be greater than"),
        (
            "ticket_details",
            {"ticket": "1"},
            "Unknown argument(s) for prompt ticket_details: ticket",
        ),
        ("request_software", {"email": "nobody"}, "email: String should match pattern"),
        ("no_such_prompt", {}, "Unknown prompt: no_such_prompt"),
    ],
    ids=["not-a-number", "below-minimum", "unknown-argument", "bad-email", "unknown-prompt"],
)
async def test_a_bad_prompt_request_is_invalid_params_naming_the_problem(
    fake: Fake, name: str, arguments: dict[str, str], named: str
) -> None:
    async with in_memory(settings_for(fake)) as client:
        with pytest.raises(MCPError) as raised:
            await client.get_prompt(name, arguments)
    assert raised.value.error.code == -32602
    assert named in raised.value.error.message


async def test_a_prompt_is_offered_only_with_the_tools_it_needs(fake: Fake) -> None:
    async with in_memory(settings_for(fake, toolsets=("tickets",))) as client:
        tickets_only = {p.name for p in (await client.list_prompts()).prompts}
    async with in_memory(settings_for(fake, read_only=True)) as client:
        read_only = {p.name for p in (await client.list_prompts()).prompts}
    assert tickets_only == {"open_tickets_assigned_to_me", "ticket_details", "add_internal_note"}
    assert read_only == set(SEED_PROMPTS) - {"add_internal_note", "request_software"}
