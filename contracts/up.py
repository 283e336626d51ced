"""`freshservice-harness up`: the fake and our MCP server wired to it, for a person at a terminal.

Both run as child processes that share this terminal's stderr, so the fake's dataset progress bar
and the server's one log line per tool call show as they happen. Ctrl-C reaches all three
processes; this one then makes sure both children have stopped. If either child dies, the other is
stopped and the command fails naming it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import FrameType
from typing import TextIO

from contracts.addresses import DEFAULT_FAKE_PORT, DEFAULT_HOST, DEFAULT_MCP_PORT, LOOPBACK_HOSTS
from contracts.client_config import DEFAULT_KEY, DEFAULT_URL, claude_code
from contracts.processes import (
    StartFailed,
    fake_environment,
    listening_socket,
    setting_variables,
    start_serving,
    stop,
    url_host,
    wait_until_answering,
)
from contracts.scenario_checks import key_problem
from mock_freshservice import tls
from mock_freshservice.data.dataset import load_dataset
from mock_freshservice.scenario import Scenario, ScenarioError, load_scenario

START_TIMEOUT = 120.0  # a large --dataset takes a while to build
STOP_TIMEOUT = 10.0
# The settings `up` owns: a user's other FRESHSERVICE_* variables (limits, timeouts) still apply.
OWNED_SETTINGS = frozenset(
    {
        "FRESHSERVICE_DOMAIN",
        "FRESHSERVICE_BASE_URL",
        "FRESHSERVICE_API_KEY",
        "FRESHSERVICE_MCP_TRANSPORT",
        "FRESHSERVICE_MCP_HOST",
        "FRESHSERVICE_MCP_PORT",
        "FRESHSERVICE_MCP_OAUTH_ISSUER",
        "FRESHSERVICE_MCP_PUBLIC_URL",
    }
)


class UpFailed(RuntimeError):
    """`up` could not start or keep running; the message says why and what to do."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


@dataclasses.dataclass(frozen=True)
class UpOptions:
    host: str = DEFAULT_HOST
    port: int = DEFAULT_MCP_PORT
    fake_port: int = DEFAULT_FAKE_PORT
    seed: int | None = None
    scenario: Path | None = None
    dataset: Path | None = None
    plan: str | None = None
    tls: bool = False
    oauth: bool = False
    oauth_auto_approve: bool = False
    oauth_token_lifetime: int | None = None

    @property
    def mcp_url(self) -> str:
        return f"http://{url_host(self.host)}:{self.port}/mcp"

    @property
    def fake_url(self) -> str:
        scheme = "https" if self.tls else "http"
        return f"{scheme}://{url_host(self.host)}:{self.fake_port}"

    @property
    def ca_dir(self) -> Path:
        """Where the fake keeps its local CA under `--tls`: the fake's default folder."""
        return tls.default_folder()

    @property
    def ca_file(self) -> Path:
        return self.ca_dir / tls.CA_FILE


@dataclasses.dataclass(frozen=True)
class DemoKey:
    domain: str
    role: str
    key: str
    user: str


