"""The MCP Inspector CLI (2.12.0) against the server over stdio and Streamable HTTP, in both
protocol eras, and through mcp-remote (0.15.1), the stdio-to-HTTP bridge desktop clients use.

Arguments go in with `--tool-args-json`, so the server receives exactly the JSON types written
here (`--tool-arg k=v` would send strings).
"""

from __future__ import annotations

import dataclasses
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from server.freshservice import fingerprint
from tests.clients.conftest import (
    ADMIN_KEY,
    AGENT_KEY,
    INSPECTOR_JS,
    KEYS,
    MCP_REMOTE_JS,
    Node,
    Run,
)
from tests.processes import SERVER_COMMAND, Fake, Server, running_server
from tests.seed import SEED_TOOLS

pytestmark = pytest.mark.clients

NOTED_TICKET = 1023


def stdio_server_command() -> list[str]:
    """`freshservice-mcp` as installed beside this Python (the README's stdio config)."""
    script = Path(sys.executable).with_name("freshservice-mcp")
    return [str(script)] if script.is_file() else SERVER_COMMAND


@dataclasses.dataclass(frozen=True)
class Target:
    """How the Inspector reaches the server: transport, protocol era, and the target flags."""

    name: str
    era: str
    args: tuple[str, ...]


def inspect(node: Node, target: Target, *method: str) -> Run:
    return node.run(
        INSPECTOR_JS, "--cli", "--protocol-era", target.era, "--format", "json",
        *method, *target.args,
    )  # fmt: skip


def call(node: Node, target: Target, tool: str, arguments: dict[str, Any]) -> dict[str, Any]:
    """The structuredContent of a successful `tools/call`."""
    result = inspect(
        node, target, "--method", "tools/call", "--tool-name", tool,
        "--tool-args-json", json.dumps(arguments),
    ).result()  # fmt: skip
    assert result.get("isError") is not True, result["content"]
    content = result["structuredContent"]
    assert isinstance(content, dict)
    assert json.loads(result["content"][0]["text"]) == content
    return content


def listed_names(result: dict[str, Any]) -> list[str]:
    return [tool["name"] for tool in result["tools"]]


def assert_exactly_the_34_tools(names: list[str]) -> None:
    missing = sorted(set(SEED_TOOLS) - set(names))
    unexpected = sorted(set(names) - set(SEED_TOOLS))
    assert (missing, unexpected) == ([], []), f"missing {missing}, unexpected {unexpected}"
    assert len(names) == len(set(names)) == 34


@pytest.fixture(scope="module")
def http_server(fake: Fake) -> Iterator[Server]:
    """Over HTTP with no key of its own: every request must bring one in Authorization."""
    with running_server(fake.url, mcp_calls_per_minute="0", mcp_calls_per_month="0") as server:
        yield server


@pytest.fixture(params=["stdio-legacy", "stdio-modern", "http-legacy", "http-modern"])
def target(request: pytest.FixtureRequest, fake: Fake) -> Target:
    transport, era = request.param.split("-")
    if transport == "stdio":
        environment = ("-e", f"FRESHSERVICE_BASE_URL={fake.url}",
                       "-e", f"FRESHSERVICE_API_KEY={ADMIN_KEY}")  # fmt: skip
        return Target(request.param, era, (*environment, "--", *stdio_server_command()))
    return over_http(request.getfixturevalue("http_server"), era, ADMIN_KEY)


def over_http(server: Server, era: str, key: str | None) -> Target:
    header = ("--header", f"Authorization: {key}") if key else ()
    return Target(
        f"http-{era}" if key else f"http-{era}-without-key", era,
        ("--transport", "http", "--server-url", server.mcp_url, *header),
    )  # fmt: skip


# -- The Inspector, directly ----------------------------------------------------------------------


def test_tools_list_names_exactly_the_34_tools(node: Node, target: Target) -> None:
    result = inspect(node, target, "--method", "tools/list").result()
    assert_exactly_the_34_tools(listed_names(result))


def test_fetch_tickets_returns_the_first_page(node: Node, target: Target) -> None:
    page = call(node, target, "fetchTickets", {"page": 1, "per_page": 2})
    assert (page["page"], page["per_page"], page["next_page"]) == (1, 2, 2)
    assert len(page["tickets"]) == 2
    assert all(isinstance(ticket["id"], int) for ticket in page["tickets"])


