"""`freshservice-harness`: the harness's command for people and CI.

    freshservice-harness up [--port 8000] [--fake-port 8181] [--host 127.0.0.1] [--seed N]
        [--oauth [--oauth-auto-approve] [--oauth-token-lifetime SECONDS]]
        [--scenario FILE] [--dataset FILE] [--plan PLAN] [--tls]

    freshservice-harness replay [FILE...] [--shipped]
        [--server-command CMD | --server-url URL --fake-url URL] [--fake-url URL] [--key KEY]
        [--junit FILE] [--html FILE] [--no-progress] [--verbose]

    freshservice-harness check [--server-command CMD | --server-url URL --fake-url URL]
        [--fake-url URL] [--junit FILE] [--html FILE] [--no-progress] [-k EXPR] [-- PYTEST_ARGS]
        [--profile auto|hosted|generic] [--server-env NAME=VALUE]... [--tls] [--baseline FILE]
        [--write-baseline FILE] [--call-timeout S] [--examples N] [--faults LIST]
        [--token-budget N] [--tool-token-budget N]

    freshservice-harness diff-tools OLD NEW

    freshservice-harness drift CASSETTE [--fake-url URL] [--key KEY] [--min-score PERCENT]
        [--html FILE] [--junit FILE] [--verbose]

    freshservice-harness config --client claude-code|claude-desktop|cursor|vscode|copilot-studio
        [--auth oauth|api-key] [--url URL] [--key KEY] [--name NAME] [--json]
    freshservice-harness config --client claude-code|claude-desktop|cursor|vscode --stdio
        [--base-url URL] [--key KEY] [--name NAME] [--json]

Exit codes: 0 all passed, 1 a scenario or check failed, 2 bad usage or a bad scenario file.
diff-tools: 0 no breaking change, 1 a breaking change, 2 OLD or NEW unreadable.
drift: 0 compared, 1 the conformance score is under --min-score, 2 bad usage (an unreadable
    cassette, a fake that cannot be reached or does not know the key).
config: 0 printed, 2 bad usage (an unknown client, an empty key, a URL that is not http(s),
    --key or --stdio with --auth oauth).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from contracts import client_config
from contracts.addresses import DEFAULT_FAKE_PORT, DEFAULT_HOST, DEFAULT_MCP_PORT
from mock_freshservice.settings import PLANS

if TYPE_CHECKING:
    from contracts.replay import ReplayReport, ServerTarget
    from mock_freshservice.scenario import Scenario

# Each command imports what it runs when it runs: `--help` and `config` answer without loading
# the fake, the MCP client or pytest.

OK, FAILED, USAGE = 0, 1, 2
INTERRUPTED = 130  # as a shell reports a command stopped by Ctrl-C
KEY_VARIABLE = "FRESHSERVICE_HARNESS_KEY"  # replay's --key, out of sight of ps


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="freshservice-harness",
        description="Build, run and check a Freshservice MCP server without a real tenant.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _add_up_parser(commands)
    play = commands.add_parser(
        "replay",
        help="replay scenario files against a server and check what it did",
        description=(
            "Start the fake with each scenario (or use --fake-url), run the scenario's steps "
            "through a real MCP client against the server under test, check every expectation, "
            "and print a report. Exits 1 if any scenario fails."
        ),
    )
    play.add_argument("files", nargs="*", type=Path, metavar="FILE", help="scenario files")
    play.add_argument(
        "--shipped", action="store_true", help="also replay every scenario shipped with the harness"
    )
    target = play.add_mutually_exclusive_group()
    target.add_argument(
        "--server-command",
        metavar="CMD",
        help="a stdio MCP server to test, as one shell-quoted command (default: ours); it gets "
        "FRESHSERVICE_BASE_URL, FRESHSERVICE_API_KEY and the scenario's settings",
    )
    target.add_argument(
        "--server-url",
        metavar="URL",
        help="a running Streamable HTTP server to test (needs --fake-url: the fake it talks to)",
    )
    play.add_argument(
        "--fake-url", metavar="URL", help="a running fake to use instead of one's own"
    )
    play.add_argument(
        "--key",
        default=os.environ.get(KEY_VARIABLE) or None,
        help="replay with this API key (and its account) instead of the scenario's "
        f"(default: {KEY_VARIABLE}, which other users cannot read in ps)",
    )
    play.add_argument("--junit", type=Path, metavar="FILE", help="also write JUnit XML here")
    _add_report_flags(play)
    play.add_argument("--verbose", "-v", action="store_true", help="show every step's result")

    check = commands.add_parser(
        "check",
        help="run the contract suites against a server build",
        description=(
            "Run every contract suite (tool schemas, property-based calls, rate limits, the "
            "shipped scenarios, the documented prompts) against the server under test: ours by "
            "default, started against a fake that check owns. Exits 1 if any check fails."
        ),
    )
    target = check.add_mutually_exclusive_group()
    target.add_argument("--server-command", metavar="CMD", help="a stdio MCP server to test")
    target.add_argument(
        "--server-url", metavar="URL", help="a running Streamable HTTP server (needs --fake-url)"
    )
    check.add_argument("--fake-url", metavar="URL", help="a running fake to use")
    check.add_argument("--junit", type=Path, metavar="FILE", help="also write JUnit XML here")
    _add_report_flags(check)
    check.add_argument(
        "-k", dest="select", metavar="EXPR", help="only the checks matching (pytest's -k)"
    )
    check.add_argument(
        "pytest_args", nargs="*", metavar="-- PYTEST_ARGS", help="more arguments for pytest"
    )
    _add_generic_flags(check)
    diff = commands.add_parser(
        "diff-tools",
        help="say which changes between two sets of tool schemas break clients",
        description=(
            "Compare two sets of tools, each a folder of tool snapshots (like contracts/toolsnaps) "
            "or one JSON file holding a list of tools, and print one line per change: BREAKING "
            "(a tool removed or renamed, a required input added, an input narrowed, an output "
            "field removed or retyped, a read-only tool made writing, ...) or compatible. Exits 1 "
            "if any change is breaking, 2 if OLD or NEW cannot be read."
        ),
    )
    diff.add_argument("old", type=Path, metavar="OLD", help="the tools before: folder or file")
    diff.add_argument("new", type=Path, metavar="NEW", help="the tools after: folder or file")
    _add_drift_parser(commands)
    _add_config_parser(commands)
    return parser


PROFILES = ("auto", "hosted", "generic")


def _add_generic_flags(check: argparse.ArgumentParser) -> None:
    from contracts.generic.findings import FAULT_NAMES

    check.add_argument(
        "--profile",
        choices=PROFILES,
        default="auto",
        help="hosted: the suites of the hosted server's 34 tools; generic: the suites for any "
        "Freshservice MCP server (surface, honest annotations, property calls, a fault matrix, "
        "pagination); auto (default): hosted for our server, with -k or pytest arguments, or "
        "when the server lists at least half of the 34 tools, else generic",
    )
    generic = check.add_argument_group("generic profile")
    generic.add_argument(
        "--server-env",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="an environment variable for the stdio server (repeatable); VALUE may hold "
        "{base_url} (the fake's URL), {host} (its host:port, for servers that take a domain), "
        "{key} (the account's API key), {domain} (the account's Freshservice domain) and "
        "{ca_file} (the fake's CA, with --tls). Default: FRESHSERVICE_BASE_URL={base_url} and "
        "FRESHSERVICE_API_KEY={key}",
    )
    generic.add_argument(
        "--tls",
        action="store_true",
        help="the fake over HTTPS from a fresh local CA (for servers that only speak https); "
        "SSL_CERT_FILE, REQUESTS_CA_BUNDLE and NODE_EXTRA_CA_CERTS name the CA",
    )
    generic.add_argument(
        "--fake-ca", type=Path, metavar="FILE", help="the CA of an https --fake-url"
    )
    generic.add_argument(
        "--call-timeout",
        type=float,
        default=60.0,
        metavar="SECONDS",
        help="how long a tool call may take before it counts as a hang (default %(default)s)",
    )
    generic.add_argument(
        "--examples",
        type=int,
        default=5,
        metavar="N",
        help="calls per tool drawn from its input schema (default %(default)s)",
    )
    generic.add_argument(
        "--faults",
        type=_fault_list,
        default=FAULT_NAMES,
        metavar="LIST",
        help=f"the faults of the matrix, comma-separated (default all: {','.join(FAULT_NAMES)})",
    )
    generic.add_argument(
        "--tools",
        type=lambda text: tuple(name.strip() for name in text.split(",") if name.strip()),
        default=(),
        metavar="NAMES",
        help="check only these tools, comma-separated (fnmatch patterns: 'create*'); the "
        "whole tools/list is still measured",
    )
    generic.add_argument(
        "--token-budget",
        type=int,
        metavar="N",
        help="a finding when the whole tools/list takes more tokens than this",
    )
    generic.add_argument(
        "--tool-token-budget",
        type=int,
        metavar="N",
        help="a finding for each tool definition taking more tokens than this",
    )
    generic.add_argument(
        "--baseline",
        type=Path,
        metavar="FILE",
        help="known failures (tool and check): they do not fail the run; one that passes now "
        "is reported as stale and does",
    )
    generic.add_argument(
        "--write-baseline",
        type=Path,
        metavar="FILE",
        help="write a baseline of this run's failures here",
    )
    generic.add_argument(
        "--verbose", "-v", action="store_true", help="also list the checks that did not run"
    )


def _fault_list(text: str) -> tuple[str, ...]:
    from contracts.generic.findings import FAULT_NAMES

    names = tuple(name.strip() for name in text.split(",") if name.strip())
    unknown = [name for name in names if name not in FAULT_NAMES]
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"unknown fault {', '.join(unknown) or '(none given)'}: choose from "
            f"{', '.join(FAULT_NAMES)}"
        )
    return names


def _add_up_parser(commands: Any) -> None:
    up = commands.add_parser(
        "up",
        help="start the fake and our MCP server wired to it, and say how to connect",
        description=(
            "Start the fake (the demo dataset) and the MCP server over Streamable HTTP, wired to "
            "it; wait until both answer; print the MCP URL, the demo keys and the Claude Code "
            "command. Ctrl-C stops both."
        ),
    )
    up.add_argument("--host", default=DEFAULT_HOST, help="address of both (default %(default)s)")
    up.add_argument(
        "--port",
        type=_port,
        default=DEFAULT_MCP_PORT,
        help="the MCP server's (default %(default)s; 0 = any free port, shown when up)",
    )
    up.add_argument(
        "--fake-port",
        type=_port,
        default=DEFAULT_FAKE_PORT,
        help="the fake's (default %(default)s; 0 = any free port, shown when up)",
    )
    up.add_argument("--seed", type=int, help="seed of the generated data (the fake's --seed)")
    up.add_argument(
        "--scenario", type=Path, metavar="FILE", help="make the fake misbehave as FILE says"
    )
    up.add_argument("--dataset", type=Path, metavar="FILE", help="a dataset YAML of your own")
    up.add_argument("--plan", choices=PLANS, help="the plan of every account (the fake's --plan)")
    up.add_argument(
        "--tls",
        action="store_true",
        help="the fake over HTTPS from its local CA (the fake's --tls), trusted by the server",
    )
    oauth = up.add_argument_group("OAuth")
    oauth.add_argument(
        "--oauth",
        action="store_true",
        help="the MCP server takes OAuth tokens from the fake's authorization server (for the "
        "first account, or the scenario's) instead of API keys; clients sign in in a browser",
    )
    oauth.add_argument(
        "--oauth-auto-approve",
        action="store_true",
        help="the sign-in page approves at once, as the account's admin (the fake's flag)",
    )
    oauth.add_argument(
        "--oauth-token-lifetime",
        type=_positive_seconds,
        metavar="SECONDS",
        help="lifetime of the access tokens issued (default 3600), to watch clients refresh",
    )


def _positive_seconds(text: str) -> int:
    try:
        seconds = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number of seconds: {text!r}") from None
    if seconds < 1:
        raise argparse.ArgumentTypeError("give 1 second or more")
    return seconds


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is not a port: give 1 to 65535, or 0 for any")
    return port


def _up(args: argparse.Namespace) -> int:
    from contracts.up import UpFailed, UpOptions, run_up

    options = UpOptions(
        host=args.host,
        port=args.port,
        fake_port=args.fake_port,
        seed=args.seed,
        scenario=args.scenario,
        dataset=args.dataset,
        plan=args.plan,
        tls=args.tls,
        oauth=args.oauth,
        oauth_auto_approve=args.oauth_auto_approve,
        oauth_token_lifetime=args.oauth_token_lifetime,
    )
    if not args.oauth and (args.oauth_auto_approve or args.oauth_token_lifetime):
        print("freshservice-harness: --oauth-* flags need --oauth", file=sys.stderr)
        return USAGE
    try:
        return run_up(options)
    except UpFailed as exc:
        print(f"freshservice-harness: {exc}", file=sys.stderr)
        return exc.exit_code


def _add_config_parser(commands: Any) -> None:
    config = commands.add_parser(
        "config",
        help="print a client's configuration for this server (OAuth, or an API key)",
        description=(
            "Print what a client needs to reach the MCP server, as Freshworks' MCP guide (the "
            "support article on its hosted Freshservice MCP server) configures it: where it "
            "goes, then the command, file entry or form fields. By default the client signs in "
            "with OAuth, in a browser (the server must take OAuth tokens, as `up --oauth` "
            "starts it); --auth api-key, or --key, prints the API-key configuration instead, "
            "where Claude Desktop and Copilot Studio get a variant (the guide shows them with "
            "OAuth only) and say so. --stdio is API key only. With --json, stdout holds only "
            "the JSON and any note goes to stderr."
        ),
    )
    config.add_argument(
        "--client",
        required=True,
        choices=list(client_config.CLIENTS),
        metavar="CLIENT",
        help=f"the MCP client: {', '.join(client_config.CLIENTS)}",
    )
    config.add_argument(
        "--auth",
        choices=client_config.AUTHS,
        help="oauth: the client signs in in a browser and carries no key (the default); "
        "api-key: it sends --key (the default with --key or --stdio)",
    )
    config.add_argument(
        "--url",
        type=_config_input(client_config.checked_url),
        default=client_config.DEFAULT_URL,
        help="the server's MCP endpoint (default %(default)s, what `up` serves)",
    )
    config.add_argument(
        "--key",
        type=_config_input(client_config.checked_key),
        help=f"the API key the client sends (default {client_config.DEFAULT_KEY}); giving it "
        "means --auth api-key",
    )
    config.add_argument(
        "--name",
        type=_config_input(client_config.checked_name),
        default=client_config.DEFAULT_NAME,
        help="the server's name in the client (default %(default)s)",
    )
    config.add_argument(
        "--json", action="store_true", help="print only the JSON (a file's content, or the fields)"
    )
    config.add_argument(
        "--stdio",
        action="store_true",
        help="an entry with which the client starts this server itself (by its absolute path), "
        "instead of reaching a running one at --url; API key only",
    )
    config.add_argument(
        "--base-url",
        type=_config_input(client_config.checked_url),
        default=client_config.DEFAULT_BASE_URL,
        help="with --stdio: the Freshservice API the server talks to (default %(default)s, the "
        "fake `up` serves)",
    )


# -- drift ------------------------------------------------------------------------------------


def _add_drift_parser(commands: Any) -> None:
    drift = commands.add_parser(
        "drift",
        help="compare the fake with a recording of Freshservice (a cassette), field by field",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=(
            "Send each request a cassette recorded (mock-freshservice record) to the fake, and\n"
            "compare the answer with the recorded one by shape, not data. Each check passes or\n"
            "fails; an endpoint's score (method and path, ids as {id}) is the share passed.\n\n"
            "  status    the HTTP status; when it differs, nothing else of that request is\n"
            "            compared\n"
            "  body      the kind of body (empty, object, array, ..., not JSON)\n"
            "  envelope  each top-level key of the body (ticket against tickets)\n"
            "  field     each deeper JSON path (tickets[].requester_id), where both answers\n"
            "            hold its object or a non-empty list; custom_fields' keys are data\n"
            "  type      the non-null JSON types at each path both have (null against a value\n"
            "            is data, not drift)\n"
            "  enum      each code the fake gives for status, priority, source, type, urgency,\n"
            "            impact, ...: one the cassette recorded for that field somewhere\n"
            "  header    Link, Location, Retry-After and X-RateLimit-*: in both or neither;\n"
            "            Link with the same rels\n\n"
            "Without --fake-url it starts a fake plainly (the demo dataset, its default seed,\n"
            "the wall clock); for a cassette recorded from a fake started with other flags\n"
            "(--seed, --now, --dataset), start one the same way and give --fake-url. The\n"
            "recorded requests are sent in the cassette's order, writes included: against a\n"
            "running fake, they change its data.\n\n"
            "Exit codes: 0 compared, 1 the overall score is under --min-score, 2 bad usage (an\n"
            "unreadable cassette, a fake that cannot be reached or does not know the key)."
        ),
    )
    drift.add_argument(
        "cassette", type=Path, metavar="CASSETTE", help="a cassette folder, or its cassette.yaml"
    )
    drift.add_argument(
        "--fake-url", metavar="URL", help="a running fake to compare (default: start one)"
    )
    drift.add_argument(
        "--key",
        default=os.environ.get(KEY_VARIABLE) or None,
        help=f"send this API key instead of the cassette's (default: {KEY_VARIABLE}, which "
        "other users cannot read in ps); never printed",
    )
    drift.add_argument(
        "--min-score",
        type=_percentage,
        metavar="PERCENT",
        help="exit 1 when the overall score is under this (0 to 100; default: never)",
    )
    drift.add_argument(
        "--html", type=Path, metavar="FILE", help="also write a self-contained HTML report here"
    )
    drift.add_argument("--junit", type=Path, metavar="FILE", help="also write JUnit XML here")
    drift.add_argument(
        "--verbose", "-v", action="store_true", help="also list every request and its checks"
    )


def _percentage(text: str) -> float:
    try:
        value = float(text.strip().removesuffix("%"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a percentage: {text!r}") from None
    if not 0 <= value <= 100:
        raise argparse.ArgumentTypeError(f"not from 0 to 100: {text!r}")
    return value


def _drift(args: argparse.Namespace) -> int:
    from mock_freshservice import extras

    extras.require("harness", "freshservice-harness drift")
    from contracts.drift.cli import drift

    return drift(args)


# -- config -----------------------------------------------------------------------------------


def _config_input(check: Callable[[str], str]) -> Callable[[str], str]:
    """An argparse type from a client_config check: its message in a usage error (exit 2)."""

    def argument(text: str) -> str:
        try:
            return check(text)
        except client_config.ConfigInputError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    return argument


def _config(args: argparse.Namespace) -> int:
    try:
        config = _client_config(args)
    except client_config.ConfigInputError as exc:
        print(f"freshservice-harness config: error: {exc}", file=sys.stderr)
        return USAGE
    if not args.json:
        print(config.text, end="")
        return OK
    print(config.json_text, end="")
    if config.variant is not None:
        print(
            f"note: a variant of the configuration in Freshworks' MCP guide: {config.variant}",
            file=sys.stderr,
        )
    for warning in config.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    return OK


def _client_config(args: argparse.Namespace) -> client_config.ClientConfig:
    """The configuration `config` prints: OAuth unless --auth api-key, --key or --stdio says
    an API key."""
    if not args.stdio:
        auth: client_config.Auth = args.auth or ("oauth" if args.key is None else "api-key")
        return client_config.client_config(args.client, args.url, args.key, args.name, auth)
    if args.auth == "oauth":
        raise client_config.ConfigInputError(
            "--stdio is API key only: OAuth has no meaning on stdio (it protects an HTTP "
            "endpoint, and a server the client starts itself has none); leave out --auth oauth, "
            "or --stdio"
        )
    key = client_config.DEFAULT_KEY if args.key is None else args.key
    return client_config.stdio_config(
        args.client, our_server_command(), args.base_url, key, args.name
    )


def our_server_command() -> list[str]:
    """Our stdio server as a client should start it, by absolute path: the freshservice-mcp
    installed next to this Python, else this Python running its module (from a checkout)."""
    scripts = Path(sys.executable).absolute().parent  # not resolved: a venv's python is a link
    installed = scripts / ("freshservice-mcp.exe" if os.name == "nt" else "freshservice-mcp")
    if installed.is_file():
        return [str(installed)]
    return [str(Path(sys.executable).absolute()), "-m", "server"]


def _add_report_flags(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--html",
        type=Path,
        metavar="FILE",
        help="also write a self-contained HTML report here (written even when checks fail)",
    )
    command.add_argument(
        "--no-progress",
        action="store_true",
        help="no progress bar (one is drawn on stderr only when it is a terminal)",
    )


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return _main(argv)
    except KeyboardInterrupt:  # Ctrl-C: a line, not a traceback (`up` stops its own children)
        print("\nfreshservice-harness: interrupted", file=sys.stderr)
        return INTERRUPTED


def _main(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command in ("up", "check", "replay"):  # they start the fake, the server and clients
        from mock_freshservice import extras

        extras.require("harness", f"freshservice-harness {args.command}")
    if args.command == "up":
        return _up(args)
    if args.command == "check":
        return _check(parser, args)
    if args.command == "diff-tools":
        return _diff_tools(args)
    if args.command == "config":
        return _config(args)
    if args.command == "drift":
        return _drift(args)
    assert args.command == "replay"  # argparse refuses any other
    return _replay(parser, args)


def _check(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    if args.server_url and not args.fake_url:
        parser.error("--server-url needs --fake-url: the fake that server talks to")
    for value in (args.junit, args.html, args.write_baseline):
        if value and (problem := _unwritable(value)):
            print(f"freshservice-harness: {problem}", file=sys.stderr)
            return USAGE
    profile = args.profile
    if profile == "auto":
        # Our own server, or pytest's selection (-k, pytest arguments): the hosted suites.
        asked_hosted = bool(args.select or args.pytest_args)
        custom = bool(args.server_command or args.server_url)
        profile = _detected(args) if custom and not asked_hosted else "hosted"
        if profile == "usage":
            return USAGE
        print(f"freshservice-harness: profile {profile}", file=sys.stderr)
    if profile == "generic":
        from contracts.generic.cli import check_generic

        return check_generic(args)
    generic_only = [
        flag
        for flag, value in (
            ("--baseline", args.baseline),
            ("--write-baseline", args.write_baseline),
            ("--server-env", args.server_env),
            ("--tls", args.tls),
            ("--token-budget", args.token_budget),
            ("--tool-token-budget", args.tool_token_budget),
        )
        if value
    ]
    if generic_only:
        parser.error(f"{', '.join(generic_only)}: only with the generic profile")
    return _check_hosted(args)


def _unwritable(path: Path) -> str | None:
    from contracts import html_report

    return html_report.unwritable(path)


def _detected(args: argparse.Namespace) -> str:
    """The profile of a server given by command or URL: hosted if it lists the 34 tools."""
    from contracts.generic.cli import detect_profile

    return detect_profile(args)


def _check_hosted(args: argparse.Namespace) -> int:
    import contracts.suites
    from contracts import html_report, run_events

    suites = Path(contracts.suites.__file__).parent
    pytest_args = ["-c", str(suites / "pytest.ini"), "--rootdir", str(suites), str(suites)]
    for flag, value in (
        ("--harness-server-command", args.server_command),
        ("--harness-server-url", args.server_url),
        ("--harness-fake-url", args.fake_url),
        ("--junitxml", args.junit),
        ("-k", args.select),
    ):
        if value:
            pytest_args += [flag, str(value)]
    # A pytest of its own, so nothing this process imported changes how the suites run.
    command = [sys.executable, "-m", "pytest", *pytest_args, *args.pytest_args]
    with tempfile.TemporaryDirectory(prefix="freshservice-harness-") as folder:
        events = Path(folder) / "events.jsonl"
        returncode = _run_checks(command, events, html=bool(args.html), bar=not args.no_progress)
        if args.html:
            record = run_events.read_run(events)
            page = html_report.render_check(record, exit_code=returncode)
            if not _write_html(args.html, page):
                return USAGE
    return {0: OK, 1: FAILED}.get(returncode, USAGE)


def _run_checks(command: list[str], events: Path, *, html: bool, bar: bool) -> int:
    """Run the suites' pytest; for a bar or a report it writes its events to `events`."""
    from contracts import progress, run_events

    with progress.bar("Checking", "checks", None, enabled=bar) as shown:
        if not shown.on and not html:
            return subprocess.run(command, check=False).returncode
        env = {**os.environ, run_events.EVENTS_VARIABLE: str(events)}
        if shown.on:
            return progress.run_with_bar(command, env, events, shown)
        return subprocess.run(command, check=False, env=env).returncode


