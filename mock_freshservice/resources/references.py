"""Whether the ids a request body names are records: `Field.references`, for the declared
resources (`engine.py`) and the hand-written writes that declare their bodies as fields (people).

Kept apart from the engine so that a resource module may check references in its own hooks
without importing the engine (which imports the request plumbing).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from mock_freshservice.data.account import AccountData
from mock_freshservice.errors import FieldError
from mock_freshservice.resources.fields import Field

# Resource names other than declared ones that `Field.references` may name, and the table each
# reads: the hand-written resources of the fake.
_BUILT_IN: Mapping[str, Callable[[AccountData], Any]] = {
    "agents": lambda a: a.agents,
    "requesters": lambda a: a.requesters,
    "groups": lambda a: a.groups,
    "departments": lambda a: a.departments,
    "locations": lambda a: a.locations,
    "asset_types": lambda a: a.asset_types,
    "workspaces": lambda a: a.workspaces,
    "tickets": lambda a: a.tickets,
    "assets": lambda a: a.assets,
}
_SINGULAR = {
    "agents": "agent", "requesters": "requester", "users": "user", "groups": "group",
    "departments": "department", "locations": "location", "workspaces": "workspace",
    "tickets": "ticket", "assets": "asset",
}  # fmt: skip


def missing_references(
    account: AccountData, field: Callable[[str], Field | None], body: Mapping[str, Any]
) -> list[FieldError]:
    """One problem per body value (or list of values) naming a record that does not exist."""
    problems = []
    for name, value in body.items():
        found = field(name)
        if found is None or found.references is None or value is None:
            continue
        wanted = value if isinstance(value, list) else [value]
        if not all(exists(account, found.references, v) for v in wanted):
            what = _SINGULAR.get(found.references, found.references.rstrip("s"))
            problems.append(
                FieldError(name, f"There is no {what} matching the given {name}", "invalid_value")
            )
    return problems


def exists(account: AccountData, kind: str, value: Any) -> bool:
    if not isinstance(value, int):
        return False
    if kind == "users":
        return account.user(value) is not None
    table = account.resource_tables.get(kind)
    if table is not None:
        record = table.get(value)
        return record is not None and not record.get("_gone")
    built_in = _BUILT_IN.get(kind)
    return built_in is not None and built_in(account).live(value) is not None
