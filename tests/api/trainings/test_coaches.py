"""/trainings/coaches: list and read coaches, and add, change and remove them with a token."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from kwai_api.core.database import Database
from tests.conftest import Builds

URL = "/api/v1/trainings/coaches"

pytestmark = pytest.mark.usefixtures("builds")  # every request at NOW, rebuilds counted


def coach(attributes: dict[str, Any], **data: Any) -> dict[str, Any]:
    return {"data": {"type": "coaches", "attributes": attributes, **data}}


def test_lists_coaches_by_name_with_their_bios(client: TestClient, admin: dict[str, str]) -> None:
    response = client.get(URL, headers=admin)

    assert response.status_code == 200
    body = response.json()
    assert body["meta"] == {"count": 6, "offset": 0, "limit": None}
    first = body["data"][0]
    assert first["type"] == "coaches" and first["id"] == "2"
    assert first["attributes"] | {"created_at": None} == {
        "name": "An Van den Broeck",
        "active": True,
        "remark": None,
        "bio": "4e dan, jeugdtrainer en scheidsrechter.",
        "texts": [
            {"locale": "nl", "bio": "4e dan, jeugdtrainer en scheidsrechter."},
            {"locale": "en", "bio": "4th dan, youth coach and referee."},
        ],
        "created_at": None,
        "updated_at": None,
    }
    names = [item["attributes"]["name"] for item in body["data"]]
    assert names == sorted(names)
    limited = client.get(URL, params={"page[limit]": 2, "page[offset]": 1}).json()
    assert [c["id"] for c in limited["data"]] == [c["id"] for c in body["data"][1:3]]
    assert client.get(URL, params={"page[offset]": "x"}).status_code == 400


def test_creates_a_coach_with_a_bio_per_language(
    client: TestClient, admin: dict[str, str], db: Database, builds: Builds
) -> None:
    response = client.post(
        URL,
        headers=admin,
        json=coach(
            {
                "name": " Nina Wouters ",
                "remark": "new this season",
                "bio": "Nieuw.",
                "texts": [{"locale": "en", "bio": "New."}],
            }
        ),
    )

    assert response.status_code == 201, response.text
    created = response.json()["data"]
    assert created["attributes"]["name"] == "Nina Wouters"
    assert created["attributes"]["active"] is True
    assert created["attributes"]["bio"] == "Nieuw."
    assert created["attributes"]["texts"] == [
        {"locale": "nl", "bio": "Nieuw."},
        {"locale": "en", "bio": "New."},
    ]
    rows = db.fetchall(
        "SELECT locale, bio FROM coach_texts WHERE coach_id = ? ORDER BY locale",
        [int(created["id"])],
    )
    assert rows == [{"locale": "en", "bio": "New."}, {"locale": "nl", "bio": "Nieuw."}]
    assert builds.changes == 1
    assert client.get(f"{URL}/{created['id']}").json()["data"]["attributes"]["remark"] is None


def test_patch_changes_what_is_sent_and_keeps_other_languages(
    client: TestClient, admin: dict[str, str], builds: Builds
) -> None:
    response = client.patch(
        f"{URL}/2",
        headers=admin,
        json=coach(
            {"active": False, "texts": [{"locale": "en", "bio": "Youth coach, **referee**."}]},
            id="2",
        ),
    )

    assert response.status_code == 200, response.text
    attributes = response.json()["data"]["attributes"]
    assert attributes["active"] is False
    assert attributes["name"] == "An Van den Broeck"
    assert attributes["texts"] == [
        {"locale": "nl", "bio": "4e dan, jeugdtrainer en scheidsrechter."},
        {"locale": "en", "bio": "Youth coach, **referee**."},
    ]
    assert attributes["updated_at"] == "2026-11-26 12:00:00"
    assert builds.changes == 1


def test_a_coach_without_a_language_bio_shows_the_old_one(client: TestClient, db: Database) -> None:
    db.execute("UPDATE coaches SET bio = 'Oud.' WHERE id = 2")
    db.execute("DELETE FROM coach_texts WHERE coach_id = 2")

    assert client.get(f"{URL}/2").json()["data"]["attributes"]["bio"] == "Oud."


@pytest.mark.parametrize(
    ("attributes", "pointer"),
    [
        ({}, "/data/attributes/name"),
        ({"name": "  "}, "/data/attributes/name"),
        ({"name": 3}, "/data/attributes/name"),
        ({"name": "X", "active": "yes"}, "/data/attributes/active"),
        ({"name": "X", "texts": "nl"}, "/data/attributes/texts"),
        ({"name": "X", "texts": [{"locale": "fr", "bio": ""}]}, "/data/attributes/texts/0/locale"),
        (
            {"name": "X", "texts": [{"locale": "nl"}, {"locale": "nl"}]},
            "/data/attributes/texts/1/locale",
        ),
        ({"name": "X", "texts": [1]}, "/data/attributes/texts/0"),
        ({"name": "X", "bio": ["x"]}, "/data/attributes/bio"),
    ],
)
def test_bad_documents_are_422_naming_the_field(
    client: TestClient, admin: dict[str, str], attributes: dict[str, Any], pointer: str
) -> None:
    response = client.post(URL, headers=admin, json=coach(attributes))

    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["source"] == {"pointer": pointer}


def test_writes_need_a_token_and_a_known_coach(client: TestClient, admin: dict[str, str]) -> None:
    assert client.post(URL, json=coach({"name": "X"})).status_code == 401
    assert client.patch(f"{URL}/999", headers=admin, json=coach({"name": "X"})).status_code == 404
    assert client.get(f"{URL}/999").status_code == 404
    assert client.delete(f"{URL}/999", headers=admin).status_code == 404
    wrong = client.patch(f"{URL}/2", headers=admin, json=coach({"name": "X"}, id="3"))
    assert wrong.status_code == 409


def test_a_coach_that_trainings_name_cannot_be_deleted(
    client: TestClient, admin: dict[str, str], db: Database
) -> None:
    used = db.fetchvalue("SELECT count(*) FROM training_coaches WHERE coach_id = 2")

    response = client.delete(f"{URL}/2", headers=admin)

    assert response.status_code == 409
    assert f"{used} trainings" in response.json()["detail"]
    assert db.fetchvalue("SELECT count(*) FROM coaches WHERE id = 2") == 1


def test_deletes_an_unused_coach(
    client: TestClient, admin: dict[str, str], db: Database, builds: Builds
) -> None:
    created = client.post(URL, headers=admin, json=coach({"name": "Kort", "bio": "x"}))
    coach_id = created.json()["data"]["id"]

    assert client.delete(f"{URL}/{coach_id}", headers=admin).status_code == 204
    assert client.get(f"{URL}/{coach_id}").status_code == 404
    assert db.fetchvalue("SELECT count(*) FROM coach_texts WHERE coach_id = ?", [coach_id]) == 0
    assert builds.changes == 2
