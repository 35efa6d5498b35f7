"""Read the club from one database snapshot into plain objects, in a handful of bulk queries."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

from kwai_api.core.database import Database, Transaction
from kwai_api.core.markup import to_html
from kwai_gen.model import (
    Application,
    Club,
    Coach,
    Page,
    Story,
    Team,
    Text,
    Training,
    TrainingCoach,
)


def utc(value: datetime) -> datetime:
    """Mark a naive UTC timestamp from the database as UTC."""
    return value.replace(tzinfo=UTC)


def gather(db: Database, now: datetime) -> Club:
    """Read everything the public site shows at `now` (aware or naive UTC) from one snapshot."""
    naive_now = now.astimezone(UTC).replace(tzinfo=None) if now.tzinfo else now
    with db.snapshot() as tx:
        return Club(
            now=utc(naive_now),
            applications=_applications(tx),
            stories=_stories(tx, naive_now),
            pages=_pages(tx),
            trainings=_trainings(tx),
            coaches=_coaches(tx),
            teams=_teams(tx),
            next_change=_next_change(tx, naive_now),
        )


def _texts(rows: list[tuple[Any, ...]]) -> dict[Any, dict[str, Text]]:
    """Texts by owner and locale, from rows (owner, locale, title, summary, content)."""
    by_owner: dict[Any, dict[str, Text]] = defaultdict(dict)
    for owner, locale, title, summary, content in rows:
        by_owner[owner][locale] = Text(locale, title, summary, content)
    return by_owner


def _teams(tx: Transaction) -> tuple[Team, ...]:
    """Every team by name, with its name in each language that has one."""
    names: dict[int, dict[str, str]] = defaultdict(dict)
    for team_id, locale, name in tx.tuples("SELECT team_id, locale, name FROM team_texts"):
        names[team_id][locale] = name
    return tuple(
        Team(r["id"], r["name"], names.get(r["id"], {}))
        for r in tx.fetchall("SELECT id, name FROM teams ORDER BY name, id")
    )


def _coaches(tx: Transaction) -> tuple[Coach, ...]:
    """Every coach by name, with the bio of each language."""
    bios: dict[int, dict[str, str]] = defaultdict(dict)
    for coach_id, locale, bio in tx.tuples("SELECT coach_id, locale, bio FROM coach_texts"):
        bios[coach_id][locale] = bio
    return tuple(
        Coach(r["id"], r["name"], r["bio"], r["active"], bios.get(r["id"], {}))
        for r in tx.fetchall("SELECT id, name, bio, active FROM coaches ORDER BY name, id")
    )


def _applications(tx: Transaction) -> tuple[Application, ...]:
    # summary = the short description, content = the description, both rendered like stories'
    texts = _texts([
        (owner, locale, title, to_html(summary, form), to_html(content, form))
        for owner, locale, title, summary, content, form in tx.tuples(
            "SELECT application_id, locale, title, short_description, description,"
            " coalesce(format, 'md') FROM application_texts ORDER BY application_id, locale"
        )
    ])
    return tuple(
        Application(
            r["id"], r["name"], r["weight"], r["news"], r["pages"], r["events"], texts[r["id"]]
        )
        for r in tx.fetchall(
            "SELECT id, name, weight, news, pages, events FROM applications ORDER BY weight, name"
        )
    )


_PUBLIC_STORY = "s.enabled AND s.publish_date <= ? AND (s.end_date IS NULL OR s.end_date > ?)"


def _stories(tx: Transaction, now: datetime) -> tuple[Story, ...]:
    texts = _texts(
        tx.tuples(
            "SELECT t.story_id, t.locale, t.title, t.html_summary, t.html_content"
            f" FROM news_story_texts t JOIN news_stories s ON s.id = t.story_id"
            f" WHERE {_PUBLIC_STORY} ORDER BY t.story_id, t.locale",
            [now, now],
        )
    )
    rows = tx.fetchall(
        "SELECT s.id, a.name AS application, s.publish_date, s.end_date, s.updated_at,"
        " s.created_at, CASE WHEN s.promotion > 0 AND (s.promotion_end_date IS NULL"
        "   OR s.promotion_end_date > ?) THEN s.promotion ELSE 0 END AS priority"
        " FROM news_stories s JOIN applications a ON a.id = s.application_id"
        f" WHERE {_PUBLIC_STORY} ORDER BY s.publish_date DESC, s.id DESC",
        [now, now, now],
    )
    return tuple(
        Story(
            id=r["id"],
            application=r["application"],
            publish_date=utc(r["publish_date"]),
            end_date=utc(r["end_date"]) if r["end_date"] else None,
            priority=r["priority"],
            texts=texts[r["id"]],
            updated_at=utc(r["updated_at"] or r["created_at"]),
        )
        for r in rows
        if texts[r["id"]]
    )


def _pages(tx: Transaction) -> tuple[Page, ...]:
    texts = _texts(
        tx.tuples(
            "SELECT t.page_id, t.locale, t.title, t.html_summary, t.html_content"
            " FROM page_texts t JOIN pages p ON p.id = t.page_id"
            " WHERE p.enabled ORDER BY t.page_id, t.locale"
        )
    )
    return tuple(
        Page(
            r["id"],
            r["application"],
            r["priority"],
            texts[r["id"]],
            utc(r["updated_at"] or r["created_at"]),
        )
        for r in tx.fetchall(
            "SELECT p.id, a.name AS application, p.priority, p.updated_at, p.created_at"
            " FROM pages p JOIN applications a ON a.id = p.application_id"
            " WHERE p.enabled ORDER BY a.weight, a.name, p.priority DESC, p.id"
        )
        if texts[r["id"]]
    )


def _trainings(tx: Transaction) -> tuple[Training, ...]:
    texts = _texts(
        tx.tuples(
            "SELECT t.training_id, t.locale, t.title, t.html_summary, t.html_content"
            " FROM training_texts t JOIN trainings r ON r.id = t.training_id"
            " WHERE r.active ORDER BY t.training_id, t.locale"
        )
    )
    # A coach (as head or not) and a team are the same object in every training they are in.
    people: dict[tuple[int, str, bool], TrainingCoach] = {}
    coaches: dict[int, list[TrainingCoach]] = defaultdict(list)
    for training_id, *coach in tx.tuples(
        "SELECT tc.training_id, c.id, c.name, tc.head FROM training_coaches tc"
        " JOIN coaches c ON c.id = tc.coach_id JOIN trainings r ON r.id = tc.training_id"
        " WHERE r.active ORDER BY tc.training_id, tc.head DESC, c.name"
    ):
        key = tuple(coach)
        if key not in people:
            people[key] = TrainingCoach(*coach)  # type: ignore[arg-type]
        coaches[training_id].append(people[key])  # type: ignore[index]
    known_teams = {team.id: team for team in _teams(tx)}
    teams: dict[int, list[Team]] = defaultdict(list)
    for training_id, team_id in tx.tuples(
        "SELECT tt.training_id, t.id FROM training_teams tt"
        " JOIN teams t ON t.id = tt.team_id JOIN trainings r ON r.id = tt.training_id"
        " WHERE r.active ORDER BY tt.training_id, t.name"
    ):
        teams[training_id].append(known_teams[team_id])
    return tuple(
        Training(
            id=id,
            start=start.replace(tzinfo=UTC),
            end=end.replace(tzinfo=UTC),
            location=location,
            cancelled=cancelled,
            texts=texts.get(id, {}),
            coaches=tuple(coaches.get(id, ())),
            teams=tuple(teams.get(id, ())),
            definition_id=definition_id,
            revision=revision,
            created_at=created.replace(tzinfo=UTC),
            updated_at=(updated or created).replace(tzinfo=UTC),
        )
        for id, start, end, location, cancelled, definition_id, revision, created, updated
        in tx.tuples(
            "SELECT id, start_date, end_date, location, cancelled, definition_id, revision,"
            " created_at, updated_at FROM trainings WHERE active ORDER BY start_date, id"
        )
    )


def _next_change(tx: Transaction, now: datetime) -> datetime | None:
    """The next moment the public site changes by time alone (a story appears or goes, a
    promotion ends, a training starts and leaves "next trainings")."""
    value = tx.fetchone(
        "SELECT min(t) AS t FROM ("
        " SELECT publish_date AS t FROM news_stories WHERE enabled AND publish_date > ?"
        " UNION ALL SELECT end_date FROM news_stories WHERE enabled AND end_date > ?"
        " UNION ALL SELECT promotion_end_date FROM news_stories"
        "   WHERE enabled AND promotion > 0 AND promotion_end_date > ?"
        " UNION ALL SELECT start_date FROM trainings WHERE active AND start_date > ?)",
        [now, now, now, now],
    )
    return utc(value["t"]) if value and value["t"] else None
