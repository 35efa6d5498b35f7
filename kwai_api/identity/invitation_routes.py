"""Invitations: admins invite people by mail, and an invitation is accepted by making an account."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from kwai_api.core.accounts import (
    EmailInUse,
    InvalidEmail,
    WeakPassword,
    check_email,
    check_password,
    email_in_use,
    insert_user,
)
from kwai_api.core.database import Database, Transaction
from kwai_api.core.passwords import hash_password
from kwai_api.core.settings import Settings
from kwai_api.jsonapi import openapi
from kwai_api.jsonapi.access import CurrentUser, require_admin
from kwai_api.jsonapi.documents import (
    MISSING,
    ApiError,
    Attributes,
    check_type,
    document,
    page,
    parse_uuid,
    read_document,
    relationship,
    resource,
)
from kwai_api.jsonapi.state import app_state
from kwai_api.mail.outbox import queue_mail

TYPE = "user_invitations"
ACCOUNT_TYPE = "user_accounts"
_COLUMNS = (
    "uuid, email, first_name, last_name, remark, language, expired_at, confirmed_at, revoked,"
    " mailed_at, created_at, updated_at"
)


def invitation_resource(row: dict[str, Any]) -> dict[str, Any]:
    """The `user_invitations` resource of a row."""
    names = (
        "email",
        "first_name",
        "last_name",
        "remark",
        "expired_at",
        "confirmed_at",
        "mailed_at",
        "created_at",
        "updated_at",
    )
    return resource(TYPE, row["uuid"], {name: row[name] for name in names})


def _find(source: Database | Transaction, invitation: str) -> dict[str, Any]:
    """An invitation that has not been withdrawn, else 404."""
    row = source.fetchone(
        f"SELECT {_COLUMNS} FROM user_invitations WHERE uuid = ? AND NOT revoked", [invitation]
    )
    if row is None:
        raise ApiError(404, "no such invitation")
    return row


def _queue_invitation_mail(
    tx: Transaction, settings: Settings, row: dict[str, Any], now: datetime
) -> None:
    context = {
        "first_name": row["first_name"],
        "last_name": row["last_name"],
        "link": f"{settings.site.url}/auth/invite/?uuid={row['uuid']}",
        "expires_at": row["expired_at"],
        "valid_days": settings.security.invitation_days,
    }
    name = f"{row['first_name']} {row['last_name']}"
    queue_mail(
        tx,
        settings,
        "invitation",
        row["email"],
        name,
        row["language"],
        context,
        now,
        about=("invitation", row["uuid"]),
    )


def _refuse_taken(tx: Transaction, email: str, now: datetime, pointer: str) -> None:
    """422 when the address has an account or a pending invitation."""
    if email_in_use(tx, email):
        raise ApiError(422, f"{email} already has an account", pointer=pointer)
    pending = tx.fetchone(
        "SELECT uuid FROM user_invitations WHERE lower(email) = ? AND NOT revoked"
        " AND confirmed_at IS NULL AND expired_at > ?",
        [email, now],
    )
    if pending is not None:
        raise ApiError(422, f"{email} has a pending invitation already", pointer=pointer)


# --- admin: manage invitations


async def list_invitations(request: Request) -> Response:
    """GET /auth/users/invitations: the invitations not withdrawn, newest first."""
    await require_admin(request)
    paging = page(request)
    db = app_state(request).db
    rows, count = await run_in_threadpool(_list, db, paging.sql())
    return document([invitation_resource(row) for row in rows], meta=paging.meta(count))


def _list(db: Database, limit: str) -> tuple[list[dict[str, Any]], int]:
    rows = db.fetchall(
        f"SELECT {_COLUMNS} FROM user_invitations WHERE NOT revoked"
        f" ORDER BY created_at DESC, id DESC{limit}"
    )
    return rows, db.fetchvalue("SELECT count(*) FROM user_invitations WHERE NOT revoked")


async def create_invitation(request: Request) -> Response:
    """POST /auth/users/invitations: invite someone and queue the invitation mail."""
    admin = await require_admin(request)
    content = await read_document(request, _INVITATION)
    check_type(content, TYPE)
    attributes = Attributes(content)
    state = app_state(request)
    settings = state.settings
    email = attributes.text("email", required=True) or ""
    try:
        email = check_email(email)
    except InvalidEmail as error:
        raise ApiError(422, str(error), pointer=attributes.pointer("email")) from None
    values = {
        "email": email,
        "first_name": (attributes.text("first_name", required=True) or "").strip(),
        "last_name": (attributes.text("last_name", required=True) or "").strip(),
        "remark": attributes.text("remark"),
        "language": attributes.text("language"),
    }
    if values["language"] is not None and values["language"] not in settings.site.languages:
        raise ApiError(
            422,
            f"language should be one of {', '.join(settings.site.languages)}",
            pointer=attributes.pointer("language"),
        )
    row = await run_in_threadpool(invite, state.db, settings, admin, values, state.clock())
    return document(invitation_resource(row), status=201)


def invite(
    db: Database, settings: Settings, admin: CurrentUser, values: dict[str, Any], now: datetime
) -> dict[str, Any]:
    """Record an invitation and queue its mail, in one transaction; return the row."""

    def work(tx: Transaction) -> dict[str, Any]:
        _refuse_taken(tx, values["email"], now, "/data/attributes/email")
        invitation = str(uuid.uuid4())
        tx.execute(
            "INSERT INTO user_invitations (uuid, email, first_name, last_name, remark, language,"
            " invited_by, expired_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                invitation,
                values["email"],
                values["first_name"],
                values["last_name"],
                values["remark"],
                values["language"],
                admin.id,
                now + timedelta(days=settings.security.invitation_days),
                now,
            ],
        )
        row = _find(tx, invitation)
        _queue_invitation_mail(tx, settings, row, now)
        return row

    return db.write(work)


async def get_invitation(request: Request) -> Response:
    """GET /auth/users/invitations/{uuid}."""
    await require_admin(request)
    invitation = parse_uuid(request.path_params["uuid"])
    row = await run_in_threadpool(_find, app_state(request).db, invitation)
    return document(invitation_resource(row))


async def delete_invitation(request: Request) -> Response:
    """DELETE /auth/users/invitations/{uuid}: withdraw the invitation (its link stops working)."""
    await require_admin(request)
    invitation = parse_uuid(request.path_params["uuid"])
    state = app_state(request)
    await run_in_threadpool(withdraw, state.db, invitation, state.clock())
    return Response(status_code=204)


def withdraw(db: Database, invitation: str, now: datetime) -> None:
    """Revoke an invitation, else 404."""

    def work(tx: Transaction) -> None:
        _find(tx, invitation)
        tx.execute(
            "UPDATE user_invitations SET revoked = true, updated_at = ? WHERE uuid = ?",
            [now, invitation],
        )

    db.write(work)


async def resend_invitation(request: Request) -> Response:
    """POST /auth/users/invitations/{uuid}: a new link with a fresh expiry, mailed again."""
    await require_admin(request)
    invitation = parse_uuid(request.path_params["uuid"])
    state = app_state(request)
    row = await run_in_threadpool(resend, state.db, state.settings, invitation, state.clock())
    return document(invitation_resource(row))


def resend(db: Database, settings: Settings, invitation: str, now: datetime) -> dict[str, Any]:
    """Give the invitation a new uuid and expiry (the old link dies) and queue the mail again."""

    def work(tx: Transaction) -> dict[str, Any]:
        row = _find(tx, invitation)
        if row["confirmed_at"] is not None:
            raise ApiError(422, "this invitation has been accepted already")
        if email_in_use(tx, row["email"]):
            raise ApiError(422, f"{row['email']} already has an account")
        renewed = str(uuid.uuid4())
        tx.execute(
            "UPDATE user_invitations SET uuid = ?, expired_at = ?, mailed_at = NULL,"
            " updated_at = ? WHERE uuid = ?",
            [renewed, now + timedelta(days=settings.security.invitation_days), now, invitation],
        )
        row = _find(tx, renewed)
        _queue_invitation_mail(tx, settings, row, now)
        return row

    return db.write(work)


# --- anyone holding an invitation: accept it


async def create_account(request: Request) -> Response:
    """POST /auth/users: make an account with an invitation (the invitation is the credential)."""
    content = await read_document(request, _ACCOUNT)
    check_type(content, ACCOUNT_TYPE)
    attributes = Attributes(content)
    invitation = _invitation_of(content)
    password = attributes.get("password", str, required=True)
    values = {
        "first_name": (attributes.text("first_name", required=True) or "").strip(),
        "last_name": (attributes.text("last_name", required=True) or "").strip(),
        "remark": attributes.text("remark"),
    }
    state = app_state(request)
    row = await run_in_threadpool(accept, state.db, invitation, password, values, state.clock())
    names = ("email", "first_name", "last_name", "remark", "created_at")
    return document(resource(ACCOUNT_TYPE, row["uuid"], {n: row[n] for n in names}), status=201)


def _invitation_of(content: dict[str, Any]) -> str:
    """The invitation uuid of the `user_invitation` relationship, else 422 (or 404)."""
    pointer = "/data/relationships/user_invitation"
    related = relationship(content, "user_invitation")
    if related is MISSING or related is None:
        raise ApiError(422, "the relationship user_invitation is required", pointer=pointer)
    if related.get("type", TYPE) != TYPE:
        raise ApiError(422, f"user_invitation should be of type {TYPE}", pointer=pointer)
    return parse_uuid(str(related["id"]))


def accept(
    db: Database, invitation: str, password: str, values: dict[str, Any], now: datetime
) -> dict[str, Any]:
    """Create the invited user and confirm the invitation, once; return the user's row."""
    _check_invitation(db, invitation, now)
    try:
        check_password(password)
    except WeakPassword as error:
        raise ApiError(422, str(error), pointer="/data/attributes/password") from None
    password_hash = hash_password(password)  # slow: outside the write lock

    def work(tx: Transaction) -> dict[str, Any]:
        row = _check_invitation(tx, invitation, now)  # again: another request may have won
        try:
            user = insert_user(
                tx,
                row["email"],
                values["first_name"],
                values["last_name"],
                password_hash,
                now,
                language=row["language"],
                remark=values["remark"],
            )
        except EmailInUse as error:
            raise ApiError(422, str(error), pointer="/data/relationships/user_invitation") from None
        tx.execute(
            "UPDATE user_invitations SET confirmed_at = ?, updated_at = ? WHERE uuid = ?",
            [now, now, invitation],
        )
        return user

    return db.write(work)


