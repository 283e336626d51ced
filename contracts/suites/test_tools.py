"""The tool schema contract, as a client sees it in `tools/list`: exactly the 34 fixed names; each
tool equal to its snapshot (`contracts/toolsnaps/<toolName>.json`, compared as parsed JSON); and
the rules every tool keeps — MCP's (an object input schema, a valid name) and this project's
(strict, described inputs; an object output; read-only fetch tools; list tools that page, say so
and point to their sibling tools).

A stale snapshot fails with what changed and whether it breaks clients (`diff_tools`). After an
intended change, rewrite the snapshots with `UPDATE_TOOLSNAPS=1` (refused under CI) and review
the diff; `TOOLSNAPS_DIR` points the suite at another folder of snapshots.
"""

from __future__ import annotations

import re
from typing import Any

import anyio
import pytest

from contracts import toolsnaps
from contracts.client_config import DEFAULT_KEY
from contracts.diff_tools import compare_tools
from contracts.paths import toolsnaps_dir
from contracts.plugin import RunningFake, open_log
from contracts.replay import Connection, ServerTarget, connected
from contracts.seed import SEED_TOOLS
from contracts.toolsnaps import Snapshot

SNAPSHOTS = toolsnaps_dir()
# MCP spec, "Tool names": 1-128 characters of A-Z a-z 0-9 _ - . (the SDK's own check).
VALID_NAME = re.compile(r"[A-Za-z0-9_.-]{1,128}")
PAGING_INPUTS = ("page", "per_page")
PAGING_OUTPUTS = ("page", "per_page", "next_page", "truncated", "notice")
# docs/architecture.md §7: what a tool may do follows from its kind, read from its name.
WRITING_HINTS = {
    "create": {"destructiveHint": False, "idempotentHint": False},
    "placeRequest": {"destructiveHint": False, "idempotentHint": False},
    "update": {"destructiveHint": False, "idempotentHint": True},
}
# Lists that Freshservice returns whole: the result is one page, so there is nothing to ask for.
WHOLE_LISTS = {
    "fetchOffboardingRequestTickets": (
        "fetchOffboardingRequestTickets takes no page: Freshservice returns all of a request's "
        "tickets at once"
    ),
}
# Known gaps of our server, each to be fixed there (strict: the mark fails once it is).
KNOWN_GAPS: dict[tuple[str, str], str] = {}


def _snapshot(name: str) -> Snapshot | None:
    try:
        return toolsnaps.read(name, SNAPSHOTS)
    except (OSError, ValueError):
        return None  # the snapshot test reports it


def _is_list(name: str) -> bool:
    output = (_snapshot(name) or {}).get("outputSchema") or {}
    return "next_page" in (output.get("properties") or {})


# Which tools are lists is read from the reviewed snapshots, so it is known before the server
# starts; a tool that starts or stops being a list fails its snapshot test.
LIST_TOOLS = [name for name in SEED_TOOLS if _is_list(name)]


def _params(names: list[str], rule: str) -> list[Any]:
    params = []
    for name in names:
        gap = KNOWN_GAPS.get((rule, name))
        marks = [pytest.mark.xfail(reason=f"known gap: {gap}", strict=True)] if gap else []
        params.append(pytest.param(name, marks=marks, id=name))
    return params


@pytest.fixture(scope="module")
def listed(harness_fake: RunningFake, harness_server: ServerTarget) -> list[Snapshot]:
    """Every tool the server lists, in its order, as a client sees it."""

    async def run() -> list[Snapshot]:
        with open_log() as errlog:
            connection = Connection(harness_server, harness_fake.url, DEFAULT_KEY)
            async with connected(connection, {}, errlog) as client:
                return await toolsnaps.listed_tools(client)

    return anyio.run(run)


@pytest.fixture(scope="module")
def tools(listed: list[Snapshot]) -> dict[str, Snapshot]:
    return {str(tool["name"]): tool for tool in listed}


def listed_tool(tools: dict[str, Snapshot], name: str) -> Snapshot:
    """The tool, for a rule about it; a tool the server does not list fails elsewhere."""
    if name not in tools:
        pytest.skip(f"the server does not list {name} (test_the_server_lists_the_34_seed_tools)")
    return tools[name]


def _described(schema: Any) -> bool:
    return isinstance(schema, dict) and bool(str(schema.get("description") or "").strip())


