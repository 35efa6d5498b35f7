"""News items: stories with texts per locale; anonymous callers read only the live ones.

A story is live when it is enabled, its publish date has come and its end date has not passed.
Reading, saving and deleting a story with its texts is shared with pages (kwai_api.content.items).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
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
from kwai_api.content.items import CONTENT_RELATIONSHIPS, Content, Draft, MakeResource, lead_image
from kwai_api.core.database import Database, Row, Transaction
from kwai_api.core.settings import Settings
from kwai_api.core.visibility import LIVE_STORY, PROMOTED_STORY
from kwai_api.jsonapi import openapi
from kwai_api.jsonapi.access import optional_user, public_view
from kwai_api.jsonapi.answers import remembered
from kwai_api.jsonapi.documents import (
    ApiError,
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
from kwai_api.jsonapi.requests import month_period, site_languages
from kwai_api.jsonapi.state import app_state
from kwai_api.jsonapi.texts import TEXTS_SCHEMA
from kwai_gen.model import Story, Text
from kwai_gen.preview import preview_story

TYPE = "news_items"
STORIES = Content(
    TYPE,
    "news_stories",
    "news_story_texts",
    "news",
    "there is no such news item",
    dates=("publish_date", "end_date", "promotion_end_date"),
)
DEFAULT_LIMIT = 10
_COLUMNS = (
    "s.id, s.application_id, s.enabled, s.publish_date, s.end_date, s.promotion,"
    " s.promotion_end_date, s.remark, s.image_id, s.created_at, s.updated_at"
)


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
            clauses.append(LIVE_STORY)
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
            clauses.append(PROMOTED_STORY if self.promoted else f"NOT ({PROMOTED_STORY})")
            params.append(self.now)
        return " AND ".join(clauses), params


def publish_period(request: Request) -> tuple[datetime, datetime] | None:
    """filter[publish_year] and filter[publish_month] as a UTC range of the club's local time."""
    zone = app_state(request).settings.site.zone
    return month_period(
        request, zone, "filter[publish_year]", "filter[publish_month]", years=(1000, 9998)
    )  # the range's ends stay valid dates in every time zone


def list_stories(
    db: Database,
    filters: StoryFilter,
    paging: Page,
    languages: Sequence[str],
    make: MakeResource | None = None,
) -> tuple[int, list[dict[str, Any]], list[dict[str, Any]]]:
    """The matching stories, newest first: (total count, page of resources, included).

    `make` builds each resource; by default a `news_items` one.
    """
    with db.snapshot() as tx:
        where, params = filters.where(tx)
        count = tx.fetchone(f"SELECT count(*) AS n FROM news_stories s WHERE {where}", params)
        rows = tx.fetchall(
            f"SELECT {_COLUMNS} FROM news_stories s WHERE {where}"
            f" ORDER BY s.publish_date DESC, s.id DESC{paging.sql()}",
            params,
        )
        resources = STORIES.resources(tx, rows, make or story_resource, languages)
        return (count["n"] if count else 0, *resources)


