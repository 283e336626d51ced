"""Changes: planned changes to services and assets (the API reference's "Changes" section), with
their notes, tasks and time entries, restore after delete, and their form fields.

A change names its requester, agent, group and department, the assets it touches, the window it
runs in, and the problems, tickets, release and project it belongs with."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mock_freshservice import filters
from mock_freshservice.clock import DAY, HOUR, format_ts
from mock_freshservice.data import ids
from mock_freshservice.data.account import AccountData
from mock_freshservice.data.store import Record
from mock_freshservice.data.tickets import new_requester
from mock_freshservice.errors import FieldError, ValidationFailed
from mock_freshservice.html_text import text_of, text_of_html
from mock_freshservice.resources import children, itsm
from mock_freshservice.resources.declaration import (
    Action,
    Context,
    Filter,
    FormFields,
    Include,
    Resource,
    Seeding,
    records_of,
)
from mock_freshservice.resources.fields import Field, read_only
from mock_freshservice.resources.forms import form_fields_of
from mock_freshservice.resources.problems import PROBLEMS
from mock_freshservice.resources.projects import PROJECTS
from mock_freshservice.resources.references import missing_references

PRIORITY = {1: "Low", 2: "Medium", 3: "High", 4: "Urgent"}
IMPACT = {1: "Low", 2: "Medium", 3: "High"}
RISK = {1: "Low", 2: "Medium", 3: "High", 4: "Very High"}
CHANGE_TYPE = {1: "Minor", 2: "Standard", 3: "Major", 4: "Emergency"}
STATUS = {
    1: "Open",
    2: "Planning",
    3: "Awaiting Approval",
    4: "Pending Release",
    5: "Pending Review",
    6: "Closed",
}
PRIORITIES, IMPACTS, RISKS, TYPES = tuple(PRIORITY), tuple(IMPACT), tuple(RISK), tuple(CHANGE_TYPE)
APPROVAL = {1: "Requested", 2: "Approved", 3: "Rejected", 4: "Not Requested"}
PENDING_RELEASE, PENDING_REVIEW, CLOSED = 4, 5, 6
NOT_REQUESTED, APPROVED = 4, 2
PLANS = {
    "reason_for_change": "why the change is needed",
    "impact": "what it affects",
    "rollout_plan": "how it is rolled out",
    "backout_plan": "how it is taken back",
}
FILTER_NAMES = ("my_open", "unassigned", "closed", "release_requested", "deleted", "all")
SUBJECTS = (
    ("Upgrade the core switches to the new firmware", "Hardware", "Switch"),
    ("Replace Exchange server ES3", "Hardware", "Server"),
    ("Roll out the new VPN client", "Software", "VPN"),
    ("Patch the domain controllers", "Software", "Active Directory"),
    ("Move the file server to new storage", "Hardware", "Storage"),
    ("Enable MFA for all remote logins", "Software", "Identity"),
    ("Renew the wildcard TLS certificate", "Software", "Certificates"),
    ("Replace the floor 3 wireless access points", "Network", "Access point"),
    ("Migrate the HR database to the new cluster", "Software", "Database"),
    ("Upgrade the backup appliance", "Hardware", "Backup"),
)
PLAN_TEXTS = {
    "reason_for_change": "<p>The current version is out of support and has known faults.</p>",
    "impact": "<p>Short outage for the users of the service during the window.</p>",
    "rollout_plan": "<p>Pilot group first, then everyone in the maintenance window.</p>",
    "backout_plan": "<p>Restore the previous version from the snapshot taken before.</p>",
}
SORTABLE = (
    "created_at",
    "updated_at",
    "priority",
    "status",
    "planned_start_date",
    "planned_end_date",
)


def _check(context: Context, body: Mapping[str, Any], record: Record | None) -> list[FieldError]:
    account = context.account
    problems = itsm.end_not_before_start(
        context, body, record, "planned_start_date", "planned_end_date"
    )
    problems += itsm.missing_assets(account, body)
    problems += itsm.missing_window(account, body)
    return problems


def _fill(context: Context, record: Record, body: Mapping[str, Any], old: Record | None) -> None:
    account = context.account
    record["description_text"] = text_of_html(record.get("description"))
    email = body.get("email")
    if isinstance(email, str) and "requester_id" not in body:
        user = account.user_by_email(email)
        record["requester_id"] = (
            new_requester(account, context.now, email=email, name=None, phone=None)
            if user is None
            else user["id"]
        )
    record["planning_fields"] = itsm.plans_with_text(record.get("planning_fields") or {})
    if "assets" in body:
        record["assets"] = itsm.asset_summaries(account, itsm.asset_ids(body["assets"]))
    if "maintenance_window" in body or old is None:
        record["maintenance_window"] = itsm.window_shown(account, body.get("maintenance_window"))
    windows = itsm.windows_of(account)
    record["blackout_window"] = windows.blackout_over(
        record.get("planned_start_date"), record.get("planned_end_date")
    )
    record["associated_project"] = record.get("project_id")
    _stamp(record, old, context.now)


def _stamp(record: Record, old: Record | None, now: int) -> None:
    """When the change was assigned and closed, for `include=stats`."""
    before = old or {}
    if record.get("agent_id") is not None and record.get("agent_id") != before.get("agent_id"):
        record["_assigned_at"] = now
    if record.get("status") == CLOSED and before.get("status") != CLOSED:
        record["_closed_at"] = now
    elif record.get("status") != CLOSED:
        record["_closed_at"] = None


def _stats(context: Context, record: Record) -> dict[str, Any]:
    return {
        "closed_at": format_ts(record.get("_closed_at")),
        "assigned_at": format_ts(record.get("_assigned_at")),
        "approval_at": None,
    }


# `filter_name` (and `view`, which takes the same names).
_named = itsm.named_views(
    CLOSED,
    {
        "closed": lambda record: bool(record["status"] == CLOSED),
        "release_requested": lambda record: bool(record["status"] == PENDING_RELEASE),
    },
)


def _by_email(record: Record, value: Any, context: Context) -> bool:
    user = context.account.user_by_email(str(value))
    return user is not None and record.get("requester_id") == user["id"]


FIELDS = (
    read_only("id", "integer", "Unique number of the change"),
    Field("agent_id", "id", "Agent the change is assigned to", references="agents"),
    Field("description", "html", "The change in HTML", required=True),
    read_only("description_text", "text", "The description as plain text"),
    Field(
        "workspace_id",
        "id",
        "Workspace of the change (default: the primary one)",
        references="workspaces",
        default=itsm.primary_workspace,
        updatable=False,
    ),
    Field(
        "requester_id",
        "id",
        "Who initiated the change (or `email`)",
        required=True,
        alternatives=("email",),
        references="users",
    ),
    Field("email", "email", "The requester's email, in place of requester_id", answered=False),
    Field("group_id", "id", "Agent group the change is assigned to", references="groups"),
    Field(
        "priority",
        "integer",
        "1 Low, 2 Medium, 3 High, 4 Urgent",
        choices=tuple(PRIORITY),
        labels=PRIORITY,
        required=True,
        nullable=False,
    ),
    Field(
        "impact",
        "integer",
        "1 Low, 2 Medium, 3 High",
        choices=tuple(IMPACT),
        labels=IMPACT,
        required=True,
        nullable=False,
    ),
    Field(
        "status",
        "integer",
        ", ".join(f"{k} {v}" for k, v in STATUS.items()),
        choices=tuple(STATUS),
        labels=STATUS,
        required=True,
        nullable=False,
    ),
    Field(
        "risk",
        "integer",
        "1 Low, 2 Medium, 3 High, 4 Very High",
        choices=tuple(RISK),
        labels=RISK,
        required=True,
        nullable=False,
    ),
    Field(
        "change_type",
        "integer",
        "1 Minor, 2 Standard, 3 Major, 4 Emergency",
        choices=tuple(CHANGE_TYPE),
        labels=CHANGE_TYPE,
        required=True,
        nullable=False,
    ),
    read_only(
        "approval_status",
        "integer",
        "1 Requested, 2 Approved, 3 Rejected, 4 Not Requested",
        choices=tuple(APPROVAL),
        labels=APPROVAL,
        default=NOT_REQUESTED,
        nullable=False,
    ),
    Field(
        "planned_start_date", "datetime", "When the change starts", required=True, nullable=False
    ),
    Field("planned_end_date", "datetime", "When the change ends", required=True, nullable=False),
    Field("subject", "string", "Subject of the change", required=True, nullable=False),
    Field("department_id", "id", "Department that initiated the change", references="departments"),
    Field("category", "string", "Category"),
    Field("sub_category", "string", "Sub-category"),
    Field("item_category", "string", "Item"),
    read_only("created_at", "datetime"),
    read_only("updated_at", "datetime"),
    Field(
        "custom_fields", "object", "Custom fields by name", default={}, nullable=False, merge=True
    ),
    itsm.planning_fields(PLANS, in_list=False),
    itsm.assets_field('The assets the change concerns: [{"display_id": n}] in, the assets out'),
    read_only(
        "impacted_services",
        "object",
        "Services the change impacts",
        default=[],
        answer_schema={"type": "array", "items": {"type": "object"}},
    ),
    itsm.maintenance_window_field(),
    read_only(
        "blackout_window",
        "object",
        "The blackout window the planned time overlaps",
        default={},
        answer_schema=itsm.WINDOW_SHOWN,
    ),
    Field(
        "project_id",
        "id",
        "The project the change belongs to",
        references="projects",
        in_list=False,
    ),
    read_only("associated_project", "id", "The project the change belongs to", in_list=False),
    read_only("associated_release", "id", "The release that ships the change", in_list=False),
    read_only(
        "associated_problems",
        "ids",
        "Problems the change resolves",
        default=[],
        nullable=False,
        in_list=False,
    ),
    read_only(
        "tickets_initiating_change",
        "ids",
        "Tickets that asked for the change",
        default=[],
        nullable=False,
        in_list=False,
    ),
    read_only(
        "incidents_caused_by_change",
        "ids",
        "Incidents the change caused",
        default=[],
        nullable=False,
        in_list=False,
    ),
)

NOTES = children.notes("changes", ids.CHANGE_NOTE_BASE)
TASKS = children.tasks("changes", ids.CHANGE_TASK_BASE)
TIME_ENTRIES = children.time_entries("changes", ids.CHANGE_TIME_ENTRY_BASE)


def _seed(seeding: Seeding) -> list[tuple[str, Record]]:
    account = seeding.account
    agents = list(account.agents.ids)
    groups = list(account.groups.ids)
    departments = list(account.departments.ids)
    problems = records_of(account, PROBLEMS)
    unlinked = [p for p in problems.all() if p.get("associated_change") is None]
    projects = list(records_of(account, PROJECTS).ids)
    windows = itsm.windows_of(account)
    in_use = [a for a in account.assets.all() if not a.get("_trashed")]
    tickets = account.tickets
    made: list[tuple[str, Record]] = []
    counter: dict[str, int] = {}
    for n in range(1, seeding.count + 1):
        subject, category, item = SUBJECTS[(n - 1) % len(SUBJECTS)]
        created = seeding.anchor - seeding.between(2 * DAY, 90 * DAY)
        window: dict[str, Any] = {}
        start = created + seeding.between(DAY, 14 * DAY)
        end = start + seeding.between(2, 48) * HOUR
        if seeding.chance(0.4):  # planned inside one of the maintenance windows
            fits = [w for w in windows.maintenance.values() if w.start > created]
            if fits:
                chosen = fits[seeding.below(len(fits))]
                start, end = chosen.start, chosen.start + seeding.between(1, 8) * HOUR
                window = chosen.shown()
        # What already happened is reviewed or closed; what is still to come is not.
        if end < seeding.anchor:
            status = seeding.choice((PENDING_REVIEW, CLOSED, CLOSED, CLOSED))
        else:
            status = seeding.choice((1, 2, 2, 3, PENDING_RELEASE))
        agent = seeding.pick(agents, 0.2)
        description = f"<div>{subject}. Planned with the service owners.</div>"
        record: Record = {
            "id": seeding.new_id(n),
            "agent_id": agent,
            "description": description,
            "description_text": text_of(description),
            "workspace_id": account.primary_workspace_id,
            "requester_id": seeding.pick(agents),
            "group_id": seeding.pick(groups, 0.3),
            "priority": seeding.choice(PRIORITIES),
            "impact": seeding.choice(IMPACTS),
            "status": status,
            "risk": seeding.choice(RISKS),
            "change_type": seeding.choice(TYPES),
            "approval_status": APPROVED if status >= PENDING_RELEASE else NOT_REQUESTED,
            "planned_start_date": start,
            "planned_end_date": end,
            "subject": subject,
            "department_id": seeding.pick(departments, 0.4),
            "category": category,
            "sub_category": None,
            "item_category": item,
            "created_at": created,
            "updated_at": created + seeding.between(HOUR, DAY),
            "custom_fields": {},
            "planning_fields": (
                itsm.plans_with_text({k: {"description": v} for k, v in PLAN_TEXTS.items()})
                if seeding.chance(0.5)
                else {}
            ),
            "assets": [
                itsm.asset_summary(in_use[seeding.below(len(in_use))])
                for _ in range(seeding.below(3) if in_use else 0)
            ],
            "impacted_services": [],
            "maintenance_window": window,
            "blackout_window": windows.blackout_over(start, end),
            "project_id": None,
            "associated_project": None,
            "associated_release": None,
            "associated_problems": [],
            "tickets_initiating_change": _earlier_tickets(seeding, tickets, created, 2),
            "incidents_caused_by_change": (
                _earlier_tickets(seeding, tickets, end, 1) if status == CLOSED else []
            ),
            "_assigned_at": created if agent is not None else None,
            "_closed_at": end if status == CLOSED else None,
            "_parent": None,
        }
        record["assets"] = list({a["display_id"]: a for a in record["assets"]}.values())
        if projects and seeding.chance(0.2):
            record["project_id"] = record["associated_project"] = projects[
                seeding.below(len(projects))
            ]
        if unlinked and seeding.chance(0.3):  # raised to fix a problem: both ends name the other
            problem = unlinked.pop(seeding.below(len(unlinked)))
            record["associated_problems"] = [problem["id"]]
            made.append((PROBLEMS.table_name, {**problem, "associated_change": record["id"]}))
        made.append((CHANGES.table_name, record))
        made += children.seed_children(
            seeding,
            record,
            notes_of=NOTES,
            tasks_of=TASKS,
            times_of=TIME_ENTRIES,
            agents=agents,
            groups=groups,
            counter=counter,
        )
    return made


def _earlier_tickets(seeding: Seeding, tickets: Any, before: int, most: int) -> list[int]:
    """Up to `most` tickets created before `before` (tickets that exist, none twice)."""
    found: list[int] = []
    if not len(tickets):
        return found
    created = tickets.column("created_at")
    for _ in range(seeding.below(most + 1)):
        position = seeding.below(len(tickets))
        ticket_id = tickets.ids[position]
        if created[position] < before and ticket_id not in found:
            found.append(ticket_id)
    return found


def _form(account: AccountData) -> list[dict[str, Any]]:
    return form_fields_of(CHANGES, account, account.primary_workspace_id)


def _set_approval_chain(context: Context, change: Record) -> Record:
    """How the change's approval groups are asked: all at once, or one after another."""
    return {**change, "approval_chain_type": context.body["approval_chain_type"]}


