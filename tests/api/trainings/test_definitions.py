"""Training definitions: the weekly slots, their trainings, and generating trainings from them."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from starlette.testclient import TestClient

from kwai_api.core.database import Database

API = "/api/v1"
BRUSSELS = ZoneInfo("Europe/Brussels")


def definition(**attributes: Any) -> dict[str, Any]:
    """A valid definition document, with attributes replaced or added."""
    values = {
        "name": "Kata zondag",
        "description": "Kata voor iedereen",
        "weekday": 7,
        "start_time": "10:00",
        "end_time": "11:30",
        "location": "Dojo",
        "remark": "nieuw",
    }
    values.update(attributes)
    return {
        "data": {
            "type": "training_definitions",
            "attributes": values,
            "relationships": {"team": {"data": {"type": "teams", "id": "3"}}},
        }
    }


def one(db: Database, sql: str, params: list[Any] | None = None) -> dict[str, Any]:
    """The one row a query must find."""
    row = db.fetchone(sql, params or [])
    assert row is not None, sql
    return row


def source(response: Any) -> dict[str, str]:
    """The source of the first error."""
    result: dict[str, str] = response.json()["errors"][0]["source"]
    return result


def local(timestamp: str) -> datetime:
    """An API timestamp (UTC) on the club's clock."""
    return datetime.fromisoformat(timestamp + "+00:00").astimezone(BRUSSELS)


# --- reading -------------------------------------------------------------------------------


def test_list_in_weekly_order_with_teams(client: TestClient) -> None:
    response = client.get(f"{API}/training_definitions")
    assert response.status_code == 200
    content = response.json()
    assert content["meta"] == {"count": 7, "offset": 0, "limit": None}
    slots = [(d["attributes"]["weekday"], d["attributes"]["start_time"]) for d in content["data"]]
    assert slots == sorted(slots) and slots[0] == (1, "20:00:00")
    assert {item["id"] for item in content["included"]} == {"1", "2", "3", "4", "5"}
    assert all(item["type"] == "teams" for item in content["included"])
    page = client.get(
        f"{API}/training_definitions", params={"page[offset]": 1, "page[limit]": 2}
    ).json()
    assert [d["id"] for d in page["data"]] == [d["id"] for d in content["data"][1:3]]
    assert page["meta"] == {"count": 7, "offset": 1, "limit": 2}
    bad = client.get(f"{API}/training_definitions", params={"page[limit]": "-5"})
    assert bad.status_code == 400 and source(bad) == {"parameter": "page[limit]"}


def test_one_definition(client: TestClient) -> None:
    response = client.get(f"{API}/training_definitions/4")
    assert response.status_code == 200
    assert response.json() == {
        "data": {
            "type": "training_definitions",
            "id": "4",
            "attributes": {
                "name": "Volwassenen dinsdag",
                "description": "Elke week: volwassenen dinsdag.",
                "weekday": 2,
                "start_time": "19:30:00",
                "end_time": "21:00:00",
                "active": True,
                "location": "Sporthal De Kemp, Kemzeke",
                "remark": None,
                "coaches": [],
                "created_at": "2025-10-22 08:00:00",
                "updated_at": None,
            },
            "relationships": {
                "team": {"data": {"type": "teams", "id": "3"}},
                "coaches": {"data": []},
            },
        },
        "included": [{"type": "teams", "id": "3", "attributes": {"name": "Volwassenen"}}],
    }


def test_anonymous_callers_do_not_see_remarks(
    client: TestClient, db: Database, admin: dict[str, str]
) -> None:
    db.write(
        lambda tx: tx.execute(
            "UPDATE training_definitions SET remark = 'sleutel bij de conciërge' WHERE id = 4"
        )
    )
    staff = client.get(f"{API}/training_definitions/4", headers=admin).json()
    assert staff["data"]["attributes"]["remark"] == "sleutel bij de conciërge"
    public = client.get(f"{API}/training_definitions/4").json()
    staff["data"]["attributes"]["remark"] = None
    assert public == staff  # the same document, without the remark
    listed = client.get(f"{API}/training_definitions").json()["data"]
    assert len(listed) == 7 and all(d["attributes"]["remark"] is None for d in listed)
    staff_list = client.get(f"{API}/training_definitions", headers=admin).json()["data"]
    assert {
        d["id"]: d["attributes"]["remark"] for d in staff_list if d["attributes"]["remark"]
    } == {"4": "sleutel bij de conciërge"}
    bad = client.get(f"{API}/training_definitions/4", headers={"Authorization": "Bearer x"})
    assert bad.json() == public  # a bad token reads like none


