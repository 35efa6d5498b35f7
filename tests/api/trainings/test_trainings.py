"""The trainings API: lists and filters on the seeded club, one training, coaches, teams, writes."""

from __future__ import annotations

import copy
import json
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from starlette.testclient import TestClient

from kwai_api.core.database import Database, Transaction
from tests.conftest import NOW, Builds

API = "/api/v1"
BRUSSELS = ZoneInfo("Europe/Brussels")
SEEDED = 287  # trainings of the seeded club (7 weekly definitions over 41 weeks)


def one(db: Database, sql: str, params: list[Any] | None = None) -> dict[str, Any]:
    """The one row a query must find."""
    row = db.fetchone(sql, params or [])
    assert row is not None, sql
    return row


def ids(response: Any) -> list[int]:
    """The ids of a list answer, in order."""
    assert response.status_code == 200, response.text
    return [int(item["id"]) for item in response.json()["data"]]


def error_source(response: Any) -> dict[str, str]:
    """The source of the first error of an error document."""
    result: dict[str, str] = response.json()["errors"][0]["source"]
    return result


def add_training(db: Database, start: datetime, end: datetime, active: bool = True) -> int:
    """A training written straight into the database (reads need no login)."""
    training: int = db.write(
        lambda tx: tx.insert(
            "INSERT INTO trainings (start_date, end_date, active) VALUES (?, ?, ?) RETURNING id",
            [start, end, active],
        )
    )
    return training


def body(**attributes: Any) -> dict[str, Any]:
    """A valid training document, with attributes replaced or added."""
    values: dict[str, Any] = {
        "contents": [
            {
                "locale": "nl",
                "format": "md",
                "title": "Extra training",
                "summary": "Met **randori**",
                "content": "Breng je *gordel* mee.",
            }
        ],
        "event": {
            "start_date": "2026-12-02 17:00:00",
            "end_date": "2026-12-02 18:30:00",
            "location": "Dojo",
            "cancelled": False,
            "active": True,
        },
        "remark": "voor de jeugd",
        "coaches": [
            {"id": "2", "head": True, "present": False, "payed": False},
            {"id": 5, "head": False, "present": True, "payed": True},
        ],
    }
    values.update(attributes)
    return {
        "data": {
            "type": "trainings",
            "attributes": values,
            "relationships": {
                "teams": {"data": [{"type": "teams", "id": "2"}, {"type": "teams", "id": "3"}]},
                "definition": {"data": {"type": "training_definitions", "id": "2"}},
            },
        }
    }


# --- reading -------------------------------------------------------------------------------


def test_list_is_newest_first_with_meta_and_included(client: TestClient, db: Database) -> None:
    response = client.get(f"{API}/trainings")
    assert response.headers["content-type"].startswith("application/vnd.api+json")
    content = response.json()
    assert content["meta"] == {"count": SEEDED, "offset": 0, "limit": None}
    expected = db.fetchall("SELECT id FROM trainings ORDER BY start_date DESC, id DESC")
    assert ids(response) == [row["id"] for row in expected]
    included = {(item["type"], item["id"]) for item in content["included"]}
    assert len(included) == len(content["included"])  # deduplicated
    assert ("training_coaches", "1") in included
    coach = next(
        item
        for item in content["included"]
        if item["type"] == "training_coaches" and item["id"] == "1"
    )
    assert coach["attributes"]["bio"] == "6e dan, hoofdtrainer sinds 1990."  # the default language
    assert ("teams", "5") in included
    assert ("training_definitions", "7") in included


