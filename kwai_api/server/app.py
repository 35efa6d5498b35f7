"""Assemble the Starlette app: routes, middleware, error handling and the lifespan."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Match, Mount, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kwai_api.content import application_routes as applications
from kwai_api.content import event_routes as events
from kwai_api.content import image_routes as images
from kwai_api.content import news_routes as news
from kwai_api.content import page_routes as pages
from kwai_api.content import portal_routes as portal
from kwai_api.core.database import Database, open_database
from kwai_api.core.settings import Settings
from kwai_api.identity import account_routes as account
from kwai_api.identity import auth_routes as auth
from kwai_api.identity import invitation_routes as invitations
from kwai_api.identity import user_routes as users
from kwai_api.jsonapi import openapi
from kwai_api.jsonapi.documents import ApiError, error_response, json_response
from kwai_api.jsonapi.state import AppState, app_state, install
from kwai_api.mail import routes as mail
from kwai_api.server import backup_routes as backups
from kwai_api.server import build_routes as site
from kwai_api.server.cors import ListedOrigins
from kwai_api.server.files import SiteFiles
from kwai_api.trainings import cancellation_routes as cancellations
from kwai_api.trainings import coach_routes as coaches
from kwai_api.trainings import team_routes as teams
from kwai_api.trainings import training_routes as trainings

logger = logging.getLogger("kwai.api")

API_MODULES = (
    auth,
    account,
    invitations,
    users,
    portal,
    news,
    pages,
    events,
    applications,
    images,
    coaches,  # before trainings: /trainings/coaches is not /trainings/{id}
    teams,
    trainings,
    cancellations,
    site,
    mail,
    backups,
)

FORM_OVERHEAD = 64_000  # room for an upload's other form fields and multipart boundaries

SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
    (b"x-frame-options", b"DENY"),
    (b"permissions-policy", b"interest-cohort=()"),
]


# The API answers data, never a page: nothing may load or run from its answers.
API_CSP = b"default-src 'none'; frame-ancestors 'none'; base-uri 'none'"
# The site loads everything from itself (the workspace shows photos it fetched from the API as
# blob: URLs); JSON-LD and the pages' JSON data blocks are not scripts.
SITE_CSP = (
    b"default-src 'self'; img-src 'self' data: blob:; object-src 'none'; base-uri 'self';"
    b" form-action 'self'; frame-ancestors 'none'"
)


class SecurityHeaders:
    """Add the headers every answer should carry (API and site alike)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        csp = API_CSP if scope["path"].startswith("/api/") else SITE_CSP
        extra = [*SECURITY_HEADERS, (b"content-security-policy", csp)]

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {name for name, _ in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [
                    (name, value) for name, value in extra if name not in names
                ]
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyLimit:
    """Refuse request bodies over the limit with 413 before reading them all.

    `uploads` maps a path that takes files to its own, larger limit.
    """

    def __init__(self, app: ASGIApp, max_bytes: int, uploads: dict[str, int] | None = None) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.uploads = uploads or {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope.get("headers", [])).get(b"content-length", b"0")
        max_bytes = self.uploads.get(scope["path"], self.max_bytes)
        too_large = ApiError(413, f"the body is larger than {max_bytes} bytes")
        if not length.isdigit() or int(length) > max_bytes:
            error = too_large if length.isdigit() else ApiError(400, "bad Content-Length header")
            await error_response([error])(scope, receive, send)
            return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > max_bytes:
                raise too_large
            return message

        try:
            await self.app(scope, limited_receive, send)
        except ApiError as error:
            await error_response([error])(scope, receive, send)


async def api_error(request: Request, exc: Exception) -> Response:
    """Turn an ApiError into its JSON:API error document."""
    assert isinstance(exc, ApiError)
    return error_response([exc])


async def http_error(request: Request, exc: Exception) -> Response:
    """Starlette's own 404/405 as JSON:API errors."""
    assert isinstance(exc, HTTPException)
    headers = dict(exc.headers or {})
    return error_response([ApiError(exc.status_code, str(exc.detail), headers=headers)])


async def server_error(request: Request, exc: Exception) -> Response:
    """A bug: log it with its trace, answer with a plain 500 error document."""
    logger.exception("unhandled error on %s %s", request.method, request.url.path)
    return error_response([ApiError(500, "an unexpected error occurred; it has been logged")])


async def openapi_schema(request: Request) -> Response:
    """GET /openapi.json: the schema of every route the resource modules declare."""
    return JSONResponse(openapi.build(API_MODULES))


def unmatched(routes: list[BaseRoute]) -> Callable[[Request], Awaitable[Response]]:
    """The answer when no route takes a request: 405 with `Allow` for a known path, else 404."""

    async def answer(request: Request) -> Response:
        allowed = sorted(
            {
                method
                for route in routes
                if isinstance(route, Route) and route.matches(request.scope)[0] == Match.PARTIAL
                for method in route.methods or ()
            }
        )
        if allowed:
            raise ApiError(
                405,
                f"{request.method} is not allowed here; use {', '.join(allowed)}",
                headers={"Allow": ", ".join(allowed)},
            )
        raise ApiError(404, "no such route")

    return answer


def api_routes() -> list[BaseRoute]:
    """Every route of the v1 API, from the resource modules."""
    routes: list[BaseRoute] = []
    for module in API_MODULES:
        routes.extend(module.routes)
    routes.append(Route("/openapi.json", openapi_schema, methods=["GET"]))
    routes.append(Route("/health", health, methods=["GET"]))
    routes.append(
        Route(
            "/{path:path}",
            unmatched(list(routes)),
            methods=["GET", "POST", "PATCH", "PUT", "DELETE"],
        )
    )
    return routes


async def health(request: Request) -> Response:
    """Database reachable, scheduler running, last build and mail run (no auth)."""
    state = app_state(request)
    try:
        state.db.fetchvalue("SELECT 1")
        database = "ok"
    except Exception as error:  # a broken database is what this route reports
        database = f"error: {error}"
    jobs = state.jobs
    content: dict[str, Any] = {
        "database": database,
        "scheduler": "running" if jobs is not None and jobs.running else "stopped",
        "last_build": site.latest_build_summary(state.db),
        "last_mail_run": jobs.last_mail_run if jobs is not None else None,
        "mail_server": jobs.mail_server if jobs is not None else "unknown",
    }
    return json_response({"meta": content}, status=200 if database == "ok" else 503)


def create_app(settings: Settings, db: Database | None = None, scheduler: bool = True) -> Starlette:
    """The kwai app: the API under /api/v1 and the live site at /.

    With `db`, the app uses that open database (tests); else the lifespan opens and closes it.
    With `scheduler`, the lifespan starts the build and mail jobs.
    """

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        owned = db is None
        if owned:
            install(app, AppState(settings, open_database(settings.database.path)))
        state = app_state(app)
        state.jobs = None
        jobs = None
        if scheduler:
            from kwai_api.server.scheduler import Jobs

            jobs = Jobs(settings, state.db, clock=lambda: state.clock())
            state.jobs = jobs
            await jobs.start()
        try:
            yield
        finally:
            if jobs is not None:
                await jobs.stop()
            if owned:
                state.db.close()

    middleware = [
        Middleware(SecurityHeaders),
        Middleware(
            BodyLimit,
            max_bytes=settings.api.max_body_bytes,
            # an image upload: the file, its form fields and the multipart boundaries
            uploads={"/api/v1/images": settings.images.max_bytes + FORM_OVERHEAD},
        ),
    ]
    if settings.api.cors_origins:
        middleware.append(Middleware(ListedOrigins, origins=settings.api.cors_origins))
    app = Starlette(
        routes=[
            Mount("/api/v1", routes=api_routes()),
            Mount("/", app=SiteFiles(settings.site.output / "current")),
        ],
        middleware=middleware,
        exception_handlers={
            ApiError: api_error,
            HTTPException: http_error,
            Exception: server_error,
        },
        lifespan=lifespan,
    )
    if db is not None:
        install(app, AppState(settings, db))
    return app
