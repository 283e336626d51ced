"""What to give each MCP client so it reaches this server with an API key
(`freshservice-harness config`).

    freshservice-harness config --client claude-code|claude-desktop|cursor|vscode|copilot-studio
        [--url URL] [--key KEY] [--name NAME] [--json]
    freshservice-harness config --client claude-code|claude-desktop|cursor|vscode --stdio
        [--base-url URL] [--key KEY] [--name NAME] [--json]

Each client gets the API-key configuration of Freshworks' MCP guide (its support article
"Model Context Protocol (MCP) integration in Freshservice (EAP)"), with the URL, key and server name
filled in. Two clients have no API-key configuration in the guide, only OAuth, which this server
does not offer yet, so they get a working variant that says it is one:
- Claude Desktop: the guide's `npx -y mcp-remote <url>`, plus `--header` carrying the key.
  mcp-remote 0.15.1 (dist/chunk-*.js) splits a `--header` value at the first colon
  (`Name:\\s*value`), replaces `${VAR}` in the value from its own environment, and takes http only
  for `localhost` and `127.0.0.1` unless given `--allow-http`. The key goes in the entry's `env`
  and the header is written without a space, because Claude Desktop on Windows and Cursor split
  `args` at spaces when they start npx (mcp-remote's README).
- Copilot Studio: the fields of its "Add a Model Context Protocol server" form with
  "API key" authentication, as text (and as a JSON object with --json).

With --stdio, the client starts our server itself: the entry names the server's executable by
its absolute path (clients start it from a folder of their own, where a relative path means
nothing) and gives the upstream and the key in its environment.

Everything here is pure: the CLI prints what these functions return.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import json
import re
import shlex
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from contracts.addresses import DEFAULT_MCP_URL

DEFAULT_URL = DEFAULT_MCP_URL  # what `freshservice-harness up` serves
DEFAULT_KEY = "demo-acme-admin-key"
DEFAULT_NAME = "freshservice"
KEY_VARIABLE = "FRESHSERVICE_AUTH"  # the Claude Desktop variant's env entry holding the key
# mcp-remote's own test for "loopback, so plain http is fine" (anything else needs --allow-http).
MCP_REMOTE_HTTP_HOSTS = frozenset({"localhost", "127.0.0.1"})
COPILOT_DESCRIPTION = (
    "Freshservice tickets, assets, people, onboarding, service catalog and knowledge base"
)
NO_OAUTH_YET = (
    "This server takes an API key only; the OAuth setup of Freshworks' MCP guide comes later."
)


class ConfigInputError(ValueError):
    """A --url, --key or --name that no client configuration can be made from. The message
    never repeats a key."""


@dataclasses.dataclass(frozen=True)
class ClientConfig:
    """One client's configuration, for people (`text`) and for programs (`json_document`)."""

    client_name: str  # as people know it
    where: str  # where the configuration goes, as Freshworks' MCP guide says
    file: str | None  # the file `json_document` belongs in (None: typed into a web form)
    config: str  # the configuration to paste or run
    json_document: dict[str, Any]  # what `--json` prints
    variant: str | None  # None: the guide's own API-key configuration; else why
    notes: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()  # what will not work with the URL given

    @property
    def is_variant(self) -> bool:
        return self.variant is not None

    @property
    def text(self) -> str:
        parts = [f"{self.client_name}: {self.where}", self.config, *self.notes]
        if self.variant is not None:
            parts.append(f"Variant of the configuration in Freshworks' MCP guide: {self.variant}")
        parts += [f"Warning: {warning}" for warning in self.warnings]
        return "\n\n".join(parts) + "\n"

    @property
    def json_text(self) -> str:
        return json.dumps(self.json_document, indent=2) + "\n"


# -- Input ----------------------------------------------------------------------------------------


def checked_url(url: str, what: str = "the server URL", example: str = DEFAULT_URL) -> str:
    problem = f"{what} must be an http:// or https:// URL with a host, like {example}"
    try:
        parts = urlsplit(url)
        _ = parts.port  # reading it checks it: a port out of range raises ValueError
    except ValueError:
        raise ConfigInputError(problem) from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigInputError(problem)
    return url


def checked_key(key: str) -> str:
    if not key.strip():
        raise ConfigInputError("the API key is empty: give an agent's or admin's API key")
    if any(ord(char) < 32 or ord(char) == 127 for char in key):
        # It becomes an HTTP header value, where a line break would end the header.
        raise ConfigInputError("the API key contains a line break or another control character")
    return key


def checked_name(name: str) -> str:
    if not name.strip():
        raise ConfigInputError("the server name is empty")
    return name


# -- The clients ----------------------------------------------------------------------------------


def _http_entry(url: str, key: str) -> dict[str, Any]:
    """The guide's API-key entry for clients that speak Streamable HTTP themselves."""
    return {"type": "http", "url": url, "headers": {"Authorization": key}}


