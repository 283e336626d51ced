"""What to give each MCP client so it reaches this server (`freshservice-harness config`).

    freshservice-harness config --client claude-code|claude-desktop|cursor|vscode|copilot-studio
        [--auth oauth|api-key] [--url URL] [--key KEY] [--name NAME] [--json]
    freshservice-harness config --client claude-code|claude-desktop|cursor|vscode --stdio
        [--base-url URL] [--key KEY] [--name NAME] [--json]

Each client gets its configuration from Freshworks' MCP guide (its support article
"Model Context Protocol (MCP) integration in Freshservice (EAP)"), with the URL and the server
name (and for an API key, the key) filled in.

OAuth is the default, as the guide recommends it. An OAuth configuration carries no key: the
client signs in, in a browser, at the authorization server the MCP server names in its
protected-resource metadata (RFC 9728; for `freshservice-harness up --oauth`, the fake's sign-in
page), so the server must take tokens (FRESHSERVICE_MCP_AUTH=oauth or both). Every client gets
the guide's own OAuth configuration:
- Claude Code: Method 1, `claude mcp add <name> --transport stdio -- npx -y mcp-remote <url>`;
- Claude Desktop: `npx -y mcp-remote <url>` in claude_desktop_config.json, and in a note the
  guide's other way, a custom connector (Settings > Connectors), which connects from Anthropic's
  cloud and so needs a public https URL (a loopback or plain-http one is warned about);
- Cursor: the guide's "Sample configuration using OAuth", an http entry without headers;
- VS Code: Method 1 (MCP: Add Server... > HTTP), which writes an http entry without headers;
- Copilot Studio: its "Add a Model Context Protocol server" form with Authentication
  "OAuth 2.0 > Dynamic discovery", as text (and as a JSON object with --json).
mcp-remote takes plain http only for `localhost` and `127.0.0.1` unless given `--allow-http`,
which is added for any other http URL.

With an API key (`--auth api-key`, implied by `--key`), each client gets the guide's API-key
configuration. Two clients have none in the guide, only OAuth, so they get a working variant
that says it is one:
- Claude Desktop: the guide's `npx -y mcp-remote <url>`, plus `--header` carrying the key.
  mcp-remote 0.15.1 (dist/chunk-*.js) splits a `--header` value at the first colon
  (`Name:\\s*value`) and replaces `${VAR}` in the value from its own environment. The key goes
  in the entry's `env` and the header is written without a space, because Claude Desktop on
  Windows and Cursor split `args` at spaces when they start npx (mcp-remote's README).
- Copilot Studio: the fields of its "Add a Model Context Protocol server" form with
  "API key" authentication, as text (and as a JSON object with --json).

With --stdio, the client starts our server itself: the entry names the server's executable by
its absolute path (clients start it from a folder of their own, where a relative path means
nothing) and gives the upstream and the key in its environment. That is API key only: OAuth
protects an HTTP endpoint, and over stdio there is none.

Everything here is pure: the CLI prints what these functions return.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import json
import re
import shlex
from collections.abc import Callable
from typing import Any, Literal
from urllib.parse import urlsplit, urlunsplit

from contracts.addresses import DEFAULT_MCP_URL

Auth = Literal["oauth", "api-key"]
AUTHS: tuple[Auth, ...] = ("oauth", "api-key")
DEFAULT_AUTH: Auth = "oauth"  # the guide's recommendation
DEFAULT_URL = DEFAULT_MCP_URL  # what `freshservice-harness up` serves
DEFAULT_KEY = "demo-acme-admin-key"
DEFAULT_NAME = "freshservice"
KEY_VARIABLE = "FRESHSERVICE_AUTH"  # the Claude Desktop variant's env entry holding the key
# mcp-remote's own test for "loopback, so plain http is fine" (anything else needs --allow-http).
MCP_REMOTE_HTTP_HOSTS = frozenset({"localhost", "127.0.0.1"})
COPILOT_DESCRIPTION = (
    "Freshservice tickets, assets, people, onboarding, service catalog and knowledge base"
)


class ConfigInputError(ValueError):
    """A --url, --key or --name (or a combination) that no client configuration can be made
    from. The message never repeats a key."""


@dataclasses.dataclass(frozen=True)
class ClientConfig:
    """One client's configuration, for people (`text`) and for programs (`json_document`)."""

    client_name: str  # as people know it
    where: str  # where the configuration goes, as Freshworks' MCP guide says
    file: str | None  # the file `json_document` belongs in (None: typed into a web form)
    config: str  # the configuration to paste or run
    json_document: dict[str, Any]  # what `--json` prints
    auth: Auth  # how the client authenticates: signs in (oauth) or sends a key (api-key)
    variant: str | None  # None: the guide's own configuration for `auth`; else why not
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


