"""Dataset files: validation with clear errors, pinned records, and referential consistency."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml

from mock_freshservice import FakeSettings, create_app
from mock_freshservice.data import ids
from mock_freshservice.data.account import PinnedRecordError
from mock_freshservice.data.dataset import Dataset, DatasetError, load_dataset
from mock_freshservice.state import EXTENSION, DatasetKeyError, FakeState
from tests.attacks import alias_bomb
from tests.conftest import NOW

MINIMAL = """
accounts:
  - domain: tiny.freshservice.com
    name: Tiny
    sizes: {agents: 2, requesters: 3, tickets: 5, onboarding_requests: 0, offboarding_requests: 0}
    api_keys:
      - {key: tiny-admin-key, user: ada@tiny.com, role: admin}
    pinned:
      agents:
        - {first_name: Ada, last_name: Admin, email: ada@tiny.com}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "dataset.yaml"
    path.write_text(text)
    return path


def default_dataset_with(change: Any) -> Dataset:
    """The packaged default dataset after `change(raw)` edits its YAML data in place."""
    raw = yaml.safe_load(
        resources.files("mock_freshservice.data").joinpath("default.yaml").read_text("utf-8")
    )
    change(raw)
    return Dataset.model_validate(raw)


def state_for(path: Path) -> FakeState:
    state: FakeState = create_app(FakeSettings(now=NOW, dataset=path)).extensions[EXTENSION]
    return state


def test_the_default_dataset_has_three_accounts_with_three_demo_keys_each() -> None:
    dataset = load_dataset()
    assert len(dataset.accounts) >= 3
    for account in dataset.accounts:
        assert sorted(k.role for k in account.api_keys) == [
            "admin",
            "requester",
            "restricted_agent",
        ]


def test_a_minimal_dataset_loads(tmp_path: Path) -> None:
    state = state_for(write(tmp_path, MINIMAL))
    account = state.accounts["tiny.freshservice.com"]
    assert (len(account.agents), len(account.requesters), len(account.tickets)) == (2, 3, 5)


def test_a_typo_in_a_key_is_an_error_naming_it(tmp_path: Path) -> None:
    path = write(tmp_path, MINIMAL.replace("sizes:", "sises:"))
    with pytest.raises(DatasetError, match=r"dataset.yaml: accounts.0.sises: Extra inputs"):
        load_dataset(path)


def test_invalid_yaml_is_an_error_naming_the_file(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match=r"dataset\.yaml:1: not valid YAML"):
        load_dataset(write(tmp_path, "accounts: [unclosed"))


def test_a_missing_file_is_an_error_naming_it(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match=r"nope\.yaml: cannot read"):
        load_dataset(tmp_path / "nope.yaml")


def test_a_key_for_an_unknown_user_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, MINIMAL.replace("user: ada@tiny.com", "user: bob@tiny.com"))
    with pytest.raises(DatasetKeyError, match=r"bob@tiny\.com"):
        state_for(path)


def test_a_requester_role_on_an_agent_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, MINIMAL.replace("role: admin", "role: requester"))
    with pytest.raises(DatasetKeyError, match="is an agent"):
        state_for(path)


def test_an_unknown_pinned_field_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, MINIMAL.replace("email: ada@tiny.com}", "email: ada@tiny.com, shoe: 9}"))
    with pytest.raises(PinnedRecordError, match="unknown field 'shoe'"):
        state_for(path)


def test_pinned_tickets_resolve_people_and_relative_times(tmp_path: Path) -> None:
    text = (
        MINIMAL
        + """      tickets:
        - {id: 77, subject: Pinned, requester: ada@tiny.com, status: 3, created_at: -2d}
"""
    )
    state = state_for(write(tmp_path, text))
    account = state.accounts["tiny.freshservice.com"]
    ticket = account.tickets.get(77)
    assert ticket is not None
    assert ticket["requester_id"] == account.agents.ids[0]
    assert ticket["created_at"] == int(NOW.timestamp()) - 2 * 86_400
    assert ticket["due_by"] > ticket["created_at"]


