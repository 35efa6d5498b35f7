"""The portal's applications (its sections): read and edit them, and resolve content's references.

An application's title and descriptions live per locale in application_texts; the API's flat
attributes are the club's default locale, falling back to another locale when that one is missing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from kwai_api.content.application_writes import (
    MAX_INT,
    SLUG,
    bounded,
    delete_application,
    read_application,
    save_application,
)
from kwai_api.core.database import Database, Row, Transaction
from kwai_api.core.markup import to_html
from kwai_api.core.site_paths import taken_by_site
from kwai_api.core.visibility import shown_locale
from kwai_api.jsonapi import openapi
from kwai_api.jsonapi.access import optional_user, public_view, require_admin, require_user
from kwai_api.jsonapi.documents import (
    MISSING,
    ApiError,
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
from kwai_api.jsonapi.images import IMAGE_RELATIONSHIP, image_identifier, image_relationship
from kwai_api.jsonapi.requests import site_changed, site_languages
from kwai_api.jsonapi.state import app_state
from kwai_api.jsonapi.texts import TEXTS_SCHEMA

__all__ = ["MAX_INT", "bounded"]  # news items and pages bound their integers alike

TYPE = "applications"
_COLUMNS = "id, name, remark, news, pages, events, weight, image_id, created_at, updated_at"


def _localized(texts: Sequence[Row], languages: Sequence[str]) -> Row | None:
    """The text in the first of `languages` that has one, else any (alphabetically first)."""
    by_locale = {t["locale"]: t for t in texts}
    locale = shown_locale(by_locale, languages)
    return by_locale[locale] if locale is not None else None


def _with_texts(
    reader: Database | Transaction, rows: list[Row], languages: Sequence[str]
) -> list[Row]:
    """Add the default locale's title and descriptions, and every locale's texts, to rows."""
    texts: dict[int, list[Row]] = {row["id"]: [] for row in rows}
    for text in reader.fetchall(
        "SELECT application_id, locale, title, short_description, description,"
        " coalesce(format, 'md') AS format"
        " FROM application_texts WHERE list_contains(?, application_id)",
        [list(texts)],
    ):
        texts[text["application_id"]].append(text)
    rank = {locale: n for n, locale in enumerate(languages)}
    result = []
    for row in rows:
        text = _localized(texts[row["id"]], languages) or {}
        ordered = sorted(
            texts[row["id"]], key=lambda t: (rank.get(t["locale"], len(rank)), t["locale"])
        )
        result.append(
            {
                **row,
                "title": text.get("title", row["name"]),
                "short_description": text.get("short_description", ""),
                "description": text.get("description", ""),
                "texts": [_text_resource(t) for t in ordered],
            }
        )
    return result


def _text_resource(text: Row) -> dict[str, Any]:
    """One locale's text, shaped like a story's: the source and the sanitized HTML."""
    return {
        "locale": text["locale"],
        "format": text["format"],
        "title": text["title"],
        "summary": text["short_description"],
        "content": text["description"],
        "html_summary": to_html(text["short_description"], text["format"]),
        "html_content": to_html(text["description"], text["format"]),
    }


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
    return resource(
        TYPE,
        row["id"],
        {
            "name": row["name"],
            "title": row["title"],
            "short_description": row["short_description"],
            "description": row["description"],
            "remark": row["remark"] or "",
            "news": row["news"],
            "pages": row["pages"],
            "events": row["events"],
            "weight": row["weight"],
            "texts": row["texts"],
            "created_at": timestamp(row["created_at"]),
            "updated_at": timestamp(row["updated_at"]),
        },
        {"image": image_identifier(row["image_id"])},
    )


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

    `holds` is the flag ("news", "pages" or "events") that says the application may contain
    this content.
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
    row = _named(tx, key, "id, news, pages, events")
    if row is None:
        raise ApiError(422, f"there is no application {key!r}", pointer=pointer)
    if not row[holds]:
        raise ApiError(422, f"application {key!r} does not hold {holds}", pointer=pointer)
    return int(row["id"])


async def get_applications(request: Request) -> Response:
    """GET /portal/applications: every application, by weight (anonymous: without remarks)."""
    user = await optional_user(request)
    rows = await run_in_threadpool(
        list_applications, app_state(request).db, site_languages(request)
    )
    data = [application_resource(row) for row in rows]
    return document(
        data if user else public_view(data), meta={"count": len(rows), "offset": 0, "limit": None}
    )


async def get_application(request: Request) -> Response:
    """GET /portal/applications/{id}."""
    application_id = parse_id(request.path_params["id"])
    row = await run_in_threadpool(
        find_application, app_state(request).db, application_id, site_languages(request)
    )
    if row is None:
        raise ApiError(404, "there is no such application")
    data = [application_resource(row)]
    return document((data if await optional_user(request) else public_view(data))[0])


async def _save(request: Request, application_id: int | None) -> Response:
    """Create (no id) or edit an application from the request's document."""
    doc = await read_document(request, _NEW if application_id is None else _BODY)
    check_type(doc, TYPE, application_id)
    languages = site_languages(request)
    changes, texts = read_application(doc, languages, create=application_id is None)
    image = image_relationship(doc, "image")  # the hero image of its section page
    if image is not MISSING:
        changes["image_id"] = image
    state = app_state(request)
    if "name" in changes:
        clash = taken_by_site(changes["name"], languages, state.settings.site.content)
        if clash:
            raise ApiError(
                422,
                f"/{changes['name']}/ is {clash}; choose another name",
                pointer="/data/attributes/name",
            )
    saved = await run_in_threadpool(
        save_application, state.db, application_id, changes, texts, state.clock()
    )
    site_changed(request)
    row = await run_in_threadpool(find_application, state.db, saved, languages)
    if row is None:  # deleted by another request in between
        raise ApiError(404, "there is no such application")
    return document(application_resource(row), status=201 if application_id is None else 200)