def test_training_shape_matches_the_database(
    client: TestClient, db: Database, admin: dict[str, str]
) -> None:
    response = client.get(f"{API}/trainings/10", headers=admin)
    assert response.status_code == 200
    data = response.json()["data"]
    row = one(db, "SELECT * FROM trainings WHERE id = 10")
    coaches = db.fetchall("SELECT * FROM training_coaches WHERE training_id = 10 ORDER BY NOT head")
    team = db.fetchvalue("SELECT team_id FROM training_teams WHERE training_id = 10")
    assert data["type"] == "trainings" and data["id"] == "10"
    attributes = data["attributes"]
    assert attributes["event"] == {
        "start_date": row["start_date"].strftime("%Y-%m-%d %H:%M:%S"),
        "end_date": row["end_date"].strftime("%Y-%m-%d %H:%M:%S"),
        "location": "Sporthal De Kemp, Kemzeke",
        "cancelled": row["cancelled"],
        "cancel_reason": row["cancel_reason"],
        "active": True,
    }
    assert attributes["coaches"] == [
        {"id": str(c["coach_id"]), "head": c["head"], "present": False, "payed": False}
        for c in coaches
    ]
    assert {c["locale"] for c in attributes["contents"]} == {"nl", "en"}
    assert set(attributes["contents"][0]) == {
        "locale",
        "format",
        "title",
        "summary",
        "content",
        "html_summary",
        "html_content",
    }
    assert attributes["remark"] == ""  # as v1 sent an unset remark
    assert attributes["created_at"] == "2025-10-22 08:00:00"
    relationships = data["relationships"]
    assert relationships["coaches"]["data"] == [
        {"type": "training_coaches", "id": str(c["coach_id"])} for c in coaches
    ]
    assert relationships["teams"]["data"] == [{"type": "teams", "id": str(team)}]
    assert relationships["definition"]["data"] == {
        "type": "training_definitions",
        "id": str(row["definition_id"]),
    }
    names = {
        item["id"]: item["attributes"]["name"]
        for item in response.json()["included"]
        if item["type"] == "training_coaches"
    }
    assert set(names) == {str(c["coach_id"]) for c in coaches}


@pytest.mark.parametrize(
    "path",
    ["/trainings/9999", "/trainings/abc", "/trainings/-1", "/trainings/99999999999999999999"],
)
def test_unknown_training_is_404(client: TestClient, path: str) -> None:
    response = client.get(API + path)
    assert response.status_code == 404
    assert response.json()["errors"][0]["status"] == "404"


def test_pages_slice_the_same_order(client: TestClient) -> None:
    everything = ids(client.get(f"{API}/trainings"))
    response = client.get(f"{API}/trainings", params={"page[offset]": 5, "page[limit]": 3})
    assert ids(response) == everything[5:8]
    assert response.json()["meta"] == {"count": SEEDED, "offset": 5, "limit": 3}
    last = client.get(f"{API}/trainings", params={"page[offset]": SEEDED - 1})
    assert ids(last) == everything[-1:]


@pytest.mark.parametrize(
    "name, value",
    [
        ("page[offset]", "-1"),
        ("page[limit]", "ten"),
        ("page[limit]", "1.5"),
        ("filter[year]", "twenty"),
        ("filter[month]", "-2"),
        ("filter[active]", "maybe"),
        ("filter[coach]", "x"),
        ("filter[team]", "-3"),
        ("filter[definition]", "1e3"),
    ],
)
def test_bad_parameters_are_400_naming_them(client: TestClient, name: str, value: str) -> None:
    params = {name: value, **({"filter[year]": "2026"} if name == "filter[month]" else {})}
    response = client.get(f"{API}/trainings", params=params)
    assert response.status_code == 400
    assert error_source(response) == {"parameter": name}


def test_month_counts_on_the_clubs_clock(client: TestClient, db: Database) -> None:
    # 23:30 UTC on 31 December is already 1 January in Brussels
    new_year = add_training(db, datetime(2026, 12, 31, 23, 30), datetime(2027, 1, 1, 0, 30))
    december = client.get(f"{API}/trainings", params={"filter[year]": 2026, "filter[month]": 12})
    january = client.get(f"{API}/trainings", params={"filter[year]": 2027, "filter[month]": 1})
    assert new_year in ids(january) and new_year not in ids(december)
    for response, month in ((december, 12), (january, 1)):
        starts = [item["attributes"]["event"]["start_date"] for item in response.json()["data"]]
        local = [datetime.fromisoformat(s + "+00:00").astimezone(BRUSSELS) for s in starts]
        assert local and all(moment.month == month for moment in local)
        assert response.json()["meta"]["count"] == len(starts)
    # the seeded December: 2026-12-01 00:00 Brussels = 2026-11-30 23:00 UTC
    expected = db.fetchvalue(
        "SELECT count(*) FROM trainings"
        " WHERE start_date >= '2026-11-30 23:00:00' AND start_date < '2026-12-31 23:00:00'"
    )
    assert december.json()["meta"]["count"] == expected


