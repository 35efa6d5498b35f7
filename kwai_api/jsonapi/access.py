"""Who is asking: the bearer token's user, an admin, or cron holding the job secret."""

from __future__ import annotations

import hmac
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from kwai_api.core.errors import ApiError
from kwai_api.core.tokens import CurrentUser as CurrentUser  # who the routes are asked by
from kwai_api.core.tokens import authenticate
from kwai_api.jsonapi.state import app_state


def bearer_token(request: Request) -> str | None:
    """The token of an `Authorization: Bearer` header, or None."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


async def _token_user(request: Request) -> CurrentUser | None:
    """The user of the bearer token (None without one or with a bad one), asked once a request."""
    if "kwai.user" not in request.scope:
        token = bearer_token(request)
        user = None
        if token is not None:
            state = app_state(request)
            user = await run_in_threadpool(
                authenticate, state.db, state.settings, token, state.clock()
            )
        request.scope["kwai.user"] = user
    known: CurrentUser | None = request.scope["kwai.user"]
    return known


async def optional_user(request: Request) -> CurrentUser | None:
    """The user of a valid bearer token, else None.

    A public read answers a missing, garbage or expired token alike (the public view), as v1 did:
    a visitor with a stale token in the browser still reads the site.
    """
    return await _token_user(request)


async def require_user(request: Request) -> CurrentUser:
    """The authenticated user, else 401 (saying whether the token was missing or bad)."""
    user = await _token_user(request)
    if user is None:
        detail = (
            "log in first: this needs an access token"
            if bearer_token(request) is None
            else "the access token is invalid, expired or revoked"
        )
        raise ApiError(401, detail, headers={"WWW-Authenticate": "Bearer"})
    return user


async def require_admin(request: Request) -> CurrentUser:
    """An authenticated admin, else 401 or 403."""
    user = await require_user(request)
    if not user.admin:
        raise ApiError(403, "only an administrator may do this")
    return user


def public_view(resources: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Resources as an anonymous caller sees them: the staff's `remark` is null."""
    return [
        {**item, "attributes": {**item["attributes"], "remark": None}}
        if "remark" in item.get("attributes", {})
        else item
        for item in resources
    ]


def has_job_secret(request: Request) -> bool:
    """True when the request carries the local job secret (cron asking the server)."""
    secret = request.headers.get("x-kwai-job-secret", "")
    expected = app_state(request).settings.security.job_secret
    return bool(secret) and hmac.compare_digest(secret.encode(), expected.encode())


async def require_user_or_job(request: Request) -> CurrentUser | None:
    """A user with a token, or cron with the job secret (then None)."""
    if has_job_secret(request):
        return None
    return await require_user(request)
