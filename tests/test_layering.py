"""Dependencies run one way (docs/architecture.md §1): the fake imports nothing of the server or
the contracts, and the query language they share imports none of the three."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN = {
    "mock_freshservice": {"server", "contracts"},
    "server": {"mock_freshservice", "contracts"},
    # The contracts reach a server only through its command line, HTTP and MCP
    # (docs/architecture.md §1).
    "contracts": {"server"},
    # The filter query language's grammar and parser, which the fake and the server share: it
    # depends on none of them.
    "freshservice_query": {"mock_freshservice", "server", "contracts"},
}


def imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("package", sorted(p for p in FORBIDDEN if (ROOT / p).is_dir()))
def test_a_package_imports_nothing_it_must_not(package: str) -> None:
    for path in sorted((ROOT / package).rglob("*.py")):
        bad = imported_packages(path) & FORBIDDEN[package]
        assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}"
