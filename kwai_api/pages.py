"""Pages: an application's pages with texts per locale; anonymous callers read only enabled ones."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from kwai_api import openapi
from kwai_api.access import optional_user, require_user
from kwai_api.applications import (
    MAX_INT,
    application_identifier,
    application_parameter,
    bounded,
    check_type,
    content_application,
    included_applications,
    utc_now,
)
from kwai_api.database import Database, Row, Transaction
from kwai_api.jsonapi import (
    ApiError,
    Attributes,
    Page,
    boolean_parameter,
    document,
    page,
    parse_id,
    read_document,
    resource,
    timestamp,
)
from kwai_api.news import (
    APPLICATION_RELATIONSHIP,
    TEXTS_SCHEMA,
    WRITE_ERRORS,
    parse_texts,
    read_texts,
)
from kwai_api.rebuild import site_changed
from kwai_api.texts import replace_texts

TYPE = "pages"
_COLUMNS = "p.id, p.application_id, p.enabled, p.priority, p.remark, p.created_at, p.updated_at"
_ORDER = "a.weight, a.name, p.application_id, p.priority DESC, p.id"


def list_pages(
    db: Database, public: bool, enabled: bool | None, application: str | None, paging: Page,
    languages: Sequence[str],
) -> tuple[int, list[dict[str, Any]], list[dict[str, Any]]]:
    """The matching pages by application, then priority (highest first): count, page, included."""
    with db.snapshot() as tx:
        clauses: list[str] = ["true"]
        params: list[Any] = []
        if public:
            clauses.append("p.enabled")
        if enabled is not None:
            clauses.append("p.enabled = ?")
            params.append(enabled)
        application_id = application_parameter(tx, application, "filter[application]")
        if application_id is not None:
            clauses.append("p.application_id = ?")
            params.append(application_id)
        where = " AND ".join(clauses)
        count = tx.fetchone(f"SELECT count(*) AS n FROM pages p WHERE {where}", params)
        rows = tx.fetchall(
            f"SELECT {_COLUMNS} FROM pages p LEFT JOIN applications a ON a.id = p.application_id"
            f" WHERE {where} ORDER BY {_ORDER}{paging.sql()}",
            params,
        )
        return (count["n"] if count else 0, *_resources(tx, rows, languages))


def find_page(
    db: Database, page_id: int, public: bool, languages: Sequence[str]
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """One page and its application; 404 when unknown or, for the public, disabled."""
    with db.snapshot() as tx:
        rows = tx.fetchall(
            f"SELECT {_COLUMNS} FROM pages p WHERE p.id = ?{' AND p.enabled' if public else ''}",
            [page_id],
        )
        if not rows:
            raise ApiError(404, "there is no such page")
        data, included = _resources(tx, rows, languages)
        return data[0], included


def _resources(
    tx: Transaction, rows: list[Row], languages: Sequence[str]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    texts = read_texts(tx, "page_texts", [r["id"] for r in rows], languages)
    applications = included_applications(tx, [r["application_id"] for r in rows], languages)
    return [page_resource(row, texts[row["id"]]) for row in rows], list(applications.values())


def page_resource(row: Row, texts: list[dict[str, Any]]) -> dict[str, Any]:
    """The `pages` resource of a page row and its texts."""
    return resource(
        TYPE,
        row["id"],
        {
            "enabled": row["enabled"],
            "priority": row["priority"],
            "remark": row["remark"] or "",
            "texts": texts,
            "created_at": timestamp(row["created_at"]),
            "updated_at": timestamp(row["updated_at"]),
        },
        {"application": application_identifier(row["application_id"])},
    )


def _page_changes(attributes: Attributes, creating: bool) -> dict[str, Any]:
    """The page columns a document sets (all of them when creating), type-checked."""
    changes: dict[str, Any] = {}
    if creating or attributes.has("enabled"):
        changes["enabled"] = attributes.get("enabled", bool, default=False, nullable=False)
    if creating or attributes.has("priority"):
        changes["priority"] = bounded(attributes, "priority") or 0
    if creating or attributes.has("remark"):
        changes["remark"] = attributes.text("remark")
    return changes


def save_page(
    db: Database, page_id: int | None, doc: dict[str, Any], languages: Sequence[str],
    now: datetime, author_id: int,
) -> int:
    """Create (page_id None) or update a page from a document; returns its id."""
    attributes = Attributes(doc)
    changes = _page_changes(attributes, creating=page_id is None)
    sends_texts = page_id is None or attributes.has("texts")
    texts = parse_texts(attributes, languages) if sends_texts else None

    def work(tx: Transaction) -> int:
        application = content_application(tx, doc, "pages")
        if page_id is None:
            if application is None:
                raise ApiError(422, "application is required",
                               pointer="/data/relationships/application")
            new_id = tx.insert(
                f"INSERT INTO pages (application_id, {', '.join(changes)}, created_at)"
                f" VALUES (?, {', '.join('?' for _ in changes)}, ?) RETURNING id",
                [application, *changes.values(), now],
            )
            assert texts is not None
            replace_texts(tx, "page_texts", new_id, texts, now, author_id)
            return int(new_id)
        if tx.fetchone("SELECT id FROM pages WHERE id = ?", [page_id]) is None:
            raise ApiError(404, "there is no such page")
        if application is not None:
            changes["application_id"] = application
        assignments = ", ".join(f"{column} = ?" for column in [*changes, "updated_at"])
        tx.execute(f"UPDATE pages SET {assignments} WHERE id = ?",
                   [*changes.values(), now, page_id])
        if texts is not None:
            replace_texts(tx, "page_texts", page_id, texts, now, author_id)
        return page_id

    return db.write(work)


def delete_page(db: Database, page_id: int) -> None:
    """Delete a page and its texts; 404 when unknown."""

    def work(tx: Transaction) -> None:
        if tx.fetchone("SELECT id FROM pages WHERE id = ?", [page_id]) is None:
            raise ApiError(404, "there is no such page")
        tx.execute("DELETE FROM page_texts WHERE page_id = ?", [page_id])
        tx.execute("DELETE FROM pages WHERE id = ?", [page_id])

    db.write(work)


def _languages(request: Request) -> tuple[str, ...]:
    return request.app.state.settings.site.languages


async def get_pages(request: Request) -> Response:
    """GET /pages: by application, then priority; anonymous callers get only enabled pages."""
    user = await optional_user(request)
    enabled = boolean_parameter(request, "filter[enabled]", None)
    paging = page(request)
    count, data, included = await run_in_threadpool(
        list_pages, request.app.state.db, user is None, enabled,
        request.query_params.get("filter[application]"), paging, _languages(request),
    )
    return document(data, included, meta=paging.meta(count))


async def get_page(request: Request) -> Response:
    """GET /pages/{id}: anonymous callers get only an enabled page."""
    page_id = parse_id(request.path_params["id"])
    user = await optional_user(request)
    data, included = await run_in_threadpool(
        find_page, request.app.state.db, page_id, user is None, _languages(request)
    )
    return document(data, included)


async def _save(request: Request, page_id: int | None) -> Response:
    user = await require_user(request)
    doc = await read_document(request)
    check_type(doc, TYPE, page_id)
    db = request.app.state.db
    saved = await run_in_threadpool(
        save_page, db, page_id, doc, _languages(request), utc_now(request), user.id
    )
    site_changed(request)
    data, included = await run_in_threadpool(find_page, db, saved, False, _languages(request))
    return document(data, included, status=201 if page_id is None else 200)


async def post_page(request: Request) -> Response:
    """POST /pages: 201 with the new page."""
    return await _save(request, None)


async def patch_page(request: Request) -> Response:
    """PATCH /pages/{id}: change what the document sends; sent texts replace all texts."""
    return await _save(request, parse_id(request.path_params["id"]))


async def delete_page_route(request: Request) -> Response:
    """DELETE /pages/{id}: 204."""
    await require_user(request)
    page_id = parse_id(request.path_params["id"])
    await run_in_threadpool(delete_page, request.app.state.db, page_id)
    site_changed(request)
    return Response(status_code=204)


routes: list[BaseRoute] = [
    Route("/pages", get_pages, methods=["GET"]),
    Route("/pages", post_page, methods=["POST"]),
    Route("/pages/{id}", get_page, methods=["GET"]),
    Route("/pages/{id}", patch_page, methods=["PATCH"]),
    Route("/pages/{id}", delete_page_route, methods=["DELETE"]),
]

_BODY = openapi.document_schema(
    TYPE,
    {
        "enabled": {"type": "boolean"},
        "priority": {"type": "integer", "minimum": -MAX_INT, "maximum": MAX_INT},
        "remark": openapi.nullable(openapi.string()),
        "texts": TEXTS_SCHEMA,
    },
    relationships=APPLICATION_RELATIONSHIP,
)
_ID = [openapi.path_param("id")]
_FILTERS = [
    openapi.query("filter[enabled]", {"type": "boolean"}),
    openapi.query("filter[application]", description="an application id or name; 404 if unknown"),
]

openapi_paths: dict[str, Any] = {
    "/pages": {
        "get": openapi.operation(
            "Pages by application, then priority; anonymous callers get only enabled ones",
            {200: "pages", 400: "bad filter or page", 401: "bad token",
             404: "unknown filter[application]"},
            parameters=_FILTERS + openapi.PAGE_PARAMETERS,
        ),
        "post": openapi.operation("Create a page", {201: "the page", **WRITE_ERRORS},
                                  body=_BODY, auth=True),
    },
    "/pages/{id}": {
        "get": openapi.operation("One page (anonymous: only an enabled one)",
                                 {200: "the page", 401: "bad token", 404: "unknown"},
                                 parameters=_ID),
        "patch": openapi.operation("Edit a page", {200: "the page", 404: "unknown",
                                                   **WRITE_ERRORS},
                                   parameters=_ID, body=_BODY, auth=True),
        "delete": openapi.operation("Delete a page", {204: "deleted", 401: "not authenticated",
                                                      404: "unknown"},
                                    parameters=_ID, auth=True),
    },
}