def test_year_alone_and_month_needs_year(client: TestClient, db: Database) -> None:
    year = client.get(f"{API}/trainings", params={"filter[year]": 2027})
    assert year.json()["meta"]["count"] == db.fetchvalue(
        "SELECT count(*) FROM trainings WHERE start_date >= '2026-12-31 23:00:00'"
    )
    lonely = client.get(f"{API}/trainings", params={"filter[month]": 3})
    assert lonely.status_code == 400
    assert error_source(lonely) == {"parameter": "filter[month]"}
    thirteenth = client.get(f"{API}/trainings", params={"filter[year]": 2026, "filter[month]": 13})
    assert thirteenth.status_code == 400
    assert error_source(thirteenth) == {"parameter": "filter[month]"}


def test_start_and_end_bound_the_start_inclusively(client: TestClient, db: Database) -> None:
    first = one(db, "SELECT id, start_date FROM trainings ORDER BY start_date LIMIT 1 OFFSET 3")
    last = one(db, "SELECT id, start_date FROM trainings ORDER BY start_date LIMIT 1 OFFSET 9")
    params = {
        "filter[start]": first["start_date"].strftime("%Y-%m-%d %H:%M:%S"),
        "filter[end]": last["start_date"].isoformat() + "Z",
    }
    response = client.get(f"{API}/trainings", params=params)
    found = ids(response)
    assert len(found) == 7 and found[0] == last["id"] and found[-1] == first["id"]


@pytest.mark.parametrize(
    "params, named",
    [
        ({"filter[start]": "2026-11-01 00:00:00"}, "filter[end]"),
        ({"filter[end]": "2026-11-01 00:00:00"}, "filter[start]"),
        ({"filter[start]": "yesterday", "filter[end]": "2026-11-01 00:00:00"}, "filter[start]"),
        ({"filter[start]": "2026-11-01 00:00:00", "filter[end]": "2026-13-01"}, "filter[end]"),
        (
            {"filter[start]": "2026-11-02 00:00:00", "filter[end]": "2026-11-01 00:00:00"},
            "filter[end]",
        ),
    ],
)
def test_bad_windows_are_400(client: TestClient, params: dict[str, str], named: str) -> None:
    response = client.get(f"{API}/trainings", params=params)
    assert response.status_code == 400
    assert error_source(response) == {"parameter": named}


def test_coach_team_and_definition_filters(client: TestClient, db: Database) -> None:
    for name, sql in (
        ("coach", "SELECT training_id AS id FROM training_coaches WHERE coach_id = 3"),
        ("team", "SELECT training_id AS id FROM training_teams WHERE team_id = 3"),
        ("definition", "SELECT id FROM trainings WHERE definition_id = 3"),
    ):
        response = client.get(f"{API}/trainings", params={f"filter[{name}]": 3})
        expected = {row["id"] for row in db.fetchall(sql)}
        assert set(ids(response)) == expected and expected
        assert response.json()["meta"]["count"] == len(expected)


@pytest.mark.parametrize("name", ["coach", "team", "definition"])
def test_unknown_filter_ids_are_404(client: TestClient, name: str) -> None:
    response = client.get(f"{API}/trainings", params={f"filter[{name}]": 77})
    assert response.status_code == 404
    assert error_source(response) == {"parameter": f"filter[{name}]"}


def test_inactive_trainings_only_with_active_false(
    client: TestClient, db: Database, admin: dict[str, str]
) -> None:
    hidden = add_training(db, datetime(2026, 11, 27, 17), datetime(2026, 11, 27, 18), active=False)
    assert hidden not in ids(client.get(f"{API}/trainings", headers=admin))
    assert hidden not in ids(
        client.get(f"{API}/trainings", params={"filter[active]": "true"}, headers=admin)
    )
    everything = client.get(f"{API}/trainings", params={"filter[active]": "false"}, headers=admin)
    assert hidden in ids(everything)
    assert everything.json()["meta"]["count"] == SEEDED + 1
    one = client.get(f"{API}/trainings/{hidden}", headers=admin).json()["data"]
    assert one["attributes"]["event"]["active"] is False
    assert one["relationships"]["definition"]["data"] is None
    assert one["attributes"]["contents"] == [] and one["relationships"]["teams"]["data"] == []