def run_up(options: UpOptions, out: TextIO = sys.stdout) -> int:
    """Start both, print how to connect, and wait for Ctrl-C. Returns the exit code."""
    if options.host not in LOOPBACK_HOSTS:
        # The server reaches the fake over plain http and accepts loopback Host headers only.
        raise UpFailed(
            f"up serves on this machine only (--host {' or '.join(sorted(LOOPBACK_HOSTS))}); "
            "to reach it from elsewhere, use a tunnel, or run freshservice-mcp yourself with "
            "--host and --mcp-allowed-hosts",
            exit_code=2,
        )
    scenario = _scenario_of(options.scenario)
    if scenario is not None and options.dataset is None:
        # A misspelt demo key would only show as the fake refusing to start.
        demo = {k.key for k in demo_keys(None)}
        if problem := key_problem(scenario, demo, public=True):
            raise UpFailed(problem, exit_code=2)
    # `up` binds both ports itself and hands the sockets down (`--fd`): a taken port is found
    # before anything starts, and no other process can take one in between.
    with (
        _bound(options.host, options.fake_port, "--fake-port") as fake_socket,
        _bound(options.host, options.port, "--port") as mcp_socket,
        _stopped_on_exit() as children,
    ):
        options = dataclasses.replace(
            options, port=_port_of(mcp_socket), fake_port=_port_of(fake_socket)
        )
        print(f"starting the fake on {options.fake_url} ...", file=sys.stderr, flush=True)
        fake = _start(children, "the fake", _fake_command(options), fake_environment(), fake_socket)
        fake_socket.close()  # the fake's copy keeps the port
        _wait_until_answering(f"{options.fake_url}/_mock/health", "the fake", fake)
        print(f"starting the MCP server on {options.mcp_url} ...", file=sys.stderr, flush=True)
        server = _start(
            children,
            "the MCP server",
            _server_command(options),
            _server_env(options, scenario),
            mcp_socket,
        )
        mcp_socket.close()
        _wait_until_answering(
            f"http://{url_host(options.host)}:{options.port}/healthz", "the MCP server", server
        )
        print(banner(options, scenario), file=out, flush=True)
        _watch(children)
    return 0


WIDTH = 80  # the banner fits an 80x24 terminal: no line wraps; what to connect with comes last


def banner(options: UpOptions, scenario: Scenario | None) -> str:
    """What a person needs to connect, in at most 80 columns, the MCP URL and the client
    commands last (on a short terminal the top scrolls away first): the fake's URL, the demo
    keys, how to configure other clients, the MCP URL and the Claude Code command."""
    keys = demo_keys(options.dataset)
    chosen = _key_to_suggest(keys, scenario)
    shown_key = chosen or "<api-key>"
    lines = [
        "freshservice-harness is up; Ctrl-C stops both.",
        f"  fake API    {options.fake_url}/api/v2/   (admin API: /_mock/)",
    ]
    if options.tls:
        lines += [
            f"  CA file     {options.ca_file}",
            "  (trust it with SSL_CERT_FILE, REQUESTS_CA_BUNDLE or NODE_EXTRA_CA_CERTS)",
        ]
    lines.append("")
    if options.oauth:
        lines += _oauth_lines(options, scenario, keys)
    else:
        lines += _key_lines(options, keys)
    if scenario is not None:
        rules = len(scenario.rules)
        lines += [
            "",
            # The file's name (the person gave its path), and as much description as fits.
            textwrap.shorten(f"Scenario {Path(scenario.name).name}: {scenario.description}", WIDTH),
            f"  {rules} rule{'s' * (rules != 1)}, on the account of its key"
            + (f" ({chosen})" if chosen else ""),
        ]
    config = [harness_command(), "config", "--client", "cursor"]
    if options.mcp_url != DEFAULT_URL:
        config += ["--url", options.mcp_url]
    if options.oauth:
        return "\n".join(
            [
                *lines,
                "",
                "Other clients (Cursor, VS Code, Claude Desktop, Copilot Studio):",
                *shell_lines(config),
                "",
                f"MCP server  {options.mcp_url}   (Streamable HTTP, OAuth)",
                "Connect Claude Code (mcp-remote signs you in in a browser):",
                *shell_lines(
                    [
                        "claude",
                        "mcp",
                        "add",
                        "freshservice",
                        "--transport",
                        "stdio",
                        "--",
                        "npx",
                        "-y",
                        "mcp-remote",
                        options.mcp_url,
                    ]
                ),
            ]
        )
    config += ["--key", shown_key] if shown_key != DEFAULT_KEY else ["--auth", "api-key"]
    lines += [
        "",
        "Other clients (Cursor, VS Code, Claude Desktop, Copilot Studio):",
        *shell_lines(config),
        "",
        f"MCP server  {options.mcp_url}   (Streamable HTTP)",
        "Connect Claude Code:",
        *shell_lines(claude_code(options.mcp_url, shown_key, "freshservice").config),
    ]
    return "\n".join(lines)


