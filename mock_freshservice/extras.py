"""Whether an extra of the installed distribution is installed, read from its own metadata (the
`[project.optional-dependencies]` of pyproject.toml), so a command started without its extra says
which `pip install` it needs instead of failing on an import. Standard library only: this runs
before anything the extra brings is imported."""

from __future__ import annotations

import importlib.metadata
import re
import sys

DISTRIBUTION = "freshservice-harness"
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_EXTRA = re.compile(r"""extra\s*==\s*["']([^"']+)["']""")
_INCLUDED_EXTRAS = re.compile(r"\[([^\]]+)\]")


def _requirements(extra: str) -> list[str]:
    """The requirement names the extra adds, with those of the extras it includes."""
    try:
        declared = importlib.metadata.requires(DISTRIBUTION) or []
    except importlib.metadata.PackageNotFoundError:  # run from a source tree, not installed
        return []
    names: list[str] = []
    for requirement in declared:
        wanted = _EXTRA.search(requirement)
        name = _NAME.match(requirement)
        if wanted is None or wanted[1] != extra or name is None:
            continue
        if name[0] == DISTRIBUTION:  # `freshservice-harness[fake]`: an extra in this one
            included = _INCLUDED_EXTRAS.search(requirement)
            for other in included[1].split(",") if included else ():
                names += _requirements(other.strip())
        else:
            names.append(name[0])
    return names


def missing(extra: str) -> list[str]:
    """The distributions of `extra` that are not installed."""
    absent: list[str] = []
    for name in dict.fromkeys(_requirements(extra)):
        try:
            importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            absent.append(name)
    return absent


def require(extra: str, command: str) -> None:
    """Exit with status 2 and the `pip install` to run if `extra` is not installed."""
    absent = missing(extra)
    if absent:
        print(
            f"{command}: needs the {extra!r} extra, which is not installed (missing: "
            f"{', '.join(absent)}). Install it: pip install '{DISTRIBUTION}[{extra}]'",
            file=sys.stderr,
        )
        raise SystemExit(2)
