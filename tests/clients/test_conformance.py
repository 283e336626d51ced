"""The official MCP conformance suite's generic server scenarios against our HTTP endpoint, with
the server stateless (the default) and stateful (`--stateful`, legacy-era sessions).

Version: `@modelcontextprotocol/conformance` 0.2.0-alpha.12, not npm's `latest` (0.1.16): only
the 0.2.0 prereleases have the 2026-07-28 scenarios (`server-stateless`, `caching`,
`http-header-validation`, ...), and the server speaks both eras (docs/architecture.md §6).

Each scenario runs by name at the revision it is checked for: `--spec-version 2025-11-25` (the
`initialize` handshake) or `2026-07-28` (per-request `_meta`, no sessions). Left out, because
they exercise the suite's own fixtures (tools, prompts, resources named `test_*`) or optional
features the server does not declare, not anything a Freshservice server can be asked to have:
- `tools-call-*`, `prompts-get-*`, `resources-read-*`, `resources-templates-read`,
  `json-schema-2020-12`, `elicitation-*`, `server-sse-polling`, `input-required-result-*`
  (except `-unsupported-methods`): fixture tools, prompts and resources;
- `logging-set-level`, `completion-complete`, `resources-subscribe`, `resources-unsubscribe`:
  capabilities the server does not declare (logging, completions, subscriptions);
- `tasks-*` (an extension) and `http-custom-header-server-validation` (needs `x-mcp-header`
  tools): not scored for 2026-07-28 by the suite itself.
The session scenarios of the legacy era run only in stateful mode: stateless has no sessions.
Checks inside a run scenario that need a fixture are listed, with their reasons, in
`conformance-expected-failures.yml`.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import yaml

from tests.clients.conftest import ADMIN_KEY, CONFORMANCE_JS, HERE, Node
from tests.processes import Fake, Server, running_server

pytestmark = pytest.mark.clients

EXPECTED_FAILURES = HERE / "conformance-expected-failures.yml"
LEGACY, MODERN = "2025-11-25", "2026-07-28"
GENERIC = {
    LEGACY: ("server-initialize", "ping", "tools-list", "resources-list", "prompts-list",
             "dns-rebinding-protection"),
    MODERN: ("server-stateless", "tools-list", "resources-list", "prompts-list",
             "sep-2164-resource-not-found", "caching", "server-sse-multiple-streams",
             "dns-rebinding-protection", "http-header-validation",
             "input-required-result-unsupported-methods"),
}  # fmt: skip
SESSIONS = {LEGACY: ("server-session-lifecycle", "server-sse-multiple-streams")}
CASES = [
    (mode, revision, scenario)
    for mode in ("stateless", "stateful")
    for revision, scenarios in GENERIC.items()
    for scenario in (*scenarios, *(SESSIONS.get(revision, ()) if mode == "stateful" else ()))
]

ServerIn = Callable[[str], Server]


@pytest.fixture(scope="module")
def server_in(fake: Fake) -> Iterator[ServerIn]:
    """The HTTP server in a mode, started once per module. It has its own key, because the
    suite sends no Authorization header."""
    with contextlib.ExitStack() as stack:
        started: dict[str, Server] = {}

        def server(mode: str) -> Server:
            if mode not in started:
                flags = ["--stateful"] if mode == "stateful" else []
                started[mode] = stack.enter_context(
                    running_server(fake.url, *flags, api_key=ADMIN_KEY,
                                   mcp_calls_per_minute="0", mcp_calls_per_month="0")
                )  # fmt: skip
            return started[mode]

        yield server


def failed_checks(results: Path) -> str:
    """The failed or warned checks of a run (its checks.json), for the failure message."""
    expected = {
        entry.partition(":")[2] for entry in yaml.safe_load(EXPECTED_FAILURES.read_text())["server"]
    }
    return "\n".join(
        f"{'expected' if check['id'] in expected else 'UNEXPECTED'} {check['status']} "
        f"{check['id']}: {check.get('errorMessage', '')}"
        for checks in results.glob("*/checks.json")
        for check in json.loads(checks.read_text())
        if check["status"] in ("FAILURE", "WARNING")
    )


@pytest.mark.parametrize(
    ("mode", "revision", "scenario"), CASES, ids=["-".join(case) for case in CASES]
)
def test_generic_scenario_passes(
    node: Node, server_in: ServerIn, tmp_path: Path, mode: str, revision: str, scenario: str
) -> None:
    run = node.run(
        CONFORMANCE_JS, "server", "--url", server_in(mode).mcp_url, "--scenario", scenario,
        "--spec-version", revision, "--expected-failures", EXPECTED_FAILURES, "-o", tmp_path,
    )  # fmt: skip
    exit_code = run.returncode  # non-zero: a failure not in the baseline, or a stale entry
    assert exit_code == 0, failed_checks(tmp_path) or run.output[-3000:]
    assert list(tmp_path.glob("*/checks.json")), "the scenario wrote no checks.json"


def test_each_expected_failure_is_a_check_that_needs_a_fixture_tool() -> None:
    lines = [
        line.strip() for line in EXPECTED_FAILURES.read_text().splitlines()
        if line.strip().startswith("- ")
    ]  # fmt: skip
    assert lines
    for line in lines:
        entry, _, reason = line[2:].partition("#")
        assert ":" in entry, f"{entry.strip()}: name the check, not the whole scenario"
        assert reason.strip().startswith("needs the fixture tool test_"), line
