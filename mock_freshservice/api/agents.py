"""Agents: list with filters, view by id, `/agents/me` for the key's own agent, and the writes
(create, update, deactivate, reactivate, forget: the skeletons of `people_views.py`, the checks
and records of `people_writes.py`)."""

from __future__ import annotations

from flask import Blueprint, Response, request

from mock_freshservice import errors
from mock_freshservice.api import people, people_fields, people_views, people_writes, shapes
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
from mock_freshservice.validation import one_of

bp = Blueprint("agents", __name__)

EXACT_FILTERS = ("email", "mobile_phone_number", "work_phone_number")


@bp.get("/agents")
@endpoint("list", "list_agents")
def list_agents() -> Response:
    listing = people_views.start_listing("agents.view", "active", "state")
    problems = listing.problems
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
    agents = people.matching(listing.who.account.agents.live_records(), tests)
    return listing.respond("agents", agents, email_field="email", render=shapes.agent_json)


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
    agent = who.account.agents.live(who.user_id) if who.is_agent else None
    if agent is None:
        raise errors.access_denied()
    return json_response({"agent": shapes.agent_json(agent)})


@bp.get("/agents/<int:agent_id>")
@endpoint("view")
def view_agent(agent_id: int) -> Response:
    who = require("agents.view")
    check_query(())
    agent = people_views.live(who.account.agents, agent_id)
    return json_response({"agent": shapes.agent_json(agent)})


# -- writes ------------------------------------------------------------------------------------

# Agents' writes also keep the groups' member and observer lists in step with the agent's.
AGENTS = people_views.People(
    key="agent",
    collection="agents",
    manage="agents.manage",
    table=lambda account: account.agents,
    render=shapes.agent_json,
    check=people_writes.check_agent,
    new=people_writes.new_agent,
    updated=people_writes.updated_agent,
    sync=people_writes.sync_groups,
)
people_views.add_write_routes(bp, AGENTS)
