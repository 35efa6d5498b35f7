"""A new club from an empty database: everything staff need to publish, made through the API."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from kwai_api.core.accounts import create_user
from kwai_api.core.database import Database
from kwai_api.core.settings import Settings
from kwai_api.server.app import create_app

API = "/api/v1"
EMAIL, PASSWORD = "board@club.example", "a long password"


@pytest.fixture
def new_club(settings: Settings, empty_db: Database) -> Iterator[TestClient]:
    """The app on a migrated, empty database with one admin (`kwai user create --admin`)."""
    create_user(empty_db, EMAIL, "Bea", "Board", PASSWORD, admin=True)
    with TestClient(create_app(settings, db=empty_db, scheduler=False)) as client:
        yield client


def post(
    client: TestClient,
    path: str,
    headers: dict[str, str],
    type: str,
    attributes: dict[str, Any],
    **relationships: Any,
) -> dict[str, Any]:
    """POST a document; the created resource."""
    data: dict[str, Any] = {"type": type, "attributes": attributes}
    if relationships:
        data["relationships"] = {k: {"data": v} for k, v in relationships.items()}
    response = client.post(f"{API}{path}", headers=headers, json={"data": data})
    assert response.status_code == 201, response.text
    return dict(response.json()["data"])


def story(application: str) -> dict[str, Any]:
    return {
        "data": {
            "type": "news_items",
            "attributes": {
                "enabled": True,
                "publish_date": "2026-11-20 10:00:00",
                "texts": [
                    {"locale": "nl", "title": "Welkom", "content": "Onze **eerste** nieuwsbrief."}
                ],
            },
            "relationships": {"application": {"data": {"type": "applications", "id": application}}},
        }
    }


def test_an_empty_club_gets_what_it_needs_to_publish(
    new_club: TestClient, empty_db: Database
) -> None:
    login = new_club.post(f"{API}/auth/login", data={"username": EMAIL, "password": PASSWORD})
    admin = {"Authorization": f"Bearer {login.json()['access_token']}"}
    assert new_club.post(f"{API}/news_items", headers=admin, json=story("1")).status_code == 422

    news = post(
        new_club,
        "/portal/applications",
        admin,
        "applications",
        {"name": "nieuws", "title": "Nieuws", "texts": [{"locale": "en", "title": "News"}]},
    )
    team = post(new_club, "/trainings/teams", admin, "teams", {"name": "Jeugd"})
    coaches = [
        post(new_club, "/trainings/coaches", admin, "coaches", {"name": name, "bio": bio})
        for name, bio in (("Ann", "3e dan"), ("Bert", "1e dan"))
    ]
    definition = post(
        new_club,
        "/training_definitions",
        admin,
        "training_definitions",
        {"name": "Jeugd woensdag", "weekday": 3, "start_time": "14:00", "end_time": "15:30"},
        team={"type": "teams", "id": team["id"]},
    )
    training = post(
        new_club,
        "/trainings",
        admin,
        "trainings",
        {
            "contents": [{"locale": "nl", "title": "Eerste training"}],
            "event": {"start_date": "2026-12-02 13:00:00", "end_date": "2026-12-02 14:30:00"},
            "coaches": [{"id": coaches[0]["id"], "head": True}, {"id": coaches[1]["id"]}],
        },
        teams=[{"type": "teams", "id": team["id"]}],
    )
    created = new_club.post(f"{API}/news_items", headers=admin, json=story(news["id"]))

    assert created.status_code == 201, created.text
    assert training["attributes"]["coaches"][0] == {
        "id": coaches[0]["id"],
        "head": True,
        "present": False,
        "payed": False,
    }
    linked = new_club.get(f"{API}/trainings/teams/{team['id']}").json()["data"]
    assert linked["relationships"]["definitions"]["data"] == [
        {"type": "training_definitions", "id": definition["id"]}
    ]
    counts = empty_db.fetchone(
        "SELECT (SELECT count(*) FROM applications) AS a, (SELECT count(*) FROM coaches) AS c,"
        " (SELECT count(*) FROM teams) AS t, (SELECT count(*) FROM news_stories) AS s"
    )
    assert counts == {"a": 1, "c": 2, "t": 1, "s": 1}
