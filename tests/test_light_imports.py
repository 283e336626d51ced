"""A command that only answers (`--help`, `--version`, `config`) loads neither the fake's app nor
the MCP SDK, and the pytest plugin, loaded into every pytest run where the harness is installed,
loads only its options until a test asks for a fixture."""

from __future__ import annotations

import subprocess
import sys

import pytest

# Each of these takes a large part of a second to import, or is not needed to answer.
HEAVY = frozenset(
    {"flask", "faker", "numpy", "waitress", "mcp", "uvicorn", "anyio", "httpx", "lark"}
)


def packages_imported(*args: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-X", "importtime", *args],
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return {
        line.rsplit("|", 1)[1].strip().split(".")[0]
        for line in done.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }


@pytest.mark.parametrize(
    "command",
    [
        ["-m", "contracts", "--help"],
        ["-m", "contracts", "up", "--help"],
        ["-m", "contracts", "config", "--client", "cursor"],
        ["-m", "server", "--help"],
        ["-m", "server", "--version"],
        ["-m", "mock_freshservice", "--help"],
        ["-m", "mock_freshservice", "serve", "--help"],
    ],
    ids=" ".join,
)
def test_a_command_that_only_answers_imports_nothing_heavy(command: list[str]) -> None:
    assert packages_imported(*command) & HEAVY == set()


def test_the_pytest_plugin_imports_nothing_heavy_until_a_fixture_is_used() -> None:
    assert packages_imported("-c", "import contracts.plugin") & HEAVY == set()


def test_importing_the_scenario_format_does_not_load_the_fake() -> None:
    loaded = packages_imported("-c", "import mock_freshservice.scenario")
    assert loaded & {"flask", "faker", "numpy", "waitress"} == set()
