"""`--state FILE`: writes that survive a crash, as a checksummed, fsync'd append-only log.

A write goes to the disk before it goes to memory: `WriteLog.write` appends one record and
fsyncs it, and only then does the table (or the conversation list) change and the client get its
answer. If the write fails (disk full, EIO), the file is cut back to its last good length and the
request is refused, so memory, disk and what the client was told agree; if even the cut fails,
the log is *broken* and refuses every later write until a restart, because a write appended after
bytes of unknown state could not be trusted to replay.

Format 2, one record a line: `<crc32 of the JSON, 8 lower-case hex digits> <JSON>\\n`. JSON
escapes every line break inside strings, so a line is a record; the checksum tells a damaged
record from a good one, so reading skips exactly the damaged records (reported on stderr, their
bytes kept in `FILE.damaged`) and still reads every record after them, even a good record glued
behind a torn fragment on the same line (a record start, `<8 hex> {` whose checksum holds, is
looked for inside a bad line). A last line with no line break is a write cut short by a crash,
which nobody was told about: dropped with a notice. After damage the log is rewritten atomically
(temporary file, fsync, rename, fsync of the folder) so later appends land on a clean file; a
format-1 file (plain JSON lines) is read the same way and upgraded by that rewrite.

The first record says what the data was generated from (seed, dataset, data-clock anchor): the
generated records are rebuilt from it and the logged writes laid on top. `POST /_mock/reset`
appends a reset marker, so replay starts over for that account.

Why a log and not SQLite in WAL mode: SQLite fsyncs each commit just as well
(`synchronous=FULL`), checksums its WAL frames and ignores a torn tail, but a WAL frame that
fails its checksum ends recovery there, dropping every later commit, and damage inside the main
database file makes it refuse to open (recovery is a manual `.recover`). Here each record is a
whole record put by key that stands on its own, so reading can skip exactly the damaged ones and
keep everything else; a log also needs no schema, and replay stays a plain loop. What the log
costs instead: reading the whole file at start, and a rewrite after damage.
"""

from __future__ import annotations

import errno
import hashlib
import logging
import os
import re
import stat
import threading
import time
import weakref
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from mock_freshservice.atomic_file import replace_file
from mock_freshservice.errors import ServerError

FORMAT = 2
READABLE_FORMATS = (1, 2)
DAMAGED_SUFFIX = ".damaged"

log = logging.getLogger("mock_freshservice.persistence")

# Where a record may start inside a bad line: a checksum then the JSON object's brace (format 2),
# or an entry's first key (format 1, where JSON escapes every quote inside strings).
_RECORD_START = {
    2: re.compile(rb"[0-9a-f]{8} \{"),
    1: re.compile(rb'\{"(?:a|reset)":'),
}
_CHECKSUM = re.compile(rb"[0-9a-f]{8} ")


class StateFileError(ValueError):
    """A state file that belongs to other data, or cannot be read or written."""


class StateWriteError(ServerError):
    """A write the state file did not take: Freshservice's 500, or 503 once the log is broken.

    An `ApiError`, so the app answers it in Freshservice's shape without a traceback; the cause
    is logged once where it happens.
    """

    def __init__(self, path: Path, *, broken: bool) -> None:
        super().__init__(503 if broken else 500)
        self.args = (
            f"{path}: the state file is broken; writes are refused until a restart"
            if broken
            else f"{path}: the write could not be saved; nothing was changed",
        )


def dataset_digest(dataset_json: bytes, seed: int) -> str:
    return hashlib.sha256(dataset_json + b"\0" + str(seed).encode()).hexdigest()


def encode(item: dict[str, Any]) -> bytes:
    """One format-2 line: checksum, space, JSON, line break."""
    data = orjson.dumps(item)
    return b"%08x %s\n" % (zlib.crc32(data), data)


