"""Measure builds of a big club: full, no-change, and one-edit rebuilds, files written, memory.

    python bench/build.py [--stories 5000] [--trainings 4000] [--seed 1] [--search]

Builds a club from a fixed seed in a temporary directory (the first run of a size takes a few
seconds to create it), then prints one line per measurement.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from benchclub import bench_club

from kwai_api.core.database import Database
from kwai_api.core.settings import Settings
from kwai_api.core.visibility import LIVE_STORY
from kwai_gen.build import (
    Builder,
    BuildResult,
    RenderWorker,
    build_site,
    prune_releases,
    settle_heap,
)

NOW = datetime(2026, 11, 26, 12, 0, 0)


def main() -> None:
    """Run the measurements and print them."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stories", type=int, default=5000)
    parser.add_argument("--trainings", type=int, default=4000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--search", action="store_true", help="include the Pagefind index")
    parser.add_argument("--edits", type=int, default=5, help="edits of each kind to time")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="kwai-bench-"))
    settings = Settings.load(
        env={
            "KWAI_DATABASE_PATH": str(work / "bench.duckdb"),
            "KWAI_SITE_OUTPUT": str(work / "site"),
            "KWAI_SITE_SEARCH": "true" if args.search else "false",
        }
    )
    started = time.perf_counter()
    db = bench_club(settings, args.stories, args.trainings, args.seed)
    print(
        f"club: {args.stories} stories (nl+en), {args.trainings} trainings, "
        f"ready in {time.perf_counter() - started:.1f} s in {work}"
    )

    full = timed(lambda: build_site(settings, db, now=NOW, full=True, prune=False), settings)
    print(f"full build: {full[0]:.2f} s, {full[1].written} files")
    once = timed(lambda: build_site(settings, db, now=NOW, prune=False), settings)
    print(f"no-change rebuild, one-shot (kwai build): {once[0]:.2f} s")

    # As the server builds: one Builder keeps its plan, its gathered club and its releases, and
    # a spare copy of the live release is made after each build (untimed: the server makes it
    # on a low-priority thread).
    builder = Builder(settings, RenderWorker())
    RenderWorker().warm_up()
    timed(lambda: builder.build(db, now=NOW, prune=False), settings, builder)
    same = [timed(lambda: builder.build(db, now=NOW, prune=False), settings) for _ in range(3)]
    print(f"no-change rebuild: median {median(same):.3f} s, files written {same[-1][1].written}")

    stories = visible_stories(db, args.edits)
    trainings = [
        r["id"]
        for r in db.fetchall(
            "SELECT id FROM trainings WHERE start_date > ? ORDER BY start_date LIMIT ?",
            [NOW + timedelta(days=7), args.edits],
        )
    ]
    report(
        "one-edit rebuild (story)",
        [
            timed(
                lambda i=i: (edit_story(db, i), builder.build(db, now=NOW, prune=False))[1],
                settings,
                builder,
            )
            for i in stories
        ],
    )
    report(
        "one-edit rebuild (training)",
        [
            timed(
                lambda i=i: (edit_training(db, i), builder.build(db, now=NOW, prune=False))[1],
                settings,
                builder,
            )
            for i in trainings
        ],
    )
    report(
        "one-edit rebuild, one-shot (kwai build, story)",
        [
            timed(
                lambda i=i: (edit_story(db, i), build_site(settings, db, now=NOW, prune=False))[1],
                settings,
            )
            for i in stories[:2]
        ],
    )
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak memory: {own:.0f} MiB (this process), {children:.0f} MiB (largest child)")
    db.close()


def timed(
    build: Callable[[], BuildResult], settings: Settings, builder: Builder | None = None
) -> tuple[float, BuildResult]:
    """Time a build until its release is live; afterwards, untimed, as the server does: the
    heap is settled, old releases are pruned and a spare copy is made."""
    started = time.perf_counter()
    result = build()
    seconds = time.perf_counter() - started
    prune_releases(settings)
    if builder is not None:
        settle_heap()
        builder.prepare_spare()
    return seconds, result


def median(runs: list[tuple[float, BuildResult]]) -> float:
    """The median time of some runs."""
    return statistics.median(seconds for seconds, _ in runs)


def report(label: str, runs: list[tuple[float, BuildResult]]) -> None:
    """Print the median and the worst run, and the files written per edit."""
    written = [result.written for _, result in runs]
    print(
        f"{label}: median {median(runs):.2f} s, max {max(s for s, _ in runs):.2f} s, "
        f"files written per edit {', '.join(map(str, written))}"
    )


def visible_stories(db: Database, count: int) -> list[int]:
    """The newest stories visitors see at NOW (published, not ended, enabled, with a text):
    an edit of one of them changes the site, unlike one of a story scheduled for later."""
    return [
        r["id"]
        for r in db.fetchall(
            f"SELECT s.id FROM news_stories s WHERE {LIVE_STORY}"
            " AND EXISTS (SELECT 1 FROM news_story_texts t WHERE t.story_id = s.id)"
            " ORDER BY s.publish_date DESC, s.id DESC LIMIT ?",
            [NOW, NOW, count],
        )
    ]


def edit_story(db: Database, story_id: int) -> None:
    """Change one story's title, as an editor would."""
    db.execute(
        "UPDATE news_story_texts SET title = title || ' (edited)', updated_at = now()::TIMESTAMP"
        " WHERE story_id = ?",
        [story_id],
    )
    db.execute("UPDATE news_stories SET updated_at = now()::TIMESTAMP WHERE id = ?", [story_id])


def edit_training(db: Database, training_id: int) -> None:
    """Move one training by a quarter of an hour, as a coach would."""
    db.execute(
        "UPDATE trainings SET start_date = start_date + INTERVAL 15 MINUTE,"
        " revision = revision + 1, updated_at = now()::TIMESTAMP WHERE id = ?",
        [training_id],
    )


if __name__ == "__main__":
    sys.exit(main())
