"""Writes to agents and requesters: create, update, deactivate and reactivate, forget, a requester
made an agent, and requesters merged.

People live in the account's own tables (`AccountData.agents`, `.requesters`), which tickets,
assets, groups and authentication all read, so their routes are written by hand next to the
lists (`agents.py`, `requesters.py`). The bodies are still declared as fields
(`resources/fields.py`): the checks, Freshservice's messages and the OpenAPI request schemas
come from these declarations.

What the public reference does not say is decided in `guesses.py` (PEOPLE_*).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from mock_freshservice import errors, guesses
from mock_freshservice.api.common import Caller
from mock_freshservice.data.account import AccountData
from mock_freshservice.data.store import Record, Table
from mock_freshservice.data.tickets import person_defaults, requester_defaults
from mock_freshservice.errors import FieldError, ValidationFailed
from mock_freshservice.resources.declaration import records_of
from mock_freshservice.resources.fields import Field, read_only
from mock_freshservice.resources.openapi import create_property
from mock_freshservice.resources.organisation import ROLES, SD_AGENT_ROLE
from mock_freshservice.resources.references import missing_references
from mock_freshservice.validation import Rule, one_of, validate_body

Json = dict[str, Any]
ASSIGNMENT_SCOPES = ("entire_helpdesk", "member_groups", "specified_groups", "assigned_items")
ROLE_KEYS = ("role_id", "assignment_scope", "groups")


def _roles_check(field: str, value: Any) -> FieldError | None:
    """`[{role_id, assignment_scope, groups}]`: the shape only; the ids are checked against the
    account's roles and groups afterwards (`_role_problems`)."""
    if not isinstance(value, list):
        return FieldError(field, "It should be a/an Array", "datatype_mismatch")
    if not value:
        return FieldError(
            field, "It should not be blank as this is a mandatory field", "missing_field"
        )
    for role in value:
        if not isinstance(role, dict) or any(key not in ROLE_KEYS for key in role):
            return FieldError(
                field,
                f"Each role should be a key/value pair of {', '.join(ROLE_KEYS)}",
                "datatype_mismatch",
            )
        role_id = role.get("role_id")
        if isinstance(role_id, bool) or not isinstance(role_id, int) or role_id < 1:
            return FieldError(field, "role_id should be a/an Positive Integer", "datatype_mismatch")
        if role.get("assignment_scope") not in ASSIGNMENT_SCOPES:
            return FieldError(
                field, f"assignment_scope: {one_of(ASSIGNMENT_SCOPES)}", "invalid_value"
            )
        groups = role.get("groups", [])
        if not isinstance(groups, list) or not all(
            isinstance(g, int) and not isinstance(g, bool) and g > 0 for g in groups
        ):
            return FieldError(
                field, "groups should be an Array of Positive Integer", "invalid_value"
            )
        if role["assignment_scope"] == "specified_groups" and not groups:
            return FieldError(
                field,
                "groups can't be blank when assignment_scope is specified_groups",
                "missing_field",
            )
    return None


ROLES_REQUEST_SHAPE: Json = {
    "type": "array",
    "minItems": 1,
    "maxItems": 3,
    "items": {
        "type": "object",
        "additionalProperties": False,
        "required": ["role_id", "assignment_scope"],
        "properties": {
            "role_id": {"type": "integer", "minimum": 1},
            "assignment_scope": {
                "type": "string",
                "enum": ["entire_helpdesk", "member_groups", "assigned_items"],
            },
            "groups": {"type": "array", "maxItems": 0},
        },
    },
}
ROLES_SCHEMA: Json = {
    "type": "array",
    "items": {
        "type": "object",
        "additionalProperties": False,
        "required": ["role_id", "assignment_scope", "groups"],
        "properties": {
            "role_id": {"type": "integer"},
            "assignment_scope": {"type": "string", "enum": list(ASSIGNMENT_SCOPES)},
            "groups": {"type": "array", "items": {"type": "integer"}},
        },
    },
}

