"""Attachments sent as Freshservice takes them: a `multipart/form-data` body whose files are the
repeated `attachments[]` parts, on a ticket's create and update, a note and a reply.

The form's other parts become the body a JSON request would have sent, read as the endpoint's
rules expect: `name[]` parts make a list, `custom_fields[name]` parts an object, and a text part
becomes an integer or a boolean where the rule wants one (a form carries only text). Each file
becomes an attachment record on its ticket or conversation; its bytes are not kept, since the
fake serves no downloads (guesses.ATTACHMENTS). Taking one attachment off a ticket or a
conversation is here too, for both blueprints.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from flask import request
from werkzeug.datastructures import FileStorage

from mock_freshservice import errors, guesses
from mock_freshservice.api.common import raise_if, read_json_object
from mock_freshservice.clock import format_ts
from mock_freshservice.data import ids
from mock_freshservice.data.account import AccountData
from mock_freshservice.data.dataset import TicketField
from mock_freshservice.data.store import Record
from mock_freshservice.data.ticket_form import typed_from_text
from mock_freshservice.errors import FieldError
from mock_freshservice.validation import Rule

FILE_PART = "attachments[]"
MAX_TICKET_ATTACHMENT_BYTES = 40 * 1024 * 1024  # per ticket, its conversations included
_INTEGER = re.compile(r"-?[0-9]{1,19}")
_CUSTOM = re.compile(r"custom_fields\[([^\[\]]+)\]")

F = TypeVar("F", bound=Callable[..., Any])


def takes_uploads(view: F) -> F:
    """Mark a view as taking `multipart/form-data` (the app refuses it, 415, everywhere else)."""
    view._fs_uploads = True  # type: ignore[attr-defined]
    return view


def accepts_multipart(view: Callable[..., Any] | None) -> bool:
    return bool(getattr(view, "_fs_uploads", False))


def read_body(
    rules: Mapping[str, Rule], custom_fields: Mapping[str, TicketField] | None = None
) -> tuple[dict[str, Any], list[FileStorage]]:
    """The request body and its files: a JSON object (no files), or a multipart form, whose
    `custom_fields[name]` parts are typed by the account's `custom_fields`."""
    if request.mimetype != "multipart/form-data":
        return read_json_object(), []
    body: dict[str, Any] = {}
    problems: list[FieldError] = []
    for name in request.form:
        values = request.form.getlist(name)
        if any("\x00" in value for value in values):
            problems.append(FieldError(name, guesses.NUL_CHARACTER_MESSAGE, "invalid_value"))
            continue
        custom = _CUSTOM.fullmatch(name)
        if custom is not None:
            own = (custom_fields or {}).get(custom[1])
            body.setdefault("custom_fields", {})[custom[1]] = typed_from_text(own, values[-1])
        elif name.endswith("[]"):
            field = name[:-2]
            body[field] = [_typed(rules.get(field), v, element=True) for v in values]
        else:
            body[name] = _typed(rules.get(name), values[-1])
    files = [f for name in request.files for f in request.files.getlist(name)]
    strays = sorted({name for name in request.files if name != FILE_PART})
    problems += [
        FieldError(name, f"Files go in {FILE_PART} parts", "invalid_field") for name in strays
    ]
    raise_if(problems)
    return body, files


def _typed(rule: Rule | None, text: str, *, element: bool = False) -> Any:
    """A form's text as the rule's type: integers and booleans where it wants them."""
    if rule is None:
        return text
    expected = rule.expected
    if element:
        # A list's elements: ids are numbers, anything else (emails, tags) stays text.
        return int(text) if expected == "Array" and _INTEGER.fullmatch(text) else text
    if expected in ("Integer", "Positive Integer", "Number") and _INTEGER.fullmatch(text):
        return int(text)
    if expected == "Boolean" and text in ("true", "false"):
        return text == "true"
    return text


def _size(upload: FileStorage) -> int:
    stream = upload.stream
    stream.seek(0, 2)
    size = stream.tell()
    stream.seek(0)
    return size


def attachments_of(ticket: Record, conversations: Iterable[Record]) -> list[Mapping[str, Any]]:
    """Every attachment a ticket holds, its conversations' included."""
    found = list(ticket.get("attachments") or [])
    for conversation in conversations:
        found += conversation.get("attachments") or []
    return found


def new_attachments(
    account: AccountData,
    ticket_id: int,
    held: list[Mapping[str, Any]],
    uploads: list[FileStorage],
    now: int,
) -> list[Record]:
    """Attachment records for `uploads` sent to ticket `ticket_id` (or one of its
    conversations), which already holds `held`; 400 on `attachments` past the ticket's bounds."""
    if not uploads:
        return []
    sizes = [_size(upload) for upload in uploads]
    total = sum(int(a.get("size") or 0) for a in held) + sum(sizes)
    if total > MAX_TICKET_ATTACHMENT_BYTES:
        raise_if([FieldError("attachments", "The ticket's attachments may not exceed 40 MB in all",
                             "invalid_value")])  # fmt: skip
    first = ids.attachment_number(account.index, ticket_id, held)
    if first + len(uploads) > ids.ATTACHMENT_SLOTS:
        limit = ids.ATTACHMENT_SLOTS - 1
        raise_if([FieldError("attachments", f"A ticket holds at most {limit} attachments",
                             "invalid_value")])  # fmt: skip
    made = []
    for k, (upload, size) in enumerate(zip(uploads, sizes, strict=True)):
        attachment_id = ids.attachment_id(account.index, ticket_id, first + k)
        name = upload.filename or f"attachment-{attachment_id}"
        made.append(
            {
                "id": attachment_id,
                "name": name,
                "content_type": upload.mimetype or "application/octet-stream",
                "size": size,
                "attachment_url": guesses.ATTACHMENT_URL.format(
                    domain=account.domain, id=attachment_id, name=name
                ),
                "created_at": format_ts(now),
                "updated_at": format_ts(now),
            }
        )
    return made


def without_attachment(record: Record, attachment_id: int) -> list[dict[str, object]]:
    """The record's attachments less the one named; 404 when it has none by that id."""
    attachments = list(record.get("attachments") or [])
    kept = [a for a in attachments if a.get("id") != attachment_id]
    if len(kept) == len(attachments):
        raise errors.NotFound()
    return kept
