"""Training definitions: the weekly slots (weekday, local times, team, coaches) trainings are
made from. A change of a definition can be carried to its future trainings (?apply=future)."""

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
from kwai_api.jsonapi.requests import site_changed
from kwai_api.jsonapi.state import app_state
from kwai_api.trainings.schedules import DefinitionCoach, carry_to_future

TYPE = "training_definitions"
COACH_TYPE = "training_coaches"
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$")
_COLUMNS = (
    "name",
    "description",
    "weekday",
    "start_time",
    "end_time",
    "active",
    "location",
    "remark",
    "team_id",
)


def row_exists(tx: Transaction, table: str, row_id: int | None) -> bool:
    """True when the row exists, or when no id is asked for."""
    return row_id is None or bool(tx.fetchone(f"SELECT id FROM {table} WHERE id = ?", [row_id]))


def team_resource(row: Row) -> dict[str, Any]:
    """A `teams` resource."""
    return resource("teams", row["id"], {"name": row["name"]})


def coach_resource(row: Row) -> dict[str, Any]:
    """A `training_coaches` resource (a coach as trainings and definitions name it)."""
    return resource(
        COACH_TYPE, row["id"], {"name": row["name"], "active": row["active"], "bio": row["bio"]}
    )


def definition_resource(row: Row, public: bool = False) -> dict[str, Any]:
    """A `training_definitions` resource; times are local wall-clock times ("HH:MM:SS").

    The public (an anonymous caller) does not see the remark: it is the staff's note. The
    coaches (`row["coaches"]`, see `definitions_by_id`) are the ones its trainings get.
    """
    team = identifier("teams", row["team_id"]) if row["team_id"] is not None else None
    coaches = row.get("coaches", [])
    return resource(
        TYPE,
        row["id"],
        {
            "name": row["name"],
            "description": row["description"],
            "weekday": row["weekday"],
            "start_time": row["start_time"].strftime("%H:%M:%S"),
            "end_time": row["end_time"].strftime("%H:%M:%S"),
            "active": row["active"],
            "location": row["location"],
            "remark": None if public else row["remark"] or "",
            "coaches": [{"id": str(c["id"]), "head": c["head"]} for c in coaches],
            "created_at": timestamp(row["created_at"]),
            "updated_at": timestamp(row["updated_at"]),
        },
        {"team": team, "coaches": [identifier(COACH_TYPE, c["id"]) for c in coaches]},
    )


# --- queries ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class DefinitionList:
    """One page of definitions, the total that matched and the teams they refer to."""

    count: int
    rows: list[Row]
    teams: list[Row]

    def included(self) -> list[dict[str, Any]]:
        """The teams and coaches as included resources."""
        coaches = [coach_resource(c) for row in self.rows for c in row.get("coaches", [])]
        return [team_resource(team) for team in self.teams] + coaches


def teams_of(tx: Transaction, ids: list[int]) -> list[Row]:
    """The teams with these ids."""
    return tx.fetchall(
        "SELECT id, name FROM teams WHERE id IN (SELECT unnest(?::INTEGER[])) ORDER BY id",
        [ids],
    )


def definitions_by_id(tx: Transaction, ids: list[int]) -> dict[int, Row]:
    """The definitions with these ids, by id, each with its `coaches`."""
    rows = tx.fetchall(
        "SELECT * FROM training_definitions WHERE id IN (SELECT unnest(?::INTEGER[]))", [ids]
    )
    return {row["id"]: row for row in with_coaches(tx, rows)}


def with_coaches(tx: Transaction, rows: list[Row]) -> list[Row]:
    """The definition rows, each with the coaches its trainings get (head coach first)."""
    found: dict[int, list[Row]] = {row["id"]: [] for row in rows}
    for coach in tx.fetchall(
        "SELECT dc.definition_id, dc.head, c.id, c.name, c.active, c.bio"
        " FROM training_definition_coaches dc JOIN coaches c ON c.id = dc.coach_id"
        " WHERE dc.definition_id IN (SELECT unnest(?::INTEGER[])) ORDER BY NOT dc.head, c.name",
        [list(found)],
    ):
        found[coach["definition_id"]].append(coach)
    return [{**row, "coaches": found[row["id"]]} for row in rows]


