"""The rate-limit contract catches a server whose limit was raised in code and one that sends a
POST again after a 503 (broken copies of ours), naming the cause. (That ours passes is
`tox -e contracts`.)"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.contracts.broken import broken_server, check

# Each test here runs the harness's CLIs end to end in subprocesses: `tox -e slow`.
pytestmark = pytest.mark.slow


def test_a_per_minute_limit_raised_in_code_fails_naming_the_limit(tmp_path: Path) -> None:
    env = broken_server(
        tmp_path, "gate.py",
        "per_minute=settings.mcp_calls_per_minute,",
        "per_minute=settings.mcp_calls_per_minute * 2,",
    )  # fmt: skip
    done = check("-k", "limit and not upstream and not post", env=env, cwd=tmp_path)
    assert done.returncode == 1, done.stdout[-3000:]
    assert "admitted within 2.0 s; the limit is 4" in done.stdout or (
        "the call over the limit was admitted" in done.stdout
    )


def test_a_post_resent_after_a_503_fails_naming_it(tmp_path: Path) -> None:
    env = broken_server(
        tmp_path, "freshservice.py",
        "if method in IDEMPOTENT and not last_try",
        "if not last_try",
    )  # fmt: skip
    done = check("-k", "test_a_post_is_never_resent", env=env, cwd=tmp_path)
    assert done.returncode == 1, done.stdout[-3000:]
    assert re.search(r"the POST was sent [2-9][0-9]* times", done.stdout), done.stdout[-3000:]
