"""`freshservice-harness config`: each client's configuration as the command prints it, read the
way the client reads it, and for the clients that speak Streamable HTTP themselves (Claude Code,
Cursor, VS Code) used exactly as printed to reach a real server and fake through the mcp SDK:
with an API key, and (Cursor, VS Code) signing in with OAuth at the fake's authorization server.
The Claude Desktop API-key variant runs through mcp-remote in
tests/clients/test_client_configs.py.

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
from urllib.parse import parse_qs, urlsplit

import anyio
import httpx
import httpx2
import pytest
from mcp import Client, StdioServerParameters
from mcp.client.auth import OAuthClientProvider
from mcp.client.stdio import stdio_client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.auth import (
    AuthorizationCodeResult,
    OAuthClientInformationFull,
    OAuthClientMetadata,
    OAuthToken,
)
from pydantic import AnyUrl

from contracts import client_config as configs
from contracts.cli import main
from contracts.client_config import ConfigInputError, client_config
from contracts.oauth_browser import approve
from contracts.seed import SEED_TOOLS
from mock_freshservice.journal import fingerprint
from tests.oauth import CALLBACK, issuer_of
from tests.processes import Fake, Server, running_fake, running_server

CONFIG = [sys.executable, "-m", "contracts", "config"]
CLIENTS = ["claude-code", "claude-desktop", "cursor", "vscode", "copilot-studio"]
HTTP_CLIENTS = ["claude-code", "cursor", "vscode"]  # they speak Streamable HTTP with a key
OAUTH_HTTP_CLIENTS = ["cursor", "vscode"]  # their OAuth entry is the URL alone
VARIANTS = {"claude-desktop", "copilot-studio"}  # Freshworks' MCP guide shows these with OAuth only
# OAuth configurations that also say what a connection from a cloud needs (Claude's custom
# connector, Copilot Studio), so they warn about a loopback http URL.
CLOUD_WARNED = {"claude-desktop", "copilot-studio"}
DEFAULT_URL = "http://127.0.0.1:8000/mcp"
VAR = "FRESHSERVICE_AUTH"  # where the Claude Desktop variant keeps the key
KEY = "demo-acme-admin-key"
OTHER_KEY = "demo-globex-admin-key"
# A key and a name a shell would mangle unquoted: quotes, a variable, history expansion, a space.
AWKWARD_KEY = """it's "a" $HOME!key"""
AWKWARD_NAME = "fs prod"
# The two Claude Code methods of Freshworks' MCP guide, filled in (Method 2 is the README's line).
GUIDE_METHOD_1 = (
    "claude mcp add freshservice --transport stdio -- npx -y mcp-remote http://127.0.0.1:8000/mcp"
)
GUIDE_METHOD_2 = 'claude mcp add freshservice --transport http http://127.0.0.1:8000/mcp --header "Authorization: demo-acme-admin-key"'
DESCRIPTION = "Freshservice tickets, assets, people, onboarding, service catalog and knowledge base"


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
    """What `freshservice-harness ARGS` prints and exits with, from `main` in-process."""
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        try:
            returncode = main(list(args))
        except SystemExit as stopped:  # argparse's usage errors and --help
            returncode = stopped.code if isinstance(stopped.code, int) else 1
    return Printed(returncode, stdout.getvalue(), stderr.getvalue())


def seed_entry(url: str, key: str) -> dict[str, Any]:
    return {"type": "http", "url": url, "headers": {"Authorization": key}}


def expected_json(client: str, url: str, key: str) -> dict[str, Any]:
    """Each client's file (or form) with an API key, as Freshworks' MCP guide shapes it."""
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
            "server_description": DESCRIPTION,
            "server_url": url,
            "authentication": "API key",
            "type": "Header",
            "header_name": "Authorization",
            "api_key": key,
        },
    }
    return files[client]


