"""Every operation of Freshworks' own OpenAPI file (all 217, copied into `swagger_operations.yaml`,
whose header names the source) is served by the fake and in its OpenAPI document; the file's
typos are mapped to the documented paths by name."""

from __future__ import annotations

import functools
import re
from pathlib import Path

import pytest
import yaml

from mock_freshservice.app import openapi_document

OPERATIONS = Path(__file__).with_name("swagger_operations.yaml")

# Where the file disagrees with the API reference, the reference's operation is the one served.
SWAGGER_TYPOS = {
    "/problem/{problem_id}": "/problems/{problem_id}",  # swagger typo
    "/release/{release_id}": "/releases/{release_id}",  # swagger typo
    "/onboarding_requests/id": "/onboarding_requests/{request_id}",  # swagger typo: id unbraced
}
SWAGGER_METHOD_TYPOS = {
    "GET /tickets/{ticket_id}/restore": "PUT /tickets/{ticket_id}/restore",  # swagger typo
}


@functools.cache
def listed() -> dict[str, list[str]]:
    loaded: dict[str, list[str]] = yaml.safe_load(OPERATIONS.read_text())
    return loaded


def documented(operation: str) -> str:
    """The reference's spelling of one of the file's operations, without `/api/v2`."""
    method, path = operation.split(" ", 1)
    path = path.removeprefix("/api/v2")
    for typo, right in SWAGGER_TYPOS.items():
        if path == typo or path.startswith(f"{typo}/"):
            path = right + path.removeprefix(typo)
    found = f"{method} {path}"
    return SWAGGER_METHOD_TYPOS.get(found, found)


def shape(operation: str) -> str:
    """An operation with its path parameters unnamed: the file calls a project `{id}` where the
    fake calls it `{project_id}`, and both mean the same route."""
    return re.sub(r"\{[a-z_]+\}", "{}", operation)


def served() -> set[str]:
    return {
        shape(f"{method.upper()} {path}")
        for path, operations in openapi_document()["paths"].items()
        for method in operations
        if method != "parameters"
    }


MODULES = [
    "Tickets", "Problems", "Changes", "Releases", "Projects", "Departments", "Agent Groups",
    "Locations", "Business Hours", "Announcements", "Products", "Vendors",
    "Customer Satisfaction Surveys", "Employee Onboarding", "Requesters", "Agents",
    "Canned Responses", "Canned Response Folders", "Purchase Orders", "Assets", "Applications",
    "Asset Types", "Solution Articles", "Service Catalog",
]  # fmt: skip


def test_the_copied_file_lists_the_modules_served() -> None:
    assert list(listed()) == MODULES
    assert sum(len(operations) for operations in listed().values()) == 217


def test_an_unbraced_id_of_the_file_maps_to_the_documented_operation() -> None:
    assert (
        documented("GET /api/v2/onboarding_requests/id/tickets")
        == "GET /onboarding_requests/{request_id}/tickets"
    )


def test_a_typo_of_the_file_maps_to_the_documented_operation() -> None:
    assert documented("GET /api/v2/release/{release_id}") == "GET /releases/{release_id}"
    assert (
        documented("GET /api/v2/tickets/{ticket_id}/restore") == "PUT /tickets/{ticket_id}/restore"
    )


@pytest.mark.parametrize("module", MODULES)
def test_every_operation_of_freshworks_openapi_file_is_in_the_fakes_document(module: str) -> None:
    document = served()
    missing = [
        documented(operation)
        for operation in listed()[module]
        if shape(documented(operation)) not in document
    ]
    assert missing == [], f"{module}: not served: {missing}"
