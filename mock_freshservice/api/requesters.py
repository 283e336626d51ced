"""Requesters: list with filters (agents only with `include_agents=true`), view by id, and the
writes (create, update, deactivate, reactivate, forget: the skeletons of `people_views.py`;
`convert_to_agent`, `merge`; the checks and records of `people_writes.py`)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request

from mock_freshservice import errors, guesses
from mock_freshservice.api import people_fields, people_views, people_writes, shapes
from mock_freshservice.api.common import (
    check_query,
    endpoint,
    json_response,
    query_bool,
    raise_if,
    require,
)
from mock_freshservice.data.store import Record
from mock_freshservice.errors import FieldError
from mock_freshservice.state import get_state

bp = Blueprint("requesters", __name__)


@bp.get("/requester_fields")
@endpoint("list")
def list_requester_fields() -> Response:
    who = require("requesters.view")
    return people_fields.page_of("requester_fields", people_fields.requester_fields(who.account))


@bp.get("/requesters")
@endpoint("list", "list_requesters")
def list_requesters() -> Response:
    listing = people_views.start_listing("requesters.view", "include_agents")
    include_agents = query_bool("include_agents", listing.problems)
    raise_if(listing.problems)
    if include_agents and not listing.who.role.allows("agents.manage"):
        raise errors.access_denied()  # DOCS: needs the Manage Agents privilege
    account = listing.who.account
    found = account.requesters.live_records()
    if include_agents:
        found += account.agents.live_records()
    if "email" in request.args:
        wanted = request.args["email"].lower()
        found = [r for r in found if wanted in _emails(r)]
    for field in ("mobile_phone_number", "work_phone_number"):
        if field in request.args:
            found = [r for r in found if r.get(field) == request.args[field]]
    return listing.respond("requesters", found, email_field="primary_email", render=_as_requester)


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
    requester = account.requesters.live(requester_id)
    if requester is not None:
        return json_response({"requester": shapes.requester_json(requester)})
    agent = account.agents.live(requester_id)
    if agent is not None:  # agents are users too, shown with is_agent true
        return json_response({"requester": shapes.agent_as_requester(agent)})
    raise errors.NotFound()


# -- writes ------------------------------------------------------------------------------------

# A requester proper: an agent's id is not one here (its writes go through /agents).
REQUESTERS = people_views.People(
    key="requester",
    collection="requesters",
    manage="requesters.manage",
    table=lambda account: account.requesters,
    render=shapes.requester_json,
    check=people_writes.check_requester,
    new=people_writes.new_requester,
    updated=people_writes.updated_requester,
)
people_views.add_write_routes(bp, REQUESTERS)


@bp.put("/requesters/<int:requester_id>/convert_to_agent")
@endpoint("write")
def convert_to_agent(requester_id: int) -> Response:
    who = require("agents.manage")
    check_query(())
    account = who.account
    with account.lock:
        requester = people_views.live(account.requesters, requester_id)
        people_writes.refuse_when_inactive(requester, "PUT")
        now = get_state().clock.now()
        agent = people_writes.agent_from_requester(account, requester, now)
        account.requesters.put(people_writes.tombstone(requester, now))
        account.agents.put(agent)
    return json_response({"agent": shapes.agent_json(agent)})


@bp.put("/requesters/<int:requester_id>/merge")
@endpoint("write")
def merge_requesters(requester_id: int) -> Response:
    who = require("requesters.manage")
    problems = check_query(("secondary_requesters",))
    raw = request.args.get("secondary_requesters")
    wanted = _id_list(raw)
    if raw is None:
        problems.append(
            FieldError("secondary_requesters", "It should be a/an String", "missing_field")
        )
    elif wanted is None or not 1 <= len(wanted) <= guesses.MERGE_LIMIT:
        problems.append(
            FieldError(
                "secondary_requesters",
                f"It should be a comma-separated list of 1 to {guesses.MERGE_LIMIT} requester ids",
                "invalid_value",
            )
        )
    raise_if(problems)
    assert wanted is not None
    account = who.account
    with account.lock:
        primary = people_views.live(account.requesters, requester_id)
        people_writes.refuse_when_inactive(primary, "PUT")
        secondaries = [account.requesters.live(i) for i in wanted]
        if requester_id in wanted or any(s is None or not s["active"] for s in secondaries):
            raise_if(
                [
                    FieldError(
                        "secondary_requesters",
                        "There is no active requester, other than the primary, matching "
                        "the given secondary_requesters",
                        "invalid_value",
                    )
                ]
            )
        merged = people_writes.merge_into(
            account, primary, [s for s in secondaries if s is not None], get_state().clock.now()
        )
    return json_response({"requester": shapes.requester_json(merged)})


def _id_list(raw: str | None) -> list[int] | None:
    """`1,2,3` as ids, each once; None when any part is not a positive whole number."""
    if raw is None:
        return None
    parts = [part.strip() for part in raw.split(",")]
    if not all(part.isascii() and part.isdigit() and len(part) < 19 for part in parts):
        return None
    found = list(dict.fromkeys(int(part) for part in parts))
    return found if all(n > 0 for n in found) else None
