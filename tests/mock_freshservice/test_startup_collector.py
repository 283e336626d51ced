"""`serve` builds its dataset with the cyclic garbage collector off, then freezes what it built."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from mock_freshservice.startup import collector_paused


@pytest.fixture(autouse=True)
def _collector_restored() -> Iterator[None]:
    yield
    gc.unfreeze()
    gc.enable()


def test_the_collector_is_off_while_the_dataset_is_built() -> None:
    with collector_paused():
        assert not gc.isenabled()


def test_what_was_built_is_frozen_and_the_collector_back_on() -> None:
    with collector_paused():
        built = [{"id": n} for n in range(1_000)]
    assert gc.isenabled()
    assert gc.get_freeze_count() >= len(built)


def test_the_collector_is_back_on_when_the_build_fails() -> None:
    with pytest.raises(RuntimeError), collector_paused():
        raise RuntimeError("a bad dataset")
    assert gc.isenabled()
