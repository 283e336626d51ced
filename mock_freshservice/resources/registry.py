"""Every declared resource, parents before the resources under them."""

from __future__ import annotations

from mock_freshservice.resources import problems, ticket_work
from mock_freshservice.resources.declaration import Resource

RESOURCES: tuple[Resource, ...] = (*problems.RESOURCES, ticket_work.TASKS, ticket_work.TIME_ENTRIES)
