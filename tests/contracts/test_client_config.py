"""`freshservice-harness config`: each client's configuration as the command prints it, read the
way the client reads it, and for the clients that speak Streamable HTTP themselves (Claude Code,
Cursor, VS Code) used exactly as printed to reach a real server and fake through the mcp SDK.
The Claude Desktop variant runs through mcp-remote in tests/clients/test_client_configs.py.

`--json` runs as a real process per client; the text and the usage errors come from the same
`main` called in this process, since each process spends over a second importing the harness.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import json
import shlex
import subprocess
import sys
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import anyio
import httpx2
import pytest
from mcp import Client, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp.client.streamable_http import streamable_http_client

from contracts.cli import main
from contracts.client_config import client_config
from contracts.seed import SEED_TOOLS
from mock_freshservice.journal import fingerprint
from tests.processes import Fake, Server, running_fake, running_server

CONFIG = [sys.executable, "-m", "contracts", "config"]
CLIENTS = ["claude-code", "claude-desktop", "cursor", "vscode", "copilot-studio"]
HTTP_CLIENTS = ["claude-code", "cursor", "vscode"]  # they speak Streamable HTTP themselves
VARIANTS = {"claude-desktop", "copilot-studio"}  # Freshworks' MCP guide shows these with OAuth only
DEFAULT_URL = "http://127.0.0.1:8000/mcp"
VAR = "FRESHSERVICE_AUTH"  # where the Claude Desktop variant keeps the key
KEY = "demo-acme-admin-key"
# A key and a name a shell would mangle unquoted: quotes, a variable, history expansion, a space.
AWKWARD_KEY = """it's "a" $HOME!key"""
AWKWARD_NAME = "fs prod"
# Method 2 of Freshworks' MCP guide, filled in (and the README's line).
SEED_COMMAND = 'claude mcp add freshservice --transport http http://127.0.0.1:8000/mcp --header "Authorization: demo-acme-admin-key"'


@dataclasses.dataclass(frozen=True)
class Printed:
    returncode: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        assert self.returncode == 0, self.stderr
        return json.loads(self.stdout)

    def blocks(self) -> list[str]:
        """The text output's paragraphs: where it goes, the configuration, notes."""
        assert self.returncode == 0, self.stderr
        return self.stdout.split("\n\n")


