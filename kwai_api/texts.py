"""Texts per locale (stories, pages, trainings): stored as written, with their HTML beside them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from kwai_api.database import Transaction
from kwai_api.markup import to_html

# table -> the column that names its owner
TEXT_TABLES = {
    "news_story_texts": "story_id",
    "page_texts": "page_id",
    "training_texts": "training_id",
}


@dataclass(frozen=True)
class TextInput:
    """One locale's text as an editor sends it."""

    locale: str
    title: str
    summary: str = ""
    content: str = ""
    format: str = "md"


def replace_texts(
    tx: Transaction,
    table: str,
    owner_id: int,
    texts: Iterable[TextInput],
    now: datetime,
    author_id: int | None = None,
) -> None:
    """Replace all texts of one owner, rendering Markdown/HTML to sanitized HTML once, here."""
    owner = TEXT_TABLES[table]
    tx.execute(f"DELETE FROM {table} WHERE {owner} = ?", [owner_id])
    tx.insert_rows(
        table,
        (
            owner,
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
        ),
        [
            (
                owner_id,
                t.locale,
                t.format,
                t.title,
                t.summary,
                t.content,
                to_html(t.summary, t.format),
                to_html(t.content, t.format),
                author_id,
                now,
                now,
            )
            for t in texts
        ],
    )
