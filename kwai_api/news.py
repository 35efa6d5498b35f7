"""News items: stories with texts per locale; anonymous callers read only the live ones.

A story is live when it is enabled, its publish date has come and its end date has not passed.
The texts-per-locale handling here is shared with pages, which have the same shape.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

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
    integer_parameter,
    page,
    parse_id,
    read_document,
    resource,
    timestamp,
)
from kwai_api.markup import FORMATS
from kwai_api.rebuild import site_changed
from kwai_api.texts import TEXT_TABLES, TextInput, replace_texts

TYPE = "news_items"
DEFAULT_LIMIT = 10
LIVE = "s.enabled AND s.publish_date <= ? AND (s.end_date IS NULL OR s.end_date > ?)"
PROMOTED = "s.promotion > 0 AND (s.promotion_end_date IS NULL OR s.promotion_end_date > ?)"
_COLUMNS = (
    "s.id, s.application_id, s.enabled, s.publish_date, s.end_date, s.promotion,"
    " s.promotion_end_date, s.remark, s.created_at, s.updated_at"
)


def parse_texts(attributes: Attributes, languages: Sequence[str]) -> list[TextInput]:
    """The `texts` attribute: at least one, one per known locale, each with a title; else 422."""
    base = attributes.pointer("texts")
    items = attributes.get("texts", list, required=True)
    texts: list[TextInput] = []
    for n, item in enumerate(items):
        if not isinstance(item, dict):
            raise ApiError(422, "each text should be an object", pointer=f"{base}/{n}")
        text = Attributes({"attributes": item}, base=f"{base}/{n}")
        locale = text.text("locale", required=True) or ""
        if locale not in languages:
            raise ApiError(422, f"locale should be one of {', '.join(languages)}",
                           pointer=text.pointer("locale"))
        if any(t.locale == locale for t in texts):
            raise ApiError(422, f"there is more than one {locale} text",
                           pointer=text.pointer("locale"))
        text_format = text.text("format") or "md"
        if text_format not in FORMATS:
            raise ApiError(422, f"format should be one of {', '.join(FORMATS)}",
                           pointer=text.pointer("format"))
        # clients of the old API send the source as original_* (summary was the rendered HTML)
        summary, content = (
            text.text(f"original_{name}") if text.has(f"original_{name}") else text.text(name)
            for name in ("summary", "content")
        )
        texts.append(TextInput(locale, text.text("title", required=True) or "", summary or "",
                               content or "", text_format))
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


@dataclass(frozen=True)
class StoryFilter:
    """What a list of news items asks for; `live_at` limits anonymous callers to live stories."""

    now: datetime
    live_at: datetime | None = None
    enabled: bool | None = None
    published: tuple[datetime, datetime] | None = None
    application: str | None = None
    promoted: bool | None = None

    def where(self, reader: Database | Transaction) -> tuple[str, list[Any]]:
        """The WHERE clause and its parameters (an unknown application is a 404)."""
        clauses: list[str] = ["true"]
        params: list[Any] = []
        if self.live_at is not None:
            clauses.append(LIVE)
            params += [self.live_at, self.live_at]
        if self.enabled is not None:
            clauses.append("s.enabled = ?")
            params.append(self.enabled)
        if self.published is not None:
            clauses.append("s.publish_date >= ? AND s.publish_date < ?")
            params += list(self.published)
        application = application_parameter(reader, self.application, "filter[application]")
        if application is not None:
            clauses.append("s.application_id = ?")
            params.append(application)
        if self.promoted is not None:
            clauses.append(PROMOTED if self.promoted else f"NOT ({PROMOTED})")
            params.append(self.now)
        return " AND ".join(clauses), params


def publish_period(request: Request, zone: ZoneInfo) -> tuple[datetime, datetime] | None:
    """filter[publish_year] and filter[publish_month] as a UTC range of the club's local time."""
    year = integer_parameter(request, "filter[publish_year]", None)
    month = integer_parameter(request, "filter[publish_month]", None)
    if year is None:
        if month is not None:
            raise ApiError(400, "filter[publish_month] needs filter[publish_year]",
                           parameter="filter[publish_month]")
        return None
    if not 1000 <= year <= 9998:  # the range's ends stay valid dates in every time zone
        raise ApiError(400, "filter[publish_year] should be a year from 1000 to 9998",
                       parameter="filter[publish_year]")
    if month is not None and not 1 <= month <= 12:
        raise ApiError(400, "filter[publish_month] should be 1 to 12",
                       parameter="filter[publish_month]")
    if month is None:
        start, end = datetime(year, 1, 1), datetime(year + 1, 1, 1)
    else:
        start = datetime(year, month, 1)
        end = datetime(year + month // 12, month % 12 + 1, 1)
    return _utc(start, zone), _utc(end, zone)


def _utc(local: datetime, zone: ZoneInfo) -> datetime:
    return local.replace(tzinfo=zone).astimezone(UTC).replace(tzinfo=None)


def list_stories(
    db: Database, filters: StoryFilter, paging: Page, languages: Sequence[str]
) -> tuple[int, list[dict[str, Any]], list[dict[str, Any]]]:
    """The matching news items, newest first: (total count, page of resources, included)."""
    with db.snapshot() as tx:
        where, params = filters.where(tx)
        count = tx.fetchone(f"SELECT count(*) AS n FROM news_stories s WHERE {where}", params)
        rows = tx.fetchall(
            f"SELECT {_COLUMNS} FROM news_stories s WHERE {where}"
            f" ORDER BY s.publish_date DESC, s.id DESC{paging.sql()}",
            params,
        )
        return (count["n"] if count else 0, *_resources(tx, rows, languages))


def find_story(
    db: Database, story_id: int, live_at: datetime | None, languages: Sequence[str]
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """One news item and its application; 404 when unknown or (for `live_at`) not live."""
    with db.snapshot() as tx:
        clause, params = (LIVE, [live_at, live_at]) if live_at is not None else ("true", [])
        rows = tx.fetchall(
            f"SELECT {_COLUMNS} FROM news_stories s WHERE s.id = ? AND {clause}",
            [story_id, *params],
        )
        if not rows:
            raise ApiError(404, "there is no such news item")
        data, included = _resources(tx, rows, languages)
        return data[0], included


def _resources(
    tx: Transaction, rows: list[Row], languages: Sequence[str]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    texts = read_texts(tx, "news_story_texts", [r["id"] for r in rows], languages)
    applications = included_applications(tx, [r["application_id"] for r in rows], languages)
    return [story_resource(row, texts[row["id"]]) for row in rows], list(applications.values())


def story_resource(row: Row, texts: list[dict[str, Any]]) -> dict[str, Any]:
    """The `news_items` resource of a story row and its texts."""
    return resource(
        TYPE,
        row["id"],
        {
            "enabled": row["enabled"],
            "publish_date": timestamp(row["publish_date"]),
            "end_date": timestamp(row["end_date"]),
            "promotion": row["promotion"],
            "promotion_end_date": timestamp(row["promotion_end_date"]),
            "remark": row["remark"] or "",
            "texts": texts,
            "created_at": timestamp(row["created_at"]),
            "updated_at": timestamp(row["updated_at"]),
        },
        {"application": application_identifier(row["application_id"])},
    )


def _story_changes(attributes: Attributes, creating: bool) -> dict[str, Any]:
    """The story columns a document sets (all of them when creating), type-checked."""
    changes: dict[str, Any] = {}
    if creating or attributes.has("publish_date"):
        changes["publish_date"] = attributes.when("publish_date", required=True)
    for name in ("end_date", "promotion_end_date"):
        if creating or attributes.has(name):
            changes[name] = attributes.when(name)
    if creating or attributes.has("enabled"):
        changes["enabled"] = attributes.get("enabled", bool, default=False, nullable=False)
    # `priority` is the old API's name for the promotion
    old_name = attributes.has("priority") and not attributes.has("promotion")
    name = "priority" if old_name else "promotion"
    if creating or attributes.has(name):
        changes["promotion"] = bounded(attributes, name, minimum=0) or 0
    if creating or attributes.has("remark"):
        changes["remark"] = attributes.text("remark")
    return changes


def _check_period(story: dict[str, Any], attributes: Attributes) -> None:
    end = story.get("end_date")
    if end is not None and end <= story["publish_date"]:
        raise ApiError(422, "end_date should be after publish_date",
                       pointer=attributes.pointer("end_date"))


def save_story(
    db: Database, story_id: int | None, doc: dict[str, Any], languages: Sequence[str],
    now: datetime, author_id: int,
) -> int:
    """Create (story_id None) or update a story from a document; returns its id."""
    attributes = Attributes(doc)
    changes = _story_changes(attributes, creating=story_id is None)
    sends_texts = story_id is None or attributes.has("texts")
    texts = parse_texts(attributes, languages) if sends_texts else None

    def work(tx: Transaction) -> int:
        application = content_application(tx, doc, "news")
        if story_id is None:
            if application is None:
                raise ApiError(422, "application is required",
                               pointer="/data/relationships/application")
            _check_period(changes, attributes)
            new_id = tx.insert(
                f"INSERT INTO news_stories (application_id, {', '.join(changes)}, created_at)"
                f" VALUES (?, {', '.join('?' for _ in changes)}, ?) RETURNING id",
                [application, *changes.values(), now],
            )
            assert texts is not None
            replace_texts(tx, "news_story_texts", new_id, texts, now, author_id)
            return int(new_id)
        current = tx.fetchone("SELECT * FROM news_stories WHERE id = ?", [story_id])
        if current is None:
            raise ApiError(404, "there is no such news item")
        _check_period({**current, **changes}, attributes)
        if application is not None:
            changes["application_id"] = application
        assignments = ", ".join(f"{column} = ?" for column in [*changes, "updated_at"])
        tx.execute(f"UPDATE news_stories SET {assignments} WHERE id = ?",
                   [*changes.values(), now, story_id])
        if texts is not None:
            replace_texts(tx, "news_story_texts", story_id, texts, now, author_id)
        return story_id

    return db.write(work)


def delete_story(db: Database, story_id: int) -> None:
    """Delete a story and its texts; 404 when unknown."""

    def work(tx: Transaction) -> None:
        if tx.fetchone("SELECT id FROM news_stories WHERE id = ?", [story_id]) is None:
            raise ApiError(404, "there is no such news item")
        tx.execute("DELETE FROM news_story_texts WHERE story_id = ?", [story_id])
        tx.execute("DELETE FROM news_stories WHERE id = ?", [story_id])

    db.write(work)


def _languages(request: Request) -> tuple[str, ...]:
    return request.app.state.settings.site.languages


async def get_stories(request: Request) -> Response:
    """GET /news_items: filtered, newest first, paged."""
    user = await optional_user(request)
    now = utc_now(request)
    filters = StoryFilter(
        now=now,
        live_at=None if user else now,
        enabled=boolean_parameter(request, "filter[enabled]", None),
        published=publish_period(request, request.app.state.settings.site.zone),
        application=request.query_params.get("filter[application]"),
        promoted=boolean_parameter(request, "filter[promoted]", None),
    )
    paging = page(request, DEFAULT_LIMIT)
    count, data, included = await run_in_threadpool(
        list_stories, request.app.state.db, filters, paging, _languages(request)
    )
    return document(data, included, meta=paging.meta(count))


async def get_story(request: Request) -> Response:
    """GET /news_items/{id}: anonymous callers get only a live story."""
    story_id = parse_id(request.path_params["id"])
    user = await optional_user(request)
    data, included = await run_in_threadpool(
        find_story, request.app.state.db, story_id, None if user else utc_now(request),
        _languages(request),
    )
    return document(data, included)


async def _save(request: Request, story_id: int | None) -> Response:
    user = await require_user(request)
    doc = await read_document(request)
    check_type(doc, TYPE, story_id)
    db = request.app.state.db
    saved = await run_in_threadpool(
        save_story, db, story_id, doc, _languages(request), utc_now(request), user.id
    )
    site_changed(request)
    data, included = await run_in_threadpool(find_story, db, saved, None, _languages(request))
    return document(data, included, status=201 if story_id is None else 200)


async def post_story(request: Request) -> Response:
    """POST /news_items: 201 with the new news item."""
    return await _save(request, None)


async def patch_story(request: Request) -> Response:
    """PATCH /news_items/{id}: change what the document sends; sent texts replace all texts."""
    return await _save(request, parse_id(request.path_params["id"]))


async def delete_story_route(request: Request) -> Response:
    """DELETE /news_items/{id}: 204."""
    await require_user(request)
    story_id = parse_id(request.path_params["id"])
    await run_in_threadpool(delete_story, request.app.state.db, story_id)
    site_changed(request)
    return Response(status_code=204)


routes: list[BaseRoute] = [
    Route("/news_items", get_stories, methods=["GET"]),
    Route("/news_items", post_story, methods=["POST"]),
    Route("/news_items/{id}", get_story, methods=["GET"]),
    Route("/news_items/{id}", patch_story, methods=["PATCH"]),
    Route("/news_items/{id}", delete_story_route, methods=["DELETE"]),
]

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
APPLICATION_RELATIONSHIP = {"application": openapi.identifier_schema("applications")}
_TIME = openapi.nullable(openapi.TIMESTAMP)
_BODY = openapi.document_schema(
    TYPE,
    {
        "enabled": {"type": "boolean"},
        "publish_date": openapi.TIMESTAMP,
        "end_date": _TIME,
        "promotion": {"type": "integer", "minimum": 0, "maximum": MAX_INT},
        "promotion_end_date": _TIME,
        "remark": openapi.nullable(openapi.string()),
        "texts": TEXTS_SCHEMA,
    },
    relationships=APPLICATION_RELATIONSHIP,
)
WRITE_ERRORS = {400: "bad body", 401: "not authenticated", 409: "another type or id",
                413: "body too large", 415: "not JSON",
                422: "invalid document (the source names the field)"}
_ID = [openapi.path_param("id")]
_FILTERS = [
    openapi.query("filter[enabled]", {"type": "boolean"}),
    openapi.query("filter[publish_year]", {"type": "integer", "minimum": 1000, "maximum": 9998}),
    openapi.query("filter[publish_month]", {"type": "integer", "minimum": 1, "maximum": 12},
                  "needs filter[publish_year]"),
    openapi.query("filter[application]", description="an application id or name; 404 if unknown"),
    openapi.query("filter[promoted]", {"type": "boolean"}),
]

openapi_paths: dict[str, Any] = {
    "/news_items": {
        "get": openapi.operation(
            f"News items, newest first (page[limit] defaults to {DEFAULT_LIMIT}); anonymous"
            " callers get only live ones",
            {200: "news items", 400: "bad filter or page", 401: "bad token",
             404: "unknown filter[application]"},
            parameters=_FILTERS + openapi.PAGE_PARAMETERS,
        ),
        "post": openapi.operation("Create a news item", {201: "the news item", **WRITE_ERRORS},
                                  body=_BODY, auth=True),
    },
    "/news_items/{id}": {
        "get": openapi.operation("One news item (anonymous: only a live one)",
                                 {200: "the news item", 401: "bad token", 404: "unknown"},
                                 parameters=_ID),
        "patch": openapi.operation("Edit a news item", {200: "the news item", 404: "unknown",
                                                        **WRITE_ERRORS},
                                   parameters=_ID, body=_BODY, auth=True),
        "delete": openapi.operation("Delete a news item", {204: "deleted", 401: "not authenticated",
                                                           404: "unknown"},
                                    parameters=_ID, auth=True),
    },
}
