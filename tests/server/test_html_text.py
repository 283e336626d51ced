"""HTML made plain text for results (server.tools.common.text_of): what an LLM reads."""

from __future__ import annotations

import pytest

from server.tools.common import text_of


def test_paragraphs_and_line_breaks_become_lines() -> None:
    assert text_of("<p>Hello <b>there</b></p><p>one<br>two</p>") == "Hello there\none\ntwo"


def test_entities_are_decoded() -> None:
    assert text_of("<p>Tom &amp; Jerry &lt;3&nbsp;it</p>") == "Tom & Jerry <3 it"


def test_styles_scripts_and_comments_are_not_text() -> None:
    markup = "<style>p {color: red}</style><!-- a > b --><p>Printer jam</p><script>x()</script>"
    assert text_of(markup) == "Printer jam"


def test_table_cells_stay_apart() -> None:
    assert text_of("<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>") == "a b\nc"


def test_blank_lines_and_runs_of_spaces_are_squeezed() -> None:
    assert text_of("<div>a   b</div>\n\n\n<div>  c  </div>") == "a b\nc"


@pytest.mark.parametrize(
    "markup", ["<p>unclosed <b>bold", "</div></p>text<", "<<<>>>", "<a href='>"]
)
def test_markup_that_is_not_well_formed_gives_text_not_an_error(markup: str) -> None:
    assert isinstance(text_of(markup), str)


def test_plain_text_passes_through() -> None:
    assert text_of("plain a < b text") == "plain a < b text"


def test_a_limit_cuts_with_an_ellipsis() -> None:
    assert text_of("<p>" + "word " * 100 + "</p>", 20) == "word word word word…"


def test_none_stays_none() -> None:
    assert text_of(None) is None
