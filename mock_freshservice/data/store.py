"""Per-account record tables: generated lazily by id, overlaid by writes, indexed in columns.

A `Table` holds one kind of record (tickets, agents, …) for one account. Generated records are
not kept whole: only their *index* (the fields lists and filters look at) lives in columns, and
the full record is built on demand from the id by the kind's generator, then cached. A write puts
the whole record in the overlay and refreshes its index, so queries always read the columns and
views always read overlay-then-generator. That keeps 100,000 tickets small and quick to start.
"""

from __future__ import annotations

import bisect
import functools
import threading
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from typing import Any, Generic, TypeVar

Record = dict[str, Any]
IndexRow = Mapping[str, Any]
V = TypeVar("V")
# Rendered list pages kept per table: at 30 tickets a page is about 30 KB, at 100 about 100 KB.
PAGE_CACHE_SIZE = 64


class RetiredTableError(RuntimeError):
    """A write reached a table that a reset has replaced; nothing was stored or logged."""


class QueryCache(Generic[V]):
    """Answers to list queries (ordered id lists, or rendered pages), kept while their table's
    version holds.

    A write bumps the table's version, which empties the cache on the next use, so it never fills
    with dead entries; a lock keeps concurrent readers and writers from tripping over each other.
    """

    def __init__(self, size: int = 256) -> None:
        self._size = size
        self._version: int | None = None
        self._entries: dict[Hashable, V] = {}
        self._lock = threading.Lock()

    def get(self, version: int, key: Hashable, compute: Callable[[], V]) -> V:
        with self._lock:
            if version != self._version:
                self._entries.clear()
                self._version = version
            hit = self._entries.get(key)
        if hit is not None:
            return hit
        value = compute()
        with self._lock:
            if version == self._version:
                if len(self._entries) >= self._size:
                    self._entries.pop(next(iter(self._entries)))
                self._entries[key] = value
        return value


