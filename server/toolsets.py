"""The toolsets, declared once: `--toolsets` takes their names, its help and the server's
instructions say what each holds, and each tool module names its own. Standard library only:
the command line reads it before any tool is imported."""

from __future__ import annotations

import dataclasses


@dataclasses.dataclass(frozen=True, slots=True)
class Toolset:
    name: str
    holds: str  # what its tools work on, as the server's instructions and --help say it


TICKETS = Toolset("tickets", "tickets and their notes")
ASSETS = Toolset("assets", "assets, with their types' fields")
PEOPLE = Toolset("people", "agents and requesters")
ONBOARDING = Toolset("onboarding", "employee onboarding and offboarding requests")
SERVICE_CATALOG = Toolset("service_catalog", "the service catalog and its requests")
SOLUTIONS = Toolset("solutions", "solution categories, folders and articles")
WORKSPACES = Toolset("workspaces", "workspaces")

TOOLSETS = (TICKETS, ASSETS, PEOPLE, ONBOARDING, SERVICE_CATALOG, SOLUTIONS, WORKSPACES)
NAMES = tuple(toolset.name for toolset in TOOLSETS)


def listed(toolsets: tuple[Toolset, ...] = TOOLSETS) -> str:
    """`tickets (tickets and their notes), assets (…), …` for help and instructions."""
    return ", ".join(f"{toolset.name} ({toolset.holds})" for toolset in toolsets)
