"""The annotations suite: a tool's hints against what its calls made the fake see.

- `readOnlyHint: true` — it never sends POST, PUT, PATCH or DELETE;
- `destructiveHint: false` (on a tool that writes) — it never sends DELETE;
- `idempotentHint: true` — the same call made twice does not create twice (a second POST
  answered 201/200 after the first was).
A hint a tool does not give is not checked (the spec's defaults are the cautious ones)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from contracts.generic.findings import Call, Finding, Row

WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
READ_ONLY = "a tool marked readOnlyHint sends no POST, PUT, PATCH or DELETE"
NOT_DESTRUCTIVE = "a tool marked destructiveHint: false sends no DELETE"
IDEMPOTENT = "a tool marked idempotentHint does not create twice when called twice alike"


def _hint(tool: Any, name: str) -> bool | None:
    annotations = getattr(tool, "annotations", None)
    return None if annotations is None else getattr(annotations, name, None)


def read_only_row(tool: Any, calls: Sequence[Call]) -> Row | None:
    if _hint(tool, "read_only_hint") is not True:
        return None
    row = Row("annotations", "annotations.read-only", tool.name)
    for call in calls:
        writes = [r for r in call.api_requests if r.method in WRITES]
        if writes:
            row.findings.append(
                Finding(READ_ONLY, f"sent {', '.join(str(r) for r in writes)}", call)
            )
            break
    return row


def destructive_row(tool: Any, calls: Sequence[Call]) -> Row | None:
    if _hint(tool, "destructive_hint") is not False or _hint(tool, "read_only_hint") is True:
        return None
    row = Row("annotations", "annotations.destructive", tool.name)
    for call in calls:
        deletes = [r for r in call.api_requests if r.method == "DELETE"]
        if deletes:
            row.findings.append(
                Finding(NOT_DESTRUCTIVE, f"sent {', '.join(str(r) for r in deletes)}", call)
            )
            break
    return row


def created(call: Call) -> list[str]:
    return [str(r) for r in call.api_requests if r.method == "POST" and r.status in (200, 201)]


def idempotent_row(tool: Any, first: Call, second: Call | None) -> Row | None:
    if _hint(tool, "idempotent_hint") is not True or _hint(tool, "read_only_hint") is True:
        return None
    row = Row("annotations", "annotations.idempotent", tool.name)
    if second is None:
        row.ran = False
        row.note = "its plausible call created nothing, so there was nothing to repeat"
        return row
    if created(first) and created(second):
        row.findings.append(
            Finding(
                IDEMPOTENT,
                f"first call: {', '.join(created(first))}; the same call again: "
                f"{', '.join(created(second))}",
                second,
            )
        )
    return row
