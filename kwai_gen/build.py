"""A build: gather one snapshot of the club, render it into a new release, record the outcome.

The process that owns the database gathers (a few bulk queries); rendering runs either in the
same process (the `kwai build` command) or in a child forked for each build (the server), so that
Pelican's global state and memory never live in the process that answers requests.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from kwai_api.core.clock import naive_utc, system_clock
from kwai_api.core.database import Database
from kwai_api.core.images import ImageStore
from kwai_api.core.settings import BuildSettings, Settings
from kwai_gen import release as releases
from kwai_gen.forked import ChildFailed, ChildTimedOut, Forked
from kwai_gen.gather import gather
from kwai_gen.plan.outputs import Contact, SiteInfo
from kwai_gen.render.writer import BuildFailed, RenderJob, RenderResult, render, warm

__all__ = [
    "BuildFailed",
    "BuildResult",
    "RenderWorker",
    "build_site",
    "close_interrupted",
    "prune_releases",
    "site_info",
]


@dataclass(frozen=True)
class BuildResult:
    """A finished build: its record id, the release made live and the file counts."""

    id: int
    release: str
    written: int
    unchanged: int
    deleted: int
    now: datetime
    next_change: datetime | None
    search_stale: bool = False


class RenderWorker:
    """Renders each release in a child forked from the server process.

    The child starts with the gathered club already in its memory (no copy through a pipe) and
    with Pelican already imported, runs one build and exits: Pelican's global state and memory
    growth never stay in the process that answers requests, and a crash in rendering cannot take
    the server down. The child never touches the database. A child past the time limit or the
    memory ceiling of `limits` is killed (with every process it started) and its build fails.
    """

    def __init__(self, limits: BuildSettings | None = None) -> None:
        self.limits = limits or BuildSettings()

    def warm_up(self) -> None:
        """Import the renderer now, so that each forked child finds it loaded."""
        import kwai_gen.plan.site  # noqa: F401  (the plan, its views and labels)
        import kwai_gen.render.formats  # noqa: F401  (feeds, calendars, sitemap)
        import kwai_gen.render.writer  # noqa: F401  (Pelican, Jinja2 and the theme code)

    def render(self, job: RenderJob) -> RenderResult:
        """Render in a fresh child and wait for its result (call from a thread)."""
        warm(job)
        limits = self.limits
        # Not a daemon: the child starts processes of its own (the cloner, a second renderer).
        child = Forked(
            render, job, daemon=False, own_group=True, memory_bytes=limits.memory_mb << 20
        )
        try:
            return child.result(timeout=limits.timeout_seconds)
        except KeyboardInterrupt:
            releases.abandon_all(job.output)  # the child was killed with the command
            raise
        except ChildFailed as error:
            releases.abandon_all(job.output)  # a killed child could not clean up after itself
            if isinstance(error, ChildTimedOut):
                message = (
                    f"the build took longer than its time limit of {limits.timeout_seconds:g} s"
                    " ([build] timeout_seconds) and was stopped"
                )
            elif "MemoryError" in str(error):
                message = (
                    f"the build needed more than its memory ceiling of {limits.memory_mb} MB"
                    " ([build] memory_mb) and was stopped"
                )
            else:
                message = str(error)
            raise BuildFailed(message) from None


def close_interrupted(settings: Settings, db: Database) -> int:
    """Record builds left running by a server that died as interrupted; remove what they left.

    Called when the server starts, before any build of its own: none of them is running.
    """
    releases.abandon_all(settings.site.output)
    return db.write(
        lambda tx: len(
            tx.tuples(
                "UPDATE site_builds SET status = 'interrupted', finished_at = ?,"
                " error = 'the server stopped during the build' WHERE status = 'running'"
                " RETURNING id",
                [naive_utc(system_clock())],
            )
        )
    )


def prune_releases(settings: Settings) -> None:
    """Remove releases older than the newest `keep_releases` (never the live one)."""
    releases.prune(settings.site.output, max(2, settings.site.keep_releases))


def site_info(settings: Settings) -> SiteInfo:
    """The facts of the site the templates may use."""
    site, club = settings.site, settings.club
    return SiteInfo(
        name=site.name,
        tagline=site.tagline.get(site.default_language),
        url=site.url.rstrip("/"),
        languages=site.languages,
        timezone=site.timezone,
        news_per_page=site.news_per_page,
        search=site.search,
        asset_version=asset_version(site.theme / "static"),
        taglines=site.tagline.values,
        locales=site.locales.values,
        contact=Contact(
            club.address,
            club.email,
            club.phone,
            club.call_to_action.values,
            club.call_to_action_url,
        ),
        hero=club.hero,
    )


def asset_version(static: Path) -> str:
    """A short digest of every asset of the theme (names and contents)."""
    hasher = hashlib.blake2b(digest_size=4)
    for path in sorted(static.rglob("*")):
        if path.is_file():
            hasher.update(path.relative_to(static).as_posix().encode())
            hasher.update(path.read_bytes())
    return hasher.hexdigest()


def build_site(
    settings: Settings,
    db: Database,
    now: datetime | None = None,
    full: bool = False,
    trigger: str = "manual",
    worker: RenderWorker | None = None,
    prune: bool = True,
    index_now: bool = True,
) -> BuildResult:
    """Build the site as of `now` (naive or aware UTC; default: the current time) and record
    the build.

    With `index_now` false, a stale search index is left for a later build (the result says
    so: `search_stale`). Old releases are removed afterwards unless `prune` is false (the
    server prunes on another thread, so that the next build need not wait). Raises BuildFailed
    with a readable message; the live site then stays as it was.
    """
    clock = naive_utc(now or system_clock()).replace(microsecond=0)
    started = system_clock()
    build_id = db.write(
        lambda tx: tx.insert(
            "INSERT INTO site_builds (started_at, status, trigger, full_build, now)"
            " VALUES (?, 'running', ?, ?, ?) RETURNING id",
            [started, trigger, full, clock],
        )
    )
    try:
        club = gather(db, clock, settings.site.zone)
        job = RenderJob(
            club=club,
            site=site_info(settings),
            output=settings.site.output,
            theme=settings.site.theme,
            content=settings.site.content,
            full=full,
            search=settings.site.search,
            index_now=index_now,
            image_files=ImageStore(settings.images.path).sizes,
        )
        result = worker.render(job) if worker is not None else render(job)
    except Exception as error:
        message = (
            str(error) if isinstance(error, BuildFailed) else f"{type(error).__name__}: {error}"
        )
        _finish(db, build_id, "failed", error=message)
        failed = BuildFailed(message)
        failed.build_id = build_id
        raise failed from error
    _finish(db, build_id, "success", result=result)
    if prune:
        prune_releases(settings)
    return BuildResult(
        id=build_id,
        release=result.release,
        written=result.written,
        unchanged=result.unchanged,
        deleted=result.deleted,
        now=clock,
        next_change=club.next_change,
        search_stale=result.search_stale,
    )


def _finish(
    db: Database,
    build_id: int,
    status: str,
    result: RenderResult | None = None,
    error: str | None = None,
) -> None:
    values: list[Any] = [
        system_clock(),
        status,
        result.release if result else None,
        result.written if result else 0,
        result.unchanged if result else 0,
        result.deleted if result else 0,
        error,
        build_id,
    ]
    db.execute(
        "UPDATE site_builds SET finished_at = ?, status = ?, release = ?, files_written = ?,"
        " files_unchanged = ?, files_deleted = ?, error = ? WHERE id = ?",
        values,
    )