# -- Names ----------------------------------------------------------------------------------------


def test_the_server_lists_the_34_seed_tools(listed: list[Snapshot]) -> None:
    names = [str(tool["name"]) for tool in listed]
    missing = sorted(set(SEED_TOOLS) - set(names))
    unexpected = sorted(set(names) - set(SEED_TOOLS))
    twice = sorted({name for name in names if names.count(name) > 1})
    if missing or unexpected or twice:
        pytest.fail(
            f"the server's tools are not the 34 of Freshworks' MCP guide: missing "
            f"{missing or 'none'}; not in the guide {unexpected or 'none'}; listed twice "
            f"{twice or 'none'}",
            pytrace=False,
        )


def test_every_tool_name_is_valid_per_the_mcp_spec(listed: list[Snapshot]) -> None:
    bad = [str(tool["name"]) for tool in listed if not VALID_NAME.fullmatch(str(tool["name"]))]
    assert not bad, f"tool names must be 1-128 characters of A-Z a-z 0-9 _ - . (MCP): {bad}"


# -- Snapshots ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", SEED_TOOLS)
def test_the_tool_matches_its_snapshot(name: str, tools: dict[str, Snapshot]) -> None:
    path = toolsnaps.path_for(name, SNAPSHOTS)
    unreadable = None
    try:
        snapshot = toolsnaps.read(name, SNAPSHOTS)
    except ValueError as exc:  # not JSON, or not a tool: rewritten on update, else a failure
        snapshot, unreadable = None, f"{path} is no tool snapshot: {exc}"
    if name not in tools:
        others = {n: t for n, t in tools.items() if n not in SEED_TOOLS}
        changes = compare_tools({name: snapshot}, others) if snapshot else []
        pytest.fail(
            f"the server does not list {name}"
            + "".join(f"\n  {change}" for change in changes if change.tool == name),
            pytrace=False,
        )
    live = tools[name]
    if toolsnaps.update_requested():
        if toolsnaps.in_ci():
            pytest.fail(
                f"{toolsnaps.UPDATE_VARIABLE} is refused under CI: snapshots are reviewed",
                pytrace=False,
            )
        toolsnaps.write(live, SNAPSHOTS)
        return
    if unreadable:
        pytest.fail(unreadable, pytrace=False)
    if snapshot is None:
        pytest.fail(
            f"{name} has no snapshot ({path}); write it with {toolsnaps.UPDATE_VARIABLE}=1, "
            "review it and commit it",
            pytrace=False,
        )
    if live != snapshot:
        pytest.fail(toolsnaps.describe_drift(snapshot, live, path), pytrace=False)


def test_every_snapshot_is_of_a_seed_tool() -> None:
    strays = [name for name in toolsnaps.names_in(SNAPSHOTS) if name not in SEED_TOOLS]
    assert not strays, f"snapshots of tools that are not among the 34 in {SNAPSHOTS}: {strays}"


# -- Input schemas --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", SEED_TOOLS)
def test_the_input_schema_is_an_object(name: str, tools: dict[str, Snapshot]) -> None:
    schema = listed_tool(tools, name).get("inputSchema") or {}
    assert schema.get("type") == "object", (
        f"{name}: inputSchema type is {schema.get('type')!r}; MCP needs 'object' at the root"
    )


@pytest.mark.parametrize("name", SEED_TOOLS)
def test_the_input_schema_refuses_unknown_arguments(name: str, tools: dict[str, Snapshot]) -> None:
    schema = listed_tool(tools, name).get("inputSchema") or {}
    assert schema.get("additionalProperties") is False, (
        f"{name}: inputSchema additionalProperties is "
        f"{schema.get('additionalProperties', 'absent')!r}, not false"
    )


@pytest.mark.parametrize("name", SEED_TOOLS)
def test_every_argument_is_described(name: str, tools: dict[str, Snapshot]) -> None:
    properties = (listed_tool(tools, name).get("inputSchema") or {}).get("properties") or {}
    bare = [prop for prop, schema in properties.items() if not _described(schema)]
    assert not bare, f"{name}: arguments without a description: {bare}"


