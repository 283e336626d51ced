"""Progress bars: `replay` and `check` draw one on a terminal (a real pseudo-terminal here),
never through a pipe, and not with --no-progress; the text output stays as it was."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

# Each test here runs the harness's CLIs end to end in subprocesses: `tox -e slow`.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
HARNESS = [sys.executable, "-m", "contracts"]
TICKET_DETAILS = str(ROOT / "scenarios" / "prompts" / "2-ticket-details.yaml")
ONE_CHECK = ["-k", "test_every_tool_name_is_valid"]
ESCAPE = "\x1b"


def in_a_terminal(*args: str, timeout: float = 300) -> tuple[int, str]:
    """The harness with stdout and stderr on a pseudo-terminal 120 columns wide; its exit
    code and everything it wrote there."""
    controller, terminal = pty.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    process = subprocess.Popen(
        [*HARNESS, *args], stdin=subprocess.DEVNULL, stdout=terminal, stderr=terminal,
        # The terminal's own size decides the width: a COLUMNS inherited from pytest would win.
        env={**{k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")},
             "TERM": "xterm-256color"},
    )  # fmt: skip
    os.close(terminal)
    output = b""
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([controller], [], [], 1)
            if not ready:
                continue
            try:
                chunk = os.read(controller, 65536)
            except OSError:  # EIO: every writer has closed the terminal
                break
            if not chunk:
                break
            output += chunk
        else:
            raise AssertionError(f"still running after {timeout} s:\n{output.decode()[-2000:]}")
        return process.wait(timeout=30), output.decode(errors="replace")
    finally:
        os.close(controller)
        if process.poll() is None:
            process.kill()
            process.wait()


def through_a_pipe(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*HARNESS, *args], capture_output=True, text=True, timeout=300)


def test_replay_draws_a_bar_over_the_scenarios_on_a_terminal() -> None:
    returncode, output = in_a_terminal("replay", TICKET_DETAILS)
    assert returncode == 0, output
    assert "Replaying" in output and "1/1" in output and "scenarios" in output
    assert "2-ticket-details.yaml: step ticket" in output  # the scenario and its step
    assert "1 of 1 scenarios passed" in output  # the text report is still printed


def test_replay_through_a_pipe_has_no_bar_and_no_escape_codes() -> None:
    done = through_a_pipe("replay", TICKET_DETAILS)
    assert done.returncode == 0, done.stdout + done.stderr
    assert ESCAPE not in done.stdout + done.stderr
    assert "Replaying" not in done.stdout + done.stderr
    assert "1 of 1 scenarios passed" in done.stdout


def test_replay_with_no_progress_draws_no_bar_on_a_terminal() -> None:
    returncode, output = in_a_terminal("replay", TICKET_DETAILS, "--no-progress")
    assert returncode == 0, output
    assert "Replaying" not in output and ESCAPE not in output
    assert "1 of 1 scenarios passed" in output


def test_check_draws_a_bar_over_the_checks_above_which_pytest_still_reports() -> None:
    returncode, output = in_a_terminal("check", *ONE_CHECK)
    assert returncode == 0, output
    assert "Checking" in output and "1/1" in output and "checks" in output
    assert "test_tools.py::test_every_tool_name" in output  # the check running (cut to fit)
    assert "1 passed" in output  # pytest's own summary, piped through


def test_check_through_a_pipe_leaves_pytest_its_output_and_draws_nothing() -> None:
    done = through_a_pipe("check", *ONE_CHECK)
    assert done.returncode == 0, done.stdout + done.stderr
    assert ESCAPE not in done.stdout + done.stderr
    assert "Checking" not in done.stdout + done.stderr
    assert "1 passed" in done.stdout