@pytest.mark.parametrize(
    "path",
    [
        "/training_definitions/99",
        "/training_definitions/one",
        "/training_definitions/99/trainings",
        "/training_definitions/x/trainings",
    ],
)
def test_unknown_definition_is_404(client: TestClient, path: str) -> None:
    assert client.get(API + path).status_code == 404


def test_a_definitions_trainings_take_the_same_filters(client: TestClient, db: Database) -> None:
    response = client.get(f"{API}/training_definitions/5/trainings")
    expected = db.fetchall(
        "SELECT id FROM trainings WHERE definition_id = 5 ORDER BY start_date DESC"
    )
    assert [int(d["id"]) for d in response.json()["data"]] == [r["id"] for r in expected]
    assert response.json()["meta"]["count"] == len(expected)
    january = client.get(
        f"{API}/training_definitions/5/trainings",
        params={"filter[year]": 2027, "filter[month]": 1, "page[limit]": 2},
    )
    data = january.json()["data"]
    assert january.json()["meta"] == {"count": 4, "offset": 0, "limit": 2}  # 4 Thursdays
    assert [local(d["attributes"]["event"]["start_date"]).date() for d in data] == [
        date(2027, 1, 28),
        date(2027, 1, 21),
    ]
    assert all(d["relationships"]["definition"]["data"]["id"] == "5" for d in data)
    bad = client.get(f"{API}/training_definitions/5/trainings", params={"filter[month]": 1})
    assert bad.status_code == 400 and source(bad) == {"parameter": "filter[month]"}


# --- writing -------------------------------------------------------------------------------


def test_create_accepts_short_times_and_returns_long_ones(
    client: TestClient, db: Database, admin: dict[str, str]
) -> None:
    response = client.post(f"{API}/training_definitions", json=definition(), headers=admin)
    assert response.status_code == 201, response.text
    data = response.json()["data"]
    assert data["attributes"]["start_time"] == "10:00:00"
    assert data["attributes"]["end_time"] == "11:30:00"
    assert data["relationships"]["team"]["data"] == {"type": "teams", "id": "3"}
    row = one(db, "SELECT * FROM training_definitions WHERE id = ?", [int(data["id"])])
    assert (
        row["name"],
        row["weekday"],
        row["start_time"],
        row["end_time"],
        row["team_id"],
        row["active"],
        row["location"],
        row["remark"],
    ) == ("Kata zondag", 7, time(10), time(11, 30), 3, True, "Dojo", "nieuw")
    stored = client.get(f"{API}/training_definitions/{data['id']}", headers=admin)
    assert stored.json()["data"] == data


def test_create_without_a_team(client: TestClient, db: Database, admin: dict[str, str]) -> None:
    document = definition(start_time="09:15:30")
    del document["data"]["relationships"]
    response = client.post(f"{API}/training_definitions", json=document, headers=admin)
    assert response.status_code == 201
    assert response.json()["data"]["relationships"]["team"]["data"] is None
    assert response.json()["data"]["attributes"]["start_time"] == "09:15:30"
    assert (
        db.fetchvalue("SELECT team_id FROM training_definitions WHERE name = 'Kata zondag'") is None
    )


@pytest.mark.parametrize(
    "attributes, pointer",
    [
        ({"end_time": "09:00"}, "/data/attributes/end_time"),
        ({"end_time": "10:00"}, "/data/attributes/end_time"),
        ({"start_time": "25:00"}, "/data/attributes/start_time"),
        ({"start_time": "10h"}, "/data/attributes/start_time"),
        ({"start_time": 10}, "/data/attributes/start_time"),
        ({"weekday": 0}, "/data/attributes/weekday"),
        ({"weekday": 8}, "/data/attributes/weekday"),
        ({"weekday": "sunday"}, "/data/attributes/weekday"),
        ({"weekday": None}, "/data/attributes/weekday"),
        ({"name": ""}, "/data/attributes/name"),
        ({"active": "yes"}, "/data/attributes/active"),
    ],
)
def test_invalid_definitions_are_422(
    client: TestClient,
    db: Database,
    admin: dict[str, str],
    attributes: dict[str, Any],
    pointer: str,
) -> None:
    response = client.post(
        f"{API}/training_definitions", json=definition(**attributes), headers=admin
    )
    assert response.status_code == 422, response.text
    assert source(response) == {"pointer": pointer}
    assert db.fetchvalue("SELECT count(*) FROM training_definitions") == 7


