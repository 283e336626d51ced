"""`freshservice-harness check --profile generic`: the flags turned into a run, its reports and
its exit code (0 clean or only known failures, 1 a new failure or a stale baseline entry,
2 bad usage or a run that could not start)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

import anyio

from contracts.generic import baseline, report
from contracts.generic.findings import settle
from contracts.generic.run import Options, Outcome, run, the_fake
from contracts.generic.target import ServerUnderTest, Worker, demo_accounts
from contracts.processes import DEFAULT_SERVER_COMMAND, StartFailed, command_line
from contracts.seed import SEED_TOOLS

OK, FAILED, USAGE = 0, 1, 2


def options_of(args: argparse.Namespace) -> Options | str:
    """The run's options, or what is wrong with the flags."""
    env: list[tuple[str, str]] = []
    for item in args.server_env:
        name, sep, value = item.partition("=")
        if not sep or not name:
            return f"--server-env {item!r}: give NAME=VALUE"
        env.append((name, value))
    if args.server_command:
        server = ServerUnderTest(command=tuple(command_line(args.server_command)), env=tuple(env))
    elif args.server_url:
        server = ServerUnderTest(url=args.server_url, env=tuple(env))
    else:
        server = ServerUnderTest(command=tuple(DEFAULT_SERVER_COMMAND), env=tuple(env))
    if args.call_timeout <= 0:
        return "--call-timeout: give a number of seconds above 0"
    if args.examples < 0:
        return "--examples: give 0 or more"
    return Options(
        server=server,
        fake_url=args.fake_url,
        fake_ca=args.fake_ca,
        tls=args.tls,
        call_timeout=args.call_timeout,
        examples=args.examples,
        tool_token_budget=args.tool_token_budget,
        token_budget=args.token_budget,
        faults=tuple(args.faults),
        tools=tuple(args.tools),
    )


def detect_profile(args: argparse.Namespace) -> str:
    """ "hosted" when the server lists at least half of the hosted server's 34 tools, else
    "generic"; "usage" (after saying why) when it cannot be asked."""
    options = options_of(args)
    if isinstance(options, str):
        print(f"freshservice-harness: {options}", file=sys.stderr)
        return "usage"

    async def listed() -> set[str]:
        with the_fake(options) as fake:
            worker = Worker(options.server, fake, demo_accounts()[0], options.call_timeout)
            try:
                await worker.start()
                return {tool.name for tool in await worker.list_tools()}
            finally:
                await worker.stop()
                worker.close()

    try:
        names = anyio.run(listed)
    except (StartFailed, OSError, Exception) as exc:
        print(f"freshservice-harness: could not list the server's tools: {exc}", file=sys.stderr)
        return "usage"
    return "hosted" if looks_hosted(names) else "generic"


def looks_hosted(names: set[str]) -> bool:
    """A server built to be the hosted one lists most of its 34 tools: its gaps and renames are
    then what the hosted suites name (a generic run would pass over them). Fewer than half of
    them: another server, for the generic suites."""
    return 2 * len(set(SEED_TOOLS) & names) >= len(SEED_TOOLS)


def check_generic(args: argparse.Namespace) -> int:
    options = options_of(args)
    if isinstance(options, str):
        print(f"freshservice-harness: {options}", file=sys.stderr)
        return USAGE
    known: list[tuple[str, str]] = []
    if args.baseline is not None:
        try:
            known = baseline.load(args.baseline)
        except baseline.BaselineError as exc:
            print(f"freshservice-harness: {exc}", file=sys.stderr)
            return USAGE

    def progress(text: str) -> None:
        if not args.no_progress and sys.stderr.isatty():
            print(f"\r\x1b[K{text}", end="", file=sys.stderr, flush=True)

    try:
        outcome: Outcome = anyio.run(lambda: run(options, progress))
    except StartFailed as exc:
        print(f"freshservice-harness: {exc}", file=sys.stderr)
        return USAGE
    except Exception as exc:
        print(
            f"freshservice-harness: the check could not run: {type(exc).__name__}: {exc}",
            file=sys.stderr,
        )
        return USAGE
    if outcome.problems:
        for problem in outcome.problems:
            print(f"freshservice-harness: {problem}", file=sys.stderr)
        return USAGE
    stale_entries = settle(outcome.rows, known)
    mask = report.Masker(account.key for account in demo_accounts())
    failed = any(row.status in ("failed", "stale") for row in outcome.rows) or bool(stale_entries)
    exit_code = FAILED if failed else OK
    print(report.render_text(outcome, stale_entries, mask, verbose=args.verbose))

    def html(path: Path) -> None:
        page = report.render_html(outcome, stale_entries, mask, exit_code)
        path.write_text(page, encoding="utf-8")

    def junit(path: Path) -> None:
        report.write_junit(outcome, stale_entries, path, mask)

    def known_failures(path: Path) -> None:
        path.write_text(baseline.render(outcome.rows, mask(outcome.server)), encoding="utf-8")

    written: list[tuple[Path | None, Callable[[Path], None]]] = [
        (args.junit, junit),
        (args.html, html),
        (args.write_baseline, known_failures),
    ]
    for path, write in written:
        if path is None:
            continue
        try:
            write(path)
        except OSError as exc:
            print(f"freshservice-harness: cannot write {path}: {exc.strerror}", file=sys.stderr)
            return USAGE
        print(f"freshservice-harness: written to {Path(path).absolute()}", file=sys.stderr)
    return exit_code
