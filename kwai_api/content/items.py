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
from starlette.responses import HTMLResponse, Response

from kwai_api.content.application_routes import content_application, included_applications
from kwai_api.core.database import Database, Row, Transaction
from kwai_api.core.markup import to_html
from kwai_api.core.settings import Settings
from kwai_api.core.slugs import address_slug, slugify, title_slug
from kwai_api.core.texts import TEXT_TABLES, TextInput, read_texts, replace_texts
from kwai_api.core.visibility import shown_locale
from kwai_api.jsonapi import openapi
from kwai_api.jsonapi.access import require_user
from kwai_api.jsonapi.documents import (
    MISSING,
    ApiError,
    Attributes,
    check_type,
    document,
    parse_id,
    read_document,
    reference_id,
)
from kwai_api.jsonapi.images import (
    IMAGE_RELATIONSHIP,
    check_embeds,
    check_reference,
    image_relationship,
)
from kwai_api.jsonapi.requests import site_changed, site_languages
from kwai_api.jsonapi.state import app_state
from kwai_api.jsonapi.texts import parse_texts

Resource = dict[str, Any]
Resources = tuple[list[Resource], list[Resource]]  # data and included
MakeResource = Callable[[Row, list[dict[str, Any]]], Resource]  # from a row and its texts
# save(db, id or None, document, languages, now, author id) -> id
Save = Callable[[Database, int | None, dict[str, Any], Sequence[str], datetime, int], int]
# find(db, id, languages) -> (resource, included), as the staff see it
Find = Callable[[Database, int, Sequence[str]], tuple[Resource, list[Resource]]]

# what the OpenAPI schema says of both kinds' relationships
CONTENT_RELATIONSHIPS = {
    "application": openapi.identifier_schema("applications"),
    "image": IMAGE_RELATIONSHIP,
}


