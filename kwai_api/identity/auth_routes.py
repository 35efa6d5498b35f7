"""Logging in and out, refreshing tokens, the current user, and recovering a lost password."""

from __future__ import annotations

import asyncio
import logging
import uuid
from datetime import datetime, timedelta
from typing import Any

from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from kwai_api.core.accounts import WeakPassword, check_password, normalize_email
from kwai_api.core.database import Database, Transaction
from kwai_api.core.passwords import hash_password, needs_rehash, verify_password
from kwai_api.core.settings import Settings
from kwai_api.core.tokens import (
    TokenPair,
    new_login,
    revoke_pair_of,
    revoke_user_tokens,
    rotate,
)
from kwai_api.identity.throttle import client_address, retry_after
from kwai_api.jsonapi import openapi
from kwai_api.jsonapi.access import require_user
from kwai_api.jsonapi.documents import (
    ApiError,
    body,
    error_response,
    form_field,
    json_response,
    parse_uuid,
    read_form,
)
from kwai_api.jsonapi.state import app_state
from kwai_api.mail.outbox import queue_mail

logger = logging.getLogger("kwai.auth")

# Answers that carry tokens must not be kept by any cache, shared or the browser's.
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}

# At most this many recovery mails per account and window, whoever asks.
RECOVERIES_PER_WINDOW = 3
RECOVERY_WINDOW = timedelta(hours=1)

# One message for every failed login: the answer must not tell which part was wrong.
LOGIN_FAILED = "the email address or the password is wrong"
REFRESH_FAILED = "the refresh token is invalid, expired or revoked"
# The staff workspace keeps the refresh token in this cookie, out of reach of scripts: HttpOnly,
# Secure, SameSite=Strict and sent only to the token routes under /auth. The form field still
# works for the API's other clients; the cookie is read when the field is absent.
REFRESH_COOKIE = "kwai_refresh"
RECOVER_ANSWER = (
    "when the address belongs to an account, a mail with a link to choose a new password is on "
    "its way"
)


def _throttled(seconds: float) -> ApiError:
    return ApiError(
        429, "too many attempts; try again later", headers={"Retry-After": retry_after(seconds)}
    )


async def login(request: Request) -> Response:
    """POST /auth/login: trade an email address and password for a token pair."""
    form = await read_form(request)
    email = normalize_email(form_field(form, "username"))
    password = form_field(form, "password")
    state, address = app_state(request), client_address(request)
    wait = state.throttle.begin_login(email, address)
    if wait > 0:
        raise _throttled(wait)
    await asyncio.sleep(state.throttle.account_delay(email))
    pair = await run_in_threadpool(log_in, state.db, state.settings, email, password, state.clock())
    if pair is None:
        raise ApiError(401, LOGIN_FAILED, headers={"WWW-Authenticate": "Bearer"})
    state.throttle.login_succeeded(email, address)
    return _with_cookie(request, json_response(pair.as_dict(), headers=NO_STORE), pair)


def _cookie_path(request: Request) -> str:
    """The path the refresh cookie is sent to: the token routes under the API's /auth."""
    return f"{request.scope.get('root_path', '')}/auth"


def _with_cookie(request: Request, response: Response, pair: TokenPair) -> Response:
    """Set the refresh cookie of `pair` on `response`."""
    days = app_state(request).settings.security.refresh_token_days
    response.set_cookie(
        REFRESH_COOKIE,
        pair.refresh_token,
        max_age=days * 86_400,
        path=_cookie_path(request),
        secure=True,
        httponly=True,
        samesite="strict",
    )
    return response


def _without_cookie(request: Request, response: Response) -> Response:
    """Tell the browser to forget the refresh cookie."""
    response.delete_cookie(
        REFRESH_COOKIE, path=_cookie_path(request), secure=True, httponly=True, samesite="strict"
    )
    return response


async def _token_form(request: Request) -> FormData:
    """The form of a token request; none at all is an empty form (the cookie may be enough)."""
    if not await body(request) and "content-type" not in request.headers:
        return FormData()
    return await read_form(request)


def _refresh_token(request: Request, form: FormData) -> tuple[str, bool]:
    """The refresh token of the form field, else of the cookie; and whether it was the cookie."""
    field = form.get("refresh_token")
    if isinstance(field, str) and field:
        return field, False
    cookie = request.cookies.get(REFRESH_COOKIE, "")
    if cookie:
        return cookie, True
    return form_field(form, "refresh_token"), False  # 422 naming the missing field


