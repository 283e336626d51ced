"""`freshservice-harness drift CASSETTE`: the run behind the command (contracts/cli.py declares
its flags). Exit codes: 0 compared (whatever the score, unless --min-score), 1 the overall score
is under --min-score, 2 bad usage (an unreadable cassette, a fake that does not start or cannot
be reached, a key it does not know, a report that cannot be written)."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from pathlib import Path

from contracts.drift.report import Masker, render_html, render_text, scores, write_junit
from contracts.drift.run import DriftInputError, DriftRun, read_cassette, run_drift
from contracts.processes import StartFailed, running_fake

OK, FAILED, USAGE = 0, 1, 2
PREFIX = "freshservice-harness drift"


def _say(text: str) -> None:
    print(f"{PREFIX}: {text}", file=sys.stderr)


def drift(args: argparse.Namespace) -> int:
    for path in (args.html, args.junit):
        if path is not None and (problem := unwritable(path)):
            _say(problem)
            return USAGE
    try:
        cassette = read_cassette(args.cassette)
    except DriftInputError as exc:
        _say(str(exc))
        return USAGE
    key = args.key or cassette.key
    mask = Masker([key, cassette.key])
    with contextlib.ExitStack() as stack:
        fake_url = args.fake_url
        if fake_url is None:
            try:
                fake_url = stack.enter_context(running_fake())
            except StartFailed as exc:
                _say(mask(f"the fake did not start: {exc}"))
                return USAGE
        try:
            run = run_drift(cassette, fake_url, key, own_fake=args.fake_url is None)
        except DriftInputError as exc:
            _say(mask(str(exc)))
            return USAGE
    _, overall = scores(run.compared)
    code = OK
    if args.min_score is not None and overall.ratio * 100 < args.min_score:
        code = FAILED
    print(render_text(run, mask, verbose=args.verbose), flush=True)
    if code == FAILED:
        _say(f"conformance {overall.percent} is under --min-score {args.min_score:g}%")
    return _write_reports(args, run, mask, code)


def _write_reports(args: argparse.Namespace, run: DriftRun, mask: Masker, code: int) -> int:
    try:
        if args.junit is not None:
            write_junit(run, args.junit, mask)
            _said_where("JUnit XML", args.junit)
        if args.html is not None:
            args.html.write_text(render_html(run, mask, exit_code=code), encoding="utf-8")
            _said_where("HTML report", args.html)
    except OSError as exc:
        _say(f"cannot write {exc.filename}: {exc.strerror}")
        return USAGE
    return code


def unwritable(path: Path) -> str | None:
    """Why a report could not be written at `path`, asked before the run; None if it can. (As
    contracts.html_report asks, without loading what that module needs.)"""
    if path.is_dir():
        return f"cannot write {path}: it is a folder"
    if not path.parent.is_dir():
        return f"cannot write {path}: no folder {path.parent}"
    if not os.access(path.parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        return f"cannot write {path}: permission denied"
    return None


def _said_where(what: str, path: Path) -> None:
    _say(f"{what} written to {path.absolute()}")
