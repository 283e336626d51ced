"""`--html FILE`: one self-contained page with the summary numbers under stable ids, each
scenario or documented prompt with its calls, arguments, results and journal, each contract
check with its status; everything escaped, no API key in it, written even when checks fail."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from contracts import html_report
from contracts.replay import ReplayReport, StepOutcome
from contracts.run_events import CheckResult, RunRecord
from mock_freshservice.journal import fingerprint
from tests.contracts.html_dom import Element, parse
from tests.contracts.scenario_texts import WRONG_EXPECTATION

# Each test here runs the harness's CLIs end to end in subprocesses: `tox -e slow`.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
HARNESS = [sys.executable, "-m", "contracts"]
DEMO_KEY = "demo-acme-admin-key"
TICKET_DETAILS = ROOT / "scenarios" / "prompts" / "2-ticket-details.yaml"


def harness(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*HARNESS, *args], capture_output=True, text=True, timeout=600, cwd=cwd
    )  # fmt: skip


def journal_entry(path: str, status: int = 200, **extra: object) -> dict[str, object]:
    return {"seq": 1, "time": "2026-11-02T12:00:00.000+00:00", "method": "GET", "path": path,
            "query": "", "status": status, "key": fingerprint(DEMO_KEY), "request_id": "req-1",
            "credits": 1, "latency_ms": 1.0, "rule": None, "retry_after": None, "early": False,
            **extra}  # fmt: skip


def passing_report() -> ReplayReport:
    step = StepOutcome(
        "ticket", "fetchTicket", {"ticket_id": 10234}, [],
        ["GET /api/v2/tickets/10234 200"], '{"id": 10234}', 0.1, "prompts/2.yaml:6",
    )  # fmt: skip
    return ReplayReport(
        "prompts/2.yaml", "Shows a ticket.", prompt="Show details for ticket 10234.",
        account="acme.freshservice.com", steps=[step],
        journal=[journal_entry("/api/v2/tickets/10234")],
    )  # fmt: skip


def failing_report() -> ReplayReport:
    good = StepOutcome("me", "fetchAgent", {"agent_id": "me"}, [], [], "{}", 0.1, "bad.yaml:5")
    bad = StepOutcome(
        "view", "fetchTicket", {"ticket_id": 1023},
        ['subject: wanted "Printer on fire", got "Office network down"'],
        ["GET /api/v2/tickets/1023 429"], '"<script>alert(1)</script>"', 0.2, "bad.yaml:9",
    )  # fmt: skip
    return ReplayReport(
        "bad.yaml", "A wrong expectation.", account="acme.freshservice.com", steps=[good, bad],
        rules=[{"id": "burst", "matched": 1, "fired": 1}, {"id": "never", "fired": 0}],
        problems=["rule 'never' never fired"],
        journal=[journal_entry("/api/v2/tickets/1023", 429, rule="burst", retry_after=2)],
        server_log="starting\ncalled fetchTicket: upstream 429",
    )  # fmt: skip


def rendered(*reports: ReplayReport, keys: tuple[str, ...] = ()) -> Element:
    return parse(html_report.render_replays(list(reports), keys=keys))


def test_the_summary_counts_scenarios_and_steps_under_stable_ids() -> None:
    page = rendered(passing_report(), failing_report())
    assert [page.number(i) for i in ("scenarios-total", "scenarios-passed", "scenarios-failed",
                                     "steps-total", "steps-failed")] == [2, 1, 1, 3, 1]  # fmt: skip


def test_each_scenario_shows_its_prompt_calls_arguments_results_and_upstream_requests() -> None:
    scenario = rendered(passing_report()).by_id("scenario-1")
    assert "passed" in scenario.classes
    assert scenario.one(cls="prompt").text() == "Show details for ticket 10234."
    step = scenario.one("li", "step")
    assert step.one(cls="tool").text() == "fetchTicket"
    assert '"ticket_id": 10234' in step.one(cls="arguments").text()
    assert step.one(cls="excerpt").text() == '{"id": 10234}'
    assert "GET /api/v2/tickets/10234 200" in step.one(cls="upstream").text()


def test_a_failed_scenario_shows_its_failures_where_the_rules_and_the_server_log() -> None:
    scenario = rendered(failing_report()).by_id("scenario-1")
    assert "failed" in scenario.classes and scenario.one("h3").one(cls="badge").text() == "FAIL"
    failed_step = [s for s in scenario.all("li", "step") if "failed" in s.classes]
    assert len(failed_step) == 1
    assert 'wanted "Printer on fire"' in failed_step[0].one(cls="failures").text()
    assert "bad.yaml:9" in failed_step[0].one(cls="where").text()
    assert scenario.one(cls="problems").text() == "rule 'never' never fired"
    assert [r.all("td")[2].text() for r in scenario.all("tr", "rule")] == ["1", "0"]
    assert "upstream 429" in scenario.one(cls="server-log").text()


def test_the_journal_lists_each_request_with_its_status_rule_and_key_fingerprint() -> None:
    row = rendered(failing_report()).one("tr", "journal-entry")
    cells = {cls: row.one(cls=cls).text() for cls in ("method", "path", "status", "rule",
                                                      "retry-after", "request-id", "key")}  # fmt: skip
    assert cells == {"method": "GET", "path": "/api/v2/tickets/1023", "status": "429",
                     "rule": "burst", "retry-after": "2", "request-id": "req-1",
                     "key": fingerprint(DEMO_KEY)}  # fmt: skip


def test_markup_in_a_result_is_text_not_markup() -> None:
    page = rendered(failing_report())
    assert not page.all("script")
    assert '"<script>alert(1)</script>"' in [e.text() for e in page.all(cls="excerpt")]


def test_an_api_key_anywhere_in_a_report_becomes_its_fingerprint() -> None:
    report = failing_report()
    report.steps[0].arguments = {"note": f"my key is {DEMO_KEY}"}
    report.problems.append("the server logged sk-private-12345678")
    report.server_log = f"Authorization: {DEMO_KEY}"
    html = html_report.render_replays([report], keys=("sk-private-12345678",))
    assert DEMO_KEY not in html and "sk-private-12345678" not in html
    assert fingerprint(DEMO_KEY) in html and fingerprint("sk-private-12345678") in html


def test_control_characters_are_shown_printable() -> None:
    report = failing_report()
    report.steps[1].excerpt = "bad \x01\x1b[31m value"
    excerpts = [e.text() for e in rendered(report).all("pre", "excerpt")]
    assert "bad \\x01\\x1b[31m value" in excerpts


def test_the_page_is_self_contained() -> None:
    page = rendered(passing_report(), failing_report())
    assert page.one("style")
    assert not page.all("script") and not page.all("link") and not page.all("img")
    assert not [e for e in page.iter() if {"src", "href"} & set(e.attrs)]


def test_a_check_page_counts_each_outcome_and_lists_each_check() -> None:
    record = RunRecord(collected=5, checks=[
        CheckResult("test_tools.py::test_a", "passed", 0.1),
        CheckResult("test_tools.py::test_b", "failed", 0.2, "E   assert 1 == 2"),
        CheckResult("test_tools.py::test_c", "skipped", 0.0, "needs a stdio server"),
        CheckResult("test_tools.py::test_d", "error", 0.0, "fixture exploded"),
    ], replays=[("test_prompts.py::test_the_documented_prompt_works[2]", passing_report())])  # fmt: skip
    page = parse(html_report.render_check(record, exit_code=1))
    assert [page.number(i) for i in ("checks-total", "checks-collected", "checks-passed",
                                     "checks-failed", "checks-errors", "checks-skipped",
                                     "exit-status", "scenarios-total")] == [4, 5, 1, 1, 1, 1, 1, 1]  # fmt: skip
    rows = {r.one(cls="nodeid").text(): r for r in page.all("tr", "check")}
    assert rows["test_tools.py::test_b"].attrs["data-outcome"] == "failed"
    assert "assert 1 == 2" in rows["test_tools.py::test_b"].one(cls="message").text()
    assert "needs a stdio server" in rows["test_tools.py::test_c"].one(cls="message").text()
    replayed_by = page.by_id("scenario-1").one(cls="check-nodeid").text()
    assert replayed_by == "test_prompts.py::test_the_documented_prompt_works[2]"


@pytest.fixture(scope="module")
def replay_page(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, str]:
    """A real `replay --html` of a documented prompt's script and a scenario that fails."""
    folder = tmp_path_factory.mktemp("replay-html")
    (folder / "wrong.yaml").write_text(WRONG_EXPECTATION)
    done = harness("replay", str(TICKET_DETAILS), "wrong.yaml", "--html", "report.html", cwd=folder)
    return done.returncode, (folder / "report.html").read_text(encoding="utf-8")


