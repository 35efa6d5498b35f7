"""The server's scheduled work (APScheduler): rebuilding the site and dispatching mail.

Rebuilds: an edit marks the site dirty; the build starts at once, or after a quiet period when
one is set (a burst of edits then gives one build) but never later than a maximum wait after the
first edit (continuous editing still publishes). One build runs at a time; the edits made during
a build cause exactly one more. The job also wakes when the site changes by time alone (a
story's publish or end date, a training's start) and on a safety-net interval. A request never
waits for a build.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import anyio
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from kwai_api.core.clock import Clock, aware_utc, system_clock
from kwai_api.core.database import Database
from kwai_api.core.settings import Settings
from kwai_gen.build import (
    Builder,
    BuildFailed,
    BuildResult,
    RenderWorker,
    close_interrupted,
    prune_releases,
    settle_heap,
)

logger = logging.getLogger("kwai.jobs")

# Builds that publish at once and let the search index follow in a later build.
DEFERRED_INDEX = frozenset({"edit", "due"})


def _lowest_priority() -> None:
    """Let the thread that removes old releases yield the processor to builds and requests
    (on Linux, nice applies to the calling thread only)."""
    with contextlib.suppress(OSError):
        os.nice(19)


class Jobs:
    """Owns the scheduler, the render worker and the dirty state of the site.

    Builds and mail runs read the app's `clock`; the scheduler's timers run on the host's time.
    """

    def __init__(self, settings: Settings, db: Database, clock: Clock = system_clock) -> None:
        self.settings = settings
        self.db = db
        self.clock = clock
        self.scheduler = AsyncIOScheduler(timezone=UTC)
        self.worker = RenderWorker(settings.build)
        self.builder = Builder(settings, self.worker)  # keeps the last build's plan
        self.running = False
        self.last_mail_run: str | None = None
        self.mail_server = "unknown"  # "ok" or why the last run could not reach it
        self.last_build: BuildResult | None = None
        self._dirty_since: datetime | None = None
        self._build_lock = asyncio.Lock()
        # Builds run on this thread; stopping waits for it, even when a job was cancelled.
        self._builder = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kwai-build")
        # Old releases are removed here, so that the next build never waits for it.
        self._pruner = ThreadPoolExecutor(
            max_workers=1, thread_name_prefix="kwai-prune", initializer=_lowest_priority
        )
        self._mail_lock = asyncio.Lock()

    async def start(self) -> None:
        """Start the scheduler: a first build, the safety net, the mail job."""
        interrupted = await anyio.to_thread.run_sync(close_interrupted, self.settings, self.db)
        if interrupted:
            logger.warning("%d build(s) interrupted by the server's stop were closed", interrupted)
        await anyio.to_thread.run_sync(self.worker.warm_up)
        self.scheduler.start()
        self.scheduler.add_job(
            self.rebuild,
            "interval",
            minutes=self.settings.build.safety_net_minutes,
            id="safety-net",
            kwargs={"trigger": "schedule"},
        )
        self.scheduler.add_job(self._scheduled_mail, "interval", minutes=1, id="mail")
        self.scheduler.add_job(self.rebuild, "date", id="start", kwargs={"trigger": "start"})
        self.running = True

    async def stop(self) -> None:
        """Stop the scheduler and wait for a running build to finish."""
        self.running = False
        self.scheduler.shutdown(wait=False)
        await anyio.to_thread.run_sync(self._builder.shutdown)
        await anyio.to_thread.run_sync(self._pruner.shutdown)

    def site_changed(self) -> None:
        """An edit changed the public site: build after the quiet period or the maximum wait."""
        now = datetime.now(UTC)
        if self._dirty_since is None:
            self._dirty_since = now
        quiet = now + timedelta(seconds=self.settings.build.quiet_seconds)
        latest = self._dirty_since + timedelta(seconds=self.settings.build.max_wait_seconds)
        self._schedule("edit", min(quiet, latest))

    def _schedule(self, trigger: str, when: datetime) -> None:
        """(Re)schedule the one pending build of this trigger ("edit", "due", "search")."""
        if not self.running:
            return
        self.scheduler.add_job(
            self.rebuild,
            "date",
            id=trigger,
            run_date=when,
            replace_existing=True,
            # an edit's build that waited for the lock may find its edits published already
            kwargs={"trigger": trigger, "only_if_dirty": trigger == "edit"},
            misfire_grace_time=None,
            max_instances=4,  # an earlier build of this id may still wait for the lock
        )

    async def rebuild(
        self,
        trigger: str = "edit",
        full: bool = False,
        now: datetime | None = None,
        only_if_dirty: bool = False,
    ) -> BuildResult:
        """Build now; one build at a time, edits during it lead to one more.

        Builds for edits and due times publish first and leave a stale search index to the
        "search" job a little later: indexing the whole site takes seconds at a big club.
        """
        index_now = trigger not in DEFERRED_INDEX
        async with self._build_lock:
            if only_if_dirty and self._dirty_since is None and self.last_build is not None:
                return self.last_build  # a build that started after the edits has published them
            self._dirty_since = None
            build = asyncio.get_running_loop().run_in_executor(
                self._builder,
                lambda: self.builder.build(
                    self.db,
                    now=now if now is not None else self.clock(),
                    full=full,
                    trigger=trigger,
                    prune=False,
                    index_now=index_now,
                ),
            )
            try:
                result = await asyncio.shield(build)
            except BuildFailed as error:
                logger.error("site build failed: %s", error)
                raise
            self.last_build = result
            await asyncio.get_running_loop().run_in_executor(self._builder, settle_heap)
            self._pruner.submit(prune_releases, self.settings)
            self._pruner.submit(self.builder.prepare_spare)
            if result.next_change is not None and now is None:  # on the timers' clock
                until = result.next_change - aware_utc(self.clock()) + timedelta(seconds=1)
                self._schedule("due", datetime.now(UTC) + until)
            if result.search_stale:  # one search build after a burst of edits has calmed down
                delay = timedelta(seconds=self.settings.build.search_delay_seconds)
                self._schedule("search", datetime.now(UTC) + delay)
            return result

    async def send_mail(self) -> dict[str, Any]:
        """Dispatch the mail that is due; one run at a time. Raises MailServerUnreachable."""
        from kwai_api.mail import sender as mailer

        async with self._mail_lock:
            try:
                counts = await mailer.dispatch(self.db, self.settings, clock=self.clock)
            except mailer.MailServerUnreachable as error:
                self.mail_server = str(error)
                raise
            finally:
                self.last_mail_run = self.clock().strftime("%Y-%m-%d %H:%M:%S")
            self.mail_server = "ok"
            return counts

    async def _scheduled_mail(self) -> None:
        """The mail job: an unreachable server was logged and recorded; try again next time."""
        from kwai_api.mail import sender as mailer

        with contextlib.suppress(mailer.MailServerUnreachable):
            await self.send_mail()
