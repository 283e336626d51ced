"""Agents: list with filters, view by id, `/agents/me` for the key's own agent, and the writes
(create, update, deactivate, reactivate, forget: `people_writes.py`)."""

from __future__ import annotations

from flask import Blueprint, Response, request

from mock_freshservice import errors
from mock_freshservice.api import people, people_fields, people_writes, shapes
from mock_freshservice.api.common import (
    Caller,
    caller,
    check_query,
    endpoint,
    json_response,
    location,
    query_bool,
    raise_if,
    read_json_object,
    require,
)
from mock_freshservice.data.store import Record
from mock_freshservice.errors import FieldError
from mock_freshservice.pagination import next_link
from mock_freshservice.state import get_state
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
    agents = people.matching(who.account.agents.live_records(), tests)
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
    agent = who.account.agents.live(who.user_id) if who.is_agent else None
    if agent is None:
        raise errors.access_denied()
    return json_response({"agent": shapes.agent_json(agent)})


@bp.get("/agents/<int:agent_id>")
@endpoint("view")
def view_agent(agent_id: int) -> Response:
    who = require("agents.view")
    check_query(())
    return json_response({"agent": shapes.agent_json(_agent(who, agent_id))})


def _agent(who: Caller, agent_id: int) -> Record:
    agent = who.account.agents.live(agent_id)
    if agent is None:
        raise errors.NotFound()
    return agent


# -- writes ------------------------------------------------------------------------------------


@bp.post("/agents")
@endpoint("write")
def create_agent() -> Response:
    who = require("agents.manage")
    check_query(())
    body = read_json_object()
    account = who.account
    with account.lock:
        people_writes.check_agent(account, body, None)
        agent = people_writes.new_agent(account, body, get_state().clock.now())
        account.agents.put(agent)
        people_writes.sync_groups(account, None, agent, agent["created_at"])
    return json_response(
        {"agent": shapes.agent_json(agent)}, 201, location(f"agents/{agent['id']}")
    )


@bp.put("/agents/<int:agent_id>")
@endpoint("write")
def update_agent(agent_id: int) -> Response:
    who = require("agents.manage")
    check_query(())
    body = read_json_object()
    if not body:
        raise errors.missing_params()
    account = who.account
    with account.lock:
        agent = _agent(who, agent_id)
        people_writes.refuse_when_inactive(agent, "PUT")
        people_writes.check_agent(account, body, agent)
        now = get_state().clock.now()
        updated = people_writes.updated_agent(agent, body, now)
        account.agents.put(updated)
        people_writes.sync_groups(account, agent, updated, now)
    return json_response({"agent": shapes.agent_json(updated)})


@bp.delete("/agents/<int:agent_id>")
@endpoint("write")
def deactivate_agent(agent_id: int) -> Response:
    who = require("agents.manage")
    check_query(())
    account = who.account
    with account.lock:
        agent = _agent(who, agent_id)
        people_writes.refuse_when_inactive(agent, "DELETE")
        people_writes.not_self(who, agent)
        account.agents.put({**agent, "active": False, "updated_at": get_state().clock.now()})
    return Response(status=204)


@bp.put("/agents/<int:agent_id>/reactivate")
@endpoint("write")
def reactivate_agent(agent_id: int) -> Response:
    who = require("agents.manage")
    check_query(())
    account = who.account
    with account.lock:
        agent = _agent(who, agent_id)
        if not agent["active"]:
            agent = {**agent, "active": True, "updated_at": get_state().clock.now()}
            account.agents.put(agent)
    return json_response({"agent": shapes.agent_json(agent)})


@bp.delete("/agents/<int:agent_id>/forget")
@endpoint("write")
def forget_agent(agent_id: int) -> Response:
    who = require("agents.manage")
    check_query(())
    account = who.account
    with account.lock:
        agent = _agent(who, agent_id)
        people_writes.not_self(who, agent)
        now = get_state().clock.now()
        people_writes.sync_groups(account, agent, {"id": agent_id}, now)
        people_writes.forget(account, account.agents, agent, now)
    return Response(status=204)
