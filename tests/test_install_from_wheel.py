"""Without a clone: the built wheel, run by `uvx` from another folder as the README shows, serves
the fake and the MCP server (`up`), and its other commands answer; installed alone (the server
only), it brings none of the fake's or the harness's dependencies."""

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
    documented_name = Path(documented_wheel()[0]).name
    built = out / documented_name
    assert built.is_file(), f"the README names {documented_name}; built: {list(out.iterdir())}"
    return built


def documented_wheel() -> tuple[str, str]:
    """The wheel's path and its extras, as the README's `uvx --from 'WHEEL[EXTRAS]'` names them."""
    words = shlex.split(documented("wheel-up"))
    assert words[:2] == ["uvx", "--from"] and words[3:] == ["freshservice-harness", "up"]
    path, _, extras = words[2].partition("[")
    return path, f"[{extras}" if extras else ""


@contextlib.contextmanager
def uvx_up(wheel: Path, cwd: Path) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """`uvx --from WHEEL freshservice-harness up` on free ports; yields it and its banner."""
    extras = documented_wheel()[1]
    assert extras == "[harness]"
    process = subprocess.Popen(
        [uv_command("uvx"), "--from", f"{wheel}{extras}", "freshservice-harness", "up",
         "--port", "0", "--fake-port", "0"],
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


@pytest.mark.parametrize(
    ("command", "extras"), [("freshservice-mcp", ""), ("mock-freshservice", "[fake]")]
)
def test_uvx_from_the_built_wheel_runs_each_command(
    wheel: Path, tmp_path: Path, command: str, extras: str
) -> None:
    done = subprocess.run(
        [uv_command("uvx"), "--from", f"{wheel}{extras}", command, "--version"],
        cwd=tmp_path, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"{command} ")


# -- The server alone ----------------------------------------------------------------------------

NOT_FOR_THE_SERVER = {"pytest", "hypothesis", "flask", "waitress", "faker", "numpy", "redis"}


@pytest.fixture(scope="module")
def server_only(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The README's server-only install, run verbatim in a folder holding the wheel in dist/."""
    folder = tmp_path_factory.mktemp("deploy")
    (folder / "dist").mkdir()
    shutil.copy(wheel, folder / "dist" / wheel.name)
    line = documented("wheel-server-only").replace("python3 ", f"{sys.executable} ", 1)
    done = subprocess.run(
        ["bash", "-c", line], cwd=folder, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.startswith("usage: freshservice-mcp"), done.stdout[:500]
    return folder / "mcp" / "bin"


def test_the_server_alone_installs_no_fake_no_harness_and_no_redis(server_only: Path) -> None:
    done = subprocess.run(
        [server_only / "python", "-m", "pip", "list", "--format", "freeze"],
        capture_output=True, text=True, check=True, timeout=120,
    )  # fmt: skip
    installed = {line.split("==")[0].lower() for line in done.stdout.splitlines()}
    assert "freshservice-harness" in installed
    assert installed & NOT_FOR_THE_SERVER == set()


@pytest.mark.parametrize(
    ("command", "extra"),
    [(["mock-freshservice", "--help"], "fake"), (["freshservice-harness", "up"], "harness")],
)
def test_a_command_without_its_extra_says_which_install_it_needs(
    server_only: Path, command: list[str], extra: str
) -> None:
    done = subprocess.run(
        [server_only / command[0], *command[1:]], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2, done.stderr
    assert f"pip install 'freshservice-harness[{extra}]'" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_server_alone_refuses_a_redis_store_naming_the_extra(server_only: Path) -> None:
    done = subprocess.run(
        [server_only / "freshservice-mcp", "--base-url", "http://127.0.0.1:8181",
         "--mcp-limits-store", "redis://127.0.0.1:6379/0"],
        capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert "pip install 'freshservice-harness[redis]'" in done.stderr
    assert "Traceback" not in done.stderr
