"""Loading a scenario: read a file or take text or a parsed object, check it against the schema
and then against the rules a schema cannot say, and build the model; or raise one
`ScenarioError` listing every problem in line order."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, cast

from mock_freshservice.scenario.checks import semantic_problems
from mock_freshservice.scenario.model import Scenario, build
from mock_freshservice.scenario.problems import Path_, ScenarioError, format_problem
from mock_freshservice.scenario.schema_check import schema_problems
from mock_freshservice.scenario.yaml_lines import MAX_SCENARIO_BYTES, compose, too_big


def load_scenario(source: str | Path, *, name: str | None = None) -> Scenario:
    """A scenario from a file (a `Path`, or a one-line `str` ending in .yaml/.yml) or YAML text.

    `name` labels the messages (default: the file's path, or "<scenario>" for text).
    """
    if isinstance(source, Path) or (
        "\n" not in source and source.strip().endswith((".yaml", ".yml"))
    ):
        path = Path(source)
        try:
            with path.open("rb") as file:
                # One byte past the bound tells, whatever the file is (a pipe has no size).
                raw = file.read(MAX_SCENARIO_BYTES + 1)
            if len(raw) > MAX_SCENARIO_BYTES:
                raise ScenarioError(too_big(name or str(path)))
            text = raw.decode("utf-8")
        except OSError as exc:
            raise ScenarioError(
                f"{name or path}: cannot read scenario ({exc.strerror or exc})"
            ) from exc
        except UnicodeDecodeError as exc:
            raise ScenarioError(f"{name or path}: not UTF-8 text") from exc
        return parse_scenario(text, name=name or str(path))
    return parse_scenario(source, name=name or "<scenario>")


def parse_scenario(
    text: str, *, name: str = "<scenario>", limit: int = MAX_SCENARIO_BYTES
) -> Scenario:
    """A scenario from YAML text (at most `limit` bytes); messages say `name:line`."""
    data, lines = compose(text, name, limit)
    return _checked(data, lines, name)


def scenario_from_object(data: object, *, name: str = "<scenario>") -> Scenario:
    """A scenario from an already-parsed document (e.g. a JSON body); messages have no lines."""
    return _checked(data, {}, name)


def _checked(data: object, lines: Mapping[Path_, int], name: str) -> Scenario:
    # The semantic checks read the document's shape, so they run only once the schema holds.
    problems = list(schema_problems(data, lines))
    if not problems:
        problems = list(semantic_problems(cast(dict[str, Any], data), lines))
    if problems:
        problems.sort(key=lambda p: p[1] or 0)
        raise ScenarioError("\n".join(format_problem(name, *p) for p in problems))
    return build(cast(dict[str, Any], data), lines, name)
