"""The OAuth 2.0 scope each route of the fake would need from a bearer token.

Freshservice has accepted Freshworks OAuth tokens since April 2024. Each endpoint in the API
reference (api.freshservice.com) names one "OAuth 2.0 Scope"; this module records that scope
for every route the fake serves under `/api/v2`, so that the fake can check bearer tokens the
way Freshservice does. Nothing here reads a token: `required_scope` only answers "which scope".

Sources (checked 2026; the reference page itself was not in any corpus we could read):

- [MP] Freshworks' own per-endpoint scope lists ("ITSM Scope: ..."), in
  github.com/freshworks-developers/marketplace, `skills/app-dev/references/architecture/`
  `freshservice_service_tickets.md`, `..._asset.md`, `..._change.md`, `..._user.md`.
- [INV] A public endpoint inventory of api.freshservice.com (Markdown, 536 operations, dated
  2026-10-01) whose "OAuth scope" column was taken from the reference's per-operation scope
  blocks, each row linking to the reference's anchor (e.g. `#create_a_reply`). The code index
  we searched did not name its repository. It is the only source for problems, releases,
  solutions, service catalog, contracts, software, onboarding, canned responses and most of
  the organisation modules. Where it and [MP] disagree (change approvals), [INV] wins: it is
  newer and keeps per-operation quirks that [MP] flattens into copies of the ticket rows.
- Scope *names* only (no endpoint mapping): the OAuth scope lists of dust-tt/dust
  (`front/lib/api/oauth/providers/freshservice.ts`) and of a Freshworks developer-portal app
  quoted in a public integration note; both agree with the names below.
- Freshworks' swagger (freshworks/freshworks-api-sdk,
  `codegen/freshservice/freshservice-v2.0.1.swagger.yml`) carries no scopes: its only
  security definition is the API-key header.

How a route is looked up: `/api/v2/` is stripped, each `<converter:name>` segment becomes `*`,
and a few alias paths the fake also serves (from Freshworks' OpenAPI file) are rewritten to the
reference's path. Then an exact (method, path) exception wins; else the family of the longest
matching path prefix turns the method into an action: GET/HEAD view, POST create, PUT/PATCH
edit, DELETE delete. A sub-path the tables do not name inherits its nearest family's scope, as
the reference's own sub-resources do (activities, csat_response and requested_items are all
`tickets.view`). A path with no family at all, or an unknown method, gets `UNMAPPED_SCOPE`,
which is not in `ALL_SCOPES`: no token the fake issues can hold it, so the request is refused.

Every guess sits in the section headed GUESSES, each marked `UNCONFIRMED:`. Guesses reuse a
documented scope name rather than invent one, so a client asking for real scopes can reach
every route.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Final

__all__ = ["ALL_SCOPES", "OWN_IDENTITY_RULES", "UNMAPPED_SCOPE", "required_scope"]

# What an unknown route needs: outside ALL_SCOPES, so never granted (fail closed).
UNMAPPED_SCOPE: Final = "freshservice.unmapped"

_API_PREFIX: Final = "/api/v2/"

# HEAD is Flask's automatic twin of GET and reads the same data.
_ACTION_OF_METHOD: Final[Mapping[str, str]] = {
    "GET": "view",
    "HEAD": "view",
    "POST": "create",
    "PUT": "edit",
    "PATCH": "edit",
    "DELETE": "delete",
}

_ACTIONS: Final = ("view", "create", "edit", "delete")

Family = Mapping[str, str]  # action ("view", "create", "edit", "delete") -> scope


def _crud(module: str) -> Family:
    """The reference's usual shape: `freshservice.<module>.view/.create/.edit/.delete`."""
    return {action: f"freshservice.{module}.{action}" for action in _ACTIONS}


def _every(scope: str) -> Family:
    """One scope for every action (agents: `agents.manage` even to read)."""
    return dict.fromkeys(_ACTIONS, scope)


# First path segments the fake also serves under another name: Freshworks' OpenAPI file's
# spellings (see resources/organisation.py, resources/canned.py, api/service_catalog.py). The
# scope belongs to the operation, so the alias takes the reference path's scope.
_ALIASES: Final[Mapping[str, str]] = {
    "agent_groups": "groups",
    "canned_response": "canned_responses",
    "canned_response_folder": "canned_response_folders",
    "service_items": "service_catalog/items",
}

