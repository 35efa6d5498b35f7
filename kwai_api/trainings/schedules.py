"""Carry a changed training definition to its future trainings, leaving hand-edited ones alone.

A training made from a definition follows it until someone edits that training on its own
(PATCH /trainings/{id} marks it `edited_by_hand`); from then on it is the editor's.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from kwai_api.core.clock import to_utc
from kwai_api.core.database import Row, Transaction

# The definition's fields that its trainings carry.
CARRIED = frozenset({"name", "weekday", "start_time", "end_time", "location", "team_id", "coaches"})


@dataclass(frozen=True)
class DefinitionCoach:
    """A coach a definition gives its trainings; `id` is None when a client sent no valid id."""

    id: int | None
    head: bool = False


def carry_to_future(
    tx: Transaction,
    before: Row,
    after: dict[str, Any],
    fields: set[str],
    now: datetime,
    zone: ZoneInfo,
) -> int:
    """Give the definition's `fields` (as changed from `before` to `after`) to its trainings
    that start after `now` and that nobody edited by hand; returns how many changed.

    Each training keeps its week: a new weekday moves it within its week (in the club's zone).
    Only titles that still read the old name take the new one.
    """
    fields = fields & CARRIED
    rows = tx.fetchall(
        "SELECT id, start_date, end_date, location FROM trainings"
        " WHERE definition_id = ? AND start_date > ? AND NOT edited_by_hand ORDER BY id",
        [before["id"], now],
    )
    if not rows or not fields:
        return 0
    ids = [row["id"] for row in rows]
    teams = _linked(tx, "SELECT training_id, team_id FROM training_teams", ids)
    coaches = _linked(tx, "SELECT training_id, coach_id, head FROM training_coaches", ids)
    titled = {
        training_id
        for (training_id,) in tx.tuples(
            "SELECT DISTINCT training_id FROM training_texts"
            " WHERE training_id IN (SELECT unnest(?::INTEGER[])) AND title = ?",
            [ids, before["name"]],
        )
    }
    team = {(after["team_id"],)} if after["team_id"] is not None else set()
    crew = {(c.id, c.head) for c in after.get("coaches", [])}
    changed = []
    for row in rows:
        start, end = _slot(row["start_date"], after, zone)
        moves = (start, end) != (row["start_date"], row["end_date"]) and bool(
            fields & {"weekday", "start_time", "end_time"}
        )
        differs = {
            "time": moves,
            "location": "location" in fields and row["location"] != after["location"],
            "team": "team_id" in fields and teams[row["id"]] != team,
            "coaches": "coaches" in fields and coaches[row["id"]] != crew,
            "name": "name" in fields and row["id"] in titled and before["name"] != after["name"],
        }
        if not any(differs.values()):
            continue
        changed.append(row["id"])
        tx.execute(
            "UPDATE trainings SET start_date = ?, end_date = ?, location = ?,"
            " revision = revision + 1, updated_at = ? WHERE id = ?",
            [
                start if moves else row["start_date"],
                end if moves else row["end_date"],
                after["location"] if "location" in fields else row["location"],
                now,
                row["id"],
            ],
        )
    _replace_links(tx, changed, fields, team, crew)
    if "name" in fields:
        tx.execute(
            "UPDATE training_texts SET title = ?, updated_at = ?"
            " WHERE training_id IN (SELECT unnest(?::INTEGER[])) AND title = ?",
            [after["name"], now, changed, before["name"]],
        )
    return len(changed)


def _slot(start: datetime, definition: dict[str, Any], zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The definition's slot in the week (club's zone) of a training starting at `start`."""
    local = start.replace(tzinfo=UTC).astimezone(zone).date()
    day = local - timedelta(days=local.weekday()) + timedelta(days=definition["weekday"] - 1)
    return (
        to_utc(datetime.combine(day, definition["start_time"]), zone),
        to_utc(datetime.combine(day, definition["end_time"]), zone),
    )


def _linked(tx: Transaction, select: str, ids: list[int]) -> dict[int, set[tuple[Any, ...]]]:
    """The rows a link table holds for each training, as sets of tuples (without the id)."""
    found: dict[int, set[tuple[Any, ...]]] = defaultdict(set)
    for training_id, *values in tx.tuples(
        f"{select} WHERE training_id IN (SELECT unnest(?::INTEGER[]))", [ids]
    ):
        found[training_id].add(tuple(values))
    return found


def _replace_links(
    tx: Transaction,
    ids: list[int],
    fields: set[str],
    team: set[tuple[Any, ...]],
    crew: set[tuple[Any, ...]],
) -> None:
    """Give the changed trainings the definition's team and coaches, when those are carried."""
    within = "training_id IN (SELECT unnest(?::INTEGER[]))"
    if "team_id" in fields:
        tx.execute(f"DELETE FROM training_teams WHERE {within}", [ids])
        tx.insert_rows(
            "training_teams",
            ("training_id", "team_id"),
            [(i, *link) for i in ids for link in sorted(team)],
        )
    if "coaches" in fields:
        tx.execute(f"DELETE FROM training_coaches WHERE {within}", [ids])
        tx.insert_rows(
            "training_coaches",
            ("training_id", "coach_id", "head"),
            [(i, *link) for i in ids for link in sorted(crew)],
        )
