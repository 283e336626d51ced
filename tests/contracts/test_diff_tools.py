"""`freshservice-harness diff-tools OLD NEW`: each kind of change between two sets of tools is
classified as breaking or compatible, named `tool.field: what`, and a breaking one fails the
command. OLD and NEW are edited copies of our real snapshots."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from contracts import cli, toolsnaps
from contracts.paths import PACKAGE

SNAPSHOTS = PACKAGE / "toolsnaps"
Tools = dict[str, dict[str, Any]]


@pytest.fixture
def old(tmp_path: Path) -> Path:
    return Path(shutil.copytree(SNAPSHOTS, tmp_path / "old"))


@pytest.fixture
def new(tmp_path: Path) -> Callable[[Callable[[Tools], None]], Path]:
    """`new(edit)`: a copy of our snapshots, edited, as a folder."""

    def make(edit: Callable[[Tools], None]) -> Path:
        tools = {name: toolsnaps.read(name, SNAPSHOTS) for name in toolsnaps.names_in(SNAPSHOTS)}
        edited: Tools = {name: tool for name, tool in tools.items() if tool is not None}
        edit(edited)
        folder = tmp_path / "new"
        toolsnaps.write_all(edited.values(), folder)
        return folder

    return make


def diff(capsys: pytest.CaptureFixture[str], old: Path, new: Path) -> tuple[int, list[str]]:
    code = cli.main(["diff-tools", str(old), str(new)])
    return code, capsys.readouterr().out.splitlines()


def inputs(tool: dict[str, Any]) -> dict[str, Any]:
    return tool["inputSchema"]["properties"]  # type: ignore[no-any-return]


def branch(prop: dict[str, Any], kind: str) -> dict[str, Any]:
    return next(b for b in prop["anyOf"] if b.get("type") == kind)


# -- Breaking -------------------------------------------------------------------------------------


def test_a_removed_tool_is_breaking(capsys, old, new) -> None:
    code, lines = diff(capsys, old, new(lambda tools: tools.pop("fetchWorkspaces")))
    assert code == 1
    assert lines == ["BREAKING fetchWorkspaces: tool removed"]


def test_a_renamed_tool_is_reported_as_a_breaking_rename(capsys, old, new) -> None:
    def rename(tools: Tools) -> None:
        tools["fetchWorkspace"] = {**tools.pop("fetchWorkspaces"), "name": "fetchWorkspace"}

    code, lines = diff(capsys, old, new(rename))
    assert code == 1
    assert lines == [
        "BREAKING fetchWorkspaces: tool removed (renamed? to fetchWorkspace, which has a similar "
        "schema)"
    ]


def test_a_new_required_input_is_breaking(capsys, old, new) -> None:
    def require(tools: Tools) -> None:
        inputs(tools["fetchTicket"])["account_id"] = {"type": "integer", "description": "x"}
        tools["fetchTicket"]["inputSchema"]["required"].append("account_id")

    code, lines = diff(capsys, old, new(require))
    assert code == 1
    assert "BREAKING fetchTicket.account_id: required input added" in lines


def test_an_optional_input_made_required_is_breaking(capsys, old, new) -> None:
    def require(tools: Tools) -> None:
        tools["fetchWorkspaces"]["inputSchema"]["required"] = ["page"]

    code, lines = diff(capsys, old, new(require))
    assert code == 1
    assert lines == ["BREAKING fetchWorkspaces.page: required input added: it was optional"]


def test_a_removed_input_is_breaking(capsys, old, new) -> None:
    code, lines = diff(capsys, old, new(lambda tools: inputs(tools["fetchTickets"]).pop("email")))
    assert code == 1
    assert lines == ["BREAKING fetchTickets.email: input removed: clients that send it are refused"]


def test_an_input_that_no_longer_takes_a_type_is_narrowed(capsys, old, new) -> None:
    def drop_names(tools: Tools) -> None:
        urgency = inputs(tools["createTicket"])["urgency"]
        urgency["anyOf"] = [b for b in urgency["anyOf"] if b.get("type") != "string"]

    code, lines = diff(capsys, old, new(drop_names))
    assert code == 1
    assert lines == ["BREAKING createTicket.urgency: input narrowed: no longer a string"]


def test_an_integer_input_that_took_any_number_is_narrowed(capsys, tmp_path, new) -> None:
    def as_number(tools: Tools) -> None:
        inputs(tools["fetchWorkspaces"])["per_page"]["type"] = "number"

    before = new(as_number).rename(tmp_path / "before")
    code, lines = diff(capsys, before, SNAPSHOTS)
    assert code == 1
    assert lines == [
        "BREAKING fetchWorkspaces.per_page: input narrowed: integer where any number was allowed"
    ]


def test_a_lowered_maximum_is_breaking(capsys, old, new) -> None:
    def lower(tools: Tools) -> None:
        inputs(tools["fetchWorkspaces"])["per_page"]["maximum"] = 50

    code, lines = diff(capsys, old, new(lower))
    assert code == 1
    assert lines == [
        "BREAKING fetchWorkspaces.per_page: input narrowed: maximum lowered from 100 to 50"
    ]


def test_a_raised_minimum_is_breaking(capsys, old, new) -> None:
    def raise_(tools: Tools) -> None:
        inputs(tools["fetchWorkspaces"])["page"]["minimum"] = 2

    code, lines = diff(capsys, old, new(raise_))
    assert code == 1
    assert lines == ["BREAKING fetchWorkspaces.page: input narrowed: minimum raised from 1 to 2"]


def test_a_lowered_max_length_is_breaking(capsys, old, new) -> None:
    def lower(tools: Tools) -> None:
        inputs(tools["createTicket"])["subject"]["maxLength"] = 100

    code, lines = diff(capsys, old, new(lower))
    assert code == 1
    assert lines == [
        "BREAKING createTicket.subject: input narrowed: maxLength lowered from 255 to 100"
    ]


def test_an_added_pattern_is_breaking(capsys, old, new) -> None:
    def add(tools: Tools) -> None:
        inputs(tools["createTicket"])["subject"]["pattern"] = "^[A-Z]"

    code, lines = diff(capsys, old, new(add))
    assert code == 1
    assert lines == ['BREAKING createTicket.subject: input narrowed: pattern "^[A-Z]" added']


def test_a_changed_pattern_is_breaking(capsys, old, new) -> None:
    def change(tools: Tools) -> None:
        inputs(tools["createAsset"])["name"]["pattern"] = "^[A-Z]"

    code, lines = diff(capsys, old, new(change))
    assert code == 1
    assert lines == ['BREAKING createAsset.name: input changed: pattern "^\\\\s*\\\\S" → "^[A-Z]"']


def test_a_removed_enum_value_is_breaking(capsys, old, new) -> None:
    def remove(tools: Tools) -> None:
        branch(inputs(tools["createTicket"])["priority"], "string")["enum"].remove("urgent")

    code, lines = diff(capsys, old, new(remove))
    assert code == 1
    assert lines == ['BREAKING createTicket.priority: input narrowed: enum value "urgent" removed']


def test_a_removed_output_field_is_breaking(capsys, old, new) -> None:
    def drop(tools: Tools) -> None:
        workspace = tools["fetchWorkspaces"]["outputSchema"]["$defs"]["Workspace"]
        del workspace["properties"]["template_name"]
        workspace["required"].remove("template_name")

    code, lines = diff(capsys, old, new(drop))
    assert code == 1
    assert lines == ["BREAKING fetchWorkspaces.workspaces[].template_name: output field removed"]


def test_a_retyped_output_field_is_breaking(capsys, old, new) -> None:
    def retype(tools: Tools) -> None:
        workspace = tools["fetchWorkspaces"]["outputSchema"]["$defs"]["Workspace"]
        workspace["properties"]["id"]["type"] = "string"

    code, lines = diff(capsys, old, new(retype))
    assert code == 1
    assert (
        "BREAKING fetchWorkspaces.workspaces[].id: output field retyped: may now be a string"
        in (lines)
    )


def test_an_output_field_that_may_be_absent_is_breaking(capsys, old, new) -> None:
    def optional(tools: Tools) -> None:
        tools["fetchWorkspaces"]["outputSchema"]["required"].remove("next_page")

    code, lines = diff(capsys, old, new(optional))
    assert code == 1
    assert lines == [
        "BREAKING fetchWorkspaces.next_page: output field may now be absent (no longer required)"
    ]


def test_a_field_removed_behind_a_ref_and_an_any_of_is_breaking(capsys, old, new) -> None:
    def drop(tools: Tools) -> None:
        person = tools["createTicket"]["outputSchema"]["$defs"]["Person"]
        del person["properties"]["mobile"]

    code, lines = diff(capsys, old, new(drop))
    assert code == 1
    assert "BREAKING createTicket.requester.mobile: output field removed" in lines


def test_a_read_only_tool_made_writing_is_breaking(capsys, old, new) -> None:
    def write(tools: Tools) -> None:
        tools["fetchWorkspaces"]["annotations"]["readOnlyHint"] = False

    code, lines = diff(capsys, old, new(write))
    assert code == 1
    assert lines == [
        "BREAKING fetchWorkspaces: read-only tool made writing (readOnlyHint true → false)"
    ]


def test_a_tool_made_destructive_is_breaking(capsys, old, new) -> None:
    def destroy(tools: Tools) -> None:
        tools["updateTicket"]["annotations"]["destructiveHint"] = True

    code, lines = diff(capsys, old, new(destroy))
    assert code == 1
    assert lines == ["BREAKING updateTicket: tool made destructive (destructiveHint false → true)"]


def test_a_tool_no_longer_idempotent_is_breaking(capsys, old, new) -> None:
    def repeat(tools: Tools) -> None:
        tools["updateTicket"]["annotations"]["idempotentHint"] = False

    code, lines = diff(capsys, old, new(repeat))
    assert code == 1
    assert lines == [
        "BREAKING updateTicket: tool no longer idempotent (idempotentHint true → false): "
        "a retry may now repeat its effect"
    ]


def test_an_unknown_keyword_that_changes_is_breaking_until_reviewed(capsys, old, new) -> None:
    def odd(tools: Tools) -> None:
        inputs(tools["fetchWorkspaces"])["page"]["not"] = {"const": 13}

    code, lines = diff(capsys, old, new(odd))
    assert code == 1
    assert lines == [
        "BREAKING fetchWorkspaces.page: input schema: unclassified change to 'not': review it by hand"
    ]


# -- Compatible -----------------------------------------------------------------------------------


def test_an_added_tool_is_compatible(capsys, old, new) -> None:
    def add(tools: Tools) -> None:
        tools["fetchChanges"] = {**tools["fetchTicket"], "name": "fetchChanges"}

    code, lines = diff(capsys, old, new(add))
    assert code == 0
    assert lines == ["compatible fetchChanges: tool added"]


def test_an_added_optional_input_is_compatible(capsys, old, new) -> None:
    def add(tools: Tools) -> None:
        inputs(tools["fetchTicket"])["fields"] = {"type": "string", "description": "x"}

    code, lines = diff(capsys, old, new(add))
    assert code == 0
    assert lines == ["compatible fetchTicket.fields: optional input added"]


def test_a_widened_input_is_compatible(capsys, old, new) -> None:
    def widen(tools: Tools) -> None:
        inputs(tools["fetchWorkspaces"])["per_page"]["maximum"] = 200

    code, lines = diff(capsys, old, new(widen))
    assert code == 0
    assert lines == [
        "compatible fetchWorkspaces.per_page: input widened: maximum raised from 100 to 200"
    ]


def test_an_input_that_takes_another_type_is_compatible(capsys, old, new) -> None:
    def widen(tools: Tools) -> None:
        inputs(tools["fetchTicket"])["ticket_id"]["type"] = ["integer", "string"]

    code, lines = diff(capsys, old, new(widen))
    assert code == 0
    assert lines == ["compatible fetchTicket.ticket_id: input widened: may now be a string"]


def test_an_added_enum_value_is_compatible(capsys, old, new) -> None:
    def add(tools: Tools) -> None:
        branch(inputs(tools["createTicket"])["priority"], "string")["enum"].append("critical")

    code, lines = diff(capsys, old, new(add))
    assert code == 0
    assert lines == ['compatible createTicket.priority: input widened: enum value "critical" added']


def test_an_added_output_field_is_compatible(capsys, old, new) -> None:
    def add(tools: Tools) -> None:
        workspace = tools["fetchWorkspaces"]["outputSchema"]["$defs"]["Workspace"]
        workspace["properties"]["icon"] = {"type": ["string", "null"]}

    code, lines = diff(capsys, old, new(add))
    assert code == 0
    assert lines == ["compatible fetchWorkspaces.workspaces[].icon: output field added"]


def test_a_changed_description_and_title_are_compatible(capsys, old, new) -> None:
    def reword(tools: Tools) -> None:
        tools["fetchWorkspaces"]["description"] = "List workspaces."
        tools["fetchWorkspaces"]["title"] = "Workspaces"
        inputs(tools["fetchWorkspaces"])["page"]["description"] = "Which page."

    code, lines = diff(capsys, old, new(reword))
    assert code == 0
    assert lines == [
        "compatible fetchWorkspaces: title changed",
        "compatible fetchWorkspaces: description changed",
        "compatible fetchWorkspaces.page: input description changed",
    ]


def test_unchanged_tools_report_no_changes(capsys, old) -> None:
    assert diff(capsys, old, SNAPSHOTS) == (0, ["no changes"])


# -- The command ----------------------------------------------------------------------------------


def harness(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "contracts", "diff-tools", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_command_exits_1_on_a_breaking_change(old, new) -> None:
    done = harness(old, new(lambda tools: tools.pop("fetchWorkspaces")))
    assert done.returncode == 1
    assert done.stdout == "BREAKING fetchWorkspaces: tool removed\n"


def test_the_command_exits_0_on_compatible_changes_only(old, new) -> None:
    def reword(tools: Tools) -> None:
        tools["fetchTicket"]["description"] = "Show one ticket."

    done = harness(old, new(reword))
    assert done.returncode == 0
    assert done.stdout == "compatible fetchTicket: description changed\n"


def test_the_command_exits_2_on_input_it_cannot_read(tmp_path, old) -> None:
    done = harness(old, tmp_path / "nowhere.json")
    assert done.returncode == 2
    assert "cannot read" in done.stderr
    assert done.stdout == ""


def test_a_json_list_of_tools_is_accepted_as_either_side(capsys, tmp_path, old) -> None:
    listed = [toolsnaps.read(name, old) for name in toolsnaps.names_in(old)]
    listed = [tool for tool in listed if tool is not None and tool["name"] != "fetchAgent"]
    as_list = tmp_path / "tools.json"
    as_list.write_text(json.dumps(listed))
    assert diff(capsys, old, as_list) == (1, ["BREAKING fetchAgent: tool removed"])


def test_a_tools_list_result_is_accepted(capsys, tmp_path, old) -> None:
    listed = [toolsnaps.read(name, old) for name in toolsnaps.names_in(old)]
    result = tmp_path / "result.json"
    result.write_text(json.dumps({"tools": listed, "nextCursor": None}))
    assert diff(capsys, result, old) == (0, ["no changes"])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "not JSON"),
        ('"a string"', "expected a list of tools"),
        ('[{"title": "no name"}]', "a tool needs a name"),
        ('[{"name": "a"}, {"name": "a"}]', "'a' appears twice"),
        ('[{"name": "a", "inputSchema": []}]', "a's inputSchema is not a JSON object"),
    ],
    ids=["not-json", "not-tools", "no-name", "twice", "bad-schema"],
)
def test_input_that_is_not_tools_is_a_usage_error(capsys, tmp_path, old, text, message) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(text)
    assert cli.main(["diff-tools", str(old), str(bad)]) == 2
    out, err = capsys.readouterr()
    assert message in err
    assert out == ""


def test_a_snapshot_named_for_another_tool_is_a_usage_error(capsys, old) -> None:
    (old / "fetchAgent.json").rename(old / "fetchAgentOld.json")
    assert cli.main(["diff-tools", str(old), str(SNAPSHOTS)]) == 2
    assert "holds tool 'fetchAgent', not 'fetchAgentOld'" in capsys.readouterr().err
