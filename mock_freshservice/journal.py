"""The per-account journal of requests the fake answered.

Tests, replays and QA read it through `/_mock/accounts/<domain>/journal` to see exactly what a
client did: which calls, in which order, with which `X-Request-Id`, and how each was answered.
Keys appear only as fingerprints.

Anyone who can reach the fake writes to it (a request with no key lands in `_unattributed`), so
it is bounded: a long method, path, query or request id is kept cut, ending in a visible marker,
and each account keeps its newest entries within a count and a byte budget (a smaller one for
`_unattributed`), dropping the oldest.
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
MAX_BYTES_PER_ACCOUNT = 64 * 1024 * 1024  # 100,000 ordinary entries take about 42 MB
MAX_BYTES_UNATTRIBUTED = 16 * 1024 * 1024
# Longer texts are kept cut, with TRUNCATED after them.
MAX_PATH_CHARACTERS = 2048
MAX_QUERY_CHARACTERS = 2048
MAX_REQUEST_ID_CHARACTERS = 256
MAX_METHOD_CHARACTERS = 32  # waitress passes any token as a method
TRUNCATED = "…[truncated: {:,} characters in all]"
# What an entry costs besides its texts (measured: an Entry with ordinary texts takes ~420 bytes).
ENTRY_OVERHEAD_BYTES = 320


def fingerprint(key: str) -> str:
    """A stable, non-reversible label for an API key, safe to log."""
    return "key-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:10]


# Not frozen, though never changed once made: a frozen dataclass takes four times as long to make
# (3.7 µs against 0.9), and every request makes one.
@dataclasses.dataclass(slots=True)
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


def clip(text: str, limit: int) -> str:
    """`text`, or its first `limit` characters and the TRUNCATED marker."""
    if len(text) <= limit:
        return text
    return text[:limit] + TRUNCATED.format(len(text))


def _bounded(entry: Entry) -> Entry:
    method = clip(entry.method, MAX_METHOD_CHARACTERS)
    path = clip(entry.path, MAX_PATH_CHARACTERS)
    query = clip(entry.query, MAX_QUERY_CHARACTERS)
    request_id = (
        None if entry.request_id is None else clip(entry.request_id, MAX_REQUEST_ID_CHARACTERS)
    )
    if (method, path, query, request_id) == (
        entry.method,
        entry.path,
        entry.query,
        entry.request_id,
    ):
        return entry
    return dataclasses.replace(entry, method=method, path=path, query=query, request_id=request_id)


def _cost(entry: Entry) -> int:
    texts = (entry.method, entry.path, entry.query, entry.key, entry.request_id, entry.rule)
    return ENTRY_OVERHEAD_BYTES + sum(len(text) for text in texts if text is not None)


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="milliseconds")


class _Log:
    """One account's entries, oldest first, and what they cost."""

    def __init__(self) -> None:
        self.entries: deque[tuple[Entry, int]] = deque()
        self.bytes = 0


class Journal:
    def __init__(
        self,
        *,
        max_entries: int = MAX_ENTRIES_PER_ACCOUNT,
        max_bytes: int = MAX_BYTES_PER_ACCOUNT,
        max_unattributed_bytes: int = MAX_BYTES_UNATTRIBUTED,
    ) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.max_unattributed_bytes = max_unattributed_bytes
        self._logs: dict[str, _Log] = {}
        self._seq = itertools.count(1)
        self._lock = threading.Lock()

    def next_seq(self) -> int:
        with self._lock:
            return next(self._seq)

    def append(self, account: str | None, entry: Entry) -> None:
        """Keep `entry` (its long texts cut), dropping the account's oldest past its budgets."""
        name = account or UNATTRIBUTED
        entry = _bounded(entry)
        cost = _cost(entry)
        budget = self.max_unattributed_bytes if name == UNATTRIBUTED else self.max_bytes
        with self._lock:
            log = self._logs.get(name)
            if log is None:
                log = self._logs[name] = _Log()
            log.entries.append((entry, cost))
            log.bytes += cost
            while log.entries and (len(log.entries) > self.max_entries or log.bytes > budget):
                _, dropped = log.entries.popleft()
                log.bytes -= dropped

    def entries(self, account: str) -> list[Entry]:
        with self._lock:
            log = self._logs.get(account)
            return [] if log is None else [entry for entry, _ in log.entries]

    def clear(self, account: str | None = None) -> None:
        with self._lock:
            if account is None:
                self._logs.clear()
            else:
                self._logs.pop(account, None)
