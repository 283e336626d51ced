"""`mock-freshservice record --dataset-out FILE`: the recorder, in front of the fake over TLS,
writes the tenant's shape as a dataset the fake can serve."""

from __future__ import annotations

import base64
import dataclasses
import subprocess
from collections.abc import Iterator
from importlib import resources
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
# The upstream's own form, beside the fake's custom fields (its first account's, by dataset).
UPSTREAM_FIELDS = [
    {"name": "business_impact", "type": "dropdown", "choices": ["Low", "Medium", "High"]},
    {"name": "vip_request", "type": "checkbox"},
    {"name": "cost_centre", "label": "Cost centre (finance)", "type": "dropdown",
     "choices": ["R&D", "Ops"]},
    {"name": "seats", "type": "number"},
    {"name": "go_live", "type": "date"},
]  # fmt: skip
UPSTREAM_STATUSES = [
    {"id": 6, "name": "Awaiting vendor", "customer_name": "Waiting on a supplier"},
    {"id": 8, "name": "On hold"},
]
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


def upstream_dataset(folder: Path) -> Path:
    """The default dataset with a form of the first account's own (fields, statuses)."""
    raw = yaml.safe_load(
        resources.files("mock_freshservice.data").joinpath("default.yaml").read_text("utf-8")
    )
    raw["accounts"][0]["ticket_fields"] = UPSTREAM_FIELDS
    raw["accounts"][0]["statuses"] = UPSTREAM_STATUSES
    path = folder / "upstream.yaml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Recorded]:
    ca = tmp_path_factory.mktemp("ca")
    out = tmp_path_factory.mktemp("recorded")
    file = out / "tenant.yaml"
    dataset = upstream_dataset(tmp_path_factory.mktemp("upstream"))
    with running_fake(
        "--dataset", str(dataset), env={"MOCK_FRESHSERVICE_API_KEYS": KEY}, ca_dir=ca
    ) as fake:
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
    tickets = {t["id"] for t in recorded.answers["/api/v2/tickets?per_page=20"]["tickets"]}
    assert account.first_ticket_id == min(tickets)
    generated = set(range(account.first_ticket_id, account.first_ticket_id + account.sizes.tickets))
    pinned = {t["id"] for t in account.pinned.get("tickets", ())}
    assert generated | pinned == tickets and not generated & pinned
    assert {k.key for k in account.api_keys} == set(dataset_mode.RECORDED_KEYS)


def test_the_dataset_holds_the_tenants_custom_fields_statuses_and_group_names(
    recorded: Recorded,
) -> None:
    (account,) = load_dataset(recorded.file).accounts
    fields = [f.model_dump(exclude_defaults=True) for f in account.ticket_fields]
    assert fields == [
        {k: tuple(v) if isinstance(v, list) else v for k, v in f.items()} for f in UPSTREAM_FIELDS
    ]
    assert [s.model_dump(exclude_defaults=True) for s in account.statuses] == UPSTREAM_STATUSES
    groups = sorted(recorded.answers["/api/v2/groups"]["groups"], key=lambda g: g["id"])
    assert account.group_names == tuple(g["name"] for g in groups)


def test_the_file_says_what_it_cannot_hold(recorded: Recorded) -> None:
    comment = comment_of(recorded.file.read_text(encoding="utf-8"))
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


def test_the_fake_serving_the_dataset_has_every_recorded_ticket_id(recorded: Recorded) -> None:
    recorded_ids = [t["id"] for t in recorded.answers["/api/v2/tickets?per_page=20"]["tickets"]]
    with running_fake("--dataset", str(recorded.file)) as fake:
        found = [fake.api("GET", f"/tickets/{i}", "recorded-admin-key") for i in recorded_ids]
    assert [answer.status_code for answer in found] == [200] * len(recorded_ids)


def form_shape(form: dict[str, Any]) -> dict[str, Any]:
    """What of a form a tenant like ours must repeat: custom fields (name, label, type, choice
    values), status choices, group names. Not ids, which are the fake's own."""
    fields = form["ticket_fields"]
    return {
        "custom": [
            (f["name"], f["label"], f["field_type"], [c["value"] for c in f["choices"]])
            for f in fields
            if not f["default_field"]
        ],
        "statuses": next(f["choices"] for f in fields if f["name"] == "status"),
        "groups": sorted(c["value"] for f in fields if f["name"] == "group" for c in f["choices"]),
    }


def test_the_fake_serving_the_dataset_has_the_tenants_form(recorded: Recorded) -> None:
    with running_fake("--dataset", str(recorded.file)) as fake:
        served = fake.api("GET", "/ticket_form_fields", "recorded-admin-key")
    assert served.status_code == 200, served.text
    upstream = recorded.answers["/api/v2/ticket_form_fields"]
    assert form_shape(served.json()) == form_shape(upstream)


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


