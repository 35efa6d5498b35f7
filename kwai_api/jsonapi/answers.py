"""Give a read's kept answer again while it is exact (kwai_api/core/answers.py says when).

A public read costs several database statements (about a millisecond each), while most of them
ask what the last one asked, and nothing was written since. A route wraps its read:

    return await remembered(request, public, lambda: read(...), until=next_change)

The key is the path, the query string and who is asking (`public`: anonymous, or the staff);
only 200 answers are kept. `until(db, now)` is for answers that change with the time: the next
moment after `now` at which the data would answer differently (None: none is coming).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from kwai_api.core.answers import Answer, Period
from kwai_api.core.clock import naive_utc
from kwai_api.core.database import Database
from kwai_api.jsonapi.state import app_state

Until = Callable[[Database, datetime], datetime | None]


async def remembered(
    request: Request,
    public: bool,
    read: Callable[[], Awaitable[Response]],
    until: Until | None = None,
) -> Response:
    """The kept answer of this read when it still holds, else `read()`'s (then kept)."""
    state = app_state(request)
    key = (request.scope["path"], request.scope["query_string"], public)
    version, now = state.db.version, naive_utc(state.clock())
    kept = state.answers.find(key, version, now)
    if kept is not None:
        response = Response(kept.body, status_code=kept.status)
        response.raw_headers = list(kept.headers)  # a fresh list: middleware may add to it
        return response
    response = await read()
    if response.status_code != 200:
        return response
    period = None
    if until is not None:
        period = Period(now, await run_in_threadpool(until, state.db, now))
        if not period.holds(naive_utc(state.clock())):  # the time moved past a change while reading
            return response
    if state.db.version == version:  # nothing was written while reading
        body = bytes(response.body)
        headers = tuple(response.raw_headers)
        state.answers.keep(key, Answer(200, headers, body, version, period))
    return response
