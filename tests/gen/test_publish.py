"""publish.sh: build, then send only what changed, in an order that keeps the copy consistent,
to a local directory (rsync) and to an S3 bucket (a real S3 API server on 127.0.0.1)."""

from __future__ import annotations

import gzip
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from kwai_api.core.database import open_database
from kwai_api.demo import create_club
from kwai_gen.bucket import release_files
from tests.conftest import ANCHOR
from tests.support.s3 import S3Server, s3_server
from tests.support.server import kwai_env

ROOT = Path(__file__).resolve().parents[2]

needs_rsync = pytest.mark.skipif(shutil.which("rsync") is None, reason="publish.sh needs rsync")

PAGES = (".html", ".xml", ".ics", ".txt", ".json")
TYPES = {
    ".html": "text/html; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".ics": "text/calendar; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".svg": "image/svg+xml",
}


def publish(tmp: Path, target: Path | str, **extra: str) -> subprocess.CompletedProcess[str]:
    env = kwai_env(tmp, **extra)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"  # this kwai, python
    return subprocess.run(
        ["bash", str(ROOT / "publish.sh"), str(target)],
        env=env,
        cwd=tmp,
        capture_output=True,
        text=True,
        timeout=300,
    )


def make_club(tmp: Path) -> None:
    db = open_database(tmp / "kwai.duckdb")
    create_club(db, anchor=ANCHOR)
    db.close()


def sql(tmp: Path, *statements: str) -> None:
    db = open_database(tmp / "kwai.duckdb")
    for statement in statements:
        db.execute(statement)
    db.close()


EDIT = (
    "UPDATE application_texts SET description = 'Nieuw' WHERE locale = 'nl'"
    " AND application_id = (SELECT id FROM applications WHERE name = 'judo')"
)


def delete_a_story(tmp: Path) -> str:
    """Delete the newest published story; the path of its Dutch page."""
    live = live_release(tmp)
    page = sorted((live / "news").glob("*-*.html"), key=lambda p: int(p.name.split("-")[0]))[-1]
    story = page.name.split("-")[0]
    sql(
        tmp,
        f"DELETE FROM news_story_texts WHERE story_id = {story}",
        f"DELETE FROM news_stories WHERE id = {story}",
    )
    return f"news/{page.name}"


def live_release(tmp: Path) -> Path:
    return (tmp / "site" / "current").resolve()


def changed_files(before: Path, after: Path) -> set[str]:
    """The files of `after` that `before` lacks or has with other bytes (gzip forms aside)."""
    return {
        path
        for path in release_files(after)
        if not (before / path).is_file()
        or (before / path).read_bytes() != (after / path).read_bytes()
    }


def cache_of(path: str) -> str:
    if path.endswith(PAGES) or path.startswith("theme/js/staff/"):  # modules linked without ?v=
        return "public, max-age=60"
    if path.startswith("theme/"):
        return "public, max-age=31536000, immutable"
    return "public, max-age=604800"


def assert_bucket_holds(s3: S3Server, live: Path, prefix: str) -> dict[str, Any]:
    """The bucket is the release: each file once, gzip-encoded if text, with its headers."""
    objects = s3.objects()
    files = set(release_files(live))
    assert set(objects) == {prefix + path for path in files}
    assert {"index.html", "theme/css/kwai.css", "sitemap.xml", "trainings.ics"} <= files
    for path in files:
        got = objects[prefix + path]
        plain = (live / path).read_bytes()
        suffix = os.path.splitext(path)[1]
        if suffix in TYPES:
            assert got["ContentType"] == TYPES[suffix], path
            assert got.get("ContentEncoding") == "gzip", path
            assert got["Bytes"] == (live / f"{path}.gz").read_bytes()
            assert gzip.decompress(got["Bytes"]) == plain
        else:
            assert got.get("ContentEncoding") is None and got["Bytes"] == plain, path
        assert got["CacheControl"] == cache_of(path), path
    return objects


def test_publish_to_a_bucket_sends_only_changes(tmp_path: Path) -> None:
    make_club(tmp_path)
    with s3_server() as s3:
        target = f"s3://{s3.bucket}/www"
        first = publish(tmp_path, target, **s3.env(tmp_path))
        assert first.returncode == 0, first.stderr
        live = live_release(tmp_path)
        assert_bucket_holds(s3, live, "www/")
        assert sorted(s3.puts) == sorted(f"www/{path}" for path in release_files(live))

        s3.puts.clear()
        again = publish(tmp_path, target, **s3.env(tmp_path))
        assert again.returncode == 0, again.stderr
        assert s3.puts == []  # nothing changed, nothing sent

        sql(tmp_path, EDIT)
        edited = publish(tmp_path, target, **s3.env(tmp_path))
        assert edited.returncode == 0, edited.stderr
        before, live = live, live_release(tmp_path)
        changed = changed_files(before, live)
        assert "judo/index.html" in changed and len(changed) < 20
        assert sorted(s3.puts) == sorted(f"www/{path}" for path in changed)
        assert_bucket_holds(s3, live, "www/")
        assert "Nieuw" in gzip.decompress(s3.objects()["www/judo/index.html"]["Bytes"]).decode()

        s3.puts.clear()
        story = delete_a_story(tmp_path)
        deleted = publish(tmp_path, target, **s3.env(tmp_path))
        assert deleted.returncode == 0, deleted.stderr
        before, live = live, live_release(tmp_path)
        assert not (live / story).exists()
        assert sorted(s3.puts) == sorted(f"www/{path}" for path in changed_files(before, live))
        objects = assert_bucket_holds(s3, live, "www/")
        assert f"www/{story}" not in objects and f"delete: www/{story}" in deleted.stdout


