"""The demo club: deterministic, and holding every case the site must show."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kwai_api.core.database import Database, open_database
from kwai_api.demo import ADMIN_EMAIL, create_club
from tests.conftest import ANCHOR, NOW


def dump(db: Database) -> dict[str, list[dict[str, Any]]]:
    """The rows that make the club (without timestamps of the machine)."""
    return {
        "stories": db.fetchall(
            "SELECT id, application_id, enabled, publish_date, end_date, promotion"
            " FROM news_stories ORDER BY id"
        ),
        "texts": db.fetchall(
            "SELECT story_id, locale, title, html_content FROM news_story_texts"
            " ORDER BY story_id, locale"
        ),
        "trainings": db.fetchall(
            "SELECT id, start_date, end_date, cancelled FROM trainings ORDER BY id"
        ),
        "coaches": db.fetchall(
            "SELECT training_id, coach_id, head FROM training_coaches ORDER BY ALL"
        ),
    }


def test_same_seed_same_club(tmp_path: Path, db: Database) -> None:
    other = open_database(tmp_path / "other.duckdb")
    create_club(other, seed=1, anchor=ANCHOR)
    assert dump(other) == dump(db)
    third = open_database(tmp_path / "third.duckdb")
    create_club(third, seed=2, anchor=ANCHOR)
    assert dump(third) != dump(db)
    other.close()
    third.close()


def test_the_club_holds_every_case(db: Database) -> None:
    def count(sql: str) -> int:
        return int(db.fetchvalue(sql, [NOW] * sql.count("?")))

    assert 55 <= count("SELECT count(*) FROM news_stories") <= 65
    assert count("SELECT count(*) FROM news_stories WHERE promotion > 0") >= 3
    assert count("SELECT count(*) FROM news_stories WHERE enabled AND publish_date > ?") >= 2
    assert count("SELECT count(*) FROM news_stories WHERE end_date < ?") >= 1
    assert count("SELECT count(*) FROM news_stories WHERE NOT enabled") >= 1
    only_one_language = (
        "SELECT count(*) FROM (SELECT story_id FROM news_story_texts GROUP BY story_id"
        " HAVING count(*) = 1 AND max(locale) = '{}')"
    )
    assert count(only_one_language.format("nl")) >= 2
    assert count(only_one_language.format("en")) >= 2
    assert count("SELECT count(*) FROM applications") >= 5
    assert count("SELECT count(*) FROM pages") >= 5
    assert count("SELECT count(*) FROM training_definitions") >= 5
    assert count("SELECT count(*) FROM trainings WHERE cancelled") >= 1
    assert (
        count(
            "SELECT count(*) FROM trainings WHERE cancelled AND cancel_reason IS NOT NULL"
            " AND start_date > ?"
        )
        >= 5
    )  # a closed holiday week to come
    assert count("SELECT count(*) FROM trainings WHERE definition_id IS NULL") == 0
    assert count("SELECT count(*) FROM coaches") >= 4
    assert count("SELECT count(*) FROM teams") >= 3
    admin = db.fetchone("SELECT admin, password_hash FROM users WHERE email = ?", [ADMIN_EMAIL])
    assert admin is not None and admin["admin"] and admin["password_hash"].startswith("$argon2id$")


def test_every_training_has_a_head_coach_and_a_team(db: Database) -> None:
    orphans = db.fetchvalue(
        "SELECT count(*) FROM trainings t WHERE NOT EXISTS (SELECT 1 FROM training_coaches c"
        " WHERE c.training_id = t.id AND c.head) OR NOT EXISTS (SELECT 1 FROM training_teams m"
        " WHERE m.training_id = t.id)"
    )
    assert orphans == 0
