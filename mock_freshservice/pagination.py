"""`page`/`per_page` and the `Link: <…>; rel="next"` header (docs/freshservice.md §5).

The next-page URL repeats the request's own query string, in its original order and encoding,
with `page` replaced (or appended) — as the Freshworks framework builds it — on the scheme and
host the client called (proxy.py), so a client following it stays on the fake.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Sequence
from typing import TypeVar

from flask import request

from mock_freshservice.errors import FieldError
from mock_freshservice.proxy import public_base
from mock_freshservice.validation import MAX_PER_PAGE, positive_query_int

T = TypeVar("T")

DEFAULT_PER_PAGE = 30


@dataclasses.dataclass(frozen=True, slots=True)
class Page:
    page: int
    per_page: int

    @property
    def start(self) -> int:
        return (self.page - 1) * self.per_page

    def slice(self, items: Sequence[T]) -> tuple[Sequence[T], bool]:
        """This page's items and whether another page follows."""
        chunk = items[self.start : self.start + self.per_page]
        return chunk, len(items) > self.start + self.per_page


def parse_page(
    errors: list[FieldError], *, fixed_per_page: int | None = None, max_page: int | None = None
) -> Page:
    """Read `page` and `per_page` from the query, adding any problem to `errors`."""
    page = 1
    per_page = fixed_per_page or DEFAULT_PER_PAGE
    raw_page = request.args.get("page")
    if raw_page is not None:
        value, problem = positive_query_int("page", raw_page, max_page)
        if problem:
            errors.append(problem)
        elif value is not None:
            page = value
    raw_per_page = request.args.get("per_page")
    if raw_per_page is not None and fixed_per_page is None:
        value, problem = positive_query_int("per_page", raw_per_page, MAX_PER_PAGE)
        if problem:
            errors.append(problem)
        elif value is not None:
            per_page = value
    return Page(page, per_page)


def next_link(page: Page) -> str:
    """The Link header value pointing at the page after `page`."""
    base, path, query_string = public_base(), request.path, request.query_string
    if len(path) + len(query_string) > CACHED_LINK_CHARACTERS:
        return _link(base, path, query_string, page.page + 1)
    return _cached_link(base, path, query_string, page.page + 1)


def _link(base: str, path: str, query_string: bytes, next_page: int) -> str:
    parts = [p for p in query_string.decode("latin-1").split("&") if p]
    replaced = False
    for i, part in enumerate(parts):
        if part.split("=", 1)[0] == "page":
            parts[i] = f"page={next_page}"
            replaced = True
    if not replaced:
        parts.append(f"page={next_page}")
    return f'<{base}{path}?{"&".join(parts)}>; rel="next"'


# A paging client asks for the same few links again and again; long URLs are not kept, so the
# cache stays small whatever clients send (at most 1,024 links of about 1 KB).
CACHED_LINK_CHARACTERS = 1024
_cached_link = functools.lru_cache(maxsize=1024)(_link)
