"""Where the harness's shipped files are, from a checkout or from an installed wheel (which
carries `scenarios/` inside the `contracts` package: pyproject's hatch force-include)."""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def scenarios_dir() -> Path:
    installed = PACKAGE / "scenarios"
    return installed if installed.is_dir() else PACKAGE.parent / "scenarios"


def shipped_scenarios() -> list[Path]:
    """The shipped scenario files, by name (scripts of the prompts live in a subfolder)."""
    return sorted(scenarios_dir().glob("*.yaml"))


def prompt_scripts() -> list[Path]:
    """The scripts of the seed document's example prompts (`scenarios/prompts/`)."""
    return sorted((scenarios_dir() / "prompts").glob("*.yaml"))
