"""The data clock and Freshservice's timestamp formats.

Two clocks exist (docs/architecture.md §3): the *data clock* stamps generated and created records
and may be frozen with `--now`; real time drives rate windows and `Retry-After` and lives in
`ratelimit.py`. Timestamps are kept as integer epoch seconds and formatted only on output.
"""

from __future__ import annotations

import functools
import math
from datetime import UTC, datetime

from freshservice_query import dates

DAY = 86_400
HOUR = 3_600
EARLIEST = 0  # 1970-01-01T00:00:00Z
LATEST = 253_370_764_799  # 9998-12-31T23:59:59Z


class DataClock:
    """`now()` is the frozen instant when one was given, else real time to the second."""

    def __init__(self, frozen: datetime | None = None) -> None:
        self._frozen = int(frozen.timestamp()) if frozen is not None else None
        # Generated records are laid out relative to this instant, fixed for the app's life.
        self.anchor = (
            self._frozen if self._frozen is not None else int(datetime.now(UTC).timestamp())
        )

    @property
    def frozen(self) -> bool:
        return self._frozen is not None

    def now(self) -> int:
        if self._frozen is not None:
            return self._frozen
        return int(datetime.now(UTC).timestamp())


def format_ts(epoch: int | None) -> str | None:
    """Freshservice's response format: UTC `YYYY-MM-DDTHH:MM:SSZ`."""
    if epoch is None:
        return None
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def format_date(epoch: int | None) -> str | None:
    if epoch is None:
        return None
    return _format_day(epoch // DAY)


@functools.lru_cache(maxsize=8_192)
def _format_day(day: int) -> str:
    return datetime.fromtimestamp(day * DAY, UTC).strftime("%Y-%m-%d")


def parse_datetime(text: str) -> int | None:
    """The one reader of every date the fake takes (query parameters, body fields, filter
    queries, `--now`, scenario and dataset files), as epoch seconds; None if it is not one.

    ISO 8601 in the extended forms Freshservice documents and clients send: `YYYY-MM-DD`,
    `YYYY-MM-DDTHH:MM`, `…THH:MM:SS`, with or without fractional seconds (dropped: timestamps are
    whole seconds), and `Z` or an offset `±hh:mm`, `±hhmm`, `±hh`; a missing zone means UTC.
    """
    found = dates.moment(text)  # the forms: freshservice_query/dates.py, shared with the server
    if found is None:
        return None
    epoch = math.floor(found.timestamp())
    # Stored dates must render back as `YYYY-…Z`, so keep them in 1970…9998.
    if not EARLIEST <= epoch <= LATEST:
        return None
    return epoch


def parse_date(text: str) -> int | None:
    """A date without a time (`YYYY-MM-DD`), as the epoch second its UTC day starts; else None."""
    return parse_datetime(text) if len(text) == 10 else None
