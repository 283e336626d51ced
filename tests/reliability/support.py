"""What the attack suites share: memory and CPU of a process, quantiles, a report line."""

from __future__ import annotations

import os
import statistics
from pathlib import Path


def rss_mb(pid: int) -> float:
    """Resident memory of a process, in MB (VmRSS from /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError(f"no VmRSS for process {pid}")


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time a process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def spread(values: list[float]) -> str:
    """median (min-max) of a few repeated figures."""
    return f"{statistics.median(values):.1f} ({min(values):.1f}-{max(values):.1f})"


def report(name: str, **figures: object) -> None:
    """One line the CI log keeps: the attack and what it measured."""
    shown = ", ".join(f"{key}={value}" for key, value in figures.items())
    print(f"\n[reliability] {name}: {shown}", flush=True)
