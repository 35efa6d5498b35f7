"""Coaches: who gives the trainings, with a bio per language (the site's coaches page shows them).

The flat `bio` attribute is the default language's bio, as it always was; `texts` holds every
language's. A coach's portrait is the relationship `photo` (an uploaded image).
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
    page,
    parse_id,
    read_document,
    resource,
    timestamp,
)
from kwai_api.jsonapi.images import (
    IMAGE_RELATIONSHIP,
    check_reference,
    image_identifier,
    image_relationship,
)
from kwai_api.jsonapi.requests import site_changed, site_languages
from kwai_api.jsonapi.state import app_state
from kwai_api.jsonapi.texts import locale_values, parse_locale_values

TYPE = "coaches"


# --- queries ---------------------------------------------------------------------------------


def _with_texts(reader: Database | Transaction, rows: list[Row], languages: Sequence[str]) -> None:
    """Add each coach's bios (in the club's language order) and the default language's bio."""
    texts: dict[int, dict[str, str]] = {row["id"]: {} for row in rows}
    for text in reader.fetchall(
        "SELECT coach_id, locale, bio FROM coach_texts WHERE list_contains(?, coach_id)",
        [list(texts)],
    ):
        texts[text["coach_id"]][text["locale"]] = text["bio"]
    for row in rows:
        bios = texts[row["id"]]
        row["texts"] = locale_values(bios, languages, "bio")
        row["bio"] = bios.get(languages[0], row["bio"])  # else the bio from before languages


def list_coaches(
    db: Database, limits: Page, languages: Sequence[str], ids: Sequence[int] | None = None
) -> tuple[int, list[Row]]:
    """The coaches (all, or those with `ids`), by name, with their bios."""
    where, params = ("WHERE list_contains(?, id)", [list(ids)]) if ids is not None else ("", [])
    with db.snapshot() as tx:
        count = tx.fetchone(f"SELECT count(*) AS n FROM coaches {where}", params)
        rows = tx.fetchall(
            f"SELECT * FROM coaches {where} ORDER BY name, id" + limits.sql(), params
        )
        _with_texts(tx, rows, languages)
    return (count["n"] if count else 0), rows


def get_coach(db: Database, coach_id: int, languages: Sequence[str]) -> Row:
    """One coach with its bios, else 404."""
    _, rows = list_coaches(db, Page(None, None), languages, [coach_id])
    if not rows:
        raise ApiError(404, f"coach {coach_id} does not exist")
    return rows[0]


def coach_resource(row: Row, public: bool = False) -> dict[str, Any]:
    """A `coaches` resource; the public does not see the staff's remark."""
    return resource(
        TYPE,
        row["id"],
        {
            "name": row["name"],
            "active": row["active"],
            "remark": None if public else row["remark"],
            "bio": row["bio"],
            "texts": row["texts"],
            "created_at": timestamp(row["created_at"]),
            "updated_at": timestamp(row["updated_at"]),
        },
        {"photo": image_identifier(row["photo_id"])},
    )


# --- writes ----------------------------------------------------------------------------------


def read_coach(content: dict[str, Any], create: bool) -> dict[str, Any]:
    """The coaches columns a document sets (a name at least when creating)."""
    attributes = Attributes(content)
    changes: dict[str, Any] = {}
    if create or attributes.has("name"):
        changes["name"] = (attributes.text("name", required=True) or "").strip()
    if attributes.has("active"):
        changes["active"] = attributes.get("active", bool, nullable=False)
    if attributes.has("remark"):
        changes["remark"] = attributes.text("remark")
    photo = image_relationship(content, "photo")
    if photo is not MISSING:
        changes["photo_id"] = photo
    return changes


def _write_bios(tx: Transaction, coach_id: int, bios: dict[str, str], now: datetime) -> None:
    """Set the bios of the languages sent; the others stay."""
    tx.execute(
        "DELETE FROM coach_texts WHERE coach_id = ? AND list_contains(?, locale)",
        [coach_id, list(bios)],
    )
    tx.insert_rows(
        "coach_texts",
        ("coach_id", "locale", "bio", "created_at", "updated_at"),
        [(coach_id, locale, bio, now, now) for locale, bio in bios.items()],
    )


def create_coach(db: Database, changes: dict[str, Any], bios: dict[str, str], now: datetime) -> int:
    """Store a new coach with its bios; returns its id."""

    def work(tx: Transaction) -> int:
        check_reference(tx, changes, "photo_id", "photo")
        columns = list(changes)
        coach_id = int(
            tx.insert(
                f"INSERT INTO coaches ({', '.join([*columns, 'created_at', 'updated_at'])})"
                f" VALUES ({', '.join(['?'] * (len(columns) + 2))}) RETURNING id",
                [*changes.values(), now, now],
            )
        )
        _write_bios(tx, coach_id, bios, now)
        return coach_id

    return db.write(work)


