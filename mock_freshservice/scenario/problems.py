"""How a scenario's problems are named: a field's path, its line in the file, and the
`ScenarioError` that lists each problem as `file:line: field: message`."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence

Path_ = tuple[str | int, ...]
KEY_LINE = -1  # lines[(KEY_LINE, *path)] is the line of a key; lines[path] that of its value
Problem = tuple[Path_, int | None, str]  # (field, line or None, message)


class ScenarioError(ValueError):
    """A scenario that cannot be used; `message` names file, line and field of each problem."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


_PLAIN_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


def format_path(path: Sequence[str | int]) -> str:
    """`rules[0].effect.error`; a key that is not a plain name is quoted: `expect["a[0].b"]`."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif _PLAIN_KEY.match(part):
            out += f".{part}" if out else part
        else:
            out += f"[{json.dumps(part)}]"
    return out or "(top)"


def format_problem(name: str, path: Path_, line: int | None, message: str) -> str:
    where = f"{name}:{line}" if line is not None else name
    return f"{where}: {format_path(path)}: {message}"


def line_of(lines: Mapping[Path_, int], path: Sequence[str | int]) -> int | None:
    """The line of a field's value, or of the nearest enclosing field that has one; None when
    the scenario has no lines (it came as a parsed object)."""
    if not lines:
        return None
    probe = tuple(path)
    while probe:
        if probe in lines:
            return lines[probe]
        probe = probe[:-1]
    return lines.get((), 1)


def key_line(lines: Mapping[Path_, int], path: Path_) -> int | None:
    """The line of a field's key (an unknown key is reported there, not at its value)."""
    return lines.get((KEY_LINE, *path)) or line_of(lines, path)