def test_replay_writes_the_report_even_when_a_scenario_fails(replay_page: tuple[int, str]) -> None:
    returncode, html = replay_page
    page = parse(html)
    assert returncode == 1
    assert [page.number(i) for i in ("scenarios-total", "scenarios-passed",
                                     "scenarios-failed")] == [2, 1, 1]  # fmt: skip
    failed = page.by_id("scenario-2")
    assert failed.attrs["data-status"] == "failed"
    assert 'subject: wanted "Printer on fire"' in failed.one(cls="failures").text()


def test_a_replayed_prompt_shows_its_text_call_arguments_and_journal(
    replay_page: tuple[int, str],
) -> None:
    prompt = parse(replay_page[1]).by_id("scenario-1")
    assert prompt.one(cls="prompt").text() == "Show details for ticket 10234."
    assert prompt.one(cls="tool").text() == "fetchTicket"
    assert '"ticket_id": 10234' in prompt.one(cls="arguments").text()
    assert '"subject": "Outlook crashes' in prompt.one(cls="excerpt").text()
    paths = [row.one(cls="path").text() for row in prompt.all("tr", "journal-entry")]
    assert paths == ["/api/v2/agents/me",
                     "/api/v2/tickets/10234?include=conversations%2Crequester"]  # fmt: skip


