"""A ticket's tasks and time entries (the API reference's ticket "Tasks" and "Time Entries"),
declared on the engine under the hand-written tickets.

They follow the problems' (`children.py`) with what the ticket sections document besides: a task
may be Blocked (4) and carries the ticket's workspace; a time entry's `start_time` and
`workspace_id` are read-only, `time_spent` is required unless a timer starts and cannot be set
while one runs, `timer_running` cannot be set to what it is, `executed_at` cannot be in the
future, a `task_id` must name a task of the same ticket assigned to the entry's agent, an
agent runs one timer at a time across the account (starting one stops the others), and a
delete answers 200.

A few of the newest tickets are seeded with some, from the ticket index alone, so 100,000
tickets start as fast as before.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mock_freshservice.clock import DAY, HOUR
from mock_freshservice.data import ids
from mock_freshservice.data.store import Record
from mock_freshservice.errors import FieldError
from mock_freshservice.resources import children
from mock_freshservice.resources.declaration import Context, Parent, Resource, Seeding
from mock_freshservice.resources.fields import Field, read_only

TASK_STATUS = {**children.TASK_STATUS, 4: "Blocked"}
SEEDED_TICKETS = 150  # at most, however many tickets the account has
STRIDE = 3  # one ticket in three among the newest


def _timer(
    context: Context, record: Record, old: Record | None, *, spent_given: bool = False
) -> None:
    """A timer (re)starts at now (`start_time`); stopping it adds the minutes since to
    `time_spent`, unless the stop says how much time was spent."""
    was_running = bool(old and old.get("timer_running"))
    running = bool(record.get("timer_running"))
    if running and not was_running:
        record["start_time"] = context.now
    elif was_running and not running and old is not None and not spent_given:
        started = old.get("start_time") or context.now
        spent = children.minutes_of(record.get("time_spent")) + max(0, context.now - started) // 60
        record["time_spent"] = children.duration(spent)
    if record.get("time_spent") is None:
        record["time_spent"] = "00:00"
    if record.get("start_time") is None:
        record["start_time"] = context.now
    if record.get("executed_at") is None:
        record["executed_at"] = context.now


def _ticket_workspace(context: Context) -> Any:
    return (context.parent or {}).get("workspace_id") or context.account.primary_workspace_id


def _seed(seeding: Seeding) -> list[tuple[str, Record]]:
    """Tasks and time entries for one in three of the newest tickets (from the index columns:
    no ticket is built)."""
    account = seeding.account
    tickets = account.tickets
    agents = list(account.agents.ids)
    groups = list(account.groups.ids)
    created, workspaces = tickets.column("created_at"), tickets.column("workspace_id")
    rng = seeding.rng
    made: list[tuple[str, Record]] = []
    counts = {"tasks": 0, "time_entries": 0}
    positions = range(len(tickets) - 1, -1, -STRIDE)
    for position in list(positions)[: seeding.count]:
        ticket_id, start = tickets.ids[position], int(created[position])
        for _ in range(rng.randrange(3)):
            counts["tasks"] += 1
            when = start + rng.randrange(HOUR, DAY)
            status = rng.choice((1, 1, 2, 3, 4))
            agent = seeding.pick(agents, 0.3)
            made.append(
                (
                    TASKS.table_name,
                    {
                        "id": ids.ranged(TASKS.id_base or 0, account.index, counts["tasks"]),
                        "agent_id": agent,
                        "status": status,
                        "due_date": when + 3 * DAY,
                        "notify_before": 0,
                        "title": children.TASK_TITLES[rng.randrange(len(children.TASK_TITLES))],
                        "description": "Part of the ticket's follow-up.",
                        "created_at": when,
                        "updated_at": when,
                        "closed_at": when + DAY if status == 3 else None,
                        "group_id": seeding.pick(groups, 0.5),
                        "workspace_id": workspaces[position],
                        "_parent": ticket_id,
                    },
                )
            )
        for _ in range(rng.randrange(2)):
            counts["time_entries"] += 1
            when = start + rng.randrange(HOUR, 2 * DAY)
            made.append(
                (
                    TIME_ENTRIES.table_name,
                    {
                        "id": ids.ranged(
                            TIME_ENTRIES.id_base or 0, account.index, counts["time_entries"]
                        ),
                        "created_at": when,
                        "updated_at": when,
                        "start_time": when,
                        "timer_running": False,
                        "billable": rng.random() < 0.7,
                        "time_spent": children.duration(rng.randrange(15, 240)),
                        "executed_at": when,
                        "task_id": None,
                        "workspace_id": workspaces[position],
                        "note": "Investigation",
                        "agent_id": seeding.pick(agents),
                        "custom_fields": {},
                        "_parent": ticket_id,
                    },
                )
            )
    return made


TASKS = Resource(
    name="tasks",
    singular="task",
    parent=Parent("tickets", "tasks"),
    scope="tickets",
    tag="tickets",
    id_base=ids.TICKET_TASK_BASE,
    fields=(
        *children.task_fields(TASK_STATUS),
        read_only("created_at", "datetime"),
        read_only("updated_at", "datetime"),
        read_only("closed_at", "datetime"),
        Field("group_id", "id", "Group the task is assigned to", references="groups"),
        Field(
            "workspace_id",
            "id",
            "Workspace of the task (default: the ticket's)",
            references="workspaces",
            default=_ticket_workspace,
            nullable=False,
        ),
    ),
    fill=children.task_dates,
    seed=_seed,
    count=lambda tickets: min(SEEDED_TICKETS, -(-tickets // STRIDE)),
    updated_since=False,
    order=("created_at", "asc"),
    description="Tasks of a ticket",
)

_INCOMPATIBLE = "It cannot be set, as it is incompatible with the state of the resource."


def _time_check(context: Context, body: Mapping[str, Any], old: Record | None) -> list[FieldError]:
    problems: list[FieldError] = []
    spent = body.get("time_spent")
    if isinstance(spent, str) and not children.is_duration(spent):
        problems.append(
            FieldError("time_spent", "It should be in the 'hh:mm' format", "invalid_value")
        )
    was_running = bool(old and old.get("timer_running"))
    running = bool(body.get("timer_running", was_running))
    if old is None and not running and spent is None:
        problems.append(FieldError("time_spent", "It should be a/an String", "missing_field"))
    if spent is not None and running:
        problems.append(FieldError("time_spent", _INCOMPATIBLE, "incompatible_field"))
    if old is not None and "timer_running" in body and body["timer_running"] == was_running:
        problems.append(
            FieldError("timer_running", "Can't set to the same value as before", "invalid_value")
        )
    if old is not None and was_running and body.get("agent_id", old["agent_id"]) != old["agent_id"]:
        problems.append(
            FieldError(
                "agent_id", "It cannot be set, when the timer is running", "incompatible_field"
            )
        )
    executed = body.get("executed_at")
    if isinstance(executed, str):
        when = TIME_ENTRIES.field("executed_at")
        assert when is not None
        stamp = when.stored(executed)
        if stamp is not None and stamp > context.now:
            problems.append(
                FieldError("executed_at", "Has to be lesser than current time", "invalid_value")
            )
    problems += _task_problems(context, body, old)
    return problems


def _task_problems(
    context: Context, body: Mapping[str, Any], old: Record | None
) -> list[FieldError]:
    task_id = body.get("task_id")
    if not isinstance(task_id, int) or isinstance(task_id, bool):
        return []
    task = context.account.resource_tables[TASKS.table_name].get(task_id)
    ticket_id = (context.parent or {}).get("id")
    agent_id = body.get("agent_id", (old or {}).get("agent_id"))
    if task is None or task.get("_gone") or task.get("_parent") != ticket_id:
        return [
            FieldError("task_id", "There is no task matching the given task_id", "invalid_value")
        ]
    if task.get("agent_id") != agent_id:
        return [
            FieldError(
                "task_id", "It should be a task assigned to the given agent_id", "invalid_value"
            )
        ]
    return []


def _one_timer(
    context: Context, record: Record, body: Mapping[str, Any], old: Record | None
) -> None:
    """The entry's timer, and the agent's other running timers stopped when this one starts:
    an agent runs one timer at a time across the account."""
    _timer(context, record, old, spent_given="time_spent" in body)
    record["workspace_id"] = _ticket_workspace(context)
    if not record.get("timer_running") or (old is not None and old.get("timer_running")):
        return
    for name, table in context.account.resource_tables.items():
        if not name.endswith("__time_entries"):
            continue
        for entry in list(table.all()):
            if (
                entry.get("timer_running")
                and not entry.get("_gone")
                and entry["agent_id"] == record["agent_id"]
                and entry["id"] != record.get("id")
            ):
                stopped = {**entry, "timer_running": False, "updated_at": context.now}
                _timer(context, stopped, entry)
                table.put(stopped)


TIME_ENTRIES = Resource(
    name="time_entries",
    singular="time_entry",
    parent=Parent("tickets", "time_entries"),
    scope="tickets",
    tag="tickets",
    id_base=ids.TICKET_TIME_ENTRY_BASE,
    fields=(
        read_only("id", "id", "Unique ID of the time entry"),
        read_only("created_at", "datetime"),
        read_only("updated_at", "datetime"),
        read_only("start_time", "datetime", "When the running timer (re)started"),
        Field("timer_running", "boolean", "Whether the timer runs", default=False, nullable=False),
        Field("billable", "boolean", "Whether the time is billable", default=True, nullable=False),
        Field("time_spent", "string", "Time spent, 'hh:mm'", max_length=16),
        Field("executed_at", "datetime", "When the work was done (not in the future)"),
        Field("task_id", "id", "A task of the ticket, assigned to the same agent"),
        read_only("workspace_id", "id", "The ticket's workspace"),
        Field("note", "text", "What was done", default=""),
        Field("agent_id", "id", "Agent who spent the time", required=True, references="agents"),
        Field(
            "custom_fields",
            "object",
            "Custom fields of the time entry",
            default={},
            nullable=False,
        ),
    ),
    check=_time_check,
    fill=_one_timer,
    updated_since=False,
    order=("created_at", "asc"),
    delete_status=200,
    description="Time entries of a ticket",
)
