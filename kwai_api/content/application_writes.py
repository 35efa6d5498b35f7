"""Creating, editing and deleting applications, with their texts in every language.

A document sends the flat `title`, `short_description` and `description` (the default language)
and/or `texts`, a list shaped like a story's: `{locale, format, title, summary, content}` where the
summary is the short description and the content the description.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from kwai_api.core.database import Database, Row, Transaction
from kwai_api.core.errors import ApiError
from kwai_api.jsonapi.documents import Attributes
from kwai_api.jsonapi.images import check_reference
from kwai_api.jsonapi.texts import parse_texts

MAX_INT = 2**31 - 1  # the INTEGER columns' range
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_TEXT_FIELDS = ("title", "short_description", "description", "format")
_FLAGS = ("news", "pages", "events")


def bounded(attributes: Attributes, name: str, minimum: int = -MAX_INT) -> int | None:
    """An integer attribute within the INTEGER column range, else 422."""
    value: int | None = attributes.get(name, int, nullable=False)
    if value is not None and not minimum <= value <= MAX_INT:
        raise ApiError(
            422,
            f"{name} should be between {minimum} and {MAX_INT}",
            pointer=attributes.pointer(name),
        )
    return value


def read_application(
    doc: dict[str, Any], languages: Sequence[str], create: bool
) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """The applications columns a document sets, and its text fields by locale; else 422."""
    attributes = Attributes(doc)
    changes: dict[str, Any] = {}
    if create or attributes.has("name"):
        changes["name"] = attributes.text("name", required=True)
        if not SLUG.match(changes["name"]):
            raise ApiError(
                422,
                "name should be a slug: lowercase letters, digits and dashes",
                pointer=attributes.pointer("name"),
            )
    if attributes.has("remark"):
        changes["remark"] = attributes.text("remark")
    for flag in _FLAGS:
        if attributes.has(flag):
            changes[flag] = attributes.get(flag, bool, nullable=False)
    if attributes.has("weight"):
        changes["weight"] = bounded(attributes, "weight")
    texts: dict[str, dict[str, Any]] = {}
    if attributes.has("texts"):
        for text in parse_texts(attributes, languages):
            texts[text.locale] = {
                "title": text.title,
                "short_description": text.summary,
                "description": text.content,
                "format": text.format,
            }
    flat: dict[str, Any] = {}
    if attributes.has("title"):
        flat["title"] = attributes.text("title", required=True)
    for name in ("short_description", "description"):
        if attributes.has(name):
            flat[name] = attributes.text(name) or ""
    if flat:
        texts[languages[0]] = {**texts.get(languages[0], {}), **flat}
    if create and not any(text.get("title") for text in texts.values()):
        raise ApiError(422, "title is required", pointer=attributes.pointer("title"))
    return changes, texts


def _write_texts(tx: Transaction, application_id: int, texts: dict[str, dict[str, Any]]) -> None:
    """Set the texts of the locales sent; a locale without a row starts from a shown one."""
    rows = {
        row["locale"]: row
        for row in tx.fetchall(
            "SELECT locale, title, short_description, description, coalesce(format, 'md') AS format"
            " FROM application_texts WHERE application_id = ? ORDER BY locale",
            [application_id],
        )
    }
    for locale, fields in texts.items():
        base = rows.get(locale) or next(iter(rows.values()), {})
        merged = {
            "short_description": "",
            "description": "",
            "format": "md",
            **{name: base[name] for name in _TEXT_FIELDS if name in base},
            **fields,
        }
        if not merged.get("title"):
            raise ApiError(
                422, f"the {locale} text needs a title", pointer="/data/attributes/title"
            )
        tx.execute(
            "DELETE FROM application_texts WHERE application_id = ? AND locale = ?",
            [application_id, locale],
        )
        tx.execute(
            "INSERT INTO application_texts (application_id, locale, title, short_description,"
            " description, format) VALUES (?, ?, ?, ?, ?, ?)",
            [application_id, locale, *(merged[name] for name in _TEXT_FIELDS)],
        )


def _check_name(tx: Transaction, name: str, application_id: int | None) -> None:
    """409 when another application has this name (the name is the section's path)."""
    if tx.fetchone(
        "SELECT id FROM applications WHERE name = ? AND id IS DISTINCT FROM ?",
        [name, application_id],
    ):
        raise ApiError(
            409, f"another application is named {name!r}", pointer="/data/attributes/name"
        )


def _record_move(tx: Transaction, application_id: int, old: str, new: str, now: datetime) -> None:
    """Remember a former name, so the site sends its old addresses to the new ones."""
    tx.execute("DELETE FROM application_moves WHERE name IN (?, ?)", [old, new])
    tx.execute(
        "INSERT INTO application_moves (name, application_id, moved_at) VALUES (?, ?, ?)",
        [old, application_id, now],
    )


def save_application(
    db: Database,
    application_id: int | None,
    changes: dict[str, Any],
    texts: dict[str, dict[str, Any]],
    now: datetime,
) -> int:
    """Create (no id) or change an application and the texts sent; returns its id, else 404."""

    def work(tx: Transaction) -> int:
        if "name" in changes:
            _check_name(tx, changes["name"], application_id)
        check_reference(tx, changes, "image_id", "image")
        if application_id is None:
            columns = [*changes, "created_at"]
            saved = int(
                tx.insert(
                    f"INSERT INTO applications ({', '.join(columns)})"
                    f" VALUES ({', '.join(['?'] * len(columns))}) RETURNING id",
                    [*changes.values(), now],
                )
            )
        else:
            current = tx.fetchone("SELECT name FROM applications WHERE id = ?", [application_id])
            if current is None:
                raise ApiError(404, "there is no such application")
            if changes.get("name", current["name"]) != current["name"]:
                _record_move(tx, application_id, current["name"], changes["name"], now)
            assignments = ", ".join(f"{column} = ?" for column in [*changes, "updated_at"])
            tx.execute(
                f"UPDATE applications SET {assignments} WHERE id = ?",
                [*changes.values(), now, application_id],
            )
            saved = application_id
        _write_texts(tx, saved, texts)
        return saved

    return db.write(work)


def delete_application(db: Database, application_id: int) -> Row:
    """Remove an application no story, page or event uses, else 409 saying how many do."""

    def work(tx: Transaction) -> Row:
        row = tx.fetchone("SELECT id, name FROM applications WHERE id = ?", [application_id])
        if row is None:
            raise ApiError(404, "there is no such application")
        used = tx.fetchone(
            "SELECT (SELECT count(*) FROM news_stories WHERE application_id = $1) AS stories,"
            " (SELECT count(*) FROM pages WHERE application_id = $1) AS pages,"
            " (SELECT count(*) FROM events WHERE application_id = $1) AS events",
            [application_id],
        )
        if used and (used["stories"] or used["pages"] or used["events"]):
            raise ApiError(
                409,
                f"{used['stories']} stories, {used['pages']} pages and {used['events']} events"
                f" use the application {row['name']!r}; move or delete them first",
            )
        tx.execute("DELETE FROM application_texts WHERE application_id = ?", [application_id])
        tx.execute("DELETE FROM applications WHERE id = ?", [application_id])
        return row

    return db.write(work)
