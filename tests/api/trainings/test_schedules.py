"""Schedules in bulk: a definition's change carried to its future trainings, and a period's
trainings cancelled (or uncancelled) at once."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from starlette.testclient import TestClient

from kwai_api.core.database import Database
from tests.conftest import NOW, Builds

API = "/api/v1"
BRUSSELS = ZoneInfo("Europe/Brussels")
TUESDAY = 4  # "Volwassenen dinsdag", Tuesdays 19:30-21:00 for team 3


def local(moment: datetime) -> datetime:
    """A naive UTC time from the database on the club's clock."""
    return moment.replace(tzinfo=ZoneInfo("UTC")).astimezone(BRUSSELS)


def trainings_of(db: Database, definition_id: int) -> dict[int, dict[str, Any]]:
    """The trainings of a definition by id, with their coaches, teams and Dutch title."""
    rows = db.fetchall(
        "SELECT t.*, x.title FROM trainings t JOIN training_texts x"
        " ON x.training_id = t.id AND x.locale = 'nl' WHERE t.definition_id = ?",
        [definition_id],
    )
    for row in rows:
        row["coaches"] = {
            (r["coach_id"], r["head"])
            for r in db.fetchall(
                "SELECT coach_id, head FROM training_coaches WHERE training_id = ?", [row["id"]]
            )
        }
        row["teams"] = {
            r["team_id"]
            for r in db.fetchall(
                "SELECT team_id FROM training_teams WHERE training_id = ?", [row["id"]]
            )
        }
    return {row["id"]: row for row in rows}


def patch_definition(
    client: TestClient,
    headers: dict[str, str],
    attributes: dict[str, Any],
    query: str = "",
    **extra: Any,
) -> Any:
    """PATCH definition 4 with these attributes (and whatever else the document holds)."""
    return client.patch(
        f"{API}/training_definitions/{TUESDAY}{query}",
        headers=headers,
        json={
            "data": {"type": "training_definitions", "id": str(TUESDAY), "attributes": attributes},
            **extra,
        },
    )


def error(response: Any, status: int) -> dict[str, str]:
    """The source of the first error of a response that must have `status`."""
    assert response.status_code == status, response.text
    result: dict[str, str] = response.json()["errors"][0]["source"]
    return result


# --- carrying a definition's change ----------------------------------------------------------


def test_a_change_goes_to_the_future_trainings_nobody_edited(
    client: TestClient, db: Database, admin: dict[str, str], builds: Builds
) -> None:
    before = trainings_of(db, TUESDAY)
    future = sorted(i for i, row in before.items() if row["start_date"] > NOW)
    by_hand = future[2]
    edited = client.patch(
        f"{API}/trainings/{by_hand}",
        headers=admin,
        json={"data": {"type": "trainings", "attributes": {"event": {"location": "Turnzaal"}}}},
    )
    assert edited.status_code == 200, edited.text
    builds.changes = 0

    response = patch_definition(
        client,
        admin,
        {
            "name": "Volwassenen woensdag",
            "weekday": 3,
            "start_time": "18:00",
            "end_time": "19:30",
            "location": "Nieuwe zaal",
            "coaches": [{"id": "2", "head": True}, {"id": "5"}],
        },
        "?apply=future",
    )

    assert response.status_code == 200, response.text
    assert response.json()["meta"] == {"trainings_changed": len(future) - 1}
    attributes = response.json()["data"]["attributes"]
    assert attributes["coaches"] == [{"id": "2", "head": True}, {"id": "5", "head": False}]
    assert {i["id"] for i in response.json()["included"] if i["type"] == "training_coaches"} == {
        "2",
        "5",
    }
    assert builds.changes == 1
    after = trainings_of(db, TUESDAY)
    for training_id in future:
        row, old = after[training_id], before[training_id]
        if training_id == by_hand:
            assert row["location"] == "Turnzaal" and row["start_date"] == old["start_date"]
            assert row["title"] == "Volwassenen dinsdag"
            continue
        start, end = local(row["start_date"]), local(row["end_date"])
        old_day = local(old["start_date"]).date()
        assert start.date() == old_day + timedelta(days=1)  # Wednesday of the same week
        assert (start.time(), end.time()) == (time(18, 0), time(19, 30))
        assert row["location"] == "Nieuwe zaal" and row["title"] == "Volwassenen woensdag"
        assert row["coaches"] == {(2, True), (5, False)} and row["teams"] == {3}
        assert row["revision"] == old["revision"] + 1 and row["updated_at"] == NOW
        assert not row["edited_by_hand"]
    for training_id in set(before) - set(future):  # the past stays as it was
        assert after[training_id] == before[training_id]
    english = db.fetchall(
        "SELECT DISTINCT title FROM training_texts WHERE locale = 'en'"
        " AND training_id IN (SELECT unnest(?::INTEGER[]))",
        [future],
    )
    assert english == [{"title": "Adults Tuesday"}]  # not the old name: someone wrote it


