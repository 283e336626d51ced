"""Fitting a result into FRESHSERVICE_MAX_RESULT_BYTES, measured as the UTF-8 JSON the client
receives, notice included.

A page drops items from its end (the fewest it must, found by bisection), so the next call can
pick up where it stopped. A record, or a page whose first item alone is too big, has its longest
texts shortened, then its longest lists trimmed, until it fits. Either way `truncated` is set and
`notice` says what was cut and how to get the rest; a result that already fits is left alone.
"""

from __future__ import annotations

import json
from typing import Any, TypeVar

from pydantic import BaseModel

M = TypeVar("M", bound=BaseModel)

KEEP_CHARACTERS = 40  # no text is cut shorter than this
ELLIPSIS = "…"
NOTICE_ROOM = 400  # bytes kept for the notice while fitting; notices are shorter


def size_of(data: Any) -> int:
    """Bytes of the compact UTF-8 JSON, as pydantic writes it for the client."""
    return len(json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode())


def fit_page(result: M, items_field: str, limit: int, more_hint: str) -> M:
    """Keep as many items as fit under `limit` bytes, saying how to get the others."""
    data = result.model_dump(mode="json")
    if limit <= 0 or size_of(data) <= limit:
        return result
    items: list[Any] = data[items_field]
    total = len(items)

    def fits(count: int) -> bool:
        return size_of({**data, items_field: items[:count], "notice": "x" * NOTICE_ROOM}) <= limit

    kept, too_many = 0, total  # bisect: `kept` fits, `too_many` does not
    while too_many - kept > 1:
        middle = (kept + too_many) // 2
        kept, too_many = (middle, too_many) if fits(middle) else (kept, middle)
    shortened = ""
    if kept == 0:  # even one item is too big: keep it, with its texts shortened
        data = _shortened({**data, items_field: items[:1]}, limit)
        data.pop("_cut")
        kept, shortened = 1, " (its longest texts shortened)"
    data[items_field] = data[items_field][:kept]
    data["truncated"] = True
    data["notice"] = (
        f"Cut to {kept} of {total} items{shortened} to stay under {limit} bytes; {more_hint}"
    )[:NOTICE_ROOM]
    return type(result).model_validate(data)


def fit_record(result: M, limit: int, how_to_see_more: str) -> M:
    """Shorten the longest texts (then lists) until the record fits under `limit` bytes."""
    data = result.model_dump(mode="json")
    if limit <= 0 or size_of(data) <= limit:
        return result
    data = _shortened(data, limit)
    cut = ", ".join(sorted(data.pop("_cut")))
    data["truncated"] = True
    data["notice"] = f"Shortened {cut} to stay under {limit} bytes; {how_to_see_more}"[:NOTICE_ROOM]
    return type(result).model_validate(data)


def _shortened(data: dict[str, Any], limit: int) -> dict[str, Any]:
    """`data` with its longest strings cut, then its longest lists trimmed, until it fits with
    room for a notice. The top-level fields it touched are listed under `_cut`."""
    budget = limit - NOTICE_ROOM
    cut: set[str] = set(data.pop("_cut", ()))
    while (excess := size_of(data) - budget) > 0:
        leaves = sorted(_long_strings(data), key=lambda leaf: len(leaf[2]), reverse=True)
        if leaves:
            path, holder, text = leaves[0]
            keep = max(KEEP_CHARACTERS, len(text) - excess - len(ELLIPSIS))
            holder[path[-1]] = text[:keep] + ELLIPSIS
            cut.add(str(path[0]))
            continue
        lists = sorted(_lists(data), key=lambda found: size_of(found[2]), reverse=True)
        if not lists or not lists[0][2]:
            break  # nothing left to cut: the fields alone exceed the limit
        path, _, items = lists[0]
        items.pop()
        cut.add(str(path[0]))
    data["_cut"] = cut
    return data


def _children(node: Any) -> Any:
    if isinstance(node, dict):
        return node.items()
    return enumerate(node) if isinstance(node, list) else ()


def _long_strings(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[tuple[Any, ...], Any, str]]:
    found: list[tuple[tuple[Any, ...], Any, str]] = []
    children = (
        node.items()
        if isinstance(node, dict)
        else enumerate(node)
        if isinstance(node, list)
        else ()
    )
    for key, value in children:
        if key in ("truncated", "notice", "_cut") and not path:
            continue
        if isinstance(value, str) and len(value) > KEEP_CHARACTERS + len(ELLIPSIS):
            found.append(((*path, key), node, value))
        elif isinstance(value, dict | list):
            found.extend(_long_strings(value, (*path, key)))
    return found


def _lists(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[tuple[Any, ...], Any, list[Any]]]:
    found: list[tuple[tuple[Any, ...], Any, list[Any]]] = []
    children = (
        node.items()
        if isinstance(node, dict)
        else enumerate(node)
        if isinstance(node, list)
        else ()
    )
    for key, value in children:
        if isinstance(value, list):
            if value:
                found.append(((*path, key), node, value))
            found.extend(_lists(value, (*path, key)))
        elif isinstance(value, dict):
            found.extend(_lists(value, (*path, key)))
    return found
