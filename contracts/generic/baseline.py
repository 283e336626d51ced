"""`--baseline FILE`: the failures a project knows of, so it can adopt the harness before its
server is clean. A baselined check that fails is "known" (the run stays green); one that now
passes, or names a tool or check the run no longer has, is "stale" and fails the run until the
entry is removed (as the MCP conformance suite treats its expected failures).

    # freshservice-harness check --baseline
    known:
      - {tool: get_ticket_by_id, check: properties.calls}
      - {tool: create_ticket, check: faults.timeout, reason: "retries POSTs; fix in #12"}

`--write-baseline FILE` writes one listing every failing check of the run."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import yaml

from contracts.generic.findings import Row


class BaselineError(ValueError):
    """A baseline file that cannot be read; the message names the file and the problem."""


def load(path: Path) -> list[tuple[str, str]]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise BaselineError(f"cannot read baseline {path}: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        raise BaselineError(f"baseline {path} is not YAML: {exc}") from None
    entries = data.get("known") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise BaselineError(f"baseline {path}: expected a mapping with a list under 'known'")
    known: list[tuple[str, str]] = []
    for number, entry in enumerate(entries, 1):
        if not (
            isinstance(entry, dict)
            and isinstance(entry.get("tool"), str)
            and isinstance(entry.get("check"), str)
        ):
            raise BaselineError(
                f"baseline {path}: entry {number} needs a 'tool' and a 'check' (strings)"
            )
        known.append((entry["tool"], entry["check"]))
    return known


def render(rows: Sequence[Row], server: str) -> str:
    failing = sorted({row.key for row in rows if row.failed})
    lines = [
        f"# Known failures of {server}, as freshservice-harness check found them.",
        "# Remove an entry once its check passes (the run reports it as stale until then).",
        "known:" if failing else "known: []",
    ]
    lines += [f"  - {{tool: {_quoted(tool)}, check: {check}}}" for tool, check in failing]
    return "\n".join(lines) + "\n"


def _quoted(text: str) -> str:
    return yaml.safe_dump(text, default_style='"').strip()
