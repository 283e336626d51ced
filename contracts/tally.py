"""Counts of the property suite's calls per tool, and the table `freshservice-harness check`
prints at the end of the run (a pytest plugin object the suite registers while it runs).

Columns: valid calls, how many succeeded, the rate and the tool's floor; how many id arguments
(`*_id` with a pool) named existing records; invalid calls; seconds; and which explanation each
tool error on valid arguments fitted (`contracts.tool_checks.EXPLANATIONS`)."""

from __future__ import annotations

import collections
import dataclasses
from collections.abc import Mapping
from typing import Any

# What each column means, printed under the table.
LEGEND = [
    "Columns: valid = calls with arguments the tool's input schema accepts; ok = those that "
    "succeeded;",
    "  rate = ok / valid; floor = the lowest rate the check accepts for that tool; ids from "
    "data = id",
    "  arguments that named an existing record (the others were made up); invalid = calls "
    "with arguments",
    "  the schema refuses (each must be refused); s = seconds; errors explained by = why "
    "valid calls failed",
    "  (missing_record: a made-up id; names_an_argument: the error names the bad argument;",
    "  freshservice_names_a_field: Freshservice refused a field by name; documented_refusal: a "
    "refusal",
    "  the tool's description announces).",
]


@dataclasses.dataclass
class ToolTally:
    """One tool's calls: valid ones and how they ended, invalid ones, ids drawn from data."""

    examples: int = 0
    successes: int = 0
    explained: collections.Counter[str] = dataclasses.field(default_factory=collections.Counter)
    ids: int = 0
    existing_ids: int = 0
    invalid: int = 0
    seconds: float = 0.0
    finished: bool = False  # the valid calls all passed their checks (no failure cut them short)

    @property
    def success_rate(self) -> float:
        return self.successes / self.examples if self.examples else 0.0


class Tallies:
    """Per-tool tallies for one run, rendered as a table at the end of it."""

    def __init__(self, floors: Mapping[str, float], reasons: Mapping[str, str]) -> None:
        self.floors = dict(floors)
        self.reasons = dict(reasons)  # why a tool's floor differs from the others'
        self.tools: dict[str, ToolTally] = {}

    def of(self, tool: str) -> ToolTally:
        return self.tools.setdefault(tool, ToolTally())

    def table(self) -> list[str]:
        header = (
            f"{'tool':<32} {'valid':>5} {'ok':>4} {'rate':>5} {'floor':>5} "
            f"{'ids from data':>13} {'invalid':>7} {'s':>5}  errors explained by"
        )
        lines = [header]
        for name in sorted(self.tools):
            t = self.tools[name]
            share = f"{t.existing_ids}/{t.ids}" if t.ids else "-"
            why = ", ".join(f"{k} {v}" for k, v in sorted(t.explained.items())) or "-"
            lines.append(
                f"{name:<32} {t.examples:>5} {t.successes:>4} {t.success_rate:>5.0%} "
                f"{self.floors.get(name, 0.0):>5.0%} {share:>13} {t.invalid:>7} "
                f"{t.seconds:>5.1f}  {why}"
            )
        total = sum(t.examples for t in self.tools.values())
        ok = sum(t.successes for t in self.tools.values())
        invalid = sum(t.invalid for t in self.tools.values())
        ids = sum(t.ids for t in self.tools.values())
        existing = sum(t.existing_ids for t in self.tools.values())
        lines.append(
            f"{len(self.tools)} tools, {total} valid calls ({ok} ok), {invalid} invalid; "
            f"{existing} of {ids} ids named existing records"
        )
        lines += [f"  floor of {name}: {why}" for name, why in sorted(self.reasons.items())]
        return lines + LEGEND

    # A pytest hook: the suite registers this object as a plugin while it runs.
    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if not self.tools:
            return
        terminalreporter.write_sep("-", "property-based calls per tool")
        for line in self.table():
            terminalreporter.write_line(line)
