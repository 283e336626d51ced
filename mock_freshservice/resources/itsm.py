"""What changes and releases share: planning fields, the assets they concern, dates that must not
end before they start, change windows, and restore after delete."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from mock_freshservice import guesses
from mock_freshservice.clock import DAY, HOUR, format_ts, parse_datetime
from mock_freshservice.data import ids
from mock_freshservice.data.account import AccountData
from mock_freshservice.data.store import Record
from mock_freshservice.errors import FieldError
from mock_freshservice.html_text import text_of
from mock_freshservice.resources.declaration import Action, Context, Resource, records_of
from mock_freshservice.resources.fields import TEXT_LIMIT, Field
from mock_freshservice.validation import mismatch

INVALID_FIELD = "Unexpected/invalid field in request"
IMPACT_CODES = {"low": 1, "medium": 2, "high": 3}


def format_ms(epoch: int | None) -> str | None:
    """A timestamp with milliseconds, as change windows and projects show theirs."""
    shown = format_ts(epoch)
    return None if shown is None else f"{shown[:-1]}.000Z"


# -- dates ----------------------------------------------------------------------------------


def described(
    context: Context, record: Record, body: Mapping[str, Any], old: Record | None
) -> None:
    """A fill hook: `description_text`, the plain-text twin of `description`."""
    record["description_text"] = text_of(record.get("description") or "")


def end_not_before_start(
    context: Context, body: Mapping[str, Any], record: Record | None, start: str, end: str
) -> list[FieldError]:
    """`end` earlier than `start`, either as sent or as stored, is refused on `end`."""
    if start not in body and end not in body:
        return []
    old = record or {}
    first = _moment(body[start]) if start in body else old.get(start)
    last = _moment(body[end]) if end in body else old.get(end)
    if first is None or last is None or last >= first:
        return []
    return [FieldError(end, guesses.end_before_start_message(start), "invalid_value")]


def _moment(value: Any) -> int | None:
    return parse_datetime(value) if isinstance(value, str) else None


# -- planning fields --------------------------------------------------------------------------


def planning_fields(keys: Mapping[str, str], **rest: Any) -> Field:
    """`planning_fields`: an object of the named plans, each `{"description": html}` in and
    `{"description", "description_text"}` out; an update adds plans to the stored ones."""
    part_in = {
        "type": "object",
        "additionalProperties": False,
        "properties": {"description": {"type": "string", "minLength": 1, "maxLength": 2_000}},
    }
    part_out = {
        "type": "object",
        "properties": {"description": {"type": "string"}, "description_text": {"type": "string"}},
    }
    return Field(
        "planning_fields",
        "object",
        ", ".join(f"{key} ({what})" for key, what in keys.items()),
        default={},
        nullable=False,
        merge=True,
        value_check=_planning_check(tuple(keys)),
        request_shape={
            "type": "object",
            "additionalProperties": False,
            "properties": {key: part_in for key in keys},
        },
        answer_schema={
            "type": "object",
            "additionalProperties": False,
            "properties": {key: part_out for key in keys},
        },
        **rest,
    )


def _planning_check(keys: tuple[str, ...]) -> Any:
    def check(field: str, value: Any) -> FieldError | None:
        if not isinstance(value, dict):
            return FieldError(field, mismatch(value, "key/value pair"), "datatype_mismatch")
        for key, part in value.items():
            if key not in keys:
                return FieldError(key, INVALID_FIELD, "invalid_field")
            if not isinstance(part, dict):
                return FieldError(key, mismatch(part, "key/value pair"), "datatype_mismatch")
            for inner, text in part.items():
                if inner != "description":
                    return FieldError(key, INVALID_FIELD, "invalid_field")
                if not isinstance(text, str):
                    return FieldError(key, mismatch(text, "String"), "datatype_mismatch")
                if len(text) > TEXT_LIMIT:
                    return FieldError(
                        key,
                        f"Has {len(text)} characters, it can have maximum of {TEXT_LIMIT} "
                        "characters",
                        "invalid_value",
                    )
        return None

    return check


def plans_with_text(plans: Mapping[str, Any]) -> dict[str, dict[str, str]]:
    """Each plan with the plain text of its description."""
    return {
        key: {
            "description": part["description"],
            "description_text": text_of(part["description"]),
        }
        for key, part in plans.items()
        if isinstance(part, dict) and isinstance(part.get("description"), str)
    }


# -- assets -----------------------------------------------------------------------------------

MAX_ASSETS = 100
ASSET_SUMMARY = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "name": {"type": "string"},
        "description": {"type": ["string", "null"]},
        "ci_type_id": {"type": "integer"},
        "impact": {"type": "integer"},
        "created": {"type": "string", "format": "date-time"},
        "updated": {"type": "string", "format": "date-time"},
        "user_id": {"type": ["integer", "null"]},
        "department_id": {"type": ["integer", "null"]},
        "assigned_on": {"type": ["string", "null"], "format": "date-time"},
        "agent_id": {"type": ["integer", "null"]},
        "author_id": {"type": ["integer", "null"]},
        "author_type": {"type": ["string", "null"]},
        "deleted": {"type": "boolean"},
        "display_id": {"type": "integer"},
        "salvage": {"type": "null"},
    },
}


def assets_field(description: str, **rest: Any) -> Field:
    """`assets`: `[{"display_id": 8}, …]` in, the assets' summaries out (replaced by an update)."""
    return Field(
        "assets",
        "object",
        description,
        default=[],
        nullable=False,
        value_check=_assets_check,
        request_shape={
            "type": "array",
            "maxItems": 5,
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["display_id"],
                "properties": {"display_id": {"type": "integer", "minimum": 1}},
            },
        },
        answer_schema={"type": "array", "items": ASSET_SUMMARY},
        **rest,
    )


