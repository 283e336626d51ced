"""An account's organisation: departments and agent groups (the API reference's "Departments"
and "Agent Groups"; `department_fields`).

Both serve the account's own tables (`Resource.adopts`), the ones tickets, agents, assets and the
ITSM modules already name, so a group created here can take tickets at once and a deleted one
is refused where an id must name a group. A group's `members` and `observers` and each agent's
`member_of` and `observer_of` are the same facts: writing a group rewrites its agents.

Freshworks' OpenAPI file also lists agent groups at `/agent_groups`; they are served there too,
from the same records (guesses.AGENT_GROUPS_PATH).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mock_freshservice import guesses
from mock_freshservice.clock import DAY, format_ts
from mock_freshservice.data import ids
from mock_freshservice.data.account import AccountData
from mock_freshservice.data.store import Record
from mock_freshservice.errors import FieldError
from mock_freshservice.resources import itsm
from mock_freshservice.resources.declaration import Context, FormFields, Resource, Seeding
from mock_freshservice.resources.fields import Field, read_only
from mock_freshservice.resources.forms import FIELD_ID_BASE

# The escalation delays the group form offers (`unassigned_for`).
UNASSIGNED_FOR = ("30m", "1h", "2h", "4h", "8h", "12h", "1d", "2d", "3d")
# The department form's place among the forms' field ids (forms.py salts by resource, below 1,000).
DEPARTMENT_FORM = 999
# Agents' fields that mirror a group's: (group field, agent field).
MIRRORED = (("members", "member_of"), ("observers", "observer_of"))


# -- departments -------------------------------------------------------------------------------

DEPARTMENT_FIELDS = (
    read_only("id", "id", "Unique ID of the department"),
    Field(
        "name", "string", "Name of the department", required=True, nullable=False, blank_ok=False
    ),
    Field("description", "text", "What the department does"),
    Field("head_user_id", "id", "The user who heads the department", references="users"),
    Field("prime_user_id", "id", "The department's prime user", references="users"),
    Field(
        "domains",
        "strings",
        "Email domains of the department's people",
        default=[],
        nullable=False,
        max_items=50,
    ),
    Field("custom_fields", "object", "Custom fields", default={}, nullable=False),
    read_only("created_at", "datetime"),
    read_only("updated_at", "datetime"),
)


def department_fields(account: AccountData) -> list[dict[str, Any]]:
    """`GET /department_fields`: the form's fields, in the shape Freshworks' file gives them."""
    created = format_ts(account.generator.anchor - 400 * 86_400)  # as the other forms (forms.py)
    labels = {
        "name": ("Department Name", "text"),
        "description": ("Description", "paragraph"),
        "head_user_id": ("Head", "lookup"),
        "prime_user_id": ("Prime User", "lookup"),
        "domains": ("Domains for this department", "text"),
    }
    return [
        {
            "id": FIELD_ID_BASE + account.index * 10_000_000 + DEPARTMENT_FORM * 1_000 + position,
            "name": name,
            "label": label,
            "field_type": kind,
            "mandatory": name == "name",
            "is_default_field": True,
            "created_time": created,
            "updated_time": created,
        }
        for position, (name, (label, kind)) in enumerate(labels.items(), start=1)
    ]


DEPARTMENT_FIELD_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": [
        "id", "name", "label", "field_type", "mandatory", "is_default_field", "created_time",
        "updated_time",
    ],
    "properties": {
        "id": {"type": "integer"},
        "name": {"type": "string"},
        "label": {"type": "string"},
        "field_type": {"type": "string"},
        "mandatory": {"type": "boolean"},
        "is_default_field": {"type": "boolean"},
        "created_time": {"type": "string", "format": "date-time"},
        "updated_time": {"type": "string", "format": "date-time"},
    },
}  # fmt: skip

DEPARTMENTS = Resource(
    name="departments",
    singular="department",
    scope="departments",
    tag="departments",
    id_base=ids.DEPARTMENT_BASE,
    adopts="departments",
    fields=DEPARTMENT_FIELDS,
    unique=("name",),
    updated_since=False,
    order=("created_at", "asc"),
    form_fields=FormFields(
        "department_fields", "department_fields", department_fields, DEPARTMENT_FIELD_SCHEMA
    ),
    description="Departments (companies, in an MSP account)",
)


# -- agent groups ------------------------------------------------------------------------------


def _pending(name: str, who: str) -> Field:
    return read_only(name, "ids", f"{who} waiting for the group leaders' approval", default=[])


GROUP_FIELDS = (
    read_only("id", "id", "Unique ID of the group"),
    Field("name", "string", "Name of the group", required=True, nullable=False, blank_ok=False),
    Field("description", "text", "What the group does"),
    Field(
        "escalate_to",
        "id",
        "Agent told when a ticket of the group stays unassigned",
        references="agents",
    ),
    Field(
        "unassigned_for",
        "string",
        "How long a ticket may stay unassigned before `escalate_to` is told",
        choices=UNASSIGNED_FOR,
    ),
    Field(
        "business_hours_id", "id", "Business hours the group works to", references="business_hours"
    ),
    Field(
        "auto_ticket_assign",
        "boolean",
        "Whether tickets are assigned to members automatically",
        default=False,
        nullable=False,
    ),
    Field(
        "restricted",
        "boolean",
        "Whether only members see the group's tickets",
        default=False,
        nullable=False,
    ),
    Field(
        "approval_required",
        "boolean",
        "Whether the leaders approve changes to membership",
        default=False,
        nullable=False,
    ),
    Field("members", "ids", "Agents in the group", references="agents", default=[], nullable=False),
    Field(
        "observers",
        "ids",
        "Agents who watch the group's tickets",
        references="agents",
        default=[],
        nullable=False,
    ),
    Field(
        "leaders",
        "ids",
        "Agents who lead the group",
        references="agents",
        default=[],
        nullable=False,
    ),
    _pending("members_pending_approval", "Members"),
    _pending("observers_pending_approval", "Observers"),
    _pending("leaders_pending_approval", "Leaders"),
    Field(
        "workspace_id",
        "id",
        "Workspace of the group",
        references="workspaces",
        default=itsm.primary_workspace,
        nullable=False,
        updatable=False,
    ),
    read_only("created_at", "datetime"),
    read_only("updated_at", "datetime"),
)


def _mirror_members(
    context: Context, record: Record, body: Mapping[str, Any], old: Record | None
) -> None:
    """Each agent's `member_of`/`observer_of` made to match the group's lists."""
    agents = context.account.agents
    for group_field, agent_field in MIRRORED:
        wanted = set(record.get(group_field) or ())
        before = set((old or {}).get(group_field) or ())
        for agent_id in wanted ^ before:
            agent = agents.live(agent_id)
            if agent is None:
                continue
            groups = [g for g in agent.get(agent_field) or () if g != record["id"]]
            if agent_id in wanted:
                groups.append(record["id"])
            agents.put({**agent, agent_field: sorted(groups), "updated_at": context.now})


def _leave_agents(context: Context, record: Record) -> None:
    """A deleted group is no agent's group any more."""
    _mirror_members(context, {**record, "members": [], "observers": []}, {}, record)


