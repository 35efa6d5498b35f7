"""The site's builds through the API: the latest ones, and asking for one (and waiting)."""

from __future__ import annotations

import threading
from datetime import datetime
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from kwai_api.core.database import Database
from kwai_api.jsonapi import openapi as oa
from kwai_api.jsonapi.access import require_user, require_user_or_job
from kwai_api.jsonapi.documents import (
    ApiError,
    Attributes,
    body,
    document,
    page,
    parse_timestamp,
    read_document,
    resource,
    timestamp,
)
from kwai_api.jsonapi.state import AppState, app_state
from kwai_gen.build import BuildFailed, BuildResult, build_site

# Without the scheduler (tests, tools), builds asked through the API still run one at a time.
_direct_build_lock = threading.Lock()


def latest_build_summary(db: Database) -> dict[str, Any] | None:
    """The last recorded build, for /health and /site/builds/latest."""
    row = db.fetchone("SELECT * FROM site_builds ORDER BY id DESC LIMIT 1")
    return _attributes(row) if row else None


def _attributes(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "status": row["status"],
        "trigger": row["trigger"],
        "full": row["full_build"],
        "started_at": timestamp(row["started_at"]),
        "finished_at": timestamp(row["finished_at"]),
        "now": timestamp(row["now"]),
        "release": row["release"],
        "files_written": row["files_written"],
        "files_unchanged": row["files_unchanged"],
        "files_deleted": row["files_deleted"],
        "error": row["error"],
    }


def _build_document(db: Database, build_id: int | None, status: int = 200) -> Response:
    """The build `build_id`, or the latest build when it is None."""
    row = db.fetchone(
        "SELECT * FROM site_builds WHERE id = coalesce(?, (SELECT max(id) FROM site_builds))",
        [build_id],
    )
    if row is None:
        raise ApiError(404, "the site has not been built yet")
    return document(resource("site_builds", row["id"], _attributes(row)), status=status)


def list_builds(db: Database, offset: int | None, limit: int) -> tuple[int, list[dict[str, Any]]]:
    """The recorded builds, newest first: (count, a page of resources)."""
    count = db.fetchvalue("SELECT count(*) FROM site_builds")
    rows = db.fetchall(
        "SELECT * FROM site_builds ORDER BY id DESC LIMIT ? OFFSET ?", [limit, offset or 0]
    )
    return int(count or 0), [resource("site_builds", r["id"], _attributes(r)) for r in rows]


async def builds(request: Request) -> Response:
    """GET /site/builds: the builds, newest first, paged (by default the last 20)."""
    await require_user(request)
    paging = page(request, default_limit=20)
    limit = 20 if paging.limit is None else paging.limit
    count, data = await run_in_threadpool(list_builds, app_state(request).db, paging.offset, limit)
    return document(data, meta=paging.meta(count))


async def latest(request: Request) -> Response:
    """GET /site/builds/latest: the last build (start, end, files written, status, error)."""
    await require_user(request)
    return await run_in_threadpool(_build_document, app_state(request).db, None)


async def create(request: Request) -> Response:
    """POST /site/builds: build now and answer when done (a token or the job secret)."""
    user = await require_user_or_job(request)
    full, now = False, None
    if await body(request):
        attributes = Attributes(await read_document(request, _BUILD_BODY))
        full = bool(attributes.get("full", bool, default=False))
        when = attributes.get("now", str)
        now = parse_timestamp(when, pointer=attributes.pointer("now")) if when else None
        if now is not None and user is not None and not user.admin:
            # Another clock publishes scheduled stories early: only an admin or cron may.
            raise ApiError(
                403,
                "only an administrator may build at another time",
                pointer=attributes.pointer("now"),
            )
    state = app_state(request)
    try:
        if state.jobs is not None:
            build_id = (await state.jobs.rebuild(trigger="api", full=full, now=now)).id
        else:
            build_id = (await run_in_threadpool(_build_directly, state, full, now)).id
    except BuildFailed as failure:  # recorded with status "failed" and its error: the answer
        if failure.build_id is None:
            raise
        build_id = failure.build_id
    return await run_in_threadpool(_build_document, state.db, build_id, 201)


def _build_directly(state: AppState, full: bool, now: datetime | None) -> BuildResult:
    with _direct_build_lock:
        when = now if now is not None else state.clock()
        return build_site(state.settings, state.db, now=when, full=full, trigger="api")


routes: list[BaseRoute] = [
    Route("/site/builds/latest", latest, methods=["GET"]),
    Route("/site/builds", builds, methods=["GET"]),
    Route("/site/builds", create, methods=["POST"]),
]

_BUILD_BODY = oa.document_schema("site_builds", {"full": {"type": "boolean"}, "now": oa.TIMESTAMP})
openapi_paths: dict[str, Any] = {
    "/site/builds/latest": {
        "get": oa.operation(
            "The latest site build",
            {200: "the build", 401: "not authenticated", 404: "no build yet"},
            auth=True,
        )
    },
    "/site/builds": {
        "get": oa.operation(
            "The site's builds, newest first (by default the last 20)",
            {200: "builds", 400: "bad page", 401: "not authenticated"},
            parameters=oa.PAGE_PARAMETERS,
            auth=True,
        ),
        "post": oa.operation(
            "Build the site now and wait for the result (a failed build has status failed)",
            {
                201: "the build, succeeded or failed",
                400: "bad body",
                401: "not authenticated",
                415: "unsupported media type",
                422: "invalid document",
            },
            body=_BUILD_BODY,
            auth=True,
        ),
    },
}
