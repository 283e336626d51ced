"""The journal's bounds: long texts kept cut with a marker, each account within its budgets."""

from __future__ import annotations

import dataclasses

from flask.testing import FlaskClient

from mock_freshservice.journal import (
    MAX_QUERY_CHARACTERS,
    UNATTRIBUTED,
    Entry,
    Journal,
    clip,
)
from tests.conftest import basic

ACME = "acme.freshservice.com"
ENTRY = Entry(
    seq=1,
    at=0.0,
    method="GET",
    path="/api/v2/tickets",
    query="",
    status=200,
    key="key-0123456789",
    request_id=None,
    credits=1,
    latency_ms=1.0,
)


def entry(**changes: object) -> Entry:
    return dataclasses.replace(ENTRY, **changes)  # type: ignore[arg-type]


def journal_of(client: FlaskClient, domain: str) -> list[dict[str, object]]:
    return list(client.get(f"/_mock/accounts/{domain}/journal").get_json()["entries"])


def test_clip_keeps_a_short_text_as_it_is() -> None:
    assert clip("per_page=2", 10) == "per_page=2"


def test_clip_cuts_a_long_text_and_says_how_long_it_was() -> None:
    assert clip("a" * 5_000, 10) == "aaaaaaaaaa…[truncated: 5,000 characters in all]"


def test_a_long_query_of_an_unauthenticated_request_is_journaled_cut(client: FlaskClient) -> None:
    client.get("/api/v2/tickets?q=" + "x" * 60_000)
    (stored,) = journal_of(client, UNATTRIBUTED)
    assert stored["query"] == "q=" + "x" * (MAX_QUERY_CHARACTERS - 2) + (
        "…[truncated: 60,002 characters in all]"
    )


def test_a_long_path_and_request_id_are_journaled_cut(client: FlaskClient) -> None:
    headers = {**basic("demo-acme-admin-key"), "X-Request-Id": "r" * 1_000}
    client.get("/api/v2/tickets/" + "9" * 5_000, headers=headers)
    (stored,) = journal_of(client, ACME)
    assert str(stored["path"]).endswith("…[truncated: 5,016 characters in all]")
    assert len(str(stored["path"])) == 2048 + len("…[truncated: 5,016 characters in all]")
    assert stored["request_id"] == "r" * 256 + "…[truncated: 1,000 characters in all]"


def test_ordinary_entries_are_journaled_as_they_came(client: FlaskClient) -> None:
    client.get("/api/v2/tickets?per_page=2", headers=basic("demo-acme-admin-key"))
    (stored,) = journal_of(client, ACME)
    assert (stored["path"], stored["query"]) == ("/api/v2/tickets", "per_page=2")


def test_an_account_keeps_its_newest_entries_within_its_byte_budget() -> None:
    journal = Journal(max_bytes=10_000)
    for seq in range(1, 101):
        journal.append(ACME, entry(seq=seq, query="q=" + "x" * 998))
    kept = [e.seq for e in journal.entries(ACME)]
    assert kept == list(range(94, 101))  # each costs 320 + 1,032 bytes of texts: 7 fit


def test_an_account_keeps_its_newest_entries_within_its_entry_count() -> None:
    journal = Journal(max_entries=3)
    for seq in range(1, 6):
        journal.append(ACME, entry(seq=seq))
    assert [e.seq for e in journal.entries(ACME)] == [3, 4, 5]


def test_the_unattributed_bucket_has_its_own_smaller_budget() -> None:
    journal = Journal(max_bytes=100_000, max_unattributed_bytes=5_000)
    for seq in range(1, 51):
        journal.append(None, entry(seq=seq, query="x" * 1_000))
        journal.append(ACME, entry(seq=seq, query="x" * 1_000))
    assert len(journal.entries(UNATTRIBUTED)) == 3
    assert len(journal.entries(ACME)) == 50


def test_clearing_an_account_frees_its_budget() -> None:
    journal = Journal(max_entries=2)
    journal.append(ACME, entry(seq=1))
    journal.append(ACME, entry(seq=2))
    journal.clear(ACME)
    journal.append(ACME, entry(seq=3))
    assert [e.seq for e in journal.entries(ACME)] == [3]