def _groups(name: str, singular: str, description: str) -> Resource:
    return Resource(
        name=name,
        singular=singular,
        scope="groups",
        tag="groups",
        id_base=ids.GROUP_BASE,
        adopts="groups",
        fields=GROUP_FIELDS,
        unique=("name",),
        fill=_mirror_members,
        on_delete=_leave_agents,
        updated_since=False,
        order=("created_at", "asc"),
        description=description,
    )


GROUPS = _groups("groups", "group", "Agent groups")
AGENT_GROUPS = _groups(
    guesses.AGENT_GROUPS_PATH,
    "agent_group",
    "Agent groups, where Freshworks' OpenAPI file has them",
)

# -- locations ---------------------------------------------------------------------------------

ADDRESS_KEYS = ("line1", "line2", "city", "state", "country", "zipcode")


def _address_check(field: str, value: Any) -> FieldError | None:
    if not isinstance(value, dict):
        return FieldError(field, "It should be a/an key/value pair", "datatype_mismatch")
    unknown = [key for key in value if key not in ADDRESS_KEYS]
    if unknown:
        return FieldError(
            f"{field}.{unknown[0]}", "Unexpected/invalid field in request", "invalid_field"
        )
    for key, text in value.items():
        if text is not None and (not isinstance(text, str) or len(text) > 255):
            return FieldError(f"{field}.{key}", "It should be a/an String", "datatype_mismatch")
    return None