# What agents and requesters both have.
_PERSON = (
    Field("first_name", "string", "First name", required=True, nullable=False, blank_ok=False),
    Field("last_name", "string", "Last name"),
    Field("job_title", "string", "Job title"),
    Field("work_phone_number", "string", "Work phone number"),
    Field("mobile_phone_number", "string", "Mobile phone number"),
    Field("department_ids", "ids", "Departments", references="departments", nullable=False),
    Field(
        "can_see_all_tickets_from_associated_departments",
        "boolean",
        "Whether they see every ticket of their departments",
        nullable=False,
    ),
    Field("reporting_manager_id", "id", "Their manager", references="users"),
    Field("address", "text", "Address"),
    # Freshservice checks zones and languages against its own lists; the fake takes any name.
    Field("time_zone", "string", "Time zone", nullable=False),
    Field("time_format", "string", "Time format", choices=("12h", "24h"), nullable=False),
    Field("language", "string", "Language code", nullable=False),
    Field("location_id", "id", "Location", references="locations"),
    Field("background_information", "text", "Background information"),
    Field("custom_fields", "object", "Custom fields", nullable=False, merge=True),
)

AGENT_FIELDS = (
    *_PERSON,
    Field("email", "email", "Email address", required=True, nullable=False),
    Field("occasional", "boolean", "Whether the agent is occasional", nullable=False),
    Field(
        "scoreboard_level_id",
        "integer",
        "Arcade level (1 Beginner … 6 Guru)",
        choices=(1, 2, 3, 4, 5, 6),
        nullable=False,
    ),
    Field(
        "member_of", "ids", "Groups the agent is a member of", references="groups", nullable=False
    ),
    Field("observer_of", "ids", "Groups the agent observes", references="groups", nullable=False),
    Field(
        "roles",
        "object",
        "Roles, each with its scope",
        value_check=_roles_check,
        request_shape=ROLES_REQUEST_SHAPE,
        answer_schema=ROLES_SCHEMA,
        nullable=False,
    ),
    Field("signature", "html", "Signature (HTML)"),
    read_only("id", "id"),
)

REQUESTER_FIELDS = (
    *_PERSON,
    Field(
        "primary_email",
        "email",
        "Primary email address",
        required=True,
        alternatives=("work_phone_number", "mobile_phone_number"),
    ),
    Field("secondary_emails", "emails", "Other email addresses", nullable=False, max_items=50),
    read_only("id", "id"),
)


def _rules(fields: Sequence[Field], *, creating: bool) -> dict[str, Rule]:
    return {f.name: f.rule(creating=creating) for f in fields if f.writable}


def _field_of(fields: Sequence[Field]) -> Any:
    by_name = {f.name: f for f in fields}
    return by_name.get


AGENT_RULES = {
    True: _rules(AGENT_FIELDS, creating=True),
    False: _rules(AGENT_FIELDS, creating=False),
}
REQUESTER_RULES = {
    True: _rules(REQUESTER_FIELDS, creating=True),
    False: _rules(REQUESTER_FIELDS, creating=False),
}
AGENT_FIELD = _field_of(AGENT_FIELDS)
REQUESTER_FIELD = _field_of(REQUESTER_FIELDS)


# -- checks ------------------------------------------------------------------------------------


def check_agent(account: AccountData, body: Mapping[str, Any], agent: Record | None) -> None:
    """Raise the 400 (or 409) Freshservice would for this agent body (`agent`: the one updated)."""
    validate_body(body, AGENT_RULES[agent is None])
    problems = missing_references(account, AGENT_FIELD, body)
    problems += _role_problems(account, body.get("roles"))
    if problems:
        raise ValidationFailed(problems)
    if body.get("email") is not None:
        _refuse_taken(account, "email", [body["email"]], agent)


def check_requester(
    account: AccountData, body: Mapping[str, Any], requester: Record | None
) -> None:
    validate_body(body, REQUESTER_RULES[requester is None])
    problems = missing_references(account, REQUESTER_FIELD, body)
    if problems:
        raise ValidationFailed(problems)
    for name in ("primary_email", "secondary_emails"):
        value = body.get(name)
        if value:
            _refuse_taken(account, name, value if isinstance(value, list) else [value], requester)


