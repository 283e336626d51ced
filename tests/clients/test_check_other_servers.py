"""`freshservice-harness check --profile generic` run on the two other Freshservice MCP servers
on PyPI, as a user would run it: a real subprocess, the fake over HTTPS, the server's own
environment variables given with `--server-env`, JUnit XML written.

Each server is checked once (a module fixture); then one test per defect of that server the
check is known to find, each confirmed by hand (its source read, the call made through the
fake): the JUnit file must hold a failure for that (tool, check) whose text shows the evidence,
the upstream request the fake journaled or the rule. A timeout row is asserted only where the
server's own HTTP timeout (node804: 30 s) is far from both the call timeout (60 s) and the time
the fake holds the answer (65 s).

The servers' environments are the ones `test_other_mcp_servers.py` installs (same pins, same
`OTHER_MCP_SERVERS_DIR`), so one tox environment builds them once for both modules.
"""

from __future__ import annotations

import dataclasses
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest

from tests.clients import other_servers as others
from tests.clients.other_servers import ServerPackage
from tests.clients.test_other_mcp_servers import FRESHSERVICE_MCP, NODE804

pytestmark = [pytest.mark.other_servers]

# The README's commands for freshservice-mcp ("Checking your own Freshservice MCP server"), which
# `run_check` makes with the environments built here:
#   python3.13 -m venv fs && fs/bin/pip install -q freshservice-mcp==1.0.0 'mcp<2'
#   .venv/bin/freshservice-harness check --server-command fs/bin/freshservice-mcp --tls --server-env FRESHSERVICE_DOMAIN={host} --server-env FRESHSERVICE_APIKEY={key} --html fs-check.html --write-baseline freshservice-baseline.yaml

BUDGET = 600  # seconds: a check of one server on 2 cores must take less
RUN_TIMEOUT = 1200  # seconds: past this the subprocess is killed (the budget assert says why)

# Every column, the timeout's too: node804 waits 30 s on each held request, but the timeout
# rows are made side by side (one at a time they took some 20 minutes; about a minute now).
NODE804_FLAGS: list[str] = []


@dataclasses.dataclass(frozen=True)
class CheckRun:
    """One `check` of one server: its exit code, how long it took, its JUnit failures."""

    returncode: int
    seconds: float
    output: str
    failures: Mapping[tuple[str, str], str]  # (classname, check) -> message and text

    def failure(self, classname: str, check: str) -> str:
        found = self.failures.get((classname, check))
        assert found is not None, (
            f"no failure for {classname} {check}; the failures are: "
            f"{sorted(self.failures)}\n{self.output[-3000:]}"
        )
        return found


def _failures(junit: Path) -> dict[tuple[str, str], str]:
    found: dict[tuple[str, str], str] = {}
    for case in ET.parse(junit).getroot().iter("testcase"):
        failure = case.find("failure")
        if failure is not None:
            text = f"{failure.get('message', '')}\n{failure.text or ''}"
            found[(case.get("classname", ""), case.get("name", ""))] = text
    return found


def _server_env(package: ServerPackage, home: Path) -> list[str]:
    """What the server reads, as `--server-env`: the fake's host:port as its domain, the
    account's key, a HOME of its own, and its package's own settings (node804: admin mode, no
    response cache). The CA variables come with --tls."""
    pairs = {
        "FRESHSERVICE_DOMAIN": "{host}",
        "FRESHSERVICE_APIKEY": "{key}",
        "HOME": str(home),
        **package.environment,
    }
    flags: list[str] = []
    for name, value in pairs.items():
        flags += ["--server-env", f"{name}={value}"]
    return flags


def run_check(package: ServerPackage, script: Path, folder: Path, extra: Sequence[str]) -> CheckRun:
    home = folder / "home"
    home.mkdir(parents=True, exist_ok=True)
    junit = folder / f"{package.name}.xml"
    command = [
        sys.executable, "-m", "contracts", "check", "--profile", "generic", "--no-progress",
        "--server-command", str(script), "--tls", *_server_env(package, home),
        "--junit", str(junit), "--html", str(folder / f"{package.name}.html"), *extra,
    ]  # fmt: skip
    print(f"[{package.label}] $ {' '.join(command)}")
    started = time.monotonic()
    # Run from the run's own folder: `python -m` puts the working folder first on sys.path, and
    # in tox the checkout's `contracts` folder must not shadow the installed wheel's.
    done = subprocess.run(
        command, cwd=folder, capture_output=True, text=True, timeout=RUN_TIMEOUT, check=False
    )
    seconds = time.monotonic() - started
    output = f"{done.stdout}\n{done.stderr}"
    print(f"[{package.label}] exit {done.returncode} after {seconds:.0f} s\n{done.stdout[-2000:]}")
    assert junit.is_file(), f"check wrote no JUnit file (exit {done.returncode}):\n{output[-3000:]}"
    return CheckRun(done.returncode, seconds, output, _failures(junit))


@pytest.fixture(scope="module")
def freshservice_mcp(servers_home: Path, tmp_path_factory: pytest.TempPathFactory) -> CheckRun:
    script = others.installed(FRESHSERVICE_MCP, servers_home)
    return run_check(FRESHSERVICE_MCP, script, tmp_path_factory.mktemp("check-fs-mcp"), [])


@pytest.fixture(scope="module")
def node804(servers_home: Path, tmp_path_factory: pytest.TempPathFactory) -> CheckRun:
    script = others.installed(NODE804, servers_home)
    return run_check(NODE804, script, tmp_path_factory.mktemp("check-node804"), NODE804_FLAGS)


# --- freshservice-mcp 1.0.0 -------------------------------------------------------------------


