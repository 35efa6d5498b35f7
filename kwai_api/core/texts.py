"""Texts per locale (stories, pages, trainings, events): stored as written, HTML beside them."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from kwai_api.core.database import Database, Transaction
from kwai_api.core.markup import to_html

# characters XML 1.0 (feeds, sitemaps) cannot hold; tab, newline and carriage return can
UNPUBLISHABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def unpublishable(name: str, value: str) -> str | None:
    """Why `value` (the field `name`) cannot be published, or None when it can."""
    found = UNPUBLISHABLE.search(value)
    if found is None:
        return None
    return (
        f"{name} holds the control character U+{ord(found.group()):04X},"
        " which a web page cannot show"
    )


def publishable(text: str) -> str:
    """The text without the characters a page or feed cannot hold (rows from before the check)."""
    return UNPUBLISHABLE.sub("", text)


# table -> the column that names its owner
TEXT_TABLES = {
    "news_story_texts": "story_id",
    "page_texts": "page_id",
    "training_texts": "training_id",
    "event_texts": "event_id",
}


@dataclass(frozen=True)
class TextInput:
    """One locale's text as an editor sends it."""

    locale: str
    title: str
    summary: str = ""
    content: str = ""
    format: str = "md"
    # the rendered summary and content; rendered by `rendered` before a write, else in text_rows
    html: tuple[str, str] | None = None


def rendered(text: TextInput) -> TextInput:
    """The text with its HTML; render before the write transaction (MarkupError when costly)."""
    return replace(text, html=html_of(text))


def html_of(text: TextInput) -> tuple[str, str]:
    """The rendered summary and content of a text."""
    if text.html is not None:
        return text.html
    return to_html(text.summary, text.format), to_html(text.content, text.format)


# The columns of every text table after its owner column.
TEXT_COLUMNS = (
    "locale",
    "format",
    "title",
    "summary",
    "content",
    "html_summary",
    "html_content",
    "author_id",
    "created_at",
    "updated_at",
)


def text_rows(
    owner_id: int, texts: Iterable[TextInput], now: datetime, author_id: int | None = None
) -> list[tuple[Any, ...]]:
    """Rows for a text table (owner, then TEXT_COLUMNS), with the HTML rendered once, here."""
    return [
        (
            owner_id,
            t.locale,
            t.format,
            t.title,
            t.summary,
            t.content,
            *html_of(t),
            author_id,
            now,
            now,
        )
        for t in texts
    ]


def insert_texts(
    tx: Transaction,
    table: str,
    owner_ids: Iterable[int],
    texts: Sequence[TextInput],
    now: datetime,
    author_id: int | None = None,
) -> None:
    """Add the same texts to each of the owners, in one statement."""
    rows = [row for owner_id in owner_ids for row in text_rows(owner_id, texts, now, author_id)]
    tx.insert_rows(table, (TEXT_TABLES[table], *TEXT_COLUMNS), rows)


def replace_texts(
    tx: Transaction,
    table: str,
    owner_id: int,
    texts: Sequence[TextInput],
    now: datetime,
    author_id: int | None = None,
) -> None:
    """Replace all texts of one owner."""
    tx.execute(f"DELETE FROM {table} WHERE {TEXT_TABLES[table]} = ?", [owner_id])
    insert_texts(tx, table, [owner_id], texts, now, author_id)


def read_texts(
    reader: Database | Transaction, table: str, ids: Sequence[int], languages: Sequence[str]
) -> dict[int, list[dict[str, Any]]]:
    """The texts of the given owners, in the club's language order, as the API shows them."""
    owner = TEXT_TABLES[table]
    found: dict[int, list[dict[str, Any]]] = {owner_id: [] for owner_id in ids}
    rows = reader.fetchall(
        f"SELECT {owner} AS owner, locale, format, title, summary, content, html_summary,"
        f" html_content FROM {table} WHERE list_contains(?, {owner}) ORDER BY locale",
        [list(found)],
    )
    rank = {locale: n for n, locale in enumerate(languages)}
    for row in sorted(rows, key=lambda r: rank.get(r["locale"], len(rank))):
        found[row.pop("owner")].append(row)
    return found
