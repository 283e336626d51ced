"""Replacing a file in one step: a reader, or a crash, finds the old content or the new, whole.

The new content is written to a file beside the target (same folder, so the rename cannot cross
file systems), flushed to the disk, renamed over the target, and the rename made durable too.
Used for the state file, cassettes, the scrubbing report and recorded datasets.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

# As a file made by `open` under the usual umask (mkstemp's own is 0600).
FILE_MODE = 0o644


def replace_file(path: Path, content: bytes | str) -> None:
    """Make `path` hold `content` (text as UTF-8), atomically and durably. OSError if it cannot
    be written; nothing is left beside it then."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    descriptor, staging = tempfile.mkstemp(prefix=f".{path.name}-", suffix=".tmp", dir=path.parent)
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(descriptor, view) :]
            os.fchmod(descriptor, FILE_MODE)
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        os.replace(staging, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(staging)
        raise
    _fsync_folder(path.parent)


def _fsync_folder(folder: Path) -> None:
    """Make a rename in `folder` durable: its folder entry must reach the disk too."""
    descriptor = os.open(folder, os.O_RDONLY | os.O_CLOEXEC)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