def list_definitions(db: Database, limits: Page) -> DefinitionList:
    """The definitions in weekly order (weekday, then start time)."""
    with db.snapshot() as tx:
        count = tx.fetchone("SELECT count(*) AS n FROM training_definitions")
        rows = with_coaches(
            tx,
            tx.fetchall(
                "SELECT * FROM training_definitions ORDER BY weekday, start_time, id" + limits.sql()
            ),
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
            raise ApiError(
                422,
                "weekday should be 1 (Monday) to 7 (Sunday)",
                pointer=attributes.pointer("weekday"),
            )
        changes["weekday"] = weekday
    for name in ("start_time", "end_time"):
        if create or attributes.has(name):
            changes[name] = parse_time(
                attributes.get(name, str, required=True), attributes.pointer(name)
            )
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
    coaches = _coaches(content, attributes)
    if coaches is not MISSING:
        changes["coaches"] = coaches
    return changes


def _coaches(content: dict[str, Any], attributes: Attributes) -> Any:
    """The coaches a document sends: attribute `coaches` [{id, head}] (or only a relationship
    `coaches`), as (coach, pointer); MISSING when it sends none."""
    if not attributes.has("coaches"):
        linked = relationship(content, "coaches", many=True)
        if linked is MISSING:
            return MISSING
        return [
            (DefinitionCoach(reference_id(item["id"])), f"/data/relationships/coaches/{n}")
            for n, item in enumerate(linked)
        ]
    coaches = []
    for n, item in enumerate(attributes.get("coaches", list) or []):
        base = f"{attributes.pointer('coaches')}/{n}"
        if not isinstance(item, dict):
            raise ApiError(422, "a coach should be an object {id, head}", pointer=base)
        coach = Attributes({"attributes": item}, base=base)
        coach_id = reference_id(coach.get("id", (str, int), required=True))
        coaches.append(
            (DefinitionCoach(coach_id, coach.get("head", bool, default=False)), f"{base}/id")
        )
    return coaches


def _checked(tx: Transaction, values: dict[str, Any]) -> dict[str, Any]:
    """Check what spans fields or rows: end after start, an existing team, known coaches.

    The checked coaches (a list of DefinitionCoach) stay in `values["coaches"]` when sent.
    """
    if values["end_time"] <= values["start_time"]:
        raise ApiError(
            422, "end_time should be after start_time", pointer="/data/attributes/end_time"
        )
    if "coaches" in values:
        seen: set[int] = set()
        for coach, pointer in values["coaches"]:
            if coach.id is None or coach.id in seen or not row_exists(tx, "coaches", coach.id):
                raise ApiError(422, "unknown or repeated coach id", pointer=pointer)
            seen.add(coach.id)
        values["coaches"] = [coach for coach, _ in values["coaches"]]
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
        values = _checked(
            tx, {"description": "", "active": True, "location": "", "remark": None, **changes}
        )
        columns = [c for c in _COLUMNS if c in values]
        definition_id = int(
            tx.insert(
                f"INSERT INTO training_definitions ({', '.join(columns)}, created_at, updated_at)"
                f" VALUES ({', '.join('?' for _ in columns)}, ?, ?) RETURNING id",
                [values[c] for c in columns] + [now, now],
            )
        )
        _store_coaches(tx, definition_id, values.get("coaches", []))
        return definition_id

    return db.write(work)


def _store_coaches(tx: Transaction, definition_id: int, coaches: list[DefinitionCoach]) -> None:
    """Replace the coaches of a definition."""
    tx.execute("DELETE FROM training_definition_coaches WHERE definition_id = ?", [definition_id])
    tx.insert_rows(
        "training_definition_coaches",
        ("definition_id", "coach_id", "head"),
        [(definition_id, c.id, c.head) for c in coaches],
    )


def update_definition(
    db: Database,
    definition_id: int,
    changes: dict[str, Any],
    now: datetime,
    carry: SiteSettings | None = None,
) -> int | None:
    """Change the sent fields of a definition, else 404.

    With `carry` (the club's settings), the change goes to the definition's future trainings
    that nobody edited by hand, in the same transaction: returns how many changed.
    """

    def work(tx: Transaction) -> int | None:
        row = tx.fetchone("SELECT * FROM training_definitions WHERE id = ?", [definition_id])
        if row is None:
            raise ApiError(404, f"training definition {definition_id} does not exist")
        values = _checked(tx, {**row, **changes})
        assignments = ", ".join(f"{c} = ?" for c in _COLUMNS)
        tx.execute(
            f"UPDATE training_definitions SET {assignments}, updated_at = ? WHERE id = ?",
            [values[c] for c in _COLUMNS] + [now, definition_id],
        )
        if "coaches" in values:
            _store_coaches(tx, definition_id, values["coaches"])
        if carry is None:
            return None
        fields = {"team_id" if name == "team" else name for name in changes}
        return carry_to_future(tx, row, values, fields, now, carry.zone)

    return db.write(work)


def delete_definition(db: Database, definition_id: int) -> None:
    """Remove a definition; its trainings stay, no longer linked to it."""

    def work(tx: Transaction) -> None:
        if not tx.fetchone("SELECT id FROM training_definitions WHERE id = ?", [definition_id]):
            raise ApiError(404, f"training definition {definition_id} does not exist")
        tx.execute(
            "UPDATE trainings SET definition_id = NULL WHERE definition_id = ?", [definition_id]
        )
        tx.execute(
            "DELETE FROM training_definition_coaches WHERE definition_id = ?", [definition_id]
        )
        tx.execute("DELETE FROM training_definitions WHERE id = ?", [definition_id])

    db.write(work)


def generate_trainings(
    db: Database,
    definition_id: int,
    first: date,
    last: date,
    site: SiteSettings,
    now: datetime,
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
        existing = {
            r["start_date"]
            for r in tx.fetchall(
                "SELECT start_date FROM trainings WHERE definition_id = ?", [definition_id]
            )
        }
        slots = [
            slot
            for slot in occurrences(
                row["weekday"], row["start_time"], row["end_time"], first, last, site.zone
            )
            if slot[0] not in existing
        ]
        ids = [
            r["id"]
            for r in tx.fetchall(
                "SELECT nextval('trainings_id_seq') AS id FROM range(?)", [len(slots)]
            )
        ]
        tx.insert_rows(
            "trainings",
            (
                "id",
                "definition_id",
                "start_date",
                "end_date",
                "location",
                "created_at",
                "updated_at",
            ),
            [
                (i, definition_id, start, end, row["location"], now, now)
                for i, (start, end) in zip(ids, slots, strict=True)
            ],
        )
        titles = [TextInput(locale, row["name"]) for locale in site.languages]
        insert_texts(tx, "training_texts", ids, titles, now, author_id)
        if row["team_id"] is not None:
            tx.insert_rows(
                "training_teams", ("training_id", "team_id"), [(i, row["team_id"]) for i in ids]
            )
        coaches = tx.tuples(
            "SELECT coach_id, head FROM training_definition_coaches WHERE definition_id = ?",
            [definition_id],
        )
        tx.insert_rows(
            "training_coaches",
            ("training_id", "coach_id", "head"),
            [(i, coach_id, head) for i in ids for coach_id, head in coaches],
        )
        return ids

    return db.write(work)


# --- routes ----------------------------------------------------------------------------------


def _respond(found: DefinitionList, status: int = 200, public: bool = False) -> Response:
    return document(definition_resource(found.rows[0], public), found.included(), status=status)


async def list_route(request: Request) -> Response:
    """GET /training_definitions: every definition, in weekly order."""
    public = await optional_user(request) is None
    limits = page(request)
    found = await run_in_threadpool(list_definitions, app_state(request).db, limits)
    return document(
        [definition_resource(r, public) for r in found.rows],
        found.included(),
        meta=limits.meta(found.count),
    )


async def get_route(request: Request) -> Response:
    """GET /training_definitions/{id}; anonymous callers do not see the remark."""
    definition_id = parse_id(request.path_params["id"])
    public = await optional_user(request) is None
    found = await run_in_threadpool(get_definition, app_state(request).db, definition_id)
    return _respond(found, public=public)


async def create_route(request: Request) -> Response:
    """POST /training_definitions: a new weekly slot."""
    await require_user(request)
    content = await read_document(request, _NEW)
    check_type(content, TYPE)
    changes = read_definition(content, create=True)
    state = app_state(request)
    definition_id = await run_in_threadpool(create_definition, state.db, changes, state.clock())
    site_changed(request)
    return _respond(await run_in_threadpool(get_definition, state.db, definition_id), status=201)


def _applies_to_future(request: Request, content: dict[str, Any]) -> bool:
    """Whether a PATCH asks to carry the change to the future trainings: `?apply=future` or
    `"meta": {"apply": "future"}` in the document."""
    asked = request.query_params.get("apply")
    if asked not in (None, "", "future"):
        raise ApiError(400, "apply should be future", parameter="apply")
    meta = content.get("meta")
    sent = meta.get("apply") if isinstance(meta, dict) else None
    if sent not in (None, "future"):
        raise ApiError(422, "apply should be future", pointer="/meta/apply")
    return "future" in (asked, sent)


async def update_route(request: Request) -> Response:
    """PATCH /training_definitions/{id}: change the fields that are sent; with ?apply=future,
    its future trainings that nobody edited by hand change too (meta.trainings_changed)."""
    await require_user(request)
    definition_id = parse_id(request.path_params["id"])
    content = await read_document(request, _CHANGE)
    check_type(content, TYPE, definition_id)
    changes = read_definition(content, create=False)
    state = app_state(request)
    carry = state.settings.site if _applies_to_future(request, content) else None
    db = state.db
    changed = await run_in_threadpool(
        update_definition, db, definition_id, changes, state.clock(), carry
    )
    site_changed(request)
    found = await run_in_threadpool(get_definition, db, definition_id)
    if changed is None:
        return _respond(found)
    return document(
        definition_resource(found.rows[0]), found.included(), meta={"trainings_changed": changed}
    )


async def delete_route(request: Request) -> Response:
    """DELETE /training_definitions/{id}: its trainings stay, without a definition."""
    await require_user(request)
    definition_id = parse_id(request.path_params["id"])
    await run_in_threadpool(delete_definition, app_state(request).db, definition_id)
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
    "coaches": {
        "type": "array",
        "items": oa.obj({"id": oa.string(), "head": {"type": "boolean"}}, ("id",)),
    },
}
_TEAM = {
    "team": oa.nullable(oa.identifier_schema("teams")),
    # the coaches may come as a relationship too, as old clients send a training's
    "coaches": {"type": "array", "items": oa.identifier_schema("coaches")},
}
_NEW = oa.document_schema(TYPE, _ATTRIBUTES, ("name", "weekday", "start_time", "end_time"), _TEAM)
_CHANGE = oa.document_schema(TYPE, _ATTRIBUTES, relationships=_TEAM)
_ID = [oa.path_param("id")]
_APPLY = [
    oa.query(
        "apply",
        oa.string(enum=["future"]),
        "carry the change to the future trainings nobody edited by hand",
    )
]

openapi_paths: dict[str, Any] = {
    "/training_definitions": {
        "get": oa.operation(
            "List training definitions (anonymous: without remarks)",
            {200: "the definitions", 400: "bad page parameter"},
            parameters=oa.PAGE_PARAMETERS,
        ),
        "post": oa.operation(
            "Create a training definition",
            {201: "created", **oa.WRITE_ERRORS},
            body=_NEW,
            auth=True,
        ),
    },
    "/training_definitions/{id}": {
        "get": oa.operation(
            "One training definition (anonymous: without its remark)",
            {200: "the definition", 404: "unknown"},
            parameters=_ID,
        ),
        "patch": oa.operation(
            "Change a training definition (?apply=future: and its future"
            " trainings nobody edited by hand; meta.trainings_changed)",
            {200: "changed", 404: "unknown", **oa.WRITE_ERRORS},
            parameters=_ID + _APPLY,
            body=_CHANGE,
            auth=True,
        ),
        "delete": oa.operation(
            "Delete a training definition (its trainings stay)",
            {204: "deleted", 401: "not authenticated", 404: "unknown"},
            parameters=_ID,
            auth=True,
        ),
    },
}