# -- Shared by both kinds -------------------------------------------------------------------------


def _shell_word(word: str) -> str:
    """`word` for a POSIX shell: bare when safe, in double quotes as the guide writes its
    `--header "Authorization: <api-key>"` when nothing in it is special there, else shlex's."""
    quoted = shlex.quote(word)
    if quoted != word and re.fullmatch(r'[^"$`\\!]*', word):
        return f'"{word}"'
    return quoted


def _pretty(value: Any) -> str:
    return json.dumps(value, indent=2)


def _mcp_remote(url: str, *extra: str) -> list[str]:
    """`npx` arguments running mcp-remote for `url`, with `extra` arguments, and --allow-http
    where mcp-remote would refuse the URL without it."""
    args = ["-y", "mcp-remote", url, *extra]
    parts = urlsplit(url)
    if parts.scheme == "http" and parts.hostname not in MCP_REMOTE_HTTP_HOSTS:
        args.append("--allow-http")  # mcp-remote refuses plain http elsewhere without it
    return args


def _unreachable_from_the_cloud(
    url: str, cloud: str = "Microsoft's cloud", client: str = "Copilot Studio"
) -> list[str]:
    """Why `client`, connecting from `cloud`, could not use `url` (empty if it looks public and
    https)."""
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
            f"{host} is not reachable from {cloud}: serve the MCP endpoint on a public "
            "https address (a tunnel or reverse proxy in front of it) and give that with --url."
        )
    if parts.scheme != "https":
        problems.append(f"{client} needs an https:// server URL.")
    return problems


# -- API key --------------------------------------------------------------------------------------


def _http_entry(url: str, key: str) -> dict[str, Any]:
    """The guide's API-key entry for clients that speak Streamable HTTP themselves."""
    return {"type": "http", "url": url, "headers": {"Authorization": key}}


def _oauth_instead(client: str) -> str:
    """The note an API-key configuration carries: OAuth is the guide's way, and what the server
    must do to take a key."""
    return (
        "This is the API-key configuration. Freshworks' MCP guide recommends OAuth, which "
        f"`freshservice-harness config --client {client}` prints (without --auth api-key and "
        "--key). The server must take API keys: `freshservice-harness up` without --oauth, or "
        "FRESHSERVICE_MCP_AUTH=api-key (its default) or both."
    )


def claude_code(url: str, key: str, name: str) -> ClientConfig:
    """Claude Code with an API key: Method 2 of the guide. (`up` prints its command.)"""
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
        auth="api-key",
        variant=None,
        notes=(
            f"Check it with: {shlex.join(['claude', 'mcp', 'get', name])}",
            "The same server as the entry a project's .mcp.json holds (--json prints the "
            f"whole file), or added from that entry:\n{add_json}",
            _oauth_instead("claude-code"),
        ),
    )


def mcp_remote_args(url: str) -> list[str]:
    """`npx` arguments running mcp-remote with the key's header (the key comes from env)."""
    return _mcp_remote(url, "--header", f"Authorization:${{{KEY_VARIABLE}}}")


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
        auth="api-key",
        variant="the Claude Desktop configuration of Freshworks' MCP guide (npx -y mcp-remote "
        "<url>) signs in with OAuth (what `freshservice-harness config --client "
        "claude-desktop` prints without --auth api-key); this one sends the API key in "
        f"mcp-remote's --header, which takes it from ${{{KEY_VARIABLE}}} in the entry's env (no "
        "space after the colon: some clients split arguments at spaces).",
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
        auth="api-key",
        variant=None,
        notes=(_oauth_instead("cursor"),),
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
        auth="api-key",
        variant=None,
        notes=(_oauth_instead("vscode"),),
    )


COPILOT_IN_THE_CLOUD = (
    "Copilot Studio runs in Microsoft's cloud, so the server URL must be reachable from the "
    "internet over https."
)


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
        auth="api-key",
        variant="the Copilot Studio setup of Freshworks' MCP guide signs in with OAuth 2.0 "
        "(dynamic discovery), what `freshservice-harness config --client copilot-studio` "
        "prints without --auth api-key; these are the form's API-key fields instead.",
        notes=(COPILOT_IN_THE_CLOUD,),
        warnings=tuple(_unreachable_from_the_cloud(url)),
    )


