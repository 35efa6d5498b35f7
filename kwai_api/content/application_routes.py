"""The portal's applications (its sections): read and edit them, and resolve content's references.

An application's title and descriptions live per locale in application_texts; the API's flat
attributes are the club's default locale, falling back to another locale when that one is missing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from kwai_api.core.database import Database, Row, Transaction
from kwai_api.core.settings import SiteSettings
from kwai_api.core.site_paths import taken_by_site
from kwai_api.jsonapi import openapi
from kwai_api.jsonapi.access import optional_user, public_view, require_user
from kwai_api.jsonapi.documents import (
    MISSING,
    ApiError,
    Attributes,
    check_type,
    document,
    identifier,
    parse_id,
    read_document,
    reference_id,
    relationship,
    resource,
    timestamp,
)
from kwai_api.jsonapi.requests import site_changed, site_languages, utc_now

TYPE = "applications"
MAX_INT = 2**31 - 1  # the INTEGER columns' range
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_COLUMNS = "id, name, remark, news, pages, events, weight, created_at, updated_at"


def _localized(texts: Sequence[Row], languages: Sequence[str]) -> Row | None:
    """The text in the first of `languages` that has one, else any (alphabetically first)."""
    by_locale = {t["locale"]: t for t in texts}
    for locale in [*languages, *sorted(by_locale)]:
        if locale in by_locale:
            return by_locale[locale]
    return None


def _with_texts(
    reader: Database | Transaction, rows: list[Row], languages: Sequence[str]
) -> list[Row]:
    """Add the default locale's title and descriptions to application rows."""
    texts: dict[int, list[Row]] = {row["id"]: [] for row in rows}
    for text in reader.fetchall(
        "SELECT application_id, locale, title, short_description, description"
        " FROM application_texts WHERE list_contains(?, application_id)",
        [list(texts)],
    ):
        texts[text["application_id"]].append(text)
    result = []
    for row in rows:
        text = _localized(texts[row["id"]], languages) or {}
        result.append({
            **row,
            "title": text.get("title", row["name"]),
            "short_description": text.get("short_description", ""),
            "description": text.get("description", ""),
        })
    return result


def list_applications(db: Database, languages: Sequence[str]) -> list[Row]:
    """Every application, by weight (the menu order)."""
    with db.snapshot() as tx:
        rows = tx.fetchall(f"SELECT {_COLUMNS} FROM applications ORDER BY weight, name, id")
        return _with_texts(tx, rows, languages)


def find_application(
    reader: Database | Transaction, application_id: int, languages: Sequence[str]
) -> Row | None:
    """One application with its texts, or None."""
    rows = reader.fetchall(f"SELECT {_COLUMNS} FROM applications WHERE id = ?", [application_id])
    return _with_texts(reader, rows, languages)[0] if rows else None


def application_resource(row: Row) -> dict[str, Any]:
    """The full `applications` resource."""
    return resource(TYPE, row["id"], {
        "name": row["name"],
        "title": row["title"],
        "short_description": row["short_description"],
        "description": row["description"],
        "remark": row["remark"] or "",
        "news": row["news"],
        "pages": row["pages"],
        "events": row["events"],
        "weight": row["weight"],
        "created_at": timestamp(row["created_at"]),
        "updated_at": timestamp(row["updated_at"]),
    })


def application_identifier(application_id: int) -> dict[str, str]:
    """The {type, id} of an application, for the relationships of news items and pages."""
    return identifier(TYPE, application_id)


def included_applications(
    reader: Database | Transaction, ids: Sequence[int], languages: Sequence[str]
) -> dict[int, dict[str, Any]]:
    """The short `applications` resources (name, title) that news and pages include."""
    rows = reader.fetchall(
        f"SELECT {_COLUMNS} FROM applications WHERE list_contains(?, id)", [sorted(set(ids))]
    )
    return {
        row["id"]: resource(TYPE, row["id"], {"name": row["name"], "title": row["title"]})
        for row in _with_texts(reader, rows, languages)
    }