_ASSETS: Final[Family] = {
    "view": "freshservice.assets.view",
    "create": "freshservice.assets.manage",
    "edit": "freshservice.assets.manage",
    "delete": "freshservice.assets.delete",
}
_SOLUTION_CONTAINERS: Final[Family] = {
    "view": "freshservice.solutions.view",
    "create": "freshservice.solutions.manage",
    "edit": "freshservice.solutions.manage",
    "delete": "freshservice.solutions.manage",
}

# -- Confirmed: path-prefix families ------------------------------------------------------------
# A family lists only the actions its documented routes use; a missing action is UNMAPPED.

_FAMILIES: Final[Mapping[str, Family]] = {
    # Tickets [MP tickets; INV "Tickets", "Ticket tasks", "Time Entries", "CSAT", "Service
    # Requests"]: activities, csat_response, requested_items, filter and create_child_ticket
    # follow the family.
    "tickets": _crud("tickets"),
    "tickets/*/tasks": _crud("tickets.tasks"),
    "tickets/*/time_entries": _crud("tickets.time_entries"),
    # Asking for, cancelling and reminding an approval all edit the ticket [MP; INV]. The fake
    # spells cancel and remind `/cancel` and `/resend_approval` (the OpenAPI file's paths).
    "tickets/*/approvals": {
        "view": "freshservice.tickets.view",
        "create": "freshservice.tickets.edit",
        "edit": "freshservice.tickets.edit",
    },
    # Conversations have their own scopes [INV "Conversations"]; only the list is per ticket.
    "tickets/*/conversations": {"view": "freshservice.tickets.conversations.view"},
    "conversations": {  # conversations/{id} and conversations/{id}/attachments/{id}
        "edit": "freshservice.tickets.conversations.edit",
        "delete": "freshservice.tickets.conversations.delete",
    },
    # Reading the ticket form needs the *manage* scope [MP; INV "List all Ticket Fields"].
    "ticket_form_fields": {"view": "freshservice.tickets.fields.manage"},
    "ticket_fields": {"create": "freshservice.tickets.fields.manage"},  # POST .../sources
    # Problems [INV "Problems"].
    "problems": _crud("problems"),
    "problems/*/notes": _crud("problems.notes"),
    "problems/*/tasks": _crud("problems.tasks"),
    "problems/*/time_entries": _crud("problems.time_entries"),
    "problem_form_fields": {"view": "freshservice.problems.fields.view"},
    # Changes [MP change; INV "Changes"]: move_workspace and approval_chain are edits.
    "changes": _crud("changes"),
    "changes/*/notes": _crud("changes.notes"),
    "changes/*/tasks": _crud("changes.tasks"),
    "changes/*/time_entries": _crud("changes.time_entries"),
    # [INV]; [MP] says tickets.view/tickets.edit here, copied from its ticket rows.
    "changes/*/approvals": {
        "view": "freshservice.changes.view",
        "edit": "freshservice.changes.edit",
    },
    # Even listing approval groups needs changes.edit [INV; MP has tickets.edit]. The reference
    # spells it `approval-groups` and cancels with a PUT on the group; `approval_chain` is its
    # `approval-chain-rule` (changes.edit).
    "changes/*/approval_groups": {
        "view": "freshservice.changes.edit",
        "create": "freshservice.changes.edit",
        "edit": "freshservice.changes.edit",
    },
    "change_form_fields": {"view": "freshservice.changes.view"},  # [MP; INV]: no fields scope
    # Releases [INV "Releases"].
    "releases": _crud("releases"),
    "releases/*/notes": _crud("releases.notes"),
    "releases/*/tasks": _crud("releases.tasks"),
    "releases/*/time_entries": _crud("releases.time_entries"),
    "release_form_fields": {"view": "freshservice.releases.view"},
    # People [MP user; INV "Requesters", "Agents", "Agent roles", "Agent groups", "Requester
    # groups"]. forget is a delete, merge an edit; agents need agents.manage for everything.
    "requesters": _crud("requesters"),
    "requester_fields": {"view": "freshservice.requesters.fields.view"},
    "requester_groups": {
        "view": "freshservice.requesters.view",
        "create": "freshservice.requesters.edit",
        "edit": "freshservice.requesters.edit",
        "delete": "freshservice.requesters.delete",
    },
    # Membership is an edit of the group, even to list it [INV].
    "requester_groups/*/members": {
        "view": "freshservice.requesters.edit",
        "create": "freshservice.requesters.edit",
        "delete": "freshservice.requesters.edit",
    },
    "agents": _every("freshservice.agents.manage"),
    "agent_fields": {"view": "freshservice.agents.fields.view"},
    "roles": {"view": "freshservice.agents.roles.view"},
    "groups": {  # POST is a guess: see GUESSES
        "view": "freshservice.agentgroups.manage",
        "edit": "freshservice.agentgroups.manage",
        "delete": "freshservice.agentgroups.manage",
    },
    # Organisation [INV "Departments", "Locations", "Business hours", "Workspaces"].
    "departments": {
        "view": "freshservice.departments.view",
        "create": "freshservice.departments.manage",
        "edit": "freshservice.departments.manage",
        "delete": "freshservice.departments.delete",
    },
    "department_fields": {"view": "freshservice.departments.fields.view"},
    "locations": _crud("locations"),
    "business_hours": {"view": "freshservice.business_hours.view"},
    "workspaces": {"view": "freshservice.workspaces.view"},
    # Purchasing [INV "Products", "Vendors", "Purchase orders"]; products say `update`.
    "products": {
        "view": "freshservice.products.view",
        "create": "freshservice.products.create",
        "edit": "freshservice.products.update",
        "delete": "freshservice.products.delete",
    },
    "vendors": _crud("vendors"),
    "purchase_orders": _crud("purchase_orders"),
    # Assets and software share assets.view/.manage/.delete [MP asset; INV "Assets / CMDB",
    # "Software"]; requests and contracts of an asset are reads.
    "assets": _ASSETS,
    "assets/*/components": {
        "view": "freshservice.assets.view",
        "create": "freshservice.assets.manage",
        "edit": "freshservice.assets.manage",
    },
    "asset_types": _crud("asset_types"),  # [INV "Asset types"]; two reads differ, below
    "applications": _ASSETS,
    "applications/*/licenses": {"view": "freshservice.assets.manage"},  # [INV] manage to read
    "applications/*/installations": {
        "view": "freshservice.assets.view",
        "create": "freshservice.assets.manage",
    },
    # Contracts have no delete operation in the reference [INV "Contracts"].
    "contracts": {
        "view": "freshservice.contracts.view",
        "create": "freshservice.contracts.create",
        "edit": "freshservice.contracts.edit",
    },
    "contract_types": {"view": "freshservice.contract_types.view"},
    # Solutions [INV "Solutions"]: containers need manage, articles publish (even drafts).
    "solutions/categories": _SOLUTION_CONTAINERS,
    "solutions/folders": _SOLUTION_CONTAINERS,
    "solutions/articles": {
        "view": "freshservice.solutions.view",
        "create": "freshservice.solutions.publish",
        "edit": "freshservice.solutions.publish",
        "delete": "freshservice.solutions.delete",
    },
    # Viewing service items needs service_catalog.edit; only search takes .view [INV].
    "service_catalog/items": {"view": "freshservice.service_catalog.edit"},
    # Help desk [INV "Announcements", "Employee onboarding/offboarding", "Canned responses"].
    "announcements": _crud("announcements"),
    "onboarding_requests": {
        "view": "freshservice.onboarding_requests.view",
        "create": "freshservice.onboarding_requests.create",
    },
    "offboarding_requests": {
        "view": "freshservice.offboarding_requests.view",
        "create": "freshservice.offboarding_requests.create",
    },
    "canned_responses": {"view": "freshservice.canned_responses.view"},
    "canned_response_folders": {"view": "freshservice.canned_responses.view"},
}

