"""Customer satisfaction: the survey answer a requester gave for a ticket
(`GET /tickets/{id}/csat_response`).

Some of the tickets generated resolved or closed carry an answer, drawn from the ticket's id so
it never changes; what the survey asks is the API reference's sample. Tickets resolved later,
pinned or made through the API have none (a survey goes out when a ticket is resolved, and
nobody answers the fake's).
"""

from __future__ import annotations

from typing import Any

from mock_freshservice import guesses
from mock_freshservice.clock import HOUR, format_ts
from mock_freshservice.data import ids
from mock_freshservice.data.account import AccountData
from mock_freshservice.data.generate import seeded_rng
from mock_freshservice.data.store import Record

PRIMARY_QUESTION = "Share your experience working with us."
QUESTION = "Were we able to resolve your issue?"
ANSWERED_SHARE = 0.35


def _with_millis(epoch: int, millis: int) -> str:
    """The sample's timestamps carry milliseconds: `2021-02-01T12:22:22.343Z`."""
    text = format_ts(epoch)
    assert text is not None
    return f"{text[:-1]}.{millis:03d}Z"


def response_of(account: AccountData, ticket: Record) -> dict[str, Any] | None:
    """The ticket's survey answer, or None when its requester gave none."""
    # A pinned ticket holds only what its dataset says, as its conversations do.
    base = None if ticket.get("_pinned") else account.tickets.generated(ticket["id"])
    if base is None or base["status"] not in (4, 5):
        return None
    rng = seeded_rng(account.generator.seed, account.domain, "csat", ticket["id"])
    if rng.random() >= ANSWERED_SHARE:
        return None
    rating, text = guesses.CSAT_RATINGS[rng.randrange(len(guesses.CSAT_RATINGS))]
    resolved = (base.get("_stats") or {}).get("resolved_at") or base["updated_at"]
    answered = min(resolved + rng.randrange(HOUR, 48 * HOUR), account.generator.anchor)
    return {
        "id": ids.csat_response_id(account.index, ticket["id"]),
        "overall_rating": rating,
        "overall_rating_text": text,
        "primary_question": PRIMARY_QUESTION,
        "questionnaire_responses": [
            {
                "question": {"question_text": QUESTION},
                "answers": [{"answer_text": "Yes" if rating > 0 else "No"}],
            }
        ],
        "created_at": _with_millis(answered, rng.randrange(1000)),
        "updated_at": _with_millis(answered + rng.randrange(2, 30), rng.randrange(1000)),
    }