# --- what anonymous callers see ------------------------------------------------------------


def test_inactive_trainings_do_not_exist_for_anonymous_callers(
    client: TestClient, db: Database, admin: dict[str, str]
) -> None:
    definition = db.fetchvalue("SELECT definition_id FROM trainings WHERE id = 40")
    of_definition = db.fetchvalue(
        "SELECT count(*) FROM trainings WHERE definition_id = ?", [definition]
    )
    db.write(lambda tx: tx.execute("UPDATE trainings SET active = false WHERE id = 40"))
    everything = {"filter[active]": "false"}
    for params, count in (
        ({}, SEEDED - 1),
        (everything, SEEDED - 1),  # asking for inactive ones too changes nothing
        ({**everything, "filter[definition]": definition}, of_definition - 1),
    ):
        response = client.get(f"{API}/trainings", params=params)
        assert 40 not in ids(response) and response.json()["meta"]["count"] == count
    listed = client.get(f"{API}/training_definitions/{definition}/trainings", params=everything)
    assert 40 not in ids(listed) and listed.json()["meta"]["count"] == of_definition - 1
    missing = client.get(f"{API}/trainings/40")
    assert missing.status_code == 404 and missing.json()["errors"][0]["status"] == "404"
    # the staff still see it, and only when they ask for inactive ones too
    staff = client.get(f"{API}/trainings", params=everything, headers=admin)
    assert 40 in ids(staff) and staff.json()["meta"]["count"] == SEEDED
    assert 40 in ids(
        client.get(
            f"{API}/training_definitions/{definition}/trainings", params=everything, headers=admin
        )
    )
    found = client.get(f"{API}/trainings/40", headers=admin)
    assert found.status_code == 200
    assert found.json()["data"]["attributes"]["event"]["active"] is False


def test_anonymous_callers_see_no_remark_or_attendance(
    client: TestClient, db: Database, admin: dict[str, str]
) -> None:
    definition = db.fetchvalue("SELECT definition_id FROM trainings WHERE id = 10")

    def note(tx: Transaction) -> None:
        tx.execute("UPDATE trainings SET remark = 'sleutel bij Jan' WHERE id = 10")
        tx.execute(
            "UPDATE training_coaches SET present = true, payed = true WHERE training_id = 10"
        )
        tx.execute(
            "UPDATE training_definitions SET remark = 'zaal boeken' WHERE id = ?", [definition]
        )

    db.write(note)
    staff = client.get(f"{API}/trainings/10", headers=admin).json()
    attributes = staff["data"]["attributes"]
    assert attributes["remark"] == "sleutel bij Jan"
    assert attributes["coaches"] and all(
        set(c) == {"id", "head", "present", "payed"} and c["present"] and c["payed"]
        for c in attributes["coaches"]
    )
    [included] = [item for item in staff["included"] if item["type"] == "training_definitions"]
    assert included["attributes"]["remark"] == "zaal boeken"
    # the public sees the same document without the staff's notes
    expected = copy.deepcopy(staff)
    expected["data"]["attributes"]["remark"] = None
    expected["data"]["attributes"]["coaches"] = [
        {"id": c["id"], "head": c["head"]} for c in attributes["coaches"]
    ]
    for item in expected["included"]:
        if item["type"] == "training_definitions":
            item["attributes"]["remark"] = None
    assert client.get(f"{API}/trainings/10").json() == expected
    listed = client.get(f"{API}/trainings").json()
    assert [item for item in listed["data"] if item["id"] == "10"] == [expected["data"]]
    assert [
        item["attributes"]["remark"]
        for item in listed["included"]
        if item["type"] == "training_definitions" and item["id"] == str(definition)
    ] == [None]
    in_list = client.get(f"{API}/trainings", headers=admin).json()["data"]
    assert [item for item in in_list if item["id"] == "10"] == [staff["data"]]