# -- Confirmed: exceptions to their family, (method, path) -> scope ----------------------------

_EXCEPTIONS: Final[Mapping[tuple[str, str], str]] = {
    # Restoring from trash needs the delete scope [MP; INV].
    ("PUT", "tickets/*/restore"): "freshservice.tickets.delete",
    ("PUT", "problems/*/restore"): "freshservice.problems.delete",
    ("PUT", "releases/*/restore"): "freshservice.releases.delete",
    ("PUT", "assets/*/restore"): "freshservice.assets.delete",
    ("PUT", "requesters/*/reactivate"): "freshservice.requesters.delete",
    # Removing a ticket's attachment edits the ticket [MP; INV].
    ("DELETE", "tickets/*/attachments/*"): "freshservice.tickets.edit",
    # Replies and notes are conversations [INV "Create a Reply", "Create a Note"].
    ("POST", "tickets/*/reply"): "freshservice.tickets.conversations.create",
    ("POST", "tickets/*/notes"): "freshservice.tickets.conversations.create",
    # One change approval is read with the ticket scope [MP and INV agree].
    ("GET", "changes/*/approvals/*"): "freshservice.tickets.view",
    ("PUT", "requesters/*/convert_to_agent"): "freshservice.requesters.manage",  # [MP; INV]
    ("GET", "asset_types"): "freshservice.assets.view",  # the list, unlike one type [INV]
    ("GET", "asset_types/*/fields"): "freshservice.assets.manage",  # [INV]
    ("GET", "service_catalog/items/search"): "freshservice.service_catalog.view",  # [INV]
    # Placing a request creates a ticket [MP; INV].
    ("POST", "service_catalog/items/*/place_request"): "freshservice.tickets.create",
    ("GET", "onboarding_requests/form"): "freshservice.onboarding_requests.fields.view",
    ("GET", "offboarding_requests/form"): "freshservice.offboarding_requests.fields.view",
}