def test_freshservice_mcp_check_fails_within_the_budget(freshservice_mcp: CheckRun) -> None:
    assert freshservice_mcp.returncode == 1, freshservice_mcp.output[-3000:]
    assert freshservice_mcp.seconds < BUDGET


def test_freshservice_mcp_get_ticket_by_id_fails_on_a_ticket_it_got(
    freshservice_mcp: CheckRun,
) -> None:
    """It declares `-> str` and returns the ticket object: its own output validation refuses
    the answer of a request Freshservice answered with 200."""
    text = freshservice_mcp.failure("properties.get_ticket_by_id", "properties.calls")
    assert "an error is explained" in text
    assert "GET /api/v2/tickets/" in text and "→ 200" in text
    assert "Input should be a valid string" in text


FRESHSERVICE_MCP_FAULTS: list[tuple[str, str, str]] = [
    # raise_for_status() inside try, and the except returns {"error": ...} as a result.
    ("get_tickets", "server-error", "GET /api/v2/tickets?page=1&per_page=30 → 500"),
    ("get_tickets", "revoked-key", "GET /api/v2/tickets?page=1&per_page=30 → 401"),
    # No retry on 429 (none anywhere in the package), and the 429 comes back as a result.
    ("create_ticket", "rate-limited", "POST /api/v2/tickets → 429"),
    # httpx's error caught and returned as {"success": false, ...}, isError false.
    ("create_ticket", "dropped-connection", "POST /api/v2/tickets → no answer"),
    # get_ticket_fields returns response.json() whatever the status: the 503 body as data.
    ("get_ticket_fields", "unavailable", "GET /api/v2/ticket_form_fields → 503"),
]


@pytest.mark.parametrize(
    ("tool", "fault", "request_line"),
    FRESHSERVICE_MCP_FAULTS,
    ids=[f"{t}-{f}" for t, f, _ in FRESHSERVICE_MCP_FAULTS],
)
def test_freshservice_mcp_reports_a_failed_request_as_a_success(
    freshservice_mcp: CheckRun, tool: str, fault: str, request_line: str
) -> None:
    text = freshservice_mcp.failure(f"faults.{tool}", f"faults.{fault}")
    assert "a fault upstream is a tool error (isError)" in text
    assert "reported success (isError false)" in text
    assert request_line in text
    assert f"rule {fault}--{tool}" in text


@pytest.mark.parametrize("tool", ["get_tickets", "create_ticket", "get_ticket_fields"])
def test_freshservice_mcp_tools_carry_no_annotations(freshservice_mcp: CheckRun, tool: str) -> None:
    """FastMCP's @mcp.tool() without annotations: a client must assume every tool writes."""
    text = freshservice_mcp.failure(f"surface.{tool}", "surface.definition")
    assert "readOnlyHint" in text


# --- node804-freshservice-mcp 1.4.0 -----------------------------------------------------------


def test_node804_check_fails_within_the_budget(node804: CheckRun) -> None:
    assert node804.returncode == 1, node804.output[-3000:]
    assert node804.seconds < BUDGET


NODE804_FAULTS: list[tuple[str, str, str]] = [
    # Every tool catches httpx's errors and returns api_error()'s {"error": ...} dict as a
    # result: isError stays false whatever Freshservice answered.
    ("get_tickets", "server-error", "GET /api/v2/tickets?page=1&per_page=30 → 500"),
    ("get_ticket_fields", "unavailable", "GET /api/v2/ticket_form_fields → 503"),
    ("create_ticket", "revoked-key", "POST /api/v2/tickets → 401"),
    ("create_ticket", "dropped-connection", "POST /api/v2/tickets → no answer"),
    ("create_ticket", "malformed-body", "POST /api/v2/tickets → 201"),
    # After its own 30 s timeout it returns {"error": "Failed to …"} as a result.
    ("get_tickets", "timeout", "GET /api/v2/tickets?page=1&per_page=30 → 200"),
]


@pytest.mark.parametrize(
    ("tool", "fault", "request_line"),
    NODE804_FAULTS,
    ids=[f"{t}-{f}" for t, f, _ in NODE804_FAULTS],
)
def test_node804_reports_a_failed_request_as_a_success(
    node804: CheckRun, tool: str, fault: str, request_line: str
) -> None:
    text = node804.failure(f"faults.{tool}", f"faults.{fault}")
    assert "a fault upstream is a tool error (isError)" in text
    assert "reported success (isError false)" in text
    assert request_line in text
    assert f"rule {fault}--{tool}" in text


NODE804_REFUSALS: list[tuple[str, str]] = [
    # Always sends `priority`, which a change task does not have: a 400, returned as a result.
    ("create_change_task", "/tasks → 400"),
    # Asks for include=attachments, which a ticket's view does not take: a 400, as a result.
    ("list_ticket_attachments", "?include=attachments → 400"),
]


@pytest.mark.parametrize(
    ("tool", "request_line"), NODE804_REFUSALS, ids=[t for t, _ in NODE804_REFUSALS]
)
def test_node804_reports_a_refused_request_as_a_success(
    node804: CheckRun, tool: str, request_line: str
) -> None:
    text = node804.failure(f"properties.{tool}", "properties.calls")
    assert "a request Freshservice refused makes the result an error" in text
    assert request_line in text


def test_node804_waits_out_a_retry_after_and_is_not_flagged(node804: CheckRun) -> None:
    """Its transport retries a 429 after Retry-After: the row of a tool whose call works
    passes (what the check must not call a failure)."""
    assert ("faults.get_tickets", "faults.rate-limited") not in node804.failures


@pytest.mark.parametrize("tool", ["get_tickets", "create_ticket", "get_ticket_fields"])
def test_node804_tools_carry_no_annotations(node804: CheckRun, tool: str) -> None:
    text = node804.failure(f"surface.{tool}", "surface.definition")
    assert "readOnlyHint" in text
