"""Freshservice's per-minute, account-wide API budget with per-endpoint sub-limits.

Each request spends credits (1, plus the cost of each `include`) from the account's overall budget
and, for the endpoints Freshservice names, from that endpoint's sub-limit too. When either is spent
the request is refused with 429 and `Retry-After`. Windows are fixed and start at the first request
after the last one expired, as in the Freshworks API framework (a counter with a time-to-live); the
`limits` library keeps the counters. Windows run on real time, never on the data clock.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import threading
import time
from collections.abc import Mapping

from limits.storage import MemoryStorage

from mock_freshservice.settings import Plan

OVERALL = "overall"
SUB_LIMITS = (
    "list_tickets",
    "view_ticket",
    "create_ticket",
    "update_ticket",
    "list_assets",
    "update_asset",
    "list_agents",
    "list_requesters",
)

# Calls per minute by plan (docs/freshservice.md §7); None = no limit.
PLAN_LIMITS: Mapping[Plan, Mapping[str, int] | None] = {
    "starter": {
        OVERALL: 100,
        "list_tickets": 40,
        "view_ticket": 50,
        "create_ticket": 50,
        "update_ticket": 50,
        "list_assets": 40,
        "update_asset": 50,
        "list_agents": 40,
        "list_requesters": 40,
    },
    "growth": {
        OVERALL: 200,
        "list_tickets": 70,
        "view_ticket": 80,
        "create_ticket": 80,
        "update_ticket": 80,
        "list_assets": 70,
        "update_asset": 80,
        "list_agents": 70,
        "list_requesters": 70,
    },
    "pro": {
        OVERALL: 400,
        "list_tickets": 120,
        "view_ticket": 140,
        "create_ticket": 140,
        "update_ticket": 140,
        "list_assets": 120,
        "update_asset": 140,
        "list_agents": 120,
        "list_requesters": 120,
    },
    "enterprise": {
        OVERALL: 500,
        "list_tickets": 140,
        "view_ticket": 160,
        "create_ticket": 160,
        "update_ticket": 160,
        "list_assets": 140,
        "update_asset": 160,
        "list_agents": 140,
        "list_requesters": 140,
    },
    "unlimited": None,
}


@dataclasses.dataclass(frozen=True, slots=True)
class Verdict:
    """What the budget said about one request."""

    allowed: bool
    total: int | None = None  # the overall limit, for X-RateLimit-Total
    remaining: int | None = None  # overall credits left after this request
    used: int = 0  # credits this request spent
    retry_after: int | None = None  # whole seconds, on refusal
    limit_name: str | None = None  # which budget refused it

    @property
    def metered(self) -> bool:
        return self.total is not None


class RateLimiter:
    """Per-account counters; `spend` is atomic per account across both budgets.

    Counters are keyed by budget name only, so a plan change keeps what was already spent in the
    current window and applies the new limits from the next request on.
    """

    def __init__(self, window_seconds: float) -> None:
        # `limits`' storage expires keys after whole seconds.
        self.window = max(1, math.ceil(window_seconds))
        self._accounts: dict[str, tuple[MemoryStorage, threading.Lock]] = {}
        self._guard = threading.Lock()

    def _for(self, account: str) -> tuple[MemoryStorage, threading.Lock]:
        with self._guard:
            entry = self._accounts.get(account)
            if entry is None:
                entry = self._accounts[account] = (MemoryStorage(), threading.Lock())
            return entry

    def spend(
        self, account: str, limits: Mapping[str, int] | None, category: str | None, credits: int
    ) -> Verdict:
        """Spend `credits` from the overall budget and `category`'s, or refuse without spending."""
        if limits is None:
            return _unmetered(credits)
        overall = limits[OVERALL]
        budgets = [(OVERALL, overall)]
        if category is not None and category in limits:
            budgets.append((category, limits[category]))
        storage, lock = self._for(account)
        with lock:
            for name, limit in budgets:
                used = storage.get(name)
                if used + credits > limit:
                    expires = storage.get_expiry(name) if used else time.time() + self.window
                    return Verdict(
                        allowed=False,
                        total=overall,
                        retry_after=max(1, math.ceil(expires - time.time())),
                        limit_name=name,
                    )
            for name, _ in budgets:
                storage.incr(name, self.window, amount=credits)
            remaining = overall - storage.get(OVERALL)
        return Verdict(allowed=True, total=overall, remaining=max(remaining, 0), used=credits)

    def reset(self, account: str | None = None) -> None:
        """Forget the counters of one account, or of all."""
        with self._guard:
            if account is None:
                self._accounts.clear()
            else:
                self._accounts.pop(account, None)


@functools.lru_cache(maxsize=64)
def _unmetered(credits: int) -> Verdict:
    """The verdict on a request of an unlimited plan (Verdicts are frozen, so one serves all)."""
    return Verdict(allowed=True, used=credits)
