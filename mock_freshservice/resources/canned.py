"""Canned responses and their folders (the API reference's "Canned Responses" and "Canned Response
Folders").

A response lives in one folder (`folder_id`); a folder counts its responses (`responses_count`,
kept as responses are created, moved and deleted) and lists them at
`/canned_response_folders/{id}/canned_responses`. Freshworks' OpenAPI file names one record at a
singular path (`/canned_response/{id}`, `/canned_response_folder/{id}`), the reference at the
plural one: both are served (`Resource.item_aliases`). Deleting a folder deletes its responses
(guesses.CANNED_FOLDER_DELETE_CASCADES).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mock_freshservice.clock import DAY
from mock_freshservice.data import ids
from mock_freshservice.data.store import Record
from mock_freshservice.html_text import text_of
from mock_freshservice.resources import itsm
from mock_freshservice.resources.declaration import (
    Context,
    ListedUnder,
    Resource,
    Seeding,
    records_of,
)
from mock_freshservice.resources.fields import Field, read_only

FOLDERS_SEEDED = (
    # (name, type)
    ("General", "General"),
    ("Access and accounts", "General"),
    ("Hardware", "General"),
    ("Personal", "Personal"),
)
RESPONSES_SEEDED = (
    # (folder, title, HTML)
    (1, "Thanks for reaching out", "<div>Thanks for reaching out. We are looking into it.</div>"),
    (1, "Closing: no reply", "<div>We are closing this ticket as we have not heard back.</div>"),
    (1, "Need more details", "<div>Could you send a screenshot and the time it happened?</div>"),
    (2, "Password reset steps", "<div>Open the portal, choose <b>Forgot password</b>.</div>"),
    (2, "MFA re-enrolment", "<div>Your MFA was reset: enrol again at next sign-in.</div>"),
    (2, "Access granted", "<div>Your access was granted; it may take 15 minutes.</div>"),
    (3, "Laptop swap scheduled", "<div>A technician will swap your laptop on the date set.</div>"),
    (3, "Printer queue cleared", "<div>We cleared the printer queue; please print again.</div>"),
    (4, "On leave today", "<div>I am away today; the team will pick this up.</div>"),
)
FOLDER_TYPES = ("General", "Personal")


FOLDER_FIELDS = (
    read_only("id", "id", "Unique ID of the folder"),
    Field("name", "string", "Name of the folder", required=True, nullable=False, blank_ok=False),
    read_only(
        "type",
        "string",
        "General (shared) or Personal (one agent's)",
        choices=FOLDER_TYPES,
        nullable=False,
        default="General",
    ),
    read_only(
        "responses_count",
        "integer",
        "How many responses the folder holds",
        nullable=False,
        default=0,
    ),
    read_only("created_at", "datetime"),
    read_only("updated_at", "datetime"),
)

RESPONSE_FIELDS = (
    read_only("id", "id", "Unique ID of the canned response"),
    Field(
        "title", "string", "Title of the response", required=True, nullable=False, blank_ok=False
    ),
    Field(
        "folder_id",
        "id",
        "The folder the response is in",
        required=True,
        nullable=False,
        references="canned_response_folders",
    ),
    read_only("content", "text", "The response as plain text"),
    Field(
        "content_html",
        "html",
        "The response (HTML)",
        required=True,
        nullable=False,
        blank_ok=False,
    ),
    read_only(
        "attachments",
        "object",
        "Files attached to the response",
        default=[],
        nullable=False,
        answer_schema={"type": "array", "items": {"type": "object"}},
    ),
    read_only("created_at", "datetime"),
    read_only("updated_at", "datetime"),
)


def _count(context: Context, folder_id: Any, change: int) -> None:
    folders = records_of(context.account, FOLDERS)
    folder = folders.live(folder_id) if isinstance(folder_id, int) else None
    if folder is not None:
        count = max(0, int(folder.get("responses_count") or 0) + change)
        folders.put({**folder, "responses_count": count})


def _fill(context: Context, record: Record, body: Mapping[str, Any], old: Record | None) -> None:
    """`content` from `content_html`; the folders' counts follow the response."""
    record["content"] = text_of(record.get("content_html") or "")
    before = None if old is None else old.get("folder_id")
    if before != record.get("folder_id"):
        _count(context, before, -1)
        _count(context, record.get("folder_id"), +1)


def _leave_folder(context: Context, record: Record) -> None:
    _count(context, record.get("folder_id"), -1)


def _empty_folder(context: Context, record: Record) -> None:
    """A deleted folder takes its responses with it."""
    itsm.delete_where(context, RESPONSES, "folder_id", record["id"])


def _seed_folders(seeding: Seeding) -> list[tuple[str, Record]]:
    created = seeding.anchor - 500 * DAY
    counts = [sum(1 for folder, _, _ in RESPONSES_SEEDED if folder == n)
              for n in range(1, len(FOLDERS_SEEDED) + 1)]  # fmt: skip
    return [
        (
            FOLDERS.table_name,
            {
                "id": seeding.new_id(n),
                "name": name,
                "type": kind,
                "responses_count": counts[n - 1],
                "created_at": created,
                "updated_at": created,
                "_parent": None,
            },
        )
        for n, (name, kind) in enumerate(FOLDERS_SEEDED, start=1)
    ]


def _seed_responses(seeding: Seeding) -> list[tuple[str, Record]]:
    made = []
    for n, (folder, title, html) in enumerate(RESPONSES_SEEDED, start=1):
        created = seeding.anchor - (400 - 20 * n) * DAY
        made.append(
            (
                RESPONSES.table_name,
                {
                    "id": seeding.new_id(n),
                    "title": title,
                    "folder_id": ids.ranged(
                        ids.CANNED_RESPONSE_FOLDER_BASE, seeding.account.index, folder
                    ),
                    "content": text_of(html),
                    "content_html": html,
                    "attachments": [],
                    "created_at": created,
                    "updated_at": created,
                    "_parent": None,
                },
            )
        )
    return made


FOLDERS = Resource(
    name="canned_response_folders",
    singular="canned_response_folder",
    scope="canned_responses",
    tag="canned_responses",
    id_base=ids.CANNED_RESPONSE_FOLDER_BASE,
    fields=FOLDER_FIELDS,
    unique=("name",),
    on_delete=_empty_folder,
    seed=_seed_folders,
    count=lambda tickets: len(FOLDERS_SEEDED),
    updated_since=False,
    order=("id", "asc"),
    item_aliases=("canned_response_folder",),
    description="Canned response folders",
)

RESPONSES = Resource(
    name="canned_responses",
    singular="canned_response",
    scope="canned_responses",
    tag="canned_responses",
    id_base=ids.CANNED_RESPONSE_BASE,
    fields=RESPONSE_FIELDS,
    fill=_fill,
    on_delete=_leave_folder,
    seed=_seed_responses,
    count=lambda tickets: len(RESPONSES_SEEDED),
    updated_since=False,
    order=("id", "asc"),
    item_aliases=("canned_response",),
    listed_under=ListedUnder("canned_response_folders", "canned_responses", "folder_id"),
    description="Canned responses",
)

RESOURCES = (FOLDERS, RESPONSES)