def _named(reader: Database | Transaction, key: str, columns: str) -> Row | None:
    """The columns of the application a client names by id or by name, or None."""
    application_id = reference_id(key)
    column, value = ("name", key) if application_id is None else ("id", application_id)
    return reader.fetchone(f"SELECT {columns} FROM applications WHERE {column} = ?", [value])


def application_parameter(
    reader: Database | Transaction, value: str | None, parameter: str
) -> int | None:
    """The application a filter names by id or by name; 404 naming the parameter when unknown."""
    if value is None or value == "":
        return None
    found = _named(reader, value, "id")
    if found is None:
        raise ApiError(404, f"there is no application {value!r}", parameter=parameter)
    return int(found["id"])


def content_application(tx: Transaction, doc: dict[str, Any], holds: str) -> int | None:
    """The application a news item or page document refers to (None when not sent), else 422.

    `holds` is the flag ("news" or "pages") that says the application may contain this content.
    """
    pointer = "/data/relationships/application"
    value = relationship(doc, "application")
    if value is MISSING:
        return None
    if value is None:
        raise ApiError(422, "application is required", pointer=pointer)
    if value.get("type") not in (None, TYPE):
        raise ApiError(422, f"application should have type {TYPE}", pointer=pointer)
    key = str(value["id"])
    row = _named(tx, key, "id, news, pages")
    if row is None:
        raise ApiError(422, f"there is no application {key!r}", pointer=pointer)
    if not row[holds]:
        raise ApiError(422, f"application {key!r} does not hold {holds}", pointer=pointer)
    return int(row["id"])


def bounded(attributes: Attributes, name: str, minimum: int = -MAX_INT) -> int | None:
    """An integer attribute within the INTEGER column range, else 422."""
    value = attributes.get(name, int, nullable=False)
    if value is not None and not minimum <= value <= MAX_INT:
        raise ApiError(422, f"{name} should be between {minimum} and {MAX_INT}",
                       pointer=attributes.pointer(name))
    return value


def edit_application(
    db: Database, application_id: int, doc: dict[str, Any], site: SiteSettings, now: datetime,
) -> Row:
    """Apply the sent attributes; title and descriptions go to the default locale's texts."""
    attributes = Attributes(doc)
    languages = site.languages
    changes: dict[str, Any] = {}
    if attributes.has("name"):
        changes["name"] = attributes.text("name", required=True)
        if not _SLUG.match(changes["name"]):
            raise ApiError(422, "name should be a slug: lowercase letters, digits and dashes",
                           pointer=attributes.pointer("name"))
        clash = taken_by_site(changes["name"], languages, site.content)
        if clash:
            raise ApiError(422, f"/{changes['name']}/ is {clash}; choose another name",
                           pointer=attributes.pointer("name"))
    if attributes.has("remark"):
        changes["remark"] = attributes.text("remark")
    for flag in ("news", "pages", "events"):
        if attributes.has(flag):
            changes[flag] = attributes.get(flag, bool, nullable=False)
    if attributes.has("weight"):
        changes["weight"] = bounded(attributes, "weight")
    texts: dict[str, Any] = {}
    if attributes.has("title"):
        texts["title"] = attributes.text("title", required=True)
    for name in ("short_description", "description"):
        if attributes.has(name):
            texts[name] = attributes.text(name) or ""

    def work(tx: Transaction) -> Row:
        current = find_application(tx, application_id, languages)
        if current is None:
            raise ApiError(404, "there is no such application")
        if "name" in changes and tx.fetchone(
            "SELECT id FROM applications WHERE name = ? AND id <> ?",
            [changes["name"], application_id],
        ):
            raise ApiError(409, f"another application is named {changes['name']!r}",
                           pointer=attributes.pointer("name"))
        if changes.get("name", current["name"]) != current["name"]:
            _record_move(tx, application_id, current["name"], changes["name"], now)
        assignments = ", ".join(f"{column} = ?" for column in [*changes, "updated_at"])
        tx.execute(f"UPDATE applications SET {assignments} WHERE id = ?",
                   [*changes.values(), now, application_id])
        if texts:
            _write_texts(tx, current, languages[0], texts)
        found = find_application(tx, application_id, languages)
        assert found is not None
        return found

    return db.write(work)