# -- OAuth ----------------------------------------------------------------------------------------


def protected_resource_metadata_url(url: str) -> str:
    """Where the MCP server at `url` names its authorization server (RFC 9728: the well-known
    path in front of the endpoint's own path)."""
    parts = urlsplit(url)
    path = "/.well-known/oauth-protected-resource" + parts.path.rstrip("/")
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def sign_in_note(url: str) -> str:
    """How an OAuth client signs in, at whichever authorization server the MCP server names."""
    return (
        "Signing in: when it first connects, the client sends you in a browser to the "
        "authorization server that the MCP server names (in "
        f"{protected_resource_metadata_url(url)}); sign in and approve there, and the client "
        "keeps the token. Against `freshservice-harness up --oauth` that is the fake's sign-in "
        "page, which lists the account's demo agents: choose one and approve (with "
        "--oauth-auto-approve it approves at once, as the account's admin). The server must "
        "take OAuth tokens: `up --oauth`, or FRESHSERVICE_MCP_AUTH=oauth or both."
    )


def _http_oauth_entry(url: str) -> dict[str, Any]:
    """The guide's OAuth entry for clients that speak Streamable HTTP themselves: no headers."""
    return {"type": "http", "url": url}


def claude_code_oauth(url: str, name: str) -> ClientConfig:
    args = _mcp_remote(url)
    entry = {"type": "stdio", "command": "npx", "args": args}
    command = shlex.join(["claude", "mcp", "add", name, "--transport", "stdio", "--", "npx", *args])
    add_json = shlex.join(["claude", "mcp", "add-json", name, json.dumps(entry)])
    return ClientConfig(
        client_name="Claude Code",
        where="run this in a terminal (Freshworks' MCP guide: Method 1, OAuth); it adds the "
        "server to ~/.claude.json for the current project (add --scope project to write the "
        "project's .mcp.json instead), and Claude Code starts mcp-remote, which signs in and "
        "relays to the server",
        file=".mcp.json",
        config=command,
        json_document={"mcpServers": {name: entry}},
        auth="oauth",
        variant=None,
        notes=(
            f"Check it with: {shlex.join(['claude', 'mcp', 'get', name])}",
            "Sign in, or test the connection, before Claude Code starts it (the guide's first "
            f"check): {shlex.join(['npx', *args])}",
            "The same server as the entry a project's .mcp.json holds (--json prints the "
            f"whole file), or added from that entry:\n{add_json}",
            "It needs Node.js (npx).",
            sign_in_note(url),
        ),
    )


def claude_desktop_oauth(url: str, name: str) -> ClientConfig:
    document = {"mcpServers": {name: {"command": "npx", "args": _mcp_remote(url)}}}
    return ClientConfig(
        client_name="Claude Desktop",
        where="Claude > Settings > Developer > Edit Config opens claude_desktop_config.json; "
        "add this entry under mcpServers (Freshworks' MCP guide: Claude Desktop), save, quit "
        "Claude Desktop and start it again, then sign in in the browser it opens",
        file="claude_desktop_config.json",
        config=_pretty(document),
        json_document=document,
        auth="oauth",
        variant=None,
        notes=(
            "It needs Node.js (npx) on the machine running Claude Desktop.",
            "Or, without Node.js, as a custom connector (Freshworks' MCP guide: Claude "
            "Connector), which Claude on the web, Claude Desktop and Claude Code then share: in "
            "Claude, Settings > Connectors > Add custom connector; enter the name "
            f"{name} and the URL {url}; click Add, then Connect, and sign in. A connector "
            "connects from Anthropic's cloud, so the server URL (and the authorization server "
            "it names) must be reachable from the internet over https.",
            sign_in_note(url),
        ),
        warnings=tuple(
            f"For the custom connector: {problem}"
            for problem in _unreachable_from_the_cloud(url, "Anthropic's cloud", "Claude")
        ),
    )


