"""`freshservice-harness up` as a person sees it: in a real 80x24 terminal (tmux), its banner
whole on the screen, ending with the MCP URL and the Claude Code command."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from tests.processes import UP_COMMAND

pytestmark = pytest.mark.system  # needs tmux: apt-get install tmux
ROOT = Path(__file__).resolve().parents[2]
UP = UP_COMMAND


def test_up_in_an_80x24_terminal_shows_its_whole_banner_with_the_mcp_url(tmp_path: Path) -> None:
    tmux = shutil.which("tmux")
    assert tmux, "tmux is not installed: `apt-get install tmux` (CI does this)"
    session = f"up-{os.getpid()}"
    socket_name = str(tmp_path / "tmux.sock")
    command = f"cd {shlex.quote(str(ROOT))} && {shlex.join(UP)} --port 0 --fake-port 0"
    base = [tmux, "-S", socket_name]
    subprocess.run(
        [*base, "new-session", "-d", "-s", session, "-x", "80", "-y", "24", command], check=True
    )
    try:
        screen = ""
        deadline = time.monotonic() + 90
        while '--header "Authorization:' not in screen and time.monotonic() < deadline:
            time.sleep(0.5)
            screen = subprocess.run(
                [*base, "capture-pane", "-p", "-t", session],
                capture_output=True, text=True, check=True,
            ).stdout  # fmt: skip
        rows = screen.rstrip("\n").split("\n")
        assert '--header "Authorization:' in screen, screen
        assert len(rows) <= 24
        assert "freshservice-harness is up" in screen  # the whole banner is on the screen
        assert re.search(r"^MCP server  http://127\.0\.0\.1:\d+/mcp", screen, re.M), screen
        assert re.search(r"^  claude mcp add freshservice", screen, re.M), screen
    finally:
        subprocess.run([*base, "send-keys", "-t", session, "C-c"], check=False)
        time.sleep(2)
        subprocess.run([*base, "kill-server"], check=False)
