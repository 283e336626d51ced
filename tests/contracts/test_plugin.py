"""The pytest plugin, as another project uses it: loaded only when asked (`-p contracts.plugin`),
inert until a test asks for its fixtures, then a running fake, an MCP client connected to the
server under test, and scenario replays."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

# Each test here runs the harness's CLIs end to end in subprocesses: `tox -e slow`.
pytestmark = pytest.mark.slow

USING_THE_FIXTURES = '''
import anyio


def test_a_client_connected_to_the_server_lists_tickets(harness_connect):
    async def run():
        async with harness_connect() as client:
            result = await client.call_tool("fetchTickets", {"per_page": 2})
            assert not result.is_error
            assert len(result.structured_content["tickets"]) == 2

    anyio.run(run)


def test_the_fake_is_running_with_its_admin_api(harness_fake):
    assert harness_fake.admin.account_of("demo-acme-admin-key") == "acme.freshservice.com"


def test_a_scenario_replays(harness_replay):
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

UNRELATED = """
def test_nothing_to_do_with_freshservice():
    assert 1 + 1 == 2
"""

NOT_LOADED = """
def test_the_plugin_is_not_loaded(pytestconfig):
    assert not pytestconfig.pluginmanager.has_plugin("contracts.plugin")
"""

ASKED = ("-p", "contracts.plugin")


def run_pytest(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    (folder / "pytest.ini").write_text("[pytest]\n")  # not this project's configuration
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
        capture_output=True, text=True, timeout=300, cwd=folder,
    )  # fmt: skip


def test_another_project_gets_a_fake_a_connected_client_and_replays(tmp_path: Path) -> None:
    (tmp_path / "test_mine.py").write_text(USING_THE_FIXTURES)
    done = run_pytest(tmp_path, *ASKED)
    assert done.returncode == 0, done.stdout[-3000:]
    assert "3 passed" in done.stdout


def test_the_plugin_starts_nothing_for_tests_that_do_not_use_it(tmp_path: Path) -> None:
    (tmp_path / "test_other.py").write_text(UNRELATED)
    done = run_pytest(tmp_path, *ASKED, "--setup-show")
    assert done.returncode == 0, done.stdout[-3000:]
    assert "harness_" not in done.stdout


def test_the_plugin_does_not_load_unless_asked(tmp_path: Path) -> None:
    (tmp_path / "test_other.py").write_text(NOT_LOADED)
    done = run_pytest(tmp_path)
    assert done.returncode == 0, done.stdout[-3000:]


def test_a_conftest_can_ask_for_the_plugin_once_for_a_project(tmp_path: Path) -> None:
    (tmp_path / "conftest.py").write_text('pytest_plugins = ["contracts.plugin"]\n')
    (tmp_path / "test_mine.py").write_text(USING_THE_FIXTURES)
    done = run_pytest(tmp_path, "-k", "fake_is_running")
    assert done.returncode == 0, done.stdout[-3000:]
    assert "1 passed" in done.stdout
