"""The fault engine through the app: each matcher condition, each effect, counting and states."""

from __future__ import annotations

import textwrap
import time
from typing import Any

import orjson
import pytest
from flask.testing import FlaskClient

from mock_freshservice.faults import DropConnection
from tests.conftest import ADMIN_KEY, AGENT_KEY, GLOBEX_ADMIN_KEY, basic

ACME = "acme.freshservice.com"
GLOBEX = "globex.freshservice.com"


def load(client: FlaskClient, rules: str, key: str = ADMIN_KEY) -> None:
    """Bind a scenario with these rules (a YAML list) to the account of `key`."""
    text = "description: test\nrules:\n" + textwrap.indent(textwrap.dedent(rules), "  ")
    response = client.post("/_mock/scenario", json={"key": key, "scenario": text})
    assert response.status_code == 200, response.get_json()


def statuses(client: FlaskClient, path: str, times: int, headers: dict[str, str]) -> list[int]:
    return [client.get(path, headers=headers).status_code for _ in range(times)]


def journal(client: FlaskClient, domain: str = ACME) -> list[dict[str, Any]]:
    return list(client.get(f"/_mock/accounts/{domain}/journal").get_json()["entries"])


# -- matcher conditions ------------------------------------------------------------------------


def test_an_empty_matcher_matches_every_request(client: FlaskClient, admin: dict[str, str]) -> None:
    load(client, "- {id: all, effect: {error: not_found}}\n")
    assert client.get("/api/v2/agents/me", headers=admin).status_code == 404
    assert client.get("/api/v2/tickets/10234", headers=admin).status_code == 404


def test_method_matches_one_method(client: FlaskClient, admin: dict[str, str]) -> None:
    load(client, "- {id: puts, match: {method: PUT}, effect: {error: forbidden}}\n")
    assert client.get("/api/v2/tickets/10234", headers=admin).status_code == 200
    assert (
        client.put("/api/v2/tickets/10234", json={"priority": 2}, headers=admin).status_code == 403
    )


def test_method_matches_any_of_a_list(client: FlaskClient, admin: dict[str, str]) -> None:
    load(client, "- {id: writes, match: {method: [POST, PUT]}, effect: {error: forbidden}}\n")
    assert (
        client.put("/api/v2/tickets/10234", json={"priority": 2}, headers=admin).status_code == 403
    )
    assert client.post("/api/v2/tickets", json={}, headers=admin).status_code == 403
    assert client.get("/api/v2/tickets/10234", headers=admin).status_code == 200


@pytest.mark.parametrize(
    ("glob", "path", "matches"),
    [
        ("/api/v2/tickets", "/api/v2/tickets", True),
        ("/api/v2/tickets", "/api/v2/tickets/10234", False),
        ("/api/v2/tickets/*", "/api/v2/tickets/10234", True),
        ("/api/v2/tickets/*/conversations", "/api/v2/tickets/10234/conversations", True),
        ("/api/v2/tickets/*", "/api/v2/tickets/10234/conversations", False),
        ("/api/v2/**", "/api/v2/tickets/10234/conversations", True),
        ("/api/v2/**/conversations", "/api/v2/tickets/10234/conversations", True),
        ("/api/v2/tickets/102*", "/api/v2/tickets/10234", True),
        ("/api/v2/tickets/102*", "/api/v2/tickets/9850", False),
    ],
)
def test_path_is_a_glob_over_segments(
    client: FlaskClient, admin: dict[str, str], glob: str, path: str, matches: bool
) -> None:
    load(client, f"- {{id: p, match: {{path: '{glob}'}}, effect: {{error: forbidden}}}}\n")
    assert (client.get(path, headers=admin).status_code == 403) is matches


def test_query_must_equal_the_given_string(client: FlaskClient, admin: dict[str, str]) -> None:
    load(client, "- {id: q, match: {query: {page: '3'}}, effect: {error: forbidden}}\n")
    assert client.get("/api/v2/tickets?page=3", headers=admin).status_code == 403
    assert client.get("/api/v2/tickets?page=2", headers=admin).status_code == 200
    assert client.get("/api/v2/tickets", headers=admin).status_code == 200


