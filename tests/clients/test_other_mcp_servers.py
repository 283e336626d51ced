"""The two open-source Freshservice MCP servers on PyPI run on the fake unmodified: every one of
their tools is called with arguments drawn from the fake's data, over stdio, against the fake
over HTTPS, and a table per server goes to the log (tool, call, result, the fake's answers).

A tool passes when it reports no error and the fake refused none of its requests. Tools that
fail for reasons of their own are listed below with the reason, and each is checked to still
fail that way: when one is fixed upstream, its test fails here and the entry goes.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import tempfile
from collections.abc import Callable, Iterator, Mapping
from functools import cached_property
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp import Client, StdioServerParameters
from mcp.client.stdio import stdio_client

from tests.clients import other_servers as others
from tests.clients.other_servers import Outcome, ServerPackage
from tests.processes import Fake, running_fake

pytestmark = [pytest.mark.other_servers, pytest.mark.anyio]

ADMIN_KEY = "demo-acme-admin-key"
CALL_TIMEOUT = 60  # seconds per tool call (node804 retries a 429 three times)

FRESHSERVICE_MCP = ServerPackage(
    name="freshservice-mcp",
    version="1.0.0",
    # Its metadata accepts any mcp, but it is written for mcp 1.x (`mcp.server.fastmcp`).
    requirements=("freshservice-mcp==1.0.0", "mcp<2"),
    python=(3, 13),
    command="freshservice-mcp",
)
NODE804 = ServerPackage(
    name="node804-freshservice-mcp",
    version="1.4.0",
    requirements=("node804-freshservice-mcp==1.4.0",),
    python=(3, 11),
    command="node804-freshservice-mcp",
    # admin: every tool; no response cache, so each call reaches the fake.
    environment={"FRESHSERVICE_MODE": "admin", "FRESHSERVICE_CACHE_TTL": "0"},
)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


class Lookups:
    """Arguments drawn from the fake's data: ids read from its lists, and records made through
    its REST API for the tools that change or delete one (so no call depends on another)."""

    def __init__(self, fake: Fake, folder: Path) -> None:
        self.fake = fake
        self.folder = folder
        self._n = itertools.count(1)

    def api(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self.fake.api(method, path, ADMIN_KEY, **kwargs)
        assert response.status_code < 300, (method, path, response.status_code, response.text)
        return response.json() if response.content else None

    def first(self, path: str, key: str) -> dict[str, Any]:
        found: list[dict[str, Any]] = self.api("GET", path)[key]
        assert found, f"the fake has no {key} at {path}"
        return found[0]

    def unique(self, stem: str) -> str:
        return f"{stem}-{next(self._n)}"

    def email(self) -> str:
        return f"{self.unique('harness')}@acme.com"

    # Records read from the seeded data.
    @cached_property
    def ticket(self) -> int:
        return int(self.first("/tickets?per_page=1", "tickets")["id"])

    @cached_property
    def agent(self) -> dict[str, Any]:
        return self.first("/agents?per_page=1", "agents")

    @cached_property
    def me(self) -> int:
        return int(self.api("GET", "/agents/me")["agent"]["id"])

    @cached_property
    def requester(self) -> dict[str, Any]:
        return self.first("/requesters?per_page=1", "requesters")

    @cached_property
    def group(self) -> int:
        return int(self.first("/groups?per_page=1", "groups")["id"])

    @cached_property
    def requester_group(self) -> int:
        return int(self.first("/requester_groups?per_page=1", "requester_groups")["id"])

    @cached_property
    def canned_response(self) -> dict[str, Any]:
        return self.first("/canned_responses?per_page=1", "canned_responses")

    @cached_property
    def workspace(self) -> int:
        return int(self.first("/workspaces", "workspaces")["id"])

    @cached_property
    def other_workspace(self) -> int:
        found = self.api("GET", "/workspaces")["workspaces"]
        return int(next(w["id"] for w in found if w["id"] != self.workspace))

    @cached_property
    def department(self) -> int:
        return int(self.first("/departments?per_page=1", "departments")["id"])

    @cached_property
    def category(self) -> int:
        return int(self.first("/solutions/categories", "categories")["id"])

    @cached_property
    def other_category(self) -> int:
        """A category that is not the default one (that one keeps its name)."""
        found = self.api("GET", "/solutions/categories")["categories"]
        return int(next(c["id"] for c in found if not c["default_category"]))

    @cached_property
    def solution_folder(self) -> int:
        return int(self.first(f"/solutions/folders?category_id={self.category}", "folders")["id"])

    @cached_property
    def article(self) -> int:
        path = f"/solutions/articles?folder_id={self.solution_folder}"
        return int(self.first(path, "articles")["id"])

    @cached_property
    def product(self) -> dict[str, Any]:
        return self.first("/products?per_page=1", "products")

    @cached_property
    def service_item(self) -> int:
        return int(self.first("/service_catalog/items?per_page=1", "service_items")["display_id"])

    @cached_property
    def change(self) -> int:
        return int(self.first("/changes?per_page=1", "changes")["id"])

    @cached_property
    def attachment_file(self) -> str:
        path = self.folder / "harness-screenshot.txt"
        path.write_text("the printer says PC LOAD LETTER\n")
        return str(path)

    # Records made for the call.
    def new_ticket(self) -> int:
        body = {
            "subject": self.unique("Harness ticket"),
            "description": "<p>Made for a tool call</p>",
            "email": self.requester["primary_email"],
            "priority": 1,
            "status": 2,
        }
        return int(self.api("POST", "/tickets", json=body)["ticket"]["id"])

    def ticket_with_attachment(self) -> tuple[int, int]:
        data = {
            "subject": self.unique("Harness ticket"),
            "description": "<p>With a file</p>",
            "email": self.requester["primary_email"],
            "priority": "1",
            "status": "2",
        }
        files = {"attachments[]": ("note.txt", b"hello", "text/plain")}
        ticket = self.api("POST", "/tickets", data=data, files=files)["ticket"]
        return int(ticket["id"]), int(ticket["attachments"][0]["id"])

    def note(self, ticket_id: int) -> int:
        body = {"body": "<p>A note made for a tool call</p>"}
        return int(self.api("POST", f"/tickets/{ticket_id}/notes", json=body)["conversation"]["id"])

    def note_with_attachment(self, ticket_id: int) -> tuple[int, int]:
        files = {"attachments[]": ("note.txt", b"hello", "text/plain")}
        made = self.api(
            "POST", f"/tickets/{ticket_id}/notes", data={"body": "<p>A file</p>"}, files=files
        )["conversation"]
        return int(made["id"]), int(made["attachments"][0]["id"])

    def service_request(self) -> int:
        body = {"email": self.requester["primary_email"], "quantity": 1}
        path = f"/service_catalog/items/{self.service_item}/place_request"
        return int(self.api("POST", path, json=body)["service_request"]["id"])

    def ticket_time_entry(self, ticket_id: int) -> int:
        body = {"time_spent": "00:10", "note": "harness", "agent_id": self.me}
        path = f"/tickets/{ticket_id}/time_entries"
        return int(self.api("POST", path, json=body)["time_entry"]["id"])

    def ticket_approval(self, ticket_id: int) -> int:
        body = {"approver_id": self.me, "approval_type": 1}
        return int(self.api("POST", f"/tickets/{ticket_id}/approvals", json=body)["approval"]["id"])

    def new_change(self) -> int:
        body = {
            "requester_id": self.agent["id"],
            "subject": self.unique("Harness change"),
            "description": "<p>Made for a tool call</p>",
            "priority": 1,
            "impact": 1,
            "status": 1,
            "risk": 1,
            "change_type": 1,
            "planned_start_date": "2027-01-04T20:00:00Z",
            "planned_end_date": "2027-01-04T22:00:00Z",
        }
        return int(self.api("POST", "/changes", json=body)["change"]["id"])

    def change_note(self, change_id: int) -> int:
        body = {"body": "<p>harness</p>"}
        return int(self.api("POST", f"/changes/{change_id}/notes", json=body)["note"]["id"])

    def change_task(self, change_id: int) -> int:
        body = {"title": self.unique("task"), "description": "harness", "status": 1}
        return int(self.api("POST", f"/changes/{change_id}/tasks", json=body)["task"]["id"])

    def change_time_entry(self, change_id: int) -> int:
        body = {"time_spent": "00:10", "note": "harness", "agent_id": self.me}
        path = f"/changes/{change_id}/time_entries"
        return int(self.api("POST", path, json=body)["time_entry"]["id"])

    def approval_group(self, change_id: int) -> tuple[int, int]:
        """(group id, the id of one approval it asked for)."""
        body = {"name": self.unique("CAB"), "approver_ids": [self.me]}
        group = self.api("POST", f"/changes/{change_id}/approval_groups", json=body)
        approvals = self.api("GET", f"/changes/{change_id}/approvals")["approvals"]
        mine = [a for a in approvals if a["approval_group_id"] == group["approval_group"]["id"]]
        return int(group["approval_group"]["id"]), int(mine[0]["id"])


Arguments = Callable[[Lookups], dict[str, Any]]


@dataclasses.dataclass(frozen=True)
class Plan:
    """How a tool is called. `local`: it answers without asking Freshservice anything."""

    arguments: Arguments = lambda _: {}
    local: bool = False


@dataclasses.dataclass(frozen=True)
class OwnFailure:
    """A tool that fails for a reason of its own, and how to see that it still does."""

    reason: str
    shows: Callable[[Outcome], bool]


def _pages(**extra: Any) -> Arguments:
    return lambda _: {"page": 1, "per_page": 5, **extra}


def _ticket_for_update(x: Lookups) -> dict[str, Any]:
    return {"ticket_id": x.ticket, "ticket_fields": {"priority": 3, "tags": ["harness"]}}


# Tools the two servers share, with the same arguments.
SHARED: dict[str, Plan] = {
    "get_ticket_fields": Plan(),
    "get_tickets": Plan(_pages()),
    "create_ticket": Plan(
        lambda x: {
            "subject": "Harness: VPN drops every hour",
            "description": "<p>Since this morning</p>",
            "source": 2,
            "priority": 2,
            "status": 2,
            "email": x.requester["primary_email"],
        }
    ),
    "update_ticket": Plan(_ticket_for_update),
    "filter_tickets": Plan(lambda _: {"query": '"priority:3"', "page": 1}),
    "delete_ticket": Plan(lambda x: {"ticket_id": x.new_ticket()}),
    "get_ticket_by_id": Plan(lambda x: {"ticket_id": x.ticket}),
    "list_service_items": Plan(_pages()),
    "get_requested_items": Plan(lambda x: {"ticket_id": x.service_request()}),
    "create_service_request": Plan(
        lambda x: {"display_id": x.service_item, "email": x.requester["primary_email"]}
    ),
    "send_ticket_reply": Plan(lambda x: {"ticket_id": x.ticket, "body": "<p>On it.</p>"}),
    "create_ticket_note": Plan(lambda x: {"ticket_id": x.ticket, "body": "<p>Checked.</p>"}),
    "update_ticket_conversation": Plan(
        lambda x: {"conversation_id": x.note(x.ticket), "body": "<p>Edited.</p>"}
    ),
    "list_all_ticket_conversation": Plan(lambda x: {"ticket_id": x.ticket}),
    "get_all_products": Plan(_pages()),
    "create_product": Plan(
        lambda x: {"name": x.unique("Harness laptop"), "asset_type_id": x.product["asset_type_id"]}
    ),
    "create_requester": Plan(
        lambda x: {"first_name": "Harness", "last_name": "Requester", "primary_email": x.email()}
    ),
    "get_all_requesters": Plan(_pages()),
    "list_all_requester_fields": Plan(),
    "update_requester": Plan(
        lambda x: {"requester_id": x.requester["id"], "job_title": "Harness tester"}
    ),
    "filter_requesters": Plan(
        lambda x: {"query": f"\"primary_email:'{x.requester['primary_email']}'\""}
    ),
    "create_agent": Plan(lambda x: {"first_name": "Harness", "email": x.email()}),
    "get_agent": Plan(lambda x: {"agent_id": x.agent["id"]}),
    "get_all_agents": Plan(_pages()),
    "filter_agents": Plan(lambda x: {"query": f"\"email:'{x.agent['email']}'\""}),
    "get_agent_fields": Plan(),
    "get_all_agent_groups": Plan(),
    "create_group": Plan(lambda x: {"group_data": {"name": x.unique("Harness group")}}),
    "update_group": Plan(
        lambda x: {
            "group_id": x.group,
            "group_fields": {"name": x.unique("Harness group"), "description": "Harness"},
        }
    ),
    "get_all_requester_groups": Plan(_pages()),
    "get_requester_groups_by_id": Plan(lambda x: {"requester_group_id": x.requester_group}),
    "create_requester_group": Plan(lambda x: {"name": x.unique("Harness requesters")}),
    "list_requester_group_members": Plan(lambda x: {"group_id": x.requester_group}),
    "add_requester_to_group": Plan(
        lambda x: {"group_id": x.requester_group, "requester_id": x.requester["id"]}
    ),
    "get_all_canned_response": Plan(),
    "list_all_canned_response_folder": Plan(),
    "list_all_workspaces": Plan(),
    "get_all_solution_category": Plan(),
    "get_solution_category": Plan(lambda x: {"category_id": x.category}),
    "create_solution_category": Plan(
        lambda x: {
            "name": x.unique("Harness"),
            "description": "Harness",
            "workspace_id": x.workspace,
        }
    ),
    "update_solution_category": Plan(
        lambda x: {
            "category_id": x.other_category,
            "name": x.unique("Guides"),
            "description": "Harness",
            "workspace_id": x.workspace,
            "default_category": False,
        }
    ),
    "create_solution_folder": Plan(
        lambda x: {
            "name": x.unique("Harness folder"),
            "category_id": x.category,
            "department_ids": [x.department],
            "visibility": 4,
        }
    ),
    "create_solution_article": Plan(
        lambda x: {
            "title": x.unique("Harness article"),
            "description": "<p>Restart it.</p>",
            "folder_id": x.solution_folder,
            "status": 1,
        }
    ),
    "update_solution_article": Plan(lambda x: {"article_id": x.article, "title": "Harness"}),
    "publish_solution_article": Plan(lambda x: {"article_id": x.article}),
}

FRESHSERVICE_MCP_PLANS: dict[str, Plan] = {
    **SHARED,
    "get_products_by_id": Plan(lambda x: {"product_id": x.product["id"]}),
    "update_product": Plan(
        lambda x: {
            "id": x.product["id"],
            "name": x.unique("Harness laptop"),
            "asset_type_id": x.product["asset_type_id"],
        }
    ),
    "get_requester_id": Plan(lambda x: {"requester_id": x.requester["id"]}),
    "filter_requesters": Plan(
        lambda x: {
            "query": f"\"primary_email:'{x.requester['primary_email']}'\"",
            "include_agents": False,
        }
    ),
    "update_agent": Plan(lambda x: {"agent_id": str(x.agent["id"]), "address": "1 Harness Street"}),
    "getAgentGroupById": Plan(lambda x: {"group_id": x.group}),
    "update_requester_group": Plan(lambda x: {"id": x.requester_group, "description": "Harness"}),
    "get_canned_response": Plan(lambda x: {"id": x.canned_response["id"]}),
    "list_canned_response_folder": Plan(lambda x: {"id": x.canned_response["folder_id"]}),
    "get_workspace": Plan(lambda x: {"id": x.workspace}),
    "get_solution_category": Plan(lambda x: {"id": x.category}),
    "get_list_of_solution_folder": Plan(lambda x: {"id": x.category}),
    "get_solution_folder": Plan(lambda x: {"id": x.solution_folder}),
    "update_solution_folder": Plan(lambda x: {"id": x.solution_folder, "description": "Harness"}),
    "get_list_of_solution_article": Plan(lambda x: {"id": x.solution_folder}),
    "get_solution_article": Plan(lambda x: {"id": x.article}),
}


def _change_with(make: str) -> Arguments:
    """A fresh change and one record of `make` ("note", "task", "time_entry") on it."""

    def arguments(x: Lookups) -> dict[str, Any]:
        change = x.new_change()
        key = {"note": "note_id", "task": "task_id", "time_entry": "time_entry_id"}[make]
        made = getattr(x, f"change_{make}")(change)
        return {"change_id": change, key: made}

    return arguments


def _change_approval(x: Lookups) -> dict[str, Any]:
    change = x.new_change()
    _, approval = x.approval_group(change)
    return {"change_id": change, "approval_id": approval}


def _change_approval_group(x: Lookups) -> dict[str, Any]:
    change = x.new_change()
    return {"change_id": change, "group_id": x.approval_group(change)[0]}


def _ticket_attachment(x: Lookups) -> dict[str, Any]:
    ticket, attachment = x.ticket_with_attachment()
    return {"ticket_id": ticket, "attachment_id": attachment}


def _note_attachment(x: Lookups) -> dict[str, Any]:
    note, attachment = x.note_with_attachment(x.ticket)
    return {"conversation_id": note, "attachment_id": attachment}


def _ticket_approval(x: Lookups) -> dict[str, Any]:
    ticket = x.new_ticket()
    return {"ticket_id": ticket, "approval_id": x.ticket_approval(ticket)}


def _ticket_time_entry(x: Lookups) -> dict[str, Any]:
    ticket = x.new_ticket()
    return {"ticket_id": ticket, "time_entry_id": x.ticket_time_entry(ticket)}


NODE804_PLANS: dict[str, Plan] = {
    **SHARED,
    "server_status": Plan(local=True),
    "clear_cache": Plan(local=True),
    "find_file": Plan(lambda _: {"query": "harness-*"}, local=True),
    "get_ticket_statuses": Plan(),
    # node804 puts the double quotes around these queries itself (its docstrings show none).
    "filter_tickets": Plan(lambda _: {"query": "priority:3", "page": 1}),
    "get_my_tickets": Plan(lambda _: {"status_filter": "all"}),
    "get_ticket_by_id": Plan(lambda x: {"ticket_id": x.ticket, "include_requested_items": False}),
    "list_all_ticket_conversation": Plan(lambda x: {"ticket_id": x.ticket, **_pages()(x)}),
    "add_ticket_attachment": Plan(
        lambda x: {"ticket_id": x.new_ticket(), "file_path": x.attachment_file}
    ),
    "add_note_attachment": Plan(
        lambda x: {"ticket_id": x.ticket, "body": "<p>Log</p>", "file_path": x.attachment_file}
    ),
    "add_reply_attachment": Plan(
        lambda x: {"ticket_id": x.ticket, "body": "<p>Log</p>", "file_path": x.attachment_file}
    ),
    "list_ticket_attachments": Plan(lambda x: {"ticket_id": x.ticket_with_attachment()[0]}),
    "delete_ticket_attachment": Plan(_ticket_attachment),
    "delete_conversation_attachment": Plan(_note_attachment),
    "create_ticket_time_entry": Plan(
        lambda x: {
            "ticket_id": x.ticket,
            "time_spent": "00:15",
            "note": "Harness",
            "agent_id": x.me,
        }
    ),
    "view_ticket_time_entry": Plan(_ticket_time_entry),
    "list_ticket_time_entries": Plan(lambda x: {"ticket_id": x.ticket, **_pages()(x)}),
    "update_ticket_time_entry": Plan(lambda x: {**_ticket_time_entry(x), "note": "Edited"}),
    "delete_ticket_time_entry": Plan(_ticket_time_entry),
    "list_ticket_approvals": Plan(lambda x: {"ticket_id": x.ticket, **_pages()(x)}),
    "view_ticket_approval": Plan(_ticket_approval),
    "get_changes": Plan(_pages()),
    "get_change_by_id": Plan(lambda x: {"change_id": x.change}),
    "create_change": Plan(
        lambda x: {
            "requester_id": x.agent["id"],
            "subject": "Harness: patch the VPN gateway",
            "description": "<p>Tonight</p>",
            "priority": 2,
            "impact": 2,
            "status": 1,
            "risk": 2,
            "change_type": 2,
            "planned_start_date": "2027-01-04T20:00:00Z",
            "planned_end_date": "2027-01-04T22:00:00Z",
        }
    ),
    "update_change": Plan(lambda x: {"change_id": x.change, "change_fields": {"priority": 3}}),
    "close_change": Plan(
        lambda x: {"change_id": x.new_change(), "change_result_explanation": "Done, no issues"}
    ),
    "delete_change": Plan(lambda x: {"change_id": x.new_change()}),
    "filter_changes": Plan(lambda _: {"query": "priority:3", **_pages()(_)}),
    "list_change_fields": Plan(),
    "move_change": Plan(lambda x: {"change_id": x.new_change(), "workspace_id": x.other_workspace}),
    "create_change_approval_group": Plan(
        lambda x: {"change_id": x.new_change(), "name": "CAB", "approver_ids": [x.me]}
    ),
    "update_change_approval_group": Plan(
        lambda x: {**_change_approval_group(x), "name": "CAB (renamed)"}
    ),
    "cancel_change_approval_group": Plan(_change_approval_group),
    "update_approval_chain_rule_change": Plan(
        lambda x: {"change_id": x.new_change(), "approval_chain_type": "parallel"}
    ),
    "list_change_approval_groups": Plan(lambda x: {"change_id": x.change, **_pages()(x)}),
    "view_change_approval": Plan(_change_approval),
    "list_change_approvals": Plan(lambda x: {"change_id": x.change, **_pages()(x)}),
    "send_change_approval_reminder": Plan(_change_approval),
    "cancel_change_approval": Plan(_change_approval),
    "create_change_note": Plan(lambda x: {"change_id": x.change, "body": "<p>Harness</p>"}),
    "view_change_note": Plan(_change_with("note")),
    "list_change_notes": Plan(lambda x: {"change_id": x.change, **_pages()(x)}),
    "update_change_note": Plan(lambda x: {**_change_with("note")(x), "body": "<p>Edited</p>"}),
    "delete_change_note": Plan(_change_with("note")),
    "get_change_tasks": Plan(lambda x: {"change_id": x.change, **_pages()(x)}),
    "create_change_task": Plan(
        lambda x: {
            "change_id": x.change,
            "title": "Back up",
            "description": "First",
            "status": 1,
            "priority": 1,
        }
    ),
    "view_change_task": Plan(_change_with("task")),
    "update_change_task": Plan(lambda x: {**_change_with("task")(x), "task_fields": {"status": 2}}),
    "delete_change_task": Plan(_change_with("task")),
    "create_change_time_entry": Plan(
        lambda x: {
            "change_id": x.change,
            "time_spent": "00:30",
            "note": "Harness",
            "agent_id": x.me,
        }
    ),
    "view_change_time_entry": Plan(_change_with("time_entry")),
    "list_change_time_entries": Plan(lambda x: {"change_id": x.change, **_pages()(x)}),
    "update_change_time_entry": Plan(lambda x: {**_change_with("time_entry")(x), "note": "Edited"}),
    "delete_change_time_entry": Plan(_change_with("time_entry")),
    "get_product_by_id": Plan(lambda x: {"product_id": x.product["id"]}),
    "update_product": Plan(
        lambda x: {
            "product_id": x.product["id"],
            "name": x.unique("Harness laptop"),
            "asset_type_id": x.product["asset_type_id"],
        }
    ),
    "get_requester_by_id": Plan(lambda x: {"requester_id": x.requester["id"]}),
    # As its docstring's examples show it: no double quotes (it adds none, unlike filter_agents).
    "filter_requesters": Plan(
        lambda x: {
            "query": f"primary_email:'{x.requester['primary_email']}'",
            "include_agents": False,
        }
    ),
    "get_current_agent": Plan(),
    "filter_agents": Plan(lambda x: {"query": f"email:'{x.agent['email']}'", "max_pages": 1}),
    "update_agent": Plan(lambda x: {"agent_id": x.agent["id"], "address": "1 Harness Street"}),
    "get_all_agent_groups": Plan(_pages()),
    "get_agent_group_by_id": Plan(lambda x: {"group_id": x.group}),
    "update_requester_group": Plan(
        lambda x: {"requester_group_id": x.requester_group, "description": "Harness"}
    ),
    "list_requester_group_members": Plan(lambda x: {"group_id": x.requester_group, **_pages()(x)}),
    "get_all_canned_response": Plan(_pages()),
    "get_canned_response": Plan(lambda x: {"canned_response_id": x.canned_response["id"]}),
    "list_all_canned_response_folder": Plan(_pages()),
    "list_canned_response_folder": Plan(lambda x: {"folder_id": x.canned_response["folder_id"]}),
    "get_workspace": Plan(lambda x: {"workspace_id": x.workspace}),
    "get_all_solution_category": Plan(_pages()),
    "get_list_of_solution_folder": Plan(lambda x: {"category_id": x.category, **_pages()(x)}),
    "get_solution_folder": Plan(lambda x: {"folder_id": x.solution_folder}),
    "update_solution_folder": Plan(
        lambda x: {"folder_id": x.solution_folder, "description": "Harness"}
    ),
    "get_list_of_solution_article": Plan(lambda x: {"folder_id": x.solution_folder, **_pages()(x)}),
    "get_solution_article": Plan(lambda x: {"article_id": x.article}),
}


def _refused(
    method: str, path_end: str, query_has: str = "", status: int = 400
) -> Callable[[Outcome], bool]:
    """The tool sent `method …path_end` (with `query_has` in its query) and the fake refused it."""

    def shows(outcome: Outcome) -> bool:
        return any(
            r.method == method
            and r.path.endswith(path_end)
            and query_has in r.query
            and r.status == status
            for r in outcome.requests
        )

    return shows


def _answered_yet_failed(phrase: str) -> Callable[[Outcome], bool]:
    """The fake answered every request with success, and the tool still reported `phrase`."""
    return lambda o: o.is_error and phrase in o.text and not o.fake_refused and bool(o.requests)


# What fails for reasons of the servers' own, by server and tool. Each entry is checked to still
# fail that way, so a fix upstream fails this test and the entry goes.
OWN_FAILURES: dict[str, dict[str, OwnFailure]] = {
    FRESHSERVICE_MCP.name: {
        "get_ticket_by_id": OwnFailure(
            "declares a string result (-> str) and returns the ticket object, which its own "
            "result validation refuses",
            _answered_yet_failed("Input should be a valid string"),
        ),
    },
    NODE804.name: {
        "create_change_task": OwnFailure(
            "always sends `priority`, which a change task does not have (400 invalid_field)",
            lambda o: _refused("POST", "/tasks")(o) and "priority" in o.text,
        ),
        "filter_changes": OwnFailure(
            "sends the query without the double quotes the API requires (its docstring's "
            "examples have none, and unlike filter_tickets it adds none)",
            _refused("GET", "/changes", "query=priority:3"),
        ),
        "filter_requesters": OwnFailure(
            "sends the query without the double quotes the API requires (unlike its own "
            "filter_agents, it adds none)",
            _refused("GET", "/requesters", "query=primary_email:'"),
        ),
        "list_ticket_attachments": OwnFailure(
            "asks for include=attachments, which is not one of a ticket's includes (a ticket's "
            "view carries its attachments without it)",
            _refused("GET", "", "include=attachments"),
        ),
    },
}


def verdict(outcome: Outcome, plan: Plan, own: OwnFailure | None) -> str:
    worked = not outcome.is_error and not outcome.fake_refused
    if worked and not plan.local and not outcome.requests:
        worked = False  # an API tool that never reached the fake did nothing
    if own is not None:
        return f"fails by itself: {own.reason}" if own.shows(outcome) else "FAILED"
    return "ok" if worked else "FAILED"


def _text(result: Any) -> str:
    blocks = [getattr(block, "text", repr(block)) for block in result.content]
    if not blocks and result.structured_content is not None:
        return json.dumps(result.structured_content)
    return " ".join(blocks)


async def call_every_tool(
    package: ServerPackage, script: Path, fake: Fake, ca_file: Path, plans: Mapping[str, Plan]
) -> tuple[list[str], list[Outcome]]:
    """(the tools the server lists, one outcome per planned tool it lists)."""
    folder = ca_file.parent
    lookups = Lookups(fake, folder)
    environment = others.server_environment(
        package, fake, ca_file, ADMIN_KEY, {"FRESHSERVICE_FILE_SEARCH_PATHS": str(folder)}
    )
    params = StdioServerParameters(command=str(script), args=[], env=environment, cwd=folder)
    outcomes: list[Outcome] = []
    with (folder / "server-stderr.log").open("w+") as errlog:
        async with Client(stdio_client(params, errlog=errlog)) as client:
            listed = sorted(tool.name for tool in (await client.list_tools()).tools)
            for name in listed:
                plan = plans.get(name)
                if plan is None:
                    continue
                arguments = plan.arguments(lookups)
                before = others.last_seq(fake)
                with anyio.fail_after(CALL_TIMEOUT):
                    result = await client.call_tool(name, arguments)
                requests = others.requests_in(fake.journal(others.DOMAIN, since=before))
                outcomes.append(
                    Outcome(name, arguments, bool(result.is_error), _text(result), requests)
                )
    return listed, outcomes


@pytest.fixture
def tls_fake() -> Iterator[tuple[Fake, Path]]:
    """A fresh fake over HTTPS per server (what one server's writes leave, the next never sees)
    and the CA file a client must trust."""
    with tempfile.TemporaryDirectory(prefix="other-servers-") as folder:
        ca_dir = Path(folder) / "ca"
        with running_fake("--plan", "unlimited", ca_dir=ca_dir) as fake:
            yield fake, ca_dir / "ca.pem"


CASES = [
    pytest.param(FRESHSERVICE_MCP, FRESHSERVICE_MCP_PLANS, id="freshservice-mcp"),
    pytest.param(NODE804, NODE804_PLANS, id="node804-freshservice-mcp"),
]


@pytest.mark.parametrize(("package", "plans"), CASES)
async def test_every_tool_of_the_server_works_on_the_fake(
    package: ServerPackage,
    plans: Mapping[str, Plan],
    servers_home: Path,
    tls_fake: tuple[Fake, Path],
) -> None:
    script = others.installed(package, servers_home)
    fake, ca_file = tls_fake
    listed, outcomes = await call_every_tool(package, script, fake, ca_file, plans)
    own = OWN_FAILURES[package.name]
    for outcome in outcomes:
        outcome.verdict = verdict(outcome, plans[outcome.tool], own.get(outcome.tool))
    print(f"\n{others.table(package, outcomes)}\n")
    assert sorted(set(listed) - set(plans)) == [], "tools the server lists that no plan calls"
    assert sorted(set(plans) - set(listed)) == [], "plans for tools the server does not list"
    assert sorted(set(own) - set(listed)) == []
    failed = [f"{o.tool}: {o.text[:300]} {[str(r) for r in o.requests]}" for o in outcomes
              if o.verdict == "FAILED"]  # fmt: skip
    assert failed == []