def run_all(commands: Mapping[str, Sequence[str]]) -> dict[str, Printed]:
    """Each `freshservice-harness config` command line as a real process. They run side by side,
    since each spends most of its second importing the harness."""
    started = {
        label: subprocess.Popen(
            [*CONFIG, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for label, args in commands.items()
    }
    printed = {}
    for label, process in started.items():
        stdout, stderr = process.communicate(timeout=120)
        printed[label] = Printed(process.returncode, stdout, stderr)
    return printed


def printed_by_main(*args: str) -> Printed:
    """What `freshservice-harness config ARGS` prints and exits with, from `main` in-process."""
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        try:
            returncode = main(["config", *args])
        except SystemExit as stopped:  # argparse's usage errors
            returncode = stopped.code if isinstance(stopped.code, int) else 1
    return Printed(returncode, stdout.getvalue(), stderr.getvalue())


def seed_entry(url: str, key: str) -> dict[str, Any]:
    return {"type": "http", "url": url, "headers": {"Authorization": key}}


def expected_json(client: str, url: str, key: str) -> dict[str, Any]:
    """Each client's file (or form), as Freshworks' MCP guide shapes it."""
    files: dict[str, dict[str, Any]] = {
        "claude-code": {"mcpServers": {"freshservice": seed_entry(url, key)}},
        "cursor": {"mcpServers": {"freshservice": seed_entry(url, key)}},
        "vscode": {"servers": {"freshservice": seed_entry(url, key)}},
        "claude-desktop": {
            "mcpServers": {
                "freshservice": {
                    "command": "npx",
                    "args": ["-y", "mcp-remote", url, "--header", f"Authorization:${{{VAR}}}"],
                    "env": {VAR: key},
                }
            }
        },
        "copilot-studio": {
            "server_name": "freshservice",
            "server_description": (
                "Freshservice tickets, assets, people, onboarding, service catalog and "
                "knowledge base"
            ),
            "server_url": url,
            "authentication": "API key",
            "type": "Header",
            "header_name": "Authorization",
            "api_key": key,
        },
    }
    return files[client]


@pytest.fixture(scope="module")
def fake() -> Iterator[Fake]:
    with running_fake("--plan", "unlimited") as running:
        yield running


@pytest.fixture(scope="module")
def http_server(fake: Fake) -> Iterator[Server]:
    with running_server(fake.url, mcp_calls_per_minute="0", mcp_calls_per_month="0") as server:
        yield server


@pytest.fixture(scope="module")
def as_json(http_server: Server) -> dict[str, Printed]:
    """`config --client X --json` for the running server, per client."""
    return run_all(
        {c: ["--client", c, "--json", "--url", http_server.mcp_url, "--key", KEY] for c in CLIENTS}
    )


@pytest.fixture(scope="module")
def printed() -> dict[str, Printed]:
    """The text output with the defaults per client, and a few other command lines."""
    commands = {
        **{client: ["--client", client] for client in CLIENTS},
        "awkward": ["--client", "claude-code", "--key", AWKWARD_KEY, "--name", AWKWARD_NAME],
        "unknown client": ["--client", "claude-web"],
        "empty key": ["--client", "cursor", "--key", ""],
        "ftp url": ["--client", "cursor", "--url", "ftp://127.0.0.1/mcp"],
        "url without host": ["--client", "vscode", "--url", "http:///mcp"],
    }
    return {label: printed_by_main(*args) for label, args in commands.items()}


# -- --json ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("client", CLIENTS)
def test_json_output_is_the_clients_own_file_format(
    client: str, as_json: dict[str, Printed], http_server: Server
) -> None:
    assert as_json[client].json() == expected_json(client, http_server.mcp_url, KEY)


@pytest.mark.parametrize("client", CLIENTS)
def test_json_mode_notes_a_variant_on_stderr_and_nothing_else_for_the_seeds_configs(
    client: str, as_json: dict[str, Printed]
) -> None:
    stderr = as_json[client].stderr
    if client in VARIANTS:
        assert "note: a variant of the configuration in Freshworks' MCP guide" in stderr
        assert "OAuth comes later" in stderr
    else:
        assert stderr == ""


def test_copilot_studio_json_warns_on_stderr_that_a_loopback_http_url_is_unreachable(
    as_json: dict[str, Printed],
) -> None:
    stderr = as_json["copilot-studio"].stderr
    assert "warning: 127.0.0.1 is not reachable from Microsoft's cloud" in stderr
    assert "warning: Copilot Studio needs an https:// server URL" in stderr


@pytest.mark.parametrize("client", HTTP_CLIENTS)
def test_http_client_config_reaches_the_server_exactly_as_printed(
    client: str, as_json: dict[str, Printed], fake: Fake
) -> None:
    document = as_json[client].json()
    entry = document["servers" if client == "vscode" else "mcpServers"]["freshservice"]
    assert entry["type"] == "http"

    async def list_and_fetch() -> tuple[list[str], dict[str, Any]]:
        async with (
            httpx2.AsyncClient(headers=entry["headers"], timeout=30) as http,
            Client(streamable_http_client(entry["url"], http_client=http)) as mcp,
        ):
            tools = [tool.name for tool in (await mcp.list_tools()).tools]
            result = await mcp.call_tool("fetchTicket", {"ticket_id": 10234})
        assert not result.is_error, result.content
        assert isinstance(result.structured_content, dict)
        return tools, result.structured_content

    fake.clear_journal()
    tools, ticket = anyio.run(list_and_fetch)
    assert sorted(tools) == sorted(SEED_TOOLS) and len(tools) == 34
    assert ticket["id"] == 10234
    journal = fake.journal()
    assert "/api/v2/tickets/10234" in [entry["path"] for entry in journal]
    assert {entry["key"] for entry in journal} == {fingerprint(KEY)}


# -- Text -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("client", "first_line"),
    [
        ("claude-code", ["Claude Code: run this in a terminal", "~/.claude.json"]),
        ("claude-desktop", ["Claude Desktop: Claude > Settings > Developer > Edit Config",
                            "claude_desktop_config.json"]),
        ("cursor", ["Cursor: .cursor/mcp.json", "~/.cursor/mcp.json"]),
        ("vscode", ["VS Code: Command Palette > MCP: Open User Configuration", "mcp.json"]),
        ("copilot-studio", ["Copilot Studio: Agents >", "Model Context Protocol"]),
    ],
)  # fmt: skip
def test_text_starts_by_naming_the_client_and_where_its_configuration_goes(
    client: str, first_line: list[str], printed: dict[str, Printed]
) -> None:
    line = printed[client].stdout.splitlines()[0]
    assert [part for part in first_line if part not in line] == []
    assert line.startswith(first_line[0])


def test_claude_code_text_is_the_seeds_method_2_command(printed: dict[str, Printed]) -> None:
    command = printed["claude-code"].blocks()[1]
    assert command == SEED_COMMAND
    assert shlex.split(command) == [
        "claude", "mcp", "add", "freshservice", "--transport", "http", DEFAULT_URL,
        "--header", f"Authorization: {KEY}",
    ]  # fmt: skip


def test_claude_code_text_quotes_an_awkward_key_and_name_for_the_shell(
    printed: dict[str, Printed],
) -> None:
    blocks = printed["awkward"].blocks()
    assert shlex.split(blocks[1]) == [
        "claude", "mcp", "add", AWKWARD_NAME, "--transport", "http", DEFAULT_URL,
        "--header", f"Authorization: {AWKWARD_KEY}",
    ]  # fmt: skip
    add_json = next(line for line in printed["awkward"].stdout.splitlines() if "add-json" in line)
    *words, entry = shlex.split(add_json)
    assert words == ["claude", "mcp", "add-json", AWKWARD_NAME]
    assert json.loads(entry) == seed_entry(DEFAULT_URL, AWKWARD_KEY)


@pytest.mark.parametrize("client", ["claude-desktop", "cursor", "vscode"])
def test_text_of_a_file_based_client_holds_its_json_with_the_defaults(
    client: str, printed: dict[str, Printed]
) -> None:
    assert json.loads(printed[client].blocks()[1]) == expected_json(client, DEFAULT_URL, KEY)


@pytest.mark.parametrize("client", CLIENTS)
def test_text_says_whether_it_is_a_variant_and_that_oauth_comes_later(
    client: str, printed: dict[str, Printed]
) -> None:
    text = printed[client].stdout
    assert ("Variant of the configuration in Freshworks' MCP guide:" in text) == (
        client in VARIANTS
    )
    assert "OAuth" in text and "comes later" in text


def test_copilot_studio_text_lists_the_forms_api_key_fields_and_where_it_must_run(
    printed: dict[str, Printed],
) -> None:
    text = printed["copilot-studio"].stdout
    for line in [
        "Server name:         freshservice",
        f"Server URL:          {DEFAULT_URL}",
        "Authentication:      API key",
        "Type:                Header",
        "Header name:         Authorization",
        KEY,
    ]:
        assert f"\n{line}\n" in text
    assert "runs in Microsoft's cloud" in text and "over https" in text
    assert "Warning: 127.0.0.1 is not reachable from Microsoft's cloud" in text


# -- Bad input ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("label", "message"),
    [
        ("unknown client", "argument --client: invalid choice: 'claude-web' (choose from "
                           "'claude-code', 'claude-desktop', 'cursor', 'vscode', 'copilot-studio')"),
        ("empty key", "argument --key: the API key is empty"),
        ("ftp url", "argument --url: the server URL must be an http:// or https:// URL"),
        ("url without host", "argument --url: the server URL must be an http:// or https:// URL"),
    ],
)  # fmt: skip
def test_bad_input_is_a_usage_error_saying_what_is_wrong(
    label: str, message: str, printed: dict[str, Printed]
) -> None:
    refused = printed[label]
    assert (refused.returncode, refused.stdout) == (2, "")
    assert refused.stderr.startswith("usage: freshservice-harness config")
    assert f"freshservice-harness config: error: {message}" in refused.stderr