def test_a_bad_token_reads_as_anonymous(client: TestClient) -> None:
    bad = {"Authorization": "Bearer not-a-token"}
    for path in ("/trainings", "/trainings/10", "/training_definitions/4/trainings"):
        response = client.get(API + path, headers=bad)
        assert response.status_code == 200
        assert response.json() == client.get(API + path).json()


# --- writing -------------------------------------------------------------------------------


def test_create_stores_training_texts_coaches_and_teams(
    client: TestClient, db: Database, admin: dict[str, str], builds: Builds
) -> None:
    response = client.post(f"{API}/trainings", json=body(), headers=admin)
    assert response.status_code == 201, response.text
    data = response.json()["data"]
    training_id = int(data["id"])
    row = one(db, "SELECT * FROM trainings WHERE id = ?", [training_id])
    assert row["start_date"] == datetime(2026, 12, 2, 17) and row["location"] == "Dojo"
    assert row["definition_id"] == 2 and row["revision"] == 0 and row["remark"] == "voor de jeugd"
    text = one(db, "SELECT * FROM training_texts WHERE training_id = ?", [training_id])
    assert text["html_summary"] == "<p>Met <strong>randori</strong></p>"
    assert text["author_id"] == db.fetchvalue("SELECT id FROM users WHERE admin")
    assert db.fetchall(
        "SELECT coach_id, head, present, payed FROM training_coaches WHERE training_id = ?"
        " ORDER BY coach_id",
        [training_id],
    ) == [
        {"coach_id": 2, "head": True, "present": False, "payed": False},
        {"coach_id": 5, "head": False, "present": True, "payed": True},
    ]
    assert [
        r["team_id"]
        for r in db.fetchall(
            "SELECT team_id FROM training_teams WHERE training_id = ? ORDER BY 1", [training_id]
        )
    ] == [2, 3]
    assert data["attributes"]["contents"][0]["html_content"] == (
        "<p>Breng je <em>gordel</em> mee.</p>"
    )
    assert data["relationships"]["definition"]["data"]["id"] == "2"
    assert builds.changes == 1
    assert client.get(f"{API}/trainings/{training_id}", headers=admin).json()["data"] == data


@pytest.mark.parametrize("content_type", [None, "application/json", "application/vnd.api+json"])
def test_create_accepts_old_content_types(
    client: TestClient, admin: dict[str, str], content_type: str | None
) -> None:
    headers = dict(admin, **({"Content-Type": content_type} if content_type else {}))
    response = client.post(f"{API}/trainings", content=json.dumps(body()), headers=headers)
    assert response.status_code == 201, response.text


def test_writes_need_a_login(client: TestClient, db: Database) -> None:
    assert client.post(f"{API}/trainings", json=body()).status_code == 401
    assert client.patch(f"{API}/trainings/1", json=body()).status_code == 401
    assert client.delete(f"{API}/trainings/1").status_code == 401
    assert db.fetchvalue("SELECT count(*) FROM trainings") == SEEDED


def _without(path: str) -> dict[str, Any]:
    document = body()
    *parents, last = path.split("/")
    target = document["data"]
    for key in parents:
        target = target[int(key)] if isinstance(target, list) else target[key]
    del target[last]
    return document


