"""A requester group's members: listed, added and removed one by one (the group itself is a
declared resource, `resources/organisation.py`)."""

from __future__ import annotations

from flask import Blueprint, Response

from mock_freshservice import errors
from mock_freshservice.api import shapes
from mock_freshservice.api.common import (
    Caller,
    check_query,
    endpoint,
    json_response,
    raise_if,
    require,
)
from mock_freshservice.data.store import Record
from mock_freshservice.pagination import next_link, parse_page
from mock_freshservice.resources.declaration import records_of
from mock_freshservice.resources.organisation import REQUESTER_GROUPS
from mock_freshservice.state import get_state

bp = Blueprint("requester_groups", __name__)
MEMBERS = "/requester_groups/<int:requester_group_id>/members"


def _group(who: Caller, group_id: int) -> Record:
    group = records_of(who.account, REQUESTER_GROUPS).live(group_id)
    if group is None:
        raise errors.NotFound()
    return group


@bp.get(MEMBERS)
@endpoint("list")
def list_members(requester_group_id: int) -> Response:
    who = require("requester_groups.view")
    problems = check_query(("page", "per_page"))
    page = parse_page(problems)
    raise_if(problems)
    account = who.account
    members = [account.requesters.live(i) for i in _group(who, requester_group_id)["members"]]
    chunk, more = page.slice([m for m in members if m is not None])
    headers = {"Link": next_link(page)} if more else None
    return json_response({"requesters": [shapes.requester_json(r) for r in chunk]}, headers=headers)


@bp.post(f"{MEMBERS}/<int:requester_id>")
@endpoint("write")
def add_member(requester_group_id: int, requester_id: int) -> Response:
    """201 with no body; adding a member twice changes nothing (guesses.REQUESTER_GROUP_MEMBERS)."""
    who = require("requester_groups.edit")
    check_query(())
    account = who.account
    table = records_of(account, REQUESTER_GROUPS)
    with account.lock:
        group = _group(who, requester_group_id)
        if account.requesters.live(requester_id) is None:
            raise errors.NotFound()
        if requester_id not in group["members"]:
            members = sorted([*group["members"], requester_id])
            table.put({**group, "members": members, "updated_at": get_state().clock.now()})
    return Response(status=201)


@bp.delete(f"{MEMBERS}/<int:requester_id>")
@endpoint("write")
def remove_member(requester_group_id: int, requester_id: int) -> Response:
    who = require("requester_groups.edit")
    check_query(())
    account = who.account
    table = records_of(account, REQUESTER_GROUPS)
    with account.lock:
        group = _group(who, requester_group_id)
        if requester_id not in group["members"]:
            raise errors.NotFound()
        members = [m for m in group["members"] if m != requester_id]
        table.put({**group, "members": members, "updated_at": get_state().clock.now()})
    return Response(status=204)
