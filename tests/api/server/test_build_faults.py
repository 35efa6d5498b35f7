"""Builds under faults: a server killed with -9, a full or read-only disk, a runaway build.

Each fault leaves `site/current` a complete release, and the next build succeeds.
"""

from __future__ import annotations

import json
import random
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from kwai_api.core.database import Database, open_database
from kwai_api.core.settings import Settings
from kwai_api.demo import ADMIN_EMAIL, ADMIN_PASSWORD
from kwai_gen.build import BuildFailed, RenderWorker, build_site
from tests.conftest import NOW, make_settings
from tests.support.server import SECRETS, free_port, kwai_env

JOB = {"X-Kwai-Job-Secret": SECRETS["KWAI_SECURITY_JOB_SECRET"]}
THEME = Path(__file__).resolve().parents[3] / "theme"


def assert_complete(site: Path) -> Path:
    """`current` is a published release holding every file of its manifest; its directory."""
    live = (site / "current").resolve()
    assert live.parent == (site / "releases").resolve() and not live.name.startswith(".")
    manifest = json.loads(Path(f"{live}.manifest.json").read_text(encoding="utf-8"))
    assert [path for path in manifest if not (live / path).is_file()] == []
    assert (live / "index.html").is_file() and (live / "theme" / "css" / "kwai.css").is_file()
    return live


def leftovers(site: Path) -> list[str]:
    """Build directories nobody removed."""
    return [p.name for p in (site / "releases").glob(".*.building")]


def releases(site: Path) -> set[str]:
    """Every name under site/releases (releases, their manifests, build directories)."""
    return {p.name for p in (site / "releases").iterdir()}


def last_build(db: Database) -> tuple[str, str | None]:
    row = db.fetchone("SELECT status, error FROM site_builds ORDER BY id DESC LIMIT 1")
    assert row is not None
    return row["status"], row["error"]


# -- a server killed with -9 ---------------------------------------------------------------------


