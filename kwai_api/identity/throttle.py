"""The throttle as the identity routes meet it: who is asking, and how long they must wait.

The throttle itself (backoff and rate limits) is kwai_api.core.throttle, held by the app's state.
"""

from __future__ import annotations

import math

from starlette.requests import Request


def client_address(request: Request) -> str:
    """The address the request came from (as the server saw it)."""
    return request.client.host if request.client else "unknown"


def retry_after(seconds: float) -> str:
    """A Retry-After header value: whole seconds, at least one."""
    return str(max(1, math.ceil(seconds)))
