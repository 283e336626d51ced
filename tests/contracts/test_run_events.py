"""The events a contract run writes for `check` (FRESHSERVICE_HARNESS_EVENTS): how many checks
were collected, how each ended, what each replay did; nothing at all without the variable."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from contracts.replay import ReplayReport, StepOutcome
from contracts.run_events import EVENTS_VARIABLE, EventReader, read_run

# Each test here runs the harness's CLIs end to end in subprocesses: `tox -e slow`.
pytestmark = pytest.mark.slow

CHECKS = '''
import pytest


@pytest.fixture
def broken():
    raise RuntimeError("the fixture broke")


def test_passes():
    pass


def test_fails():
    assert 1 == 2, "one is not two"


def test_is_skipped():
    pytest.skip("not today")


@pytest.mark.xfail(reason="known bug")
def test_is_expected_to_fail():
    assert False


def test_cannot_set_up(broken):
    pass


def test_replays_a_scenario(harness_replay):
    report = harness_replay("""
description: One call.
key: demo-globex-admin-key
steps:
  - id: me
    tool: fetchAgent
    arguments: {agent_id: me}
    expect: {name: Dana Whitfield}
""")
    assert report.passed, report.steps
'''

NOTHING_LISTENS = """
from contracts.run_events import PLUGIN_NAME


def test_no_event_writer_is_registered(pytestconfig):
    assert pytestconfig.pluginmanager.get_plugin(PLUGIN_NAME) is None
"""


def run_pytest(folder: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    (folder / "pytest.ini").write_text("[pytest]\n")
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "contracts.plugin"],
        capture_output=True, text=True, timeout=300, cwd=folder, env=env,
    )  # fmt: skip


@pytest.fixture(scope="module")
def events(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    folder = tmp_path_factory.mktemp("run")
    (folder / "test_checks.py").write_text(CHECKS)
    path = tmp_path_factory.mktemp("events") / "events.jsonl"
    done = run_pytest(folder, {**os.environ, EVENTS_VARIABLE: str(path)})
    assert done.returncode == 1, done.stdout[-3000:]
    return [json.loads(line) for line in path.read_text().splitlines()]


def checks(events: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {e["nodeid"].rpartition("::")[2]: e for e in events if e["event"] == "check"}


def test_the_number_of_checks_collected_comes_first(events: list[dict[str, Any]]) -> None:
    assert events[0] == {"event": "collected", "total": 6}


def test_each_check_ends_in_one_event_with_its_outcome(events: list[dict[str, Any]]) -> None:
    assert {name: e["outcome"] for name, e in checks(events).items()} == {
        "test_passes": "passed",
        "test_fails": "failed",
        "test_is_skipped": "skipped",
        "test_is_expected_to_fail": "skipped",
        "test_cannot_set_up": "error",
        "test_replays_a_scenario": "passed",
    }


def test_a_failure_carries_its_traceback_and_a_skip_its_reason(
    events: list[dict[str, Any]],
) -> None:
    found = checks(events)
    assert "AssertionError: one is not two" in found["test_fails"]["message"]
    assert "RuntimeError: the fixture broke" in found["test_cannot_set_up"]["message"]
    assert found["test_is_skipped"]["message"] == "not today"
    assert found["test_is_expected_to_fail"]["message"] == "expected to fail: known bug"
    assert found["test_passes"]["message"] == ""
    assert all(e["seconds"] >= 0 for e in found.values())


def test_a_replay_made_through_the_fixture_is_sent_with_its_check(
    events: list[dict[str, Any]],
) -> None:
    (replay,) = [e for e in events if e["event"] == "replay"]
    assert replay["nodeid"].endswith("::test_replays_a_scenario")
    report = ReplayReport.from_json(replay["report"])
    assert report.passed and report.account == "globex.freshservice.com"
    assert [(s.id, s.tool) for s in report.steps] == [("me", "fetchAgent")]
    assert report.journal[0]["path"] == "/api/v2/agents/me"


def test_without_the_variable_nothing_is_registered_or_written(tmp_path: Path) -> None:
    (tmp_path / "test_quiet.py").write_text(NOTHING_LISTENS)
    env = {k: v for k, v in os.environ.items() if k != EVENTS_VARIABLE}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    done = run_pytest(tmp_path, env)
    assert done.returncode == 0, done.stdout[-3000:]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pytest.ini", "test_quiet.py"]


def test_a_report_survives_the_trip_through_json() -> None:
    step = StepOutcome("s", "fetchTicket", {"ticket_id": 1}, ["wrong"], ["GET /x 200"], "{}", 0.5)
    report = ReplayReport("n", "d", prompt="p", steps=[step], problems=["x"], journal=[{"a": 1}])
    again = ReplayReport.from_json(json.loads(json.dumps(report.as_json())))
    assert again == report


def test_the_reader_returns_only_new_whole_lines(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    reader = EventReader(path)
    assert reader.read_new() == []  # not written yet
    path.write_text('{"event": "collected", "total": 2}\n{"event": "ch')
    assert reader.read_new() == [{"event": "collected", "total": 2}]
    with path.open("a") as events:
        events.write('eck", "nodeid": "t", "outcome": "passed", "seconds": 0}\n')
    assert reader.read_new() == [{"event": "check", "nodeid": "t", "outcome": "passed",
                                  "seconds": 0}]  # fmt: skip
    assert reader.read_new() == []
    assert read_run(path).checks[0].nodeid == "t"
