"""The club's users, for admins: list them, block one who left, promote an editor (/users).

The local `kwai user ...` commands reach the same routes with the job secret while the server
holds the database; `POST /users` exists for them alone (people join through invitations).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from kwai_api.core.accounts import (
    EmailInUse,
    UserError,
    change_user,
    create_user,
    find_user,
    list_users,
)
from kwai_api.core.database import Database, Row
from kwai_api.core.tokens import CurrentUser
from kwai_api.jsonapi import openapi as oa
from kwai_api.jsonapi.access import has_job_secret, require_admin
from kwai_api.jsonapi.documents import (
    ApiError,
    Attributes,
    boolean_parameter,
    check_type,
    document,
    page,
    parse_uuid,
    read_document,
    resource,
    timestamp,
)
from kwai_api.jsonapi.requests import site_languages
from kwai_api.jsonapi.state import app_state

TYPE = "users"


def user_resource(row: Row) -> dict[str, Any]:
    """A `users` resource (id = the uuid), as GET /auth/user and the admin routes answer."""
    return resource(
        TYPE,
        row["uuid"],
        {
            "email": row["email"],
            "first_name": row["first_name"],
            "last_name": row["last_name"],
            "admin": row["admin"],
            "revoked": row["revoked"],
            "language": row["language"],
            "remark": row["remark"],
            "last_login": timestamp(row["last_login"]),
            "created_at": timestamp(row["created_at"]),
            "updated_at": timestamp(row["updated_at"]),
        },
    )


def read_profile(attributes: Attributes, languages: Sequence[str]) -> dict[str, Any]:
    """The names and language a document sets (what everyone may change of their own)."""
    changes: dict[str, Any] = {}
    for name in ("first_name", "last_name"):
        if attributes.has(name):
            changes[name] = (attributes.text(name, required=True) or "").strip()
    if attributes.has("language"):
        language = attributes.text("language")
        if language is not None and language not in languages:
            raise ApiError(
                422,
                f"language should be one of {', '.join(languages)}",
                pointer=attributes.pointer("language"),
            )
        changes["language"] = language
    return changes


def read_user(content: dict[str, Any], languages: Sequence[str]) -> dict[str, Any]:
    """What an admin's document changes: the profile, `admin`, `revoked` and `remark`."""
    attributes = Attributes(content)
    changes = read_profile(attributes, languages)
    for flag in ("admin", "revoked"):
        if attributes.has(flag):
            changes[flag] = attributes.get(flag, bool, nullable=False)
    if attributes.has("remark"):
        changes["remark"] = attributes.text("remark")
    return changes


async def _admin_or_job(request: Request) -> CurrentUser | None:
    """An admin, or the local `kwai` command holding the job secret (then None)."""
    return None if has_job_secret(request) else await require_admin(request)


def _listed(
    db: Database, revoked: bool | None, admin: bool | None, email: str | None, limits: str
) -> tuple[int, list[Row]]:
    with db.snapshot() as tx:
        return list_users(tx, revoked, admin, email, limits)


async def list_route(request: Request) -> Response:
    """GET /users: filter[revoked], filter[admin], filter[email]; by name."""
    await _admin_or_job(request)
    limits = page(request)
    revoked = boolean_parameter(request, "filter[revoked]", None)
    admin = boolean_parameter(request, "filter[admin]", None)
    email = request.query_params.get("filter[email]") or None
    count, rows = await run_in_threadpool(
        _listed, app_state(request).db, revoked, admin, email, limits.sql()
    )
    return document([user_resource(row) for row in rows], meta=limits.meta(count))


async def get_route(request: Request) -> Response:
    """GET /users/{uuid}."""
    await _admin_or_job(request)
    user_uuid = parse_uuid(request.path_params["uuid"])
    return document(
        user_resource(await run_in_threadpool(find_user, app_state(request).db, user_uuid))
    )


