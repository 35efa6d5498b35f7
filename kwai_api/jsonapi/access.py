"""Who is asking: the bearer token's user, an admin, or cron holding the job secret."""

from __future__ import annotations

import hmac

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


async def optional_user(request: Request) -> CurrentUser | None:
    """The user of a valid bearer token; None without a token; 401 for a bad token."""
    if "kwai.user" in request.scope:
        known: CurrentUser | None = request.scope["kwai.user"]
        return known
    token = bearer_token(request)
    user = None
    if token is not None:
        state = app_state(request)
        user = await run_in_threadpool(authenticate, state.db, state.settings, token, state.clock())
        if user is None:
            raise ApiError(
                401,
                "the access token is invalid, expired or revoked",
                headers={"WWW-Authenticate": "Bearer"},
            )
    request.scope["kwai.user"] = user
    return user


async def require_user(request: Request) -> CurrentUser:
    """The authenticated user, else 401."""
    user = await optional_user(request)
    if user is None:
        raise ApiError(
            401, "log in first: this needs an access token", headers={"WWW-Authenticate": "Bearer"}
        )
    return user


async def require_admin(request: Request) -> CurrentUser:
    """An authenticated admin, else 401 or 403."""
    user = await require_user(request)
    if not user.admin:
        raise ApiError(403, "only an administrator may do this")
    return user


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
