"""`mock-freshservice record`: the scrubbing, in process, and the recording proxy as a real
process in front of the fake over TLS, which stands in for Freshservice (no network)."""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from contracts.processes import Served
from mock_freshservice.cassette import Exchange
from mock_freshservice.record import SECRET_VARIABLE
from mock_freshservice.record.proxy import Recording, keys_in
from mock_freshservice.record.scrub import (
    NEUTRAL_BASE,
    NEUTRAL_HOST,
    REMOVED_KEY,
    RulesError,
    Scrubber,
    load_rules,
)
from tests.processes import Fake, fake_environment, refusing_port, running_fake, serving

# The recorder as a real process between a client and the fake over TLS: `tox -e slow`.
pytestmark = pytest.mark.slow

SCRUB_SECRET = "record-tests-scrub-secret"
# An admin key of Acme that only these tests know: it must be written nowhere.
KEY = "fs-record-Xy7q-SECRET-2b9e4c"
RECORD_COMMAND = [sys.executable, "-m", "mock_freshservice", "record"]
UPSTREAM = "https://acme.freshservice.com"


@contextlib.contextmanager
def recording(upstream: str, out: Path, ca_dir: Path | None, *args: str) -> Iterator[Served]:
    """`mock-freshservice record` in front of `upstream` (trusting the CA in `ca_dir`), writing
    into `out` with the tests' scrubbing secret; stopped (SIGTERM) when the block ends."""
    trust = ["--upstream-ca", str(ca_dir / "ca.pem")] if ca_dir is not None else []
    command = [*RECORD_COMMAND, "--upstream", upstream, "--out", str(out), *trust, *args]
    env = {**fake_environment(), SECRET_VARIABLE: SCRUB_SECRET}
    with serving([*command, "--save-interval", "0.1"], "/_record/health", env=env) as served:
        yield served


def people_of(fake: Fake, key: str) -> tuple[set[str], set[str]]:
    """The e-mail addresses (lower-cased) and full names of every agent and requester of the
    key's account, read from the fake's API."""
    emails: set[str] = set()
    names: set[str] = set()
    for resource in ("agents", "requesters"):
        page = 1
        while True:
            answer = fake.api("GET", f"/{resource}", key, params={"per_page": 100, "page": page})
            assert answer.status_code == 200, answer.text
            for person in answer.json()[resource]:
                for field in ("email", "primary_email"):
                    if person.get(field):
                        emails.add(person[field].lower())
                emails |= {address.lower() for address in person.get("secondary_emails") or []}
                if person.get("first_name") and person.get("last_name"):
                    names.add(f"{person['first_name']} {person['last_name']}")
            if 'rel="next"' not in answer.headers.get("Link", ""):
                break
            page += 1
    return emails, names


def scrubber(upstream: str | None = UPSTREAM, secret: bytes = b"unit-secret") -> Scrubber:
    return Scrubber(load_rules(), secret, upstream=upstream)


def strings_in(value: Any) -> str:
    return yaml.safe_dump(value, allow_unicode=True)


# -- scrubbing --------------------------------------------------------------------------------


def test_one_address_becomes_one_fake_everywhere() -> None:
    scrub = scrubber()
    document = {
        "ticket": {
            "requester": {"name": "John Carter", "email": "john@acme.com"},
            "cc_emails": ["John@Acme.com", "ann@acme.com"],
            "description_text": "Forwarded by john@acme.com on Monday.",
        }
    }
    scrubbed = scrub.scrub(document)["ticket"]
    fake = scrubbed["requester"]["email"]
    assert fake != "john@acme.com" and fake.endswith(".example")
    assert scrubbed["cc_emails"][0].lower() == fake
    assert fake in scrubbed["description_text"]
    assert scrubbed["cc_emails"][1] not in (fake, "ann@acme.com")
    assert scrub.scrub_query({"email": "john@acme.com"}) == {"email": fake}
    assert "acme" not in strings_in(scrubbed)


