"""Seeded data hangs together: every id a generated record holds names a record that exists."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from mock_freshservice.data.account import AccountData
from mock_freshservice.state import EXTENSION

# (kind of record, field, table the id must be in; "users": an agent or a requester)
REFERENCES = (
    ("tickets", "group_id", "groups"),
    ("tickets", "department_id", "departments"),
    ("tickets", "responder_id", "agents"),
    ("tickets", "requester_id", "users"),
    ("assets", "location_id", "locations"),
    ("assets", "department_id", "departments"),
    ("assets", "agent_id", "agents"),
    ("assets", "group_id", "groups"),
    ("assets", "user_id", "users"),
    ("agents", "department_ids", "departments"),
    ("agents", "location_id", "locations"),
    ("agents", "member_of", "groups"),
    ("requesters", "department_ids", "departments"),
    ("requesters", "location_id", "locations"),
)


def _accounts(app: Flask) -> Iterator[AccountData]:
    yield from app.extensions[EXTENSION].iter_accounts()


def _exists(account: AccountData, table: str, record_id: Any) -> bool:
    if table == "users":
        return account.user(record_id) is not None
    found: bool = getattr(account, table).live(record_id) is not None
    return found


@pytest.mark.parametrize(("kind", "field", "table"), REFERENCES, ids=str)
def test_every_seeded_reference_names_a_record_that_exists(
    app: Flask, kind: str, field: str, table: str
) -> None:
    dangling = []
    held = 0
    for account in _accounts(app):
        for record in getattr(account, kind).all():
            value = record.get(field)
            for record_id in value if isinstance(value, list) else [value]:
                if record_id is None:
                    continue
                held += 1
                if not _exists(account, table, record_id):
                    dangling.append((account.domain, record["id"], record_id))
    assert held, f"no {kind} holds a {field}: the check would pass on nothing"
    assert dangling == []


def test_every_group_member_is_an_agent_who_is_a_member_of_it(app: Flask) -> None:
    for account in _accounts(app):
        for group in account.groups.all():
            for agent_id in group["members"]:
                agent = account.agents.get(agent_id)
                assert agent is not None and group["id"] in agent["member_of"]