def _write_html(path: Path, page: str) -> bool:
    from contracts import html_report

    try:
        html_report.write(path, page)
    except OSError as exc:
        print(f"freshservice-harness: cannot write {path}: {exc.strerror}", file=sys.stderr)
        return False
    _said_where("HTML report", path)
    return True


def _said_where(what: str, path: Path) -> None:
    """Where a report went, as a full path: a relative one depends on where you ran it from."""
    print(f"freshservice-harness: {what} written to {path.absolute()}", file=sys.stderr)


def _diff_tools(args: argparse.Namespace) -> int:
    from contracts.diff_tools import ToolsInputError, compare_tools, load_tools

    try:
        old, new = load_tools(args.old), load_tools(args.new)
    except ToolsInputError as exc:
        print(f"freshservice-harness: {exc}", file=sys.stderr)
        return USAGE
    changes = compare_tools(old, new)
    for change in changes:
        print(change)
    if not changes:
        print("no changes")
    return FAILED if any(change.breaking for change in changes) else OK


def _replay(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    from contracts import html_report, progress, reporting
    from contracts.paths import shipped_scenarios
    from contracts.processes import DEFAULT_SERVER_COMMAND, command_line
    from contracts.replay import ServerTarget
    from mock_freshservice.scenario import ScenarioError, load_scenario

    if args.server_url and not args.fake_url:
        parser.error("--server-url needs --fake-url: the fake that server talks to")
    files = [*args.files, *(shipped_scenarios() if args.shipped else ())]
    if not files:
        parser.error("give scenario files, or --shipped")
    if args.html and (problem := html_report.unwritable(args.html)):
        print(f"freshservice-harness: {problem}", file=sys.stderr)
        return USAGE
    loaded: list[tuple[Path, Scenario, str]] = []
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
            loaded.append((path, load_scenario(text, name=str(path)), text))
        except OSError as exc:
            print(f"freshservice-harness: cannot read {path}: {exc.strerror}", file=sys.stderr)
            return USAGE
        except ScenarioError as exc:
            print(f"freshservice-harness: {exc.message}", file=sys.stderr)
            return USAGE
    problems = _checked_before_replay(loaded, args)
    for problem in problems:
        print(f"freshservice-harness: {problem}", file=sys.stderr)
    if problems:
        return USAGE
    server = (
        ServerTarget(url=args.server_url)
        if args.server_url
        else ServerTarget(
            command=tuple(command_line(args.server_command or DEFAULT_SERVER_COMMAND))
        )
    )
    reports: list[ReplayReport] = []
    with progress.bar("Replaying", "scenarios", len(loaded), enabled=not args.no_progress) as bar:
        for path, scenario, text in loaded:
            bar.update(current=f"{path.name}: starting")
            report = _replay_one(
                path,
                scenario,
                text,
                server=server,
                fake_url=args.fake_url,
                key=args.key,
                on_step=bar.step_shower(path.name),
            )
            print(reporting.render_text(report, verbose=args.verbose), flush=True)
            reports.append(report)
            bar.advance()
    print(reporting.render_summary(reports))
    if args.junit:
        try:
            reporting.write_junit(reports, args.junit)
        except OSError as exc:
            print(
                f"freshservice-harness: cannot write {args.junit}: {exc.strerror}", file=sys.stderr
            )
            return USAGE
        _said_where("JUnit XML", args.junit)
    if args.html:
        keys = [args.key, *(scenario.key for _, scenario, _ in loaded)]
        if not _write_html(args.html, html_report.render_replays(reports, keys=keys)):
            return USAGE
    return OK if all(r.passed for r in reports) else FAILED


def _checked_before_replay(
    loaded: list[tuple[Path, Scenario, str]], args: argparse.Namespace
) -> list[str]:
    """Problems that would only show mid-run: a key that opens no account of the fake (checked
    against the demo dataset of the fake the replay starts, or by asking a given fake), and,
    for our own server, a step calling a tool it does not have (another server's tools are
    checked once connected)."""
    import httpx

    from contracts.processes import AdminRefused, FakeAdmin
    from contracts.scenario_checks import key_problem, tool_problems
    from contracts.seed import SEED_TOOLS
    from mock_freshservice.data.dataset import load_dataset

    problems: list[str] = []
    if args.fake_url is None:
        demo_keys = {k.key for account in load_dataset().accounts for k in account.api_keys}
        if args.key is not None and args.key not in demo_keys:
            problems.append("--key: no account of the fake has this API key (not shown)")
        elif args.key is None:
            problems += filter(None, (key_problem(s, demo_keys, public=True) for _, s, _ in loaded))
    else:
        admin = FakeAdmin(args.fake_url)
        try:
            for key, scenario in {(args.key or s.key): s for _, s, _ in loaded}.items():
                try:
                    admin.account_of(key)
                except httpx.TransportError:
                    break  # an unreachable fake: each replay reports it
                except AdminRefused:
                    problems.append(
                        "--key: the fake at --fake-url has no such API key (not shown)"
                        if args.key
                        else key_problem(scenario, (), public=False) or ""
                    )
        finally:
            admin.close()
    if args.server_url is None and args.server_command is None:
        for _, scenario, _ in loaded:
            problems += tool_problems(scenario, SEED_TOOLS, "our server")
    return problems


def _replay_one(
    path: Path,
    scenario: Scenario,
    text: str,
    *,
    server: ServerTarget,
    fake_url: str | None,
    key: str | None,
    on_step: Callable[[str], None] | None = None,
) -> ReplayReport:
    import anyio

    from contracts.processes import StartFailed, running_fake
    from contracts.replay import ReplayReport, replay

    with contextlib.ExitStack() as stack:
        owns_fake = fake_url is None
        if fake_url is None:
            flags: list[str] = []
            if scenario.dataset.seed is not None:
                flags += ["--seed", str(scenario.dataset.seed)]
            if scenario.dataset.now is not None:
                flags += ["--now", scenario.dataset.now]
            try:
                fake_url = stack.enter_context(running_fake(*flags))
            except StartFailed as exc:
                report = ReplayReport(name=str(path), description=scenario.description)
                report.problems.append(f"the fake did not start: {exc}")
                return report
        return anyio.run(
            lambda: replay(
                scenario,
                text,
                name=str(path),
                fake_url=fake_url,
                server=server,
                key=key,
                owns_fake=owns_fake,
                on_step=on_step,
            )
        )
