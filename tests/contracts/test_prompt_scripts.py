"""The seven example prompts of Freshworks' MCP guide, scripted (`scenarios/prompts/`): each replays green
over stdio and over Streamable HTTP, checking results and the fake's state."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import anyio
import pytest

from contracts.paths import prompt_scripts
from contracts.processes import DEFAULT_SERVER_COMMAND
from contracts.replay import ReplayReport, ServerTarget, replay
from contracts.reporting import render_text
from mock_freshservice.scenario import load_scenario
from tests.processes import Fake, Server, running_fake, running_server
from tests.seed import SEED_PROMPTS

# Each test here runs the harness's CLIs end to end in subprocesses: `tox -e slow`.
pytestmark = pytest.mark.slow

SCRIPTS = prompt_scripts()


@pytest.fixture(scope="module")
def fake() -> Iterator[Fake]:
    with running_fake() as running:
        yield running


@pytest.fixture(scope="module")
def http_server(fake: Fake) -> Iterator[Server]:
    with running_server(fake.url) as server:
        yield server


def replayed(path: Path, text: str, fake_url: str, server: ServerTarget) -> ReplayReport:
    scenario = load_scenario(text, name=str(path))
    return anyio.run(
        lambda: replay(scenario, text, name=path.name, fake_url=fake_url, server=server)
    )


def test_there_is_one_script_per_documented_prompt_with_its_exact_words() -> None:
    prompts = [load_scenario(path).prompt for path in SCRIPTS]
    assert sorted(p or "" for p in prompts) == sorted(SEED_PROMPTS.values())


@pytest.mark.parametrize("transport", ["stdio", "http"])
@pytest.mark.parametrize("path", SCRIPTS, ids=[p.stem for p in SCRIPTS])
def test_a_documented_prompt_replays_green(
    path: Path, transport: str, fake: Fake, request: pytest.FixtureRequest
) -> None:
    if transport == "http":
        server = ServerTarget(url=request.getfixturevalue("http_server").mcp_url)
    else:
        server = ServerTarget(command=DEFAULT_SERVER_COMMAND)
    report = replayed(path, path.read_text(), fake.url, server)
    assert report.passed, render_text(report)


def test_a_wrong_state_in_the_fake_fails_the_step_that_reads_it(fake: Fake) -> None:
    path = next(p for p in SCRIPTS if "internal-note" in p.name)
    text = path.read_text().replace(
        '"conversations[-1].private": true', '"conversations[-1].private": false'
    )
    report = replayed(path, text, fake.url, ServerTarget(command=DEFAULT_SERVER_COMMAND))
    failed = [s for s in report.steps if not s.passed]
    assert [s.id for s in failed] == ["in-the-fake"]
    assert failed[0].failures == ["conversations[-1].private: wanted false, got true"]
