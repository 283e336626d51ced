"""The records that live under a problem, change, release or ticket: notes, tasks and time
entries, declared once for every parent (the API reference's "Notes", "Tasks" and "Time
Entries" sections of each module list the same attributes)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mock_freshservice.clock import DAY, HOUR
from mock_freshservice.data import ids
from mock_freshservice.data.store import Record
from mock_freshservice.errors import FieldError
from mock_freshservice.html_text import text_of
from mock_freshservice.resources.declaration import Context, Parent, Resource, Seeding, caller_id
from mock_freshservice.resources.fields import Field, read_only

TASK_STATUS = {1: "Open", 2: "In Progress", 3: "Completed"}
NOTE_BODIES = (
    "<p>Checked the logs on both nodes; the errors start right after the nightly backup.</p>",
    "<p>Vendor confirmed the firmware issue and shared a patched build.</p>",
    "<p>Rolled the change out to the pilot group first; no complaints so far.</p>",
    "<p>Waiting on the network team to confirm the maintenance window.</p>",
    "<p>Root cause written up in the knowledge base.</p>",
)
NOTES_AND_TEXTS = tuple((body, text_of(body)) for body in NOTE_BODIES)
TASK_TITLES = (
    "Collect logs from affected hosts",
    "Confirm the fix with the pilot group",
    "Update the runbook",
    "Schedule the maintenance window",
    "Notify the service owners",
)


def _note_text(context: Context, record: Record, body: Mapping[str, Any], _: Record | None) -> None:
    record["body_text"] = text_of(record["body"] or "")


def notes(parent: str, id_base: int) -> Resource:
    return Resource(
        name="notes",
        singular="note",
        parent=Parent(parent, "notes"),
        scope=parent,
        tag=parent,
        id_base=id_base,
        fields=(
            read_only("id", "id", "Unique ID of the note"),
            read_only("user_id", "id", "ID of the user who wrote the note", default=caller_id),
            Field("body", "html", "The note in HTML", required=True),
            read_only("body_text", "text", "The note as plain text"),
            Field(
                "notify_emails",
                "emails",
                "Addresses told of the note",
                default=[],
                max_items=50,
                nullable=False,
            ),
            read_only("created_at", "datetime"),
            read_only("updated_at", "datetime"),
        ),
        fill=_note_text,
        updated_since=False,
        order=("created_at", "asc"),
        description=f"Notes on a {parent[:-1]}",
    )


def task_dates(
    context: Context, record: Record, body: Mapping[str, Any], old: Record | None
) -> None:
    if record.get("status") == 3 and (old is None or old.get("status") != 3):
        record["closed_at"] = context.now
    elif record.get("status") != 3:
        record["closed_at"] = None


def task_fields(statuses: Mapping[int, str]) -> tuple[Field, ...]:
    """The fields every task starts with, whatever its parent (a ticket's may also be Blocked)."""
    return (
        read_only("id", "id", "Unique ID of the task"),
        Field("agent_id", "id", "Agent the task is assigned to", references="agents"),
        Field(
            "status",
            "integer",
            ", ".join(f"{code} {label}" for code, label in statuses.items()),
            choices=tuple(statuses),
            labels=dict(statuses),
            default=1,
            nullable=False,
        ),
        Field("due_date", "datetime", "When the task is due"),
        Field(
            "notify_before",
            "integer",
            "Seconds before the due date to remind",
            default=0,
            nullable=False,
        ),
        Field("title", "string", "Title of the task", required=True),
        Field("description", "text", "What the task is", required=True),
    )


def tasks(parent: str, id_base: int) -> Resource:
    return Resource(
        name="tasks",
        singular="task",
        parent=Parent(parent, "tasks"),
        scope=parent,
        tag=parent,
        id_base=id_base,
        fields=(
            *task_fields(TASK_STATUS),
            Field("group_id", "id", "Group the task is assigned to", references="groups"),
            read_only("created_at", "datetime"),
            read_only("updated_at", "datetime"),
            read_only("closed_at", "datetime"),
        ),
        fill=task_dates,
        updated_since=False,
        order=("created_at", "asc"),
        description=f"Tasks of a {parent[:-1]}",
    )


def _time_check(context: Context, body: Mapping[str, Any], old: Record | None) -> list[FieldError]:
    spent = body.get("time_spent")
    if isinstance(spent, str) and not is_duration(spent):
        return [FieldError("time_spent", "It should be in the 'hh:mm' format", "invalid_value")]
    return []


def is_duration(text: str) -> bool:
    hours, _, minutes = text.partition(":")
    return hours.isdigit() and minutes.isdigit() and len(minutes) == 2 and int(minutes) < 60


def minutes_of(text: str | None) -> int:
    if not text or not is_duration(text):
        return 0
    hours, _, minutes = text.partition(":")
    return int(hours) * 60 + int(minutes)


def duration(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _timer(context: Context, record: Record, body: Mapping[str, Any], old: Record | None) -> None:
    """A running timer counts from `start_time`; stopping it adds the minutes since to
    `time_spent` (Freshservice's `timer_running` semantics)."""
    was_running = bool(old and old.get("timer_running"))
    running = bool(record.get("timer_running"))
    if running and not was_running:
        record["start_time"] = record.get("start_time") if "start_time" in body else context.now
    elif was_running and not running and old is not None:
        started = old.get("start_time") or context.now
        spent = minutes_of(record.get("time_spent")) + max(0, context.now - started) // 60
        record["time_spent"] = duration(spent)
    if record.get("time_spent") is None:
        record["time_spent"] = "00:00"
    if record.get("executed_at") is None:
        record["executed_at"] = context.now


def time_entries(parent: str, id_base: int) -> Resource:
    return Resource(
        name="time_entries",
        singular="time_entry",
        parent=Parent(parent, "time_entries"),
        scope=parent,
        tag=parent,
        id_base=id_base,
        fields=(
            read_only("id", "id", "Unique ID of the time entry"),
            Field("task_id", "id", "Task the time was spent on"),
            Field("executed_at", "datetime", "When the work was done"),
            Field(
                "billable", "boolean", "Whether the time is billable", default=True, nullable=False
            ),
            Field("note", "text", "What was done", default=""),
            Field("start_time", "datetime", "When the running timer started"),
            Field(
                "timer_running", "boolean", "Whether the timer runs", default=False, nullable=False
            ),
            Field("time_spent", "string", "Time spent, 'hh:mm'", max_length=16),
            Field("agent_id", "id", "Agent who spent the time", required=True, references="agents"),
            Field(
                "custom_fields",
                "object",
                "Custom fields of the time entry",
                default={},
                nullable=False,
            ),
            read_only("created_at", "datetime"),
            read_only("updated_at", "datetime"),
        ),
        check=_time_check,
        fill=_timer,
        updated_since=False,
        order=("created_at", "asc"),
        description=f"Time entries of a {parent[:-1]}",
    )


def seed_children(
    seeding: Seeding, parent: Record, *, notes_of: Resource, tasks_of: Resource,
    times_of: Resource, agents: list[int], groups: list[int], counter: dict[str, int],
) -> list[tuple[str, Record]]:  # fmt: skip
    """A few notes, tasks and time entries for one generated parent record."""
    made: list[tuple[str, Record]] = []
    start = int(parent["created_at"])
    index = seeding.account.index

    def next_id(resource: Resource) -> int:
        n = counter[resource.table_name] = counter.get(resource.table_name, 0) + 1
        assert resource.id_base is not None
        return ids.ranged(resource.id_base, index, n)

    for n in range(seeding.below(3)):
        when = start + (n + 1) * seeding.between(HOUR, DAY)
        body, text = NOTES_AND_TEXTS[seeding.below(len(NOTES_AND_TEXTS))]
        made.append(
            (
                notes_of.table_name,
                {
                    "id": next_id(notes_of),
                    "user_id": seeding.pick(agents),
                    "body": body,
                    "body_text": text,
                    "notify_emails": [],
                    "created_at": when,
                    "updated_at": when,
                    "_parent": parent["id"],
                },
            )
        )
    for n in range(seeding.below(3)):
        when = start + (n + 1) * seeding.between(HOUR, DAY)
        status = 1 + seeding.below(3)
        made.append(
            (
                tasks_of.table_name,
                {
                    "id": next_id(tasks_of),
                    "agent_id": seeding.pick(agents, 0.3),
                    "status": status,
                    "due_date": when + 3 * DAY,
                    "notify_before": 0,
                    "title": TASK_TITLES[seeding.below(len(TASK_TITLES))],
                    "description": "Part of the follow-up.",
                    "group_id": seeding.pick(groups, 0.5),
                    "created_at": when,
                    "updated_at": when,
                    "closed_at": when + DAY if status == 3 else None,
                    "_parent": parent["id"],
                },
            )
        )
    for _ in range(seeding.below(2)):
        when = start + seeding.between(HOUR, 2 * DAY)
        made.append(
            (
                times_of.table_name,
                {
                    "id": next_id(times_of),
                    "task_id": None,
                    "executed_at": when,
                    "billable": seeding.chance(0.7),
                    "note": "Investigation",
                    "start_time": None,
                    "timer_running": False,
                    "time_spent": duration(seeding.between(15, 240)),
                    "agent_id": seeding.pick(agents),
                    "custom_fields": {},
                    "created_at": when,
                    "updated_at": when,
                    "_parent": parent["id"],
                },
            )
        )
    return made
