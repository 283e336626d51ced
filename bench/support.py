"""Shared machinery for benchmarks: processes on free ports (the harness's), wrk runs, medians,
reports."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

from contracts.processes import Served, StartFailed, serving

RESULTS = Path(__file__).parent / "results"


class BenchError(RuntimeError):
    """A benchmark that cannot run or whose run was invalid (errors, 429s)."""


@contextmanager
def process(
    command: Sequence[str], ready_path: str, env: Mapping[str, str] | None = None
) -> Iterator[Served]:
    """A server process (taking `--fd N`) on a free loopback port, once `ready_path` answers; its
    stderr goes to a file (an unread pipe would fill up, the MCP server logs every call, and
    stall it)."""
    try:
        with serving(command, ready_path, env=env) as served:
            yield served
    except StartFailed as exc:
        raise BenchError(str(exc)) from None


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time a process has used so far (Linux: /proc/PID/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])  # utime, stime: fields 14 and 15 of the line
    return ticks / os.sysconf("SC_CLK_TCK")


@dataclasses.dataclass(frozen=True)
class WrkRun:
    requests_per_second: float
    requests: int
    non_2xx: int
    socket_errors: int
    latency_p50_ms: float | None


def wrk(
    url: str,
    *,
    seconds: float,
    connections: int,
    threads: int,
    headers: dict[str, str] | None = None,
) -> WrkRun:
    """One wrk run from a separate process on loopback."""
    if shutil.which("wrk") is None:
        raise BenchError(
            "wrk is not installed: `apt-get install wrk` (Debian) or see README 'Benchmarks'"
        )
    args = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency"]
    for name, value in (headers or {}).items():
        args += ["-H", f"{name}: {value}"]
    output = subprocess.run([*args, url], capture_output=True, text=True, check=True).stdout
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    total = re.search(r"(\d+) requests in", output)
    if rps is None or total is None:
        raise BenchError(f"could not read wrk output:\n{output}")
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    p50 = re.search(r"50%\s+([\d.]+)(us|ms|s)", output)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    return WrkRun(
        requests_per_second=float(rps[1]),
        requests=int(total[1]),
        non_2xx=int(non_2xx[1]) if non_2xx else 0,
        socket_errors=sum(int(g) for g in errors.groups()) if errors else 0,
        latency_p50_ms=float(p50[1]) * scale[p50[2]] if p50 else None,
    )


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def report(name: str, payload: dict[str, object]) -> None:
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(payload, indent=2) + "\n")
    print(json.dumps(payload, indent=2))


PYTHON = sys.executable
