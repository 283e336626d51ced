"""`freshservice-harness replay`: the shipped scenarios replay green and the same way twice; a
wrong expectation, a rule that never fires or a bad file fails the replay, naming the cause."""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import anyio
import pytest

from contracts.paths import shipped_scenarios
from contracts.processes import DEFAULT_SERVER_COMMAND
from contracts.replay import ReplayReport, ServerTarget, normalised_journal, replay
from contracts.reporting import render_text
from mock_freshservice.scenario import load_scenario
from tests.contracts.scenario_texts import WRONG_EXPECTATION
from tests.processes import Fake, running_fake, running_server

# Each test here runs the harness's CLIs end to end in subprocesses: `tox -e slow`.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))
HARNESS = [sys.executable, "-m", "contracts"]


@pytest.fixture(scope="module")
def fake() -> Iterator[Fake]:
    with running_fake() as running:
        yield running


def replayed(path: Path, fake_url: str) -> ReplayReport:
    """The scenario replayed in this process, with our server over stdio."""
    text = path.read_text()
    scenario = load_scenario(text, name=str(path))
    server = ServerTarget(command=DEFAULT_SERVER_COMMAND)
    return anyio.run(
        lambda: replay(scenario, text, name=path.name, fake_url=fake_url, server=server)
    )


def harness(*args: str) -> subprocess.CompletedProcess[str]:
    """`freshservice-harness` as a real subprocess."""
    return subprocess.run([*HARNESS, *args], capture_output=True, text=True, timeout=300)


def test_scenarios_are_shipped_for_every_case_the_issue_names() -> None:
    assert {p.stem for p in SCENARIOS} >= {
        "pagination-edges", "rate-limit-burst", "ticket-creation-sublimit",
        "budget-spent-by-another-client", "bad-key", "key-revoked-mid-session",
        "restricted-agent", "requester-key", "server-errors-then-ok", "slow-upstream",
        "malformed-body", "day-in-the-life",
    }  # fmt: skip


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_a_shipped_scenario_replays_green_twice_with_equal_journals(path: Path, fake: Fake) -> None:
    first = replayed(path, fake.url)
    second = replayed(path, fake.url)
    assert first.passed, render_text(first)
    assert second.passed, render_text(second)
    assert normalised_journal(first.journal) == normalised_journal(second.journal)


def test_the_429_scenario_keeps_to_retry_after(fake: Fake) -> None:
    report = replayed(ROOT / "scenarios" / "rate-limit-burst.yaml", fake.url)
    statuses = [e["status"] for e in report.journal if e["path"] == "/api/v2/tickets"]
    assert statuses.count(429) == 2
    assert not [e for e in report.journal if e.get("early")]


def test_the_revoked_key_scenario_shows_one_401_and_no_retries(fake: Fake) -> None:
    report = replayed(ROOT / "scenarios" / "key-revoked-mid-session.yaml", fake.url)
    assert [e["status"] for e in report.journal].count(401) == 1
    assert report.journal[-1]["status"] == 401


def test_a_wrong_expectation_fails_the_replay_naming_step_and_expectation(
    tmp_path: Path, fake: Fake
) -> None:
    scenario = tmp_path / "wrong.yaml"
    scenario.write_text(WRONG_EXPECTATION)
    done = harness("replay", str(scenario), "--fake-url", fake.url)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "FAIL step the-ticket: fetchTicket" in done.stdout
    assert 'failed: subject: wanted "Printer on fire", got "Outlook crashes' in done.stdout


UNFIRED = """\
description: A rule that can never fire.
key: demo-acme-admin-key
rules:
  - id: never
    match: {method: DELETE, path: /api/v2/nothing}
    effect: {error: server_error}
steps:
  - id: me
    tool: fetchAgent
    arguments: {agent_id: me}
"""


def test_a_rule_that_never_fires_fails_the_replay(tmp_path: Path, fake: Fake) -> None:
    scenario = tmp_path / "unfired.yaml"
    scenario.write_text(UNFIRED)
    report = replayed(scenario, fake.url)
    assert not report.passed
    assert report.problems == ["rule 'never' never fired"]


