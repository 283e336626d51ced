"""Typo hints: the known name a misspelt one was likely meant to be, by edit distance (rapidfuzz's
optimal string alignment: insertions, deletions, substitutions and swaps of two neighbouring
letters, so `nht` is one edit from `nth` and `lenght` one from `length`). The harness's own
checks (contracts/scenario_checks.py) use the same rule."""

from __future__ import annotations

from collections.abc import Iterable

from rapidfuzz.distance import OSA

# Two edits catch a slip or two in any name without taking a real name for another: `error` is
# three from `is_error` and `parent` three from `present`, so those stay literal values.
WITHIN = 2


def near(word: str, known: Iterable[str], within: int = WITHIN) -> str | None:
    """The known name `word` is a likely misspelling of (case ignored), if any."""
    lowered = word.lower()
    scored = sorted((OSA.distance(lowered, name.lower()), name) for name in known)
    return scored[0][1] if scored and scored[0][0] <= within else None


def unknown_key(key: str, known: Iterable[str]) -> str:
    """`unknown key 'nht' (did you mean 'nth'?)`, or the keys known there when none is near."""
    names = list(known)
    found = near(key, names) if names else None
    hint = f"did you mean {found!r}?" if found is not None else f"known: {', '.join(names)}"
    return f"unknown key {key!r} ({hint})"