def test_only_the_sent_fields_are_carried(
    client: TestClient, db: Database, admin: dict[str, str], builds: Builds
) -> None:
    before = trainings_of(db, TUESDAY)
    response = patch_definition(
        client, admin, {"location": "Dojo Kemzeke"}, meta={"apply": "future"}
    )
    future = [i for i, row in before.items() if row["start_date"] > NOW]
    assert response.json()["meta"] == {"trainings_changed": len(future)}
    after = trainings_of(db, TUESDAY)
    for training_id in future:  # the coaches stay: the definition names none
        assert after[training_id]["location"] == "Dojo Kemzeke"
        assert after[training_id]["coaches"] == before[training_id]["coaches"]
        assert after[training_id]["start_date"] == before[training_id]["start_date"]
    again = patch_definition(client, admin, {"location": "Dojo Kemzeke"}, "?apply=future")
    assert again.json()["meta"] == {"trainings_changed": 0}


def test_without_apply_the_trainings_stay(
    client: TestClient, db: Database, admin: dict[str, str], builds: Builds
) -> None:
    before = trainings_of(db, TUESDAY)
    response = patch_definition(client, admin, {"start_time": "18:00", "location": "Elders"})
    assert response.status_code == 200 and "meta" not in response.json()
    assert trainings_of(db, TUESDAY) == before


def test_generated_trainings_get_the_definitions_coaches(
    client: TestClient, db: Database, admin: dict[str, str], builds: Builds
) -> None:
    response = patch_definition(client, admin, {"coaches": [{"id": 4, "head": True}]})
    assert response.status_code == 200, response.text
    made = client.post(
        f"{API}/training_definitions/{TUESDAY}/trainings",
        headers=admin,
        json={"data": {"attributes": {"start": "2027-06-01", "end": "2027-06-30"}}},
    )
    assert made.status_code == 201, made.text
    assert [item["attributes"]["coaches"] for item in made.json()["data"]] == [
        [{"id": "4", "head": True, "present": False, "payed": False}]
    ] * 5


@pytest.mark.parametrize(
    ("query", "extra", "attributes", "status", "where"),
    [
        ("?apply=past", {}, {"location": "x"}, 400, {"parameter": "apply"}),
        ("", {"meta": {"apply": "all"}}, {"location": "x"}, 422, {"pointer": "/meta/apply"}),
        (
            "?apply=future",
            {},
            {"coaches": [{"id": "999"}]},
            422,
            {"pointer": "/data/attributes/coaches/0/id"},
        ),
        (
            "?apply=future",
            {},
            {"coaches": [{"id": "1"}, {"id": "1"}]},
            422,
            {"pointer": "/data/attributes/coaches/1/id"},
        ),
        ("?apply=future", {}, {"coaches": ["1"]}, 422, {"pointer": "/data/attributes/coaches/0"}),
        (
            "?apply=future",
            {},
            {"coaches": [{"id": "1", "head": "yes"}]},
            422,
            {"pointer": "/data/attributes/coaches/0/head"},
        ),
        (
            "?apply=future",
            {},
            {"start_time": "22:00"},
            422,
            {"pointer": "/data/attributes/end_time"},
        ),
    ],
)
def test_bad_changes_are_refused_and_change_nothing(
    client: TestClient,
    db: Database,
    admin: dict[str, str],
    builds: Builds,
    query: str,
    extra: dict[str, Any],
    attributes: dict[str, Any],
    status: int,
    where: dict[str, str],
) -> None:
    before = trainings_of(db, TUESDAY)
    definition = db.fetchone("SELECT * FROM training_definitions WHERE id = ?", [TUESDAY])
    response = patch_definition(client, admin, attributes, query, **extra)
    assert error(response, status) == where
    assert trainings_of(db, TUESDAY) == before
    assert db.fetchone("SELECT * FROM training_definitions WHERE id = ?", [TUESDAY]) == definition
    assert builds.changes == 0


