"""The attack suites: each attack that once found a hole, kept as a test (`tox -e reliability`).

Every test here runs real processes on loopback only, bounded in time and traffic, and fails on
the code that had the hole it names.
"""

from __future__ import annotations

import pytest


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/reliability/" in str(item.path).replace("\\", "/"):
            item.add_marker(pytest.mark.reliability)
