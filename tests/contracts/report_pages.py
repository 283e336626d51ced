"""Reading the harness's HTML reports in tests (BeautifulSoup), strictly: one match or a failure."""

from __future__ import annotations

from bs4 import Tag


def only(soup: Tag, selector: str) -> Tag:
    """The one element under `soup` that the CSS `selector` matches: none or several fail."""
    found = soup.select(selector)
    assert len(found) == 1, f"wanted one {selector!r}, found {len(found)}"
    return found[0]


def number(page: Tag, element_id: str) -> int:
    """The number shown in the one element with id `element_id`."""
    return int(only(page, f"#{element_id}").get_text().strip())
