"""`freshservice-harness drift CASSETTE`: the fake stands in as the upstream. A recording of the
fake, compared with the fake, scores 100%; compared with a deliberately changed copy of it
(changed_fake.py: a renamed field, a new status code, a missing header) it names each planted
difference and nothing else. The cassettes are made here, without the recorder: requests sent to
a running fake with httpx, their answers made Exchanges and written as a cassette."""

from __future__ import annotations

import copy
import dataclasses
import os
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup

from contracts import cli
from contracts.drift.compare import Answer, compare, endpoint_of, vocabulary
from contracts.processes import fake_environment, serving
from mock_freshservice.cassette import (
    Exchange,
    cassette_document,
    kept_headers,
    normalised_query,
    write_cassette,
)
from mock_freshservice.journal import fingerprint
from tests.conftest import ADMIN_KEY, NOW
from tests.contracts import changed_fake
from tests.processes import Fake, refusing_port, running_fake

# Real fakes (one changed) and the drift CLI end to end: `tox -e slow`.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
# An extra admin key of the fakes here (acme's), kept out of every report drift writes.
SECRET = "drift-test-secret-7f3a9c"
MISSING_TICKET = 999999
# What the recording asks: a list over two pages, one ticket, one that does not exist, the
# caller, a note written, and a second kind of list.
REQUESTS: list[tuple[str, str, dict[str, str], Any]] = [
    ("GET", "/tickets", {"per_page": "2", "page": "1"}, None),
    ("GET", "/tickets", {"per_page": "2", "page": "2"}, None),
    ("GET", "/tickets/{ticket}", {}, None),
    ("GET", f"/tickets/{MISSING_TICKET}", {}, None),
    ("GET", "/agents/me", {}, None),
    ("POST", "/tickets/{ticket}/notes", {}, {"body": "<p>Checked for drift</p>", "private": True}),
    ("GET", "/requesters", {"per_page": "2"}, None),
]


def record(fake: Fake, key: str) -> list[Exchange]:
    """REQUESTS sent to `fake` with `key`, as a recorder would keep them."""
    first = fake.api("GET", "/tickets", key, params={"per_page": 1}).json()["tickets"][0]["id"]
    exchanges = []
    for method, template, query, body in REQUESTS:
        path = template.format(ticket=first)
        response = fake.api(method, path, key, params=query, json=body)
        exchanges.append(
            Exchange(
                method=method,
                path=f"/api/v2{path}",
                query=normalised_query(query.items()),
                body=body,
                status=response.status_code,
                headers=kept_headers(response.headers.items()),
                response=response.json() if response.content else None,
            )
        )
    return exchanges


def write(folder: Path, exchanges: list[Exchange], key: str = ADMIN_KEY) -> Path:
    document = cassette_document(
        exchanges, key=key, upstream="http://fake.example", recorded_at=NOW.isoformat()
    )
    write_cassette(folder, document)
    return folder


def edited(exchanges: list[Exchange], path: str, edit: Callable[[Any], None]) -> list[Exchange]:
    """A copy of `exchanges`, the recorded answer of each request to `path` edited."""
    copies = []
    for exchange in exchanges:
        asked = exchange.path.removeprefix("/api/v2")
        if asked == path or (path.endswith("*") and asked.startswith(path[:-1])):
            response = copy.deepcopy(exchange.response)
            edit(response)
            copies.append(dataclasses.replace(exchange, response=response))
        else:
            copies.append(exchange)
    return copies


@pytest.fixture(scope="module")
def fake() -> Iterator[Fake]:
    with running_fake(env={"MOCK_FRESHSERVICE_API_KEYS": SECRET}) as running:
        yield running


@pytest.fixture(scope="module")
def recorded(fake: Fake) -> list[Exchange]:
    return record(fake, ADMIN_KEY)