# -- GUESSES ------------------------------------------------------------------------------------
# Routes no source gives a scope for: the fake serves them (from Freshworks' OpenAPI file or by
# analogy) but the reference either lacks them or lists "(none)" for them.

_GUESSED_FAMILIES: Final[Mapping[str, Family]] = {
    # UNCONFIRMED: the reference lists no scope for the service category list; reading the
    # catalog's other lists takes service_catalog.view (search).
    "service_catalog/categories": {"view": "freshservice.service_catalog.view"},
    # UNCONFIRMED: `/service_requests` is the OpenAPI file's path for placing a request (a
    # ticket: tickets.create, as place_request) and updating one (a ticket edit).
    "service_requests": {
        "create": "freshservice.tickets.create",
        "edit": "freshservice.tickets.edit",
    },
    # UNCONFIRMED: component types are not in the reference; components are read with
    # assets.view.
    "component_types": {"view": "freshservice.assets.view"},
    # UNCONFIRMED: legacy projects list "(none)"; the new-gen /pm/projects scopes are used:
    # view to read, manage for writes and archive/restore, projects.tasks.* for task writes.
    "projects": {
        "view": "freshservice.projects.view",
        "create": "freshservice.projects.manage",
        "edit": "freshservice.projects.manage",
        "delete": "freshservice.projects.manage",
    },
    "projects/*/tasks": {
        "view": "freshservice.projects.view",
        "create": "freshservice.projects.tasks.create",
        "edit": "freshservice.projects.tasks.edit",
        "delete": "freshservice.projects.tasks.delete",
    },
    # UNCONFIRMED: no surveys scope exists in any source; CSAT answers are read with
    # tickets.view, so surveys are read with it and changed with tickets.edit.
    "surveys": {
        "view": "freshservice.tickets.view",
        "create": "freshservice.tickets.edit",
        "edit": "freshservice.tickets.edit",
        "delete": "freshservice.tickets.edit",
    },
}

_GUESSED_EXCEPTIONS: Final[Mapping[tuple[str, str], str]] = {
    # UNCONFIRMED: the fake's per-ticket conversation paths; the reference's
    # /conversations/{id} takes conversations.edit/.delete for the same operations.
    ("PUT", "tickets/*/conversations/*"): "freshservice.tickets.conversations.edit",
    ("DELETE", "tickets/*/conversations/*"): "freshservice.tickets.conversations.delete",
    # UNCONFIRMED: changes have no restore in the reference; every other restore takes the
    # module's delete scope.
    ("PUT", "changes/*/restore"): "freshservice.changes.delete",
    # UNCONFIRMED: only the list of change approval groups is documented (changes.edit).
    ("GET", "changes/*/approval_groups/*"): "freshservice.changes.edit",
    # UNCONFIRMED: /agents/me is not in the reference; viewing any agent takes agents.manage.
    # The fake does not check it for a token's own agent: see OWN_IDENTITY_RULES.
    ("GET", "agents/me"): "freshservice.agents.manage",
    # UNCONFIRMED: [INV] lists `freshservice.agentgroups.manage.itsm` for this one operation,
    # likely the reference's ITSM/MSP scope columns run together; no other source has that
    # name, so the family's scope is used.
    ("POST", "groups"): "freshservice.agentgroups.manage",
    # UNCONFIRMED: an asset's software and one component are reads of the asset (assets.view);
    # deleting a component changes the asset, as removing software users does (assets.manage).
    ("GET", "assets/*/applications"): "freshservice.assets.view",
    ("GET", "assets/*/components/*"): "freshservice.assets.view",
    ("DELETE", "assets/*/components/*"): "freshservice.assets.manage",
    # UNCONFIRMED: only the list and the add of installations are documented; removing devices
    # in bulk takes assets.manage.
    ("GET", "applications/*/installations/*"): "freshservice.assets.view",
    ("PUT", "applications/*/installations/*"): "freshservice.assets.manage",
    ("DELETE", "applications/*/installations/*"): "freshservice.assets.manage",
    # UNCONFIRMED: only listing licenses is documented, and it takes assets.manage.
    ("POST", "applications/*/licenses"): "freshservice.assets.manage",
    ("GET", "applications/*/licenses/*"): "freshservice.assets.manage",
    ("DELETE", "applications/*/licenses/*"): "freshservice.assets.manage",
    # UNCONFIRMED: the reference has no contract delete and no contracts.delete scope.
    ("DELETE", "contracts/*"): "freshservice.contracts.edit",
    # UNCONFIRMED: one contract type; the reference documents the list and its fields only.
    ("GET", "contract_types/*"): "freshservice.contract_types.view",
    # UNCONFIRMED: the reference documents canned responses read-only and has no write scope
    # for them; writes take the module's only scope.
    ("POST", "canned_responses"): "freshservice.canned_responses.view",
    ("PUT", "canned_responses/*"): "freshservice.canned_responses.view",
    ("DELETE", "canned_responses/*"): "freshservice.canned_responses.view",
    ("POST", "canned_response_folders"): "freshservice.canned_responses.view",
    ("PUT", "canned_response_folders/*"): "freshservice.canned_responses.view",
    ("DELETE", "canned_response_folders/*"): "freshservice.canned_responses.view",
    # UNCONFIRMED: the OpenAPI file's item-fields path; viewing an item takes
    # service_catalog.edit.
    ("GET", "catalog/item/*/fields"): "freshservice.service_catalog.edit",
    # UNCONFIRMED: the fake's own contract, not a Freshservice endpoint, served without
    # credentials (app.py skips auth for it); a read scope is named only so no route lacks one.
    ("GET", "openapi.json"): "freshservice.tickets.view",
}

