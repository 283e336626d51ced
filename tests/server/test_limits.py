"""Tool-call limits: a moving window and a calendar month (UTC), with time driven by time-machine."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import time_machine

from server.limits import ToolCallLimits, month_bounds, store_from_url

pytestmark = pytest.mark.anyio

START = datetime(2026, 11, 10, 9, 0, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> Iterator[time_machine.Coordinates]:
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def limits(per_minute: int = 100, per_month: int = 0, window: float = 60) -> ToolCallLimits:
    return ToolCallLimits(
        per_minute=per_minute, per_month=per_month, window_seconds=window, store_url="memory://"
    )


async def spend(budget: ToolCallLimits, times: int, identity: str = "account:acme") -> list[bool]:
    """Whether each of `times` calls was allowed."""
    return [await budget.spend(identity) is None for _ in range(times)]


async def test_the_101st_call_in_a_minute_is_refused_with_the_seconds_to_wait(
    clock: time_machine.Coordinates,
) -> None:
    budget = limits()
    assert all(await spend(budget, 100))
    clock.shift(20)
    refusal = await budget.spend("account:acme")
    assert refusal is not None
    assert refusal.message == (
        "Tool-call limit reached: at most 100 calls per minute. Try again in 40 seconds."
    )


async def test_the_window_frees_as_soon_as_the_oldest_call_is_more_than_a_window_old(
    clock: time_machine.Coordinates,
) -> None:
    budget = limits()
    assert all(await spend(budget, 100))
    clock.shift(59.5)
    refusal = await budget.spend("account:acme")
    assert refusal is not None and refusal.retry_after == 1
    clock.shift(0.5)
    assert await budget.spend("account:acme") is not None  # exactly a window old still counts
    clock.shift(0.01)
    assert await budget.spend("account:acme") is None


async def test_the_window_moves_rather_than_resetting_on_the_minute(
    clock: time_machine.Coordinates,
) -> None:
    budget = limits()
    assert all(await spend(budget, 50))
    clock.shift(30)
    assert all(await spend(budget, 50))
    clock.shift(30.01)  # the first 50 are now older than a minute, the last 50 are not
    assert await spend(budget, 51) == [True] * 50 + [False]


async def test_refused_calls_do_not_count(clock: time_machine.Coordinates) -> None:
    budget = limits(per_minute=3)
    assert await spend(budget, 10) == [True] * 3 + [False] * 7
    clock.shift(60.01)
    assert await spend(budget, 4) == [True] * 3 + [False]


async def test_a_shorter_window_is_named_in_the_refusal(clock: time_machine.Coordinates) -> None:
    budget = limits(per_minute=2, window=5)
    await spend(budget, 2)
    refusal = await budget.spend("account:acme")
    assert refusal is not None and "at most 2 calls per 5 seconds" in refusal.message


async def test_each_identity_has_its_own_budget(clock: time_machine.Coordinates) -> None:
    budget = limits(per_minute=2)
    assert await spend(budget, 3, "key:a") == [True, True, False]
    assert await spend(budget, 2, "key:b") == [True, True]


async def test_the_month_limit_refuses_with_the_seconds_until_the_next_month_utc(
    clock: time_machine.Coordinates,
) -> None:
    budget = limits(per_minute=0, per_month=3)
    assert all(await spend(budget, 3))
    refusal = await budget.spend("account:acme")
    assert refusal is not None
    seconds = int((datetime(2026, 12, 1, tzinfo=UTC) - START).total_seconds())
    assert refusal.message == (
        f"Tool-call limit reached: at most 3 calls per calendar month (UTC). "
        f"Try again in {seconds} seconds."
    )


async def test_the_month_limit_ends_at_midnight_utc_on_the_first() -> None:
    budget = limits(per_minute=0, per_month=2)
    with time_machine.travel(datetime(2026, 11, 30, 23, 59, 59, tzinfo=UTC), tick=False) as clock:
        assert await spend(budget, 3) == [True, True, False]
        refusal = await budget.spend("account:acme")
        assert refusal is not None and "Try again in 1 second." in refusal.message
        clock.move_to(datetime(2026, 12, 1, 0, 0, 0, tzinfo=UTC))
        assert await spend(budget, 3) == [True, True, False]


async def test_december_rolls_over_into_january() -> None:
    assert month_bounds(datetime(2026, 12, 31, 23, 0, tzinfo=UTC).timestamp()) == ("2026-12", 3600)


async def test_a_call_refused_by_the_minute_does_not_use_the_month(
    clock: time_machine.Coordinates,
) -> None:
    budget = limits(per_minute=2, per_month=3)
    assert await spend(budget, 5) == [True, True, False, False, False]
    clock.shift(60.01)
    assert await spend(budget, 2) == [True, False]  # 2 + 1 = the month's 3


async def test_zero_turns_a_limit_off(clock: time_machine.Coordinates) -> None:
    budget = limits(per_minute=0, per_month=0)
    assert all(await spend(budget, 1_000))


def test_an_unknown_store_is_refused() -> None:
    with pytest.raises(ValueError, match=re.escape("memory:// or redis://")):
        store_from_url("memcached://localhost")
