"""Hostile inputs shared by the unit tests and the attack suites (tests/reliability)."""

from __future__ import annotations

import itertools
import string


def alias_bomb(levels: int = 9, width: int = 10) -> str:
    """A "billion laughs" scenario: `levels` lists of `width` aliases of the list before, so the
    last stands for width**levels strings (a billion by default) in under 500 bytes."""
    names = string.ascii_lowercase[: levels + 1]
    lines = ["description: d", "bomb:", f'- &{names[0]} ["lol"]']
    lines += [
        f"- &{name} [{','.join([f'*{before}'] * width)}]"
        for before, name in itertools.pairwise(names)
    ]
    return "\n".join(lines) + "\n"


def backtracking_rule(pattern: str = "^(a+)+$") -> str:
    """A scenario whose rule tests a query value against a regex that backtracks exponentially
    in Python's `re` on `aaaa…!`."""
    return (
        "description: d\nrules:\n  - id: slow\n"
        f"    match: {{query: {{q: {{regex: '{pattern}'}}}}}}\n"
        "    effect: {error: server_error}\n"
    )
