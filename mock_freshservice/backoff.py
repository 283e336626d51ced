"""The back-off check: did a client wait out the `Retry-After` the fake gave it?

Every answer the fake sends an account with `Retry-After` (a 429 from its rate limiter or from a
scenario rule, a scenario's 503) sets a `not_before = now + Retry-After` for what it refused; a
request of the account covered by it that arrives earlier is journaled with `early: true`:

- a 429 of the overall limit covers every request of the account;
- a 429 of a sub-limit (e.g. `create_ticket`) covers only requests in that sub-limit's category:
  Freshservice still serves the account's other endpoints, so a client may go on using them;
- any other answer with `Retry-After` (a scenario's 429 or 503) covers every request of the
  account: the fake cannot tell which requests the rule meant.

Real time, never the data clock (docs/architecture.md §3).
"""

from __future__ import annotations

import re
import threading
import time

from mock_freshservice.ratelimit import OVERALL

_SECONDS = re.compile(r"[0-9]{1,9}")  # ASCII digits only

# Answers whose Retry-After starts the check (a Retry-After on another status is journaled only).
WATCHED_STATUSES = frozenset({429, 503})


class BackoffWatch:
    def __init__(self) -> None:
        # (account, OVERALL or a sub-limit's name) -> time before which a request is early
        self._not_before: dict[tuple[str, str], float] = {}
        self._lock = threading.Lock()

    def early(self, account: str, category: str | None = None) -> bool:
        """Whether a request of `account` (spending from sub-limit `category`, if any) arriving
        now comes before a Retry-After that covers it has elapsed."""
        if not self._not_before:  # no Retry-After was ever sent: nothing to look up
            return False
        now = time.time()
        scopes = (OVERALL,) if category is None else (OVERALL, category)
        with self._lock:
            return any(now < self._not_before.get((account, scope), 0.0) for scope in scopes)

    def refused(self, account: str, retry_after: float, limit: str = OVERALL) -> None:
        """An answer with `Retry-After: retry_after` went to `account`, for `limit` (OVERALL:
        every request of the account; a sub-limit's name: the requests of that category)."""
        with self._lock:
            self._not_before[(account, limit)] = time.time() + retry_after

    def reset(self, account: str | None = None) -> None:
        with self._lock:
            if account is None:
                self._not_before.clear()
            else:
                for stale in [k for k in self._not_before if k[0] == account]:
                    del self._not_before[stale]


def retry_after_seconds(value: str | None) -> int | None:
    """A `Retry-After` header in whole seconds (a scenario may send anything: None if unusable)."""
    if value is None or not _SECONDS.fullmatch(value.strip()):
        return None
    return int(value.strip())
