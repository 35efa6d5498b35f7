"""The `kwai` command: one-line errors, a locked database, going through a running server."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx

from kwai_api.core.database import open_database
from kwai_api.demo import create_club
from tests.conftest import ANCHOR
from tests.support.server import SECRETS, kwai, kwai_env, running_server


def make_club(tmp: Path) -> None:
    db = open_database(tmp / "kwai.duckdb")
    create_club(db, anchor=ANCHOR)
    db.close()


def test_migrate_twice(tmp_path: Path) -> None:
    first = kwai(tmp_path, "db", "migrate")
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("applied 001_schema.sql")
    second = kwai(tmp_path, "db", "migrate")
    assert second.returncode == 0
    assert "up to date" in second.stdout


def test_locked_database_is_one_clear_line(tmp_path: Path) -> None:
    make_club(tmp_path)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, duckdb; c = duckdb.connect(sys.argv[1]); print('held', flush=True);"
            " sys.stdin.read()",
            str(tmp_path / "kwai.duckdb"),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        for args in (["build"], ["db", "migrate"], ["mail", "send"]):
            result = kwai(tmp_path, *args)
            assert result.returncode == 1
            assert "Traceback" not in result.stderr
            lines = result.stderr.strip().splitlines()
            assert len(lines) == 1, result.stderr
            assert "in use by another process" in lines[0]
    finally:
        holder.communicate("", timeout=10)


def test_bad_settings_are_one_line(tmp_path: Path) -> None:
    result = kwai(tmp_path, "build", env=kwai_env(tmp_path, KWAI_EMAIL_PORT="many"))
    assert result.returncode == 1
    assert result.stderr.strip() == "kwai: setting [email] port should be a int, got 'many'"


def test_build_command(tmp_path: Path) -> None:
    make_club(tmp_path)
    result = kwai(tmp_path, "build", "--now", "2026-11-26 12:00:00")
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""  # quiet without a terminal (cron)
    assert (tmp_path / "site" / "current" / "index.html").exists()
    bad = kwai(tmp_path, "build", "--now", "tomorrow")
    assert bad.returncode == 2 and "YYYY-MM-DD" in bad.stderr


def test_commands_go_through_a_running_server(tmp_path: Path) -> None:
    make_club(tmp_path)
    with running_server(tmp_path) as url:
        result = kwai(tmp_path, "build", "--now", "2026-11-26 12:00:00")
        assert result.returncode == 0, result.stderr
        latest = httpx.post(
            f"{url}/api/v1/site/builds", headers={"X-Kwai-Job-Secret": "wrong"}, timeout=60
        )
        assert latest.status_code == 401
        builds = httpx.get(f"{url}/api/v1/health", timeout=10).json()["meta"]["last_build"]
        assert builds["status"] == "success" and builds["now"] == "2026-11-26 12:00:00"
        assert (tmp_path / "site" / "current" / "index.html").exists()
        page = httpx.get(f"{url}/", timeout=10)
        assert page.status_code == 200 and "<h1" in page.text
        backup = kwai(tmp_path, "db", "backup", str(tmp_path / "copy.duckdb"))
        assert backup.returncode == 0, backup.stderr
        assert (tmp_path / "copy.duckdb").exists()
        unwritable = kwai(tmp_path, "db", "backup", "/sys/kwai-copy.duckdb")  # even for root
        assert unwritable.returncode == 1 and unwritable.stderr.count("\n") == 1
        assert "cannot write /sys/kwai-copy.duckdb" in unwritable.stderr
        assert "unexpected" not in unwritable.stderr
        mail = kwai(tmp_path, "mail", "send")
        assert mail.returncode == 0, mail.stderr
    copy = open_database(tmp_path / "copy.duckdb")
    assert copy.fetchvalue("SELECT count(*) FROM news_stories") > 50
    copy.close()


def test_serve_refuses_default_secrets(tmp_path: Path) -> None:
    env = {k: v for k, v in kwai_env(tmp_path).items() if k not in SECRETS}
    result = kwai(tmp_path, "serve", env=env)
    assert result.returncode == 1
    assert "secret_keys" in result.stderr and "Traceback" not in result.stderr


def test_demo_without_serving(tmp_path: Path) -> None:
    result = kwai(tmp_path, "demo", "--no-serve")
    assert result.returncode == 0, result.stderr
    assert "admin@kwai.example" in result.stdout
    assert (tmp_path / "site" / "current" / "index.html").exists()
    again = kwai(tmp_path, "demo", "--no-serve")  # reuses the club
    assert again.returncode == 0, again.stderr


def test_user_create(tmp_path: Path) -> None:
    args = [
        "user",
        "create",
        "--email",
        "Coach@Example.org",
        "--first-name",
        "Ann",
        "--last-name",
        "Peeters",
        "--password",
        "judo-is-fun",
        "--admin",
    ]
    created = kwai(tmp_path, *args)
    assert created.returncode == 0, created.stderr
    again = kwai(tmp_path, *args)
    assert again.returncode == 1 and "Traceback" not in again.stderr
    assert len(again.stderr.strip().splitlines()) == 1
    weak = kwai(
        tmp_path,
        "user",
        "create",
        "--email",
        "b@example.org",
        "--first-name",
        "B",
        "--last-name",
        "C",
        "--password",
        "short",
    )
    assert weak.returncode == 1
    db = open_database(tmp_path / "kwai.duckdb")
    user = db.fetchone("SELECT email, admin FROM users")
    db.close()
    assert user == {"email": "coach@example.org", "admin": True}