def _shell_word(word: str) -> str:
    """`word` for a POSIX shell: bare when safe, in double quotes as the guide writes its
    `--header "Authorization: <api-key>"` when nothing in it is special there, else shlex's."""
    quoted = shlex.quote(word)
    if quoted != word and re.fullmatch(r'[^"$`\\!]*', word):
        return f'"{word}"'
    return quoted


def _pretty(value: Any) -> str:
    return json.dumps(value, indent=2)


def claude_code(url: str, key: str, name: str) -> ClientConfig:
    entry = _http_entry(url, key)
    command = shlex.join(["claude", "mcp", "add", name, "--transport", "http", url])
    command += " --header " + _shell_word(f"Authorization: {key}")
    add_json = shlex.join(["claude", "mcp", "add-json", name, json.dumps(entry)])
    return ClientConfig(
        client_name="Claude Code",
        where="run this in a terminal (Freshworks' MCP guide: Method 2, API key); it adds the "
        "server to ~/.claude.json for the current project (add --scope project to write the "
        "project's .mcp.json instead)",
        file=".mcp.json",
        config=command,
        json_document={"mcpServers": {name: entry}},
        variant=None,
        notes=(
            f"Check it with: {shlex.join(['claude', 'mcp', 'get', name])}",
            "The same server as the entry a project's .mcp.json holds (--json prints the "
            f"whole file), or added from that entry:\n{add_json}",
            NO_OAUTH_YET,
        ),
    )


def mcp_remote_args(url: str) -> list[str]:
    """`npx` arguments running mcp-remote with the key's header (the key comes from env)."""
    args = ["-y", "mcp-remote", url, "--header", f"Authorization:${{{KEY_VARIABLE}}}"]
    parts = urlsplit(url)
    if parts.scheme == "http" and parts.hostname not in MCP_REMOTE_HTTP_HOSTS:
        args.append("--allow-http")  # mcp-remote refuses plain http elsewhere without it
    return args


def claude_desktop(url: str, key: str, name: str) -> ClientConfig:
    entry = {"command": "npx", "args": mcp_remote_args(url), "env": {KEY_VARIABLE: key}}
    document = {"mcpServers": {name: entry}}
    return ClientConfig(
        client_name="Claude Desktop",
        where="Claude > Settings > Developer > Edit Config opens claude_desktop_config.json; "
        "add this entry under mcpServers, save, quit Claude Desktop and start it again",
        file="claude_desktop_config.json",
        config=_pretty(document),
        json_document=document,
        variant="the Claude Desktop configuration of Freshworks' MCP guide (npx -y mcp-remote "
        "<url>) signs in "
        "with OAuth, which this server does not offer yet (OAuth comes later); this one sends "
        "the API key in mcp-remote's --header, which takes it from "
        f"${{{KEY_VARIABLE}}} in the entry's env (no space after the colon: some clients "
        "split arguments at spaces).",
        notes=("It needs Node.js (npx) on the machine running Claude Desktop.",),
    )


def cursor(url: str, key: str, name: str) -> ClientConfig:
    document = {"mcpServers": {name: _http_entry(url, key)}}
    return ClientConfig(
        client_name="Cursor",
        where=".cursor/mcp.json in the project's root folder, or ~/.cursor/mcp.json for every "
        "project (Freshworks' MCP guide: sample configuration using an API key); then View > "
        "Command Palette > View: Open MCP Settings shows the server and its tools",
        file=".cursor/mcp.json",
        config=_pretty(document),
        json_document=document,
        variant=None,
        notes=(NO_OAUTH_YET,),
    )


def vscode(url: str, key: str, name: str) -> ClientConfig:
    document = {"servers": {name: _http_entry(url, key)}}
    return ClientConfig(
        client_name="VS Code",
        where="Command Palette > MCP: Open User Configuration opens mcp.json; add this entry "
        "to its servers object (Freshworks' MCP guide: Method 2, API key), save, and select "
        "Start above it",
        file="mcp.json",
        config=_pretty(document),
        json_document=document,
        variant=None,
        notes=(NO_OAUTH_YET,),
    )


