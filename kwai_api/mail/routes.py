"""The outbox as admins see it: run the mail dispatcher now, and list the mails with their fate."""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from kwai_api.core.database import Database, Row
from kwai_api.jsonapi import openapi
from kwai_api.jsonapi.access import has_job_secret, require_admin
from kwai_api.jsonapi.documents import (
    ApiError,
    Page,
    document,
    json_response,
    page,
    resource,
    timestamp,
)
from kwai_api.jsonapi.state import app_state
from kwai_api.mail.sender import dispatch

STATUSES = ("queued", "sending", "sent", "dead")


async def run_dispatch(request: Request) -> Response:
    """POST /mails/dispatch: send the due mail now (an admin, or cron with the job secret)."""
    if not has_job_secret(request):
        await require_admin(request)
    state = app_state(request)
    counts = await dispatch(state.db, state.settings, state.clock())
    return json_response({"meta": counts})


async def list_mails(request: Request) -> Response:
    """GET /mails: the outbox, newest first, optionally of one status."""
    await require_admin(request)
    status = request.query_params.get("filter[status]") or None
    if status is not None and status not in STATUSES:
        raise ApiError(400, f"filter[status] should be one of {', '.join(STATUSES)}",
                       parameter="filter[status]")
    paging = page(request)
    count, rows = await run_in_threadpool(mails, app_state(request).db, status, paging)
    return document([mail_resource(row) for row in rows], meta=paging.meta(count))


def mails(db: Database, status: str | None, paging: Page) -> tuple[int, list[Row]]:
    """The number of mails (of a status) and one page of them, newest first."""
    where, params = (" WHERE status = ?", [status]) if status else ("", [])
    count = db.fetchvalue(f"SELECT count(*) FROM mails{where}", params)
    rows = db.fetchall(
        "SELECT uuid, recipient, subject, status, attempts, last_error, next_attempt_at,"
        f" sent_at, created_at FROM mails{where} ORDER BY created_at DESC, id DESC{paging.sql()}",
        params,
    )
    return count, rows


def mail_resource(row: Row) -> dict[str, Any]:
    """A `mails` resource (the bodies stay in the database)."""
    return resource("mails", row["uuid"], {
        "recipient": row["recipient"],
        "subject": row["subject"],
        "status": row["status"],
        "attempts": row["attempts"],
        "last_error": row["last_error"],
        "next_attempt_at": timestamp(row["next_attempt_at"]),
        "sent_at": timestamp(row["sent_at"]),
        "created_at": timestamp(row["created_at"]),
    })


routes: list[BaseRoute] = [
    Route("/mails/dispatch", run_dispatch, methods=["POST"]),
    Route("/mails", list_mails, methods=["GET"]),
]

JOB_SECRET = {
    "name": "X-Kwai-Job-Secret",
    "in": "header",
    "required": False,
    "schema": openapi.string(),
    "description": "the local job secret (cron); instead of an admin's bearer token",
}

openapi_paths: dict[str, Any] = {
    "/mails/dispatch": {
        "post": openapi.operation(
            "Send the due mail now; meta holds the counts sent, retry and dead",
            {200: "the run's counts", 401: "not authenticated", 403: "not an administrator"},
            parameters=[JOB_SECRET],
            auth=True,
        ),
    },
    "/mails": {
        "get": openapi.operation(
            "List the queued, sent and dead mails, newest first",
            {200: "a list of mails", 400: "a bad query parameter", 401: "not authenticated",
             403: "not an administrator"},
            parameters=[
                openapi.query("filter[status]", openapi.string(enum=list(STATUSES))),
                *openapi.PAGE_PARAMETERS,
            ],
            auth=True,
        ),
    },
}
