"""Projects and their tasks, as served under `/api/v2/projects` (the API reference's "Projects
(Legacy)" sections; the newer project management lives under `/api/v2/pm/` and is not served).

A project is archived before it may be deleted, and deleting it is for good; while archived it
is read-only and out of the default list. Tasks nest: a subtask names its parent task, and the
parent says it has subtasks."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mock_freshservice import errors, guesses
from mock_freshservice.clock import DAY, HOUR
from mock_freshservice.data import ids
from mock_freshservice.data.store import Record
from mock_freshservice.errors import FieldError
from mock_freshservice.html_text import text_of, text_of_html
from mock_freshservice.resources import itsm
from mock_freshservice.resources.declaration import (
    Action,
    Context,
    Filter,
    Parent,
    Resource,
    Seeding,
    caller_id,
    records_of,
)
from mock_freshservice.resources.fields import DATE_PATTERN, Field, read_only
from mock_freshservice.validation import mismatch

STATUS = {1: "Open", 2: "In Progress", 3: "Completed"}
PRIORITY = {1: "Low", 2: "Medium", 3: "High", 4: "Critical"}
PRIORITIES = tuple(PRIORITY)
OPEN, IN_PROGRESS, COMPLETED = 1, 2, 3
TIMESTAMP = {"type": "string", "format": "date-time"}
MAYBE_TIMESTAMP = {"type": ["string", "null"], "format": "date-time"}
NOTIFY_TYPES = ("BEFORE_START_DATE", "BEFORE_END_DATE")
NOTIFY_UNITS = {"minutes": 1, "hours": 60, "days": 24 * 60, "weeks": 7 * 24 * 60}
NOTIFY_RANGE = (15, 4 * 7 * 24 * 60)  # minutes: a quarter of an hour to four weeks
NO_NOTICE = "Never"
TITLES = (
    ("Intranet site redesign", ("Gather requirements", "Design the pages", "Build", "Launch")),
    ("Laptop refresh 2026", ("Order hardware", "Image laptops", "Hand out", "Collect old ones")),
    ("Office 365 migration", ("Plan mailboxes", "Migrate pilot", "Migrate everyone")),
    ("New hire onboarding portal", ("Map the steps", "Build the forms", "Train HR")),
    ("Network segmentation", ("Survey VLANs", "Write firewall rules", "Cut over")),
    ("Service catalog clean-up", ("List stale items", "Retire items", "Review with owners")),
)


# -- projects -----------------------------------------------------------------------------------


def _project_check(
    context: Context, body: Mapping[str, Any], record: Record | None
) -> list[FieldError]:
    if record is not None and record.get("archived"):
        raise errors.MethodNotAllowed("PUT", ("GET", "DELETE"))
    return itsm.end_not_before_start(context, body, record, "start_date", "end_date")


def _project_fill(
    context: Context, record: Record, body: Mapping[str, Any], old: Record | None
) -> None:
    if "description" in body:
        record["description"] = _as_html(record.get("description"))
    record["description_text"] = text_of_html(record.get("description"))
    if "end_date" in body and record.get("end_date") is not None:
        record["end_date"] = int(record["end_date"]) + DAY - 1  # the whole last day
    if record.get("owner_id") is None and old is None:
        record["owner_id"] = context.who.user_id
    _closed(record, old, context.now)


def _as_html(text: Any) -> Any:
    """A description sent as plain text is kept as HTML (the docs' sample answers so)."""
    if isinstance(text, str) and not text.lstrip().startswith("<"):
        return f"<div>{text}</div>"
    return text


def _closed(record: Record, old: Record | None, now: int) -> None:
    if record.get("status") == COMPLETED and (old is None or old.get("status") != COMPLETED):
        record["closed_at"] = now
    elif record.get("status") != COMPLETED:
        record["closed_at"] = None


def _archive(archived: bool) -> Any:
    def run(context: Context, record: Record) -> Record:
        return {**record, "archived": archived, "deleted": archived}

    return run


def _only_archived(context: Context, record: Record) -> None:
    if not record.get("archived"):
        raise errors.MethodNotAllowed("DELETE", ("GET", "PUT"))


def _archived_or_not(record: Record, value: Any, context: Context) -> bool:
    """Archived projects only when asked for (`archived=true` or `filter=archived`)."""
    wanted = value if value is not None else context.query.get("filter") == "archived"
    return bool(record.get("archived")) == wanted


def _by_filter(record: Record, value: Any, context: Context) -> bool:
    return value != "completed" or record.get("status") == COMPLETED


def _by_status(record: Record, value: Any, context: Context) -> bool:
    wanted = {"open": OPEN, "in_progress": IN_PROGRESS, "completed": COMPLETED}.get(value)
    return wanted is None or record.get("status") == wanted


def _ms(description: str, *, nullable: bool = False, **rest: Any) -> dict[str, Any]:
    """A timestamp shown with milliseconds, as projects show theirs."""
    return {
        "description": description,
        "show": itsm.format_ms,
        "answer_schema": MAYBE_TIMESTAMP if nullable else TIMESTAMP,
        **rest,
    }


PROJECT_FIELDS = (
    Field("title", "string", "Title of the project", required=True, nullable=False),
    Field("description", "html", "The project in HTML (plain text is wrapped in a div)"),
    read_only("description_text", "text", "The description as plain text"),
    read_only("id", "integer", "Unique number of the project"),
    read_only("created_at", "datetime", **_ms("When the project was created")),
    read_only("updated_at", "datetime", **_ms("When the project was last changed")),
    Field("status", "integer", "1 Open, 2 In Progress, 3 Completed", choices=tuple(STATUS),
          labels=STATUS, default=OPEN, nullable=False),
    Field("priority", "integer", "1 Low, 2 Medium, 3 High, 4 Critical", choices=tuple(PRIORITY),
          labels=PRIORITY, default=guesses.PROJECT_DEFAULT_PRIORITY, nullable=False),
    read_only("user_id", "id", "Who created the project", default=caller_id),
    Field("owner_id", "id", "Owner of the project (default: its creator)", references="agents"),
    read_only("deleted", "boolean", "Whether the project is archived", default=False,
              nullable=False),
    read_only("archived", "boolean", "Whether the project is archived", default=False,
              nullable=False),
    Field("start_date", "date", required=True, nullable=False,
          request_shape={"type": "string", "format": "date", "pattern": DATE_PATTERN},
          **_ms("First day of the project (yyyy-mm-dd; answered as its first second)")),
    Field("end_date", "date", required=True, nullable=False,
          request_shape={"type": "string", "format": "date", "pattern": DATE_PATTERN},
          **_ms("Last day of the project (yyyy-mm-dd; answered as its last second)")),
    read_only("closed_at", "datetime", **_ms("When the project was completed", nullable=True)),
    read_only("attachments", "object", "Files attached to the project", default=[],
              answer_schema={"type": "array", "items": {"type": "object"}}, in_list=False),
)  # fmt: skip


def _seed_projects(seeding: Seeding) -> list[tuple[str, Record]]:
    account = seeding.account
    agents = list(account.agents.ids)
    made: list[tuple[str, Record]] = []
    counter = 0
    for n in range(1, seeding.count + 1):
        title, steps = TITLES[(n - 1) % len(TITLES)]
        created = seeding.anchor - seeding.between(5 * DAY, 200 * DAY)
        start = created - created % DAY + seeding.between(0, 10) * DAY
        end = start + seeding.between(20, 120) * DAY - 1
        if end < seeding.anchor:
            status = seeding.choice((COMPLETED, COMPLETED, IN_PROGRESS))
        else:
            status = seeding.choice((OPEN, IN_PROGRESS, IN_PROGRESS))
        archived = status == COMPLETED and seeding.chance(0.5)
        owner = seeding.pick(agents)
        description = f"<div>{title}: plan, build and hand over.</div>"
        project: Record = {
            "title": title,
            "description": description,
            "description_text": text_of(description),
            "id": seeding.new_id(n),
            "created_at": created,
            "updated_at": created + seeding.between(HOUR, 4 * DAY),
            "status": status,
            "priority": seeding.choice(PRIORITIES),
            "user_id": seeding.pick(agents),
            "owner_id": owner,
            "deleted": archived,
            "archived": archived,
            "start_date": start,
            "end_date": end,
            "closed_at": end if status == COMPLETED else None,
            "attachments": [],
            "_parent": None,
        }
        made.append((PROJECTS.table_name, project))
        previous: Record | None = None
        for step, task_title in enumerate(steps):
            counter += 1
            task_start = start + step * 7 * DAY
            # Every second step is broken down under the one before it.
            parent = previous if previous is not None and step % 2 == 1 else None
            if status == COMPLETED:
                task_status = COMPLETED
            elif task_start + 6 * DAY < seeding.anchor:
                task_status = seeding.choice((IN_PROGRESS, COMPLETED, COMPLETED))
            else:
                task_status = seeding.choice((OPEN, OPEN, IN_PROGRESS))
            task: Record = {
                "attachments": [],
                "description": f"{task_title} for {title.lower()}.",
                "id": ids.ranged(ids.PROJECT_TASK_BASE, account.index, counter),
                "created_at": created + step * HOUR,
                "updated_at": created + step * HOUR,
                "project_id": project["id"],
                "title": task_title,
                "owner_id": seeding.pick(agents, 0.3),
                "closed_at": task_start + 6 * DAY if task_status == COMPLETED else None,
                "start_date": task_start,
                "status": task_status,
                "user_id": owner,
                "end_date": task_start + 6 * DAY,
                "parent_id": None if parent is None else parent["id"],
                "root_id": None if parent is None else parent["id"],
                "notify": None,
                "has_subtasks": False,
                "_parent": project["id"],
            }
            if parent is not None:
                parent["has_subtasks"] = True
            made.append((TASKS.table_name, task))
            previous = task if parent is None else None
    return made


PROJECTS = Resource(
    name="projects",
    singular="project",
    scope="projects",
    tag="projects",
    fields=PROJECT_FIELDS,
    updated_since=False,
    delete_status=204,
    check=_project_check,
    fill=_project_fill,
    on_delete=_only_archived,
    may_refuse=("update", "delete"),
    seed=_seed_projects,
    count=lambda tickets: max(3, tickets // 1000),
    filters=(
        Filter(
            "filter",
            "choice",
            _by_filter,
            ("all", "completed", "archived"),
            "all and completed leave archived projects out; archived lists only those",
        ),
        Filter(
            "status",
            "choice",
            _by_status,
            ("all", "open", "in_progress", "completed"),
            "Projects in this status",
        ),
        Filter(
            "archived",
            "boolean",
            _archived_or_not,
            description="Archived projects (default: active ones)",
            always=True,
        ),
    ),
    actions=(
        Action(
            "archive", "POST", "edit", _archive(True), description="Archive a project (read-only)"
        ),
        Action(
            "restore", "POST", "edit", _archive(False), description="Restore an archived project"
        ),
    ),
    description="Projects",
)


# -- project tasks ----------------------------------------------------------------------------


def _notify_check(field: str, value: Any) -> FieldError | None:
    if not isinstance(value, dict):
        return FieldError(field, mismatch(value, "key/value pair"), "datatype_mismatch")
    unknown = set(value) - {"type", "value", "time_unit"}
    if unknown:
        return FieldError(sorted(unknown)[0], itsm.INVALID_FIELD, "invalid_field")
    if not isinstance(value.get("type"), str) or value["type"] not in NOTIFY_TYPES:
        return FieldError(field, f"type: {_one_of(NOTIFY_TYPES)}", "invalid_value")
    if not isinstance(value.get("time_unit"), str) or value["time_unit"] not in NOTIFY_UNITS:
        return FieldError(field, f"time_unit: {_one_of(tuple(NOTIFY_UNITS))}", "invalid_value")
    amount = _amount(value.get("value"))
    if amount is None:
        return FieldError(field, "value: It should be a/an Positive Integer", "invalid_value")
    minutes = amount * NOTIFY_UNITS[value["time_unit"]]
    if not NOTIFY_RANGE[0] <= minutes <= NOTIFY_RANGE[1]:
        return FieldError(field, guesses.NOTIFY_RANGE_MESSAGE, "invalid_value")
    return None


def _one_of(choices: tuple[str, ...]) -> str:
    return f"It should be one of these values: '{','.join(choices)}'"


def _amount(value: Any) -> int | None:
    """The notice's amount: a number, or digits in a string (the docs' sample sends "20")."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int) and value > 0:
        return value
    if isinstance(value, str) and value.isascii() and value.isdigit() and int(value) > 0:
        return int(value)
    return None


def _task_check(
    context: Context, body: Mapping[str, Any], record: Record | None
) -> list[FieldError]:
    project = context.parent or {}
    if project.get("archived"):
        raise errors.MethodNotAllowed("POST" if record is None else "PUT", ("GET",))
    problems = itsm.end_not_before_start(context, body, record, "start_date", "end_date")
    parent_id = body.get("parent_id")
    if isinstance(parent_id, int) and _task(context, parent_id) is None:
        problems.append(
            FieldError(
                "parent_id", "There is no task matching the given parent_id", "invalid_value"
            )
        )
    return problems


def _task(context: Context, task_id: int) -> Record | None:
    found = records_of(context.account, TASKS).get(task_id)
    project = context.parent or {}
    if found is None or found.get("_gone") or found.get("_parent") != project.get("id"):
        return None
    return found


def _task_fill(
    context: Context, record: Record, body: Mapping[str, Any], old: Record | None
) -> None:
    project = context.parent or {}
    record["project_id"] = project.get("id")
    notify = record.get("notify")
    if isinstance(notify, dict):
        amount = _amount(notify.get("value"))
        record["notify"] = {**notify, "value": amount}
    _closed(record, old, context.now)
    if old is None:
        parent = _task(context, record["parent_id"]) if record.get("parent_id") else None
        record["root_id"] = None if parent is None else (parent.get("root_id") or parent["id"])
        if parent is not None and not parent.get("has_subtasks"):
            records_of(context.account, TASKS).put(
                {**parent, "has_subtasks": True, "updated_at": context.now}
            )


def _task_delete(context: Context, record: Record) -> None:
    """A task goes with its subtasks; its parent may be left without any."""
    if (context.parent or {}).get("archived"):
        raise errors.MethodNotAllowed("DELETE", ("GET",))
    table = records_of(context.account, TASKS)
    project_id = record["_parent"]
    tasks = [t for t in table.all() if t.get("_parent") == project_id and not t.get("_gone")]
    doomed = {record["id"]}
    grew = True
    while grew:  # every task below this one
        below = {t["id"] for t in tasks if t.get("parent_id") in doomed} - doomed
        grew = bool(below)
        doomed |= below
    for task in tasks:
        if task["id"] in doomed and task["id"] != record["id"]:
            table.put({**task, "_gone": True, "updated_at": context.now})
    parent_id = record.get("parent_id")
    if parent_id is not None:
        siblings = [t for t in tasks if t.get("parent_id") == parent_id and t["id"] not in doomed]
        parent = table.get(parent_id)
        if not siblings and parent is not None and not parent.get("_gone"):
            table.put({**parent, "has_subtasks": False, "updated_at": context.now})


def _task_shown(value: Any) -> Any:
    return NO_NOTICE if value is None else value


def _task_filter(record: Record, value: Any, context: Context) -> bool:
    status = record.get("status")
    if value == "open":
        return bool(status == OPEN)
    if value in ("inprogress", "in_progress"):
        return bool(status == IN_PROGRESS)
    if value == "completed":
        return bool(status == COMPLETED)
    if value == "overdue":
        end = record.get("end_date")
        return status != COMPLETED and end is not None and end < context.now
    if value == "unassigned":
        return record.get("owner_id") is None
    if value == "root":
        return record.get("parent_id") is None
    return True


NOTIFY_SHOWN = {
    "anyOf": [
        {"type": "string", "enum": [NO_NOTICE]},
        {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "type": {"type": "string", "enum": list(NOTIFY_TYPES)},
                "value": {"type": "integer"},
                "time_unit": {"type": "string", "enum": list(NOTIFY_UNITS)},
            },
        },
    ]
}

TASK_FIELDS = (
    read_only("attachments", "object", "Files attached to the task", default=[],
              answer_schema={"type": "array", "items": {"type": "object"}}, in_list=False),
    Field("description", "text", "What the task is"),
    read_only("id", "id", "Unique ID of the task"),
    read_only("created_at", "datetime"),
    read_only("updated_at", "datetime"),
    read_only("project_id", "integer", "The project of the task"),
    Field("title", "string", "Title of the task", required=True, nullable=False),
    Field("owner_id", "id", "Agent who owns the task", references="agents"),
    read_only("closed_at", "datetime", "When the task was completed"),
    Field("start_date", "datetime", "When the task starts"),
    Field("status", "integer", "1 Open, 2 In Progress, 3 Completed", choices=tuple(STATUS),
          labels=STATUS, default=OPEN, nullable=False),
    read_only("user_id", "id", "Who created the task", default=caller_id),
    Field("end_date", "datetime", "When the task is due"),
    Field("parent_id", "id", "The task this one is a subtask of", updatable=False),
    read_only("root_id", "id", "The topmost task above this one"),
    Field(
        "notify",
        "object",
        "A reminder: {type: BEFORE_START_DATE or BEFORE_END_DATE, value, time_unit: minutes, "
        "hours, days or weeks} (15 minutes to 4 weeks); Never when none",
        value_check=_notify_check,
        show=_task_shown,
        request_shape={
            "type": ["object", "null"],
            "additionalProperties": False,
            "required": ["type", "value", "time_unit"],
            "properties": {
                "type": {"type": "string", "enum": list(NOTIFY_TYPES)},
                "value": {"type": "integer", "minimum": 1, "maximum": 4},
                "time_unit": {"type": "string", "enum": ["days", "weeks"]},
            },
        },
        answer_schema=NOTIFY_SHOWN,
    ),
    read_only("has_subtasks", "boolean", "Whether other tasks are under this one", default=False,
              nullable=False),
)  # fmt: skip

TASKS = Resource(
    name="tasks",
    singular="task",
    parent=Parent("projects", "tasks"),
    scope="projects",
    tag="projects",
    id_base=ids.PROJECT_TASK_BASE,
    fields=TASK_FIELDS,
    check=_task_check,
    fill=_task_fill,
    on_delete=_task_delete,
    may_refuse=("create", "update", "delete"),
    updated_since=False,
    order=("created_at", "asc"),
    filters=(
        Filter(
            "filter",
            "choice",
            _task_filter,
            (
                "all",
                "open",
                "inprogress",
                "in_progress",
                "completed",
                "overdue",
                "unassigned",
                "root",
            ),
            "Tasks in this state (overdue: past their end date and not completed)",
            personal=True,
        ),
        Filter(
            "parent_id",
            "id",
            lambda r, v, c: r.get("parent_id") == v,
            description="The subtasks of this task",
        ),
    ),
    description="Tasks of a project",
)

RESOURCES = (PROJECTS, TASKS)
