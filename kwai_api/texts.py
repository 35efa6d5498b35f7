"""Texts per locale (stories, pages, trainings): stored as written, with their HTML beside them.

News items, pages and trainings read the texts a client sends alike (parse_texts).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from starlette.requests import Request

from kwai_api import openapi
from kwai_api.database import Database, Transaction
from kwai_api.jsonapi import ApiError, Attributes
from kwai_api.markup import FORMATS, to_html

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
            to_html(t.summary, t.format),
            to_html(t.content, t.format),
            author_id,
            now,
            now,
        )
        for t in texts
    ]


def site_languages(request: Request) -> tuple[str, ...]:
    """The club's locales, its default first: the order texts are read and shown in."""
    return request.app.state.settings.site.languages


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


def parse_texts(
    attributes: Attributes, languages: Sequence[str], name: str = "texts"
) -> list[TextInput]:
    """The texts attribute `name`: at least one, one per known locale, each with a title; else 422.

    News items and pages send `texts`; trainings send the same objects as `contents`.
    """
    base = attributes.pointer(name)
    items = attributes.get(name, list, required=True)
    texts: list[TextInput] = []
    for n, item in enumerate(items):
        if not isinstance(item, dict):
            raise ApiError(422, "each text should be an object", pointer=f"{base}/{n}")
        text = Attributes({"attributes": item}, base=f"{base}/{n}")
        locale = text.text("locale", required=True) or ""
        if locale not in languages:
            raise ApiError(
                422,
                f"locale should be one of {', '.join(languages)}",
                pointer=text.pointer("locale"),
            )
        if any(t.locale == locale for t in texts):
            raise ApiError(
                422, f"there is more than one {locale} text", pointer=text.pointer("locale")
            )
        text_format = text.text("format") or "md"
        if text_format not in FORMATS:
            raise ApiError(
                422, f"format should be one of {', '.join(FORMATS)}", pointer=text.pointer("format")
            )
        # clients of the old API send the source as original_* (summary was the rendered HTML)
        summary, content = (
            text.text(f"original_{part}") if text.has(f"original_{part}") else text.text(part)
            for part in ("summary", "content")
        )
        texts.append(
            TextInput(
                locale,
                text.text("title", required=True) or "",
                summary or "",
                content or "",
                text_format,
            )
        )
    if not texts:
        raise ApiError(422, "at least one text with a title is required", pointer=base)
    return texts


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


# the texts attribute that parse_texts reads
TEXTS_SCHEMA: dict[str, Any] = {
    "type": "array",
    "items": openapi.obj(
        {
            "locale": openapi.string(),
            "format": openapi.string(enum=list(FORMATS)),
            "title": openapi.string(minLength=1),
            "summary": openapi.string(),
            "content": openapi.string(),
        },
        ("locale", "title"),
    ),
}
