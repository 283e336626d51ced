"""The fake under concurrent load from wrk (Debian package): budgets stay exact, writes are not
lost, nothing fails with a 500. Run by `tox -e system`."""

from __future__ import annotations

import shutil
import subprocess
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import basic
from tests.processes import running_fake

pytestmark = pytest.mark.system

ACME = "acme.freshservice.com"


@pytest.fixture(scope="module")
def wrk() -> str:
    path = shutil.which("wrk")
    if path is None:
        pytest.fail("wrk is not installed: `apt-get install wrk` (the CI script does this)")
    return path


@pytest.fixture
def fake_url() -> Iterator[str]:
    with running_fake() as fake:  # stderr goes to a file: an unread pipe would stall it
        yield fake.url


def journal_statuses(url: str) -> Counter[int]:
    entries = httpx.get(f"{url}/_mock/accounts/{ACME}/journal", timeout=60).json()["entries"]
    return Counter(e["status"] for e in entries)


def test_concurrent_callers_get_exactly_the_budget_and_no_more(wrk: str, fake_url: str) -> None:
    httpx.put(f"{fake_url}/_mock/accounts/{ACME}/plan", json={"limits": {"overall": 300}})
    header = basic("demo-acme-admin-key")["Authorization"]
    subprocess.run(
        [
            wrk,
            "-t2",
            "-c16",
            "-d3s",
            "-H",
            f"Authorization: {header}",
            f"{fake_url}/api/v2/workspaces",
        ],
        check=True,
        capture_output=True,
    )
    statuses = journal_statuses(fake_url)
    assert statuses[200] == 300
    assert statuses[429] > 0
    assert set(statuses) == {200, 429}


def test_concurrent_creates_lose_no_ticket_and_reuse_no_id(
    wrk: str, fake_url: str, tmp_path: Path
) -> None:
    httpx.put(f"{fake_url}/_mock/accounts/{ACME}/plan", json={"plan": "unlimited"})
    header = basic("demo-acme-admin-key")["Authorization"]
    script = tmp_path / "create.lua"
    script.write_text(
        'wrk.method = "POST"\n'
        'wrk.headers["Content-Type"] = "application/json"\n'
        f'wrk.headers["Authorization"] = "{header}"\n'
        'wrk.body = \'{"subject":"Load","description":"x","email":"john@acme.com","status":2,"priority":1}\'\n'
    )
    before = _ticket_count(fake_url)
    subprocess.run(
        [wrk, "-t2", "-c8", "-d2s", "-s", str(script), f"{fake_url}/api/v2/tickets"],
        check=True,
        capture_output=True,
    )
    statuses = journal_statuses(fake_url)
    assert set(statuses) == {201}
    assert _ticket_count(fake_url) == before + statuses[201]


def _ticket_count(url: str) -> int:
    accounts = httpx.get(f"{url}/_mock/accounts").json()["accounts"]
    return int(next(a for a in accounts if a["domain"] == ACME)["counts"]["tickets"])
