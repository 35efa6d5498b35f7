"""CORS for the listed origins only, with credentials: both frontends send their cookies.

Starlette's middleware adds `Access-Control-Allow-Credentials` to every answer that carries an
`Origin`; here an unlisted origin gets no CORS header at all.
"""

from __future__ import annotations

from starlette.datastructures import Headers, MutableHeaders
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Send

_CORS_HEADERS = (
    "access-control-allow-origin",
    "access-control-allow-credentials",
    "access-control-allow-methods",
    "access-control-allow-headers",
    "access-control-max-age",
    "access-control-expose-headers",
    "access-control-allow-private-network",
)


class ListedOrigins(CORSMiddleware):
    """Cross-origin calls with credentials from an explicit list of origins (never `*`)."""

    def __init__(self, app: ASGIApp, origins: tuple[str, ...]) -> None:
        super().__init__(
            app,
            allow_origins=list(origins),
            allow_credentials=True,
            allow_methods=["GET", "POST", "PATCH", "DELETE", "OPTIONS"],
            allow_headers=["Authorization", "Content-Type", "X-Kwai-Job-Secret"],
        )

    def preflight_response(self, request_headers: Headers) -> Response:
        """The preflight answer; for an unlisted origin a 400 without CORS headers."""
        response = super().preflight_response(request_headers)
        if not self.is_allowed_origin(request_headers["origin"]):
            for name in _CORS_HEADERS:
                del response.headers[name]
        return response

    async def send(self, message: Message, send: Send, request_headers: Headers) -> None:
        """Add the CORS headers to the answer of a listed origin only."""
        origin = request_headers.get("origin")
        if origin is None or self.is_allowed_origin(origin):
            await super().send(message, send, request_headers)
            return
        if message["type"] == "http.response.start":
            MutableHeaders(scope=message).add_vary_header("Origin")
        await send(message)
