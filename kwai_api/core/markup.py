"""Turn the Markdown or HTML that editors write into safe HTML, once, when the text is saved.

Python-Markdown takes quadratic time on some inputs (200 KB of "[a](" takes minutes), so a text
is bounded in size, and a long one is rendered in a child process that gets a time budget.
Texts are rendered before the write transaction opens, never while it holds the lock.
"""

from __future__ import annotations

import multiprocessing
from functools import lru_cache
from multiprocessing.connection import Connection

import markdown
import nh3

FORMATS = ("md", "html")
MAX_CHARS = 100_000  # one summary or content
INLINE_CHARS = 2_000  # below this, even the worst Markdown renders in a few milliseconds
BUDGET_SECONDS = 5.0  # what one longer text may cost to render (a long page takes ~1 s)


class MarkupError(ValueError):
    """A text too long or too costly to render; the message says which."""


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


@lru_cache(maxsize=4096)
def to_html(text: str, format: str = "md") -> str:
    """Render a text in `format` (md or html) to sanitized HTML; MarkupError when too costly.

    Remembered for the texts seen last: reads render the same descriptions on every request
    (an application's, a coach's), and rendering Markdown costs far more than the lookup.
    """
    if format not in FORMATS:
        raise ValueError(f"unknown format {format!r}; use md or html")
    if not text:
        return ""
    if len(text) > MAX_CHARS:
        raise MarkupError(f"is longer than {MAX_CHARS:,} characters")
    if format == "html":
        return sanitize(text)
    return sanitize(_markdown(text) if len(text) <= INLINE_CHARS else _markdown_apart(text))


def _markdown(text: str) -> str:
    html: str = markdown.markdown(text, extensions=["extra", "sane_lists"])
    return html


def _render_into(text: str, sender: Connection) -> None:
    sender.send(_markdown(text))
    sender.close()


def _markdown_apart(text: str) -> str:
    """Markdown rendered in a child process, stopped when it overruns BUDGET_SECONDS."""
    context = multiprocessing.get_context("forkserver")  # forking a threaded server is unsafe
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_render_into, args=(text, sender), daemon=True)
    child.start()
    sender.close()
    try:
        if receiver.poll(BUDGET_SECONDS):
            return str(receiver.recv())
    except EOFError:  # the child died
        pass
    finally:
        receiver.close()
        child.kill()
        child.join()
    raise MarkupError(f"takes more than {BUDGET_SECONDS:g} s to render; simplify the Markdown")
