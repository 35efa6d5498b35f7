"""The one error of kwai's own making: every bad input raises it, the app answers it as JSON:API.

It lives in the foundation so that rules shared by the API and the generator can refuse input
without knowing about HTTP; `kwai_api.jsonapi` turns it into an error document.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class ApiError(Exception):
    """An answer other than success: status, a title, a detail and where the fault is."""

    status: int
    detail: str
    title: str = ""
    pointer: str | None = None
    parameter: str | None = None
    headers: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The JSON:API error object."""
        error: dict[str, Any] = {
            "status": str(self.status),
            "title": self.title or _TITLES.get(self.status, "Error"),
            "detail": self.detail,
        }
        if self.pointer is not None:
            error["source"] = {"pointer": self.pointer}
        elif self.parameter is not None:
            error["source"] = {"parameter": self.parameter}
        return error


_TITLES = {
    400: "Bad request",
    401: "Not authenticated",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    410: "Gone",
    413: "Body too large",
    415: "Unsupported media type",
    422: "Invalid document",
    429: "Too many requests",
    500: "Server error",
}