# --- cancelling a period ---------------------------------------------------------------------


def cancellation(attributes: dict[str, Any], **relationships: list[str]) -> dict[str, Any]:
    """A cancellation document; relationships map teams/definitions to ids."""
    kinds = {"teams": "teams", "definitions": "training_definitions"}
    return {
        "data": {
            "type": "training_cancellations",
            "attributes": attributes,
            "relationships": {
                name: {"data": [{"type": kinds[name], "id": i} for i in found]}
                for name, found in relationships.items()
            },
        }
    }


def in_week(db: Database, monday: str, team: int | None = None) -> list[int]:
    """The active trainings starting in the local week of `monday` (of one team)."""
    first = datetime.combine(datetime.fromisoformat(monday), time(), BRUSSELS)
    bounds: list[datetime | int] = [
        first.astimezone(ZoneInfo("UTC")).replace(tzinfo=None),
        (first + timedelta(days=7)).astimezone(ZoneInfo("UTC")).replace(tzinfo=None),
    ]
    sql = "SELECT id FROM trainings WHERE active AND start_date >= ? AND start_date < ?"
    if team is not None:
        sql += " AND id IN (SELECT training_id FROM training_teams WHERE team_id = ?)"
        bounds.append(team)
    return [row["id"] for row in db.fetchall(sql + " ORDER BY id", bounds)]


def test_cancel_a_teams_week_and_uncancel_one_definition(
    client: TestClient, db: Database, admin: dict[str, str], builds: Builds
) -> None:
    chosen = in_week(db, "2026-12-07", team=3)
    assert len(chosen) == 2  # Tuesday and Thursday
    revisions = {r["id"]: r["revision"] for r in db.fetchall("SELECT id, revision FROM trainings")}
    response = client.post(
        f"{API}/trainings/cancellations",
        headers=admin,
        json=cancellation(
            {"start": "2026-12-07", "end": "2026-12-13", "reason": "Zaal gesloten"}, teams=["3"]
        ),
    )

    assert response.status_code == 200, response.text
    content = response.json()
    assert content["meta"]["count"] == 2
    assert sorted(int(item["id"]) for item in content["data"]) == chosen
    assert {
        (item["attributes"]["event"]["cancelled"], item["attributes"]["event"]["cancel_reason"])
        for item in content["data"]
    } == {(True, "Zaal gesloten")}
    rows = db.fetchall(
        "SELECT id, cancelled, cancel_reason, revision, updated_at FROM trainings"
        " WHERE cancel_reason = 'Zaal gesloten' ORDER BY id"
    )
    assert [row["id"] for row in rows] == chosen
    assert all(
        row["cancelled"]
        and row["revision"] == revisions[row["id"]] + 1
        and row["updated_at"] == NOW
        for row in rows
    )
    assert builds.changes == 1

    again = client.post(
        f"{API}/trainings/cancellations",
        headers=admin,
        json=cancellation(
            {"start": "2026-12-07", "end": "2026-12-13", "reason": "Zaal gesloten"}, teams=["3"]
        ),
    )
    assert again.json()["meta"]["count"] == 0 and again.json()["data"] == []
    assert builds.changes == 1  # nothing changed, nothing to build

    back = client.post(
        f"{API}/trainings/cancellations",
        headers=admin,
        json=cancellation(
            {"start": "2026-12-07", "end": "2026-12-13", "cancelled": False},
            definitions=[str(TUESDAY)],
        ),
    )
    assert back.status_code == 200, back.text
    (uncancelled,) = back.json()["data"]
    assert uncancelled["attributes"]["event"]["cancelled"] is False
    assert uncancelled["attributes"]["event"]["cancel_reason"] is None
    still = db.fetchall("SELECT id FROM trainings WHERE cancel_reason = 'Zaal gesloten'")
    assert [row["id"] for row in still] == [i for i in chosen if i != int(uncancelled["id"])]
    assert builds.changes == 2


def test_cancel_every_training_of_a_period(
    client: TestClient, db: Database, admin: dict[str, str], builds: Builds
) -> None:
    chosen = in_week(db, "2027-02-15")
    response = client.post(
        f"{API}/trainings/cancellations",
        headers=admin,
        json=cancellation(
            {"start": "2027-02-15 00:00:00", "end": "2027-02-21", "reason": "Krokusvakantie"}
        ),
    )
    assert response.json()["meta"]["count"] == len(chosen) == 7
    assert (
        db.fetchvalue(
            "SELECT count(*) FROM trainings WHERE cancel_reason = 'Krokusvakantie' AND cancelled"
        )
        == 7
    )


