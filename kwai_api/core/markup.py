"""Turn the Markdown or HTML that editors write into safe HTML, once, when the text is saved."""

from __future__ import annotations

import markdown
import nh3

FORMATS = ("md", "html")

_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "dd",
    "del",
    "div",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "ins",
    "kbd",
    "li",
    "mark",
    "ol",
    "p",
    "pre",
    "q",
    "s",
    "small",
    "span",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "u",
    "ul",
}
_ATTRIBUTES = {
    "a": {"href", "title"},
    # srcset and sizes: an embedded upload offers its published sizes (`loading` is added below)
    "img": {"src", "alt", "title", "width", "height", "srcset", "sizes", "decoding"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "abbr": {"title"},
}
_SCHEMES = {"http", "https", "mailto", "tel", "image"}  # image:ID embeds an upload


def sanitize(html: str) -> str:
    """Keep only harmless tags, attributes and link schemes (no scripts, no `javascript:`)."""
    cleaned = nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes=_SCHEMES,
        link_rel="noopener noreferrer",
    )
    return cleaned.replace("<img ", '<img loading="lazy" ')


def to_html(text: str, format: str = "md") -> str:
    """Render a text in `format` (md or html) to sanitized HTML."""
    if format not in FORMATS:
        raise ValueError(f"unknown format {format!r}; use md or html")
    if not text:
        return ""
    source = markdown.markdown(text, extensions=["extra", "sane_lists"]) if format == "md" else text
    return sanitize(source)
