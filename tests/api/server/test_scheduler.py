"""The server's build job: bursts give one build, edits during a build one more, due times."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from kwai_api.core.database import Database
from kwai_api.server.scheduler import Jobs
from kwai_gen.build import BuildResult
from tests.conftest import make_settings


def builds(db: Database, trigger: str | None = None) -> list[dict[str, Any]]:
    sql = "SELECT id, trigger, status FROM site_builds"
    if trigger:
        return db.fetchall(sql + " WHERE trigger = ? ORDER BY id", [trigger])
    return db.fetchall(sql + " ORDER BY id")


async def until(condition: Callable[[], bool], seconds: float = 60) -> None:
    """Wait for a condition the scheduler brings about (bounded, never asserted on time)."""
    for _ in range(int(seconds / 0.05)):
        if condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the condition did not come about")


def run(tmp: Path, db: Database, scenario: Callable[[Jobs], object], **env: str) -> None:
    settings = make_settings(tmp, **{"KWAI_BUILD_QUIET_SECONDS": "0.3", **env})

    async def main() -> None:
        jobs = Jobs(settings, db)
        await jobs.start()
        try:
            # the start build is over once its job lets go of the lock (after recording the
            # build, it settles the heap): a scenario's build then holds the lock by itself
            await until(
                lambda: (
                    len(builds(db, "start")) == 1
                    and builds(db)[-1]["status"] != "running"
                    and not jobs._build_lock.locked()
                )
            )
            await scenario(jobs)  # type: ignore[misc]
        finally:
            await jobs.stop()

    asyncio.run(main())


def test_a_burst_of_edits_gives_one_build(tmp_path: Path, db: Database) -> None:
    async def scenario(jobs: Jobs) -> None:
        for _ in range(5):
            jobs.site_changed()
            await asyncio.sleep(0.05)
        await until(lambda: len(builds(db, "edit")) == 1)
        await asyncio.sleep(1.5)  # a second build would have started by now
        assert len(builds(db, "edit")) == 1

    # A quiet period far longer than the pauses between the edits, even on a busy machine.
    run(tmp_path, db, scenario, KWAI_BUILD_QUIET_SECONDS="1.0")


def test_an_edit_during_a_build_causes_exactly_one_more(tmp_path: Path, db: Database) -> None:
    async def scenario(jobs: Jobs) -> None:
        # An edit's build takes a fraction of a second: this one waits until the edits are in.
        edited = threading.Event()
        build_now = jobs.builder.build

        def build_later(*args: Any, **kwargs: Any) -> BuildResult:
            edited.wait(30)
            return build_now(*args, **kwargs)

        jobs.builder.build = build_later  # type: ignore[method-assign]
        build = asyncio.ensure_future(jobs.rebuild(trigger="api"))
        await until(jobs._build_lock.locked)
        for _ in range(3):  # edits while the build runs
            jobs.site_changed()
        edited.set()
        await build
        await until(lambda: len(builds(db, "edit")) == 1)
        await until(lambda: builds(db)[-1]["status"] == "success")
        await asyncio.sleep(1.0)
        assert len(builds(db, "edit")) == 1

    run(tmp_path, db, scenario)


def test_an_edit_builds_at_once_and_edits_waiting_for_it_give_one_more(
    tmp_path: Path, db: Database
) -> None:
    async def scenario(jobs: Jobs) -> None:
        held = threading.Event()  # the first build waits until the other edits wait for it
        build_now = jobs.builder.build

        def build_later(*args: Any, **kwargs: Any) -> BuildResult:
            held.wait(30)
            return build_now(*args, **kwargs)

        jobs.builder.build = build_later  # type: ignore[method-assign]
        jobs.site_changed()  # no quiet period: the build starts at once
        await until(jobs._build_lock.locked)
        for _ in range(3):  # each edit's build starts and waits for the running one
            jobs.site_changed()
            await asyncio.sleep(0.2)
        held.set()
        await until(lambda: len(builds(db, "edit")) == 2)
        await until(lambda: builds(db)[-1]["status"] == "success")
        await asyncio.sleep(1.0)  # the edits' other builds would have run by now
        assert len(builds(db, "edit")) == 2

    run(tmp_path, db, scenario, KWAI_BUILD_QUIET_SECONDS="0")


def test_continuous_editing_still_publishes(tmp_path: Path, db: Database) -> None:
    async def scenario(jobs: Jobs) -> None:
        # An edit every 0.1 s never leaves a quiet period of 0.3 s; the maximum wait (1 s)
        # makes the build happen anyway while the editing goes on.
        for _ in range(60):
            jobs.site_changed()
            await asyncio.sleep(0.1)
            if builds(db, "edit"):
                break
        assert builds(db, "edit"), "no build while editing continuously"

    run(tmp_path, db, scenario, KWAI_BUILD_MAX_WAIT_SECONDS="1")


def test_the_job_wakes_at_the_next_due_time(tmp_path: Path, db: Database) -> None:
    async def scenario(jobs: Jobs) -> None:
        soon = datetime.now(UTC).replace(tzinfo=None, microsecond=0) + timedelta(seconds=2)
        db.execute("UPDATE news_stories SET publish_date = ?, enabled = true WHERE id = 1", [soon])
        await jobs.rebuild(trigger="edit")
        due = jobs.scheduler.get_job("due")
        assert due is not None
        assert due.next_run_time <= (soon + timedelta(seconds=2)).replace(tzinfo=UTC)
        await until(lambda: len(builds(db, "due")) >= 1)

    run(tmp_path, db, scenario)


def test_the_search_index_follows_edits_in_a_later_build(tmp_path: Path, db: Database) -> None:
    async def scenario(jobs: Jobs) -> None:
        db.execute("UPDATE news_story_texts SET title = 'Zoek mij' WHERE story_id = 1")
        result = await jobs.rebuild(trigger="edit")
        assert result.search_stale  # the edit was published without waiting for the index

        def searched() -> bool:  # the search build is recorded, and its result is in hand
            done = [b for b in builds(db, "search") if b["status"] == "success"]
            last = jobs.last_build
            return bool(done) and last is not None and last.id == done[0]["id"]

        await until(searched)
        assert jobs.last_build is not None and not jobs.last_build.search_stale

    run(tmp_path, db, scenario, KWAI_SITE_SEARCH="true", KWAI_BUILD_SEARCH_DELAY_SECONDS="0.5")
