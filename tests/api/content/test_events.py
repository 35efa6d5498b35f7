"""/events: lists and filters (anonymous callers see enabled events, no remark), and edits."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from kwai_api.core.database import Database
from tests.conftest import NOW, Builds, app_id, ids

URL = "/api/v1/events"
TODAY = NOW.date()

pytestmark = pytest.mark.usefixtures("builds")  # every request at NOW, rebuilds counted


def events(db: Database, where: str = "true", params: list[Any] | None = None) -> list[str]:
    """The ids of the seeded events a WHERE clause selects, by start day."""
    rows = db.fetchall(f"SELECT id FROM events WHERE {where} ORDER BY start_date, id", params or [])
    return [str(r["id"]) for r in rows]


def new_event(db: Database, **attributes: Any) -> dict[str, Any]:
    """A document creating a one-day event of the tournaments application."""
    return {
        "data": {
            "type": "events",
            "attributes": {
                "start_date": "2027-03-13",
                "texts": [
                    {"locale": "nl", "title": "Lentetornooi"},
                    {"locale": "en", "title": "Spring tournament", "content": "**Come**"},
                ],
                **attributes,
            },
            "relationships": {
                "application": {
                    "data": {"type": "applications", "id": str(app_id(db, "tournaments"))}
                }
            },
        }
    }


def pointer(response: Any) -> str:
    result: str = response.json()["errors"][0]["source"]["pointer"]
    return result


# -- reading -------------------------------------------------------------------------------


def test_anonymous_callers_get_enabled_events_by_day_without_remark(
    client: TestClient, db: Database
) -> None:
    enabled = events(db, "enabled")
    assert 0 < len(enabled) < len(events(db))  # the demo club has a draft too

    body = client.get(URL).json()

    assert [item["id"] for item in body["data"]] == enabled
    assert all("remark" not in item["attributes"] for item in body["data"])
    assert body["meta"]["count"] == len(enabled)
    assert {i["type"] for i in body["included"]} == {"applications"}


def test_staff_see_every_event_with_its_remark(
    client: TestClient, db: Database, admin: dict[str, str]
) -> None:
    body = client.get(URL, headers=admin).json()

    assert [item["id"] for item in body["data"]] == events(db)
    draft = next(i for i in body["data"] if not i["attributes"]["enabled"])
    assert draft["attributes"]["remark"] == "Zaal nog bevestigen"


def test_an_event_shows_its_days_registration_and_texts(client: TestClient, db: Database) -> None:
    row = db.fetchone("SELECT * FROM events WHERE registration_url IS NOT NULL ORDER BY id")
    assert row is not None

    item = client.get(f"{URL}/{row['id']}").json()["data"]

    assert item["attributes"]["start_date"] == row["start_date"].isoformat()
    assert item["attributes"]["end_date"] == row["end_date"].isoformat()
    assert item["attributes"]["registration_url"] == row["registration_url"]
    assert item["attributes"]["registration_deadline"] == row["registration_deadline"].isoformat()
    assert [t["locale"] for t in item["attributes"]["texts"]] == ["nl", "en"]
    assert "<strong>" in item["attributes"]["texts"][0]["html_content"]
    assert item["relationships"]["application"]["data"]["id"] == str(row["application_id"])


def test_a_draft_is_hidden_from_anonymous_callers_only(
    client: TestClient, db: Database, admin: dict[str, str]
) -> None:
    draft = events(db, "NOT enabled")[0]

    assert client.get(f"{URL}/{draft}").status_code == 404
    assert client.get(f"{URL}/{draft}", headers=admin).json()["data"]["id"] == draft


@pytest.mark.parametrize("upcoming, where", [("true", "end_date >= ?"), ("false", "end_date < ?")])
def test_filter_upcoming_splits_at_today(
    client: TestClient, db: Database, upcoming: str, where: str
) -> None:
    expected = events(db, f"enabled AND {where}", [TODAY])
    assert expected

    assert ids(client.get(URL, params={"filter[upcoming]": upcoming})) == expected


def test_filter_year_and_application(client: TestClient, db: Database) -> None:
    tournaments = app_id(db, "tournaments")
    expected = events(
        db, "enabled AND application_id = ? AND year(start_date) = 2027", [tournaments]
    )

    found = ids(
        client.get(URL, params={"filter[year]": "2027", "filter[application]": "tournaments"})
    )

    assert found == expected
    assert ids(client.get(URL, params={"filter[year]": "1990"})) == []


@pytest.mark.parametrize(
    "params, parameter, status",
    [
        ({"filter[upcoming]": "soon"}, "filter[upcoming]", 400),
        ({"filter[year]": "twenty"}, "filter[year]", 400),
        ({"filter[year]": "12"}, "filter[year]", 400),
        ({"filter[application]": "nope"}, "filter[application]", 404),
        ({"page[limit]": "-1"}, "page[limit]", 400),
    ],
)
def test_bad_filters_name_the_parameter(
    client: TestClient, params: dict[str, str], parameter: str, status: int
) -> None:
    response = client.get(URL, params=params)

    assert response.status_code == status
    assert response.json()["errors"][0]["source"]["parameter"] == parameter


def test_an_unknown_event_is_404(client: TestClient) -> None:
    assert client.get(f"{URL}/99999").status_code == 404
    assert client.get(f"{URL}/x").status_code == 404


# -- writing -------------------------------------------------------------------------------


def test_staff_create_a_one_day_event(
    client: TestClient, db: Database, admin: dict[str, str], builds: Builds
) -> None:
    doc = new_event(
        db,
        location="Sporthal",
        registration_url="https://example.org/in",
        registration_deadline="2027-03-01",
        remark="ask the hall",
    )

    response = client.post(URL, json=doc, headers=admin)

    assert response.status_code == 201, response.text
    item = response.json()["data"]
    assert item["attributes"]["end_date"] == "2027-03-13"  # one day
    assert item["attributes"]["enabled"] is False
    assert item["attributes"]["remark"] == "ask the hall"
    row = db.fetchone("SELECT * FROM events WHERE id = ?", [int(item["id"])])
    assert row is not None and row["location"] == "Sporthal"
    texts = db.fetchall(
        "SELECT locale, html_content FROM event_texts WHERE event_id = ?", [int(item["id"])]
    )
    assert {t["locale"] for t in texts} == {"nl", "en"}
    assert builds.changes == 1


def test_staff_patch_days_and_texts(
    client: TestClient, db: Database, admin: dict[str, str], builds: Builds
) -> None:
    event = events(db)[0]
    doc = {
        "data": {
            "type": "events",
            "id": event,
            "attributes": {
                "end_date": "2027-01-02",
                "start_date": "2027-01-01",
                "enabled": False,
                "texts": [{"locale": "en", "title": "Renamed"}],
            },
        }
    }

    response = client.patch(f"{URL}/{event}", json=doc, headers=admin)

    assert response.status_code == 200, response.text
    row = db.fetchone("SELECT start_date, end_date, enabled FROM events WHERE id = ?", [event])
    assert row is not None
    assert (row["start_date"].isoformat(), row["end_date"].isoformat()) == (
        "2027-01-01",
        "2027-01-02",
    )
    assert not row["enabled"]
    titles = db.fetchall("SELECT title FROM event_texts WHERE event_id = ?", [event])
    assert [t["title"] for t in titles] == ["Renamed"]
    assert builds.changes == 1


def test_staff_delete_an_event_and_its_texts(
    client: TestClient, db: Database, admin: dict[str, str], builds: Builds
) -> None:
    event = events(db)[0]

    assert client.delete(f"{URL}/{event}", headers=admin).status_code == 204

    assert db.fetchone("SELECT id FROM events WHERE id = ?", [event]) is None
    assert db.fetchall("SELECT * FROM event_texts WHERE event_id = ?", [event]) == []
    assert client.delete(f"{URL}/{event}", headers=admin).status_code == 404
    assert builds.changes == 1


def test_anonymous_callers_may_not_write(client: TestClient, db: Database) -> None:
    event = events(db)[0]

    assert client.post(URL, json=new_event(db)).status_code == 401
    assert client.patch(f"{URL}/{event}", json={"data": {"type": "events"}}).status_code == 401
    assert client.delete(f"{URL}/{event}").status_code == 401


@pytest.mark.parametrize(
    "attributes, field",
    [
        ({"start_date": "2027-03-13", "end_date": "2027-03-12"}, "end_date"),
        ({"start_date": "13/03/2027"}, "start_date"),
        ({"start_date": "2027-02-30"}, "start_date"),
        ({"start_date": 20270313}, "start_date"),
        ({"start_date": "1850-01-01"}, "start_date"),
        ({"start_date": "2999-01-01"}, "start_date"),
        ({"registration_deadline": "soon"}, "registration_deadline"),
        ({"registration_deadline": "2027-03-14"}, "registration_deadline"),
        ({"start_date": "2027-W10-1"}, "start_date"),
        ({"start_date": " 2027-03-13"}, "start_date"),
        ({"registration_url": "javascript:alert(1)"}, "registration_url"),
        ({"registration_url": "example.org/in"}, "registration_url"),
        ({"enabled": "yes"}, "enabled"),
        ({"texts": []}, "texts"),
        ({"texts": [{"locale": "fr", "title": "Tournoi"}]}, "texts/0/locale"),
    ],
)
def test_bad_attributes_are_422_at_the_field(
    client: TestClient,
    db: Database,
    admin: dict[str, str],
    attributes: dict[str, Any],
    field: str,
) -> None:
    response = client.post(URL, json=new_event(db, **attributes), headers=admin)

    assert response.status_code == 422, response.text
    assert pointer(response) == f"/data/attributes/{field}"


def test_a_patched_start_after_the_end_points_at_start_date(
    client: TestClient, db: Database, admin: dict[str, str]
) -> None:
    event = db.fetchone("SELECT id, end_date FROM events ORDER BY id")
    assert event is not None
    later = event["end_date"].replace(year=event["end_date"].year + 1).isoformat()
    doc = {"data": {"type": "events", "attributes": {"start_date": later}}}

    response = client.patch(f"{URL}/{event['id']}", json=doc, headers=admin)

    assert response.status_code == 422
    assert pointer(response) == "/data/attributes/start_date"


@pytest.mark.parametrize("application", ["club", "nope", None])
def test_the_application_must_hold_events(
    client: TestClient, db: Database, admin: dict[str, str], application: str | None
) -> None:
    doc = new_event(db)
    doc["data"]["relationships"]["application"]["data"] = (
        None if application is None else {"type": "applications", "id": application}
    )

    response = client.post(URL, json=doc, headers=admin)

    assert response.status_code == 422
    assert pointer(response) == "/data/relationships/application"


def test_a_document_of_another_type_is_409(
    client: TestClient, db: Database, admin: dict[str, str]
) -> None:
    doc = new_event(db)
    doc["data"]["type"] = "news_items"

    response = client.post(URL, json=doc, headers=admin)

    assert response.status_code == 409
    assert pointer(response) == "/data/type"


def test_an_application_with_events_cannot_be_deleted(
    client: TestClient, db: Database, admin: dict[str, str]
) -> None:
    tournaments = app_id(db, "tournaments")
    db.execute("DELETE FROM news_stories WHERE application_id = ?", [tournaments])
    db.execute("DELETE FROM pages WHERE application_id = ?", [tournaments])
    count = len(events(db, "application_id = ?", [tournaments]))

    response = client.delete(f"/api/v1/portal/applications/{tournaments}", headers=admin)

    assert response.status_code == 409
    assert f"0 stories, 0 pages and {count} events" in response.json()["detail"]
