"""Pages: an application's pages with texts per locale; anonymous callers read only enabled ones."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from kwai_api.content.application_routes import (
    MAX_INT,
    application_identifier,
    application_parameter,
    bounded,
)
from kwai_api.content.items import CONTENT_RELATIONSHIPS, Content, Draft, lead_image
from kwai_api.core.database import Database, Row
from kwai_api.core.settings import Settings
from kwai_api.jsonapi import openapi
from kwai_api.jsonapi.access import optional_user, public_view
from kwai_api.jsonapi.documents import (
    Attributes,
    Page,
    boolean_parameter,
    document,
    page,
    parse_id,
    resource,
    timestamp,
)
from kwai_api.jsonapi.images import image_identifier
from kwai_api.jsonapi.requests import site_languages
from kwai_api.jsonapi.state import app_state
from kwai_api.jsonapi.texts import TEXTS_SCHEMA
from kwai_gen import model
from kwai_gen.preview import preview_page

TYPE = "pages"
PAGES = Content(TYPE, "pages", "page_texts", "pages", "there is no such page")
_COLUMNS = (
    "p.id, p.application_id, p.enabled, p.priority, p.remark, p.image_id, p.created_at,"
    " p.updated_at"
)
_ORDER = "a.weight, a.name, p.application_id, p.priority DESC, p.id"


def list_pages(
    db: Database,
    public: bool,
    enabled: bool | None,
    application: str | None,
    paging: Page,
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
        return (count["n"] if count else 0, *PAGES.resources(tx, rows, page_resource, languages))


def find_page(
    db: Database, page_id: int, languages: Sequence[str], public: bool = False
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """One page and its application; 404 when unknown or, for the public, disabled."""
    return PAGES.find(
        db,
        f"SELECT {_COLUMNS} FROM pages p WHERE p.id = ?{' AND p.enabled' if public else ''}",
        [page_id],
        page_resource,
        languages,
    )


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
        {
            "application": application_identifier(row["application_id"]),
            "image": image_identifier(row["image_id"]),
        },
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
    db: Database,
    page_id: int | None,
    doc: dict[str, Any],
    languages: Sequence[str],
    now: datetime,
    author_id: int,
) -> int:
    """Create (page_id None) or update a page from a document; returns its id."""
    changes = lead_image(doc, _page_changes(Attributes(doc), creating=page_id is None))
    return PAGES.save(db, page_id, doc, changes, languages, now, author_id)


async def get_pages(request: Request) -> Response:
    """GET /pages: by application, then priority; anonymous callers get only enabled pages."""
    user = await optional_user(request)
    enabled = boolean_parameter(request, "filter[enabled]", None)
    paging = page(request)
    count, data, included = await run_in_threadpool(
        list_pages,
        app_state(request).db,
        user is None,
        enabled,
        request.query_params.get("filter[application]"),
        paging,
        site_languages(request),
    )
    if user is None:
        data, included = public_view(data), public_view(included)
    return document(data, included, meta=paging.meta(count))


async def get_page(request: Request) -> Response:
    """GET /pages/{id}: anonymous callers get only an enabled page."""
    page_id = parse_id(request.path_params["id"])
    user = await optional_user(request)
    data, included = await run_in_threadpool(
        find_page, app_state(request).db, page_id, site_languages(request), user is None
    )
    if user is None:
        [data], included = public_view([data]), public_view(included)
    return document(data, included)


async def post_page(request: Request) -> Response:
    """POST /pages: 201 with the new page."""
    return await PAGES.save_request(request, None, save_page, find_page, _BODY)


async def patch_page(request: Request) -> Response:
    """PATCH /pages/{id}: change what the document sends; sent texts replace all texts."""
    page_id = parse_id(request.path_params["id"])
    return await PAGES.save_request(request, page_id, save_page, find_page, _BODY)


async def delete_page(request: Request) -> Response:
    """DELETE /pages/{id}: 204."""
    return await PAGES.delete_request(request)


def render_page(settings: Settings, db: Database, draft: Draft, lang: str, now: datetime) -> str:
    """The page the site would publish for a draft page of an application (saved now)."""
    page = model.Page(
        id=draft.id or 0,
        application=draft.application,
        priority=draft.values["priority"],
        texts={locale: model.Text(locale, *text) for locale, *text in draft.texts},
        updated_at=now.replace(tzinfo=UTC),
    )
    return preview_page(settings, db, page, lang)


async def preview_page_route(request: Request) -> Response:
    """POST /pages/preview: the page the site would publish for a draft, as HTML."""
    return await PAGES.preview_request(request, _page_changes, render_page, _BODY)


routes: list[BaseRoute] = [
    Route("/pages", get_pages, methods=["GET"]),
    Route("/pages", post_page, methods=["POST"]),
    Route("/pages/preview", preview_page_route, methods=["POST"]),
    Route("/pages/{id}", get_page, methods=["GET"]),
    Route("/pages/{id}", patch_page, methods=["PATCH"]),
    Route("/pages/{id}", delete_page, methods=["DELETE"]),
]

_BODY = openapi.document_schema(
    TYPE,
    {
        "enabled": {"type": "boolean"},
        "priority": {"type": "integer", "minimum": -MAX_INT, "maximum": MAX_INT},
        "remark": openapi.nullable(openapi.string()),
        "texts": TEXTS_SCHEMA,
    },
    relationships=CONTENT_RELATIONSHIPS,
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
            {200: "pages", 400: "bad filter or page", 404: "unknown filter[application]"},
            parameters=_FILTERS + openapi.PAGE_PARAMETERS,
        ),
        "post": openapi.operation(
            "Create a page", {201: "the page", **openapi.WRITE_ERRORS}, body=_BODY, auth=True
        ),
    },
    "/pages/preview": {
        "post": openapi.html_operation(
            "The page the site would publish for a draft (a new page, or data.id as patched)"
            " in ?lang=, as HTML; nothing is stored",
            body=_BODY,
            parameters=[openapi.query("lang", openapi.string())],
        ),
    },
    "/pages/{id}": {
        "get": openapi.operation(
            "One page (anonymous: only an enabled one)",
            {200: "the page", 404: "unknown"},
            parameters=_ID,
        ),
        "patch": openapi.operation(
            "Edit a page",
            {200: "the page", 404: "unknown", **openapi.WRITE_ERRORS},
            parameters=_ID,
            body=_BODY,
            auth=True,
        ),
        "delete": openapi.operation(
            "Delete a page",
            {204: "deleted", 401: "not authenticated", 404: "unknown"},
            parameters=_ID,
            auth=True,
        ),
    },
}
