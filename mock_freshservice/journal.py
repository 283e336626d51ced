"""The per-account journal of requests the fake answered.

Tests, replays and QA read it through `/_mock/accounts/<domain>/journal` to see exactly what a
client did: which calls, in which order, with which `X-Request-Id`, and how each was answered.
Keys appear only as fingerprints.
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import threading
from collections import deque
from datetime import UTC, datetime
from typing import Any

# Requests whose key and Host name no account are kept under this name.
UNATTRIBUTED = "_unattributed"
MAX_ENTRIES_PER_ACCOUNT = 100_000


def fingerprint(key: str) -> str:
    """A stable, non-reversible label for an API key, safe to log."""
    return "key-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:10]


@dataclasses.dataclass(frozen=True, slots=True)
class Entry:
    seq: int
    at: float  # real time, epoch seconds; shown as ISO 8601 `time`
    method: str
    path: str
    query: str
    status: int  # 0: no HTTP answer (a scenario dropped the connection)
    key: str | None  # fingerprint
    request_id: str | None
    credits: int
    latency_ms: float
    rule: str | None = None  # id of the scenario rule that fired on the request
    retry_after: int | None = None
    early: bool = False  # arrived before a Retry-After covering it had elapsed (backoff.py)

    def as_json(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "time": _iso(self.at),
            "method": self.method,
            "path": self.path,
            "query": self.query,
            "status": self.status,
            "key": self.key,
            "request_id": self.request_id,
            "credits": self.credits,
            "latency_ms": self.latency_ms,
            "rule": self.rule,
            "retry_after": self.retry_after,
            "early": self.early,
        }


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="milliseconds")


class Journal:
    def __init__(self) -> None:
        self._entries: dict[str, deque[Entry]] = {}
        self._seq = itertools.count(1)
        self._lock = threading.Lock()

    def next_seq(self) -> int:
        with self._lock:
            return next(self._seq)

    def append(self, account: str | None, entry: Entry) -> None:
        name = account or UNATTRIBUTED
        with self._lock:
            entries = self._entries.get(name)
            if entries is None:
                entries = self._entries[name] = deque(maxlen=MAX_ENTRIES_PER_ACCOUNT)
            entries.append(entry)

    def entries(self, account: str) -> list[Entry]:
        with self._lock:
            return list(self._entries.get(account, ()))

    def clear(self, account: str | None = None) -> None:
        with self._lock:
            if account is None:
                self._entries.clear()
            else:
                self._entries.pop(account, None)
