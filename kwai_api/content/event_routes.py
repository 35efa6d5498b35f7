"""Events: tournaments, camps and exams of the applications that hold events, on whole days.

An event lasts from its start day to its end day (the same day when it has none), at a place,
with an optional registration link and deadline, and texts per locale like news items. Anonymous
callers read only enabled events and never the staff remark. Reading, saving and deleting an
event with its texts is what stories and pages share (kwai_api.content.items).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from urllib.parse import urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from kwai_api.content.application_routes import application_identifier, application_parameter
from kwai_api.content.items import Content
from kwai_api.core.database import Database, Row, Transaction
from kwai_api.jsonapi import openapi
from kwai_api.jsonapi.access import optional_user
from kwai_api.jsonapi.documents import (
    ApiError,
    Attributes,
    Page,
    boolean_parameter,
    document,
    integer_parameter,
    page,
    parse_id,
    resource,
    timestamp,
)
from kwai_api.jsonapi.requests import site_languages
from kwai_api.jsonapi.state import app_state
from kwai_api.jsonapi.texts import TEXTS_SCHEMA

TYPE = "events"
EVENTS = Content(TYPE, "events", "event_texts", "events", "there is no such event", slugs=False)
DEFAULT_LIMIT = 20
FIRST_YEAR = 1900
YEARS_AHEAD = 50  # an event further ahead than this is a typing error
_DAY_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_COLUMNS = (
    "e.id, e.application_id, e.enabled, e.start_date, e.end_date, e.location,"
    " e.registration_url, e.registration_deadline, e.remark, e.created_at, e.updated_at"
)


@dataclass(frozen=True)
class EventFilter:
    """What a list of events asks for; `public` limits anonymous callers to enabled events."""

    today: date
    public: bool = True
    application: str | None = None
    year: int | None = None
    upcoming: bool | None = None  # True: not yet ended; False: ended before today

    def where(self, reader: Database | Transaction) -> tuple[str, list[Any]]:
        """The WHERE clause and its parameters (an unknown application is a 404)."""
        clauses: list[str] = ["true"]
        params: list[Any] = []
        if self.public:
            clauses.append("e.enabled")
        application = application_parameter(reader, self.application, "filter[application]")
        if application is not None:
            clauses.append("e.application_id = ?")
            params.append(application)
        if self.year is not None:  # an event is in every year it touches
            clauses.append("year(e.start_date) <= ? AND year(e.end_date) >= ?")
            params += [self.year, self.year]
        if self.upcoming is not None:
            clauses.append("e.end_date >= ?" if self.upcoming else "e.end_date < ?")
            params.append(self.today)
        return " AND ".join(clauses), params


def list_events(
    db: Database, filters: EventFilter, paging: Page, languages: Sequence[str]
) -> tuple[int, list[dict[str, Any]], list[dict[str, Any]]]:
    """The matching events by start day: (total count, page of resources, included)."""
    make = public_resource if filters.public else event_resource
    with db.snapshot() as tx:
        where, params = filters.where(tx)
        count = tx.fetchone(f"SELECT count(*) AS n FROM events e WHERE {where}", params)
        rows = tx.fetchall(
            f"SELECT {_COLUMNS} FROM events e WHERE {where}"
            f" ORDER BY e.start_date, e.id{paging.sql()}",
            params,
        )
        resources = EVENTS.resources(tx, rows, make, languages)
        return (count["n"] if count else 0, *resources)


def find_event(
    db: Database, event_id: int, languages: Sequence[str], public: bool = False
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """One event and its application; 404 when unknown or (for `public`) not enabled."""
    clause = "e.enabled" if public else "true"
    return EVENTS.find(
        db,
        f"SELECT {_COLUMNS} FROM events e WHERE e.id = ? AND {clause}",
        [event_id],
        public_resource if public else event_resource,
        languages,
    )


def event_resource(row: Row, texts: list[dict[str, Any]]) -> dict[str, Any]:
    """The `events` resource of an event row and its texts, as the staff see it."""
    return resource(
        TYPE,
        row["id"],
        {
            "enabled": row["enabled"],
            "start_date": row["start_date"].isoformat(),
            "end_date": row["end_date"].isoformat(),
            "location": row["location"],
            "registration_url": row["registration_url"],
            "registration_deadline": _day_text(row["registration_deadline"]),
            "remark": row["remark"] or "",
            "texts": texts,
            "created_at": timestamp(row["created_at"]),
            "updated_at": timestamp(row["updated_at"]),
        },
        {"application": application_identifier(row["application_id"])},
    )


def public_resource(row: Row, texts: list[dict[str, Any]]) -> dict[str, Any]:
    """An event as anonymous callers see it: without the staff remark."""
    item = event_resource(row, texts)
    del item["attributes"]["remark"]
    return item


def _day_text(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def parse_day(
    attributes: Attributes, name: str, today: date, required: bool = False
) -> date | None:
    """A day attribute "YYYY-MM-DD" within FIRST_YEAR to YEARS_AHEAD from now, else 422."""
    value = attributes.get(name, str, required=required)
    if value is None:
        return None
    try:
        day = date.fromisoformat(value) if _DAY_PATTERN.fullmatch(value) else None
    except ValueError:  # a day the calendar does not have, 2027-02-30
        day = None
    if day is None:
        raise ApiError(
            422, f"{name} should be a day 'YYYY-MM-DD'", pointer=attributes.pointer(name)
        )
    if not FIRST_YEAR <= day.year <= today.year + YEARS_AHEAD:
        raise ApiError(
            422,
            f"{name} should be from {FIRST_YEAR} to {today.year + YEARS_AHEAD}",
            pointer=attributes.pointer(name),
        )
    return day


def _registration_url(attributes: Attributes) -> str | None:
    """An http(s) link with a host, or None; anything else (javascript:, mailto:...) is a 422."""
    value = (attributes.text("registration_url") or "").strip()
    if not value:
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in value):
        raise ApiError(
            422,
            "registration_url should be an http or https link",
            pointer=attributes.pointer("registration_url"),
        )
    return value


def _event_changes(attributes: Attributes, creating: bool, today: date) -> dict[str, Any]:
    """The event columns a document sets (all of them when creating), type-checked."""
    changes: dict[str, Any] = {}
    if creating or attributes.has("start_date"):
        changes["start_date"] = parse_day(attributes, "start_date", today, required=True)
    if creating or attributes.has("end_date"):
        changes["end_date"] = parse_day(attributes, "end_date", today)
    if creating or attributes.has("registration_deadline"):
        changes["registration_deadline"] = parse_day(attributes, "registration_deadline", today)
    if creating or attributes.has("registration_url"):
        changes["registration_url"] = _registration_url(attributes)
    if creating or attributes.has("location"):
        changes["location"] = (attributes.text("location") or "").strip()
    if creating or attributes.has("enabled"):
        changes["enabled"] = attributes.get("enabled", bool, default=False, nullable=False)
    if creating or attributes.has("remark"):
        changes["remark"] = attributes.text("remark")
    return changes


def _check_days(event: dict[str, Any], changes: dict[str, Any], attributes: Attributes) -> None:
    """No end day is the start day (a one-day event); an end before the start, or a
    registration deadline after the end, is a 422 on the field that was sent."""
    if event.get("end_date") is None:
        changes["end_date"] = event["end_date"] = event["start_date"]
    if event["end_date"] < event["start_date"]:
        name = "end_date" if "end_date" in changes else "start_date"
        raise ApiError(
            422, "end_date should not be before start_date", pointer=attributes.pointer(name)
        )
    deadline = event.get("registration_deadline")
    if deadline is not None and deadline > event["end_date"]:
        name = "registration_deadline" if "registration_deadline" in changes else "end_date"
        raise ApiError(
            422,
            "registration_deadline should not be after end_date",
            pointer=attributes.pointer(name),
        )


def save_event(
    db: Database,
    event_id: int | None,
    doc: dict[str, Any],
    languages: Sequence[str],
    now: datetime,
    author_id: int,
) -> int:
    """Create (event_id None) or update an event from a document; returns its id."""
    attributes = Attributes(doc)
    changes = _event_changes(attributes, creating=event_id is None, today=now.date())
    return EVENTS.save(
        db,
        event_id,
        doc,
        changes,
        languages,
        now,
        author_id,
        check=lambda event: _check_days(event, changes, attributes),
    )


def _year(request: Request) -> int | None:
    year = integer_parameter(request, "filter[year]", None)
    if year is not None and not FIRST_YEAR <= year <= 9998:
        raise ApiError(
            400,
            f"filter[year] should be a year from {FIRST_YEAR} to 9998",
            parameter="filter[year]",
        )
    return year


async def get_events(request: Request) -> Response:
    """GET /events: filtered, by start day, paged."""
    user = await optional_user(request)
    filters = EventFilter(
        today=app_state(request).clock().date(),
        public=user is None,
        application=request.query_params.get("filter[application]"),
        year=_year(request),
        upcoming=boolean_parameter(request, "filter[upcoming]", None),
    )
    paging = page(request, DEFAULT_LIMIT)
    count, data, included = await run_in_threadpool(
        list_events, app_state(request).db, filters, paging, site_languages(request)
    )
    return document(data, included, meta=paging.meta(count))


async def get_event(request: Request) -> Response:
    """GET /events/{id}: anonymous callers get only an enabled event, without its remark."""
    event_id = parse_id(request.path_params["id"])
    user = await optional_user(request)
    data, included = await run_in_threadpool(
        find_event, app_state(request).db, event_id, site_languages(request), user is None
    )
    return document(data, included)


async def post_event(request: Request) -> Response:
    """POST /events: 201 with the new event."""
    return await EVENTS.save_request(request, None, save_event, find_event, _BODY)


async def patch_event(request: Request) -> Response:
    """PATCH /events/{id}: change what the document sends; sent texts replace all texts."""
    event_id = parse_id(request.path_params["id"])
    return await EVENTS.save_request(request, event_id, save_event, find_event, _BODY)


async def delete_event(request: Request) -> Response:
    """DELETE /events/{id}: 204."""
    return await EVENTS.delete_request(request)


routes: list[BaseRoute] = [
    Route("/events", get_events, methods=["GET"]),
    Route("/events", post_event, methods=["POST"]),
    Route("/events/{id}", get_event, methods=["GET"]),
    Route("/events/{id}", patch_event, methods=["PATCH"]),
    Route("/events/{id}", delete_event, methods=["DELETE"]),
]

_DAY = {"type": "string", "format": "date", "example": "2027-03-13"}
_BODY = openapi.document_schema(
    TYPE,
    {
        "enabled": {"type": "boolean"},
        "start_date": _DAY,
        "end_date": openapi.nullable(_DAY),
        "location": openapi.nullable(openapi.string()),
        "registration_url": openapi.nullable(openapi.string(format="uri")),
        "registration_deadline": openapi.nullable(_DAY),
        "remark": openapi.nullable(openapi.string()),
        "texts": TEXTS_SCHEMA,
    },
    relationships={"application": openapi.identifier_schema("applications")},
)
_ID = [openapi.path_param("id")]
_FILTERS = [
    openapi.query("filter[application]", description="an application id or name; 404 if unknown"),
    openapi.query(
        "filter[year]",
        {"type": "integer", "minimum": FIRST_YEAR, "maximum": 9998},
        "events on a day of that year",
    ),
    openapi.query(
        "filter[upcoming]", {"type": "boolean"}, "true: not yet ended; false: ended (the archive)"
    ),
]

openapi_paths: dict[str, Any] = {
    "/events": {
        "get": openapi.operation(
            f"Events by start day (page[limit] defaults to {DEFAULT_LIMIT}); anonymous callers"
            " get only enabled ones, without remark",
            {
                200: "events",
                400: "bad filter or page",
                401: "bad token",
                404: "unknown filter[application]",
            },
            parameters=_FILTERS + openapi.PAGE_PARAMETERS,
        ),
        "post": openapi.operation(
            "Create an event", {201: "the event", **openapi.WRITE_ERRORS}, body=_BODY, auth=True
        ),
    },
    "/events/{id}": {
        "get": openapi.operation(
            "One event (anonymous: only an enabled one)",
            {200: "the event", 401: "bad token", 404: "unknown"},
            parameters=_ID,
        ),
        "patch": openapi.operation(
            "Edit an event",
            {200: "the event", 404: "unknown", **openapi.WRITE_ERRORS},
            parameters=_ID,
            body=_BODY,
            auth=True,
        ),
        "delete": openapi.operation(
            "Delete an event",
            {204: "deleted", 401: "not authenticated", 404: "unknown"},
            parameters=_ID,
            auth=True,
        ),
    },
}
