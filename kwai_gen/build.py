"""A build: gather one snapshot of the club, plan it, render it into a new release, record it.

The process that owns the database gathers (a few bulk queries) and plans. A Builder keeps the
last build's plan (PlanMemo): an edit plans again only the groups of files whose inputs changed,
renders the few files whose digest changed into a recycled copy of the live release, and makes it
live, at a cost that does not grow with the club. A full build (asked for, or after a change of
the theme, the code or content/) runs Pelican, in a child forked for it in the server, so that
Pelican's global state and memory never live in the process that answers requests.
"""

from __future__ import annotations

import gc
import hashlib
import operator
import shutil
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

from kwai_api.core.clock import naive_utc, system_clock
from kwai_api.core.database import Database
from kwai_api.core.images import ImageStore
from kwai_api.core.settings import BuildSettings, Settings
from kwai_gen import release as releases
from kwai_gen.forked import ChildFailed, ChildTimedOut, Forked
from kwai_gen.gather import Gatherer
from kwai_gen.model import ContentPage
from kwai_gen.plan.memo import PlanMemo
from kwai_gen.plan.outputs import Contact, SiteInfo
from kwai_gen.plan.site import plan
from kwai_gen.render.writer import (
    PARALLEL_FROM,
    BuildFailed,
    RenderJob,
    RenderResult,
    environment,
    read_content_pages,
    render,
    theme_digest,
    update,
    warm,
)