@pytest.mark.parametrize(
    "document, pointer",
    [
        (
            body(event={"start_date": "2026-12-02 17:00:00", "end_date": "2026-12-02 16:00:00"}),
            "/data/attributes/event/end_date",
        ),
        (
            body(event={"start_date": "2026-12-02 17:00:00", "end_date": "tomorrow"}),
            "/data/attributes/event/end_date",
        ),
        (_without("attributes/event/start_date"), "/data/attributes/event/start_date"),
        (_without("attributes/event"), "/data/attributes/event"),
        (body(event="2026-12-02"), "/data/attributes/event"),
        (_without("attributes/contents"), "/data/attributes/contents"),
        (body(contents=[]), "/data/attributes/contents"),
        (
            body(contents=[{"locale": "fr", "title": "Entraînement"}]),
            "/data/attributes/contents/0/locale",
        ),
        (
            body(contents=[{"locale": "nl", "title": "A"}, {"locale": "nl", "title": "B"}]),
            "/data/attributes/contents/1/locale",
        ),
        (
            body(contents=[{"locale": "nl", "title": "A", "format": "rtf"}]),
            "/data/attributes/contents/0/format",
        ),
        (body(contents=[{"locale": "en", "title": "  "}]), "/data/attributes/contents/0/title"),
        (body(contents=["nl"]), "/data/attributes/contents/0"),
        (body(coaches=[{"id": "99"}]), "/data/attributes/coaches/0/id"),
        (body(coaches=[{"id": "1"}, {"id": 1}]), "/data/attributes/coaches/1/id"),
        (body(coaches=[{"id": "1", "head": "yes please"}]), "/data/attributes/coaches/0/head"),
        (body(remark=12), "/data/attributes/remark"),
    ],
)
def test_invalid_documents_are_422_naming_the_field(
    client: TestClient,
    db: Database,
    admin: dict[str, str],
    document: dict[str, Any],
    pointer: str,
) -> None:
    response = client.post(f"{API}/trainings", json=document, headers=admin)
    assert response.status_code == 422, response.text
    assert error_source(response) == {"pointer": pointer}
    assert db.fetchvalue("SELECT count(*) FROM trainings") == SEEDED


@pytest.mark.parametrize(
    "relationship, data, pointer",
    [
        (
            "teams",
            [{"type": "teams", "id": "2"}, {"type": "teams", "id": "42"}],
            "/data/relationships/teams/1",
        ),
        ("teams", [{"type": "teams", "id": "x"}], "/data/relationships/teams/0"),
        ("teams", {"type": "teams", "id": "2"}, "/data/relationships/teams"),
        (
            "definition",
            {"type": "training_definitions", "id": "99999999999"},
            "/data/relationships/definition",
        ),
    ],
)
def test_unknown_relations_are_422(
    client: TestClient,
    db: Database,
    admin: dict[str, str],
    relationship: str,
    data: Any,
    pointer: str,
) -> None:
    document = body()
    document["data"]["relationships"][relationship] = {"data": data}
    response = client.post(f"{API}/trainings", json=document, headers=admin)
    assert response.status_code == 422
    assert error_source(response) == {"pointer": pointer}
    assert db.fetchvalue("SELECT count(*) FROM training_texts WHERE title = 'Extra training'") == 0


def test_wrong_type_or_media_type(client: TestClient, admin: dict[str, str]) -> None:
    document = body()
    document["data"]["type"] = "news_items"
    assert client.post(f"{API}/trainings", json=document, headers=admin).status_code == 409
    text = dict(admin, **{"Content-Type": "text/plain"})
    response = client.post(f"{API}/trainings", content=json.dumps(body()), headers=text)
    assert response.status_code == 415
    broken = dict(admin, **{"Content-Type": "application/json"})
    assert client.post(f"{API}/trainings", content=b"{", headers=broken).status_code == 400


def test_patch_replaces_what_is_sent_and_bumps_revision(
    client: TestClient, db: Database, admin: dict[str, str], builds: Builds
) -> None:
    before = one(db, "SELECT * FROM trainings WHERE id = 20")
    document = {
        "data": {
            "type": "trainings",
            "id": "20",
            "attributes": {
                "event": {"cancelled": True},
                "contents": [
                    {
                        "locale": "en",
                        "format": "html",
                        "title": "Cancelled",
                        "summary": "<b>no</b><script>x()</script>",
                    }
                ],
                "coaches": [{"id": "6", "head": True}],
            },
            "relationships": {"teams": {"data": []}},
        }
    }
    response = client.patch(f"{API}/trainings/20", json=document, headers=admin)
    assert response.status_code == 200, response.text
    after = one(db, "SELECT * FROM trainings WHERE id = 20")
    assert after["cancelled"] is True and after["revision"] == before["revision"] + 1
    assert after["start_date"] == before["start_date"] and after["end_date"] == before["end_date"]
    assert after["definition_id"] == before["definition_id"]
    assert after["updated_at"] == NOW > before["updated_at"]
    assert db.fetchall(
        "SELECT locale, html_summary FROM training_texts WHERE training_id = 20"
    ) == [{"locale": "en", "html_summary": "<b>no</b>"}]
    assert db.fetchall("SELECT coach_id, head FROM training_coaches WHERE training_id = 20") == [
        {"coach_id": 6, "head": True}
    ]
    assert db.fetchvalue("SELECT count(*) FROM training_teams WHERE training_id = 20") == 0
    attributes = response.json()["data"]["attributes"]
    assert attributes["event"]["cancelled"] is True
    assert attributes["updated_at"] == after["updated_at"].strftime("%Y-%m-%d %H:%M:%S")
    assert builds.changes == 1


