"""The npm clients against `freshservice-harness up --oauth`: the MCP server as an OAuth resource
server, the fake as the account's authorization server, and the clients doing the OAuth dance
as they do for users.

- mcp-remote (0.15.1), driven by the Inspector CLI over stdio, signs in through a "browser":
  `BROWSER` names a script that runs `python -m contracts.oauth_browser` (the authorization URL
  is its argument; it approves the consent page and calls mcp-remote's callback) and counts how
  often it was opened. mcp-remote keeps its client and tokens in `~/.mcp-auth`, so each
  `Remote` has a HOME of its own.
- Claude Code (2.1.332) lists an OAuth server added without a header as needing sign-in.
- The Inspector CLI (2.12.0) uses a token stored in `~/.mcp-inspector/storage/oauth.json`.

No token may appear in what our processes print (up's stderr: the fake's and the server's too) or
in the fake's journal.
"""

from __future__ import annotations

import dataclasses
import json
import shlex
import socket
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from server.freshservice import fingerprint
from tests.clients.conftest import INSPECTOR_JS, MCP_REMOTE_JS, Node, Run, run_logged
from tests.clients.test_claude_code import claude
from tests.clients.test_inspector import assert_exactly_the_34_tools, listed_names
from tests.oauth import Tokens, issuer_of, metadata, obtain
from tests.processes import Up, started

pytestmark = pytest.mark.clients

DOMAIN = "acme.freshservice.com"
TICKET = 10234
TOKEN_LIFETIME = 5  # seconds, for the refresh test: mcp-remote refreshes 60 s before expiry
INSPECTOR_TIMEOUT = 120  # mcp-remote waits for a sign-in forever: never run it without one
RPC_HEADERS = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}
NEEDS_AUTHENTICATION = "! Needs authentication"


# -- up --oauth --------------------------------------------------------------------------------


def _oauth_up(tmp_path: Path, *args: str) -> Iterator[Up]:
    with started(tmp_path, "--oauth", *args) as up:
        up.wait_for_banner()
        yield up


@pytest.fixture(scope="module")
def up(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Up]:
    """With the consent page (no auto-approve): the browser approves as the first agent listed."""
    yield from _oauth_up(tmp_path_factory.mktemp("up-oauth"))


@pytest.fixture(scope="module")
def short_up(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Up]:
    """Access tokens that last TOKEN_LIFETIME seconds."""
    yield from _oauth_up(
        tmp_path_factory.mktemp("up-oauth-short"),
        "--oauth-auto-approve",
        "--oauth-token-lifetime",
        str(TOKEN_LIFETIME),
    )


def issuer(up: Up) -> str:
    return issuer_of(up.fake_url, DOMAIN)


def journal(up: Up) -> list[dict[str, Any]]:
    answer = httpx.get(f"{up.fake_url}/_mock/accounts/{DOMAIN}/journal", timeout=10)
    answer.raise_for_status()
    return list(answer.json()["entries"])


def call(up: Up, token: str) -> httpx.Response:
    """A raw `tools/call` of fetchTickets with `token`: the HTTP status is what counts."""
    body = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "tools/call",
        "params": {"name": "fetchTickets", "arguments": {"per_page": 1}},
    }
    headers = {**RPC_HEADERS, "Authorization": f"Bearer {token}"}
    return httpx.post(up.mcp_url, headers=headers, content=json.dumps(body), timeout=30)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# Every token and client secret the clients were given in this worker, for the leak tests.
SECRETS: set[str] = set()


def remember(tokens: dict[str, Any]) -> None:
    for name in ("access_token", "refresh_token", "id_token", "client_secret"):
        if isinstance(tokens.get(name), str) and tokens[name]:
            SECRETS.add(tokens[name])


