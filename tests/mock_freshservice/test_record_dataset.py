"""`mock-freshservice record --dataset-out FILE`: the recorder, in front of the fake over TLS,
writes the tenant's shape as a dataset the fake can serve."""

from __future__ import annotations

import base64
import dataclasses
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from mock_freshservice.cassette import Exchange
from mock_freshservice.data.dataset import load_dataset
from mock_freshservice.record import dataset_mode
from tests.mock_freshservice.test_record import KEY, RECORD_COMMAND, UPSTREAM, people_of, recording
from tests.processes import Fake, fake_environment, running_fake

# Recordings through a real recorder, and a fake serving the dataset written: `tox -e slow`.
pytestmark = pytest.mark.slow

SOURCE = "Kiosk"  # an own ticket source made on the upstream before recording
REQUESTS = (
    "/api/v2/workspaces",
    "/api/v2/ticket_form_fields",
    "/api/v2/tickets?per_page=20",
    "/api/v2/agents?per_page=100",
    "/api/v2/requesters?per_page=7",
    "/api/v2/groups",
)


@dataclasses.dataclass(frozen=True)
class Recorded:
    upstream: Fake
    file: Path
    answers: dict[str, Any]


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Recorded]:
    ca = tmp_path_factory.mktemp("ca")
    out = tmp_path_factory.mktemp("recorded")
    file = out / "tenant.yaml"
    with running_fake(env={"MOCK_FRESHSERVICE_API_KEYS": KEY}, ca_dir=ca) as fake:
        made = fake.api("POST", "/ticket_fields/sources", KEY, json={"name": SOURCE})
        assert made.status_code == 201, made.text
        answers: dict[str, Any] = {}
        with (
            recording(fake.url, out, ca, "--dataset-out", str(file)) as recorder,
            httpx.Client(base_url=recorder.url, auth=(KEY, "X"), timeout=30) as client,
        ):
            for target in REQUESTS:
                answer = client.get(target)
                assert answer.status_code == 200, (target, answer.text)
                answers[target] = answer.json()
        assert recorder.process.returncode == 0
        yield Recorded(fake, file, answers)


def test_the_dataset_loads(recorded: Recorded) -> None:
    (account,) = load_dataset(recorded.file).accounts
    assert account.domain == "recorded.freshservice.com"
    assert account.plan == "enterprise"  # the fake's default plan: X-RateLimit-Total 500
    assert account.ticket_sources == (SOURCE,)
    seen_agents = {a["id"] for a in recorded.answers["/api/v2/agents?per_page=100"]["agents"]}
    assert account.sizes.agents == len(seen_agents)
    assert account.sizes.requesters == 7
    assert account.sizes.groups == len(recorded.answers["/api/v2/groups"]["groups"])
    tickets = recorded.answers["/api/v2/tickets?per_page=20"]["tickets"]
    assert account.sizes.tickets == len(tickets)
    assert account.first_ticket_id == min(t["id"] for t in tickets)
    assert {k.key for k in account.api_keys} == set(dataset_mode.RECORDED_KEYS)


def test_the_file_says_what_it_cannot_hold(recorded: Recorded) -> None:
    comment = comment_of(recorded.file.read_text(encoding="utf-8"))
    assert "custom ticket fields seen, not expressible" in comment
    assert "group names are not expressible" in comment
    assert "workspace descriptions: free text" in comment
    assert "sizes of assets, departments, locations: none seen" in comment


def test_no_person_or_key_of_the_upstream_is_written(recorded: Recorded) -> None:
    text = recorded.file.read_text(encoding="utf-8")
    emails, names = people_of(recorded.upstream, KEY)
    basic = base64.b64encode(f"{KEY}:X".encode()).decode()
    assert KEY not in text and basic not in text
    assert not [email for email in emails if email in text.lower()]
    assert not [name for name in names if name in text]
    assert "acme" not in text.lower()


