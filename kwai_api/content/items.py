"""Content an application holds, with texts per locale: news stories and pages alike.

Both kinds are rows of their own table tied to an application, with a table of texts; they are
read, created, patched and deleted the same way. Their own columns, queries and routes stay with
them and call what is the same here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from kwai_api.content.application_routes import content_application, included_applications
from kwai_api.core.database import Database, Row, Transaction
from kwai_api.core.slugs import title_slug
from kwai_api.core.texts import TEXT_TABLES, TextInput, read_texts, replace_texts
from kwai_api.jsonapi import openapi
from kwai_api.jsonapi.access import require_user
from kwai_api.jsonapi.documents import (
    ApiError,
    Attributes,
    check_type,
    document,
    parse_id,
    read_document,
)
from kwai_api.jsonapi.requests import site_changed, site_languages, utc_now
from kwai_api.jsonapi.texts import parse_texts

Resource = dict[str, Any]
Resources = tuple[list[Resource], list[Resource]]  # data and included
MakeResource = Callable[[Row, list[dict[str, Any]]], Resource]  # from a row and its texts
# save(db, id or None, document, languages, now, author id) -> id
Save = Callable[[Database, int | None, dict[str, Any], Sequence[str], datetime, int], int]
# find(db, id, languages) -> (resource, included), as the staff see it
Find = Callable[[Database, int, Sequence[str]], tuple[Resource, list[Resource]]]

# what the OpenAPI schema says of both kinds' relationship
APPLICATION_RELATIONSHIP = {"application": openapi.identifier_schema("applications")}

@dataclass(frozen=True)
class Content:
    """A kind of content an application holds, with texts per locale: news stories or pages."""

    type: str  # the JSON:API type
    table: str  # the content's rows
    texts: str  # its texts, one of texts.TEXT_TABLES
    holds: str  # the application flag that allows it: "news" or "pages"
    missing: str  # the 404 detail of an unknown id
    dates: tuple[str, ...] = ()  # its timestamp attributes, kept within settings.dates

    def resources(
        self, tx: Transaction, rows: list[Row], make: MakeResource, languages: Sequence[str]
    ) -> Resources:
        """The resources `make` builds from rows and their texts, and their applications."""
        texts = read_texts(tx, self.texts, [r["id"] for r in rows], languages)
        applications = included_applications(tx, [r["application_id"] for r in rows], languages)
        return [make(row, texts[row["id"]]) for row in rows], list(applications.values())

    def find(
        self, db: Database, query: str, params: list[Any], make: MakeResource,
        languages: Sequence[str],
    ) -> tuple[Resource, list[Resource]]:
        """The one resource a query selects and its application; 404 when it selects none."""
        with db.snapshot() as tx:
            rows = tx.fetchall(query, params)
            if not rows:
                raise ApiError(404, self.missing)
            data, included = self.resources(tx, rows, make, languages)
            return data[0], included

    def save(
        self, db: Database, content_id: int | None, doc: dict[str, Any], changes: dict[str, Any],
        languages: Sequence[str], now: datetime, author_id: int,
        check: Callable[[dict[str, Any]], None] = lambda values: None,
    ) -> int:
        """Create (content_id None) or update a row, its application and texts; returns its id.

        `changes` are the checked columns the document sets; `check` sees the row as it will be.
        """
        attributes = Attributes(doc)
        sends_texts = content_id is None or attributes.has("texts")
        texts = parse_texts(attributes, languages) if sends_texts else None

        def work(tx: Transaction) -> int:
            application = content_application(tx, doc, self.holds)
            if content_id is None:
                if application is None:
                    raise ApiError(422, "application is required",
                                   pointer="/data/relationships/application")
                check(changes)
                assert texts is not None  # a new row always has texts
                changes["slug"] = title_slug({t.locale: t.title for t in texts}, languages)
                new_id = tx.insert(
                    f"INSERT INTO {self.table} (application_id, {', '.join(changes)}, created_at)"
                    f" VALUES (?, {', '.join('?' for _ in changes)}, ?) RETURNING id",
                    [application, *changes.values(), now],
                )
                self._write_texts(tx, int(new_id), texts, now, author_id)
                return int(new_id)
            current = tx.fetchone(f"SELECT * FROM {self.table} WHERE id = ?", [content_id])
            if current is None:
                raise ApiError(404, self.missing)
            check({**current, **changes})
            if current["slug"] is None:  # a row from before slugs were kept: keep its address
                changes["slug"] = self._title_slug(tx, content_id, languages)
            if application is not None:
                changes["application_id"] = application
            assignments = ", ".join(f"{column} = ?" for column in [*changes, "updated_at"])
            tx.execute(f"UPDATE {self.table} SET {assignments} WHERE id = ?",
                       [*changes.values(), now, content_id])
            self._write_texts(tx, content_id, texts, now, author_id)
            return content_id

        return db.write(work)

    def _title_slug(self, tx: Transaction, content_id: int, languages: Sequence[str]) -> str:
        """The slug of a row's stored title, which the site's address of it is made from."""
        rows = tx.fetchall(
            f"SELECT locale, title FROM {self.texts} WHERE {TEXT_TABLES[self.texts]} = ?",
            [content_id],
        )
        return title_slug({r["locale"]: r["title"] for r in rows}, languages)

    def _write_texts(
        self, tx: Transaction, content_id: int, texts: list[TextInput] | None, now: datetime,
        author_id: int,
    ) -> None:
        if texts is not None:  # sent texts replace all texts
            replace_texts(tx, self.texts, content_id, texts, now, author_id)

    def delete(self, db: Database, content_id: int) -> None:
        """Delete a row and its texts; 404 when unknown."""

        def work(tx: Transaction) -> None:
            if tx.fetchone(f"SELECT id FROM {self.table} WHERE id = ?", [content_id]) is None:
                raise ApiError(404, self.missing)
            tx.execute(f"DELETE FROM {self.texts} WHERE {TEXT_TABLES[self.texts]} = ?",
                       [content_id])
            tx.execute(f"DELETE FROM {self.table} WHERE id = ?", [content_id])

        db.write(work)

    async def save_request(
        self, request: Request, content_id: int | None, save: Save, find: Find,
        body: dict[str, Any],
    ) -> Response:
        """Answer a POST (content_id None: 201) or PATCH (200) with the saved content.

        `body` is the request schema: what it does not declare is refused.
        """
        user = await require_user(request)
        doc = await read_document(request, body)
        check_type(doc, self.type, content_id)
        window = request.app.state.settings.dates.content_window(utc_now(request))
        attributes = Attributes(doc)
        for name in self.dates:
            attributes.when(name, window=window)
        db, languages = request.app.state.db, site_languages(request)
        saved = await run_in_threadpool(
            save, db, content_id, doc, languages, utc_now(request), user.id
        )
        site_changed(request)
        data, included = await run_in_threadpool(find, db, saved, languages)
        return document(data, included, status=201 if content_id is None else 200)

    async def delete_request(self, request: Request) -> Response:
        """Answer a DELETE of the content the path names: 204."""
        await require_user(request)
        content_id = parse_id(request.path_params["id"])
        await run_in_threadpool(self.delete, request.app.state.db, content_id)
        site_changed(request)
        return Response(status_code=204)
