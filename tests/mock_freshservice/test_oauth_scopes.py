"""The OAuth scope each route needs (mock_freshservice/oauth/scopes.py)."""

from __future__ import annotations

import pytest

from mock_freshservice import FakeSettings, create_app
from mock_freshservice.oauth.scopes import ALL_SCOPES, UNMAPPED_SCOPE, required_scope
from tests.conftest import NOW


@pytest.fixture(scope="module")
def served() -> list[tuple[str, str]]:
    """Every (method, rule) the default fake serves under /api/v2, HEAD/OPTIONS aside."""
    app = create_app(FakeSettings(now=NOW))
    return sorted(
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v2")
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}
    )


def test_every_served_route_needs_a_known_scope(served: list[tuple[str, str]]) -> None:
    assert len(served) > 200  # the whole API, not an empty or partial app
    unknown = [
        (method, rule) for method, rule in served if required_scope(method, rule) not in ALL_SCOPES
    ]
    assert unknown == []


def test_every_known_scope_is_needed_by_a_served_route(served: list[tuple[str, str]]) -> None:
    needed = {required_scope(method, rule) for method, rule in served}
    assert set(ALL_SCOPES) - needed == set()


def test_all_scopes_are_sorted_without_duplicates() -> None:
    assert list(ALL_SCOPES) == sorted(set(ALL_SCOPES))


@pytest.mark.parametrize(
    ("method", "rule", "scope"),
    [
        # [MP] freshworks-developers/marketplace freshservice_service_tickets.md, and [INV]
        # (api.freshservice.com #view_all_ticket).
        ("GET", "/api/v2/tickets", "freshservice.tickets.view"),
        # [INV] api.freshservice.com #create_a_reply.
        (
            "POST",
            "/api/v2/tickets/<int:ticket_id>/reply",
            "freshservice.tickets.conversations.create",
        ),
        # [INV] #create_a_note: a ticket note is a conversation, not a ticket edit.
        (
            "POST",
            "/api/v2/tickets/<int:ticket_id>/notes",
            "freshservice.tickets.conversations.create",
        ),
        # [MP] tickets, [INV] #delete_a_ticket_attachment: an edit, not a delete.
        (
            "DELETE",
            "/api/v2/tickets/<int:ticket_id>/attachments/<int:attachment_id>",
            "freshservice.tickets.edit",
        ),
        # [MP] tickets, [INV] #restore_a_ticket: restoring needs the delete scope.
        ("PUT", "/api/v2/tickets/<int:ticket_id>/restore", "freshservice.tickets.delete"),
        # [MP] freshservice_service_asset.md, [INV] #create_an_asset: assets use manage.
        ("POST", "/api/v2/assets", "freshservice.assets.manage"),
        # [MP] freshservice_service_user.md, [INV] #list_all_agents: manage even to read.
        ("GET", "/api/v2/agents", "freshservice.agents.manage"),
        # [MP] user, [INV] #convert_to_agent.
        (
            "PUT",
            "/api/v2/requesters/<int:requester_id>/convert_to_agent",
            "freshservice.requesters.manage",
        ),
        # [MP] freshservice_service_change.md and [INV] #view_a_change_approval agree.
        (
            "GET",
            "/api/v2/changes/<int:change_id>/approvals/<int:approval_id>",
            "freshservice.tickets.view",
        ),
        # [INV] #list_all_service_items (edit to read) and #search_service_item (view).
        ("GET", "/api/v2/service_catalog/items", "freshservice.service_catalog.edit"),
        ("GET", "/api/v2/service_catalog/items/search", "freshservice.service_catalog.view"),
        # [MP] tickets, [INV] #create_service_request: placing a request creates a ticket.
        (
            "POST",
            "/api/v2/service_catalog/items/<int:display_id>/place_request",
            "freshservice.tickets.create",
        ),
        # [INV] #create_solution_article.
        ("POST", "/api/v2/solutions/articles", "freshservice.solutions.publish"),
        # [INV] #onboarding_form.
        (
            "GET",
            "/api/v2/onboarding_requests/form",
            "freshservice.onboarding_requests.fields.view",
        ),
        # [INV] #list_all_asset_types (the list) vs #view_an_asset_type (one type).
        ("GET", "/api/v2/asset_types", "freshservice.assets.view"),
        ("GET", "/api/v2/asset_types/<int:asset_type_id>", "freshservice.asset_types.view"),
    ],
)
def test_documented_examples_get_their_documented_scope(method: str, rule: str, scope: str) -> None:
    assert required_scope(method, rule) == scope


def test_an_alias_path_needs_its_reference_paths_scope() -> None:
    assert required_scope("GET", "/api/v2/agent_groups/<int:agent_group_id>") == required_scope(
        "GET", "/api/v2/groups/<int:group_id>"
    )


def test_head_needs_what_get_needs() -> None:
    rule = "/api/v2/tickets/<int:ticket_id>/restore"
    assert required_scope("HEAD", rule) == required_scope("GET", rule)


def test_an_unknown_sub_path_inherits_its_nearest_familys_scope() -> None:
    rule = "/api/v2/problems/<int:problem_id>/notes/<int:note_id>/something_new"
    assert required_scope("DELETE", rule) == "freshservice.problems.notes.delete"


@pytest.mark.parametrize(
    ("method", "rule"),
    [
        ("GET", "/api/v2/no_such_resource"),  # no family at all
        ("GET", "/other/tickets"),  # outside /api/v2
        ("POST", "/api/v2/business_hours"),  # a family, but not this action
        ("OPTIONS", "/api/v2/tickets"),  # a method that maps to no action
    ],
)
def test_an_unknown_route_needs_a_scope_no_token_can_hold(method: str, rule: str) -> None:
    assert required_scope(method, rule) == UNMAPPED_SCOPE
    assert UNMAPPED_SCOPE not in ALL_SCOPES
