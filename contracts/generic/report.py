"""What a generic run reports: text on stdout, JUnit XML and one HTML page, each grouped by
tool and then by check, each finding with the rule it breaks, the call, the upstream requests
and the result. Every API key the run used is shown as its journal fingerprint."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from contracts.expectations import printable
from contracts.generic.findings import SERVER, Row, scores
from contracts.generic.run import Outcome
from contracts.generic.target import secrets_of
from contracts.html_templates import render_template
from mock_freshservice.journal import fingerprint

LABELS = {"failed": "FAILED", "stale": "STALE", "known": "KNOWN", "passed": "ok", "not-run": "-"}


class Masker:
    def __init__(self, keys: Iterable[str]) -> None:
        self.forms = sorted(
            ((form, fingerprint(key)) for key in keys for form in secrets_of(key) if form),
            key=lambda pair: -len(pair[0]),
        )

    def __call__(self, text: str) -> str:
        for form, shown in self.forms:
            text = text.replace(form, shown)
        return printable(text)


def counts(rows: Sequence[Row]) -> dict[str, int]:
    table = dict.fromkeys(LABELS, 0)
    for row in rows:
        table[row.status] += 1
    return table


def render_text(
    outcome: Outcome, stale_entries: Sequence[tuple[str, str]], mask: Masker, verbose: bool
) -> str:
    lines = [
        "freshservice-harness check: generic profile",
        f"server: {mask(outcome.server)}",
    ]
    lines += [note.note for note in outcome.rows if note.check == "surface.list-tokens"]
    for problem in outcome.problems:
        lines.append(f"could not run: {mask(problem)}")
    for row in outcome.rows:
        if row.status in ("failed", "stale", "known") or (verbose and row.status != "passed"):
            lines.append("")
            lines.append(f"{LABELS[row.status]}  {row.tool}  {row.check}")
            if row.status == "stale":
                lines.append("    in the baseline, but it passes now: remove the entry")
            if row.status == "not-run":
                lines.append(f"    not run: {mask(row.note)}")
            for finding in row.findings:
                lines += ["    " + line for line in _finding_lines(finding, mask)]
    for tool, check in stale_entries:
        lines.append("")
        lines.append(f"STALE  {tool}  {check}")
        lines.append("    in the baseline, but the run has no such check of that tool")
    table = counts(outcome.rows)
    lines.append("")
    lines.append("scores: " + " · ".join(str(s) for s in scores(outcome.rows)))
    lines.append(
        f"{len(outcome.rows)} checks of {len(outcome.tools)} tools: {table['passed']} passed, "
        f"{table['failed']} failed, {table['known']} known (baseline), "
        f"{table['stale'] + len(stale_entries)} stale, {table['not-run']} not run "
        f"({outcome.seconds:.0f} s)"
    )
    return "\n".join(lines)


def _finding_lines(finding: Any, mask: Masker) -> list[str]:
    lines = [f"rule: {finding.rule}", f"what: {mask(finding.detail)}"]
    if finding.call is not None:
        call = finding.call
        lines.append(f"call: {mask(call.shown())[:400]}")
        lines.append(
            "upstream: " + ("; ".join(str(r) for r in call.requests) or "no request")[:600]
        )
        lines.append(f"result: {mask(' '.join(call.text.split()))[:400]}")
    return lines


def write_junit(
    outcome: Outcome, stale_entries: Sequence[tuple[str, str]], path: Path, mask: Masker
) -> None:
    root = ET.Element("testsuites", name="freshservice-harness check")
    by_suite: dict[str, list[Row]] = {}
    for row in outcome.rows:
        by_suite.setdefault(row.suite, []).append(row)
    for suite, rows in by_suite.items():
        element = ET.SubElement(root, "testsuite", name=suite, tests=str(len(rows)))
        failures = skipped = 0
        for row in rows:
            case = ET.SubElement(
                element, "testcase", classname=f"{suite}.{row.tool}", name=row.check
            )
            if row.status in ("failed", "stale"):
                failures += 1
                message = (
                    "stale baseline entry: the check passes now"
                    if row.status == "stale"
                    else "; ".join(f.rule for f in row.findings)
                )
                failure = ET.SubElement(case, "failure", message=message)
                failure.text = "\n\n".join("\n".join(_finding_lines(f, mask)) for f in row.findings)
            elif row.status in ("known", "not-run"):
                skipped += 1
                reason = (
                    "known failure (baseline): " + "; ".join(f.rule for f in row.findings)
                    if row.status == "known"
                    else f"not run: {mask(row.note)}"
                )
                ET.SubElement(case, "skipped", message=reason)
        element.set("failures", str(failures))
        element.set("skipped", str(skipped))
    if stale_entries:
        element = ET.SubElement(root, "testsuite", name="baseline", tests=str(len(stale_entries)))
        element.set("failures", str(len(stale_entries)))
        for tool, check in stale_entries:
            case = ET.SubElement(element, "testcase", classname=f"baseline.{tool}", name=check)
            ET.SubElement(case, "failure", message="stale baseline entry: no such check ran")
    ET.indent(root)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)


def render_html(
    outcome: Outcome, stale_entries: Sequence[tuple[str, str]], mask: Masker, exit_code: int
) -> str:
    tools: dict[str, list[dict[str, Any]]] = {}
    for row in outcome.rows:
        tools.setdefault(row.tool, []).append(
            {
                "suite": row.suite,
                "check": row.check,
                "status": row.status,
                "label": LABELS[row.status],
                "note": mask(row.note),
                "findings": [
                    {
                        "rule": f.rule,
                        "detail": mask(f.detail),
                        "call": mask(f.call.shown()) if f.call else None,
                        "requests": [str(r) for r in f.call.requests] if f.call else [],
                        "result": mask(f.call.text[:2000]) if f.call else None,
                    }
                    for f in row.findings
                ],
            }
        )
    ordered = sorted(
        tools.items(),
        key=lambda item: (
            item[0] != SERVER,
            not any(r["status"] in ("failed", "stale") for r in item[1]),
            item[0],
        ),
    )
    return render_template(
        "generic.html.j2",
        server=mask(outcome.server),
        generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        tokenizer=outcome.tokenizer,
        scores=scores(outcome.rows),
        counts=counts(outcome.rows),
        tools=ordered,
        tool_count=len(outcome.tools),
        stale_entries=stale_entries,
        exit_code=exit_code,
        seconds=round(outcome.seconds),
        problems=[mask(p) for p in outcome.problems],
    )