def test_addresses_in_free_text_and_in_unknown_fields_are_replaced() -> None:
    scrubbed = scrubber().scrub(
        {
            "subject": "Mail bob.smith@globex.com",
            "custom_fields": {"manager": "Ask ann@acme.com first"},
            "query": "primary_email:'john@acme.com'",
        }
    )
    assert "@" in scrubbed["subject"] and "globex" not in scrubbed["subject"]
    assert scrubbed["custom_fields"]["manager"].startswith("Ask ")  # no rule: the text stays
    assert "ann@acme.com" not in scrubbed["custom_fields"]["manager"]
    assert scrubbed["query"].startswith("primary_email:'") and "john" not in scrubbed["query"]


def test_names_become_fake_names_word_by_word() -> None:
    scrub = scrubber()
    person = scrub.scrub({"first_name": "John", "last_name": "Carter"})
    requester = scrub.scrub({"requester": {"name": "John Carter", "email": "john@acme.com"}})
    name = requester["requester"]["name"]
    assert name == f"{person['first_name']} {person['last_name']}"
    assert "John" not in name and "Carter" not in name
    assert name.istitle()
    # `name` is a person's only beside an e-mail address: a category's name is kept.
    assert scrub.scrub({"category": {"name": "IT Help"}}) == {"category": {"name": "IT Help"}}


def test_phone_numbers_keep_their_punctuation_not_their_digits() -> None:
    scrub = scrubber()
    scrubbed = scrub.scrub(
        {
            "work_phone_number": "+1-555-431-2098",
            "mobile": "(555) 431-2098",
            "description": "Call me on +1-555-431-2098.",
        }
    )
    fake = scrubbed["work_phone_number"]
    assert fake != "+1-555-431-2098"
    assert [c for c in fake if not c.isdigit()] == list("+---") and len(fake) == 15
    assert scrubbed["mobile"][0] == "(" and scrubbed["mobile"][4:6] == ") "
    assert fake in scrubbed["description"]


def test_the_tenant_and_the_upstream_become_a_neutral_host() -> None:
    scrub = scrubber("https://127.0.0.1:8443")
    scrubbed = scrub.scrub(
        {
            "url": "https://acme.freshservice.com/a/tickets/1",
            "attachment_url": "https://127.0.0.1:8443/api/v2/attachments/7",
            "note": "See acme.freshservice.com/support",
        }
    )
    assert scrubbed["url"] == f"https://{NEUTRAL_HOST}/a/tickets/1"
    assert scrubbed["attachment_url"] == f"{NEUTRAL_BASE}/api/v2/attachments/7"
    assert scrubbed["note"] == f"See {NEUTRAL_HOST}/support"
    link = '<https://127.0.0.1:8443/api/v2/requesters?email=john%40acme.com&page=2>; rel="next"'
    scrubbed_link = scrub.scrub_header(link)
    assert scrubbed_link.startswith(f"<{NEUTRAL_BASE}/api/v2/requesters?email=")
    assert scrubbed_link.endswith('&page=2>; rel="next"') and "john" not in scrubbed_link


def test_api_keys_are_removed_wherever_they_show() -> None:
    scrub = scrubber()
    for key in keys_in("Basic " + base64.b64encode(f"{KEY}:X".encode()).decode()):
        scrub.add_key(key)
    scrubbed = scrub.scrub(
        {"api_key": KEY, "note": f"my key is {KEY}", "tags": [KEY], "status": "open"}
    )
    assert scrubbed == {
        "note": f"my key is {REMOVED_KEY}",
        "tags": [REMOVED_KEY],
        "status": "open",
    }


def test_ids_numbers_and_other_fields_are_kept() -> None:
    document = {
        "ticket": {
            "id": 10234,
            "requester_id": 21000000013,
            "status": 2,
            "category": "Software",
            "due_by": "2024-12-31T12:00:00Z",
            "custom_fields": {"vip_request": False, "asset_tag": "LT-00042"},
            "tags": ["vpn", "laptop"],
        }
    }
    assert scrubber().scrub(document) == document


