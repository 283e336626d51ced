"""Facts of Freshworks' MCP guide (its support article on the hosted server) the tests check."""

from __future__ import annotations

# The 34 tool names of Freshworks' MCP guide, in its order: one list, kept in `contracts` so the
# contract suites (which cannot import tests/) check against the same names.
from contracts.seed import SEED_TOOLS

FETCH_TOOLS = tuple(name for name in SEED_TOOLS if name.startswith("fetch"))


# Verbatim from the guide's "Example prompts".
SEED_PROMPTS = {
    "open_tickets_assigned_to_me": "Get all open tickets assigned to me.",
    "ticket_details": "Show details for ticket 10234.",
    "add_internal_note": (
        "Add an internal note to ticket 1023: 'The issue is caused by a sudden router reboot.'"
    ),
    "search_service_catalog": "Search the service catalog for 'laptop'.",
    "request_software": "Request a software installation for Zoom for john@acme.com.",
    "find_solution_articles": "Find solution articles for 'VPN issue'.",
    "articles_in_folder": "Get all articles in the 'Laptop Issues' folder.",
}
