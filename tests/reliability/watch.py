"""Watching a process under attack: its memory (VmRSS from /proc), with a ceiling that ends it,
so an attack that works cannot take the machine down with the test."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path
from types import TracebackType

MIB = 1024 * 1024


def rss_bytes(pid: int) -> int:
    """The resident set size of `pid` (0 once it is gone)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


class MemoryWatch:
    """Samples the RSS of `pid` every `interval` s while in use; `peak` is the largest seen. A
    process that goes past `ceiling` bytes is killed (SIGKILL) and `killed` is set."""

    def __init__(self, pid: int, *, ceiling: int = 600 * MIB, interval: float = 0.02) -> None:
        self.pid = pid
        self.ceiling = ceiling
        self.interval = interval
        self.start = rss_bytes(pid)
        self.peak = self.start
        self.killed = False
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._done.is_set():
            rss = rss_bytes(self.pid)
            self.peak = max(self.peak, rss)
            if rss > self.ceiling and not self.killed:
                self.killed = True
                os.kill(self.pid, signal.SIGKILL)
            time.sleep(self.interval)

    @property
    def growth(self) -> int:
        return self.peak - self.start

    def __enter__(self) -> MemoryWatch:
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._done.set()
        self._thread.join()