APPROVAL_CHAIN = Action(
    "approval_chain",
    "PUT",
    "edit",
    _set_approval_chain,
    description="Ask the change's approval groups in parallel or one after another",
    fields=(
        Field(
            "approval_chain_type",
            "string",
            "parallel or sequential",
            choices=("parallel", "sequential"),
            required=True,
            nullable=False,
        ),
    ),
)


def _move(context: Context, change: Record) -> Record:
    """The change in another workspace, optionally with another agent and group there."""
    body = context.body
    problems = missing_references(context.account, _MOVE_FIELD, body)
    if problems:
        raise ValidationFailed(problems)
    moved = {**change, "workspace_id": body["workspace_id"]}
    for name in ("agent_id", "group_id"):
        if name in body:
            moved[name] = body[name]
    return moved


_MOVED_FIELDS = (
    Field(
        "workspace_id",
        "id",
        "The workspace to move to",
        required=True,
        nullable=False,
        references="workspaces",
    ),
    Field("agent_id", "id", "The agent it is assigned to there", references="agents"),
    Field("group_id", "id", "The group it is assigned to there", references="groups"),
)
_MOVE_FIELD = {f.name: f for f in _MOVED_FIELDS}.get

MOVE_WORKSPACE = Action(
    "move_workspace",
    "PUT",
    "edit",
    _move,
    description="Move the change to another workspace",
    fields=_MOVED_FIELDS,
)