def linked_theme_files(page: bytes) -> set[str]:
    """The theme files a page links, without their version."""
    links = page.decode().split('"/theme/')[1:]
    return {"theme/" + link.split('"', 1)[0].split("?", 1)[0] for link in links}


def test_a_bucket_sync_stopped_half_way_leaves_a_consistent_site(tmp_path: Path) -> None:
    make_club(tmp_path)
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    env = {"KWAI_SITE_THEME": str(theme)}
    with s3_server() as s3:
        target = f"s3://{s3.bucket}"
        assert publish(tmp_path, target, **env, **s3.env(tmp_path)).returncode == 0
        old = live_release(tmp_path)

        # A new style sheet (every page links the new version) and a story gone.
        css = theme / "static" / "css" / "kwai.css"
        css.write_text(css.read_text() + "\n.kwai-new { color: teal; }\n")
        story = delete_a_story(tmp_path)
        s3.puts.clear()
        # The server stops at the fifth page it is sent.
        s3.stop_after = lambda key: sum(put.endswith(".html") for put in s3.puts) >= 5
        failed = publish(tmp_path, target, **env, **s3.env(tmp_path))
        assert failed.returncode != 0 and "publish:" in failed.stderr
        new = live_release(tmp_path)

        s3.start()  # the same bucket, served again
        objects = s3.objects()
        assert gzip.decompress(objects["theme/css/kwai.css"]["Bytes"]) == css.read_bytes()
        pages = {key: objects[key]["Bytes"] for key in objects if key.endswith(".html")}
        forms = {key: release_of(body, key, new, old) for key, body in pages.items()}
        assert set(forms.values()) == {"new", "old"}  # stopped among the pages
        assert story in objects  # deletions come last: old pages may still link it
        for key, body in pages.items():  # every page finds what it links
            assert linked_theme_files(gzip.decompress(body)) <= set(objects), key

        s3.stop_after = lambda key: False
        rerun = publish(tmp_path, target, KWAI_PUBLISH_SKIP_BUILD="1", **env, **s3.env(tmp_path))
        assert rerun.returncode == 0, rerun.stderr
        assert story not in assert_bucket_holds(s3, new, "")


def release_of(body: bytes, path: str, new: Path, old: Path) -> str:
    """Which release a stored page comes from: "new" (also when both have it), "old" or "?"."""
    for name, release in (("new", new), ("old", old)):
        if (release / f"{path}.gz").is_file() and (release / f"{path}.gz").read_bytes() == body:
            return name
    return "?"


@needs_rsync
def test_publish_to_a_directory_sends_only_changes(tmp_path: Path) -> None:
    make_club(tmp_path)
    target = tmp_path / "www"
    first = publish(tmp_path, target)
    assert first.returncode == 0, first.stderr
    live = live_release(tmp_path)
    assert_copy_holds(target, live)

    again = publish(tmp_path, target)  # nothing changed: rsync sends no file
    assert again.returncode == 0, again.stderr
    assert sent(again.stdout) == []

    sql(tmp_path, EDIT)
    edited = publish(tmp_path, target)
    before, live = live, live_release(tmp_path)
    changed = changed_files(before, live)
    assert "judo/index.html" in changed and len(changed) < 20
    texts = {f"{path}.gz" for path in changed if path.endswith(tuple(TYPES))}
    assert sorted(sent(edited.stdout)) == sorted(changed | texts)
    assert_copy_holds(target, live)

    story = delete_a_story(tmp_path)
    deleted = publish(tmp_path, target)
    assert deleted.returncode == 0, deleted.stderr
    assert_copy_holds(target, live_release(tmp_path))
    assert not (target / story).exists() and not (target / f"{story}.gz").exists()
    lines = deleted.stdout.splitlines()
    deleting = lines.index(f"*deleting   {story}")
    assert all(i < deleting for i, line in enumerate(lines) if line.startswith(">f"))


def sent(itemized: str) -> list[str]:
    return [line.split()[-1] for line in itemized.splitlines() if line.startswith(">f")]


def assert_copy_holds(target: Path, live: Path) -> None:
    """The directory is the release: the same files and bytes, gzip forms included."""
    copy = {p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file()}
    assert copy == {p.relative_to(live).as_posix() for p in live.rglob("*") if p.is_file()}
    for path in copy:
        assert (target / path).read_bytes() == (live / path).read_bytes(), path
    assert not (target / "index.html").is_symlink()
    assert (
        gzip.decompress((target / "index.html.gz").read_bytes())
        == (target / "index.html").read_bytes()
    )


@needs_rsync
def test_publish_to_a_directory_sends_assets_before_pages(tmp_path: Path) -> None:
    make_club(tmp_path)
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    target = tmp_path / "www"
    assert publish(tmp_path, target, KWAI_SITE_THEME=str(theme)).returncode == 0
    css = theme / "static" / "css" / "kwai.css"
    css.write_text(css.read_text() + "\n.kwai-new { color: teal; }\n")
    result = publish(tmp_path, target, KWAI_SITE_THEME=str(theme))
    assert result.returncode == 0, result.stderr
    order = sent(result.stdout)
    assert order.index("theme/css/kwai.css") < min(
        i for i, path in enumerate(order) if path.endswith(".html")
    )
    assert_copy_holds(target, live_release(tmp_path))


@needs_rsync
def test_failed_build_publishes_nothing(tmp_path: Path) -> None:
    target = tmp_path / "www"
    result = publish(tmp_path, target, KWAI_SITE_THEME=str(tmp_path / "no-theme"))
    assert result.returncode == 1
    assert "nothing was published" in result.stderr
    assert not target.exists()