def expected_oauth_json(client: str, url: str) -> dict[str, Any]:
    """Each client's file (or form) with OAuth, as Freshworks' MCP guide shapes it."""
    mcp_remote = {"command": "npx", "args": ["-y", "mcp-remote", url]}
    files: dict[str, dict[str, Any]] = {
        "claude-code": {"mcpServers": {"freshservice": {"type": "stdio", **mcp_remote}}},
        "claude-desktop": {"mcpServers": {"freshservice": mcp_remote}},
        "cursor": {"mcpServers": {"freshservice": {"type": "http", "url": url}}},
        "vscode": {"servers": {"freshservice": {"type": "http", "url": url}}},
        "copilot-studio": {
            "server_name": "freshservice",
            "server_description": DESCRIPTION,
            "server_url": url,
            "authentication": "OAuth 2.0",
            "type": "Dynamic discovery",
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
def oauth_server(fake: Fake) -> Iterator[Server]:
    """The server taking tokens of the fake's authorization server only, as `up --oauth`
    starts it."""
    with running_server(
        fake.url,
        mcp_auth="oauth",
        mcp_oauth_issuer=issuer_of(fake.url),
        mcp_calls_per_minute="0",
        mcp_calls_per_month="0",
    ) as server:
        yield server


@pytest.fixture(scope="module")
def as_json(http_server: Server, oauth_server: Server) -> dict[str, Printed]:
    """`config --client X --json` per client: "oauth X" by default for the OAuth server,
    "api-key X" with `--auth api-key` for the API-key server."""
    return run_all(
        {
            **{f"oauth {c}": ["--client", c, "--json", "--url", oauth_server.mcp_url] for c in CLIENTS},
            **{
                f"api-key {c}": [
                    "--client", c, "--json", "--auth", "api-key", "--url", http_server.mcp_url,
                    "--key", KEY,
                ]
                for c in CLIENTS
            },
        }
    )  # fmt: skip


@pytest.fixture(scope="module")
def printed() -> dict[str, Printed]:
    """The text output per client: by default ("X"), with `--auth oauth` ("oauth X") and with
    `--auth api-key` ("api-key X"); and a few other command lines."""
    commands = {
        **{client: ["--client", client] for client in CLIENTS},
        **{f"oauth {client}": ["--client", client, "--auth", "oauth"] for client in CLIENTS},
        **{f"api-key {client}": ["--client", client, "--auth", "api-key"] for client in CLIENTS},
        "key alone": ["--client", "cursor", "--key", OTHER_KEY],
        "key and api-key": ["--client", "cursor", "--auth", "api-key", "--key", OTHER_KEY],
        "awkward": ["--client", "claude-code", "--key", AWKWARD_KEY, "--name", AWKWARD_NAME],
        "unknown client": ["--client", "claude-web"],
        "unknown auth": ["--client", "cursor", "--auth", "basic"],
        "empty key": ["--client", "cursor", "--key", ""],
        "ftp url": ["--client", "cursor", "--url", "ftp://127.0.0.1/mcp"],
        "url without host": ["--client", "vscode", "--url", "http:///mcp"],
        "stdio with oauth": ["--client", "cursor", "--stdio", "--auth", "oauth"],
        "key with oauth": ["--client", "cursor", "--auth", "oauth", "--key", OTHER_KEY],
    }
    return {label: printed_by_main("config", *args) for label, args in commands.items()}


# -- --json: OAuth (the default) --------------------------------------------------------------------


@pytest.mark.parametrize("client", CLIENTS)
def test_json_output_by_default_is_the_guides_oauth_configuration(
    client: str, as_json: dict[str, Printed], oauth_server: Server
) -> None:
    document = as_json[f"oauth {client}"].json()
    assert document == expected_oauth_json(client, oauth_server.mcp_url)


def words(value: Any) -> Iterator[str]:
    """Every key and string in a JSON document."""
    if isinstance(value, dict):
        for key, inner in value.items():
            yield key
            yield from words(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from words(inner)
    elif isinstance(value, str):
        yield value


@pytest.mark.parametrize("client", CLIENTS)
def test_oauth_json_carries_no_key_or_header(client: str, as_json: dict[str, Printed]) -> None:
    printed = as_json[f"oauth {client}"]
    assert KEY not in printed.stdout + printed.stderr
    found = set(words(printed.json()))
    assert found & {"headers", "env", "--header", "header_name", "api_key"} == set()
    assert [word for word in found if "Authorization" in word] == []


@pytest.mark.parametrize("client", CLIENTS)
def test_oauth_json_mode_puts_only_warnings_on_stderr(
    client: str, as_json: dict[str, Printed]
) -> None:
    lines = as_json[f"oauth {client}"].stderr.splitlines()
    assert [line for line in lines if not line.startswith("warning: ")] == []
    assert bool(lines) == (client in CLOUD_WARNED)


def test_oauth_claude_desktop_json_warns_that_a_custom_connector_cannot_use_a_loopback_url(
    as_json: dict[str, Printed],
) -> None:
    stderr = as_json["oauth claude-desktop"].stderr
    assert (
        "warning: For the custom connector: 127.0.0.1 is not reachable from Anthropic's cloud"
        in stderr
    )
    assert "warning: For the custom connector: Claude needs an https:// server URL" in stderr


@pytest.mark.parametrize("client", OAUTH_HTTP_CLIENTS)
def test_oauth_http_client_config_signs_in_and_reaches_the_server_exactly_as_printed(
    client: str, as_json: dict[str, Printed], oauth_server: Server, fake: Fake
) -> None:
    """The entry's URL alone, with the mcp SDK's OAuth client: it finds the authorization server
    from the server's 401, registers, signs in at the fake's page (as its first agent) and
    calls with the token."""
    document = as_json[f"oauth {client}"].json()
    entry = document["servers" if client == "vscode" else "mcpServers"]["freshservice"]
    assert entry == {"type": "http", "url": oauth_server.mcp_url}
    fake.clear_journal()
    tools, ticket, signed_in = anyio.run(signed_in_list_and_fetch, entry["url"])
    assert sorted(tools) == sorted(SEED_TOOLS) and len(tools) == 34
    assert ticket["id"] == 10234
    assert signed_in == 1  # one browser sign-in, at the fake's authorization server
    journal = fake.journal()
    assert "/api/v2/tickets/10234" in [entry["path"] for entry in journal]
    assert fingerprint(KEY) not in {entry["key"] for entry in journal}


class Remembered:
    """Token storage in memory (the mcp SDK's TokenStorage)."""

    def __init__(self) -> None:
        self.tokens: OAuthToken | None = None
        self.client: OAuthClientInformationFull | None = None

    async def get_tokens(self) -> OAuthToken | None:
        return self.tokens

    async def set_tokens(self, tokens: OAuthToken) -> None:
        self.tokens = tokens

    async def get_client_info(self) -> OAuthClientInformationFull | None:
        return self.client

    async def set_client_info(self, client_info: OAuthClientInformationFull) -> None:
        self.client = client_info


async def signed_in_list_and_fetch(url: str) -> tuple[list[str], dict[str, Any], int]:
    redirects: list[str] = []  # where each sign-in sent the browser back to, not yet called

    async def open_browser(authorization_url: str) -> None:
        redirects.append(await anyio.to_thread.run_sync(approve, authorization_url))

    async def callback() -> AuthorizationCodeResult:
        query = {
            name: values[0] for name, values in parse_qs(urlsplit(redirects[-1]).query).items()
        }
        assert "code" in query, query.get("error_description", query)
        return AuthorizationCodeResult(
            code=query["code"], state=query.get("state"), iss=query.get("iss")
        )

    auth = OAuthClientProvider(
        url,
        OAuthClientMetadata(
            redirect_uris=[AnyUrl(CALLBACK)],
            client_name="freshservice-harness config tests",
            token_endpoint_auth_method="none",
            grant_types=["authorization_code", "refresh_token"],
            response_types=["code"],
        ),
        Remembered(),
        open_browser,
        callback,
    )
    async with (
        httpx2.AsyncClient(auth=auth, timeout=30) as http,
        Client(streamable_http_client(url, http_client=http)) as mcp,
    ):
        tools = [tool.name for tool in (await mcp.list_tools()).tools]
        result = await mcp.call_tool("fetchTicket", {"ticket_id": 10234})
    assert not result.is_error, result.content
    assert isinstance(result.structured_content, dict)
    return tools, result.structured_content, len(redirects)


def test_the_sign_in_note_names_the_servers_own_resource_metadata(oauth_server: Server) -> None:
    note = configs.sign_in_note(oauth_server.mcp_url)
    named = next(word for word in note.split() if "/.well-known/" in word).strip("();,")
    document = httpx.get(named, timeout=10).raise_for_status().json()
    assert document["resource"] == oauth_server.mcp_url
    assert document["authorization_servers"]


# -- --json: API key (--auth api-key) -------------------------------------------------------------


@pytest.mark.parametrize("client", CLIENTS)
def test_api_key_json_output_is_the_clients_own_file_format(
    client: str, as_json: dict[str, Printed], http_server: Server
) -> None:
    document = as_json[f"api-key {client}"].json()
    assert document == expected_json(client, http_server.mcp_url, KEY)


@pytest.mark.parametrize("client", CLIENTS)
def test_api_key_json_mode_notes_a_variant_on_stderr_and_nothing_else_for_the_guides_configs(
    client: str, as_json: dict[str, Printed]
) -> None:
    stderr = as_json[f"api-key {client}"].stderr
    if client in VARIANTS:
        assert "note: a variant of the configuration in Freshworks' MCP guide" in stderr
        assert "without --auth api-key" in stderr
        assert "comes later" not in stderr
    else:
        assert stderr == ""


def test_copilot_studio_json_warns_on_stderr_that_a_loopback_http_url_is_unreachable(
    as_json: dict[str, Printed],
) -> None:
    for auth in ("oauth", "api-key"):
        stderr = as_json[f"{auth} copilot-studio"].stderr
        assert "warning: 127.0.0.1 is not reachable from Microsoft's cloud" in stderr
        assert "warning: Copilot Studio needs an https:// server URL" in stderr


@pytest.mark.parametrize("client", HTTP_CLIENTS)
def test_api_key_http_client_config_reaches_the_server_exactly_as_printed(
    client: str, as_json: dict[str, Printed], fake: Fake
) -> None:
    document = as_json[f"api-key {client}"].json()
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


# -- Text: which configuration -------------------------------------------------------------------


@pytest.mark.parametrize("client", CLIENTS)
def test_text_by_default_is_the_oauth_configuration(
    client: str, printed: dict[str, Printed]
) -> None:
    assert printed[client].stdout == printed[f"oauth {client}"].stdout
    assert printed[client].stdout != printed[f"api-key {client}"].stdout


@pytest.mark.parametrize("client", CLIENTS)
def test_oauth_text_carries_no_key_or_header(client: str, printed: dict[str, Printed]) -> None:
    text = printed[client].stdout
    assert KEY not in text
    assert "Authorization:" not in text and "--header" not in text and "API key" not in text


@pytest.mark.parametrize("client", CLIENTS)
def test_api_key_text_carries_the_default_key(client: str, printed: dict[str, Printed]) -> None:
    assert KEY in printed[f"api-key {client}"].stdout


def test_a_key_alone_means_api_key(printed: dict[str, Printed]) -> None:
    assert printed["key alone"] == printed["key and api-key"]
    assert json.loads(printed["key alone"].blocks()[1]) == expected_json(
        "cursor", DEFAULT_URL, OTHER_KEY
    )


@pytest.mark.parametrize("client", CLIENTS)
def test_oauth_text_is_the_guides_own_configuration_not_a_variant(
    client: str, printed: dict[str, Printed]
) -> None:
    assert "Variant" not in printed[client].stdout


@pytest.mark.parametrize("client", CLIENTS)
def test_oauth_text_says_how_the_sign_in_happens(client: str, printed: dict[str, Printed]) -> None:
    text = " ".join(printed[client].stdout.split())
    assert "Signing in: when it first connects, the client sends you in a browser to the " \
        "authorization server that the MCP server names (in " \
        "http://127.0.0.1:8000/.well-known/oauth-protected-resource/mcp)" in text  # fmt: skip
    assert "`freshservice-harness up --oauth` that is the fake's sign-in page, which lists " \
        "the account's demo agents" in text  # fmt: skip


@pytest.mark.parametrize("client", CLIENTS)
def test_api_key_text_says_whether_it_is_a_variant_and_that_the_guide_prefers_oauth(
    client: str, printed: dict[str, Printed]
) -> None:
    text = printed[f"api-key {client}"].stdout
    assert ("Variant of the configuration in Freshworks' MCP guide:" in text) == (
        client in VARIANTS
    )
    assert f"`freshservice-harness config --client {client}` prints" in text
    assert "comes later" not in text


# -- Text: each client --------------------------------------------------------------------------


@pytest.mark.parametrize("auth", ["oauth", "api-key"])
@pytest.mark.parametrize(
    ("client", "first_line"),
    [
        ("claude-code", ["Claude Code: run this in a terminal", "~/.claude.json"]),
        ("claude-desktop", ["Claude Desktop: Claude > Settings > Developer > Edit Config",
                            "claude_desktop_config.json"]),
        ("cursor", ["Cursor: .cursor/mcp.json", "~/.cursor/mcp.json"]),
        ("vscode", ["VS Code: Command Palette > MCP: ", "mcp.json"]),
        ("copilot-studio", ["Copilot Studio: Agents >", "Model Context Protocol"]),
    ],
)  # fmt: skip
def test_text_starts_by_naming_the_client_and_where_its_configuration_goes(
    client: str, first_line: list[str], auth: str, printed: dict[str, Printed]
) -> None:
    line = printed[f"{auth} {client}"].stdout.splitlines()[0]
    assert [part for part in first_line if part not in line] == []
    assert line.startswith(first_line[0])


@pytest.mark.parametrize(
    ("client", "method"),
    [
        ("claude-code", "Method 1, OAuth"),
        ("claude-desktop", "Freshworks' MCP guide: Claude Desktop"),
        ("cursor", "sample configuration using OAuth"),
        ("vscode", "MCP: Add Server... > HTTP"),
        ("copilot-studio", "OAuth 2.0 > Dynamic discovery"),
    ],
)
def test_oauth_text_names_the_guides_oauth_setup_it_follows(
    client: str, method: str, printed: dict[str, Printed]
) -> None:
    assert method in printed[client].blocks()[0]


def test_claude_code_text_is_the_guides_method_1_command(printed: dict[str, Printed]) -> None:
    command = printed["claude-code"].blocks()[1]
    assert command == GUIDE_METHOD_1
    assert shlex.split(command) == [
        "claude", "mcp", "add", "freshservice", "--transport", "stdio", "--",
        "npx", "-y", "mcp-remote", DEFAULT_URL,
    ]  # fmt: skip


def test_claude_code_oauth_text_gives_the_guides_check_that_signs_in(
    printed: dict[str, Printed],
) -> None:
    [check] = [line for line in printed["claude-code"].stdout.splitlines() if "first check" in line]
    assert check.endswith(f"(the guide's first check): npx -y mcp-remote {DEFAULT_URL}")


def test_claude_code_api_key_text_is_the_guides_method_2_command(
    printed: dict[str, Printed],
) -> None:
    command = printed["api-key claude-code"].blocks()[1]
    assert command == GUIDE_METHOD_2
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


def test_claude_code_oauth_add_json_line_adds_the_same_entry(printed: dict[str, Printed]) -> None:
    add_json = next(
        line for line in printed["claude-code"].stdout.splitlines() if "add-json" in line
    )
    *words, entry = shlex.split(add_json)
    assert words == ["claude", "mcp", "add-json", "freshservice"]
    assert {"mcpServers": {"freshservice": json.loads(entry)}} == expected_oauth_json(
        "claude-code", DEFAULT_URL
    )


@pytest.mark.parametrize("client", ["claude-desktop", "cursor", "vscode"])
def test_text_of_a_file_based_client_holds_its_json_with_the_defaults(
    client: str, printed: dict[str, Printed]
) -> None:
    assert json.loads(printed[client].blocks()[1]) == expected_oauth_json(client, DEFAULT_URL)
    assert json.loads(printed[f"api-key {client}"].blocks()[1]) == expected_json(
        client, DEFAULT_URL, KEY
    )


def test_claude_desktop_oauth_text_also_gives_the_guides_custom_connector(
    printed: dict[str, Printed],
) -> None:
    text = " ".join(printed["claude-desktop"].stdout.split())
    assert "custom connector (Freshworks' MCP guide: Claude Connector)" in text
    assert (
        "Settings > Connectors > Add custom connector; enter the name freshservice and the URL "
        f"{DEFAULT_URL}; click Add, then Connect, and sign in"
    ) in text
    assert (
        "Warning: For the custom connector: 127.0.0.1 is not reachable from Anthropic's cloud"
        in text
    )


def test_copilot_studio_text_lists_the_forms_oauth_fields_and_where_it_must_run(
    printed: dict[str, Printed],
) -> None:
    text = printed["copilot-studio"].stdout
    for line in [
        "Server name:         freshservice",
        f"Server URL:          {DEFAULT_URL}",
        "Authentication:      OAuth 2.0",
        "Type:                Dynamic discovery",
    ]:
        assert f"\n{line}\n" in text
    assert "Header name" not in text
    assert "runs in Microsoft's cloud" in text and "over https" in text
    assert "Warning: 127.0.0.1 is not reachable from Microsoft's cloud" in text


def test_copilot_studio_text_lists_the_forms_api_key_fields_and_where_it_must_run(
    printed: dict[str, Printed],
) -> None:
    text = printed["api-key copilot-studio"].stdout
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


# -- Help and bad input ---------------------------------------------------------------------------


def test_help_says_oauth_is_the_default_and_how_to_get_the_api_key_configuration(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COLUMNS", "1000")  # no line breaks inside words like api-key
    shown = printed_by_main("config", "--help")
    assert shown.returncode == 0
    text = " ".join(shown.stdout.split())
    assert "[--auth {oauth,api-key}]" in text
    assert "By default the client signs in with OAuth" in text
    assert "--auth api-key, or --key, prints the API-key configuration instead" in text
    assert "--stdio is API key only" in text
    assert "api-key: it sends --key (the default with --key or --stdio)" in text
    assert "giving it means --auth api-key" in text


def test_harness_help_lists_config_as_oauth_or_api_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "1000")
    text = " ".join(printed_by_main("--help").stdout.split())
    assert "print a client's configuration for this server (OAuth, or an API key)" in text


@pytest.mark.parametrize(
    ("label", "message"),
    [
        ("unknown client", "argument --client: invalid choice: 'claude-web' (choose from "
                           "'claude-code', 'claude-desktop', 'cursor', 'vscode', 'copilot-studio')"),
        ("unknown auth", "argument --auth: invalid choice: 'basic' (choose from 'oauth', "
                         "'api-key')"),
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


def test_stdio_with_auth_oauth_is_a_usage_error_saying_oauth_has_no_meaning_there(
    printed: dict[str, Printed],
) -> None:
    refused = printed["stdio with oauth"]
    assert (refused.returncode, refused.stdout) == (2, "")
    assert refused.stderr.startswith(
        "freshservice-harness config: error: --stdio is API key only: OAuth has no meaning on stdio"
    )


def test_a_key_with_auth_oauth_is_a_usage_error_that_does_not_repeat_the_key(
    printed: dict[str, Printed],
) -> None:
    refused = printed["key with oauth"]
    assert (refused.returncode, refused.stdout) == (2, "")
    assert "error: an OAuth configuration carries no key" in refused.stderr
    assert OTHER_KEY not in refused.stderr


# -- The configurations themselves (no process) ---------------------------------------------------


def test_claude_code_keeps_its_api_key_signature_and_output_for_up() -> None:
    made = configs.claude_code(DEFAULT_URL, KEY, "freshservice")
    assert (made.config, made.auth) == (GUIDE_METHOD_2, "api-key")


def test_client_config_defaults_to_oauth() -> None:
    assert client_config("cursor") == configs.cursor_oauth(DEFAULT_URL, "freshservice")
    assert client_config("cursor").auth == "oauth"


def test_client_config_refuses_a_key_with_oauth() -> None:
    with pytest.raises(ConfigInputError, match="carries no key"):
        client_config("cursor", key=KEY)


@pytest.mark.parametrize("auth", ["oauth", "api-key"])
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
def test_mcp_remote_gets_allow_http_when_it_would_refuse_the_url(
    url: str, allow_http: bool, auth: configs.Auth
) -> None:
    for client in ("claude-desktop", "claude-code") if auth == "oauth" else ("claude-desktop",):
        made = client_config(client, url=url, auth=auth)
        entry = made.json_document["mcpServers"]["freshservice"]
        assert ("--allow-http" in entry["args"]) == allow_http
        assert entry["args"][:3] == ["-y", "mcp-remote", url]
        if client == "claude-code":
            assert shlex.split(made.config)[-len(entry["args"]) :] == entry["args"]


@pytest.mark.parametrize("auth", ["oauth", "api-key"])
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
    url: str, warned: list[str], auth: configs.Auth
) -> None:
    warnings = client_config("copilot-studio", url=url, auth=auth).warnings
    assert len(warnings) == len(warned)
    assert all(part in warning for part, warning in zip(warned, warnings, strict=True))


@pytest.mark.parametrize(
    ("url", "warned"),
    [
        ("https://mcp.example.com/mcp", []),
        ("http://mcp.example.com/mcp", ["https"]),
        ("https://10.1.2.3/mcp", ["10.1.2.3 is not reachable from Anthropic's cloud"]),
    ],
)
def test_claude_desktop_oauth_warns_about_urls_a_custom_connector_cannot_use(
    url: str, warned: list[str]
) -> None:
    warnings = client_config("claude-desktop", url=url).warnings
    assert len(warnings) == len(warned)
    assert all(w.startswith("For the custom connector: ") for w in warnings)
    assert all(part in warning for part, warning in zip(warned, warnings, strict=True))


@pytest.mark.parametrize(
    ("url", "metadata"),
    [
        ("http://127.0.0.1:8000/mcp", "http://127.0.0.1:8000/.well-known/oauth-protected-resource/mcp"),
        ("https://fs.example.com/", "https://fs.example.com/.well-known/oauth-protected-resource"),
        ("https://fs.example.com/a/mcp?x=1", "https://fs.example.com/.well-known/oauth-protected-resource/a/mcp"),
    ],
)  # fmt: skip
def test_the_resource_metadata_url_puts_the_well_known_path_before_the_endpoints(
    url: str, metadata: str
) -> None:
    assert configs.protected_resource_metadata_url(url) == metadata


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


def test_stdio_with_auth_api_key_is_the_same_entry_as_without() -> None:
    assert printed_by_main("config", "--client", "cursor", "--stdio", "--auth", "api-key") == (
        printed_by_main("config", "--client", "cursor", "--stdio")
    )


def test_copilot_studio_has_no_stdio_entry_and_says_why() -> None:
    done = printed_stdio("copilot-studio")
    assert done.returncode == 2
    assert "cannot start a server on this machine" in done.stderr
    assert "Traceback" not in done.stderr
