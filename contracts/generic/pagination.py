"""The pagination suite: a list tool that takes a page argument returns other items for page 2.

A tool takes pages when it has an integer argument `page` (or `page_number`/`pageNumber`); a
page-size argument, if any (`per_page`, `page_size`, `limit`), is set to 2 so that page 2 of a
list of more than two records cannot be empty. The finding: page 2's result is page 1's."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from contracts.generic.arguments import properties_of, words
from contracts.generic.findings import Call, Finding, Row

PAGE_WORDS = (["page"], ["page", "number"], ["page", "no"])
SIZE_WORDS = (["per", "page"], ["page", "size"], ["limit"], ["size"])
DIFFERENT = "page 2 of a list returns other items than page 1"


def page_arguments(input_schema: Mapping[str, Any]) -> tuple[str | None, str | None]:
    props, _ = properties_of(input_schema)
    page = next((name for name in props if words(name) in PAGE_WORDS), None)
    size = next((name for name in props if words(name) in SIZE_WORDS), None)
    return page, size


def pagination_row(first: Call, second: Call) -> Row:
    row = Row("pagination", "pagination.page-2", first.tool)
    if first.is_error is not False or second.is_error is not False:
        row.ran = False
        row.note = (
            "page 1 or page 2 did not come back as a result: "
            + (first.text if first.is_error is not False else second.text)[:200]
        )
        return row
    if first.text.strip() and first.text == second.text:
        sent = [str(r) for r in second.api_requests]
        row.findings.append(
            Finding(
                DIFFERENT,
                "page 2 came back the same as page 1"
                + (f"; page 2 sent {', '.join(sent)}" if sent else "; page 2 sent no request"),
                second,
            )
        )
    return row
