"""What a replay prints for people, and the JUnit XML CI systems read."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path

from contracts.expectations import printable
from contracts.replay import ReplayReport

PASS, FAIL = "PASS", "FAIL"


def render_text(report: ReplayReport, *, verbose: bool = False) -> str:
    """A readable account of one replay: each step, what it sent upstream, what failed."""
    lines = [
        f"{PASS if report.passed else FAIL}  {report.name} ({report.seconds:.1f} s)",
        f"      {report.description}",
    ]
    if report.prompt:
        lines.append(f'      prompt: "{report.prompt}"')
    if report.account:
        lines.append(f"      account {report.account}")
    for warning in report.warnings:
        lines.append(f"      warning: {warning}")
    for step in report.steps:
        mark = "ok  " if step.passed else "FAIL"
        at = f" at {step.where}" if step.where and not step.passed else ""
        lines.append(f"  {mark} step {step.id}: {step.tool} ({step.seconds:.2f} s){at}")
        if step.requests:
            lines.append(f"         upstream: {', '.join(step.requests)}")
        for failure in step.failures:
            lines.append(f"         failed: {failure}")
        if verbose or not step.passed:
            lines.append(f"         result: {step.excerpt}")
    if report.rules:
        fired = ", ".join(f"{r['id']} x{r.get('fired', 0)}" for r in report.rules)
        lines.append(f"  rules fired: {fired}")
    for problem in report.problems:
        lines.append(f"  FAIL {printable(problem)}")
    if not report.passed and report.server_log.strip():
        tail = report.server_log.strip().splitlines()[-5:]
        lines.append("  server's stderr (last lines):")
        lines += [f"         {line}" for line in tail]
    # Results, descriptions and logs can carry text from anywhere: nothing reaches the terminal
    # that could rewrite it.
    return printable("\n".join(lines))


def render_summary(reports: Sequence[ReplayReport]) -> str:
    failed = [r for r in reports if not r.passed]
    return f"{len(reports) - len(failed)} of {len(reports)} scenarios passed" + (
        f"; failed: {', '.join(r.name for r in failed)}" if failed else ""
    )


def write_junit(reports: Sequence[ReplayReport], path: Path) -> None:
    """One <testsuite> per scenario, one <testcase> per step, plus one for the rules."""
    suites = ET.Element("testsuites", name="freshservice-harness replay")
    for report in reports:
        cases = len(report.steps) + 1
        failures = sum(not s.passed for s in report.steps) + bool(report.problems)
        suite = ET.SubElement(
            suites,
            "testsuite",
            name=report.name,
            tests=str(cases),
            failures=str(failures),
            time=f"{report.seconds:.3f}",
        )
        for step in report.steps:
            case = ET.SubElement(
                suite,
                "testcase",
                classname=report.name,
                name=f"{step.id}: {step.tool}",
                time=f"{step.seconds:.3f}",
            )
            if not step.passed:
                failure = ET.SubElement(case, "failure", message=printable(step.failures[0][:200]))
                failure.text = printable("\n".join(step.failures) + f"\nresult: {step.excerpt}")
            ET.SubElement(case, "system-out").text = "\n".join(step.requests)
        setup = ET.SubElement(
            suite, "testcase", classname=report.name, name="set-up, server and every rule fired"
        )
        if report.problems:
            failure = ET.SubElement(setup, "failure", message=printable(report.problems[0][:200]))
            failure.text = printable("\n".join(report.problems))
    ET.indent(suites)
    path.write_text(ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n")