def cursor_oauth(url: str, name: str) -> ClientConfig:
    document = {"mcpServers": {name: _http_oauth_entry(url)}}
    return ClientConfig(
        client_name="Cursor",
        where=".cursor/mcp.json in the project's root folder, or ~/.cursor/mcp.json for every "
        "project (Freshworks' MCP guide: sample configuration using OAuth); then View > "
        "Command Palette > View: Open MCP Settings shows the server: click Connect to sign in",
        file=".cursor/mcp.json",
        config=_pretty(document),
        json_document=document,
        auth="oauth",
        variant=None,
        notes=(sign_in_note(url),),
    )


def vscode_oauth(url: str, name: str) -> ClientConfig:
    document = {"servers": {name: _http_oauth_entry(url)}}
    return ClientConfig(
        client_name="VS Code",
        where="Command Palette > MCP: Add Server... > HTTP (HTTP or Server-Sent Events), then "
        f"enter the URL {url} and the server ID {name} (Freshworks' MCP guide: Method 1, "
        "OAuth); that adds this entry to mcp.json's servers object (or add it yourself: "
        "MCP: Open User Configuration), and when VS Code asks to authenticate, select Allow",
        file="mcp.json",
        config=_pretty(document),
        json_document=document,
        auth="oauth",
        variant=None,
        notes=(sign_in_note(url),),
    )


def copilot_studio_oauth(url: str, name: str) -> ClientConfig:
    fields = {
        "server_name": name,
        "server_description": COPILOT_DESCRIPTION,
        "server_url": url,
        "authentication": "OAuth 2.0",
        "type": "Dynamic discovery",
    }
    config = "\n".join(
        [
            f"Server name:         {name}",
            f"Server description:  {COPILOT_DESCRIPTION}",
            f"Server URL:          {url}",
            "Authentication:      OAuth 2.0",
            "Type:                Dynamic discovery",
            "",
            "Click Create; then, under Connection, Create new connection > Create, and sign in "
            "in the authorization window.",
        ]
    )
    return ClientConfig(
        client_name="Copilot Studio",
        where="Agents > your agent > Tools > + Add a tool > + New tool > Model Context "
        "Protocol; fill in the form with these fields (Freshworks' MCP guide: OAuth 2.0 > "
        "Dynamic discovery)",
        file=None,
        config=config,
        json_document=fields,
        auth="oauth",
        variant=None,
        notes=(
            "Copilot Studio runs in Microsoft's cloud, so the server URL (and the authorization "
            "server it names) must be reachable from the internet over https.",
            sign_in_note(url),
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
    `base_url` with `key`: always an API key, since OAuth protects an HTTP endpoint and over
    stdio there is none. ConfigInputError for a client that cannot start local servers."""
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
            auth="api-key",
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
        auth="api-key",
        variant=None,
        notes=(key_note,),
    )


CLIENTS = ("claude-code", "claude-desktop", "cursor", "vscode", "copilot-studio")
API_KEY_CLIENTS: dict[str, Callable[[str, str, str], ClientConfig]] = {
    "claude-code": claude_code,
    "claude-desktop": claude_desktop,
    "cursor": cursor,
    "vscode": vscode,
    "copilot-studio": copilot_studio,
}
OAUTH_CLIENTS: dict[str, Callable[[str, str], ClientConfig]] = {
    "claude-code": claude_code_oauth,
    "claude-desktop": claude_desktop_oauth,
    "cursor": cursor_oauth,
    "vscode": vscode_oauth,
    "copilot-studio": copilot_studio_oauth,
}


def client_config(
    client: str,
    url: str = DEFAULT_URL,
    key: str | None = None,
    name: str = DEFAULT_NAME,
    auth: Auth = DEFAULT_AUTH,
) -> ClientConfig:
    """`client`'s configuration for the server at `url`, listed as `name`: signing in with
    OAuth, or sending `key` (default DEFAULT_KEY) with `auth="api-key"`. Raises
    ConfigInputError for an input no configuration can be made from (a key with OAuth among
    them); KeyError for a client not in CLIENTS."""
    if auth == "oauth":
        make_oauth = OAUTH_CLIENTS[client]
        if key is not None:
            raise ConfigInputError(
                "an OAuth configuration carries no key (the client signs in instead): leave "
                "out --key, or give --auth api-key"
            )
        return make_oauth(checked_url(url), checked_name(name))
    if auth != "api-key":
        raise ConfigInputError(f"auth must be one of {', '.join(AUTHS)}")
    make = API_KEY_CLIENTS[client]
    return make(
        checked_url(url), checked_key(DEFAULT_KEY if key is None else key), checked_name(name)
    )