def test_a_bad_scenario_file_is_refused_naming_file_line_and_field(tmp_path: Path) -> None:
    scenario = tmp_path / "typo.yaml"
    scenario.write_text(WRONG_EXPECTATION.replace("    expect:", "    expcet:"))
    done = harness("replay", str(scenario))
    assert done.returncode == 2
    assert f"{scenario}:7" in done.stderr and "expcet" in done.stderr
    assert "Traceback" not in done.stderr


def test_junit_xml_has_a_case_per_step_and_the_failures(tmp_path: Path, fake: Fake) -> None:
    scenario = tmp_path / "wrong.yaml"
    scenario.write_text(WRONG_EXPECTATION)
    junit = tmp_path / "replay.xml"
    harness("replay", str(scenario), "--fake-url", fake.url, "--junit", str(junit))
    suite = ET.parse(junit).getroot().find("testsuite")
    assert suite is not None
    assert (suite.get("tests"), suite.get("failures")) == ("2", "1")
    failure = suite.find("testcase/failure")
    assert failure is not None and "Printer on fire" in (failure.text or "")


def test_a_server_given_by_url_is_replayed_over_streamable_http(fake: Fake) -> None:
    with running_server(fake.url) as server:
        done = harness(
            "replay", str(ROOT / "scenarios" / "rate-limit-burst.yaml"),
            "--server-url", server.mcp_url, "--fake-url", fake.url,
        )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 of 1 scenarios passed" in done.stdout


def test_the_harness_starts_its_own_fake_when_none_is_given() -> None:
    done = harness("replay", str(ROOT / "scenarios" / "restricted-agent.yaml"))
    assert done.returncode == 0, done.stdout + done.stderr


def test_two_xdist_workers_replaying_clashing_scenarios_on_one_fake_both_pass(
    fake: Fake,
) -> None:
    """One worker revokes its key (globex), the other drains its budget (initech)."""
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-n", "2", "-p", "no:randomly", "-p", "no:cacheprovider",
         str(Path(__file__).with_name("clashing_pair.py"))],
        capture_output=True, text=True, timeout=300, cwd=ROOT,
        env={**os.environ, "HARNESS_FAKE_URL": fake.url},
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:]
    assert "2 passed" in done.stdout


def test_shipped_finds_the_scenarios_and_a_replay_needs_something_to_replay() -> None:
    assert [p.name for p in shipped_scenarios()] == [p.name for p in SCENARIOS]
    done = harness("replay")
    assert done.returncode == 2 and "give scenario files, or --shipped" in done.stderr


def scenario_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "probe.yaml"
    path.write_text(text)
    return path


DROPPED = """\
description: The first view's connection is dropped; the GET is sent again.
key: demo-acme-admin-key
rules:
  - id: drop
    match: {method: GET, path: /api/v2/tickets/1023, nth: 1}
    effect: {drop_connection: true}
steps:
  - id: me
    tool: fetchAgent
    arguments: {agent_id: me}
  - id: view
    tool: fetchTicket
    arguments: {ticket_id: 1023}
    expect_journal:
      requests: ["GET /api/v2/tickets/1023 0", "GET /api/v2/tickets/1023 200"]
"""


def test_a_dropped_connection_is_journaled_as_status_0_and_can_be_expected(
    tmp_path: Path, fake: Fake
) -> None:
    report = replayed(scenario_file(tmp_path, DROPPED), fake.url)
    assert report.passed, render_text(report)


PROTOCOL = """\
description: protocol_error true and false.
key: demo-acme-admin-key
steps:
  - id: unknown-tool
    tool: fetchPrinters
    expect: {protocol_error: false}
  - id: known-tool
    tool: fetchAgent
    arguments: {agent_id: me}
    expect: {protocol_error: true}
"""


def test_protocol_error_false_fails_on_one_and_true_fails_on_a_result(
    tmp_path: Path, fake: Fake
) -> None:
    report = replayed(scenario_file(tmp_path, PROTOCOL), fake.url)
    unknown, known = report.steps
    assert unknown.failures == [
        "no protocol error, got protocol error -32602: Unknown tool: fetchPrinters"
    ]
    assert known.failures[0].startswith("protocol_error: wanted one, got a result")


