"""Problems: the root causes behind incidents (the API reference's "Problems" section), with
their notes, tasks and time entries, restore after delete, and their form fields."""

from __future__ import annotations

from typing import Any

from mock_freshservice.clock import DAY, HOUR
from mock_freshservice.data import ids
from mock_freshservice.data.account import AccountData
from mock_freshservice.data.store import Record
from mock_freshservice.html_text import text_of
from mock_freshservice.resources import children, itsm
from mock_freshservice.resources.declaration import (
    Action,
    Context,
    FormFields,
    Resource,
    Seeding,
)
from mock_freshservice.resources.fields import Field, read_only
from mock_freshservice.resources.forms import form_fields_of

PRIORITY = {1: "Low", 2: "Medium", 3: "High", 4: "Urgent"}
IMPACT = {1: "Low", 2: "Medium", 3: "High"}
PRIORITIES, IMPACTS = tuple(PRIORITY), tuple(IMPACT)
STATUS = {1: "Open", 2: "Change Requested", 3: "Closed"}
SUBJECTS = (
    ("Intermittent VPN drops for remote staff", "Network", "VPN"),
    ("Email server 3 unreachable every night", "Software", "Email"),
    ("Laptops lose Wi-Fi after sleep", "Hardware", "Laptop"),
    ("Shared calendar crashes Outlook", "Software", "Outlook"),
    ("Printers on floor 3 jam after firmware update", "Hardware", "Printer"),
    ("Slow logins on Monday mornings", "Software", "Active Directory"),
    ("Backup job fails on the file server", "Software", "Backup"),
    ("Conference room displays drop HDMI", "Hardware", "Display"),
)


def _restore(context: Context, record: Record) -> Record:
    return {**record, "_deleted": False}


FIELDS = (
    read_only("id", "integer", "Unique number of the problem"),
    Field(
        "workspace_id",
        "id",
        "Workspace of the problem (default: the primary one)",
        references="workspaces",
        default=itsm.primary_workspace,
        updatable=False,
    ),
    Field("agent_id", "id", "Agent the problem is assigned to", references="agents"),
    Field("requester_id", "id", "Who raised the problem", required=True, references="users"),
    Field("group_id", "id", "Agent group the problem is assigned to", references="groups"),
    Field("description", "html", "The problem in HTML", required=True),
    read_only("description_text", "text", "The description as plain text"),
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
        "status",
        "integer",
        "1 Open, 2 Change Requested, 3 Closed",
        choices=tuple(STATUS),
        labels=STATUS,
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
        "known_error",
        "boolean",
        "Whether the problem is a known error",
        default=False,
        nullable=False,
    ),
    Field("subject", "string", "Subject of the problem", required=True, nullable=False),
    Field("due_by", "datetime", "When the problem is due to be resolved", required=True),
    Field("department_id", "id", "Department the problem concerns", references="departments"),
    Field("category", "string", "Category"),
    Field("sub_category", "string", "Sub-category"),
    Field("item_category", "string", "Item"),
    read_only("associated_change", "id", "The change raised for the problem"),
    Field("custom_fields", "object", "Custom fields by name", default={}, nullable=False),
    Field(
        "analysis_fields",
        "object",
        "Problem cause, symptoms and impact",
        default={},
        nullable=False,
        in_list=False,
    ),
    read_only(
        "assets", "ids", "Display ids of the assets the problem concerns", default=[], in_list=False
    ),
    read_only("created_at", "datetime"),
    read_only("updated_at", "datetime"),
)

NOTES = children.notes("problems", ids.PROBLEM_NOTE_BASE)
TASKS = children.tasks("problems", ids.PROBLEM_TASK_BASE)
TIME_ENTRIES = children.time_entries("problems", ids.PROBLEM_TIME_ENTRY_BASE)


def _seed(seeding: Seeding) -> list[tuple[str, Record]]:
    account = seeding.account
    agents = list(account.agents.ids)
    groups = list(account.groups.ids)
    departments = list(account.departments.ids)
    made: list[tuple[str, Record]] = []
    counter: dict[str, int] = {}
    for n in range(1, seeding.count + 1):
        subject, category, item = SUBJECTS[(n - 1) % len(SUBJECTS)]
        created = seeding.anchor - seeding.between(2 * DAY, 90 * DAY)
        description = f"<div>{subject}. Seen by several teams; incidents are linked.</div>"
        record: Record = {
            "id": seeding.new_id(n),
            "workspace_id": account.primary_workspace_id,
            "agent_id": seeding.pick(agents, 0.2),
            "requester_id": seeding.pick(agents),
            "group_id": seeding.pick(groups, 0.3),
            "description": description,
            "description_text": text_of(description),
            "priority": seeding.choice(PRIORITIES),
            "status": seeding.choice((1, 1, 2, 3)),
            "impact": seeding.choice(IMPACTS),
            "known_error": seeding.chance(0.3),
            "subject": subject,
            "due_by": created + seeding.between(7, 30) * DAY,
            "department_id": seeding.pick(departments, 0.4),
            "category": category,
            "sub_category": None,
            "item_category": item,
            "associated_change": None,
            "custom_fields": {},
            "analysis_fields": {},
            "assets": [],
            "created_at": created,
            "updated_at": created + seeding.between(HOUR, DAY),
            "_parent": None,
        }
        made.append((PROBLEMS.table_name, record))
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


def _form(account: AccountData) -> list[dict[str, Any]]:
    return form_fields_of(PROBLEMS, account, account.primary_workspace_id)


PROBLEMS = Resource(
    name="problems",
    singular="problem",
    scope="problems",
    tag="problems",
    fields=FIELDS,
    soft_delete=True,
    workspace=True,
    delete_status=204,
    fill=itsm.described,
    seed=_seed,
    count=lambda tickets: max(8, tickets // 50),
    actions=(
        Action(
            "restore",
            "PUT",
            "delete",
            _restore,
            answers_record=False,
            status=204,
            description="Restore a deleted problem",
            on_deleted=True,
        ),
    ),
    form_fields=FormFields("problem_form_fields", "problem_fields", _form),
    description="Problems",
)

RESOURCES = (PROBLEMS, NOTES, TASKS, TIME_ENTRIES)
