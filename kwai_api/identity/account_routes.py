"""One's own account: change one's names and language, and one's password (/auth/user)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from kwai_api.core.accounts import WeakPassword, check_password, find_user
from kwai_api.core.database import Database, Transaction
from kwai_api.core.passwords import hash_password, verify_password
from kwai_api.core.tokens import CurrentUser
from kwai_api.identity.throttle import client_address, retry_after
from kwai_api.identity.user_routes import TYPE, read_profile, user_resource
from kwai_api.jsonapi import openapi as oa
from kwai_api.jsonapi.access import require_user
from kwai_api.jsonapi.documents import (
    ApiError,
    Attributes,
    check_type,
    document,
    form_field,
    read_document,
    read_form,
)
from kwai_api.jsonapi.requests import site_languages
from kwai_api.jsonapi.state import app_state

_ADMIN_ONLY = ("admin", "revoked", "remark", "email")


async def current_user(request: Request) -> Response:
    """GET /auth/user: the user of the access token."""
    user = await require_user(request)
    row = await run_in_threadpool(find_user, app_state(request).db, user.uuid)
    return document(user_resource(row))


def update_profile(
    db: Database, user: CurrentUser, changes: dict[str, Any], now: datetime
) -> dict[str, Any]:
    """Change one's own names and language."""

    def work(tx: Transaction) -> dict[str, Any]:
        if changes:
            assignments = ", ".join(f"{column} = ?" for column in [*changes, "updated_at"])
            tx.execute(
                f"UPDATE users SET {assignments} WHERE id = ?", [*changes.values(), now, user.id]
            )
        return find_user(tx, user.uuid)

    return db.write(work)


async def update_route(request: Request) -> Response:
    """PATCH /auth/user: one's own first_name, last_name and language."""
    user = await require_user(request)
    content = await read_document(request, _READ)
    check_type(content, TYPE)
    attributes = Attributes(content)
    for name in _ADMIN_ONLY:
        if attributes.has(name):
            raise ApiError(
                403, f"only an administrator may change {name}", pointer=attributes.pointer(name)
            )
    changes = read_profile(attributes, site_languages(request))
    row = await run_in_threadpool(
        update_profile, app_state(request).db, user, changes, app_state(request).clock()
    )
    return document(user_resource(row))


def change_password(
    db: Database, user: CurrentUser, current: str, password: str, now: datetime
) -> bool:
    """Set a new password when the current one is right (else False); other sessions end."""
    row = db.fetchone("SELECT password_hash FROM users WHERE id = ?", [user.id])
    if row is None or not verify_password(row["password_hash"], current):
        return False
    try:
        check_password(password)
    except WeakPassword as error:
        raise ApiError(422, str(error), pointer="/password") from None
    password_hash = hash_password(password)

    def work(tx: Transaction) -> None:
        tx.execute(
            "UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?",
            [password_hash, now, user.id],
        )
        tx.execute(
            "UPDATE tokens SET revoked = true WHERE user_id = ? AND NOT revoked AND family <>"
            " (SELECT family FROM tokens WHERE identifier = ?)",
            [user.id, user.token_id],
        )

    db.write(work)
    return True


async def password_route(request: Request) -> Response:
    """POST /auth/user/password: form `current_password`, `password`; this session stays."""
    user = await require_user(request)
    form = await read_form(request)
    current, password = form_field(form, "current_password"), form_field(form, "password")
    throttle, address = app_state(request).throttle, client_address(request)
    wait = throttle.begin_login(user.email, address)
    if wait > 0:
        raise ApiError(
            429, "too many attempts; try again later", headers={"Retry-After": retry_after(wait)}
        )
    changed = await run_in_threadpool(
        change_password, app_state(request).db, user, current, password, app_state(request).clock()
    )
    if not changed:
        raise ApiError(422, "the current password is wrong", pointer="/current_password")
    throttle.login_succeeded(user.email, address)
    return Response(status_code=204)


routes: list[BaseRoute] = [
    Route("/auth/user", current_user, methods=["GET"]),
    Route("/auth/user", update_route, methods=["PATCH"]),
    Route("/auth/user/password", password_route, methods=["POST"]),
]

_PROFILE = {
    "first_name": oa.string(minLength=1),
    "last_name": oa.string(minLength=1),
    "language": oa.nullable(oa.string()),
}

_CHANGE = oa.document_schema(TYPE, _PROFILE)
# What only an admin may change is read too, so that sending it is a 403 that names it.
_READ = oa.document_schema(TYPE, {**_PROFILE, **{name: {} for name in _ADMIN_ONLY}})

openapi_paths: dict[str, Any] = {
    "/auth/user": {
        "get": oa.operation(
            "The current user", {200: "The user", 401: "Not authenticated"}, auth=True
        ),
        "patch": oa.operation(
            "Change one's own names and language",
            {200: "The user", **oa.WRITE_ERRORS, 403: "an attribute only an admin may change"},
            body=_CHANGE,
            auth=True,
        ),
    },
    "/auth/user/password": {
        "post": oa.operation(
            "Change one's password (the other sessions end)",
            {
                204: "Changed",
                401: "Not authenticated",
                400: "Unreadable form",
                413: "Body too large",
                415: "Not a form",
                422: "A field is missing, the current password is wrong or the new one too short",
                429: "Too many attempts (see Retry-After)",
            },
            form=oa.obj(
                {"current_password": oa.string(), "password": oa.string()},
                ("current_password", "password"),
            ),
            auth=True,
        )
    },
}
