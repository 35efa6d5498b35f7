"""Teams: who trainings are for, and which training definitions train them.

A team has a name per language: `texts` [{locale, name}] holds every language's, the flat `name`
is the default language's (the `teams.name` column, shown where a language has no name).

Which definitions train a team is each definition's `team_id`; the `definitions` relationship of
a team reads and sets it from the team's side.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from kwai_api.core.database import Database, Row, Transaction
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
from kwai_api.jsonapi.requests import site_changed, site_languages
from kwai_api.jsonapi.state import app_state
from kwai_api.jsonapi.texts import locale_values, parse_locale_values
from kwai_api.trainings import definition_routes as definitions

TYPE = "teams"
_EMPTY_NAME = "a team's name cannot be empty"
_DEFINITIONS = "/data/relationships/definitions"


def _with_names(tx: Transaction, rows: list[Row], languages: Sequence[str]) -> None:
    """Add each team's names per language (in the club's language order) as `texts`."""
    names: dict[int, dict[str, str]] = {row["id"]: {} for row in rows}
    for text in tx.fetchall(
        "SELECT team_id, locale, name FROM team_texts WHERE list_contains(?, team_id)",
        [list(names)],
    ):
        names[text["team_id"]][text["locale"]] = text["name"]
    for row in rows:
        row["texts"] = locale_values(names[row["id"]], languages, "name")


def list_teams(
    db: Database,
    limits: Page,
    languages: Sequence[str],
    ids: Sequence[int] | None = None,
) -> tuple[int, list[Row]]:
    """The teams (all, or those with `ids`), by name, with their names and definitions."""
    where, params = ("WHERE list_contains(?, id)", [list(ids)]) if ids is not None else ("", [])
    with db.snapshot() as tx:
        count = tx.fetchone(f"SELECT count(*) AS n FROM teams {where}", params)
        rows = tx.fetchall(
            "SELECT t.*, list(d.id ORDER BY d.id) FILTER (WHERE d.id IS NOT NULL) AS definitions"
            f" FROM (SELECT * FROM teams {where} ORDER BY name, id{limits.sql()}) t"
            " LEFT JOIN training_definitions d ON d.team_id = t.id"
            " GROUP BY ALL ORDER BY t.name, t.id",
            params,
        )
        _with_names(tx, rows, languages)
    return (count["n"] if count else 0), rows


def get_team(db: Database, team_id: int, languages: Sequence[str]) -> Row:
    """One team, else 404."""
    _, rows = list_teams(db, Page(None, None), languages, [team_id])
    if not rows:
        raise ApiError(404, f"team {team_id} does not exist")
    return rows[0]


def team_resource(row: Row, public: bool = False) -> dict[str, Any]:
    """A `teams` resource; the public does not see the staff's remark."""
    return resource(
        TYPE,
        row["id"],
        {
            "name": row["name"],
            "texts": row["texts"],
            "remark": None if public else row["remark"],
            "created_at": timestamp(row["created_at"]),
            "updated_at": timestamp(row["updated_at"]),
        },
        {"definitions": [identifier(definitions.TYPE, d) for d in row["definitions"] or []]},
    )


def read_team(content: dict[str, Any], create: bool, languages: Sequence[str]) -> dict[str, Any]:
    """The teams columns a document sets, its `names`, and `definitions` (ids) when it links them.

    The `name` column is the default language's name: the flat `name`, else that language's text.
    """
    attributes = Attributes(content)
    changes: dict[str, Any] = {}
    names = parse_locale_values(attributes, languages, "name", empty=_EMPTY_NAME)
    if create and languages[0] not in names:
        attributes.text("name", required=True)  # 422 pointing at the name
    if languages[0] in names:
        changes["name"] = names[languages[0]]
    if names:
        changes["names"] = names
    if attributes.has("remark"):
        changes["remark"] = attributes.text("remark")
    linked = relationship(content, "definitions", many=True)
    if linked is not MISSING:
        changes["definitions"] = [reference_id(item["id"]) for item in linked]
    return changes


def _link_definitions(tx: Transaction, team_id: int, ids: list[int | None]) -> None:
    """Make exactly these definitions train the team (each definition trains one team)."""
    for n, definition_id in enumerate(ids):
        if not definitions.row_exists(tx, "training_definitions", definition_id or -1):
            raise ApiError(
                422, "that training definition does not exist", pointer=f"{_DEFINITIONS}/{n}"
            )
    tx.execute(
        "UPDATE training_definitions SET team_id = NULL WHERE team_id = ?"
        " AND NOT list_contains(?, id)",
        [team_id, ids],
    )
    tx.execute(
        "UPDATE training_definitions SET team_id = ? WHERE list_contains(?, id)"
        " AND team_id IS DISTINCT FROM ?",
        [team_id, ids, team_id],
    )


