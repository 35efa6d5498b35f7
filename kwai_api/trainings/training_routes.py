"""Trainings: the dated sessions on the site's calendar, with their texts, coaches and teams."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from kwai_api.core.database import Database, Row, Transaction
from kwai_api.jsonapi import openapi as oa
from kwai_api.jsonapi.access import optional_user, require_user
from kwai_api.jsonapi.answers import remembered
from kwai_api.jsonapi.documents import (
    ApiError,
    Page,
    check_type,
    document,
    identifier,
    page,
    parse_id,
    read_document,
    resource,
    timestamp,
)
from kwai_api.jsonapi.requests import site_changed, site_languages
from kwai_api.jsonapi.state import app_state
from kwai_api.jsonapi.texts import TEXTS_SCHEMA
from kwai_api.trainings import definition_routes as definitions
from kwai_api.trainings.definition_routes import COACH_TYPE, coach_resource, row_exists
from kwai_api.trainings.training_writes import (
    REASON_LENGTH,
    TrainingFilter,
    create_training,
    delete_training,
    read_filter,
    read_range,
    read_training,
    update_training,
)

TYPE = "trainings"


# --- queries ---------------------------------------------------------------------------------


@dataclass
class TrainingList:
    """Trainings with everything their documents show, and the total that matched."""

    count: int
    rows: list[Row]
    texts: dict[int, list[Row]] = field(default_factory=dict)
    coaches: dict[int, list[Row]] = field(default_factory=dict)
    teams: dict[int, list[Row]] = field(default_factory=dict)
    definitions: dict[int, Row] = field(default_factory=dict)

    def data(self, public: bool) -> list[dict[str, Any]]:
        """The trainings as resources (as the public may see them, or whole)."""
        return [training_resource(row, self, public) for row in self.rows]

    def included(self, public: bool) -> list[dict[str, Any]]:
        """The coaches, teams and definitions the trainings refer to."""
        items = [coach_resource(c) for cs in self.coaches.values() for c in cs]
        items += [definitions.team_resource(t) for ts in self.teams.values() for t in ts]
        items += [definitions.definition_resource(d, public) for d in self.definitions.values()]
        return items


def _grouped(rows: list[Row], key: str) -> dict[int, list[Row]]:
    """Rows grouped by the training they belong to."""
    groups: dict[int, list[Row]] = {}
    for row in rows:
        groups.setdefault(row[key], []).append(row)
    return groups


def select_trainings(
    tx: Transaction, where: TrainingFilter, limits: Page, language: str = ""
) -> TrainingList:
    """A page of trainings, newest first, with their texts, coaches, teams and definitions.

    A coach's `bio` is the one in `language` (the club's default), else the one without a
    language.
    """
    for table, row_id, name in (
        ("coaches", where.coach, "coach"),
        ("teams", where.team, "team"),
        ("training_definitions", where.definition, "definition"),
    ):
        if not row_exists(tx, table, row_id):
            raise ApiError(404, f"{name} {row_id} does not exist", parameter=f"filter[{name}]")
    sql, params = where.where()
    count = tx.fetchone(f"SELECT count(*) AS n FROM trainings t WHERE {sql}", params)
    rows = tx.fetchall(
        f"SELECT t.* FROM trainings t WHERE {sql} ORDER BY t.start_date DESC, t.id DESC"
        + limits.sql(),
        params,
    )
    ids = [row["id"] for row in rows]
    found = TrainingList(count["n"] if count else 0, rows)
    within = "training_id IN (SELECT unnest(?::INTEGER[]))"
    found.texts = _grouped(
        tx.fetchall(f"SELECT * FROM training_texts WHERE {within} ORDER BY locale", [ids]),
        "training_id",
    )
    found.coaches = _grouped(
        tx.fetchall(
            "SELECT tc.training_id, tc.head, tc.present, tc.payed, c.id, c.name, c.active,"
            " coalesce(ct.bio, c.bio) AS bio FROM training_coaches tc"
            " JOIN coaches c ON c.id = tc.coach_id"
            " LEFT JOIN coach_texts ct ON ct.coach_id = c.id AND ct.locale = ?"
            f" WHERE {within} ORDER BY NOT tc.head, c.name",
            [language, ids],
        ),
        "training_id",
    )
    found.teams = _grouped(
        tx.fetchall(
            "SELECT tt.training_id, t.id, t.name FROM training_teams tt"
            f" JOIN teams t ON t.id = tt.team_id WHERE {within} ORDER BY t.name",
            [ids],
        ),
        "training_id",
    )
    found.definitions = definitions.definitions_by_id(
        tx, sorted({r["definition_id"] for r in rows if r["definition_id"] is not None})
    )
    return found


def list_trainings(
    db: Database, where: TrainingFilter, limits: Page, language: str = ""
) -> TrainingList:
    """A page of trainings read from one snapshot (coach bios in `language`)."""
    with db.snapshot() as tx:
        return select_trainings(tx, where, limits, language)


def get_training(
    db: Database, training_id: int, public: bool = False, language: str = ""
) -> TrainingList:
    """One training, else 404; an inactive one does not exist for the public."""
    found = list_trainings(
        db, TrainingFilter(active=public, ids=[training_id]), Page(None, None), language
    )
    if not found.rows:
        raise ApiError(404, f"training {training_id} does not exist")
    return found


def _coach_entry(row: Row, public: bool) -> dict[str, Any]:
    """A coach in a training's attributes; who came and who was paid is for the staff only."""
    entry = {"id": str(row["id"]), "head": row["head"]}
    return entry if public else {**entry, "present": row["present"], "payed": row["payed"]}