# -- The configurations themselves (no process) ---------------------------------------------------


@pytest.mark.parametrize(
    ("url", "allow_http"),
    [
        ("http://127.0.0.1:8000/mcp", False),
        ("http://localhost:8000/mcp", False),
        ("https://mcp.example.com/mcp", False),
        ("http://10.0.0.5:8000/mcp", True),
        ("http://[::1]:8000/mcp", True),  # mcp-remote's loopback test names only the two above
    ],
)
def test_claude_desktop_passes_allow_http_when_mcp_remote_would_refuse_the_url(
    url: str, allow_http: bool
) -> None:
    entry = client_config("claude-desktop", url=url).json_document["mcpServers"]["freshservice"]
    assert ("--allow-http" in entry["args"]) == allow_http
    assert entry["args"][:3] == ["-y", "mcp-remote", url]


@pytest.mark.parametrize(
    ("url", "warned"),
    [
        ("https://mcp.example.com/mcp", []),
        ("http://mcp.example.com/mcp", ["https"]),
        ("https://192.168.1.20/mcp", ["192.168.1.20 is not reachable"]),
        ("https://localhost:8443/mcp", ["localhost is not reachable"]),
    ],
)
def test_copilot_studio_warns_about_urls_microsofts_cloud_cannot_use(
    url: str, warned: list[str]
) -> None:
    warnings = client_config("copilot-studio", url=url).warnings
    assert len(warnings) == len(warned)
    assert all(part in warning for part, warning in zip(warned, warnings, strict=True))


