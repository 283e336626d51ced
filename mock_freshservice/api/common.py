"""What the resource blueprints share: the caller, privileges, bodies, query checks, responses,
the tickets several of them reach, and the searches' paging and acting user."""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Literal, TypeVar

import orjson
from flask import Response, g, request

from mock_freshservice import errors
from mock_freshservice.data.account import AccountData
from mock_freshservice.data.roles import Role
from mock_freshservice.data.store import Record
from mock_freshservice.errors import FieldError, ValidationFailed
from mock_freshservice.pagination import Page
from mock_freshservice.proxy import public_base
from mock_freshservice.validation import (
    EMAIL,
    nul_character_errors,
    one_of,
    query_errors_for_unknown,
)

F = TypeVar("F", bound=Callable[..., Any])
MAX_TEXT = 65_535  # descriptions and conversation bodies (MySQL TEXT); subjects are 255
Kind = Literal["list", "view", "write"]


@dataclasses.dataclass(frozen=True, slots=True)
class EndpointMeta:
    """How an endpoint is metered: list or single-object includes cost differently."""

    kind: Kind
    category: str | None = None  # the Freshservice sub-limit it spends from, if any


def endpoint(kind: Kind, category: str | None = None) -> Callable[[F], F]:
    def mark(view: F) -> F:
        view._fs_meta = EndpointMeta(kind, category)  # type: ignore[attr-defined]
        return view

    return mark


@dataclasses.dataclass(frozen=True, slots=True)
class Caller:
    """The authenticated user behind the request's API key."""

    account: AccountData
    user_id: int
    role: Role
    key_fingerprint: str

    @property
    def is_agent(self) -> bool:
        return self.role.is_agent


def caller() -> Caller:
    found: Caller = g.caller
    return found


def require(privilege: str) -> Caller:
    """The caller, if their role grants `privilege`; else 403 access_denied."""
    who = caller()
    if not who.role.allows(privilege):
        raise errors.access_denied()
    return who


def json_response(
    body: object, status: int = 200, headers: dict[str, str] | None = None
) -> Response:
    response = Response(orjson.dumps(body), status=status, content_type=errors.JSON)
    if headers:
        response.headers.update(headers)
    return response


def raw_json_response(
    body: bytes, status: int = 200, headers: dict[str, str] | None = None
) -> Response:
    """A response from JSON the caller already serialised."""
    response = Response(body, status=status, content_type=errors.JSON)
    if headers:
        response.headers.update(headers)
    return response


def json_object(raw: bytes) -> dict[str, Any]:
    """`raw` parsed as a JSON object ({} when blank); ValueError when it is anything else."""
    if not raw.strip():
        return {}
    body = orjson.loads(raw)  # orjson.JSONDecodeError is a ValueError
    if not isinstance(body, dict):
        raise ValueError("not a JSON object")
    return body


def read_json_object() -> dict[str, Any]:
    """The request body as a JSON object; anything else is `invalid_json`, as in Freshservice.
    A string holding U+0000 anywhere in it is refused, naming its field (400)."""
    raw = request.get_data(cache=True)
    try:
        body = json_object(raw)
    except ValueError as exc:
        raise errors.invalid_json() from exc
    # JSON can carry U+0000 only escaped: a body without the escape needs no walk.
    if b"\\u0000" in raw:
        raise_if(nul_character_errors(body))
    return body


def check_query(
    allowed: Iterable[str], problems: list[FieldError] | None = None
) -> list[FieldError]:
    """Refuse unknown query parameters (alone, first); return a list to collect further problems."""
    args = request.args
    if args:
        unknown = query_errors_for_unknown(args.keys(), allowed)
        if unknown:
            raise ValidationFailed(unknown)
    return problems if problems is not None else []


def raise_if(problems: list[FieldError]) -> None:
    if problems:
        raise ValidationFailed(problems)


def location(path: str) -> dict[str, str]:
    return {"Location": f"{public_base()}/api/v2/{path}"}


def query_workspace(account: AccountData, problems: list[FieldError]) -> int:
    """`?workspace_id=`: absent means the primary workspace, 0 means all; else one of the ids."""
    raw = request.args.get("workspace_id")
    if raw is None:
        return account.primary_workspace_id
    known = [0, *account.workspaces.ids]
    if re.fullmatch(r"[0-9]{1,19}", raw) and int(raw) in known:
        return int(raw)
    problems.append(FieldError("workspace_id", one_of(known), "invalid_value"))
    return account.primary_workspace_id


def in_workspace(record: Mapping[str, Any], workspace_id: int) -> bool:
    return workspace_id == 0 or record["workspace_id"] == workspace_id


def query_bool(name: str, problems: list[FieldError]) -> bool | None:
    raw = request.args.get(name)
    if raw is None:
        return None
    if raw not in ("true", "false"):
        problems.append(
            FieldError(name, "It should be one of these values: 'true,false'", "invalid_value")
        )
        return None
    return raw == "true"


# -- Tickets, which several blueprints reach ------------------------------------------------------


def can_view_ticket(record: Record, who: Caller) -> bool:
    """Agents view every ticket; a requester only their own."""
    return who.is_agent or record["requester_id"] == who.user_id


def get_ticket(ticket_id: int, who: Caller) -> Record:
    """The ticket, or 404; a requester may see only their own (else 403)."""
    record = who.account.tickets.get(ticket_id)
    if record is None:
        raise errors.NotFound()
    if not can_view_ticket(record, who):
        raise errors.access_denied()
    return record


def live_ticket(ticket_id: int, who: Caller) -> Record:
    """The ticket, for a write under it (a note, a reply, a child ticket): a deleted or spam
    ticket is not found there (guesses.py, "Deleted tickets")."""
    record = get_ticket(ticket_id, who)
    if record["deleted"] or record["spam"]:
        raise errors.NotFound()
    return record


# -- Searches: the service catalog's and the knowledge base's -----------------------------------


def words(text: str) -> list[str]:
    """The lower-case words of `text`, as a search term and a searched text are compared."""
    return [w for w in re.split(r"\W+", text.lower()) if w]


def search_page(found: Sequence[Record], page: Page, render: Any, key: str) -> dict[str, Any]:
    """A search answer: one page of results and the `meta` block with the totals."""
    chunk, _ = page.slice(found)
    return {
        key: [render(record) for record in chunk],
        "meta": {
            "total_items": len(found),
            "total_pages": math.ceil(len(found) / page.per_page),
            "current_page": page.page,
        },
    }


def acting_user(who: Caller, problems: list[FieldError]) -> Record | None:
    """Who a search runs as: `user_email`'s user (admins may assume one), else the caller."""
    raw = request.args.get("user_email")
    account = who.account
    if raw is None:
        return account.user(who.user_id)
    if not EMAIL.match(raw):
        problems.append(
            FieldError(
                "user_email", "It should be in the 'valid email address' format", "invalid_value"
            )
        )
        return None
    if not who.role.allows("agents.manage"):
        raise errors.access_denied()
    user = account.user_by_email(raw)
    if user is None:
        problems.append(
            FieldError(
                "user_email", "There is no user matching the given user_email", "invalid_value"
            )
        )
    return user