def log_in(
    db: Database, settings: Settings, email: str, password: str, now: datetime
) -> TokenPair | None:
    """A new token pair when the password is right and the user may log in, else None."""
    user = db.fetchone(
        "SELECT id, password_hash, revoked FROM users WHERE lower(email) = ?",
        [normalize_email(email)],
    )
    # An unknown user is checked against a dummy hash: the same work, the same time.
    valid = verify_password(user["password_hash"] if user else None, password)
    if user is None or not valid or user["revoked"]:
        return None
    rehashed = hash_password(password) if needs_rehash(user["password_hash"]) else None

    def work(tx: Transaction) -> TokenPair:
        tx.execute("UPDATE users SET last_login = ? WHERE id = ?", [now, user["id"]])
        if rehashed is not None:
            tx.execute("UPDATE users SET password_hash = ? WHERE id = ?", [rehashed, user["id"]])
        return new_login(tx, settings, user["id"], now)

    return db.write(work)


async def logout(request: Request) -> Response:
    """POST /auth/logout: revoke the presented access token and the given refresh token."""
    user = await require_user(request)
    form = await _token_form(request)
    refresh_token, _ = _refresh_token(request, form)
    state = app_state(request)
    if not await run_in_threadpool(revoke_pair_of, state.db, state.settings, user, refresh_token):
        refused = ApiError(401, REFRESH_FAILED, pointer="/refresh_token")
        return _without_cookie(request, error_response([refused]))
    return _without_cookie(request, Response(status_code=204))


async def access_token(request: Request) -> Response:
    """POST /auth/access_token: rotate a refresh token into a new pair.

    A token from the cookie is answered with the new one in the cookie only, never in the body.
    """
    form = await _token_form(request)
    refresh_token, from_cookie = _refresh_token(request, form)
    state = app_state(request)
    pair = await run_in_threadpool(rotate, state.db, state.settings, refresh_token, state.clock())
    if pair is None:
        refused = ApiError(401, REFRESH_FAILED, pointer="/refresh_token")
        response = error_response([refused])
        return _without_cookie(request, response) if from_cookie else response
    body = pair.as_dict()
    if from_cookie:
        del body["refresh_token"]
    return _with_cookie(request, json_response(body, headers=NO_STORE), pair)


async def recover(request: Request) -> Response:
    """POST /auth/recover: mail a reset link to a known address; the answer never tells."""
    form = await read_form(request)
    email = form_field(form, "email")
    state = app_state(request)
    wait = state.throttle.begin_recover(client_address(request))
    if wait > 0:
        raise _throttled(wait)
    # The work happens after the answer is sent, so a known address answers as fast as an
    # unknown one: the timing tells nobody who has an account.
    work = BackgroundTask(
        run_in_threadpool, request_recovery, state.db, state.settings, email, state.clock()
    )
    response = json_response({"meta": {"detail": RECOVER_ANSWER}})
    response.background = work
    return response


def request_recovery(db: Database, settings: Settings, email: str, now: datetime) -> str | None:
    """Record a recovery and queue its mail for a known, active user; its uuid, else None."""
    user = db.fetchone(
        "SELECT id, email, first_name, last_name, language FROM users"
        " WHERE lower(email) = ? AND NOT revoked",
        [normalize_email(email)],
    )
    if user is None:
        return None
    recent = db.fetchvalue(
        "SELECT count(*) FROM user_recoveries WHERE user_id = ? AND created_at > ?",
        [user["id"], now - RECOVERY_WINDOW],
    )
    if recent >= RECOVERIES_PER_WINDOW:  # one inbox must not be flooded from many addresses
        logger.info("recovery for user %s not mailed: %s already this hour", user["id"], recent)
        return None
    recovery = str(uuid.uuid4())
    hours = settings.security.recovery_hours
    expires = now + timedelta(hours=hours)
    context: dict[str, Any] = {
        "first_name": user["first_name"],
        "last_name": user["last_name"],
        "link": f"{settings.site.url}/auth/reset/?uuid={recovery}",
        "expires_at": expires,
        "valid_hours": hours,
    }

    def work(tx: Transaction) -> None:
        tx.execute(
            "INSERT INTO user_recoveries (uuid, user_id, expired_at, created_at)"
            " VALUES (?, ?, ?, ?)",
            [recovery, user["id"], expires, now],
        )
        name = f"{user['first_name']} {user['last_name']}"
        queue_mail(
            tx,
            settings,
            "recovery",
            user["email"],
            name,
            user["language"],
            context,
            now,
            about=("recovery", recovery),
        )

    db.write(work)
    return recovery


