"""The code cites documents a reader of the repository has: none outside it, and every
`docs/<name>.md §N` names a document in docs/ with a section `## N.`."""

from __future__ import annotations

import functools
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = ("server", "mock_freshservice", "contracts", "scenarios", "bench")
SUFFIXES = frozenset({".py", ".yaml", ".yml", ".json", ".toml", ".ini"})
OUTSIDE = re.compile(r"DESIGN\.md|TOOLS\.md|STYLE\.md|freshservice-api\.md|mcp-sdk\.md|facts file")
CITATION = re.compile(r"docs/([\w-]+\.md) §(\d+)")


@functools.cache
def source_lines() -> tuple[tuple[str, str], ...]:
    """(`path:line`, text) of every line of the source files in FOLDERS."""
    return tuple(
        (f"{path.relative_to(ROOT)}:{number}", line.strip())
        for folder in FOLDERS
        for path in sorted((ROOT / folder).rglob("*"))
        if path.suffix in SUFFIXES and path.is_file() and "__pycache__" not in path.parts
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
    )


def sections(name: str) -> set[str]:
    """The numbers N of the `## N.` headings of docs/<name> (none if it does not exist)."""
    document = ROOT / "docs" / name
    text = document.read_text(encoding="utf-8") if document.is_file() else ""
    return set(re.findall(r"^## (\d+)\. ", text, re.M))


def test_no_source_file_cites_a_document_outside_the_repository() -> None:
    found = [f"{where}: {text}" for where, text in source_lines() if OUTSIDE.search(text)]
    assert not found, "\n".join(found)


def test_every_cited_section_of_docs_exists() -> None:
    cited = [
        (where, name, number)
        for where, text in source_lines()
        for name, number in CITATION.findall(text)
    ]
    assert cited, "no `docs/<name>.md §N` citation found: has the pattern changed?"
    broken = [
        f"{where}: docs/{name} §{number}"
        for where, name, number in cited
        if number not in sections(name)
    ]
    assert not broken, "\n".join(broken)
