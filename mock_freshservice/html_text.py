"""Freshservice's plain-text twin of an HTML field (`description_text` of `description`,
`body_text` of a note's `body`, …): the text of the markup, read by an HTML parser (lexbor,
through selectolax), so what a client sends - styles, scripts, comments, broken markup - never
shows up as text, and entities are decoded. Each element boundary becomes a space and runs of
white space one space, on one line (the fake's guess of the twin's shape: docs/freshservice.md)."""

from __future__ import annotations

import functools
import re

from selectolax.lexbor import LexborHTMLParser

_NOT_TEXT = "head, script, style, template, noscript"
_SPACES = re.compile(r"\s+")


@functools.lru_cache(maxsize=1024)  # generated data reuses a few bodies many times
def text_of(html: str) -> str:
    tree = LexborHTMLParser(html)
    for node in tree.css(_NOT_TEXT):
        node.decompose()
    text = tree.body.text(deep=True, separator=" ") if tree.body is not None else ""
    return _SPACES.sub(" ", text).strip()


def text_of_html(html: str | None) -> str | None:
    """`text_of`, with None for None."""
    return None if html is None else text_of(html)