def test_generated_tickets_point_at_existing_people_groups_and_workspaces() -> None:
    state: FakeState = create_app(FakeSettings(now=NOW)).extensions[EXTENSION]
    for account in state.accounts.values():
        for ticket in account.tickets.all():
            assert account.user(ticket["requester_id"]) is not None
            assert ticket["responder_id"] is None or ticket["responder_id"] in account.agents
            assert ticket["group_id"] is None or ticket["group_id"] in account.groups
            assert ticket["department_id"] is None or ticket["department_id"] in account.departments
            assert ticket["workspace_id"] in account.workspaces


def test_every_account_has_at_least_two_workspaces() -> None:
    state: FakeState = create_app(FakeSettings(now=NOW)).extensions[EXTENSION]
    for account in state.accounts.values():
        assert len(account.workspaces) >= 2


def test_the_same_seed_generates_the_same_records() -> None:
    first: FakeState = create_app(FakeSettings(now=NOW)).extensions[EXTENSION]
    second: FakeState = create_app(FakeSettings(now=NOW)).extensions[EXTENSION]
    one = first.accounts["acme.freshservice.com"]
    two = second.accounts["acme.freshservice.com"]
    assert list(one.tickets.all()) == list(two.tickets.all())
    assert list(one.requesters.all()) == list(two.requesters.all())


def test_another_seed_generates_other_records() -> None:
    first: FakeState = create_app(FakeSettings(now=NOW)).extensions[EXTENSION]
    second: FakeState = create_app(FakeSettings(now=NOW, seed=2)).extensions[EXTENSION]
    assert list(first.accounts["acme.freshservice.com"].requesters.all()) != list(
        second.accounts["acme.freshservice.com"].requesters.all()
    )


@pytest.mark.parametrize(
    ("first_ticket_id", "tickets"),
    [(ids.MAX_TICKET_ID + 1, 0), (ids.MAX_TICKET_ID - 3, 5)],
    ids=["first id too high", "last generated id too high"],
)
def test_ticket_ids_past_the_limit_are_an_error_naming_first_ticket_id(
    tmp_path: Path, first_ticket_id: int, tickets: int
) -> None:
    text = MINIMAL.replace("tickets: 5", f"tickets: {tickets}").replace(
        "    api_keys:", f"    first_ticket_id: {first_ticket_id}\n    api_keys:"
    )
    with pytest.raises(DatasetError, match=r"dataset\.yaml: accounts\.0.*first_ticket_id"):
        load_dataset(write(tmp_path, text))


def test_a_pinned_ticket_id_past_the_limit_is_an_error(tmp_path: Path) -> None:
    text = (
        MINIMAL
        + f"""      tickets:
        - {{id: {ids.MAX_TICKET_ID + 1}, subject: Far away, requester: ada@tiny.com}}
"""
    )
    with pytest.raises(PinnedRecordError, match=f"pinned ticket id {ids.MAX_TICKET_ID + 1}"):
        state_for(write(tmp_path, text))


def test_more_accounts_than_the_id_ranges_hold_is_an_error(tmp_path: Path) -> None:
    account = MINIMAL.split("accounts:\n", 1)[1]
    many = "accounts:\n" + "".join(
        account.replace("tiny.freshservice.com", f"tiny{n}.freshservice.com").replace(
            "tiny-admin-key", f"tiny-admin-key-{n}"
        )
        for n in range(ids.MAX_ACCOUNTS + 1)
    )
    with pytest.raises(DatasetError, match=r"accounts: Tuple should have at most 100 items"):
        load_dataset(write(tmp_path, many))


def test_an_alias_bomb_in_a_dataset_is_refused_naming_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, alias_bomb())
    with pytest.raises(DatasetError, match=r"dataset\.yaml:8: aliases expand this to 211,111 "):
        load_dataset(path)


def test_a_dataset_may_share_settings_through_an_anchor(tmp_path: Path) -> None:
    shared = MINIMAL.replace("    sizes: {", "    sizes: &sizes {") + (
        "  - domain: twin.freshservice.com\n    name: Twin\n    sizes: *sizes\n"
    )
    dataset = load_dataset(write(tmp_path, shared))
    assert dataset.accounts[1].sizes == dataset.accounts[0].sizes


def test_each_demo_agent_signs_with_their_own_name() -> None:
    state: FakeState = create_app(FakeSettings(now=NOW)).extensions[EXTENSION]
    for data in state.iter_accounts():
        for agent in data.agents.all():
            name = f"{agent['first_name']} {agent['last_name']}"
            assert name in agent["signature"], (data.domain, agent["email"], agent["signature"])
