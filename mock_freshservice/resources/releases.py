"""Releases: changes shipped together (the API reference's "Releases" section), with their notes,
tasks and time entries, restore after delete, and their form fields.

A seeded release ships changes that name it back (`associated_release`); its assets are the
account's own."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mock_freshservice import guesses
from mock_freshservice.clock import DAY, HOUR
from mock_freshservice.data import ids
from mock_freshservice.data.account import AccountData
from mock_freshservice.data.store import Record
from mock_freshservice.errors import FieldError
from mock_freshservice.html_text import text_of, text_of_html
from mock_freshservice.resources import changes, children, itsm
from mock_freshservice.resources.declaration import (
    Context,
    Filter,
    FormFields,
    Resource,
    Seeding,
    records_of,
)
from mock_freshservice.resources.fields import Field, read_only
from mock_freshservice.resources.forms import form_fields_of

PRIORITY = {1: "Low", 2: "Medium", 3: "High", 4: "Urgent"}
RELEASE_TYPE = {1: "Minor", 2: "Standard", 3: "Major", 4: "Emergency"}
STATUS = {1: "Open", 2: "On Hold", 3: "In Progress", 4: "Incomplete", 5: "Completed"}
PRIORITIES, TYPES = tuple(PRIORITY), tuple(RELEASE_TYPE)
IN_PROGRESS, INCOMPLETE, COMPLETED = 3, 4, 5
PLANS = {"build_plan": "how the release is built", "test_plan": "how it is tested"}
PLAN_TEXTS = {
    "build_plan": "<p>Package the approved changes and stage them in the test environment.</p>",
    "test_plan": "<p>Run the regression suite, then a day of pilot use.</p>",
}
FILTER_NAMES = ("all", "my_open", "unassigned", "completed", "incompleted", "deleted")
SUBJECTS = (
    ("Quarterly security patch release", "Software", "Patching"),
    ("Network refresh, phase 2", "Hardware", "Network"),
    ("HR system upgrade", "Software", "HR"),
    ("Windows 11 rollout wave", "Software", "Windows"),
    ("Datacenter storage expansion", "Hardware", "Storage"),
)


def _check(context: Context, body: Mapping[str, Any], record: Record | None) -> list[FieldError]:
    problems = itsm.end_not_before_start(
        context, body, record, "planned_start_date", "planned_end_date"
    )
    problems += itsm.end_not_before_start(context, body, record, "work_start_date", "work_end_date")
    return problems + itsm.missing_assets(context.account, body)


def _fill(context: Context, record: Record, body: Mapping[str, Any], old: Record | None) -> None:
    record["description_text"] = text_of_html(record.get("description"))
    record["planning_fields"] = itsm.plans_with_text(record.get("planning_fields") or {})
    if "assets" in body:
        display_ids = itsm.asset_ids(body["assets"])
        record["assets"] = itsm.asset_summaries(context.account, display_ids)
        record["associated_assets"] = display_ids


_named = itsm.named_views(
    COMPLETED,
    {
        "completed": lambda record: bool(record["status"] == COMPLETED),
        "incompleted": lambda record: bool(record["status"] == INCOMPLETE),
    },
)


FIELDS = (
    read_only("id", "integer", "Unique number of the release"),
    Field("agent_id", "id", "Agent the release is assigned to", references="agents"),
    Field("group_id", "id", "Agent group the release is assigned to", references="groups"),
    Field("priority", "integer", "1 Low, 2 Medium, 3 High, 4 Urgent", choices=tuple(PRIORITY),
          labels=PRIORITY, required=True, nullable=False),
    Field("status", "integer", ", ".join(f"{k} {v}" for k, v in STATUS.items()),
          choices=tuple(STATUS), labels=STATUS, required=True, nullable=False),
    Field("release_type", "integer", "1 Minor, 2 Standard, 3 Major, 4 Emergency",
          choices=tuple(RELEASE_TYPE), labels=RELEASE_TYPE, required=True, nullable=False),
    Field("subject", "string", "Subject of the release", required=True, nullable=False),
    Field("description", "html", "The release in HTML", in_list=False),
    read_only("description_text", "text", "The description as plain text", in_list=False),
    Field("planned_start_date", "datetime", "When the release is planned to start",
          required=True, nullable=False),
    Field("planned_end_date", "datetime", "When the release is planned to end", required=True,
          nullable=False),
    Field("work_start_date", "datetime", "When work on the release started"),
    Field("work_end_date", "datetime", "When work on the release ended"),
    Field("department_id", "id", "Department the release is for", references="departments"),
    Field("category", "string", "Category"),
    Field("sub_category", "string", "Sub-category"),
    Field("item_category", "string", "Item"),
    read_only("created_at", "datetime"),
    read_only("updated_at", "datetime"),
    Field(
        "workspace_id",
        "id",
        "Workspace of the release (default: the primary one)",
        references="workspaces",
        default=itsm.primary_workspace,
        updatable=False,
    ),
    itsm.assets_field("The assets the release concerns: [{\"display_id\": n}] in, the assets out"),
    read_only("associated_assets", "ids", "Display ids of the release's assets", default=[],
              nullable=False),
    read_only("associated_changes", "ids", "The changes the release ships", default=[],
              nullable=False),
    Field("custom_fields", "object", "Custom fields by name", default={}, nullable=False,
          merge=True),
    itsm.planning_fields(PLANS),
)  # fmt: skip

NOTES = children.notes("releases", ids.RELEASE_NOTE_BASE)
TASKS = children.tasks("releases", ids.RELEASE_TASK_BASE)
TIME_ENTRIES = children.time_entries("releases", ids.RELEASE_TIME_ENTRY_BASE)


def _seed(seeding: Seeding) -> list[tuple[str, Record]]:
    account = seeding.account
    agents = list(account.agents.ids)
    groups = list(account.groups.ids)
    departments = list(account.departments.ids)
    shipped = records_of(account, changes.CHANGES)
    waiting = [c for c in shipped.all() if c.get("associated_release") is None]
    in_use = [a for a in account.assets.all() if not a.get("_trashed")]
    made: list[tuple[str, Record]] = []
    counter: dict[str, int] = {}
    for n in range(1, seeding.count + 1):
        subject, category, item = SUBJECTS[(n - 1) % len(SUBJECTS)]
        release_id = seeding.new_id(n)
        ships = []
        for _ in range(seeding.between(1, 4)):
            if waiting:
                change = waiting.pop(seeding.below(len(waiting)))
                ships.append(change)
                made.append(
                    (changes.CHANGES.table_name, {**change, "associated_release": release_id})
                )
        if ships:  # planned around its changes, and as far along as they are
            start = min(int(c["planned_start_date"]) for c in ships)
            end = max(int(c["planned_end_date"]) for c in ships)
            created = min(int(c["created_at"]) for c in ships)
            status = _status_of(seeding, [int(c["status"]) for c in ships])
        else:
            created = seeding.anchor - seeding.between(5 * DAY, 120 * DAY)
            start = created + seeding.between(2, 21) * DAY
            end = start + seeding.between(1, 10) * DAY
            status = seeding.choice((1, 2))
        assets = list(
            {
                asset["display_id"]: itsm.asset_summary(asset)
                for asset in (
                    in_use[seeding.below(len(in_use))]
                    for _ in range(seeding.below(3) if in_use else 0)
                )
            }.values()
        )
        description = f"<div>{subject}: the approved changes, shipped together.</div>"
        record: Record = {
            "id": release_id,
            "agent_id": seeding.pick(agents, 0.2),
            "group_id": seeding.pick(groups, 0.3),
            "priority": seeding.choice(PRIORITIES),
            "status": status,
            "release_type": seeding.choice(TYPES),
            "subject": subject,
            "description": description,
            "description_text": text_of(description),
            "planned_start_date": start,
            "planned_end_date": end,
            "work_start_date": start if status >= IN_PROGRESS else None,
            "work_end_date": end if status == COMPLETED else None,
            "department_id": seeding.pick(departments, 0.5),
            "category": category,
            "sub_category": None,
            "item_category": item,
            "created_at": created,
            "updated_at": created + seeding.between(HOUR, 2 * DAY),
            "workspace_id": account.primary_workspace_id,
            "assets": assets,
            "associated_assets": [a["display_id"] for a in assets],
            "associated_changes": sorted(c["id"] for c in ships),
            "custom_fields": {},
            "planning_fields": (
                itsm.plans_with_text({k: {"description": v} for k, v in PLAN_TEXTS.items()})
                if seeding.chance(0.6)
                else {}
            ),
            "_parent": None,
        }
        made.append((RELEASES.table_name, record))
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


def _status_of(seeding: Seeding, statuses: list[int]) -> int:
    """Completed once every change is closed, under way once any is past approval."""
    if all(status == changes.CLOSED for status in statuses):
        return COMPLETED
    if any(status >= changes.PENDING_RELEASE for status in statuses):
        return INCOMPLETE if seeding.chance(0.2) else IN_PROGRESS
    return int(seeding.choice((1, 2)))


def _form(account: AccountData) -> list[dict[str, Any]]:
    return form_fields_of(RELEASES, account, account.primary_workspace_id)


RELEASES = Resource(
    name="releases",
    singular="release",
    scope="releases",
    tag="releases",
    fields=FIELDS,
    soft_delete=True,
    workspace=True,
    delete_status=guesses.RELEASE_DELETE_STATUS,
    check=_check,
    fill=_fill,
    seed=_seed,
    count=lambda tickets: max(4, tickets // 400),
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
    ),
    actions=(itsm.restore("release"),),
    form_fields=FormFields("release_form_fields", "release_fields", _form),
    description="Releases",
)

RESOURCES = (RELEASES, NOTES, TASKS, TIME_ENTRIES)
