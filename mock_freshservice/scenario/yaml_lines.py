"""A scenario's YAML, composed node by node so that the line of every key and value is known.

Timestamps stay strings (a tool argument `review_date: 2026-12-01` is sent as written), a key
given twice or a key that is not a string is an error, and a text is at most
`MAX_SCENARIO_BYTES`, with its aliases bounded (`safe_yaml.py`).
"""

from __future__ import annotations

import yaml

from mock_freshservice.safe_yaml import YamlError, load_yaml
from mock_freshservice.scenario.problems import KEY_LINE, Path_, ScenarioError, format_path

# The shipped scenarios are a few KB; the bound keeps a text sent to the admin API cheap to check.
MAX_SCENARIO_BYTES = 256 * 1024


class _Loader(yaml.SafeLoader):
    """Safe YAML, except that timestamps stay strings (JSON has no dates)."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

_STR_TAG = "tag:yaml.org,2002:str"
_MERGE_TAG = "tag:yaml.org,2002:merge"


def too_big(name: str, limit: int = MAX_SCENARIO_BYTES) -> str:
    return f"{name}: the scenario is over {limit:,} bytes (its largest size)"


def compose(
    text: str, name: str, limit: int = MAX_SCENARIO_BYTES
) -> tuple[object, dict[Path_, int]]:
    """The document in `text` and the line of each of its fields; ScenarioError naming
    `name:line` when it is not a scenario's YAML. A cassette (a recording) may be larger than a
    written scenario: `limit`."""
    if len(text) > limit or len(text.encode("utf-8")) > limit:
        raise ScenarioError(too_big(name, limit))
    try:
        document = load_yaml(text, loader=_Loader)
    except YamlError as exc:
        where = f"{name}:{exc.line}" if exc.line is not None else name
        raise ScenarioError(f"{where}: {exc.message}") from exc
    if document.node is None:
        raise ScenarioError(f"{name}:1: (top): the scenario is empty")
    lines: dict[Path_, int] = {}
    _map_lines(document.node, (), lines, name)
    return document.value, lines


def _map_lines(node: yaml.Node, path: Path_, lines: dict[Path_, int], name: str) -> None:
    """Record the line of every value (and, under (KEY_LINE, *path), of every key)."""
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                continue
            line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != _STR_TAG:
                shown = key_node.value if isinstance(key_node, yaml.ScalarNode) else "[...]"
                raise ScenarioError(
                    f"{name}:{line}: {format_path(path)}: key {shown} must be a string (quote it)"
                )
            key = str(key_node.value)
            if key in seen:
                raise ScenarioError(
                    f"{name}:{line}: {format_path((*path, key))}: "
                    f"key given twice (first on line {seen[key]})"
                )
            seen[key] = line
            lines[(KEY_LINE, *path, key)] = line
            _map_lines(value_node, (*path, key), lines, name)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _map_lines(item, (*path, index), lines, name)