def _full_address(value: Any) -> Any:
    """Every address line, null where none was given."""
    given = value if isinstance(value, dict) else {}
    return {key: given.get(key) for key in ADDRESS_KEYS}


def address_field(description: str) -> Field:
    """An `address` object of a location or vendor: the ADDRESS_KEYS lines, each a string."""
    return Field(
        "address",
        "object",
        f"{description}: {', '.join(ADDRESS_KEYS)}",
        default={},
        nullable=False,
        value_check=_address_check,
        request_shape={
            "type": "object",
            "additionalProperties": False,
            "properties": {
                key: {"type": ["string", "null"], "maxLength": 255} for key in ADDRESS_KEYS
            },
        },
        show=_full_address,
        answer_schema={
            "type": "object",
            "properties": {key: {"type": ["string", "null"]} for key in ADDRESS_KEYS},
        },
    )


def _no_own_parent(
    context: Context, body: Mapping[str, Any], old: Record | None
) -> list[FieldError]:
    parent = body.get("parent_location_id")
    if old is not None and parent is not None and parent == old["id"]:
        return [
            FieldError("parent_location_id", "A location cannot be its own parent", "invalid_value")
        ]
    return []


LOCATION_FIELDS = (
    read_only("id", "id", "Unique ID of the location"),
    Field("name", "string", "Name of the location", required=True, nullable=False, blank_ok=False),
    Field("parent_location_id", "id", "The location this one is part of", references="locations"),
    Field(
        "primary_contact_id",
        "id",
        "The requester to contact about the location",
        references="users",
    ),
    address_field("The address"),
    read_only("workspace_id", "id", "Workspace of the location (null: every workspace)"),
    read_only("created_at", "datetime"),
    read_only("updated_at", "datetime"),
)

LOCATIONS = Resource(
    name="locations",
    singular="location",
    scope="locations",
    tag="locations",
    id_base=ids.LOCATION_BASE,
    adopts="locations",
    fields=LOCATION_FIELDS,
    check=_no_own_parent,
    unique=("name",),
    updated_since=False,
    order=("created_at", "asc"),
    description="Locations",
)

# -- roles -------------------------------------------------------------------------------------

# The agent roles every account starts with; the n-th is seeded with id `ROLE_BASE` + n. Agents
# are generated with the second (ids.ROLE_BASE … 2), and a requester made an agent gets it too,
# as Freshworks' OpenAPI file says ("an occasional agent with SD Agent role").
SD_AGENT_ROLE = 2
ROLES_SEEDED = (
    ("Account Admin", "Has complete control over the account, its billing and its admins"),
    ("SD Agent", "Works on tickets, problems, changes and releases"),
    ("SD Supervisor", "Works on and oversees the tickets of the groups they supervise"),
    ("Problem Manager", "Owns problems and their root causes"),
    ("Change Manager", "Plans and approves changes"),
    ("Release Manager", "Plans and ships releases"),
    ("Admin", "Configures the service desk"),
)

# The fields of the sibling API's roles (id, name, description, default, dates): Freshservice's
# reference lists roles read-only and its sample fields are not public.
ROLE_FIELDS = (
    read_only("id", "id", "Unique ID of the role"),
    read_only("name", "string", "Name of the role"),
    read_only("description", "text", "What the role may do"),
    read_only("default", "boolean", "Whether the role is one every account starts with"),
    read_only("created_at", "datetime"),
    read_only("updated_at", "datetime"),
)


def _seed_roles(seeding: Seeding) -> list[tuple[str, Record]]:
    created = seeding.anchor - 1_000 * DAY
    return [
        (
            ROLES.table_name,
            {
                "id": seeding.new_id(n),
                "name": name,
                "description": description,
                "default": True,
                "created_at": created,
                "updated_at": created,
                "_parent": None,
            },
        )
        for n, (name, description) in enumerate(ROLES_SEEDED, start=1)
    ]