async def update_route(request: Request) -> Response:
    """PATCH /users/{uuid}: admin, revoked, names, language, remark."""
    by = await _admin_or_job(request)
    user_uuid = parse_uuid(request.path_params["uuid"])
    content = await read_document(request, _CHANGE)
    check_type(content, TYPE, None)
    if "id" in content["data"] and str(content["data"]["id"]) != user_uuid:
        raise ApiError(
            409, "the document's id differs from the one in the path", pointer="/data/id"
        )
    changes = read_user(content, site_languages(request))
    row = await run_in_threadpool(
        change_user,
        app_state(request).db,
        user_uuid,
        changes,
        by.id if by else None,
        app_state(request).clock(),
    )
    return document(user_resource(row))


async def create_route(request: Request) -> Response:
    """POST /users (job secret only): `kwai user create` while the server holds the database."""
    if not has_job_secret(request):
        raise ApiError(403, "accounts are made by invitation; this route is for `kwai user`")
    content = await read_document(request, _NEW)
    check_type(content, TYPE)
    attributes = Attributes(content)
    given = {
        name: attributes.text(name, required=True) or ""
        for name in ("email", "first_name", "last_name", "password")
    }
    admin = attributes.get("admin", bool, default=False, nullable=False)
    try:
        row = await run_in_threadpool(
            create_user, app_state(request).db, **given, admin=admin, now=app_state(request).clock()
        )
    except UserError as error:
        raise ApiError(409 if isinstance(error, EmailInUse) else 422, str(error)) from None
    created = await run_in_threadpool(find_user, app_state(request).db, row["uuid"])
    return document(user_resource(created), status=201)


routes: list[BaseRoute] = [
    Route("/users", list_route, methods=["GET"]),
    Route("/users", create_route, methods=["POST"]),
    Route("/users/{uuid}", get_route, methods=["GET"]),
    Route("/users/{uuid}", update_route, methods=["PATCH"]),
]

_PROFILE = {
    "first_name": oa.string(minLength=1),
    "last_name": oa.string(minLength=1),
    "language": oa.nullable(oa.string()),
}
_ATTRIBUTES = {
    **_PROFILE,
    "admin": {"type": "boolean"},
    "revoked": {"type": "boolean"},
    "remark": oa.nullable(oa.string()),
}
_NEW = oa.document_schema(
    TYPE,
    {"email": oa.string(), "password": oa.string(), "admin": {"type": "boolean"}, **_PROFILE},
    ("email", "first_name", "last_name", "password"),
)
_CHANGE = oa.document_schema(TYPE, _ATTRIBUTES)
_UUID = [oa.path_param("uuid", oa.string(format="uuid"))]
_ADMIN = {401: "not authenticated", 403: "not an admin"}

openapi_paths: dict[str, Any] = {
    "/users": {
        "get": oa.operation(
            "List users, by name (admin)",
            {200: "the users", 400: "bad filter or page parameter", **_ADMIN},
            parameters=[
                oa.query("filter[revoked]", {"type": "boolean"}),
                oa.query("filter[admin]", {"type": "boolean"}),
                oa.query("filter[email]"),
                *oa.PAGE_PARAMETERS,
            ],
            auth=True,
        ),
        "post": oa.operation(
            "Create an account (only `kwai user create`, with the job secret)",
            {201: "created", 403: "without the job secret", **oa.WRITE_ERRORS},
            body=_NEW,
        ),
    },
    "/users/{uuid}": {
        "get": oa.operation(
            "One user (admin)",
            {200: "the user", 404: "unknown", **_ADMIN},
            parameters=_UUID,
            auth=True,
        ),
        "patch": oa.operation(
            "Change a user (admin): revoking ends every session; the last admin stays",
            {
                200: "the user",
                404: "unknown",
                **oa.WRITE_ERRORS,
                **_ADMIN,
                409: "the last admin, oneself revoked, or another type/id",
            },
            parameters=_UUID,
            auth=True,
            body=_CHANGE,
        ),
    },
}
