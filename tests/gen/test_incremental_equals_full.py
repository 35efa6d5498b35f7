"""After any mix of edits, an incremental build gives byte for byte what a full build gives.

A seeded sequence of edits of every kind (tests/support/edits.py) goes into a real database,
with an incremental build after each batch; at checkpoints a full build of the same data at
the same clock goes into another output, and the two releases are compared file by file.
KWAI_TEST_EDITS raises the number of edits and KWAI_TEST_SEED picks another sequence.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from kwai_api.core.database import Database, open_database
from kwai_api.core.settings import Settings
from kwai_api.demo import ClubSize, create_club
from kwai_gen import release as releases
from kwai_gen.build import Builder, RenderWorker, build_site
from tests.conftest import ANCHOR, NOW, make_settings
from tests.support.edits import Editor
from tests.support.trees import tree_differences

EDITS = int(os.environ.get("KWAI_TEST_EDITS", "40"))
SEED = int(os.environ.get("KWAI_TEST_SEED", "1"))
BATCHES = 5
SMALL = ClubSize(stories=24, weeks_before=4, weeks_after=4)


@pytest.fixture(scope="module")
def small_club(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small demo club with a few images, made once; each test copies it."""
    made = tmp_path_factory.mktemp("small-club")
    db = open_database(made / "club.duckdb")
    create_club(db, seed=1, anchor=ANCHOR, size=SMALL, images=made / "images")
    db.close()
    return made


@pytest.fixture
def club(settings: Settings, small_club: Path) -> Iterator[Database]:
    """This test's own copy of the small club and its images."""
    shutil.copyfile(small_club / "club.duckdb", settings.database.path)
    shutil.copytree(small_club / "images", settings.images.path)
    db = open_database(settings.database.path)
    yield db
    db.close()


def live(settings: Settings) -> Path:
    return (settings.site.output / "current").resolve()


def full_build(tmp_path: Path, db: Database, now: datetime) -> Path:
    """A full build of the same database at `now` into an output of its own; its release."""
    other = make_settings(tmp_path, KWAI_SITE_OUTPUT=str(tmp_path / "full-site"))
    build_site(other, db, now=now, full=True)
    return live(other)


def assert_same(settings: Settings, full: Path, done: list[str]) -> None:
    differences = tree_differences(live(settings), full)
    assert not differences, "\n".join(
        ["the incremental release differs from the full one after:", *done, "", *differences]
    )


@pytest.mark.parametrize(
    "step", [timedelta(0), timedelta(hours=9)], ids=["clock-fixed", "clock-moving"]
)
def test_incremental_builds_equal_a_full_build_after_random_edits(
    tmp_path: Path,
    settings: Settings,
    club: Database,
    step: timedelta,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Edits between builds at NOW, or with the clock moving on between them as well, built as
    the server builds: one Builder keeping its plan, its gathered club and its releases (which
    it recycles at once here, and after every other build from a spare copy)."""
    monkeypatch.setattr(releases, "RECYCLE_AFTER_SECONDS", 0.0)
    builder = Builder(settings, RenderWorker())
    builder.build(club, now=NOW)
    editor = Editor(club, settings, NOW, seed=SEED)
    done: list[str] = []
    written = 0
    for batch in range(1, BATCHES + 1):
        done += editor.apply(EDITS // BATCHES)
        if batch % 2:
            builder.prepare_spare()
        now = NOW + batch * step
        written += builder.build(club, now=now, trigger="edit").written
        if batch in (2, BATCHES):
            assert_same(settings, full_build(tmp_path, club, now), [*done, f"built at {now}"])
    assert written > 0  # the edits changed the site
    assert sum("refused" not in line for line in done) > len(done) // 2, done


def test_one_shot_builds_equal_a_full_build(
    tmp_path: Path, settings: Settings, club: Database
) -> None:
    """`kwai build` without a server: each build plans from scratch against the live release."""
    build_site(settings, club, now=NOW)
    editor = Editor(club, settings, NOW, seed=SEED + 1)
    done = editor.apply(EDITS // BATCHES)
    build_site(settings, club, now=NOW, worker=RenderWorker())
    assert_same(settings, full_build(tmp_path, club, NOW), [*done, f"built at {NOW}"])


def test_time_passing_alone_equals_a_full_build(
    tmp_path: Path, settings: Settings, club: Database
) -> None:
    builder = Builder(settings)
    builder.build(club, now=NOW)
    scheduled = club.fetchone(
        "SELECT s.id, t.title FROM news_stories s JOIN news_story_texts t ON t.story_id = s.id"
        " WHERE s.enabled AND s.publish_date > ? AND t.locale = 'nl'"
        " ORDER BY s.publish_date LIMIT 1",
        [NOW],
    )
    assert scheduled is not None
    passed = club.fetchvalue(
        "SELECT count(*) FROM trainings WHERE active AND start_date BETWEEN ? AND ?",
        [NOW, NOW + timedelta(days=1)],
    )
    assert passed > 0  # a training passes on the way
    later = NOW + timedelta(days=1)
    before = live(settings)
    assert scheduled["title"] not in (before / "index.html").read_text()
    result = builder.build(club, now=later)
    assert result.written > 0
    assert scheduled["title"] in (live(settings) / "index.html").read_text()
    assert_same(settings, full_build(tmp_path, club, later), [f"the clock moved to {later}"])
    # and once more, a week on, past promotions, expiries and more trainings
    week = later + timedelta(days=7)
    builder.build(club, now=week)
    assert_same(settings, full_build(tmp_path, club, week), [f"the clock moved to {week}"])
