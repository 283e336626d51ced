"""Agents: list with filters, view by id, and `/agents/me` for the key's own agent."""

from __future__ import annotations

from flask import Blueprint, Response, request

from mock_freshservice import errors
from mock_freshservice.api import people, people_fields, shapes
from mock_freshservice.api.common import (
    caller,
    check_query,
    endpoint,
    json_response,
    query_bool,
    raise_if,
    require,
)
from mock_freshservice.errors import FieldError
from mock_freshservice.pagination import next_link
from mock_freshservice.validation import one_of

bp = Blueprint("agents", __name__)

LIST_PARAMS = (
    "email",
    "mobile_phone_number",
    "work_phone_number",
    "active",
    "state",
    "query",
    "page",
    "per_page",
)
EXACT_FILTERS = ("email", "mobile_phone_number", "work_phone_number")


@bp.get("/agents")
@endpoint("list", "list_agents")
def list_agents() -> Response:
    who = require("agents.view")
    problems = check_query(LIST_PARAMS)
    query = request.args.get("query")
    page = people.parse_people_page(problems, filtering=query is not None)
    active = query_bool("active", problems)
    state = request.args.get("state")
    if state is not None and state not in ("fulltime", "occasional"):
        problems.append(FieldError("state", one_of(("fulltime", "occasional")), "invalid_value"))
    raise_if(problems)
    tests = {
        field: people.lower_equals(field, request.args[field])
        for field in EXACT_FILTERS
        if field in request.args
    }
    if active is not None:
        tests["active"] = people.equals("active", active)
    if state is not None:
        tests["state"] = people.equals("occasional", state == "occasional")
    agents = people.matching(who.account.agents.all(), tests)
    if query is not None:
        agents = people.filtered(agents, query, "email")
    else:
        agents = people.by_first_name(agents)
    chunk, more = page.slice(agents)
    headers = {"Link": next_link(page)} if more and query is None else None
    return json_response({"agents": [shapes.agent_json(a) for a in chunk]}, headers=headers)


@bp.get("/agent_fields")
@endpoint("list")
def list_agent_fields() -> Response:
    who = require("agents.view")
    return people_fields.page_of("agent_fields", people_fields.agent_fields(who.account))


@bp.get("/agents/me")
@endpoint("view")
def view_me() -> Response:
    """The agent the API key belongs to; a requester's key has no agent (403)."""
    who = caller()
    check_query(())
    agent = who.account.agents.get(who.user_id) if who.is_agent else None
    if agent is None:
        raise errors.access_denied()
    return json_response({"agent": shapes.agent_json(agent)})


@bp.get("/agents/<int:agent_id>")
@endpoint("view")
def view_agent(agent_id: int) -> Response:
    who = require("agents.view")
    check_query(())
    agent = who.account.agents.get(agent_id)
    if agent is None:
        raise errors.NotFound()
    return json_response({"agent": shapes.agent_json(agent)})
