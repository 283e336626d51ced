"""Run by test_replay.py in a `pytest -n 2` subprocess (not collected otherwise): two scenarios
that would break each other on one account (a revoked key, a spent budget), replayed at once
against one fake whose URL comes in HARNESS_FAKE_URL."""

from __future__ import annotations

import os

import pytest

from tests.contracts.test_replay import ROOT, replayed


@pytest.mark.parametrize("name", ["key-revoked-mid-session", "budget-spent-by-another-client"])
def test_replays_green(name: str) -> None:
    for _ in range(3):  # several rounds, so the two workers' replays overlap in time
        report = replayed(ROOT / "scenarios" / f"{name}.yaml", os.environ["HARNESS_FAKE_URL"])
        assert report.passed, report.problems + [f for s in report.steps for f in s.failures]
