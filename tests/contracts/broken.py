"""Broken copies of our server, for showing that the contract suites catch a breakage: the
`server` package copied into a temporary folder with a source edit, run by `check` through
`--server-command` with that folder first on PYTHONPATH."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

SERVER = Path(importlib.util.find_spec("server").origin or "").parent  # type: ignore[union-attr]


def broken_server(root: Path, file: str, old: str, new: str) -> dict[str, str]:
    """Copy the server into `root` with `old` replaced by `new` in `file` (relative to the
    package); return the environment that makes `python -m server` import the copy."""
    copy = root / "server"
    shutil.copytree(SERVER, copy, ignore=shutil.ignore_patterns("__pycache__"))
    source = copy / file
    text = source.read_text()
    assert old in text, f"{file} no longer contains {old!r}: update this test's edit"
    source.write_text(text.replace(old, new))
    return {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(root), os.environ.get("PYTHONPATH", "")]),
    }


def check(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """`freshservice-harness check` as a real subprocess, our server's command made explicit.
    Run a broken copy with `cwd` its folder: `python -m` puts the working folder first."""
    command = [sys.executable, "-m", "contracts", "check", "--server-command",
               f"{sys.executable} -m server", *args]  # fmt: skip
    return subprocess.run(command, capture_output=True, text=True, timeout=600, env=env, cwd=cwd)