# -- Output schemas -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", SEED_TOOLS)
def test_the_output_schema_is_an_object(name: str, tools: dict[str, Snapshot]) -> None:
    schema = listed_tool(tools, name).get("outputSchema")
    assert schema is not None, f"{name}: no outputSchema"
    assert schema.get("type") == "object", (
        f"{name}: outputSchema type is {schema.get('type')!r}, not 'object'"
    )


# -- Annotations ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", SEED_TOOLS)
def test_fetch_tools_are_read_only_and_no_other_is(name: str, tools: dict[str, Snapshot]) -> None:
    hint = (listed_tool(tools, name).get("annotations") or {}).get("readOnlyHint")
    expected = name.startswith("fetch")
    assert hint is expected, f"{name}: readOnlyHint is {hint!r}, expected {expected}"


@pytest.mark.parametrize("name", SEED_TOOLS)
def test_every_annotation_is_stated(name: str, tools: dict[str, Snapshot]) -> None:
    annotations = listed_tool(tools, name).get("annotations") or {}
    hints = ("readOnlyHint", "destructiveHint", "idempotentHint", "openWorldHint")
    unstated = [hint for hint in hints if not isinstance(annotations.get(hint), bool)]
    assert not unstated, f"{name}: annotations not stated: {unstated}"


@pytest.mark.parametrize("name", [n for n in SEED_TOOLS if not n.startswith("fetch")])
def test_a_writing_tool_has_the_hints_of_its_kind(name: str, tools: dict[str, Snapshot]) -> None:
    annotations = listed_tool(tools, name).get("annotations") or {}
    kind = next(prefix for prefix in WRITING_HINTS if name.startswith(prefix))
    wrong = {
        hint: annotations.get(hint)
        for hint, value in WRITING_HINTS[kind].items()
        if annotations.get(hint) is not value
    }
    assert not wrong, f"{name}: {wrong}, expected {WRITING_HINTS[kind]} for a {kind} tool"


# -- List tools -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", [n for n in LIST_TOOLS if n not in WHOLE_LISTS])
def test_a_list_tool_takes_described_page_and_per_page(
    name: str, tools: dict[str, Snapshot]
) -> None:
    properties = (listed_tool(tools, name).get("inputSchema") or {}).get("properties") or {}
    missing = [p for p in PAGING_INPUTS if p not in properties]
    bare = [p for p in PAGING_INPUTS if p in properties and not _described(properties[p])]
    assert not missing, f"{name}: a list tool without the argument(s) {missing}"
    assert not bare, f"{name}: paging argument(s) without a description: {bare}"


@pytest.mark.parametrize("name", sorted(WHOLE_LISTS))
def test_a_list_that_cannot_page_says_it_returns_everything(
    name: str, tools: dict[str, Snapshot]
) -> None:
    """The exception to the paging rule must be one the tool tells its users about."""
    found = listed_tool(tools, name)
    said = " ".join(
        [found.get("description") or ""]
        + [
            str(p.get("description") or "")
            for p in ((found.get("outputSchema") or {}).get("properties") or {}).values()
            if isinstance(p, dict)
        ]
    ).lower()
    tells = "page" in said and ("all" in said or "whole" in said)
    assert tells, (
        f"{name} takes no page, and neither its description nor its output says it returns "
        "everything at once"
    )


@pytest.mark.parametrize("name", LIST_TOOLS)
def test_a_list_tool_returns_described_paging_fields(name: str, tools: dict[str, Snapshot]) -> None:
    properties = (listed_tool(tools, name).get("outputSchema") or {}).get("properties") or {}
    missing = [p for p in PAGING_OUTPUTS if p not in properties]
    bare = [p for p in PAGING_OUTPUTS if p in properties and not _described(properties[p])]
    assert not missing, f"{name}: a list result without the field(s) {missing}"
    assert not bare, f"{name}: paging field(s) without a description: {bare}"


@pytest.mark.parametrize("name", _params(LIST_TOOLS, "sibling"))
def test_a_list_tool_description_names_a_sibling_tool(
    name: str, tools: dict[str, Snapshot]
) -> None:
    description = str(listed_tool(tools, name).get("description") or "")
    siblings = [
        other
        for other in SEED_TOOLS
        if other != name and re.search(rf"\b{re.escape(other)}\b", description)
    ]
    assert siblings, (
        f"{name}: its description names none of the other tools (where to go from a list "
        f"item, e.g. the fetch tool of one record): {description!r}"
    )
