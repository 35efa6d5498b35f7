"""The outbox as admins see it: run the mail dispatcher now, and list the mails with their fate."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from kwai_api.core.database import Database, Row, Transaction
from kwai_api.jsonapi import openapi
from kwai_api.jsonapi.access import has_job_secret, require_admin
from kwai_api.jsonapi.documents import (
    ApiError,
    Page,
    document,
    json_response,
    page,
    parse_uuid,
    resource,
    timestamp,
)
from kwai_api.jsonapi.state import app_state
from kwai_api.mail.sender import MailServerUnreachable, dispatch

STATUSES = ("queued", "sending", "sent", "dead", "cancelled")


async def run_dispatch(request: Request) -> Response:
    """POST /mails/dispatch: send the due mail now (an admin, or cron with the job secret).

    Through the server's mail job when it runs, so a run never overlaps the scheduled one; 503
    when the mail server cannot be reached (the attempts are counted all the same).
    """
    if not has_job_secret(request):
        await require_admin(request)
    state = app_state(request)
    try:
        if state.jobs is not None:
            counts = await state.jobs.send_mail()
        else:
            counts = await dispatch(state.db, state.settings, clock=state.clock)
    except MailServerUnreachable as error:
        raise ApiError(503, str(error)) from None
    return json_response({"meta": counts})


def mail_server_state(request: Request) -> str:
    """Whether the last mail run reached the mail server: "ok", "unknown" or why not."""
    jobs = app_state(request).jobs
    return jobs.mail_server if jobs is not None else "unknown"


async def retry_mail(request: Request) -> Response:
    """POST /mails/{uuid}/retry: queue a dead or cancelled mail again, with fresh attempts."""
    await require_admin(request)
    mail_uuid = parse_uuid(request.path_params["uuid"])
    state = app_state(request)
    row = await run_in_threadpool(requeue, state.db, mail_uuid, state.clock())
    return document(mail_resource(row))


def requeue(db: Database, mail_uuid: str, now: datetime) -> Row:
    """Put a mail that was given up on back in the queue; 404 unknown, 409 not given up on."""

    def work(tx: Transaction) -> Row:
        row = tx.fetchone("SELECT status FROM mails WHERE uuid = ?", [mail_uuid])
        if row is None:
            raise ApiError(404, "no such mail")
        if row["status"] not in ("dead", "cancelled"):
            raise ApiError(
                409, f"this mail is {row['status']}; only dead or cancelled mail is retried"
            )
        queued = tx.fetchone(
            "UPDATE mails SET status = 'queued', attempts = 0, next_attempt_at = ?,"
            f" updated_at = ?, about = NULL WHERE uuid = ? RETURNING {_MAIL_COLUMNS}",
            [now, now, mail_uuid],
        )
        assert queued is not None  # the row was read in this transaction
        return queued

    return db.write(work)


async def list_mails(request: Request) -> Response:
    """GET /mails: the outbox, newest first, optionally of one status."""
    await require_admin(request)
    status = request.query_params.get("filter[status]") or None
    if status is not None and status not in STATUSES:
        raise ApiError(
            400,
            f"filter[status] should be one of {', '.join(STATUSES)}",
            parameter="filter[status]",
        )
    paging = page(request)
    count, rows = await run_in_threadpool(mails, app_state(request).db, status, paging)
    meta = {**paging.meta(count), "mail_server": mail_server_state(request)}
    return document([mail_resource(row) for row in rows], meta=meta)


def mails(db: Database, status: str | None, paging: Page) -> tuple[int, list[Row]]:
    """The number of mails (of a status) and one page of them, newest first."""
    where, params = (" WHERE status = ?", [status]) if status else ("", [])
    count = db.fetchvalue(f"SELECT count(*) FROM mails{where}", params)
    rows = db.fetchall(
        f"SELECT {_MAIL_COLUMNS} FROM mails{where} ORDER BY created_at DESC, id DESC{paging.sql()}",
        params,
    )
    return count, rows


_MAIL_COLUMNS = (
    "uuid, recipient, subject, status, attempts, last_error, next_attempt_at, sent_at, created_at"
)


def mail_resource(row: Row) -> dict[str, Any]:
    """A `mails` resource (the bodies stay in the database)."""
    return resource(
        "mails",
        row["uuid"],
        {
            "recipient": row["recipient"],
            "subject": row["subject"],
            "status": row["status"],
            "attempts": row["attempts"],
            "last_error": row["last_error"],
            "next_attempt_at": timestamp(row["next_attempt_at"]),
            "sent_at": timestamp(row["sent_at"]),
            "created_at": timestamp(row["created_at"]),
        },
    )


routes: list[BaseRoute] = [
    Route("/mails/dispatch", run_dispatch, methods=["POST"]),
    Route("/mails", list_mails, methods=["GET"]),
    Route("/mails/{uuid}/retry", retry_mail, methods=["POST"]),
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
            {
                200: "the run's counts",
                401: "not authenticated",
                403: "not an administrator",
                503: "the mail server could not be reached (the attempts were counted)",
            },
            parameters=[JOB_SECRET],
            auth=True,
        ),
    },
    "/mails": {
        "get": openapi.operation(
            "List the queued, sent and dead mails, newest first",
            {
                200: "a list of mails",
                400: "a bad query parameter",
                401: "not authenticated",
                403: "not an administrator",
            },
            parameters=[
                openapi.query("filter[status]", openapi.string(enum=list(STATUSES))),
                *openapi.PAGE_PARAMETERS,
            ],
            auth=True,
        ),
    },
    "/mails/{uuid}/retry": {
        "post": openapi.operation(
            "Queue a dead or cancelled mail again, with fresh attempts",
            {
                200: "the mail, queued",
                401: "not authenticated",
                403: "not an administrator",
                404: "unknown mail",
                409: "the mail was not given up on",
            },
            parameters=[openapi.path_param("uuid")],
            auth=True,
        ),
    },
}