def lead_image(doc: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """The changes with the lead image (relationship `image`) when the document sends one."""
    image = image_relationship(doc, "image")
    return changes if image is MISSING else {**changes, "image_id": image}


@dataclass(frozen=True)
class Draft:
    """A story or page as it would be after a create or patch: its id (None when new), its
    columns, its application's name and its texts, rendered as on save (locale, title, HTML
    summary, HTML content)."""

    id: int | None
    values: dict[str, Any]
    application: str
    texts: tuple[tuple[str, str, str, str], ...]


# render(settings, db, draft, language, now) -> the HTML of the page the site would publish
Render = Callable[[Settings, Database, Draft, str, datetime], str]


@dataclass(frozen=True)
class Content:
    """A kind of content an application holds, with texts per locale: news stories or pages."""

    type: str  # the JSON:API type
    table: str  # the content's rows
    texts: str  # its texts, one of texts.TEXT_TABLES
    holds: str  # the application flag that allows it: "news" or "pages"
    missing: str  # the 404 detail of an unknown id
    dates: tuple[str, ...] = ()  # its timestamp attributes, kept within settings.dates
    slugs: bool = True  # its rows keep the slug of their address (events have none of their own)

    def resources(
        self, tx: Transaction, rows: list[Row], make: MakeResource, languages: Sequence[str]
    ) -> Resources:
        """The resources `make` builds from rows and their texts, and their applications."""
        texts = read_texts(tx, self.texts, [r["id"] for r in rows], languages)
        applications = included_applications(tx, [r["application_id"] for r in rows], languages)
        return [make(row, texts[row["id"]]) for row in rows], list(applications.values())

    def find(
        self,
        db: Database,
        query: str,
        params: list[Any],
        make: MakeResource,
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
        self,
        db: Database,
        content_id: int | None,
        doc: dict[str, Any],
        changes: dict[str, Any],
        languages: Sequence[str],
        now: datetime,
        author_id: int,
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
            check_reference(tx, changes, "image_id", "image")
            if texts is not None:
                check_embeds(tx, texts)
            if content_id is None:
                if application is None:
                    raise ApiError(
                        422, "application is required", pointer="/data/relationships/application"
                    )
                check(changes)
                assert texts is not None  # a new row always has texts
                if self.slugs:
                    changes["slug"] = title_slug({t.locale: t.title for t in texts}, languages)
                new_id = tx.insert(
                    f"INSERT INTO {self.table} (application_id, {', '.join(changes)}, created_at)"
                    f" VALUES (?, {', '.join('?' for _ in changes)}, ?) RETURNING id",
                    [application, *changes.values(), now],
                )
                self._write_texts(tx, int(new_id), texts, now, author_id, languages)
                return int(new_id)
            current = tx.fetchone(f"SELECT * FROM {self.table} WHERE id = ?", [content_id])
            if current is None:
                raise ApiError(404, self.missing)
            check({**current, **changes})
            if self.slugs and current["slug"] is None:  # from before slugs: keep its address
                changes["slug"] = self._title_slug(tx, content_id, languages)
            if application is not None:
                changes["application_id"] = application
            kept = current.get("slug")
            assignments = ", ".join(f"{column} = ?" for column in [*changes, "updated_at"])
            tx.execute(
                f"UPDATE {self.table} SET {assignments} WHERE id = ?",
                [*changes.values(), now, content_id],
            )
            self._write_texts(tx, content_id, texts, now, author_id, languages, kept)
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
        self,
        tx: Transaction,
        content_id: int,
        texts: list[TextInput] | None,
        now: datetime,
        author_id: int,
        languages: Sequence[str],
        kept: str | None = None,
    ) -> None:
        if texts is None:
            return
        slugs, added = self._text_slugs(tx, content_id, texts, languages, kept)
        replace_texts(tx, self.texts, content_id, texts, now, author_id)  # sent texts replace all
        owner = TEXT_TABLES[self.texts]
        if added:  # a language that showed another's text (at its slug) gets its own address
            tx.execute(f"UPDATE {self.table} SET shared_slug = true WHERE id = ?", [content_id])
        for locale, slug in slugs.items():
            tx.execute(
                f"UPDATE {self.texts} SET slug = ? WHERE {owner} = ? AND locale = ?",
                [slug, content_id, locale],
            )

    def _text_slugs(
        self,
        tx: Transaction,
        content_id: int,
        texts: list[TextInput],
        languages: Sequence[str],
        kept: str | None,
    ) -> tuple[dict[str, str], bool]:
        """The slug each sent text's address keeps, and whether a language was added to stored
        texts: a text that was there keeps the slug of the address it had (`kept` is the row's
        slug before the save), and so does the default language's first text (its address
        showed another language's text); another new one is made from its title."""
        rows = tx.fetchall(
            f"SELECT locale, title, slug FROM {self.texts} WHERE {TEXT_TABLES[self.texts]} = ?",
            [content_id],
        )
        titles = {r["locale"]: r["title"] for r in rows}
        stored = {r["locale"]: r["slug"] for r in rows}
        shown = shown_locale(titles, languages)

        def slug(text: TextInput) -> str:
            locale = text.locale if text.locale in titles else shown
            if locale is None or (locale != text.locale and text.locale != languages[0]):
                return slugify(text.title)
            return address_slug(locale, titles[locale], stored[locale], kept, titles, languages)

        slugs = {t.locale: slug(t) for t in texts}
        return slugs, bool(titles) and not slugs.keys() <= titles.keys()

    def delete(self, db: Database, content_id: int) -> None:
        """Delete a row and its texts; 404 when unknown."""

        def work(tx: Transaction) -> None:
            if tx.fetchone(f"SELECT id FROM {self.table} WHERE id = ?", [content_id]) is None:
                raise ApiError(404, self.missing)
            tx.execute(
                f"DELETE FROM {self.texts} WHERE {TEXT_TABLES[self.texts]} = ?", [content_id]
            )
            tx.execute(f"DELETE FROM {self.table} WHERE id = ?", [content_id])

        db.write(work)

    async def save_request(
        self,
        request: Request,
        content_id: int | None,
        save: Save,
        find: Find,
        body: dict[str, Any],
    ) -> Response:
        """Answer a POST (content_id None: 201) or PATCH (200) with the saved content.

        `body` is the request schema: what it does not declare is refused.
        """
        user = await require_user(request)
        doc = await read_document(request, body)
        check_type(doc, self.type, content_id)
        state, languages = app_state(request), site_languages(request)
        db, now = state.db, state.clock()
        window = state.settings.dates.content_window(now)
        attributes = Attributes(doc)
        for name in self.dates:
            attributes.when(name, window=window)
        saved = await run_in_threadpool(save, db, content_id, doc, languages, now, user.id)
        site_changed(request)
        data, included = await run_in_threadpool(find, db, saved, languages)
        return document(data, included, status=201 if content_id is None else 200)

    def draft(
        self,
        db: Database,
        doc: dict[str, Any],
        changes: dict[str, Any],
        languages: Sequence[str],
        check: Callable[[dict[str, Any]], None] = lambda values: None,
    ) -> Draft:
        """What saving `doc` would make (a new item, or `data.id` patched), checked as saving
        checks it, without writing anything."""
        data = doc["data"]
        content_id = reference_id(data["id"]) if data.get("id") is not None else None
        if data.get("id") is not None and content_id is None:
            raise ApiError(404, self.missing)
        attributes = Attributes(doc)
        sent = (
            parse_texts(attributes, languages)
            if content_id is None or attributes.has("texts")
            else None
        )
        with db.snapshot() as tx:
            application = content_application(tx, doc, self.holds)
            current: Row = {}
            if content_id is not None:
                found = tx.fetchone(f"SELECT * FROM {self.table} WHERE id = ?", [content_id])
                if found is None:
                    raise ApiError(404, self.missing)
                current = found
            elif application is None:
                raise ApiError(
                    422, "application is required", pointer="/data/relationships/application"
                )
            values = {**current, **changes}
            check(values)
            application_id = application if application is not None else current["application_id"]
            name = tx.fetchone("SELECT name FROM applications WHERE id = ?", [application_id])
            if sent is None:  # a patch without texts keeps the stored ones
                stored = read_texts(tx, self.texts, [content_id or 0], languages)[content_id or 0]
        if sent is None:
            texts = tuple(
                (t["locale"], t["title"], t["html_summary"], t["html_content"]) for t in stored
            )
        else:  # rendered by the pipeline that renders them on save
            texts = tuple(
                (t.locale, t.title, to_html(t.summary, t.format), to_html(t.content, t.format))
                for t in sent
            )
        return Draft(content_id, values, name["name"] if name else "", texts)

    async def preview_request(
        self,
        request: Request,
        changes: Callable[[Attributes, bool], dict[str, Any]],
        render: Render,
        body: dict[str, Any],
        check: Callable[[dict[str, Any]], None] = lambda values: None,
    ) -> Response:
        """Answer a preview: the page the site would publish for a draft document (a new item,
        or the stored one with `data.id` as patched), in `?lang=`; nothing is stored."""
        await require_user(request)
        doc = await read_document(request, body)
        check_type(doc, self.type)
        languages = site_languages(request)
        lang = request.query_params.get("lang") or languages[0]
        if lang not in languages:
            raise ApiError(400, f"lang should be one of {', '.join(languages)}", parameter="lang")
        creating = doc["data"].get("id") is None
        asked = changes(Attributes(doc), creating)
        state = app_state(request)
        db, settings, now = state.db, state.settings, state.clock()

        def work() -> str:
            shown = self.draft(db, doc, asked, languages, check)
            try:
                return render(settings, db, shown, lang, now)
            except (OverflowError, ValueError) as error:  # a date no calendar can show
                raise ApiError(
                    422, f"the draft cannot be shown: {error}", pointer="/data/attributes"
                ) from None

        html = await run_in_threadpool(work)
        return HTMLResponse(html, headers={"Cache-Control": "no-store", "X-Robots-Tag": "noindex"})

    async def delete_request(self, request: Request) -> Response:
        """Answer a DELETE of the content the path names: 204."""
        await require_user(request)
        content_id = parse_id(request.path_params["id"])
        await run_in_threadpool(self.delete, app_state(request).db, content_id)
        site_changed(request)
        return Response(status_code=204)
