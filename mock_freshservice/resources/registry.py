"""Every declared resource, parents before the resources under them, and each after those its
seed links to (changes name projects and problems; releases name changes)."""

from __future__ import annotations

from mock_freshservice.resources import (
    approvals,
    canned,
    catalogue,
    changes,
    components,
    help_desk,
    organisation,
    problems,
    projects,
    purchasing,
    releases,
    software,
    ticket_work,
)
from mock_freshservice.resources.declaration import Resource

RESOURCES: tuple[Resource, ...] = (
    *organisation.RESOURCES,
    *help_desk.RESOURCES,
    *catalogue.RESOURCES,
    *canned.RESOURCES,
    *purchasing.RESOURCES,
    *components.RESOURCES,
    *software.RESOURCES,
    *projects.RESOURCES,
    *problems.RESOURCES,
    *changes.RESOURCES,
    *releases.RESOURCES,
    *approvals.RESOURCES,
    ticket_work.TASKS,
    ticket_work.TIME_ENTRIES,
)