# -- Lookup -------------------------------------------------------------------------------------

ALL_SCOPES: Final[tuple[str, ...]] = tuple(
    sorted(
        {scope for family in _FAMILIES.values() for scope in family.values()}
        | {scope for family in _GUESSED_FAMILIES.values() for scope in family.values()}
        | set(_EXCEPTIONS.values())
        | set(_GUESSED_EXCEPTIONS.values())
    )
)


def _path_pattern(rule: str) -> str | None:
    """`/api/v2/tickets/<int:ticket_id>/notes` -> `tickets/*/notes`; None outside /api/v2."""
    if not rule.startswith(_API_PREFIX):
        return None
    segments = [
        "*" if segment.startswith("<") and segment.endswith(">") else segment
        for segment in rule[len(_API_PREFIX) :].split("/")
        if segment
    ]
    if not segments:
        return None
    segments[0] = _ALIASES.get(segments[0], segments[0])
    return "/".join(segments)


@functools.lru_cache(maxsize=2048)
def _resolve(method: str, rule: str) -> tuple[str, bool]:
    """The scope and whether a source confirms it (False for guesses and UNMAPPED)."""
    method = method.upper()
    action = _ACTION_OF_METHOD.get(method)
    pattern = _path_pattern(rule)
    if action is None or pattern is None:
        return UNMAPPED_SCOPE, False
    key = ("GET" if method == "HEAD" else method, pattern)
    if key in _EXCEPTIONS:
        return _EXCEPTIONS[key], True
    if key in _GUESSED_EXCEPTIONS:
        return _GUESSED_EXCEPTIONS[key], False
    segments = pattern.split("/")
    # The nearest family owns the path: a missing action there does not fall to a shorter one.
    for end in range(len(segments), 0, -1):
        prefix = "/".join(segments[:end])
        for families, confirmed in ((_FAMILIES, True), (_GUESSED_FAMILIES, False)):
            family = families.get(prefix)
            if family is not None:
                scope = family.get(action)
                return (scope, confirmed) if scope is not None else (UNMAPPED_SCOPE, False)
    return UNMAPPED_SCOPE, False


# UNCONFIRMED: what a token needs to read its own agent. Clients must learn whose token they
# hold (the MCP server asks before its first call for a token), and `agents.manage` is an
# admin's scope; so any valid token of the account may read `/agents/me`, as OpenID's userinfo
# asks no scope beyond signing in. The fake skips the scope check for these rules.
OWN_IDENTITY_RULES: Final = frozenset({"/api/v2/agents/me"})


def required_scope(method: str, rule: str) -> str:
    """The OAuth scope a `method` request to the Flask URL rule `rule` needs.

    `rule` is the matched route's rule string (`/api/v2/tickets/<int:ticket_id>/conversations`).
    A route the tables do not know gets `UNMAPPED_SCOPE`, which no token holds.
    """
    return _resolve(method, rule)[0]