def test_a_server_that_does_not_start_is_named_in_the_report(fake: Fake) -> None:
    done = harness(
        "replay", str(ROOT / "scenarios" / "restricted-agent.yaml"), "--fake-url", fake.url,
        "--server-command", f"{sys.executable} -c \"import sys; sys.exit('boom: no such server')\"",
    )  # fmt: skip
    assert done.returncode == 1
    assert "the server under test closed the connection or did not start" in done.stdout
    assert "boom: no such server" in done.stdout
    assert "ExceptionGroup" not in done.stdout


CONTROL = """\
description: A validation message with control characters.
key: demo-acme-admin-key
rules:
  - id: odd
    match: {method: GET, path: /api/v2/tickets/1023}
    effect: {error: validation_error, field: ticket_id, message: "bad \\x01\\x1b[31m value"}
steps:
  - id: view
    tool: fetchTicket
    arguments: {ticket_id: 1023}
"""


def test_junit_stays_well_formed_when_a_result_holds_control_characters(
    tmp_path: Path, fake: Fake
) -> None:
    junit = tmp_path / "odd.xml"
    done = harness("replay", str(scenario_file(tmp_path, CONTROL)), "--fake-url", fake.url,
                   "--junit", str(junit))  # fmt: skip
    assert done.returncode == 1
    assert "\x1b" not in done.stdout
    failure = ET.parse(junit).getroot().find("testsuite/testcase/failure")
    assert failure is not None and "\\x1b" in (failure.text or "")


# -- Mistakes found before anything runs ---------------------------------------------------------

MISSPELT = """\
description: Misspelt on purpose.
key: demo-acme-admin-kye
steps:
  - id: list
    tool: fetchTickts
"""


@pytest.mark.parametrize(
    ("fixed", "said"),
    [
        ("fetchTickts",  # the key stays misspelt
         ":2: key: no account of the fake has this API key (not shown); did you mean "
         "demo-acme-admin-key?"),
        ("admin-kye",  # the tool stays misspelt
         ":4: steps[0].tool: our server lists no tool 'fetchTickts' (did you mean "
         "'fetchTickets'?)"),
    ],
    ids=["key", "tool"],
)  # fmt: skip
def test_a_misspelt_name_is_a_usage_error_naming_file_line_and_the_name_meant(
    tmp_path: Path, fixed: str, said: str
) -> None:
    scenario = tmp_path / "misspelt.yaml"
    right = {"fetchTickts": "fetchTickets", "admin-kye": "admin-key"}[fixed]
    scenario.write_text(MISSPELT.replace(fixed, right))
    done = harness("replay", str(scenario), "--no-progress")
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stderr == f"freshservice-harness: {scenario}{said}\n"


def test_another_servers_missing_tool_fails_the_scenario_before_any_step(
    tmp_path: Path, fake: Fake
) -> None:
    scenario = tmp_path / "tool.yaml"
    scenario.write_text(MISSPELT.replace("admin-kye", "admin-key"))
    report = replayed(scenario, fake.url)  # a server given by command: checked once connected
    assert report.steps == []
    assert report.problems == [
        f"{scenario}:4: steps[0].tool: the server lists no tool 'fetchTickts' "
        "(did you mean 'fetchTickets'?)"
    ]


def test_a_rule_with_no_steps_to_fire_it_says_how_to_use_such_a_scenario(
    tmp_path: Path, fake: Fake
) -> None:
    scenario = tmp_path / "rules-only.yaml"
    scenario.write_text(UNFIRED.split("steps:", maxsplit=1)[0])
    report = replayed(scenario, fake.url)
    assert report.problems == [
        "rule 'never' never fired: the scenario has no steps, so nothing called the server; "
        "add steps, or load it with `freshservice-harness up --scenario FILE` and use a client"
    ]


def test_up_refuses_a_misspelt_demo_key_before_starting_anything(tmp_path: Path) -> None:
    scenario = tmp_path / "key.yaml"
    scenario.write_text(MISSPELT.replace("fetchTickts", "fetchTickets"))
    done = harness("up", "--port", "0", "--fake-port", "0", "--scenario", str(scenario))
    assert done.returncode == 2
    assert f"{scenario}:2: key: no account of the fake has this API key" in done.stderr
    assert "starting" not in done.stderr