def test_the_server_answers_in_the_protocol_era_asked_for(node: Node, target: Target) -> None:
    result = inspect(
        node, target, "--method", "tools/call", "--tool-name", "fetchTickets",
        "--tool-args-json", json.dumps({"per_page": 1}),
    ).result()  # fmt: skip
    stamped = "io.modelcontextprotocol/serverInfo" in result.get("_meta", {})
    assert stamped == (target.era == "modern")  # 2026-07-28 results name the server in _meta


def test_create_ticket_note_stores_a_private_note_on_the_ticket(
    node: Node, target: Target, fake: Fake
) -> None:
    body = f"Checked with the MCP Inspector over {target.name}."
    note = call(node, target, "createTicketNote",
                {"ticket_id": NOTED_TICKET, "body": body, "private": True})  # fmt: skip
    assert (note["ticket_id"], note["private"], note["body_text"]) == (NOTED_TICKET, True, body)
    stored = fake.api("GET", f"/tickets/{NOTED_TICKET}/conversations", ADMIN_KEY)
    assert stored.status_code == 200
    assert body in [c["body_text"] for c in stored.json()["conversations"]]


def test_fetch_solution_article_search_finds_the_vpn_articles(node: Node, target: Target) -> None:
    found = call(node, target, "fetchSolutionArticleSearch", {"search_term": "VPN"})
    titles = [article["title"] for article in found["articles"]]
    assert "Setting up the VPN client" in titles


# -- Streamable HTTP credentials -------------------------------------------------------------------


@pytest.mark.parametrize("era", ["legacy", "modern"])
def test_http_without_authorization_is_refused_as_auth_required(
    node: Node, http_server: Server, era: str
) -> None:
    refused = inspect(
        node, over_http(http_server, era, None), "--method", "tools/list", "--stored-auth-only"
    )
    assert refused.returncode == 3  # the Inspector's "auth required"
    assert refused.error()["code"] == "auth_required"


def test_the_server_log_names_the_key_by_fingerprint_only(node: Node, http_server: Server) -> None:
    call(node, over_http(http_server, "modern", ADMIN_KEY), "fetchTickets", {"per_page": 1})
    log = http_server.stderr()
    assert f"tool=fetchTickets key={fingerprint(ADMIN_KEY)}" in log
    assert not [key for key in KEYS if key in log]


# -- mcp-remote: the Inspector over stdio, mcp-remote bridging to our HTTP endpoint ----------------


@dataclasses.dataclass(frozen=True)
class Bridged:
    listed: Run
    called: Run
    journal: list[dict[str, Any]]


@pytest.fixture(scope="module")
def bridged(node: Node, http_server: Server, fake: Fake) -> Bridged:
    """tools/list and one tools/call through `mcp-remote <url> --header "Authorization: <key>"`
    (the agent's key, not the admin key the other tests use); its flags go after `--`."""
    bridge = ("--", str(node.binary), str(MCP_REMOTE_JS), http_server.mcp_url,
              "--transport", "http-only", "--header", f"Authorization: {AGENT_KEY}")  # fmt: skip
    target = Target("mcp-remote", "legacy", bridge)
    fake.clear_journal()
    listed = inspect(node, target, "--method", "tools/list")
    called = inspect(
        node, target, "--method", "tools/call", "--tool-name", "fetchTickets",
        "--tool-args-json", json.dumps({"per_page": 1}),
    )  # fmt: skip
    return Bridged(listed, called, fake.journal())


def test_mcp_remote_bridges_tools_list(bridged: Bridged) -> None:
    assert_exactly_the_34_tools(listed_names(bridged.listed.result()))


def test_mcp_remote_bridges_a_tool_call(bridged: Bridged) -> None:
    result = bridged.called.result()
    assert result.get("isError") is not True, result["content"]
    assert len(result["structuredContent"]["tickets"]) == 1


def test_mcp_remote_calls_upstream_with_the_key_from_its_header(bridged: Bridged) -> None:
    tickets = [e for e in bridged.journal if e["path"] == "/api/v2/tickets"]
    assert tickets, bridged.journal
    assert {entry["key"] for entry in bridged.journal} == {fingerprint(AGENT_KEY)}


def test_mcp_remote_runs_never_show_the_key(bridged: Bridged, http_server: Server) -> None:
    outputs = [bridged.listed.output, bridged.called.output, http_server.stderr()]
    assert not [key for key in KEYS for text in outputs if key in text]
