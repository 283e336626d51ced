"""Files replaced in one step (`mock_freshservice/atomic_file.py`): the state file, cassettes,
the scrubbing report and recorded datasets."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from mock_freshservice.atomic_file import replace_file


def test_the_file_holds_the_new_content_and_nothing_is_left_beside_it(tmp_path: Path) -> None:
    target = tmp_path / "cassette.yaml"
    target.write_text("old")
    replace_file(target, "new ✓")
    assert target.read_text(encoding="utf-8") == "new ✓"
    assert [p.name for p in tmp_path.iterdir()] == ["cassette.yaml"]


def test_the_file_is_readable_by_others_as_a_file_made_by_open_would_be(tmp_path: Path) -> None:
    target = tmp_path / "tenant.yaml"
    replace_file(target, b"accounts: []\n")
    assert stat.S_IMODE(target.stat().st_mode) == 0o644


def test_a_rename_that_fails_removes_the_staged_file(tmp_path: Path) -> None:
    target = tmp_path / "a-folder"
    target.mkdir()
    (target / "inside").write_text("x")  # a folder that is not empty cannot be replaced
    with pytest.raises(IsADirectoryError):
        replace_file(target, "new")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-folder"]
