"""The portal's public news: the promoted stories that are live now, as the old portal read them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from kwai_api.content.application_routes import application_identifier
from kwai_api.content.news_routes import StoryFilter, list_stories
from kwai_api.core.database import Database, Row
from kwai_api.jsonapi import openapi
from kwai_api.jsonapi.access import public_view
from kwai_api.jsonapi.documents import Page, document, page, resource, timestamp
from kwai_api.jsonapi.requests import site_languages
from kwai_api.jsonapi.state import app_state

TYPE = "stories"
DEFAULT_LIMIT = 10


def promoted_stories(
    db: Database, now: datetime, paging: Page, languages: Sequence[str]
) -> tuple[int, list[dict[str, Any]], list[dict[str, Any]]]:
    """The promoted live stories, newest first: (total count, page of resources, included)."""
    promoted = StoryFilter(now=now, live_at=now, promoted=True)
    return list_stories(db, promoted, paging, languages, story_resource)


def story_resource(row: Row, texts: list[dict[str, Any]]) -> dict[str, Any]:
    """A `stories` resource: the rendered texts, the promotion as priority, the publish date."""
    return resource(
        TYPE,
        row["id"],
        {
            "content": [
                {
                    "locale": t["locale"],
                    "title": t["title"],
                    "summary": t["html_summary"],
                    "content": t["html_content"] or None,
                }
                for t in texts
            ],
            "priority": row["promotion"],
            "publish_date": timestamp(row["publish_date"]),
        },
        {"application": application_identifier(row["application_id"])},
    )


async def get_news(request: Request) -> Response:
    """GET /portal/news: the promoted live stories, newest first, 10 a page by default."""
    paging, state = page(request, DEFAULT_LIMIT), app_state(request)
    count, data, included = await run_in_threadpool(
        promoted_stories, state.db, state.clock(), paging, site_languages(request)
    )
    return document(data, public_view(included), meta=paging.meta(count))


routes: list[BaseRoute] = [Route("/portal/news", get_news, methods=["GET"])]

openapi_paths: dict[str, Any] = {
    "/portal/news": {
        "get": openapi.operation(
            f"The promoted, live stories, newest first (page[limit] defaults to {DEFAULT_LIMIT})",
            {200: "stories", 400: "bad page parameter"},
            parameters=openapi.PAGE_PARAMETERS,
        ),
    },
}