def _record_move(tx: Transaction, application_id: int, old: str, new: str, now: datetime) -> None:
    """Remember a former name, so the site sends its old addresses to the new ones."""
    tx.execute("DELETE FROM application_moves WHERE name IN (?, ?)", [old, new])
    tx.execute("INSERT INTO application_moves (name, application_id, moved_at) VALUES (?, ?, ?)",
               [old, application_id, now])


def _write_texts(tx: Transaction, current: Row, locale: str, texts: dict[str, Any]) -> None:
    """Update the locale's text row, creating it from the shown (fallback) text when missing."""
    row = tx.fetchone(
        "SELECT title, short_description, description FROM application_texts"
        " WHERE application_id = ? AND locale = ?",
        [current["id"], locale],
    )
    base = row or {name: current[name] for name in ("title", "short_description", "description")}
    merged = {**base, **texts}
    tx.execute("DELETE FROM application_texts WHERE application_id = ? AND locale = ?",
               [current["id"], locale])
    tx.execute(
        "INSERT INTO application_texts (application_id, locale, title, short_description,"
        " description) VALUES (?, ?, ?, ?, ?)",
        [current["id"], locale, merged["title"], merged["short_description"],
         merged["description"]],
    )


async def get_applications(request: Request) -> Response:
    """GET /portal/applications: every application, by weight (anonymous: without remarks)."""
    user = await optional_user(request)
    rows = await run_in_threadpool(list_applications, request.app.state.db,
                                   site_languages(request))
    data = [application_resource(row) for row in rows]
    return document(data if user else public_view(data),
                    meta={"count": len(rows), "offset": 0, "limit": None})


async def get_application(request: Request) -> Response:
    """GET /portal/applications/{id}."""
    application_id = parse_id(request.path_params["id"])
    row = await run_in_threadpool(
        find_application, request.app.state.db, application_id, site_languages(request)
    )
    if row is None:
        raise ApiError(404, "there is no such application")
    data = [application_resource(row)]
    return document((data if await optional_user(request) else public_view(data))[0])


async def patch_application(request: Request) -> Response:
    """PATCH /portal/applications/{id}: edit what the document sends."""
    await require_user(request)  # every authenticated user may edit content
    application_id = parse_id(request.path_params["id"])
    doc = await read_document(request, _BODY)
    check_type(doc, TYPE, application_id)
    row = await run_in_threadpool(
        edit_application, request.app.state.db, application_id, doc,
        request.app.state.settings.site,
        utc_now(request),
    )
    site_changed(request)
    return document(application_resource(row))


routes: list[BaseRoute] = [
    Route("/portal/applications", get_applications, methods=["GET"]),
    Route("/portal/applications/{id}", get_application, methods=["GET"]),
    Route("/portal/applications/{id}", patch_application, methods=["PATCH"]),
]

_ATTRIBUTES: dict[str, Any] = {
    "name": openapi.string(pattern=_SLUG.pattern),
    "title": openapi.string(),
    "short_description": openapi.string(),
    "description": openapi.string(),
    "remark": openapi.nullable(openapi.string()),
    "news": {"type": "boolean"},
    "pages": {"type": "boolean"},
    "events": {"type": "boolean"},
    "weight": {"type": "integer", "minimum": -MAX_INT, "maximum": MAX_INT},
}
_BODY = openapi.document_schema(TYPE, _ATTRIBUTES)
_ID = [openapi.path_param("id")]

openapi_paths: dict[str, Any] = {
    "/portal/applications": {
        "get": openapi.operation("The portal's applications, by weight", {200: "applications"}),
    },
    "/portal/applications/{id}": {
        "get": openapi.operation("One application", {200: "the application", 404: "unknown"},
                                 parameters=_ID),
        "patch": openapi.operation(
            "Edit an application (title and descriptions in the default locale)",
            {200: "the application", 404: "unknown", **openapi.WRITE_ERRORS,
             409: "name taken or other type/id"},
            parameters=_ID,
            body=_BODY,
            auth=True,
        ),
    },
}
