"""The surface suite: what a client sees in `tools/list`, before any call.

Rules (MCP 2025-11-25, Tools; the SDK's own checks are stricter about nothing here):
- a tool's name is 1 to 128 characters of A-Z a-z 0-9 _ - . (the spec's guidance), unique;
- a tool says what it does (a description), and so does each of its arguments;
- its input schema is a JSON Schema of type object (the spec requires it);
- it carries annotations, and says at least whether it only reads (`readOnlyHint`): without
  them a client must assume it may write, destroy and repeat work;
- its definition, and the whole list, fit a token budget (sizes always reported; a finding only
  over a budget given with --tool-token-budget / --token-budget)."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from contracts.generic.findings import SERVER, Finding, Row

NAME = re.compile(r"[A-Za-z0-9_.-]{1,128}")


def definition(tool: Any) -> dict[str, Any]:
    """The tool as `tools/list` sends it."""
    return dict(tool.model_dump(by_alias=True, exclude_none=True, mode="json"))


def check_surface(
    tools: Sequence[Any],
    count_tokens: Any,
    tokenizer: str,
    *,
    tool_budget: int | None,
    list_budget: int | None,
    listed: Sequence[Any] | None = None,
) -> list[Row]:
    """Rows for `tools`; the whole list's size and the names' uniqueness from `listed` (every
    tool the server lists, when only some are checked)."""
    rows: list[Row] = []
    everything = tools if listed is None else listed
    names = [t.name for t in everything]
    total = count_tokens(json.dumps([definition(t) for t in everything], ensure_ascii=False))
    for tool in tools:
        rows.append(_definition_row(tool, names))
        size = count_tokens(json.dumps(definition(tool), ensure_ascii=False))
        row = Row("surface", "surface.tokens", tool.name, note=f"{size} tokens ({tokenizer})")
        if tool_budget is not None and size > tool_budget:
            row.findings.append(
                Finding(
                    f"a tool's definition fits the budget of {tool_budget} tokens "
                    "(--tool-token-budget)",
                    f"{size} tokens ({tokenizer})",
                )
            )
        rows.append(row)
    row = Row(
        "surface",
        "surface.list-tokens",
        SERVER,
        note=f"tools/list: {len(everything)} tools, {total} tokens ({tokenizer})",
    )
    if list_budget is not None and total > list_budget:
        row.findings.append(
            Finding(
                f"the whole tools/list fits the budget of {list_budget} tokens (--token-budget)",
                f"{len(everything)} tools take {total} tokens ({tokenizer})",
            )
        )
    rows.append(row)
    return rows


def _definition_row(tool: Any, names: Sequence[str]) -> Row:
    row = Row("surface", "surface.definition", tool.name)
    found = row.findings
    if not NAME.fullmatch(tool.name):
        found.append(
            Finding(
                "a tool's name is 1-128 of A-Z a-z 0-9 _ - . (MCP tool names)",
                f"name {tool.name!r}",
            )
        )
    if names.count(tool.name) > 1:
        found.append(Finding("tool names are unique", f"{names.count(tool.name)} tools named so"))
    if not (tool.description or "").strip():
        found.append(Finding("a tool has a description", "no description"))
    schema = tool.input_schema if isinstance(tool.input_schema, dict) else {}
    if schema.get("type") != "object":
        found.append(
            Finding(
                "the input schema is a JSON Schema of type object",
                f"type {schema.get('type')!r}",
            )
        )
    properties = schema.get("properties") if isinstance(schema.get("properties"), dict) else {}
    bare = [
        name
        for name, prop in (properties or {}).items()
        if not (isinstance(prop, dict) and _described(prop, schema))
    ]
    if bare:
        found.append(Finding("every argument has a description", f"none for: {', '.join(bare)}"))
    annotations = tool.annotations
    if annotations is None:
        found.append(Finding("a tool has annotations (readOnlyHint at least)", "no annotations"))
    elif annotations.read_only_hint is None:
        found.append(
            Finding(
                "a tool has annotations (readOnlyHint at least)",
                "annotations without readOnlyHint: clients must assume it writes",
            )
        )
    return row


def _described(prop: dict[str, Any], root: dict[str, Any]) -> bool:
    if str(prop.get("description") or "").strip():
        return True
    ref = prop.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/"):
        target: Any = root
        for part in ref[2:].split("/"):
            target = target.get(part, {}) if isinstance(target, dict) else {}
        return bool(isinstance(target, dict) and str(target.get("description") or "").strip())
    return False