def _assets_check(field: str, value: Any) -> FieldError | None:
    if not isinstance(value, list):
        return FieldError(field, mismatch(value, "Array"), "datatype_mismatch")
    if len(value) > MAX_ASSETS:
        return FieldError(
            field,
            f"Has {len(value)} elements, it can have maximum of {MAX_ASSETS} elements",
            "invalid_value",
        )
    for item in value:
        if not isinstance(item, dict):
            return FieldError(
                field, "It should contain elements of type key/value pair only", "datatype_mismatch"
            )
        display_id = item.get("display_id")
        if (
            set(item) != {"display_id"}
            or isinstance(display_id, bool)
            or not isinstance(display_id, int)
            or display_id <= 0
        ):
            return FieldError(field, guesses.ASSET_REFERENCE_MESSAGE, "invalid_value")
    return None


def asset_ids(value: Iterable[Mapping[str, Any]]) -> list[int]:
    return list(dict.fromkeys(int(item["display_id"]) for item in value))


def missing_assets(account: AccountData, body: Mapping[str, Any]) -> list[FieldError]:
    """Display ids of `assets` that name no asset (or one in the trash)."""
    if not isinstance(body.get("assets"), list):
        return []
    missing = [
        display_id
        for display_id in asset_ids(body["assets"])
        if (asset := account.assets.get(display_id)) is None or asset.get("_trashed")
    ]
    if not missing:
        return []
    listed = ",".join(str(display_id) for display_id in missing)
    return [
        FieldError("assets", f"There are no records matching the ids: '{listed}'", "invalid_value")
    ]


def asset_summaries(account: AccountData, display_ids: Iterable[int]) -> list[dict[str, Any]]:
    found = []
    for display_id in display_ids:
        asset = account.assets.get(display_id)
        if asset is not None:
            found.append(asset_summary(asset))
    return found


def asset_summary(asset: Record) -> dict[str, Any]:
    """An asset as changes and releases list theirs."""
    return {
        "name": asset["name"],
        "description": asset.get("description"),
        "ci_type_id": asset["asset_type_id"],
        "impact": IMPACT_CODES.get(str(asset.get("impact")), 1),
        "created": format_ts(asset["created_at"]),
        "updated": format_ts(asset["updated_at"]),
        "user_id": asset.get("user_id"),
        "department_id": asset.get("department_id"),
        "assigned_on": format_ts(asset.get("assigned_on")),
        "agent_id": asset.get("agent_id"),
        "author_id": asset.get("created_by_user"),
        "author_type": asset.get("author_type"),
        "deleted": bool(asset.get("_trashed")),
        "display_id": asset["display_id"],
        "salvage": None,
    }


# -- change windows ---------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, slots=True)
class Window:
    """A maintenance window (when changes may run) or a blackout window (when they may not)."""

    id: int
    name: str
    start: int
    end: int

    def shown(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "description": f"{self.name}.",
            "window_start_date": format_ms(self.start),
            "window_end_date": format_ms(self.end),
        }


@dataclasses.dataclass(frozen=True, slots=True)
class Windows:
    maintenance: dict[int, Window]
    blackout: tuple[Window, ...]

    def blackout_over(self, start: int | None, end: int | None) -> dict[str, Any]:
        """The first blackout window the planned time overlaps, or `{}`."""
        if start is None or end is None:
            return {}
        for window in self.blackout:
            if start <= window.end and end >= window.start:
                return window.shown()
        return {}


MAINTENANCE_NAMES = (
    "Weekly maintenance window",
    "Network maintenance window",
    "Datacenter patching window",
    "Storage firmware window",
)
MAINTENANCE_COUNT = 12  # every fortnight around the data clock's anchor


def windows_of(account: AccountData) -> Windows:
    return _windows(account.index, account.generator.anchor)


