"""Claude Code (`@anthropic-ai/claude-code`, locked in package.json) adds the server with the exact
command `freshservice-harness up` prints and the README shows, and its own health check
(`claude mcp list`, as the README says) connects. No model or login is involved: `claude mcp`
only writes `~/.claude.json` (a fresh HOME here) and connects to the server."""

from __future__ import annotations

import shlex
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.clients.conftest import NODE_MODULES, Node, Run, run_logged
from tests.processes import Up, started, unwrapped
from tests.test_readme_commands import RUN_ELSEWHERE

# The native build npm installed for this platform (its wrapper's launcher needs a postinstall
# script, which .npmrc switches off).
CLAUDE_BUILDS = NODE_MODULES / "@anthropic-ai"
README_ADD = 'claude mcp add freshservice --transport http http://127.0.0.1:8000/mcp --header "Authorization: demo-acme-admin-key"'
README_LIST = "claude mcp list"
CONNECTED = "✔ Connected"
# Claude Code must not phone home from a test: no updater, telemetry or other traffic.
QUIET = {
    "DISABLE_AUTOUPDATER": "1",
    "DISABLE_TELEMETRY": "1",
    "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",
}

pytestmark = pytest.mark.clients


@pytest.fixture(scope="module")
def up(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Up]:
    with started(tmp_path_factory.mktemp("up")) as running:
        running.wait_for_banner()
        yield running


def claude_binary() -> Path:
    found = sorted(CLAUDE_BUILDS.glob("claude-code-*/claude"))
    if not found:
        pytest.fail(
            f"no Claude Code build under {CLAUDE_BUILDS}: run `npm ci --prefix tests/clients` "
            "(tox -e clients does)"
        )
    return found[0]


def claude(node: Node, project: Path, command: str) -> Run:
    """Run a `claude …` command line as a person types it, in `project`, printing it and its
    output without the key."""
    argv = [str(claude_binary()), *shlex.split(command)[1:]]
    return run_logged(argv, {**node.env, **QUIET}, project, timeout=120, shown=command)


def printed_command(up: Up) -> str:
    return next(
        line.strip()
        for line in unwrapped(up.banner).splitlines()
        if line.strip().startswith("claude mcp add")
    )


def test_the_readme_shows_these_claude_commands() -> None:
    assert {README_ADD, README_LIST} <= set(RUN_ELSEWHERE)


def test_the_command_up_prints_is_the_readmes_on_its_port(up: Up) -> None:
    assert printed_command(up) == README_ADD.replace("127.0.0.1:8000", f"127.0.0.1:{up.port}")


def test_claude_code_adds_the_server_and_connects_to_it(node: Node, up: Up, tmp_path: Path) -> None:
    added = claude(node, tmp_path, printed_command(up))
    assert added.returncode == 0, added.output
    assert f"Added HTTP MCP server freshservice with URL: {up.mcp_url}" in added.output
    listed = claude(node, tmp_path, README_LIST)
    assert listed.returncode == 0, listed.output
    assert f"freshservice: {up.mcp_url} (HTTP) - {CONNECTED}" in listed.output


def test_without_the_header_claude_code_does_not_connect(
    node: Node, up: Up, tmp_path: Path
) -> None:
    # The header is what makes it work: the server `up` starts has no key of its own.
    without = printed_command(up).split(" --header ")[0]
    assert claude(node, tmp_path, without).returncode == 0
    listed = claude(node, tmp_path, README_LIST)
    assert listed.returncode == 0, listed.output
    assert f"freshservice: {up.mcp_url} (HTTP) - ✘ Failed to connect" in listed.output