ROLES = Resource(
    name="roles",
    singular="role",
    scope="roles",
    tag="roles",
    id_base=ids.ROLE_BASE,
    operations=("list", "view"),
    fields=ROLE_FIELDS,
    seed=_seed_roles,
    count=lambda tickets: len(ROLES_SEEDED),
    updated_since=False,
    order=("id", "asc"),
    description="Agent roles (read-only through the API)",
)

# -- requester groups --------------------------------------------------------------------------

REQUESTER_GROUPS_SEEDED = (
    ("All employees", "Everyone who raises requests"),
    ("Managers", "People managers: they approve their reports' requests"),
    ("VIP", "Requests from these people are handled first"),
)

REQUESTER_GROUP_FIELDS = (
    read_only("id", "id", "Unique ID of the requester group"),
    Field("name", "string", "Name of the group", required=True, nullable=False, blank_ok=False),
    Field("description", "text", "What the group is for"),
    read_only(
        "type",
        "string",
        "manual (members added one by one; rule-based groups are not modelled)",
        choices=("manual",),
        default="manual",
        nullable=False,
    ),
    # The member ids: kept with the group, served at /requester_groups/{id}/members.
    Field("members", "ids", "Requesters in the group", writable=False, answered=False),
    read_only("created_at", "datetime"),
    read_only("updated_at", "datetime"),
)


def _no_members_yet(
    context: Context, record: Record, body: Mapping[str, Any], old: Record | None
) -> None:
    if old is None:
        record["members"] = []


def _seed_requester_groups(seeding: Seeding) -> list[tuple[str, Record]]:
    created = seeding.anchor - 600 * DAY
    requesters = list(seeding.account.requesters.ids)
    made = []
    for n, (name, description) in enumerate(REQUESTER_GROUPS_SEEDED, start=1):
        share = {1: len(requesters), 2: 8, 3: 4}[n]
        members = (
            requesters[:share]
            if n == 1
            else sorted({seeding.choice(requesters) for _ in range(share)} if requesters else set())
        )
        made.append(
            (
                REQUESTER_GROUPS.table_name,
                {
                    "id": seeding.new_id(n),
                    "name": name,
                    "description": description,
                    "type": "manual",
                    "members": list(members),
                    "created_at": created,
                    "updated_at": created,
                    "_parent": None,
                },
            )
        )
    return made


REQUESTER_GROUPS = Resource(
    name="requester_groups",
    singular="requester_group",
    scope="requester_groups",
    tag="requester_groups",
    id_base=ids.REQUESTER_GROUP_BASE,
    fields=REQUESTER_GROUP_FIELDS,
    unique=("name",),
    fill=_no_members_yet,
    seed=_seed_requester_groups,
    count=lambda tickets: len(REQUESTER_GROUPS_SEEDED),
    updated_since=False,
    order=("id", "asc"),
    description="Requester groups",
)

RESOURCES = (DEPARTMENTS, GROUPS, AGENT_GROUPS, LOCATIONS, ROLES, REQUESTER_GROUPS)


def seed_memberships(account: AccountData) -> None:
    """Generated groups' members and observers, from the generated agents' `member_of`."""
    members: dict[int, list[int]] = {}
    for agent in account.agents.all():
        for group_id in agent.get("member_of") or ():
            members.setdefault(group_id, []).append(agent["id"])
    for group in list(account.groups.all()):
        account.groups.put(
            {
                **group,
                "escalate_to": group.get("escalate_to"),
                "unassigned_for": group.get("unassigned_for"),
                "business_hours_id": group.get("business_hours_id"),
                "auto_ticket_assign": group.get("auto_ticket_assign", False),
                "restricted": group.get("restricted", False),
                "approval_required": group.get("approval_required", False),
                "members": sorted(members.get(group["id"], [])),
                "observers": [],
                "leaders": [],
                "members_pending_approval": [],
                "observers_pending_approval": [],
                "leaders_pending_approval": [],
            }
        )