async def reset(request: Request) -> Response:
    """POST /auth/reset: set a new password with a recovery link (once)."""
    form = await read_form(request)
    recovery = parse_uuid(form_field(form, "uuid"))
    password = form_field(form, "password")
    state = app_state(request)
    await run_in_threadpool(reset_password, state.db, recovery, password, state.clock())
    return Response(status_code=204)


def reset_password(db: Database, recovery: str, password: str, now: datetime) -> None:
    """Set the password of the recovery's user, spend the recovery and end every session."""
    _check_recovery(_recovery(db, recovery), now)
    try:
        check_password(password)
    except WeakPassword as error:
        raise ApiError(422, str(error), pointer="/password") from None
    password_hash = hash_password(password)

    def work(tx: Transaction) -> None:
        row = _check_recovery(_recovery(tx, recovery), now)  # again: another reset may have won
        tx.execute(
            "UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?",
            [password_hash, now, row["user_id"]],
        )
        # Every other link of this user is spent too: one reset ends all recoveries.
        tx.execute(
            "UPDATE user_recoveries SET confirmed_at = ?, updated_at = ?"
            " WHERE user_id = ? AND confirmed_at IS NULL",
            [now, now, row["user_id"]],
        )
        revoke_user_tokens(tx, row["user_id"])

    db.write(work)


def _recovery(source: Database | Transaction, recovery: str) -> dict[str, Any] | None:
    return source.fetchone(
        "SELECT r.id, r.user_id, r.expired_at, r.confirmed_at, u.revoked"
        " FROM user_recoveries r JOIN users u ON u.id = r.user_id WHERE r.uuid = ?",
        [recovery],
    )


def _check_recovery(row: dict[str, Any] | None, now: datetime) -> dict[str, Any]:
    """The recovery when it may still be used, else the error that says why not."""
    if row is None:
        raise ApiError(404, "this recovery link is unknown")
    if row["confirmed_at"] is not None:
        raise ApiError(410, "this recovery link has been used already; ask for a new one")
    if row["expired_at"] <= now:
        raise ApiError(410, "this recovery link has expired; ask for a new one")
    if row["revoked"]:
        raise ApiError(403, "this account has been blocked")
    return row


routes: list[BaseRoute] = [
    Route("/auth/login", login, methods=["POST"]),
    Route("/auth/logout", logout, methods=["POST"]),
    Route("/auth/access_token", access_token, methods=["POST"]),
    Route("/auth/recover", recover, methods=["POST"]),
    Route("/auth/reset", reset, methods=["POST"]),
]

_FORM_ERRORS = {
    400: "Unreadable form",
    413: "Body too large",
    415: "Not a form",
    422: "A required field is missing",
}


def _form(*names: str) -> dict[str, Any]:
    return openapi.obj({name: openapi.string() for name in names}, names)


openapi_paths: dict[str, Any] = {
    "/auth/login": {
        "post": openapi.operation(
            "Log in with an email address and a password",
            {
                200: "A token pair",
                401: "Wrong email address or password",
                429: "Too many attempts (see Retry-After)",
                **_FORM_ERRORS,
            },
            form=_form("username", "password"),
        )
    },
    "/auth/logout": {
        "post": openapi.operation(
            "Log out: revoke the access token and the refresh token",
            {204: "Logged out", 401: "Not authenticated or invalid refresh token", **_FORM_ERRORS},
            form=_form("refresh_token"),
            auth=True,
        )
    },
    "/auth/access_token": {
        "post": openapi.operation(
            "Trade a refresh token for a new token pair (the old pair is revoked)",
            {
                200: "A new token pair",
                401: "Invalid, expired, revoked or reused refresh token",
                **_FORM_ERRORS,
            },
            form=_form("refresh_token"),
        )
    },
    "/auth/recover": {
        "post": openapi.operation(
            "Ask for a mail to choose a new password (the same answer for any address)",
            {200: "Accepted", 429: "Too many requests (see Retry-After)", **_FORM_ERRORS},
            form=_form("email"),
        )
    },
    "/auth/reset": {
        "post": openapi.operation(
            "Choose a new password with a recovery link",
            {
                204: "Password changed",
                403: "The account is blocked",
                404: "Unknown recovery",
                410: "The recovery expired or was used",
                **{**_FORM_ERRORS, 422: "A required field is missing or the password is too short"},
            },
            form=_form("uuid", "password"),
        )
    },
}