# -- mcp-remote with a headless browser ------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Remote:
    """mcp-remote as one user on one machine: a HOME of its own (`~/.mcp-auth`), a browser that
    signs in with `contracts.oauth_browser` and counts how often it was opened, and a fixed
    callback port (the client it registers names that port in its redirect URI)."""

    node: Node
    url: str
    home: Path
    browser: Path
    opened_log: Path
    browser_log: Path
    callback_port: int

    @classmethod
    def make(cls, node: Node, url: str, folder: Path) -> Remote:
        home, opened, log = folder / "home", folder / "browser.opened", folder / "browser.log"
        home.mkdir()
        browser = folder / "browser"
        browser.write_text(
            "#!/bin/sh\n"
            f"echo opened >> {shlex.quote(str(opened))}\n"
            f"exec {shlex.quote(sys.executable)} -m contracts.oauth_browser"
            f' "$@" 2>> {shlex.quote(str(log))}\n'
        )
        browser.chmod(0o755)
        return cls(node, url, home, browser, opened, log, free_port())

    def run(self, *method: str) -> Run:
        """The Inspector CLI with `method`, its server `mcp-remote <url> <port>` over stdio. The
        Inspector passes a stdio server only a few variables of its own (HOME, PATH, ...):
        BROWSER goes in with `-e`. No DISPLAY: xdg-open then runs $BROWSER."""
        env = {k: v for k, v in self.node.env.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
        env["HOME"] = str(self.home)
        node = str(self.node.binary)
        command = [
            node, str(INSPECTOR_JS), "--cli", "--format", "json",
            "--connect-timeout", "60000",  # a sign-in happens while connecting
            "-e", f"BROWSER={self.browser}", *method,
            "--", node, str(MCP_REMOTE_JS), self.url, str(self.callback_port),
            "--transport", "http-only",
        ]  # fmt: skip
        done = run_logged(command, env, self.node.cwd, timeout=INSPECTOR_TIMEOUT)
        if self.browser_log.is_file():
            print(f"[browser] {self.browser_log.read_text().rstrip()}", flush=True)
        return done

    def list_tools(self) -> Run:
        return self.run("--method", "tools/list")

    def fetch_ticket(self) -> Run:
        return self.run(
            "--method", "tools/call", "--tool-name", "fetchTicket",
            "--tool-args-json", json.dumps({"ticket_id": TICKET}),
        )  # fmt: skip

    def opened(self) -> int:
        """How often mcp-remote opened the browser to sign in."""
        return len(self.opened_log.read_text().splitlines()) if self.opened_log.is_file() else 0

    def _stored(self, suffix: str) -> dict[str, Any]:
        found = sorted((self.home / ".mcp-auth").glob(f"mcp-remote-*/*_{suffix}.json"))
        assert len(found) == 1, f"{suffix}: {found}"
        stored: dict[str, Any] = json.loads(found[0].read_text())
        remember(stored)
        return stored

    def tokens(self) -> dict[str, Any]:
        return self._stored("tokens")

    def client_info(self) -> dict[str, Any]:
        return self._stored("client_info")


def fetched_ticket(run: Run) -> dict[str, Any]:
    result = run.result()
    assert result.get("isError") is not True, result["content"]
    content: dict[str, Any] = result["structuredContent"]
    return content


@dataclasses.dataclass(frozen=True)
class SignedIn:
    remote: Remote
    listed: Run
    called: Run
    tokens: dict[str, Any]
    journal: list[dict[str, Any]]


@pytest.fixture(scope="module")
def signed_in(node: Node, up: Up, tmp_path_factory: pytest.TempPathFactory) -> SignedIn:
    """A new mcp-remote user's first tools/list (which signs in) and a tools/call after it."""
    remote = Remote.make(node, up.mcp_url, tmp_path_factory.mktemp("signed-in"))
    since = max((entry["seq"] for entry in journal(up)), default=0)
    listed = remote.list_tools()
    called = remote.fetch_ticket()
    entries = [entry for entry in journal(up) if entry["seq"] > since]
    return SignedIn(remote, listed, called, remote.tokens(), entries)


def test_mcp_remote_signs_in_and_lists_the_34_tools(signed_in: SignedIn) -> None:
    assert_exactly_the_34_tools(listed_names(signed_in.listed.result()))


def test_mcp_remote_calls_a_tool_once_signed_in(signed_in: SignedIn) -> None:
    assert fetched_ticket(signed_in.called)["id"] == TICKET


def test_mcp_remote_signs_in_once_and_keeps_its_tokens(signed_in: SignedIn) -> None:
    assert signed_in.remote.opened() == 1
    assert signed_in.tokens["token_type"].lower() == "bearer"
    assert signed_in.tokens["refresh_token"]


def test_the_fake_is_called_with_mcp_remotes_access_token(signed_in: SignedIn) -> None:
    # The journal names the credential by fingerprint: that of the token itself (a Basic header
    # would carry `<key>:X` base64-encoded), so the server passed it on as a Bearer token.
    token = fingerprint(signed_in.tokens["access_token"])
    fetched = [e for e in signed_in.journal if e["path"] == f"/api/v2/tickets/{TICKET}"]
    assert [(e["status"], e["key"]) for e in fetched] == [(200, token)], signed_in.journal
    assert {entry["key"] for entry in signed_in.journal} == {token}


# -- refresh ---------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Refreshed:
    remote: Remote
    before: dict[str, Any]  # the tokens after the first run
    expired_status: int  # our server's answer to the first run's access token, once expired
    second: Run
    after: dict[str, Any]


@pytest.fixture(scope="module")
def refreshed(node: Node, short_up: Up, tmp_path_factory: pytest.TempPathFactory) -> Refreshed:
    """Two mcp-remote runs, the second after the first one's access token expired."""
    remote = Remote.make(node, short_up.mcp_url, tmp_path_factory.mktemp("refreshed"))
    fetched_ticket(remote.fetch_ticket())
    before = remote.tokens()
    wait = before["expires_at"] / 1000 - time.time() + 1  # a second past its expiry
    assert wait <= TOKEN_LIFETIME + 1, before["expires_at"]
    time.sleep(max(0.0, wait))
    expired_status = call(short_up, before["access_token"]).status_code
    second = remote.fetch_ticket()
    return Refreshed(remote, before, expired_status, second, remote.tokens())


def test_the_first_access_token_expires(refreshed: Refreshed) -> None:
    assert refreshed.before["expires_in"] <= TOKEN_LIFETIME
    assert refreshed.expired_status == 401


def test_mcp_remote_refreshes_an_expired_token_without_signing_in_again(
    refreshed: Refreshed,
) -> None:
    assert fetched_ticket(refreshed.second)["id"] == TICKET
    assert refreshed.remote.opened() == 1
    assert refreshed.after["access_token"] != refreshed.before["access_token"]


def test_a_refresh_rotates_the_refresh_token(refreshed: Refreshed) -> None:
    assert refreshed.after["refresh_token"] != refreshed.before["refresh_token"]


# -- revocation -------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Revoked:
    remote: Remote
    tokens: dict[str, Any]  # those revoked
    revoke_status: int
    answers: list[httpx.Response]  # our server's to the revoked grant's access token, in order


@pytest.fixture(scope="module")
def revoked(node: Node, up: Up, tmp_path_factory: pytest.TempPathFactory) -> Revoked:
    """A signed-in mcp-remote user whose refresh token was then revoked (RFC 7009), as its
    client: the client id from `<hash>_client_info.json`, no secret (a public client)."""
    remote = Remote.make(node, up.mcp_url, tmp_path_factory.mktemp("revoked"))
    fetched_ticket(remote.fetch_ticket())
    tokens = remote.tokens()
    assert call(up, tokens["access_token"]).status_code == 200
    answer = httpx.post(
        metadata(issuer(up))["revocation_endpoint"],
        data={
            "token": tokens["refresh_token"],
            "token_type_hint": "refresh_token",
            "client_id": remote.client_info()["client_id"],
        },
        timeout=10,
    )
    # The server checks a token's signature and expiry itself; it learns of a revocation from
    # Freshservice's 401, and refuses the token at the door from then on.
    answers = [call(up, tokens["access_token"]) for _ in range(2)]
    statuses = [response.status_code for response in answers]
    print(f"revoked: {answer.status_code}; our server then answered {statuses}", flush=True)
    return Revoked(remote, tokens, answer.status_code, answers)


def test_revoking_the_grant_ends_its_access_token_at_our_server(revoked: Revoked) -> None:
    assert revoked.revoke_status == 200
    first, second = revoked.answers
    if first.status_code == 200:  # the call reached Freshservice, which refused the token
        assert first.json()["result"]["isError"] is True, first.text
    else:
        assert first.status_code == 401, first.text
    assert second.status_code == 401, second.text
    assert 'error="invalid_token"' in second.headers["www-authenticate"]


def test_after_revocation_mcp_remote_signs_in_again(revoked: Revoked) -> None:
    opened = revoked.remote.opened()
    again = revoked.remote.fetch_ticket()
    assert fetched_ticket(again)["id"] == TICKET
    assert revoked.remote.opened() == opened + 1
    assert revoked.remote.tokens()["refresh_token"] != revoked.tokens["refresh_token"]


# -- Claude Code -----------------------------------------------------------------------------------


def test_claude_code_lists_the_oauth_server_as_needing_authentication(
    node: Node, up: Up, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    alone = dataclasses.replace(node, env={**node.env, "HOME": str(home)})
    added = claude(alone, tmp_path, f"claude mcp add --transport http fsoauth {up.mcp_url}")
    assert added.returncode == 0, added.output
    listed = claude(alone, tmp_path, "claude mcp list")
    assert listed.returncode == 0, listed.output
    assert f"fsoauth: {up.mcp_url} (HTTP) - {NEEDS_AUTHENTICATION}" in listed.output


# The README's way for Claude Code (the guide's Method 1): mcp-remote signs in. Run with the
# locked mcp-remote instead of `npx -y mcp-remote` (which would download it).
README_OAUTH_ADD = (
    "claude mcp add freshservice --transport stdio -- npx -y mcp-remote http://127.0.0.1:8000/mcp"
)


def test_claude_code_with_the_readmes_mcp_remote_command_signs_in_and_connects(
    node: Node, up: Up, tmp_path: Path
) -> None:
    remote = Remote.make(node, up.mcp_url, tmp_path)
    env = {k: v for k, v in node.env.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    alone = dataclasses.replace(
        node, env={**env, "HOME": str(remote.home), "BROWSER": str(remote.browser)}
    )
    command = README_OAUTH_ADD.replace("http://127.0.0.1:8000/mcp", up.mcp_url).replace(
        "npx -y mcp-remote", f"{node.binary} {MCP_REMOTE_JS}"
    )
    added = claude(alone, tmp_path, f"{command} {remote.callback_port}")
    assert added.returncode == 0, added.output
    listed = claude(alone, tmp_path, "claude mcp list")
    assert f"freshservice: {node.binary} {MCP_REMOTE_JS}" in listed.output
    assert "✔ Connected" in listed.output, listed.output
    assert remote.opened() == 1
    remember(remote.tokens())


# -- the Inspector CLI with a stored token ---------------------------------------------------------


def inspector_with_storage(node: Node, home: Path, up: Up, access_token: str | None) -> Run:
    """`inspector --cli <url> --stored-auth-only`: the token stored for the URL, if any, and no
    sign-in otherwise."""
    home.mkdir()
    if access_token is not None:
        storage = home / ".mcp-inspector" / "storage"
        storage.mkdir(parents=True)
        tokens = {"access_token": access_token, "token_type": "Bearer"}
        (storage / "oauth.json").write_text(
            json.dumps({"servers": {up.mcp_url: {"tokens": tokens}}})
        )
    env = {**node.env, "HOME": str(home)}
    command = [
        str(node.binary), str(INSPECTOR_JS), "--cli", up.mcp_url, "--stored-auth-only",
        "--method", "tools/list", "--format", "json",
    ]  # fmt: skip
    return run_logged(command, env, node.cwd, timeout=INSPECTOR_TIMEOUT)


@pytest.fixture(scope="module")
def stored(up: Up) -> Tokens:
    tokens = obtain(issuer(up), up.mcp_url)
    SECRETS.update((tokens.access_token, tokens.refresh_token))
    return tokens


def test_the_inspector_lists_the_34_tools_with_a_stored_token(
    node: Node, up: Up, stored: Tokens, tmp_path: Path
) -> None:
    listed = inspector_with_storage(node, tmp_path / "home", up, stored.access_token)
    assert_exactly_the_34_tools(listed_names(listed.result()))


def test_the_inspector_with_no_stored_token_is_told_to_sign_in(
    node: Node, up: Up, tmp_path: Path
) -> None:
    refused = inspector_with_storage(node, tmp_path / "home", up, None)
    assert refused.returncode == 3  # the Inspector's "auth required"
    assert refused.error()["code"] == "auth_required"


# -- no token in what we print ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def secrets_given(
    signed_in: SignedIn, refreshed: Refreshed, stored: Tokens, up: Up, short_up: Up
) -> set[str]:
    """Every token handed out in this worker: mcp-remote's sign-ins and refreshes (on both
    `up`s), the Inspector's stored one, and one more grant refreshed and used here."""
    for remote in (signed_in.remote, refreshed.remote):
        remote.client_info()  # a client secret, had the fake issued one to a public client
    fresh = obtain(issuer(up), up.mcp_url)
    renewed = fresh.refreshed()
    assert call(up, renewed.access_token).status_code == 200
    SECRETS.update((fresh.access_token, fresh.refresh_token))
    SECRETS.update((renewed.access_token, renewed.refresh_token))
    assert len(SECRETS) >= 8, len(SECRETS)
    return set(SECRETS)


def leaked(secrets: set[str], text: str) -> list[str]:
    """The secrets in `text`, named by fingerprint; a JWT's signature counts on its own."""
    parts = set(secrets) | {s.rsplit(".", 1)[-1] for s in secrets if s.count(".") == 2}
    return sorted(fingerprint(s) for s in parts if s in text)


def printed(up: Up) -> str:
    """All `up` printed so far: stderr (its own, the fake's and the server's) and stdout."""
    while not up.lines.empty():
        up.banner += up.lines.get_nowait()
    return up.stderr() + up.banner


def test_our_processes_print_no_token(secrets_given: set[str], up: Up, short_up: Up) -> None:
    for running in (up, short_up):
        shown = printed(running)
        assert "tool=fetchTicket" in shown  # the server logged the calls, by key fingerprint
        assert leaked(secrets_given, shown) == []


def test_the_fakes_journal_holds_no_token(secrets_given: set[str], up: Up, short_up: Up) -> None:
    for running in (up, short_up):
        assert leaked(secrets_given, json.dumps(journal(running))) == []


def test_the_logged_client_runs_show_no_token(
    secrets_given: set[str], signed_in: SignedIn, refreshed: Refreshed
) -> None:
    runs = (signed_in.listed, signed_in.called, refreshed.second)
    assert leaked(secrets_given, "".join(run.output for run in runs)) == []


def test_the_browser_prints_no_code(signed_in: SignedIn, refreshed: Refreshed) -> None:
    for remote in (signed_in.remote, refreshed.remote):
        log = remote.browser_log.read_text()
        assert "/oauth/callback" in log  # where it went
        assert "?" not in log and "code=" not in log and "state=" not in log