def _check_invitation(
    source: Database | Transaction, invitation: str, now: datetime
) -> dict[str, Any]:
    """An invitation that can still be accepted, else 404 or a 422 that says why not."""
    row = source.fetchone(f"SELECT {_COLUMNS} FROM user_invitations WHERE uuid = ?", [invitation])
    pointer = "/data/relationships/user_invitation"
    if row is None:
        raise ApiError(404, "no such invitation")
    if row["revoked"]:
        raise ApiError(422, "this invitation has been withdrawn", pointer=pointer)
    if row["confirmed_at"] is not None:
        raise ApiError(422, "this invitation has been used already", pointer=pointer)
    if row["expired_at"] <= now:
        raise ApiError(422, "this invitation has expired; ask for a new one", pointer=pointer)
    return row


routes: list[BaseRoute] = [
    Route("/auth/users/invitations", list_invitations, methods=["GET"]),
    Route("/auth/users/invitations", create_invitation, methods=["POST"]),
    Route("/auth/users/invitations/{uuid}", get_invitation, methods=["GET"]),
    Route("/auth/users/invitations/{uuid}", delete_invitation, methods=["DELETE"]),
    Route("/auth/users/invitations/{uuid}", resend_invitation, methods=["POST"]),
    Route("/auth/users", create_account, methods=["POST"]),
]