def _key_lines(options: UpOptions, keys: list[DemoKey]) -> list[str]:
    lines: list[str] = []
    served = [k for k in keys if k.role != "requester"]  # the MCP server refuses requesters
    if served:
        lines.append("Demo API keys for the MCP server (agents and admins):")
        width = max(len(k.key) for k in served)
        lines += [f"  {k.key:<{width}}  {k.user}, {k.role.replace('_', ' ')}" for k in served]
        requesters = ", ".join(k.key for k in keys if k.role == "requester")
        if requesters:
            lines += textwrap.wrap(
                f"Requester keys, for the fake's API only: {requesters}",
                WIDTH,
                subsequent_indent="  ",
                break_on_hyphens=False,
            )
    else:
        lines += textwrap.wrap(
            f"API keys: those of {options.dataset} (not printed here).",
            WIDTH,
            subsequent_indent="  ",
            break_long_words=False,
            break_on_hyphens=False,
        )
    return lines


def _oauth_lines(options: UpOptions, scenario: Scenario | None, keys: list[DemoKey]) -> list[str]:
    domain = oauth_domain(options, scenario)
    agents = [k for k in keys if k.domain == domain and k.role != "requester"]
    lines = [
        "The MCP server takes OAuth tokens (no API keys). Clients sign in at:",
        f"  issuer      {oauth_issuer(options, scenario)}",
    ]
    if options.oauth_auto_approve:
        lines.append("  the sign-in page approves at once, as the account's admin")
    elif agents:
        lines.append("  sign in as any agent it lists, e.g.:")
        lines += [f"    {k.user}, {k.role.replace('_', ' ')}" for k in agents]
    if options.oauth_token_lifetime:
        lines.append(f"  access tokens last {options.oauth_token_lifetime} s, then clients refresh")
    return lines


def shell_lines(command: str | list[str], indent: str = "  ") -> list[str]:
    """A shell command in lines of at most WIDTH columns, each but the last ending in ` \\` (a
    shell joins them again when the lines are pasted). A word is never split."""
    words = _shell_words(command) if isinstance(command, str) else [shlex.quote(w) for w in command]
    lines = [indent + words[0]]
    for word in words[1:]:
        if len(lines[-1]) + 1 + len(word) + 2 > WIDTH:  # room for " \\"
            lines[-1] += " \\"
            lines.append(indent + "  " + word)
        else:
            lines[-1] += " " + word
    return lines


def _shell_words(command: str) -> list[str]:
    """The words of a shell command as written (quotes kept), split at unquoted spaces."""
    return [m.group(0) for m in re.finditer(r"(?:\"[^\"]*\"|'[^']*'|\S)+", command)]


def harness_command() -> str:
    """`freshservice-harness` as the person who ran `up` can run it again: the bare name when
    that one is on PATH, else its path (relative to the working folder when inside it, as
    Quickstart's `.venv/bin/freshservice-harness`)."""
    script = Path(sys.executable).absolute().parent / "freshservice-harness"
    if not script.is_file() or shutil.which("freshservice-harness") == str(script):
        return "freshservice-harness"
    here = Path.cwd()
    if here != Path(here.anchor):  # from the root folder, the full path reads better
        with contextlib.suppress(ValueError):
            return str(script.relative_to(here))
    return str(script)


def demo_keys(dataset: Path | None) -> list[DemoKey]:
    """The built-in dataset's keys, which are public (README). A dataset file's keys are the
    user's own secrets, so none are listed for it."""
    if dataset is not None:
        return []
    found = []
    for account in load_dataset().accounts:
        names = {
            str(p.get("email") or p.get("primary_email")): f"{p['first_name']} {p['last_name']}"
            for kind in ("agents", "requesters")
            for p in account.pinned.get(kind, ())
        }
        found += [
            DemoKey(account.domain, k.role, k.key, names.get(k.user, k.user))
            for k in account.api_keys
        ]
    return found


