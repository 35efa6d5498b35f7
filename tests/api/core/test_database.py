"""The database module: migrations, serialized writes from many threads, backups."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from kwai_api.core.database import Database, DatabaseError, migrate, migrations, open_database


def test_migrations_apply_once(tmp_path: Path) -> None:
    db = open_database(tmp_path / "k.duckdb")
    recorded = db.fetchall("SELECT version, name FROM schema_migrations ORDER BY version")
    assert [r["version"] for r in recorded] == [m[0] for m in migrations()]
    assert migrate(db) == []  # a second run is a no-op
    tables = {
        r["table_name"] for r in db.fetchall("SELECT table_name FROM information_schema.tables")
    }
    for table in (
        "users",
        "user_invitations",
        "user_recoveries",
        "tokens",
        "applications",
        "news_stories",
        "news_story_texts",
        "pages",
        "page_texts",
        "trainings",
        "training_texts",
        "training_coaches",
        "training_teams",
        "training_definitions",
        "coaches",
        "teams",
        "mails",
        "site_builds",
    ):
        assert table in tables
    db.close()


def test_concurrent_writes_are_serialized(tmp_path: Path) -> None:
    db = open_database(tmp_path / "k.duckdb")
    db.execute("INSERT INTO teams (name) VALUES ('counter')")

    def bump() -> None:
        for _ in range(20):
            db.write(lambda tx: tx.execute("UPDATE teams SET remark = coalesce(remark, '') || 'x'"))

    threads = [threading.Thread(target=bump) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(db.fetchvalue("SELECT remark FROM teams")) == 80
    db.close()


def test_failed_write_rolls_back(tmp_path: Path) -> None:
    db = open_database(tmp_path / "k.duckdb")

    def half(tx) -> None:  # type: ignore[no-untyped-def]
        tx.execute("INSERT INTO teams (name) VALUES ('kept?')")
        raise RuntimeError("stop")

    with pytest.raises(RuntimeError):
        db.write(half)
    assert db.fetchvalue("SELECT count(*) FROM teams") == 0
    db.close()


def test_backup_is_a_consistent_copy(tmp_path: Path) -> None:
    db = open_database(tmp_path / "k.duckdb")
    db.execute("INSERT INTO teams (name) VALUES ('Jeugd')")
    db.backup(tmp_path / "copy.duckdb")
    with pytest.raises(DatabaseError, match="exists"):
        db.backup(tmp_path / "copy.duckdb")
    db.close()
    copy = Database(tmp_path / "copy.duckdb", read_only=True)
    assert copy.fetchvalue("SELECT name FROM teams") == "Jeugd"
    copy.close()
