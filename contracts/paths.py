"""Where the harness's shipped files are, from a checkout or from an installed wheel (which
carries `scenarios/` inside the `contracts` package: pyproject's hatch force-include; the tool
snapshots are package data of `contracts` itself)."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def scenarios_dir() -> Path:
    installed = PACKAGE / "scenarios"
    return installed if installed.is_dir() else PACKAGE.parent / "scenarios"


def shipped_scenarios() -> list[Path]:
    """The shipped scenario files, by name (scripts of the prompts live in a subfolder)."""
    return sorted(scenarios_dir().glob("*.yaml"))


def prompt_scripts() -> list[Path]:
    """The scripts of the example prompts of Freshworks' MCP guide (`scenarios/prompts/`)."""
    return sorted((scenarios_dir() / "prompts").glob("*.yaml"))


def toolsnaps_dir() -> Path:
    """The tool snapshots (`contracts/toolsnaps/<toolName>.json`), or the folder `TOOLSNAPS_DIR`
    names: check another set of snapshots, or rewrite a copy, without touching the shipped ones."""
    given = os.environ.get("TOOLSNAPS_DIR")
    return Path(given) if given else PACKAGE / "toolsnaps"
