"""`--html FILE`: one self-contained page with the summary numbers under stable ids, each
scenario or documented prompt with its calls, arguments, results and journal, each contract
check with its status; everything escaped, no API key in it, written even when checks fail."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from contracts import html_report
from contracts.replay import ReplayReport, StepOutcome
from contracts.run_events import CheckResult, RunRecord
from mock_freshservice.journal import fingerprint
from tests.contracts.report_pages import number, only
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


def rendered(*reports: ReplayReport, keys: tuple[str, ...] = ()) -> BeautifulSoup:
    return BeautifulSoup(html_report.render_replays(list(reports), keys=keys), "html.parser")


def test_the_summary_counts_scenarios_and_steps_under_stable_ids() -> None:
    page = rendered(passing_report(), failing_report())
    assert [number(page, i) for i in ("scenarios-total", "scenarios-passed", "scenarios-failed",
                                      "steps-total", "steps-failed")] == [2, 1, 1, 3, 1]  # fmt: skip


def test_each_scenario_shows_its_prompt_calls_arguments_results_and_upstream_requests() -> None:
    scenario = only(rendered(passing_report()), "#scenario-1")
    assert "passed" in scenario["class"]
    assert only(scenario, ".prompt").get_text() == "Show details for ticket 10234."
    step = only(scenario, "li.step")
    assert only(step, ".tool").get_text() == "fetchTicket"
    assert '"ticket_id": 10234' in only(step, ".arguments").get_text()
    assert only(step, ".excerpt").get_text() == '{"id": 10234}'
    assert "GET /api/v2/tickets/10234 200" in only(step, ".upstream").get_text()


def test_a_failed_scenario_shows_its_failures_where_the_rules_and_the_server_log() -> None:
    scenario = only(rendered(failing_report()), "#scenario-1")
    assert "failed" in scenario["class"]
    assert only(only(scenario, "h3"), ".badge").get_text() == "FAIL"
    failed_step = only(scenario, "li.step.failed")
    assert 'wanted "Printer on fire"' in only(failed_step, ".failures").get_text()
    assert "bad.yaml:9" in only(failed_step, ".where").get_text()
    assert only(scenario, ".problems").get_text() == "rule 'never' never fired"
    assert [r.select("td")[2].get_text() for r in scenario.select("tr.rule")] == ["1", "0"]
    assert "upstream 429" in only(scenario, ".server-log").get_text()


def test_the_journal_lists_each_request_with_its_status_rule_and_key_fingerprint() -> None:
    row = only(rendered(failing_report()), "tr.journal-entry")
    cells = {cls: only(row, f".{cls}").get_text() for cls in ("method", "path", "status", "rule",
                                                             "retry-after", "request-id", "key")}  # fmt: skip
    assert cells == {"method": "GET", "path": "/api/v2/tickets/1023", "status": "429",
                     "rule": "burst", "retry-after": "2", "request-id": "req-1",
                     "key": fingerprint(DEMO_KEY)}  # fmt: skip


def test_markup_in_a_result_is_text_not_markup() -> None:
    page = rendered(failing_report())
    assert not page.select("script")
    assert '"<script>alert(1)</script>"' in [e.get_text() for e in page.select(".excerpt")]


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
    excerpts = [e.get_text() for e in rendered(report).select("pre.excerpt")]
    assert "bad \\x01\\x1b[31m value" in excerpts


def test_the_page_is_self_contained() -> None:
    page = rendered(passing_report(), failing_report())
    only(page, "style")
    assert not page.select("script") and not page.select("link") and not page.select("img")
    assert not page.select("[src], [href]")


def test_a_check_page_counts_each_outcome_and_lists_each_check() -> None:
    record = RunRecord(collected=5, checks=[
        CheckResult("test_tools.py::test_a", "passed", 0.1),
        CheckResult("test_tools.py::test_b", "failed", 0.2, "E   assert 1 == 2"),
        CheckResult("test_tools.py::test_c", "skipped", 0.0, "needs a stdio server"),
        CheckResult("test_tools.py::test_d", "error", 0.0, "fixture exploded"),
    ], replays=[("test_prompts.py::test_the_documented_prompt_works[2]", passing_report())])  # fmt: skip
    page = BeautifulSoup(html_report.render_check(record, exit_code=1), "html.parser")
    assert [number(page, i) for i in ("checks-total", "checks-collected", "checks-passed",
                                      "checks-failed", "checks-errors", "checks-skipped",
                                      "exit-status", "scenarios-total")] == [4, 5, 1, 1, 1, 1, 1, 1]  # fmt: skip
    rows = {only(r, ".nodeid").get_text(): r for r in page.select("tr.check")}
    assert rows["test_tools.py::test_b"]["data-outcome"] == "failed"
    assert "assert 1 == 2" in only(rows["test_tools.py::test_b"], ".message").get_text()
    assert "needs a stdio server" in only(rows["test_tools.py::test_c"], ".message").get_text()
    replayed_by = only(only(page, "#scenario-1"), ".check-nodeid").get_text()
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
    page = BeautifulSoup(html, "html.parser")
    assert returncode == 1
    assert [number(page, i) for i in ("scenarios-total", "scenarios-passed",
                                      "scenarios-failed")] == [2, 1, 1]  # fmt: skip
    failed = only(page, "#scenario-2")
    assert failed["data-status"] == "failed"
    assert 'subject: wanted "Printer on fire"' in only(failed, ".failures").get_text()


def test_a_replayed_prompt_shows_its_text_call_arguments_and_journal(
    replay_page: tuple[int, str],
) -> None:
    prompt = only(BeautifulSoup(replay_page[1], "html.parser"), "#scenario-1")
    assert only(prompt, ".prompt").get_text() == "Show details for ticket 10234."
    assert only(prompt, ".tool").get_text() == "fetchTicket"
    assert '"ticket_id": 10234' in only(prompt, ".arguments").get_text()
    assert '"subject": "Outlook crashes' in only(prompt, ".excerpt").get_text()
    paths = [only(row, ".path").get_text() for row in prompt.select("tr.journal-entry")]
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
    page = BeautifulSoup(html, "html.parser")
    suite = ET.parse(tmp_path / "junit.xml").getroot().find("testsuite")
    assert suite is not None
    junit = {name: int(suite.get(name) or 0) for name in ("tests", "failures", "errors", "skipped")}
    assert junit == {"tests": 4, "failures": 1, "errors": 0, "skipped": 1}
    assert [number(page, i) for i in ("checks-total", "checks-failed", "checks-errors",
                                      "checks-skipped", "checks-passed")] == [
        junit["tests"], junit["failures"], junit["errors"], junit["skipped"], 2
    ]  # fmt: skip
    outcomes = {only(r, ".nodeid").get_text().rpartition("::")[2]: r["data-outcome"]
                for r in page.select("tr.check")}  # fmt: skip
    assert outcomes == {
        "test_every_tool_name_is_valid_per_the_mcp_spec": "passed",
        "test_the_documented_prompt_works[2-ticket-details]": "passed",
        "test_a_check_that_fails": "failed",
        "test_a_check_that_is_skipped": "skipped",
    }
    failure = next(r for r in page.select("tr.check") if r["data-outcome"] == "failed")
    assert "<script>alert(1)</script>" in only(failure, ".message").get_text()
    assert not page.select("script")
    prompt = only(page, "#scenario-1")
    assert only(prompt, ".prompt").get_text() == "Show details for ticket 10234."
    assert only(prompt, ".tool").get_text() == "fetchTicket"
    assert (
        "test_the_documented_prompt_works[2-ticket-details]"
        in only(prompt, ".check-nodeid").get_text()
    )
    assert "demo-acme-admin-key" not in html
