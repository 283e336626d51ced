"""`freshservice-harness`: the harness's command for people and CI.

    freshservice-harness replay [FILE...] [--shipped]
        [--server-command CMD | --server-url URL --fake-url URL] [--fake-url URL] [--key KEY]
        [--junit FILE] [--verbose]

    freshservice-harness check [--server-command CMD | --server-url URL --fake-url URL]
        [--fake-url URL] [--junit FILE] [-k EXPR] [-- PYTEST_ARGS]

    freshservice-harness diff-tools OLD NEW

Exit codes: 0 all passed, 1 a scenario or check failed, 2 bad usage or a bad scenario file.
diff-tools: 0 no breaking change, 1 a breaking change, 2 OLD or NEW unreadable.
"""

from __future__ import annotations

import argparse
import contextlib
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import anyio

import contracts.suites
from contracts import reporting
from contracts.diff_tools import ToolsInputError, compare_tools, load_tools
from contracts.paths import shipped_scenarios
from contracts.processes import DEFAULT_SERVER_COMMAND, StartFailed, command_line, running_fake
from contracts.replay import ReplayReport, ServerTarget, replay
from mock_freshservice.scenario import Scenario, ScenarioError, load_scenario

OK, FAILED, USAGE = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="freshservice-harness",
        description="Build, run and check a Freshservice MCP server without a real tenant.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
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
        "--key", help="replay with this API key (and its account) instead of the scenario's"
    )
    play.add_argument("--junit", type=Path, metavar="FILE", help="also write JUnit XML here")
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
    check.add_argument(
        "-k", dest="select", metavar="EXPR", help="only the checks matching (pytest's -k)"
    )
    check.add_argument(
        "pytest_args", nargs="*", metavar="-- PYTEST_ARGS", help="more arguments for pytest"
    )
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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "check":
        return _check(parser, args)
    if args.command == "diff-tools":
        return _diff_tools(args)
    assert args.command == "replay"  # argparse refuses any other
    return _replay(parser, args)


def _check(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    if args.server_url and not args.fake_url:
        parser.error("--server-url needs --fake-url: the fake that server talks to")
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
    done = subprocess.run(command, check=False)
    return {0: OK, 1: FAILED}.get(done.returncode, USAGE)


def _diff_tools(args: argparse.Namespace) -> int:
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
    if args.server_url and not args.fake_url:
        parser.error("--server-url needs --fake-url: the fake that server talks to")
    files = [*args.files, *(shipped_scenarios() if args.shipped else ())]
    if not files:
        parser.error("give scenario files, or --shipped")
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
    server = (
        ServerTarget(url=args.server_url)
        if args.server_url
        else ServerTarget(
            command=tuple(command_line(args.server_command or DEFAULT_SERVER_COMMAND))
        )
    )
    reports: list[ReplayReport] = []
    for path, scenario, text in loaded:
        report = _replay_one(
            path, scenario, text, server=server, fake_url=args.fake_url, key=args.key
        )
        print(reporting.render_text(report, verbose=args.verbose), flush=True)
        reports.append(report)
    print(reporting.render_summary(reports))
    if args.junit:
        try:
            reporting.write_junit(reports, args.junit)
        except OSError as exc:
            print(
                f"freshservice-harness: cannot write {args.junit}: {exc.strerror}", file=sys.stderr
            )
            return USAGE
    return OK if all(r.passed for r in reports) else FAILED


def _replay_one(
    path: Path,
    scenario: Scenario,
    text: str,
    *,
    server: ServerTarget,
    fake_url: str | None,
    key: str | None,
) -> ReplayReport:
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
            )
        )