# -- Started by the client (stdio) ----------------------------------------------------------------

STDIO_CLIENTS = ["claude-desktop", "cursor", "vscode"]  # an entry in a JSON file


def printed_stdio(client: str, *flags: str) -> Printed:
    done = subprocess.run(
        [*CONFIG, "--client", client, "--stdio", *flags],
        capture_output=True, text=True, timeout=60, cwd="/",
    )  # fmt: skip
    return Printed(done.returncode, done.stdout, done.stderr)


@pytest.mark.parametrize("client", STDIO_CLIENTS)
def test_a_stdio_entry_names_the_server_by_an_absolute_path_and_starts_it_from_elsewhere(
    client: str, fake: Fake, tmp_path: Path
) -> None:
    document = printed_stdio(client, "--base-url", fake.url, "--json").json()
    entry = document["servers" if client == "vscode" else "mcpServers"]["freshservice"]
    assert Path(entry["command"]).is_absolute()
    assert entry["env"] == {"FRESHSERVICE_BASE_URL": fake.url, "FRESHSERVICE_API_KEY": KEY}
    # As a client starts it: from a folder of its own, with only the entry's environment added.
    parameters = StdioServerParameters(
        command=entry["command"], args=entry["args"], env=entry["env"], cwd=tmp_path
    )

    async def fetch() -> dict[str, Any]:
        async with Client(stdio_client(parameters)) as mcp:
            result = await mcp.call_tool("fetchTicket", {"ticket_id": 10234})
        assert not result.is_error, result.content
        assert isinstance(result.structured_content, dict)
        return result.structured_content

    assert anyio.run(fetch)["id"] == 10234


def test_a_stdio_claude_code_command_adds_the_server_with_its_environment() -> None:
    [_, command, _] = printed_stdio("claude-code", "--key", AWKWARD_KEY).blocks()
    words = shlex.split(command)
    assert words[:4] == ["claude", "mcp", "add", "freshservice"]
    assert words[words.index("--") + 1 :][0].startswith("/")
    assert f"FRESHSERVICE_API_KEY={AWKWARD_KEY}" in words
    assert "FRESHSERVICE_BASE_URL=http://127.0.0.1:8181" in words


def test_copilot_studio_has_no_stdio_entry_and_says_why() -> None:
    done = printed_stdio("copilot-studio")
    assert done.returncode == 2
    assert "cannot start a server on this machine" in done.stderr
    assert "Traceback" not in done.stderr