def _role_problems(account: AccountData, roles: Any) -> list[FieldError]:
    if not isinstance(roles, list):
        return []
    known = records_of(account, ROLES)
    for role in roles:
        if known.live(role["role_id"]) is None:
            return [
                FieldError("roles", "There is no role matching the given role_id", "invalid_value")
            ]
        if any(account.groups.live(g) is None for g in role.get("groups", [])):
            return [
                FieldError("roles", "There is no group matching the given groups", "invalid_value")
            ]
    return []


def _refuse_taken(
    account: AccountData, field: str, addresses: Sequence[str], person: Record | None
) -> None:
    """A 409 naming the field when another user already has one of these addresses."""
    emails = account.emails()
    for address in addresses:
        owner = emails.get(address.lower())
        if owner is not None and (person is None or owner != person["id"]):
            raise Conflict(
                [FieldError(field, guesses.PEOPLE_EMAIL_TAKEN_MESSAGE, "duplicate_value")]
            )


class Conflict(ValidationFailed):
    """A value another record holds: Freshservice's 409, in the validation body's shape."""

    status = 409


# -- records -----------------------------------------------------------------------------------


def _stored(fields: Sequence[Field], body: Mapping[str, Any], old: Record | None) -> Record:
    by_name = {f.name: f for f in fields}
    record: Record = dict(old or {})
    for name, value in body.items():
        field = by_name[name]
        if field.merge and isinstance(value, dict):
            record[name] = {**(record.get(name) or {}), **value}
        elif name == "roles":  # every role answered with its three keys
            record[name] = [
                {"role_id": r["role_id"], "assignment_scope": r["assignment_scope"],
                 "groups": list(r.get("groups", []))}
                for r in value
            ]  # fmt: skip
        else:
            record[name] = field.stored(value)
    return record


def _sd_agent_role(account: AccountData) -> list[Json]:
    from mock_freshservice.data import ids  # noqa: PLC0415 (kept next to its one use)

    role_id = ids.ranged(ids.ROLE_BASE, account.index, SD_AGENT_ROLE)
    return [{"role_id": role_id, "assignment_scope": "assigned_items", "groups": []}]


def new_agent(account: AccountData, body: Mapping[str, Any], now: int) -> Record:
    agent = {
        **person_defaults(account.next_user_id(), now),
        "email": None,
        "occasional": False,
        "scoreboard_level_id": 1,
        "member_of": [],
        "observer_of": [],
        "member_of_pending_approval": [],
        "observer_of_pending_approval": [],
        "roles": _sd_agent_role(account),
        "last_login_at": None,
        "last_active_at": None,
        "workspace_ids": [account.primary_workspace_id],
        "api_key_enabled": False,
        "signature": None,
        "_role": "agent",
    }
    return _stored(AGENT_FIELDS, body, agent)


def updated_agent(agent: Record, body: Mapping[str, Any], now: int) -> Record:
    return {**_stored(AGENT_FIELDS, body, agent), "updated_at": now}


def new_requester(account: AccountData, body: Mapping[str, Any], now: int) -> Record:
    requester = requester_defaults(account.next_user_id(), now)
    return _stored(REQUESTER_FIELDS, body, requester)


def updated_requester(requester: Record, body: Mapping[str, Any], now: int) -> Record:
    return {**_stored(REQUESTER_FIELDS, body, requester), "updated_at": now}


def sync_groups(account: AccountData, before: Record | None, after: Record, now: int) -> None:
    """Groups' `members`/`observers` made to match an agent's `member_of`/`observer_of`."""
    for group_field, agent_field in (("members", "member_of"), ("observers", "observer_of")):
        wanted = set(after.get(agent_field) or ())
        had = set((before or {}).get(agent_field) or ())
        for group_id in wanted ^ had:
            group = account.groups.live(group_id)
            if group is None:
                continue
            others = [a for a in group.get(group_field) or () if a != after["id"]]
            if group_id in wanted:
                others.append(after["id"])
            account.groups.put({**group, group_field: sorted(others), "updated_at": now})


def agent_from_requester(account: AccountData, requester: Record, now: int) -> Record:
    """The occasional agent a requester becomes (`convert_to_agent`): same id, no groups."""
    if not requester.get("primary_email"):
        raise ValidationFailed(
            [FieldError("primary_email", guesses.PEOPLE_AGENT_NEEDS_EMAIL_MESSAGE, "invalid_value")]
        )
    kept = {name: requester.get(name) for name in (f.name for f in _PERSON)}
    agent = new_agent(account, kept, now)
    agent.update(
        {
            "id": requester["id"],
            "email": requester["primary_email"],
            "occasional": True,
            "created_at": requester["created_at"],
            "has_logged_in": requester.get("has_logged_in", False),
        }
    )
    return agent


