"""One typed settings object for the fake, built from flags (see `cli.py`) or directly in tests."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

Plan = Literal["starter", "growth", "pro", "enterprise", "unlimited"]
PLANS: tuple[Plan, ...] = ("starter", "growth", "pro", "enterprise", "unlimited")

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8181
DEFAULT_SEED = 1
DEFAULT_PLAN: Plan = "enterprise"
DEFAULT_RATE_WINDOW = 60.0


@dataclasses.dataclass(frozen=True, slots=True)
class FakeSettings:
    """Everything that shapes one fake instance.

    `plan=None` means "each account's plan from the dataset, else enterprise"; a plan given here
    (the `--plan` flag) overrides every account, so `--plan unlimited` switches all limits off.
    `now=None` means the data clock follows real time; a value freezes it.
    """

    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    seed: int = DEFAULT_SEED
    dataset: Path | None = None
    plan: Plan | None = None
    rate_window: float = DEFAULT_RATE_WINDOW
    api_keys: tuple[str, ...] = ()
    scenario: Path | None = None
    state: Path | None = None
    now: datetime | None = None
    admin_token: str | None = None
    threads: int = 8

    def __post_init__(self) -> None:
        if self.rate_window <= 0:
            raise ValueError("rate_window must be positive")
        if self.plan is not None and self.plan not in PLANS:
            raise ValueError(f"plan must be one of {', '.join(PLANS)}")
        if self.now is not None and self.now.tzinfo is None:
            object.__setattr__(self, "now", self.now.replace(tzinfo=UTC))
