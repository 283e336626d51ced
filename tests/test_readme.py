"""The README tells the truth: its Quickstart is what CI runs, its demo tables match the fake."""

from __future__ import annotations

import argparse
import dataclasses
import re
from pathlib import Path

import pytest

import server.app  # noqa: F401  (registers the tools)
from contracts.cli import build_parser as harness_parser
from contracts.client_config import client_config
from mock_freshservice import FakeSettings, create_app
from mock_freshservice.cli import build_parser as fake_parser
from mock_freshservice.state import EXTENSION, FakeState
from server.cli import build_parser
from server.config import ServerSettings
from server.prompts import PROMPTS
from server.tools.inventory import TOOLS
from tests.conftest import NOW

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()


def quickstart_lines() -> list[str]:
    section = README.split("## Quickstart", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block is not None
    return [line for line in block[1].splitlines() if line.strip()]


def table_rows(heading_cell: str) -> list[list[str]]:
    lines = README.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"| {heading_cell} |"))
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip("|").split("|")])
    return rows


@pytest.fixture(scope="module")
def state() -> FakeState:
    found: FakeState = create_app(FakeSettings(now=NOW)).extensions[EXTENSION]
    return found


def test_the_quickstart_is_two_lines() -> None:
    assert len(quickstart_lines()) == 2


def test_ci_runs_quickstart_line_2_verbatim() -> None:
    assert quickstart_lines()[1] in (ROOT / ".ci" / "run").read_text()


def test_the_documented_keys_are_the_datasets(state: FakeState) -> None:
    documented = {
        (row[2].strip("`"), row[0], row[1], int(row[4])) for row in table_rows("Account (domain)")
    }
    actual = {(b.key, b.domain, b.role.name, b.user_id) for b in state.keys.values()}
    assert documented == actual


def test_the_documented_users_are_the_keys_users(state: FakeState) -> None:
    for row in table_rows("Account (domain)"):
        user = state.accounts[row[0]].user(int(row[4]))
        assert user is not None
        email = user.get("email") or user.get("primary_email")
        assert row[3] == f"{user['first_name']} {user['last_name']}, {email}"


def test_the_documented_counts_and_workspaces_are_the_datasets(state: FakeState) -> None:
    for row in table_rows("Account"):
        account = state.accounts[row[0]]
        assert int(row[1]) == len(account.agents)
        assert int(row[2]) == len(account.requesters)
        assert row[3].startswith(f"{len(account.tickets)} (")
        documented = re.findall(r"(\d+) ([A-Za-z]+)", row[4])
        assert [(int(i), n) for i, n in documented] == [
            (w["id"], w["name"]) for w in account.workspaces.all()
        ]


def test_the_documented_ticket_ids_exist(state: FakeState) -> None:
    acme = state.accounts["acme.freshservice.com"]
    for ticket_id in (1023, 10234, 10236, 10241, 9850, 10274):
        assert ticket_id in acme.tickets
    assert acme.tickets.ids[-1] == 10274


def test_the_server_settings_table_names_every_setting_and_its_flag() -> None:
    rows = table_rows("Variable")
    documented = {row[0].strip("`"): row[1].strip("`") for row in rows}
    expected = {}
    for field in dataclasses.fields(ServerSettings):
        prefix = (
            "FRESHSERVICE_MCP_"
            if field.name in ("transport", "host", "port", "stateful")
            else "FRESHSERVICE_"
        )
        expected[f"{prefix}{field.name.upper()}"] = "--" + field.name.replace("_", "-")
    assert documented == expected
    flags = {option for action in build_parser()._actions for option in action.option_strings}
    assert set(documented.values()) <= flags


def test_the_server_settings_table_gives_the_real_defaults() -> None:
    defaults = {f.name: f.default for f in dataclasses.fields(ServerSettings)}
    for row in table_rows("Variable"):
        name = row[1].strip("`").removeprefix("--").replace("-", "_")
        shown, actual = row[2].strip("`"), defaults[name]
        if isinstance(actual, bool):
            assert shown == ("on" if actual else "off")
        elif isinstance(actual, int | float) and not isinstance(actual, bool):
            assert float(shown) == actual
        elif isinstance(actual, str):
            assert shown == actual


def test_the_tools_table_lists_each_registered_tool_once_under_its_toolset() -> None:
    listed: dict[str, str] = {}
    toolset = ""
    for row in table_rows("Toolset"):
        toolset = row[0] or toolset
        for name in re.findall(r"`(\w+)`", row[1]):
            assert name not in listed, name
            listed[name] = toolset
    assert listed == {spec.name: spec.toolset.name for spec in TOOLS}


def test_the_prompts_named_are_the_servers() -> None:
    section = README.split("example prompts**", 1)[1].split("\n\n", 1)[0]
    assert re.findall(r"`(\w+)`", section) == [p.name for p in PROMPTS]


def flags_in_table(heading: str) -> set[str]:
    """The `--flags` named in the first column of the table under `heading`."""
    section = README.split(heading, 1)[1].split("\n#", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    return {flag for row in rows for flag in re.findall(r"`(--?[a-z][\w-]*)", row.split("|")[1])}


def long_flags(parser: argparse.ArgumentParser) -> set[str]:
    return {
        option
        for action in parser._actions
        for option in action.option_strings
        if option.startswith("--") and option != "--help"
    }


def harness_command(name: str) -> argparse.ArgumentParser:
    subparsers = next(
        a for a in harness_parser()._actions if isinstance(a, argparse._SubParsersAction)
    )
    found: argparse.ArgumentParser = subparsers.choices[name]
    return found


def test_the_fakes_flags_table_names_every_flag() -> None:
    documented = flags_in_table("### The fake (`mock-freshservice`)")
    assert documented == long_flags(fake_parser()) - {"--version"}


def test_the_up_table_names_every_flag_of_up() -> None:
    assert flags_in_table("### `freshservice-harness up`") == long_flags(harness_command("up"))


def test_the_config_table_names_every_flag_of_config() -> None:
    documented = flags_in_table("### `freshservice-harness config`")
    assert documented == long_flags(harness_command("config"))


def test_the_replay_and_check_table_names_every_flag_of_both() -> None:
    section = README.split("### `freshservice-harness replay` and `check`", 1)[1].split("\n#")[0]
    rows = [line.split("|") for line in section.splitlines() if line.startswith("| `")]
    for column, command in ((2, "replay"), (3, "check")):
        documented = {
            flag
            for row in rows
            if row[column].strip() == "yes"
            for flag in re.findall(r"`(--?[a-z][\w-]*)", row[1])
            if flag.startswith("--")
        }
        assert documented == long_flags(harness_command(command)), command


def test_seed_means_only_the_data_seed_and_the_guide_is_named_and_linked_once() -> None:
    # "The seed document" meant nothing to a new reader and clashed with --seed.
    assert not re.search(r"seed document|the seed's|the seed (shows|uses)", README, re.I)
    assert README.count("(https://support.freshservice.com/support/solutions/articles/") == 1
    assert "*Freshworks' MCP guide*" in README


@pytest.mark.parametrize("client", ["claude-code", "claude-desktop", "cursor", "vscode"])
def test_config_output_says_whose_configuration_it_follows_without_the_word_seed(
    client: str,
) -> None:
    text = client_config(client).text
    assert "seed" not in text.lower()
    assert "Freshworks' MCP guide" in text