def tombstone(person: Record, now: int) -> Record:
    """A person deleted: the whole record kept, marked `_gone`, so a reader that forgets to ask
    for live records still finds every field."""
    return {**person, "_gone": True, "active": False, "updated_at": now}


def forget(account: AccountData, table: Table, person: Record, now: int) -> None:
    """The person erased; the tickets they requested trashed (guesses.FORGOTTEN_TICKETS_TRASHED)."""
    table.put(tombstone(person, now))
    _trash_tickets_of(account, person["id"], now)


def _trash_tickets_of(account: AccountData, user_id: int, now: int) -> None:
    tickets = account.tickets
    requesters = tickets.column("requester_id")
    for position in [p for p in tickets.positions() if requesters[p] == user_id]:
        ticket = tickets.get(tickets.ids[position])
        if ticket is not None and not ticket["deleted"]:
            tickets.put({**ticket, "deleted": True, "updated_at": now})


def merge_into(
    account: AccountData, primary: Record, secondaries: Sequence[Record], now: int
) -> Record:
    """`secondaries` folded into `primary`: their addresses become its secondary emails and their
    tickets its tickets; they are gone."""
    emails = list(primary.get("secondary_emails") or [])
    for other in secondaries:
        for address in (other.get("primary_email"), *(other.get("secondary_emails") or [])):
            if address and address != primary.get("primary_email") and address not in emails:
                emails.append(address)
    merged = {**primary, "secondary_emails": emails, "updated_at": now}
    gone = {other["id"] for other in secondaries}
    for other in secondaries:
        account.requesters.put(tombstone(other, now))
    tickets = account.tickets
    columns = (tickets.column("requester_id"), tickets.column("requested_for_id"))
    moved = [
        tickets.ids[p]
        for p in tickets.positions()
        if columns[0][p] in gone or columns[1][p] in gone
    ]
    for ticket_id in moved:
        ticket = tickets.get(ticket_id)
        if ticket is None:
            continue
        changed = dict(ticket)
        for name in ("requester_id", "requested_for_id"):
            if changed.get(name) in gone:
                changed[name] = primary["id"]
        tickets.put(changed)
    account.requesters.put(merged)
    return merged


def refuse_when_inactive(person: Record, method: str) -> None:
    """A deactivated person is read-only: writes other than reactivate and forget are 405."""
    if not person.get("active", True):
        raise errors.MethodNotAllowed(method, ("GET",))


def not_self(who: Caller, person: Record) -> None:
    """Nobody deactivates or forgets the user whose key makes the call (guesses.PEOPLE_SELF)."""
    if person["id"] == who.user_id:
        raise ValidationFailed([FieldError("id", guesses.PEOPLE_SELF_MESSAGE, "invalid_value")])


# -- the OpenAPI document ------------------------------------------------------------------------


def request_schemas() -> Json:
    """The request bodies of the people writes, for the OpenAPI document."""

    def create(fields: Sequence[Field]) -> Json:
        writable = [f for f in fields if f.writable]
        found: Json = {
            "type": "object",
            "additionalProperties": False,
            "required": [f.name for f in writable if f.required and not f.alternatives],
            "properties": {f.name: create_property(f) for f in writable},
        }
        alternatives = [
            (f.name, *f.alternatives) for f in writable if f.required and f.alternatives
        ]
        if alternatives:
            found["anyOf"] = [{"required": [name]} for name in alternatives[0]]
        return found

    def update(fields: Sequence[Field]) -> Json:
        return {
            "type": "object",
            "additionalProperties": False,
            "minProperties": 1,
            "properties": {f.name: f.request_schema() for f in fields if f.writable},
        }

    return {
        "AgentCreate": create(AGENT_FIELDS),
        "AgentUpdate": update(AGENT_FIELDS),
        "RequesterCreate": create(REQUESTER_FIELDS),
        "RequesterUpdate": update(REQUESTER_FIELDS),
    }