class Table:
    """Records of one kind in one account, addressed by an integer id (kept in ascending order)."""

    def __init__(
        self,
        kind: str,
        index_fields: Iterable[str],
        index_of: Callable[[Record], IndexRow],
        build: Callable[[int, IndexRow], Record] | None = None,
        *,
        cache_size: int = 4_096,
        key_field: str = "id",
    ) -> None:
        self.kind = kind
        # The field records are addressed by: `id`, or `display_id` for assets and catalog items.
        self.key_field = key_field
        self.index_fields = tuple(index_fields)
        self.columns: dict[str, list[Any]] = {name: [] for name in self.index_fields}
        self.ids: list[int] = []
        self._position: dict[int, int] = {}
        self._overlay: dict[int, Record] = {}
        # Ids that first appeared through `put` (never generated), and the index rows generated
        # records had before their first write: the record "as generated" stays reachable.
        self._written_only: set[int] = set()
        self._original_rows: dict[int, dict[str, Any]] = {}
        self._index_of = index_of
        self._build = build
        # Generated records, built on demand; a written record's overlay entry wins over these,
        # so entries never need dropping. functools' cache is C-implemented and thread-safe.
        self._generated = functools.lru_cache(maxsize=cache_size)(self._generate)
        self._cache_size = cache_size
        self.version = 0
        self.lock = threading.RLock()
        self.queries: QueryCache[list[int]] = QueryCache()
        # Whole list pages as served (bytes), for the lists that serve from records alone.
        self.pages: QueryCache[bytes] = QueryCache(PAGE_CACHE_SIZE)
        # Called with every record `put` stores, before storing it and while the table is locked;
        # if it raises, nothing is stored (see persistence.py).
        self.on_put: Callable[[Record], None] | None = None
        # Set by a reset: a request still holding the old table must not write to it, or its
        # write would be logged after the reset marker and come back on restart.
        self.retired = False
        # Serialised renderings per (record id, shape), valid while that record object is current.
        self._memo: dict[tuple[int, tuple[str, ...]], tuple[Record, bytes]] = {}

    # -- loading -----------------------------------------------------------------------------

    def add_generated_columns(self, ids: range, columns: Mapping[str, list[Any]]) -> None:
        """Register generated records by their index columns only, in one go (an empty table,
        ascending ids); `build` makes each full record when it is first read."""
        if self._build is None:
            raise TypeError(f"{self.kind} table has no generator")
        if self.ids:
            raise ValueError(f"{self.kind}: generated records must be loaded first")
        self.ids = list(ids)
        self._position = {record_id: position for position, record_id in enumerate(self.ids)}
        for name in self.index_fields:
            self.columns[name] = list(columns[name])
        self.version += 1

    # -- reading -----------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.ids)

    def __contains__(self, record_id: object) -> bool:
        return record_id in self._position

    def live_records(self) -> list[Record]:
        """Every record but the deleted ones (tombstones, `_gone`)."""
        return [record for record in self.all() if not record.get("_gone")]

    def live(self, record_id: int) -> Record | None:
        """The record, unless there is none or it was deleted (its tombstone is `_gone`)."""
        record = self.get(record_id)
        return None if record is None or record.get("_gone") else record

    def get(self, record_id: int) -> Record | None:
        """The full record, or None. Callers must not mutate it: copy before changing."""
        record = self._overlay.get(record_id)
        if record is not None:
            return record
        position = self._position.get(record_id)
        if position is None or self._build is None:
            return None
        return self._generated(record_id)

    def generated(self, record_id: int) -> Record | None:
        """The record as generated, ignoring writes; None for records that were never generated."""
        if self._build is None or record_id not in self._position:
            return None
        if record_id in self._written_only:
            return None
        return self._generated(record_id)

    def _generate(self, record_id: int) -> Record:
        assert self._build is not None
        row = self._original_rows.get(record_id) or self.row(self._position[record_id])
        return self._build(record_id, row)

    def row(self, position: int) -> dict[str, Any]:
        return {name: column[position] for name, column in self.columns.items()}

    def position(self, record_id: int) -> int | None:
        return self._position.get(record_id)

    def column(self, name: str) -> list[Any]:
        return self.columns[name]

    def positions(self) -> range:
        return range(len(self.ids))

    def all(self) -> Iterator[Record]:
        for record_id in list(self.ids):
            record = self.get(record_id)
            if record is not None:
                yield record

    def max_id(self) -> int:
        return self.ids[-1] if self.ids else 0

    def next_id(self, floor: int = 1) -> int:
        return max(self.max_id() + 1, floor)

    def memo(self, record: Record, shape: tuple[str, ...], compute: Callable[[], bytes]) -> bytes:
        """Bytes computed from `record` once and reused while it stays the stored object."""
        key = (int(record[self.key_field]), shape)
        hit = self._memo.get(key)
        if hit is not None and hit[0] is record:
            return hit[1]
        value = compute()
        if len(self._memo) > 4 * self._cache_size:
            self._memo.clear()
        self._memo[key] = (record, value)
        return value

    # -- writing -----------------------------------------------------------------------------

    def load(self, records: Iterable[Record]) -> None:
        """Bulk-insert new records whose keys rise above every key held (building an account)."""
        # Names bound once: this loop runs for every record of a large dataset at start.
        key_field, index_of, ids = self.key_field, self._index_of, self.ids
        position, overlay, written_only = self._position, self._overlay, self._written_only
        columns = [(name, self.columns[name]) for name in self.index_fields]
        with self.lock:
            last = ids[-1] if ids else None
            for record in records:
                record_id = int(record[key_field])
                if last is not None and record_id <= last:
                    self.put(record)  # out of order: the careful path (never past `last`)
                    continue
                index = index_of(record)
                position[record_id] = len(ids)
                ids.append(record_id)
                for name, column in columns:
                    column.append(index[name])
                overlay[record_id] = record
                written_only.add(record_id)
                last = record_id
            self.version += 1

    def put(self, record: Record) -> None:
        """Insert or replace a whole record (the only way state changes)."""
        record_id = int(record[self.key_field])
        with self.lock:
            if self.retired:
                raise RetiredTableError(self.kind)
            index = self._index_of(record)
            if self.on_put is not None:
                # Write-ahead: on disk first, so a write the log refuses changes nothing here.
                self.on_put(record)
            position = self._position.get(record_id)
            if position is None:
                self._append(record_id, index)
                self._written_only.add(record_id)
            else:
                if record_id not in self._overlay and record_id not in self._written_only:
                    self._original_rows[record_id] = self.row(position)
                for name in self.index_fields:
                    self.columns[name][position] = index[name]
            self._overlay[record_id] = record
            self.version += 1

    def _append(self, record_id: int, index: IndexRow) -> None:
        if self.ids and record_id <= self.ids[-1]:
            # Out-of-order ids (a pinned record below generated ones) keep the list sorted.
            if record_id in self._position:
                raise ValueError(f"duplicate {self.kind} id {record_id}")
            at = bisect.bisect_left(self.ids, record_id)
            self.ids.insert(at, record_id)
            for name in self.index_fields:
                self.columns[name].insert(at, index[name])
            self._position = {rid: pos for pos, rid in enumerate(self.ids)}
        else:
            self._position[record_id] = len(self.ids)
            self.ids.append(record_id)
            for name in self.index_fields:
                self.columns[name].append(index[name])
        self.version += 1

    def retire(self, retired: bool = True) -> None:
        """Refuse every later `put` (see `retired`); `retire(False)` takes that back."""
        with self.lock:
            self.retired = retired

    def written_ids(self) -> set[int]:
        return set(self._overlay)
