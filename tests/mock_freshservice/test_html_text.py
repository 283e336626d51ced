"""The fake's plain-text twin of an HTML field (mock_freshservice.html_text)."""

from __future__ import annotations

from mock_freshservice.html_text import text_of, text_of_html


def test_the_twin_is_the_text_on_one_line() -> None:
    assert text_of("<p>Printer <b>jammed</b></p><ul><li>tray 1</li><li>tray 2</li></ul>") == (
        "Printer jammed tray 1 tray 2"
    )


def test_entities_are_decoded() -> None:
    assert text_of("<p>R&amp;D &lt;lab&gt;</p>") == "R&D <lab>"


def test_styles_scripts_and_comments_are_not_text() -> None:
    assert text_of("<style>p {}</style><!-- x > y --><p>Hi</p><script>f()</script>") == "Hi"


def test_broken_markup_still_gives_its_text() -> None:
    assert text_of("<p>unclosed <b>bold") == "unclosed bold"


def test_none_stays_none() -> None:
    assert text_of_html(None) is None