__all__ = [
    "BuildFailed",
    "BuildResult",
    "Builder",
    "RenderWorker",
    "build_site",
    "close_interrupted",
    "settle_heap",
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


# A full collection of the heap after this many builds: see settle_heap.
COLLECT_EVERY = 64
_settled = 0


def settle_heap() -> None:
    """Put what lives after a build out of the cycle collector's reach (gc.freeze).

    A process that keeps a Builder holds the plan, the club and their digests: hundreds of
    thousands of objects that the collector would scan again and again, in pauses of 0.1-0.2 s
    at 20,000 stories that free nothing and land in the middle of an edit's build. Every
    COLLECT_EVERY builds the whole heap is collected once, after the release is live, so that
    garbage in cycles among the frozen objects is not kept for ever. Called by the server after
    each build; a one-shot build exits instead.
    """
    global _settled
    _settled += 1
    if _settled % COLLECT_EVERY == 0:
        gc.unfreeze()
        gc.collect()
    else:
        gc.collect(1)  # the young garbage, so that little of it is frozen
    gc.freeze()


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


# Releases ready for the next edits to recycle at once (replaced long enough ago, or spare
# copies of the live one made on the server's low-priority thread when too few are).
SPARES = 2


@dataclass
class _Made:
    """A release this builder published: what changed in it, and when it was replaced."""

    id: str
    changed: set[str]  # planned files that differ from the release before it in this list
    extras: str  # the release whose assets and search index it shares
    replaced_at: float | None = None


def _replaced_alike(made: _Made, live: _Made) -> bool:
    """Whether a release was replaced and shares the live release's assets: it may be
    recycled into the next one after `live` once it is old enough."""
    return made.replaced_at is not None and made.extras == live.extras


def _recyclable(made: _Made, live: _Made) -> bool:
    """Whether a release may be recycled now into the next one after `live`: replaced long
    enough ago (a spare copy never served), and sharing the live release's assets."""
    return (
        _replaced_alike(made, live)
        and made.replaced_at is not None
        and time.monotonic() - made.replaced_at >= releases.RECYCLE_AFTER_SECONDS
    )


@dataclass
class Builder:
    """Builds the site, keeping between builds what the last one planned and published.

    One per process that builds (the server keeps one); `build_site` makes one per build.
    """

    settings: Settings
    worker: RenderWorker | None = None
    memo: PlanMemo = field(default_factory=PlanMemo)
    gatherer: Gatherer = field(default_factory=Gatherer)
    made: list[_Made] = field(default_factory=list)  # newest last
    _content: tuple[tuple[Any, ...], tuple[ContentPage, ...]] | None = None
    _env: Any = None
    # `made` is read and changed by the build and by the thread that prepares spare copies
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def build(
        self,
        db: Database,
        now: datetime | None = None,
        full: bool = False,
        trigger: str = "manual",
        prune: bool = True,
        index_now: bool = True,
    ) -> BuildResult:
        """Build the site as of `now` (naive or aware UTC; default: the current time) and
        record the build.

        With `index_now` false, a stale search index is left for a later build (the result
        says so: `search_stale`). Old releases are removed afterwards unless `prune` is false
        (the server prunes on another thread, so that the next build need not wait). Raises
        BuildFailed with a readable message; the live site then stays as it was.
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
            club, result = self._build(db, clock, full, index_now)
        except Exception as error:
            self.memo = PlanMemo()  # what it planned was not published
            self.gatherer = Gatherer()
            with self._lock:
                self.made = []
            message = (
                str(error) if isinstance(error, BuildFailed) else f"{type(error).__name__}: {error}"
            )
            _finish(db, build_id, "failed", error=message)
            failed = BuildFailed(message)
            failed.build_id = build_id
            raise failed from error
        _finish(db, build_id, "success", result=result)
        if prune:
            prune_releases(self.settings)
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

    def _build(
        self, db: Database, clock: datetime, full: bool, index_now: bool
    ) -> tuple[Any, RenderResult]:
        settings = self.settings
        site = site_info(settings)
        output = settings.site.output
        content_changed, content = self._content_pages(site)
        club = replace(self.gatherer.gather(db, clock, settings.site.zone), content_pages=content)
        live = releases.live_release(output)
        salt = theme_digest(settings.site.theme)
        ours = bool(self.made) and live is not None and live.name == self.made[-1].id
        if not ours or full:
            self.memo = PlanMemo()  # plan everything, compare with the live release's files
            with self._lock:
                self.made = []
        pelican = full or not ours or content_changed or salt != self.memo.salt
        live_manifest = dict(self.memo.manifest) if ours else releases.read_manifest(live)
        self.memo.begin(salt, site.default_language)
        plan(club, site, self.memo, ImageStore(settings.images.path).sizes)
        memo = self.memo
        changed = [
            o for o in memo.outputs if full or live_manifest.get(o.path) != memo.manifest[o.path]
        ]
        removed = frozenset(p for p in memo.removed if p in live_manifest)
        if not ours:  # the live release's files that this plan no longer has
            removed |= frozenset(live_manifest.keys() - memo.manifest.keys())
        job = RenderJob(
            outputs=changed,
            manifest=memo.manifest,  # not planned again before this build is over
            removed=removed,
            site=site,
            output=output,
            theme=settings.site.theme,
            content=settings.site.content,
            full=full,
            search=settings.site.search,
            index_now=index_now,
            live_manifest=live_manifest,
        )
        paths = {o.path for o in changed} | removed
        stale = live is not None and Path(f"{live}.search-stale").exists()
        if not (pelican or paths or (stale and index_now and settings.site.search)):
            assert live is not None  # nothing changed: the live release stays as it is
            return club, RenderResult(live.name, 0, len(job.manifest), 0, False, stale)
        if pelican or len(changed) >= PARALLEL_FROM:  # many files: both cores, in a child
            result = self.worker.render(job) if self.worker is not None else render(job)
            extras = result.release
        else:
            recycled, differing = self._recyclable()
            release = releases.copy_of_live(output, live_manifest, recycled, differing)
            if self._env is None:
                self._env = environment(site, settings.site.theme, settings.site.content, output)
            result = update(job, self._env, release)
            extras = result.release if result.searched else self.made[-1].extras
        with self._lock:
            if self.made:
                self.made[-1].replaced_at = time.monotonic()
            self.made.append(_Made(result.release, paths, extras))
            self._forget(lambda made: not (output / "releases" / made.id).is_dir())
        return club, result

    def prepare_spare(self) -> None:
        """Copy the live release (as links) into a spare that the next edit can recycle at
        once: run on a low-priority thread after a build, so that an edit after a full build,
        or a burst of edits faster than releases age, never waits for a copy of every file."""
        output = self.settings.site.output
        with self._lock:
            if not self.made:
                return
            live = self.made[-1]
            # replaced releases become recyclable by themselves within a moment: a copy of
            # every file is made only when too few of them are there (after a full build)
            if sum(_replaced_alike(made, live) for made in self.made[:-1]) >= SPARES:
                return
            spare = f".spare-{live.id}"
        target = output / "releases" / spare
        if target.exists():
            return
        copied = subprocess.run(
            ["cp", "-al", str(output / "releases" / live.id), str(target)],
            capture_output=True,
            check=False,
        )
        with self._lock:
            if copied.returncode != 0 or live not in self.made:
                shutil.rmtree(target, ignore_errors=True)
                return
            # the spare is the live release of then: it takes that release's place in the
            # chain, and the release itself differs from it in nothing
            self.made.insert(
                self.made.index(live), _Made(spare, live.changed, live.extras, replaced_at=0.0)
            )
            live.changed = set()

    def _forget(self, gone: Callable[[_Made], bool]) -> None:
        """Drop releases from the list (pruned, or recycled): the next one kept takes over
        their changes, so that each entry still says how it differs from the one before."""
        kept: list[_Made] = []
        carried: set[str] = set()
        for made in self.made:
            if gone(made) and made is not self.made[-1]:
                carried |= made.changed
                continue
            made.changed |= carried
            carried = set()
            kept.append(made)
        self.made = kept

    def _recyclable(self) -> tuple[str | None, set[str]]:
        """The newest release that may be recycled for the next one, and the files in which it
        differs from the live one; (None, empty) when there is none."""
        with self._lock:
            return self._take_recyclable()

    def _take_recyclable(self) -> tuple[str | None, set[str]]:
        live = self.made[-1]
        stale: set[str] = set()
        for made in reversed(self.made[:-1]):
            stale |= self.made[self.made.index(made) + 1].changed
            if _recyclable(made, live):
                self._forget(partial(operator.is_, made))
                return made.id, stale
        return None, set()

    def _content_pages(self, site: SiteInfo) -> tuple[bool, tuple[ContentPage, ...]]:
        """The pages of content/ (read again only when its files changed), and whether they
        changed since the last build."""
        content = self.settings.site.content
        signature = (
            site,
            *_files_signature(content),
            *_files_signature(self.settings.site.theme / "static"),
        )
        if self._content is not None and self._content[0] == signature:
            return False, self._content[1]
        pages = read_content_pages(site, self.settings.site.theme, content)
        changed = self._content is not None
        self._content = (signature, pages)
        self._env = None
        return changed, pages


def _files_signature(root: Path) -> tuple[Any, ...]:
    """The names, sizes and modification times of the files below `root`."""
    if not root.exists():
        return ()
    return tuple(
        (str(path), stat.st_size, stat.st_mtime_ns)
        for path in sorted(root.rglob("*"))
        if path.is_file() and (stat := path.stat())
    )


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
    """Build the site once (see Builder.build): a process that builds again and again keeps a
    Builder instead, so that an edit plans and renders only what it changed."""
    return Builder(settings, worker).build(db, now, full, trigger, prune, index_now)


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
