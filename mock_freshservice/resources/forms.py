"""A resource's form fields (`GET /problem_form_fields` and the like), derived from its
declaration: each field a client may send, as the API reference's samples show them (`name`
without `_id`, `field_type` `default_<name>`, `choices` as `{id, value}`)."""

from __future__ import annotations

import zlib
from typing import Any

from mock_freshservice.clock import format_ts
from mock_freshservice.data.account import AccountData
from mock_freshservice.resources.declaration import Resource

FIELD_ID_BASE = 53_000_000_000  # form fields' ids, per account and resource
# Attributes a request may carry that the forms do not list as fields.
_LEFT_OUT = frozenset(
    {"custom_fields", "analysis_fields", "planning_fields", "assets", "maintenance_window",
     "project_id"}
)  # fmt: skip


def form_fields_of(
    resource: Resource, account: AccountData, workspace_id: int | None
) -> list[dict[str, Any]]:
    """The form's fields, in declaration order, stamped with the account's creation time."""
    created = format_ts(account.generator.anchor - 400 * 86_400)
    salt = zlib.crc32(resource.name.encode()) % 1_000
    found = []
    for position, field in enumerate(
        (f for f in resource.fields if f.writable and f.answered and f.name not in _LEFT_OUT),
        start=1,
    ):
        name = field.name.removesuffix("_id") if field.references else field.name
        choices = (
            [{"id": code, "value": (field.labels or {}).get(code, str(code))}
             for code in field.choices]
            if field.choices is not None
            else []
        )  # fmt: skip
        found.append(
            {
                "id": FIELD_ID_BASE + account.index * 10_000_000 + salt * 1_000 + position,
                "created_at": created,
                "updated_at": created,
                "name": name,
                "label": name.replace("_", " ").capitalize(),
                "description": field.description or name.replace("_", " ").capitalize(),
                "field_type": f"default_{name}",
                "required": field.required,
                "required_for_closure": False,
                "position": position,
                "default_field": True,
                "choices": choices,
                "nested_fields": [],
                "workspace_id": None if name == "workspace" else workspace_id,
            }
        )
    return found