def test_patch_keeps_what_is_not_sent(
    client: TestClient, db: Database, admin: dict[str, str]
) -> None:
    texts = db.fetchall("SELECT * FROM training_texts WHERE training_id = 21 ORDER BY locale")
    coaches = db.fetchall("SELECT * FROM training_coaches WHERE training_id = 21 ORDER BY 2")
    document = {
        "data": {
            "type": "trainings",
            "attributes": {"remark": "zaal B"},
            "relationships": {"definition": {"data": None}},
        }
    }
    response = client.patch(f"{API}/trainings/21", json=document, headers=admin)
    assert response.status_code == 200
    assert (
        db.fetchall("SELECT * FROM training_texts WHERE training_id = 21 ORDER BY locale") == texts
    )
    assert (
        db.fetchall("SELECT * FROM training_coaches WHERE training_id = 21 ORDER BY 2") == coaches
    )
    row = one(db, "SELECT remark, definition_id, revision FROM trainings WHERE id = 21")
    assert row == {"remark": "zaal B", "definition_id": None, "revision": 1}
    assert response.json()["data"]["relationships"]["definition"]["data"] is None


def test_patch_checks_dates_against_the_stored_ones(
    client: TestClient, db: Database, admin: dict[str, str]
) -> None:
    start = db.fetchvalue("SELECT start_date FROM trainings WHERE id = 22")
    early = {
        "data": {
            "type": "trainings",
            "attributes": {
                "event": {
                    "end_date": start.replace(hour=start.hour - 1).strftime("%Y-%m-%d %H:%M:%S")
                }
            },
        }
    }
    response = client.patch(f"{API}/trainings/22", json=early, headers=admin)
    assert response.status_code == 422
    assert error_source(response) == {"pointer": "/data/attributes/event/end_date"}
    assert db.fetchvalue("SELECT revision FROM trainings WHERE id = 22") == 0


@pytest.mark.parametrize("path, status", [("/trainings/9999", 404), ("/trainings/x", 404)])
def test_patch_unknown_is_404(
    client: TestClient, admin: dict[str, str], path: str, status: int
) -> None:
    response = client.patch(
        API + path, json={"data": {"type": "trainings", "attributes": {}}}, headers=admin
    )
    assert response.status_code == status


def test_patch_with_another_id_is_409(client: TestClient, admin: dict[str, str]) -> None:
    document = {"data": {"type": "trainings", "id": "3", "attributes": {"remark": "x"}}}
    assert client.patch(f"{API}/trainings/4", json=document, headers=admin).status_code == 409


def test_delete_removes_the_training_and_its_rows(
    client: TestClient, db: Database, admin: dict[str, str], builds: Builds
) -> None:
    response = client.delete(f"{API}/trainings/30", headers=admin)
    assert response.status_code == 204 and response.content == b""
    for table, column in (
        ("trainings", "id"),
        ("training_texts", "training_id"),
        ("training_coaches", "training_id"),
        ("training_teams", "training_id"),
    ):
        assert db.fetchvalue(f"SELECT count(*) FROM {table} WHERE {column} = 30") == 0
    assert db.fetchvalue("SELECT count(*) FROM trainings") == SEEDED - 1
    assert builds.changes == 1
    assert client.delete(f"{API}/trainings/30", headers=admin).status_code == 404
    assert client.get(f"{API}/trainings/30").status_code == 404
    assert builds.changes == 1


def test_reads_do_not_ask_for_a_rebuild(client: TestClient, builds: Builds) -> None:
    client.get(f"{API}/trainings")
    client.get(f"{API}/trainings/1")
    assert builds.changes == 0
