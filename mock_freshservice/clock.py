"""The data clock and Freshservice's timestamp formats.

Two clocks exist (DESIGN.md "Determinism"): the *data clock* stamps generated and created records
and may be frozen with `--now`; real time drives rate windows and `Retry-After` and lives in
`ratelimit.py`. Timestamps are kept as integer epoch seconds and formatted only on output.
"""

from __future__ import annotations

import functools
import re
from datetime import UTC, datetime, timedelta, timezone

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


# ASCII digits only: `\d` would also match "٣" and other Unicode digits.
_DATETIME = re.compile(
    r"^(?P<date>[0-9]{4}-[0-9]{2}-[0-9]{2})"
    r"(?:T(?P<hh>[0-9]{2}):(?P<mm>[0-9]{2})(?::(?P<ss>[0-9]{2}))?"
    r"(?P<zone>Z|[+-][0-9]{2}(?::?[0-9]{2})?)?)?$"
)


def parse_datetime(text: str) -> int | None:
    """Parse the input formats Freshservice documents; a missing zone means UTC.

    Accepted: `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM`, `…THH:MMZ`, `…THH:MM:SS`, `…THH:MM:SSZ`,
    and offsets `±hh:mm`, `±hhmm`, `±hh`. Returns None for anything else.
    """
    match = _DATETIME.match(text)
    if match is None:
        return None
    try:
        day = datetime.strptime(match["date"], "%Y-%m-%d")
        moment = day.replace(
            hour=int(match["hh"] or 0),
            minute=int(match["mm"] or 0),
            second=int(match["ss"] or 0),
            tzinfo=_zone(match["zone"]),
        )
    except ValueError:
        return None
    epoch = int(moment.timestamp())
    # Stored dates must render back as `YYYY-…Z`, so keep them in 1970…9998.
    if not EARLIEST <= epoch <= LATEST:
        return None
    return epoch


def _zone(text: str | None) -> timezone:
    if text is None or text == "Z":
        return UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours = int(digits[:2])
    minutes = int(digits[2:4] or 0)
    if hours > 23 or minutes > 59:
        raise ValueError("offset out of range")
    return timezone(sign * timedelta(hours=hours, minutes=minutes))
