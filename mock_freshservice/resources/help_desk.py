"""The help desk's furniture: announcements and business hours (the API reference's
"Announcements" and "Business Hours").

An announcement's `state` follows the data clock: scheduled until `visible_from`, active until
`visible_till`, archived after. Business hours are read-only through the API, as in Freshservice;
the default one is the hours the generated tickets keep (`data/tickets.py`: Monday to Friday,
09:00 to 17:00 UTC).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mock_freshservice.clock import DAY
from mock_freshservice.data import ids
from mock_freshservice.data.store import Record
from mock_freshservice.data.tickets import text_of
from mock_freshservice.errors import FieldError
from mock_freshservice.resources.declaration import Context, Filter, Resource, Seeding
from mock_freshservice.resources.fields import Field, read_only

STATES = ("active", "archived", "scheduled")
VISIBILITY = ("everyone", "agents_only", "agents_and_groups")
ANNOUNCEMENTS_SEEDED = (
    # (title, body, days before the anchor it became visible, days it stays visible; None: open)
    (
        "Welcome to the service desk",
        "<p>Raise requests from the portal, or mail the service desk.</p>",
        300,
        None,
    ),
    (
        "Email outage on Saturday",
        "<p>Mail will be down from 22:00 to 02:00 while the servers move.</p>",
        40,
        2,
    ),
    (
        "New VPN client rollout",
        "<p>Every laptop gets the new VPN client next week; no action needed.</p>",
        -5,
        14,
    ),
)
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def state_at(record: Mapping[str, Any], now: int) -> str:
    """`scheduled` before `visible_from`, `archived` after `visible_till`, else `active`."""
    start, end = record.get("visible_from"), record.get("visible_till")
    if start is not None and now < start:
        return "scheduled"
    if end is not None and now >= end:
        return "archived"
    return "active"


def _check(context: Context, body: Mapping[str, Any], old: Record | None) -> list[FieldError]:
    problems: list[FieldError] = []
    visibility = body.get("visibility", (old or {}).get("visibility"))
    if visibility == "agents_and_groups" and not body.get("groups", (old or {}).get("groups")):
        problems.append(FieldError("groups", "It should be a/an Array", "missing_field"))
    start = _stamp(body, "visible_from", old)
    if start is None and old is None:
        start = context.now  # what `visible_from` defaults to
    end = _stamp(body, "visible_till", old)
    if start is not None and end is not None and end <= start:
        problems.append(
            FieldError("visible_till", "It should be after visible_from", "invalid_value")
        )
    return problems


def _stamp(body: Mapping[str, Any], name: str, old: Record | None) -> int | None:
    if name in body:
        field = ANNOUNCEMENTS.field(name)
        assert field is not None
        value = field.stored(body[name])
        return value if isinstance(value, int) else None
    return None if old is None else old.get(name)


def _fill(context: Context, record: Record, body: Mapping[str, Any], old: Record | None) -> None:
    record["body"] = text_of(record.get("body_html") or "")
    if record.get("visible_from") is None:
        record["visible_from"] = context.now
    record["state"] = state_at(record, context.now)


def _author(context: Context) -> int:
    return context.who.user_id


def _by_state(record: Record, value: Any, context: Context) -> bool:
    return bool(state_at(record, context.now) == value)


def _state_now(record: Record, now: int) -> Record:
    return {**record, "state": state_at(record, now)}


ANNOUNCEMENT_FIELDS = (
    read_only("id", "id", "Unique ID of the announcement"),
    read_only("created_by", "id", "The agent who wrote it", default=_author),
    read_only("state", "string", "active, archived or scheduled, from the visibility dates"),
    Field(
        "title",
        "string",
        "Title of the announcement",
        required=True,
        nullable=False,
        blank_ok=False,
    ),
    read_only("body", "text", "The announcement as plain text"),
    Field("body_html", "html", "The announcement in HTML", required=True, nullable=False),
    Field("visible_from", "datetime", "When it becomes visible (default: now)"),
    Field("visible_till", "datetime", "When it stops being visible (null: never)"),
    Field(
        "visibility",
        "string",
        "Who sees it: everyone, agents_only or agents_and_groups",
        choices=VISIBILITY,
        required=True,
        nullable=False,
    ),
    Field("departments", "ids", "Departments that see it", references="departments", default=[]),
    Field(
        "groups",
        "ids",
        "Agent groups that see it (agents_and_groups)",
        references="groups",
        default=[],
    ),
    read_only("is_read", "boolean", "Whether the caller has read it", default=False),
    Field(
        "send_email",
        "boolean",
        "Whether it is mailed as well",
        default=False,
        nullable=False,
    ),
    Field("additional_emails", "emails", "Other addresses it is mailed to", default=[]),
    read_only("created_at", "datetime"),
    read_only("updated_at", "datetime"),
)


def _seed_announcements(seeding: Seeding) -> list[tuple[str, Record]]:
    agents = list(seeding.account.agents.ids)
    made: list[tuple[str, Record]] = []
    for n, (title, body_html, ago, lasts) in enumerate(ANNOUNCEMENTS_SEEDED, start=1):
        start = seeding.anchor - ago * DAY
        record: Record = {
            "id": seeding.new_id(n),
            "created_by": agents[0] if agents else None,
            "title": title,
            "body": text_of(body_html),
            "body_html": body_html,
            "visible_from": start,
            "visible_till": None if lasts is None else start + lasts * DAY,
            "visibility": "everyone" if n != 2 else "agents_only",
            "departments": [],
            "groups": [],
            "is_read": False,
            "send_email": False,
            "additional_emails": [],
            "created_at": min(start, seeding.anchor) - DAY,
            "updated_at": min(start, seeding.anchor) - DAY,
            "_parent": None,
        }
        record["state"] = state_at(record, seeding.anchor)
        made.append((ANNOUNCEMENTS.table_name, record))
    return made


ANNOUNCEMENTS = Resource(
    name="announcements",
    singular="announcement",
    scope="announcements",
    tag="announcements",
    id_base=ids.ANNOUNCEMENT_BASE,
    fields=ANNOUNCEMENT_FIELDS,
    check=_check,
    fill=_fill,
    as_read=_state_now,
    filters=(
        Filter(
            "state",
            "choice",
            _by_state,
            STATES,
            "Only the announcements in this state now",
            personal=True,
        ),
    ),
    seed=_seed_announcements,
    count=lambda tickets: len(ANNOUNCEMENTS_SEEDED),
    updated_since=False,
    description="Announcements",
)


# -- business hours ----------------------------------------------------------------------------


def _hours(days: tuple[str, ...], start: str, end: str) -> dict[str, dict[str, str]]:
    return {day: {"beginning_of_workday": start, "end_of_workday": end} for day in days}


BUSINESS_HOURS_SEEDED = (
    ("Default", "The service desk's hours", True, "UTC", _hours(WEEKDAYS[:5], "09:00", "17:00")),
    ("24x7 Support", "Round the clock, for major incidents", False, "UTC",
     _hours(WEEKDAYS, "00:00", "23:59")),
)  # fmt: skip
HOLIDAYS = (("01-01", "New Year's Day"), ("12-25", "Christmas Day"), ("12-26", "Boxing Day"))

BUSINESS_HOURS_FIELDS = (
    read_only("id", "id", "Unique ID of the business hours"),
    read_only("name", "string", "Name of the business hours"),
    read_only("description", "text", "What they are for"),
    read_only("is_default", "boolean", "Whether these are the account's default hours"),
    read_only("time_zone", "string", "Time zone the hours are in"),
    read_only("service_desk_hours", "object", "Working hours per weekday (hh:mm)"),
    read_only(
        "list_of_holidays",
        "object",
        "Holidays: holiday_date (MM-DD) and holiday_name",
        answer_schema={
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["holiday_date", "holiday_name"],
                "properties": {
                    "holiday_date": {"type": "string"},
                    "holiday_name": {"type": "string"},
                },
            },
        },
    ),
    # Freshworks' file names these `_time`, where every other resource has `_at`.
    read_only("created_time", "datetime"),
    read_only("updated_time", "datetime"),
)


def _seed_business_hours(seeding: Seeding) -> list[tuple[str, Record]]:
    created = seeding.anchor - 700 * DAY
    return [
        (
            BUSINESS_HOURS.table_name,
            {
                "id": seeding.new_id(n),
                "name": name,
                "description": description,
                "is_default": is_default,
                "time_zone": zone,
                "service_desk_hours": hours,
                "list_of_holidays": [
                    {"holiday_date": day, "holiday_name": holiday} for day, holiday in HOLIDAYS
                ],
                "created_time": created,
                "updated_time": created,
                "_parent": None,
            },
        )
        for n, (name, description, is_default, zone, hours) in enumerate(
            BUSINESS_HOURS_SEEDED, start=1
        )
    ]


BUSINESS_HOURS = Resource(
    name="business_hours",
    singular="business_hours",
    scope="business_hours",
    tag="business_hours",
    id_base=ids.BUSINESS_HOURS_BASE,
    operations=("list", "view"),
    fields=BUSINESS_HOURS_FIELDS,
    seed=_seed_business_hours,
    count=lambda tickets: len(BUSINESS_HOURS_SEEDED),
    updated_since=False,
    order=("id", "asc"),
    description="Business hours (read-only through the API)",
)

RESOURCES = (ANNOUNCEMENTS, BUSINESS_HOURS)
