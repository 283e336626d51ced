"""What a drift run reports: a conformance score per endpoint and overall (checks passed over
checks made), then each difference once per endpoint, with how many of its requests showed it.
As text on stdout, as one self-contained HTML page (templates/drift.html.j2, autoescaped) and as
JUnit XML (a test case per endpoint). The API key of the run, and any form it could leak in, is
shown as its journal fingerprint everywhere."""

from __future__ import annotations

import base64
import dataclasses
import math
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from contracts.drift.compare import CHECKS, Compared, Difference
from contracts.drift.run import DriftRun
from contracts.expectations import printable
from contracts.html_templates import render_template
from mock_freshservice.journal import fingerprint

OVERALL = "overall"


class Masker:
    """Text made printable, with each form of the keys given (itself, or in a Basic
    authorization header) replaced by the key's fingerprint."""

    def __init__(self, keys: Iterable[str | None]) -> None:
        forms = []
        for key in filter(None, keys):
            forms.append((key, fingerprint(key)))
            for text in (f"{key}:X", f"{key}:x", f"{key}:"):
                encoded = base64.b64encode(text.encode()).decode().rstrip("=")
                forms.append((encoded, fingerprint(key)))
        self.forms = sorted(forms, key=lambda pair: -len(pair[0]))

    def __call__(self, text: str) -> str:
        for form, shown in self.forms:
            text = text.replace(form, shown)
        return printable(text)


@dataclasses.dataclass
class Score:
    """The checks of one endpoint (or of all: OVERALL) and the differences they found, each with
    the number of requests that showed it."""

    endpoint: str
    requests: int = 0
    checks: int = 0
    passed: int = 0
    made: Counter[str] = dataclasses.field(default_factory=Counter)
    failed: Counter[str] = dataclasses.field(default_factory=Counter)
    differences: dict[Difference, int] = dataclasses.field(default_factory=dict)

    def add(self, done: Compared) -> None:
        self.requests += 1
        self.checks += done.checks
        self.passed += done.passed
        self.made.update(done.made)
        self.failed.update(d.check for d in done.differences)
        for difference in dict.fromkeys(done.differences):
            self.differences[difference] = self.differences.get(difference, 0) + 1

    @property
    def ratio(self) -> float:
        return self.passed / self.checks if self.checks else 1.0

    @property
    def percent(self) -> str:
        """One decimal, rounded down: 100.0% only when every check passed."""
        return f"{math.floor(self.ratio * 1000) / 10:.1f}%"


def scores(compared: Sequence[Compared]) -> tuple[list[Score], Score]:
    """The score of each endpoint (in the order first met) and the overall one."""
    by_endpoint: dict[str, Score] = {}
    overall = Score(OVERALL)
    for done in compared:
        by_endpoint.setdefault(done.endpoint, Score(done.endpoint)).add(done)
        overall.add(done)
    return list(by_endpoint.values()), overall


def difference_line(difference: Difference, seen: int, requests: int) -> str:
    line = str(difference)
    return f"{line}  ({seen} of {requests} requests)" if requests > 1 else line


def _source(run: DriftRun) -> str:
    cassette = run.cassette
    where = f" from {cassette.upstream}" if cassette.upstream else ""
    when = f" at {cassette.recorded_at}" if cassette.recorded_at else ""
    fake = f"a fake started for this run ({run.fake_url})" if run.own_fake else run.fake_url
    account = f", account {run.account}" if run.account else ""
    count = len(cassette.exchanges)
    skipped = len(run.skipped)
    left_out = f", {skipped} recorded 429 answer{'s' * (skipped != 1)} left out" if skipped else ""
    return (
        f"{count} request{'s' * (count != 1)} of {cassette.path} (recorded{where}{when}) "
        f"against {fake}{account}{left_out}"
    )


def render_text(run: DriftRun, mask: Masker, *, verbose: bool = False) -> str:
    endpoints, overall = scores(run.compared)
    lines = [f"freshservice-harness drift: {_source(run)}", ""]
    if verbose:
        for done in run.compared:
            exchange = done.exchange
            query = "&".join(f"{k}={v}" for k, v in exchange.query.items())
            target = f"{exchange.path}?{query}" if query else exchange.path
            lines.append(
                f"  {exchange.method} {target}: recorded {exchange.status}, fake "
                f"{done.answer.status}; {done.passed} of {done.checks} checks passed"
            )
        lines.append("")
    width = max(len(s.endpoint) for s in [*endpoints, overall])
    lines.append(f"{'endpoint':<{width}}  requests  checks  passed    score")
    for score in [*endpoints, overall]:
        lines.append(
            f"{score.endpoint:<{width}}  {score.requests:>8}  {score.checks:>6}  "
            f"{score.passed:>6}  {score.percent:>7}"
        )
    lines.append("")
    count = len(overall.differences)
    if not count:
        lines.append("no differences")
    else:
        lines.append(f"{count} difference{'s' * (count != 1)}:")
        for score in endpoints:
            for difference, seen in score.differences.items():
                lines.append(difference_line(difference, seen, score.requests))
    lines.append(
        f"conformance {overall.percent}: {overall.passed} of {overall.checks} checks passed "
        f"({run.seconds:.1f} s)"
    )
    return "\n".join(mask(line) for line in lines)


def write_junit(run: DriftRun, path: Path, mask: Masker) -> None:
    """One test suite, a test case per endpoint, failing with its differences."""
    endpoints, overall = scores(run.compared)
    root = ET.Element("testsuites", name="freshservice-harness drift")
    suite = ET.SubElement(
        root,
        "testsuite",
        name="drift",
        tests=str(len(endpoints)),
        failures=str(sum(bool(s.differences) for s in endpoints)),
        time=f"{run.seconds:.3f}",
    )
    ET.SubElement(
        ET.SubElement(suite, "properties"), "property", name="conformance", value=overall.percent
    )
    for score in endpoints:
        case = ET.SubElement(suite, "testcase", classname="drift", name=mask(score.endpoint))
        if score.differences:
            count = len(score.differences)
            failure = ET.SubElement(
                case,
                "failure",
                message=f"{count} difference{'s' * (count != 1)}, score {score.percent}",
            )
            failure.text = "\n".join(
                mask(difference_line(d, seen, score.requests))
                for d, seen in score.differences.items()
            )
    ET.indent(root)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)


def render_html(run: DriftRun, mask: Masker, *, exit_code: int) -> str:
    endpoints, overall = scores(run.compared)

    def shown(value: Any) -> Any:
        return mask(value) if isinstance(value, str) else value

    return render_template(
        "drift.html.j2",
        finalize=shown,
        source=_source(run),
        written=datetime.now(UTC).isoformat(timespec="seconds"),
        seconds=f"{run.seconds:.1f}",
        exit_code=exit_code,
        checks=CHECKS,
        overall=_score_row(overall),
        endpoints=[_score_row(score) for score in endpoints],
    )


def _score_row(score: Score) -> dict[str, Any]:
    return {
        "endpoint": score.endpoint,
        "requests": score.requests,
        "checks": score.checks,
        "passed": score.passed,
        "percent": score.percent,
        "made": dict(score.made),
        "failed": dict(score.failed),
        "differences": [
            {
                "check": d.check,
                "subject": d.subject,
                "recorded": d.recorded,
                "fake": d.fake,
                "seen": seen,
            }
            for d, seen in score.differences.items()
        ],
    }