@pytest.mark.parametrize("team", [{"type": "teams", "id": "12"}, {"type": "teams", "id": "x"}])
def test_unknown_team_is_422(client: TestClient, admin: dict[str, str], team: Any) -> None:
    document = definition()
    document["data"]["relationships"]["team"]["data"] = team
    response = client.post(f"{API}/training_definitions", json=document, headers=admin)
    assert response.status_code == 422
    assert source(response) == {"pointer": "/data/relationships/team"}


def test_writes_need_a_login(client: TestClient, db: Database) -> None:
    assert client.post(f"{API}/training_definitions", json=definition()).status_code == 401
    assert client.patch(f"{API}/training_definitions/1", json=definition()).status_code == 401
    assert client.delete(f"{API}/training_definitions/1").status_code == 401
    generate = {"data": {"attributes": {"start": "2027-05-01", "end": "2027-05-31"}}}
    assert client.post(f"{API}/training_definitions/1/trainings", json=generate).status_code == 401
    assert db.fetchvalue("SELECT count(*) FROM training_definitions") == 7


def test_patch_changes_only_what_is_sent(
    client: TestClient, db: Database, admin: dict[str, str]
) -> None:
    document = {
        "data": {
            "type": "training_definitions",
            "id": "2",
            "attributes": {"end_time": "16:45", "active": False},
            "relationships": {"team": {"data": None}},
        }
    }
    response = client.patch(f"{API}/training_definitions/2", json=document, headers=admin)
    assert response.status_code == 200, response.text
    row = one(db, "SELECT * FROM training_definitions WHERE id = 2")
    assert (row["name"], row["start_time"], row["end_time"], row["active"], row["team_id"]) == (
        "Jeugd woensdag",
        time(15, 15),
        time(16, 45),
        False,
        None,
    )
    assert row["updated_at"] is not None
    assert response.json()["data"]["attributes"]["end_time"] == "16:45:00"
    early = {"data": {"type": "training_definitions", "attributes": {"end_time": "15:00"}}}
    refused = client.patch(f"{API}/training_definitions/2", json=early, headers=admin)
    assert refused.status_code == 422
    assert source(refused) == {"pointer": "/data/attributes/end_time"}
    unknown = client.patch(f"{API}/training_definitions/99", json=early, headers=admin)
    assert unknown.status_code == 404


def test_delete_keeps_the_trainings(
    client: TestClient, db: Database, admin: dict[str, str]
) -> None:
    kept = [r["id"] for r in db.fetchall("SELECT id FROM trainings WHERE definition_id = 6")]
    assert kept
    response = client.delete(f"{API}/training_definitions/6", headers=admin)
    assert response.status_code == 204
    assert db.fetchvalue("SELECT count(*) FROM training_definitions WHERE id = 6") == 0
    assert db.fetchvalue(
        "SELECT count(*) FROM trainings WHERE id IN (SELECT unnest(?::INTEGER[]))"
        " AND definition_id IS NULL",
        [kept],
    ) == len(kept)
    training = client.get(f"{API}/trainings/{kept[0]}").json()["data"]
    assert training["relationships"]["definition"]["data"] is None
    assert client.delete(f"{API}/training_definitions/6", headers=admin).status_code == 404
    assert client.get(f"{API}/training_definitions/6").status_code == 404


# --- generating trainings ------------------------------------------------------------------


def _created(response: Any) -> list[int]:
    assert response.status_code == 201, response.text
    return [int(t["id"]) for t in response.json()["data"]]


