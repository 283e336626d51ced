"""The Freshservice OAuth scopes each tool needs: those of every endpoint it calls, as the API
reference names them (the fake checks the same table: mock_freshservice/oauth/scopes.py).

A token without them is refused before the tool runs (403 `insufficient_scope`, naming them),
so nothing is sent upstream. `tests/server/test_oauth_scopes.py` calls each tool against the fake
with a token holding exactly these scopes, so a tool that starts calling another endpoint fails
there until its row here grows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

TICKETS_VIEW = "freshservice.tickets.view"
SOLUTIONS_VIEW = "freshservice.solutions.view"

TOOL_SCOPES: Mapping[str, tuple[str, ...]] = {
    "fetchTickets": (TICKETS_VIEW,),
    "fetchTicket": (TICKETS_VIEW,),
    "createTicket": ("freshservice.tickets.create",),
    "updateTicket": ("freshservice.tickets.edit",),
    "createTicketNote": ("freshservice.tickets.conversations.create",),
    "fetchAssets": ("freshservice.assets.view",),
    "fetchAsset": ("freshservice.assets.view",),
    "createAsset": ("freshservice.assets.manage",),
    "updateAsset": ("freshservice.assets.manage",),
    # The reference asks `agents.manage` even to read agents.
    "fetchAgents": ("freshservice.agents.manage",),
    "fetchAgent": ("freshservice.agents.manage",),
    "fetchRequesters": ("freshservice.requesters.view",),
    "fetchRequester": ("freshservice.requesters.view",),
    "fetchOnboardingRequest": ("freshservice.onboarding_requests.view",),
    "fetchOnboardingRequestForm": ("freshservice.onboarding_requests.fields.view",),
    # The create tools read the form first, to check the fields they were given.
    "createOnboardingRequest": (
        "freshservice.onboarding_requests.create",
        "freshservice.onboarding_requests.fields.view",
    ),
    "fetchOffboardingRequests": ("freshservice.offboarding_requests.view",),
    "createOffboardingRequest": (
        "freshservice.offboarding_requests.create",
        "freshservice.offboarding_requests.fields.view",
    ),
    "fetchOffboardingRequestTickets": ("freshservice.offboarding_requests.view",),
    "placeRequestServiceCatalogItem": ("freshservice.tickets.create",),
    "fetchServiceCatalogItemSearch": ("freshservice.service_catalog.view",),
    # The reference lists `service_catalog.edit` for reading items (not `.view`).
    "fetchServiceCatalogItem": ("freshservice.service_catalog.edit",),
    "fetchServiceCatalogItems": ("freshservice.service_catalog.edit",),
    "fetchSolutionCategories": (SOLUTIONS_VIEW,),
    "fetchSolutionCategory": (SOLUTIONS_VIEW,),
    "fetchSolutionFolders": (SOLUTIONS_VIEW,),
    "fetchSolutionFolder": (SOLUTIONS_VIEW,),
    "createSolutionFolder": ("freshservice.solutions.manage",),
    "fetchSolutionArticles": (SOLUTIONS_VIEW,),
    "fetchSolutionArticle": (SOLUTIONS_VIEW,),
    "createSolutionArticle": ("freshservice.solutions.publish",),
    "updateSolutionArticle": ("freshservice.solutions.publish",),
    "fetchSolutionArticleSearch": (SOLUTIONS_VIEW,),
    "fetchWorkspaces": ("freshservice.workspaces.view",),
}


def scopes_for(tools: Iterable[str]) -> list[str]:
    """Every scope the given tools need, sorted: what the server's metadata lists."""
    return sorted({scope for tool in tools for scope in TOOL_SCOPES.get(tool, ())})


def missing(tool: str, granted: Iterable[str]) -> list[str]:
    """The scopes `tool` needs that `granted` lacks."""
    held = set(granted)
    return [scope for scope in TOOL_SCOPES.get(tool, ()) if scope not in held]