# What `?query=` may name (guesses.CHANGE_QUERY).
QUERY_FIELDS: tuple[tuple[str, filters.FieldType], ...] = (
    *((name, "number") for name in (
        "workspace_id", "requester_id", "agent_id", "group_id", "department_id", "priority",
        "impact", "status", "risk", "change_type", "approval_status",
    )),
    *((name, "date") for name in (
        "planned_start_date", "planned_end_date", "created_at", "updated_at",
    )),
)  # fmt: skip

CHANGES = Resource(
    name="changes",
    singular="change",
    scope="changes",
    tag="changes",
    fields=FIELDS,
    soft_delete=True,
    workspace=True,
    delete_status=204,
    check=_check,
    fill=_fill,
    seed=_seed,
    count=lambda tickets: max(8, tickets // 100),
    sortable=SORTABLE,
    filters=(
        Filter(
            "filter_name",
            "choice",
            _named,
            FILTER_NAMES,
            "A predefined filter",
            sees_deleted=True,
            personal=True,
        ),
        Filter(
            "view",
            "choice",
            _named,
            FILTER_NAMES,
            "A default view, by name",
            sees_deleted=True,
            personal=True,
        ),
        Filter(
            "requester_id",
            "id",
            lambda r, v, c: r.get("requester_id") == v,
            description="Changes this user initiated",
        ),
        Filter(
            "email", "string", _by_email, description="Changes the user with this email initiated"
        ),
        Filter(
            "query",
            "query",
            lambda r, v, c: filters.record_matcher(v, QUERY_FIELDS)(r),
            description=(
                'Freshservice\'s filter language in double quotes, e.g. "priority:4 AND status:1" '
                "(guesses.CHANGE_QUERY)"
            ),
            query_fields=QUERY_FIELDS,
        ),
    ),
    actions=(itsm.restore("change"), APPROVAL_CHAIN, MOVE_WORKSPACE),
    includes={
        "stats": Include(
            _stats,
            {
                "type": "object",
                "additionalProperties": False,
                "required": ["closed_at", "assigned_at", "approval_at"],
                "properties": {
                    name: {"type": ["string", "null"], "format": "date-time"}
                    for name in ("closed_at", "assigned_at", "approval_at")
                },
            },
            "when the change was closed, assigned and approved",
        )
    },
    form_fields=FormFields("change_form_fields", "change_fields", _form),
    description="Changes",
)

RESOURCES = (CHANGES, NOTES, TASKS, TIME_ENTRIES)
