"""The property-based contract suite (`contracts/suites/test_properties.py`) through
`freshservice-harness check`: green on our server with a table of the 34 tools, and red, naming
the tool and `page`, on a copy of our server whose fetchWorkspaces always asks for page 1."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from contracts.seed import SEED_TOOLS

# Each test here runs the harness's CLIs end to end in subprocesses: `tox -e slow`.
pytestmark = pytest.mark.slow

HARNESS = [sys.executable, "-m", "contracts"]
TABLE_TITLE = "property-based calls per tool"
ROOT = Path(__file__).resolve().parents[2]


def check(
    *args: str, cwd: Path = ROOT, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*HARNESS, "check", "-k", "test_properties", *args],
        capture_output=True, text=True, timeout=600, cwd=cwd, env=env,
    )  # fmt: skip


def table_rows(output: str) -> list[str]:
    """The rows of the per-tool table (between its header and its summary line)."""
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if TABLE_TITLE in line)
    rows = []
    for line in lines[start + 2 :]:
        if re.match(r"\d+ tools, ", line):
            break
        rows.append(line)
    return rows


@pytest.fixture(scope="module")
def broken_server(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of our `server` package whose fetchWorkspaces sends page=1 whatever it is asked."""
    spec = importlib.util.find_spec("server")
    assert spec is not None and spec.submodule_search_locations
    root = tmp_path_factory.mktemp("broken")
    copy = root / "server"
    shutil.copytree(
        next(iter(spec.submodule_search_locations)),
        copy,
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    module = copy / "tools" / "workspaces.py"
    source = module.read_text()
    sent = '{"page": page, "per_page": per_page}'
    assert sent in source, "fetchWorkspaces no longer sends its page as the test expects"
    module.write_text(source.replace(sent, '{"page": 1, "per_page": per_page}'))
    return root


@pytest.fixture(scope="module")
def our_run() -> subprocess.CompletedProcess[str]:
    return check()


def test_the_suite_passes_on_our_server(our_run: subprocess.CompletedProcess[str]) -> None:
    assert our_run.returncode == 0, our_run.stdout[-6000:] + our_run.stderr[-2000:]


def test_the_table_has_a_row_per_tool(our_run: subprocess.CompletedProcess[str]) -> None:
    rows = table_rows(our_run.stdout)
    assert sorted(row.split()[0] for row in rows) == sorted(SEED_TOOLS)


def test_at_least_half_the_ids_drawn_name_existing_records(
    our_run: subprocess.CompletedProcess[str],
) -> None:
    found = re.search(r"(\d+) of (\d+) ids named existing records", our_run.stdout)
    assert found, our_run.stdout[-3000:]
    existing, drawn = int(found[1]), int(found[2])
    assert existing >= drawn / 2


def test_the_suite_fails_naming_the_tool_and_page_when_a_tool_ignores_page(
    broken_server: Path,
) -> None:
    env = {**os.environ, "PYTHONPATH": str(broken_server)}
    # Run from the copy's directory, so `python -m server` cannot find the checkout's server.
    done = check("--server-command", f"{sys.executable} -m server", cwd=broken_server, env=env)
    assert done.returncode == 1, done.stdout[-6000:] + done.stderr[-2000:]
    failed = [line for line in done.stdout.splitlines() if line.startswith("FAILED")]
    assert failed, done.stdout[-6000:]
    assert all(
        "test_page_two_holds_other_items_than_page_one[fetchWorkspaces]" in f for f in failed
    ), failed
    assert re.search(r"fetchWorkspaces ignores page", done.stdout), done.stdout[-6000:]
