"""The seven example prompts of Freshworks' MCP guide, as MCP prompt templates a client can offer.

Each renders the document's wording with its arguments filled in; the defaults are the
document's own values, so a client can offer the prompt as written. A prompt is offered only
when the tools it needs are enabled (toolsets, read-only).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Annotated

from pydantic import Field

from server.tools.common import EMAIL_PATTERN

TicketId = Annotated[int, Field(ge=1, description="The ticket's id.")]


@dataclasses.dataclass(frozen=True, slots=True)
class PromptSpec:
    name: str
    title: str
    render: Callable[..., str]
    needs: tuple[str, ...]  # the tools an assistant would call, in order


def _open_tickets_assigned_to_me() -> str:
    return "Get all open tickets assigned to me."


def _ticket_details(ticket_id: TicketId = 10234) -> str:
    return f"Show details for ticket {ticket_id}."


def _add_internal_note(
    ticket_id: TicketId = 1023,
    note: Annotated[
        str, Field(min_length=1, max_length=65_535, description="The note's text.")
    ] = "The issue is caused by a sudden router reboot.",
) -> str:
    return f"Add an internal note to ticket {ticket_id}: '{note}'"


def _search_service_catalog(
    search_term: Annotated[
        str, Field(min_length=1, max_length=255, description="What to look for, e.g. laptop.")
    ] = "laptop",
) -> str:
    return f"Search the service catalog for '{search_term}'."


def _request_software(
    software: Annotated[
        str, Field(min_length=1, max_length=255, description="The catalog item, e.g. Zoom.")
    ] = "Zoom",
    email: Annotated[
        str,
        Field(
            max_length=255,
            pattern=EMAIL_PATTERN,
            description="Email of the person it is for.",
        ),
    ] = "john@acme.com",
) -> str:
    return f"Request a software installation for {software} for {email}."


def _find_solution_articles(
    search_term: Annotated[
        str, Field(min_length=1, max_length=255, description="What to look for, e.g. VPN issue.")
    ] = "VPN issue",
) -> str:
    return f"Find solution articles for '{search_term}'."


def _articles_in_folder(
    folder: Annotated[
        str, Field(min_length=1, max_length=255, description="The folder's name.")
    ] = "Laptop Issues",
) -> str:
    return f"Get all articles in the '{folder}' folder."


PROMPTS = (
    PromptSpec(
        "open_tickets_assigned_to_me",
        "Open tickets assigned to me",
        _open_tickets_assigned_to_me,
        ("fetchTickets",),
    ),
    PromptSpec("ticket_details", "Ticket details", _ticket_details, ("fetchTicket",)),
    PromptSpec(
        "add_internal_note",
        "Add an internal note to a ticket",
        _add_internal_note,
        ("createTicketNote",),
    ),
    PromptSpec(
        "search_service_catalog",
        "Search the service catalog",
        _search_service_catalog,
        ("fetchServiceCatalogItemSearch",),
    ),
    PromptSpec(
        "request_software",
        "Request software for someone",
        _request_software,
        ("fetchServiceCatalogItemSearch", "placeRequestServiceCatalogItem"),
    ),
    PromptSpec(
        "find_solution_articles",
        "Find solution articles",
        _find_solution_articles,
        ("fetchSolutionArticleSearch",),
    ),
    PromptSpec(
        "articles_in_folder",
        "Articles in a solution folder",
        _articles_in_folder,
        ("fetchSolutionCategories", "fetchSolutionFolders", "fetchSolutionArticles"),
    ),
)