def test_text_keeps_its_shape_and_html_its_tags() -> None:
    html = '<div class="x">Outlook closes&nbsp;every time.<br><a href="mailto:j@acme.com">Mail</a></div>'
    scrubbed = scrubber().text(html)
    assert scrubbed.startswith('<div class="x">') and scrubbed.endswith("</a></div>")
    assert "&nbsp;" in scrubbed and "<br>" in scrubbed and "mailto:" in scrubbed
    assert "Outlook" not in scrubbed and "j@acme.com" not in scrubbed
    plain = "Outlook closes every time, since 9am."
    fake = scrubber().text(plain)
    assert len(fake) == len(plain)
    assert [c for c in fake if not c.isalpha()] == [c for c in plain if not c.isalpha()]
    assert fake[0].isupper() and fake != plain
    # One word, one fake: a text cut short is cut within the same word.
    assert scrubber().text("closes") == fake.split()[1]


def test_the_secret_decides_the_fakes() -> None:
    value = {"requester": {"name": "John Carter", "email": "john@acme.com"}, "subject": "Hi"}
    same = scrubber(secret=b"one").scrub(value), scrubber(secret=b"one").scrub(value)
    other = scrubber(secret=b"two").scrub(value)
    assert same[0] == same[1]
    assert other != same[0]


def test_the_report_counts_kinds_by_place_without_the_values(tmp_path: Path) -> None:
    scrub = scrubber()
    scrub.add_key(KEY)
    recording = Recording(tmp_path, scrub, key_for_replay="demo-acme-admin-key")
    recording.add(
        Exchange(
            method="GET",
            path="/api/v2/tickets/10234",
            query={"include": "requester"},
            body=None,
            status=200,
            headers={"Link": f'<{UPSTREAM}/api/v2/tickets?page=2>; rel="next"'},
            response={
                "ticket": {
                    "subject": "Outlook crashes",
                    "requester": {"name": "John Carter", "email": "john@acme.com"},
                    "cc_emails": ["ann@acme.com", "bob@acme.com"],
                    "api_key": KEY,
                }
            },
        )
    )
    recording.save()
    report_text = (tmp_path / "scrubbed.yaml").read_text()
    report = yaml.safe_load(report_text)["scrubbed"]
    start = "GET /api/v2/tickets/10234"
    assert report["email"]["places"] == {
        f"{start} response.ticket.cc_emails[]": 2,
        f"{start} response.ticket.requester.email": 1,
    }
    assert report["name"]["places"] == {f"{start} response.ticket.requester.name": 1}
    assert report["text"]["places"] == {f"{start} response.ticket.subject": 1}
    assert report["drop"]["places"] == {f"{start} response.ticket.api_key": 1}
    assert report["domain"]["places"] == {f"{start} response.headers.Link": 1}
    for real in ("john", "ann@", "Carter", "Outlook", KEY, "acme.freshservice"):
        assert real not in report_text
        assert real not in (tmp_path / "cassette.yaml").read_text()


def test_a_rules_file_goes_before_the_built_in_rules(tmp_path: Path) -> None:
    rules_file = tmp_path / "rules.yaml"
    rules_file.write_text(
        "fields:\n"
        "  - {field: custom_fields.employee_number, kind: drop}\n"
        "  - {field: search_term, kind: text}\n"
        "  - {field: subject, kind: keep}\n"
    )
    scrub = Scrubber(load_rules(rules_file), b"secret")
    scrubbed = scrub.scrub(
        {
            "subject": "Outlook crashes",
            "custom_fields": {"employee_number": "E-1234", "team": "Sales"},
            "email": "john@acme.com",
        }
    )
    assert scrubbed["subject"] == "Outlook crashes"
    assert scrubbed["custom_fields"] == {"team": "Sales"}
    assert scrubbed["email"] != "john@acme.com"  # the built-in rules still apply
    assert scrub.scrub_query({"search_term": "laptop"})["search_term"] != "laptop"
    rules_file.write_text("use_built_in: false\nfields:\n  - {field: subject, kind: text}\n")
    alone = Scrubber(load_rules(rules_file), b"secret")
    assert alone.scrub({"first_name": "John"}) == {"first_name": "John"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("fields:\n  - {field: email, kind: hide}\n", "fields[0]: kind: one of email"),
        ("fields:\n  - {name: email, kind: drop}\n", "fields[0]: unknown key(s) name"),
        ("rules: []\n", "unknown key(s) rules"),
        ("fields: [\n", "rules.yaml:"),
    ],
)
def test_a_bad_rules_file_is_refused_saying_where(tmp_path: Path, text: str, message: str) -> None:
    rules_file = tmp_path / "rules.yaml"
    rules_file.write_text(text)
    with pytest.raises(RulesError, match=re.escape(message)):
        load_rules(rules_file)


