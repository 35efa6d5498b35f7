"""What the running app holds for its routes: settings, database, jobs, clock, throttle and the
kept answers of reads.

Every route reads these through `app_state(request)`; the server makes the state when it starts
(kwai_api/server/app.py), and tests change its fields (the clock, the jobs) on a running app.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from starlette.applications import Starlette
from starlette.requests import HTTPConnection

from kwai_api.core.answers import Answers
from kwai_api.core.clock import Clock, system_clock
from kwai_api.core.database import Database
from kwai_api.core.settings import Settings
from kwai_api.core.throttle import Throttle

if TYPE_CHECKING:
    from kwai_gen.build import BuildResult


class Jobs(Protocol):
    """What the server's scheduler (kwai_api/server/scheduler.py) offers the routes."""

    running: bool
    last_mail_run: str | None  # "YYYY-MM-DD HH:MM:SS" (UTC) of the last mail run, if any
    mail_server: str  # "ok", "unknown" or why the last mail run could not reach it

    def site_changed(self) -> None:
        """A write changed the public site: rebuild soon, never waiting for it."""

    async def rebuild(
        self, trigger: str = "edit", full: bool = False, now: datetime | None = None
    ) -> BuildResult:
        """Build now (one build at a time) and return the result; raises BuildFailed."""
        ...

    async def send_mail(self) -> dict[str, Any]:
        """Dispatch the mail that is due; the counts sent, retried and dead."""
        ...


@dataclass
class AppState:
    """The services of one running app."""

    settings: Settings
    db: Database
    clock: Clock = system_clock  # the app's clock: every route and job reads the time here
    jobs: Jobs | None = None  # None without the scheduler (tests, tools)
    throttle: Throttle = field(init=False)
    answers: Answers = field(default_factory=Answers)  # kwai_api/jsonapi/answers.py keeps them

    def __post_init__(self) -> None:
        self.throttle = Throttle(lambda: self.clock())  # follows a clock changed later


def app_state(source: HTTPConnection | Starlette) -> AppState:
    """The state of the app serving this request (or of this app)."""
    app = source.app if isinstance(source, HTTPConnection) else source
    state: AppState = app.state.kwai
    return state


def install(app: Starlette, state: AppState) -> AppState:
    """Make `state` the app's state."""
    app.state.kwai = state
    return state