@functools.lru_cache(maxsize=64)
def _windows(index: int, anchor: int) -> Windows:
    """Fixed per account and data clock: no API makes or changes them."""
    saturday = anchor - anchor % (7 * DAY) + 2 * DAY  # epoch day 0 was a Thursday
    maintenance = {}
    for n in range(1, MAINTENANCE_COUNT + 1):
        start = saturday + (n - 8) * 14 * DAY + 22 * HOUR
        window_id = ids.ranged(ids.CHANGE_WINDOW_BASE, index, n)
        name = MAINTENANCE_NAMES[(n - 1) % len(MAINTENANCE_NAMES)]
        maintenance[window_id] = Window(window_id, name, start, start + 8 * HOUR)
    blackout = (
        Window(
            ids.ranged(ids.CHANGE_WINDOW_BASE, index, 101),
            "Quarter-end change freeze",
            anchor - 40 * DAY,
            anchor - 33 * DAY,
        ),
        Window(
            ids.ranged(ids.CHANGE_WINDOW_BASE, index, 102),
            "Holiday change freeze",
            anchor + 20 * DAY,
            anchor + 34 * DAY,
        ),
    )
    return Windows(maintenance, blackout)


WINDOW_SHOWN = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "id": {"type": "integer"},
        "name": {"type": "string"},
        "description": {"type": "string"},
        "window_start_date": {"type": "string", "format": "date-time"},
        "window_end_date": {"type": "string", "format": "date-time"},
    },
}


def _window_check(field: str, value: Any) -> FieldError | None:
    if not isinstance(value, dict):
        return FieldError(field, mismatch(value, "key/value pair"), "datatype_mismatch")
    window_id = value.get("id")
    if set(value) != {"id"} or isinstance(window_id, bool) or not isinstance(window_id, int):
        return FieldError(field, guesses.WINDOW_REFERENCE_MESSAGE, "invalid_value")
    return None


def maintenance_window_field() -> Field:
    """`maintenance_window`: `{"id": n}` in (null: none), the window out (`{}`: none)."""
    return Field(
        "maintenance_window",
        "object",
        "The maintenance window the change runs in",
        default={},
        value_check=_window_check,
        request_shape={
            "type": ["object", "null"],
            "additionalProperties": False,
            "required": ["id"],
            "properties": {"id": {"type": "integer", "minimum": 1}},
        },
        answer_schema=WINDOW_SHOWN,
    )


def missing_window(account: AccountData, body: Mapping[str, Any]) -> list[FieldError]:
    chosen = body.get("maintenance_window")
    if not isinstance(chosen, dict) or chosen.get("id") in windows_of(account).maintenance:
        return []
    return [
        FieldError(
            "maintenance_window",
            "There is no maintenance_window matching the given id",
            "invalid_value",
        )
    ]


def window_shown(account: AccountData, chosen: Any) -> dict[str, Any]:
    """What a stored `maintenance_window` shows: the window, or `{}`."""
    if isinstance(chosen, dict) and "id" in chosen:
        window = windows_of(account).maintenance.get(chosen["id"])
        if window is not None:
            return window.shown()
    return {}


# -- restore ----------------------------------------------------------------------------------


def restore(singular: str) -> Action:
    """`PUT /{name}/{id}/restore`: a deleted record back in lists, answered with 204."""

    def run(context: Context, record: Record) -> Record:
        return {**record, "_deleted": False}

    return Action(
        "restore",
        "PUT",
        "delete",
        run,
        answers_record=False,
        status=204,
        description=f"Restore a deleted {singular}",
        on_deleted=True,
    )


def delete_where(context: Context, resource: Resource, field: str, value: Any) -> None:
    """Delete (tombstone) every live record of `resource` whose `field` is `value`: what a
    deleted record takes with it (a folder's responses, an application's installations)."""
    table = records_of(context.account, resource)
    for record in table.live_records():
        if record.get(field) == value:
            table.put({**record, "_gone": True, "updated_at": context.now})


def primary_workspace(context: Context) -> int:
    """The default `workspace_id` of a problem, change or release: the account's primary one."""
    return context.account.primary_workspace_id


def named_views(
    done: int, views: Mapping[str, Callable[[Record], bool]]
) -> Callable[[Record, Any, Context], bool]:
    """The `filter_name` test of a problem-like module: `deleted` shows the deleted records
    only and every other name the live ones; `my_open` is the caller's not yet `done`,
    `unassigned` those with no agent, and `views` adds the module's own names (any other name
    shows every live record)."""

    def test(record: Record, value: Any, context: Context) -> bool:
        if value == "deleted":
            return bool(record.get("_deleted"))
        if record.get("_deleted"):
            return False
        if value == "my_open":
            return record.get("agent_id") == context.who.user_id and record["status"] != done
        if value == "unassigned":
            return record.get("agent_id") is None
        view = views.get(value)
        return True if view is None else view(record)

    return test
