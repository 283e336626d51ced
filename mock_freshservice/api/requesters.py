"""Requesters: list with filters (agents only with `include_agents=true`) and view by id."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request

from mock_freshservice import errors
from mock_freshservice.api import people, people_fields, shapes
from mock_freshservice.api.common import (
    check_query,
    endpoint,
    json_response,
    query_bool,
    raise_if,
    require,
)
from mock_freshservice.data.store import Record
from mock_freshservice.pagination import next_link

bp = Blueprint("requesters", __name__)

LIST_PARAMS = (
    "email",
    "mobile_phone_number",
    "work_phone_number",
    "include_agents",
    "query",
    "page",
    "per_page",
)


@bp.get("/requester_fields")
@endpoint("list")
def list_requester_fields() -> Response:
    who = require("requesters.view")
    return people_fields.page_of("requester_fields", people_fields.requester_fields(who.account))


@bp.get("/requesters")
@endpoint("list", "list_requesters")
def list_requesters() -> Response:
    who = require("requesters.view")
    problems = check_query(LIST_PARAMS)
    query = request.args.get("query")
    page = people.parse_people_page(problems, filtering=query is not None)
    include_agents = query_bool("include_agents", problems)
    raise_if(problems)
    if include_agents and not who.role.allows("agents.manage"):
        raise errors.access_denied()  # DOCS: needs the Manage Agents privilege
    account = who.account
    found = list(account.requesters.all())
    if include_agents:
        found += list(account.agents.all())
    if "email" in request.args:
        wanted = request.args["email"].lower()
        found = [r for r in found if wanted in _emails(r)]
    for field in ("mobile_phone_number", "work_phone_number"):
        if field in request.args:
            found = [r for r in found if r.get(field) == request.args[field]]
    if query is not None:
        found = people.filtered(found, query, "primary_email")
    else:
        found = people.by_first_name(found)
    chunk, more = page.slice(found)
    headers = {"Link": next_link(page)} if more and query is None else None
    return json_response({"requesters": [_as_requester(r) for r in chunk]}, headers=headers)


def _emails(user: Record) -> list[str]:
    primary = user.get("primary_email", user.get("email")) or ""
    return [primary.lower(), *(e.lower() for e in user.get("secondary_emails") or [])]


def _as_requester(user: Record) -> dict[str, Any]:
    if "primary_email" in user:
        return shapes.requester_json(user)
    return shapes.agent_as_requester(user)


@bp.get("/requesters/<int:requester_id>")
@endpoint("view")
def view_requester(requester_id: int) -> Response:
    who = require("requesters.view")
    check_query(())
    account = who.account
    requester = account.requesters.get(requester_id)
    if requester is not None:
        return json_response({"requester": shapes.requester_json(requester)})
    agent = account.agents.get(requester_id)
    if agent is not None:  # agents are users too, shown with is_agent true
        return json_response({"requester": shapes.agent_as_requester(agent)})
    raise errors.NotFound()
