"""Fitting a result into FRESHSERVICE_MAX_RESULT_BYTES, measured as the UTF-8 JSON the client
receives, notice included.

A page drops items from its end (the fewest it must, found by bisection), so the next call can
pick up where it stopped. A record, or a page whose first item alone is too big, has its longest
texts shortened, then its longest lists trimmed, until it fits. Either way `truncated` is set and
`notice` says what was cut and how to get the rest; a result that already fits is left alone.
"""

from __future__ import annotations

from typing import Any, TypeVar

import pydantic_core
from pydantic import BaseModel

M = TypeVar("M", bound=BaseModel)

KEEP_CHARACTERS = 40  # no text is cut shorter than this
ELLIPSIS = "…"
NOTICE_ROOM = 400  # bytes kept for the notice while fitting; notices are shorter


def size_of(data: Any) -> int:
    """Bytes of the compact UTF-8 JSON, as the server writes it for the client."""
    return len(pydantic_core.to_json(data))


def within(result: BaseModel, limit: int) -> bool:
    """Whether the result's JSON is at most `limit` bytes (0: no limit): UTF-8 bytes, not
    characters, which differ as soon as a text is not ASCII."""
    return limit <= 0 or len(result.model_dump_json().encode()) <= limit


def fit_page(result: M, items_field: str, limit: int, more_hint: str) -> M:
    """Keep as many items as fit under `limit` bytes, saying how to get the others."""
    if within(result, limit):
        return result
    data = result.model_dump(mode="json")
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
    if within(result, limit):
        return result
    data = result.model_dump(mode="json")
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


Leaf = tuple[tuple[Any, ...], Any, Any]  # (path from the top, the container, the value)


def _walk(node: Any, path: tuple[Any, ...] = ()) -> list[Leaf]:
    """Every value below `node`, with its path and the container holding it."""
    if isinstance(node, dict):
        children: Any = node.items()
    elif isinstance(node, list):
        children = enumerate(node)
    else:
        return []
    found: list[Leaf] = []
    for key, value in children:
        found.append(((*path, key), node, value))
        found.extend(_walk(value, (*path, key)))
    return found


def _long_strings(data: dict[str, Any]) -> list[Leaf]:
    return [
        leaf
        for leaf in _walk(data)
        if isinstance(leaf[2], str)
        and len(leaf[2]) > KEEP_CHARACTERS + len(ELLIPSIS)
        and leaf[0][0] not in ("truncated", "notice", "_cut")
    ]


def _lists(data: dict[str, Any]) -> list[Leaf]:
    return [leaf for leaf in _walk(data) if isinstance(leaf[2], list) and leaf[2]]
