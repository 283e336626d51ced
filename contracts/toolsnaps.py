"""Tool snapshots: each tool as a client sees it in `tools/list`, one JSON file per tool
(`contracts/toolsnaps/<toolName>.json`, sorted keys, indent 2), compared as parsed JSON.

The contract suite (`contracts/suites/test_tools.py`) fails on a missing or stale snapshot and
rewrites them only when asked (`UPDATE_TOOLSNAPS=1`, refused under CI), so a schema change shows
up as a diff in review; `freshservice-harness diff-tools` says which changes break clients.
"""

from __future__ import annotations

import difflib
import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from mcp import Client
from mcp.types import Tool

from contracts.diff_tools import compare_tool

Snapshot = dict[str, Any]

UPDATE_VARIABLE = "UPDATE_TOOLSNAPS"
_TRUE = frozenset({"1", "true", "yes", "on"})


def snapshot_of(tool: Tool) -> Snapshot:
    """The tool as it went over the wire: camelCase keys, no nulls."""
    return tool.model_dump(by_alias=True, exclude_none=True, mode="json")


async def listed_tools(client: Client) -> list[Snapshot]:
    """Every tool the server lists, following `nextCursor` if it pages `tools/list`."""
    found: list[Snapshot] = []
    cursor: str | None = None
    while True:
        result = await client.list_tools(cursor=cursor)
        found += [snapshot_of(tool) for tool in result.tools]
        cursor = result.next_cursor
        if not cursor:
            return found


def render(snapshot: Snapshot) -> str:
    """A snapshot file's text: sorted keys, indent 2, a trailing newline."""
    return json.dumps(snapshot, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def path_for(name: str, folder: Path) -> Path:
    return folder / f"{name}.json"


def write(snapshot: Snapshot, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = path_for(str(snapshot["name"]), folder)
    path.write_text(render(snapshot), encoding="utf-8")
    return path


def write_all(snapshots: Iterable[Snapshot], folder: Path) -> list[Path]:
    return [write(snapshot, folder) for snapshot in snapshots]


def read(name: str, folder: Path) -> Snapshot | None:
    """The snapshot of tool `name`, or None when there is none."""
    path = path_for(name, folder)
    if not path.is_file():
        return None
    loaded = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(loaded, dict):
        raise ValueError(f"{path} holds no tool (a JSON object)")
    return loaded


def names_in(folder: Path) -> list[str]:
    """The tools that have a snapshot in `folder`, by name."""
    return sorted(path.stem for path in folder.glob("*.json"))


def describe_drift(snapshot: Snapshot, live: Snapshot, path: Path, context: int = 2) -> str:
    """Why a tool no longer matches its snapshot: each change, breaking or compatible, then the
    text diff of the two files."""
    name = str(live.get("name", snapshot.get("name")))
    changes = compare_tool(name, snapshot, live)
    lines = [f"{name} differs from its snapshot {path}:"]
    lines += [f"  {change}" for change in changes] or ["  (no change a client would notice)"]
    lines += difflib.unified_diff(
        render(snapshot).splitlines(),
        render(live).splitlines(),
        fromfile=f"snapshot {path.name}",
        tofile="the server",
        n=context,
        lineterm="",
    )
    lines.append(
        f"If the change is intended, rewrite the snapshots with {UPDATE_VARIABLE}=1 and review "
        "the diff."
    )
    return "\n".join(lines)


def update_requested() -> bool:
    return _is_true(os.environ.get(UPDATE_VARIABLE))


def in_ci() -> bool:
    """CI never rewrites snapshots (most CI systems set CI=true)."""
    return _is_true(os.environ.get("CI"))


def _is_true(value: str | None) -> bool:
    return (value or "").strip().lower() in _TRUE