def training_resource(row: Row, found: TrainingList, public: bool) -> dict[str, Any]:
    """A `trainings` resource, in the shape old kwai clients read; the public sees no remark."""
    training_id = row["id"]
    coaches = found.coaches.get(training_id, [])
    definition = row["definition_id"]
    return resource(
        TYPE,
        training_id,
        {
            "contents": [
                {
                    key: text[key]
                    for key in (
                        "locale",
                        "format",
                        "title",
                        "summary",
                        "content",
                        "html_summary",
                        "html_content",
                    )
                }
                for text in found.texts.get(training_id, [])
            ],
            "event": {
                "start_date": timestamp(row["start_date"]),
                "end_date": timestamp(row["end_date"]),
                "location": row["location"],
                "cancelled": row["cancelled"],
                "cancel_reason": row["cancel_reason"],
                "active": row["active"],
            },
            "remark": None if public else row["remark"] or "",
            "coaches": [_coach_entry(c, public) for c in coaches],
            "created_at": timestamp(row["created_at"]),
            "updated_at": timestamp(row["updated_at"]),
        },
        {
            "coaches": [identifier(COACH_TYPE, c["id"]) for c in coaches],
            "teams": [identifier("teams", t["id"]) for t in found.teams.get(training_id, [])],
            "definition": identifier(definitions.TYPE, definition)
            if definition is not None
            else None,
        },
    )


# --- routes ----------------------------------------------------------------------------------


def _listed(found: TrainingList, limits: Page, public: bool, status: int = 200) -> Response:
    return document(
        found.data(public), found.included(public), meta=limits.meta(found.count), status=status
    )


def _one(found: TrainingList, public: bool = False, status: int = 200) -> Response:
    return document(found.data(public)[0], found.included(public), status=status)


async def list_route(request: Request) -> Response:
    """GET /trainings: newest first; filter[year]/filter[month] count on the club's clock."""
    public = await optional_user(request) is None
    where, limits = read_filter(request, public), page(request)

    async def read() -> Response:
        found = await run_in_threadpool(
            list_trainings, app_state(request).db, where, limits, site_languages(request)[0]
        )
        return _listed(found, limits, public)

    return await remembered(request, public, read)


