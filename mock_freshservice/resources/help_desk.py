"""The help desk's furniture: announcements, business hours and satisfaction surveys (the API
reference's "Announcements", "Business Hours" and "Customer Satisfaction Surveys").

An announcement's `state` follows the data clock: scheduled until `visible_from`, active until
`visible_till`, archived after. Business hours are read-only through the API, as in Freshservice;
the default one is the hours the generated tickets keep (`data/tickets.py`: Monday to Friday,
09:00 to 17:00 UTC). One survey is active at a time: activating one deactivates the others
(guesses.ONE_ACTIVE_SURVEY).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mock_freshservice.clock import DAY
from mock_freshservice.data import ids
from mock_freshservice.data.store import Record
from mock_freshservice.errors import FieldError
from mock_freshservice.html_text import text_of
from mock_freshservice.resources.declaration import (
    Action,
    Context,
    Filter,
    Resource,
    Seeding,
    caller_id,
)
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


def _by_state(record: Record, value: Any, context: Context) -> bool:
    return bool(state_at(record, context.now) == value)


def _state_now(record: Record, now: int) -> Record:
    return {**record, "state": state_at(record, now)}


ANNOUNCEMENT_FIELDS = (
    read_only("id", "id", "Unique ID of the announcement"),
    read_only("created_by", "id", "The agent who wrote it", default=caller_id),
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


# -- satisfaction surveys ----------------------------------------------------------------------

TRIGGERS = ("Ticket Closure", "Ticket Resolution", "All Replies", "Agent Specified Emails")
ORDERS = ("Good to Bad", "Bad to Good")
OPTION_KEYS = tuple(f"option_{n}" for n in range(1, 6))
DEFAULT_OPTIONS = {
    "option_1": {"text": "Awesome", "follow_up_question": "What did we get right?"},
    "option_2": {"text": "Just okay", "follow_up_question": "What could we do better?"},
    "option_3": {"text": "Not good", "follow_up_question": "What went wrong?"},
}


def _options_check(field: str, value: Any) -> FieldError | None:
    """`option_1` … `option_5`, each `{text, follow_up_question}`; at least two, with text."""
    if not isinstance(value, dict):
        return FieldError(field, "It should be a/an key/value pair", "datatype_mismatch")
    for key, option in value.items():
        if key not in OPTION_KEYS:
            return FieldError(
                f"{field}.{key}", "Unexpected/invalid field in request", "invalid_field"
            )
        if not isinstance(option, dict) or set(option) - {"text", "follow_up_question"}:
            return FieldError(
                f"{field}.{key}", "It should be a/an key/value pair", "datatype_mismatch"
            )
        text = option.get("text")
        if not isinstance(text, str) or not text.strip() or len(text) > 255:
            return FieldError(f"{field}.{key}.text", "It should be a/an String", "invalid_value")
        follow_up = option.get("follow_up_question")
        if follow_up is not None and (not isinstance(follow_up, str) or len(follow_up) > 255):
            return FieldError(
                f"{field}.{key}.follow_up_question", "It should be a/an String", "invalid_value"
            )
    if len(value) < 2:
        return FieldError(field, "It should have at least 2 options", "invalid_value")
    return None


_OPTION_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["text"],
    "properties": {
        "text": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": r"\S"},
        "follow_up_question": {"type": "string", "maxLength": 255},
    },
}


def _survey_fill(
    context: Context, record: Record, body: Mapping[str, Any], old: Record | None
) -> None:
    record["user_id"] = context.who.user_id


def _set_active(active: bool) -> Any:
    def run(context: Context, record: Record) -> Record:
        if active:
            table = context.account.resource_tables[SURVEYS.table_name]
            for other in list(table.all()):
                if other["id"] != record["id"] and other.get("active") and not other.get("_gone"):
                    table.put({**other, "active": False, "updated_at": context.now})
        return {**record, "active": active, "user_id": context.who.user_id}

    return run


def _by_active(record: Record, value: Any, context: Context) -> bool:
    return bool(record.get("active")) is bool(value)


SURVEY_FIELDS = (
    read_only("id", "id", "Unique ID of the survey"),
    Field("name", "string", "Name of the survey", required=True, nullable=False, blank_ok=False),
    read_only("active", "boolean", "Whether requesters are sent it (activate/deactivate)",
              default=False),
    Field("survey_trigger_event", "string", "When it is sent", choices=TRIGGERS,
          default="Ticket Closure", nullable=False),
    Field("question", "string", "What the requester is asked", required=True, nullable=False,
          blank_ok=False),
    Field("order_of_options", "string", "How the options run", choices=ORDERS,
          default="Good to Bad", nullable=False),
    Field(
        "options",
        "object",
        "The answers offered: option_1 … option_5, each {text, follow_up_question}",
        required=True,
        nullable=False,
        value_check=_options_check,
        request_shape={
            "type": "object",
            "additionalProperties": False,
            "minProperties": 2,
            "properties": {key: _OPTION_SCHEMA for key in OPTION_KEYS},
        },
    ),
    Field("thank_you_message", "text", "What the requester reads after answering"),
    read_only("user_id", "id", "The agent who last changed it", default=caller_id),
    read_only("created_at", "datetime"),
    read_only("updated_at", "datetime"),
)  # fmt: skip


def _seed_surveys(seeding: Seeding) -> list[tuple[str, Record]]:
    agents = list(seeding.account.agents.ids)
    created = seeding.anchor - 500 * DAY
    base = {
        "survey_trigger_event": "Ticket Closure",
        "order_of_options": "Good to Bad",
        "options": DEFAULT_OPTIONS,
        "thank_you_message": "Thank you for your feedback.",
        "user_id": agents[0] if agents else None,
        "created_at": created,
        "updated_at": created,
        "_parent": None,
    }
    return [
        (SURVEYS.table_name, {**base, "id": seeding.new_id(1), "name": "Default survey",
         "active": True, "question": "How would you rate your overall satisfaction?"}),
        (SURVEYS.table_name, {**base, "id": seeding.new_id(2), "name": "Quick pulse",
         "active": False, "question": "Did we solve your problem?",
         "survey_trigger_event": "Ticket Resolution"}),
    ]  # fmt: skip


SURVEYS = Resource(
    name="surveys",
    singular="survey",
    scope="surveys",
    tag="surveys",
    id_base=ids.SURVEY_BASE,
    fields=SURVEY_FIELDS,
    unique=("name",),
    fill=_survey_fill,
    filters=(
        Filter("active", "boolean", _by_active, description="Only active (or inactive) surveys"),
    ),
    actions=(
        Action("activate", "PUT", "edit", _set_active(True), answers_record=False, status=204,
               description="Activate the survey (and deactivate the others)"),
        Action("deactivate", "PUT", "edit", _set_active(False), answers_record=False,
               status=204, description="Deactivate the survey"),
    ),
    seed=_seed_surveys,
    count=lambda tickets: 2,
    updated_since=False,
    order=("created_at", "asc"),
    description="Customer satisfaction surveys",
)  # fmt: skip

RESOURCES = (ANNOUNCEMENTS, BUSINESS_HOURS, SURVEYS)