def _save(tx: Transaction, team_id: int | None, changes: dict[str, Any], now: datetime) -> int:
    """Insert (no id) or update a team with the changes; returns its id."""
    linked = changes.pop("definitions", None)
    names: dict[str, str] = changes.pop("names", {})
    if team_id is None:
        columns = [*changes, "created_at", "updated_at"]
        team_id = int(
            tx.insert(
                f"INSERT INTO teams ({', '.join(columns)})"
                f" VALUES ({', '.join(['?'] * len(columns))}) RETURNING id",
                [*changes.values(), now, now],
            )
        )
    else:
        if tx.fetchone("SELECT id FROM teams WHERE id = ?", [team_id]) is None:
            raise ApiError(404, f"team {team_id} does not exist")
        assignments = ", ".join(f"{column} = ?" for column in [*changes, "updated_at"])
        tx.execute(
            f"UPDATE teams SET {assignments} WHERE id = ?", [*changes.values(), now, team_id]
        )
    if linked is not None:
        _link_definitions(tx, team_id, linked)
    if names:
        tx.execute(
            "DELETE FROM team_texts WHERE team_id = ? AND list_contains(?, locale)",
            [team_id, list(names)],
        )
        tx.insert_rows(
            "team_texts",
            ("team_id", "locale", "name", "created_at", "updated_at"),
            [(team_id, locale, name, now, now) for locale, name in names.items()],
        )
    return team_id


def save_team(db: Database, team_id: int | None, changes: dict[str, Any], now: datetime) -> int:
    """Create (no id) or change a team; returns its id."""
    return db.write(lambda tx: _save(tx, team_id, dict(changes), now))


def delete_team(db: Database, team_id: int) -> None:
    """Remove a team no training or definition names; else 409 saying how many do."""

    def work(tx: Transaction) -> None:
        if tx.fetchone("SELECT id FROM teams WHERE id = ?", [team_id]) is None:
            raise ApiError(404, f"team {team_id} does not exist")
        used = tx.fetchone(
            "SELECT (SELECT count(*) FROM training_teams WHERE team_id = $1) AS trainings,"
            " (SELECT count(*) FROM training_definitions WHERE team_id = $1) AS definitions",
            [team_id],
        )
        if used and (used["trainings"] or used["definitions"]):
            raise ApiError(
                409,
                f"{used['trainings']} trainings and {used['definitions']}"
                " training definitions name this team",
            )
        tx.execute("DELETE FROM team_texts WHERE team_id = ?", [team_id])
        tx.execute("DELETE FROM teams WHERE id = ?", [team_id])

    db.write(work)


# --- routes ----------------------------------------------------------------------------------


async def list_route(request: Request) -> Response:
    """GET /trainings/teams: every team, by name."""
    public = await optional_user(request) is None
    limits = page(request)
    count, rows = await run_in_threadpool(
        list_teams, app_state(request).db, limits, site_languages(request)
    )
    return document([team_resource(row, public) for row in rows], meta=limits.meta(count))


async def get_route(request: Request) -> Response:
    """GET /trainings/teams/{id}."""
    team_id = parse_id(request.path_params["id"])
    public = await optional_user(request) is None
    row = await run_in_threadpool(get_team, app_state(request).db, team_id, site_languages(request))
    return document(team_resource(row, public))


async def _write(request: Request, team_id: int | None) -> Response:
    """Create (no id) or change a team from the request's document."""
    await require_user(request)
    content = await read_document(request, _NEW if team_id is None else _CHANGE)
    check_type(content, TYPE, team_id)
    languages = site_languages(request)
    changes = read_team(content, create=team_id is None, languages=languages)
    state = app_state(request)
    saved = await run_in_threadpool(save_team, state.db, team_id, changes, state.clock())
    site_changed(request)
    row = await run_in_threadpool(get_team, state.db, saved, languages)
    return document(team_resource(row), status=201 if team_id is None else 200)


async def create_route(request: Request) -> Response:
    """POST /trainings/teams."""
    return await _write(request, None)


async def update_route(request: Request) -> Response:
    """PATCH /trainings/teams/{id}: the attributes sent; `definitions` replaced when sent."""
    return await _write(request, parse_id(request.path_params["id"]))


async def delete_route(request: Request) -> Response:
    """DELETE /trainings/teams/{id}: 409 while trainings or definitions name the team."""
    await require_user(request)
    team_id = parse_id(request.path_params["id"])
    await run_in_threadpool(delete_team, app_state(request).db, team_id)
    site_changed(request)
    return Response(status_code=204)


routes: list[BaseRoute] = [
    Route("/trainings/teams", list_route, methods=["GET"]),
    Route("/trainings/teams", create_route, methods=["POST"]),
    Route("/trainings/teams/{id}", get_route, methods=["GET"]),
    Route("/trainings/teams/{id}", update_route, methods=["PATCH"]),
    Route("/trainings/teams/{id}", delete_route, methods=["DELETE"]),
]

_TEXT = oa.obj({"locale": oa.string(), "name": oa.string(minLength=1)}, ("locale", "name"))
_ATTRIBUTES = {
    "name": oa.string(minLength=1),
    "texts": {"type": "array", "items": _TEXT},
    "remark": oa.nullable(oa.string()),
}
_LINKS = {"definitions": {"type": "array", "items": oa.identifier_schema(definitions.TYPE)}}
_NEW = oa.document_schema(TYPE, _ATTRIBUTES, ("name",), _LINKS)
_CHANGE = oa.document_schema(TYPE, _ATTRIBUTES, relationships=_LINKS)

openapi_paths: dict[str, Any] = oa.record_paths(
    "/trainings/teams",
    "team",
    "teams",
    _NEW,
    _CHANGE,
    change_summary="Change a team (and which definitions train it)",
    delete_summary="Remove a team no training or definition names",
    in_use="trainings or definitions name the team",
)
