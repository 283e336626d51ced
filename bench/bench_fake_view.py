"""One ticket from the fake (`GET /api/v2/tickets/1023`) against a bare Flask app returning the
same bytes, as `bench_fake_list` measures the list (target: 0.8 of bare Flask)."""

from __future__ import annotations

from bench.bench_fake_list import compare


def run(quick: bool) -> bool:
    return compare("fake_view", "/api/v2/tickets/1023", "one ticket", quick=quick)
