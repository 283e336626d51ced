"""`freshservice-harness check --profile generic` against broken copies of our server: each
breakage gives exactly the finding it should (no other check of the tools checked fails), a
baseline turns the red run green, and once the copy is whole again the entry is reported stale.

Each run is a real subprocess (the harness CLI, the fake, the server copies over stdio); `--tools`
and `--faults` keep each to the tool and fault a breakage concerns."""

from __future__ import annotations

import shlex
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.contracts.broken import broken_server

# Each test runs the harness, the fake and up to two server processes for 15 to 30 s: they run
# in `tox -e slow` (release), which CI runs, not in the README's test line.
pytestmark = pytest.mark.slow

# The README's run of our server (its flags are every run's here): the suites make hundreds of
# calls, so our server's tool-call limits are off, and a short upstream timeout keeps the
# timeout column quick.
README_COMMAND = ".venv/bin/freshservice-harness check --profile generic --server-env FRESHSERVICE_MCP_CALLS_PER_MINUTE=0 --server-env FRESHSERVICE_MCP_CALLS_PER_MONTH=0 --server-env FRESHSERVICE_TIMEOUT=2 --call-timeout 20"
OUR_SETTINGS = tuple(shlex.split(README_COMMAND)[4:])


def generic_check(
    folder: Path, *args: str, env: dict[str, str] | None = None, profile: str = "generic"
) -> tuple[subprocess.CompletedProcess[str], dict[tuple[str, str], str]]:
    """The run, and each failing (tool, check) of its JUnit report with the failure's text."""
    junit = folder / "check.xml"
    command = [
        sys.executable, "-m", "contracts", "check", "--profile", profile,
        "--server-command", f"{sys.executable} -m server", *OUR_SETTINGS,
        "--examples", "0", "--junit", str(junit), *args,
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, env=env, cwd=folder)
    failures: dict[tuple[str, str], str] = {}
    if junit.is_file():
        for case in ET.parse(junit).iter("testcase"):
            failure = case.find("failure")
            if failure is not None:
                tool = case.get("classname", "").split(".", 1)[1]
                failures[(tool, case.get("name", ""))] = (
                    f"{failure.get('message')}\n{failure.text or ''}"
                )
    return done, failures