def test_a_replay_report_holds_no_api_key(replay_page: tuple[int, str]) -> None:
    assert "demo-acme-admin-key" not in replay_page[1]
    assert fingerprint("demo-acme-admin-key") in replay_page[1]


@pytest.mark.parametrize("command", ["replay", "check"])
def test_an_unwritable_report_path_is_refused_before_anything_runs(
    command: str, tmp_path: Path
) -> None:
    (tmp_path / "a-file").write_text("")
    report = tmp_path / "a-file" / "report.html"
    scenarios = [str(TICKET_DETAILS)] if command == "replay" else []
    done = harness(command, *scenarios, "--html", str(report))
    assert done.returncode == 2, done.stdout + done.stderr
    assert (
        done.stderr == f"freshservice-harness: cannot write {report}: no folder {report.parent}\n"
    )
    assert done.stdout == ""


EXTRA_CHECKS = """
import pytest


def test_a_check_that_fails():
    assert "<script>alert(1)</script>" == "calm", "the demo-acme-admin-key went missing"


def test_a_check_that_is_skipped():
    pytest.skip("nothing to see here")
"""


def test_check_lists_each_check_with_its_status_and_counts_what_junit_counts(
    tmp_path: Path,
) -> None:
    (tmp_path / "test_extra_checks.py").write_text(EXTRA_CHECKS)
    done = harness(
        "check", "--html", str(tmp_path / "report.html"), "--junit", str(tmp_path / "junit.xml"),
        "-k", "test_every_tool_name_is_valid or ticket-details or test_a_check_that",
        "--", str(tmp_path / "test_extra_checks.py"),
    )  # fmt: skip
    assert done.returncode == 1, done.stdout[-3000:] + done.stderr
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    page = parse(html)
    suite = ET.parse(tmp_path / "junit.xml").getroot().find("testsuite")
    assert suite is not None
    junit = {name: int(suite.get(name) or 0) for name in ("tests", "failures", "errors", "skipped")}
    assert junit == {"tests": 4, "failures": 1, "errors": 0, "skipped": 1}
    assert [page.number(i) for i in ("checks-total", "checks-failed", "checks-errors",
                                     "checks-skipped", "checks-passed")] == [
        junit["tests"], junit["failures"], junit["errors"], junit["skipped"], 2
    ]  # fmt: skip
    outcomes = {r.one(cls="nodeid").text().rpartition("::")[2]: r.attrs["data-outcome"]
                for r in page.all("tr", "check")}  # fmt: skip
    assert outcomes == {
        "test_every_tool_name_is_valid_per_the_mcp_spec": "passed",
        "test_the_documented_prompt_works[2-ticket-details]": "passed",
        "test_a_check_that_fails": "failed",
        "test_a_check_that_is_skipped": "skipped",
    }
    failure = next(r for r in page.all("tr", "check") if r.attrs["data-outcome"] == "failed")
    assert "<script>alert(1)</script>" in failure.one(cls="message").text()
    assert not page.all("script")
    prompt = page.by_id("scenario-1")
    assert prompt.one(cls="prompt").text() == "Show details for ticket 10234."
    assert prompt.one(cls="tool").text() == "fetchTicket"
    assert (
        "test_the_documented_prompt_works[2-ticket-details]"
        in prompt.one(cls="check-nodeid").text()
    )
    assert "demo-acme-admin-key" not in html
