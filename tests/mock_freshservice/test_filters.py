"""The filter query language on /tickets/filter: documented expressions, generated queries checked
against a reference evaluator written here, and refusals that name the problem."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mock_freshservice import FakeSettings, create_app
from mock_freshservice.api.shapes import TICKET_FILTER_KEYS
from mock_freshservice.state import EXTENSION, FakeState
from tests.conftest import NOW, basic
from tests.mock_freshservice.test_dataset import default_dataset_with

Ticket = dict[str, Any]
JOHN = 21000000013


def day(text: str) -> int:
    return int(datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp())


def visible(
    app: Flask, workspace: int | None = 2, domain: str = "acme.freshservice.com"
) -> list[Ticket]:
    state: FakeState = app.extensions[EXTENSION]
    account = state.accounts[domain]
    return [
        t
        for t in account.tickets.all()
        if not t["spam"]
        and not t["deleted"]
        and (workspace in (None, 0) or t["workspace_id"] == workspace)
    ]


def filtered(
    client: FlaskClient, headers: dict[str, str], query: str, extra: str = ""
) -> tuple[int, list[int]]:
    """(total, ids of every page) for a query."""
    ids: list[int] = []
    page = 1
    while True:
        response = client.get(
            f"/api/v2/tickets/filter?query={quote(query)}&page={page}{extra}", headers=headers
        )
        assert response.status_code == 200, response.get_json()
        body = response.get_json()
        ids += [t["id"] for t in body["tickets"]]
        if len(body["tickets"]) < 30:
            return body["total"], ids
        page += 1


EMAIL_OF_JOHN = "john@acme.com"
DOCUMENTED: list[tuple[str, str, Callable[[Ticket], bool]]] = [
    ('"priority:3"', "", lambda t: t["priority"] == 3),
    ('"priority:4 OR priority:3"', "", lambda t: t["priority"] in (3, 4)),
    ('"status:3 OR status:4"', "", lambda t: t["status"] in (3, 4)),
    ('"priority:>3 AND group_id:11 AND status:2"', "", lambda t: False),
    ('"priority:>3 AND status:2"', "", lambda t: t["priority"] >= 3 and t["status"] == 2),
    (
        "\"business_impact:'High' OR vip_request:true\"",
        "",
        lambda t: (
            t["custom_fields"]["business_impact"] == "High" or t["custom_fields"]["vip_request"]
        ),
    ),
    (
        "\" priority: 3 AND created_at:>'2026-09-01' AND created_at:<'2026-10-01'\"",
        "",
        lambda t: (
            t["priority"] == 3 and day("2026-09-01") <= t["created_at"] <= day("2026-10-01") + 86399
        ),
    ),
    (
        "\"priority:4 AND created_at:>'2026-10-15'\"",
        "",
        lambda t: t["priority"] == 4 and t["created_at"] >= day("2026-10-15"),
    ),
    ("\"tag:'network'\"", "", lambda t: "network" in t["tags"]),
    ('"agent_id:null"', "&workspace_id=2", lambda t: t["responder_id"] is None),
    ('"priority:4 OR priority:3"', "&workspace_id=0", lambda t: t["priority"] in (3, 4)),
    (
        '"priority: 1 AND status: 2 OR urgency: 3"',
        "",
        lambda t: (t["priority"] == 1 and t["status"] == 2) or t["urgency"] == 3,
    ),
    ('"priority :< 1"', "", lambda t: t["priority"] <= 1),
    ('"priority:> 2"', "", lambda t: t["priority"] >= 2),
    (
        "\"(priority:2 OR email:'john@acme.com') AND vip_request:false\"",
        "",
        lambda t: (
            (t["priority"] == 2 or t["requester_id"] == JOHN)
            and not t["custom_fields"]["vip_request"]
        ),
    ),
    ('"group_id:null"', "", lambda t: t["group_id"] is None),
    (
        "\"due_by:'2026-10-20'\"",
        "",
        lambda t: day("2026-10-20") <= t["due_by"] <= day("2026-10-20") + 86399,
    ),
    ("\"fr_due_by:<'2026-10-01'\"", "", lambda t: t["fr_due_by"] <= day("2026-10-01") + 86399),
    (
        "\"updated_at:>'2026-10-01T06:00:00Z'\"",
        "",
        lambda t: t["updated_at"] >= day("2026-10-01T06:00:00"),
    ),
    (f'"requester_id:{JOHN}"', "", lambda t: t["requester_id"] == JOHN),
    ("\"email:'JOHN@acme.com'\"", "", lambda t: t["requester_id"] == JOHN),
    ('"impact:3 AND urgency:3"', "", lambda t: t["impact"] == 3 and t["urgency"] == 3),
    ('"workspace_id:3"', "&workspace_id=0", lambda t: t["workspace_id"] == 3),
    (
        '"(status:2 OR status:3) AND (priority:4 OR agent_id:21000000001)"',
        "",
        lambda t: (
            t["status"] in (2, 3) and (t["priority"] == 4 or t["responder_id"] == 21000000001)
        ),
    ),
]


@pytest.mark.parametrize(("query", "extra", "expected"), DOCUMENTED, ids=[d[0] for d in DOCUMENTED])
def test_documented_expressions_select_what_they_say(
    app: Flask,
    client: FlaskClient,
    admin: dict[str, str],
    query: str,
    extra: str,
    expected: Callable[[Ticket], bool],
) -> None:
    workspace = 0 if "workspace_id=0" in extra else 2
    want = sorted(
        (t for t in visible(app, workspace) if expected(t)),
        key=lambda t: (t["created_at"], t["id"]),
        reverse=True,
    )
    total, ids = filtered(client, admin, query, extra)
    assert total == len(want)
    assert ids == [t["id"] for t in want]


def test_filter_results_are_30_a_page_with_the_total(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    response = client.get("/api/v2/tickets/filter?query=" + quote('"priority:>1"'), headers=admin)
    body = response.get_json()
    assert len(body["tickets"]) == 30
    assert body["total"] > 30
    assert set(body) == {"tickets", "total"}
    assert "Link" not in response.headers


def test_filter_items_have_the_documented_keys(client: FlaskClient, admin: dict[str, str]) -> None:
    body = client.get(
        "/api/v2/tickets/filter?query=" + quote('"priority:4"'), headers=admin
    ).get_json()
    assert all(list(t) == list(TICKET_FILTER_KEYS) for t in body["tickets"])


def test_a_requester_filters_only_their_own_tickets(
    client: FlaskClient, requester: dict[str, str]
) -> None:
    total, ids = filtered(client, requester, '"priority:>1"')
    assert total == len(ids) > 0
    assert (
        client.get(f"/api/v2/tickets/{ids[0]}", headers=requester).get_json()["ticket"][
            "requester_id"
        ]
        == JOHN
    )


@pytest.mark.parametrize(
    ("query", "problem"),
    [
        ("priority:3", "enclosed in double quotes"),
        ('"' + "priority:3 AND " * 40 + 'priority:3"', "at most 512"),
        ('""', "empty"),
        ('"colour:3"', "Unknown field 'colour'"),
        ("\"priority:'3'\"", "'priority' is a number field"),
        ('"email:john"', "'email' takes a value in single quotes"),
        ("\"email:>'a'\"", "':>' works on number and date fields only"),
        ('"priority:3 AND"', "ends too early"),
        ('"(priority:3 OR status:2"', "never closed"),
        ('"priority:3)"', "Unexpected ')'"),
        ("\"due_by:'tomorrow'\"", "takes a date as 'yyyy-mm-dd'"),
        ('"vip_request:yes"', "use true or false"),
        ('"priority:3 and status:2"', "Unexpected 'and'"),
        ('"priority=3"', "Unexpected character '='"),
        ("\"~[first_name]:'jo'\"", "starts-with searches are not supported here"),
        ('"priority:>null"', "null can only be matched with ':'"),
        ('"null:3"', "Unknown field 'null' at position 1"),
        ('"AND priority:3"', "Expected a field name at position 1"),
        ('"priority 3"', "Expected ':', ':>' or ':<' after 'priority'"),
        ('"priority:("', "'priority' is a number field; '(' at position 10 is not a number"),
        ('"priority:3 status:2"', "Unexpected 'status' at position 12"),
        ('"(priority:3 status:2)"', "The '(' at position 1 is never closed"),
        ('" (priority:3 AND (status:2)"', "The '(' at position 2 is never closed"),
        ('"priority:3 | status:2"', "Unexpected character '|' at position 12"),
        # A stray character is named before anything else, even an unknown field before it.
        ('"colour:3 | status:2"', "Unexpected character '|' at position 10"),
        ('"colour:3 AND email:"john""', "Unexpected character '\"' at position 20"),
        ("\"email:>'a' AND )\"", "':>' works on number and date fields only"),
        ('"' + "(" * 512 + '"', "ends too early"),
        ('"' + ")" * 512 + '"', "Expected a field name at position 1"),
    ],
)
def test_a_bad_query_is_400_naming_the_problem(
    client: FlaskClient, admin: dict[str, str], query: str, problem: str
) -> None:
    response = client.get(f"/api/v2/tickets/filter?query={quote(query)}", headers=admin)
    assert response.status_code == 400
    [error] = response.get_json()["errors"]
    assert error["field"] == "query"
    assert error["code"] == "invalid_value"
    assert problem in error["message"]


@pytest.mark.parametrize(
    "query",
    ['"priority:\u0663"', "\"created_at:>'\u0662\u0660\u0662\u0666-01-01'\"", '"priority:\uff13"'],
    ids=["arabic-indic number", "arabic-indic date", "fullwidth number"],
)
def test_only_ascii_digits_make_numbers_and_dates_in_a_query(
    client: FlaskClient, admin: dict[str, str], query: str
) -> None:
    response = client.get(f"/api/v2/tickets/filter?query={quote(query)}", headers=admin)
    assert response.status_code == 400
    [error] = response.get_json()["errors"]
    assert (error["field"], error["code"]) == ("query", "invalid_value")


def test_an_escaped_backslash_in_a_query_value_stands_for_one_backslash(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    body = {
        "subject": "Share unreachable",
        "description": "d",
        "email": EMAIL_OF_JOHN,
        "status": 2,
        "priority": 1,
        "tags": ["\\\\fs01\\it's"],
    }
    ticket_id = client.post("/api/v2/tickets", json=body, headers=admin).get_json()["ticket"]["id"]
    query = "\"tag:'\\\\\\\\fs01\\\\it\\'s'\""  # the tag with each \ and ' escaped
    assert filtered(client, admin, query) == (1, [ticket_id])


def test_a_filter_without_a_query_is_missing_field(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    response = client.get("/api/v2/tickets/filter", headers=admin)
    assert response.get_json()["errors"] == [
        {"field": "query", "message": "It should be a/an String", "code": "missing_field"}
    ]


def test_per_page_is_refused_on_filters(client: FlaskClient, admin: dict[str, str]) -> None:
    response = client.get(
        "/api/v2/tickets/filter?query=" + quote('"priority:3"') + "&per_page=50", headers=admin
    )
    assert response.get_json()["errors"][0]["field"] == "per_page"


def test_email_finds_the_tickets_of_a_requesters_secondary_email(admin: dict[str, str]) -> None:
    def give_john_a_second_email(raw: dict[str, Any]) -> None:
        acme = raw["accounts"][0]
        john = next(r for r in acme["pinned"]["requesters"] if r["primary_email"] == EMAIL_OF_JOHN)
        john["secondary_emails"] = ["jc@acme.com"]

    app = create_app(FakeSettings(now=NOW), default_dataset_with(give_john_a_second_email))
    client = app.test_client()
    johns = filtered(client, admin, f'"requester_id:{JOHN}"')
    assert johns[0] > 0
    assert filtered(client, admin, "\"email:'jc@acme.com'\"") == johns
    assert filtered(client, admin, f"\"email:'{EMAIL_OF_JOHN}'\"") == johns


# -- generated queries against a reference evaluator ------------------------------------------

NUMBER_FIELDS = {
    "priority": "priority",
    "status": "status",
    "urgency": "urgency",
    "impact": "impact",
    "agent_id": "responder_id",
    "group_id": "group_id",
    "requester_id": "requester_id",
}
DATE_FIELDS = ("created_at", "updated_at", "due_by", "fr_due_by")


def number_conditions(
    app_state: FakeState,
) -> st.SearchStrategy[tuple[str, Callable[[Ticket], bool]]]:
    account = app_state.accounts["initech.freshservice.com"]
    people = [a["id"] for a in account.agents.all()][:3]
    groups = list(account.groups.ids)[:2]

    def build(field: str, op: str, value: int | None) -> tuple[str, Callable[[Ticket], bool]]:
        key = NUMBER_FIELDS[field]
        if value is None:
            return f"{field}:null", lambda t: t[key] is None
        if op == ":>":
            return f"{field}:>{value}", lambda t: t[key] is not None and t[key] >= value
        if op == ":<":
            return f"{field}:<{value}", lambda t: t[key] is not None and t[key] <= value
        return f"{field}:{value}", lambda t: t[key] == value

    small = st.tuples(
        st.sampled_from(["priority", "status", "urgency", "impact"]),
        st.sampled_from([":", ":>", ":<"]),
        st.integers(0, 6),
    )
    ids = st.tuples(
        st.sampled_from(["agent_id", "group_id"]),
        st.just(":"),
        st.sampled_from([*people, *groups, None]),
    )
    return (small | ids).map(lambda f: build(*f))


def date_conditions() -> st.SearchStrategy[tuple[str, Callable[[Ticket], bool]]]:
    def build(field: str, op: str, offset: int) -> tuple[str, Callable[[Ticket], bool]]:
        moment = datetime.fromtimestamp(NOW.timestamp() - offset * 86400, UTC).strftime("%Y-%m-%d")
        first = day(moment)
        last = first + 86399
        if op == ":>":
            return f"{field}:>'{moment}'", lambda t: t[field] >= first
        if op == ":<":
            return f"{field}:<'{moment}'", lambda t: t[field] <= last
        return f"{field}:'{moment}'", lambda t: first <= t[field] <= last

    return st.tuples(
        st.sampled_from(DATE_FIELDS), st.sampled_from([":", ":>", ":<"]), st.integers(0, 140)
    ).map(lambda f: build(*f))


def other_conditions() -> st.SearchStrategy[tuple[str, Callable[[Ticket], bool]]]:
    tags = st.sampled_from(["network", "vip", "laptop", "printer", "nope"]).map(
        lambda tag: (f"tag:'{tag}'", lambda t: tag in t["tags"])
    )
    impacts = st.sampled_from(["Low", "high", "Medium"]).map(
        lambda v: (
            f"business_impact:'{v}'",
            lambda t: (t["custom_fields"]["business_impact"] or "").lower() == v.lower(),
        )
    )
    vip = st.booleans().map(
        lambda b: (
            f"vip_request:{'true' if b else 'false'}",
            lambda t: t["custom_fields"]["vip_request"] == b,
        )
    )
    return tags | impacts | vip


def expressions(
    leaves: st.SearchStrategy[tuple[str, Callable[[Ticket], bool]]],
) -> st.SearchStrategy[tuple[str, Callable[[Ticket], bool]]]:
    def combine(
        children: st.SearchStrategy[tuple[str, Callable[[Ticket], bool]]],
    ) -> st.SearchStrategy[tuple[str, Callable[[Ticket], bool]]]:
        def join(
            parts: list[tuple[str, Callable[[Ticket], bool]]], word: str
        ) -> tuple[str, Callable[[Ticket], bool]]:
            text = f" {word} ".join(f"({p[0]})" for p in parts)
            tests = [p[1] for p in parts]
            if word == "AND":
                return text, lambda t: all(f(t) for f in tests)
            return text, lambda t: any(f(t) for f in tests)

        return st.builds(
            join, st.lists(children, min_size=2, max_size=3), st.sampled_from(["AND", "OR"])
        )

    return st.recursive(leaves, combine, max_leaves=5)


@pytest.fixture(scope="module")
def initech() -> tuple[Flask, FakeState]:
    app = create_app(FakeSettings(now=NOW, plan="unlimited"))
    return app, app.extensions[EXTENSION]


_STATE_FOR_STRATEGY: FakeState = create_app(FakeSettings(now=NOW)).extensions[EXTENSION]


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    expression=expressions(
        number_conditions(_STATE_FOR_STRATEGY) | date_conditions() | other_conditions()
    )
)
def test_generated_queries_match_the_reference_evaluator(
    initech: tuple[Flask, FakeState], expression: tuple[str, Callable[[Ticket], bool]]
) -> None:
    app, _ = initech
    text, reference = expression
    tickets = visible(app, 2, "initech.freshservice.com")
    want = sorted(
        (t for t in tickets if reference(t)), key=lambda t: (t["created_at"], t["id"]), reverse=True
    )
    client = app.test_client()
    response = client.get(
        f"/api/v2/tickets/filter?query={quote(chr(34) + text + chr(34))}",
        headers=basic("demo-initech-admin-key"),
    )
    assert response.status_code == 200, (text, response.get_json())
    body = response.get_json()
    assert body["total"] == len(want), text
    assert [t["id"] for t in body["tickets"]] == [t["id"] for t in want[:30]], text


# -- agents and requesters --------------------------------------------------------------------


def people(
    client: FlaskClient, headers: dict[str, str], path: str, query: str, extra: str = ""
) -> list[dict[str, Any]]:
    response = client.get(f"/api/v2/{path}?query={quote(query)}{extra}", headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()[path]  # type: ignore[no-any-return]


def test_agents_filter_starts_with_on_names(client: FlaskClient, admin: dict[str, str]) -> None:
    found = people(client, admin, "agents", "\"~[first_name|last_name]:'pri'\"")
    assert [a["email"] for a in found] == ["priya.raman@acme.com"]


def test_agents_filter_by_department_matches_any_of_theirs(
    app: Flask, client: FlaskClient, admin: dict[str, str]
) -> None:
    state: FakeState = app.extensions[EXTENSION]
    agents = list(state.accounts["acme.freshservice.com"].agents.all())
    department = agents[0]["department_ids"][0]
    found = people(client, admin, "agents", f'"department_id:{department}"')
    assert {a["id"] for a in found} == {
        a["id"] for a in agents if department in a["department_ids"]
    }


def test_agents_filter_results_come_newest_first(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    found = people(client, admin, "agents", "\"created_at:>'2000-01-01'\"")
    created = [a["created_at"] for a in found]
    assert created == sorted(created, reverse=True)


def test_requesters_filter_by_primary_email(client: FlaskClient, admin: dict[str, str]) -> None:
    found = people(client, admin, "requesters", "\"primary_email:'john@acme.com'\"")
    assert [r["id"] for r in found] == [JOHN]


def test_requesters_filter_on_name_with_include_agents(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    found = people(client, admin, "requesters", "\"name:'Priya Raman'\"", "&include_agents=true")
    assert [r["is_agent"] for r in found] == [True]


def test_a_people_filter_refuses_email_on_requesters(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    response = client.get(
        "/api/v2/requesters?query=" + quote("\"email:'john@acme.com'\""), headers=admin
    )
    assert "Unknown field 'email'" in response.get_json()["errors"][0]["message"]


@pytest.mark.parametrize(
    ("query", "problem"),
    [
        ("\"~[first name]:'a'\"", "'first name' cannot be searched with '~[…]'; use first_name,"),
        ("\"~[first_name|]:'a'\"", "'' cannot be searched with '~[…]'"),
        ("\"~[x=y]:'a'\"", "'x=y' cannot be searched with '~[…]'"),
        ("\"~ [first_name]:'a'\"", "Unexpected character '~' at position 1"),
        ('"~[first_name"', "Unexpected character '~' at position 1"),
        ("\"~[first_name]:>'a'\"", "A '~[…]' search takes ':' and a value in single quotes"),
        ('"~[first_name]:a"', "A '~[…]' search takes a value in single quotes"),
        ('"~[first_name]"', "The query ends too early"),
        ("\"first_name:'a' AND ~[name]:\"", "The query ends too early"),
    ],
)
def test_a_bad_starts_with_search_is_400_naming_the_problem(
    client: FlaskClient, admin: dict[str, str], query: str, problem: str
) -> None:
    response = client.get(f"/api/v2/agents?query={quote(query)}", headers=admin)
    assert response.status_code == 400
    [error] = response.get_json()["errors"]
    assert problem in error["message"]


WORST_CASES = {
    "512 (": "(" * 512,
    "256 ~[": "~[" * 256,
    "512 '": "'" * 512,
    "128 ANDs": "AND " * 128,
    "a run of ANDs": "priority:1 AND " * 33 + "status:12",
    "31 groups, each inside the last": "priority:1 OR (" * 31 + "status:2" + ")" * 31,
}


@pytest.mark.parametrize("query", list(WORST_CASES.values()), ids=list(WORST_CASES))
def test_a_worst_case_512_character_query_is_answered_not_crashed_on(
    client: FlaskClient, admin: dict[str, str], query: str
) -> None:
    assert len(query) <= 512
    response = client.get(
        f"/api/v2/tickets/filter?query={quote(chr(34) + query + chr(34))}", headers=admin
    )
    assert response.status_code in (200, 400), response.get_data(as_text=True)[:500]
    if "status:" in query:
        assert response.status_code == 200


def test_a_people_filter_page_beyond_40_is_refused(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    response = client.get("/api/v2/agents?page=41&query=" + quote("\"name:'x'\""), headers=admin)
    assert (
        response.get_json()["errors"][0]["message"]
        == "It should be a Positive Integer less than or equal to 40"
    )