def test_generate_adds_only_the_missing_weeks(
    client: TestClient, db: Database, admin: dict[str, str]
) -> None:
    # the seeded Tuesday trainings run until 13 April 2027
    before = db.fetchvalue("SELECT count(*) FROM trainings WHERE definition_id = 4")
    generate = {
        "data": {"type": "trainings", "attributes": {"start": "2027-03-01", "end": "2027-05-31"}}
    }
    response = client.post(f"{API}/training_definitions/4/trainings", json=generate, headers=admin)
    created = _created(response)
    starts = [local(t["attributes"]["event"]["start_date"]) for t in response.json()["data"]]
    weeks = [date(2027, 4, 20) + timedelta(weeks=n) for n in range(6)]
    assert [s.date() for s in starts] == weeks[::-1]  # newest first
    assert response.json()["meta"]["count"] == 6
    assert all(s.time() == time(19, 30) for s in starts)
    assert db.fetchvalue("SELECT count(*) FROM trainings WHERE definition_id = 4") == before + 6
    rows = db.fetchall(
        "SELECT t.location, t.revision, tt.team_id FROM trainings t"
        " JOIN training_teams tt ON tt.training_id = t.id"
        " WHERE t.id IN (SELECT unnest(?::INTEGER[]))",
        [created],
    )
    assert len(rows) == 6
    assert {tuple(r.values()) for r in rows} == {("Sporthal De Kemp, Kemzeke", 0, 3)}
    titles = db.fetchall(
        "SELECT DISTINCT locale, title FROM training_texts WHERE training_id"
        " IN (SELECT unnest(?::INTEGER[])) ORDER BY locale",
        [created],
    )
    assert titles == [
        {"locale": "en", "title": "Volwassenen dinsdag"},
        {"locale": "nl", "title": "Volwassenen dinsdag"},
    ]
    again = client.post(f"{API}/training_definitions/4/trainings", json=generate, headers=admin)
    assert again.status_code == 200 and again.json()["data"] == []
    assert db.fetchvalue("SELECT count(*) FROM trainings WHERE definition_id = 4") == before + 6


def test_generate_keeps_local_time_across_the_clock_change(
    client: TestClient, db: Database, admin: dict[str, str]
) -> None:
    # summer time ends on 31 October 2027: 19:30 in Brussels moves from 17:30 to 18:30 UTC
    response = client.post(
        f"{API}/training_definitions/5/trainings",
        params={"start": "2027-10-20", "end": "2027-11-06"},
        headers=admin,
    )
    created = _created(response)
    events = [t["attributes"]["event"] for t in response.json()["data"]]
    assert [e["start_date"] for e in events] == [
        "2027-11-04 18:30:00",
        "2027-10-28 17:30:00",
        "2027-10-21 17:30:00",
    ]
    assert [e["end_date"] for e in events] == [
        "2027-11-04 20:00:00",
        "2027-10-28 19:00:00",
        "2027-10-21 19:00:00",
    ]
    assert (
        db.fetchvalue(
            "SELECT count(*) FROM trainings WHERE definition_id = 5"
            " AND id IN (SELECT unnest(?::INTEGER[]))",
            [created],
        )
        == 3
    )


@pytest.mark.parametrize(
    "params, document, status, where",
    [
        ({"start": "2027-05-01", "end": "May"}, None, 400, {"parameter": "end"}),
        ({"start": "01/05/2027", "end": "2027-05-31"}, None, 400, {"parameter": "start"}),
        ({"start": "2027-05-31", "end": "2027-05-01"}, None, 400, {"parameter": "end"}),
        ({"start": "2027-01-01", "end": "2031-01-01"}, None, 400, {"parameter": "end"}),
        ({}, {"start": "2027-05-01"}, 422, {"pointer": "/data/attributes/end"}),
        ({}, {"start": 20270501, "end": "2027-05-31"}, 422, {"pointer": "/data/attributes/start"}),
        (
            {},
            {"start": "0001-01-01", "end": "0001-02-01"},
            422,
            {"pointer": "/data/attributes/start"},
        ),
        (
            {},
            {"start": "2027-06-01", "end": "2027-05-01"},
            422,
            {"pointer": "/data/attributes/end"},
        ),
    ],
)
def test_generate_refuses_bad_ranges(
    client: TestClient,
    db: Database,
    admin: dict[str, str],
    params: dict[str, str],
    document: dict[str, Any] | None,
    status: int,
    where: dict[str, str],
) -> None:
    response = client.post(
        f"{API}/training_definitions/4/trainings",
        params=params,
        json={"data": {"attributes": document}} if document else None,
        headers=admin,
    )
    assert response.status_code == status, response.text
    assert source(response) == where
    assert db.fetchvalue("SELECT count(*) FROM trainings") == 287


def test_generate_for_an_unknown_definition_is_404(
    client: TestClient, admin: dict[str, str]
) -> None:
    response = client.post(
        f"{API}/training_definitions/99/trainings",
        params={"start": "2027-05-01", "end": "2027-05-31"},
        headers=admin,
    )
    assert response.status_code == 404
