"""Scenarios through the admin API, reseeding, resets, and the back-off check in the journal."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import time_machine
from flask.testing import FlaskClient

from mock_freshservice import FakeSettings, create_app
from mock_freshservice.admin import MAX_BODY_BYTES
from mock_freshservice.state import EXTENSION, FakeState
from tests.attacks import alias_bomb
from tests.conftest import ADMIN_KEY, AGENT_KEY, GLOBEX_ADMIN_KEY, NOW, basic

ACME = "acme.freshservice.com"
GLOBEX = "globex.freshservice.com"
FAIL_FIRST = "description: the first request fails\nrules:\n  - {id: first, match: {nth: 1}, effect: {error: server_error}}\n"


def post_scenario(client: FlaskClient, **body: Any) -> Any:
    return client.post("/_mock/scenario", json=body)


def status(client: FlaskClient, domain: str = ACME) -> dict[str, Any]:
    response = client.get(f"/_mock/accounts/{domain}/scenario")
    assert response.status_code == 200, response.get_json()
    return dict(response.get_json())


def journal(client: FlaskClient, domain: str = ACME) -> list[dict[str, Any]]:
    return list(client.get(f"/_mock/accounts/{domain}/journal").get_json()["entries"])


# -- POST /_mock/scenario --------------------------------------------------------------------


def test_a_scenario_binds_to_the_account_of_the_key_given(client: FlaskClient) -> None:
    response = post_scenario(client, key=GLOBEX_ADMIN_KEY, scenario=FAIL_FIRST)
    assert response.status_code == 200
    assert response.get_json()["account"] == GLOBEX
    assert client.get("/api/v2/agents/me", headers=basic(GLOBEX_ADMIN_KEY)).status_code == 500
    assert client.get("/api/v2/agents/me", headers=basic(ADMIN_KEY)).status_code == 200


def test_without_a_key_the_scenarios_own_key_chooses_the_account(client: FlaskClient) -> None:
    text = FAIL_FIRST.replace("rules:", f"key: {GLOBEX_ADMIN_KEY}\nrules:")
    assert post_scenario(client, scenario=text).get_json()["account"] == GLOBEX


def test_the_key_given_overrides_the_scenarios_key(client: FlaskClient) -> None:
    text = FAIL_FIRST.replace("rules:", f"key: {GLOBEX_ADMIN_KEY}\nrules:")
    assert post_scenario(client, key=ADMIN_KEY, scenario=text).get_json()["account"] == ACME


def test_caller_is_the_key_the_scenario_was_bound_with(
    client: FlaskClient, agent: dict[str, str], admin: dict[str, str]
) -> None:
    text = (
        "description: d\nrules:\n  - {id: mine, match: {key: caller}, effect: {error: forbidden}}\n"
    )
    post_scenario(client, key=AGENT_KEY, scenario=text)
    assert client.get("/api/v2/agents/me", headers=agent).status_code == 403
    assert client.get("/api/v2/agents/me", headers=admin).status_code == 200


def test_a_scenario_object_is_accepted_as_well(client: FlaskClient, admin: dict[str, str]) -> None:
    document = {
        "description": "as JSON",
        "rules": [{"id": "all", "effect": {"error": "forbidden"}}],
    }
    assert post_scenario(client, key=ADMIN_KEY, scenario_object=document).status_code == 200
    assert client.get("/api/v2/agents/me", headers=admin).status_code == 403


def test_a_bad_scenario_is_400_naming_file_line_and_field(client: FlaskClient) -> None:
    text = "description: d\nrules:\n  - id: a\n    effect: {eror: 1}\n"
    response = post_scenario(client, key=ADMIN_KEY, scenario=text, name="scenarios/typo.yaml")
    assert response.status_code == 400
    assert response.get_json()["error"].startswith(
        "scenarios/typo.yaml:4: rules[0].effect: unknown key 'eror' (did you mean 'error'?)"
    )


def test_a_bad_scenario_leaves_the_loaded_one_in_place(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    post_scenario(client, key=ADMIN_KEY, scenario=FAIL_FIRST)
    post_scenario(client, key=ADMIN_KEY, scenario="description: d\nrulez: []\n")
    assert status(client)["description"] == "the first request fails"


def test_an_unknown_key_is_404(client: FlaskClient) -> None:
    assert post_scenario(client, key="no-such-key-here", scenario=FAIL_FIRST).status_code == 404


def test_a_rule_naming_an_unknown_key_is_400(client: FlaskClient) -> None:
    text = "description: d\nrules:\n  - id: r\n    effect: {revoke_key: not-a-known-key}\n"
    response = post_scenario(client, key=ADMIN_KEY, scenario=text, name="x.yaml")
    assert response.status_code == 400
    assert response.get_json()["error"].startswith(
        "x.yaml:4: rules[0].effect.revoke_key: names no API key of this fake"
    )


def test_both_or_neither_form_of_scenario_is_400(client: FlaskClient) -> None:
    assert post_scenario(client, key=ADMIN_KEY).status_code == 400
    both = post_scenario(
        client, key=ADMIN_KEY, scenario=FAIL_FIRST, scenario_object={"description": "d"}
    )
    assert both.status_code == 400


def test_loading_a_scenario_replaces_the_one_before(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    post_scenario(client, key=ADMIN_KEY, scenario=FAIL_FIRST)
    post_scenario(client, key=ADMIN_KEY, scenario="description: calm\n")
    assert client.get("/api/v2/agents/me", headers=admin).status_code == 200
    assert status(client)["description"] == "calm"


def test_loading_again_starts_the_counters_afresh(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    post_scenario(client, key=ADMIN_KEY, scenario=FAIL_FIRST)
    client.get("/api/v2/agents/me", headers=admin)
    post_scenario(client, key=ADMIN_KEY, scenario=FAIL_FIRST)
    assert client.get("/api/v2/agents/me", headers=admin).status_code == 500


# -- GET / DELETE /_mock/accounts/<domain>/scenario ------------------------------------------


def test_status_counts_requests_matches_and_firings(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    text = (
        "description: counted\nrules:\n"
        "  - {id: second-me, match: {path: /api/v2/agents/me, nth: 2}, effect: {goto: later}}\n"
        "  - {id: never, match: {path: /api/v2/nothing}}\n"
    )
    post_scenario(client, key=ADMIN_KEY, scenario=text)
    for _ in range(3):
        client.get("/api/v2/agents/me", headers=admin)
    client.get("/api/v2/workspaces", headers=admin)
    assert status(client) == {
        "description": "counted",
        "name": "<scenario>",
        "account": ACME,
        "state": "later",
        "requests": 4,
        "rules": [
            {"id": "second-me", "matched": 3, "fired": 1},
            {"id": "never", "matched": 0, "fired": 0},
        ],
    }


def test_status_without_a_scenario_is_404(client: FlaskClient) -> None:
    assert client.get(f"/_mock/accounts/{ACME}/scenario").status_code == 404


def test_status_of_an_unknown_account_is_404(client: FlaskClient) -> None:
    assert client.get("/_mock/accounts/nope.freshservice.com/scenario").status_code == 404


def test_delete_unloads_the_scenario(client: FlaskClient, admin: dict[str, str]) -> None:
    post_scenario(client, key=ADMIN_KEY, scenario=FAIL_FIRST)
    assert client.delete(f"/_mock/accounts/{ACME}/scenario").status_code == 204
    assert client.get("/api/v2/agents/me", headers=admin).status_code == 200
    assert client.get(f"/_mock/accounts/{ACME}/scenario").status_code == 404


# -- reset and reseed ------------------------------------------------------------------------


def test_reset_of_the_account_resets_counters_and_state_but_keeps_the_scenario(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    text = FAIL_FIRST.replace("effect: {", "effect: {goto: done, ")
    post_scenario(client, key=ADMIN_KEY, scenario=text)
    client.get("/api/v2/agents/me", headers=admin)
    client.post("/_mock/reset", json={"account": ACME})
    after = status(client)
    assert (after["state"], after["requests"], after["rules"][0]["fired"]) == ("start", 0, 0)
    assert client.get("/api/v2/agents/me", headers=admin).status_code == 500


def test_reset_of_everything_resets_every_scenario(client: FlaskClient) -> None:
    globex = basic(GLOBEX_ADMIN_KEY)
    post_scenario(client, key=GLOBEX_ADMIN_KEY, scenario=FAIL_FIRST)
    client.get("/api/v2/agents/me", headers=globex)
    client.post("/_mock/reset", json={})
    assert client.get("/api/v2/agents/me", headers=globex).status_code == 500


def test_reset_of_another_account_leaves_the_counters(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    post_scenario(client, key=ADMIN_KEY, scenario=FAIL_FIRST)
    client.get("/api/v2/agents/me", headers=admin)
    client.post("/_mock/reset", json={"account": GLOBEX})
    assert status(client)["requests"] == 1


def generated_subjects(client: FlaskClient, admin: dict[str, str]) -> list[str]:
    tickets = client.get("/api/v2/tickets?per_page=5", headers=admin).get_json()["tickets"]
    return [t["subject"] for t in tickets]


def test_reseed_rebuilds_the_account_with_other_generated_data(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    before = generated_subjects(client, admin)
    response = client.post("/_mock/reseed", json={"account": ACME, "seed": 99})
    assert response.get_json() == {"account": ACME, "seed": 99}
    assert generated_subjects(client, admin) != before


def test_reseed_keeps_pinned_records_and_keys(client: FlaskClient, admin: dict[str, str]) -> None:
    client.post("/_mock/reseed", json={"account": ACME, "seed": 99})
    ticket = client.get("/api/v2/tickets/10234", headers=admin).get_json()["ticket"]
    assert ticket["subject"] == "Outlook crashes when opening a shared calendar"


def test_the_same_seed_gives_the_same_data_again(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    client.post("/_mock/reseed", json={"account": ACME, "seed": 99})
    first = generated_subjects(client, admin)
    client.post("/_mock/reseed", json={"account": ACME, "seed": 99})
    assert generated_subjects(client, admin) == first


def test_reset_after_reseed_goes_back_to_the_fakes_seed(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    original = generated_subjects(client, admin)
    client.post("/_mock/reseed", json={"account": ACME, "seed": 99})
    client.post("/_mock/reset", json={"account": ACME})
    assert generated_subjects(client, admin) == original


def test_reseed_leaves_other_accounts_alone(client: FlaskClient) -> None:
    globex = basic(GLOBEX_ADMIN_KEY)
    before = generated_subjects(client, globex)
    client.post("/_mock/reseed", json={"account": ACME, "seed": 99})
    assert generated_subjects(client, globex) == before


def test_reseed_needs_an_account_and_a_seed(client: FlaskClient) -> None:
    assert client.post("/_mock/reseed", json={"account": ACME}).status_code == 400
    assert client.post("/_mock/reseed", json={"account": ACME, "seed": -1}).status_code == 400
    assert client.post("/_mock/reseed", json={"seed": 3}).status_code == 400
    assert client.post("/_mock/reseed", json={"account": "x.com", "seed": 3}).status_code == 404


def test_a_reseed_survives_a_restart_with_a_state_file(tmp_path: Path) -> None:
    settings = FakeSettings(now=NOW, state=tmp_path / "state.log")
    client = create_app(settings).test_client()
    admin = basic(ADMIN_KEY)
    client.post("/_mock/reseed", json={"account": ACME, "seed": 99})
    reseeded = generated_subjects(client, admin)
    again = create_app(settings).test_client()
    assert generated_subjects(again, admin) == reseeded


# -- the back-off check ----------------------------------------------------------------------


def test_a_request_before_retry_after_has_elapsed_is_flagged_early(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    text = "description: d\nrules:\n  - {id: rl, match: {nth: 1}, effect: {error: rate_limited, retry_after: 5}}\n"
    post_scenario(client, key=ADMIN_KEY, scenario=text)
    client.get("/api/v2/agents/me", headers=admin)
    client.get("/api/v2/agents/me", headers=admin)
    assert [(e["status"], e["retry_after"], e["early"]) for e in journal(client)] == [
        (429, 5, False),
        (200, None, True),
    ]


def test_a_request_after_retry_after_has_elapsed_is_not_flagged(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    text = "description: d\nrules:\n  - {id: rl, match: {nth: 1}, effect: {error: rate_limited, retry_after: 5}}\n"
    post_scenario(client, key=ADMIN_KEY, scenario=text)
    with time_machine.travel(dt.datetime.now(dt.UTC), tick=False) as traveller:
        client.get("/api/v2/agents/me", headers=admin)
        traveller.shift(5.01)
        client.get("/api/v2/agents/me", headers=admin)
    assert [e["early"] for e in journal(client)] == [False, False]


def test_a_429_from_the_rate_limiter_starts_the_back_off_check_too(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    client.put(f"/_mock/accounts/{ACME}/plan", json={"limits": {"overall": 1}})
    for _ in range(3):
        client.get("/api/v2/workspaces", headers=admin)
    assert [(e["status"], e["early"]) for e in journal(client)] == [
        (200, False),
        (429, False),
        (429, True),
    ]


def test_a_429_sent_by_respond_counts_with_its_retry_after(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    text = "description: d\nrules:\n  - {id: r, match: {nth: 1}, effect: {respond: {status: 429, headers: {Retry-After: 9}}}}\n"
    post_scenario(client, key=ADMIN_KEY, scenario=text)
    client.get("/api/v2/agents/me", headers=admin)
    client.get("/api/v2/agents/me", headers=admin)
    assert [(e["retry_after"], e["early"]) for e in journal(client)] == [(9, False), (None, True)]


def test_retry_after_of_a_delayed_429_counts_from_when_it_is_sent(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    text = "description: d\nrules:\n  - {id: rl, match: {nth: 1}, effect: {delay: 0.2, error: rate_limited, retry_after: 1}}\n"
    post_scenario(client, key=ADMIN_KEY, scenario=text)
    with time_machine.travel(dt.datetime.now(dt.UTC), tick=False) as traveller:
        client.get("/api/v2/agents/me", headers=admin)
        traveller.shift(1.1)  # Retry-After after the answer arrived, but not after the delay too
        client.get("/api/v2/agents/me", headers=admin)
    assert [e["early"] for e in journal(client)] == [False, True]


def test_the_back_off_check_is_per_account(client: FlaskClient, admin: dict[str, str]) -> None:
    text = "description: d\nrules:\n  - {id: rl, match: {nth: 1}, effect: {error: rate_limited, retry_after: 5}}\n"
    post_scenario(client, key=ADMIN_KEY, scenario=text)
    client.get("/api/v2/agents/me", headers=admin)
    client.get("/api/v2/agents/me", headers=basic(GLOBEX_ADMIN_KEY))
    assert [e["early"] for e in journal(client, GLOBEX)] == [False]


def test_every_journal_entry_says_whether_it_was_early(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    client.get("/api/v2/agents/me", headers=admin)
    assert journal(client)[0]["early"] is False


def test_a_reset_forgets_the_retry_after(client: FlaskClient, admin: dict[str, str]) -> None:
    text = "description: d\nrules:\n  - {id: rl, match: {nth: 1}, effect: {error: rate_limited, retry_after: 5}}\n"
    post_scenario(client, key=ADMIN_KEY, scenario=text)
    client.get("/api/v2/agents/me", headers=admin)
    client.post("/_mock/reset", json={"account": ACME})
    client.get("/api/v2/workspaces", headers=admin)
    assert [e["early"] for e in journal(client)] == [False]


# -- settings.scenario (the factory side of `serve --scenario`) ------------------------------


def test_a_scenario_in_the_settings_is_loaded_for_its_keys_account(tmp_path: Path) -> None:
    path = tmp_path / "start.yaml"
    path.write_text(f"description: d\nkey: {GLOBEX_ADMIN_KEY}\n" + FAIL_FIRST.split("\n", 1)[1])
    client = create_app(FakeSettings(now=NOW, scenario=path)).test_client()
    assert client.get("/api/v2/agents/me", headers=basic(GLOBEX_ADMIN_KEY)).status_code == 500


def test_a_scenario_in_the_settings_applies_its_seed_and_plan(tmp_path: Path) -> None:
    path = tmp_path / "setup.yaml"
    path.write_text("description: d\ndataset: {seed: 99}\nplan: {plan: starter}\n")
    client = create_app(FakeSettings(now=NOW, scenario=path)).test_client()
    state: FakeState = client.application.extensions[EXTENSION]
    assert state.seed_of(ACME) == 99
    assert state.plan(ACME) == "starter"


def test_a_scenarios_now_freezes_the_data_clock_when_settings_do_not(tmp_path: Path) -> None:
    path = tmp_path / "clock.yaml"
    path.write_text('description: d\ndataset: {now: "2027-01-05T08:00:00Z"}\n')
    app = create_app(FakeSettings(scenario=path))
    state: FakeState = app.extensions[EXTENSION]
    assert state.clock.now() == int(dt.datetime(2027, 1, 5, 8, tzinfo=dt.UTC).timestamp())


# -- review fixes ------------------------------------------------------------------------------


def test_an_integral_float_in_a_posted_scenario_is_400_not_500(client: FlaskClient) -> None:
    text = "description: d\nrules:\n  - id: r\n    match: {nth: 2.0}\n"
    response = post_scenario(client, key=ADMIN_KEY, scenario=text, name="x.yaml")
    assert response.status_code == 400
    assert response.get_json()["error"].startswith("x.yaml:4: rules[0].match.nth: must be")
    document = {
        "description": "d",
        "rules": [{"id": "r", "effect": {"error": "server_error", "status": 503.0}}],
    }
    response = post_scenario(client, key=ADMIN_KEY, scenario_object=document, name="x.json")
    assert response.status_code == 400
    assert response.get_json()["error"] == (
        "x.json: rules[0].effect.status: must be an integer (got 503.0; write 503)"
    )


@pytest.mark.parametrize(
    ("part", "field"),
    [("effect", "revoke_key"), ("effect", "restore_key"), ("match", "key")],
)
def test_a_rule_naming_a_key_of_another_account_is_400(
    client: FlaskClient, part: str, field: str
) -> None:
    text = f"description: d\nrules:\n  - id: r\n    {part}: {{{field}: {GLOBEX_ADMIN_KEY}}}\n"
    response = post_scenario(client, key=ADMIN_KEY, scenario=text, name="x.yaml")
    assert response.status_code == 400
    field = f"{part}.{field}"
    message = response.get_json()["error"]
    assert message.startswith(f"x.yaml:4: rules[0].{field}: names a key of another account")
    assert GLOBEX_ADMIN_KEY not in message
    assert client.get("/_mock/accounts/acme.freshservice.com/scenario").status_code == 404


def test_a_rule_may_not_revoke_another_accounts_key(client: FlaskClient) -> None:
    text = f"description: d\nrules:\n  - {{id: r, effect: {{revoke_key: {GLOBEX_ADMIN_KEY}}}}}\n"
    assert post_scenario(client, key=ADMIN_KEY, scenario=text).status_code == 400
    client.get("/api/v2/agents/me", headers=basic(ADMIN_KEY))
    assert client.get("/api/v2/agents/me", headers=basic(GLOBEX_ADMIN_KEY)).status_code == 200


def test_a_sub_limit_429_flags_only_requests_of_that_category(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    client.put(f"/_mock/accounts/{ACME}/plan", json={"limits": {"overall": 100, "list_tickets": 1}})
    client.get("/api/v2/tickets", headers=admin)  # spends list_tickets
    client.get("/api/v2/tickets", headers=admin)  # 429 of the list_tickets sub-limit
    client.get("/api/v2/agents/me", headers=admin)  # another category: Freshservice serves it
    client.get("/api/v2/tickets/10234", headers=admin)  # view_ticket: not covered either
    client.get("/api/v2/tickets", headers=admin)  # list_tickets again, too soon
    assert [(e["path"], e["status"], e["early"]) for e in journal(client)] == [
        ("/api/v2/tickets", 200, False),
        ("/api/v2/tickets", 429, False),
        ("/api/v2/agents/me", 200, False),
        ("/api/v2/tickets/10234", 200, False),
        ("/api/v2/tickets", 429, True),
    ]


def test_an_overall_429_flags_requests_of_every_category(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    client.put(f"/_mock/accounts/{ACME}/plan", json={"limits": {"overall": 1}})
    client.get("/api/v2/agents/me", headers=admin)
    client.get("/api/v2/agents/me", headers=admin)  # 429 of the overall limit
    client.get("/api/v2/tickets", headers=admin)
    assert [(e["status"], e["early"]) for e in journal(client)] == [
        (200, False),
        (429, False),
        (429, True),
    ]


def test_a_rule_injected_429_covers_every_request_of_the_account(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    text = (
        "description: d\nrules:\n  - id: rl\n    match: {method: POST, nth: 1}\n"
        "    effect: {error: rate_limited, retry_after: 5}\n"
    )
    post_scenario(client, key=ADMIN_KEY, scenario=text)
    client.post("/api/v2/tickets", json={}, headers=admin)
    client.get("/api/v2/tickets/10234", headers=admin)
    assert [(e["status"], e["rule"], e["early"]) for e in journal(client)] == [
        (429, "rl", False),
        (200, None, True),
    ]


def test_a_503_with_retry_after_starts_the_back_off_check(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    text = (
        "description: d\nrules:\n  - id: down\n    match: {nth: 1}\n"
        "    effect: {error: server_error, status: 503, retry_after: 3}\n"
    )
    post_scenario(client, key=ADMIN_KEY, scenario=text)
    with time_machine.travel(dt.datetime.now(dt.UTC), tick=False) as traveller:
        client.get("/api/v2/tickets/10234", headers=admin)
        client.get("/api/v2/tickets/10234", headers=admin)
        traveller.shift(3.01)
        client.get("/api/v2/tickets/10234", headers=admin)
    assert [(e["status"], e["retry_after"], e["early"]) for e in journal(client)] == [
        (503, 3, False),
        (200, None, True),
        (200, None, False),
    ]


def test_a_retry_after_on_a_200_does_not_start_the_back_off_check(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    text = "description: d\nrules:\n  - {id: r, match: {nth: 1}, effect: {respond: {status: 200, headers: {Retry-After: 9}}}}\n"
    post_scenario(client, key=ADMIN_KEY, scenario=text)
    client.get("/api/v2/agents/me", headers=admin)
    client.get("/api/v2/agents/me", headers=admin)
    assert [(e["retry_after"], e["early"]) for e in journal(client)] == [(9, False), (None, False)]


def test_loading_a_scenario_forgets_the_accounts_retry_after(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    text = "description: d\nrules:\n  - {id: rl, match: {nth: 1}, effect: {error: rate_limited, retry_after: 60}}\n"
    post_scenario(client, key=ADMIN_KEY, scenario=text)
    client.get("/api/v2/agents/me", headers=admin)
    post_scenario(client, key=ADMIN_KEY, scenario="description: calm\n")
    client.get("/api/v2/agents/me", headers=admin)
    assert [(e["status"], e["early"]) for e in journal(client)] == [(429, False), (200, False)]


def test_loading_a_scenario_on_one_account_keeps_anothers_retry_after(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    text = "description: d\nrules:\n  - {id: rl, match: {nth: 1}, effect: {error: rate_limited, retry_after: 60}}\n"
    post_scenario(client, key=ADMIN_KEY, scenario=text)
    client.get("/api/v2/agents/me", headers=admin)
    post_scenario(client, key=GLOBEX_ADMIN_KEY, scenario="description: calm\n")
    client.get("/api/v2/agents/me", headers=admin)
    assert [e["early"] for e in journal(client)] == [False, True]


def test_an_alias_bomb_is_400_naming_the_line_it_expands_past_the_budget(
    client: FlaskClient,
) -> None:
    response = post_scenario(client, key=ADMIN_KEY, scenario=alias_bomb(), name="bomb.yaml")
    assert response.status_code == 400
    assert response.get_json()["error"].startswith("bomb.yaml:8: aliases expand this to")


def test_an_admin_body_over_the_bound_is_413(client: FlaskClient) -> None:
    text = "description: " + "d" * MAX_BODY_BYTES + "\n"
    response = post_scenario(client, key=ADMIN_KEY, scenario=text)
    assert response.status_code == 413
    assert response.get_json() == {"error": f"the body is over {MAX_BODY_BYTES:,} bytes"}