@pytest.mark.parametrize(
    ("attributes", "relationships", "status", "where"),
    [
        ({"end": "2026-12-13"}, {}, 422, {"pointer": "/data/attributes/start"}),
        ({"start": "2026-12-07"}, {}, 422, {"pointer": "/data/attributes/end"}),
        (
            {"start": "7 december", "end": "2026-12-13"},
            {},
            422,
            {"pointer": "/data/attributes/start"},
        ),
        (
            {"start": "2026-12-07", "end": "2026-12-01"},
            {},
            422,
            {"pointer": "/data/attributes/end"},
        ),
        (
            {"start": "2026-12-07", "end": "2026-12-13", "cancelled": "yes"},
            {},
            422,
            {"pointer": "/data/attributes/cancelled"},
        ),
        (
            {"start": "2026-12-07", "end": "2026-12-13", "reason": "gesloten\nvoor werken"},
            {},
            422,
            {"pointer": "/data/attributes/reason"},
        ),
        (
            {"start": "2026-12-07", "end": "2026-12-13", "reason": "x" * 201},
            {},
            422,
            {"pointer": "/data/attributes/reason"},
        ),
        (
            {"start": "2026-12-07", "end": "2026-12-13", "reason": 5},
            {},
            422,
            {"pointer": "/data/attributes/reason"},
        ),
        (
            {"start": "2026-12-07", "end": "2026-12-13", "cancelled": False, "reason": "x"},
            {},
            422,
            {"pointer": "/data/attributes/reason"},
        ),
        (
            {"start": "2026-12-07", "end": "2026-12-13"},
            {"teams": ["3", "99"]},
            422,
            {"pointer": "/data/relationships/teams/1"},
        ),
        (
            {"start": "2026-12-07", "end": "2026-12-13"},
            {"definitions": ["abc"]},
            422,
            {"pointer": "/data/relationships/definitions/0"},
        ),
    ],
)
def test_bad_cancellations_are_refused_and_change_nothing(
    client: TestClient,
    db: Database,
    admin: dict[str, str],
    builds: Builds,
    attributes: dict[str, Any],
    relationships: dict[str, list[str]],
    status: int,
    where: dict[str, str],
) -> None:
    before = db.fetchall("SELECT * FROM trainings ORDER BY id")
    response = client.post(
        f"{API}/trainings/cancellations",
        headers=admin,
        json=cancellation(attributes, **relationships),
    )
    assert error(response, status) == where
    assert db.fetchall("SELECT * FROM trainings ORDER BY id") == before
    assert builds.changes == 0


def test_cancellations_need_a_login_and_their_type(
    client: TestClient, admin: dict[str, str], builds: Builds
) -> None:
    period = {"start": "2026-12-07", "end": "2026-12-13"}
    assert (
        client.post(f"{API}/trainings/cancellations", json=cancellation(period)).status_code == 401
    )
    wrong = {"data": {"type": "trainings", "attributes": period}}
    assert error(client.post(f"{API}/trainings/cancellations", headers=admin, json=wrong), 409) == {
        "pointer": "/data/type"
    }
    assert builds.changes == 0


# --- one training's reason -------------------------------------------------------------------


def test_one_trainings_reason_is_kept_while_it_is_cancelled(
    client: TestClient, db: Database, admin: dict[str, str], builds: Builds
) -> None:
    def patch(event: dict[str, Any]) -> Any:
        return client.patch(
            f"{API}/trainings/10",
            headers=admin,
            json={"data": {"type": "trainings", "attributes": {"event": event}}},
        )

    cancelled = patch({"cancelled": True, "cancel_reason": "  Trainer ziek "})
    assert cancelled.json()["data"]["attributes"]["event"]["cancel_reason"] == "Trainer ziek"
    assert db.fetchvalue("SELECT edited_by_hand FROM trainings WHERE id = 10") is True
    too_long = patch({"cancel_reason": "x" * 201})
    assert error(too_long, 422) == {"pointer": "/data/attributes/event/cancel_reason"}
    uncancelled = patch({"cancelled": False})
    assert uncancelled.json()["data"]["attributes"]["event"]["cancel_reason"] is None
    assert db.fetchvalue("SELECT cancel_reason FROM trainings WHERE id = 10") is None
