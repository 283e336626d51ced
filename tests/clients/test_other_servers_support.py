"""How the other MCP servers' Python is found: a version too old is passed over, and when none
will do, every place looked at is named (the message a machine without Python 3.13 shows)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.clients import other_servers


def _fake_pyenv(root: Path, version: str) -> Path:
    """A pyenv folder whose one `python` prints `version` as `major minor`."""
    python = root / "versions" / version / "bin" / f"python{version.rsplit('.', 1)[0]}"
    python.parent.mkdir(parents=True)
    major, minor, _ = version.split(".")
    python.write_text(f"#!/bin/sh\necho {major} {minor}\n")
    python.chmod(0o755)
    return python


def test_the_first_python_new_enough_is_chosen_from_pyenv(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fake_pyenv(tmp_path, "3.12.1")
    newer = _fake_pyenv(tmp_path, "3.99.0")
    monkeypatch.setenv("PYENV_ROOT", str(tmp_path))
    found, _ = other_servers.find_python((3, 99))
    assert found == newer


def test_no_python_new_enough_names_every_place_looked_at(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = _fake_pyenv(tmp_path, "3.12.1")
    monkeypatch.setenv("PYENV_ROOT", str(tmp_path))
    monkeypatch.setenv("PATH", str(tmp_path))  # no python3.99 on PATH either
    found, looked = other_servers.find_python((3, 99))
    assert found is None
    assert old in looked
    assert Path(sys.executable) not in looked  # the running Python is older than 3.99
