"""The property suite's per-tool table, as `check` prints it: each column explained under it."""

from __future__ import annotations

from contracts.tally import Tallies
from contracts.tool_checks import EXPLANATIONS


def test_the_table_explains_every_column_and_every_kind_of_explained_error() -> None:
    tallies = Tallies({"fetchTicket": 0.5}, {})
    tallies.of("fetchTicket").examples = 3
    lines = tallies.table()
    columns = [
        "valid",
        "ok",
        "rate",
        "floor",
        "ids from data",
        "invalid",
        "s",
        "errors explained by",
    ]
    start = next(i for i, line in enumerate(lines) if line.startswith("Columns:"))
    legend = " ".join(lines[start:])
    for column in columns:
        assert f"{column} = " in legend, column
    for name in EXPLANATIONS:
        assert f"{name}: " in legend, name