def test_odd_sources_are_noted_not_invented() -> None:
    form = {
        "ticket_fields": [
            {
                "name": "source",
                "default_field": True,
                "choices": [{"id": 1, "value": "Email"}, {"id": 1002, "value": "Bot"}],
            },
        ]
    }
    tickets = {"tickets": [{"id": 5, "source": 17}, {"id": 9, "source": 1003}]}
    account, text = dataset_of(
        exchange("/api/v2/ticket_form_fields", form), exchange("/api/v2/tickets", tickets)
    )
    assert account["ticket_sources"] == ["Source 1001", "Bot", "Source 1003"]
    assert account["first_ticket_id"] == 5 and account["sizes"]["tickets"] == 1
    assert account["pinned"]["tickets"] == [{"id": 9}]
    assert "[17] are not written" in text
    assert "workspaces" not in account  # none seen: the model's default


def status_form(*choices: dict[str, Any]) -> Exchange:
    return exchange(
        "/api/v2/ticket_form_fields",
        {"ticket_fields": [{"name": "status", "default_field": True, "choices": list(choices)}]},
    )


def test_custom_statuses_are_written_with_what_requesters_see() -> None:
    account, _ = dataset_of(
        status_form(
            {"id": 2, "value": "Open", "requester_display_value": "Being Processed"},
            {"id": 6, "value": "Waiting on vendor", "requester_display_value": "With a supplier"},
            {"id": 7, "value": "On hold", "requester_display_value": "On hold"},
        )
    )
    assert account["statuses"] == [
        {"id": 6, "name": "Waiting on vendor", "customer_name": "With a supplier"},
        {"id": 7, "name": "On hold"},
    ]


def test_a_status_seen_only_on_tickets_is_a_placeholder_said_so() -> None:
    tickets = exchange("/api/v2/tickets", {"tickets": [{"id": 5, "status": 11}]})
    account, text = dataset_of(status_form({"id": 6, "value": "Held"}), tickets)
    assert account["statuses"] == [{"id": 6, "name": "Held"}, {"id": 11, "name": "Status 11"}]
    assert "statuses [11] are placeholders" in text


def test_a_status_code_a_dataset_cannot_hold_is_noted() -> None:
    account, text = dataset_of(status_form({"id": 1, "value": "New"}, {"id": 4000, "value": "X"}))
    assert "statuses" not in account
    assert "status codes [1, 4000] are not written" in text


def test_a_custom_status_named_as_a_built_in_one_keeps_its_code_in_its_name() -> None:
    account, _ = dataset_of(status_form({"id": 6, "value": "Closed"}))
    assert account["statuses"] == [{"id": 6, "name": "Closed (6)"}]


def custom_field(name: str, field_type: str, *choices: str, label: str = "") -> dict[str, Any]:
    return {
        "name": name,
        "label": label or name.replace("_", " ").capitalize(),
        "field_type": field_type,
        "default_field": False,
        "choices": [{"id": 100 + n, "value": c} for n, c in enumerate(choices)],
    }


def test_the_forms_custom_fields_are_written_with_their_types_and_choices() -> None:
    form = {
        "ticket_fields": [
            {"name": "subject", "default_field": True, "field_type": "default_subject"},
            custom_field("cost_centre", "custom_dropdown", "R&D", "Ops", label="Cost centre (FI)"),
            custom_field("notes", "custom_paragraph"),
            custom_field("hours", "custom_decimal"),
            custom_field("approved", "custom_checkbox"),
        ]
    }
    account, _ = dataset_of(exchange("/api/v2/ticket_form_fields", form))
    assert account["ticket_fields"] == [
        {
            "name": "cost_centre",
            "label": "Cost centre (FI)",
            "type": "dropdown",
            "choices": ["R&D", "Ops"],
        },
        {"name": "notes", "type": "paragraph"},
        {"name": "hours", "type": "decimal"},
        {"name": "approved", "type": "checkbox"},
    ]


def test_a_custom_field_the_fake_cannot_serve_is_noted_not_written() -> None:
    form = {
        "ticket_fields": [
            custom_field("region", "nested_field", "EMEA"),
            custom_field("Team Name", "custom_text"),
            custom_field("empty_list", "custom_dropdown"),
            custom_field("seats", "custom_number"),
        ]
    }
    account, text = dataset_of(exchange("/api/v2/ticket_form_fields", form))
    assert account["ticket_fields"] == [{"name": "seats", "type": "number"}]
    assert "region (nested_field): the fake serves no field of its type" in text
    assert "Team Name (custom_text): its name is not 1 to 64 lower-case" in text
    assert "empty_list (custom_dropdown): a dropdown with no choices seen" in text


