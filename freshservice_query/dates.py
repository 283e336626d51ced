"""Freshservice's dates and times, as its API takes them in query parameters, bodies and filter
queries: the one reader the fake (mock_freshservice/clock.py) and the server's checks
(server/tools/filter_query.py) share. Standard library only."""

from __future__ import annotations

import re
from datetime import UTC, datetime

# ISO 8601 in the extended forms Freshservice documents and clients send: a date, or a date and
# `HH:MM`, `HH:MM:SS` or `HH:MM:SS.fraction`, with `Z`, an offset `±hh:mm`, `±hhmm`, `±hh` or no
# zone (UTC). Not the basic (`20261022`) or week (`2026-W43-4`) forms, which `fromisoformat`
# would also take, and ASCII digits only.
_FORM = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
    r"(?:T[0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?(?:Z|[+-][0-9]{2}(?::?[0-9]{2})?)?)?"
)


def moment(text: str) -> datetime | None:
    """The moment `text` names, zone-aware (UTC when it gives none), or None when it is not one
    of the forms above or not on the calendar (`2026-02-30`, `25:00`, an offset of 24 hours)."""
    if _FORM.fullmatch(text) is None:
        return None
    try:
        found = datetime.fromisoformat(text)
    except ValueError:
        return None
    return found if found.tzinfo is not None else found.replace(tzinfo=UTC)
