"""The seven example prompts of Freshworks' MCP guide, end to end: each script's calls succeed
and leave the fake in the state the prompt asks for."""

from __future__ import annotations

from pathlib import Path

import pytest

from contracts.paths import prompt_scripts
from contracts.plugin import Replay
from contracts.reporting import render_text

SCRIPTS = prompt_scripts()


def test_every_documented_prompt_has_a_script() -> None:
    assert len(SCRIPTS) == 7


@pytest.mark.parametrize("path", SCRIPTS, ids=[p.stem for p in SCRIPTS])
def test_the_documented_prompt_works(path: Path, harness_replay: Replay) -> None:
    report = harness_replay(path)
    assert report.passed, render_text(report)