async def get_route(request: Request) -> Response:
    """GET /trainings/{id}; for the public, an inactive training does not exist."""
    training_id = parse_id(request.path_params["id"])
    public = await optional_user(request) is None

    async def read() -> Response:
        found = await run_in_threadpool(
            get_training, app_state(request).db, training_id, public, site_languages(request)[0]
        )
        return _one(found, public)

    return await remembered(request, public, read)


def _window(request: Request) -> tuple[datetime, datetime]:
    """The first and last moment a training may take place (settings.dates)."""
    return app_state(request).settings.dates.training_window(app_state(request).clock())


async def create_route(request: Request) -> Response:
    """POST /trainings."""
    user = await require_user(request)
    content = await read_document(request, _NEW)
    check_type(content, TYPE)
    given = await run_in_threadpool(
        read_training, content, site_languages(request), True, _window(request)
    )
    state = app_state(request)
    training_id = await run_in_threadpool(create_training, state.db, given, state.clock(), user.id)
    site_changed(request)
    return _one(
        await run_in_threadpool(
            get_training, state.db, training_id, False, site_languages(request)[0]
        ),
        status=201,
    )


async def update_route(request: Request) -> Response:
    """PATCH /trainings/{id}: texts, coaches and teams are replaced when sent."""
    user = await require_user(request)
    training_id = parse_id(request.path_params["id"])
    content = await read_document(request, _CHANGE)
    check_type(content, TYPE, training_id)
    given = await run_in_threadpool(
        read_training, content, site_languages(request), False, _window(request)
    )
    state = app_state(request)
    await run_in_threadpool(update_training, state.db, training_id, given, state.clock(), user.id)
    site_changed(request)
    return _one(
        await run_in_threadpool(
            get_training, state.db, training_id, False, site_languages(request)[0]
        )
    )


async def delete_route(request: Request) -> Response:
    """DELETE /trainings/{id}."""
    await require_user(request)
    training_id = parse_id(request.path_params["id"])
    await run_in_threadpool(delete_training, app_state(request).db, training_id)
    site_changed(request)
    return Response(status_code=204)


async def definition_list_route(request: Request) -> Response:
    """GET /training_definitions/{id}/trainings: the same filters as GET /trainings."""
    definition_id = parse_id(request.path_params["id"])
    public = await optional_user(request) is None
    where, limits = read_filter(request, public, definition_id), page(request)
    db = app_state(request).db
    await run_in_threadpool(definitions.get_definition, db, definition_id)
    found = await run_in_threadpool(list_trainings, db, where, limits, site_languages(request)[0])
    return _listed(found, limits, public)


async def generate_route(request: Request) -> Response:
    """POST /training_definitions/{id}/trainings: make its trainings from `start` to `end`."""
    user = await require_user(request)
    definition_id = parse_id(request.path_params["id"])
    by_query = "start" in request.query_params or "end" in request.query_params
    content = None if by_query else await read_document(request, _RANGE_BODY)
    first, last = read_range(request.query_params, content, _window(request))
    state = app_state(request)
    ids = await run_in_threadpool(
        definitions.generate_trainings,
        state.db,
        definition_id,
        first,
        last,
        state.settings.site,
        state.clock(),
        user.id,
    )
    if ids:
        site_changed(request)
    limits = Page(None, None)
    found = await run_in_threadpool(
        list_trainings,
        state.db,
        TrainingFilter(active=None, ids=ids),
        limits,
        site_languages(request)[0],
    )
    return _listed(found, limits, public=False, status=201 if ids else 200)


routes: list[BaseRoute] = [
    Route("/trainings", list_route, methods=["GET"]),
    Route("/trainings", create_route, methods=["POST"]),
    Route("/trainings/{id}", get_route, methods=["GET"]),
    Route("/trainings/{id}", update_route, methods=["PATCH"]),
    Route("/trainings/{id}", delete_route, methods=["DELETE"]),
    Route("/training_definitions/{id}/trainings", definition_list_route, methods=["GET"]),
    Route("/training_definitions/{id}/trainings", generate_route, methods=["POST"]),
    *definitions.routes,
]