def test_a_form_without_custom_fields_gives_a_tenant_without_them() -> None:
    form = {"ticket_fields": [{"name": "subject", "default_field": True}]}
    account, _ = dataset_of(exchange("/api/v2/ticket_form_fields", form))
    assert account["ticket_fields"] == []


def test_without_the_form_custom_fields_are_typed_by_the_values_on_tickets() -> None:
    tickets = {
        "tickets": [
            {"id": 1, "custom_fields": {"seats": 3, "hours": 1, "go_live": None, "vip": True}},
            {"id": 2, "custom_fields": {"seats": None, "hours": 2.5, "go_live": "2026-01-31"}},
            {"id": 3, "custom_fields": {"team": "Blue", "note": None}},
        ]
    }
    account, text = dataset_of(exchange("/api/v2/tickets", tickets))
    assert account["ticket_fields"] == [
        {"name": "seats", "type": "number"},
        {"name": "hours", "type": "decimal"},
        {"name": "go_live", "type": "date"},
        {"name": "vip", "type": "checkbox"},
        {"name": "team", "type": "text"},
        {"name": "note", "type": "text"},
    ]
    assert "typed by their values" in text


def test_nothing_of_the_form_seen_leaves_the_fakes_own_fields() -> None:
    account, text = dataset_of(exchange("/api/v2/agents", {"agents": []}))
    assert "ticket_fields" not in account and "statuses" not in account
    assert "the fake's own custom ticket fields apply" in text


def test_group_names_come_from_groups_and_the_forms_group_choices_by_id() -> None:
    groups = {"groups": [{"id": 30, "name": "Network"}, {"id": 10, "name": "Desk"}]}
    form = {
        "ticket_fields": [
            {
                "name": "group",
                "default_field": True,
                "choices": [{"id": 20, "value": "Field"}, {"id": 40, "value": "desk"}],
            }
        ]
    }
    account, _ = dataset_of(
        exchange("/api/v2/groups", groups), exchange("/api/v2/ticket_form_fields", form)
    )
    assert account["group_names"] == ["Desk", "Field", "Network", "desk (40)"]


def test_one_workspace_is_made_primary_when_the_upstream_names_none() -> None:
    body = {"workspaces": [{"id": 4, "name": "Facilities"}, {"id": 3, "name": "HR"}]}
    account, _ = dataset_of(exchange("/api/v2/workspaces", body))
    assert [(w["id"], w["primary"]) for w in account["workspaces"]] == [(3, True), (4, False)]


def test_names_made_distinct_by_a_suffix_never_meet_another_name() -> None:
    form = status_form({"id": 6, "value": "Open (7)"}, {"id": 7, "value": "Open"})
    groups = {
        "groups": [{"id": 1, "name": "Ops"}, {"id": 2, "name": "Ops (3)"}, {"id": 3, "name": "ops"}]
    }
    sources = {
        "ticket_fields": [
            {
                "name": "source",
                "default_field": True,
                "choices": [
                    {"id": 1001, "value": "Kiosk (1003)"},
                    {"id": 1002, "value": "Kiosk"},
                    {"id": 1003, "value": "kiosk"},
                ],
            }
        ]
    }
    account, text = dataset_of(
        form, exchange("/api/v2/groups", groups), exchange("/api/v2/ticket_form_fields", sources)
    )
    assert [s["name"] for s in account["statuses"]] == ["Open (7)", "Open (7.2)"]
    assert account["group_names"] == ["Ops", "Ops (3)", "ops (3.2)"]
    assert len({g.lower() for g in account["group_names"]}) == 3
    assert len({s.lower() for s in account["ticket_sources"]}) == 3
    assert "renamed to keep names distinct" in text


def test_names_too_long_for_a_dataset_are_cut_and_noted() -> None:
    long_name = "A" * 239 + " tail" + "B" * 30
    groups = {"groups": [{"id": 10**12, "name": "G" * 250}, {"id": 5, "name": "G" * 250}]}
    account, text = dataset_of(
        status_form({"id": 6, "value": long_name}), exchange("/api/v2/groups", groups)
    )
    assert all(len(name) <= 255 for name in account["group_names"])
    assert len(account["statuses"][0]["name"]) <= 255
    assert "statuses renamed" in text and "groups renamed" in text


def test_the_file_warns_that_dropdown_choices_are_kept_as_the_tenant_has_them() -> None:
    form = {"ticket_fields": [custom_field("approver", "custom_dropdown", "Priya Raman")]}
    account, text = dataset_of(exchange("/api/v2/ticket_form_fields", form))
    assert account["ticket_fields"][0]["choices"] == ["Priya Raman"]
    assert "if a dropdown lists people, read the file before sharing it" in text