def test_query_may_match_a_regex(client: FlaskClient, admin: dict[str, str]) -> None:
    load(
        client,
        "- {id: q, match: {query: {per_page: {regex: '^[5-9][0-9]$'}}}, effect: {error: forbidden}}\n",
    )
    assert client.get("/api/v2/tickets?per_page=50", headers=admin).status_code == 403
    assert client.get("/api/v2/tickets?per_page=5", headers=admin).status_code == 200


def test_header_names_match_in_any_case(client: FlaskClient, admin: dict[str, str]) -> None:
    load(client, "- {id: h, match: {header: {x-request-id: abc}}, effect: {error: forbidden}}\n")
    assert (
        client.get("/api/v2/agents/me", headers={**admin, "X-Request-Id": "abc"}).status_code == 403
    )
    assert (
        client.get("/api/v2/agents/me", headers={**admin, "X-Request-Id": "abd"}).status_code == 200
    )


def test_a_header_regex_needs_the_header(client: FlaskClient, admin: dict[str, str]) -> None:
    load(
        client,
        "- {id: h, match: {header: {X-Request-Id: {regex: '.+'}}}, effect: {error: forbidden}}\n",
    )
    assert (
        client.get("/api/v2/agents/me", headers={**admin, "X-Request-Id": "r1"}).status_code == 403
    )
    assert client.get("/api/v2/agents/me", headers=admin).status_code == 200


def test_key_caller_matches_only_the_bound_key(
    client: FlaskClient, admin: dict[str, str], agent: dict[str, str]
) -> None:
    load(client, "- {id: k, match: {key: caller}, effect: {error: forbidden}}\n")
    assert client.get("/api/v2/tickets/10234", headers=admin).status_code == 403
    assert client.get("/api/v2/tickets/10234", headers=agent).status_code == 200


def test_key_may_name_another_key_of_the_account(
    client: FlaskClient, admin: dict[str, str], agent: dict[str, str]
) -> None:
    load(client, f"- {{id: k, match: {{key: {AGENT_KEY}}}, effect: {{error: forbidden}}}}\n")
    assert client.get("/api/v2/tickets/10234", headers=agent).status_code == 403
    assert client.get("/api/v2/tickets/10234", headers=admin).status_code == 200


def test_state_matches_only_in_that_state(client: FlaskClient, admin: dict[str, str]) -> None:
    load(
        client,
        """\
        - {id: broken, match: {state: down}, effect: {error: server_error}}
        - {id: trip, match: {path: /api/v2/workspaces}, effect: {goto: down}}
        """,
    )
    assert client.get("/api/v2/agents/me", headers=admin).status_code == 200
    client.get("/api/v2/workspaces", headers=admin)
    assert client.get("/api/v2/agents/me", headers=admin).status_code == 500


def test_after_skips_the_first_n_requests_of_the_account(
    client: FlaskClient, admin: dict[str, str], agent: dict[str, str]
) -> None:
    load(
        client,
        "- {id: late, match: {after: 2, path: /api/v2/agents/me}, effect: {error: forbidden}}\n",
    )
    client.get("/api/v2/workspaces", headers=agent)  # any request of the account counts
    assert statuses(client, "/api/v2/agents/me", 2, admin) == [200, 403]