def serve(tmp: Path, port: int) -> subprocess.Popen[bytes]:
    """`kwai serve` on `port`, answering; it fails at once if the port is still taken."""
    log = tmp / "server.log"
    env = kwai_env(tmp, KWAI_SITE_URL=f"http://127.0.0.1:{port}")
    with open(log, "ab") as output:
        server = subprocess.Popen(
            [sys.executable, "-m", "kwai_api.cli", "serve", "--port", str(port)],
            env=env,
            cwd=tmp,
            stdout=output,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    deadline = time.monotonic() + 60
    while True:
        if server.poll() is not None:
            raise AssertionError(f"kwai serve stopped: {log.read_text()[-1500:]}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=2).is_success:
                return server
        except httpx.HTTPError:
            pass
        assert time.monotonic() < deadline, "kwai serve did not answer within 60 s"
        time.sleep(0.05)


def kill_9(server: subprocess.Popen[bytes], port: int) -> None:
    """Kill the server; its port is free at once (no child of it holds the socket)."""
    server.kill()
    server.wait()
    with socket.socket() as listener:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
        listener.bind(("127.0.0.1", port))  # OSError EADDRINUSE while a child holds it
        listener.listen()


def ask_build(url: str, full: bool) -> httpx.Response | None:
    """POST a build; None when the server died meanwhile."""
    try:
        return httpx.post(
            f"{url}/api/v1/site/builds",
            headers={**JOB, "Content-Type": "application/vnd.api+json"},
            json={"data": {"type": "site_builds", "attributes": {"full": full}}},
            timeout=120,
        )
    except httpx.HTTPError:
        return None


def test_a_server_killed_during_builds_restarts_at_once(tmp_path: Path, club_file: Path) -> None:
    """Ten kills at random moments of builds; each restart binds the same port at once."""
    shutil.copyfile(club_file, tmp_path / "kwai.duckdb")
    site, port = tmp_path / "site", free_port()
    url = f"http://127.0.0.1:{port}"
    moments = random.Random(20261130)
    for trial in range(10):
        server = serve(tmp_path, port)  # the server of the trial before is gone: the port too
        asking = threading.Thread(target=ask_build, args=(url, trial % 3 == 0))
        asking.start()
        time.sleep(moments.uniform(0.0, 0.8))  # the start build or the asked one is running
        kill_9(server, port)
        asking.join()
        if (site / "current").exists():
            assert_complete(site)
    server = serve(tmp_path, port)
    try:
        build = ask_build(url, full=False)
        assert build is not None and build.json()["data"]["attributes"]["status"] == "success"
        assert_complete(site)
        assert leftovers(site) == []
    finally:
        server.terminate()
        server.wait(timeout=30)
    db = open_database(tmp_path / "kwai.duckdb")
    statuses = [row["status"] for row in db.fetchall("SELECT status FROM site_builds")]
    db.close()
    assert "running" not in statuses and "interrupted" in statuses


def login(url: str) -> dict[str, str]:
    answer = httpx.post(
        f"{url}/api/v1/auth/login",
        data={"username": ADMIN_EMAIL, "password": ADMIN_PASSWORD},
        timeout=30,
    )
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def test_every_answered_write_survives_a_kill_9(tmp_path: Path, club_file: Path) -> None:
    shutil.copyfile(club_file, tmp_path / "kwai.duckdb")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server = serve(tmp_path, port)
    admin = login(url)
    written: list[str] = []

    def write(writer: int) -> None:
        with httpx.Client(base_url=url, headers=admin, timeout=30) as client:
            for n in range(10_000):
                story = {
                    "publish_date": "2026-11-20 10:00:00",
                    "texts": [{"locale": "en", "title": f"Story {writer}-{n}"}],
                }
                document = {
                    "data": {
                        "type": "news_items",
                        "attributes": story,
                        "relationships": {
                            "application": {"data": {"type": "applications", "id": "club"}}
                        },
                    }
                }
                try:
                    answer = client.post("/api/v1/news_items", json=document)
                except httpx.HTTPError:
                    return  # the server is gone
                if answer.is_success:
                    written.append(answer.json()["data"]["id"])

    writers = [threading.Thread(target=write, args=(n,)) for n in range(3)]
    for writer in writers:
        writer.start()
    time.sleep(2.0)  # writes, and the builds they cause
    kill_9(server, port)
    for writer in writers:
        writer.join()
    assert len(written) > 5
    server = serve(tmp_path, port)
    try:
        with httpx.Client(base_url=url, headers=login(url), timeout=30) as client:
            missing = [
                story
                for story in written
                if client.get(f"/api/v1/news_items/{story}").status_code != 200
            ]
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert missing == []


# -- a full or read-only disk ---------------------------------------------------------------------


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 32 MB file system (tmpfs) for the site; skipped where mounting is not allowed."""
    site = tmp_path / "site"
    site.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=32m", "tmpfs", str(site)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small file system here: {mounted.stderr.decode().strip()}")
    try:
        yield site
    finally:
        subprocess.run(["umount", "-l", str(site)], check=False)


def edit(db: Database, title: str) -> None:
    """Change what the home page shows, so the next build writes files."""
    db.execute(
        "UPDATE news_story_texts SET title = ? WHERE story_id ="
        " (SELECT max(id) FROM news_stories WHERE publish_date < ?)",
        [title, NOW],
    )


def test_a_full_disk_fails_the_build_and_keeps_the_live_site(
    tmp_path: Path, small_disk: Path, db: Database
) -> None:
    settings = make_settings(tmp_path, KWAI_SITE_OUTPUT=str(small_disk))
    worker = RenderWorker(settings.build)
    build_site(settings, db, now=NOW, worker=worker)
    live, before = assert_complete(small_disk), releases(small_disk)
    filler = tmp_path / "site" / "filler"
    with open(filler, "wb") as file:  # every free byte, until the disk refuses
        try:
            while True:
                file.write(b"\0" * (1 << 20))
                file.flush()
        except OSError:
            pass
    edit(db, "Written on a full disk")
    with pytest.raises(BuildFailed, match="No space left on device"):
        build_site(settings, db, now=NOW, worker=worker)
    assert last_build(db)[0] == "failed" and "No space left" in str(last_build(db)[1])
    assert assert_complete(small_disk) == live and releases(small_disk) == before
    filler.unlink()
    build_site(settings, db, now=NOW, worker=worker)
    assert assert_complete(small_disk) != live
    assert "Written on a full disk" in (small_disk / "current" / "index.html").read_text()


def test_a_read_only_output_fails_the_build_and_keeps_the_live_site(
    tmp_path: Path, small_disk: Path, db: Database
) -> None:
    settings = make_settings(tmp_path, KWAI_SITE_OUTPUT=str(small_disk))
    worker = RenderWorker(settings.build)
    build_site(settings, db, now=NOW, worker=worker)
    live = assert_complete(small_disk)
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    edit(db, "Written after the remount")
    try:
        with pytest.raises(BuildFailed, match="Read-only file system"):
            build_site(settings, db, now=NOW, worker=worker)
        assert last_build(db)[0] == "failed"
        assert assert_complete(small_disk) == live
    finally:
        subprocess.run(["mount", "-o", "remount,rw", str(small_disk)], check=True)
    build_site(settings, db, now=NOW, worker=worker)
    assert assert_complete(small_disk) != live and leftovers(small_disk) == []


# -- a runaway build -----------------------------------------------------------------------------


def theme_with(tmp_path: Path, template: str, line: str) -> Path:
    """A copy of the theme whose `template` starts with `line`."""
    theme = tmp_path / "theme"
    shutil.copytree(THEME, theme)
    path = theme / "templates" / template
    path.write_text(line + "\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    return theme


def runaway_build(tmp_path: Path, db: Database, theme: Path, match: str, **limits: str) -> Settings:
    """A good build, then one with `theme` that fails (`match`), then a good one again."""
    settings = make_settings(tmp_path, **limits)
    worker = RenderWorker(settings.build)
    build_site(settings, db, now=NOW, worker=worker)
    live, before = assert_complete(settings.site.output), releases(settings.site.output)
    runaway = make_settings(tmp_path, KWAI_SITE_THEME=str(theme), **limits)
    with pytest.raises(BuildFailed, match=match):
        build_site(runaway, db, now=NOW, worker=worker)
    status, error = last_build(db)
    assert status == "failed" and error is not None and match in error
    assert assert_complete(settings.site.output) == live
    assert releases(settings.site.output) == before
    edit(db, "After the runaway build")
    build_site(settings, db, now=NOW, worker=worker)
    assert assert_complete(settings.site.output) != live
    return settings


@pytest.mark.timeout(120)
def test_a_build_past_its_time_limit_is_killed(tmp_path: Path, db: Database) -> None:
    forever = theme_with(tmp_path, "base.html", "{% for n in range(10**15) %}{% endfor %}")
    runaway_build(tmp_path, db, forever, "time limit of 3 s", KWAI_BUILD_TIMEOUT_SECONDS="3")


@pytest.mark.timeout(120)
def test_a_build_past_its_memory_ceiling_is_stopped(tmp_path: Path, db: Database) -> None:
    greedy = theme_with(tmp_path, "404.html", '{% set hoard = "x" * 600_000_000 %}')
    runaway_build(tmp_path, db, greedy, "memory ceiling of 300 MB", KWAI_BUILD_MEMORY_MB="300")


def test_builds_left_running_are_closed_as_interrupted(settings: Settings, db: Database) -> None:
    from kwai_gen.build import close_interrupted

    build_site(settings, db, now=NOW)
    db.execute(
        "INSERT INTO site_builds (started_at, status, now) VALUES (?, 'running', ?)", [NOW, NOW]
    )
    (settings.site.output / "releases" / ".killed.building" / "news").mkdir(parents=True)
    assert close_interrupted(settings, db) == 1
    assert last_build(db) == ("interrupted", "the server stopped during the build")
    assert leftovers(settings.site.output) == []
    assert close_interrupted(settings, db) == 0
