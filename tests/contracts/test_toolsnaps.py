"""The tool schema suite (`freshservice-harness check -k test_tools`): our server passes it; a
broken copy of our server (a tool renamed, an output field dropped) fails it, naming the cause; a
missing snapshot fails; UPDATE_TOOLSNAPS=1 rewrites a stale one, except under CI."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from contracts import toolsnaps
from contracts.paths import PACKAGE
from contracts.seed import SEED_TOOLS
from tests.contracts.broken import broken_server, check

# Each test here runs the harness's CLIs end to end in subprocesses: `tox -e slow`.
pytestmark = pytest.mark.slow

SNAPSHOTS = PACKAGE / "toolsnaps"
# Variables that would make a run rewrite, or read, other snapshots than the shipped ones.
SNAPSHOT_VARIABLES = ("UPDATE_TOOLSNAPS", "TOOLSNAPS_DIR", "CI")


def clean(env: dict[str, str] | None = None, **extra: str) -> dict[str, str]:
    """The environment for a suite run: no snapshot variables but those given."""
    base = {k: v for k, v in (env or os.environ).items() if k not in SNAPSHOT_VARIABLES}
    return {**base, **extra}


@pytest.fixture
def snapshots(tmp_path: Path) -> Path:
    """A copy of the shipped snapshots, for a run to read or rewrite."""
    return Path(shutil.copytree(SNAPSHOTS, tmp_path / "toolsnaps"))


def test_there_is_one_snapshot_per_seed_tool() -> None:
    assert toolsnaps.names_in(SNAPSHOTS) == sorted(SEED_TOOLS)


@pytest.mark.parametrize("name", SEED_TOOLS)
def test_a_snapshot_file_has_sorted_keys_indent_2_and_a_final_newline(name: str) -> None:
    path = toolsnaps.path_for(name, SNAPSHOTS)
    text = path.read_text(encoding="utf-8")
    assert text == toolsnaps.render(json.loads(text))


def test_our_server_passes_the_tool_suite() -> None:
    done = check("-k", "test_tools", env=clean())
    assert done.returncode == 0, done.stdout[-3000:]


def test_a_renamed_tool_fails_the_suite_naming_it(tmp_path: Path) -> None:
    env = broken_server(tmp_path, "tools/workspaces.py", '"fetchWorkspaces"', '"fetchWorkspace"')
    done = check("-k", "test_tools", env=clean(env), cwd=tmp_path)
    assert done.returncode == 1, done.stdout[-3000:]
    assert "missing ['fetchWorkspaces']; not in the guide ['fetchWorkspace']" in done.stdout
    assert (
        "BREAKING fetchWorkspaces: tool removed (renamed? to fetchWorkspace, which has a similar "
        "schema)" in done.stdout
    ), done.stdout[-3000:]


def test_a_dropped_output_field_fails_the_suite_naming_it(tmp_path: Path) -> None:
    env = broken_server(tmp_path, "tools/workspaces.py", "    template_name: str | None\n", "")
    done = check("-k", "test_tools", env=clean(env), cwd=tmp_path)
    assert done.returncode == 1, done.stdout[-3000:]
    assert "test_the_tool_matches_its_snapshot[fetchWorkspaces]" in done.stdout
    assert "BREAKING fetchWorkspaces.workspaces[].template_name: output field removed" in (
        done.stdout
    ), done.stdout[-3000:]


def test_a_missing_snapshot_fails_the_suite(snapshots: Path) -> None:
    (snapshots / "fetchAgent.json").unlink()
    done = check(
        "-k", "test_the_tool_matches_its_snapshot", env=clean(TOOLSNAPS_DIR=str(snapshots))
    )
    assert done.returncode == 1, done.stdout[-3000:]
    assert "fetchAgent has no snapshot" in done.stdout


def test_update_toolsnaps_rewrites_a_stale_snapshot(snapshots: Path) -> None:
    stale = snapshots / "fetchAgent.json"
    stale.write_text(stale.read_text().replace('"readOnlyHint": true', '"readOnlyHint": false'))
    done = check(
        "-k",
        "test_the_tool_matches_its_snapshot",
        env=clean(TOOLSNAPS_DIR=str(snapshots), UPDATE_TOOLSNAPS="1"),
    )
    assert done.returncode == 0, done.stdout[-3000:]
    assert stale.read_text() == (SNAPSHOTS / "fetchAgent.json").read_text()


def test_update_toolsnaps_is_refused_under_ci(snapshots: Path) -> None:
    stale = snapshots / "fetchAgent.json"
    stale.write_text(stale.read_text().replace('"readOnlyHint": true', '"readOnlyHint": false'))
    done = check(
        "-k",
        "test_the_tool_matches_its_snapshot and fetchAgent",
        env=clean(TOOLSNAPS_DIR=str(snapshots), UPDATE_TOOLSNAPS="1", CI="true"),
    )
    assert done.returncode == 1, done.stdout[-3000:]
    assert "UPDATE_TOOLSNAPS is refused under CI" in done.stdout
    assert '"readOnlyHint": false' in stale.read_text()