_INVITATION = openapi.document_schema(
    TYPE,
    {
        "email": openapi.string(format="email"),
        "first_name": openapi.string(),
        "last_name": openapi.string(),
        "remark": openapi.nullable(openapi.string()),
        "language": openapi.nullable(openapi.string()),
    },
    ("email", "first_name", "last_name"),
)
_ACCOUNT = openapi.document_schema(
    ACCOUNT_TYPE,
    {
        "first_name": openapi.string(),
        "last_name": openapi.string(),
        "password": openapi.string(minLength=8),
        "remark": openapi.nullable(openapi.string()),
    },
    ("first_name", "last_name", "password"),
    relationships={"user_invitation": openapi.identifier_schema(TYPE)},
)
_ADMIN = {401: "Not authenticated", 403: "Not an administrator"}
_ONE = [openapi.path_param("uuid", openapi.string(format="uuid"))]
_BODY_ERRORS = {
    400: "Not JSON",
    409: "Wrong resource type",
    413: "Body too large",
    415: "Not JSON:API",
    422: "Invalid document",
}

openapi_paths: dict[str, Any] = {
    "/auth/users/invitations": {
        "get": openapi.operation(
            "The invitations (admin)",
            {200: "The invitations", 400: "Bad page parameter", **_ADMIN},
            parameters=openapi.PAGE_PARAMETERS,
            auth=True,
        ),
        "post": openapi.operation(
            "Invite someone by mail (admin)",
            {201: "The invitation", **_ADMIN, **_BODY_ERRORS},
            body=_INVITATION,
            auth=True,
        ),
    },
    "/auth/users/invitations/{uuid}": {
        "get": openapi.operation(
            "One invitation (admin)",
            {200: "The invitation", 404: "Unknown invitation", **_ADMIN},
            parameters=_ONE,
            auth=True,
        ),
        "delete": openapi.operation(
            "Withdraw an invitation (admin)",
            {204: "Withdrawn", 404: "Unknown invitation", **_ADMIN},
            parameters=_ONE,
            auth=True,
        ),
        "post": openapi.operation(
            "Mail the invitation again with a new link and expiry (admin)",
            {
                200: "The renewed invitation",
                404: "Unknown invitation",
                422: "Accepted already, or the address has an account",
                **_ADMIN,
            },
            parameters=_ONE,
            auth=True,
        ),
    },
    "/auth/users": {
        "post": openapi.operation(
            "Accept an invitation by creating an account",
            {
                201: "The new account",
                404: "Unknown invitation",
                **{
                    **_BODY_ERRORS,
                    422: "Invalid document, weak password, or an expired, withdrawn"
                    " or used invitation",
                },
            },
            body=_ACCOUNT,
        ),
    },
}
