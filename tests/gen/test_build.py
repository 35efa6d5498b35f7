"""Builds: releases switched atomically, only changed files rewritten, failures harmless."""

from __future__ import annotations

import filecmp
import gzip
import os
import shutil
import time
from datetime import timedelta
from pathlib import Path

import pytest

from kwai_api.core.database import Database
from kwai_api.core.settings import Settings
from kwai_gen.build import BuildFailed, RenderWorker, build_site
from kwai_gen.gather import gather
from kwai_gen.plan.urls import story_path, week_path
from kwai_gen.serving import TEXT_SUFFIXES
from tests.conftest import NOW, make_settings


def files(root: Path) -> dict[str, bytes]:
    """Every file of a release and its bytes."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def pages_of(root: Path) -> dict[str, bytes]:
    """The files of a release without the gzip forms that follow them."""
    return {path: data for path, data in files(root).items() if not path.endswith(".gz")}


def live(settings: Settings) -> Path:
    return (settings.site.output / "current").resolve()


def test_first_build_goes_live_and_is_recorded(settings: Settings, db: Database) -> None:
    result = build_site(settings, db, now=NOW)
    current = settings.site.output / "current"
    assert current.is_symlink()
    assert live(settings) == settings.site.output / "releases" / result.release
    assert (live(settings) / "index.html").exists()
    assert (live(settings) / "en" / "index.html").exists()
    assert (live(settings) / "theme" / "css" / "kwai.css").exists()  # copied by Pelican
    assert (live(settings) / "about" / "index.html").exists()  # from content/pages
    assert result.written == len(pages_of(live(settings))) and result.unchanged == 0
    row = db.fetchone("SELECT * FROM site_builds WHERE id = ?", [result.id])
    assert row is not None
    assert row["status"] == "success" and row["release"] == result.release
    assert row["files_written"] == result.written and row["finished_at"] is not None
    assert row["now"] == NOW


def test_no_change_rebuild_writes_nothing(settings: Settings, db: Database) -> None:
    first = build_site(settings, db, now=NOW)
    before = live(settings)
    second = build_site(settings, db, now=NOW)
    after = live(settings)
    assert before != after
    assert second.written == 0 and second.deleted == 0
    assert second.unchanged == first.written
    for path in files(after):  # every file is the live file itself (a hard link)
        assert os.path.samefile(before / path, after / path)


def test_one_training_edit_rewrites_few_files(settings: Settings, db: Database) -> None:
    build_site(settings, db, now=NOW)
    training = db.fetchone(
        "SELECT id, start_date FROM trainings WHERE start_date > ? ORDER BY start_date LIMIT 1",
        [NOW + timedelta(days=8)],
    )
    assert training is not None
    db.execute(
        "UPDATE training_texts SET title = 'Randori special' WHERE training_id = ?",
        [training["id"]],
    )
    db.execute("UPDATE trainings SET revision = revision + 1 WHERE id = ?", [training["id"]])
    before = live(settings)
    result = build_site(settings, db, now=NOW)
    after = live(settings)
    assert 0 < result.written < 20
    changed = [p for p, data in pages_of(after).items() if (before / p).read_bytes() != data]
    assert len(changed) == result.written
    week = week_path(training["start_date"].date()) + "index.html"
    assert week in changed
    assert "Randori special" in (after / week).read_text()
    assert "trainings.ics" in changed


def test_text_files_have_a_gzip_form_new_only_when_they_change(
    settings: Settings, db: Database
) -> None:
    build_site(settings, db, now=NOW)
    before = live(settings)
    texts = [p for p in pages_of(before) if p.endswith(TEXT_SUFFIXES)]
    assert {"index.html", "theme/css/kwai.css", "sitemap.xml", "robots.txt"} <= set(texts)
    for path in texts:
        assert gzip.decompress((before / f"{path}.gz").read_bytes()) == (before / path).read_bytes()
    assert not [p for p in files(before) if p.endswith((".png.gz", ".gz.gz"))]
    db.execute("UPDATE application_texts SET description = 'Nieuw' WHERE locale = 'nl'")
    build_site(settings, db, now=NOW)
    after = live(settings)
    for path in texts:
        unchanged = (before / path).read_bytes() == (after / path).read_bytes()
        assert os.path.samefile(before / f"{path}.gz", after / f"{path}.gz") == unchanged, path
        assert gzip.decompress((after / f"{path}.gz").read_bytes()) == (after / path).read_bytes()


def test_future_story_appears_when_its_time_comes(settings: Settings, db: Database) -> None:
    story = db.fetchone(
        "SELECT id, publish_date FROM news_stories WHERE enabled AND publish_date > ?"
        " ORDER BY publish_date LIMIT 1",
        [NOW],
    )
    assert story is not None
    build_site(settings, db, now=NOW)
    later = story["publish_date"] + timedelta(minutes=1)
    club = gather(db, later)
    from kwai_gen.build import site_info

    path = story_path(next(s for s in club.stories if s.id == story["id"]), site_info(settings))
    assert not (live(settings) / path).exists()
    result = build_site(settings, db, now=later)
    assert (live(settings) / path).exists()
    assert result.written < 40  # the story, its lists, archives and feeds; not the whole site


def test_failed_build_leaves_the_live_site_untouched(
    tmp_path: Path, settings: Settings, db: Database
) -> None:
    build_site(settings, db, now=NOW)
    before_link = os.readlink(settings.site.output / "current")
    before = files(live(settings))
    broken = tmp_path / "broken-theme"
    shutil.copytree(settings.site.theme, broken)
    (broken / "templates" / "base.html").write_text("{% block %}")  # a syntax error
    db.execute("UPDATE training_texts SET title = 'Changed' WHERE training_id = 1")
    bad = make_settings(tmp_path, KWAI_SITE_THEME=str(broken))
    with pytest.raises(BuildFailed) as failure:
        build_site(bad, db, now=NOW)
    assert "TemplateSyntaxError" in str(failure.value)
    assert os.readlink(settings.site.output / "current") == before_link
    assert files(live(settings)) == before
    assert not [p for p in (settings.site.output / "releases").iterdir() if p.name.startswith(".")]
    row = db.fetchone("SELECT status, error FROM site_builds ORDER BY id DESC LIMIT 1")
    assert row is not None and row["status"] == "failed" and "TemplateSyntaxError" in row["error"]


def test_builds_are_deterministic(tmp_path: Path, settings: Settings, db: Database) -> None:
    build_site(settings, db, now=NOW)
    other = make_settings(tmp_path, KWAI_SITE_OUTPUT=str(tmp_path / "other-site"))
    build_site(other, db, now=NOW, full=True)
    first, second = live(settings), live(other)
    comparison = filecmp.dircmp(first, second)
    assert files(first) == files(second), comparison.diff_files


def test_old_releases_are_pruned(
    tmp_path: Path, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kwai_gen.release

    monkeypatch.setattr(kwai_gen.release, "REPLACED_KEPT_SECONDS", 0.0)
    settings = make_settings(tmp_path, KWAI_SITE_KEEP_RELEASES="2")
    for minutes in range(4):
        build_site(settings, db, now=NOW + timedelta(minutes=minutes))
    releases = [p for p in (settings.site.output / "releases").iterdir() if p.is_dir()]
    assert len(releases) == 2
    assert live(settings) in releases


def test_render_worker_builds_in_a_child_process(settings: Settings, db: Database) -> None:
    worker = RenderWorker()
    worker.warm_up()
    result = build_site(settings, db, now=NOW, worker=worker)
    assert (live(settings) / "index.html").exists()
    assert result.written > 0
    broken = make_settings(settings.site.output.parent, KWAI_SITE_THEME="/no/such/theme")
    with pytest.raises(BuildFailed, match="theme"):
        build_site(broken, db, now=NOW, worker=worker)


def test_search_index_is_built_and_reused(tmp_path: Path, db: Database) -> None:
    settings = make_settings(tmp_path, KWAI_SITE_SEARCH="true")
    build_site(settings, db, now=NOW)
    index = live(settings) / "pagefind" / "pagefind.js"
    assert index.exists()
    build_site(settings, db, now=NOW)
    assert os.path.samefile(index, live(settings) / "pagefind" / "pagefind.js")


def test_a_deferred_search_index_stays_stale_until_indexed(tmp_path: Path, db: Database) -> None:
    settings = make_settings(tmp_path, KWAI_SITE_SEARCH="true")
    build_site(settings, db, now=NOW)
    index = live(settings) / "pagefind" / "pagefind-entry.json"
    db.execute(
        "UPDATE news_story_texts SET html_content = '<p>Nieuwe tekst</p>'"
        " WHERE story_id = (SELECT max(id) FROM news_stories WHERE publish_date < ?)",
        [NOW],
    )
    edited = build_site(settings, db, now=NOW, index_now=False)  # published, index left behind
    assert edited.search_stale and edited.written > 0
    assert os.path.samefile(index, live(settings) / "pagefind" / "pagefind-entry.json")
    quiet = build_site(settings, db, now=NOW, index_now=False)  # nothing changed: still stale
    assert quiet.search_stale
    indexed = build_site(settings, db, now=NOW)
    assert not indexed.search_stale
    assert not os.path.samefile(index, live(settings) / "pagefind" / "pagefind-entry.json")
    assert not build_site(settings, db, now=NOW, index_now=False).search_stale


def test_a_child_process_reports_what_it_raised() -> None:
    from kwai_gen.forked import ChildFailed, Forked

    assert Forked(sum, [1, 2, 3]).result() == 6
    with pytest.raises(ChildFailed, match="ZeroDivisionError"):
        Forked(divmod, 1, 0).result()


def test_a_big_build_rendered_by_two_processes_is_the_same(
    tmp_path: Path, settings: Settings, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kwai_gen.render.writer

    build_site(settings, db, now=NOW, full=True)  # one process: fewer pages than the threshold
    monkeypatch.setattr(kwai_gen.render.writer, "PARALLEL_FROM", 10)
    other = make_settings(tmp_path, KWAI_SITE_OUTPUT=str(tmp_path / "two-processes"))
    result = build_site(other, db, now=NOW, full=True)
    assert result.written == len(pages_of(live(other)))
    assert files(live(settings)) == files(live(other))


def test_pruning_removes_what_killed_builds_left_but_not_a_running_build(
    settings: Settings, db: Database
) -> None:
    from kwai_gen.release import ABANDONED_AFTER_SECONDS, prune

    build_site(settings, db, now=NOW)
    releases = settings.site.output / "releases"
    killed, running = releases / ".killed.building", releases / ".running.building"
    for directory in (killed, running):
        (directory / "news").mkdir(parents=True)
    long_ago = time.time() - ABANDONED_AFTER_SECONDS - 60
    os.utime(killed, (long_ago, long_ago))
    prune(settings.site.output, keep=5)
    assert not killed.exists()
    assert running.exists()


def test_a_control_character_stored_before_the_api_refused_it_does_not_stop_builds(
    settings: Settings, db: Database
) -> None:
    story = db.fetchvalue(
        "SELECT max(id) FROM news_stories WHERE enabled AND publish_date < ? AND end_date IS NULL",
        [NOW],
    )
    db.execute(
        "UPDATE news_story_texts SET title = 'Kampioen\x0b\x00!' WHERE story_id = ?", [story]
    )
    result = build_site(settings, db, now=NOW)
    assert db.fetchvalue("SELECT status FROM site_builds WHERE id = ?", [result.id]) == "success"
    assert "Kampioen!" in (live(settings) / "feeds" / "news.atom.xml").read_text()


def test_a_release_a_request_reads_is_not_recycled_under_it(tmp_path: Path) -> None:
    from kwai_gen import release as releases

    root = tmp_path / "site"
    first = releases.start(root)
    (first.staging / "page.html").write_text("first")
    releases.publish(first, {"page.html": "1"})
    with releases.readers.reading(str(root / "current")) as reading:  # a request on `first`
        second = releases.copy_of_live(root, {"page.html": "1"})
        (second.staging / "page.html").unlink()
        (second.staging / "page.html").write_text("second")
        releases.publish(second, {"page.html": "2"})
        third = releases.copy_of_live(root, {"page.html": "2"}, first.id, {"page.html"})
        assert (Path(reading) / "page.html").read_text() == "first"  # still whole
        assert (third.staging / "page.html").read_text() == "second"  # copied instead
        releases.publish(third, {"page.html": "2"})
    fourth = releases.copy_of_live(root, {"page.html": "2"}, first.id, {"page.html"})
    assert not (root / "releases" / first.id).exists()  # recycled once no request reads it
    assert (fourth.staging / "page.html").read_text() == "second"