class WriteLog:
    """The append-only log behind `--state`; `write` returns once the record is on disk."""

    def __init__(self, path: Path, header: dict[str, Any], entries: list[dict[str, Any]]):
        self.path = path
        self.header = header
        self.entries = entries
        self._lock = threading.Lock()
        self._broken = False  # set once a failed write could not be undone
        # A raw descriptor, closed when the log goes away (apps in tests come and go).
        self._fd = _open_for_append(path)
        self._closer = weakref.finalize(self, os.close, self._fd)
        self._size = os.fstat(self._fd).st_size  # where a failed write is cut back to

    @classmethod
    def open(cls, path: Path, *, digest: str, anchor: int) -> WriteLog:
        """Open (or create) the log; a new file gets a header with this data's origin.

        Damage is reported on stderr, its bytes kept in `FILE.damaged`, and the file cleaned;
        a file that cannot be used raises `StateFileError` with the reason.
        """
        _check_usable(path)
        if not path.exists() or path.stat().st_size == 0:
            header = {"format": FORMAT, "data": digest, "anchor": anchor}
            _replace(path, encode({"header": header}))
            return cls(path, header, [])
        os.close(_open_for_append(path))  # before any repair: an unwritable file says so
        scan = _scan(path)
        header = scan.header
        if header.get("data") != digest:
            raise StateFileError(
                f"{path}: this state file was written for another seed or dataset; "
                "start with the same --seed and --dataset, or use another --state file"
            )
        _repair(path, scan)
        if scan.format != FORMAT:
            header = {**header, "format": FORMAT}
        return cls(path, header, scan.entries)

    def write(self, entry: dict[str, Any]) -> None:
        """Append `entry` and fsync it; on failure the file is as it was and this raises."""
        line = encode(entry)
        with self._lock:
            if self._broken:
                raise StateWriteError(self.path, broken=True)
            try:
                self._put_bytes(line)
            except BaseException as exc:
                self._undo(exc)
                if isinstance(exc, OSError):
                    raise StateWriteError(self.path, broken=self._broken) from exc
                raise
            self._size += len(line)

    def _put_bytes(self, line: bytes) -> None:
        written = 0
        while written < len(line):
            count = os.write(self._fd, line[written:])
            if count == 0:  # a regular file never does this; looping on it would never end
                raise OSError(errno.EIO, "the write wrote nothing")
            written += count
        os.fsync(self._fd)

    def _undo(self, cause: BaseException) -> None:
        """Cut the file back to its last good length, or mark the log broken if that fails."""
        try:
            self._truncate(self._size)
        except OSError as exc:
            self._broken = True
            log.error(
                "%s: a write failed (%s) and could not be undone (%s); every later write is "
                "refused until the fake restarts",
                self.path,
                cause,
                exc,
            )
            return
        log.error(
            "%s: a write failed (%s); it was refused and nothing was changed", self.path, cause
        )

    def _truncate(self, length: int) -> None:
        os.ftruncate(self._fd, length)
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


# -- opening -----------------------------------------------------------------------------------


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def _check_usable(path: Path) -> None:
    """A regular file (or none yet) in a folder that exists or can be made."""
    try:
        mode = path.stat().st_mode
    except (FileNotFoundError, NotADirectoryError):
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StateFileError(
                f"{path}: cannot create the state file's folder {path.parent}: {_reason(exc)}"
            ) from None
        return
    except OSError as exc:
        raise StateFileError(f"{path}: cannot use as the state file: {_reason(exc)}") from None
    if stat.S_ISDIR(mode):
        raise StateFileError(f"{path}: is a folder; --state needs a file (e.g. {path}/state.log)")
    if not stat.S_ISREG(mode):
        # Not even an empty device is taken: a new log replaces the path with a file.
        raise StateFileError(f"{path}: not a regular file; --state needs a file")


def _open_for_append(path: Path) -> int:
    try:
        return os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CLOEXEC)
    except OSError as exc:
        raise StateFileError(f"{path}: cannot write to the state file: {_reason(exc)}") from None


def _replace(path: Path, content: bytes) -> None:
    """Make `path` hold `content`, atomically and durably (a crash leaves old or new, whole)."""
    try:
        replace_file(path, content)
    except OSError as exc:
        raise StateFileError(f"{path}: cannot write the state file: {_reason(exc)}") from None


# -- reading -----------------------------------------------------------------------------------


@dataclass
class Damage:
    """Bytes of the file that hold no usable record, and why."""

    line: int
    offset: int
    raw: bytes
    reason: str


@dataclass
class Scan:
    """What reading a log found: the good records, and everything else."""

    format: int
    header: dict[str, Any]
    entries: list[dict[str, Any]] = field(default_factory=list)
    damage: list[Damage] = field(default_factory=list)
    torn: Damage | None = None  # a last line with no line break

    @property
    def clean(self) -> bool:
        return not self.damage and self.torn is None and self.format == FORMAT


