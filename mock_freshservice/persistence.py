"""`--state FILE`: writes that survive a crash, as an fsync'd append-only log replayed at start.

Each write the fake acknowledges is appended as one JSON line and fsync'd before the answer
leaves, so a `kill -9` at any moment loses nothing that a client saw succeed; a line torn by the
crash belongs to a write nobody was told about and is dropped. The first line records what the
data was generated from (seed, dataset, data-clock anchor): the generated records are rebuilt from
it and the logged writes laid on top. `POST /_mock/reset` appends a reset marker, so replay
starts over for that account. (SQLite in WAL mode would do the same job; a log of whole records
needs no schema and keeps replay a plain loop.)
"""

from __future__ import annotations

import hashlib
import os
import threading
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

FORMAT = 1


class StateFileError(ValueError):
    """A state file that belongs to other data, or cannot be read."""


def dataset_digest(dataset_json: bytes, seed: int) -> str:
    return hashlib.sha256(dataset_json + b"\0" + str(seed).encode()).hexdigest()


class WriteLog:
    """The append-only log behind `--state`; `write` returns once the line is on disk."""

    def __init__(self, path: Path, header: dict[str, Any], entries: list[dict[str, Any]]):
        self.path = path
        self.header = header
        self.entries = entries
        self._lock = threading.Lock()
        # A raw descriptor, closed when the log goes away (apps in tests come and go).
        self._fd = os.open(path, os.O_WRONLY | os.O_APPEND)
        self._closer = weakref.finalize(self, os.close, self._fd)

    @classmethod
    def open(cls, path: Path, *, digest: str, anchor: int) -> WriteLog:
        """Open (or create) the log; a new file gets a header with this data's origin."""
        if path.exists() and path.stat().st_size > 0:
            header, entries, good_bytes = _read(path)
            if header.get("format") != FORMAT or header.get("data") != digest:
                raise StateFileError(
                    f"{path}: this state file was written for another seed or dataset; "
                    "start with the same --seed and --dataset, or use another --state file"
                )
            if good_bytes < path.stat().st_size:
                with path.open("r+b") as torn:  # drop a line cut short by a crash
                    torn.truncate(good_bytes)
            return cls(path, header, entries)
        header = {"format": FORMAT, "data": digest, "anchor": anchor}
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as fresh:
            fresh.write(orjson.dumps({"header": header}) + b"\n")
            fresh.flush()
            os.fsync(fresh.fileno())
        return cls(path, header, [])

    def write(self, entry: dict[str, Any]) -> None:
        line = orjson.dumps(entry) + b"\n"
        with self._lock:
            written = 0
            while written < len(line):
                written += os.write(self._fd, line[written:])
            os.fsync(self._fd)

    def close(self) -> None:
        with self._lock:
            self._closer()

    def replayable(self) -> Iterator[dict[str, Any]]:
        """The entries still in force: for each account, those after its last reset."""
        last_reset: dict[str | None, int] = {}
        for n, entry in enumerate(self.entries):
            if "reset" in entry:
                last_reset[entry["reset"]] = n
        everything = last_reset.get(None, -1)
        for n, entry in enumerate(self.entries):
            if "reset" in entry:
                continue
            if n > max(everything, last_reset.get(entry["a"], -1)):
                yield entry


def _read(path: Path) -> tuple[dict[str, Any], list[dict[str, Any]], int]:
    """(header, entries, bytes of whole lines) of a log, ignoring a torn last line."""
    raw = path.read_bytes()
    entries: list[dict[str, Any]] = []
    header: dict[str, Any] | None = None
    good = 0
    for line in raw.splitlines(keepends=True):
        if not line.endswith(b"\n"):
            break
        try:
            item = orjson.loads(line)
        except orjson.JSONDecodeError:
            break
        good += len(line)
        if header is None:
            if not isinstance(item, dict) or "header" not in item:
                raise StateFileError(f"{path}: not a mock-freshservice state file")
            header = item["header"]
        else:
            entries.append(item)
    if header is None:
        raise StateFileError(f"{path}: not a mock-freshservice state file")
    return header, entries, good
