"""Cancel (or uncancel) every training of a period at once: a holiday, a closed hall.

POST /trainings/cancellations takes the period's first and last day on the club's clock, whether
to cancel, the reason the agenda and the calendars show, and optionally the teams and
definitions it is limited to. One transaction, one rebuild.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from kwai_api.core.clock import to_utc
from kwai_api.core.database import Database, Transaction
from kwai_api.jsonapi import openapi as oa
from kwai_api.jsonapi.access import require_user
from kwai_api.jsonapi.documents import (
    MISSING,
    ApiError,
    Attributes,
    Page,
    check_type,
    document,
    read_document,
    reference_id,
    relationship,
)
from kwai_api.jsonapi.requests import site_changed
from kwai_api.jsonapi.state import app_state
from kwai_api.trainings.definition_routes import row_exists
from kwai_api.trainings.training_routes import list_trainings
from kwai_api.trainings.training_writes import (
    REASON_LENGTH,
    TrainingFilter,
    read_range,
    read_reason,
)

TYPE = "training_cancellations"


@dataclass(frozen=True)
class Cancellation:
    """What a cancellation document asks: a period of local days (both included), whether to
    cancel, why, and the teams and definitions it is limited to (empty: all)."""

    first: date
    last: date
    cancelled: bool
    reason: str | None
    teams: tuple[tuple[int | None, str], ...] = ()  # (id, pointer)
    definitions: tuple[tuple[int | None, str], ...] = ()


def _references(content: dict[str, Any], name: str) -> tuple[tuple[int | None, str], ...]:
    """The ids a to-many relationship names, each with its pointer; none when not sent."""
    linked = relationship(content, name, many=True)
    if linked is MISSING:
        return ()
    return tuple(
        (reference_id(item["id"]), f"/data/relationships/{name}/{n}")
        for n, item in enumerate(linked)
    )


def read_cancellation(content: dict[str, Any], window: tuple[datetime, datetime]) -> Cancellation:
    """The cancellation a document asks for (days within `window`), else 422 naming the field."""
    attributes = Attributes(content)
    first, last = read_range({}, content, window)
    cancelled = attributes.get("cancelled", bool, default=True, nullable=False)
    reason = read_reason(attributes, "reason")
    if reason is not None and not cancelled:
        raise ApiError(
            422, "a reason goes with cancelled: true", pointer=attributes.pointer("reason")
        )
    return Cancellation(
        first,
        last,
        cancelled,
        reason,
        _references(content, "teams"),
        _references(content, "definitions"),
    )


def cancel_period(db: Database, asked: Cancellation, now: datetime, zone: ZoneInfo) -> list[int]:
    """Cancel (or uncancel) the active trainings starting in the period; returns the ids of
    the ones that changed, whose revision (the iCal SEQUENCE) goes up."""

    def work(tx: Transaction) -> list[int]:
        for table, references in (
            ("teams", asked.teams),
            ("training_definitions", asked.definitions),
        ):
            for ref_id, pointer in references:
                if ref_id is None or not row_exists(tx, table, ref_id):
                    raise ApiError(422, f"there is no such {table} id", pointer=pointer)
        clauses = [
            "active",
            "start_date >= ?",
            "start_date < ?",
            "(cancelled <> ? OR cancel_reason IS DISTINCT FROM ?)",
        ]
        params: list[Any] = [
            to_utc(datetime.combine(asked.first, time()), zone),
            to_utc(datetime.combine(asked.last + timedelta(days=1), time()), zone),
            asked.cancelled,
            asked.reason,
        ]
        if asked.teams:
            clauses.append(
                "id IN (SELECT training_id FROM training_teams"
                " WHERE team_id IN (SELECT unnest(?::INTEGER[])))"
            )
            params.append([ref_id for ref_id, _ in asked.teams])
        if asked.definitions:
            clauses.append("definition_id IN (SELECT unnest(?::INTEGER[]))")
            params.append([ref_id for ref_id, _ in asked.definitions])
        rows = tx.fetchall(
            "UPDATE trainings SET cancelled = ?, cancel_reason = ?, revision = revision + 1,"
            f" updated_at = ? WHERE {' AND '.join(clauses)} RETURNING id",
            [asked.cancelled, asked.reason, now, *params],
        )
        return sorted(row["id"] for row in rows)

    return db.write(work)


async def cancel_route(request: Request) -> Response:
    """POST /trainings/cancellations: the trainings that changed, with meta.count."""
    await require_user(request)
    content = await read_document(request, _BODY)
    check_type(content, TYPE)
    state = app_state(request)
    asked = read_cancellation(content, state.settings.dates.training_window(state.clock()))
    db, zone = app_state(request).db, app_state(request).settings.site.zone
    ids = await run_in_threadpool(cancel_period, db, asked, app_state(request).clock(), zone)
    if ids:
        site_changed(request)
    found = await run_in_threadpool(
        list_trainings, db, TrainingFilter(active=None, ids=ids), Page(None, None)
    )
    return document(
        found.data(public=False),
        found.included(public=False),
        meta={"count": len(ids), "offset": None, "limit": None},
    )


routes: list[BaseRoute] = [Route("/trainings/cancellations", cancel_route, methods=["POST"])]

_ATTRIBUTES = {
    "start": oa.string(format="date", description="the first day, on the club's clock"),
    "end": oa.string(format="date", description="the last day (included), at most two years on"),
    "cancelled": {"type": "boolean", "description": "true (default) cancels, false uncancels"},
    "reason": oa.nullable(oa.string(maxLength=REASON_LENGTH)),
}
_LIMITS = {
    "teams": {"type": "array", "items": oa.identifier_schema("teams")},
    "definitions": {"type": "array", "items": oa.identifier_schema("training_definitions")},
}

_BODY = oa.document_schema(TYPE, _ATTRIBUTES, ("start", "end"), _LIMITS)

openapi_paths: dict[str, Any] = {
    "/trainings/cancellations": {
        "post": oa.operation(
            "Cancel or uncancel every training of a period (optionally of some teams or"
            " definitions), with a reason; answers the trainings that changed",
            {200: "the trainings that changed (meta.count)", **oa.WRITE_ERRORS},
            body=_BODY,
            auth=True,
        ),
    },
}
