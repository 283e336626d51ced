"""Results fit FRESHSERVICE_MAX_RESULT_BYTES as the client receives them: UTF-8 bytes, notice
included, every text shortened if need be, and nothing marked cut that was not."""

from __future__ import annotations

import json
from typing import Any

import hypothesis.strategies as st
from hypothesis import given, settings

from server.tools.fitting import KEEP_CHARACTERS, fit_page, fit_record, size_of
from server.tools.tickets import Ticket, TicketPage, TicketSummary

WHEN = "2026-11-02T12:00:00Z"


def raw_ticket(**fields: Any) -> dict[str, Any]:
    base = {
        "id": 1, "subject": "Printer jam", "description": "<p>Jammed.</p>", "status": 2,
        "priority": 1, "created_at": WHEN, "updated_at": WHEN,
    }  # fmt: skip
    return {**base, **fields}


def summary(subject: str, index: int = 1) -> TicketSummary:
    return TicketSummary(
        id=index, subject=subject, status=2, status_name="Open", priority=1,
        priority_name="Low", type="Incident", requester_id=None, responder_id=None,
        group_id=None, workspace_id=None, created_at=WHEN, updated_at=WHEN, due_by=None,
        description_preview=None,
    )  # fmt: skip


def wire_size(model: Any) -> int:
    return len(model.model_dump_json().encode())


def test_conversation_bodies_are_shortened_too() -> None:
    conversations = [
        {"id": n, "body_text": "word " * 8_000, "private": True, "incoming": False,
         "user_id": 1, "created_at": WHEN}
        for n in range(5)
    ]  # fmt: skip
    big = Ticket.of(raw_ticket(conversations=conversations))
    fitted = fit_record(big, 50_000, "fetch fewer includes.")
    assert wire_size(fitted) <= 50_000
    assert fitted.truncated is True
    assert fitted.notice is not None and "conversations" in fitted.notice


def test_a_page_of_multibyte_subjects_is_measured_in_bytes() -> None:
    page = TicketPage(
        tickets=[summary("票" * 250, n) for n in range(100)], page=1, per_page=100, next_page=2
    )
    fitted = fit_page(page, "tickets", 20_000, "ask for a smaller per_page.")
    assert wire_size(fitted) <= 20_000
    assert 0 < len(fitted.tickets) < 100


def test_a_result_that_fits_is_not_marked_cut() -> None:
    small = Ticket.of(raw_ticket())
    assert fit_record(small, 50_000, "n/a") == small
    assert fit_record(small, 50_000, "n/a").truncated is False


def test_a_page_whose_first_item_is_too_big_keeps_it_shortened() -> None:
    page = TicketPage(tickets=[summary("x" * 5_000)], page=1, per_page=10, next_page=None)
    fitted = fit_page(page, "tickets", 2_000, "narrow the query.")
    assert wire_size(fitted) <= 2_000
    assert len(fitted.tickets) == 1
    assert fitted.tickets[0].subject.endswith("…")


def test_a_page_over_its_limit_only_in_utf8_bytes_is_still_cut() -> None:
    # "é" is one character but two UTF-8 bytes: counted in characters the page would seem to fit.
    page = TicketPage(tickets=[summary("é" * 900, n) for n in range(2)], page=1, per_page=40,
                      next_page=2)  # fmt: skip
    limit = len(page.model_dump_json()) + 10
    assert wire_size(page) > limit
    assert wire_size(fit_page(page, "tickets", limit, "ask for fewer.")) <= limit


texts = st.text(min_size=0, max_size=3_000)


@settings(max_examples=60, deadline=None)
@given(
    subjects=st.lists(texts, min_size=1, max_size=40),
    limit=st.integers(min_value=1_500, max_value=60_000),
)
def test_any_page_fits_its_limit_and_still_matches_its_schema(
    subjects: list[str], limit: int
) -> None:
    page = TicketPage(
        tickets=[summary(s, n) for n, s in enumerate(subjects)], page=1, per_page=40, next_page=2
    )
    fitted = fit_page(page, "tickets", limit, "ask for fewer.")
    assert wire_size(fitted) <= limit
    TicketPage.model_validate(json.loads(fitted.model_dump_json()))
    assert fitted.truncated == (size_of(page.model_dump(mode="json")) > limit)


@settings(max_examples=60, deadline=None)
@given(
    description=texts, bodies=st.lists(texts, max_size=12),
    limit=st.integers(min_value=3_000, max_value=60_000),
)  # fmt: skip
def test_any_ticket_fits_its_limit(description: str, bodies: list[str], limit: int) -> None:
    conversations = [
        {"id": n, "body_text": body, "private": True, "incoming": False, "user_id": 1,
         "created_at": WHEN}
        for n, body in enumerate(bodies)
    ]  # fmt: skip
    big = Ticket.of(raw_ticket(description=description, conversations=conversations))
    fitted = fit_record(big, limit, "fetch fewer includes.")
    assert wire_size(fitted) <= limit
    Ticket.model_validate(json.loads(fitted.model_dump_json()))
    kept = [c.body_text for c in fitted.conversations or []]
    assert all(
        len(text or "") <= max(KEEP_CHARACTERS + 1, len(b))
        for text, b in zip(kept, bodies, strict=False)
    )