def test_nth_fires_on_that_matching_request_only(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    load(
        client,
        "- {id: second, match: {path: /api/v2/agents/me, nth: 2}, effect: {error: forbidden}}\n",
    )
    client.get("/api/v2/workspaces", headers=admin)  # does not match: not counted
    assert statuses(client, "/api/v2/agents/me", 3, admin) == [200, 403, 200]


def test_nth_takes_a_list(client: FlaskClient, admin: dict[str, str]) -> None:
    load(client, "- {id: odd, match: {nth: [1, 3]}, effect: {error: forbidden}}\n")
    assert statuses(client, "/api/v2/agents/me", 4, admin) == [403, 200, 403, 200]


def test_nth_takes_a_range(client: FlaskClient, admin: dict[str, str]) -> None:
    load(client, "- {id: middle, match: {nth: {from: 2, to: 3}}, effect: {error: forbidden}}\n")
    assert statuses(client, "/api/v2/agents/me", 4, admin) == [200, 403, 403, 200]


def test_nth_from_alone_is_open_ended(client: FlaskClient, admin: dict[str, str]) -> None:
    load(client, "- {id: later, match: {nth: {from: 3}}, effect: {error: forbidden}}\n")
    assert statuses(client, "/api/v2/agents/me", 5, admin) == [200, 200, 403, 403, 403]


def test_fail_twice_then_succeed(client: FlaskClient, admin: dict[str, str]) -> None:
    load(
        client,
        """\
        - {id: first, match: {state: start}, effect: {error: server_error, status: 503, goto: again}}
        - {id: second, match: {state: again}, effect: {error: server_error, status: 503, goto: fine}}
        """,
    )
    assert statuses(client, "/api/v2/tickets/10234", 4, admin) == [503, 503, 200, 200]


def test_the_first_matching_rule_fires_and_later_ones_are_not_consulted(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    load(
        client,
        """\
        - {id: specific, match: {path: /api/v2/agents/me}, effect: {error: forbidden}}
        - {id: general, match: {nth: 1}, effect: {error: not_found}}
        """,
    )
    assert client.get("/api/v2/agents/me", headers=admin).status_code == 403
    # `general` was not consulted above, so this is still its first matching request.
    assert client.get("/api/v2/workspaces", headers=admin).status_code == 404


def test_a_scenario_on_one_account_leaves_the_others_alone(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    load(client, "- {id: all, effect: {error: server_error}}\n")
    assert client.get("/api/v2/agents/me", headers=basic(GLOBEX_ADMIN_KEY)).status_code == 200
    assert client.get("/api/v2/agents/me", headers=admin).status_code == 500
    assert [e["rule"] for e in journal(client, GLOBEX)] == [None]


def test_requests_of_other_accounts_do_not_count_for_after(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    load(client, "- {id: late, match: {after: 1}, effect: {error: forbidden}}\n")
    client.get("/api/v2/agents/me", headers=basic(GLOBEX_ADMIN_KEY))
    assert statuses(client, "/api/v2/agents/me", 2, admin) == [200, 403]


# -- effects -----------------------------------------------------------------------------------


def test_respond_sends_status_headers_and_json_body(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    load(
        client,
        "- {id: r, effect: {respond: {status: 202, headers: {X-Foo: bar}, body: {tickets: []}}}}\n",
    )
    response = client.get("/api/v2/tickets", headers=admin)
    assert response.status_code == 202
    assert response.headers["X-Foo"] == "bar"
    assert response.headers["Content-Type"].startswith("application/json")
    assert response.get_json() == {"tickets": []}


def test_respond_sends_a_string_body_as_is(client: FlaskClient, admin: dict[str, str]) -> None:
    load(
        client,
        "- {id: r, effect: {respond: {status: 502, headers: {Content-Type: text/html}, body: '<h1>Bad Gateway</h1>'}}}\n",
    )
    response = client.get("/api/v2/tickets", headers=admin)
    assert (response.status_code, response.data) == (502, b"<h1>Bad Gateway</h1>")
    assert response.headers["Content-Type"] == "text/html"


def test_respond_without_a_body_sends_an_empty_one(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    load(client, "- {id: r, effect: {respond: {status: 204}}}\n")
    response = client.get("/api/v2/tickets", headers=admin)
    assert (response.status_code, response.data) == (204, b"")


def test_a_retry_after_on_a_successful_respond_answer_is_journaled(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    load(client, "- {id: r, effect: {respond: {status: 200, headers: {Retry-After: '9'}}}}\n")
    assert client.get("/api/v2/tickets", headers=admin).headers["Retry-After"] == "9"
    assert [e["retry_after"] for e in journal(client)] == [9]


def test_an_ordinary_answer_is_journaled_without_retry_after(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    assert client.get("/api/v2/tickets", headers=admin).status_code == 200
    assert [e["retry_after"] for e in journal(client)] == [None]


def test_rate_limited_is_freshservices_429(client: FlaskClient, admin: dict[str, str]) -> None:
    load(client, "- {id: rl, effect: {error: rate_limited, retry_after: 7}}\n")
    response = client.get("/api/v2/tickets", headers=admin)
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "7"
    assert response.get_json() == {"message": "You have exceeded the limit of requests per minute"}


def test_rate_limited_waits_one_second_by_default(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    load(client, "- {id: rl, effect: {error: rate_limited}}\n")
    assert client.get("/api/v2/tickets", headers=admin).headers["Retry-After"] == "1"


@pytest.mark.parametrize(
    ("error", "status", "body"),
    [
        (
            "unauthorized",
            401,
            {
                "code": "invalid_credentials",
                "message": "You have to be logged in to perform this action.",
            },
        ),
        (
            "forbidden",
            403,
            {"code": "access_denied", "message": "You are not authorized to perform this action."},
        ),
        ("server_error", 500, {"message": "We're sorry, but something went wrong."}),
    ],
)
def test_named_errors_have_freshservices_shapes(
    client: FlaskClient, admin: dict[str, str], error: str, status: int, body: dict[str, str]
) -> None:
    load(client, f"- {{id: e, effect: {{error: {error}}}}}\n")
    response = client.get("/api/v2/tickets", headers=admin)
    assert (response.status_code, response.get_json()) == (status, body)


def test_not_found_has_an_empty_body(client: FlaskClient, admin: dict[str, str]) -> None:
    load(client, "- {id: e, effect: {error: not_found}}\n")
    response = client.get("/api/v2/tickets/10234", headers=admin)
    assert (response.status_code, response.data) == (404, b"")


def test_validation_error_is_the_400_envelope(client: FlaskClient, admin: dict[str, str]) -> None:
    load(
        client,
        "- {id: v, effect: {error: validation_error, field: priority, code: invalid_value,\n"
        "   message: \"It should be one of these values: '1,2,3,4'\"}}\n",
    )
    response = client.post("/api/v2/tickets", json={}, headers=admin)
    assert response.status_code == 400
    assert response.get_json() == {
        "description": "Validation failed",
        "errors": [
            {
                "field": "priority",
                "message": "It should be one of these values: '1,2,3,4'",
                "code": "invalid_value",
            }
        ],
    }


def test_validation_error_defaults_to_a_bad_email(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    load(client, "- {id: v, effect: {error: validation_error}}\n")
    error = client.post("/api/v2/tickets", json={}, headers=admin).get_json()["errors"][0]
    assert error == {
        "field": "email",
        "message": "It should be in the 'valid email address' format",
        "code": "invalid_value",
    }


@pytest.mark.parametrize(
    ("status", "message"),
    [(502, "Bad Gateway"), (503, "Service Unavailable"), (504, "Gateway Timeout")],
)
def test_server_error_can_be_a_gateway_answer(
    client: FlaskClient, admin: dict[str, str], status: int, message: str
) -> None:
    load(client, f"- {{id: e, effect: {{error: server_error, status: {status}}}}}\n")
    response = client.get("/api/v2/tickets", headers=admin)
    assert (response.status_code, response.get_json()) == (status, {"message": message})
    assert "Retry-After" not in response.headers


def test_a_503_may_carry_retry_after(client: FlaskClient, admin: dict[str, str]) -> None:
    load(client, "- {id: e, effect: {error: server_error, status: 503, retry_after: 30}}\n")
    assert client.get("/api/v2/tickets", headers=admin).headers["Retry-After"] == "30"


def test_delay_holds_the_answer_back(client: FlaskClient, admin: dict[str, str]) -> None:
    load(client, "- {id: slow, effect: {delay: 0.3}}\n")
    started = time.monotonic()
    response = client.get("/api/v2/agents/me", headers=admin)
    assert time.monotonic() - started >= 0.3
    assert response.status_code == 200


def test_delay_combines_with_an_answer(client: FlaskClient, admin: dict[str, str]) -> None:
    load(client, "- {id: slow, effect: {delay: 0.2, error: server_error, status: 504}}\n")
    started = time.monotonic()
    assert client.get("/api/v2/agents/me", headers=admin).status_code == 504
    assert time.monotonic() - started >= 0.2


def test_drop_connection_gives_no_http_answer(client: FlaskClient, admin: dict[str, str]) -> None:
    load(client, "- {id: cut, effect: {drop_connection: true}}\n")
    with pytest.raises(DropConnection):
        client.get("/api/v2/tickets", headers=admin).get_data()


def test_a_dropped_request_is_journaled_with_status_0(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    load(client, "- {id: cut, effect: {drop_connection: true}}\n")
    with pytest.raises(DropConnection):
        client.get("/api/v2/tickets", headers=admin).get_data()
    [entry] = journal(client)
    assert (entry["status"], entry["rule"], entry["credits"]) == (0, "cut", 0)


def test_malformed_body_keeps_status_and_headers(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    load(client, "- {id: garbled, effect: {malformed_body: true}}\n")
    response = client.get("/api/v2/tickets/10234", headers=admin)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/json")
    assert response.headers["X-RateLimit-Remaining"] == "499"
    assert int(response.headers["Content-Length"]) == len(response.data)
    with pytest.raises(orjson.JSONDecodeError):
        orjson.loads(response.data)


def test_malformed_body_spoils_even_an_empty_body(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    load(client, "- {id: garbled, effect: {malformed_body: true}}\n")
    response = client.get("/api/v2/tickets/424242", headers=admin)
    assert response.status_code == 404
    with pytest.raises(orjson.JSONDecodeError):
        orjson.loads(response.data)


def test_revoke_key_caller_makes_this_request_a_401(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    load(client, "- {id: revoke, match: {nth: 2}, effect: {revoke_key: caller}}\n")
    assert statuses(client, "/api/v2/agents/me", 3, admin) == [200, 401, 401]


def test_restore_key_brings_the_key_back(client: FlaskClient, admin: dict[str, str]) -> None:
    load(
        client,
        """\
        - {id: revoke, match: {nth: 1}, effect: {revoke_key: caller}}
        - {id: restore, match: {path: /api/v2/workspaces}, effect: {restore_key: caller}}
        """,
    )
    assert client.get("/api/v2/agents/me", headers=admin).status_code == 401
    assert client.get("/api/v2/agents/me", headers=admin).status_code == 401
    assert client.get("/api/v2/workspaces", headers=admin).status_code == 200


def test_revoke_key_may_name_another_key(
    client: FlaskClient, admin: dict[str, str], agent: dict[str, str]
) -> None:
    load(client, f"- {{id: revoke, match: {{nth: 1}}, effect: {{revoke_key: {AGENT_KEY}}}}}\n")
    client.get("/api/v2/agents/me", headers=admin)
    assert client.get("/api/v2/agents/me", headers=agent).status_code == 401


def test_set_plan_applies_from_this_request_on(client: FlaskClient, admin: dict[str, str]) -> None:
    load(client, "- {id: downgrade, match: {nth: 1}, effect: {set_plan: {plan: starter}}}\n")
    assert client.get("/api/v2/agents/me", headers=admin).headers["X-RateLimit-Total"] == "100"


def test_set_plan_with_custom_limits(client: FlaskClient, admin: dict[str, str]) -> None:
    load(client, "- {id: tiny, match: {nth: 1}, effect: {set_plan: {limits: {overall: 2}}}}\n")
    assert statuses(client, "/api/v2/agents/me", 3, admin) == [200, 200, 429]


def test_goto_changes_the_state_of_the_account(client: FlaskClient, admin: dict[str, str]) -> None:
    load(client, "- {id: trip, match: {nth: 1}, effect: {goto: tripped}}\n")
    client.get("/api/v2/agents/me", headers=admin)
    assert client.get(f"/_mock/accounts/{ACME}/scenario").get_json()["state"] == "tripped"


def test_an_injected_answer_spends_no_budget(client: FlaskClient, admin: dict[str, str]) -> None:
    load(client, "- {id: fail, match: {nth: [1, 2]}, effect: {error: server_error}}\n")
    statuses(client, "/api/v2/agents/me", 2, admin)
    assert client.get("/api/v2/agents/me", headers=admin).headers["X-RateLimit-Remaining"] == "499"


def test_a_rule_without_an_answer_lets_the_request_spend_its_budget(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    load(client, "- {id: watch, effect: {}}\n")
    client.get("/api/v2/agents/me", headers=admin)
    assert client.get("/api/v2/agents/me", headers=admin).headers["X-RateLimit-Remaining"] == "498"


def test_the_journal_records_the_rule_that_fired(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    load(client, "- {id: second, match: {nth: 2}, effect: {error: server_error}}\n")
    statuses(client, "/api/v2/agents/me", 3, admin)
    assert [(e["status"], e["rule"]) for e in journal(client)] == [
        (200, None),
        (500, "second"),
        (200, None),
    ]


def test_requests_with_an_unknown_key_do_not_reach_any_scenario(client: FlaskClient) -> None:
    load(client, "- {id: all, effect: {error: server_error}}\n")
    assert client.get("/api/v2/agents/me", headers=basic("who-is-this-key")).status_code == 401