async def post_application(request: Request) -> Response:
    """POST /portal/applications (admin): a new section of the portal."""
    await require_admin(request)
    return await _save(request, None)


async def patch_application(request: Request) -> Response:
    """PATCH /portal/applications/{id}: edit what the document sends, in any language."""
    await require_user(request)  # every authenticated user may edit content
    return await _save(request, parse_id(request.path_params["id"]))


async def delete_route(request: Request) -> Response:
    """DELETE /portal/applications/{id} (admin): 409 while stories or pages use it."""
    await require_admin(request)
    application_id = parse_id(request.path_params["id"])
    await run_in_threadpool(delete_application, app_state(request).db, application_id)
    site_changed(request)
    return Response(status_code=204)


routes: list[BaseRoute] = [
    Route("/portal/applications", get_applications, methods=["GET"]),
    Route("/portal/applications", post_application, methods=["POST"]),
    Route("/portal/applications/{id}", get_application, methods=["GET"]),
    Route("/portal/applications/{id}", patch_application, methods=["PATCH"]),
    Route("/portal/applications/{id}", delete_route, methods=["DELETE"]),
]

_ATTRIBUTES: dict[str, Any] = {
    "name": openapi.string(pattern=SLUG.pattern),
    "title": openapi.string(),
    "short_description": openapi.string(),
    "description": openapi.string(),
    "remark": openapi.nullable(openapi.string()),
    "news": {"type": "boolean"},
    "pages": {"type": "boolean"},
    "events": {"type": "boolean"},
    "weight": {"type": "integer", "minimum": -MAX_INT, "maximum": MAX_INT},
    "texts": TEXTS_SCHEMA,
}
_RELATIONSHIPS = {"image": IMAGE_RELATIONSHIP}
_BODY = openapi.document_schema(TYPE, _ATTRIBUTES, relationships=_RELATIONSHIPS)
_NEW = openapi.document_schema(TYPE, _ATTRIBUTES, ("name",), relationships=_RELATIONSHIPS)
_ID = [openapi.path_param("id")]

openapi_paths: dict[str, Any] = {
    "/portal/applications": {
        "get": openapi.operation("The portal's applications, by weight", {200: "applications"}),
        "post": openapi.operation(
            "Create an application (admin)",
            {
                201: "the application",
                403: "not an admin",
                **openapi.WRITE_ERRORS,
                409: "name taken or another type",
            },
            body=_NEW,
            auth=True,
        ),
    },
    "/portal/applications/{id}": {
        "get": openapi.operation(
            "One application", {200: "the application", 404: "unknown"}, parameters=_ID
        ),
        "patch": openapi.operation(
            "Edit an application (flat texts: the default locale; `texts`: any locale)",
            {
                200: "the application",
                404: "unknown",
                **openapi.WRITE_ERRORS,
                409: "name taken or other type/id",
            },
            parameters=_ID,
            body=_BODY,
            auth=True,
        ),
        "delete": openapi.operation(
            "Delete an application no story or page uses (admin)",
            {
                204: "deleted",
                401: "not authenticated",
                403: "not an admin",
                404: "unknown",
                409: "stories or pages use it",
            },
            parameters=_ID,
            auth=True,
        ),
    },
}
