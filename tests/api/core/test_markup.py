"""Markdown and HTML from editors become safe HTML."""

from __future__ import annotations

import pytest

from kwai_api.core.markup import to_html


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