# -- the recording proxy ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def upstream(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Fake, Path]]:
    """The fake over TLS with KEY as an extra Acme admin key, and its CA's folder; on a plan
    with rate limits, so answers carry X-RateLimit-* headers."""
    ca = tmp_path_factory.mktemp("ca")
    env = {"MOCK_FRESHSERVICE_API_KEYS": KEY}
    with running_fake(env=env, ca_dir=ca) as fake:
        yield fake, ca


@dataclasses.dataclass(frozen=True)
class Session:
    """What clients got through the recorder and straight from the upstream, and the folder
    the recorder wrote once stopped."""

    out: Path
    recorder_url: str
    through: dict[str, httpx.Response]
    direct: dict[str, httpx.Response]


NOTE = {"body": "Please ping john@acme.com (John Carter) about the router.", "private": True}


@pytest.fixture(scope="module")
def session(upstream: tuple[Fake, Path], tmp_path_factory: pytest.TempPathFactory) -> Session:
    fake, ca = upstream
    out = tmp_path_factory.mktemp("recorded")
    requests = {
        "ticket": ("GET", "/api/v2/tickets/10234?include=requester", None),
        "agents": ("GET", "/api/v2/agents?per_page=2", None),
        "note": ("POST", "/api/v2/tickets/1023/notes", NOTE),
        "outside": ("GET", "/_mock/health", None),
    }
    through: dict[str, httpx.Response] = {}
    with (
        recording(fake.url, out, ca) as recorder,
        httpx.Client(base_url=recorder.url, auth=(KEY, "X"), timeout=30) as client,
    ):
        for name, (method, target, body) in requests.items():
            through[name] = client.request(method, target, json=body)
    direct = {"ticket": fake.http.get("/api/v2/tickets/10234?include=requester", auth=(KEY, "X"))}
    return Session(out, recorder.url, through, direct)


def cassette_rules(out: Path) -> list[dict[str, Any]]:
    return list(yaml.safe_load((out / "cassette.yaml").read_text(encoding="utf-8"))["rules"])


def rule_for(out: Path, method: str, path: str) -> dict[str, Any]:
    found = [
        rule
        for rule in cassette_rules(out)
        if rule["match"]["method"] == method and rule["match"]["path"] == path
    ]
    assert len(found) == 1, found
    return found[0]


def test_a_request_through_the_recorder_gets_the_upstreams_answer(session: Session) -> None:
    through, direct = session.through["ticket"], session.direct["ticket"]
    assert through.status_code == direct.status_code == 200
    assert through.json() == direct.json()
    assert through.headers["Content-Type"] == direct.headers["Content-Type"]
    assert through.headers["X-RateLimit-Total"] == direct.headers["X-RateLimit-Total"]
    assert "Authorization" not in through.headers


def test_the_cassette_holds_the_request_with_its_exact_query(session: Session) -> None:
    rule = rule_for(session.out, "GET", "/api/v2/tickets/10234")
    assert rule["match"]["query"] == {"include": "requester"}
    assert rule["match"]["query_exact"] is True
    respond = rule["effect"]["respond"]
    assert respond["status"] == 200
    assert respond["body"]["ticket"]["id"] == 10234
    assert respond["body"]["ticket"]["requester"]["email"] != "john@acme.com"
    assert set(respond["headers"]) == {
        "X-RateLimit-Total",
        "X-RateLimit-Remaining",
        "X-RateLimit-Used-CurrentRequest",
    }


def test_links_name_the_recorder_for_clients_and_a_neutral_host_in_the_cassette(
    session: Session,
) -> None:
    link = session.through["agents"].headers["Link"]
    assert link == f'<{session.recorder_url}/api/v2/agents?per_page=2&page=2>; rel="next"'
    recorded = rule_for(session.out, "GET", "/api/v2/agents")["effect"]["respond"]["headers"]
    assert recorded["Link"] == f'<{NEUTRAL_BASE}/api/v2/agents?per_page=2&page=2>; rel="next"'
    location = session.through["note"].headers["Location"]
    assert location.startswith(f"{session.recorder_url}/api/v2/")


