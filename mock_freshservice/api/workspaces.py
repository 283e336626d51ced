"""Workspaces: list and view (docs/freshservice.md §17)."""

from __future__ import annotations

from flask import Blueprint, Response

from mock_freshservice import errors
from mock_freshservice.api import shapes
from mock_freshservice.api.common import check_query, endpoint, json_response, raise_if, require
from mock_freshservice.pagination import next_link, parse_page

bp = Blueprint("workspaces", __name__)


@bp.get("/workspaces")
@endpoint("list")
def list_workspaces() -> Response:
    who = require("workspaces.view")
    problems = check_query(("page", "per_page"))
    page = parse_page(problems)
    raise_if(problems)
    workspaces = list(who.account.workspaces.all())
    chunk, more = page.slice(workspaces)
    headers = {"Link": next_link(page)} if more else None
    return json_response({"workspaces": [shapes.workspace_json(w) for w in chunk]}, headers=headers)


@bp.get("/workspaces/<int:workspace_id>")
@endpoint("view")
def view_workspace(workspace_id: int) -> Response:
    who = require("workspaces.view")
    check_query(())
    workspace = who.account.workspaces.get(workspace_id)
    if workspace is None:
        raise errors.NotFound()
    return json_response({"workspace": shapes.workspace_json(workspace)})