def test_a_read_only_tool_that_posts_is_reported_with_the_post_it_sent(tmp_path: Path) -> None:
    env = broken_server(
        tmp_path,
        "tools/tickets.py",
        '    response = await up.get(f"/tickets/{ticket_id}", params, what=f"ticket {ticket_id}")',
        '    await up.post(f"/tickets/{ticket_id}/notes", {"body": "x"}, what="a note")\n'
        '    response = await up.get(f"/tickets/{ticket_id}", params, what=f"ticket {ticket_id}")',
    )
    done, failures = generic_check(
        tmp_path, "--tools", "fetchTicket", "--faults", "server-error", env=env
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert list(failures) == [("fetchTicket", "annotations.read-only")], done.stdout
    evidence = failures[("fetchTicket", "annotations.read-only")]
    assert "readOnlyHint sends no POST" in evidence
    assert "POST /api/v2/tickets/" in evidence and "/notes → 201" in evidence


def test_a_post_resent_after_a_503_is_reported_with_both_posts(tmp_path: Path) -> None:
    env = broken_server(
        tmp_path,
        "freshservice.py",
        "if method in IDEMPOTENT and not last_try and self._can_wait(call, delay):",
        "if not last_try and self._can_wait(call, delay):",
    )
    done, failures = generic_check(
        tmp_path, "--tools", "createTicket", "--faults", "unavailable", env=env
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert list(failures) == [("createTicket", "faults.unavailable")], done.stdout
    evidence = failures[("createTicket", "faults.unavailable")]
    assert "a POST is never sent again after an ambiguous failure" in evidence
    assert "it sent the POST 2 times" in evidence
    assert "POST /api/v2/tickets → 503" in evidence and "POST /api/v2/tickets → 201" in evidence


def test_a_retry_before_retry_after_is_reported_with_the_early_request(tmp_path: Path) -> None:
    env = broken_server(
        tmp_path,
        "freshservice.py",
        "wait = max(MIN_RETRY_AFTER, _retry_after(response))",
        "wait = 0.0",
    )
    done, failures = generic_check(
        tmp_path, "--tools", "fetchTicket", "--faults", "rate-limited", env=env
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert list(failures) == [("fetchTicket", "faults.rate-limited")], done.stdout
    evidence = failures[("fetchTicket", "faults.rate-limited")]
    assert "no request is sent before the Retry-After" in evidence
    assert "→ 429" in evidence and "→ 200 (before Retry-After)" in evidence


def test_the_key_in_an_error_is_reported_and_masked_in_the_report(tmp_path: Path) -> None:
    env = broken_server(
        tmp_path,
        "tools/common.py",
        '"the Authorization header or FRESHSERVICE_API_KEY; it may have been revoked."',
        '"the Authorization header or FRESHSERVICE_API_KEY; it may have been revoked. Key: "\n'
        '            + __import__("os").environ["FRESHSERVICE_API_KEY"]',
    )
    done, failures = generic_check(
        tmp_path, "--tools", "fetchTicket", "--faults", "revoked-key", env=env
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert list(failures) == [("fetchTicket", "faults.revoked-key")], done.stdout
    evidence = failures[("fetchTicket", "faults.revoked-key")]
    assert "the API key never appears in a result" in evidence
    report = done.stdout + (tmp_path / "check.xml").read_text()
    assert "demo-acme-admin-key" not in report and "demo-globex-admin-key" not in report
    assert "key-" in evidence  # the key's journal fingerprint stands in for it


def test_a_baseline_makes_a_red_run_green_and_reports_a_fixed_check_as_stale(
    tmp_path: Path,
) -> None:
    broken, whole = tmp_path / "broken", tmp_path / "whole"
    broken.mkdir()
    whole.mkdir()
    env = broken_server(
        broken,
        "freshservice.py",
        "wait = max(MIN_RETRY_AFTER, _retry_after(response))",
        "wait = 0.0",
    )
    selection = ("--tools", "fetchTicket", "--faults", "rate-limited")
    baseline = tmp_path / "baseline.yaml"
    red, _ = generic_check(broken, *selection, "--write-baseline", str(baseline), env=env)
    assert red.returncode == 1, red.stdout + red.stderr
    assert '{tool: "fetchTicket", check: faults.rate-limited}' in baseline.read_text()

    green, failures = generic_check(broken, *selection, "--baseline", str(baseline), env=env)
    assert green.returncode == 0, green.stdout + green.stderr
    assert failures == {}
    assert "KNOWN  fetchTicket  faults.rate-limited" in green.stdout

    fixed, failures = generic_check(whole, *selection, "--baseline", str(baseline))
    assert fixed.returncode == 1, fixed.stdout + fixed.stderr
    assert list(failures) == [("fetchTicket", "faults.rate-limited")]
    assert "stale baseline entry" in failures[("fetchTicket", "faults.rate-limited")]
    assert "STALE  fetchTicket  faults.rate-limited" in fixed.stdout


def test_a_baseline_entry_for_a_check_that_no_longer_exists_is_stale(tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.yaml"
    baseline.write_text("known:\n  - {tool: noSuchTool, check: faults.timeout}\n")
    done, failures = generic_check(
        tmp_path, "--tools", "fetchTicket", "--faults", "server-error", "--baseline", str(baseline)
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "STALE  noSuchTool  faults.timeout" in done.stdout
    assert ("noSuchTool", "faults.timeout") in failures


def test_an_unreadable_baseline_is_a_usage_error_naming_it(tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.yaml"
    baseline.write_text("known: [{tool: 3}]\n")
    done, _ = generic_check(tmp_path, "--tools", "fetchTicket", "--baseline", str(baseline))
    assert done.returncode == 2
    assert "entry 1 needs a 'tool' and a 'check'" in done.stderr


def test_our_server_passes_every_generic_check(tmp_path: Path) -> None:
    html = tmp_path / "report.html"
    done, failures = generic_check(tmp_path, "--examples", "3", "--html", str(html))
    assert done.returncode == 0, done.stdout[-5000:] + done.stderr[-3000:]
    assert failures == {}
    assert "0 failed" in done.stdout
    assert 'id="checks-failed">0<' in html.read_text()


def test_auto_profile_picks_generic_for_a_server_without_the_hosted_tools(tmp_path: Path) -> None:
    done, failures = generic_check(
        tmp_path,
        "--server-env", "FRESHSERVICE_TOOLSETS=tickets",
        "--tools", "fetchTicket", "--faults", "server-error",
        profile="auto",
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "profile generic" in done.stderr
    assert failures == {}
