"""The shipped scenarios: the server rides out 429s, 5xx, timeouts and bad answers as each
scenario expects, keeps to Retry-After and never resends a POST after an ambiguous failure."""

from __future__ import annotations

from pathlib import Path

import pytest

from contracts.paths import shipped_scenarios
from contracts.plugin import Replay
from contracts.reporting import render_text

SCENARIOS = shipped_scenarios()


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_the_server_behaves_as_the_scenario_expects(path: Path, harness_replay: Replay) -> None:
    report = harness_replay(path)
    assert report.passed, render_text(report)
