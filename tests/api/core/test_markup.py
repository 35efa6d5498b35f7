"""Markdown and HTML from editors become safe HTML."""

from __future__ import annotations

import pytest

from kwai_api.core.markup import INLINE_CHARS, MAX_CHARS, MarkupError, to_html


def test_markdown_is_rendered() -> None:
    html = to_html("Hello **judoka**\n\n- one\n- two")
    assert "<strong>judoka</strong>" in html
    assert "<li>one</li>" in html


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_scripts_handlers_and_javascript_links_are_neutralised(fmt: str) -> None:
    text = (
        '<script>alert(1)</script><a href="javascript:alert(2)">x</a>'
        '<img src="/a.png" onerror="alert(3)"><p onclick="alert(4)">p</p>'
    )
    if fmt == "md":
        text += "\n\n[y](javascript:alert(5))"
    html = to_html(text, fmt)
    for bad in ("<script", "javascript:", "onerror", "onclick"):
        assert bad not in html
    assert 'loading="lazy"' in html


def test_unknown_format() -> None:
    with pytest.raises(ValueError, match="format"):
        to_html("x", "rtf")


def test_quadratic_markdown_is_refused_within_its_budget() -> None:
    with pytest.raises(MarkupError, match="to render"):
        to_html("[a](" * 20_000)  # minutes of Python-Markdown without the budget


def test_a_long_text_renders_apart_and_a_huge_one_is_refused() -> None:
    long = "Een *lange* tekst. " * 500  # above INLINE_CHARS: rendered in a child process
    assert len(long) > INLINE_CHARS
    assert to_html(long).count("<em>lange</em>") == 500
    with pytest.raises(MarkupError, match="longer than"):
        to_html("a" * (MAX_CHARS + 1))
