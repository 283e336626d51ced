"""Roles and the privileges they grant.

Privilege names follow Freshservice's OAuth scopes without the `freshservice.` prefix, so the
fake's 403s line up with what a real tenant's scope table documents. A dataset may add roles.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

# Modules any agent sees and only an admin changes.
ADMINISTERED = (
    "departments", "groups", "locations", "announcements", "business_hours", "vendors", "products",
    "surveys", "roles", "canned_responses", "purchase_orders", "applications", "contracts",
    "requester_groups",
)  # fmt: skip
ALL_PRIVILEGES: frozenset[str] = frozenset(
    {
        "tickets.view",
        "tickets.create",
        "tickets.edit",
        "tickets.delete",
        "tickets.conversations.view",
        "tickets.conversations.create",
        "tickets.conversations.edit",
        "tickets.conversations.delete",
        "tickets.fields.manage",
        "assets.view",
        "assets.manage",
        "agents.view",
        "agents.manage",
        "requesters.view",
        "requesters.manage",
        "solutions.view",
        "solutions.manage",
        "solutions.publish",
        "service_catalog.view",
        "service_catalog.request",
        "onboarding_requests.view",
        "onboarding_requests.create",
        "offboarding_requests.view",
        "offboarding_requests.create",
        "workspaces.view",
        # Problems, changes, releases and projects (the declared resources' scopes).
        *(
            f"{module}.{verb}"
            for module in ("problems", "changes", "releases", "projects")
            for verb in ("view", "create", "edit", "delete")
        ),
        # The organisation and the help desk's furniture (ADMINISTERED).
        *(
            f"{module}.{verb}"
            for module in ADMINISTERED
            for verb in ("view", "create", "edit", "delete")
        ),
    }
)


@dataclasses.dataclass(frozen=True, slots=True)
class Role:
    name: str
    privileges: frozenset[str]
    is_agent: bool

    def allows(self, privilege: str) -> bool:
        return privilege in self.privileges


_AGENT = ALL_PRIVILEGES - {
    "agents.manage",
    "requesters.manage",
    "tickets.fields.manage",
    *(f"{module}.{verb}" for module in ADMINISTERED for verb in ("create", "edit", "delete")),
}

BUILT_IN_ROLES: Mapping[str, Role] = {
    "admin": Role("admin", ALL_PRIVILEGES, is_agent=True),
    "agent": Role("agent", _AGENT, is_agent=True),
    # The demo "restricted" agent: works tickets it is given but cannot raise new ones, nor
    # change assets, the knowledge base or on/offboarding.
    "restricted_agent": Role(
        "restricted_agent",
        _AGENT
        - {
            "tickets.create",
            "tickets.delete",
            "assets.manage",
            "solutions.manage",
            "solutions.publish",
            "onboarding_requests.create",
            "offboarding_requests.create",
            *(
                f"{module}.{verb}"
                for module in ("problems", "changes", "releases", "projects")
                for verb in ("create", "edit", "delete")
            ),
        },
        is_agent=True,
    ),
    # A requester sees and raises only their own tickets (see guesses.REQUESTER_KEYS).
    "requester": Role(
        "requester",
        frozenset(
            {
                "tickets.view",
                "tickets.create",
                "tickets.conversations.view",
                "tickets.conversations.create",
                "solutions.view",
                "service_catalog.view",
                "service_catalog.request",
            }
        ),
        is_agent=False,
    ),
}


def build_roles(extra: Mapping[str, tuple[str, ...]]) -> dict[str, Role]:
    """Built-in roles plus the dataset's; a dataset role named `requester…` is not an agent."""
    roles = dict(BUILT_IN_ROLES)
    for name, privileges in extra.items():
        unknown = set(privileges) - ALL_PRIVILEGES
        if unknown:
            raise ValueError(f"role {name!r}: unknown privileges {sorted(unknown)}")
        roles[name] = Role(name, frozenset(privileges), is_agent=not name.startswith("requester"))
    return roles