def find_story(
    db: Database, story_id: int, languages: Sequence[str], live_at: datetime | None = None
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """One news item and its application; 404 when unknown or (for `live_at`) not live."""
    clause, params = (LIVE_STORY, [live_at, live_at]) if live_at is not None else ("true", [])
    return STORIES.find(
        db,
        f"SELECT {_COLUMNS} FROM news_stories s WHERE s.id = ? AND {clause}",
        [story_id, *params],
        story_resource,
        languages,
    )


def next_story_change(db: Database, now: datetime) -> datetime | None:
    """The first moment after `now` at which a story goes live, ends or stops being promoted:
    until then, what the news items say at `now` holds."""
    moment: datetime | None = db.fetchvalue(
        "SELECT min(moment) FROM (SELECT unnest([publish_date, end_date, promotion_end_date])"
        " AS moment FROM news_stories) WHERE moment > ?",
        [now],
    )
    return moment


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
        {
            "application": application_identifier(row["application_id"]),
            "image": image_identifier(row["image_id"]),
        },
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
        raise ApiError(
            422, "end_date should be after publish_date", pointer=attributes.pointer("end_date")
        )


def save_story(
    db: Database,
    story_id: int | None,
    doc: dict[str, Any],
    languages: Sequence[str],
    now: datetime,
    author_id: int,
) -> int:
    """Create (story_id None) or update a story from a document; returns its id."""
    attributes = Attributes(doc)
    changes = lead_image(doc, _story_changes(attributes, creating=story_id is None))
    return STORIES.save(
        db,
        story_id,
        doc,
        changes,
        languages,
        now,
        author_id,
        check=lambda story: _check_period(story, attributes),
    )


async def get_stories(request: Request) -> Response:
    """GET /news_items: filtered, newest first, paged."""
    user = await optional_user(request)
    now = app_state(request).clock()
    filters = StoryFilter(
        now=now,
        live_at=None if user else now,
        enabled=boolean_parameter(request, "filter[enabled]", None),
        published=publish_period(request),
        application=request.query_params.get("filter[application]"),
        promoted=boolean_parameter(request, "filter[promoted]", None),
    )
    paging = page(request, DEFAULT_LIMIT)

    async def read() -> Response:
        count, data, included = await run_in_threadpool(
            list_stories, app_state(request).db, filters, paging, site_languages(request)
        )
        if user is None:
            data, included = public_view(data), public_view(included)
        return document(data, included, meta=paging.meta(count))

    return await remembered(request, user is None, read, until=next_story_change)


async def get_story(request: Request) -> Response:
    """GET /news_items/{id}: anonymous callers get only a live story."""
    story_id = parse_id(request.path_params["id"])
    user, state = await optional_user(request), app_state(request)

    async def read() -> Response:
        data, included = await run_in_threadpool(
            find_story, state.db, story_id, site_languages(request), None if user else state.clock()
        )
        if user is None:
            [data], included = public_view([data]), public_view(included)
        return document(data, included)

    return await remembered(request, user is None, read, until=next_story_change)


async def post_story(request: Request) -> Response:
    """POST /news_items: 201 with the new news item."""
    return await STORIES.save_request(request, None, save_story, find_story, _BODY)


async def patch_story(request: Request) -> Response:
    """PATCH /news_items/{id}: change what the document sends; sent texts replace all texts."""
    story_id = parse_id(request.path_params["id"])
    return await STORIES.save_request(request, story_id, save_story, find_story, _BODY)


async def delete_story(request: Request) -> Response:
    """DELETE /news_items/{id}: 204."""
    return await STORIES.delete_request(request)


def render_story(settings: Settings, db: Database, draft: Draft, lang: str, now: datetime) -> str:
    """The page the site would publish for a draft story (saved now)."""
    values = draft.values
    story = Story(
        id=draft.id or 0,
        application=draft.application,
        publish_date=values["publish_date"].replace(tzinfo=UTC),
        end_date=values["end_date"] and values["end_date"].replace(tzinfo=UTC),
        priority=values["promotion"],
        texts={locale: Text(locale, *text) for locale, *text in draft.texts},
        updated_at=now.replace(tzinfo=UTC),
    )
    return preview_story(settings, db, story, lang)


async def preview_story_route(request: Request) -> Response:
    """POST /news_items/preview: the story page the site would publish for a draft, as HTML."""

    def check(values: dict[str, Any]) -> None:
        _check_period(values, Attributes({}))

    return await STORIES.preview_request(request, _story_changes, render_story, _BODY, check)


routes: list[BaseRoute] = [
    Route("/news_items", get_stories, methods=["GET"]),
    Route("/news_items", post_story, methods=["POST"]),
    Route("/news_items/preview", preview_story_route, methods=["POST"]),
    Route("/news_items/{id}", get_story, methods=["GET"]),
    Route("/news_items/{id}", patch_story, methods=["PATCH"]),
    Route("/news_items/{id}", delete_story, methods=["DELETE"]),
]

_TIME = openapi.nullable(openapi.TIMESTAMP)
_BODY = openapi.document_schema(
    TYPE,
    {
        "enabled": {"type": "boolean"},
        "publish_date": openapi.TIMESTAMP,
        "end_date": _TIME,
        "promotion": {"type": "integer", "minimum": 0, "maximum": MAX_INT},
        "priority": {
            "type": "integer",
            "minimum": 0,
            "maximum": MAX_INT,
            "description": "the old API's name for promotion",
        },
        "promotion_end_date": _TIME,
        "remark": openapi.nullable(openapi.string()),
        "texts": TEXTS_SCHEMA,
    },
    relationships=CONTENT_RELATIONSHIPS,
)
_ID = [openapi.path_param("id")]
_FILTERS = [
    openapi.query("filter[enabled]", {"type": "boolean"}),
    openapi.query("filter[publish_year]", {"type": "integer", "minimum": 1000, "maximum": 9998}),
    openapi.query(
        "filter[publish_month]",
        {"type": "integer", "minimum": 1, "maximum": 12},
        "needs filter[publish_year]",
    ),
    openapi.query("filter[application]", description="an application id or name; 404 if unknown"),
    openapi.query("filter[promoted]", {"type": "boolean"}),
]

openapi_paths: dict[str, Any] = {
    "/news_items": {
        "get": openapi.operation(
            f"News items, newest first (page[limit] defaults to {DEFAULT_LIMIT}); anonymous"
            " callers get only live ones",
            {200: "news items", 400: "bad filter or page", 404: "unknown filter[application]"},
            parameters=_FILTERS + openapi.PAGE_PARAMETERS,
        ),
        "post": openapi.operation(
            "Create a news item",
            {201: "the news item", **openapi.WRITE_ERRORS},
            body=_BODY,
            auth=True,
        ),
    },
    "/news_items/preview": {
        "post": openapi.html_operation(
            "The story page the site would publish for a draft (a new item, or data.id as"
            " patched) in ?lang=, as HTML; nothing is stored",
            body=_BODY,
            parameters=[openapi.query("lang", openapi.string())],
        ),
    },
    "/news_items/{id}": {
        "get": openapi.operation(
            "One news item (anonymous: only a live one)",
            {200: "the news item", 404: "unknown"},
            parameters=_ID,
        ),
        "patch": openapi.operation(
            "Edit a news item",
            {200: "the news item", 404: "unknown", **openapi.WRITE_ERRORS},
            parameters=_ID,
            body=_BODY,
            auth=True,
        ),
        "delete": openapi.operation(
            "Delete a news item",
            {204: "deleted", 401: "not authenticated", 404: "unknown"},
            parameters=_ID,
            auth=True,
        ),
    },
}