def _scan(path: Path) -> Scan:
    """Read a log of format 1 or 2, skipping damaged records (a bad header is refused)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise StateFileError(f"{path}: cannot read the state file: {_reason(exc)}") from None
    # Split at line breaks only (`splitlines` would also split at a damaged byte that became \r).
    parts = raw.split(b"\n")
    lines = [part + b"\n" for part in parts[:-1]] + ([parts[-1]] if parts[-1] else [])
    first = lines[0] if lines else b""
    if not first.endswith(b"\n"):
        raise StateFileError(f"{path}: not a mock-freshservice state file (no whole first line)")
    version = 1 if first.startswith(b"{") else 2
    item = _decode(first[:-1], version)
    header = item.get("header") if isinstance(item, dict) else None
    if not isinstance(header, dict):
        raise StateFileError(
            f"{path}: not a mock-freshservice state file, or its first line is damaged"
        )
    if header.get("format") not in READABLE_FORMATS:
        raise StateFileError(
            f"{path}: state file format {header.get('format')!r} is not one this "
            f"mock-freshservice reads ({', '.join(map(str, READABLE_FORMATS))})"
        )
    if header.get("format") != version:
        raise StateFileError(f"{path}: the first line says format {header['format']} but is not")
    scan = Scan(version, header)
    offset = len(first)
    for number, line in enumerate(lines[1:], start=2):
        if not line.endswith(b"\n"):
            whole = _entry(line[:-1], version)
            if whole is None:
                scan.torn = Damage(number, offset, line, "no line break: a write cut short")
            else:  # a whole record whose line break, the file's last byte, is damaged
                scan.entries.append(whole)
                reason = "the line break after the last record is damaged; the record is kept"
                scan.damage.append(Damage(number, offset, line, reason))
        else:
            _read_line(scan, number, offset, line, version)
        offset += len(line)
    return scan


def _read_line(scan: Scan, number: int, offset: int, line: bytes, version: int) -> None:
    entry = _entry(line[:-1], version)
    if entry is not None:
        scan.entries.append(entry)
        return
    # Damaged: find a good record glued behind the damage (a torn write, then a whole one).
    for start in _RECORD_START[version].finditer(line, 1):
        behind = _entry(line[start.start() : -1], version)
        if behind is None:
            continue
        head = line[: start.start()]
        # One damaged byte where a line break was: the record before it is whole too.
        before = _entry(head[:-1], version)
        if before is not None:
            scan.entries.append(before)
            reason = "two records on one line (the line break between them is damaged)"
        else:
            reason = _what_is_wrong(head, version) + "; a good record follows on the same line"
        scan.damage.append(Damage(number, offset, head, reason))
        scan.entries.append(behind)
        return
    scan.damage.append(Damage(number, offset, line, _what_is_wrong(line[:-1], version)))


def _decode(data: bytes, version: int) -> Any:
    """The JSON of one line, or None if its checksum or JSON is bad."""
    if version == 2:
        if _CHECKSUM.match(data) is None or int(data[:8], 16) != zlib.crc32(data[9:]):
            return None
        data = data[9:]
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        return None


def _entry(data: bytes, version: int) -> dict[str, Any] | None:
    """A record of this log (a reset marker or an account's write), or None."""
    item = _decode(data, version)
    if not isinstance(item, dict):
        return None
    if "reset" in item and (item["reset"] is None or isinstance(item["reset"], str)):
        return item
    kinds = [kind for kind in ("t", "c", "ri") if kind in item]
    if isinstance(item.get("a"), str) and len(kinds) == 1 and "r" in item:
        return item
    return None


def _what_is_wrong(data: bytes, version: int) -> str:
    if version == 2:
        if _CHECKSUM.match(data) is None:
            return "no checksum where a record starts"
        if int(data[:8], 16) != zlib.crc32(data[9:]):
            return "checksum mismatch"
        data = data[9:]
    try:
        orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        return f"not JSON ({exc})"
    return "not a record of a state file"


# -- repairing ---------------------------------------------------------------------------------


def _repair(path: Path, scan: Scan) -> None:
    """Report what reading skipped, keep its bytes, and leave a clean file to append to."""
    for damage in scan.damage:
        log.warning(
            "%s: line %d (byte %d): %s; its %d bytes are kept in %s; read on past it",
            path,
            damage.line,
            damage.offset,
            damage.reason,
            len(damage.raw),
            _side_file(path).name,
        )
    if scan.torn is not None:
        log.warning(
            "%s: line %d (byte %d): dropped a torn last record (%d bytes, kept in %s): "
            "a write cut short by a crash, never acknowledged",
            path,
            scan.torn.line,
            scan.torn.offset,
            len(scan.torn.raw),
            _side_file(path).name,
        )
    if scan.clean:
        return
    _keep_damaged(path, [*scan.damage, *([scan.torn] if scan.torn else [])])
    if scan.format == FORMAT and not scan.damage:
        # Only a torn tail: cutting it off is cheaper than rewriting a long file.
        assert scan.torn is not None
        fd = _open_for_append(path)
        try:
            os.ftruncate(fd, scan.torn.offset)
            os.fsync(fd)
        except OSError as exc:
            raise StateFileError(
                f"{path}: cannot cut off the torn record: {_reason(exc)}"
            ) from None
        finally:
            os.close(fd)
        return
    header = {**scan.header, "format": FORMAT}
    _replace(path, b"".join([encode({"header": header}), *map(encode, scan.entries)]))
    if scan.format != FORMAT:
        log.warning("%s: upgraded from state file format %d to %d", path, scan.format, FORMAT)


def _side_file(path: Path) -> Path:
    return path.with_name(path.name + DAMAGED_SUFFIX)


def _keep_damaged(path: Path, damage: list[Damage]) -> None:
    """Append the skipped bytes to `FILE.damaged`, each after a line saying where they were."""
    if not damage:
        return
    when = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    parts: list[bytes] = []
    for item in damage:
        parts.append(
            f"# {when} {path.name} line {item.line}, byte {item.offset}, {len(item.raw)} bytes: "
            f"{item.reason}\n".encode()
        )
        parts.append(item.raw if item.raw.endswith(b"\n") else item.raw + b"\n")
    side = _side_file(path)
    try:
        fd = os.open(side, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            view = memoryview(b"".join(parts))
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as exc:
        # Never throw damaged bytes away unseen: refuse to start instead.
        raise StateFileError(f"{side}: cannot keep the damaged records: {_reason(exc)}") from None
