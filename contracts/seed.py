"""Facts of Freshworks' MCP guide (its support article on the hosted Freshservice MCP server)
that the contract suites check a server against."""

from __future__ import annotations

# The 34 tool names of Freshworks' MCP guide (docs/freshservice.md §18), in its order. Tool
# names are public API: every build must list exactly these.
SEED_TOOLS = (
    "fetchTickets", "fetchTicket", "createTicket", "updateTicket", "createTicketNote",
    "fetchAssets", "fetchAsset", "createAsset", "updateAsset",
    "fetchAgents", "fetchAgent", "fetchRequesters", "fetchRequester",
    "fetchOnboardingRequest", "fetchOnboardingRequestForm", "createOnboardingRequest",
    "fetchOffboardingRequests", "createOffboardingRequest", "fetchOffboardingRequestTickets",
    "placeRequestServiceCatalogItem", "fetchServiceCatalogItemSearch", "fetchServiceCatalogItem",
    "fetchServiceCatalogItems",
    "fetchSolutionCategories", "fetchSolutionCategory", "fetchSolutionFolders",
    "fetchSolutionFolder", "createSolutionFolder", "fetchSolutionArticles",
    "fetchSolutionArticle", "createSolutionArticle", "updateSolutionArticle",
    "fetchSolutionArticleSearch",
    "fetchWorkspaces",
)  # fmt: skip
