"""The back-off check: did a client wait out the `Retry-After` the fake gave it?

Every 429 the fake sends for an account (from its rate limiter or from a scenario rule) sets that
account's `not_before = now + Retry-After`; a request of the account that arrives earlier is
journaled with `early: true`. Real time, never the data clock (DESIGN.md "Determinism").
"""

from __future__ import annotations

import re
import threading
import time

_SECONDS = re.compile(r"[0-9]{1,9}")  # ASCII digits only


class BackoffWatch:
    def __init__(self) -> None:
        self._not_before: dict[str, float] = {}
        self._lock = threading.Lock()

    def early(self, account: str) -> bool:
        """Whether a request of `account` arriving now comes before a Retry-After has elapsed."""
        not_before = self._not_before.get(account)
        return not_before is not None and time.time() < not_before

    def refused(self, account: str, retry_after: float) -> None:
        """A 429 with `Retry-After: retry_after` went to `account`."""
        with self._lock:
            self._not_before[account] = time.time() + retry_after

    def reset(self, account: str | None = None) -> None:
        with self._lock:
            if account is None:
                self._not_before.clear()
            else:
                self._not_before.pop(account, None)


def retry_after_seconds(value: str | None) -> int | None:
    """A `Retry-After` header in whole seconds (a scenario may send anything: None if unusable)."""
    if value is None or not _SECONDS.fullmatch(value.strip()):
        return None
    return int(value.strip())
