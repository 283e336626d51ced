"""CI: the README's Quickstart line 1, run verbatim in this clean clone, used, then stopped.

Line 1 makes a fresh `.venv`, installs the harness and runs `freshservice-harness up`. This
script waits for its banner, calls a tool through the printed MCP URL with the printed key (the
way the printed Claude Code command would), then presses Ctrl-C (SIGINT to the whole process
group, as a terminal does) and checks both servers stopped. Standard library only: it runs before
anything is installed.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
INSTALL_AND_START_TIMEOUT = 600  # pip install from PyPI, then the start
BANNER_END = '--header "Authorization:'  # the Claude Code command ends the banner


def quickstart_line_1() -> str:
    section = (ROOT / "README.md").read_text(encoding="utf-8").split("## Quickstart", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block is not None, "no sh block under ## Quickstart"
    return next(line for line in block[1].splitlines() if line.strip())


def first_calls() -> list[str]:
    """The README's first calls without an AI client: the sh block after "No AI client"."""
    section = (ROOT / "README.md").read_text(encoding="utf-8").split("No AI client at hand?", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block is not None, "no sh block after 'No AI client at hand?'"
    return [line for line in block[1].splitlines() if line.strip()]


def run_first_calls() -> None:
    """Each, verbatim, against the `up` that line 1 started: each shows the ticket."""
    for line in first_calls():
        print(f"$ {line}", flush=True)
        done = subprocess.run(  # noqa: S603
            ["bash", "-c", line],  # noqa: S607 (the README's line, as a person's shell runs it)
            check=False, cwd=ROOT, capture_output=True, text=True, timeout=600,
        )  # fmt: skip
        print(done.stdout[:300] + ("..." if len(done.stdout) > 300 else ""), flush=True)
        assert done.returncode == 0, f"exit code {done.returncode}: {done.stderr[-2000:]}"
        assert "Outlook crashes when opening a shared calendar" in done.stdout, done.stdout


def call_tool(url: str, key: str, name: str, arguments: dict[str, object]) -> dict[str, object]:
    body = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "tools/call",
        "params": {"name": name, "arguments": arguments},
    }
    request = urllib.request.Request(  # noqa: S310 (the URL is the loopback one `up` printed)
        url,
        data=json.dumps(body).encode(),
        headers={
            "Authorization": key,
            "Content-Type": "application/json",
            "Accept": "application/json, text/event-stream",
        },
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        text = response.read().decode()
    # A stateless server may answer as JSON or as one SSE event.
    payload = text.split("data: ", 1)[1] if text.startswith("event:") else text
    result: dict[str, object] = json.loads(payload)["result"]
    return result


def listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def main() -> int:
    line = quickstart_line_1()
    print(f"$ {line}", flush=True)
    log = tempfile.NamedTemporaryFile("w+", suffix=".log", delete=False)  # noqa: SIM115
    process = subprocess.Popen(  # noqa: S603
        ["bash", "-c", line],  # noqa: S607 (the README's line, as a person's shell runs it)
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # a process group of its own, like a terminal's foreground job
    )
    try:
        deadline = time.monotonic() + INSTALL_AND_START_TIMEOUT
        while BANNER_END not in Path(log.name).read_text():
            if process.poll() is not None or time.monotonic() > deadline:
                print(Path(log.name).read_text())
                print(f"line 1 did not come up (exit code {process.poll()})")
                return 1
            time.sleep(0.5)
        banner = Path(log.name).read_text()
        joined = re.sub(r" \\\n\s+", " ", banner)  # a command continued over lines with " \\"
        claude = next(
            s.strip() for s in joined.splitlines() if s.strip().startswith("claude mcp add")
        )
        argv = shlex.split(claude)
        url, header = argv[argv.index("--transport") + 2], argv[argv.index("--header") + 1]
        key = header.split(": ", 1)[1]
        result = call_tool(url, key, "fetchTicket", {"ticket_id": 10234})
        ticket = result.get("structuredContent")
        assert not result.get("isError"), result
        assert isinstance(ticket, dict), result
        assert ticket["subject"] == "Outlook crashes when opening a shared calendar", ticket
        print(f"fetchTicket 10234 through {url}: {ticket['subject']!r}", flush=True)
        run_first_calls()
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGINT)  # Ctrl-C
        try:
            code = process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)  # leave nothing running on the CI host
            code = process.wait()
        print(Path(log.name).read_text())
        Path(log.name).unlink()
    assert code == 0, f"up exited with {code} after Ctrl-C"
    assert not listening(8000), "the MCP server outlived Ctrl-C"
    assert not listening(8181), "the fake outlived Ctrl-C"
    print("Ctrl-C stopped the fake and the server; exit code 0")
    return 0


if __name__ == "__main__":
    sys.exit(main())