def _key_to_suggest(keys: list[DemoKey], scenario: Scenario | None) -> str | None:
    """The key for the Claude Code command: the scenario's (its rules act on its account), else
    the first admin's."""
    if scenario is not None and scenario.key:
        role = next((k.role for k in keys if k.key == scenario.key), None)
        if role is None or role != "requester":
            return scenario.key if keys else None
    return next((k.key for k in keys if k.role == "admin"), None)


def _scenario_of(path: Path | None) -> Scenario | None:
    if path is None:
        return None
    try:
        return load_scenario(path.read_text(encoding="utf-8"), name=str(path))
    except OSError as exc:
        raise UpFailed(f"cannot read {path}: {exc.strerror}", exit_code=2) from None
    except ScenarioError as exc:
        raise UpFailed(exc.message, exit_code=2) from None


def _fake_command(options: UpOptions) -> list[str]:
    command = [
        sys.executable,
        "-m",
        "mock_freshservice",
        "serve",
        "--quiet",
        "--host",  # served on the socket `up` hands down; the host still names its certificate
        options.host,
    ]
    if options.tls:
        command += ["--tls", "--ca-dir", str(options.ca_dir)]
    if options.oauth_auto_approve:
        command.append("--oauth-auto-approve")
    for flag, value in (
        ("--oauth-token-lifetime", options.oauth_token_lifetime),
        ("--seed", options.seed),
        ("--scenario", options.scenario),
        ("--dataset", options.dataset),
        ("--plan", options.plan),
    ):
        if value is not None:
            command += [flag, str(value)]
    return command


def _server_command(options: UpOptions) -> list[str]:
    return [
        sys.executable,
        "-m",
        "server",
        "--transport",
        "http",
    ]


def _server_env(options: UpOptions, scenario: Scenario | None) -> dict[str, str]:
    """The caller's environment with the upstream set to the fake and no server-wide key: clients
    send theirs, as with the hosted server. A scenario's `server` settings apply too."""
    kept = {k: v for k, v in os.environ.items() if k not in OWNED_SETTINGS}
    settings: Mapping[str, object] = scenario.server if scenario is not None else {}
    env = {**kept, "FRESHSERVICE_BASE_URL": options.fake_url, **setting_variables(settings)}
    if options.tls:
        # The server's upstream client trusts what SSL_CERT_FILE names (server/transport.py);
        # this server talks to the fake only.
        env["SSL_CERT_FILE"] = str(options.ca_file)
    if options.oauth:
        # `both` if asked for in the environment (API keys still work), else tokens only.
        if env.get("FRESHSERVICE_MCP_AUTH") != "both":
            env["FRESHSERVICE_MCP_AUTH"] = "oauth"
        env["FRESHSERVICE_MCP_OAUTH_ISSUER"] = oauth_issuer(options, scenario)
    return env


def oauth_domain(options: UpOptions, scenario: Scenario | None) -> str:
    """The account whose authorization server `up --oauth` uses: the scenario's key's (its
    rules act there), else the dataset's first."""
    dataset = load_dataset(options.dataset)
    if scenario is not None and scenario.key:
        for account in dataset.accounts:
            if any(k.key == scenario.key for k in account.api_keys):
                return account.domain
    return dataset.accounts[0].domain


def oauth_issuer(options: UpOptions, scenario: Scenario | None) -> str:
    return f"{options.fake_url}/oauth/{oauth_domain(options, scenario)}"


def _start(
    children: Children,
    name: str,
    command: list[str],
    env: dict[str, str] | None,
    sock: socket.socket,
) -> subprocess.Popen[bytes]:
    """Start a child serving on `sock` and track it at once, so that whatever stops `up` stops it
    too. (Blocking signals around the two would leave the child with them blocked.)"""
    # stdin detached: a child never competes for the terminal. Its stdout and stderr are this
    # terminal's. Ctrl-C at the terminal reaches `up`, which stops the children in order; a child
    # starts with SIGINT ignored, so Ctrl-C while it is still importing or building its dataset
    # cannot end it with a traceback (uvicorn installs its own Ctrl-C handler once serving, and
    # shuts down cleanly on it).
    process = start_serving(
        command,
        sock,
        env=env,
        stdout=None,
        stdin=subprocess.DEVNULL,
        preexec_fn=_ignore_sigint,  # before exec: see _ignore_sigint
    )
    children.append((name, process))
    return process


STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def _ignore_sigint() -> None:
    # In the child between fork and exec (`up` runs no threads, so this is safe).
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _wait_until_answering(url: str, name: str, process: subprocess.Popen[bytes]) -> None:
    try:
        wait_until_answering(url, process, timeout=START_TIMEOUT, name=name)
    except StartFailed as exc:
        raise UpFailed(str(exc)) from None


Children = list[tuple[str, "subprocess.Popen[bytes]"]]


def _watch(children: Children) -> None:
    """Until Ctrl-C (or SIGTERM): if a child stops on its own, stop and say which."""
    while True:
        for name, process in children:
            if process.poll() is not None:
                raise UpFailed(
                    f"{name} stopped (exit code {process.returncode}); stopping the rest"
                )
        time.sleep(0.2)


@contextlib.contextmanager
def _stopped_on_exit() -> Iterator[Children]:
    """The children started inside; on leaving (Ctrl-C, SIGTERM, an error), each is stopped."""
    children: Children = []
    signalled: list[int] = []

    def terminate(signum: int, frame: FrameType | None) -> None:
        # The first stop signal stops `up`; from then on, until it exits, another changes
        # nothing: a second Ctrl-C, or the same one forwarded by a wrapper such as uvx, which
        # got it too and may pass it on at any moment.
        signalled.append(signum)
        for sig in STOP_SIGNALS:
            signal.signal(sig, signal.SIG_IGN)
        raise KeyboardInterrupt

    # SIGTERM (a supervisor) and SIGHUP (the terminal closed) stop both children, as Ctrl-C does.
    # SIGINT too, even where it was inherited ignored: a shell script starts `up &` with SIGINT
    # ignored, and its `kill -INT` would otherwise do nothing.
    previous = {sig: signal.signal(sig, terminate) for sig in STOP_SIGNALS}
    try:
        yield children
    except KeyboardInterrupt:
        print("\nstopping ...", file=sys.stderr, flush=True)
    finally:
        # Ignore a second Ctrl-C (or SIGTERM, SIGHUP) while the children stop: none is left behind.
        with _ignoring_stop_signals():
            for _, process in reversed(children):
                # SIGTERM: the children ignore SIGINT (see _start); both stop cleanly on it.
                stop(process, timeout=STOP_TIMEOUT)
        if not signalled:  # stopped by an error: the caller's handlers back
            for sig, handler in previous.items():
                signal.signal(sig, handler)
    print("stopped.", file=sys.stderr, flush=True)


@contextlib.contextmanager
def _ignoring_stop_signals() -> Iterator[None]:
    previous = {sig: signal.signal(sig, signal.SIG_IGN) for sig in STOP_SIGNALS}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


@contextlib.contextmanager
def _bound(host: str, port: int, flag: str) -> Iterator[socket.socket]:
    """A listening socket on (host, port), closed on leaving; a taken port is a usage error."""
    try:
        sock = listening_socket(host, port)
    except OSError as exc:
        if exc.errno != errno.EADDRINUSE:
            raise UpFailed(f"cannot serve on {host}:{port}: {exc.strerror or exc}") from None
        raise UpFailed(
            f"port {port} on {host} is in use (another `freshservice-harness up`, "
            f"`freshservice-mcp` or `mock-freshservice`?): stop it, or choose another with "
            f"{flag} N",
            exit_code=2,
        ) from None
    with sock:
        yield sock


def _port_of(sock: socket.socket) -> int:
    return int(sock.getsockname()[1])