def test_the_fake_serves_the_recorded_tenant(recorded: Recorded) -> None:
    expected = [(w["id"], w["name"]) for w in recorded.answers["/api/v2/workspaces"]["workspaces"]]
    with running_fake("--dataset", str(recorded.file)) as fake:
        workspaces = fake.api("GET", "/workspaces", "recorded-admin-key")
        form = fake.api("GET", "/ticket_form_fields", "recorded-admin-key")
        me = fake.api("GET", "/agents/me", "recorded-admin-key")
    assert workspaces.status_code == 200, workspaces.text
    assert [(w["id"], w["name"]) for w in workspaces.json()["workspaces"]] == expected
    source = next(f for f in form.json()["ticket_fields"] if f["name"] == "source")
    assert {"id": 1001, "value": SOURCE} in source["choices"]
    assert me.status_code == 200 and me.json()["agent"]["email"] == dataset_mode.ADMIN_EMAIL


def test_an_existing_dataset_file_is_not_overwritten(tmp_path: Path) -> None:
    file = tmp_path / "tenant.yaml"
    file.write_text("accounts: []\n")
    flags = ["--upstream", UPSTREAM, "--out", str(tmp_path / "out"), "--dataset-out", str(file)]
    done = subprocess.run(
        [*RECORD_COMMAND, *flags],
        capture_output=True,
        text=True,
        timeout=60,
        env=fake_environment(),
    )
    assert done.returncode == 2 and "--dataset-out" in done.stderr
    assert file.read_text() == "accounts: []\n"


# -- from exchanges, in process ---------------------------------------------------------------


def exchange(path: str, response: Any, headers: dict[str, str] | None = None) -> Exchange:
    return Exchange(
        method="GET",
        path=path,
        query={},
        body=None,
        status=200,
        headers=headers or {},
        response=response,
    )


def dataset_of(*exchanges: Exchange) -> tuple[dict[str, Any], str]:
    """The account written, and the file's top comment on one line."""
    text = dataset_mode.dataset_text(exchanges, "2025-01-01T00:00:00+00:00")
    (account,) = yaml.safe_load(text)["accounts"]
    return account, comment_of(text)


def comment_of(text: str) -> str:
    """The file's top comment, continued lines joined."""
    return text[: text.index("\ndescription:")].replace("\n#   ", " ")


@pytest.mark.parametrize(
    ("total", "plan"), [("100", "starter"), ("400", "pro"), ("123", None), (None, None)]
)
def test_the_plan_is_the_one_whose_limit_the_upstream_announces(
    total: str | None, plan: str | None
) -> None:
    headers = {"X-RateLimit-Total": total} if total else {}
    account, _ = dataset_of(exchange("/api/v2/agents", {"agents": []}, headers))
    assert account.get("plan") == plan


def test_custom_statuses_and_odd_sources_are_noted_not_invented() -> None:
    form = {
        "ticket_fields": [
            {
                "name": "status",
                "default_field": True,
                "choices": [{"id": 2, "value": "Open"}, {"id": 6, "value": "Waiting on vendor"}],
            },
            {
                "name": "source",
                "default_field": True,
                "choices": [{"id": 1, "value": "Email"}, {"id": 1002, "value": "Bot"}],
            },
        ]
    }
    tickets = {"tickets": [{"id": 5, "status": 7, "source": 17}, {"id": 9, "source": 1003}]}
    account, text = dataset_of(
        exchange("/api/v2/ticket_form_fields", form), exchange("/api/v2/tickets", tickets)
    )
    assert account["ticket_sources"] == ["Source 1001", "Bot", "Source 1003"]
    assert account["first_ticket_id"] == 5 and account["sizes"]["tickets"] == 2
    assert "6 Waiting on vendor" in text and "7 ?" in text
    assert "[17] are not written" in text
    assert "workspaces" not in account  # none seen: the model's default


def test_one_workspace_is_made_primary_when_the_upstream_names_none() -> None:
    body = {"workspaces": [{"id": 4, "name": "Facilities"}, {"id": 3, "name": "HR"}]}
    account, _ = dataset_of(exchange("/api/v2/workspaces", body))
    assert [(w["id"], w["primary"]) for w in account["workspaces"]] == [(3, True), (4, False)]
