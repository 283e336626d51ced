"""Anyone who reaches the fake writes to its journal: long queries must not grow it without end.

The journal kept each request's raw query: 3,000 requests without a key, each with a 60 KB query,
held about 180 MB in `_unattributed`, and nothing bounded it but a count of 100,000 entries per
account. Bounded here: 3,300 requests of 60 KB (about 200 MB over loopback), one client.
"""

from __future__ import annotations

import httpx

from tests.conftest import ADMIN_KEY
from tests.processes import running_fake
from tests.reliability.watch import MIB, MemoryWatch, rss_bytes

QUERY = "q=" + "x" * 60_000
MARKER = "…[truncated: 60,002 characters in all]"


def test_long_queries_leave_the_journal_small_and_cut_with_a_marker() -> None:
    with (
        running_fake("--plan", "unlimited") as fake,
        httpx.Client(base_url=fake.url, timeout=10) as client,
    ):
        for _ in range(50):  # the fake's allocations settle before the count starts
            client.get(f"/api/v2/tickets?{QUERY}")
        fake.clear_journal("_unattributed")
        before = rss_bytes(fake.process.pid)
        with MemoryWatch(fake.process.pid):
            for _ in range(3_000):
                assert client.get(f"/api/v2/tickets?{QUERY}").status_code == 401
            for _ in range(300):
                response = client.get(f"/api/v2/tickets?{QUERY}", auth=(ADMIN_KEY, "X"))
                assert response.status_code == 400
        growth = rss_bytes(fake.process.pid) - before
        unattributed = fake.journal("_unattributed")
        acme = fake.journal()
    assert growth < 30 * MIB, f"the fake grew by {growth / MIB:.0f} MiB"
    assert len(unattributed) == 3_000
    assert len(acme) == 300
    for entry in (*unattributed, *acme):
        assert entry["query"].endswith(MARKER)
        assert len(entry["query"]) == 2048 + len(MARKER)
