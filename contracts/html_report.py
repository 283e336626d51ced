"""`--html FILE` for `replay` and `check`: one self-contained page (inline CSS, no script, no
external URL) with the summary numbers, then each scenario or documented prompt with its tool
calls, arguments, trimmed results, upstream requests, failures, rules and journal, and (for
`check`) each contract check with its status.

The template is package data (`contracts/templates/report.html.j2`) rendered by Jinja2 with
autoescape on, and every value goes through `_shown` first: control characters are made
printable and any API key the harness knows (the fake's default dataset's, and those given) is
replaced by its journal fingerprint, so a report can be shared.

Summary numbers sit in elements with stable ids (`scenarios-passed`, `scenarios-failed`,
`checks-passed`, ...) for tools and tests to read.
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from contracts.expectations import printable
from contracts.html_templates import render_template
from contracts.replay import ReplayReport
from contracts.run_events import RunRecord
from mock_freshservice.data.dataset import DatasetError, load_dataset
from mock_freshservice.journal import fingerprint

TEMPLATE = "report.html.j2"
OUTCOMES = ("passed", "failed", "error", "skipped")
SERVER_LOG_LINES = 40  # of the server's stderr, shown for a failed scenario


def unwritable(path: Path) -> str | None:
    """Why a report could not be written at `path`, asked before a long run; None if it can."""
    folder = path.parent
    if path.is_dir():
        return f"cannot write {path}: it is a folder"
    if not folder.is_dir():
        return f"cannot write {path}: no folder {folder}"
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        return f"cannot write {path}: permission denied"
    return None


def write(path: Path, page: str) -> None:
    path.write_text(page, encoding="utf-8")


def render_replays(reports: Sequence[ReplayReport], *, keys: Iterable[str | None] = ()) -> str:
    """The page for `freshservice-harness replay`: a summary, then each scenario."""
    return _render(
        keys,
        title="freshservice-harness replay",
        command="replay",
        scenarios=_scenarios((report, None) for report in reports),
        checks=None,
    )


def render_check(record: RunRecord, *, exit_code: int, keys: Iterable[str | None] = ()) -> str:
    """The page for `freshservice-harness check`: a summary, each check with its status, then
    each scenario replay the checks made (the documented prompts among them)."""
    counts = {outcome: record.count(outcome) for outcome in OUTCOMES}
    checks = {
        "total": len(record.checks),
        "collected": record.collected if record.collected is not None else len(record.checks),
        "exit_code": exit_code,
        **counts,
        "rows": [
            {
                "nodeid": check.nodeid,
                "outcome": check.outcome,
                "seconds": f"{check.seconds:.2f}",
                "message": check.message,
            }
            for check in record.checks
        ],
    }
    return _render(
        keys,
        title="freshservice-harness check",
        command="check",
        scenarios=_scenarios((report, nodeid) for nodeid, report in record.replays),
        checks=checks,
    )


def _render(keys: Iterable[str | None], **context: Any) -> str:
    secrets = sorted({*_dataset_keys(), *(key for key in keys if key)}, key=len, reverse=True)

    def shown(value: Any) -> Any:
        if not isinstance(value, str):
            return value
        text = printable(value)
        for secret in secrets:
            text = text.replace(secret, fingerprint(secret))
        return text

    written = datetime.now(UTC).isoformat(timespec="seconds")
    return render_template(TEMPLATE, finalize=shown, written=written, **context)


@functools.cache
def _dataset_keys() -> tuple[str, ...]:
    """The demo keys of the fake's default dataset: the keys the suites and scenarios use."""
    try:
        dataset = load_dataset()
    except DatasetError:
        return ()
    return tuple(key.key for account in dataset.accounts for key in account.api_keys)


def _scenarios(replays: Iterable[tuple[ReplayReport, str | None]]) -> dict[str, Any]:
    items = [_scenario(number, report, check) for number, (report, check) in enumerate(replays, 1)]
    failed = sum(not item["passed"] for item in items)
    steps = [step for item in items for step in item["steps"]]
    return {
        "total": len(items),
        "passed": len(items) - failed,
        "failed": failed,
        "steps_total": len(steps),
        "steps_failed": sum(not step["passed"] for step in steps),
        "items": items,
    }


def _scenario(number: int, report: ReplayReport, check: str | None) -> dict[str, Any]:
    log = report.server_log.strip().splitlines()[-SERVER_LOG_LINES:]
    return {
        "number": number,
        "name": report.name,
        "description": report.description,
        "prompt": report.prompt,
        "passed": report.passed,
        "account": report.account,
        "seconds": f"{report.seconds:.1f}",
        "check": check,
        "warnings": report.warnings,
        "problems": report.problems,
        "steps": [
            {
                "id": step.id,
                "tool": step.tool,
                "arguments": _as_json(step.arguments),
                "excerpt": step.excerpt,
                "requests": step.requests,
                "failures": step.failures,
                "where": step.where,
                "seconds": f"{step.seconds:.2f}",
                "passed": step.passed,
            }
            for step in report.steps
        ],
        "rules": [
            {"id": rule.get("id"), "matched": rule.get("matched", 0), "fired": rule.get("fired", 0)}
            for rule in report.rules
        ],
        "journal": [_journal_row(entry) for entry in report.journal],
        "server_log": "\n".join(log) if not report.passed else "",
    }


def _as_json(value: Any) -> str:
    """One line when it is short, indented when it is not."""
    line = json.dumps(value, ensure_ascii=False, default=str)
    return (
        line if len(line) <= 100 else json.dumps(value, indent=2, ensure_ascii=False, default=str)
    )


def _journal_row(entry: dict[str, Any]) -> dict[str, Any]:
    key = entry.get("key")
    return {
        "method": entry.get("method", ""),
        "path": entry.get("path", ""),
        "query": entry.get("query", ""),
        "status": entry.get("status", ""),
        "rule": entry.get("rule") or "",
        "early": bool(entry.get("early")),
        "retry_after": "" if entry.get("retry_after") is None else entry["retry_after"],
        "request_id": entry.get("request_id") or "",
        "key": "" if key is None else _fingerprinted(str(key)),
    }


def _fingerprinted(key: str) -> str:
    """The fake journals a key's fingerprint; anything else is made one here."""
    return key if key.startswith("key-") else fingerprint(key)