def test_a_post_body_is_recorded_scrubbed(session: Session) -> None:
    assert session.through["note"].status_code == 201
    rule = rule_for(session.out, "POST", "/api/v2/tickets/1023/notes")
    body = rule["match"]["body"]
    assert body["private"] is True
    assert body["body"] != NOTE["body"]
    assert body["body"].count(" ") == NOTE["body"].count(" ") and "@" in body["body"]
    for real in ("john@acme.com", "John", "Carter", "router"):
        assert real not in strings_in(rule)
    assert rule["effect"]["respond"]["status"] == 201


def test_the_key_is_written_nowhere(session: Session) -> None:
    basic = base64.b64encode(f"{KEY}:X".encode()).decode()
    files = [path for path in session.out.rglob("*") if path.is_file()]
    assert {path.name for path in files} == {"cassette.yaml", "scrubbed.yaml"}
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert KEY not in text and basic not in text, path.name


def test_outside_the_api_is_not_forwarded(session: Session) -> None:
    assert session.through["outside"].status_code == 404
    assert all(rule["match"]["path"].startswith("/api/v2/") for rule in cassette_rules(session.out))


def test_the_report_says_what_was_scrubbed_where(session: Session) -> None:
    report = yaml.safe_load((session.out / "scrubbed.yaml").read_text(encoding="utf-8"))
    assert report["exchanges"] == 3
    places = report["scrubbed"]["email"]["places"]
    assert places["GET /api/v2/tickets/10234 response.ticket.requester.email"] == 1
    assert places["POST /api/v2/tickets/1023/notes request.body.body"] == 1
    assert (
        report["scrubbed"]["name"]["places"]["GET /api/v2/agents response.agents[].first_name"] == 2
    )


def test_the_fake_replays_the_cassette(session: Session) -> None:
    recorded = rule_for(session.out, "GET", "/api/v2/tickets/10234")["effect"]["respond"]
    with running_fake("--cassette", str(session.out), "--cassette-strict") as replaying:
        answer = replaying.api("GET", "/tickets/10234?include=requester", "demo-acme-admin-key")
        other = replaying.api("GET", "/tickets/10234", "demo-acme-admin-key")
    assert answer.status_code == 200 and answer.json() == recorded["body"]
    assert other.status_code == 404  # not recorded with that query


def test_the_cassette_is_written_while_recording(
    upstream: tuple[Fake, Path], tmp_path: Path
) -> None:
    fake, ca = upstream
    with recording(fake.url, tmp_path, ca) as recorder:
        answer = httpx.get(f"{recorder.url}/api/v2/tickets/10234", auth=(KEY, "X"), timeout=30)
        assert answer.status_code == 200
        deadline = time.monotonic() + 10
        while "/api/v2/tickets/10234" not in (tmp_path / "cassette.yaml").read_text():
            assert time.monotonic() < deadline, "not written within 10 s"
            time.sleep(0.05)
        saved = httpx.post(f"{recorder.url}/_record/save", timeout=30)
        assert saved.status_code == 200 and saved.json()["exchanges"] == 1


def test_a_request_the_upstream_never_answers_gets_502_and_is_not_recorded(
    tmp_path: Path,
) -> None:
    with recording(f"https://127.0.0.1:{refusing_port()}", tmp_path, None) as recorder:
        answer = httpx.get(f"{recorder.url}/api/v2/tickets", auth=(KEY, "X"), timeout=30)
    assert answer.status_code == 502
    assert answer.json()["code"] == "upstream_unreachable"
    assert cassette_rules(tmp_path) == []


def test_recording_over_an_existing_cassette_is_refused(tmp_path: Path) -> None:
    (tmp_path / "cassette.yaml").write_text("rules: []\n")
    done = subprocess.run(
        [*RECORD_COMMAND, "--upstream", UPSTREAM, "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
        env=fake_environment(),
    )
    assert done.returncode == 2
    assert "already holds a cassette" in done.stderr
    assert (tmp_path / "cassette.yaml").read_text() == "rules: []\n"
