"""What the generic suites find: one `Row` per suite, check and tool (a tool and a fault is one row
of the fault matrix), holding the rules it broke as `Finding`s with their evidence (the call,
the upstream requests the fake journaled for it, what came back).

A row's key, `(tool, check)`, is what a baseline file names; `SERVER` stands for the server as a
whole (the size of the whole tools/list, the key on stderr)."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

SERVER = "*"  # the tool of a row about the whole server
SUITES = ("surface", "annotations", "properties", "faults", "pagination")
# The fault matrix's columns (contracts/generic/faults.py says what each one is).
FAULT_NAMES = (
    "rate-limited",
    "unavailable",
    "server-error",
    "dropped-connection",
    "timeout",
    "malformed-body",
    "revoked-key",
)

Status = Literal["passed", "failed", "known", "stale", "not-run"]


@dataclasses.dataclass(frozen=True)
class Upstream:
    """One request the fake journaled while a call ran."""

    method: str
    path: str
    query: str
    status: int  # 0: no HTTP answer (a dropped connection)
    rule: str | None = None  # the scenario rule that fired on it
    early: bool = False  # sent before a Retry-After covering it had elapsed

    @classmethod
    def of(cls, entry: Mapping[str, Any]) -> Upstream:
        return cls(
            str(entry["method"]),
            str(entry["path"]),
            str(entry.get("query") or ""),
            int(entry["status"]),
            entry.get("rule"),
            bool(entry.get("early")),
        )

    def __str__(self) -> str:
        target = self.path + (f"?{self.query}" if self.query else "")
        answer = "no answer" if self.status == 0 else str(self.status)
        notes = [f"rule {self.rule}"] if self.rule else []
        if self.early:
            notes.append("before Retry-After")
        return f"{self.method} {target} → {answer}" + (f" ({', '.join(notes)})" if notes else "")


@dataclasses.dataclass(frozen=True)
class Call:
    """A tool call and what it caused."""

    tool: str
    arguments: Mapping[str, Any]
    is_error: bool | None  # None: no result (a protocol error or no answer in time)
    text: str  # the result's text, or the protocol error, or why there is none
    requests: tuple[Upstream, ...]
    seconds: float
    protocol_error: bool = False
    timed_out: bool = False
    stderr: str = ""  # what the server wrote on stderr meanwhile (stdio servers)

    def shown(self) -> str:
        return f"{self.tool} {json.dumps(dict(self.arguments), ensure_ascii=False, default=str)}"

    @property
    def api_requests(self) -> tuple[Upstream, ...]:
        return tuple(r for r in self.requests if r.path.startswith("/api/"))


@dataclasses.dataclass(frozen=True)
class Finding:
    """A rule broken, with its evidence."""

    rule: str  # the rule, stated as what should hold
    detail: str  # what happened instead
    call: Call | None = None

    def as_json(self) -> dict[str, Any]:
        shown: dict[str, Any] = {"rule": self.rule, "detail": self.detail}
        if self.call is not None:
            shown["call"] = {"tool": self.call.tool, "arguments": dict(self.call.arguments)}
            shown["requests"] = [str(r) for r in self.call.requests]
            shown["result"] = self.call.text[:500]
        return shown


@dataclasses.dataclass
class Row:
    """One check of one tool (or of the server)."""

    suite: str
    check: str  # "<suite>.<name>", e.g. "faults.timeout"
    tool: str
    findings: list[Finding] = dataclasses.field(default_factory=list)
    note: str = ""  # for a row not run: why; for a passed one: what was measured
    ran: bool = True
    status: Status = "passed"  # set by `settle` once the baseline is known

    @property
    def key(self) -> tuple[str, str]:
        return (self.tool, self.check)

    @property
    def failed(self) -> bool:
        return self.ran and bool(self.findings)


def settle(rows: Iterable[Row], baseline: Iterable[tuple[str, str]] = ()) -> list[tuple[str, str]]:
    """Give each row its status against the baseline's known failures; return the baseline
    entries that match no row that ran (the tool or check is gone): stale as well."""
    known = set(baseline)
    seen: set[tuple[str, str]] = set()
    for row in rows:
        if not row.ran:
            row.status = "not-run"
            continue
        seen.add(row.key)
        if row.key in known:
            row.status = "known" if row.failed else "stale"
        else:
            row.status = "failed" if row.failed else "passed"
    return sorted(known - seen)


@dataclasses.dataclass
class Score:
    suite: str
    passed: int = 0  # passed, or failing as the baseline expects
    failed: int = 0  # new failures and stale baseline entries
    known: int = 0
    not_run: int = 0

    @property
    def ran(self) -> int:
        return self.passed + self.failed

    def __str__(self) -> str:
        text = f"{self.suite} {self.passed}/{self.ran}"
        if self.known:
            text += f" ({self.known} known)"
        return text


def scores(rows: Sequence[Row]) -> list[Score]:
    table = {suite: Score(suite) for suite in SUITES}
    for row in rows:
        score = table.setdefault(row.suite, Score(row.suite))
        if row.status == "not-run":
            score.not_run += 1
        elif row.status in ("failed", "stale"):
            score.failed += 1
        else:
            score.passed += 1
            score.known += row.status == "known"
    return [score for score in table.values() if score.ran or score.not_run]