def _unreachable_from_the_cloud(url: str) -> list[str]:
    """Why Microsoft's cloud could not use `url` (empty if it looks public and https)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    problems = []
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        local = host == "localhost" or host.endswith((".localhost", ".local", ".internal"))
    else:
        local = not address.is_global
    if local:
        problems.append(
            f"{host} is not reachable from Microsoft's cloud: serve the MCP endpoint on a public "
            "https address (a tunnel or reverse proxy in front of it) and give that with --url."
        )
    if parts.scheme != "https":
        problems.append("Copilot Studio needs an https:// server URL.")
    return problems


def copilot_studio(url: str, key: str, name: str) -> ClientConfig:
    fields = {
        "server_name": name,
        "server_description": COPILOT_DESCRIPTION,
        "server_url": url,
        "authentication": "API key",
        "type": "Header",
        "header_name": "Authorization",
        "api_key": key,
    }
    config = "\n".join(
        [
            f"Server name:         {name}",
            f"Server description:  {COPILOT_DESCRIPTION}",
            f"Server URL:          {url}",
            "Authentication:      API key",
            "Type:                Header",
            "Header name:         Authorization",
            "",
            "Click Create; then, under Connection, Create new connection and enter the API key:",
            key,
        ]
    )
    return ClientConfig(
        client_name="Copilot Studio",
        where="Agents > your agent > Tools > + Add a tool > + New tool > Model Context "
        "Protocol; fill in the form with these fields",
        file=None,
        config=config,
        json_document=fields,
        variant="the Copilot Studio setup of Freshworks' MCP guide signs in with OAuth 2.0 "
        "(dynamic discovery), "
        "which this server does not offer yet (OAuth comes later); these are the form's "
        "API-key fields instead.",
        notes=(
            "Copilot Studio runs in Microsoft's cloud, so the server URL must be reachable "
            "from the internet over https.",
        ),
        warnings=tuple(_unreachable_from_the_cloud(url)),
    )


# -- Started by the client (stdio) ---------------------------------------------------------------

DEFAULT_BASE_URL = "http://127.0.0.1:8181"  # the fake `up` serves (and `mock-freshservice serve`)
STDIO_PLACES = {  # where each client keeps servers it starts itself, and the entry's shape
    "claude-desktop": ("Claude Desktop", "claude_desktop_config.json", "mcpServers", False),
    "cursor": ("Cursor", ".cursor/mcp.json", "mcpServers", False),
    "vscode": ("VS Code", "mcp.json", "servers", True),
}


def stdio_config(
    client: str,
    command: list[str],
    base_url: str = DEFAULT_BASE_URL,
    key: str = DEFAULT_KEY,
    name: str = DEFAULT_NAME,
) -> ClientConfig:
    """`client`'s entry for starting our server itself over stdio with `command` (absolute: a
    client starts it from a folder of its own), talking to the Freshservice API (or the fake) at
    `base_url` with `key`. ConfigInputError for a client that cannot start local servers."""
    if client == "copilot-studio":
        raise ConfigInputError(
            "Copilot Studio runs in Microsoft's cloud and cannot start a server on this machine: "
            "leave out --stdio and give it a public https URL"
        )
    checked_url(base_url, what="the Freshservice base URL", example=DEFAULT_BASE_URL)
    key, name = checked_key(key), checked_name(name)
    env = {"FRESHSERVICE_BASE_URL": base_url, "FRESHSERVICE_API_KEY": key}
    entry: dict[str, Any] = {"command": command[0], "args": command[1:], "env": env}
    key_note = (
        "The key is in the file as written; keep the file out of version control, or give "
        "the server FRESHSERVICE_API_KEY another way."
    )
    if client == "claude-code":
        words = ["claude", "mcp", "add", name]
        for variable, value in env.items():
            words += ["--env", f"{variable}={value}"]
        added = shlex.join([*words, "--", *command])
        return ClientConfig(
            client_name="Claude Code",
            where="run this in a terminal; Claude Code then starts the server itself over stdio "
            "(add --scope project to write the project's .mcp.json instead)",
            file=".mcp.json",
            config=added,
            json_document={"mcpServers": {name: {"type": "stdio", **entry}}},
            variant=None,
            notes=(f"Check it with: {shlex.join(['claude', 'mcp', 'get', name])}",),
        )
    client_name, file, servers, typed = STDIO_PLACES[client]
    document = {servers: {name: {"type": "stdio", **entry} if typed else entry}}
    return ClientConfig(
        client_name=client_name,
        where=f"add this entry to {file} (see `config --client {client}` without --stdio for "
        "where that file is); the client starts the server itself over stdio",
        file=file,
        config=_pretty(document),
        json_document=document,
        variant=None,
        notes=(key_note,),
    )


CLIENTS: dict[str, Callable[[str, str, str], ClientConfig]] = {
    "claude-code": claude_code,
    "claude-desktop": claude_desktop,
    "cursor": cursor,
    "vscode": vscode,
    "copilot-studio": copilot_studio,
}


def client_config(
    client: str, url: str = DEFAULT_URL, key: str = DEFAULT_KEY, name: str = DEFAULT_NAME
) -> ClientConfig:
    """`client`'s configuration for the server at `url` with `key`, listed as `name`.
    Raises ConfigInputError for an input no configuration can be made from; KeyError for a
    client not in CLIENTS."""
    make = CLIENTS[client]
    return make(checked_url(url), checked_key(key), checked_name(name))