def update_coach(
    db: Database, coach_id: int, changes: dict[str, Any], bios: dict[str, str], now: datetime
) -> None:
    """Change what was sent, else 404."""

    def work(tx: Transaction) -> None:
        if tx.fetchone("SELECT id FROM coaches WHERE id = ?", [coach_id]) is None:
            raise ApiError(404, f"coach {coach_id} does not exist")
        check_reference(tx, changes, "photo_id", "photo")
        assignments = ", ".join(f"{column} = ?" for column in [*changes, "updated_at"])
        tx.execute(
            f"UPDATE coaches SET {assignments} WHERE id = ?", [*changes.values(), now, coach_id]
        )
        _write_bios(tx, coach_id, bios, now)

    db.write(work)


def delete_coach(db: Database, coach_id: int) -> None:
    """Remove a coach no training names; else 409 (deactivate them instead)."""

    def work(tx: Transaction) -> None:
        if tx.fetchone("SELECT id FROM coaches WHERE id = ?", [coach_id]) is None:
            raise ApiError(404, f"coach {coach_id} does not exist")
        used = tx.fetchone(
            "SELECT count(*) AS n FROM training_coaches WHERE coach_id = ?", [coach_id]
        )
        if used and used["n"]:
            raise ApiError(
                409, f"{used['n']} trainings name this coach; set active to false instead"
            )
        tx.execute("DELETE FROM coach_texts WHERE coach_id = ?", [coach_id])
        tx.execute("DELETE FROM coaches WHERE id = ?", [coach_id])

    db.write(work)


# --- routes ----------------------------------------------------------------------------------


async def list_route(request: Request) -> Response:
    """GET /trainings/coaches: every coach, by name."""
    public = await optional_user(request) is None
    limits = page(request)
    count, rows = await run_in_threadpool(
        list_coaches, app_state(request).db, limits, site_languages(request)
    )
    return document([coach_resource(row, public) for row in rows], meta=limits.meta(count))


async def get_route(request: Request) -> Response:
    """GET /trainings/coaches/{id}."""
    coach_id = parse_id(request.path_params["id"])
    public = await optional_user(request) is None
    row = await run_in_threadpool(
        get_coach, app_state(request).db, coach_id, site_languages(request)
    )
    return document(coach_resource(row, public))


async def create_route(request: Request) -> Response:
    """POST /trainings/coaches."""
    await require_user(request)
    content = await read_document(request, _NEW)
    check_type(content, TYPE)
    languages = site_languages(request)
    changes, bios = (
        read_coach(content, create=True),
        parse_locale_values(Attributes(content), languages, "bio"),
    )
    db = app_state(request).db
    coach_id = await run_in_threadpool(create_coach, db, changes, bios, app_state(request).clock())
    site_changed(request)
    row = await run_in_threadpool(get_coach, db, coach_id, languages)
    return document(coach_resource(row), status=201)


async def update_route(request: Request) -> Response:
    """PATCH /trainings/coaches/{id}: the attributes sent, bios of the languages sent."""
    await require_user(request)
    coach_id = parse_id(request.path_params["id"])
    content = await read_document(request, _CHANGE)
    check_type(content, TYPE, coach_id)
    languages = site_languages(request)
    changes, bios = (
        read_coach(content, create=False),
        parse_locale_values(Attributes(content), languages, "bio"),
    )
    db = app_state(request).db
    await run_in_threadpool(update_coach, db, coach_id, changes, bios, app_state(request).clock())
    site_changed(request)
    return document(coach_resource(await run_in_threadpool(get_coach, db, coach_id, languages)))


async def delete_route(request: Request) -> Response:
    """DELETE /trainings/coaches/{id}: 409 while trainings name the coach."""
    await require_user(request)
    coach_id = parse_id(request.path_params["id"])
    await run_in_threadpool(delete_coach, app_state(request).db, coach_id)
    site_changed(request)
    return Response(status_code=204)


routes: list[BaseRoute] = [
    Route("/trainings/coaches", list_route, methods=["GET"]),
    Route("/trainings/coaches", create_route, methods=["POST"]),
    Route("/trainings/coaches/{id}", get_route, methods=["GET"]),
    Route("/trainings/coaches/{id}", update_route, methods=["PATCH"]),
    Route("/trainings/coaches/{id}", delete_route, methods=["DELETE"]),
]

_TEXT = oa.obj({"locale": oa.string(), "bio": oa.string()}, ("locale",))
_ATTRIBUTES = {
    "name": oa.string(minLength=1),
    "active": {"type": "boolean"},
    "remark": oa.nullable(oa.string()),
    "bio": oa.string(),
    "texts": {"type": "array", "items": _TEXT},
}
_RELATIONSHIPS = {"photo": IMAGE_RELATIONSHIP}
_NEW = oa.document_schema(TYPE, _ATTRIBUTES, ("name",), _RELATIONSHIPS)
_CHANGE = oa.document_schema(TYPE, _ATTRIBUTES, relationships=_RELATIONSHIPS)

openapi_paths: dict[str, Any] = oa.record_paths(
    "/trainings/coaches",
    "coach",
    "coaches",
    _NEW,
    _CHANGE,
    change_summary="Change a coach",
    delete_summary="Remove a coach no training names",
    in_use="trainings name the coach: deactivate instead",
)
