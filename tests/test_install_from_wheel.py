"""Without a clone: the built wheel, run by `uvx` from another folder as the README shows, serves
the fake and the MCP server (`up`), and its other commands answer."""

from __future__ import annotations

import contextlib
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.test_readme_commands import documented

# Builds the wheel and installs it with its dependencies: `tox -e slow`.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]


def uv_command(name: str) -> str:
    found = shutil.which(
        name, path=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    )
    assert found, f"{name} is not installed: `pip install uv` (tox -e slow installs it)"
    return found


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    build = shlex.split(documented("wheel-build"))  # into dist/ of the checkout it runs in
    assert build[:2] == ["uv", "build"]
    subprocess.run(
        [uv_command("uv"), *build[1:], "--out-dir", str(out), str(ROOT)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    documented_name = Path(shlex.split(documented("wheel-up"))[2]).name
    built = out / documented_name
    assert built.is_file(), f"the README names {documented_name}; built: {list(out.iterdir())}"
    return built


@contextlib.contextmanager
def uvx_up(wheel: Path, cwd: Path) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """`uvx --from WHEEL freshservice-harness up` on free ports; yields it and its banner."""
    words = shlex.split(documented("wheel-up"))
    assert words[:2] == ["uvx", "--from"] and words[3:] == ["freshservice-harness", "up"]
    process = subprocess.Popen(
        [uv_command("uvx"), "--from", str(wheel), *words[3:], "--port", "0", "--fake-port", "0"],
        cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True,
    )  # fmt: skip
    try:
        banner = ""
        deadline = time.monotonic() + 600  # the first run downloads the dependencies
        assert process.stdout is not None
        while '--header "Authorization:' not in banner and time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            banner += line
        assert '--header "Authorization:' in banner, banner
        yield process, banner
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        assert process.stdout is not None
        process.stdout.close()


def test_uvx_from_the_built_wheel_runs_up_and_serves_a_tool_call(
    wheel: Path, tmp_path: Path
) -> None:
    with uvx_up(wheel, tmp_path) as (process, banner):
        url = re.search(r"^MCP server  (\S+)", banner, re.M)
        assert url, banner
        answer = httpx.post(
            url[1],
            json={"jsonrpc": "2.0", "id": 1, "method": "tools/call",
                  "params": {"name": "fetchTicket", "arguments": {"ticket_id": 10234}}},
            headers={"Authorization": "demo-acme-admin-key",
                     "Accept": "application/json, text/event-stream"},
            timeout=30,
        )  # fmt: skip
        assert "Outlook crashes when opening a shared calendar" in answer.text
        os.killpg(process.pid, signal.SIGINT)
        assert process.wait(timeout=30) == 0


@pytest.mark.parametrize("command", ["freshservice-mcp", "mock-freshservice"])
def test_uvx_from_the_built_wheel_runs_each_command(
    wheel: Path, tmp_path: Path, command: str
) -> None:
    done = subprocess.run(
        [uv_command("uvx"), "--from", str(wheel), command, "--version"],
        cwd=tmp_path, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"{command} ")
