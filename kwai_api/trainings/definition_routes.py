"""Training definitions: the weekly slots (weekday, local times, team) trainings are made from."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from kwai_api.core.database import Database, Row, Transaction
from kwai_api.core.settings import SiteSettings
from kwai_api.core.texts import TextInput, insert_texts
from kwai_api.core.weekly import occurrences
from kwai_api.jsonapi import openapi as oa
from kwai_api.jsonapi.access import optional_user, require_user
from kwai_api.jsonapi.documents import (
    MISSING,
    ApiError,
    Attributes,
    Page,
    check_type,
    document,
    identifier,
    page,
    parse_id,
    read_document,
    reference_id,
    relationship,
    resource,
    timestamp,
)
from kwai_api.jsonapi.requests import site_changed, utc_now

TYPE = "training_definitions"
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$")
_COLUMNS = ("name", "description", "weekday", "start_time", "end_time", "active", "location",
            "remark", "team_id")


def row_exists(tx: Transaction, table: str, row_id: int | None) -> bool:
    """True when the row exists, or when no id is asked for."""
    return row_id is None or bool(tx.fetchone(f"SELECT id FROM {table} WHERE id = ?", [row_id]))


def team_resource(row: Row) -> dict[str, Any]:
    """A `teams` resource."""
    return resource("teams", row["id"], {"name": row["name"]})


def definition_resource(row: Row, public: bool = False) -> dict[str, Any]:
    """A `training_definitions` resource; times are local wall-clock times ("HH:MM:SS").

    The public (an anonymous caller) does not see the remark: it is the staff's note.
    """
    team = identifier("teams", row["team_id"]) if row["team_id"] is not None else None
    return resource(TYPE, row["id"], {
        "name": row["name"],
        "description": row["description"],
        "weekday": row["weekday"],
        "start_time": row["start_time"].strftime("%H:%M:%S"),
        "end_time": row["end_time"].strftime("%H:%M:%S"),
        "active": row["active"],
        "location": row["location"],
        "remark": None if public else row["remark"] or "",
        "created_at": timestamp(row["created_at"]),
        "updated_at": timestamp(row["updated_at"]),
    }, {"team": team})


# --- queries ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class DefinitionList:
    """One page of definitions, the total that matched and the teams they refer to."""

    count: int
    rows: list[Row]
    teams: list[Row]

    def included(self) -> list[dict[str, Any]]:
        """The teams as included resources."""
        return [team_resource(team) for team in self.teams]


def teams_of(tx: Transaction, ids: list[int]) -> list[Row]:
    """The teams with these ids."""
    return tx.fetchall(
        "SELECT id, name FROM teams WHERE id IN (SELECT unnest(?::INTEGER[])) ORDER BY id",
        [ids],
    )


def definitions_by_id(tx: Transaction, ids: list[int]) -> dict[int, Row]:
    """The definitions with these ids, by id."""
    rows = tx.fetchall(
        "SELECT * FROM training_definitions WHERE id IN (SELECT unnest(?::INTEGER[]))", [ids]
    )
    return {row["id"]: row for row in rows}


def list_definitions(db: Database, limits: Page) -> DefinitionList:
    """The definitions in weekly order (weekday, then start time)."""
    with db.snapshot() as tx:
        count = tx.fetchone("SELECT count(*) AS n FROM training_definitions")
        rows = tx.fetchall(
            "SELECT * FROM training_definitions ORDER BY weekday, start_time, id" + limits.sql()
        )
        teams = teams_of(tx, sorted({r["team_id"] for r in rows if r["team_id"] is not None}))
    return DefinitionList(count["n"] if count else 0, rows, teams)


def get_definition(db: Database, definition_id: int) -> DefinitionList:
    """One definition with its team, else 404."""
    with db.snapshot() as tx:
        rows = list(definitions_by_id(tx, [definition_id]).values())
        if not rows:
            raise ApiError(404, f"training definition {definition_id} does not exist")
        team_id = rows[0]["team_id"]
        return DefinitionList(1, rows, teams_of(tx, [team_id] if team_id is not None else []))


# --- use cases -------------------------------------------------------------------------------


def parse_time(value: Any, pointer: str) -> time:
    """A local wall-clock time "HH:MM" or "HH:MM:SS", else 422 naming the field."""
    if not isinstance(value, str) or not _TIME.match(value.strip()):
        raise ApiError(422, "expected a time 'HH:MM' or 'HH:MM:SS'", pointer=pointer)
    return time.fromisoformat(value.strip())


def read_definition(content: dict[str, Any], create: bool) -> dict[str, Any]:
    """The columns a definition document sets (all required ones when creating)."""
    attributes = Attributes(content)
    changes: dict[str, Any] = {}
    if create or attributes.has("name"):
        changes["name"] = attributes.text("name", required=True)
    if create or attributes.has("weekday"):
        weekday = attributes.get("weekday", int, required=True)
        if not 1 <= weekday <= 7:
            raise ApiError(422, "weekday should be 1 (Monday) to 7 (Sunday)",
                           pointer=attributes.pointer("weekday"))
        changes["weekday"] = weekday
    for name in ("start_time", "end_time"):
        if create or attributes.has(name):
            changes[name] = parse_time(attributes.get(name, str, required=True),
                                       attributes.pointer(name))
    for name in ("description", "location"):
        if attributes.has(name):
            changes[name] = attributes.text(name) or ""
    if attributes.has("active"):
        changes["active"] = attributes.get("active", bool, required=True)
    if attributes.has("remark"):
        changes["remark"] = attributes.text("remark")
    team = relationship(content, "team")
    if team is not MISSING:
        changes["team"] = team
    return changes


def _checked(tx: Transaction, values: dict[str, Any]) -> dict[str, Any]:
    """Check what spans fields or rows: end after start, and an existing team."""
    if values["end_time"] <= values["start_time"]:
        raise ApiError(422, "end_time should be after start_time",
                       pointer="/data/attributes/end_time")
    team = values.pop("team", MISSING)
    if team is not MISSING:
        team_id = None if team is None else reference_id(team["id"])
        if team is not None and (team_id is None or not row_exists(tx, "teams", team_id)):
            raise ApiError(422, "that team does not exist", pointer="/data/relationships/team")
        values["team_id"] = team_id
    return values


def create_definition(db: Database, changes: dict[str, Any], now: datetime) -> int:
    """Store a new definition; returns its id."""

    def work(tx: Transaction) -> int:
        values = _checked(tx, {"description": "", "active": True, "location": "", "remark": None,
                               **changes})
        columns = [c for c in _COLUMNS if c in values]
        return int(tx.insert(
            f"INSERT INTO training_definitions ({', '.join(columns)}, created_at, updated_at)"
            f" VALUES ({', '.join('?' for _ in columns)}, ?, ?) RETURNING id",
            [values[c] for c in columns] + [now, now],
        ))

    return db.write(work)


def update_definition(
    db: Database, definition_id: int, changes: dict[str, Any], now: datetime
) -> None:
    """Change the sent fields of a definition, else 404."""

    def work(tx: Transaction) -> None:
        row = tx.fetchone("SELECT * FROM training_definitions WHERE id = ?", [definition_id])
        if row is None:
            raise ApiError(404, f"training definition {definition_id} does not exist")
        values = _checked(tx, {**row, **changes})
        assignments = ", ".join(f"{c} = ?" for c in _COLUMNS)
        tx.execute(
            f"UPDATE training_definitions SET {assignments}, updated_at = ? WHERE id = ?",
            [values[c] for c in _COLUMNS] + [now, definition_id],
        )

    db.write(work)


def delete_definition(db: Database, definition_id: int) -> None:
    """Remove a definition; its trainings stay, no longer linked to it."""

    def work(tx: Transaction) -> None:
        if not tx.fetchone("SELECT id FROM training_definitions WHERE id = ?", [definition_id]):
            raise ApiError(404, f"training definition {definition_id} does not exist")
        tx.execute("UPDATE trainings SET definition_id = NULL WHERE definition_id = ?",
                   [definition_id])
        tx.execute("DELETE FROM training_definitions WHERE id = ?", [definition_id])

    db.write(work)


def generate_trainings(
    db: Database, definition_id: int, first: date, last: date, site: SiteSettings, now: datetime,
    author_id: int,
) -> list[int]:
    """Make the definition's trainings between two local dates; returns the new ids.

    The definition's times are wall-clock times in the club's zone; a training of the
    definition that starts at the same moment already is not made again.
    """

    def work(tx: Transaction) -> list[int]:
        row = tx.fetchone("SELECT * FROM training_definitions WHERE id = ?", [definition_id])
        if row is None:
            raise ApiError(404, f"training definition {definition_id} does not exist")
        existing = {r["start_date"] for r in tx.fetchall(
            "SELECT start_date FROM trainings WHERE definition_id = ?", [definition_id])}
        slots = [slot for slot in occurrences(row["weekday"], row["start_time"], row["end_time"],
                                              first, last, site.zone)
                 if slot[0] not in existing]
        ids = [r["id"] for r in tx.fetchall(
            "SELECT nextval('trainings_id_seq') AS id FROM range(?)", [len(slots)])]
        tx.insert_rows(
            "trainings",
            ("id", "definition_id", "start_date", "end_date", "location", "created_at",
             "updated_at"),
            [(i, definition_id, start, end, row["location"], now, now)
             for i, (start, end) in zip(ids, slots, strict=True)],
        )
        titles = [TextInput(locale, row["name"]) for locale in site.languages]
        insert_texts(tx, "training_texts", ids, titles, now, author_id)
        if row["team_id"] is not None:
            tx.insert_rows("training_teams", ("training_id", "team_id"),
                           [(i, row["team_id"]) for i in ids])
        return ids

    return db.write(work)


# --- routes ----------------------------------------------------------------------------------


def _respond(found: DefinitionList, status: int = 200, public: bool = False) -> Response:
    return document(definition_resource(found.rows[0], public), found.included(), status=status)


async def list_route(request: Request) -> Response:
    """GET /training_definitions: every definition, in weekly order."""
    public = await optional_user(request) is None
    limits = page(request)
    found = await run_in_threadpool(list_definitions, request.app.state.db, limits)
    return document([definition_resource(r, public) for r in found.rows], found.included(),
                    meta=limits.meta(found.count))


async def get_route(request: Request) -> Response:
    """GET /training_definitions/{id}; anonymous callers do not see the remark."""
    definition_id = parse_id(request.path_params["id"])
    public = await optional_user(request) is None
    found = await run_in_threadpool(get_definition, request.app.state.db, definition_id)
    return _respond(found, public=public)


async def create_route(request: Request) -> Response:
    """POST /training_definitions: a new weekly slot."""
    await require_user(request)
    content = await read_document(request, _NEW)
    check_type(content, TYPE)
    changes = read_definition(content, create=True)
    db = request.app.state.db
    definition_id = await run_in_threadpool(create_definition, db, changes, utc_now(request))
    site_changed(request)
    return _respond(await run_in_threadpool(get_definition, db, definition_id), status=201)


async def update_route(request: Request) -> Response:
    """PATCH /training_definitions/{id}: change the fields that are sent."""
    await require_user(request)
    definition_id = parse_id(request.path_params["id"])
    content = await read_document(request, _CHANGE)
    check_type(content, TYPE, definition_id)
    changes = read_definition(content, create=False)
    db = request.app.state.db
    await run_in_threadpool(update_definition, db, definition_id, changes, utc_now(request))
    site_changed(request)
    return _respond(await run_in_threadpool(get_definition, db, definition_id))


async def delete_route(request: Request) -> Response:
    """DELETE /training_definitions/{id}: its trainings stay, without a definition."""
    await require_user(request)
    definition_id = parse_id(request.path_params["id"])
    await run_in_threadpool(delete_definition, request.app.state.db, definition_id)
    site_changed(request)
    return Response(status_code=204)


routes: list[BaseRoute] = [
    Route("/training_definitions", list_route, methods=["GET"]),
    Route("/training_definitions", create_route, methods=["POST"]),
    Route("/training_definitions/{id}", get_route, methods=["GET"]),
    Route("/training_definitions/{id}", update_route, methods=["PATCH"]),
    Route("/training_definitions/{id}", delete_route, methods=["DELETE"]),
]

_TIME_SCHEMA = oa.string(pattern=r"^\d{2}:\d{2}(:\d{2})?$", example="19:30")
_ATTRIBUTES = {
    "name": oa.string(),
    "description": oa.string(),
    "weekday": {"type": "integer", "minimum": 1, "maximum": 7},
    "start_time": _TIME_SCHEMA,
    "end_time": _TIME_SCHEMA,
    "active": {"type": "boolean"},
    "location": oa.string(),
    "remark": oa.nullable(oa.string()),
}
_TEAM = {"team": oa.nullable(oa.identifier_schema("teams"))}
_NEW = oa.document_schema(TYPE, _ATTRIBUTES, ("name", "weekday", "start_time", "end_time"), _TEAM)
_CHANGE = oa.document_schema(TYPE, _ATTRIBUTES, relationships=_TEAM)
_ID = [oa.path_param("id")]

openapi_paths: dict[str, Any] = {
    "/training_definitions": {
        "get": oa.operation("List training definitions (anonymous: without remarks)",
                            {200: "the definitions", 400: "bad page parameter"},
                            parameters=oa.PAGE_PARAMETERS),
        "post": oa.operation("Create a training definition", {201: "created", **oa.WRITE_ERRORS},
                             body=_NEW,
                             auth=True),
    },
    "/training_definitions/{id}": {
        "get": oa.operation("One training definition (anonymous: without its remark)",
                            {200: "the definition", 404: "unknown"},
                            parameters=_ID),
        "patch": oa.operation("Change a training definition",
                              {200: "changed", 404: "unknown", **oa.WRITE_ERRORS}, parameters=_ID,
                              body=_CHANGE,
                              auth=True),
        "delete": oa.operation("Delete a training definition (its trainings stay)",
                               {204: "deleted", 401: "not authenticated", 404: "unknown"},
                               parameters=_ID, auth=True),
    },
}
