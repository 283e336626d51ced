"""The fake's ticket list against a bare Flask app returning the byte-identical body.

Both run under waitress with the same thread count; wrk loads each from its own process on
loopback. The machine's speed drifts by a tenth or more within a minute (a shared VM), so the
runs are short and paired: each round runs the two back to back, in alternating order, and the
figure is the median of the rounds' ratios of requests per second (fake / bare). The benchmarks
want zero 429s, so the fake runs `--plan unlimited`. `compare` is shared with `bench_fake_view`.
"""

from __future__ import annotations

import base64
import tempfile
from pathlib import Path

import httpx

from bench.support import (
    PYTHON,
    BenchError,
    WrkRun,
    cpu_seconds,
    median,
    process,
    report,
    wrk,
)

PATH = "/api/v2/tickets?per_page=30"
TARGET_RATIO = 0.8
THREADS = 8


def run(quick: bool) -> bool:
    return compare("fake_list", PATH, "the ticket list", quick=quick)


def compare(name: str, path: str, what: str, *, quick: bool) -> bool:
    """Requests a second of the fake's `path` over a bare Flask app's, as bytes go equal."""
    seconds = 2 if quick else 3
    rounds = 1 if quick else 11
    auth = {"Authorization": "Basic " + base64.b64encode(b"demo-acme-admin-key:X").decode()}
    fake_cmd = [
        PYTHON,
        "-m",
        "mock_freshservice",
        "serve",
        "--plan",
        "unlimited",
        "--now",
        "2026-11-02T12:00:00Z",
        "--threads",
        str(THREADS),
    ]
    with process(fake_cmd, "/_mock/health") as fake, tempfile.TemporaryDirectory() as scratch:
        fake_url = f"{fake.url}{path}"
        body = httpx.get(fake_url, headers=auth).content
        body_file = Path(scratch) / "body.json"
        body_file.write_bytes(body)
        bare_cmd = [
            PYTHON,
            str(Path(__file__).with_name("bare_flask_app.py")),
            str(body_file),
            str(THREADS),
        ]
        with process(bare_cmd, "/") as bare:
            bare_url = f"{bare.url}{path}"
            if httpx.get(bare_url).content != body:
                raise BenchError("the bare app's body differs from the fake's")
            wrk(fake_url, seconds=1, connections=8, threads=2, headers=auth)  # warm-up
            wrk(bare_url, seconds=1, connections=8, threads=2)
            fake_runs: list[WrkRun] = []
            bare_runs: list[WrkRun] = []
            fake_cpu: list[float] = []
            bare_cpu: list[float] = []
            sides = [
                (fake_url, auth, fake_runs, fake_cpu, fake.process.pid),
                (bare_url, {}, bare_runs, bare_cpu, bare.process.pid),
            ]
            for round_number in range(rounds):
                for url, headers, runs, cpu, pid in sides if round_number % 2 == 0 else sides[::-1]:
                    before = cpu_seconds(pid)
                    run = wrk(url, seconds=seconds, connections=8, threads=2, headers=headers)
                    cpu.append((cpu_seconds(pid) - before) / max(run.requests, 1) * 1e6)
                    runs.append(run)
    bad = [r for r in fake_runs + bare_runs if r.non_2xx or r.socket_errors]
    if bad:
        raise BenchError(f"runs with errors or non-2xx answers (429s?): {bad}")
    ratios = [
        fake.requests_per_second / bare.requests_per_second
        for fake, bare in zip(fake_runs, bare_runs, strict=True)
    ]
    ratio = median(ratios)
    # Steadier than requests a second when the VM's speed drifts: the server's own CPU time
    # per request (user + system), bare over fake, paired by round.
    cpu_ratios = [b / f for f, b in zip(fake_cpu, bare_cpu, strict=True) if f > 0]
    report(
        name,
        {
            "benchmark": f"GET {path} ({what}): fake vs bare Flask, waitress {THREADS} threads",
            "body_bytes": len(body),
            "rounds": rounds,
            "seconds_per_run": seconds,
            "fake_requests_per_second": [r.requests_per_second for r in fake_runs],
            "bare_requests_per_second": [r.requests_per_second for r in bare_runs],
            "fake_p50_ms": [r.latency_p50_ms for r in fake_runs],
            "bare_p50_ms": [r.latency_p50_ms for r in bare_runs],
            "round_ratios": [round(r, 3) for r in ratios],
            "ratio_fake_over_bare": round(ratio, 3),
            "fake_cpu_us_per_request": [round(c) for c in fake_cpu],
            "bare_cpu_us_per_request": [round(c) for c in bare_cpu],
            "cpu_ratio_bare_over_fake": round(median(cpu_ratios), 3) if cpu_ratios else None,
            "target_ratio": TARGET_RATIO,
        },
    )
    return ratio >= TARGET_RATIO
