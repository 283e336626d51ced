"""The /_mock admin API: accounts, reset, key revocation, plans and the journal."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from mock_freshservice import FakeSettings, create_app
from tests.conftest import ADMIN_KEY, GLOBEX_ADMIN_KEY, NOW, basic

ACME = "acme.freshservice.com"


def test_accounts_lists_each_account_with_key_fingerprints_not_keys(client: FlaskClient) -> None:
    body = client.get("/_mock/accounts").get_json()
    assert [a["domain"] for a in body["accounts"]] == [
        "acme.freshservice.com",
        "globex.freshservice.com",
        "initech.freshservice.com",
    ]
    acme = body["accounts"][0]
    assert {k["role"] for k in acme["keys"]} == {"admin", "restricted_agent", "requester"}
    assert ADMIN_KEY not in str(body)


def test_a_revoked_key_gets_401_at_once(client: FlaskClient, admin: dict[str, str]) -> None:
    assert client.post("/_mock/keys/revoke", json={"key": ADMIN_KEY}).status_code == 200
    assert client.get("/api/v2/agents/me", headers=admin).status_code == 401


def test_a_restored_key_works_again(client: FlaskClient, admin: dict[str, str]) -> None:
    client.post("/_mock/keys/revoke", json={"key": ADMIN_KEY})
    client.post("/_mock/keys/restore", json={"key": ADMIN_KEY})
    assert client.get("/api/v2/agents/me", headers=admin).status_code == 200


def test_revoking_an_unknown_key_is_404(client: FlaskClient) -> None:
    assert client.post("/_mock/keys/revoke", json={"key": "nope-nope-nope"}).status_code == 404


def test_a_plan_set_through_the_admin_api_applies_to_the_next_request(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    response = client.put(f"/_mock/accounts/{ACME}/plan", json={"plan": "starter"})
    assert response.get_json()["limits"]["overall"] == 100
    assert client.get("/api/v2/agents/me", headers=admin).headers["X-RateLimit-Total"] == "100"


def test_custom_limits_make_a_tiny_plan(client: FlaskClient, admin: dict[str, str]) -> None:
    client.put(f"/_mock/accounts/{ACME}/plan", json={"plan": "starter", "limits": {"overall": 2}})
    statuses = [client.get("/api/v2/workspaces", headers=admin).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


def test_bad_custom_limits_are_refused(client: FlaskClient) -> None:
    response = client.put(f"/_mock/accounts/{ACME}/plan", json={"limits": {"list_tickets": 2}})
    assert response.status_code == 400


def test_the_journal_lists_each_request_of_the_account(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    client.get("/api/v2/tickets?per_page=2", headers={**admin, "X-Request-Id": "req-1"})
    client.get("/api/v2/tickets/424242", headers=admin)
    entries = client.get(f"/_mock/accounts/{ACME}/journal").get_json()["entries"]
    assert [(e["method"], e["path"], e["query"], e["status"]) for e in entries] == [
        ("GET", "/api/v2/tickets", "per_page=2", 200),
        ("GET", "/api/v2/tickets/424242", "", 404),
    ]
    assert entries[0]["request_id"] == "req-1"
    assert entries[0]["key"].startswith("key-")
    assert ADMIN_KEY not in str(entries)


def test_the_journal_holds_no_other_accounts_requests(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    client.get("/api/v2/agents/me", headers=admin)
    client.get("/api/v2/agents/me", headers=basic(GLOBEX_ADMIN_KEY))
    acme = client.get(f"/_mock/accounts/{ACME}/journal").get_json()["entries"]
    globex = client.get("/_mock/accounts/globex.freshservice.com/journal").get_json()["entries"]
    assert len(acme) == len(globex) == 1
    assert acme[0]["key"] != globex[0]["key"]


def test_the_journal_records_429s_with_their_retry_after(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    client.put(f"/_mock/accounts/{ACME}/plan", json={"limits": {"overall": 1}})
    client.get("/api/v2/workspaces", headers=admin)
    client.get("/api/v2/workspaces", headers=admin)
    last = client.get(f"/_mock/accounts/{ACME}/journal").get_json()["entries"][-1]
    assert last["status"] == 429
    assert last["retry_after"] >= 1


def test_unknown_keys_go_to_the_unattributed_journal(client: FlaskClient) -> None:
    client.get("/api/v2/tickets", headers=basic("who-is-this-key"))
    entries = client.get("/_mock/accounts/_unattributed/journal").get_json()["entries"]
    assert [e["status"] for e in entries] == [401]


def test_clearing_the_journal_empties_it(client: FlaskClient, admin: dict[str, str]) -> None:
    client.get("/api/v2/agents/me", headers=admin)
    assert client.delete(f"/_mock/accounts/{ACME}/journal").status_code == 204
    assert client.get(f"/_mock/accounts/{ACME}/journal").get_json()["entries"] == []


def test_reset_restores_the_dataset(client: FlaskClient, admin: dict[str, str]) -> None:
    client.put("/api/v2/tickets/10234", json={"subject": "changed"}, headers=admin)
    client.post("/_mock/reset", json={"account": ACME})
    ticket = client.get("/api/v2/tickets/10234", headers=admin).get_json()["ticket"]
    assert ticket["subject"] == "Outlook crashes when opening a shared calendar"


def test_reset_of_one_account_leaves_the_others(client: FlaskClient) -> None:
    globex = basic(GLOBEX_ADMIN_KEY)
    client.put("/api/v2/tickets/1", json={"subject": "changed"}, headers=globex)
    client.post("/_mock/reset", json={"account": ACME})
    assert (
        client.get("/api/v2/tickets/1", headers=globex).get_json()["ticket"]["subject"] == "changed"
    )


def test_whoami_names_the_account_of_a_key(client: FlaskClient) -> None:
    body = client.post("/_mock/whoami", json={"key": GLOBEX_ADMIN_KEY}).get_json()
    assert body == {"account": "globex.freshservice.com", "user_id": 21010000001, "role": "admin"}


def test_the_admin_api_refuses_callers_off_loopback(client: FlaskClient) -> None:
    response = client.get("/_mock/accounts", environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert response.status_code == 403


def test_an_admin_token_opens_the_admin_api_to_any_caller_that_presents_it() -> None:
    app = create_app(FakeSettings(now=NOW, admin_token="s3cret-token"))
    client = app.test_client()
    remote = {"REMOTE_ADDR": "10.1.2.3"}
    assert client.get("/_mock/accounts", environ_base=remote).status_code == 403
    ok = client.get(
        "/_mock/accounts", environ_base=remote, headers={"Authorization": "Bearer s3cret-token"}
    )
    assert ok.status_code == 200


def test_a_journal_since_that_is_not_a_number_is_400(client: FlaskClient) -> None:
    assert client.get(f"/_mock/accounts/{ACME}/journal?since=%C2%B2").status_code == 400


def test_a_reset_naming_an_account_with_a_non_string_is_400(client: FlaskClient) -> None:
    assert client.post("/_mock/reset", json={"account": ["x"]}).status_code == 400


# -- no web page can drive it ---------------------------------------------------------------------


def changed_ticket(client: FlaskClient, admin: dict[str, str]) -> None:
    client.put("/api/v2/tickets/10234", json={"subject": "changed"}, headers=admin)


def subject(client: FlaskClient, admin: dict[str, str]) -> str:
    return str(client.get("/api/v2/tickets/10234", headers=admin).get_json()["ticket"]["subject"])


@pytest.mark.parametrize(
    ("content_type", "data"),
    [
        ("text/plain", '{"account": "acme.freshservice.com"}'),
        ("application/x-www-form-urlencoded", "account=acme.freshservice.com"),
        ("multipart/form-data; boundary=x", "--x--"),
        (None, None),
    ],
)
def test_a_post_that_is_not_json_is_415_and_changes_nothing(
    client: FlaskClient, admin: dict[str, str], content_type: str | None, data: str | None
) -> None:
    changed_ticket(client, admin)
    response = client.post("/_mock/reset", data=data, content_type=content_type)
    assert response.status_code == 415
    assert response.get_json() == {
        "error": "the admin API takes JSON only: send Content-Type: application/json"
    }
    assert subject(client, admin) == "changed"


def test_a_put_that_is_not_json_is_415(client: FlaskClient) -> None:
    response = client.put(
        f"/_mock/accounts/{ACME}/plan", data='{"plan": "starter"}', content_type="text/plain"
    )
    assert response.status_code == 415


def test_json_with_a_charset_is_json(client: FlaskClient) -> None:
    response = client.post(
        "/_mock/whoami",
        data='{"key": "demo-acme-admin-key"}',
        content_type="application/json; charset=utf-8",
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    "origin",
    ["http://evil.example", "https://evil.example:8181", "null", "http://127.0.0.1.nip.io"],
)
def test_a_foreign_origin_is_403_and_changes_nothing(
    client: FlaskClient, admin: dict[str, str], origin: str
) -> None:
    changed_ticket(client, admin)
    response = client.post("/_mock/reset", json={}, headers={"Origin": origin})
    assert response.status_code == 403
    assert response.get_json() == {
        "error": "the admin API refuses requests from web pages that are not on a loopback origin"
    }
    assert subject(client, admin) == "changed"


def test_a_foreign_origin_cannot_read_the_journal(client: FlaskClient) -> None:
    response = client.get(
        f"/_mock/accounts/{ACME}/journal", headers={"Origin": "http://evil.example"}
    )
    assert response.status_code == 403


@pytest.mark.parametrize(
    "origin", ["http://localhost:3000", "http://127.0.0.1:8181", "https://[::1]:5173"]
)
def test_a_loopback_origin_is_served(client: FlaskClient, origin: str) -> None:
    response = client.post(
        "/_mock/keys/revoke", json={"key": ADMIN_KEY}, headers={"Origin": origin}
    )
    assert response.status_code == 200


def test_a_cross_site_fetch_is_403(client: FlaskClient) -> None:
    response = client.post(
        "/_mock/keys/revoke", json={"key": ADMIN_KEY}, headers={"Sec-Fetch-Site": "cross-site"}
    )
    assert response.status_code == 403
    assert response.get_json() == {
        "error": "the admin API refuses cross-site requests from web pages"
    }


@pytest.mark.parametrize("site", ["same-origin", "same-site", "none"])
def test_a_fetch_that_is_not_cross_site_is_served(client: FlaskClient, site: str) -> None:
    assert client.get("/_mock/accounts", headers={"Sec-Fetch-Site": site}).status_code == 200


@pytest.mark.parametrize(
    "host", ["evil.example:8181", "evil.example", "127.0.0.1.nip.io:8181", "0.0.0.0:8181"]
)
def test_a_host_that_is_not_loopback_is_421(client: FlaskClient, host: str) -> None:
    response = client.get(f"/_mock/accounts/{ACME}/journal", headers={"Host": host})
    assert response.status_code == 421
    assert response.get_json()["error"].startswith(
        "the admin API answers requests for a loopback host only"
    )


@pytest.mark.parametrize(
    "host", ["localhost", "localhost:8181", "127.0.0.1", "127.0.0.1:8181", "[::1]", "[::1]:8181"]
)
def test_a_loopback_host_is_served(client: FlaskClient, host: str) -> None:
    assert client.get("/_mock/accounts", headers={"Host": host}).status_code == 200


def test_with_an_admin_token_any_host_is_served_to_the_token() -> None:
    client = create_app(FakeSettings(now=NOW, admin_token="s3cret-token")).test_client()
    headers = {"Host": "fake.internal:8181", "Authorization": "Bearer s3cret-token"}
    assert client.get("/_mock/accounts", headers=headers).status_code == 200


def test_with_an_admin_token_a_foreign_origin_is_still_403() -> None:
    client = create_app(FakeSettings(now=NOW, admin_token="s3cret-token")).test_client()
    headers = {"Origin": "http://evil.example", "Authorization": "Bearer s3cret-token"}
    assert client.post("/_mock/reset", json={}, headers=headers).status_code == 403