_FILTERS = [
    oa.query("filter[year]", {"type": "integer"}, "a year on the club's clock"),
    oa.query("filter[month]", {"type": "integer", "minimum": 1, "maximum": 12}, "needs a year"),
    oa.query("filter[start]", oa.TIMESTAMP, "UTC, with filter[end]"),
    oa.query("filter[end]", oa.TIMESTAMP, "UTC, with filter[start]"),
    oa.query("filter[coach]", {"type": "integer"}),
    oa.query("filter[team]", {"type": "integer"}),
    oa.query("filter[definition]", {"type": "integer"}),
    oa.query(
        "filter[active]",
        {"type": "boolean"},
        "default true; false lists all (anonymous callers: only active ones)",
    ),
    *oa.PAGE_PARAMETERS,
]
_EVENT = oa.obj(
    {
        "start_date": oa.TIMESTAMP,
        "end_date": oa.TIMESTAMP,
        "location": oa.string(),
        "cancelled": {"type": "boolean"},
        "cancel_reason": oa.nullable(oa.string(maxLength=REASON_LENGTH)),
        "active": {"type": "boolean"},
    }
)
_COACH = oa.obj(
    {
        "id": oa.string(),
        "head": {"type": "boolean"},
        "present": {"type": "boolean"},
        "payed": {"type": "boolean"},
    },
    ("id",),
)
_ATTRIBUTES = {
    "contents": TEXTS_SCHEMA,
    "event": _EVENT,
    "remark": oa.nullable(oa.string()),
    "coaches": {"type": "array", "items": _COACH},
}
_LINKS = {
    "teams": {"type": "array", "items": oa.identifier_schema("teams")},
    # clients of the old API link coaches here, without their flags
    "coaches": {"type": "array", "items": oa.identifier_schema("coaches")},
    "definition": oa.nullable(oa.identifier_schema(definitions.TYPE)),
}
_NEW = oa.document_schema(TYPE, _ATTRIBUTES, ("contents", "event"), _LINKS)
_CHANGE = oa.document_schema(TYPE, _ATTRIBUTES, relationships=_LINKS)
_RANGE_BODY = oa.document_schema(
    "trainings", {"start": oa.string(format="date"), "end": oa.string(format="date")}
)
_ID = [oa.path_param("id")]
_LIST = {200: "the trainings", 400: "bad filter or page parameter", 404: "unknown filter id"}
_RANGE = [oa.query("start", oa.string(format="date")), oa.query("end", oa.string(format="date"))]

openapi_paths: dict[str, Any] = {
    "/trainings": {
        "get": oa.operation(
            "List trainings, newest first (anonymous: only active ones,"
            " without remarks or attendance)",
            _LIST,
            parameters=_FILTERS,
        ),
        "post": oa.operation(
            "Create a training", {201: "created", **oa.WRITE_ERRORS}, auth=True, body=_NEW
        ),
    },
    "/trainings/{id}": {
        "get": oa.operation(
            "One training (anonymous: only an active one)",
            {200: "the training", 404: "unknown"},
            parameters=_ID,
        ),
        "patch": oa.operation(
            "Change a training",
            {200: "changed", 404: "unknown", **oa.WRITE_ERRORS},
            parameters=_ID,
            auth=True,
            body=_CHANGE,
        ),
        "delete": oa.operation(
            "Delete a training",
            {204: "deleted", 401: "not authenticated", 404: "unknown"},
            parameters=_ID,
            auth=True,
        ),
    },
    "/training_definitions/{id}/trainings": {
        "get": oa.operation("List a definition's trainings", _LIST, parameters=_ID + _FILTERS),
        "post": oa.operation(
            "Generate a definition's trainings from start to end (dates)",
            {
                201: "the new trainings",
                200: "nothing new to make",
                404: "unknown definition",
                **oa.WRITE_ERRORS,
            },
            parameters=_ID + _RANGE,
            auth=True,
            body=_RANGE_BODY,
        ),
    },
    **definitions.openapi_paths,
}