@pytest.fixture(scope="module")
def cassette(recorded: list[Exchange], tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write(tmp_path_factory.mktemp("cassette"), recorded)


@pytest.fixture(scope="module")
def changed_url() -> Iterator[str]:
    """The changed copy of the fake, started as the tests' fakes are (the same frozen clock)."""
    command = [sys.executable, "-m", "tests.contracts.changed_fake", "serve", "--now"]
    env = {
        **fake_environment(),
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    with serving([*command, NOW.isoformat()], "/_mock/health", env=env) as served:
        yield served.url


def drift(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    code = cli.main(["drift", *map(str, args)])
    out, err = capsys.readouterr()
    return code, out, err


def differences(out: str) -> set[str]:
    """The difference lines of drift's text report."""
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.endswith("differences:"))
    return {line for line in lines[start + 1 :] if not line.startswith("conformance ")}


# -- Against the fake itself ------------------------------------------------------------------


def test_the_fake_against_a_recording_of_itself_scores_100_percent(capsys, cassette, fake) -> None:
    code, out, _ = drift(capsys, cassette, "--fake-url", fake.url)
    assert code == 0
    assert "no differences" in out
    for endpoint in (
        "GET /api/v2/tickets ",
        "GET /api/v2/tickets/{id} ",
        "GET /api/v2/agents/me",
        "POST /api/v2/tickets/{id}/notes",
        "GET /api/v2/requesters",
        "overall",
    ):
        row = next(line for line in out.splitlines() if line.startswith(endpoint))
        assert row.endswith(" 100.0%"), row
    assert "conformance 100.0%" in out


def test_without_fake_url_drift_starts_a_fake_of_its_own(capsys, cassette) -> None:
    code, out, _ = drift(capsys, cassette)
    assert code == 0
    assert "against a fake started for this run" in out
    assert "no differences" in out


# -- Against a changed copy of the fake -------------------------------------------------------


def test_the_changed_copy_shows_each_planted_difference_and_nothing_else(
    capsys, cassette, changed_url
) -> None:
    code, out, _ = drift(capsys, cassette, "--fake-url", changed_url)
    old, new = changed_fake.RENAMED
    assert code == 0  # no --min-score: drift reports, it does not judge
    assert differences(out) == {
        f"GET /api/v2/tickets  field tickets[].{old}: recorded present, fake absent, "
        f"{new} in its place  (2 of 2 requests)",
        f"GET /api/v2/tickets/{{id}}  field ticket.{old}: recorded present, fake absent, "
        f"{new} in its place  (1 of 2 requests)",
        f"GET /api/v2/tickets/{{id}}  status: recorded 404, fake {changed_fake.NOT_FOUND_NOW}  "
        "(1 of 2 requests)",
        "GET /api/v2/requesters  header Link: recorded present, fake absent",
    }
    assert "4 differences:" in out
    for untouched in ("GET /api/v2/agents/me", "POST /api/v2/tickets/{id}/notes"):
        row = next(line for line in out.splitlines() if line.startswith(untouched))
        assert row.endswith(" 100.0%"), row


def test_junit_has_a_case_per_endpoint_failing_with_its_differences(
    capsys, tmp_path, cassette, changed_url
) -> None:
    junit = tmp_path / "drift.xml"
    drift(capsys, cassette, "--fake-url", changed_url, "--junit", junit)
    cases = {case.get("name"): case for case in ET.parse(junit).iter("testcase")}
    assert set(cases) == {
        "GET /api/v2/tickets",
        "GET /api/v2/tickets/{id}",
        "GET /api/v2/agents/me",
        "POST /api/v2/tickets/{id}/notes",
        "GET /api/v2/requesters",
    }
    failing = {name for name, case in cases.items() if case.find("failure") is not None}
    assert failing == {"GET /api/v2/tickets", "GET /api/v2/tickets/{id}", "GET /api/v2/requesters"}
    assert "status: recorded 404" in (cases["GET /api/v2/tickets/{id}"].findtext("failure") or "")


# -- --min-score ------------------------------------------------------------------------------


def test_a_score_under_min_score_exits_1_saying_so(capsys, cassette, changed_url) -> None:
    code, out, err = drift(capsys, cassette, "--fake-url", changed_url, "--min-score", "99.5")
    assert code == 1
    assert "is under --min-score 99.5%" in err
    assert "conformance 98." in out  # the report is printed all the same


def test_a_score_at_or_over_min_score_exits_0(capsys, cassette, changed_url, fake) -> None:
    assert drift(capsys, cassette, "--fake-url", changed_url, "--min-score", "95")[0] == 0
    assert drift(capsys, cassette, "--fake-url", fake.url, "--min-score", "100%")[0] == 0


@pytest.mark.parametrize("value", ["high", "101", "-1", "nan"])
def test_a_min_score_that_is_no_percentage_is_a_usage_error(capsys, cassette, value) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main(["drift", str(cassette), "--min-score", value])
    assert exited.value.code == 2
    assert "--min-score" in capsys.readouterr().err


# -- The HTML report --------------------------------------------------------------------------


def test_the_html_report_has_the_scores_and_the_differences_escaped(
    capsys, tmp_path, recorded, fake
) -> None:
    hostile = "<script>alert(1)</script>"
    cassette = write(
        tmp_path / "c", edited(recorded, "/agents/me", lambda b: b["agent"].update({hostile: 1}))
    )
    page = tmp_path / "drift.html"
    code, _, err = drift(capsys, cassette, "--fake-url", fake.url, "--html", page)
    assert code == 0
    assert f"HTML report written to {page}" in err
    html = page.read_text()
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find("script") is None
    assert "&lt;script&gt;" in html
    [section] = soup.select("section.endpoint")
    assert section["data-endpoint"] == "GET /api/v2/agents/me"
    [row] = section.select("tr.difference")
    assert [td.get_text() for td in row.find_all("td")] == [
        "field",
        f"agent.{hostile}",
        "present",
        "absent",
        "1 of 1",
    ]
    assert soup.select_one("#differences").get_text() == "1"
    made = int(soup.select_one("#checks-made").get_text())
    assert soup.select_one("#checks-passed").get_text() == str(made - 1)
    assert soup.select_one("#exit-code").get_text() == "0"


# -- The key ----------------------------------------------------------------------------------


def test_the_key_is_never_printed_nor_written(capsys, monkeypatch, tmp_path, fake) -> None:
    """The cassette's key, sent to the fake, also planted as a recorded code (a ticket's type)
    that then shows in a difference: everywhere only its fingerprint."""

    def typed(body: Any) -> None:
        for ticket in (body or {}).get("tickets") or [(body or {}).get("ticket")]:
            if ticket:
                ticket["type"] = SECRET

    cassette = write(tmp_path / "c", edited(record(fake, SECRET), "/tickets*", typed), key=SECRET)
    monkeypatch.setenv(cli.KEY_VARIABLE, SECRET)
    page, junit = tmp_path / "drift.html", tmp_path / "drift.xml"
    code, out, err = drift(
        capsys, cassette, "--fake-url", fake.url, "-v", "--html", page, "--junit", junit
    )
    assert code == 0
    written = out + err + page.read_text() + junit.read_text()
    assert "account acme.freshservice.com" in out  # the key opened acme's account
    assert f'enum tickets[].type: recorded "{fingerprint(SECRET)}", fake "Incident"' in out
    assert SECRET not in written


def test_a_key_the_fake_does_not_know_is_a_usage_error_not_shown(capsys, cassette, fake) -> None:
    code, out, err = drift(capsys, cassette, "--fake-url", fake.url, "--key", "no-such-key-41")
    assert code == 2
    assert "no account of the fake has this API key (not shown)" in err
    assert "no-such-key-41" not in out + err


def test_a_recorded_429_is_left_out_not_scored(capsys, tmp_path, recorded, fake) -> None:
    spent = [
        dataclasses.replace(e, status=429) if e.path == "/api/v2/agents/me" else e for e in recorded
    ]
    code, out, _ = drift(capsys, write(tmp_path / "c", spent), "--fake-url", fake.url)
    assert code == 0
    assert "1 recorded 429 answer left out" in out
    assert "no differences" in out
    assert not any(line.startswith("GET /api/v2/agents/me") for line in out.splitlines())


# -- Usage errors -----------------------------------------------------------------------------


def test_a_cassette_that_cannot_be_read_is_a_usage_error(capsys, tmp_path) -> None:
    code, out, err = drift(capsys, tmp_path / "nowhere", "--fake-url", "http://127.0.0.1:9")
    assert code == 2
    assert f"cannot read the cassette {tmp_path / 'nowhere' / 'cassette.yaml'}" in err
    assert out == ""


def test_a_fake_that_cannot_be_reached_is_a_usage_error(capsys, cassette) -> None:
    url = f"http://127.0.0.1:{refusing_port()}"
    code, out, err = drift(capsys, cassette, "--fake-url", url)
    assert code == 2
    assert f"cannot reach the fake at {url}" in err
    assert out == ""


# -- The checks, one by one (no processes) ----------------------------------------------------


def exchange(response: Any, status: int = 200, **headers: str) -> Exchange:
    return Exchange("GET", "/api/v2/tickets/7", {}, None, status, headers, response)


def compared(recorded: Any, answer: Any, status: int = 200, **headers: str) -> list[str]:
    sent = exchange(recorded)
    done = compare(sent, Answer(status, headers, answer), vocabulary([sent]))
    return [f"{d.what()}: {d.recorded} / {d.fake}" for d in done.differences]


def test_null_against_a_value_is_data_but_another_type_is_drift() -> None:
    recorded = {"ticket": {"responder_id": None, "group_id": 5}}
    assert compared(recorded, {"ticket": {"responder_id": 9, "group_id": 5}}) == []
    assert compared(recorded, {"ticket": {"responder_id": None, "group_id": "5"}}) == [
        "type ticket.group_id: integer / string"
    ]


def test_an_enum_code_never_recorded_is_drift_a_code_not_given_is_not() -> None:
    recorded = {"tickets": [{"status": 2}, {"status": 3}]}
    assert compared(recorded, {"tickets": [{"status": 2}]}) == []
    assert compared(recorded, {"tickets": [{"status": 2}, {"status": 6}]}) == [
        "enum tickets[].status: 2|3 / 6"
    ]


def test_an_empty_list_says_nothing_of_its_items() -> None:
    recorded = {"ticket": {"attachments": []}}
    assert compared(recorded, {"ticket": {"attachments": [{"id": 1, "name": "a.png"}]}}) == []
    assert compared(
        {"ticket": {"attachments": [{"id": 1}]}}, {"ticket": {"attachments": [{}]}}
    ) == ["field ticket.attachments[].id: present / absent"]


def test_a_changed_envelope_is_told_once_not_field_by_field() -> None:
    assert compared({"ticket": {"id": 1, "subject": "x"}}, {"tickets": [{"id": 1}]}) == [
        "envelope ticket: present / absent",
        "envelope tickets: absent / present",
    ]


def test_custom_fields_are_the_accounts_own_and_not_compared() -> None:
    recorded = {"ticket": {"custom_fields": {"cost_centre": "A1"}}}
    assert compared(recorded, {"ticket": {"custom_fields": {"vip": True}}}) == []


def test_a_different_status_is_the_only_check_of_that_request() -> None:
    sent = exchange({"ticket": {"id": 7}})
    done = compare(sent, Answer(404, {"Link": "<x>; rel=next"}, None), {})
    assert done.checks == 1
    assert [str(d) for d in done.differences] == [
        "GET /api/v2/tickets/{id}  status: recorded 200, fake 404"
    ]


def test_headers_are_compared_by_presence_and_link_by_its_rels() -> None:
    recorded: dict[str, str] = {
        "Link": '<https://a/x?page=2>; rel="next"',
        "X-RateLimit-Total": "50",
    }
    sent = exchange({"tickets": []}, **recorded)
    same = compare(
        sent,
        Answer(
            200,
            {"Link": '<http://b/y?page=2>; rel="next"', "X-RateLimit-Total": "9"},
            {"tickets": []},
        ),
        {},
    )
    assert same.differences == []
    other = compare(sent, Answer(200, {"Link": "<http://b/y>; rel=prev"}, {"tickets": []}), {})
    assert [f"{d.what()}: {d.recorded} / {d.fake}" for d in other.differences] == [
        "header Link: rel next / rel prev",
        "header X-RateLimit-Total: present / absent",
    ]


def test_an_endpoint_is_its_method_and_path_with_ids_as_placeholders() -> None:
    assert endpoint_of("get", "/api/v2/tickets/1023/notes") == "GET /api/v2/tickets/{id}/notes"
    assert endpoint_of("GET", "/api/v2/agents/me") == "GET /api/v2/agents/me"
